// The extension's state while active: the output channel, the status bar item, and the language client,
// which the restart command replaces with a fresh one (a client whose start failed cannot start again).
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import {
  CloseAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { StatusNotification } from '../../server/src/protocol';
import { StatusItem } from './status';

export const CLIENT_ID = 'tenantPolicy';
export const CLIENT_NAME = 'Tenant Policy';

/** How long a server may take to exit after a stop before it is killed; the library's own delay. */
const EXIT_GRACE_MS = 2000;

/**
 * Works around two things vscode-languageclient 9.0.1 does when bundled or when a start fails, both in
 * terms of its internals (read defensively, so a newer version degrades to the library's behaviour):
 * - When the server dies during `initialize` the library drops two promises, the stop it starts with
 *   `void this.stop()` and its internal start promise; marking them handled keeps the failure out of
 *   the extension host log as unhandled rejections. Callers of `start` and `stop` still see every outcome.
 * - It kills a server that outlives a stop with `terminateProcess.sh` from its own folder, which is not
 *   beside our bundle on Linux and macOS; so a server stuck in `initialize` would be left running.
 */
class TenantPolicyClient extends LanguageClient {
  override start(): Promise<void> {
    const starting = super.start();
    // Set synchronously by `super.start()`.
    (this as unknown as { _onStart?: Promise<void> })._onStart?.catch(() => undefined);
    return starting;
  }

  override stop(timeout?: number): Promise<void> {
    const server = (this as unknown as { _serverProcess?: ChildProcess })._serverProcess;
    const stopping = super.stop(timeout);
    const killIfAlive = () => {
      if (!server) return;
      const timer = setTimeout(() => {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      }, EXIT_GRACE_MS);
      timer.unref();
    };
    stopping.then(killIfAlive, killIfAlive);
    return stopping;
  }
}

export class Ctx implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientSubscriptions: vscode.Disposable[] = [];

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    readonly status: StatusItem,
  ) {}

  /** The running (or starting) language client, for the preview panel's requests. */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  /**
   * Starts a language client if none runs, without waiting for the server: the status bar item follows
   * the start, and a failed start is logged and shown there, never thrown.
   */
  start(): void {
    if (this.client) return;
    const client = this.createClient();
    this.client = client;
    this.clientSubscriptions.push(
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) this.status.setPhase('starting');
        else if (newState === State.Running) this.status.setPhase('running');
        // `stop` unsubscribes before it stops the client, so a stop seen here is one we did not ask for.
        else this.status.setPhase('stopped', true);
      }),
      // Registered before start so the handler also survives the client's own restarts after a crash.
      client.onNotification(StatusNotification.type, (params) => this.status.setReport(params)),
    );
    this.status.setPhase('starting');
    client.start().catch(() => {
      // The client has logged why. It has usually reported a stop already; this covers the rest.
      if (this.client === client) this.status.setPhase('stopped', true);
    });
  }

  /** Stops and discards the language client; the server process is killed if it does not exit. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    for (const d of this.clientSubscriptions.splice(0)) d.dispose();
    // `dispose` refuses to shut down a client that is not running; its process is killed all the same.
    await client.dispose().catch((error: unknown) => this.output.debug(`Stopping the server: ${String(error)}`));
    this.status.setPhase('stopped');
  }

  async restart(): Promise<void> {
    this.output.info('Restarting the Tenant Policy language server.');
    await this.stop();
    this.start();
  }

  private createClient(): LanguageClient {
    const module = this.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.stdio },
      debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const errorHandler = new StartupAwareErrorHandler();
    const clientOptions: LanguageClientOptions = {
      // Plain `yaml` documents only, on disk or unsaved. We declare no language of our own, so Red Hat's
      // YAML extension keeps owning `.yaml`; both lint the same files under different sources.
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'untitled', language: 'yaml' },
      ],
      diagnosticCollectionName: 'tenant-policy',
      // The server watches files itself (workspace/didChangeWatchedFiles, registered dynamically), so no
      // `fileEvents` here: both would deliver every change twice.
      synchronize: { configurationSection: 'tenantPolicy' },
      outputChannel: this.output,
      errorHandler,
      // Log a failed `initialize` once, here; the client then tells the user in one notification.
      initializationFailedHandler: (error) => {
        this.output.error(`The server failed to initialize: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    };
    // The id makes the client read `tenantPolicy.trace.server` for its trace level.
    const client = new TenantPolicyClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    errorHandler.attach(client);
    return client;
  }

  dispose(): void {
    void this.stop();
  }
}

/**
 * The library's default error handler (restart a crashed server, up to 4 times in 3 minutes), except for
 * a server that dies before it has answered `initialize`: restarting that one only repeats the failure,
 * each time with the same error notifications. The restart command tries again on request.
 */
class StartupAwareErrorHandler implements ErrorHandler {
  private fallback: ErrorHandler | undefined;
  private running = false;

  attach(client: LanguageClient): void {
    this.fallback = client.createDefaultErrorHandler();
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) this.running = true;
      else if (newState === State.Starting) this.running = false;
    });
  }

  error(...args: Parameters<ErrorHandler['error']>): ReturnType<ErrorHandler['error']> {
    return this.fallback!.error(...args);
  }

  closed(): CloseHandlerResult | Promise<CloseHandlerResult> {
    if (this.running) return this.fallback!.closed();
    // `handled`: written to the output only; the failed start already raises a notification.
    return {
      action: CloseAction.DoNotRestart,
      message: `The ${CLIENT_NAME} server stopped while starting. "${CLIENT_NAME}: Restart Server" tries again.`,
      handled: true,
    };
  }
}
