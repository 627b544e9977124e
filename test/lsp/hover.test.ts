// Hover through the real server: schema facts, the diagnostic's why and rule page, what a selector admits
// right now (per tenant), whether tenant owners can set a namespaceSelector label, and the isolation
// summary of a Namespace; bad input answers empty or sensibly, never with an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, Position } from 'vscode-languageserver-protocol/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestClient, tempWorkspace, type TempWorkspace } from './client';
import { ModelWatch } from './model-watch';

const WORKSPACE: Record<string, string> = {
  'tenants.yaml': `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
spec:
  owners:
    - kind: User
      name: alice
  namespaceOptions:
    forbiddenLabels:
      denied:
        - team
---
apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: wind
spec:
  owners:
    - kind: User
      name: bob
`,
  'namespaces.yaml': ['solar-dev', 'solar-prod', 'solar-test'].map((n) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${n}
  labels:
    capsule.clastix.io/tenant: solar
    team: web
`).join('---\n') + `---
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
  labels:
    team: web
`,
  'workloads.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: solar-prod
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api:1
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: prometheus
  namespace: monitoring
  labels:
    app: prometheus
spec:
  containers:
    - name: prometheus
      image: prom:1
`,
};

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: solar-prod
spec:
  podSelector: {}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              team: web
      ports:
        - protocol: TCP
          port: 8080
`;

let ws: TempWorkspace;
let client: TestClient;

before(async () => {
  ws = tempWorkspace({ ...WORKSPACE, 'policy.yaml': POLICY });
  client = await TestClient.start({ folders: [ws.root] });
});
after(async () => {
  await client.shutdown();
  ws.dispose();
});

/** The position of the `n`th occurrence of `needle` (plus `shift` characters) in `text`. */
function at(text: string, needle: string, shift = 0, n = 0): Position {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} in the text`);
  const before = text.slice(0, i + shift);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

async function hover(uri: string, position: Position): Promise<string> {
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  if (!h) return '';
  const c = h.contents;
  return typeof c === 'string' ? c : 'value' in c ? c.value : '';
}

test('a key: its schema description, type and enum', async () => {
  const uri = ws.uri('policy.yaml');
  await client.open(uri, POLICY);
  const protocol = await hover(uri, at(POLICY, 'protocol', 2));
  assert.match(protocol, /\*\*protocol\*\* · string/);
  assert.match(protocol, /`TCP`, `UDP`, `SCTP`/);
  const policyTypes = await hover(uri, at(POLICY, 'policyTypes', 1));
  assert.match(policyTypes, /array of string/);
});

test('a selector: what it admits right now, by tenant, and whether owners can set its label', async () => {
  const uri = ws.uri('policy.yaml');
  await client.open(uri, POLICY);
  await client.diagnostics(uri);
  const text = await hover(uri, at(POLICY, 'team: web', 1));
  assert.match(text, /3 namespaces of tenant `solar`: solar-dev, solar-prod, solar-test/);
  assert.match(text, /1 namespace outside any tenant: monitoring/);
  assert.match(text, /owners of 1 tenant can set it[^\n]*wind/);
  assert.match(text, /forbidden for solar/);
});

test('a diagnostic: its rule, why and rule page', async () => {
  const broken = POLICY.replace('protocol: TCP', 'protocol: TPC');
  const uri = ws.uri('broken.yaml');
  await client.open(uri, broken);
  const diagnostics = await client.diagnostics(uri);
  const schema = diagnostics.find((d) => d.code === 'schema');
  assert.ok(schema, JSON.stringify(diagnostics));
  const text = await hover(uri, at(broken, 'TPC', 1));
  assert.match(text, /\*\*schema\*\* \(error\)/);
  // The first paragraph of "Why it matters" in docs/rules/schema.md, markdown kept, with the list it introduces.
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'rules', 'schema.md'), 'utf8');
  const why = page.slice(page.indexOf('## Why it matters')).split('\n\n')[1].replace(/\n/g, ' ');
  assert.ok(text.includes(why), `${why}\n--- in ---\n${text}`);
  assert.match(text, /\*\*Unknown fields are dropped\*\*/);
  assert.doesNotMatch(text, /## How to fix/);
  // Not the message: the editor shows it with the diagnostic already.
  assert.ok(!text.includes(schema.message), text);
  assert.match(text, /\[Rule documentation\]\(https:[^)]*docs\/rules\/schema\.md\)/);
});

// One verdict for "can owners set this label": the hover's and spoofable-namespace-label's, from the
// Tenant's stamped keys (additionalMetadata), RE2 patterns (`\A` is Go's start of text) and v1beta1 annotations.
test('label verdicts agree with spoofable-namespace-label: stamped, RE2 and annotation keys cannot be set', async () => {
  const tenants = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: oil
spec:
  owners:
    - kind: User
      name: carol
  namespaceOptions:
    additionalMetadata:
      labels:
        zone: blue
    forbiddenLabels:
      deniedRegex: '\\Aenv\\z'
---
apiVersion: capsule.clastix.io/v1beta1
kind: Tenant
metadata:
  name: gas
  annotations:
    capsule.clastix.io/forbidden-namespace-labels: zone,env,tier
spec:
  owners:
    - kind: User
      name: dave
`;
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: by-labels
  namespace: oil-prod
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              zone: blue
    - from:
        - namespaceSelector:
            matchExpressions:
              - key: env
                operator: In
                values: [prod]
    - from:
        - namespaceSelector:
            matchLabels:
              tier: gold
`;
  const own = tempWorkspace({ 'tenants.yaml': tenants, 'policy.yaml': policy });
  const c = await TestClient.start({ folders: [own.root] });
  try {
    const uri = own.uri('policy.yaml');
    await c.open(uri, policy);
    // The rule runs in the workspace model: pull again after each refresh until the model's findings are in.
    let report = await c.pull(uri);
    while (report.kind === 'full' && !report.items.some((d) => d.code === 'spoofable-namespace-label')) {
      const seen = c.refreshes.all.length;
      await c.refreshes.some('a refresh after the model build', (n) => n > seen);
      report = await c.pull(uri);
    }
    assert.equal(report.kind, 'full');
    const spoofable = report.kind === 'full' ? report.items.filter((d) => d.code === 'spoofable-namespace-label') : [];
    const lineOf = (needle: string) => at(policy, needle).line;
    // The rule: `zone` (stamped for oil, forbidden for gas) and `env` (RE2 for oil, annotation for gas)
    // are safe; `tier` is settable by oil's owners.
    assert.deepEqual(spoofable.map((d) => d.range.start.line), [lineOf('tier: gold')], JSON.stringify(spoofable));
    const read = async (p: Position) => {
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: p });
      const v = h?.contents;
      return !v ? '' : typeof v === 'string' ? v : 'value' in v ? v.value : '';
    };
    const zone = await read(at(policy, 'zone: blue', 1));
    assert.match(zone, /stamped by Capsule on every namespace of oil: owners cannot set it/);
    assert.match(zone, /forbidden for gas: owners cannot set it/);
    assert.doesNotMatch(zone, /can set it on their namespaces/);
    const env = await read(at(policy, 'key: env', 6));
    assert.match(env, /forbidden for oil, gas: owners cannot set it/);
    assert.doesNotMatch(env, /can set it on their namespaces/);
    const tier = await read(at(policy, 'tier: gold', 1));
    assert.match(tier, /owners of 1 tenant can set it[^\n]*oil/);
    assert.match(tier, /forbidden for gas/);
  } finally {
    await c.shutdown();
    own.dispose();
  }
});

test('a Namespace document: isolation, policies, who reaches it', async () => {
  const uri = ws.uri('namespaces.yaml');
  const text = WORKSPACE['namespaces.yaml'];
  await client.open(uri, text);
  await client.diagnostics(uri);
  const h = await hover(uri, at(text, 'solar-prod', 1));
  assert.match(h, /\*\*Namespace `solar-prod`\*\* · tenant `solar` · 1 workload/);
  assert.match(h, /- ingress: isolated/);
  assert.match(h, /- egress: open/);
  assert.match(h, /policies: solar-prod\/allow-web/);
  // Only namespaces with workloads send or receive traffic: monitoring's pod, on the rule's port.
  assert.match(h, /reached from 1 namespace: monitoring TCP 8080/);
  assert.match(h, /reaches 1 namespace: monitoring all ports/);
});

test('hostile names stay text', async () => {
  const hostile = POLICY.replace('team: web', '"<img src=x onerror=alert(1)>": web');
  const uri = ws.uri('hostile.yaml');
  await client.open(uri, hostile);
  const h = await hover(uri, at(hostile, '<img', 1));
  assert.match(h, /\\<img/);
  // Code spans render as literal text; everywhere else `<` must arrive escaped.
  assert.doesNotMatch(h.replace(/`[^`]*`/g, ''), /(^|[^\\])<img/);
});

test('bad input: broken YAML, half-typed, comments, end of file, past the end, unknown kinds', async () => {
  const cases: [string, string, Position][] = [
    ['broken', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [oops\n', { line: 2, character: 14 }],
    ['half', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  ingress:\n    - fr', { line: 4, character: 7 }],
    ['comment', '# a comment\napiVersion: v1\n', { line: 0, character: 4 }],
    ['eof', 'apiVersion: v1\nkind: Namespace\n', { line: 2, character: 0 }],
    ['past', 'apiVersion: v1\n', { line: 99, character: 99 }],
    ['unknown', 'apiVersion: example.com/v7\nkind: Frobnicator\nspec:\n  anything: 1\n', { line: 3, character: 4 }],
    ['empty', '', { line: 0, character: 0 }],
  ];
  for (const [name, text, pos] of cases) {
    const uri = ws.uri(`bad-${name}.yaml`);
    await client.open(uri, text);
    const h = await hover(uri, pos);
    assert.equal(typeof h, 'string', name);
    if (name === 'unknown' || name === 'comment' || name === 'past' || name === 'empty') assert.equal(h, '', `${name}: ${h}`);
  }
  // Still serving.
  assert.match(await hover(ws.uri('policy.yaml'), at(POLICY, 'protocol', 2)), /protocol/);
});

test('a Capsule item: the namespaces it is stamped into', async () => {
  const tenant = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: reef
spec:
  owners:
    - kind: User
      name: erin
  networkPolicies:
    items:
      - podSelector: {}
        policyTypes: [Ingress]
`;
  const namespaces = ['reef-a', 'reef-b'].map((n) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${n}
  labels:
    capsule.clastix.io/tenant: reef
`).join('---\n');
  const own = tempWorkspace({ 'tenant.yaml': tenant, 'namespaces.yaml': namespaces });
  const c = await TestClient.start({ folders: [own.root] });
  const watch = new ModelWatch(c);
  try {
    const uri = own.uri('tenant.yaml');
    await c.open(uri, tenant);
    // The preview answers `ready` once the model that knows the namespaces is built.
    await watch.preview({ uri, noMatrix: true });
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(tenant, 'podSelector', 1) });
    const v = h?.contents;
    const text = !v ? '' : typeof v === 'string' ? v : 'value' in v ? v.value : '';
    assert.match(text, /Capsule stamps this Tenant item into 2 namespaces\*\* as NetworkPolicy `capsule-reef-0`/);
    assert.match(text, /tenant `reef`: reef-a, reef-b/);
  } finally {
    await c.shutdown();
    own.dispose();
  }
});
