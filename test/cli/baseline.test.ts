// CI gating with `tenant-policy check`: --max-warnings (as in ESLint) and a baseline (--baseline FILE,
// --update-baseline) that lets a repository with existing findings adopt the tool and fail only on new
// ones. The real bundle over real files. Each workspace's configuration turns off every rule but the few
// these tests use, so rules added later cannot change what they expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { cli, diagnostics, put, workspace } from './run';
import { assertValidSarif } from './sarif-schema';

const USED = new Set(['yaml-syntax', 'config', 'duplicate-key', 'schema', 'unknown-api-version', 'invalid-name']);
const CONFIG = `rules:\n${RULES.filter((r) => !USED.has(r.id)).map((r) => `  ${r.id}: off\n`).join('')}`;

/** Two errors: a duplicate key and an unknown field. */
const SHOP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  name: shop
  lables:
    team: shop
`;

/** Two warnings: Namespaces under an apiVersion tenant-policy has no schema for. */
const LEGACY = `apiVersion: v2
kind: Namespace
metadata:
  name: legacy-a
---
apiVersion: v2
kind: Namespace
metadata:
  name: legacy-b
`;

const CLEAN = `apiVersion: v1
kind: Namespace
metadata:
  name: clean
`;

function repo(extra: Record<string, string> = {}) {
  return workspace({ '.tenant-policy.yaml': CONFIG, 'ns/shop.yaml': SHOP, 'ns/legacy.yaml': LEGACY, 'ns/clean.yaml': CLEAN, ...extra });
}

interface Entry {
  file: string;
  rule: string;
  messageId: string;
  fingerprint: string;
  message: string;
}

function entries(dir: string, name = 'baseline.json'): Entry[] {
  return (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { findings: Entry[] }).findings;
}

test('a repository with findings adopts a baseline, then fails only on a new finding', () => {
  const w = repo();
  try {
    const before = cli(['check', '.', '--format', 'json'], { cwd: w.dir });
    assert.equal(before.code, 1);
    assert.deepEqual(diagnostics(before).map((d) => `${d.file} ${d.code}`).sort(), [
      './ns/legacy.yaml unknown-api-version',
      './ns/legacy.yaml unknown-api-version',
      './ns/shop.yaml duplicate-key',
      './ns/shop.yaml schema',
    ]);

    const adopt = cli(['check', '.', '--baseline', 'baseline.json', '--update-baseline'], { cwd: w.dir });
    assert.equal(adopt.code, 0, adopt.stderr);
    assert.equal(adopt.stderr, 'wrote the baseline baseline.json: 4 findings.\n');
    assert.equal(adopt.stdout, '0 errors, 0 warnings, 0 infos in 3 files\n4 findings in the baseline were not reported\n');

    // Sorted by file, rule and message, one entry a line: a reviewable diff.
    const text = readFileSync(join(w.dir, 'baseline.json'), 'utf8');
    const written = entries(w.dir);
    assert.deepEqual(written.map((e) => `${e.file} ${e.rule}`), [
      'ns/legacy.yaml unknown-api-version',
      'ns/legacy.yaml unknown-api-version',
      'ns/shop.yaml duplicate-key',
      'ns/shop.yaml schema',
    ]);
    assert.match(written[3].message, /lables/, 'the message is there for the reviewer');
    assert.equal(text.split('\n').filter((l) => l.startsWith('    {"file":')).length, 4);
    assert.notEqual(written[0].fingerprint, written[1].fingerprint, 'two findings of one rule in one file differ');
    assert.ok(!/"line"|\d+:\d+/.test(text), 'no positions in the baseline');

    const gated = cli(['check', '.', '--baseline', 'baseline.json'], { cwd: w.dir });
    assert.equal(gated.code, 0, gated.stderr);
    assert.equal(gated.stdout, '0 errors, 0 warnings, 0 infos in 3 files\n4 findings in the baseline were not reported\n');

    // Updating again with nothing changed rewrites the same bytes.
    const again = cli(['check', '.', '--baseline', 'baseline.json', '--update-baseline'], { cwd: w.dir });
    assert.equal(again.stderr, 'wrote the baseline baseline.json: 4 findings (0 added, 0 removed).\n');
    assert.equal(readFileSync(join(w.dir, 'baseline.json'), 'utf8'), text);

    // A new finding in a new file, and a second copy of a known one in an old file: both reported.
    put(w.dir, 'ns/new.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: New_Team\n');
    put(w.dir, 'ns/shop.yaml', `${SHOP}---\n${SHOP}`);
    const failing = cli(['check', '.', '--baseline', 'baseline.json', '--format', 'json'], { cwd: w.dir });
    assert.equal(failing.code, 1);
    const reported = diagnostics(failing).map((d) => `${d.file}:${d.range.start.line} ${d.code}`);
    assert.deepEqual(reported, ['./ns/new.yaml:3 invalid-name', './ns/shop.yaml:12 duplicate-key', './ns/shop.yaml:13 schema']);
    assert.deepEqual(JSON.parse(failing.stdout).baseline, { suppressed: 4, stale: 0 });
  } finally {
    w.cleanup();
  }
});

test('moved lines still match; an edited line is new and its old entry no longer occurs', () => {
  const w = repo();
  try {
    assert.equal(cli(['check', '.', '--baseline', 'baseline.json', '--update-baseline'], { cwd: w.dir }).code, 0);
    // Documents and comments inserted above, and the two Namespaces swapped.
    const [a, b] = LEGACY.split('---\n');
    put(w.dir, 'ns/legacy.yaml', `# Legacy namespaces, kept until the migration.\n${CLEAN}---\n${b}---\n\n${a}`);
    put(w.dir, 'ns/shop.yaml', `\n\n# shop\n${SHOP}`);
    const moved = cli(['check', '.', '--baseline', 'baseline.json'], { cwd: w.dir });
    assert.equal(moved.code, 0, moved.stdout);
    assert.equal(moved.stdout, '0 errors, 0 warnings, 0 infos in 3 files\n4 findings in the baseline were not reported\n');

    // The unknown field is renamed to another unknown one: a new finding; the old entry is stale.
    put(w.dir, 'ns/shop.yaml', SHOP.replace('lables:', 'lebels:'));
    const edited = cli(['check', '.', '--baseline', 'baseline.json'], { cwd: w.dir });
    assert.equal(edited.code, 1);
    const lines = edited.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^\.\/ns\/shop\.yaml:6:3: error schema .*lebels/);
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '3 findings in the baseline were not reported; 1 baseline entry no longer occurs (--update-baseline drops it)');

    // Updating drops the stale entry and records the new finding.
    const update = cli(['check', '.', '--baseline', 'baseline.json', '--update-baseline'], { cwd: w.dir });
    assert.equal(update.stderr, 'wrote the baseline baseline.json: 4 findings (1 added, 1 removed).\n');
  } finally {
    w.cleanup();
  }
});

test('entries are relative to the baseline: any working directory, and runs over part of the repository', () => {
  const w = repo({ 'ci/.keep': '' });
  try {
    assert.equal(cli(['check', '.', '--baseline', 'ci/baseline.json', '--update-baseline'], { cwd: w.dir }).code, 0);
    const written = entries(join(w.dir, 'ci'));
    assert.ok(written.every((e) => e.file.startsWith('../ns/')), JSON.stringify(written.map((e) => e.file)));

    // From another folder, with other spellings of the same paths.
    const elsewhere = cli(['check', '../ns', '--baseline', 'baseline.json', '--config', '../.tenant-policy.yaml'], { cwd: join(w.dir, 'ci') });
    assert.equal(elsewhere.code, 0, elsewhere.stdout + elsewhere.stderr);
    assert.match(elsewhere.stdout, /^4 findings in the baseline were not reported$/m);

    // One file checked: the other file's entries are neither matched nor "no longer occurring"…
    const one = cli(['check', 'ns/shop.yaml', '--baseline', 'ci/baseline.json'], { cwd: w.dir });
    assert.equal(one.code, 0);
    assert.match(one.stdout, /^2 findings in the baseline were not reported$/m);
    // …and updating from it keeps them.
    put(w.dir, 'ns/shop.yaml', CLEAN);
    const update = cli(['check', 'ns/shop.yaml', '--baseline', 'ci/baseline.json', '--update-baseline'], { cwd: w.dir });
    assert.equal(update.code, 0);
    assert.equal(update.stderr, 'wrote the baseline ci/baseline.json: 2 findings (0 added, 2 removed).\n');
    assert.deepEqual(entries(join(w.dir, 'ci')).map((e) => e.file), ['../ns/legacy.yaml', '../ns/legacy.yaml']);
  } finally {
    w.cleanup();
  }
});

test('--max-warnings: more than N warnings fail; N or fewer pass; errors fail whatever N; baselined ones do not count', () => {
  const w = workspace({ '.tenant-policy.yaml': CONFIG, 'legacy.yaml': LEGACY, 'shop.yaml': SHOP });
  try {
    const run = (...args: string[]) => cli(['check', 'legacy.yaml', ...args], { cwd: w.dir });
    assert.equal(run().code, 0, 'warnings alone pass by default');
    assert.equal(run('--max-warnings', '2').code, 0);
    assert.equal(run('--max-warnings=3').code, 0);
    assert.equal(run('--max-warnings', '-1').code, 0, '-1: no limit, as in ESLint');
    const over = run('--max-warnings', '1');
    assert.equal(over.code, 1);
    assert.equal(over.stderr, '2 warnings: more than --max-warnings 1 allows.\n');
    assert.match(over.stdout, /^0 errors, 2 warnings, 0 infos in 1 file$/m, 'the report is printed as usual');
    assert.equal(run('--max-warnings', '0').code, 1);

    assert.equal(cli(['check', 'shop.yaml', '--max-warnings', '10'], { cwd: w.dir }).code, 1, 'errors still fail');

    assert.equal(run('--baseline', 'b.json', '--update-baseline').code, 0);
    assert.equal(run('--baseline', 'b.json', '--max-warnings', '0').code, 0);

    const help = cli(['check', '--help']).stdout;
    for (const option of ['--max-warnings N', '--baseline FILE', '--update-baseline']) assert.ok(help.includes(option), option);

    for (const bad of ['x', '1.5', '-2', '']) {
      const r = run(`--max-warnings=${bad}`);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--max-warnings takes a number of warnings/);
      assert.equal(r.stdout, '');
    }
  } finally {
    w.cleanup();
  }
});

test('a bad baseline is exit 2 with a message and no report', () => {
  const w = repo({
    'garbage.json': '{"version": 1, "findings": [',
    'list.json': '[]',
    'future.json': '{"version": 2, "findings": []}',
    'partial.json': '{"version": 1, "findings": [{"file": "ns/shop.yaml", "rule": "schema", "messageId": "unknownField"}]}',
  });
  try {
    const cases: [string[], RegExp][] = [
      [['--baseline', 'missing.json'], /^cannot read the baseline missing\.json: no such file or folder; create it with --update-baseline$/],
      [['--baseline', 'garbage.json'], /^garbage\.json is not a tenant-policy baseline: invalid JSON/],
      [['--baseline', 'list.json'], /^list\.json is not a tenant-policy baseline: it is not a JSON object/],
      [['--baseline', 'future.json'], /^future\.json is not a tenant-policy baseline: format 2 comes from a newer tenant-policy/],
      [['--baseline', 'partial.json'], /^partial\.json is not a tenant-policy baseline: findings\[0\]\.fingerprint must be a non-empty string/],
      [['--baseline', 'ns'], /^cannot read the baseline ns: it is a folder$/],
      [['--update-baseline'], /^tenant-policy: --update-baseline needs --baseline FILE/],
      [['--baseline', 'x.json', '--update-baseline=yes'], /^tenant-policy: --update-baseline takes no value/],
      [['--baseline'], /^tenant-policy: --baseline needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['check', '.', ...args, '--format', 'json'], { cwd: w.dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr.trimEnd(), message, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
    // A malformed file is replaced by --update-baseline.
    const rewrite = cli(['check', '.', '--baseline', 'garbage.json', '--update-baseline'], { cwd: w.dir });
    assert.equal(rewrite.code, 0);
    assert.equal(entries(w.dir, 'garbage.json').length, 4);
  } finally {
    w.cleanup();
  }
});

test('json and sarif stay valid with a baseline; sarif leaves baselined results out and marks the rest new', () => {
  const w = repo();
  try {
    assert.equal(cli(['check', '.', '--baseline', 'baseline.json', '--update-baseline'], { cwd: w.dir }).code, 0);
    put(w.dir, 'ns/new.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: New_Team\n');

    const json = cli(['check', '.', '--baseline', 'baseline.json', '--format', 'json'], { cwd: w.dir });
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(parsed.baseline, { suppressed: 4, stale: 0 });
    assert.deepEqual(parsed.diagnostics.map((d: { code: string }) => d.code), ['invalid-name']);
    assert.equal(json.stderr, '');

    const sarif = cli(['check', '.', '--baseline', 'baseline.json', '--format', 'sarif'], { cwd: w.dir });
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout);
    assertValidSarif(log);
    const run = log.runs[0];
    assert.deepEqual(run.results.map((r: { ruleId: string; baselineState: string }) => `${r.ruleId} ${r.baselineState}`), ['invalid-name new']);
    assert.deepEqual(run.properties, { baseline: { suppressed: 4, stale: 0 } });

    // Without a baseline nothing changes: no baselineState, no extra member.
    const plain = cli(['check', '.', '--format', 'sarif'], { cwd: w.dir });
    const plainLog = JSON.parse(plain.stdout);
    assertValidSarif(plainLog);
    assert.equal(plainLog.runs[0].results.length, 5);
    assert.ok(plainLog.runs[0].results.every((r: object) => !('baselineState' in r)));
    assert.equal(plainLog.runs[0].properties, undefined);
    assert.equal(JSON.parse(cli(['check', '.', '--format', 'json'], { cwd: w.dir }).stdout).baseline, undefined);
  } finally {
    w.cleanup();
  }
});

test('standard input can be baselined too', () => {
  const w = workspace({ '.tenant-policy.yaml': CONFIG });
  try {
    const adopt = cli(['check', '-', '--baseline', 'b.json', '--update-baseline'], { cwd: w.dir, input: SHOP });
    assert.equal(adopt.code, 0, adopt.stderr);
    assert.deepEqual(entries(w.dir, 'b.json').map((e) => e.file), ['<stdin>', '<stdin>']);
    assert.equal(cli(['check', '-', '--baseline', 'b.json'], { cwd: w.dir, input: `# piped\n${SHOP}` }).code, 0);
    assert.equal(cli(['check', '-', '--baseline', 'b.json'], { cwd: w.dir, input: SHOP.replace('lables', 'lebels') }).code, 1);
  } finally {
    w.cleanup();
  }
});
