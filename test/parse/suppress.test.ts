import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions } from '../../server/src/engine/suppress';
import type { Finding } from '../../server/src/engine/types';

function at(text: string, needle: string, ruleId: string): Finding {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { ruleId, messageId: 'm', severity: 'error', span: { start, end: start + needle.length }, message: '', fixes: [] };
}

test('disable-next-line silences the named rule on the next line only', () => {
  const text = 'a: 1\n# tenant-policy-disable-next-line schema\nb: 2\nc: 3\n';
  const kept = applySuppressions(text, [at(text, 'b: 2', 'schema'), at(text, 'c: 3', 'schema'), at(text, 'a: 1', 'schema')]);
  assert.deepEqual(kept.map((f) => text.slice(f.span.start, f.span.end)), ['c: 3', 'a: 1']);
});

test('disable-next-line with a list keeps other rules', () => {
  const text = '# tenant-policy-disable-next-line schema,invalid-port\nb: 2\n';
  const kept = applySuppressions(text, [at(text, 'b: 2', 'schema'), at(text, 'b: 2', 'invalid-port'), at(text, 'b: 2', 'duplicate-key')]);
  assert.deepEqual(kept.map((f) => f.ruleId), ['duplicate-key']);
});

test('disable-next-line without ids silences every rule', () => {
  const text = 'x: 0   # tenant-policy-disable-next-line\nb: 2\n';
  assert.equal(applySuppressions(text, [at(text, 'b: 2', 'schema'), at(text, 'b: 2', 'duplicate-key')]).length, 0);
});

test('disable silences the rest of its document, not the next one', () => {
  const text = 'a: 1\n# tenant-policy-disable schema\nb: 2\nc: 3\n---\nd: 4\n';
  const kept = applySuppressions(text, [at(text, 'a: 1', 'schema'), at(text, 'c: 3', 'schema'), at(text, 'd: 4', 'schema')]);
  assert.deepEqual(kept.map((f) => text.slice(f.span.start, f.span.end)), ['a: 1', 'd: 4']);
});

test('a look-alike comment does nothing', () => {
  const text = '# tenant-policy-disabled schema\nb: 2\n';
  assert.equal(applySuppressions(text, [at(text, 'b: 2', 'schema')]).length, 1);
});
