// The words the status bar shows for each state of the client and the server. Kept apart from the
// status bar item and free of `vscode` imports so the mapping is easy to read and to test in plain Node.
import type { StatusParams } from '../../server/src/protocol';

/** What the client knows: its own connection state, plus the server's last `tenantPolicy/status`. */
export type ClientPhase = 'starting' | 'running' | 'stopped';

/** The last `tenantPolicy/status` notification. */
export type ServerReport = StatusParams;

export interface StatusView {
  text: string;
  tooltip: string;
  /** Which theme colour to paint the item with, if any. */
  severity: 'none' | 'warning' | 'error';
}

/**
 * The words for a client phase and the server's report. `stoppedUnexpectedly` separates a stop the user
 * asked for (restart, disable) from a server that exited on its own.
 */
export function describe(phase: ClientPhase, report: ServerReport | undefined, stoppedUnexpectedly: boolean): StatusView {
  const name = 'Tenant Policy';
  const click = 'Click to show the output.';
  if (phase === 'stopped') {
    return stoppedUnexpectedly
      ? { text: `$(error) ${name}`, tooltip: `${name}: the language server stopped. ${click}`, severity: 'error' }
      : { text: `$(circle-slash) ${name}`, tooltip: `${name}: stopped. ${click}`, severity: 'none' };
  }
  if (phase === 'starting' || report === undefined || report.state === 'starting') {
    return { text: `$(sync~spin) ${name}`, tooltip: `${name}: starting. ${click}`, severity: 'none' };
  }
  const detail = report.message ? `\n${report.message}` : '';
  switch (report.state) {
    case 'indexing': {
      const what = report.files === undefined ? 'indexing' : `indexing ${report.files} ${report.files === 1 ? 'file' : 'files'}`;
      return { text: `$(sync~spin) ${name}: ${what}`, tooltip: `${name}: ${what}.${detail}\n${click}`, severity: 'none' };
    }
    case 'ready':
      return { text: `$(check) ${name}`, tooltip: `${name}: ready.${detail}\n${click}`, severity: 'none' };
    case 'error':
      return { text: `$(error) ${name}`, tooltip: `${name}: error.${detail}\n${click}`, severity: 'error' };
  }
}
