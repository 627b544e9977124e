// The bundled examples are a promise: `examples/` is clean (nothing at warning or error; information
// such as deprecation hints is allowed), and every deliberate mistake in `examples/mistakes/` is found by
// the rule its README names, and by no other. The README's table is the expectation: its "code" column
// lists the codes a file produces (`(twice)` / `(once)` give a count; `none` means no finding at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, diagnostics, ROOT, type JsonDiagnostic } from '../cli/run';

const CONFIG = ['--config', 'examples/.tenant-policy.yaml', '--format', 'json'];

test('examples/ has no finding at warning or error', () => {
  const run = cli(['check', 'examples', ...CONFIG]);
  const loud = diagnostics(run).filter((d) => d.severity === 'error' || d.severity === 'warning');
  assert.deepEqual(loud.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`), []);
  assert.equal(run.code, 0, run.stderr);
});

interface Row {
  file: string;
  codes: Map<string, number | undefined>;
}

function readTable(): Row[] {
  const text = readFileSync(join(ROOT, 'examples', 'mistakes', 'README.md'), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[1].startsWith('`')) continue;
    const file = cells[1].replace(/`/g, '');
    const codes = new Map<string, number | undefined>();
    if (cells[3] !== 'none' && !cells[3].startsWith('none ')) {
      for (const part of cells[3].split(/,\s*/)) {
        const m = /^`([a-z0-9-]+)`(?:\s*\((twice|once|(\d+) times)[^)]*\))?/.exec(part.replace(/\s*\(information\)/, ''));
        assert.ok(m, `README row for ${file}: cannot read code cell part "${part}"`);
        codes.set(m[1], m[2] === 'twice' ? 2 : m[2] === 'once' ? 1 : m[3] ? Number(m[3]) : undefined);
      }
    }
    rows.push({ file, codes });
  }
  return rows;
}

test('every mistake in examples/mistakes is found by the rule its README names, and by no other', () => {
  const rows = readTable();
  assert.ok(rows.length > 20, 'the README table lists the mistakes');
  const run = cli(['check', 'examples/mistakes', ...CONFIG]);
  assert.equal(run.code, 1, run.stderr);
  const byFile = new Map<string, JsonDiagnostic[]>();
  for (const d of diagnostics(run)) {
    const rel = d.file.replace(/\\/g, '/').replace(/^.*?examples\/mistakes\//, '');
    let list = byFile.get(rel);
    if (!list) byFile.set(rel, (list = []));
    list.push(d);
  }
  const problems: string[] = [];
  for (const row of rows) {
    const found = row.file.endsWith('/')
      ? [...byFile].filter(([f]) => f.startsWith(row.file)).flatMap(([, ds]) => ds)
      : byFile.get(row.file) ?? [];
    const codes = new Map<string, number>();
    for (const d of found) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
    const want = [...row.codes.keys()].sort();
    const got = [...codes.keys()].sort();
    if (want.join() !== got.join()) problems.push(`${row.file}: README says ${want.join(', ') || 'none'}, check found ${got.join(', ') || 'none'}: ${found.map((d) => `${d.range.start.line + 1}:${d.code}`).join(' ')}`);
    for (const [code, n] of row.codes) if (n !== undefined && codes.get(code) !== n) problems.push(`${row.file}: README says ${code} ${n} times, found ${codes.get(code) ?? 0}`);
  }
  const listed = new Set(rows.map((r) => r.file));
  for (const f of byFile.keys()) {
    if (!listed.has(f) && ![...listed].some((l) => l.endsWith('/') && f.startsWith(l))) problems.push(`${f} has findings but no README row`);
  }
  assert.deepEqual(problems, []);
});
