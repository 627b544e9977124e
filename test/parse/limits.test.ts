// Input that must never hurt: each case gets a clean answer from the engine, quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, MAX_FILE_CHARS } from '../../server/src/engine';

const engine = new Engine();
const analyze = (text: string) => engine.analyzeFile({ uri: 'file:///t.yaml', text });

test('file-too-large: a file over the limit gets one warning and is not parsed', () => {
  const text = 'a: b\n'.repeat(Math.ceil((MAX_FILE_CHARS + 10) / 5));
  const r = analyze(text);
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['file-too-large', 'warning']]);
  assert.equal(r.skipped, 'too-large');
});

test('a single 10 MB line is analysed without findings', () => {
  const r = analyze(`apiVersion: v1\nkind: ConfigMap\ndata:\n  big: ${'x'.repeat(10 * 1024 * 1024)}\n`);
  assert.deepEqual(r.findings, []);
});

test('an empty file has no documents with content and no findings', () => {
  assert.deepEqual(analyze('').findings, []);
  assert.deepEqual(analyze('\n\n# only a comment\n').findings, []);
});

test('a YAML alias bomb is reported, not expanded', () => {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bomb\n  labels: {}\n${lines.map((l) => `x${l}`).join('\n')}\nspec: *a9\n`;
  const r = analyze(text);
  assert.ok(r.findings.some((f) => f.ruleId === 'yaml-alias-limit'), JSON.stringify(r.findings.map((f) => f.ruleId)));
});

test('broken YAML gives yaml-syntax findings on the spot, never a throw', () => {
  const r = analyze('a: [1, 2\nb: }\n');
  assert.ok(r.findings.length > 0);
  assert.ok(r.findings.every((f) => f.ruleId === 'yaml-syntax'));
});

test('tabs used for indentation are a clear yaml-syntax finding', () => {
  const r = analyze('a:\n\tb: 1\n');
  assert.equal(r.findings[0].ruleId, 'yaml-syntax');
  assert.match(r.findings[0].message, /tab/i);
});

test('duplicate keys are reported on the second key', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n';
  const r = analyze(text);
  const dup = r.findings.find((f) => f.ruleId === 'duplicate-key');
  assert.ok(dup);
  assert.equal(dup.span.start, text.lastIndexOf('name'));
  assert.equal(text.slice(dup.span.start, dup.span.end), 'name');
});
