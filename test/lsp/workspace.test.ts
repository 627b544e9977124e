// The workspace index over the wire: files on disk are found and analysed in the background, kept
// current by didChangeWatchedFiles, configured per folder by `.tenant-policy.yaml` (multi-root), and
// kustomization patches are analysed as patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, FileChangeType } from 'vscode-languageserver-protocol/node';
import { PULL_CAPABILITIES, TestClient, repoRoot, tempWorkspace } from './client';

// ConfigMaps: no workspace rule looks at them, so the background model builds never add findings and
// never send refreshes of their own that these tests could mistake for the ones they wait for.
const DUPLICATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: solar-prod
  name: solar-dev
`;
const CLEAN = `apiVersion: v1
kind: ConfigMap
metadata:
  name: wind-prod
`;

function codes(map: Map<string, { code?: string | number }[]>, uri: string): (string | number | undefined)[] | undefined {
  return map.get(uri)?.map((d) => d.code);
}

test('the index finds the files on disk, honours the default excludes and reports progress', async () => {
  const ws = tempWorkspace({
    'tenants/a.yaml': DUPLICATE,
    'tenants/nested/b.yml': CLEAN,
    'node_modules/pkg/x.yaml': DUPLICATE,
    'README.md': '# not YAML\n',
  });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const ready = await client.statuses.some('ready', (s) => s.state === 'ready');
    assert.equal(ready.files, 2);
    assert.ok(client.statuses.all.some((s) => s.state === 'indexing'), 'indexing was reported first');
    await client.progress.some('the end of the indexing progress', (p) => p.kind === 'end');
    assert.equal(client.progress.all[0].kind, 'begin');
    assert.ok(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), 'file watchers registered');
    const byUri = await client.workspaceDiagnosticsByUri();
    assert.deepEqual(codes(byUri, ws.uri('tenants/a.yaml')), ['duplicate-key']);
    assert.deepEqual(codes(byUri, ws.uri('tenants/nested/b.yml')), []);
    assert.equal(byUri.has(ws.uri('node_modules/pkg/x.yaml')), false);
    assert.equal(byUri.size, 2);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('didChangeWatchedFiles: a created file is indexed, a changed one re-analysed, a deleted one cleared', async () => {
  const ws = tempWorkspace({ 'a.yaml': CLEAN });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const first = await client.workspaceDiagnostics();
    const previous = first.items.map((i) => ({ uri: i.uri, value: i.resultId! }));
    assert.equal(previous.length, 1);
    // Nothing changed: nothing to report.
    assert.deepEqual((await client.workspaceDiagnostics(previous)).items, []);

    const created = ws.write('new/c.yaml', DUPLICATE);
    let refresh = client.refreshes.next('a refresh after the create');
    await client.filesChanged([{ uri: created, type: FileChangeType.Created }]);
    await refresh;
    const afterCreate = await client.workspaceDiagnostics(previous);
    assert.deepEqual(afterCreate.items.map((i) => [i.uri, i.kind === 'full' ? i.items.map((d) => d.code) : i.kind]), [[created, ['duplicate-key']]]);
    const known = [...previous, ...afterCreate.items.map((i) => ({ uri: i.uri, value: i.resultId! }))];

    ws.write('new/c.yaml', CLEAN);
    refresh = client.refreshes.next('a refresh after the change');
    await client.filesChanged([{ uri: created, type: FileChangeType.Changed }]);
    await refresh;
    const afterChange = await client.workspaceDiagnostics(known);
    assert.deepEqual(afterChange.items.map((i) => [i.uri, i.kind === 'full' ? i.items.length : i.kind]), [[created, 0]]);

    ws.remove('new');
    refresh = client.refreshes.next('a refresh after the delete');
    // A deleted folder arrives as one event for the folder.
    await client.filesChanged([{ uri: ws.uri('new'), type: FileChangeType.Deleted }]);
    await refresh;
    const afterDelete = await client.workspaceDiagnostics(known);
    assert.deepEqual(afterDelete.items.map((i) => [i.uri, i.kind === 'full' ? i.items.length : i.kind]), [[created, 0]]);
    assert.equal((await client.statuses.some('ready', (s) => s.state === 'ready')).state, 'ready');
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('multi-root: each folder has its own .tenant-policy.yaml', async () => {
  const a = tempWorkspace({
    '.tenant-policy.yaml': 'exclude:\n  - "skip/**"\nrules:\n  duplicate-key: "off"\n',
    'ns.yaml': DUPLICATE,
    'skip/ignored.yaml': DUPLICATE,
  });
  const b = tempWorkspace({ 'ns.yaml': DUPLICATE, 'skip/kept.yaml': DUPLICATE });
  const client = await TestClient.start({ folders: [a.root, b.root] });
  try {
    const byUri = await client.workspaceDiagnosticsByUri();
    assert.deepEqual(codes(byUri, a.uri('ns.yaml')), []);
    assert.deepEqual(codes(byUri, a.uri('.tenant-policy.yaml')), []);
    assert.equal(byUri.has(a.uri('skip/ignored.yaml')), false);
    assert.deepEqual(codes(byUri, b.uri('ns.yaml')), ['duplicate-key']);
    assert.deepEqual(codes(byUri, b.uri('skip/kept.yaml')), ['duplicate-key']);
    // An open document follows its folder's configuration too.
    await client.open(a.uri('open.yaml'), DUPLICATE);
    await client.open(b.uri('open.yaml'), DUPLICATE);
    assert.deepEqual(await client.diagnostics(a.uri('open.yaml')), []);
    assert.deepEqual((await client.diagnostics(b.uri('open.yaml'))).map((d) => d.code), ['duplicate-key']);
  } finally {
    await client.shutdown();
    a.dispose();
    b.dispose();
  }
});

test('changing .tenant-policy.yaml re-validates open documents and the index; its own problems show on it', async () => {
  const ws = tempWorkspace({ 'ns.yaml': DUPLICATE });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const uri = ws.uri('open.yaml');
    await client.open(uri, DUPLICATE);
    assert.equal((await client.diagnostics(uri))[0].severity, DiagnosticSeverity.Error);

    const config = ws.write('.tenant-policy.yaml', 'rules:\n  duplicate-key: warning\n  no-such-rule: error\n');
    const refresh = client.refreshes.next('a refresh after the configuration changed');
    await client.filesChanged([{ uri: config, type: FileChangeType.Created }]);
    await refresh;
    assert.equal((await client.diagnostics(uri))[0].severity, DiagnosticSeverity.Warning);
    const byUri = await client.workspaceDiagnosticsByUri();
    assert.equal(byUri.get(ws.uri('ns.yaml'))?.[0].severity, DiagnosticSeverity.Warning);
    // The configuration file is validated and its findings shown on it.
    const configFindings = byUri.get(config);
    assert.ok(configFindings?.some((d) => d.code === 'config' && d.message.includes('no-such-rule')), JSON.stringify(configFindings));

    // Deleting the file restores the defaults.
    ws.remove('.tenant-policy.yaml');
    const again = client.refreshes.next('a refresh after the configuration was deleted');
    await client.filesChanged([{ uri: config, type: FileChangeType.Deleted }]);
    await again;
    assert.equal((await client.diagnostics(uri))[0].severity, DiagnosticSeverity.Error);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('an open document overrides its file on disk, and the disk takes over when it closes', async () => {
  const ws = tempWorkspace({ 'ns.yaml': DUPLICATE });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const uri = ws.uri('ns.yaml');
    await client.open(uri, CLEAN);
    assert.deepEqual(await client.diagnostics(uri), []);
    // Open documents are not part of the workspace report: the document pull owns them.
    assert.equal((await client.workspaceDiagnosticsByUri()).has(uri), false);
    const refresh = client.refreshes.next('a refresh after the close');
    await client.close(uri);
    await refresh;
    assert.deepEqual((await client.workspaceDiagnosticsByUri()).get(uri)?.map((d) => d.code), ['duplicate-key']);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

// A strategic-merge patch of a Deployment: no selector, no template, as patches are written.
const DEPLOYMENT_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
`;

test('files a kustomization lists as patches get no missing-required findings', async () => {
  const ws = tempWorkspace({
    'overlays/prod/kustomization.yaml': `resources:
  - ../../base
patches:
  - path: replicas.yaml
  - patch: |-
      - op: replace
        path: /spec/replicas
        value: 5
    target:
      kind: Deployment
patchesStrategicMerge:
  - legacy.yaml
`,
    'overlays/prod/replicas.yaml': DEPLOYMENT_PATCH,
    'overlays/prod/legacy.yaml': DEPLOYMENT_PATCH,
    'overlays/prod/not-listed.yaml': DEPLOYMENT_PATCH,
  });
  const client = await TestClient.start({ folders: [ws.root], capabilities: PULL_CAPABILITIES });
  try {
    const byUri = await client.workspaceDiagnosticsByUri();
    assert.deepEqual(codes(byUri, ws.uri('overlays/prod/replicas.yaml')), []);
    assert.deepEqual(codes(byUri, ws.uri('overlays/prod/legacy.yaml')), []);
    const unlisted = codes(byUri, ws.uri('overlays/prod/not-listed.yaml'));
    assert.ok(unlisted?.includes('schema'), `the same text outside the kustomization is incomplete: ${JSON.stringify(unlisted)}`);

    // Listing the third file (edited in the editor, unsaved) makes it a patch too.
    const kustomization = ws.uri('overlays/prod/kustomization.yaml');
    const refresh = client.refreshes.next('a refresh after the kustomization changed');
    await client.open(kustomization, 'patches:\n  - path: not-listed.yaml\n');
    await refresh;
    const after = await client.workspaceDiagnosticsByUri();
    assert.deepEqual(codes(after, ws.uri('overlays/prod/not-listed.yaml')), []);
    assert.ok(codes(after, ws.uri('overlays/prod/replicas.yaml'))?.includes('schema'), 'no longer listed: no longer a patch');
    // An open document listed as a patch is analysed as one as well.
    const opened = ws.uri('overlays/prod/not-listed.yaml');
    await client.open(opened, DEPLOYMENT_PATCH);
    assert.deepEqual(await client.diagnostics(opened), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('workspace folders added and removed while running', async () => {
  const a = tempWorkspace({ 'a.yaml': DUPLICATE });
  const b = tempWorkspace({ 'b.yaml': DUPLICATE });
  const client = await TestClient.start({ folders: [a.root] });
  try {
    assert.deepEqual([...(await client.workspaceDiagnosticsByUri()).keys()], [a.uri('a.yaml')]);
    const ready = client.statuses.next('ready after adding a folder', (s) => s.state === 'ready');
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: b.uri(''), name: 'b' }], removed: [{ uri: a.uri(''), name: 'a' }] },
    });
    await ready;
    assert.deepEqual([...(await client.workspaceDiagnosticsByUri()).keys()], [b.uri('b.yaml')]);
  } finally {
    await client.shutdown();
    a.dispose();
    b.dispose();
  }
});

test('requests are answered while a large workspace is being indexed; its model is built once indexing is done', async (t) => {
  // 1,900 files in 600 namespaces: indexing takes seconds; a request must not wait for all of it.
  const bench = path.resolve(repoRoot, '../shared/bench/workspace-600ns');
  const client = await TestClient.start({ folders: [bench], waitReady: false });
  // The server logs (at debug level) each build of a folder's workspace model, with its timing.
  const model = `Workspace model of ${pathToFileURL(bench).href}:`;
  try {
    const modelled = client.logs.some('the model of the workspace', (m) => m.message.startsWith(model));
    await client.statuses.some('indexing to start', (s) => s.state === 'indexing' && (s.files ?? 0) > 0);
    const uri = 'untitled:while-indexing.yaml';
    await client.open(uri, DUPLICATE);
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.code), ['duplicate-key']);
    assert.equal(client.statuses.all.at(-1)?.state, 'indexing', 'answered before indexing finished');
    const ready = await client.statuses.some('ready', (s) => s.state === 'ready');
    assert.equal(ready.files, 1900);
    // Built from the complete index only (never from a half-read folder), and timed in the log.
    const log = (await modelled).message;
    assert.match(log, /: 1900 files, /);
    t.diagnostic(log);
    // An edit rebuilds it from the cached models of the other files: mostly the assembly costs.
    const rebuilt = client.logs.next('the model rebuilt after an edit', (m) => m.message.startsWith(model));
    const edited = path.join(bench, 'argon/argon-dev/namespace.yaml');
    await client.open(pathToFileURL(edited).href, `${readFileSync(edited, 'utf8')}# edited\n`);
    t.diagnostic((await rebuilt).message);
  } finally {
    await client.shutdown();
  }
});
