// Go to definition over the wire, in a small multi-tenant workspace: namespace names, tenant names,
// selectors (namespace, pod, tenant, Cilium endpoints) and rendered copies of what Capsule creates lead
// to the documents that declare them; bad positions and broken text answer null, never an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefinitionRequest, type Location } from 'vscode-languageserver-protocol/node';
import { TestClient, positionAt, tempWorkspace, textAt, type TempWorkspace } from './client';
import { ModelWatch } from './model-watch';

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: solar-db
  labels:
    capsule.clastix.io/tenant: solar
    tier: data
---
apiVersion: v1
kind: Namespace
metadata:
  name: solar-web
  labels:
    capsule.clastix.io/tenant: solar
    tier: web
---
apiVersion: v1
kind: Namespace
metadata:
  name: wind-api
  labels:
    capsule.clastix.io/tenant: wind
`;

const TENANTS = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
  labels:
    env: prod
spec:
  owners:
    - name: alice
      kind: User
  networkPolicies:
    items:
      - policyTypes: [Ingress]
        podSelector: {}
        ingress:
          - from:
              - namespaceSelector:
                  matchLabels:
                    capsule.clastix.io/tenant: solar
status:
  namespaces:
    - solar-db
    - solar-web
---
apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: wind
  labels:
    env: dev
spec:
  owners:
    - name: bob
      kind: User
`;

const WORKLOADS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
  namespace: solar-db
spec:
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      containers:
        - name: db
          image: postgres
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: solar-web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx
`;

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: solar-db
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: solar
          podSelector:
            matchLabels:
              app: web
        - namespaceSelector:
            matchExpressions:
              - key: kubernetes.io/metadata.name
                operator: In
                values: [wind-api, solar-web]
      ports:
        - port: 5432
`;

const GTR = `apiVersion: capsule.clastix.io/v1beta2
kind: GlobalTenantResource
metadata:
  name: baseline
spec:
  resyncPeriod: 60s
  scope: Namespace
  tenantSelector:
    matchLabels:
      env: prod
  resources:
    - rawItems:
        - apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata:
            name: default-deny
          spec:
            podSelector: {}
            policyTypes: [Ingress]
        - apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata:
            name: cilium-baseline
          spec:
            endpointSelector: {}
            ingress:
              - fromEndpoints:
                  - {}
`;

// Copies of what Capsule creates, as an export or a rendered manifest would hold them.
const RENDERED = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: capsule-solar-0
  namespace: solar-db
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: solar-web
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: hand-written
  namespace: solar-web
spec:
  podSelector: {}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: cilium-baseline
  namespace: solar-web
spec:
  endpointSelector: {}
  ingress:
    - fromEndpoints:
        - {}
`;

const CILIUM = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: db-from-web
  namespace: solar-db
spec:
  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: solar-web
            app: web
`;

function workspace(): TempWorkspace {
  return tempWorkspace({
    'namespaces.yaml': NAMESPACES,
    'tenants.yaml': TENANTS,
    'workloads.yaml': WORKLOADS,
    'policies/allow-web.yaml': POLICY,
    'global/baseline.yaml': GTR,
    'rendered/export.yaml': RENDERED,
    'policies/cilium.yaml': CILIUM,
  });
}

async function definitionAt(client: TestClient, uri: string, text: string, needle: string, from = 0, shift = 1): Promise<Location[] | null> {
  const at = text.indexOf(needle, from);
  assert.ok(at >= 0, `${needle} not in the text`);
  const position = positionAt(text, at + shift);
  const result = await client.request<Location[] | Location | null>(DefinitionRequest.method, { textDocument: { uri }, position });
  if (result === null) return null;
  return Array.isArray(result) ? result : [result];
}

/** Each location as `file:text` (the text it covers), sorted. */
function describe(ws: TempWorkspace, files: Record<string, string>, locations: Location[] | null): string[] {
  return (locations ?? []).map((l) => {
    const rel = Object.keys(files).find((f) => ws.uri(f) === l.uri) ?? l.uri;
    return `${rel}:${textAt(files[rel], l.range)}`;
  }).sort();
}

test('go to definition: names, selectors and Capsule origins lead to their declarations', async () => {
  const ws = workspace();
  const files: Record<string, string> = {
    'namespaces.yaml': NAMESPACES,
    'tenants.yaml': TENANTS,
    'workloads.yaml': WORKLOADS,
    'policies/allow-web.yaml': POLICY,
    'global/baseline.yaml': GTR,
    'rendered/export.yaml': RENDERED,
    'policies/cilium.yaml': CILIUM,
  };
  const client = await TestClient.start({ folders: [ws.root] });
  const models = new ModelWatch(client);
  try {
    assert.equal(client.initializeResult.capabilities.definitionProvider, true);
    const policy = ws.uri('policies/allow-web.yaml');
    // The first model may still be building: the first answer that resolves anything must come after it.
    if ((await definitionAt(client, policy, POLICY, 'namespace: solar-db', 0, 12)) === null) await models.after(0, 'the first model');
    const d = (uri: string, text: string, needle: string, from = 0, shift = 1) => definitionAt(client, uri, text, needle, from, shift).then((r) => describe(ws, files, r));

    // A namespace name: metadata.namespace, a matchExpressions value.
    assert.deepEqual(await d(policy, POLICY, 'solar-db', POLICY.indexOf('namespace:')), ['namespaces.yaml:solar-db']);
    assert.deepEqual(await d(policy, POLICY, 'wind-api'), ['namespaces.yaml:wind-api']);
    assert.deepEqual(await d(policy, POLICY, 'solar-web]'), ['namespaces.yaml:solar-web']);
    // A tenant name in a selector, and in a Namespace's own labels.
    assert.deepEqual(await d(policy, POLICY, 'solar\n'), ['tenants.yaml:solar']);
    assert.deepEqual(await d(ws.uri('namespaces.yaml'), NAMESPACES, 'wind\n'), ['tenants.yaml:wind']);
    // Capsule's status.namespaces.
    assert.deepEqual(await d(ws.uri('tenants.yaml'), TENANTS, '- solar-web', 0, 3), ['namespaces.yaml:solar-web']);

    // Selectors, from their key or from inside them.
    assert.deepEqual(await d(policy, POLICY, 'namespaceSelector'), ['namespaces.yaml:solar-db', 'namespaces.yaml:solar-web']);
    assert.deepEqual(await d(policy, POLICY, 'matchExpressions'), ['namespaces.yaml:solar-web', 'namespaces.yaml:wind-api']);
    // The peer's podSelector: pods labelled app=web in the tenant's namespaces; the policy's own: app=db in solar-db.
    assert.deepEqual(await d(policy, POLICY, 'podSelector', POLICY.indexOf('from:')), ['workloads.yaml:web']);
    assert.deepEqual(await d(policy, POLICY, 'app: db'), ['workloads.yaml:db']);
    // A tenantSelector: the Tenants whose own labels match.
    assert.deepEqual(await d(ws.uri('global/baseline.yaml'), GTR, 'tenantSelector'), ['tenants.yaml:solar']);
    // Cilium: the subject selector is pinned to the policy's namespace; the peer names its namespace.
    const cilium = ws.uri('policies/cilium.yaml');
    assert.deepEqual(await d(cilium, CILIUM, 'endpointSelector'), ['workloads.yaml:db']);
    assert.deepEqual(await d(cilium, CILIUM, 'app: web'), ['namespaces.yaml:solar-web', 'workloads.yaml:web']);
    assert.deepEqual(await d(cilium, CILIUM, 'solar-web'), ['namespaces.yaml:solar-web']);

    // Copies of Capsule-made policies lead to the item they are rendered from.
    const rendered = ws.uri('rendered/export.yaml');
    const [tenantItem] = await definitionAt(client, rendered, RENDERED, 'capsule-solar-0') ?? [];
    assert.equal(tenantItem?.uri, ws.uri('tenants.yaml'));
    // The Tenant's item has no name of its own: its first line.
    assert.equal(textAt(TENANTS, tenantItem.range), 'policyTypes: [Ingress]');
    assert.deepEqual(await d(rendered, RENDERED, 'default-deny'), ['global/baseline.yaml:default-deny']);
    // A Cilium copy too, though the copy (not the Capsule-made policy) is the one the model evaluates.
    assert.deepEqual(await d(rendered, RENDERED, 'cilium-baseline'), ['global/baseline.yaml:cilium-baseline']);
    // A policy Capsule does not create has no origin.
    assert.equal(await definitionAt(client, rendered, RENDERED, 'hand-written'), null);
    assert.equal(await definitionAt(client, cilium, CILIUM, 'db-from-web'), null);
    // A plain key or an unrelated value has no definition.
    assert.equal(await definitionAt(client, policy, POLICY, 'apiVersion'), null);
    assert.equal(await definitionAt(client, policy, POLICY, '5432'), null);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('go to definition: the open document is used as typed; bad positions and broken text answer null', async () => {
  const ws = workspace();
  const client = await TestClient.start({ folders: [ws.root] });
  const models = new ModelWatch(client);
  try {
    const uri = ws.uri('policies/allow-web.yaml');
    await client.open(uri, POLICY);
    if ((await definitionAt(client, uri, POLICY, 'wind-api')) === null) await models.after(0, 'the first model');
    const at = (line: number, character: number) => client.request<unknown>(DefinitionRequest.method, { textDocument: { uri }, position: { line, character } });
    assert.equal(await at(10_000, 0), null);
    assert.equal(await at(0, 10_000), null);
    assert.equal(await at(-1, 3), null);
    assert.equal(await client.request(DefinitionRequest.method, { textDocument: { uri: ws.uri('nope.yaml') }, position: { line: 0, character: 0 } }), null);

    // A comment that mentions a namespace is not a reference; a broken document and an unknown kind answer null.
    const broken = `# metadata.namespace: solar-db\napiVersion: v1\nkind: Mystery\nmetadata:\n  name: x\n  namespace: [solar-db\nspec: {{\n`;
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: positionAt(POLICY, POLICY.length) }, newText: broken }]);
    assert.equal(await at(0, 25), null);
    assert.equal(await at(2, 8), null);
    assert.equal(await at(6, 8), null);
    // The namespace of an unknown kind still leads to the Namespace.
    const unknown = `apiVersion: example.com/v1\nkind: Mystery\nmetadata:\n  name: x\n  namespace: solar-db\n`;
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: positionAt(broken, broken.length) }, newText: unknown }]);
    const result = (await at(4, 15)) as Location[];
    assert.equal(result.length, 1);
    assert.equal(result[0].uri, ws.uri('namespaces.yaml'));
    assert.equal(textAt(NAMESPACES, result[0].range), 'solar-db');
    assert.match(client.stderr, /^(?![\s\S]*textDocument\/definition failed)/);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});
