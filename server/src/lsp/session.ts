// The language server's handlers: LSP in, workspace index and engine calls, LSP out. Every handler is
// wrapped (lsp/guard.ts); analyses come from the index, cached per document revision, so diagnostics and
// code actions of one document version share one analysis. A file's diagnostics are its own findings plus
// those of its folder's workspace model (workspace/workspace-models.ts), which depend on other files and
// are rebuilt in the background: a rebuild that changes them refreshes (pull) or republishes (push).
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DiagnosticRefreshRequest,
  DocumentDiagnosticReportKind,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DidChangeConfigurationParams,
  type DidChangeWatchedFilesParams,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type WorkDoneProgressServerReporter,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis, Finding } from '../engine';
import { CrashForTestRequest, StatusNotification, type StatusParams } from '../protocol';
import { DEFAULT_EDITOR_SETTINGS } from '../settings';
import { pathToUri, uriKey } from '../workspace/paths';
import { WorkspaceIndex, type FileEvent, type IndexChange, type IndexStatus, type IndexedFile } from '../workspace/workspace-index';
import { WorkspaceModels, type ModelsChange } from '../workspace/workspace-models';
import { clientFeatures, type ClientFeatures } from './capabilities';
import { FEATURES } from '../features';
import type { FeatureContext } from '../features/types';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, findingOf, isDiagnosticData, toCodeActions, toDiagnostic, toFixAllAction } from './convert';
import { checkCancelled, describeError, guardNotification, guardRequest } from './guard';
import { readEditorSettings, SETTINGS_SECTION } from './settings';

export interface SessionOptions {
  /** Enables the test-only request and the analysis-failure marker (TENANT_POLICY_TEST=1). */
  testHooks: boolean;
  version: string;
}

/** In test mode, analysing a text that contains this throws, to show how a failing analysis looks. */
export const TEST_FAIL_MARKER = 'tenant-policy-test: fail-analysis';

/** The files whose changes the server wants to hear about, registered with the client's watcher. */
const WATCHED = ['**/*.{yaml,yml}', '**/.tenant-policy.yaml', '**/Kustomization'];

export function startSession(connection: Connection, options: SessionOptions): void {
  new Session(connection, options);
}

class Session {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly log: Connection['console'];
  private features: ClientFeatures = clientFeatures({});
  private index: WorkspaceIndex | undefined;
  private models: WorkspaceModels | undefined;
  /** Diagnostics wait for the first settings, so `enable: false` is honoured from the first answer. */
  private settingsLoaded: Promise<void>;
  private markSettingsLoaded!: () => void;
  private settingsRequest = 0;
  /** The `tenantPolicy` section of the last workspace/didChangeConfiguration, for clients that cannot be asked. */
  private pushedSettings: unknown;
  private readonly diagnosticsCache = new WeakMap<FileAnalysis, Diagnostic[]>();
  /** Model findings → their diagnostics; an array of findings belongs to one file revision. */
  private readonly modelDiagnosticsCache = new WeakMap<readonly Finding[], Diagnostic[]>();
  private readonly pendingPublish = new Set<string>();
  private publishScheduled = false;
  private refreshScheduled = false;
  private progress: Promise<WorkDoneProgressServerReporter | undefined> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly options: SessionOptions,
  ) {
    this.log = connection.console;
    this.settingsLoaded = new Promise((resolve) => (this.markSettingsLoaded = resolve));
    const log = this.log;

    connection.onInitialize(guardRequest(log, 'initialize', (params: InitializeParams) => this.initialize(params)));
    connection.onInitialized(guardNotification(log, 'initialized', () => this.initialized()));
    connection.onShutdown(guardNotification(log, 'shutdown', () => {
      this.models?.dispose();
      this.index?.dispose();
    }));
    connection.languages.diagnostics.on(guardRequest(log, 'textDocument/diagnostic', (p, t) => this.documentDiagnostics(p, t)));
    connection.languages.diagnostics.onWorkspace(guardRequest(log, 'workspace/diagnostic', (p, t) => this.workspaceDiagnostics(p, t)));
    connection.onCodeAction(guardRequest(log, 'textDocument/codeAction', (p, t) => this.codeActions(p, t), () => []));
    connection.onDidChangeConfiguration(guardNotification(log, 'workspace/didChangeConfiguration', (p) => this.configurationChanged(p)));
    connection.onDidChangeWatchedFiles(guardNotification(log, 'workspace/didChangeWatchedFiles', (p) => this.watchedFilesChanged(p)));

    this.documents.onDidChangeContent(guardNotification(log, 'textDocument/didChange', (e) => this.documentChanged(e.document)));
    this.documents.onDidClose(guardNotification(log, 'textDocument/didClose', (e) => this.documentClosed(e.document)));
    this.documents.onDidSave(guardNotification(log, 'textDocument/didSave', (e) => this.documentSaved(e.document)));
    this.documents.listen(connection);

    if (options.testHooks) {
      connection.onRequest(CrashForTestRequest.type, guardRequest(log, CrashForTestRequest.method, (params) => {
        const message = params?.log ?? 'tenantPolicy/_crashForTest';
        console.log(message);
        console.info(message);
        console.debug(message);
        console.warn(message);
        console.error(message);
        throw new Error('crash requested by a test');
      }));
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  private initialize(params: InitializeParams): InitializeResult {
    this.features = clientFeatures(params.capabilities);
    const log = { info: (m: string) => this.log.info(m), warn: (m: string) => this.log.warn(m), error: (m: string) => this.log.error(m), debug: (m: string) => this.log.debug(m) };
    const index = new WorkspaceIndex({ log, failMarker: this.options.testHooks ? TEST_FAIL_MARKER : undefined });
    this.index = index;
    const models = new WorkspaceModels(index, { log });
    this.models = models;
    models.onDidChange((change) => this.modelsChanged(change));
    const folders = params.workspaceFolders
      ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(params.rootUri) }] : params.rootPath ? [{ uri: pathToUri(params.rootPath), name: path.basename(params.rootPath) }] : []);
    index.setFolders(folders);
    index.onDidChange((change) => this.indexChanged(change));
    index.onDidChangeStatus((status) => this.indexStatusChanged(status));
    const ctx = this.featureContext(log);
    const extra: Partial<ServerCapabilities>[] = [];
    for (const feature of FEATURES) {
      extra.push(feature.capabilities(this.features));
      feature.register(ctx);
    }
    return {
      capabilities: {
        ...Object.assign({}, ...extra),
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        // Declared only to clients that pull: the others get publishDiagnostics, never both.
        diagnosticProvider: this.features.pullDiagnostics
          ? { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: true, workspaceDiagnostics: true }
          : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'tenant-policy', version: this.options.version },
    };
  }

  private featureContext(log: FeatureContext['log']): FeatureContext {
    const index = this.index!;
    const models = this.models!;
    return {
      connection: this.connection,
      documents: this.documents,
      log,
      client: this.features,
      file: (uri) => index.get(uri),
      model: (file) => models.modelForFile(file),
      modelPending: (file) => models.isPending(file),
      findings: (file) => (file.enabled ? [...file.analysis.findings, ...models.findingsFor(file)] : []),
      onModelBuilt: (listener) => {
        models.onDidBuild(listener);
      },
    };
  }

  private async initialized(): Promise<void> {
    const { connection, features } = this;
    if (features.dynamicWatchers) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) })
        .catch((e: unknown) => this.log.warn(`Could not register file watchers: ${describeError(e)}`));
    } else {
      this.log.info('The client cannot watch files for the server; files changed outside the editor are seen when saved or reopened.');
    }
    if (features.dynamicConfiguration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((e: unknown) => this.log.warn(`Could not register for configuration changes: ${describeError(e)}`));
    }
    if (features.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(guardNotification(this.log, 'workspace/didChangeWorkspaceFolders', (e) => this.foldersChanged(e)));
    }
    try {
      await this.loadSettings();
    } finally {
      this.markSettingsLoaded();
    }
    this.index!.start();
  }

  // ---- settings -----------------------------------------------------------------------------------

  private async configurationChanged(params: DidChangeConfigurationParams): Promise<void> {
    const settings = params.settings as Record<string, unknown> | null | undefined;
    if (settings && typeof settings === 'object' && SETTINGS_SECTION in settings) this.pushedSettings = settings[SETTINGS_SECTION];
    await this.loadSettings();
  }

  /** Reads the settings of every folder (and of loose files) and hands them to the index. */
  private async loadSettings(): Promise<void> {
    const index = this.index;
    if (!index) return;
    const request = ++this.settingsRequest;
    const scopes: (string | undefined)[] = [undefined, ...index.folderUris()];
    const warn = (m: string) => this.log.warn(m);
    let values: unknown[];
    if (this.features.configuration) {
      try {
        values = await this.connection.workspace.getConfiguration(scopes.map((scopeUri) => ({ scopeUri, section: SETTINGS_SECTION })));
      } catch (e) {
        this.log.warn(`Could not read the ${SETTINGS_SECTION} settings: ${describeError(e)}`);
        values = scopes.map(() => this.pushedSettings);
      }
    } else {
      values = scopes.map(() => this.pushedSettings);
    }
    // A newer request (another settings change meanwhile) decides.
    if (request !== this.settingsRequest) return;
    scopes.forEach((scope, i) => index.setSettings(scope, values[i] === undefined ? DEFAULT_EDITOR_SETTINGS : readEditorSettings(values[i], warn)));
  }

  private async foldersChanged(e: WorkspaceFoldersChangeEvent): Promise<void> {
    const index = this.index!;
    const removed = new Set(e.removed.map((f) => uriKey(f.uri)));
    const current = index.folderUris().filter((u) => !removed.has(uriKey(u))).map((uri) => ({ uri, name: path.basename(uri) }));
    index.setFolders([...current, ...e.added]);
    await this.loadSettings();
  }

  // ---- documents and files --------------------------------------------------------------------------

  /** Only YAML is ours: the language id says so, or the file name when a client sends another id. */
  private accepts(doc: TextDocument): boolean {
    return doc.languageId === 'yaml' || /\.ya?ml$/i.test(doc.uri) || /\/Kustomization$/.test(doc.uri);
  }

  private documentChanged(doc: TextDocument): void {
    if (!this.accepts(doc)) return;
    this.index?.setDocument(doc.uri, doc.getText(), doc.version);
  }

  private documentClosed(doc: TextDocument): void {
    this.index?.closeDocument(doc.uri);
    this.pendingPublish.delete(doc.uri);
    // A pulling client forgets a closed document's diagnostics itself; a pushed one must be cleared.
    if (!this.features.pullDiagnostics) void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
  }

  private async documentSaved(doc: TextDocument): Promise<void> {
    // Without a file watcher, a save is how a changed configuration or kustomization reaches the index.
    if (!this.features.dynamicWatchers) await this.index?.applyFileEvents([{ uri: doc.uri, kind: 'changed' }]);
  }

  private async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
    const kinds: Record<number, FileEvent['kind']> = { [FileChangeType.Created]: 'created', [FileChangeType.Changed]: 'changed', [FileChangeType.Deleted]: 'deleted' };
    const events = params.changes.filter((c) => kinds[c.type]).map((c) => ({ uri: c.uri, kind: kinds[c.type] }));
    await this.index?.applyFileEvents(events);
  }

  // ---- index → client ---------------------------------------------------------------------------

  private indexChanged(change: IndexChange): void {
    if (this.features.pullDiagnostics) {
      // After its own edits the client pulls by itself; anything else (files on disk, configuration,
      // an edit that changed other files) needs a refresh.
      if (change.cause !== 'editor' || change.uris.length > 1) this.scheduleRefresh();
      return;
    }
    for (const uri of change.uris) if (this.documents.get(uri)) this.schedulePublish(uri);
  }

  /** A rebuilt workspace model changed the findings of these files. */
  private modelsChanged(change: ModelsChange): void {
    if (this.features.pullDiagnostics) {
      this.scheduleRefresh();
      return;
    }
    for (const uri of change.uris) if (this.documents.get(uri)) this.schedulePublish(uri);
  }

  private scheduleRefresh(): void {
    if (!this.features.diagnosticRefresh || this.refreshScheduled) return;
    this.refreshScheduled = true;
    setImmediate(() => {
      this.refreshScheduled = false;
      this.connection.sendRequest(DiagnosticRefreshRequest.type).catch((e: unknown) => this.log.warn(`Diagnostic refresh failed: ${describeError(e)}`));
    });
  }

  private schedulePublish(uri: string): void {
    this.pendingPublish.add(uri);
    if (this.publishScheduled) return;
    this.publishScheduled = true;
    // Coalesces a burst of edits into one analysis of the newest version.
    setImmediate(guardNotification(this.log, 'publishDiagnostics', () => this.flushPublish()));
  }

  private async flushPublish(): Promise<void> {
    await this.settingsLoaded;
    this.publishScheduled = false;
    const uris = [...this.pendingPublish];
    this.pendingPublish.clear();
    for (const uri of uris) {
      const doc = this.documents.get(uri);
      const file = this.index?.get(uri);
      if (!doc || !file?.open) continue;
      const diagnostics = file.enabled ? this.diagnosticsOf(file).diagnostics : [];
      await this.connection.sendDiagnostics({ uri, version: file.version ?? doc.version, diagnostics });
    }
  }

  private indexStatusChanged(status: IndexStatus): void {
    const message = status.state === 'indexing'
      ? status.files > 0 ? `Indexing ${status.done} of ${status.files} files…` : 'Looking for policy files…'
      : `${status.files} ${status.files === 1 ? 'file' : 'files'} indexed.${status.truncated ? ' Some folders hold more files than the index takes; see the output.' : ''}`;
    const params: StatusParams = { state: status.state, files: status.files, message };
    void this.connection.sendNotification(StatusNotification.type, params);
    if (!this.features.workDoneProgress) return;
    if (status.state === 'indexing') {
      const percentage = status.files > 0 ? Math.floor((100 * status.done) / status.files) : 0;
      if (!this.progress) {
        this.progress = this.connection.window.createWorkDoneProgress().then(
          (reporter) => {
            reporter.begin('Tenant Policy', percentage, message, false);
            return reporter;
          },
          (e: unknown) => {
            this.log.warn(`Could not report progress: ${describeError(e)}`);
            return undefined;
          },
        );
      } else {
        void this.progress.then((reporter) => reporter?.report(percentage, message));
      }
    } else {
      const progress = this.progress;
      this.progress = undefined;
      void progress?.then((reporter) => reporter?.done());
    }
  }

  // ---- diagnostics --------------------------------------------------------------------------------

  /** The file's findings (its own, then its workspace model's) and their diagnostics, index for index. */
  private diagnosticsOf(file: IndexedFile): { findings: readonly Finding[]; diagnostics: Diagnostic[] } {
    const analysis = file.analysis;
    const lines = file.lines;
    let own = this.diagnosticsCache.get(analysis);
    if (!own) {
      own = analysis.findings.map((f) => toDiagnostic(f, lines));
      this.diagnosticsCache.set(analysis, own);
    }
    const modelled = this.models?.findingsFor(file) ?? [];
    if (modelled.length === 0) return { findings: analysis.findings, diagnostics: own };
    let fromModel = this.modelDiagnosticsCache.get(modelled);
    if (!fromModel) {
      fromModel = modelled.map((f) => toDiagnostic(f, lines));
      this.modelDiagnosticsCache.set(modelled, fromModel);
    }
    return { findings: [...analysis.findings, ...modelled], diagnostics: [...own, ...fromModel] };
  }

  /** Changes whenever the file's diagnostics may: a new revision, or a model rebuild that changed them. */
  private resultIdOf(file: IndexedFile): string {
    return `${file.revision}.${this.models?.stampOf(file) ?? 0}`;
  }

  private async documentDiagnostics(params: DocumentDiagnosticParams, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    await this.settingsLoaded;
    checkCancelled(token);
    const file = this.index?.get(params.textDocument.uri);
    if (!file) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (!file.enabled) return { kind: DocumentDiagnosticReportKind.Full, resultId: `off.${file.revision}`, items: [] };
    const resultId = this.resultIdOf(file);
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: this.diagnosticsOf(file).diagnostics };
  }

  /**
   * Diagnostics of the indexed files that are not open (open ones come from document pulls). Files whose
   * result the client already has are left out; files it has results for that left the index are cleared.
   */
  private async workspaceDiagnostics(params: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    await this.settingsLoaded;
    const index = this.index!;
    const previous = new Map(params.previousResultIds.map((p) => [uriKey(p.uri), p]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const seen = new Set<string>();
    for (const file of index.files()) {
      const key = uriKey(file.uri);
      seen.add(key);
      if (file.open || !file.inWorkspace || !file.enabled) continue;
      checkCancelled(token);
      const resultId = this.resultIdOf(file);
      if (previous.get(key)?.value === resultId) continue;
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri: file.uri, version: null, resultId, items: this.diagnosticsOf(file).diagnostics });
    }
    for (const [key, p] of previous) {
      const file = index.get(p.uri);
      const stillReported = seen.has(key) && file !== undefined && (file.open || (file.inWorkspace && file.enabled));
      if (!stillReported && p.value !== 'gone') items.push({ kind: DocumentDiagnosticReportKind.Full, uri: p.uri, version: null, resultId: 'gone', items: [] });
    }
    return { items };
  }

  // ---- code actions -------------------------------------------------------------------------------

  private codeActions(params: CodeActionParams, token: CancellationToken): CodeAction[] {
    const only = params.context.only;
    const requested = (kind: string) => !only || only.some((k) => k === '' || k === kind || kind.startsWith(`${k}.`));
    const quickFixes = requested(CodeActionKind.QuickFix);
    // A source action is offered only when asked for (on save, the Source Action menu), never in the
    // lightbulb: it edits the whole file, far from the cursor.
    const fixAll = only !== undefined && requested(FIX_ALL_KIND);
    if (!quickFixes && !fixAll) return [];
    const file = this.index?.get(params.textDocument.uri);
    if (!file || !file.enabled) return [];
    const { findings, diagnostics } = this.diagnosticsOf(file);
    checkCancelled(token);
    const lines = file.lines;
    const target = { uri: file.uri, version: file.version, documentChanges: this.features.documentChanges };
    const actions: CodeAction[] = [];
    if (quickFixes) {
      const start = lines.offsetAt(params.range.start);
      const end = lines.offsetAt(params.range.end);
      const chosen = new Set<Finding>();
      for (const f of findings) if (f.fixes.length > 0 && f.span.start <= end && f.span.end >= start) chosen.add(f);
      for (const d of params.context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE || !isDiagnosticData(d.data)) continue;
        const f = findingOf(findings, d.data);
        if (f && f.fixes.length > 0) chosen.add(f);
      }
      const rules = new Set<string>();
      findings.forEach((f, i) => {
        if (!chosen.has(f)) return;
        actions.push(...toCodeActions(f, diagnostics[i], lines, target));
        if (f.fixes.some((x) => x.fixAll)) rules.add(f.ruleId);
      });
      // After the fixes at the cursor, one "fix all of this kind" per rule that has more than one here.
      for (const ruleId of rules) {
        const all = toFixAllAction(findings, diagnostics, lines, target, ruleId);
        if (all) actions.push(all);
      }
    }
    if (fixAll) {
      const all = toFixAllAction(findings, diagnostics, lines, target);
      if (all) actions.push(all);
    }
    return actions;
  }
}
