// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx). Arguments narrow the
// run to paths containing any of them: `npm test -- lsp schemas`. The end-to-end tests (test/e2e: real
// editors) run afterwards, one file at a time: they package the .vsix the package tests also build, and
// code-server with Chromium wants the machine to itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = find(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
function runFiles(list, concurrency) {
  if (list.length === 0) return 0;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...list], {
    cwd: root,
    stdio: 'inherit',
  });
  return r.status ?? 1;
}

const isE2e = (f) => f.startsWith(join('test', 'e2e') + '/');
const unit = runFiles(files.filter((f) => !isE2e(f)), 2);
const e2eStart = Date.now();
const e2eFiles = files.filter(isE2e);
const e2e = runFiles(e2eFiles, 1);
if (e2eFiles.length > 0) console.log(`end-to-end tests: ${((Date.now() - e2eStart) / 1000).toFixed(1)} s`);
process.exit(unit || e2e);
