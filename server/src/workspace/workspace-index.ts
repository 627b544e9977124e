// The workspace index: every policy file of every workspace folder, read from disk in the background and
// analysed with its folder's engine, kept current by file events; documents open in the editor override
// their file on disk. Later rules derive whole-workspace facts (namespaces, tenants, forbidden labels)
// from `files()`. Analyses are computed when first asked for and cached by revision, so an edit costs one
// analysis of one file, and a configuration change re-analyses lazily.
import * as path from 'node:path';
import { CONFIG_FILE_NAME, LineIndex, type FileAnalysis, type ProjectConfig } from '../engine';
import type { EditorSettings } from '../settings';
import { Emitter, type Event } from './events';
import { Folder, type FileKind, type Reconfiguration } from './folder';
import { isKustomization, patchPaths } from './kustomize';
import { pathToUri, uriKey, uriToPath } from './paths';
import { readSource, type DiskText } from './read';
import { listFolder } from './walk';

export interface IndexedFile {
  /** The URI the editor uses while the file is open, else the file's own. */
  readonly uri: string;
  readonly path: string | undefined;
  /** The workspace folder the file belongs to; undefined for documents outside every folder. */
  readonly folderUri: string | undefined;
  readonly kind: FileKind;
  /** Listed as a patch by a kustomization of its folder. */
  readonly isPatch: boolean;
  /** Open in the editor: the text is the editor's, `version` its version. */
  readonly open: boolean;
  readonly version: number | null;
  /** Selected by its folder's include/exclude globs and read from disk (false: only open in the editor). */
  readonly inWorkspace: boolean;
  /** False when the editor settings turn validation off for the file's folder. */
  readonly enabled: boolean;
  /** The effective configuration of the file's folder (its `.tenant-policy.yaml` plus editor settings). */
  readonly config: ProjectConfig;
  readonly text: string;
  /** Changes whenever the findings may change: new text, new patch status, new configuration. */
  readonly revision: string;
  readonly analysis: FileAnalysis;
  readonly lines: LineIndex;
}

export type FileChangeKind = 'created' | 'changed' | 'deleted';

export interface FileEvent {
  uri: string;
  kind: FileChangeKind;
}

export interface IndexChange {
  uris: string[];
  /** `editor`: open documents were edited; `disk`: files changed on disk; `config`: findings of many files may have. */
  cause: 'editor' | 'disk' | 'config';
}

export type IndexStatus =
  | { state: 'indexing'; files: number; done: number }
  | { state: 'ready'; files: number; truncated: boolean };

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface IndexOptions {
  log: Logger;
  /** At most this many files per folder are indexed; a bigger folder is reported, not exhausted. */
  maxFilesPerFolder?: number;
  /** Test hook: analysing a text that contains this string throws. */
  failMarker?: string;
}

const DEFAULT_MAX_FILES = 10_000;
/** Send a progress report after this many files. */
const PROGRESS_EVERY = 25;

let nextContentRevision = 1;

class Entry implements IndexedFile {
  contentRevision = nextContentRevision++;
  disk: DiskText | undefined;
  editor: { uri: string; text: string; version: number } | undefined;
  private cached: { revision: string; analysis: FileAnalysis; lines?: LineIndex } | undefined;

  constructor(
    readonly key: string,
    readonly path: string | undefined,
    private readonly ownUri: string,
    public folder: Folder,
    private readonly onError: (uri: string, error: Error) => void,
  ) {}

  get uri(): string {
    return this.editor?.uri ?? this.ownUri;
  }
  get folderUri(): string | undefined {
    return this.folder.uri;
  }
  get kind(): FileKind {
    return this.path !== undefined && path.basename(this.path) === CONFIG_FILE_NAME ? 'config' : 'manifest';
  }
  get isPatch(): boolean {
    return this.path !== undefined && this.folder.patches.has(this.path);
  }
  get open(): boolean {
    return this.editor !== undefined;
  }
  get version(): number | null {
    return this.editor?.version ?? null;
  }
  get inWorkspace(): boolean {
    return this.disk !== undefined;
  }
  get enabled(): boolean {
    return this.folder.enabled;
  }
  get config(): ProjectConfig {
    return this.folder.config;
  }
  get text(): string {
    return this.editor?.text ?? this.disk?.text ?? '';
  }
  get revision(): string {
    return `${this.contentRevision}.${this.folder.configRevision}`;
  }
  get analysis(): FileAnalysis {
    return this.current().analysis;
  }
  get lines(): LineIndex {
    const c = this.current();
    return (c.lines ??= new LineIndex(this.text));
  }

  /** Marks the findings as possibly different (text or patch status changed). */
  touch(): void {
    this.contentRevision = nextContentRevision++;
  }

  private current(): { revision: string; analysis: FileAnalysis; lines?: LineIndex } {
    const revision = this.revision;
    if (this.cached?.revision !== revision) {
      const { analysis, error } = this.folder.analyze({
        uri: this.uri,
        text: this.text,
        kind: this.kind,
        isPatch: this.isPatch,
        // The editor's text was decoded by the editor: the bytes on disk say nothing about it.
        byteFindings: this.editor ? [] : (this.disk?.findings ?? []),
      });
      if (error) this.onError(this.uri, error);
      this.cached = { revision, analysis };
    }
    return this.cached;
  }
}

interface ScanProgress {
  folder: Folder;
  total: number;
  done: number;
}

export class WorkspaceIndex {
  private readonly folders = new Map<string, Folder>();
  /** Documents open in the editor outside every workspace folder. */
  private readonly loose: Folder;
  private readonly entries = new Map<string, Entry>();
  /** The newest disk read (or delete) per path: an older read that finishes later is dropped. */
  private readonly latestRead = new Map<string, number>();
  private readSequence = 0;
  private readonly scans = new Set<ScanProgress>();
  private truncated = false;
  private started = false;
  private disposed = false;
  private eventQueue: Promise<void> = Promise.resolve();
  private readonly changeEmitter = new Emitter<IndexChange>();
  private readonly statusEmitter = new Emitter<IndexStatus>();

  /** Fires after files were added, removed or changed, or their configuration changed. */
  readonly onDidChange: Event<IndexChange> = this.changeEmitter.event;
  /** Fires when indexing starts, progresses and ends. */
  readonly onDidChangeStatus: Event<IndexStatus> = this.statusEmitter.event;

  constructor(private readonly options: IndexOptions) {
    this.loose = new Folder(undefined, undefined, '(no folder)', options.failMarker);
  }

  // ---- queries -----------------------------------------------------------------------------

  files(): IndexedFile[] {
    return [...this.entries.values()];
  }

  get(uri: string): IndexedFile | undefined {
    return this.entries.get(uriKey(uri));
  }

  /** The URIs of the workspace folders, for reading settings scoped to each. */
  folderUris(): string[] {
    return [...this.folders.values()].map((f) => f.uri!);
  }

  /** True while any folder is being scanned. */
  get indexing(): boolean {
    return this.scans.size > 0;
  }

  /** True while the workspace folder is being scanned: what the index holds of it is not complete yet. */
  isScanning(folderUri: string): boolean {
    const folder = this.folders.get(uriToPath(folderUri) ?? '');
    if (!folder) return false;
    for (const s of this.scans) if (s.folder === folder) return true;
    return false;
  }

  // ---- folders and settings ------------------------------------------------------------------

  /** Replaces the set of workspace folders; new ones are scanned once `start` has been called. */
  setFolders(specs: readonly { uri: string; name: string }[]): void {
    const wanted = new Map<string, { uri: string; name: string }>();
    for (const spec of specs) {
      const root = uriToPath(spec.uri);
      if (root === undefined) this.options.log.warn(`Workspace folder ${spec.uri} is not on the local disk; it is not indexed.`);
      else wanted.set(root, spec);
    }
    const changed = new Set<string>();
    for (const [root, folder] of this.folders) {
      if (wanted.has(root)) continue;
      folder.scanGeneration++;
      this.folders.delete(root);
      for (const entry of this.entriesOf(folder)) {
        changed.add(entry.uri);
        this.dropDisk(entry);
      }
    }
    const added: Folder[] = [];
    for (const [root, spec] of wanted) {
      if (this.folders.has(root)) continue;
      const folder = new Folder(spec.uri, root, spec.name, this.options.failMarker);
      this.folders.set(root, folder);
      added.push(folder);
    }
    // A document may now belong to another (nested, new or no) folder.
    for (const entry of this.entries.values()) {
      const home = entry.path === undefined ? this.loose : this.folderFor(entry.path);
      if (home !== entry.folder) {
        entry.folder = home;
        changed.add(entry.uri);
      }
    }
    if (this.started) for (const folder of added) void this.scan(folder);
    if (changed.size > 0) this.fireChange({ uris: [...changed], cause: 'config' });
  }

  /** Applies editor settings to a folder (undefined: to documents outside every folder). */
  setSettings(folderUri: string | undefined, settings: EditorSettings): void {
    const folder = folderUri === undefined ? this.loose : this.folders.get(uriToPath(folderUri) ?? '');
    if (!folder) return;
    this.reconfigured(folder, folder.setSettings(settings));
  }

  /** Starts indexing every folder in the background. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.folders.size === 0) this.fireStatus({ state: 'ready', files: 0, truncated: false });
    for (const folder of this.folders.values()) void this.scan(folder);
  }

  dispose(): void {
    this.disposed = true;
    for (const folder of this.folders.values()) folder.scanGeneration++;
    this.changeEmitter.dispose();
    this.statusEmitter.dispose();
  }

  // ---- the editor's documents ------------------------------------------------------------------

  /** A document was opened or edited: its text overrides the file on disk until it is closed. */
  setDocument(uri: string, text: string, version: number): void {
    const entry = this.entryFor(uri);
    entry.editor = { uri, text, version };
    entry.touch();
    const changed = new Set([entry.uri]);
    if (entry.path !== undefined && isKustomization(entry.path)) this.updateKustomization(entry.folder, entry.path, text, changed);
    this.fireChange({ uris: [...changed], cause: 'editor' });
  }

  /** A document was closed: the file on disk (if the index selects it) takes over again. */
  closeDocument(uri: string): void {
    const entry = this.entries.get(uriKey(uri));
    if (!entry?.editor) return;
    entry.editor = undefined;
    entry.touch();
    const p = entry.path;
    const folder = entry.folder;
    if (p === undefined || !this.indexes(folder, p)) {
      if (!entry.disk) this.entries.delete(entry.key);
      this.fireChange({ uris: [entry.uri], cause: 'disk' });
      return;
    }
    // The editor may have held unsaved text: read what the disk has now.
    void this.enqueue(async () => {
      const changed = new Set<string>([entry.uri]);
      await this.readFromDisk(p, folder, changed);
      if (isKustomization(p)) this.updateKustomization(folder, p, entry.disk?.text, changed);
      this.fireChange({ uris: [...changed], cause: 'disk' });
    });
  }

  // ---- files on disk ---------------------------------------------------------------------------

  /** Applies file-system events (from the client's watcher); resolves when the index has caught up. */
  applyFileEvents(events: readonly FileEvent[]): Promise<void> {
    return this.enqueue(async () => {
      const changed = new Set<string>();
      // Configuration changes take effect after the batch, so one notification covers them and the files.
      const reconfigurations: [Folder, Reconfiguration][] = [];
      for (const event of events) {
        const p = uriToPath(event.uri);
        if (p === undefined) continue;
        const folder = this.folderFor(p);
        if (folder === this.loose) continue;
        if (p === folder.configPath) {
          const text = event.kind === 'deleted' ? undefined : (await this.tryRead(p))?.text;
          reconfigurations.push([folder, folder.setConfigText(text)]);
        }
        if (isKustomization(p)) {
          const open = this.entries.get(p)?.editor;
          const text = open ? open.text : event.kind === 'deleted' ? undefined : (await this.tryRead(p))?.text;
          this.updateKustomization(folder, p, text, changed);
        }
        if (event.kind === 'deleted') this.deleteFromDisk(p, changed);
        else if (this.indexes(folder, p)) await this.readFromDisk(p, folder, changed);
      }
      for (const [folder, r] of reconfigurations) this.reconfigured(folder, r);
      if (changed.size > 0) this.fireChange({ uris: [...changed], cause: 'disk' });
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.eventQueue.then(work);
    this.eventQueue = run.catch((e) => this.options.log.error(`Updating the workspace index failed: ${describe(e)}`));
    return this.eventQueue;
  }

  private folderFor(filePath: string): Folder {
    let best = this.loose;
    for (const folder of this.folders.values()) {
      if (folder.contains(filePath) && (best.root === undefined || folder.root!.length > best.root.length)) best = folder;
    }
    return best;
  }

  private entriesOf(folder: Folder): Entry[] {
    return [...this.entries.values()].filter((e) => e.folder === folder);
  }

  /** True for a file the folder's scan reads: selected by the globs, or the folder's configuration. */
  private indexes(folder: Folder, filePath: string): boolean {
    return folder.root !== undefined && folder.enabled && (filePath === folder.configPath || folder.includes(filePath));
  }

  private entryFor(uri: string): Entry {
    const key = uriKey(uri);
    let entry = this.entries.get(key);
    if (!entry) {
      const p = uriToPath(uri);
      entry = new Entry(key, p, p === undefined ? uri : pathToUri(p), p === undefined ? this.loose : this.folderFor(p), (u, e) => this.analysisFailed(u, e));
      this.entries.set(key, entry);
    }
    return entry;
  }

  private analysisFailed(uri: string, error: Error): void {
    this.options.log.error(`Analysing ${uri} failed: ${error.stack ?? error.message}`);
  }

  private reconfigured(folder: Folder, r: Reconfiguration): void {
    if (r.rescan && this.started && folder.root !== undefined) {
      void this.scan(folder);
    } else if (r.reanalyse) {
      const uris = this.entriesOf(folder).map((e) => e.uri);
      if (uris.length > 0) this.fireChange({ uris, cause: 'config' });
    }
  }

  private updateKustomization(folder: Folder, file: string, text: string | undefined, changed: Set<string>): void {
    const flipped = folder.setKustomization(file, text === undefined ? undefined : patchPaths(text, file));
    for (const p of flipped) {
      const entry = this.entries.get(p);
      if (!entry) continue;
      entry.touch();
      changed.add(entry.uri);
    }
  }

  private async tryRead(filePath: string): Promise<DiskText | undefined> {
    try {
      return await readSource(filePath);
    } catch (e) {
      this.options.log.warn(`Cannot read ${filePath}: ${describe(e)}`);
      return undefined;
    }
  }

  /** Reads one file into the index and analyses it; a newer read or delete of the same file wins. */
  private async readFromDisk(filePath: string, folder: Folder, changed: Set<string>): Promise<void> {
    const sequence = ++this.readSequence;
    this.latestRead.set(filePath, sequence);
    const disk = await this.tryRead(filePath);
    if (this.disposed || this.latestRead.get(filePath) !== sequence) return;
    let entry = this.entries.get(filePath);
    if (!disk) {
      if (entry) {
        changed.add(entry.uri);
        this.dropDisk(entry);
      }
      return;
    }
    entry ??= this.entryFor(pathToUri(filePath));
    entry.folder = folder;
    const same = entry.disk !== undefined && entry.disk.text === disk.text && JSON.stringify(entry.disk.findings) === JSON.stringify(disk.findings);
    if (same) return;
    entry.disk = disk;
    if (entry.open) return;
    entry.touch();
    changed.add(entry.uri);
    // Analyse now, in the background, so the index holds results before anyone asks.
    void entry.analysis;
  }

  private deleteFromDisk(filePath: string, changed: Set<string>): void {
    // A deleted folder arrives as one event: everything below it goes too.
    const below = filePath + path.sep;
    for (const entry of [...this.entries.values()]) {
      if (entry.path === undefined || (entry.path !== filePath && !entry.path.startsWith(below))) continue;
      this.latestRead.set(entry.path, ++this.readSequence);
      if (!entry.disk) continue;
      changed.add(entry.uri);
      this.dropDisk(entry);
    }
  }

  private dropDisk(entry: Entry): void {
    entry.disk = undefined;
    if (!entry.open) this.entries.delete(entry.key);
  }

  private async scan(folder: Folder): Promise<void> {
    const generation = ++folder.scanGeneration;
    const stale = () => this.disposed || folder.scanGeneration !== generation || !this.folders.has(folder.root!);
    const progress: ScanProgress = { folder, total: 0, done: 0 };
    this.scans.add(progress);
    this.reportProgress();
    try {
      const configPath = folder.configPath!;
      folder.setConfigText((await this.tryRead(configPath))?.text);
      if (stale()) return;
      const changed = new Set<string>(this.entriesOf(folder).map((e) => e.uri));
      if (!folder.enabled) {
        for (const entry of this.entriesOf(folder)) this.dropDisk(entry);
        this.fireChange({ uris: [...changed], cause: 'config' });
        return;
      }
      const limit = this.options.maxFilesPerFolder ?? DEFAULT_MAX_FILES;
      const listing = await listFolder(folder.root!, folder.filter, limit, stale);
      if (!listing || stale()) return;
      if (listing.truncated) {
        this.truncated = true;
        this.options.log.warn(`${folder.name}: more than ${limit} files match the include globs; only the first ${limit} are indexed. Narrow \`include\` or add \`exclude\` globs in ${CONFIG_FILE_NAME}.`);
      }
      folder.kustomizations.clear();
      folder.patches = new Set();
      for (const k of listing.kustomizations) {
        const open = this.entries.get(k)?.editor;
        const text = open ? open.text : (await this.tryRead(k))?.text;
        if (stale()) return;
        this.updateKustomization(folder, k, text, changed);
      }
      const files = new Set(listing.files);
      files.add(configPath);
      // Files that left the selection (new globs, deleted while nobody watched) leave the index.
      for (const entry of this.entriesOf(folder)) if (entry.disk && !files.has(entry.path!)) this.dropDisk(entry);
      progress.total = files.size;
      this.reportProgress();
      for (const file of files) {
        if (stale()) return;
        await this.readFromDisk(file, folder, changed);
        progress.done++;
        if (progress.done % PROGRESS_EVERY === 0) this.reportProgress();
        // Let requests that arrived meanwhile run: the editor must stay responsive while we index.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      for (const entry of this.entriesOf(folder)) changed.add(entry.uri);
      this.fireChange({ uris: [...changed], cause: 'config' });
    } catch (e) {
      this.options.log.error(`Indexing ${folder.name} failed: ${describe(e)}`);
    } finally {
      this.scans.delete(progress);
      this.reportProgress();
    }
  }

  private reportProgress(): void {
    if (this.disposed) return;
    if (this.scans.size === 0) {
      const files = [...this.entries.values()].filter((e) => e.inWorkspace).length;
      this.fireStatus({ state: 'ready', files, truncated: this.truncated });
      return;
    }
    let total = 0;
    let done = 0;
    for (const s of this.scans) {
      total += s.total;
      done += s.done;
    }
    this.fireStatus({ state: 'indexing', files: total, done });
  }

  private fireChange(change: IndexChange): void {
    if (!this.disposed) this.changeEmitter.fire(change, (e) => this.options.log.error(`An index listener failed: ${describe(e)}`));
  }

  private fireStatus(status: IndexStatus): void {
    this.statusEmitter.fire(status, (e) => this.options.log.error(`A status listener failed: ${describe(e)}`));
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
