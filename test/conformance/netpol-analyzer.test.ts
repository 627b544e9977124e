// Conformance with np-guard/netpol-analyzer: every case of ../shared/conformance/netpol-analyzer runs
// through the real CLI (`connectivity <case>/inputs --format json --level workload`) and is compared
// semantically with expected.json, as the corpus README says: in-cluster pairs as a set keyed by
// (src, srcKind, dst, dstKind) with their connection sets; external ranges, which each analyser may cut
// differently, as one interval map per workload and direction with equal neighbours merged.
// The cases are discovered by listing the folder: a case added there is tested without a change here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli, ROOT } from '../cli/run';
import { compare, normalise, type Row } from './compare';

const CORPUS = resolve(ROOT, '../shared/conformance/netpol-analyzer');

const cases = readdirSync(CORPUS)
  .filter((name) => statSync(join(CORPUS, name)).isDirectory() && existsSync(join(CORPUS, name, 'expected.json')))
  .sort();

test('the conformance corpus is there', () => {
  assert.ok(cases.length >= 33, `expected the 33 cases of ${CORPUS}, found ${cases.length}`);
});

for (const name of cases) {
  test(`netpol-analyzer conformance: ${name}`, () => {
    const dir = join(CORPUS, name);
    const run = cli(['connectivity', join(dir, 'inputs'), '--format', 'json', '--level', 'workload']);
    assert.equal(run.code, 0, `exit code ${run.code}; stderr:\n${run.stderr}`);
    const actual = normalise(JSON.parse(run.stdout) as Row[]);
    const expected = normalise(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Row[]);
    const problems = [...compare('pair', actual.pairs, expected.pairs), ...compare('external map', actual.externals, expected.externals)];
    assert.deepEqual(problems, [], `${name}: ${problems.length} difference(s)\n${problems.join('\n')}`);
  });
}

test('the comparison merges external ranges cut differently, and notices every other difference', () => {
  const pair = (conns: string): Row => ({ src: 'a/x', srcKind: 'Pod', dst: 'a/y', dstKind: 'Pod', conns });
  const ext = (src: string, conns = 'All Connections'): Row => ({ src, srcKind: 'External', dst: 'a/y', dstKind: 'Pod', conns });
  const expected = normalise([pair('TCP 80,UDP 53'), ext('0.0.0.0-9.255.255.255'), ext('10.0.0.0-10.255.255.255'), ext('11.0.0.0-255.255.255.255', 'TCP 443')]);
  const problems = (rows: Row[]) => {
    const actual = normalise(rows);
    return [...compare('pair', actual.pairs, expected.pairs), ...compare('external map', actual.externals, expected.externals)].length;
  };
  assert.equal(problems([pair('TCP 80;UDP 53'), ext('0.0.0.0/5'), ext('8.0.0.0-10.255.255.255'), ext('11.0.0.0-255.255.255.255', 'TCP 443')]), 0);
  assert.equal(problems([pair('TCP 81;UDP 53'), ext('0.0.0.0-10.255.255.255'), ext('11.0.0.0-255.255.255.255', 'TCP 443')]), 1);
  assert.equal(problems([ext('0.0.0.0-10.255.255.255'), ext('11.0.0.0-255.255.255.255', 'TCP 443')]), 1);
  assert.equal(problems([pair('TCP 80;UDP 53'), ext('0.0.0.0-10.255.255.254'), ext('10.255.255.255-255.255.255.255', 'TCP 443')]), 1);
  assert.equal(problems([pair('TCP 80;UDP 53'), ext('0.0.0.0-10.255.255.255'), ext('11.0.0.0-255.255.255.255', 'TCP 443'), { ...pair('All Connections'), dst: 'a/z' }]), 1);
});
