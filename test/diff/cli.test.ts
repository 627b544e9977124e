// `tenant-policy diff`: two folders, a folder against a git revision (in a repository each test builds
// for itself), the three levels, the three formats, exit codes and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnSet } from '../../server/src/engine/semantics/connset';
import { diffConnectivity, type ConnectionRow } from '../../server/src/engine/semantics/diff';
import { cli } from '../cli/run';
import { diff, diffJson, Scratch, scratch, type Json } from './run';

// ---- the policy repository, version A and version B ---------------------------------------------------

const TENANTS = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: breeze
spec:
  owners:
    - name: alice
      kind: User
---
apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: sun
spec:
  owners:
    - name: bob
      kind: User
`;

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: wind
  labels:
    capsule.clastix.io/tenant: breeze
---
apiVersion: v1
kind: Namespace
metadata:
  name: wind-ci
  labels:
    capsule.clastix.io/tenant: breeze
---
apiVersion: v1
kind: Namespace
metadata:
  name: solar
  labels:
    capsule.clastix.io/tenant: sun
`;

const deployment = (ns: string, name: string, kind: string, ports: string) => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0.0
          ports:
${ports}`;

const WORKLOADS = [
  deployment('wind', 'api', 'Deployment', '            - name: http\n              containerPort: 8080\n'),
  deployment('wind-ci', 'runner', 'Deployment', '            - name: http\n              containerPort: 8080\n'),
  deployment('solar', 'db', 'StatefulSet', '            - name: postgres\n              containerPort: 5432\n'),
  deployment('solar', 'web', 'Deployment', '            - name: http\n              containerPort: 80\n            - name: https\n              containerPort: 443\n'),
].join('---\n');

const policy = (ns: string, name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${spec}`;

const DENY_SOLAR = policy('solar', 'default-deny-ingress', '  podSelector: {}\n  policyTypes: [Ingress]\n');
const allowWeb = (ports: string) =>
  policy('solar', 'allow-web', `  podSelector:
    matchLabels:
      app: web
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: breeze
      ports:
${ports}`);
const ALLOW_DB = policy('solar', 'allow-db', `  podSelector:
    matchLabels:
      app: db
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: wind
          podSelector:
            matchLabels:
              app: api
      ports:
        - protocol: TCP
          port: 5432
`);
const API_SAME_NAMESPACE = policy('wind', 'api-from-same-namespace', `  podSelector:
    matchLabels:
      app: api
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
`);

const A: Record<string, string | undefined> = {
  'tenants.yaml': TENANTS,
  'namespaces.yaml': NAMESPACES,
  'workloads.yaml': WORKLOADS,
  'solar.yaml': [DENY_SOLAR, allowWeb('        - protocol: TCP\n          port: 80\n')].join('---\n'),
};

/** B: web also on 443, the database opened to wind/api, wind/api closed to other namespaces. */
const B: Record<string, string | undefined> = {
  ...A,
  'solar.yaml': [DENY_SOLAR, allowWeb('        - protocol: TCP\n          port: 80\n        - protocol: TCP\n          port: 443\n'), ALLOW_DB].join('---\n'),
  'wind.yaml': API_SAME_NAMESPACE,
};

const pairs = (rows: { src: string; dst: string }[]) => rows.map((r) => `${r.src} > ${r.dst}`);

/** The workload-level diff from A to B, worked out by hand from the policies. */
function assertWorkloadDiff(j: Json): void {
  assert.deepEqual(j.added.map((r) => [r.src, r.dst, r.conns]), [['wind/api', 'solar/db', 'TCP 5432']]);
  assert.deepEqual(
    j.removed.map((r) => [r.src, r.dst, r.conns]),
    [
      ['solar/db', 'wind/api', 'All Connections'],
      ['solar/web', 'wind/api', 'All Connections'],
      ['wind-ci/runner', 'wind/api', 'All Connections'],
      ['0.0.0.0/0', 'wind/api', 'All Connections'],
    ],
  );
  assert.deepEqual(
    j.changed.map((r) => [r.src, r.dst, r.before, r.after, r.gained, r.lost]),
    [
      ['wind-ci/runner', 'solar/web', 'TCP 80', 'TCP 80,443', 'TCP 443', 'No Connections'],
      ['wind/api', 'solar/web', 'TCP 80', 'TCP 80,443', 'TCP 443', 'No Connections'],
    ],
  );
  assert.deepEqual(j.summary, { added: 1, removed: 4, changed: 2 });
}

function twoFolders(): Scratch {
  return new Scratch().write(A, 'a').write(B, 'b');
}

// ---- OLD_PATH NEW_PATH ------------------------------------------------------------------------------------

test('two folders: added, removed and changed pairs at the workload level (json)', async (t) => {
  const s = scratch(t, twoFolders());
  const j = await diffJson(['a', 'b'], s.dir);
  assert.equal(j.old, 'a');
  assert.equal(j.new, 'b');
  assert.equal(j.level, 'workload');
  assertWorkloadDiff(j);
  assert.equal(j.added[0].srcKind, 'Deployment');
  assert.equal(j.added[0].dstKind, 'StatefulSet');
  assert.equal(j.removed[3].srcKind, 'External');
});

test('text: + added, - removed, ~ changed with old → new ports, grouped, then a summary', async (t) => {
  const s = scratch(t, twoFolders());
  const r = await diff(['a', 'b'], s.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Connectivity changes from a to b (workload level):',
      '',
      'Added (1):',
      '+ wind/api → solar/db  TCP 5432',
      '',
      'Removed (4):',
      '- solar/db → wind/api        All Connections',
      '- solar/web → wind/api       All Connections',
      '- wind-ci/runner → wind/api  All Connections',
      '- 0.0.0.0/0 → wind/api       All Connections',
      '',
      'Changed (2):',
      '~ wind-ci/runner → solar/web  TCP 80 → TCP 80,443',
      '~ wind/api → solar/web        TCP 80 → TCP 80,443',
      '',
      '1 added, 4 removed, 2 changed.',
      '',
    ].join('\n'),
  );
});

test('md: a section for a pull-request comment, with one table per kind of change', async (t) => {
  const s = scratch(t, twoFolders());
  const r = await diff(['a', 'b', '--format', 'md'], s.dir);
  assert.equal(r.code, 0, r.stderr);
  const md = r.stdout;
  assert.match(md, /^### Connectivity changes\n\n`a` → `b`, workload level: \*\*1 added\*\*, \*\*4 removed\*\*, \*\*2 changed\*\*\.\n/);
  assert.match(md, /\n#### Added \(1\)\n\n\| From \| To \| Connections \|\n\| --- \| --- \| --- \|\n\| `wind\/api` \| `solar\/db` \| TCP 5432 \|\n/);
  assert.match(md, /\n#### Removed \(4\)\n/);
  assert.match(md, /\n#### Changed \(2\)\n\n\| From \| To \| Before \| After \|\n\| --- \| --- \| --- \| --- \|\n\| `wind-ci\/runner` \| `solar\/web` \| TCP 80 \| TCP 80,443 \|\n/);
  assert.match(md, /<sub>tenant-policy .*explain/);
});

test('no change: a sentence in each format, exit 0; --fail-on-change exits 1 only when something changed', async (t) => {
  const s = scratch(t, twoFolders().write(A, 'a2'));
  const same = await diff(['a', 'a2'], s.dir);
  assert.equal(same.code, 0);
  assert.equal(same.stdout, 'No connectivity changes between a and a2 (workload level).\n');
  const j = await diffJson(['a', 'a2'], s.dir);
  assert.deepEqual([j.added, j.removed, j.changed], [[], [], []]);
  assert.match((await diff(['a', 'a2', '--format', 'md'], s.dir)).stdout, /No connectivity changes between `a` and `a2`/);
  assert.equal((await diff(['a', 'a2', '--fail-on-change'], s.dir)).code, 0);
  assert.equal((await diff(['a', 'b', '--fail-on-change'], s.dir)).code, 1);
  assert.equal((await diff(['a', 'b'], s.dir)).code, 0);
});

test('level namespace: the union of the workloads’ connections per pair of namespaces', async (t) => {
  const s = scratch(t, twoFolders());
  const j = await diffJson(['a', 'b', '--level', 'namespace'], s.dir);
  assert.equal(j.level, 'namespace');
  assert.deepEqual(j.added, []);
  assert.deepEqual(pairs(j.removed), ['solar > wind', 'wind-ci > wind', '0.0.0.0/0 > wind']);
  assert.deepEqual(
    j.changed.map((r) => [r.src, r.dst, r.before, r.after]),
    [
      ['wind', 'solar', 'TCP 80', 'TCP 80,443,5432'],
      ['wind-ci', 'solar', 'TCP 80', 'TCP 80,443'],
    ],
  );
});

test('level tenant: a change inside a tenant that other pairs still allow is no change between tenants', async (t) => {
  const s = scratch(t, twoFolders());
  const j = await diffJson(['a', 'b', '--level', 'tenant'], s.dir);
  assert.equal(j.level, 'tenant');
  // sun → breeze stays All Connections: solar may still reach wind-ci.
  assert.deepEqual(pairs(j.removed).filter((p) => !/^\d/.test(p)), []);
  assert.deepEqual(j.added, []);
  assert.deepEqual(j.changed.map((r) => [r.src, r.dst, r.before, r.after]), [['breeze', 'sun', 'TCP 80', 'TCP 80,443,5432']]);
});

test('--inventory: a cluster export is merged into both versions (its workloads are what the policies select)', async (t) => {
  const deny = policy('shop', 'deny', '  podSelector: {}\n  policyTypes: [Ingress]\n');
  const allow = policy('shop', 'allow-web', '  podSelector:\n    matchLabels:\n      app: web\n  ingress:\n    - ports:\n        - port: 443\n');
  const s = scratch(t, new Scratch().write({ 'a/np.yaml': deny, 'b/np.yaml': `${deny}---\n${allow}`, 'cluster.yaml': [deployment('shop', 'web', 'Deployment', '            - containerPort: 443\n'), deployment('shop', 'cli', 'Deployment', '            - containerPort: 80\n')].join('---\n') }));
  assert.equal((await diff(['a', 'b'], s.dir)).stdout, 'No connectivity changes between a and b (workload level).\n');
  const j = await diffJson(['a', 'b', '--inventory', 'cluster.yaml'], s.dir);
  assert.deepEqual(j.added.map((r) => [r.src, r.dst, r.conns]), [['shop/cli', 'shop/web', 'TCP 443'], ['0.0.0.0/0', 'shop/web', 'TCP 443']]);
  const missing = await diff(['a', 'b', '--inventory', 'nope.yaml'], s.dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the inventory nope\.yaml/);
});

// ---- PATH --against GIT_REF ----------------------------------------------------------------------------

/** A repository with the policies in a subfolder: commit A, then commit B. */
function repository(): Scratch {
  const s = new Scratch();
  s.git('init', '-q');
  s.write({ 'README.md': '# cluster policy\n' }).write(A, 'policies').commit('version A');
  s.write(B, 'policies').commit('version B');
  return s;
}

test('--against HEAD~1: the folder in the working tree against the same folder one commit earlier', async (t) => {
  const s = scratch(t, repository());
  const j = await diffJson(['policies', '--against', 'HEAD~1'], s.dir);
  assert.equal(j.old, 'policies at HEAD~1');
  assert.equal(j.new, 'policies');
  assertWorkloadDiff(j);
  // The same from inside the subfolder, and with the revision as a commit id.
  const inside = await diffJson(['.', '--against', 'HEAD~1'], s.path('policies'));
  assertWorkloadDiff(inside);
  const id = s.git('rev-parse', 'HEAD~1').trim();
  assertWorkloadDiff(await diffJson([`--against=${id}`, 'policies'], s.dir));
});

test('--against HEAD: uncommitted changes in the working tree are the new version', async (t) => {
  const s = scratch(t, repository());
  assert.equal((await diff(['policies', '--against', 'HEAD'], s.dir)).stdout, 'No connectivity changes between policies at HEAD and policies (workload level).\n');
  s.write({ 'solar.yaml': B['solar.yaml']!.replace(ALLOW_DB, '').replace(/---\n$/, '') }, 'policies');
  const j = await diffJson(['policies', '--against', 'HEAD'], s.dir);
  assert.deepEqual(j.removed.map((r) => [r.src, r.dst, r.conns]), [['wind/api', 'solar/db', 'TCP 5432']]);
  assert.deepEqual([j.added, j.changed], [[], []]);
});

test('--against: a branch name; the other formats read the same versions', async (t) => {
  const s = scratch(t, repository());
  s.git('branch', 'release', 'HEAD~1');
  const r = await diff(['policies', '--against', 'release', '--format', 'md'], s.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /`policies at release` → `policies`, workload level: \*\*1 added\*\*, \*\*4 removed\*\*, \*\*2 changed\*\*/);
  const text = await diff(['policies', '--against', 'release', '--level', 'tenant'], s.dir);
  assert.match(text.stdout, /~ breeze → sun {2}TCP 80 → TCP 80,443,5432\n/);
});

test('--against: files the configuration excludes are left out at the revision as in the working tree', async (t) => {
  const s = scratch(t);
  s.git('init', '-q');
  s.write({ '.tenant-policy.yaml': 'exclude:\n  - "drafts/**"\n' });
  s.write(A, 'policies').write({ 'drafts/solar.yaml': B['solar.yaml'] }, 'policies').commit('A with a draft');
  s.write({ 'drafts/solar.yaml': undefined }, 'policies').commit('draft dropped');
  const r = await diff(['policies', '--against', 'HEAD~1'], s.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'No connectivity changes between policies at HEAD~1 and policies (workload level).\n');
});

test('--against: a folder that did not exist at the revision: everything it allows now is added', async (t) => {
  const s = scratch(t, repository());
  s.write(B, 'more').commit('a second copy');
  const r = await diff(['more', '--against', 'HEAD~1', '--format', 'json'], s.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /more does not exist at HEAD~1/);
  const j = JSON.parse(r.stdout) as Json;
  assert.ok(j.added.some((x) => x.src === 'wind/api' && x.dst === 'solar/db' && x.conns === 'TCP 5432'));
  assert.deepEqual([j.removed, j.changed], [[], []]);
});

test('--against: an unknown revision is exit 2 with a clear message', async (t) => {
  const s = scratch(t, repository());
  // A revision that looks like an option reaches git as a revision, never as an option.
  for (const ref of ['no-such-branch', 'HEAD~9', '--output=x']) {
    const r = await diff(['policies', `--against=${ref}`], s.dir);
    assert.equal(r.code, 2, ref);
    assert.match(r.stderr, new RegExp(`unknown git revision ${JSON.stringify(ref).replace(/[~]/g, '\\$&')}`));
    assert.equal(r.stdout, '');
  }
});

test('--against outside a git repository is exit 2', async (t) => {
  const s = scratch(t, new Scratch().write(A, 'policies'));
  const r = await diff(['policies', '--against', 'HEAD'], s.dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not inside a git repository/);
});

// ---- bad usage -------------------------------------------------------------------------------------------

test('bad usage is exit 2 with a message on stderr', async (t) => {
  const s = scratch(t, twoFolders());
  const cases: [string[], RegExp][] = [
    [['a'], /give OLD_PATH and NEW_PATH, or PATH --against GIT_REF \(got 1 path\)/],
    [['a', 'b', 'c'], /got 3 paths/],
    [['a', 'b', '--against', 'HEAD'], /with --against, give one PATH \(got 2\)/],
    [['a', 'b', '--format', 'sarif'], /--format must be one of text, json, md/],
    [['a', 'b', '--level', 'pod'], /--level must be one of workload, namespace, tenant/],
    [['a', 'b', '--against'], /--against needs a value/],
    [['a', 'b', '--frobnicate'], /unknown option --frobnicate/],
    [['a', '-'], /not standard input/],
    [['a', 'missing'], /missing: no such file or folder/],
  ];
  for (const [args, message] of cases) {
    const r = await diff(args, s.dir);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '');
  }
  const help = await diff(['--help'], s.dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: tenant-policy diff OLD_PATH NEW_PATH/);
});

// ---- the conformance corpus: two versions whose connectivity an independent analyser computed ----------

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'conformance', 'netpol-analyzer');

function expectedRows(name: string): ConnectionRow[] {
  const rows = JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as {
    src: string;
    dst: string;
    srcKind: string;
    dstKind: string;
    parsed: { protocol: 'TCP' | 'UDP' | 'SCTP'; ports: [number, number][] }[];
  }[];
  return rows.map((r) => ({
    src: r.src,
    dst: r.dst,
    srcKind: r.srcKind,
    dstKind: r.dstKind,
    conns: r.parsed.reduce((c, p) => c.union(ConnSet.of(p.protocol, p.ports)), ConnSet.NONE),
  }));
}

for (const [before, after] of [
  ['semanticDiff-orig-topologies-no-policy', 'semanticDiff-orig-topologies-policy-a'],
  ['semanticDiff-different-topologies-policy-a', 'semanticDiff-different-topologies-policy-b'],
  ['semanticDiff-different-topologies-policy-a-with-ipblock', 'semanticDiff-different-topologies-policy-b-with-ipblock'],
]) {
  test(`corpus: ${before} → ${after} matches the difference of the expected connectivity`, async () => {
    const expected = diffConnectivity(expectedRows(before), expectedRows(after));
    const show = (rows: { src: string; dst: string; conns?: unknown; before?: unknown; after?: unknown }[]) =>
      rows.map((r) => `${r.src} > ${r.dst} ${String(r.conns ?? `${String(r.before)} => ${String(r.after)}`)}`);
    const j = await diffJson([join(before, 'inputs'), join(after, 'inputs')], CORPUS);
    assert.deepEqual(show(j.added), show(expected.added));
    assert.deepEqual(show(j.removed), show(expected.removed));
    assert.deepEqual(show(j.changed), show(expected.changed));
  });
}

// ---- the real command line ------------------------------------------------------------------------------

test('dist/cli.js: `tenant-policy diff` is dispatched with its options, help and exit codes', (t) => {
  const s = scratch(t, twoFolders());
  const r = cli(['diff', 'a', 'b', '--format', 'json', '--fail-on-change'], { cwd: s.dir });
  assert.equal(r.code, 1, r.stderr);
  assertWorkloadDiff(JSON.parse(r.stdout) as Json);
  assert.equal(cli(['diff', 'a', 'a'], { cwd: s.dir }).code, 0);
  assert.match(cli(['diff', '--help']).stdout, /^Usage: tenant-policy diff OLD_PATH NEW_PATH/);
  assert.match(cli(['help', 'diff']).stdout, /^Usage: tenant-policy diff OLD_PATH NEW_PATH/);
  const bad = cli(['diff', 'a'], { cwd: s.dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /give OLD_PATH and NEW_PATH/);
});
