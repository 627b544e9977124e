// Diagnostics over the wire: pull for clients that pull, push for the others (never both), the fields of
// a diagnostic, incremental edits, `enable: false`, and a server that survives failing handlers without
// ever writing a stray byte to stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag, ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { TEST_FAIL_MARKER } from '../../server/src/lsp/session';
import { CrashForTestRequest } from '../../server/src/protocol';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, TestClient, parseFrames, rangeOf, textAt } from './client';

// ConfigMaps: no workspace rule looks at them, so every diagnostic here comes from the document's own
// analysis and the model rebuilds in the background never change them (a Namespace would get
// default-deny-missing some time after the first pull; the last tests cover that flow).
const DUPLICATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: solar-prod
  name: solar-dev
`;
const CLEAN = `apiVersion: v1
kind: ConfigMap
metadata:
  name: solar-prod
`;
const DOCS = 'https://github.com/tenant-policy/tenant-policy/blob/main/docs/rules/';

test('a pull client gets diagnostics by request and never by publishDiagnostics', async () => {
  const client = await TestClient.start({ capabilities: PULL_CAPABILITIES });
  try {
    const provider = client.initializeResult.capabilities.diagnosticProvider;
    assert.ok(provider, 'the server declares pull diagnostics');
    const uri = 'untitled:pull.yaml';
    await client.open(uri, DUPLICATE);
    const report = await client.pull(uri);
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items.map((d) => d.code), ['duplicate-key']);
    // The same version again: the server says nothing changed.
    assert.ok(report.resultId);
    assert.equal((await client.pull(uri, report.resultId)).kind, 'unchanged');
    await client.change(uri, [{ range: rangeOf(DUPLICATE, '  name: solar-dev\n'), newText: '' }]);
    assert.deepEqual(await client.diagnostics(uri), []);
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
  // Everything the server sent has arrived once it has exited.
  assert.deepEqual(client.publishes.all, []);
});

test('a push-only client gets publishDiagnostics with the document version, and no pull provider', async () => {
  const client = await TestClient.start({ capabilities: PUSH_CAPABILITIES });
  try {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider, undefined);
    const uri = 'untitled:push.yaml';
    const first = client.publishes.next('diagnostics of version 1', (p) => p.uri === uri);
    await client.open(uri, DUPLICATE);
    const v1 = await first;
    assert.equal(v1.version, 1);
    assert.deepEqual(v1.diagnostics.map((d) => d.code), ['duplicate-key']);
    const second = client.publishes.next('diagnostics of version 2', (p) => p.uri === uri && p.version === 2);
    await client.change(uri, [{ range: rangeOf(DUPLICATE, '  name: solar-dev\n'), newText: '' }]);
    assert.deepEqual((await second).diagnostics, []);
    const cleared = client.publishes.next('diagnostics cleared on close', (p) => p.uri === uri && p.version === undefined);
    await client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
});

test('a diagnostic has the rule id as code, the source, a docs link, data and the exact range', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:fields.yaml';
    await client.open(uri, DUPLICATE);
    const [d] = await client.diagnostics(uri);
    assert.equal(d.code, 'duplicate-key');
    assert.equal(d.source, 'tenant-policy');
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.equal(d.codeDescription?.href, `${DOCS}duplicate-key.md`);
    assert.deepEqual(d.range, rangeOf(DUPLICATE, 'name', DUPLICATE.indexOf('  name: solar-dev')));
    assert.equal(textAt(DUPLICATE, d.range), 'name');
    assert.ok(d.data, 'data lets a code action find the finding again');
  } finally {
    await client.shutdown();
  }
});

test('a deprecated field is tagged Deprecated', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:pod.yaml';
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: legacy\nspec:\n  serviceAccount: legacy\n  containers:\n    - name: app\n      image: busybox:1.36\n';
    await client.open(uri, text);
    const [d] = await client.diagnostics(uri);
    assert.equal(d.code, 'deprecated-field');
    assert.equal(d.severity, DiagnosticSeverity.Information);
    assert.deepEqual(d.tags, [DiagnosticTag.Deprecated]);
    assert.equal(textAt(text, d.range), 'serviceAccount');
  } finally {
    await client.shutdown();
  }
});

test('incremental edits: diagnostics follow each version, ranges move with the text', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:edits.yaml';
    await client.open(uri, CLEAN);
    assert.deepEqual(await client.diagnostics(uri), []);
    // Insert a duplicate key after `name: solar-prod`.
    const end = rangeOf(CLEAN, 'solar-prod').end;
    let doc = await client.change(uri, [{ range: { start: end, end }, newText: '\n  name: again' }]);
    let diagnostics = await client.diagnostics(uri);
    assert.deepEqual(diagnostics.map((d) => d.code), ['duplicate-key']);
    assert.deepEqual(diagnostics[0].range.start, { line: 4, character: 2 });
    // Two lines above it: the diagnostic moves down by two lines.
    doc = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# one\n# two\n' }]);
    diagnostics = await client.diagnostics(uri);
    assert.deepEqual(diagnostics[0].range.start, { line: 6, character: 2 });
    assert.equal(textAt(doc.text, diagnostics[0].range), 'name');
    // Break the YAML, then mend it.
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'a: [1, 2\n' }]);
    assert.ok((await client.diagnostics(uri)).some((d) => d.code === 'yaml-syntax'));
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: '' }]);
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.code), ['duplicate-key']);
  } finally {
    await client.shutdown();
  }
});

test('a handler that throws answers with an error, logs it, and the next request works; stdout stays pure', async () => {
  const client = await TestClient.start();
  try {
    const logged = client.logs.next('the error in the log', (m) => m.message.includes('crash requested by a test'));
    const probe = client.logs.next('console.info in the log', (m) => m.message.includes('stdout-probe'));
    await assert.rejects(client.request(CrashForTestRequest.method, { log: 'stdout-probe' }), (e: unknown) => {
      assert.ok(e instanceof ResponseError);
      assert.equal(e.code, ErrorCodes.InternalError);
      return true;
    });
    await logged;
    await probe;
    const uri = 'untitled:after-crash.yaml';
    await client.open(uri, DUPLICATE);
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.code), ['duplicate-key']);
    // A second crash and a second request: the server is not left in a bad state by the first.
    await assert.rejects(client.request(CrashForTestRequest.method, {}));
    assert.equal((await client.pull(uri)).kind, 'full');
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
  const frames = parseFrames(Buffer.concat(client.stdout));
  assert.ok(frames.length > 5, 'the server answered over stdout');
});

test('a document whose analysis fails gets one diagnostic saying so; the server keeps serving', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:fails.yaml';
    const logged = client.logs.next('the failure in the log', (m) => m.message.includes('analysis failure requested by a test'));
    await client.open(uri, `# ${TEST_FAIL_MARKER}\n${DUPLICATE}`);
    const diagnostics = await client.diagnostics(uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'internal-error');
    assert.match(diagnostics[0].message, /could not analyse/);
    await logged;
    const other = 'untitled:fine.yaml';
    await client.open(other, DUPLICATE);
    assert.deepEqual((await client.diagnostics(other)).map((d) => d.code), ['duplicate-key']);
  } finally {
    await client.shutdown();
  }
});

test('tenantPolicy.enable=false clears diagnostics (pull), and true brings them back', async () => {
  const client = await TestClient.start({ settings: { enable: false } });
  try {
    const uri = 'untitled:disabled.yaml';
    await client.open(uri, DUPLICATE);
    assert.deepEqual(await client.diagnostics(uri), []);
    assert.deepEqual(await client.codeActions(uri, rangeOf(DUPLICATE, 'name')), []);
    const refresh = client.refreshes.next('a diagnostic refresh');
    await client.setSettings({ enable: true });
    await refresh;
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.code), ['duplicate-key']);
    const again = client.refreshes.next('a second refresh');
    await client.setSettings({ enable: false });
    await again;
    assert.deepEqual(await client.diagnostics(uri), []);
  } finally {
    await client.shutdown();
  }
});

test('tenantPolicy.enable=false clears pushed diagnostics', async () => {
  const client = await TestClient.start({ capabilities: PUSH_CAPABILITIES });
  try {
    const uri = 'untitled:push-disabled.yaml';
    const first = client.publishes.next('diagnostics', (p) => p.uri === uri);
    await client.open(uri, DUPLICATE);
    assert.equal((await first).diagnostics.length, 1);
    const cleared = client.publishes.next('cleared diagnostics', (p) => p.uri === uri && p.diagnostics.length === 0);
    // A push-only client cannot be asked: the settings travel in the notification.
    await client.setSettings({ enable: false });
    assert.equal((await cleared).version, 1);
  } finally {
    await client.shutdown();
  }
});

test('editor rule severities apply on top of the defaults', async () => {
  const client = await TestClient.start({ settings: { rules: { 'duplicate-key': 'warning', 'no-such-rule': 'loud' } } });
  try {
    const uri = 'untitled:severity.yaml';
    await client.open(uri, DUPLICATE);
    const [d] = await client.diagnostics(uri);
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    await client.logs.some('a warning about the bad setting', (m) => m.message.includes('tenantPolicy.rules.no-such-rule'));
  } finally {
    await client.shutdown();
  }
});

test('pull: model findings arrive after the first pull; the server asks for a refresh, then the result settles', async () => {
  const client = await TestClient.start({ capabilities: PULL_CAPABILITIES });
  try {
    const uri = 'untitled:model.yaml';
    // A namespace without any policy: default-deny-missing, which only the workspace model reports.
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar-prod\n';
    await client.open(uri, text);
    // Pull, and after each refresh the server sends pull again, until the model's finding is there.
    let report = await client.pull(uri);
    for (;;) {
      assert.equal(report.kind, 'full');
      if (report.kind === 'full' && report.items.some((d) => d.code === 'default-deny-missing')) break;
      const seen = client.refreshes.all.length;
      await client.refreshes.some('a refresh after the model build', (n) => n > seen);
      report = await client.pull(uri, report.resultId);
    }
    assert.deepEqual(report.items.map((d) => d.code), ['default-deny-missing']);
    assert.equal(textAt(text, report.items[0].range), 'solar-prod');
    // The model build that found it asked the client to pull again, whenever the first pull happened.
    await client.refreshes.some('a refresh after the model build');
    // Settled: the same result id is unchanged until the text changes.
    assert.equal((await client.pull(uri, report.resultId)).kind, 'unchanged');
    const edited = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# solar\n' }]);
    const moved = await client.pull(uri, report.resultId);
    assert.equal(moved.kind, 'full');
    // Until the next build the model's finding follows the edit.
    if (moved.kind === 'full') assert.deepEqual(moved.items.map((d) => textAt(edited.text, d.range)), ['solar-prod']);
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
  assert.deepEqual(client.publishes.all, []);
});

test('push: model findings are published for the same version once the model is built', async () => {
  const client = await TestClient.start({ capabilities: PUSH_CAPABILITIES });
  try {
    const uri = 'untitled:model-push.yaml';
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar-prod\n';
    const withModel = client.publishes.next('the model finding published', (p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'default-deny-missing'));
    await client.open(uri, text);
    const published = await withModel;
    assert.equal(published.version, 1);
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['default-deny-missing']);
  } finally {
    await client.shutdown();
  }
});
