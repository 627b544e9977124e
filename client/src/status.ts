// The status bar item that says what the language server is doing; clicking it shows the output.
import * as vscode from 'vscode';
import { describe, type ClientPhase, type ServerReport } from './status-view';

/** Owns the status bar item and redraws it whenever the client's phase or the server's report changes. */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private phase: ClientPhase = 'starting';
  private report: ServerReport | undefined;
  private stoppedUnexpectedly = false;

  constructor(showOutputCommand: string) {
    this.item = vscode.window.createStatusBarItem('tenantPolicy.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Tenant Policy';
    this.item.command = showOutputCommand;
    this.render();
    this.item.show();
  }

  setPhase(phase: ClientPhase, unexpected = false): void {
    this.phase = phase;
    this.stoppedUnexpectedly = phase === 'stopped' && unexpected;
    // A new connection starts from scratch: the previous server's report no longer holds.
    if (phase !== 'running') this.report = undefined;
    this.render();
  }

  setReport(report: ServerReport): void {
    this.report = report;
    this.render();
  }

  private render(): void {
    const view = describe(this.phase, this.report, this.stoppedUnexpectedly);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'none' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.severity}Background`);
  }

  dispose(): void {
    this.item.dispose();
  }
}
