// The custom `tenantPolicy/*` messages between the VS Code client and the language server, shared by
// relative import and bundled into both. Each says which way it flows. Standard LSP covers the rest.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/** What the server is doing; `files` counts the workspace files indexed (or, while indexing, to index). */
export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready' | 'error';
  message?: string;
  files?: number;
}

/** Server → client notification: the server's state changed (starting, indexing N files, ready, error). */
export namespace StatusNotification {
  export const method = 'tenantPolicy/status';
  export const type = new NotificationType<StatusParams>(method);
}

export interface CrashForTestParams {
  /** Written with console.log/info/warn/error before the handler throws: none of it may reach stdout. */
  log?: string;
}

/**
 * Client → server request, registered only when the server runs with TENANT_POLICY_TEST=1: the handler
 * logs through every console method and then throws, so tests can check that a failing handler answers
 * with an error, keeps stdout clean and leaves the server serving.
 */
export namespace CrashForTestRequest {
  export const method = 'tenantPolicy/_crashForTest';
  export const type = new RequestType<CrashForTestParams, null, void>(method);
}
