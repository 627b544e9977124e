// Entry point of the VS Code extension: a thin client that starts the bundled language server
// (dist/server.js, over stdio) and offers two commands. All analysis happens in the server.
import * as vscode from 'vscode';
import { COMMANDS, SHOW_OUTPUT } from './commands';
import { CLIENT_NAME, Ctx } from './ctx';
import { registerPreview } from './preview/panel';
import { StatusItem } from './status';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  const status = new StatusItem(SHOW_OUTPUT);
  ctx = new Ctx(context, output, status);
  context.subscriptions.push(output, status, ctx, registerPreview(ctx));
  for (const [id, factory] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, factory(ctx)));
  }
  // Activation does not wait for the server: a slow or stuck server must not hold up VS Code, and the
  // status bar item shows how the start goes.
  ctx.start();
}

export async function deactivate(): Promise<void> {
  const current = ctx;
  ctx = undefined;
  await current?.stop();
}
