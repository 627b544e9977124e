// Bytes on disk → text and byte findings: the invalid-encoding finding lands on the first bad byte,
// counted in UTF-16 code units as LSP positions are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../server/src/workspace/read';

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

const CASES: { name: string; bytes: number[]; text?: string; at?: number }[] = [
  { name: 'valid UTF-8', bytes: utf8('a: é\n'), text: 'a: é\n' },
  { name: 'a BOM is dropped', bytes: [0xef, 0xbb, 0xbf, ...utf8('a: 1\n')], text: 'a: 1\n' },
  { name: 'a Latin-1 byte', bytes: [...utf8('a: caf'), 0xe9, 0x0a], at: 6 },
  { name: 'after an emoji (4 bytes, 2 code units)', bytes: [...utf8('# 🙂 '), 0xff], at: 5 },
  { name: 'after a BOM', bytes: [0xef, 0xbb, 0xbf, ...utf8('ab'), 0xff, 0x41], at: 2 },
  { name: 'a sequence cut off at the end', bytes: [...utf8('ab'), 0xe2, 0x82], at: 2 },
];

for (const c of CASES) {
  test(`decode: ${c.name}`, () => {
    const r = decode(new Uint8Array(c.bytes));
    if (c.at === undefined) {
      assert.equal(r.text, c.text);
      assert.deepEqual(r.findings, []);
      return;
    }
    assert.equal(r.findings.length, 1);
    const [f] = r.findings;
    assert.equal(f.ruleId, 'invalid-encoding');
    assert.equal(f.span.start, c.at);
    assert.equal(f.span.end, c.at + 1);
    assert.equal(r.text[c.at], '\ufffd');
  });
}
