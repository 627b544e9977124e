// The preview panel's host: opens the webview beside the editor, follows the active YAML editor and its
// cursor, asks the language server for the preview (`tenantPolicy/preview`) and for a cell's walkthrough
// (`tenantPolicy/explain`), refreshes on `tenantPolicy/modelChanged`, reveals YAML on request, saves
// exports, and restores itself after a reload through a WebviewPanelSerializer.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ExplainRequest,
  ModelChangedNotification,
  PreviewRequest,
  type PreviewLocation,
  type PreviewParams,
} from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { EXPORT_FORMATS, exportBytes, isExportFormat, type ExportFormat } from './export-file';
import { previewHtml } from './html';
import { setPreviewOpener } from './open';
import type { HostMessage, WebviewMessage, WebviewState } from './messages';

export const PREVIEW_VIEW_TYPE = 'tenantPolicy.preview';
/** Cursor moves are coalesced: the panel asks again once the cursor has rested this long. */
const SELECTION_DEBOUNCE_MS = 120;

function isYaml(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'yaml' && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
}

/** `[uri, position]` from a command: a Uri or a string, and an LSP or VS Code position. */
function parseArgs(args: unknown[]): { uri?: vscode.Uri; position?: { line: number; character: number } } {
  const [u, p] = args;
  let uri: vscode.Uri | undefined;
  if (u instanceof vscode.Uri) uri = u;
  else if (typeof u === 'string') {
    try {
      uri = vscode.Uri.parse(u, true);
    } catch {
      uri = undefined;
    }
  }
  let position: { line: number; character: number } | undefined;
  if (p && typeof p === 'object' && Number.isInteger((p as { line?: unknown }).line) && Number.isInteger((p as { character?: unknown }).character)) {
    position = { line: (p as { line: number }).line, character: (p as { character: number }).character };
  }
  return { uri, position };
}

export class PreviewController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private uri: string | undefined;
  private position: { line: number; character: number } | undefined;
  private selectionTimer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private ready = false;
  private readonly listening = new WeakSet<LanguageClient>();

  constructor(private readonly ctx: Ctx) {
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const s = state && typeof state === 'object' ? (state as WebviewState) : undefined;
          this.adopt(panel);
          if (typeof s?.uri === 'string') this.uri = s.uri;
          else this.followActive();
        },
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!this.panel || !editor || !isYaml(editor.document)) return;
        this.follow(editor);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.panel || !isYaml(e.textEditor.document) || e.textEditor.document.uri.toString() !== this.uri) return;
        clearTimeout(this.selectionTimer);
        this.selectionTimer = setTimeout(() => {
          const at = e.selections[0]?.active;
          if (at) this.position = { line: at.line, character: at.character };
          void this.refresh();
        }, SELECTION_DEBOUNCE_MS);
      }),
    );
  }

  /** The command: `tenantPolicy.openPreview [uri] [position]`. */
  async open(...args: unknown[]): Promise<void> {
    const { uri, position } = parseArgs(args);
    if (uri) {
      this.uri = uri.toString();
      this.position = position;
    } else {
      this.followActive();
    }
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE,
        'Tenant Policy Preview',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        this.webviewOptions(),
      );
      this.adopt(panel);
    }
    await this.refresh();
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.webviewOptions();
    const dist = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist');
    panel.webview.html = previewHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(18).toString('base64url'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.panelSubscriptions.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => this.onMessage(m)),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        for (const d of this.panelSubscriptions.splice(0)) d.dispose();
      }),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) void this.refresh();
      }),
    );
  }

  private followActive(): void {
    const editor = vscode.window.activeTextEditor;
    if (editor && isYaml(editor.document)) this.follow(editor, false);
  }

  private follow(editor: vscode.TextEditor, refresh = true): void {
    this.uri = editor.document.uri.toString();
    const at = editor.selection.active;
    this.position = { line: at.line, character: at.character };
    if (refresh) void this.refresh();
  }

  private client(): LanguageClient | undefined {
    const client = this.ctx.languageClient;
    if (client && !this.listening.has(client)) {
      this.listening.add(client);
      // Registered once per client; the client keeps it across its own restarts.
      this.subscriptions.push(client.onNotification(ModelChangedNotification.type, (p) => {
        // Only the followed document's folder (or the document itself, modelled alone) matters.
        const uri = this.uri;
        if (!uri) return;
        const folder = typeof p?.folderUri === 'string' ? p.folderUri.replace(/\/?$/, '/') : undefined;
        const loose = (p as { uri?: unknown } | undefined)?.uri;
        if (folder === undefined && typeof loose !== 'string') void this.refresh();
        else if ((folder !== undefined && uri.startsWith(folder)) || loose === uri) void this.refresh();
      }));
    }
    return client?.isRunning() ? client : undefined;
  }

  private send(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  /** Asks the server for the followed document; answers to older requests are dropped. */
  async refresh(): Promise<void> {
    if (!this.panel || !this.ready) return;
    const uri = this.uri;
    if (!uri) {
      this.send({ type: 'noDocument' });
      return;
    }
    const client = this.client();
    if (!client) {
      this.send({ type: 'error', message: 'The Tenant Policy server is not running.' });
      return;
    }
    const seq = ++this.seq;
    const params: PreviewParams = { uri, position: this.position };
    try {
      const result = await client.sendRequest(PreviewRequest.type, params);
      if (seq !== this.seq || !result) return;
      this.send({ type: 'data', uri, result });
    } catch (e) {
      if (seq !== this.seq) return;
      this.send({ type: 'error', message: `The preview failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private onMessage(m: WebviewMessage): void {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (!this.uri && typeof m.state?.uri === 'string') this.uri = m.state.uri;
        void this.refresh();
        break;
      case 'explain':
        void this.explain(String(m.from), String(m.to), typeof m.port === 'string' ? m.port : undefined);
        break;
      case 'reveal':
        void this.reveal(m.location);
        break;
      case 'export':
        if (isExportFormat(m.format)) void this.saveExport(m.format, m.content, m.format === 'png' && typeof m.note === 'string' ? m.note : undefined);
        break;
      default:
        break;
    }
  }

  private async explain(from: string, to: string, port: string | undefined): Promise<void> {
    const request = { from, to, port };
    const client = this.client();
    if (!client || !this.uri) {
      this.send({ type: 'explain', request, error: 'The Tenant Policy server is not running.' });
      return;
    }
    try {
      const result = await client.sendRequest(ExplainRequest.type, { uri: this.uri, from: { namespace: from }, to: { namespace: to }, port });
      this.send({ type: 'explain', request, result });
    } catch (e) {
      this.send({ type: 'explain', request, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Opens the document beside the panel (in the editor the panel follows) and selects the range. */
  private async reveal(location: PreviewLocation | undefined): Promise<void> {
    if (!location || typeof location.uri !== 'string' || !location.range) return;
    try {
      const uri = vscode.Uri.parse(location.uri, true);
      const { start, end } = location.range;
      const range = new vscode.Range(start.line, start.character, end.line, end.character);
      const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const column = shown?.viewColumn ?? vscode.window.visibleTextEditors.find((e) => e.viewColumn !== this.panel?.viewColumn)?.viewColumn ?? vscode.ViewColumn.One;
      const editor = await vscode.window.showTextDocument(uri, { viewColumn: column, selection: range, preserveFocus: false });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (e) {
      this.ctx.output.warn(`Cannot reveal ${location.uri}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async saveExport(format: ExportFormat, content: unknown, note: string | undefined): Promise<void> {
    const bytes = exportBytes(format, content);
    const { ext, name } = EXPORT_FORMATS[format];
    if (!bytes) {
      void vscode.window.showErrorMessage(`The ${name} export failed: the preview sent no valid ${name} data.`);
      return;
    }
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, `reachability.${ext}`) : undefined,
      filters: { [name]: [ext] },
      saveLabel: 'Export',
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot write ${vscode.workspace.asRelativePath(target)}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    void vscode.window.showInformationMessage(`Reachability matrix exported to ${vscode.workspace.asRelativePath(target)}.${note ? ` ${note}` : ''}`);
  }

  dispose(): void {
    clearTimeout(this.selectionTimer);
    this.panel?.dispose();
    for (const d of this.panelSubscriptions.splice(0)) d.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

/** Called once at activation: registers the serializer and the editor listeners, and the command's opener. */
export function registerPreview(ctx: Ctx): vscode.Disposable {
  const controller = new PreviewController(ctx);
  setPreviewOpener((args) => controller.open(...args));
  return new vscode.Disposable(() => {
    setPreviewOpener(undefined);
    controller.dispose();
  });
}
