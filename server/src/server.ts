// Entry point of the language server: `node dist/server.js --stdio`. stdout is the protocol's wire:
// every console method goes to the client's log instead, and nothing here writes to stdout directly.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { version } from '../../package.json';
import { redirectConsole, setConsoleSink } from './lsp/console';
import { describeError } from './lsp/guard';
import { startSession } from './lsp/session';

const connection = createConnection(ProposedFeatures.all);
// The library patches most console methods when it owns stdio; ours also covers console.info and table.
redirectConsole();
setConsoleSink(connection.console);

// A bug that escapes every handler is logged; the server keeps serving.
process.on('uncaughtException', (e) => connection.console.error(`Uncaught exception: ${describeError(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${describeError(e)}`));

startSession(connection, { testHooks: process.env.TENANT_POLICY_TEST === '1', version });
connection.listen();
