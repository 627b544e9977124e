// Editor features beyond diagnostics (hover, completion, code lenses, symbols, the preview panel…) plug
// into the session through this contract, so each lives in its own module and the session only wires
// them: a feature declares its capabilities and registers its handlers (wrapped with lsp/guard.ts).
import type { Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileModel, Finding } from '../engine';
import type { ClientFeatures } from '../lsp/capabilities';
import type { IndexedFile } from '../workspace/workspace-index';
import type { ModelsBuilt, WorkspaceModel } from '../workspace/workspace-models';

export interface FeatureLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export interface FeatureContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  log: FeatureLog;
  client: ClientFeatures;
  /** The indexed file (text, analysis, configuration, line index), open in the editor or in the workspace. */
  file(uri: string): IndexedFile | undefined;
  /**
   * The workspace model the file belongs to (its folder's), with the build stamp and the files' models it
   * was assembled from (for engine helpers that read documents, e.g. rules/tenant-labels.ts); undefined
   * before the first build.
   */
  model(file: IndexedFile): { model: WorkspaceModel; stamp: number; files: readonly FileModel[] } | undefined;
  /** True while the file's model is being rebuilt (results may lag the text by one edit burst). */
  modelPending(file: IndexedFile): boolean;
  /** Every finding of the file as the editor shows it (its own and its model's), file offsets. */
  findings(file: IndexedFile): readonly Finding[];
  /** Fires after every model rebuild. */
  onModelBuilt(listener: (built: ModelsBuilt) => void): void;
}

export interface Feature {
  /** For logs and guard labels. */
  name: string;
  capabilities(client: ClientFeatures): Partial<ServerCapabilities>;
  register(ctx: FeatureContext): void;
}
