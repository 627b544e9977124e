import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitDocuments } from '../../server/src/engine/parse/split';

// Each case: the text, and the chunks expected (as text). Chunks must tile the text exactly.
const cases: { name: string; text: string; chunks: string[] }[] = [
  { name: 'empty file', text: '', chunks: [''] },
  { name: 'single document without marker', text: 'a: 1\n', chunks: ['a: 1\n'] },
  { name: 'two documents', text: 'a: 1\n---\nb: 2\n', chunks: ['a: 1\n', '---\nb: 2\n'] },
  { name: 'leading marker', text: '---\na: 1\n---\nb: 2', chunks: ['---\na: 1\n', '---\nb: 2'] },
  { name: 'marker with trailing comment', text: 'a: 1\n--- # two\nb: 2\n', chunks: ['a: 1\n', '--- # two\nb: 2\n'] },
  { name: 'indented --- inside a block scalar is content', text: 'data: |\n  ---\n  x\nb: 1\n', chunks: ['data: |\n  ---\n  x\nb: 1\n'] },
  { name: '---- is not a marker', text: 'a: 1\n----\n', chunks: ['a: 1\n----\n'] },
  { name: 'CRLF line ends', text: 'a: 1\r\n---\r\nb: 2\r\n', chunks: ['a: 1\r\n', '---\r\nb: 2\r\n'] },
  { name: 'comment preamble belongs to the next document', text: '# header\n---\na: 1\n', chunks: ['# header\n---\na: 1\n'] },
  { name: 'directive preamble belongs to the next document', text: '%YAML 1.2\n---\na: 1\n', chunks: ['%YAML 1.2\n---\na: 1\n'] },
  { name: 'document end marker', text: 'a: 1\n...\nb: 2\n', chunks: ['a: 1\n...\n', 'b: 2\n'] },
  { name: 'document end then start', text: 'a: 1\n...\n---\nb: 2\n', chunks: ['a: 1\n...\n', '---\nb: 2\n'] },
  { name: 'marker at end of text', text: 'a: 1\n---', chunks: ['a: 1\n', '---'] },
];

for (const c of cases) {
  test(`split: ${c.name}`, () => {
    const chunks = splitDocuments(c.text);
    assert.deepEqual(chunks.map((ch) => ch.text), c.chunks);
    let at = 0;
    for (const ch of chunks) {
      assert.equal(ch.start, at, 'chunks tile the text');
      at += ch.text.length;
    }
    assert.equal(at, c.text.length);
  });
}

test('split: a 10 MB single line is one chunk, quickly', () => {
  const text = `a: ${'x'.repeat(10 * 1024 * 1024)}\n`;
  const chunks = splitDocuments(text);
  assert.equal(chunks.length, 1);
});
