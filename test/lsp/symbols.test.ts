// Document symbols over the wire: one entry per `---` document named `Kind/name`, rules nested with a
// readable summary, Capsule items and Lists as children; flat SymbolInformation for older clients; broken,
// unknown and empty documents still answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentSymbolRequest, SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, exampleUri, tempWorkspace, textAt } from './client';

const HIERARCHICAL = { ...PULL_CAPABILITIES, textDocument: { ...PULL_CAPABILITIES.textDocument, documentSymbol: { hierarchicalDocumentSymbolSupport: true } } };

const TEXT = `# A policy, a tenant, a list and a broken document.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: solar-db
spec:
  podSelector: {}
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: solar
      ports:
        - protocol: TCP
          port: 5432
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/8
---
apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
spec:
  networkPolicies:
    items:
      - policyTypes: [Ingress]
        podSelector: {}
        ingress:
          - from:
              - podSelector: {}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: solar-web
---
# only a comment
---
apiVersion: example.com/v1
kind: Mystery
metadata: [broken
---
just: a mapping
`;

function names(symbols: DocumentSymbol[]): unknown[] {
  return symbols.map((s) => (s.children && s.children.length > 0 ? [s.name, names(s.children)] : s.name));
}

test('document symbols: kind/name per document, rules and items nested, ranges inside the text', async () => {
  const ws = tempWorkspace({ 'all.yaml': TEXT });
  const client = await TestClient.start({ folders: [ws.root], capabilities: HIERARCHICAL });
  try {
    assert.ok(client.initializeResult.capabilities.documentSymbolProvider);
    const uri = ws.uri('all.yaml');
    await client.open(uri, TEXT);
    const symbols = await client.request<DocumentSymbol[]>(DocumentSymbolRequest.method, { textDocument: { uri } });
    assert.deepEqual(names(symbols), [
      ['NetworkPolicy/allow-web', [
        'ingress 1: from namespaces capsule.clastix.io/tenant=solar · TCP 5432',
        'egress 1: to 10.0.0.0/8 · all ports',
      ]],
      ['Tenant/solar', [['networkPolicy 1: Ingress', ['ingress 1: from pods all · all ports']]]],
      ['List', ['Namespace/solar-web']],
      'Mystery',
      'document 6',
    ]);
    const [np, tenant, list, mystery] = symbols;
    assert.equal(np.kind, SymbolKind.Struct);
    assert.equal(np.detail, 'in solar-db · networking.k8s.io/v1');
    assert.equal(tenant.kind, SymbolKind.Package);
    assert.equal(list.kind, SymbolKind.Array);
    assert.equal(list.children![0].kind, SymbolKind.Namespace);
    assert.equal(mystery.kind, SymbolKind.Object);
    // The selection is the name; the range the whole document, without the trailing newline.
    assert.equal(textAt(TEXT, np.selectionRange), 'allow-web');
    assert.ok(textAt(TEXT, np.range).startsWith('apiVersion: networking.k8s.io/v1'));
    assert.ok(textAt(TEXT, np.range).endsWith('cidr: 10.0.0.0/8'));
    // A rule's range is its whole entry, its selection the entry's first key.
    const ingress = np.children![0];
    assert.equal(textAt(TEXT, ingress.selectionRange), 'from');
    assert.ok(textAt(TEXT, ingress.range).endsWith('port: 5432'));
    assert.equal(ingress.detail, 'ingress[0]');
    assert.equal(textAt(TEXT, mystery.selectionRange), 'Mystery');

    // Half-typed text: the document being written is still listed.
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'kind: NetworkPolicy\nmetadata:\n  name: draft\nspec:\n  ingress:\n    - from:\n---\n' }]);
    const again = await client.request<DocumentSymbol[]>(DocumentSymbolRequest.method, { textDocument: { uri } });
    assert.equal(again[0].name, 'NetworkPolicy/draft');
    assert.equal(again[0].children![0].name, 'ingress 1: from anywhere · all ports');
    assert.equal(again.length, symbols.length + 1);

    // An unknown document answers an empty list.
    assert.deepEqual(await client.request(DocumentSymbolRequest.method, { textDocument: { uri: ws.uri('missing.yaml') } }), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('document symbols: GlobalTenantResource rawItems and flat symbols for clients without hierarchy', async () => {
  const client = await TestClient.start({ folders: [EXAMPLES], capabilities: PUSH_CAPABILITIES });
  try {
    const uri = exampleUri('policies/global/network-baseline.yaml');
    const flat = await client.request<SymbolInformation[]>(DocumentSymbolRequest.method, { textDocument: { uri } });
    const rows = flat.map((s) => `${s.containerName ?? ''} > ${s.name}`);
    assert.equal(rows[0], ' > GlobalTenantResource/network-baseline');
    assert.ok(rows.includes('GlobalTenantResource/network-baseline > resource 1'), rows.join('\n'));
    assert.ok(rows.includes('resource 1 > NetworkPolicy/default-deny'), rows.join('\n'));
    assert.ok(rows.includes('NetworkPolicy/allow-dns-egress > egress 1: to namespaces kubernetes.io/metadata.name=kube-system and pods k8s-app=kube-dns · UDP 53, TCP 53'), rows.join('\n'));
    for (const s of flat) assert.equal(s.location.uri, uri);
  } finally {
    await client.shutdown();
  }
});
