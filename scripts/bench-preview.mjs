#!/usr/bin/env node
// npm run bench:preview: how long the preview panel waits for new data after an edit, over real LSP on
// stdio with the bundled server (dist/server.js), on examples/ (the target: within 100 ms).
//
// The server is started on examples/ as VS Code starts it; a policy (policies/solar/database.yaml) is
// opened; each edit alternates its `app: api` peer between two values (which changes a matrix cell), and
// is timed from textDocument/didChange to the first `tenantPolicy/preview` answer with a newer stamp,
// asked as the panel's host does: on `tenantPolicy/modelChanged`. Reported: the time to the
// notification (the server's rebuild, including its debounce) and to the data the panel renders.
// Rendering in the webview is measured by test/webview/*.test.ts (tens of ms on examples/).
//
//   node scripts/bench-preview.mjs [--edits 20] [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  ShutdownRequest, ExitNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
} = require('vscode-languageserver-protocol/node');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const edits = Number(argv[argv.indexOf('--edits') + 1] || 0) || 20;
if (!argv.includes('--no-build')) {
  const r = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const examples = join(root, 'examples');
const file = join(examples, 'policies', 'solar', 'database.yaml');
const uri = pathToFileURL(file).href;
const original = readFileSync(file, 'utf8');
const at = original.indexOf('app: api');
if (at < 0) throw new Error('examples/policies/solar/database.yaml no longer has `app: api`');
const lines = original.slice(0, at).split('\n');
const position = { line: lines.length - 1, character: lines[lines.length - 1].length };

const proc = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const waiters = [];
let ready;
const readyP = new Promise((r) => (ready = r));
conn.onNotification('tenantPolicy/status', (p) => p.state === 'ready' && ready());
conn.onNotification('tenantPolicy/modelChanged', (p) => {
  for (const w of waiters.splice(0)) w(p);
});
conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
conn.onRequest('client/registerCapability', () => null);
conn.onRequest('window/workDoneProgress/create', () => null);
conn.listen();
const nextModel = () => new Promise((r) => waiters.push(r));

await conn.sendRequest(InitializeRequest.type, {
  processId: process.pid,
  rootUri: pathToFileURL(examples).href,
  workspaceFolders: [{ uri: pathToFileURL(examples).href, name: 'examples' }],
  capabilities: { workspace: { configuration: true, workspaceFolders: true } },
});
await conn.sendNotification(InitializedNotification.type, {});
await readyP;

const preview = () => conn.sendRequest('tenantPolicy/preview', { uri, position });
async function previewNewerThan(stamp) {
  for (;;) {
    const next = nextModel();
    const r = await preview();
    if (r.state === 'ready' && r.stamp > stamp) return r;
    await next;
  }
}

await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: original } });
let current = await previewNewerThan(-1);
const toNotification = [];
const toData = [];
let version = 1;
for (let i = 0; i < edits; i++) {
  const text = i % 2 === 0 ? original.replace('app: api', 'app: apx') : original;
  const notified = nextModel();
  const t0 = performance.now();
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
  await notified;
  toNotification.push(performance.now() - t0);
  current = await previewNewerThan(current.stamp);
  toData.push(performance.now() - t0);
}

await conn.sendRequest(ShutdownRequest.type);
await conn.sendNotification(ExitNotification.type);
conn.dispose();

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
};
console.log(`preview on examples/ (${edits} edits of policies/solar/database.yaml):`);
console.log(`  edit → modelChanged        ${stats(toNotification)}`);
console.log(`  edit → new preview data    ${stats(toData)}   (target: 100 ms)`);
