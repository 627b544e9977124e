// `tenant-policy --list-rules`: every rule of the catalogue, with its default severity and whether the
// editor offers a quick fix for it, in text and JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../server/src/engine';
import { cli } from './run';

test('--list-rules marks the rules that have a quick fix', () => {
  const text = cli(['--list-rules']);
  assert.equal(text.code, 0);
  const lines = text.stdout.trimEnd().split('\n');
  assert.equal(lines.length, RULES.length);
  RULES.forEach((r, i) => {
    assert.match(lines[i], new RegExp(`^${r.id}\\s+${r.defaultSeverity}\\s+`), r.id);
    assert.equal(lines[i].endsWith(' [quick fix]'), r.hasFix === true, r.id);
  });

  const json = JSON.parse(cli(['--list-rules', '--format', 'json']).stdout) as { id: string; hasFix: boolean }[];
  assert.deepEqual(json.map((r) => [r.id, r.hasFix]), RULES.map((r) => [r.id, r.hasFix === true]));
});
