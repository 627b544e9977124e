// `connectivity` and `explain` through the real bundle: formats, levels, exit codes, and explanations that
// point at the rule responsible with file:line (for a Capsule Tenant, at the item it comes from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, workspace } from '../cli/run';

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {team: a}
---
apiVersion: v1
kind: Namespace
metadata:
  name: db
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: c, image: x}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: db}
spec:
  serviceName: pg
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      containers:
      - name: c
        image: x
        ports:
        - {name: sql, containerPort: 5432}
`;

// Line numbers matter: the tests below name them.
const POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-db, namespace: prod}
spec:
  podSelector: {matchLabels: {app: api}}
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: db}}
    ports:
    - port: sql
  - to:
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    - ipBlock: {cidr: "2001:db8::/32"}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-prod, namespace: db}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
    ports:
    - {port: 5432}
    - {port: 5433, endPort: 5440}
`;

const TENANT = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: alpha
spec:
  owners:
  - {name: alice, kind: User}
  networkPolicies:
    items:
    - policyTypes: [Ingress]
      podSelector: {}
      ingress:
      - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: alpha
---
apiVersion: v1
kind: Namespace
metadata:
  name: alpha-prod
  labels: {capsule.clastix.io/tenant: alpha}
---
apiVersion: v1
kind: Namespace
metadata:
  name: alpha-dev
  labels: {capsule.clastix.io/tenant: alpha}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: alpha-prod, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: alpha-dev}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: beta}
spec: {containers: [{name: c, image: x}]}
`;

function inWorkspace<T>(files: Record<string, string>, f: (dir: string) => T): T {
  const ws = workspace(files);
  try {
    return f(ws.dir);
  } finally {
    ws.cleanup();
  }
}

test('explain: per-port verdicts with the rules responsible and their file:line', () => {
  inWorkspace({ 'ns.yaml': NAMESPACES, 'policies.yaml': POLICIES }, (dir) => {
    const r = cli(['explain', 'ns.yaml', 'policies.yaml', '--from', 'prod/api', '--to', 'db/pg'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^prod\/api \(Deployment\) → db\/pg \(StatefulSet\)\n {2}allowed: TCP 5432\n/);
    // The allowed port, with the egress rule (named port resolved on db/pg) and the ingress rule.
    assert.match(out, /TCP 5432: ALLOWED\n {4}egress {2}prod\/api: allowed by\n {8}NetworkPolicy prod\/to-db egress\[0\] \(policies\.yaml:14\)\n {4}ingress db\/pg: allowed by\n {8}NetworkPolicy db\/from-prod ingress\[0\] \(policies\.yaml:28\)/);
    // 5433-5440: the ingress rule allows it, egress isolation does not.
    assert.match(out, /TCP 5433-5440: DENIED\n {4}egress {2}prod\/api: denied: no rule allows it; isolated by\n {8}NetworkPolicy prod\/default-deny isolates egress \(policies\.yaml:1\)\n {8}NetworkPolicy prod\/to-db isolates egress \(policies\.yaml:8\)\n {4}ingress db\/pg: allowed by\n {8}NetworkPolicy db\/from-prod ingress\[0\] \(policies\.yaml:28\)/);
    assert.match(out, /everything else: DENIED/);
  });
});

test('explain: --port narrows to one port; JSON carries the same facts', () => {
  inWorkspace({ 'ns.yaml': NAMESPACES, 'policies.yaml': POLICIES }, (dir) => {
    const r = cli(['explain', 'ns.yaml', 'policies.yaml', '--from', 'prod/api', '--to', 'db/pg', '--port', 'TCP/5433', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const [x] = JSON.parse(r.stdout);
    assert.equal(x.allowed, 'No Connections');
    assert.equal(x.verdicts.length, 1);
    assert.equal(x.verdicts[0].conns, 'TCP 5433');
    assert.deepEqual(x.verdicts[0].ingress.by.map((c: { rule: string; at: string }) => `${c.rule} ${c.at}`), ['ingress[0] policies.yaml:28']);
    assert.equal(x.verdicts[0].egress.allowed, false);
  });
});

test('explain: external addresses are split where policies tell them apart, and IPv6 blocks are named', () => {
  inWorkspace({ 'ns.yaml': NAMESPACES, 'policies.yaml': POLICIES }, (dir) => {
    const r = cli(['explain', 'ns.yaml', 'policies.yaml', '--from', 'prod/api', '--to', '10.0.0.0/8'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('prod/api'));
    assert.deepEqual(heads, ['prod/api (Deployment) → 10.0.0.0/16', 'prod/api (Deployment) → 10.1.0.0/16', 'prod/api (Deployment) → 10.2.0.0-10.255.255.255']);
    assert.match(r.stdout, /egress\[1\] \(policies\.yaml:18\)/);
    assert.match(r.stdout, /ipBlock 2001:db8::\/32 is IPv6/);
  });
});

test('explain: a Capsule-materialised policy points at the Tenant item; a namespace stands for its workloads', () => {
  inWorkspace({ 'tenant.yaml': TENANT }, (dir) => {
    const r = cli(['explain', 'tenant.yaml', '--from', 'beta', '--to', 'alpha-prod/web'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^beta\/client \(Pod\) → alpha-prod\/web \(Pod\)/);
    assert.match(r.stdout, /NetworkPolicy alpha-prod\/capsule-alpha-0 isolates ingress \(tenant\.yaml:10\)/);
    const inside = cli(['explain', 'tenant.yaml', '--from', 'alpha-dev/tool', '--to', 'alpha-prod/web', '--port', '80'], { cwd: dir });
    assert.match(inside.stdout, /ingress alpha-prod\/web: allowed by\n {8}NetworkPolicy alpha-prod\/capsule-alpha-0 ingress\[0\] \(tenant\.yaml:13\)/);
  });
});

test('explain: bad usage and unknown endpoints exit 2', () => {
  inWorkspace({ 'ns.yaml': NAMESPACES }, (dir) => {
    assert.equal(cli(['explain', '.', '--from', 'prod/api'], { cwd: dir }).code, 2);
    assert.equal(cli(['explain', '.', '--from', '1.2.3.4', '--to', '10.0.0.0/8'], { cwd: dir }).code, 2);
    assert.equal(cli(['explain', '.', '--from', 'prod/api', '--to', 'db/pg', '--port', 'ICMP/1'], { cwd: dir }).code, 2);
    const unknown = cli(['explain', '.', '--from', 'prod/nope', '--to', 'db/pg'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no workload prod\/nope in the inputs; prod has api/);
  });
});

test('connectivity: json rows with kinds at every level; [] when nothing may talk', () => {
  inWorkspace({ 'ns.yaml': NAMESPACES, 'policies.yaml': POLICIES }, (dir) => {
    const w = JSON.parse(cli(['connectivity', '.', '--format', 'json'], { cwd: dir }).stdout);
    assert.deepEqual(w[0], { src: 'prod/api', srcKind: 'Deployment', dst: 'db/pg', dstKind: 'StatefulSet', conns: 'TCP 5432' });
    const n = JSON.parse(cli(['connectivity', '.', '--format', 'json', '--level', 'namespace'], { cwd: dir }).stdout);
    assert.deepEqual(n.filter((r: { srcKind: string; dstKind: string }) => r.srcKind !== 'External' && r.dstKind !== 'External'), [
      { src: 'prod', srcKind: 'Namespace', dst: 'db', dstKind: 'Namespace', conns: 'TCP 5432' },
    ]);
    assert.ok(n.some((r: { src: string; dst: string }) => r.src === 'prod' && r.dst === '10.0.0.0/16'));
  });
  const closed = `${NAMESPACES}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: prod}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: db}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n`;
  inWorkspace({ 'all.yaml': closed }, (dir) => {
    const r = cli(['connectivity', 'all.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[]\n');
  });
});

test('connectivity: table is a matrix at namespace and tenant levels, a list at workload level; md and dot', () => {
  inWorkspace({ 'tenant.yaml': TENANT }, (dir) => {
    const tenant = cli(['connectivity', '.', '--level', 'tenant'], { cwd: dir });
    assert.equal(tenant.code, 0, tenant.stderr);
    assert.equal(tenant.stdout, ['FROM \\ TO  alpha  beta  0.0.0.0/0', 'alpha      all    all   all', 'beta       -      -     all', '0.0.0.0/0  -      all   -', ''].join('\n'));
    const list = cli(['connectivity', '.'], { cwd: dir }).stdout.split('\n');
    assert.equal(list[0].replace(/ +/g, ' '), 'SOURCE DESTINATION CONNECTIONS');
    assert.ok(list.some((l) => /^alpha-dev\/tool \[Pod\] +alpha-prod\/web \[Pod\] +All Connections$/.test(l)));
    const md = cli(['connectivity', '.', '--format', 'md', '--level', 'namespace'], { cwd: dir }).stdout;
    assert.match(md, /^\| Source \| Destination \| Connections \|\n\| --- \| --- \| --- \|\n/);
    assert.match(md, /\| alpha-dev \| alpha-prod \| All Connections \|/);
    const dot = cli(['connectivity', '.', '--format', 'dot', '--level', 'namespace'], { cwd: dir }).stdout;
    assert.match(dot, /^digraph connectivity \{/);
    assert.match(dot, /subgraph "cluster_tenant_alpha" \{\n {4}label="tenant alpha";\n {4}style=rounded;\n {4}"alpha-dev";\n {4}"alpha-prod";\n {2}\}/);
    assert.match(dot, /"alpha-dev" -> "alpha-prod" \[label="all"\];/);
  });
});

test('connectivity: bad usage exits 2; diff is dispatched', () => {
  assert.equal(cli(['connectivity']).code, 2);
  assert.equal(cli(['connectivity', '.', '--level', 'pod']).code, 2);
  assert.equal(cli(['connectivity', '.', '--format', 'sarif']).code, 2);
  assert.equal(cli(['connectivity', 'no/such/folder']).code, 2);
  const help = cli(['connectivity', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--level workload\|namespace\|tenant/);
  assert.equal(cli(['explain', '--help']).code, 0);
  assert.match(cli(['diff', '--help']).stdout, /tenant-policy diff OLD_PATH NEW_PATH/);
});

test('connectivity: --inventory merges a cluster export with the workspace', () => {
  const inventory = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: beta, labels: {kubernetes.io/metadata.name: beta}}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: batch, namespace: beta}
  spec:
    selector: {matchLabels: {app: batch}}
    template:
      metadata: {labels: {app: batch}}
      spec: {containers: [{name: c, image: x}]}
`;
  inWorkspace({ 'ws/tenant.yaml': TENANT, 'cluster.yaml': inventory }, (dir) => {
    const r = cli(['connectivity', 'ws', '--inventory', 'cluster.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { src: string; dst: string; dstKind: string }[];
    assert.ok(rows.some((x) => x.src === 'beta/client' && x.dst === 'beta/batch' && x.dstKind === 'Deployment'));
    assert.equal(cli(['connectivity', 'ws', '--inventory', 'missing.yaml'], { cwd: dir }).code, 2);
  });
});
