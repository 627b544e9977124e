// The Cilium fixtures end to end, as a user runs them: `tenant-policy connectivity <case>/inputs --format
// json` from the built CLI must mean the same as expected.json, and report on stderr the modelling
// findings of expected-findings.json (`file:line:col: warning <code> …`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBundle } from '../support/bundle';
import { cases, compareConnectivity, FIXTURES, type Row } from './support';

const cli = ensureBundle('cli');

for (const name of cases()) {
  test(`tenant-policy connectivity fixtures/${name} --format json`, () => {
    const dir = join(FIXTURES, name);
    const r = spawnSync(process.execPath, [cli, 'connectivity', join(dir, 'inputs'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Row[];
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Row[];
    assert.deepEqual(compareConnectivity(rows, expected), []);

    const file = join(dir, 'expected-findings.json');
    const want = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { code: string; line: number; file?: string }[]) : [];
    const got = [...r.stderr.matchAll(/([^\s:]+\.ya?ml):(\d+):\d+: \w+ (cilium-[a-z-]+) /g)].map((m) => `${m[1].split(/[\\/]/).pop()}:${m[2]} ${m[3]}`);
    assert.deepEqual(got.sort(), want.map((w) => `${w.file ?? 'policy.yaml'}:${w.line} ${w.code}`).sort());
  });
}
