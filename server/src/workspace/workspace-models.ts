// The reachability engine's WorkspaceModel of each workspace folder, built from the FileModels of every
// file the index holds for it, open documents with their live text. Some findings of a file depend on
// other files (what a GlobalTenantResource renders for the tenants declared elsewhere, a Cilium peer that
// reaches namespaces declared elsewhere), so they come from the folder's model, not from the file's own
// analysis. A document outside every folder is modelled on its own, as `tenant-policy check FILE` does.
//
// Rebuilding is debounced: a burst of edits costs one assembly, run after the edited file's own
// diagnostics were answered. Until then a file's model findings are those of the last model, moved along
// with the edits made since (a finding inside an edited region is dropped), so they neither flicker nor
// point at the wrong text while the user types.
import { buildWorkspaceModel, DEFAULT_CONFIG, extractFile, workspaceRuleSteps, modelFindingsForFile, type FileModel, type Finding, type Fix } from '../engine';
import { Emitter, type Event } from './events';
import { uriKey } from './paths';
import type { IndexedFile, Logger, WorkspaceIndex } from './workspace-index';

export type WorkspaceModel = ReturnType<typeof buildWorkspaceModel>;

export interface ModelLogger extends Logger {
  debug(message: string): void;
}

export interface ModelsChange {
  /** Files whose model findings changed with the rebuild, as the index spells their uris. */
  uris: string[];
}

export interface ModelsBuilt {
  /** The rebuilt group's workspace folder; undefined for a loose document's own model. */
  folderUri: string | undefined;
  /** The loose document, for a model of a document outside every folder. */
  looseUri?: string;
  stamp: number;
}

export interface ModelsOptions {
  log: ModelLogger;
  /** Rebuild this long after the last change of a burst… */
  delayMs?: number;
  /** …but no later than this after its first change, however long the burst lasts. */
  maxDelayMs?: number;
}

const DEFAULT_DELAY_MS = 100;
const DEFAULT_MAX_DELAY_MS = 1_000;
const MIN_DELAY_MS = 15;
/** Gathering the files' models yields to waiting requests after this much work. */
const SLICE_MS = 15;

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
let buildStamp = 0;

/** What one build saw of one file: the text its findings' spans refer to, and those findings. */
interface ModelledFile {
  uri: string;
  text: string;
  findings: readonly Finding[];
}

interface Snapshot {
  model: WorkspaceModel;
  /** Increases with every build of any group: features tell results of different builds apart. */
  stamp: number;
  /** By uriKey: every file the model was built from. */
  files: Map<string, ModelledFile>;
  /** The files' models the model was assembled from (rules and features that read the documents). */
  fileModels: readonly FileModel[];
}

interface Group {
  key: string;
  /** For logs: the folder's uri, or the loose document's. */
  label: string;
  /** The workspace folder; undefined for a loose document. */
  folderUri: string | undefined;
  dirty: boolean;
  snapshot: Snapshot | undefined;
}

/** The model a file belongs to: its workspace folder's, or (outside every folder) its own. */
function groupKeyOf(file: IndexedFile): string {
  return file.folderUri !== undefined ? `folder:${uriKey(file.folderUri)}` : `loose:${uriKey(file.uri)}`;
}

/** Files that declare objects: manifests of an enabled folder (not the configuration file). */
function isModelled(file: IndexedFile): boolean {
  return file.enabled && file.kind === 'manifest';
}

export class WorkspaceModels {
  private readonly groups = new Map<string, Group>();
  /** uriKey → the group whose last build included the file, to find it again once it left the index. */
  private readonly memberOf = new Map<string, string>();
  /** uriKey → a number that changes whenever the file's model findings do; part of its result ids. */
  private readonly stamps = new Map<string, number>();
  private nextStamp = 1;
  /** The effective findings per snapshot and file, valid for one file revision. */
  private readonly effective = new WeakMap<Snapshot, Map<string, { revision: string; findings: readonly Finding[] }>>();
  private timer: NodeJS.Timeout | undefined;
  private firstPending: number | undefined;
  private building = false;
  /** How long the last build took: the adaptive debounce waits about twice that. */
  private lastBuildMs = DEFAULT_DELAY_MS;
  private disposed = false;
  private readonly changeEmitter = new Emitter<ModelsChange>();
  private readonly subscriptions: { dispose(): void }[] = [];

  /** Fires after a rebuild that changed the model findings of some files. */
  readonly onDidChange: Event<ModelsChange> = this.changeEmitter.event;
  private readonly buildEmitter = new Emitter<ModelsBuilt>();
  /** Fires after every rebuild (the model may differ even when no finding does): previews, lenses. */
  readonly onDidBuild: Event<ModelsBuilt> = this.buildEmitter.event;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly options: ModelsOptions,
  ) {
    this.subscriptions.push(
      index.onDidChange((change) => this.invalidate(change.uris)),
      // A folder is modelled once its scan is complete: a half-read workspace would make findings up.
      index.onDidChangeStatus(() => {
        if ([...this.groups.values()].some((g) => g.dirty)) this.schedule();
      }),
    );
  }

  /**
   * The model a file belongs to (its folder's, or its own outside every folder) with the build's stamp;
   * undefined until the first build that included it.
   */
  modelForFile(file: IndexedFile): { model: WorkspaceModel; stamp: number; files: readonly FileModel[] } | undefined {
    const snapshot = this.groups.get(groupKeyOf(file))?.snapshot;
    return snapshot && { model: snapshot.model, stamp: snapshot.stamp, files: snapshot.fileModels };
  }

  /** True while a rebuild is scheduled or running for the file's group (results may be stale). */
  isPending(file: IndexedFile): boolean {
    return this.groups.get(groupKeyOf(file))?.dirty ?? true;
  }

  /** The model of a workspace folder (undefined until its first build), for features that query it. */
  modelOf(folderUri: string): WorkspaceModel | undefined {
    return this.groups.get(`folder:${uriKey(folderUri)}`)?.snapshot?.model;
  }

  /**
   * The model findings of a file as users see them: configured severities, suppression comments, and
   * spans in the file's current text.
   */
  findingsFor(file: IndexedFile): readonly Finding[] {
    if (!isModelled(file)) return NO_FINDINGS;
    const snapshot = this.groups.get(groupKeyOf(file))?.snapshot;
    return snapshot ? this.effectiveIn(snapshot, file) : NO_FINDINGS;
  }

  /** Changes whenever `findingsFor(file)` may have changed without the file's revision changing. */
  stampOf(file: IndexedFile): number {
    return this.stamps.get(uriKey(file.uri)) ?? 0;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
    this.buildEmitter.dispose();
  }

  // ---- scheduling ---------------------------------------------------------------------------------

  private invalidate(uris: readonly string[]): void {
    for (const uri of uris) {
      const key = uriKey(uri);
      const file = this.index.get(uri);
      const before = this.memberOf.get(key);
      if (before !== undefined) this.markDirty(before, undefined);
      if (file) this.markDirty(groupKeyOf(file), file);
    }
    this.schedule();
  }

  private markDirty(key: string, file: IndexedFile | undefined): void {
    let group = this.groups.get(key);
    if (!group) {
      if (!file) return;
      group = { key, label: file.folderUri ?? file.uri, folderUri: file.folderUri, dirty: true, snapshot: undefined };
      this.groups.set(key, group);
    }
    group.dirty = true;
  }

  private schedule(): void {
    if (this.disposed) return;
    const now = performance.now();
    this.firstPending ??= now;
    // A burst of keystrokes should cost one assembly, but waiting longer than a build takes only
    // delays the result: small workspaces rebuild almost at once, large ones wait up to the default.
    const delay = this.options.delayMs ?? Math.min(DEFAULT_DELAY_MS, Math.max(MIN_DELAY_MS, 2 * this.lastBuildMs));
    const latest = this.firstPending + (this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.firstPending = undefined;
      void this.rebuild();
    }, Math.max(0, Math.min(delay, latest - now)));
  }

  private buildable(group: Group): boolean {
    return group.dirty && (group.folderUri === undefined || !this.index.isScanning(group.folderUri));
  }

  private async rebuild(): Promise<void> {
    // One build at a time; groups dirtied meanwhile are built by the next round.
    if (this.building || this.disposed) return;
    this.building = true;
    try {
      for (const group of [...this.groups.values()]) {
        if (this.disposed) return;
        if (!this.buildable(group)) continue;
        group.dirty = false;
        try {
          await this.build(group);
        } catch (e) {
          this.options.log.error(`Building the workspace model of ${group.label} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          // Whoever waits for this build (a preview, a lens refresh) gets the last good model, not silence.
          const built: ModelsBuilt = { folderUri: group.folderUri, stamp: group.snapshot?.stamp ?? 0 };
          if (group.folderUri === undefined) built.looseUri = group.label;
          this.buildEmitter.fire(built, (err) => this.options.log.error(`A model build listener failed: ${String(err)}`));
        }
      }
    } finally {
      this.building = false;
    }
    if ([...this.groups.values()].some((g) => this.buildable(g))) this.schedule();
  }

  // ---- building -----------------------------------------------------------------------------------

  private async build(group: Group): Promise<void> {
    const started = performance.now();
    const members = this.index.files().filter((f) => isModelled(f) && groupKeyOf(f) === group.key);
    const models: FileModel[] = [];
    const files = new Map<string, ModelledFile>();
    let slice = performance.now();
    for (const file of members) {
      // Read in one go: the analysis is of this text, and the findings' spans will refer to it.
      const text = file.text;
      const analysis = file.analysis;
      models.push(extractFile(analysis, 'declared'));
      files.set(uriKey(analysis.uri), { uri: analysis.uri, text, findings: NO_FINDINGS });
      if (performance.now() - slice > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.disposed) return;
        slice = performance.now();
      }
    }
    const extracted = performance.now();
    // Every member of a group shares its folder's configuration; a loose document has its own.
    const config = members[0]?.config ?? DEFAULT_CONFIG;
    const model = buildWorkspaceModel(models);
    // The workspace rules, one at a time, yielding to waiting requests (an edit's diagnostics) between.
    for (const _ of workspaceRuleSteps(model, models, config)) {
      if (performance.now() - slice > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.disposed) return;
        slice = performance.now();
      }
    }
    const assembled = performance.now();
    let count = 0;
    for (const [key, f] of files) {
      const findings = model.findings.get(f.uri);
      if (findings?.length) {
        files.set(key, { ...f, findings });
        count += findings.length;
      }
    }

    const previous = group.snapshot;
    const next: Snapshot = { model, stamp: ++buildStamp, files, fileModels: models };
    for (const key of previous?.files.keys() ?? []) if (this.memberOf.get(key) === group.key) this.memberOf.delete(key);
    for (const key of files.keys()) this.memberOf.set(key, group.key);
    if (files.size === 0) this.groups.delete(group.key);
    else group.snapshot = next;

    this.lastBuildMs = performance.now() - started;
    const changed = this.changedFiles(group, previous, files.size === 0 ? undefined : next);
    this.options.log.debug(
      `Workspace model of ${group.label}: ${members.length} files, ${model.namespaces.size} namespaces, ${model.policies.length} policies, ${count} findings; ` +
        `built in ${(assembled - started).toFixed(0)} ms (files ${(extracted - started).toFixed(0)} ms, assembly ${(assembled - extracted).toFixed(0)} ms); ${changed.length} files' findings changed.`,
    );
    if (!this.disposed) {
      const built: ModelsBuilt = { folderUri: group.folderUri, stamp: next.stamp };
      if (group.folderUri === undefined) built.looseUri = group.label;
      this.buildEmitter.fire(built, (e) => this.options.log.error(`A model build listener failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    }
    if (changed.length > 0 && !this.disposed) {
      this.changeEmitter.fire({ uris: changed }, (e) => this.options.log.error(`A model listener failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    }
  }

  /** The files whose findings, as they stand in their current text, differ between two builds. */
  private changedFiles(group: Group, previous: Snapshot | undefined, next: Snapshot | undefined): string[] {
    const keys = new Set<string>();
    for (const s of [previous, next]) for (const [key, f] of s?.files ?? []) if (f.findings.length > 0) keys.add(key);
    const changed: string[] = [];
    for (const key of keys) {
      const uri = next?.files.get(key)?.uri ?? previous!.files.get(key)!.uri;
      const file = this.index.get(uri);
      // A file that left the index, the group or validation is cleared by whoever removed it.
      if (!file || !isModelled(file) || groupKeyOf(file) !== group.key) continue;
      const before = previous ? this.effectiveIn(previous, file) : NO_FINDINGS;
      const after = next ? this.effectiveIn(next, file) : NO_FINDINGS;
      if (sameFindings(before, after)) continue;
      this.stamps.set(key, this.nextStamp++);
      changed.push(file.uri);
    }
    return changed;
  }

  private effectiveIn(snapshot: Snapshot, file: IndexedFile): readonly Finding[] {
    const key = uriKey(file.uri);
    let perFile = this.effective.get(snapshot);
    if (!perFile) this.effective.set(snapshot, (perFile = new Map()));
    const cached = perFile.get(key);
    if (cached?.revision === file.revision) return cached.findings;
    const modelled = snapshot.files.get(key);
    let findings = NO_FINDINGS;
    if (modelled && modelled.findings.length > 0) {
      const text = file.text;
      const moved = modelled.text === text ? modelled.findings : moveFindings(modelled.findings, modelled.text, text);
      if (moved.length > 0) {
        const only = { ...snapshot.model, findings: new Map([[file.uri, [...moved]]]) };
        findings = modelFindingsForFile(only, file.uri, text, file.config);
      }
    }
    perFile.set(key, { revision: file.revision, findings });
    return findings;
  }
}

// ---- findings across edits --------------------------------------------------------------------------

/** The one region in which two texts differ: [start, beforeEnd) became [start, afterEnd). */
function changedRegion(before: string, after: string): { start: number; beforeEnd: number; afterEnd: number } {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < shorter - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, beforeEnd: before.length - suffix, afterEnd: after.length - suffix };
}

/**
 * Findings made for `before`, placed in `after`: those before the edited region stay, those after it
 * move with it, those touching it are dropped (the edit may have fixed them). A fix whose edits touch
 * the region is dropped too.
 */
export function moveFindings(findings: readonly Finding[], before: string, after: string): Finding[] {
  const region = changedRegion(before, after);
  const delta = region.afterEnd - region.beforeEnd;
  const move = (span: { start: number; end: number }) => {
    if (span.end <= region.start) return span;
    if (span.start >= region.beforeEnd) return { start: span.start + delta, end: span.end + delta };
    return undefined;
  };
  const out: Finding[] = [];
  for (const f of findings) {
    const span = move(f.span);
    if (!span) continue;
    if (span === f.span && f.fixes.length === 0) {
      out.push(f);
      continue;
    }
    const fixes: Fix[] = [];
    for (const fix of f.fixes) {
      const edits = fix.edits.map((e) => ({ e, span: move(e.span) }));
      if (edits.every((x) => x.span)) fixes.push({ ...fix, edits: edits.map((x) => ({ ...x.e, span: x.span! })) });
    }
    out.push({ ...f, span, fixes });
  }
  return out;
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((f, i) => findingKey(f) === findingKey(b[i]));
}

function findingKey(f: Finding): string {
  return JSON.stringify([f.ruleId, f.messageId, f.severity, f.span.start, f.span.end, f.message, f.tags ?? [], f.fixes]);
}
