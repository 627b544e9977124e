// What the client can do, read once from `initialize`. The server adapts: pull or push diagnostics
// (never both), dynamic file watchers, configuration requests, progress, versioned workspace edits.
import type { ClientCapabilities } from 'vscode-languageserver/node';

export interface ClientFeatures {
  /** The client pulls diagnostics (textDocument/diagnostic); otherwise the server publishes them. */
  pullDiagnostics: boolean;
  /** The client accepts workspace/diagnostic/refresh. */
  diagnosticRefresh: boolean;
  /** The client accepts workspace/codeLens/refresh. */
  codeLensRefresh: boolean;
  /** The client answers workspace/configuration. */
  configuration: boolean;
  dynamicConfiguration: boolean;
  dynamicWatchers: boolean;
  workspaceFolders: boolean;
  workDoneProgress: boolean;
  /** The client applies versioned `documentChanges` in a WorkspaceEdit. */
  documentChanges: boolean;
  /** Completion items may be snippets (`${1:default}`); otherwise they are sent as plain text. */
  snippetSupport: boolean;
  /** The client shows nested DocumentSymbols (otherwise flat SymbolInformation). */
  hierarchicalSymbols: boolean;
  /** The most folding ranges the client wants per document (undefined: no limit). */
  foldingRangeLimit: number | undefined;
}

export function clientFeatures(c: ClientCapabilities): ClientFeatures {
  return {
    pullDiagnostics: !!c.textDocument?.diagnostic,
    diagnosticRefresh: !!c.workspace?.diagnostics?.refreshSupport,
    codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    configuration: !!c.workspace?.configuration,
    dynamicConfiguration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    dynamicWatchers: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    workspaceFolders: !!c.workspace?.workspaceFolders,
    workDoneProgress: !!c.window?.workDoneProgress,
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    snippetSupport: !!c.textDocument?.completion?.completionItem?.snippetSupport,
    hierarchicalSymbols: !!c.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport,
    foldingRangeLimit: c.textDocument?.foldingRange?.rangeLimit,
  };
}
