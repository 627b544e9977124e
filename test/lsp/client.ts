// A small typed LSP client for tests, in the style of volar's test-utils: it starts the real bundled
// server (`node dist/server.js --stdio`), speaks JSON-RPC to it, answers the server's requests
// (configuration, registrations, progress, refresh) and lets tests wait on messages, never on timers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  WorkspaceDiagnosticRequest,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type FileEvent,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type Registration,
  type TextEdit,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
  type WorkspaceDiagnosticReport,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { StatusNotification, type StatusParams } from '../../server/src/protocol';

import { ensureBundle } from '../support/bundle';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const serverBundle = path.join(repoRoot, 'dist', 'server.js');

/** The repository's examples/ folder (a workspace tests open as it is), a file's uri and its text. */
export const EXAMPLES = path.join(repoRoot, 'examples');
export const exampleUri = (rel: string): string => pathToFileURL(path.join(EXAMPLES, rel)).href;
export const readExample = (rel: string): string => readFileSync(path.join(EXAMPLES, rel), 'utf8');

/** How long any single wait may take before the test fails; generous, since CI machines are slow. */
export const TIMEOUT_MS = 60_000;

/** VS Code's relevant capabilities: pulls diagnostics, watches files, answers configuration. */
export const PULL_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    synchronization: { didSave: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true, dataSupport: true },
  },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
    workspaceFolders: true,
    workspaceEdit: { documentChanges: true },
  },
  window: { workDoneProgress: true },
};

/** An older client: diagnostics are pushed, no configuration requests, no dynamic registration. */
export const PUSH_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    publishDiagnostics: { versionSupport: true, relatedInformation: false },
    synchronization: { didSave: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
  },
  workspace: {},
};

export interface StartOptions {
  capabilities?: ClientCapabilities;
  /** Workspace folders (absolute paths). */
  folders?: string[];
  /** The `tenantPolicy` settings section the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  /** Wait for the first `ready` status (indexing done) before resolving. */
  waitReady?: boolean;
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- build ----------------------------------------------------------------------------------------

/** Bundles the server when dist/server.js is older than its sources (see test/support/bundle.ts). */
export async function ensureServerBuilt(): Promise<void> {
  ensureBundle('server');
}

// ---- workspaces on disk -----------------------------------------------------------------------------

export interface TempWorkspace {
  root: string;
  uri(rel: string): string;
  file(rel: string): string;
  write(rel: string, content: string | Uint8Array): string;
  remove(rel: string): void;
  dispose(): void;
}

/** A folder of files for one test, removed by `dispose`. */
export function tempWorkspace(files: Record<string, string | Uint8Array> = {}): TempWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), 'tenant-policy-lsp-'));
  const ws: TempWorkspace = {
    root,
    file: (rel) => path.join(root, rel),
    uri: (rel) => pathToFileURL(path.join(root, rel)).href,
    write: (rel, content) => {
      const p = path.join(root, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
      return pathToFileURL(p).href;
    },
    remove: (rel) => rmSync(path.join(root, rel), { recursive: true, force: true }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [rel, content] of Object.entries(files)) ws.write(rel, content);
  return ws;
}

// ---- the client -----------------------------------------------------------------------------------

interface Waiter<T> {
  match: (value: T) => boolean;
  resolve: (value: T) => void;
}

/** Messages of one kind: every one is kept, and tests can wait for the next (or any) that matches. */
class Inbox<T> {
  readonly all: T[] = [];
  private waiters: Waiter<T>[] = [];

  push(value: T): void {
    this.all.push(value);
    const ready = this.waiters.filter((w) => w.match(value));
    this.waiters = this.waiters.filter((w) => !w.match(value));
    for (const w of ready) w.resolve(value);
  }

  /** The first message from now on that matches. */
  next(what: string, match: (value: T) => boolean = () => true): Promise<T> {
    return within(new Promise<T>((resolve) => this.waiters.push({ match, resolve })), what);
  }

  /** A message received already, or the next one, that matches. */
  some(what: string, match: (value: T) => boolean = () => true): Promise<T> {
    const seen = this.all.find(match);
    return seen !== undefined ? Promise.resolve(seen) : this.next(what, match);
  }
}

export interface OpenDocument {
  uri: string;
  version: number;
  text: string;
}

export class TestClient {
  readonly publishes = new Inbox<PublishDiagnosticsParams>();
  readonly statuses = new Inbox<StatusParams>();
  readonly refreshes = new Inbox<number>();
  readonly logs = new Inbox<LogMessageParams>();
  /** window/workDoneProgress reports (begin, report, end) of every progress the server created. */
  readonly progress = new Inbox<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd>();
  readonly registrations: Registration[] = [];
  /** Every byte the server wrote to stdout, to check that only protocol frames were sent. */
  readonly stdout: Buffer[] = [];
  stderr = '';
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  /** Resolves with the server's exit code. */
  readonly exited: Promise<number | null>;
  private readonly docs = new Map<string, OpenDocument>();

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  static async start(options: StartOptions = {}): Promise<TestClient> {
    await ensureServerBuilt();
    const proc = spawn(process.execPath, ['--max-old-space-size=256', serverBundle, '--stdio'], {
      cwd: repoRoot,
      env: { ...process.env, TENANT_POLICY_TEST: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new TestClient(proc, connection, options.settings ?? {});
    proc.stdout!.on('data', (chunk: Buffer) => client.stdout.push(chunk));
    proc.stderr!.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    client.listen();
    connection.listen();
    const folders = (options.folders ?? []).map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) }));
    client.initializeResult = await within(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: folders[0]?.uri ?? null,
        workspaceFolders: folders.length > 0 ? folders : null,
        capabilities: options.capabilities ?? PULL_CAPABILITIES,
      }),
      'the initialize response',
    );
    const ready = client.statuses.some('the index to be ready', (s) => s.state === 'ready');
    await connection.sendNotification(InitializedNotification.type, {});
    if (options.waitReady ?? true) await ready;
    return client;
  }

  private listen(): void {
    const c = this.connection;
    c.onNotification(PublishDiagnosticsNotification.type, (p) => this.publishes.push(p));
    c.onNotification(StatusNotification.type, (p) => this.statuses.push(p));
    c.onNotification(LogMessageNotification.type, (p) => this.logs.push(p));
    c.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => this.settings));
    c.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    c.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      c.onProgress(WorkDoneProgress.type, token, (p) => this.progress.push(p));
      return null;
    });
    c.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshes.push(this.refreshes.all.length + 1);
      return null;
    });
    // The server must not crash; if it does, the waits fail with its stderr to read.
    c.onError(() => undefined);
  }

  // ---- documents --------------------------------------------------------------------------------

  async open(uri: string, text: string, languageId = 'yaml'): Promise<OpenDocument> {
    const doc = { uri, version: 1, text };
    this.docs.set(uri, doc);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return doc;
  }

  /** Sends incremental edits (ranges in the current text) and applies them to the client's copy. */
  async change(uri: string, edits: TextEdit[]): Promise<OpenDocument> {
    const doc = this.doc(uri);
    doc.text = applyEdits(doc.text, edits);
    doc.version++;
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: doc.version },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    return doc;
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  doc(uri: string): OpenDocument {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    return doc;
  }

  // ---- requests ---------------------------------------------------------------------------------

  async pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return within(this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId }), `diagnostics of ${uri}`);
  }

  /** The items of a full document report (fails on `unchanged`). */
  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.pull(uri);
    if (report.kind !== 'full') throw new Error(`expected a full report for ${uri}, got ${report.kind}`);
    return report.items;
  }

  async workspaceDiagnostics(previousResultIds: { uri: string; value: string }[] = []): Promise<WorkspaceDiagnosticReport> {
    return within(this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds }), 'workspace diagnostics');
  }

  /** Workspace diagnostics by URI, from a pull without previous results. */
  async workspaceDiagnosticsByUri(): Promise<Map<string, Diagnostic[]>> {
    const report = await this.workspaceDiagnostics();
    const out = new Map<string, Diagnostic[]>();
    for (const item of report.items) if (item.kind === 'full') out.set(item.uri, item.items);
    return out;
  }

  /**
   * Pulls until `done` holds for the diagnostics of `uri` (the document's, or the workspace report's),
   * waiting for the server's next diagnostic refresh between pulls, as a client does.
   */
  async pullUntil(uri: string, what: string, done: (items: Diagnostic[]) => boolean, workspace = false): Promise<Diagnostic[]> {
    for (;;) {
      const seen = this.refreshes.all.length;
      const items = workspace ? ((await this.workspaceDiagnosticsByUri()).get(uri) ?? []) : await this.diagnostics(uri);
      if (done(items)) return items;
      await this.refreshes.some(`a refresh (${what})`, (n) => n > seen);
    }
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[]> {
    const result = await within(this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } }), `code actions of ${uri}`);
    return (result ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  request<R>(method: string, params?: unknown): Promise<R> {
    return within(this.connection.sendRequest(method, params) as Promise<R>, method);
  }

  // ---- workspace --------------------------------------------------------------------------------

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { tenantPolicy: settings } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Applies a code action's edit to the client's copy of the document and sends it as a change. */
  async applyEdit(uri: string, edit: WorkspaceEdit): Promise<OpenDocument> {
    const edits: TextEdit[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change && change.textDocument.uri === uri) {
        if (change.textDocument.version !== null && change.textDocument.version !== this.doc(uri).version) {
          throw new Error(`edit for version ${change.textDocument.version}, document is at ${this.doc(uri).version}`);
        }
        edits.push(...(change.edits as TextEdit[]));
      }
    }
    edits.push(...(edit.changes?.[uri] ?? []));
    return this.change(uri, edits);
  }

  async shutdown(): Promise<number | null> {
    if (this.proc.exitCode === null) {
      await within(this.connection.sendRequest(ShutdownRequest.type), 'the shutdown response').catch(() => undefined);
      await this.connection.sendNotification(ExitNotification.type).catch(() => undefined);
    }
    const code = await within(this.exited, 'the server to exit');
    this.connection.dispose();
    return code;
  }
}

// ---- text helpers -----------------------------------------------------------------------------------

export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + pos.character, text.length);
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The range of the first occurrence of `needle` (after `from`, if given) in `text`. */
export function rangeOf(text: string, needle: string, from = 0): Range {
  const start = text.indexOf(needle, from);
  if (start === -1) throw new Error(`${JSON.stringify(needle)} not in the text`);
  return { start: positionAt(text, start), end: positionAt(text, start + needle.length) };
}

/** The text a diagnostic's range covers. */
export function textAt(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/** Applies edits whose ranges refer to the original text, as LSP does. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Parses raw stdout bytes into LSP frames; throws at the first byte that is not part of one. */
export function parseFrames(bytes: Buffer): unknown[] {
  const messages: unknown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    if (headerEnd === -1) throw new Error(`stray bytes at ${at}: ${JSON.stringify(bytes.subarray(at, at + 80).toString())}`);
    const header = bytes.subarray(at, headerEnd).toString('ascii');
    let length: number | undefined;
    for (const line of header.split('\r\n')) {
      const m = /^([A-Za-z-]+): (.*)$/.exec(line);
      if (!m) throw new Error(`not an LSP header at ${at}: ${JSON.stringify(header.slice(0, 80))}`);
      if (m[1].toLowerCase() === 'content-length') length = Number(m[2]);
      else if (m[1].toLowerCase() !== 'content-type') throw new Error(`unknown header ${m[1]}`);
    }
    if (length === undefined || !Number.isInteger(length)) throw new Error(`no Content-Length at ${at}`);
    const body = bytes.subarray(headerEnd + 4, headerEnd + 4 + length);
    if (body.length !== length) throw new Error(`truncated frame at ${at}`);
    const message = JSON.parse(body.toString('utf8')) as { jsonrpc?: string };
    if (message.jsonrpc !== '2.0') throw new Error(`not JSON-RPC 2.0 at ${at}`);
    messages.push(message);
    at = headerEnd + 4 + length;
  }
  return messages;
}
