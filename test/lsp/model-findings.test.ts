// Findings of the workspace model over the wire: they depend on other files, so each folder's model is
// rebuilt in the background and a rebuild that changes them refreshes (pull) or republishes (push).
// Until then a file's model findings follow its edits: fixing or silencing one shows at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { PUSH_CAPABILITIES, TestClient, rangeOf, tempWorkspace, textAt, type TempWorkspace } from './client';

// capsule-not-modelled comes from the workspace model only (a namespacedItems entry copying policies).
const RULE = 'capsule-not-modelled';
/** The first line of the namespacedItems entry, where the finding sits while it copies a policy kind. */
const TYPO = 'kind: NetworkPolicy';
const POLICY = TYPO;
const HARMLESS = 'kind: ConfigMap';

const TENANT = `apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata:
  name: solar
spec:
  owners:
    - name: alice
      kind: User
`;

/**
 * A GlobalTenantResource copying existing objects into every tenant namespace (namespacedItems, which
 * the engine does not expand); `kind` is what the first entry copies.
 */
function globalResource(kind: string, extra = ''): string {
  return `apiVersion: capsule.clastix.io/v1beta2
kind: GlobalTenantResource
metadata:
  name: default-deny
spec:
  resyncPeriod: 60s
  resources:
    - namespacedItems:
${extra}        - ${kind}
          apiVersion: networking.k8s.io/v1
          namespace: platform-templates
          selector:
            matchLabels:
              replicate: "true"
`;
}

const GTR = globalResource(POLICY);
const GTR_PATH = 'global/default-deny.yaml';

function workspace(files: Record<string, string> = {}): TempWorkspace {
  return tempWorkspace({ 'tenants/solar.yaml': TENANT, [GTR_PATH]: GTR, ...files });
}

const ofRule = (items: Diagnostic[]) => items.filter((d) => d.code === RULE);

/** Replaces the first occurrence of `from` in the open document by `to`. */
async function replace(client: TestClient, uri: string, from: string, to: string): Promise<string> {
  const doc = await client.change(uri, [{ range: rangeOf(client.doc(uri).text, from), newText: to }]);
  return doc.text;
}

test('pull: policies a GlobalTenantResource copies without expansion are reported on the entry, in the workspace and in the editor', async () => {
  const ws = workspace();
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider?.interFileDependencies, true);
    const uri = ws.uri(GTR_PATH);
    // Not open: the workspace report carries it.
    const [indexed] = ofRule(await client.pullUntil(uri, 'the model of the folder', (items) => ofRule(items).length > 0, true));
    assert.deepEqual(indexed.range, rangeOf(GTR, TYPO));
    assert.equal(indexed.severity, DiagnosticSeverity.Warning);
    assert.equal(indexed.source, 'tenant-policy');
    assert.equal(indexed.codeDescription?.href, `https://github.com/tenant-policy/tenant-policy/blob/main/docs/rules/${RULE}.md`);
    assert.match(indexed.message, /namespacedItems/);
    assert.deepEqual(ofRule((await client.workspaceDiagnosticsByUri()).get(ws.uri('tenants/solar.yaml')) ?? []), []);

    // Open, with the text on disk: the document pull carries it at once.
    await client.open(uri, GTR);
    const [opened] = ofRule(await client.diagnostics(uri));
    assert.equal(textAt(GTR, opened.range), TYPO);

    // Copying a kind that carries no policy removes it from the very next pull, before any rebuild.
    let text = await replace(client, uri, POLICY, HARMLESS);
    assert.deepEqual(ofRule(await client.diagnostics(uri)), []);

    // Copying a policy again: the rebuilt model reports it, and the server asks the client to pull again.
    text = await replace(client, uri, HARMLESS, POLICY);
    const [again] = ofRule(await client.pullUntil(uri, 'the rebuilt model', (items) => ofRule(items).length > 0));
    assert.equal(textAt(text, again.range), TYPO);

    // An edit above it moves it with the text at once.
    text = (await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# the default policy\n' }])).text;
    const [moved] = ofRule(await client.diagnostics(uri));
    assert.equal(textAt(text, moved.range), TYPO);
    assert.equal(moved.range.start.line, opened.range.start.line + 1);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('push: the model finding is published, removed when fixed and published again when broken', async () => {
  const ws = workspace();
  const client = await TestClient.start({ folders: [ws.root], capabilities: PUSH_CAPABILITIES });
  try {
    const uri = ws.uri(GTR_PATH);
    const has = (version: number) => (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) =>
      p.uri === uri && p.version === version && ofRule(p.diagnostics).length > 0;
    await client.open(uri, GTR);
    const [first] = ofRule((await client.publishes.some('the finding published for version 1', has(1))).diagnostics);
    assert.deepEqual(first.range, rangeOf(GTR, TYPO));

    const fixed = client.publishes.next('diagnostics of version 2', (p) => p.uri === uri && p.version === 2);
    await replace(client, uri, POLICY, HARMLESS);
    assert.deepEqual(ofRule((await fixed).diagnostics), []);

    const text = await replace(client, uri, HARMLESS, POLICY);
    const [again] = ofRule((await client.publishes.some('the finding published again for version 3', has(3))).diagnostics);
    assert.equal(textAt(text, again.range), TYPO);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('a disable-next-line comment silences the model finding, on disk and as it is typed', async () => {
  // Two entries copying policies: the first is silenced on disk, the second is silenced as it is typed.
  const silenced = globalResource(POLICY, `        # tenant-policy-disable-next-line ${RULE}\n        - kind: CiliumNetworkPolicy\n          apiVersion: cilium.io/v2\n          namespace: platform-templates\n          name: default\n`);
  const ws = workspace({ [GTR_PATH]: silenced });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const uri = ws.uri(GTR_PATH);
    // The entry that is not silenced shows that the model was built.
    const items = ofRule(await client.pullUntil(uri, 'the model of the folder', (d) => ofRule(d).length > 0, true));
    assert.deepEqual(items.map((d) => textAt(silenced, d.range)), [TYPO]);

    // Typing the comment above the other one silences it at once.
    await client.open(uri, silenced);
    assert.equal(ofRule(await client.diagnostics(uri)).length, 1);
    const at = rangeOf(silenced, `        - ${TYPO}`).start;
    await client.change(uri, [{ range: { start: at, end: at }, newText: `        # tenant-policy-disable-next-line ${RULE}\n` }]);
    assert.deepEqual(ofRule(await client.diagnostics(uri)), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('a rule severity in .tenant-policy.yaml applies to model findings; off silences them', async () => {
  const ws = workspace({ '.tenant-policy.yaml': `rules:\n  ${RULE}: "off"\n` });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const uri = ws.uri(GTR_PATH);
    await client.logs.some('the model of the folder built', (m) => m.message.startsWith(`Workspace model of ${ws.uri('')}`));
    await client.open(uri, GTR);
    assert.deepEqual(ofRule(await client.diagnostics(uri)), []);
    assert.deepEqual(ofRule((await client.workspaceDiagnosticsByUri()).get(ws.uri('tenants/solar.yaml')) ?? []), []);

    const config = ws.write('.tenant-policy.yaml', `rules:\n  ${RULE}: error\n`);
    await client.filesChanged([{ uri: config, type: FileChangeType.Changed }]);
    const [d] = ofRule(await client.pullUntil(uri, 'the new configuration', (items) => ofRule(items).length > 0));
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(textAt(GTR, d.range), TYPO);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('a document outside every folder is modelled on its own', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:global-resource.yaml';
    await client.open(uri, GTR);
    const [d] = ofRule(await client.pullUntil(uri, 'the model of the document', (items) => ofRule(items).length > 0));
    assert.equal(textAt(GTR, d.range), TYPO);
    await client.close(uri);
  } finally {
    await client.shutdown();
  }
});
