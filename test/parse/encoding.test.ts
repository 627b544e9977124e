import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUtf8 } from '../../server/src/engine/parse/encoding';

test('valid UTF-8 decodes, BOM dropped', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a: é\n')]);
  assert.deepEqual(decodeUtf8(bytes), { text: 'a: é\n' });
});

test('invalid UTF-8 reports the first bad byte', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('a: '), 0xff, 0x41]);
  const d = decodeUtf8(bytes);
  assert.equal(d.invalidAt, 3);
  assert.ok(d.text.startsWith('a: '));
});

test('truncated multi-byte sequence is invalid', () => {
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0xc3])).invalidAt, 1);
});

test('overlong encodings and surrogates are invalid at their first byte', () => {
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0xc0, 0x80])).invalidAt, 1);
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0x62, 0xe0, 0x80, 0x80])).invalidAt, 2);
  assert.equal(decodeUtf8(new Uint8Array([0xed, 0xa0, 0x80])).invalidAt, 0);
  assert.equal(decodeUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80])).invalidAt, 0);
});
