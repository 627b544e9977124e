// The include/exclude glob matcher of the workspace index, as a table: glob, path, expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathFilter, globToRegExp } from '../../server/src/workspace/glob';

const CASES: [glob: string, path: string, matches: boolean][] = [
  ['**/*.yaml', 'a.yaml', true],
  ['**/*.yaml', 'x/y/a.yaml', true],
  ['**/*.yaml', '.tenant-policy.yaml', true],
  ['**/*.yaml', 'a.yml', false],
  ['**/*.yaml', 'a.yaml.bak', false],
  ['*.yaml', 'a.yaml', true],
  ['*.yaml', 'x/a.yaml', false],
  ['**/*.{yaml,yml}', 'x/a.yml', true],
  ['**/*.{yaml,yml}', 'x/a.json', false],
  ['policies/{solar,wind/{prod,dev}}/*.yaml', 'policies/wind/dev/a.yaml', true],
  ['policies/{solar,wind/{prod,dev}}/*.yaml', 'policies/wind/qa/a.yaml', false],
  ['tenant-?.yaml', 'tenant-a.yaml', true],
  ['tenant-?.yaml', 'tenant-ab.yaml', false],
  ['tenant-?.yaml', 'tenant-/.yaml', false],
  ['mistakes/**', 'mistakes', true],
  ['mistakes/**', 'mistakes/a/b.yaml', true],
  ['mistakes/**', 'other/mistakes/a.yaml', false],
  ['**/node_modules/**', 'node_modules/x.yaml', true],
  ['**/node_modules/**', 'a/b/node_modules/c/x.yaml', true],
  ['**/node_modules/**', 'a/node_modulesx/x.yaml', false],
  ['a/**/b.yaml', 'a/b.yaml', true],
  ['a/**/b.yaml', 'a/x/y/b.yaml', true],
  ['./base/*.yaml', 'base/a.yaml', true],
  ['/base/*.yaml', 'base/a.yaml', true],
  ['a+b (1).yaml', 'a+b (1).yaml', true],
  ['a+b (1).yaml', 'aab (1).yaml', false],
  ['x**.yaml', 'xy.yaml', true],
  ['x**.yaml', 'x/y.yaml', false],
];

for (const [glob, path, expected] of CASES) {
  test(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(globToRegExp(glob).test(path), expected);
  });
}

test('a filter prunes excluded folders and selects included files', () => {
  const filter = new PathFilter(['**/*.yaml'], ['**/.git/**', 'vendor/**']);
  assert.equal(filter.excludesFolder('vendor'), true);
  assert.equal(filter.excludesFolder('a/.git'), true);
  assert.equal(filter.excludesFolder('src'), false);
  assert.equal(filter.includesFile('src/a.yaml'), true);
  assert.equal(filter.includesFile('vendor/a.yaml'), false);
  assert.equal(filter.includesFile('src/a.txt'), false);
});
