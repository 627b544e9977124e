// The packaged extension: builds tenant-policy.vsix with `npm run package` (unless it is newer than every
// input), then checks what is inside and runs it. The .vsix is unpacked into a temporary folder with no
// node_modules above it, so the server and the client only work if everything they need is bundled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { SETTINGS } from '../../server/src/settings';
import { isBuiltin, requiredModules } from './bundle-imports';
import { createFakeVscode, type FakeStatusBarItem, type FakeVscode } from './fake-vscode';
import { ensureVsix } from './vsix';
import { listZip, readZipEntry } from './zip';

// The real module objects, not ES namespace copies: the tests patch members the bundle calls.
const childProcess: typeof import('node:child_process') = require('node:child_process');
const loader: { _load(request: string, parent: unknown, isMain: boolean): unknown } = require('node:module');

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Folders shipped whole by the allow-list in .vscodeignore. */
const SHIPPED_TREES = ['schemas/config', 'docs/rules'];

function walk(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => walk(join(path, name)));
}

/** The .vsix entries the allow-list should produce. vsce renames the readme, changelog and licence. */
function expectedEntries(): string[] {
  const files = [
    'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt',
    'dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/webview.js', 'dist/webview.css', 'images/icon.png',
    ...SHIPPED_TREES.flatMap((t) => walk(join(root, t))).map((f) => relative(root, f).split(sep).join('/')),
  ];
  return ['[Content_Types].xml', 'extension.vsixmanifest', ...files.map((f) => `extension/${f}`)].sort();
}

let zip: Buffer;
let unpacked: string;
let extensionDir: string;

before(() => {
  zip = readFileSync(ensureVsix());
  unpacked = mkdtempSync(join(tmpdir(), 'tenant-policy-vsix-'));
  for (const entry of listZip(zip)) {
    if (entry.name.endsWith('/')) continue;
    const target = join(unpacked, ...entry.name.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readZipEntry(zip, entry));
  }
  extensionDir = join(unpacked, 'extension');
});

after(() => {
  if (unpacked) rmSync(unpacked, { recursive: true, force: true });
});

describe('the .vsix', () => {
  test('README.md exists, so the Marketplace page has content', () => {
    assert.ok(existsSync(join(root, 'README.md')), 'README.md is missing: vsce packages without it');
  });

  test('holds exactly the allow-listed files', () => {
    const names = listZip(zip).map((e) => e.name).filter((n) => !n.endsWith('/')).sort();
    assert.deepEqual(names, expectedEntries());
  });

  test('ships the JSON Schema that yamlValidation points at', () => {
    for (const { url } of pkg.contributes.yamlValidation as { url: string }[]) {
      assert.ok(existsSync(join(extensionDir, url)), `${url} is not in the package`);
    }
  });

  test('ships the repository package.json unchanged in what VS Code reads', () => {
    const shipped = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
    for (const key of ['name', 'publisher', 'version', 'main', 'engines', 'activationEvents', 'contributes', 'icon']) {
      assert.deepEqual(shipped[key], pkg[key], key);
    }
  });

  test('the client bundle requires nothing but vscode and Node built-ins', () => {
    const { literal, dynamic } = requiredModules(readFileSync(join(extensionDir, 'dist', 'client.js'), 'utf8'));
    assert.ok(literal.has('vscode'));
    assert.deepEqual([...literal].filter((m) => m !== 'vscode' && !isBuiltin(m)), []);
    assert.equal(dynamic, 0, 'require() with a computed argument');
  });

  test('the server and CLI bundles require nothing but Node built-ins', () => {
    for (const file of ['server.js', 'cli.js']) {
      const { literal, dynamic } = requiredModules(readFileSync(join(extensionDir, 'dist', file), 'utf8'));
      assert.deepEqual([...literal].filter((m) => !isBuiltin(m)), [], file);
      assert.equal(dynamic, 0, `${file}: require() with a computed argument`);
    }
  });
});

describe('the packaged server', () => {
  test('starts without node_modules and answers initialize over stdio', { timeout: 30_000 }, async () => {
    for (let d = unpacked; d !== dirname(d); d = dirname(d)) {
      assert.ok(!existsSync(join(d, 'node_modules')), `${d}/node_modules would hide a missing bundle`);
    }
    const server = spawn(process.execPath, [join(extensionDir, 'dist', 'server.js'), '--stdio'], {
      cwd: unpacked,
      env: { ...process.env, NODE_PATH: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
    connection.listen();
    try {
      const result = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(unpacked).href,
        workspaceFolders: null,
        capabilities: {},
      });
      assert.ok(result.capabilities.textDocumentSync !== undefined, 'the server syncs documents');
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0, `exit code; stderr:\n${stderr}`);
    } finally {
      connection.dispose();
      server.kill();
    }
  });
});

/** The packaged client loaded with a fresh fake `vscode` and a fresh module instance. */
interface Harness {
  fake: FakeVscode;
  extension: { activate(ctx: unknown): void; deactivate(): Promise<void> };
  context: { subscriptions: { dispose(): unknown }[]; asAbsolutePath(p: string): string };
  /** Every server process the client forked, in order. */
  servers: ChildProcess[];
  /** Resolves with the next server process the client forks. */
  nextServer(): Promise<ChildProcess>;
  close(): Promise<void>;
}

function settingsTree(): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const path = s.key.split('.');
    let node = tree;
    for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = s.default;
  }
  // Traced messages show that the client reads tenantPolicy.trace.server.
  (tree.tenantPolicy as { trace: { server: string } }).trace.server = 'messages';
  return tree;
}

/** `serverPath` replaces dist/server.js, to start the client against a broken server. */
function loadClient(serverPath?: string): Harness {
  const fake = createFakeVscode(settingsTree());
  const servers: ChildProcess[] = [];
  const forks = new EventEmitter();
  const originalLoad = loader._load;
  const originalFork = childProcess.fork;
  loader._load = function (request, parent, isMain) {
    return request === 'vscode' ? fake.api : originalLoad.call(this, request, parent, isMain);
  };
  // vscode-languageclient forks the server through child_process.fork; keep the processes to kill one.
  (childProcess as { fork: typeof childProcess.fork }).fork = ((...args: Parameters<typeof childProcess.fork>) => {
    const cp = originalFork(...args);
    servers.push(cp);
    forks.emit('fork', cp);
    return cp;
  }) as typeof childProcess.fork;
  const bundle = join(extensionDir, 'dist', 'client.js');
  delete require.cache[bundle];
  const extension = require(bundle);
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    asAbsolutePath: (p: string) => (p === 'dist/server.js' && serverPath ? serverPath : join(extensionDir, p)),
  };
  return {
    fake, extension, context, servers,
    nextServer: () => new Promise((resolve) => forks.once('fork', resolve)),
    async close() {
      await extension.deactivate();
      for (const d of context.subscriptions.splice(0)) d.dispose();
      loader._load = originalLoad;
      (childProcess as { fork: typeof childProcess.fork }).fork = originalFork;
      for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill();
    },
  };
}

function status(fake: FakeVscode): FakeStatusBarItem {
  assert.equal(fake.statusBarItems.length, 1, 'one status bar item');
  return fake.statusBarItems[0];
}

/** Resolves when `event` brings a value `ok` accepts (or the status already does); else fails after `ms`. */
function eventually<T>(fake: FakeVscode, event: 'status' | 'message', what: string, ok: (v: T) => boolean, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (event === 'status' && ok(status(fake) as T)) return resolve();
    const timer = setTimeout(() => {
      fake.events.off(event, listener);
      const output = fake.outputChannels.flatMap((c) => c.lines).join('\n');
      reject(new Error(`never saw ${what}; the status shows '${status(fake).text}'.\nOutput:\n${output}\n` +
        `Messages: ${fake.messages.join(' | ')}\nMissing from the fake: ${[...fake.missing].join(', ')}`));
    }, ms);
    const listener = (v: T) => {
      if (!ok(v)) return;
      clearTimeout(timer);
      fake.events.off(event, listener);
      resolve();
    };
    fake.events.on(event, listener);
  });
}

const isReady = (item: FakeStatusBarItem) => item.text.startsWith('$(check)');
const isError = (item: FakeStatusBarItem) => item.text.startsWith('$(error)');

function exitOf(cp: ChildProcess): Promise<void> {
  if (cp.exitCode !== null || cp.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => cp.once('exit', () => resolve()));
}

describe('the packaged client, activated in a fake VS Code', () => {
  let h: Harness;

  before(() => {
    h = loadClient();
  });

  after(async () => {
    await h?.close();
  });

  test('activate registers every contributed command and starts the server', { timeout: 30_000 }, async () => {
    h.extension.activate(h.context);
    const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual([...h.fake.commands.keys()].sort(), contributed);
    await eventually(h.fake, 'status', 'the ready status', isReady);
    assert.equal(h.servers.length, 1, 'one server process');
    assert.match(h.servers[0].spawnargs.join(' '), /dist[/\\]server\.js .*--stdio/);
  });

  test('logs to one "Tenant Policy" log channel, which the status bar item opens', async () => {
    const { fake } = h;
    assert.deepEqual(fake.outputChannels.map((c) => [c.name, c.log]), [['Tenant Policy', true]]);
    assert.ok(fake.outputChannels[0].lines.some((l) => l.includes("Sending request 'initialize")), 'trace of initialize');
    const item = status(fake);
    assert.equal(item.id, 'tenantPolicy.status');
    assert.equal(item.visible, true);
    assert.equal(item.command, 'tenantPolicy.showOutput');
    await fake.commands.get('tenantPolicy.showOutput')!();
    assert.equal(fake.outputChannels[0].shown, 1);
  });

  test('the client restarts a server that dies, and the status bar says so', { timeout: 30_000 }, async () => {
    const stopped = eventually(h.fake, 'status', 'the error status', isError);
    h.servers[h.servers.length - 1].kill('SIGKILL');
    await stopped;
    await eventually(h.fake, 'status', 'the ready status again', isReady);
    assert.equal(h.servers.length, 2, 'a second server process');
  });

  test('tenantPolicy.restartServer replaces the server', { timeout: 30_000 }, async () => {
    const previousExited = exitOf(h.servers[h.servers.length - 1]);
    const forked = h.nextServer();
    await h.fake.commands.get('tenantPolicy.restartServer')!();
    await previousExited;
    await forked;
    assert.equal(h.servers.length, 3, 'a third server process');
    await eventually(h.fake, 'status', 'the ready status', isReady);
  });

  test('deactivate stops the server', { timeout: 30_000 }, async () => {
    const exited = exitOf(h.servers[h.servers.length - 1]);
    await h.extension.deactivate();
    await exited;
    assert.ok(status(h.fake).text.startsWith('$(circle-slash)'), status(h.fake).text);
    assert.deepEqual(h.fake.messages, [], 'no message boxes');
  });
});

/**
 * For the enclosing describe: before it, loads the client against a `server.js` of `source` in a
 * temporary folder and hands over the harness; after it, closes the client and removes the folder.
 */
function withFakeServer(name: string, source: string, loaded: (h: Harness) => void): void {
  let h: Harness | undefined;
  let dir: string | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `tenant-policy-${name}-`));
    const server = join(dir, 'server.js');
    writeFileSync(server, source);
    h = loadClient(server);
    loaded(h);
  });
  after(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

describe('the packaged client with a server that dies at once', () => {
  let h: Harness;
  withFakeServer('dying', 'process.exit(3);\n', (loaded) => (h = loaded));

  const failedStart = /couldn't create connection to server/;
  const outputText = () => h.fake.outputChannels.flatMap((c) => c.lines).join('\n');

  test('one notification and the status tell, and the client does not retry', { timeout: 30_000 }, async () => {
    const told = eventually<string>(h.fake, 'message', 'the failed-start notification', (m) => failedStart.test(m));
    h.extension.activate(h.context);
    await told;
    assert.ok(isError(status(h.fake)), status(h.fake).text);
    assert.equal(h.fake.messages.length, 1, h.fake.messages.join('\n'));
    assert.match(outputText(), /stopped while starting/);
    assert.equal(h.fake.commands.size, 3);
    assert.equal(h.servers.length, 1, 'one server process');
  });

  test('tenantPolicy.restartServer tries again', { timeout: 30_000 }, async () => {
    const told = eventually<string>(h.fake, 'message', 'the notification again', (m) => failedStart.test(m));
    await h.fake.commands.get('tenantPolicy.restartServer')!();
    await told;
    assert.equal(h.servers.length, 2, 'a second server process');
    assert.equal(h.fake.messages.length, 2, h.fake.messages.join('\n'));
    assert.ok(isError(status(h.fake)), status(h.fake).text);
  });
});

describe('the packaged client with a server that never answers initialize', () => {
  let h: Harness;
  withFakeServer('stuck', 'process.stdin.resume();\n', (loaded) => (h = loaded));

  test('activate returns at once and the status says the server is starting', async () => {
    const forked = h.nextServer();
    h.extension.activate(h.context);
    assert.equal(h.fake.commands.size, 3);
    await forked;
    assert.match(status(h.fake).text, /^\$\(sync~spin\) Tenant Policy$/);
  });

  test('tenantPolicy.restartServer gives up on the stuck server and starts another', { timeout: 30_000 }, async () => {
    const stuck = h.servers[0];
    const forked = h.nextServer();
    await h.fake.commands.get('tenantPolicy.restartServer')!();
    await forked;
    assert.equal(h.servers.length, 2);
    // vscode-languageclient kills a server that has not exited 2 seconds after the stop.
    await exitOf(stuck);
    assert.match(status(h.fake).text, /^\$\(sync~spin\) Tenant Policy$/);
  });
});
