#!/usr/bin/env node
// npm run bench: how long a user waits for diagnostics, measured over real LSP on stdio.
//
// For each of ../shared/bench/policies-{1k,10k,100k}.yaml it measures
//   open (cold): textDocument/didOpen → the first diagnostics for that document, in a freshly started
//         server (so it includes loading and compiling the schemas, as when a user opens the first file);
//   open (warm): the same, in a fresh server that has first validated a small document of the same kinds;
//   edit: a one-character textDocument/didChange → the diagnostics for that edit, in the cold server;
// for (a) tenant-policy's server (dist/server.js, built by `npm run build`) and (b) yaml-language-server
// 1.25.0 configured with the same JSON Schemas (schemas/**), plus (c) the time the `yaml` package needs
// just to parse the text (parseAllDocuments), in this process.
//
// Both servers get the same client capabilities: push diagnostics only (no `textDocument.diagnostic`),
// so both answer with textDocument/publishDiagnostics and the comparison is like for like. A server
// that offers pull diagnostics and does not push when the client cannot pull is measured with
// textDocument/diagnostic instead, and results.json says so (diagnosticsMode). See bench/README.md.
//
// Each measurement is repeated (median reported) and capped (default 120 s; reported as "> cap").
// The table goes to stdout; the same figures, with every sample, to .bench-out/results.json.
// Not part of the tests: timings depend on the machine.
//
//   node scripts/bench.mjs [--runs 3] [--edits 5] [--cap 120] [--sizes 1k,10k,100k] [--servers ours,peer]
//                          [--bench-dir ../shared/bench] [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  ExitNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeConfigurationNotification,
  PublishDiagnosticsNotification,
  DocumentDiagnosticRequest,
  ConfigurationRequest,
  RegistrationRequest,
  UnregistrationRequest,
  WorkDoneProgressCreateRequest,
} = require('vscode-languageserver-protocol/node');
const { parseAllDocuments } = require('yaml');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEER_VERSION = (() => {
  try {
    return require('yaml-language-server/package.json').version;
  } catch {
    return 'not installed';
  }
})();
const outDir = join(root, '.bench-out');

// --- options -------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    runs: 3,
    edits: 5,
    capSeconds: 120,
    sizes: ['1k', '10k', '100k'],
    servers: ['ours', 'peer'],
    benchDir: resolve(root, '..', 'shared', 'bench'),
    build: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = positiveInt(next(), a);
    else if (a === '--edits') opts.edits = positiveInt(next(), a);
    else if (a === '--cap') opts.capSeconds = positiveInt(next(), a);
    else if (a === '--sizes') opts.sizes = next().split(',').filter(Boolean);
    else if (a === '--servers') opts.servers = next().split(',').filter(Boolean);
    else if (a === '--bench-dir') opts.benchDir = resolve(next());
    else if (a === '--no-build') opts.build = false;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  for (const s of opts.servers) if (!(s in SERVERS)) usage(`unknown server ${s} (ours, peer)`);
  return opts;
}

function positiveInt(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${name} must be a positive integer`);
  return n;
}

function usage(problem) {
  if (problem) console.error(`bench: ${problem}`);
  console.error('usage: node scripts/bench.mjs [--runs N] [--edits N] [--cap SECONDS] [--sizes 1k,10k,100k] [--servers ours,peer] [--bench-dir DIR] [--no-build]');
  process.exit(problem ? 2 : 0);
}

// --- the schemas, for yaml-language-server ---------------------------------------------------------------

/**
 * yaml-language-server associates schemas with files by glob, one schema per file, while the bench files
 * hold many kinds. So the peer gets one dispatch schema: for each generated schema, "if apiVersion and
 * kind are these, then $ref that file". It validates each `---` document on its own against it, which is
 * what our server does with the same files. Kinds without a schema (ConfigMap…) match no `if` and pass,
 * as in ours. Cilium kinds use the 1.18 schemas, our default `ciliumVersion`.
 */
function writeDispatchSchema() {
  const schemaDir = join(root, 'schemas');
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json') && !name.includes('cilium-1.20')) files.push(p);
    }
  };
  walk(schemaDir);
  const branches = [];
  for (const file of files) {
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    // Generated schemas are titled "<apiVersion> <Kind>"; anything else (the config schema) is skipped.
    const m = /^(\S+) ([A-Z][A-Za-z0-9]*)$/.exec(schema.title ?? '');
    if (!m) continue;
    branches.push({
      if: {
        properties: { apiVersion: { const: m[1] }, kind: { const: m[2] } },
        required: ['apiVersion', 'kind'],
      },
      then: { $ref: pathToFileURL(file).href },
    });
  }
  if (branches.length === 0) throw new Error(`no generated schemas under ${relative(root, schemaDir)}; run npm run schemas`);
  const dispatch = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: 'Written by scripts/bench.mjs: routes each document to the generated schema of its apiVersion and kind.',
    type: 'object',
    allOf: branches,
  };
  const out = join(outDir, 'yls-dispatch.schema.json');
  writeFileSync(out, JSON.stringify(dispatch, null, 2));
  return { uri: pathToFileURL(out).href, kinds: branches.map((b) => `${b.if.properties.apiVersion.const} ${b.if.properties.kind.const}`) };
}

// --- the servers -----------------------------------------------------------------------------------------

const SERVERS = {
  ours: {
    command: () => [process.execPath, join(root, 'dist', 'server.js'), '--stdio'],
    /** Answers to workspace/configuration, by section. */
    configuration: () => ({
      tenantPolicy: { enable: true, ciliumVersion: '', rules: {}, trace: { server: 'off' } },
    }),
    debounceMs: 0,
  },
  peer: {
    command: () => [process.execPath, join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
    configuration: (dispatch) => ({
      yaml: {
        validate: true,
        hover: false,
        completion: false,
        format: { enable: false },
        // Our schemas only: no schemastore.org catalogue, no Kubernetes CRD store (both would fetch from
        // the network), no built-in Kubernetes schema.
        // By absolute path: the bench documents live under .bench-out/, and the server's glob matching
        // (picomatch) lets `**` skip dot-folders, so a plain '*.yaml' would match nothing there.
        schemas: { [dispatch.uri]: [`${outDir}/**/*.yaml`] },
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
        yamlVersion: '1.2',
        customTags: [],
      },
      http: { proxy: '', proxyStrictSSL: false },
      '[yaml]': {},
      editor: {},
    }),
    // yaml-language-server waits this long after a change before it validates (yamlSettings.js,
    // validationDelayMs; not configurable). It is part of what a user waits for, so it stays in the
    // figures; the JSON also gives the time without it.
    debounceMs: 200,
  },
};

/** The same capabilities for both servers: push diagnostics only. */
const CLIENT_CAPABILITIES = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, willSave: false, willSaveWaitUntil: false, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      codeDescriptionSupport: true,
      dataSupport: true,
      tagSupport: { valueSet: [1, 2] },
    },
  },
  window: { workDoneProgress: false },
  general: { positionEncodings: ['utf-16'] },
};

class Session {
  constructor(kind, workspaceDir, dispatch) {
    this.kind = kind;
    this.server = SERVERS[kind];
    this.workspaceDir = workspaceDir;
    this.dispatch = dispatch;
    this.waiters = [];
    this.stderr = '';
    this.configurationAnswered = false;
    this.mode = 'push';
  }

  async start() {
    const [cmd, ...args] = this.server.command();
    this.proc = spawn(cmd, args, { cwd: this.workspaceDir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    this.exited = new Promise((res) => this.proc.on('exit', (code, signal) => res({ code, signal })));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    const settings = this.server.configuration(this.dispatch);
    this.conn.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationAnswered = true;
      return params.items.map((item) => lookup(settings, item.section));
    });
    this.conn.onRequest(RegistrationRequest.type, () => null);
    this.conn.onRequest(UnregistrationRequest.type, () => null);
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(() => null); // Any other server → client request (custom ones included).
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => this.onDiagnostics(p));
    this.conn.onNotification(() => {}); // Logs, telemetry, progress.
    this.conn.onError(() => {});
    this.conn.listen();
    const folder = pathToFileURL(this.workspaceDir).href;
    const init = await withTimeout(
      this.conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'tenant-policy-bench' },
        rootUri: folder,
        workspaceFolders: [{ uri: folder, name: 'bench' }],
        capabilities: CLIENT_CAPABILITIES,
        initializationOptions: {},
      }),
      60_000,
      `${this.kind}: initialize`,
    );
    this.capabilities = init.capabilities;
    await this.conn.sendNotification(InitializedNotification.type, {});
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
    // Let the server read its configuration before the timed part starts: wait until it has asked (both
    // do after `initialized` when the client supports workspace/configuration), then a little longer so
    // it has applied the answer.
    const until = Date.now() + 5_000;
    while (!this.configurationAnswered && Date.now() < until) await sleep(10);
    await sleep(300);
  }

  onDiagnostics(params) {
    const now = performance.now();
    for (const w of [...this.waiters]) {
      if (w.uri !== params.uri) continue;
      if (params.version !== undefined && params.version !== null && params.version < w.version) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve({ at: now, count: params.diagnostics.length, diagnostics: params.diagnostics });
    }
  }

  /** Resolves with the next diagnostics for `uri` at `version` or later. */
  nextDiagnostics(uri, version) {
    return new Promise((resolveWaiter) => this.waiters.push({ uri, version, resolve: resolveWaiter }));
  }

  async pull(uri) {
    const report = await this.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return { at: performance.now(), count: report.kind === 'full' ? report.items.length : -1, diagnostics: report.items ?? [] };
  }

  /** Sends `send()` and waits for the diagnostics of `version`; returns elapsed ms, or null past the cap. */
  async timed(uri, version, send, capMs) {
    const pushed = this.nextDiagnostics(uri, version);
    const t0 = performance.now();
    await send();
    const result = this.mode === 'pull' ? this.pull(uri) : pushed;
    const r = await withTimeout(result, capMs, null).catch(() => null);
    if (!r) return null;
    return { ms: r.at - t0, count: r.count, diagnostics: r.diagnostics };
  }

  async open(uri, text, capMs) {
    this.version = 1;
    return this.timed(uri, 1, () => this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    }), capMs);
  }

  async change(uri, range, newText, capMs) {
    const version = ++this.version;
    return this.timed(uri, version, () => this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text: newText }],
    }), capMs);
  }

  /** Lets late notifications (a second publish after a configuration change) arrive and be dropped. */
  async drain(ms) {
    await sleep(ms);
    this.waiters = [];
  }

  async dispose() {
    try {
      await withTimeout(this.conn.sendRequest(ShutdownRequest.type), 5_000, 'shutdown');
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // A server that does not answer shutdown is killed below.
    }
    const exited = await withTimeout(this.exited, 3_000, 'exit').catch(() => null);
    if (!exited) this.proc.kill('SIGKILL');
    this.conn.dispose();
  }
}

function lookup(settings, section) {
  if (!section) return settings;
  if (section in settings) return settings[section];
  let v = settings;
  for (const part of section.split('.')) {
    if (v == null || typeof v !== 'object') return null;
    v = v[part];
  }
  return v ?? null;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what ?? 'operation'} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- the measurements ------------------------------------------------------------------------------------

/** A one-character edit in the middle of the file that keeps it valid: a letter appended to a name. */
function editPoint(text) {
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  for (let d = 0; d < lines.length; d++) {
    for (const i of [middle + d, middle - d]) {
      const line = lines[i];
      if (line === undefined) continue;
      const m = /^(\s*name: )([a-z0-9][a-z0-9-]*)\s*$/.exec(line);
      if (m && m[2].length < 50) return { line: i, character: m[1].length + m[2].length };
    }
  }
  throw new Error('no `name:` line to edit');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function measureParse(text, runs) {
  for (let i = 0; i < 3; i++) parseAllDocuments(text); // Warm up the JIT.
  const samples = [];
  for (let i = 0; i < Math.max(runs, 7); i++) {
    const t0 = performance.now();
    parseAllDocuments(text);
    samples.push(performance.now() - t0);
  }
  return { medianMs: median(samples), samples };
}

/**
 * Documents of every kind the bench files hold (Tenant, Namespace, Deployment, NetworkPolicy, Pod), but
 * none of their text: opened first, they make a server load and compile its schemas, so the "warm" open
 * that follows measures the work per document only.
 */
function warmupText() {
  const parts = ['tenants/solar.yaml', 'namespaces/solar.yaml', 'workloads/solar.yaml', 'policies/solar/frontend.yaml']
    .map((f) => readFileSync(join(root, 'examples', f), 'utf8').trimEnd());
  parts.push([
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: warmup',
    '  namespace: solar-frontend',
    'spec:',
    '  containers:',
    '    - name: warmup',
    '      image: registry.k8s.io/pause:3.10',
  ].join('\n'));
  return `${parts.join('\n---\n')}\n`;
}

async function measureServer(kind, size, text, opts, dispatch) {
  const capMs = opts.capSeconds * 1000;
  // The workspace folder is empty and the document exists only in the editor: a server that indexes its
  // folders at start-up (ours does) must not have analysed the text before the timed didOpen.
  const workspaceDir = join(outDir, `workspace-${size}`);
  rmSync(workspaceDir, { recursive: true, force: true });
  mkdirSync(workspaceDir, { recursive: true });
  const uri = pathToFileURL(join(workspaceDir, `policies-${size}.yaml`)).href;
  const warmupUri = pathToFileURL(join(workspaceDir, 'warmup.yaml')).href;
  const at = editPoint(text);
  const sample = () => ({ samples: [], capped: false });
  const result = { open: sample(), warmOpen: sample(), edit: sample(), mode: 'push', diagnostics: null, errors: [] };
  const say = (what) => process.stdout.write(`  ${kind} ${size} ${what}\n`);

  /** Runs `body` in a fresh server; false when the measurement hit the cap or failed. */
  const inSession = async (body) => {
    const session = new Session(kind, workspaceDir, dispatch);
    try {
      await session.start();
      if (kind === 'ours' && opts.pullForOurs && session.capabilities?.diagnosticProvider) session.mode = 'pull';
      result.mode = session.mode;
      return await body(session);
    } catch (err) {
      result.errors.push(`${err.message}${session.stderr ? `\n${session.stderr.trim()}` : ''}`);
      say(`failed: ${err.message}`);
      return false;
    } finally {
      await session.dispose().catch(() => {});
    }
  };

  for (let run = 0; run < opts.runs; run++) {
    // Cold: the bench file is the first document the server sees.
    const cold = await inSession(async (session) => {
      const open = await session.open(uri, text, capMs);
      if (!open) {
        result.open.capped = true;
        say(`open: > ${opts.capSeconds} s`);
        return false;
      }
      result.open.samples.push(open.ms);
      result.diagnostics = open.count;
      if (run === 0) result.firstMessages = open.diagnostics.slice(0, 3).map((d) => `${d.code ?? ''} ${d.message}`.trim());
      say(`open #${run + 1}: ${open.ms.toFixed(1)} ms (${open.count} diagnostics)`);
      // Edits only in the first run's server: they do not depend on how the server was started.
      if (run > 0) return true;
      await session.drain(SERVERS[kind].debounceMs + 500);
      for (let e = 0; e < opts.edits; e++) {
        const pos = { line: at.line, character: at.character + e };
        const edit = await session.change(uri, { start: pos, end: pos }, String.fromCharCode(97 + (e % 26)), capMs);
        if (!edit) {
          result.edit.capped = true;
          say(`edit: > ${opts.capSeconds} s`);
          break;
        }
        result.edit.samples.push(edit.ms);
        say(`edit #${e + 1}: ${edit.ms.toFixed(1)} ms`);
        await session.drain(50);
      }
      return true;
    });
    if (!cold) break;
    // Warm: schemas already loaded by a small document of the same kinds.
    const warm = await inSession(async (session) => {
      const w = await session.open(warmupUri, warmupText(), capMs);
      if (!w) throw new Error('no diagnostics for the warm-up document before the cap');
      await session.drain(SERVERS[kind].debounceMs + 300);
      const open = await session.open(uri, text, capMs);
      if (!open) {
        result.warmOpen.capped = true;
        say(`warm open: > ${opts.capSeconds} s`);
        return false;
      }
      result.warmOpen.samples.push(open.ms);
      say(`warm open #${run + 1}: ${open.ms.toFixed(1)} ms`);
      return true;
    });
    if (!warm) break;
  }
  for (const m of [result.open, result.warmOpen, result.edit]) m.medianMs = median(m.samples);
  return result;
}

/**
 * Before timing anything, each server is shown a document with a known schema error (a misspelled
 * `policyTypes`), so a figure can never come from a server that silently validates nothing.
 */
async function sanityCheck(kind, dispatch, opts) {
  const dir = join(outDir, 'workspace-sanity');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const text = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: egress-only',
    '  namespace: wind-api',
    'spec:',
    '  podSelector: {}',
    '  polcyTypes:',
    '    - Egress',
    '',
  ].join('\n');
  const file = join(dir, 'sanity.yaml');
  const session = new Session(kind, dir, dispatch);
  try {
    await session.start();
    if (kind === 'ours' && opts.pullForOurs && session.capabilities?.diagnosticProvider) session.mode = 'pull';
    const r = await session.open(pathToFileURL(file).href, text, opts.capSeconds * 1000);
    const found = !!r && r.diagnostics.some((d) => d.range.start.line === 7 || /polcyTypes/.test(d.message));
    return { ok: found, diagnostics: r ? r.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message.split('\n')[0]}`) : ['(none before the cap)'] };
  } catch (err) {
    return { ok: false, diagnostics: [], error: `${err.message}${session.stderr ? `\n${session.stderr.trim()}` : ''}` };
  } finally {
    await session.dispose().catch(() => {});
  }
}

// --- output ----------------------------------------------------------------------------------------------

function fmtMs(m, capped, cap) {
  if (capped && m == null) return `> ${cap} s`;
  if (m == null) return 'n/a';
  return m >= 100 ? m.toFixed(0) : m.toFixed(1);
}

function ratio(a, b) {
  if (a == null || b == null || b === 0) return null;
  return a / b;
}

function fmtRatio(r, cappedNumerator) {
  if (cappedNumerator) return '> cap';
  if (r == null) return 'n/a';
  return `${r >= 10 ? r.toFixed(0) : r >= 0.095 ? r.toFixed(1) : r.toFixed(2)}×`;
}

const MEASURES = [
  ['open', 'open (cold)'],
  ['warmOpen', 'open (warm)'],
  ['edit', 'edit 1 char'],
];

function printTable(rows, opts) {
  const head = ['file', 'lines', 'measure', 'parse', 'ours', 'peer', 'peer/ours', 'ours/parse'];
  const body = [];
  for (const r of rows) {
    for (const [key, label] of MEASURES) {
      const ours = r.ours?.[key];
      const peer = r.peer?.[key];
      body.push([
        r.file,
        String(r.lines),
        label,
        fmtMs(r.parse.medianMs),
        fmtMs(ours?.medianMs, ours?.capped, opts.capSeconds),
        fmtMs(peer?.medianMs, peer?.capped, opts.capSeconds),
        fmtRatio(r.ratios[key].peerOverOurs, peer?.capped && peer?.medianMs == null),
        fmtRatio(r.ratios[key].oursOverParse),
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const left = (i) => i === 0 || i === 2;
  const line = (cells) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log('');
  console.log(line(head));
  console.log(`| ${widths.map((w, i) => (left(i) ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`);
  for (const b of body) console.log(line(b));
  console.log('');
  console.log('ms, median. open (cold): didOpen → first diagnostics in a fresh server (schemas loaded on the way);');
  console.log('open (warm): the same after a small document of the same kinds; edit: one-character didChange → diagnostics.');
  console.log(`parse: yaml parseAllDocuments alone. peer: yaml-language-server ${PEER_VERSION} with the same schemas,`);
  console.log(`its fixed ${SERVERS.peer.debounceMs} ms validation delay included. Push diagnostics for both. Cap ${opts.capSeconds} s.`);
}

// --- main ------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });

  if (opts.servers.includes('ours')) {
    const server = join(root, 'dist', 'server.js');
    if (opts.build || !existsSync(server)) {
      const r = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0 || !existsSync(server)) {
        console.error('bench: `npm run build` failed or did not produce dist/server.js');
        process.exit(2);
      }
    }
  }
  if (opts.servers.includes('peer') && !existsSync(join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'))) {
    console.error('bench: yaml-language-server is not installed (npm install --save-dev yaml-language-server@1.25.0)');
    process.exit(2);
  }
  // Push for both unless our server cannot push (decided per session from its capabilities).
  opts.pullForOurs = false;

  const dispatch = writeDispatchSchema();
  const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  console.log(`bench: node ${machine.node}, ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB`);
  console.log(`bench: yaml-language-server gets ${dispatch.kinds.length} schemas through ${relative(root, fileURLToPath(dispatch.uri))}`);

  const sanity = {};
  for (const kind of opts.servers) {
    sanity[kind] = await sanityCheck(kind, dispatch, opts);
    console.log(`bench: sanity ${kind}: ${sanity[kind].ok ? 'reports the misspelled policyTypes' : 'did NOT report the misspelled policyTypes'}${sanity[kind].ok ? '' : ` ${JSON.stringify(sanity[kind])}`}`);
    // Our server falls back to pull when it offers it and stayed silent on push.
    if (kind === 'ours' && !sanity[kind].ok) {
      opts.pullForOurs = true;
      const pulled = await sanityCheck(kind, dispatch, opts);
      if (pulled.ok) {
        sanity[kind] = { ...pulled, mode: 'pull' };
        console.log('bench: sanity ours: reports it with pull diagnostics; measuring ours with textDocument/diagnostic');
      } else opts.pullForOurs = false;
    }
  }

  const rows = [];
  for (const size of opts.sizes) {
    const file = join(opts.benchDir, `policies-${size}.yaml`);
    if (!existsSync(file)) {
      console.error(`bench: ${file} not found`);
      process.exit(2);
    }
    const text = readFileSync(file, 'utf8');
    const row = { file: `policies-${size}.yaml`, bytes: Buffer.byteLength(text), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
    console.log(`\n${row.file}: ${row.lines} lines, ${row.bytes} bytes`);
    row.parse = measureParse(text, opts.runs);
    console.log(`  parse (yaml parseAllDocuments): ${row.parse.medianMs.toFixed(1)} ms`);
    for (const kind of opts.servers) row[kind] = await measureServer(kind, size, text, opts, dispatch);
    row.ratios = {};
    for (const [key] of MEASURES) {
      row.ratios[key] = {
        peerOverOurs: ratio(row.peer?.[key].medianMs, row.ours?.[key].medianMs),
        oursOverParse: ratio(row.ours?.[key].medianMs, row.parse.medianMs),
        peerOverParse: ratio(row.peer?.[key].medianMs, row.parse.medianMs),
      };
    }
    if (row.peer) {
      const d = SERVERS.peer.debounceMs;
      row.peer.withoutValidationDelay = Object.fromEntries(MEASURES.map(([key]) => [key, row.peer[key].medianMs == null ? null : row.peer[key].medianMs - d]));
    }
    rows.push(row);
  }

  printTable(rows, opts);
  const results = {
    date: new Date().toISOString(),
    machine,
    options: { runs: opts.runs, edits: opts.edits, capSeconds: opts.capSeconds, servers: opts.servers },
    diagnosticsMode: { ours: opts.pullForOurs ? 'pull' : 'push', peer: 'push' },
    peer: { name: 'yaml-language-server', version: PEER_VERSION, schemas: dispatch.kinds, validationDelayMs: SERVERS.peer.debounceMs },
    sanity,
    rows,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${relative(root, join(outDir, 'results.json'))}`);
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(2);
});
