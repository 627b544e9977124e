// `tenant-policy connectivity`: which sources may talk to which destinations, on which ports. The inputs
// are read exactly as `check` reads them (inputs.ts, the configuration's globs, kustomize patches,
// standard input), analysed by the engine, modelled (namespaces, workloads, tenants, policies — Capsule's
// included) and evaluated by the reachability facade. Findings do not change the exit code (that is
// `check`'s job), but what the model could not represent is reported on stderr as warnings, because a
// result that silently leaves something out would be a wrong answer presented as right.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildWorkspaceModel,
  CONFIG_FILE_NAME,
  Engine,
  extractFile,
  LineIndex,
  type FileModel,
  type Finding,
  type ModelOrigin,
  type ProjectConfig,
} from '../engine';
import type { SourceRef } from '../engine/model/types';
import type { WorkspaceModel } from '../engine/model/workspace';
import { Reachability, type Connection, type MatrixView } from '../engine/reachability';
import { decode } from '../workspace/read';
import type { ConnectivityRequest, WorkspaceRequest } from './args';
import type { Io } from './check';
import { loadConfig } from './config';
import { collectInputs, InputError, pieces, readInventory, reason } from './inputs';

/** A file that was read: how to name it and how to turn offsets into lines. */
interface ShownFile {
  display: string;
  lines: LineIndex;
  /** Offset of this piece in the file (large streams are analysed in pieces). */
  offset: number;
}

export interface LoadedWorkspace {
  model: WorkspaceModel;
  /** `file:line` (1-based) of a source reference, as the user named the file. */
  where(ref: SourceRef | undefined): string | undefined;
  /** Files whose validation found errors (their objects may be left out). */
  filesWithErrors: number;
}

/**
 * Reads PATHs (and the inventory) into a workspace model, or throws InputError (exit 2). Warnings go
 * to `io.stderr`.
 */
export async function loadWorkspace(req: WorkspaceRequest, io: Io): Promise<LoadedWorkspace> {
  const loaded = loadConfig(req.config, req.paths[0], io.cwd);
  const config: ProjectConfig = { ...loaded.config, ciliumVersion: req.ciliumVersion ?? loaded.config.ciliumVersion };
  const collected = collectInputs(req.paths, config, io.cwd, io.stderr);
  if (collected.unreadable > 0) throw new InputError('some inputs could not be read (see above).');
  for (const folder of collected.emptyFolders) io.stderr(`note: no files to read in ${folder} (include: ${config.include.join(', ')})`);

  const shown = new Map<string, ShownFile>();
  const files: FileModel[] = [];
  const engine = new Engine(config);
  let filesWithErrors = 0;
  const read = (display: string, abs: string | undefined, bytes: Uint8Array, isPatch: boolean, origin: ModelOrigin) => {
    const text = decode(bytes).text;
    const lines = new LineIndex(text);
    const base = abs ? pathToFileURL(abs).href : 'stdin:';
    let errors = false;
    for (const piece of pieces(text)) {
      const uri = piece.start === 0 ? base : `${base}#offset=${piece.start}`;
      shown.set(uri, { display, lines, offset: piece.start });
      const analysis = engine.analyzeFile({ uri, text: piece.text, isPatch });
      if (analysis.findings.some((f) => f.severity === 'error')) errors = true;
      files.push(extractFile(analysis, origin));
    }
    if (errors) filesWithErrors++;
  };

  for (const input of collected.inputs) {
    // The configuration configures; it declares no objects.
    if (input.abs !== undefined && (input.abs === loaded.file?.abs || basename(input.abs) === CONFIG_FILE_NAME)) continue;
    let bytes: Uint8Array;
    try {
      bytes = input.abs === undefined ? await io.readStdin() : readFileSync(input.abs);
    } catch (e) {
      throw new InputError(`cannot read ${input.display}: ${reason(e)}`);
    }
    read(input.display, input.abs, bytes, input.isPatch, 'declared');
  }
  if (req.inventory !== undefined) {
    const { abs, bytes } = readInventory(req.inventory, io.cwd);
    read(req.inventory, abs, bytes, false, 'inventory');
  }

  const model = buildWorkspaceModel(files);
  const where = (ref: SourceRef | undefined): string | undefined => {
    if (!ref) return undefined;
    const f = shown.get(ref.uri);
    if (!f) return undefined;
    return `${f.display}:${f.lines.positionAt(ref.span.start + f.offset).line + 1}`;
  };
  // Modelling findings (placeholders Capsule does not know, parts not modelled, …) as warnings.
  for (const [uri, findings] of model.findings) {
    for (const f of findings) io.stderr(`${findingLocation(shown.get(uri), f)}: warning ${f.ruleId} ${f.message}`);
  }
  if (filesWithErrors > 0) {
    io.stderr(`note: ${filesWithErrors} file${filesWithErrors === 1 ? ' has' : 's have'} errors; what they declare may be left out or read conservatively (tenant-policy check shows them).`);
  }
  return { model, where, filesWithErrors };
}

function findingLocation(f: ShownFile | undefined, finding: Finding): string {
  if (!f) return 'tenant-policy';
  const p = f.lines.positionAt(finding.span.start + f.offset);
  return `${f.display}:${p.line + 1}:${p.character + 1}`;
}

/** Notes about the parts of policies the engine does not model, once per run. */
export function reportUncertain(rows: readonly Connection[], io: Io): void {
  const n = rows.filter((r) => r.uncertain).length;
  if (n > 0) {
    io.stderr(`note: ${n} of ${rows.length} connection${rows.length === 1 ? '' : 's'} depend on parts of policies that tenant-policy does not model (marked "uncertain"); \`tenant-policy explain\` names them.`);
  }
}

export async function runConnectivity(req: ConnectivityRequest, io: Io): Promise<number> {
  let ws: LoadedWorkspace;
  try {
    ws = await loadWorkspace(req, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.message);
      return 2;
    }
    throw e;
  }
  const reach = new Reachability(ws.model);
  if (req.level === 'workload') {
    const rows = reach.connections('workload');
    reportUncertain(rows, io);
    io.stdout(format(req.format, rows, undefined, ws.model));
  } else {
    const view = reach.matrix(req.level);
    reportUncertain(view.connections, io);
    io.stdout(format(req.format, view.connections, view, ws.model));
  }
  return 0;
}

// ---- formats --------------------------------------------------------------------------------------

function format(fmt: ConnectivityRequest['format'], rows: Connection[], view: MatrixView | undefined, model: WorkspaceModel): string {
  switch (fmt) {
    case 'json':
      return formatJson(rows);
    case 'md':
      return formatMarkdown(rows);
    case 'dot':
      return formatDot(rows, view, model);
    case 'table':
      return view ? formatMatrix(view) : formatList(rows);
  }
}

/** One object per line, so that diffs of the output read well. */
export function formatJson(rows: readonly Connection[]): string {
  if (rows.length === 0) return '[]\n';
  const lines = rows.map((r) => {
    const o: Record<string, unknown> = { src: r.src, srcKind: r.srcKind, dst: r.dst, dstKind: r.dstKind, conns: r.conns.toString() };
    if (r.uncertain) o.uncertain = true;
    return `  ${JSON.stringify(o)}`;
  });
  return `[\n${lines.join(',\n')}\n]\n`;
}

function label(name: string, kind: string, showKind: boolean): string {
  return showKind && kind !== 'Namespace' && kind !== 'Tenant' ? `${name} [${kind}]` : name;
}

function formatList(rows: readonly Connection[]): string {
  if (rows.length === 0) return 'No connections.\n';
  const src = rows.map((r) => label(r.src, r.srcKind, true));
  const dst = rows.map((r) => label(r.dst, r.dstKind, true));
  const w1 = Math.max('SOURCE'.length, ...src.map((s) => s.length));
  const w2 = Math.max('DESTINATION'.length, ...dst.map((s) => s.length));
  const out = [`${'SOURCE'.padEnd(w1)}  ${'DESTINATION'.padEnd(w2)}  CONNECTIONS`];
  rows.forEach((r, i) => out.push(`${src[i].padEnd(w1)}  ${dst[i].padEnd(w2)}  ${r.conns.toString()}${r.uncertain ? ' (uncertain)' : ''}`));
  return `${out.join('\n')}\n`;
}

/** Beyond this many columns a matrix no longer fits a terminal: the table is a list instead. */
export const MATRIX_MAX_COLUMNS = 24;

/**
 * Sources down, destinations across. A cell is `all`, `-` (nothing), or a number that the legend below
 * the matrix spells out; `?` marks an uncertain cell. Groups without workloads are listed, not drawn.
 */
function formatMatrix(view: MatrixView): string {
  const live = view.groups.filter((g) => g.workloads > 0).map((g) => g.name);
  const empty = view.groups.filter((g) => g.workloads === 0).map((g) => g.name);
  const sources = [...live, ...new Set(view.connections.filter((r) => r.srcKind === 'External').map((r) => r.src))];
  const destinations = [...live, ...new Set(view.connections.filter((r) => r.dstKind === 'External').map((r) => r.dst))];
  const tail = empty.length > 0 ? `\n${view.level === 'namespace' ? 'Namespaces' : 'Groups'} without workloads (no traffic): ${empty.join(', ')}\n` : '';
  if (destinations.length > MATRIX_MAX_COLUMNS) return formatList(view.connections) + tail;
  const legend = new Map<string, string>();
  const cells = new Map<string, string>();
  for (const r of view.connections) {
    const text = r.conns.toString();
    let cell = 'all';
    if (text !== 'All Connections') {
      if (!legend.has(text)) legend.set(text, String(legend.size + 1));
      cell = legend.get(text)!;
    }
    cells.set(`${r.src}\u0000${r.dst}`, r.uncertain ? `${cell}?` : cell);
  }
  const corner = 'FROM \\ TO';
  const w0 = Math.max(corner.length, ...sources.map((s) => s.length));
  const widths = destinations.map((d) => Math.max(d.length, 4));
  const out = [`${corner.padEnd(w0)}  ${destinations.map((d, i) => d.padEnd(widths[i])).join('  ')}`.trimEnd()];
  for (const s of sources) {
    const line = destinations.map((d, i) => (cells.get(`${s}\u0000${d}`) ?? '-').padEnd(widths[i])).join('  ');
    out.push(`${s.padEnd(w0)}  ${line}`.trimEnd());
  }
  if (legend.size > 0) {
    out.push('');
    for (const [text, n] of legend) out.push(`${n}: ${text}`);
  }
  if ([...cells.values()].some((c) => c.endsWith('?'))) out.push('?: uncertain (depends on a part of a policy that is not modelled)');
  return `${out.join('\n')}\n${tail}`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function formatMarkdown(rows: readonly Connection[]): string {
  const out = ['| Source | Destination | Connections |', '| --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| ${mdCell(label(r.src, r.srcKind, true))} | ${mdCell(label(r.dst, r.dstKind, true))} | ${mdCell(r.conns.toString())}${r.uncertain ? ' (uncertain)' : ''} |`);
  }
  if (rows.length === 0) out.push('| _none_ | | |');
  return `${out.join('\n')}\n`;
}

function dotId(s: string): string {
  return JSON.stringify(s);
}

/** Graphviz: namespaces clustered by tenant (workloads inside their namespace), externals as boxes. */
function formatDot(rows: readonly Connection[], view: MatrixView | undefined, model: WorkspaceModel): string {
  const out = ['digraph connectivity {', '  rankdir=LR;', '  node [shape=ellipse, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const nodes = new Set<string>();
  const externals = new Set<string>();
  for (const r of rows) {
    for (const [name, kind] of [[r.src, r.srcKind], [r.dst, r.dstKind]] as const) {
      if (kind === 'External') externals.add(name);
      else nodes.add(name);
    }
  }
  const tenantOf = (ns: string) => model.namespaces.get(ns)?.tenant;
  if (!view || view.level === 'namespace') {
    // Namespaces (or workloads, by namespace) inside one cluster per tenant.
    const byTenant = new Map<string, Map<string, string[]>>();
    const place = (ns: string, node: string | undefined) => {
      const t = tenantOf(ns) ?? '';
      let m = byTenant.get(t);
      if (!m) byTenant.set(t, (m = new Map()));
      let list = m.get(ns);
      if (!list) m.set(ns, (list = []));
      if (node !== undefined) list.push(node);
    };
    if (view) for (const g of view.groups) place(g.name, undefined);
    else for (const n of nodes) place(n.slice(0, n.indexOf('/')), n);
    let k = 0;
    for (const [tenant, namespaces] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const indent = tenant ? '    ' : '  ';
      if (tenant) out.push(`  subgraph ${dotId(`cluster_tenant_${tenant}`)} {`, `    label=${dotId(`tenant ${tenant}`)};`, '    style=rounded;');
      for (const [ns, members] of [...namespaces].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (view) {
          out.push(`${indent}${dotId(ns)};`);
          continue;
        }
        out.push(`${indent}subgraph ${dotId(`cluster_ns_${k++}_${ns}`)} {`, `${indent}  label=${dotId(ns)};`, `${indent}  style=dashed;`);
        for (const m of members.sort()) out.push(`${indent}  ${dotId(m)} [label=${dotId(m.slice(ns.length + 1))}];`);
        out.push(`${indent}}`);
      }
      if (tenant) out.push('  }');
    }
  } else {
    for (const g of view.groups) out.push(`  ${dotId(g.name)}${g.kind === 'Tenant' ? ' [shape=box3d]' : ''};`);
  }
  for (const e of [...externals].sort()) out.push(`  ${dotId(e)} [shape=box, style=dashed];`);
  for (const r of rows) {
    const text = r.conns.toString();
    out.push(`  ${dotId(r.src)} -> ${dotId(r.dst)} [label=${dotId(text === 'All Connections' ? 'all' : text)}${r.uncertain ? ', style=dotted' : ''}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
