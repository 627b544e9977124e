// Completion through the real server, with a `|` cursor in each case's text: schema keys without the ones
// present, enum values, workspace label keys and values, namespace, tenant and container port names, PSA
// levels, Cilium entities — on half-typed documents too — and empty answers on bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol/node';
import { TestClient, tempWorkspace, type TempWorkspace } from './client';

const WORKSPACE: Record<string, string> = {
  'tenants.yaml': 'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata:\n  name: solar\nspec:\n  owners:\n    - kind: User\n      name: alice\n',
  'namespaces.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar-prod\n  labels:\n    capsule.clastix.io/tenant: solar\n    team: web\n',
  'workloads.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: solar-prod\n  labels:\n    app: api\nspec:\n  containers:\n    - name: api\n      image: api:1\n      ports:\n        - name: http-api\n          containerPort: 8080\n',
};

let ws: TempWorkspace;
let client: TestClient;
let n = 0;

before(async () => {
  ws = tempWorkspace(WORKSPACE);
  client = await TestClient.start({ folders: [ws.root], capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } }, workspace: {} } });
});
after(async () => {
  await client.shutdown();
  ws.dispose();
});

async function complete(marked: string): Promise<string[]> {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = text.slice(0, at);
  const position = { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
  const uri = ws.uri(`c${n++}.yaml`);
  await client.open(uri, text);
  const r = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position });
  return (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
}

const NP = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n  namespace: solar-prod\nspec:\n';

test('keys valid at the cursor, without those present', async () => {
  const labels = await complete(`${NP}  podSelector: {}\n  |\n  ingress: []\n`);
  assert.deepEqual(labels.filter((l) => !l.includes(' ')).sort(), ['egress', 'policyTypes']);
});

test('enum values: policyTypes, protocol, operator, Cilium entities', async () => {
  assert.deepEqual((await complete(`${NP}  policyTypes:\n    - |`)).sort(), ['Egress', 'Ingress']);
  assert.deepEqual((await complete(`${NP}  ingress:\n    - ports:\n        - protocol: |`)).sort(), ['SCTP', 'TCP', 'UDP']);
  assert.ok((await complete(`${NP}  podSelector:\n    matchExpressions:\n      - key: app\n        operator: |`)).includes('DoesNotExist'));
  const entities = await complete('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nspec:\n  egress:\n    - toEntities:\n        - |');
  assert.ok(entities.includes('kube-apiserver') && entities.includes('world'), entities.join());
});

test('workspace labels in selectors, namespace and tenant names, PSA levels', async () => {
  const nsKeys = await complete(`${NP}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              |`);
  assert.ok(nsKeys.includes('team') && nsKeys.includes('kubernetes.io/metadata.name'), nsKeys.join());
  assert.ok(!nsKeys.includes('app'), 'pod labels are not offered in a namespaceSelector');
  assert.deepEqual(await complete(`${NP}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              team: |`), ['web']);
  assert.ok((await complete(`${NP}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: |`)).includes('solar-prod'));
  assert.ok((await complete(`${NP}  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              capsule.clastix.io/tenant: |`)).includes('solar'));
  assert.deepEqual(await complete(`${NP}  podSelector:\n    matchLabels:\n      app: |`), ['api']);
  assert.deepEqual(await complete(`${NP}  podSelector:\n    matchExpressions:\n      - key: app\n        operator: In\n        values:\n          - |`), ['api']);
  assert.deepEqual((await complete('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    pod-security.kubernetes.io/enforce: |')).sort(), ['baseline', 'privileged', 'restricted']);
});

test('container port names in a rule\'s port', async () => {
  const labels = await complete(`${NP}  ingress:\n    - ports:\n        - protocol: TCP\n          port: |`);
  assert.ok(labels.includes('http-api'), labels.join());
});

test('bad input: comments, broken YAML, past the end, unknown kinds answer empty or sensibly', async () => {
  assert.deepEqual(await complete(`${NP}  # a comment |`), []);
  assert.deepEqual(await complete('apiVersion: example.com/v7\nkind: Frobnicator\nspec:\n  |'), []);
  assert.ok(Array.isArray(await complete('apiVersion: v1\nkind: Namespace\nmetadata: {name: [oops\n  |')));
  const uri = ws.uri('past.yaml');
  await client.open(uri, 'apiVersion: v1\n');
  const r = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: 50, character: 80 } });
  assert.ok(r === null || Array.isArray(r.items));
  assert.ok((await complete(`${NP}  |`)).includes('podSelector'), 'still serving');
});
