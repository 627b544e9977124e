// Code lenses over the wire: above each policy what it selects and isolates, above each rule what it
// admits; the command is the client's `tenantPolicy.openPreview` (never in executeCommandProvider);
// lenses are refreshed after a rebuild for clients that accept it; bad input gives no lens, no error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CodeLensRefreshRequest, CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, exampleUri, rangeOf, readExample, tempWorkspace, within } from './client';
import { ModelWatch } from './model-watch';


async function lenses(client: TestClient, uri: string): Promise<CodeLens[]> {
  return (await client.request<CodeLens[] | null>(CodeLensRequest.method, { textDocument: { uri } })) ?? [];
}

/** `line: title`, 1-based lines as an editor shows them, with the line's text for context. */
function describeLenses(text: string, items: CodeLens[]): string[] {
  const lines = text.split('\n');
  return items.map((l) => `${l.range.start.line + 1} ${lines[l.range.start.line].trim()} | ${l.command?.title}`);
}

describe('code lenses on examples/', () => {
  let client: TestClient;
  let models: ModelWatch;

  before(async () => {
    client = await TestClient.start({ folders: [EXAMPLES] });
    models = new ModelWatch(client);
    await models.preview({ uri: exampleUri('policies/solar/database.yaml'), noMatrix: true });
  });
  after(async () => {
    await client.shutdown();
  });

  test('the server offers lenses and does not claim the client-only command', () => {
    const caps = client.initializeResult.capabilities;
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.ok(!(caps.executeCommandProvider?.commands ?? []).includes('tenantPolicy.openPreview'));
  });

  test('a NetworkPolicy: the policy and its rule, each opening the preview at its position', async () => {
    const rel = 'policies/solar/database.yaml';
    const uri = exampleUri(rel);
    const items = await lenses(client, uri);
    assert.deepEqual(describeLenses(readExample(rel), items), [
      '2 apiVersion: networking.k8s.io/v1 | selects 1 pod in solar-db · isolates ingress',
      '14 - from: | admits 1 namespace (1 tenant) · TCP 5432',
    ]);
    for (const l of items) {
      assert.equal(l.command?.command, 'tenantPolicy.openPreview');
      assert.deepEqual(l.command?.arguments, [uri, l.range.start]);
    }
  });

  test('policies with several rules, Cilium, and same-tenant rules', async () => {
    assert.deepEqual(describeLenses(readExample('policies/solar/frontend.yaml'), await lenses(client, exampleUri('policies/solar/frontend.yaml'))).map((l) => l.split(' | ')[1]), [
      'selects 1 pod in solar-frontend · isolates ingress, egress',
      'admits 1 namespace · TCP 8080',
      'admits 1 namespace (1 tenant) · TCP 8080',
    ]);
    const cilium = describeLenses(readExample('policies/wind/worker-cilium.yaml'), await lenses(client, exampleUri('policies/wind/worker-cilium.yaml')));
    assert.equal(cilium[0].split(' | ')[1], 'selects 1 pod in wind-batch · isolates ingress, egress');
    assert.ok(cilium.some((l) => l.endsWith('admits 1 namespace · TCP 9100')), cilium.join('\n'));
    assert.ok(cilium.some((l) => l.endsWith('admits 1 namespace · TCP 53; UDP 53 · uncertain (not modelled)')), cilium.join('\n'));
    assert.ok(cilium.some((l) => /^46 - toFQDNs: \| admits nothing · uncertain \(not modelled\)$/.test(l)), cilium.join('\n'));
  });

  test('Capsule items: where they are stamped, and what the first instance admits', async () => {
    const baseline = describeLenses(readExample('policies/global/network-baseline.yaml'), await lenses(client, exampleUri('policies/global/network-baseline.yaml')));
    assert.deepEqual(baseline, [
      '17 - apiVersion: networking.k8s.io/v1 | stamped into 7 namespaces · selects all pods · isolates ingress, egress',
      '31 - apiVersion: networking.k8s.io/v1 | stamped into 7 namespaces · selects all pods · isolates egress',
      '43 - to: | in hydro-app: admits 1 namespace · TCP 53; UDP 53',
    ]);
    const hydro = describeLenses(readExample('tenants/hydro.yaml'), await lenses(client, exampleUri('tenants/hydro.yaml')));
    assert.equal(hydro[0].split(' | ')[1], 'stamped into 2 namespaces · selects all pods · isolates ingress');
    assert.match(hydro[1], /\| in hydro-app: admits 2 namespaces \(1 tenant\) · all ports$/);
  });

  test('documents without policies, unknown documents, garbage parameters: no lens and no error', async () => {
    assert.deepEqual(await lenses(client, exampleUri('namespaces/solar.yaml')), []);
    assert.deepEqual(await lenses(client, exampleUri('tenants/solar.yaml')), []);
    assert.deepEqual(await lenses(client, 'file:///nowhere/at/all.yaml'), []);
    assert.deepEqual(await client.request(CodeLensRequest.method, {}), []);
    assert.deepEqual(await client.request(CodeLensRequest.method, { textDocument: { uri: 12 } }), []);
    assert.deepEqual(client.logs.all.filter((l) => l.type === 1 && /codeLens/.test(l.message)), []);
  });
});

describe('code lenses while typing', () => {
  test('rebuilds refresh the lenses; broken YAML and half-typed documents give sensible lenses', async () => {
    const ws = tempWorkspace({
      'ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n`,
      'policy.yaml': `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: a\nspec:\n  podSelector: {}\n  ingress:\n    - ports:\n        - port: 8080\n`,
    });
    const capabilities = { ...PULL_CAPABILITIES, workspace: { ...PULL_CAPABILITIES.workspace, codeLens: { refreshSupport: true } } };
    const client = await TestClient.start({ folders: [ws.root], capabilities });
    const refreshes: number[] = [];
    let wake: (() => void) | undefined;
    client.connection.onRequest(CodeLensRefreshRequest.type, () => {
      refreshes.push(refreshes.length + 1);
      wake?.();
      return null;
    });
    const models = new ModelWatch(client);
    try {
      const uri = ws.uri('policy.yaml');
      const text = readFileSync(ws.file('policy.yaml'), 'utf8');
      await client.open(uri, text);
      const first = await models.preview({ uri, noMatrix: true });
      assert.deepEqual(describeLenses(text, await lenses(client, uri)).map((l) => l.split(' | ')[1]), ['selects all pods in a · isolates ingress', 'admits 1 namespace + 1 address range · TCP 8080']);

      const seen = refreshes.length;
      await client.change(uri, [{ range: rangeOf(text, '8080'), newText: '443' }]);
      await within(new Promise<void>((resolve) => (refreshes.length > seen ? resolve() : (wake = () => refreshes.length > seen && resolve()))), 'workspace/codeLens/refresh');
      const second = await models.previewAfter(first.stamp, { uri, noMatrix: true });
      assert.deepEqual(describeLenses(client.doc(uri).text, await lenses(client, uri)).map((l) => l.split(' | ')[1])[1], 'admits 1 namespace + 1 address range · TCP 443');

      // Half-typed: a new document with only part of a kind. The policy keeps its lenses.
      const whole = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
      await client.change(uri, [{ range: whole, newText: `${client.doc(uri).text}---\nkind: NetworkPol` }]);
      const third = await models.previewAfter(second.stamp, { uri, noMatrix: true });
      assert.deepEqual((await lenses(client, uri)).map((l) => l.command?.title)[0], 'selects all pods in a · isolates ingress');
      // YAML that does not parse: no policy, no lens, no error.
      await client.change(uri, [{ range: whole, newText: 'spec: [\n  {: }\n\t- broken' }]);
      const broken = await models.previewAfter(third.stamp, { uri, noMatrix: true });
      assert.equal(broken.policy, undefined);
      assert.deepEqual(await lenses(client, uri), []);
      assert.deepEqual(client.logs.all.filter((l) => l.type === 1), []);
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });

  test('a client without refresh support gets no refresh request, and its lenses read as text', async () => {
    const ws = tempWorkspace({ 'p.yaml': `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: a\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n` });
    const client = await TestClient.start({ folders: [ws.root], capabilities: PUSH_CAPABILITIES });
    let refreshed = false;
    client.connection.onRequest(CodeLensRefreshRequest.type, () => {
      refreshed = true;
      return null;
    });
    const models = new ModelWatch(client);
    try {
      const uri = ws.uri('p.yaml');
      await client.open(uri, readFileSync(ws.file('p.yaml'), 'utf8'));
      await models.preview({ uri, noMatrix: true });
      const items = await lenses(client, uri);
      assert.deepEqual(items.map((l) => l.command?.title), ['selects all pods in a · isolates ingress, egress']);
      assert.equal(refreshed, false);
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });
});
