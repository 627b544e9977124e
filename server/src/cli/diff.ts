// `tenant-policy diff OLD_PATH NEW_PATH` and `tenant-policy diff PATH --against GIT_REF`: the connections
// added, removed and changed between two versions of a policy repository — what a reviewer wants to
// know about a pull request. Both versions go through the same pipeline as `connectivity` (the same
// file selection, configuration, inventory and level), so a difference in the output is a difference in
// the policy, never in how it was read.
//
// Exit status: 0 whether or not connectivity changed (a diff is a report); 1 with --fail-on-change when
// it did; 2 for bad usage, unreadable input or an unknown git revision.
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildWorkspaceModel,
  CONFIG_FILE_NAME,
  Engine,
  extractFile,
  type CiliumVersion,
  type FileModel,
  type ModelOrigin,
  type ProjectConfig,
} from '../engine';
import type { WorkspaceModel } from '../engine/model/workspace';
import { Reachability, type Level } from '../engine/reachability';
import type { ConnSet } from '../engine/semantics/connset';
import { diffConnectivity, isEmptyDiff, type ChangedRow, type ConnectionRow, type ConnectivityDiff, type DiffRow } from '../engine/semantics/diff';
import { decode } from '../workspace/read';
import { PathFilter } from '../workspace/glob';
import { isKustomization, patchPaths } from '../workspace/kustomize';
import { CONNECTIVITY_LEVELS, oneOf, options, UsageError, workspaceOption } from './args';
import { loadConfig } from './config';
import { collectInputs, InputError, readInventory, reason } from './inputs';
import { VERSION } from './meta';

export type DiffFormat = 'text' | 'json' | 'md';
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'json', 'md'];

export interface DiffIo {
  cwd: string;
  stdout: (chunk: string) => void;
  stderr: (line: string) => void;
}

export interface DiffRequest {
  /** OLD_PATH NEW_PATH, or the one PATH of --against. */
  paths: string[];
  against?: string;
  format: DiffFormat;
  level: Level;
  failOnChange: boolean;
  config?: string;
  inventory?: string;
  ciliumVersion?: CiliumVersion;
}

export const DIFF_HELP = `Usage: tenant-policy diff OLD_PATH NEW_PATH [options]
       tenant-policy diff PATH --against GIT_REF [options]

The connections added, removed and changed between two versions of a policy repository: two folders
(or files), or PATH in the working tree against PATH at a git revision (a commit, branch or tag, such as
origin/main or HEAD~1). Each version is analysed as \`tenant-policy connectivity\` would analyse it.

Options:
  --against GIT_REF             compare PATH with its content at GIT_REF (read with git; PATH may be a
                                subfolder of the repository)
  --format text|json|md         output format (default: text)
                                text: + added, - removed, ~ changed (old → new ports), then a summary
                                json: {"added":[{src,dst,conns}],"removed":[…],"changed":[{src,dst,before,after}]}
                                md:   a Markdown section for a pull-request comment
  --level workload|namespace|tenant
                                the peers compared (default: workload)
  --fail-on-change              exit 1 when connectivity changed
  --inventory FILE              a cluster export (kubectl get namespaces,pods,deployments,statefulsets,
                                daemonsets -A -o yaml), merged into both versions
  --config FILE                 the project configuration (default: the nearest ${CONFIG_FILE_NAME})
  --cilium-version 1.18|1.20    the Cilium CRDs to read CiliumNetworkPolicy with
  -h, --help                    show this help

Exit status: 0 whether or not connectivity changed (1 with --fail-on-change when it did), 2 bad usage,
unreadable input or an unknown git revision.
`;

/** Markdown tables stop after this many rows each: a pull-request comment holds at most 65,536 characters. */
export const MD_MAX_ROWS = 200;

/** `argv` is what follows `diff` on the command line. */
export async function runDiff(argv: readonly string[], io: DiffIo): Promise<number> {
  let req: DiffRequest | 'help';
  try {
    req = parseDiffArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`tenant-policy diff: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (req === 'help') {
    io.stdout(DIFF_HELP);
    return 0;
  }

  let before: Side;
  let after: Side;
  try {
    const loaded = loadConfig(req.config, req.paths[0], io.cwd);
    const config: ProjectConfig = { ...loaded.config, ciliumVersion: req.ciliumVersion ?? loaded.config.ciliumVersion };
    const inventory = req.inventory === undefined ? [] : [inventoryModel(req.inventory, config, io.cwd)];
    if (req.against !== undefined) {
      before = gitSide(req.paths[0], req.against, config, io);
      after = diskSide(req.paths[0], config, io);
    } else {
      before = diskSide(req.paths[0], config, io);
      after = diskSide(req.paths[1], config, io);
    }
    before.files.push(...inventory);
    after.files.push(...inventory);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`tenant-policy diff: ${e.message}`);
      return 2;
    }
    throw e;
  }

  for (const side of [before, after]) {
    if (side.filesWithErrors > 0) {
      io.stderr(`note: ${side.filesWithErrors} file${side.filesWithErrors === 1 ? '' : 's'} of ${side.label} ${side.filesWithErrors === 1 ? 'has' : 'have'} errors; what they declare may be left out (tenant-policy check shows them).`);
    }
  }
  const oldRows = connectivityRows(model(before), req.level);
  const newRows = connectivityRows(model(after), req.level);
  const diff = diffConnectivity(oldRows, newRows);
  const header: Header = { old: before.label, new: after.label, level: req.level };
  io.stdout(req.format === 'json' ? formatJson(diff, header) : req.format === 'md' ? formatMarkdown(diff, header) : formatText(diff, header));
  return req.failOnChange && !isEmptyDiff(diff) ? 1 : 0;
}

// ---- arguments --------------------------------------------------------------------------------------

export function parseDiffArgs(argv: readonly string[]): DiffRequest | 'help' {
  const req: DiffRequest = { paths: [], format: 'text', level: 'workload', failOnChange: false };
  for (const { name, value, positional, inline } of options(argv)) {
    if (positional !== undefined) {
      req.paths.push(positional);
      continue;
    }
    switch (name) {
      case '-h':
      case '--help':
        return 'help';
      case '--against': {
        const v = value();
        if (v === '') throw new UsageError('--against needs a git revision (a commit, branch or tag).');
        req.against = v;
        break;
      }
      case '--format':
      case '-f':
        req.format = oneOf('--format', value(), DIFF_FORMATS);
        break;
      case '--level':
        req.level = oneOf('--level', value(), CONNECTIVITY_LEVELS);
        break;
      case '--fail-on-change':
        if (inline !== undefined) throw new UsageError('--fail-on-change takes no value.');
        req.failOnChange = true;
        break;
      default:
        if (!workspaceOption(req, name, value)) throw new UsageError(`unknown option ${name}; see tenant-policy diff --help.`);
    }
  }
  if (req.paths.includes('-')) throw new UsageError('diff reads folders or files, not standard input (-).');
  if (req.against !== undefined) {
    if (req.paths.length !== 1) throw new UsageError(`with --against, give one PATH (got ${req.paths.length}): tenant-policy diff PATH --against GIT_REF.`);
  } else if (req.paths.length !== 2) {
    throw new UsageError(`give OLD_PATH and NEW_PATH, or PATH --against GIT_REF (got ${req.paths.length} path${req.paths.length === 1 ? '' : 's'}).`);
  }
  return req;
}

// ---- reading one version ----------------------------------------------------------------------------

interface Source {
  /** Where the text would be on disk (for a git revision: its place in the working tree). */
  abs: string;
  text: string;
  isPatch: boolean;
}

interface Side {
  label: string;
  files: FileModel[];
  filesWithErrors: number;
}

function analyzeSources(label: string, sources: Source[], config: ProjectConfig, origin: ModelOrigin = 'declared'): Side {
  const engine = new Engine(config);
  const side: Side = { label, files: [], filesWithErrors: 0 };
  for (const s of sources) {
    const analysis = engine.analyzeFile({ uri: pathToFileURL(s.abs).href, text: s.text, isPatch: s.isPatch });
    if (analysis.findings.some((f) => f.severity === 'error')) side.filesWithErrors++;
    side.files.push(extractFile(analysis, origin));
  }
  return side;
}

function model(side: Side): WorkspaceModel {
  return buildWorkspaceModel(side.files);
}

/** A folder or file on disk, selected as `connectivity` and `check` select files. */
function diskSide(path: string, config: ProjectConfig, io: DiffIo): Side {
  const collected = collectInputs([path], config, io.cwd, io.stderr);
  if (collected.unreadable > 0) throw new InputError(`cannot read all of ${path}.`);
  const sources: Source[] = [];
  for (const input of collected.inputs) {
    if (input.abs === undefined) continue;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(input.abs);
    } catch (e) {
      throw new InputError(`cannot read ${input.display}: ${reason(e)}`);
    }
    sources.push({ abs: input.abs, text: decode(bytes).text, isPatch: input.isPatch });
  }
  return analyzeSources(path, sources, config);
}

function inventoryModel(path: string, config: ProjectConfig, cwd: string): FileModel {
  const { abs, bytes } = readInventory(path, cwd);
  return analyzeSources(path, [{ abs, text: decode(bytes).text, isPatch: false }], config, 'inventory').files[0];
}

// ---- reading one version from git -------------------------------------------------------------------

function git(args: string[], cwd: string, input?: string): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', ['--literal-pathspecs', '-C', cwd, ...args], { input, maxBuffer: 2 * 1024 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? '--against needs git, which is not installed (or not on PATH).' : `cannot run git: ${r.error.message}`);
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/** The deepest existing folder at or above `abs`, and what remains of the path below it. */
function existingFolder(abs: string): { dir: string; rest: string } {
  let dir = abs;
  for (;;) {
    try {
      if (statSync(dir).isDirectory()) return { dir, rest: relative(dir, abs) };
    } catch {
      // Not there (a folder deleted in the working tree); try its parent.
    }
    const parent = dirname(dir);
    if (parent === dir) return { dir, rest: relative(dir, abs) };
    dir = parent;
  }
}

/** PATH's files at a git revision, selected with the configuration's include/exclude globs. */
function gitSide(path: string, ref: string, config: ProjectConfig, io: DiffIo): Side {
  const abs = resolve(io.cwd, path);
  const { dir, rest } = existingFolder(abs);
  const top = git(['rev-parse', '--show-toplevel'], dir);
  if (top.status !== 0) throw new InputError(`--against: ${path} is not inside a git repository (${top.stderr || 'git rev-parse failed'}).`);
  const root = top.stdout.toString('utf8').trim();
  // `--end-of-options`: a revision that starts with a dash is a revision, not an option.
  const verify = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], root);
  if (verify.status !== 0) throw new InputError(`--against: unknown git revision ${JSON.stringify(ref)} in ${root} (a commit, branch or tag, such as HEAD~1 or origin/main).`);
  const commit = verify.stdout.toString('utf8').trim();

  // The path inside the repository, with symbolic links (such as a temporary folder's) resolved on both sides.
  const inRepo = relative(realpathSync(root), join(realpathSync(dir), rest)).split(sep).join('/');
  if (inRepo.startsWith('../') || inRepo === '..') throw new InputError(`--against: ${path} is outside the repository ${root}.`);

  const listed = git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', inRepo === '' ? '.' : inRepo], root);
  if (listed.status !== 0) throw new InputError(`--against: cannot list ${path} at ${ref}: ${listed.stderr}`);
  const entries: { oid: string; path: string }[] = [];
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    // Regular files only: not submodules (commits) nor symbolic links (mode 120000: the blob is the target).
    if (type === 'blob' && mode !== '120000') entries.push({ oid, path: record.slice(tab + 1) });
  }

  const isFile = entries.length === 1 && entries[0].path === inRepo;
  const filter = new PathFilter(config.include, config.exclude);
  const selected = entries.filter((e) => {
    if (isFile) return true;
    const rel = inRepo === '' ? e.path : e.path.slice(inRepo.length + 1);
    if (basename(rel) === CONFIG_FILE_NAME) return false;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (filter.excludesFolder(parts.slice(0, i).join('/'))) return false;
    return filter.includesFile(rel);
  });
  const label = `${path} at ${ref}`;
  if (entries.length === 0) io.stderr(`note: ${path} does not exist at ${ref}; every connection it has now counts as added.`);

  const blobs = readBlobs(selected.map((e) => e.oid), root);
  const absOf = (p: string) => join(root, ...p.split('/'));
  // Kustomize patches are partial objects, as in the working tree.
  const patches = new Set<string>();
  entries.forEach((e) => {
    if (!isKustomization(e.path)) return;
    const text = readBlobs([e.oid], root)[0];
    for (const p of patchPaths(text, absOf(e.path))) patches.add(p);
  });
  const sources = selected.map((e, i) => ({ abs: absOf(e.path), text: blobs[i], isPatch: patches.has(absOf(e.path)) }));
  return analyzeSources(label, sources, config);
}

/** Blob contents through one `git cat-file --batch` (not one `git show` per file: repositories hold thousands). */
function readBlobs(oids: string[], root: string): string[] {
  if (oids.length === 0) return [];
  const r = git(['cat-file', '--batch'], root, `${oids.join('\n')}\n`);
  if (r.status !== 0) throw new InputError(`cannot read files from git: ${r.stderr}`);
  const out: string[] = [];
  let at = 0;
  const buf = r.stdout;
  for (let i = 0; i < oids.length; i++) {
    const nl = buf.indexOf(10, at);
    const header = buf.subarray(at, nl).toString('utf8').split(' ');
    if (header[1] === 'missing') throw new InputError(`cannot read ${oids[i]} from git.`);
    const size = Number(header[2]);
    out.push(decode(buf.subarray(nl + 1, nl + 1 + size)).text);
    at = nl + 1 + size + 1;
  }
  return out;
}

// ---- output -----------------------------------------------------------------------------------------

interface Header {
  old: string;
  new: string;
  level: Level;
}

const conns = (c: ConnSet) => c.toString();

function summary(d: ConnectivityDiff): string {
  return `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;
}

export function formatText(d: ConnectivityDiff, h: Header): string {
  if (isEmptyDiff(d)) return `No connectivity changes between ${h.old} and ${h.new} (${h.level} level).\n`;
  const out: string[] = [`Connectivity changes from ${h.old} to ${h.new} (${h.level} level):`];
  const section = <T extends { src: string; dst: string; uncertain?: boolean }>(title: string, mark: string, rows: T[], what: (r: T) => string) => {
    if (rows.length === 0) return;
    out.push('', `${title} (${rows.length}):`);
    const pairs = rows.map((r) => `${r.src} → ${r.dst}`);
    const width = Math.min(Math.max(...pairs.map((p) => p.length)), 72);
    rows.forEach((r, i) => out.push(`${mark} ${pairs[i].padEnd(width)}  ${what(r)}${r.uncertain ? '  (uncertain)' : ''}`));
  };
  section('Added', '+', d.added, (r: DiffRow) => conns(r.conns));
  section('Removed', '-', d.removed, (r: DiffRow) => conns(r.conns));
  section('Changed', '~', d.changed, (r: ChangedRow) => `${conns(r.before)} → ${conns(r.after)}`);
  out.push('', `${summary(d)}.`);
  if ([...d.added, ...d.removed, ...d.changed].some((r) => r.uncertain)) {
    out.push('(uncertain: the verdict depends on a part of a policy tenant-policy does not model; tenant-policy explain says which.)');
  }
  return `${out.join('\n')}\n`;
}

export function formatJson(d: ConnectivityDiff, h: Header): string {
  const kinds = (r: { srcKind?: string; dstKind?: string }) => ({ ...(r.srcKind ? { srcKind: r.srcKind } : {}), ...(r.dstKind ? { dstKind: r.dstKind } : {}) });
  const flag = (r: { uncertain?: boolean }) => (r.uncertain ? { uncertain: true } : {});
  const row = (r: DiffRow) => ({ src: r.src, dst: r.dst, ...kinds(r), conns: conns(r.conns), ...flag(r) });
  const result = {
    old: h.old,
    new: h.new,
    level: h.level,
    summary: { added: d.added.length, removed: d.removed.length, changed: d.changed.length },
    added: d.added.map(row),
    removed: d.removed.map(row),
    changed: d.changed.map((r) => ({ src: r.src, dst: r.dst, ...kinds(r), before: conns(r.before), after: conns(r.after), gained: conns(r.gained), lost: conns(r.lost), ...flag(r) })),
  };
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Text in a Markdown table cell: code spans for names, pipes escaped. */
const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function formatMarkdown(d: ConnectivityDiff, h: Header): string {
  const out: string[] = ['### Connectivity changes', ''];
  if (isEmptyDiff(d)) {
    out.push(`No connectivity changes between ${code(h.old)} and ${code(h.new)} (${h.level} level).`);
    return `${out.join('\n')}\n`;
  }
  out.push(`${code(h.old)} → ${code(h.new)}, ${h.level} level: **${d.added.length} added**, **${d.removed.length} removed**, **${d.changed.length} changed**.`);
  const table = <T extends { src: string; dst: string; uncertain?: boolean }>(title: string, rows: T[], columns: string[], values: (r: T) => string[]) => {
    if (rows.length === 0) return;
    out.push('', `#### ${title} (${rows.length})`, '', `| From | To | ${columns.join(' | ')} |`, `| --- | --- | ${columns.map(() => '---').join(' | ')} |`);
    for (const r of rows.slice(0, MD_MAX_ROWS)) {
      out.push(`| ${code(r.src)} | ${code(r.dst)} | ${values(r).map(cell).join(' | ')}${r.uncertain ? ' ⚠️ uncertain' : ''} |`);
    }
    if (rows.length > MD_MAX_ROWS) out.push('', `… and ${rows.length - MD_MAX_ROWS} more: run \`tenant-policy diff\` locally for the full list.`);
  };
  table('Added', d.added, ['Connections'], (r) => [conns(r.conns)]);
  table('Removed', d.removed, ['Connections'], (r) => [conns(r.conns)]);
  table('Changed', d.changed, ['Before', 'After'], (r) => [conns(r.before), conns(r.after)]);
  out.push('', `<sub>tenant-policy ${VERSION} · \`tenant-policy explain PATH --from SRC --to DST\` shows which policy rules decide a pair.</sub>`);
  return `${out.join('\n')}\n`;
}

// ---- the engine's answer ------------------------------------------------------------------------------

/** The connectivity of a workspace at a level: the rows `connectivity` prints. */
function connectivityRows(model: WorkspaceModel, level: Level): ConnectionRow[] {
  return new Reachability(model).connections(level);
}
