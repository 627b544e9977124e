// The messages between the preview panel's host (client/src/preview/panel.ts, in the extension host)
// and its webview (client/webview/, in the browser). Plain JSON only; imported for types by both sides.
import type { ExplainResult, PreviewLocation, PreviewResult } from '../../../server/src/protocol';

/** What the webview keeps with `setState`: restored when the panel is shown again or after a reload. */
export interface WebviewState {
  /** The document the panel followed (the serializer reopens the panel on it). */
  uri?: string;
  view: 'matrix' | 'policy';
  filter: string;
  port: string;
  /** Tenant groups shown namespace by namespace (the key `` is the group of namespaces of no tenant). */
  expanded: string[];
  /** Set once the user expanded or collapsed something; before that the size of the workspace decides. */
  touched: boolean;
  scrollTop: number;
  scrollLeft: number;
  /** The selected matrix cell, by the names of its row and column. */
  selected?: { row: string; col: string };
}

export type HostMessage =
  | { type: 'data'; uri: string; result: PreviewResult }
  | { type: 'explain'; request: { from: string; to: string; port?: string }; result?: ExplainResult; error?: string }
  | { type: 'error'; message: string }
  | { type: 'noDocument' };

export type WebviewMessage =
  | { type: 'ready'; state?: WebviewState }
  | { type: 'explain'; from: string; to: string; port?: string }
  | { type: 'reveal'; location: PreviewLocation }
  | { type: 'export'; format: 'csv' | 'md' | 'svg'; content: string }
  /** `content` is the PNG in base64; `note` says when a big matrix was scaled down to fit. */
  | { type: 'export'; format: 'png'; content: string; width: number; height: number; note?: string };
