// The reachability facade for the editor and the CLI: who can talk to whom, on which ports, and why.
// Everything it returns is plain data (connection sets are immutable values with toString/toJSON).
//
//   const r = new Reachability(model);
//   r.connections('workload')            every pair with some allowed connection (the CLI's rows)
//   r.matrix('namespace' | 'tenant')     the aggregated matrix, with its groups
//   r.explain(src, dst, port?)           per-port verdicts and the rules responsible
//   r.previewPolicy(id)                  what each rule of one policy admits, per namespace and port
//   r.update(newModel)                   re-evaluates only what the changed policies select
//
// Levels. `workload`: one peer per workload (the conformance corpus's convention). `namespace`: the union
// over the pairs of distinct workloads of two namespaces — a namespace without workloads has no traffic
// and appears in no pair (`matrix` still lists it as a group, with `workloads: 0`); traffic between two
// workloads of one namespace is the pair (ns, ns). `tenant`: namespaces grouped by their Capsule tenant;
// a namespace without tenant is its own group, named after it (`namespace:<name>` if a tenant has that
// name). External address ranges are cut where some policy's address peers begin or end; neighbouring
// ranges that every peer sees alike are merged.
import type { Direction, Protocol, SourceRef, Workload } from './model/types';
import type { CompiledRule, Endpoint, IpRange, PolicyEffect, RuleContribution, WorkspaceModel } from './model/workspace';
import { ConnSet, MAX_PORT, MIN_PORT } from './semantics/connset';
import { NONE } from './semantics/conntable';
import { DIRECTIONS, EGRESS, Evaluator, INGRESS, sortedHas, type Dir, type PolicySlot, type RuleRec } from './semantics/evaluate';
import { rangeText } from './semantics/ip';
import { GroupMatrix, NamespaceMatrix, type Grid } from './semantics/matrix';

export type Level = 'workload' | 'namespace' | 'tenant';

/** One row of `connectivity`: a pair with some allowed connection. */
export interface Connection {
  src: string;
  dst: string;
  /** Workload kind, `Namespace`, `Tenant` or `External`. */
  srcKind: string;
  dstKind: string;
  conns: ConnSet;
  /** The verdict depends on a part of a selecting policy the engine does not model. */
  uncertain?: boolean;
}

export interface MatrixGroup {
  name: string;
  kind: 'Namespace' | 'Tenant';
  namespaces: string[];
  workloads: number;
  tenant?: string;
}

export interface MatrixView {
  level: 'namespace' | 'tenant';
  groups: MatrixGroup[];
  /** Non-empty cells, in-cluster first, then external ranges. */
  connections: Connection[];
}

/** An endpoint as a user names it: a namespace (every workload in it), a workload, or external addresses. */
export type EndpointRef = { namespace: string; workload?: string } | { external: IpRange };

export interface ExplainedEndpoint {
  name: string;
  /** Workload kind or `External`. */
  kind: string;
  /** A namespace without workloads is explained for a pod without labels in it. */
  hypothetical?: boolean;
}

export interface SideExplanation {
  direction: Direction;
  /** The workload the direction applies to; undefined for an external address (no policy restricts it). */
  subject?: string;
  /** Selecting policies that isolate the subject in this direction (ruleIndex -1). */
  isolatedBy: RuleContribution[];
  /** Rules that allow something between the subject and the peer (only when isolated). */
  allows: RuleContribution[];
  /** Deny rules that match (Cilium). */
  denies: RuleContribution[];
  allowed: ConnSet;
  /** Parts of selecting policies the engine does not model: this side's verdict may differ. */
  uncertain: SourceRef[];
  notes: string[];
}

export interface SideVerdict {
  allowed: boolean;
  /** The allow rules (allowed), deny rules or isolating policies (denied) responsible; empty: not isolated. */
  by: RuleContribution[];
}

export interface PortVerdict {
  conns: ConnSet;
  allowed: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
}

export interface Explanation {
  src: ExplainedEndpoint;
  dst: ExplainedEndpoint;
  allowed: ConnSet;
  uncertain: boolean;
  egress: SideExplanation;
  ingress: SideExplanation;
  /** The connection space split where the responsible rules change; allowed groups first. */
  verdicts: PortVerdict[];
}

export interface AdmittedWorkload {
  id: string;
  kind: string;
  conns: ConnSet;
}

export interface RulePreview {
  direction: Direction;
  ruleIndex: number;
  effect: 'allow' | 'deny';
  source?: SourceRef;
  /** Namespaces (by tenant; `tenant` undefined for namespaces without one) and the workloads admitted. */
  admits: { tenant?: string; namespaces: { namespace: string; workloads: AdmittedWorkload[] }[] }[];
  externals: { range: string; conns: ConnSet }[];
  notes: string[];
}

export interface PolicyPreview {
  policyId: string;
  kind: string;
  source: SourceRef;
  /** Workload ids the policy applies to. */
  selects: string[];
  isolates: { ingress: boolean; egress: boolean };
  uncertain: boolean;
  rules: RulePreview[];
}

export interface UpdateResult {
  /** Everything was rebuilt (namespaces or workloads changed). */
  rebuilt: boolean;
  removed: number;
  added: number;
  /** Workload classes whose sides were re-evaluated. */
  reevaluated: number;
}

export class ReachabilityError extends Error {}

export function ruleLabel(c: Pick<RuleContribution, 'direction' | 'ruleIndex' | 'effect'>): string {
  if (c.ruleIndex < 0) return `isolates ${c.direction}`;
  return `${c.direction}${c.effect === 'deny' ? 'Deny' : ''}[${c.ruleIndex}]`;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k] || !Object.prototype.hasOwnProperty.call(b, k)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Do two models declare the same namespaces and workloads, as far as policies can tell them apart? */
function sameInventory(a: WorkspaceModel, b: WorkspaceModel): boolean {
  if (a === b) return true;
  if (a.namespaces.size !== b.namespaces.size || a.workloads.length !== b.workloads.length) return false;
  for (const [name, x] of a.namespaces) {
    const y = b.namespaces.get(name);
    if (!y || (x !== y && (x.tenant !== y.tenant || !sameLabels(x.labels, y.labels)))) return false;
  }
  const byId = new Map<string, Workload>();
  for (const w of a.workloads) byId.set(w.id, w);
  for (const y of b.workloads) {
    const x = byId.get(y.id);
    if (!x) return false;
    if (x === y) continue;
    if (x.kind !== y.kind || x.namespace !== y.namespace || !sameLabels(x.labels, y.labels) || x.ports.length !== y.ports.length) return false;
    for (let i = 0; i < x.ports.length; i++) {
      const p = x.ports[i];
      const q = y.ports[i];
      if (p.name !== q.name || p.port !== q.port || p.protocol !== q.protocol) return false;
    }
  }
  return true;
}

export class Reachability {
  private ev: Evaluator;
  private nsMatrix?: NamespaceMatrix;
  private groupMatrix?: GroupMatrix;
  private groups?: { names: string[]; kinds: ('Tenant' | 'Namespace')[]; groupOf: Int32Array };
  private model: WorkspaceModel;
  /** The in-cluster rows of each matrix view, by source group; null: to be read from the grid. */
  private readonly views = new Map<'namespace' | 'tenant', (CachedRow | null)[]>();
  private readonly matrixViews = new Map<'namespace' | 'tenant', MatrixView>();

  constructor(model: WorkspaceModel) {
    this.model = model;
    this.ev = new Evaluator(model);
  }

  /** The evaluator, for benchmarks and tests. */
  get evaluator(): Evaluator {
    return this.ev;
  }

  // ---- connections and matrices -----------------------------------------------------------------

  connections(level: Level): Connection[] {
    return level === 'workload' ? this.workloadConnections() : this.matrix(level).connections;
  }

  private workloadConnections(): Connection[] {
    const ev = this.ev;
    const t = ev.table;
    // Workload pairs as numbers first (rank of source and destination by id, conn id), sorted as
    // numbers: with millions of rows a sort on strings would cost more than the evaluation.
    const order = ev.classes.flatMap((cl) => cl.workloads).sort((x, y) => byName(x.id, y.id));
    const rank = new Map(order.map((w, i) => [w, i] as const));
    const ranks = ev.classes.map((cl) => Int32Array.from(cl.workloads, (w) => rank.get(w)!));
    const W = order.length;
    const keys: number[] = [];
    const values: number[] = [];
    ev.forEachPair((a, b, conn, unc) => {
      if (conn === NONE) return;
      const value = unc ? -conn - 1 : conn;
      const ra = ranks[a];
      const rb = ranks[b];
      for (let i = 0; i < ra.length; i++) {
        for (let j = 0; j < rb.length; j++) {
          if (ra[i] === rb[j]) continue;
          keys.push(ra[i] * W + rb[j]);
          values.push(value);
        }
      }
    });
    const idx = Uint32Array.from(keys, (_, i) => i).sort((i, j) => keys[i] - keys[j]);
    const out: Connection[] = new Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      const wa = order[Math.floor(keys[i] / W)];
      const wb = order[keys[i] % W];
      const v = values[i];
      out[k] = row(wa.id, wa.kind, wb.id, wb.kind, t.set(v < 0 ? -v - 1 : v), v < 0);
    }
    const C = ev.classCount;
    // External pieces: neighbouring pieces that every class sees alike merge. Only the classes whose
    // rules tell addresses apart can differ between pieces, so only they are compared.
    for (const dir of [INGRESS, EGRESS] as const) {
      const pieces = dir === INGRESS ? ev.segIn : ev.segOut;
      const varying: number[] = [];
      for (let c = 0; c < C; c++) if (ev.sides[dir][c].external < 0) varying.push(c);
      const at = new Int32Array(C).fill(-1);
      varying.forEach((c, i) => (at[c] = i));
      const value = (s: number, c: number) => (dir === INGRESS ? ev.fromExternal(s, c) : ev.toExternal(c, s));
      forEachMergedPiece(
        pieces,
        varying.length,
        (s, values) => varying.forEach((c, i) => (values[i] = value(s, c))),
        (range, _first, values) => {
          const name = rangeText(range);
          for (let c = 0; c < C; c++) {
            const v = at[c] >= 0 ? values[at[c]] : ev.sides[dir][c].external;
            if (v === NONE) continue;
            const conns = t.set(v);
            const unc = ev.sides[dir][c].uncertain;
            for (const w of ev.classes[c].workloads) out.push(dir === INGRESS ? row(name, 'External', w.id, w.kind, conns, unc) : row(w.id, w.kind, name, 'External', conns, unc));
          }
        },
      );
    }
    return out;
  }

  private ensureMatrices(level: 'namespace' | 'tenant'): void {
    this.nsMatrix ??= new NamespaceMatrix(this.ev);
    if (level === 'tenant' && !this.groupMatrix) {
      const g = this.tenantGroups();
      this.groupMatrix = new GroupMatrix(this.ev, this.nsMatrix, g.groupOf, g.names.length);
    }
  }

  private tenantGroups(): { names: string[]; kinds: ('Tenant' | 'Namespace')[]; groupOf: Int32Array } {
    if (this.groups) return this.groups;
    const ev = this.ev;
    const tenants = new Set<string>();
    for (const info of ev.nsInfos) if (info?.tenant) tenants.add(info.tenant);
    const keyOf = ev.nsNames.map((n, i) => {
      const tenant = ev.nsInfos[i]?.tenant;
      if (tenant) return { name: tenant, kind: 'Tenant' as const };
      return { name: tenants.has(n) ? `namespace:${n}` : n, kind: 'Namespace' as const };
    });
    const names = [...new Set(keyOf.map((k) => k.name))].sort();
    const index = new Map(names.map((n, i) => [n, i]));
    const kinds = names.map((n) => (tenants.has(n) ? ('Tenant' as const) : ('Namespace' as const)));
    const groupOf = Int32Array.from(keyOf.map((k) => index.get(k.name)!));
    this.groups = { names, kinds, groupOf };
    return this.groups;
  }

  /** The matrix at a level. The view is cached until the next change: treat it as read-only. */
  matrix(level: 'namespace' | 'tenant'): MatrixView {
    let view = this.matrixViews.get(level);
    if (!view) {
      view = this.computeMatrix(level);
      this.matrixViews.set(level, view);
    }
    return view;
  }

  private computeMatrix(level: 'namespace' | 'tenant'): MatrixView {
    this.ensureMatrices(level);
    const ev = this.ev;
    const workloadsPerNs = ev.nsNames.map((_, x) => ev.classesOfNamespace(x)).map(([s, e]) => {
      let n = 0;
      for (let c = s; c < e; c++) n += ev.classes[c].workloads.length;
      return n;
    });
    let groups: MatrixGroup[];
    let grid: Grid;
    let extIn: Grid;
    let extOut: Grid;
    if (level === 'namespace') {
      const m = this.nsMatrix!;
      groups = ev.nsNames.map((name, x) => {
        const g: MatrixGroup = { name, kind: 'Namespace', namespaces: [name], workloads: workloadsPerNs[x] };
        const tenant = ev.nsInfos[x]?.tenant;
        if (tenant) g.tenant = tenant;
        return g;
      });
      grid = m.grid;
      extIn = m.extIn;
      extOut = m.extOut;
    } else {
      const tg = this.tenantGroups();
      const m = this.groupMatrix!;
      groups = tg.names.map((name, g) => ({ name, kind: tg.kinds[g], namespaces: [], workloads: 0 }));
      tg.groupOf.forEach((g, x) => {
        groups[g].namespaces.push(ev.nsNames[x]);
        groups[g].workloads += workloadsPerNs[x];
      });
      for (const g of groups) if (g.kind === 'Tenant') g.tenant = g.name;
      grid = m.grid;
      extIn = m.extIn;
      extOut = m.extOut;
    }
    const t = ev.table;
    const kind = (g: MatrixGroup) => g.kind;
    const out: Connection[] = [];
    const G = groups.length;
    // Rows are cached between calls: after an edit only the rows it touched are read again.
    let cache = this.views.get(level);
    if (!cache || cache.length !== G) this.views.set(level, (cache = new Array<CachedRow | null>(G).fill(null)));
    for (let x = 0; x < G; x++) {
      let cached = cache[x];
      if (!cached) {
        const dst: number[] = [];
        const conns: Connection[] = [];
        for (const [y, conn, unc] of grid.row(x)) {
          if (conn === NONE) continue;
          dst.push(y);
          conns.push(row(groups[x].name, kind(groups[x]), groups[y].name, kind(groups[y]), t.set(conn), unc));
        }
        cached = { dst: Int32Array.from(dst), conns };
        cache[x] = cached;
      }
      for (const c of cached.conns) out.push(c);
    }
    const inPieces = mergePieces(ev.segIn, G, (s, values) => {
      for (let y = 0; y < G; y++) values[y] = extIn.conn(s, y);
    });
    for (const { range, first, values } of inPieces) {
      for (let y = 0; y < G; y++) {
        if (values[y] !== NONE) out.push(row(rangeText(range), 'External', groups[y].name, kind(groups[y]), t.set(values[y]), extIn.uncertain(first, y)));
      }
    }
    const outPieces = mergePieces(ev.segOut, G, (s, values) => {
      for (let x = 0; x < G; x++) values[x] = extOut.conn(x, s);
    });
    for (const { range, first, values } of outPieces) {
      for (let x = 0; x < G; x++) {
        if (values[x] !== NONE) out.push(row(groups[x].name, kind(groups[x]), rangeText(range), 'External', t.set(values[x]), extOut.uncertain(x, first)));
      }
    }
    return { level, groups, connections: out };
  }

  // ---- incremental updates ------------------------------------------------------------------------

  /**
   * A new model of the same workspace. When namespaces and workloads are unchanged (the usual edit: a
   * policy), only the policies that differ are replaced, and only what they select is re-evaluated.
   */
  update(model: WorkspaceModel): UpdateResult {
    if (!sameInventory(this.model, model)) {
      this.model = model;
      this.ev = new Evaluator(model);
      this.nsMatrix = undefined;
      this.groupMatrix = undefined;
      this.groups = undefined;
      this.views.clear();
      this.matrixViews.clear();
      return { rebuilt: true, removed: 0, added: model.policies.length, reevaluated: this.ev.classCount };
    }
    this.adoptInventory(model);
    // Match policies: the same effect or modelled object, else the same id, kind and content (an edit
    // that only moved text). Content keys are computed only for what identity does not match.
    const live = new Map<object, number>();
    this.ev.slots.forEach((slot, i) => {
      if (!slot) return;
      live.set(slot.effect, i);
      if (slot.effect.origin) live.set(slot.effect.origin, i);
    });
    const keep = new Set<number>();
    const added: PolicyEffect[] = [];
    const moved: { slot: number; effect: PolicyEffect }[] = [];
    const unmatched: PolicyEffect[] = [];
    for (const p of model.policies) {
      let same = live.get(p);
      if (same === undefined && p.origin) same = live.get(p.origin);
      if (same !== undefined && !keep.has(same)) {
        keep.add(same);
        const slot = this.ev.slots[same]!;
        // An effect of the same modelled object: same rules, same sources; nothing to redo.
        if (slot.effect !== p) {
          if (p.origin !== undefined && p.origin === slot.effect.origin) slot.effect = p;
          else moved.push({ slot: same, effect: p });
        }
        continue;
      }
      unmatched.push(p);
    }
    const byContent = new Map<string, number[]>();
    if (unmatched.length > 0) {
      this.ev.slots.forEach((slot, i) => {
        if (!slot || keep.has(i)) return;
        const k = contentKey(slot.effect);
        if (k === undefined) return;
        const list = byContent.get(k);
        if (list) list.push(i);
        else byContent.set(k, [i]);
      });
    }
    for (const p of unmatched) {
      const k = contentKey(p);
      const candidates = k === undefined ? undefined : byContent.get(k);
      const slot = candidates?.find((s) => !keep.has(s));
      if (slot !== undefined) {
        keep.add(slot);
        moved.push({ slot, effect: p });
        continue;
      }
      added.push(p);
    }
    const removed: number[] = [];
    this.ev.slots.forEach((slot, i) => {
      if (slot && !keep.has(i)) removed.push(i);
    });
    // Same semantics, new source positions: swap without re-evaluating anything.
    for (const m of moved) this.swapSilently(m.slot, m.effect);
    this.model = model;
    const reevaluated = this.replaceSlots(removed, added);
    return { rebuilt: false, removed: removed.length, added: added.length, reevaluated };
  }

  /** Replaces the policies with these ids by `added` (which may reuse the ids). */
  replacePolicies(removedIds: readonly string[], added: readonly PolicyEffect[]): UpdateResult {
    const ids = new Set(removedIds);
    const removed: number[] = [];
    this.ev.slots.forEach((slot, i) => {
      if (slot && ids.has(slot.effect.id)) removed.push(i);
    });
    const reevaluated = this.replaceSlots(removed, [...added]);
    const gone = new Set(removed.map((i) => i));
    this.model = { ...this.model, policies: [...this.ev.slots.filter((s, i): s is PolicySlot => !!s && !gone.has(i)).map((s) => s.effect)] };
    return { rebuilt: false, removed: removed.length, added: added.length, reevaluated };
  }

  private replaceSlots(removed: number[], added: PolicyEffect[]): number {
    const ev = this.ev;
    const affected = new Set<number>();
    const touch = (r: { subjects: Int32Array; scope: Int32Array }) => {
      for (const c of r.subjects) affected.add(c);
      for (const c of r.scope) affected.add(c);
    };
    for (const i of removed) touch(ev.removePolicy(i));
    for (const p of added) touch(ev.addPolicy(p));
    for (const c of affected) ev.deriveSide(c);
    const cut = removed.length + added.length > 0 ? ev.cutExternals() : false;
    if (affected.size > 0 || cut) this.matrixViews.clear();
    if (this.nsMatrix) {
      const namespaces = new Set<number>();
      for (const c of affected) namespaces.add(ev.classes[c].ns);
      if (namespaces.size > 0 || cut) {
        this.nsMatrix.recompute(namespaces, cut);
        this.invalidate('namespace', this.nsMatrix.grid, namespaces);
        if (this.groupMatrix) {
          this.groupMatrix.recompute(namespaces, cut);
          this.invalidate('tenant', this.groupMatrix.grid, new Set([...namespaces].map((x) => this.groupMatrix!.groupOf[x])));
        }
      }
    }
    return affected.size;
  }

  /** Forgets the cached view rows that groups `changed` (as sources or destinations) may have altered. */
  private invalidate(level: 'namespace' | 'tenant', grid: Grid, changed: ReadonlySet<number>): void {
    const cache = this.views.get(level);
    if (!cache) return;
    for (let y = 0; y < cache.length; y++) {
      const cached = cache[y];
      if (!cached) continue;
      if (changed.has(y)) {
        cache[y] = null;
        continue;
      }
      for (const x of changed) {
        if (grid.conn(y, x) !== NONE || sortedHas(cached.dst, x)) {
          cache[y] = null;
          break;
        }
      }
    }
  }

  private swapSilently(slot: number, effect: PolicyEffect): void {
    const ev = this.ev;
    const old = ev.slots[slot]!;
    const compiled = effect.compile?.();
    if (compiled && old.compiled && compiled.rules.length === old.rules.length) {
      old.rules.forEach((r, i) => {
        ev.rules[r]!.compiled = compiled.rules[i];
      });
      old.compiled = compiled;
    }
    old.effect = effect;
  }

  /** Same namespaces and workloads, new objects (their sources may have moved). */
  private adoptInventory(model: WorkspaceModel): void {
    const ev = this.ev;
    const fresh = new Map(model.workloads.map((w) => [w.id, w] as const));
    for (const cl of ev.classes) {
      cl.workloads = cl.workloads.map((w) => fresh.get(w.id) ?? w);
      cl.rep = cl.workloads[0];
      for (const w of cl.workloads) {
        ev.classOf.set(w, cl.index);
        ev.workloadById.set(w.id, w);
      }
    }
    ev.nsNames.forEach((n, i) => {
      ev.nsInfos[i] = model.namespaces.get(n) ?? ev.nsInfos[i];
    });
  }

  // ---- explain ------------------------------------------------------------------------------------

  /**
   * Why src may or may not reach dst. A namespace stands for each of its workloads (one explanation per
   * pair); a namespace without workloads for a pod without labels in it (marked `hypothetical`). An
   * address range is split where policies tell its addresses apart. With `port`, only that port.
   */
  explain(src: EndpointRef, dst: EndpointRef, port?: { protocol: Protocol; port: number }): Explanation[] {
    const sources = this.resolve(src, 'src');
    const destinations = this.resolve(dst, 'dst');
    if ('external' in src && 'external' in dst) throw new ReachabilityError('between two external addresses there is nothing to explain: policies apply to workloads.');
    const out: Explanation[] = [];
    for (const s of sources) {
      for (const d of destinations) {
        if (s.type === 'workload' && d.type === 'workload' && s.workload === d.workload) continue;
        out.push(this.explainPair(s, d, port));
      }
    }
    if (out.length === 0) throw new ReachabilityError('the source and the destination are the same workload; traffic between its own pods is not analysed.');
    return out;
  }

  /**
   * Why one pod may reach another, for pods the inputs need not declare: a rule probing what the pods a
   * policy selects in a namespace without workloads would get (`hypothetical` marks them).
   */
  explainPods(src: { workload: Workload; hypothetical?: boolean }, dst: { workload: Workload; hypothetical?: boolean }, port?: { protocol: Protocol; port: number }): Explanation {
    return this.explainPair({ type: 'workload', ...src }, { type: 'workload', ...dst }, port);
  }

  private resolve(ref: EndpointRef, role: 'src' | 'dst'): (Endpoint & { hypothetical?: boolean })[] {
    const ev = this.ev;
    if ('external' in ref) {
      const pieces = role === 'src' ? ev.segIn : ev.segOut;
      const r = ref.external;
      return pieces
        .filter((p) => p.last >= r.first && p.first <= r.last)
        .map((p) => ({ type: 'external' as const, range: { first: Math.max(p.first, r.first), last: Math.min(p.last, r.last) } }));
    }
    if (ref.workload !== undefined) {
      const w = ev.workloadById.get(`${ref.namespace}/${ref.workload}`);
      if (!w) {
        const known = this.model.workloads.filter((x) => x.namespace === ref.namespace).map((x) => x.name);
        throw new ReachabilityError(`no workload ${ref.namespace}/${ref.workload} in the inputs${known.length ? `; ${ref.namespace} has ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}` : ''}.`);
      }
      return [{ type: 'workload', workload: w }];
    }
    const x = ev.nsIndex.get(ref.namespace);
    if (x === undefined) throw new ReachabilityError(`no namespace ${ref.namespace} in the inputs.`);
    const [s, e] = ev.classesOfNamespace(x);
    const ws: Workload[] = [];
    for (let c = s; c < e; c++) ws.push(...ev.classes[c].workloads);
    if (ws.length === 0) {
      const pod: Workload = { id: `${ref.namespace}/*`, namespace: ref.namespace, name: '*', kind: 'Pod', labels: {}, ports: [], origin: 'declared' };
      return [{ type: 'workload', workload: pod, hypothetical: true }];
    }
    return ws.sort((a, b) => byName(a.id, b.id)).map((workload) => ({ type: 'workload' as const, workload }));
  }

  private selectingSlots(w: Workload): PolicySlot[] {
    const ev = this.ev;
    const c = ev.classOf.get(w);
    if (c !== undefined) return ev.selecting[c].map((s) => ev.slots[s]!);
    return ev.slots.filter((s): s is PolicySlot => !!s && s.effect.selects(w));
  }

  private explainSide(dir: Dir, subject: (Endpoint & { hypothetical?: boolean }), peer: Endpoint): SideExplanation {
    const direction = DIRECTIONS[dir];
    if (subject.type === 'external') {
      return { direction, isolatedBy: [], allows: [], denies: [], allowed: ConnSet.ALL, uncertain: [], notes: [] };
    }
    const w = subject.workload;
    const slots = this.selectingSlots(w);
    const isolatedBy: RuleContribution[] = [];
    const allows: RuleContribution[] = [];
    const denies: RuleContribution[] = [];
    const uncertain: SourceRef[] = [];
    const notes = new Set<string>();
    for (const slot of slots) {
      const e = slot.effect;
      if (e.unmodelled.length > 0) uncertain.push(...e.unmodelled);
      if (slot.isolates[dir]) {
        isolatedBy.push({ policyId: e.id, policyKind: e.kind, direction, ruleIndex: -1, effect: 'deny', conns: ConnSet.ALL, source: e.source });
      }
      denies.push(...e.denies(direction, w, peer));
      if (peer.type === 'external' && slot.compiled) {
        for (const r of slot.compiled.rules) if (r.direction === direction && r.notes) r.notes.forEach((n) => notes.add(n));
      }
    }
    const isolated = isolatedBy.length > 0;
    if (isolated) for (const slot of slots) allows.push(...slot.effect.allows(direction, w, peer));
    let allowed = isolated ? ConnSet.NONE : ConnSet.ALL;
    for (const a of allows) allowed = allowed.union(a.conns);
    for (const d of denies) allowed = allowed.subtract(d.conns);
    const c = this.ev.classOf.get(w);
    if (c !== undefined && this.ev.sides[dir][c].uncertain && uncertain.length === 0) {
      notes.add('which workloads some policy of this namespace selects is uncertain (an unreadable podSelector)');
      uncertain.push(...this.scopeSources(c));
    }
    if (subject.hypothetical) {
      const labels = Object.entries(w.labels).map(([k, v]) => `${k}=${v}`).join(', ');
      notes.add(`${w.namespace} has no workloads in the inputs: this is what a pod ${labels ? `labelled ${labels}` : 'without labels'} there would get`);
    }
    return { direction, subject: w.id, isolatedBy, allows, denies, allowed, uncertain, notes: [...notes] };
  }

  /** The unmodelled parts of the policies whose selection of class c is uncertain. */
  private scopeSources(c: number): SourceRef[] {
    return this.ev.slots.filter((s): s is PolicySlot => !!s && s.scope.includes(c)).flatMap((s) => s.effect.unmodelled);
  }

  private explainPair(src: Endpoint & { hypothetical?: boolean }, dst: Endpoint & { hypothetical?: boolean }, port?: { protocol: Protocol; port: number }): Explanation {
    const egress = this.explainSide(EGRESS, src, dst);
    const ingress = this.explainSide(INGRESS, dst, src);
    let allowed = egress.allowed.intersect(ingress.allowed);
    const sets: ConnSet[] = [...egress.allows, ...egress.denies, ...ingress.allows, ...ingress.denies].map((c) => c.conns);
    let atoms = partition(sets);
    if (port) {
      const only = ConnSet.port(port.protocol, port.port);
      atoms = atoms.filter((a) => !a.intersect(only).isEmpty()).map(() => only);
      allowed = allowed.intersect(only);
    }
    const verdicts: PortVerdict[] = atoms.map((conns) => {
      const e = sideVerdict(egress, conns);
      const i = sideVerdict(ingress, conns);
      return { conns, allowed: e.allowed && i.allowed, egress: e, ingress: i };
    });
    // Allowed groups first; within each kind, narrow groups before wide ones ("everything else" last).
    const size = (c: ConnSet) => PROTOCOL_ORDER.reduce((n, p) => n + c.ranges(p).reduce((m, [a, b]) => m + b - a + 1, 0), 0);
    verdicts.sort((a, b) => Number(b.allowed) - Number(a.allowed) || size(a.conns) - size(b.conns));
    // As in the matrix: an uncertain side matters unless the other side certainly allows nothing.
    const eU = egress.uncertain.length > 0;
    const iU = ingress.uncertain.length > 0;
    return {
      src: endpointInfo(src),
      dst: endpointInfo(dst),
      allowed,
      uncertain: (eU && (!ingress.allowed.isEmpty() || iU)) || (iU && !egress.allowed.isEmpty()),
      egress,
      ingress,
      verdicts,
    };
  }

  // ---- policy preview -----------------------------------------------------------------------------

  /** What each rule of the policy (every policy with this id) admits, per namespace, workload and port. */
  previewPolicy(policyId: string): PolicyPreview[] {
    const ev = this.ev;
    const out: PolicyPreview[] = [];
    for (const slot of ev.slots) {
      if (!slot || slot.effect.id !== policyId) continue;
      const selects: string[] = [];
      for (const c of slot.subjects) for (const w of ev.classes[c].workloads) selects.push(w.id);
      const preview: PolicyPreview = {
        policyId,
        kind: slot.effect.kind,
        source: slot.effect.source,
        selects: selects.sort(byName),
        isolates: { ingress: slot.isolates[INGRESS], egress: slot.isolates[EGRESS] },
        uncertain: slot.uncertain || [...slot.subjects].some((c) => ev.sides[0][c].uncertain || ev.sides[1][c].uncertain),
        rules: slot.compiled ? slot.rules.map((r) => this.previewRule(slot, ev.rules[r]!)) : this.previewGeneric(slot),
      };
      out.push(preview);
    }
    return out;
  }

  private previewRule(slot: PolicySlot, r: RuleRec): RulePreview {
    const ev = this.ev;
    const t = ev.table;
    const rule: CompiledRule = r.compiled;
    // Ingress: ports resolve on the subjects (the destinations); egress: on each admitted peer.
    let ingressConns = NONE;
    if (r.dir === INGRESS) {
      if (slot.subjects.length === 0) ingressConns = ev.ruleConn(r, -1);
      for (const c of slot.subjects) ingressConns = t.union(ingressConns, ev.ruleConn(r, c));
    }
    const byNs = new Map<number, AdmittedWorkload[]>();
    // Namespaces a namespace selector picks are listed even when none of their workloads matches.
    for (const m of rule.workloads) if (m.type === 'pods') for (const x of ev.namespacesOf(m.namespaces)) if (!byNs.has(x)) byNs.set(x, []);
    const members = r.peers.all ? Array.from({ length: ev.classCount }, (_, i) => i) : r.peers.list!;
    for (const c of members) {
      const cl = ev.classes[c];
      const conn = r.dir === INGRESS ? ingressConns : ev.ruleConn(r, c);
      let list = byNs.get(cl.ns);
      if (!list) byNs.set(cl.ns, (list = []));
      for (const w of cl.workloads) list.push({ id: w.id, kind: w.kind, conns: t.set(conn) });
    }
    const externalConns = r.dir === INGRESS ? t.set(ingressConns) : t.set(ev.ruleConn(r, -1));
    return {
      direction: DIRECTIONS[r.dir],
      ruleIndex: rule.ruleIndex,
      effect: rule.effect,
      source: rule.source,
      admits: this.groupByTenant(byNs),
      externals: rule.externals.map((x) => ({ range: rangeText(x), conns: externalConns })),
      notes: rule.notes ?? [],
    };
  }

  /** A policy without a compiled form: ask it about every peer class for each subject. */
  private previewGeneric(slot: PolicySlot): RulePreview[] {
    const ev = this.ev;
    const rules = new Map<string, { preview: RulePreview; byNs: Map<number, AdmittedWorkload[]>; seen: Set<string> }>();
    const get = (c: RuleContribution) => {
      const key = `${c.direction}|${c.effect}|${c.ruleIndex}`;
      let r = rules.get(key);
      if (!r) {
        r = { preview: { direction: c.direction, ruleIndex: c.ruleIndex, effect: c.effect, source: c.source, admits: [], externals: [], notes: [] }, byNs: new Map(), seen: new Set() };
        rules.set(key, r);
      }
      return r;
    };
    for (const s of slot.subjects) {
      const subject = ev.classes[s].rep;
      for (const direction of DIRECTIONS) {
        for (let c = 0; c < ev.classCount; c++) {
          const peer: Endpoint = { type: 'workload', workload: ev.classes[c].rep };
          for (const contribution of [...slot.effect.allows(direction, subject, peer), ...slot.effect.denies(direction, subject, peer)]) {
            const r = get(contribution);
            let list = r.byNs.get(ev.classes[c].ns);
            if (!list) r.byNs.set(ev.classes[c].ns, (list = []));
            for (const w of ev.classes[c].workloads) {
              if (r.seen.has(w.id)) continue;
              r.seen.add(w.id);
              list.push({ id: w.id, kind: w.kind, conns: contribution.conns });
            }
          }
        }
      }
    }
    return [...rules.values()].map((r) => ({ ...r.preview, admits: this.groupByTenant(r.byNs) }));
  }

  private groupByTenant(byNs: Map<number, AdmittedWorkload[]>): RulePreview['admits'] {
    const ev = this.ev;
    const tenants = new Map<string, { tenant?: string; namespaces: { namespace: string; workloads: AdmittedWorkload[] }[] }>();
    for (const x of [...byNs.keys()].sort((a, b) => a - b)) {
      const tenant = ev.nsInfos[x]?.tenant;
      const key = tenant ?? '';
      let g = tenants.get(key);
      if (!g) {
        g = tenant ? { tenant, namespaces: [] } : { namespaces: [] };
        tenants.set(key, g);
      }
      g.namespaces.push({ namespace: ev.nsNames[x], workloads: byNs.get(x)!.sort((a, b) => byName(a.id, b.id)) });
    }
    return [...tenants.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : byName(a, b))).map(([, g]) => g);
  }
}

interface CachedRow {
  /** Destination group indices, ascending, with their connections. */
  dst: Int32Array;
  conns: Connection[];
}

function contentKey(p: PolicyEffect): string | undefined {
  const k = p.contentKey;
  return k === undefined ? undefined : `${p.kind}|${p.id}|${k}`;
}

function row(src: string, srcKind: string, dst: string, dstKind: string, conns: ConnSet, uncertain: boolean): Connection {
  const r: Connection = { src, srcKind, dst, dstKind, conns };
  if (uncertain) r.uncertain = true;
  return r;
}

function endpointInfo(e: Endpoint & { hypothetical?: boolean }): ExplainedEndpoint {
  if (e.type === 'external') return { name: rangeText(e.range), kind: 'External' };
  const out: ExplainedEndpoint = { name: e.workload.id, kind: e.workload.kind };
  if (e.hypothetical) out.hypothetical = true;
  return out;
}

/**
 * Consecutive pieces whose value vectors are equal, merged: each merged range is emitted with the index
 * of its first piece and the shared values. Two vectors live at a time, however many pieces there are.
 */
function mergePieces(pieces: IpRange[], width: number, fill: (piece: number, values: Int32Array) => void): { range: IpRange; first: number; values: Int32Array }[] {
  const out: { range: IpRange; first: number; values: Int32Array }[] = [];
  forEachMergedPiece(pieces, width, fill, (range, first, values) => out.push({ range, first, values: values.slice() }));
  return out;
}

function forEachMergedPiece(
  pieces: IpRange[],
  width: number,
  fill: (piece: number, values: Int32Array) => void,
  emit: (range: IpRange, first: number, values: Int32Array) => void,
): void {
  let current = new Int32Array(width);
  let next = new Int32Array(width);
  let range: IpRange | undefined;
  let first = 0;
  for (let s = 0; s < pieces.length; s++) {
    fill(s, next);
    if (range && range.last + 1 === pieces[s].first && sameValues(current, next)) {
      range = { first: range.first, last: pieces[s].last };
      continue;
    }
    if (range) emit(range, first, current);
    [current, next] = [next, current];
    range = { ...pieces[s] };
    first = s;
  }
  if (range) emit(range, first, current);
}

function sameValues(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const PROTOCOL_ORDER: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

/**
 * The whole connection space split into groups on which every given set is constant (each group is
 * inside or outside each set); groups in protocol and port order of their first port.
 */
export function partition(sets: readonly ConnSet[]): ConnSet[] {
  const groups = new Map<string, { conns: ConnSet; order: number }>();
  let order = 0;
  for (const p of PROTOCOL_ORDER) {
    const cuts = new Set<number>([MIN_PORT, MAX_PORT + 1]);
    for (const s of sets) for (const [a, b] of s.ranges(p)) {
      cuts.add(a);
      cuts.add(b + 1);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i];
      const hi = points[i + 1] - 1;
      const key = sets.map((s) => (s.has(p, lo) ? '1' : '0')).join('');
      const piece = ConnSet.port(p, lo, hi);
      const g = groups.get(key);
      if (g) g.conns = g.conns.union(piece);
      else groups.set(key, { conns: piece, order: order++ });
    }
  }
  return [...groups.values()].sort((a, b) => a.order - b.order).map((g) => g.conns);
}

function sideVerdict(side: SideExplanation, conns: ConnSet): SideVerdict {
  const touches = (c: RuleContribution) => !c.conns.intersect(conns).isEmpty();
  const denies = side.denies.filter(touches);
  if (denies.length > 0) return { allowed: false, by: denies };
  if (side.isolatedBy.length === 0) return { allowed: true, by: [] };
  const allows = side.allows.filter(touches);
  if (allows.length > 0) return { allowed: true, by: allows };
  return { allowed: false, by: side.isolatedBy };
}

