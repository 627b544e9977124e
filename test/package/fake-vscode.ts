// A stand-in for the `vscode` module, just deep enough for the bundled client to activate and for
// vscode-languageclient to start the real server over stdio. It records what the extension registers
// and creates, so a test can check them. Members nobody implemented are stubbed and listed in `missing`,
// which the test prints when something fails, to show where the fake needs to grow.
import { EventEmitter as NodeEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

type Listener<T> = (e: T) => unknown;

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  constructor(private readonly fn: () => unknown) {}
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (e) => listener.call(thisArg, e);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Uri {
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.replace(/:$/, ''), decodeURIComponent(u.pathname));
  }
  constructor(readonly scheme: string, readonly path: string) {}
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`;
  }
}

/** vscode.CodeActionKind: the client converts the server's code action kinds (source.fixAll.…) with it. */
class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = CodeActionKind.Empty.append('quickfix');
  static readonly Refactor = CodeActionKind.Empty.append('refactor');
  static readonly RefactorExtract = CodeActionKind.Refactor.append('extract');
  static readonly RefactorInline = CodeActionKind.Refactor.append('inline');
  static readonly RefactorMove = CodeActionKind.Refactor.append('move');
  static readonly RefactorRewrite = CodeActionKind.Refactor.append('rewrite');
  static readonly Source = CodeActionKind.Empty.append('source');
  static readonly SourceOrganizeImports = CodeActionKind.Source.append('organizeImports');
  static readonly SourceFixAll = CodeActionKind.Source.append('fixAll');
  static readonly Notebook = CodeActionKind.Empty.append('notebook');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export interface FakeStatusBarItem {
  id: string;
  text: string;
  tooltip: string | undefined;
  command: string | undefined;
  backgroundColor: { id: string } | undefined;
  name: string | undefined;
  visible: boolean;
  disposed: boolean;
}

export interface FakeOutputChannel {
  name: string;
  log: boolean;
  lines: string[];
  shown: number;
  disposed: boolean;
}

export interface FakeVscode {
  /** The module object handed to `require('vscode')`. */
  api: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  statusBarItems: FakeStatusBarItem[];
  outputChannels: FakeOutputChannel[];
  messages: string[];
  /** Emits 'status' with the status bar item whenever it changes, and 'message' with each message box. */
  events: NodeEmitter;
  missing: Set<string>;
}

/** `settings` is the nested settings object, e.g. `{ tenantPolicy: { enable: true } }`. */
export function createFakeVscode(settings: Record<string, unknown>, version = '1.82.0'): FakeVscode {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const statusBarItems: FakeStatusBarItem[] = [];
  const outputChannels: FakeOutputChannel[] = [];
  const messages: string[] = [];
  const events = new NodeEmitter();
  const missing = new Set<string>();
  const noDisposable = () => new Disposable(() => undefined);

  // Anything not implemented: events and register* functions return a disposable, other functions
  // return undefined, and classes (the client subclasses a few at load time) are empty classes.
  function stubbed(namespace: string, impl: Record<string, unknown>): Record<string, unknown> {
    return new Proxy(impl, {
      get(target, key) {
        if (typeof key !== 'string' || key in target) return Reflect.get(target, key);
        missing.add(`${namespace}.${key}`);
        if (/^[A-Z]/.test(key)) return stubbed(`${namespace}.${key}`, class {} as unknown as Record<string, unknown>);
        return /^(on[A-Z]|register)/.test(key) ? noDisposable : () => undefined;
      },
    });
  }

  function lookup(path: string[]): unknown {
    let v: unknown = settings;
    for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v;
  }

  function getConfiguration(section?: string) {
    const base = section ? section.split('.') : [];
    const node = lookup(base);
    return {
      ...(node && typeof node === 'object' ? node : {}),
      get: (key: string, def?: unknown) => lookup([...base, ...key.split('.')]) ?? def,
      has: (key: string) => lookup([...base, ...key.split('.')]) !== undefined,
      inspect: () => undefined,
      update: async () => undefined,
    };
  }

  function createStatusBarItem(id: string): unknown {
    const record: FakeStatusBarItem = {
      id, text: '', tooltip: undefined, command: undefined, backgroundColor: undefined, name: undefined, visible: false, disposed: false,
    };
    statusBarItems.push(record);
    return new Proxy(record, {
      get(target, key) {
        if (key === 'show') return () => { target.visible = true; events.emit('status', target); };
        if (key === 'hide') return () => { target.visible = false; events.emit('status', target); };
        if (key === 'dispose') return () => { target.disposed = true; };
        return Reflect.get(target, key);
      },
      set(target, key, value) {
        const ok = Reflect.set(target, key, value);
        events.emit('status', target);
        return ok;
      },
    });
  }

  function createOutputChannel(name: string, options?: { log?: boolean } | string): unknown {
    const record: FakeOutputChannel = { name, log: typeof options === 'object' && options.log === true, lines: [], shown: 0, disposed: false };
    outputChannels.push(record);
    const line = (level: string) => (message: unknown, ...rest: unknown[]) => {
      record.lines.push(`[${level}] ${String(message)}${rest.length ? ' ' + rest.map(String).join(' ') : ''}`);
    };
    return {
      name,
      logLevel: 2,
      onDidChangeLogLevel: new EventEmitter<number>().event,
      append: (s: string) => record.lines.push(s),
      appendLine: (s: string) => record.lines.push(s),
      replace: (s: string) => { record.lines = [s]; },
      clear: () => { record.lines = []; },
      trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warning'), error: line('error'),
      show: () => { record.shown++; },
      hide: () => undefined,
      dispose: () => { record.disposed = true; },
    };
  }

  const message = (level: string) => async (text: string) => {
    messages.push(`${level}: ${text}`);
    events.emit('message', `${level}: ${text}`);
    return undefined;
  };

  const api: Record<string, unknown> = stubbed('vscode', {
    version,
    Disposable,
    EventEmitter,
    Uri,
    ThemeColor: class ThemeColor { constructor(readonly id: string) {} },
    CodeActionKind,
    StatusBarAlignment: { Left: 1, Right: 2 },
    CancellationError: class CancellationError extends Error {},
    CancellationTokenSource: class CancellationTokenSource {
      private emitter = new EventEmitter<void>();
      token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
      cancel() { this.token.isCancellationRequested = true; this.emitter.fire(); }
      dispose() { this.emitter.dispose(); }
    },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    env: stubbed('env', { language: 'en', appName: 'Fake VS Code', machineId: 'test', sessionId: 'test', uiKind: 1 }),
    commands: stubbed('commands', {
      registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, handler);
        return new Disposable(() => commands.delete(id));
      },
      async executeCommand(id: string, ...args: unknown[]) {
        const handler = commands.get(id);
        if (!handler) throw new Error(`command '${id}' not found`);
        return handler(...args);
      },
    }),
    window: stubbed('window', {
      createStatusBarItem,
      createOutputChannel,
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      activeTextEditor: undefined,
      visibleTextEditors: [],
      tabGroups: { all: [], onDidChangeTabs: noDisposable },
    }),
    workspace: stubbed('workspace', {
      getConfiguration,
      textDocuments: [],
      notebookDocuments: [],
      workspaceFolders: undefined,
      createFileSystemWatcher: () => ({
        onDidCreate: noDisposable, onDidChange: noDisposable, onDidDelete: noDisposable, dispose: () => undefined,
      }),
    }),
    languages: stubbed('languages', {
      match: () => 0,
      createDiagnosticCollection: (name?: string) => ({
        name, set: () => undefined, delete: () => undefined, clear: () => undefined, forEach: () => undefined,
        get: () => undefined, has: () => false, dispose: () => undefined,
      }),
    }),
  });

  return { api, commands, statusBarItems, outputChannels, messages, events, missing };
}
