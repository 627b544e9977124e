// The reachability evaluator. For traffic src → dst:
//   allowed = egress side (src as subject, dst as peer) ∩ ingress side (dst as subject, src as peer);
//   a side is everything when no policy that selects the subject isolates that direction, otherwise the
//   union of what the selecting policies' rules allow for that peer; then Cilium-style denies of that
//   side are subtracted. External addresses are not subjects: their side allows everything.
//
// Built for a real multi-tenant cluster (hundreds of namespaces, thousands of workloads, tens of
// thousands of policies):
//   - workloads that no selector can tell apart (same namespace, labels and container ports) form one
//     class; everything below is per class;
//   - each policy's subjects and each rule's peers are computed once, as sorted class lists or bitsets,
//     shared between the many policies that repeat a selector (keyed by its canonical text);
//   - connection sets are integers (ConnTable), so the inner loops allocate nothing;
//   - a source whose egress is isolated is only paired with the peers its egress rules can match.
// Policies can be replaced one at a time: only the classes they select (before and after) change sides.
import type { Direction, LabelSelector, NamespaceInfo, Workload } from '../model/types';
import type { CompiledPolicy, CompiledRule, Endpoint, IpRange, NamespaceMatch, PolicyEffect, WorkloadMatch, WorkspaceModel } from '../model/workspace';
import { ALL, ConnTable, NONE } from './conntable';
import { containsRange, cutSpace, IPV4_MAX, piecesFrom } from './ip';
import { labelsOfNamespace } from './netpol';
import { isEmptySelector, matchesSelector, selectorKey } from './selector';

export const INGRESS = 0;
export const EGRESS = 1;
export type Dir = 0 | 1;
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

export interface WorkloadClass {
  index: number;
  /** Namespace index. */
  ns: number;
  /** A member; every member has the same namespace, labels and ports. */
  rep: Workload;
  workloads: Workload[];
  /** Id of the container ports (named ports resolve on them). */
  portsKey: number;
}

/** A set of classes: everything, a bitset (dense sets) or a sorted list (sparse sets). */
export interface PeerSet {
  all: boolean;
  size: number;
  bits: Uint32Array | null;
  list: Int32Array | null;
}

export function peerSetHas(ps: PeerSet, c: number): boolean {
  if (ps.all) return true;
  if (ps.bits) return (ps.bits[c >>> 5] & (1 << (c & 31))) !== 0;
  return sortedHas(ps.list!, c);
}

/** Binary search in an ascending list (one array type, so the hot path stays monomorphic). */
export function sortedHas(sorted: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid];
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export interface RuleRec {
  id: number;
  slot: number;
  dir: Dir;
  deny: boolean;
  compiled: CompiledRule;
  peers: PeerSet;
  /** The conn id when it does not depend on the destination, else -1. */
  fixed: number;
  /** Conn id by the destination's ports key (-1: external destination). */
  byPorts: Map<number, number> | null;
}

export interface PolicySlot {
  index: number;
  effect: PolicyEffect;
  compiled?: CompiledPolicy;
  /** Sorted classes the policy selects. */
  subjects: Int32Array;
  /** Classes whose selection by this policy is uncertain. */
  scope: Int32Array;
  rules: number[];
  isolates: [boolean, boolean];
  uncertain: boolean;
}

export interface Side {
  isolated: boolean;
  /** Compiled allow rules of the selecting policies that apply in this direction. */
  allow: number[];
  deny: number[];
  /** Selecting policies without a compiled form: asked pair by pair. */
  generic: number[];
  /** Some selecting policy has parts the engine does not model, or the selection itself is uncertain. */
  uncertain: boolean;
  /** Some allow rule matches every class (so candidates cannot be pruned). */
  allowsAllPeers: boolean;
  /**
   * The conn id this side gives every external address, when no rule of it tells addresses apart
   * (the usual case: most sides have no ipBlock); -1 when it varies.
   */
  external: number;
  /**
   * When it varies (and no policy is asked pair by pair): the side's value on the pieces its own
   * rules cut the address space into — `starts` ascending from 0, `values` the conn ids.
   */
  profile?: { starts: number[]; values: number[] };
}

const EMPTY_LIST: Int32Array = new Int32Array(0);

/**
 * Can the peers a side admits be read off its allow rules? Not when it is open (not isolated), a rule
 * matches every class, a policy is asked pair by pair, or the side is uncertain.
 */
function narrows(s: Side): boolean {
  return s.isolated && s.generic.length === 0 && !s.allowsAllPeers && !s.uncertain;
}

/** Any one address: for a side whose rules match all external addresses alike. */
const ANY_ADDRESS: IpRange = Object.freeze({ first: 0, last: 0 });

/** Does a rule treat every external address alike (none of them, or all of them)? */
function externalsUniform(ranges: readonly IpRange[]): boolean {
  return ranges.length === 0 || (ranges.length === 1 && ranges[0].first === 0 && ranges[0].last === IPV4_MAX);
}

function labelsText(w: Workload): string {
  const keys = Object.keys(w.labels).sort();
  let out = '';
  for (const k of keys) out += `${k}\u0001${w.labels[k]}\u0002`;
  return out;
}

function portsText(w: Workload): string {
  return JSON.stringify(w.ports.map((p) => [p.name ?? '', p.port, p.protocol]).sort());
}

function namespaceMatchKey(m: NamespaceMatch): string {
  switch (m.type) {
    case 'all':
      return '*';
    case 'names':
      return m.names.length === 1 ? `n:${m.names[0]}` : `n:${[...new Set(m.names)].sort().join(',')}`;
    case 'selector':
      return `s:${selectorKey(m.selector)}`;
  }
}

function workloadMatchKey(m: WorkloadMatch): string {
  switch (m.type) {
    case 'none':
      return '-';
    case 'pods':
      return `p:${namespaceMatchKey(m.namespaces)}|${selectorKey(m.pods)}`;
    case 'test':
      return `t:${m.key}`;
  }
}

function sortedUnique(values: number[]): Int32Array {
  const a = Int32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) a[n++] = a[i];
  return a.slice(0, n);
}

export class Evaluator {
  readonly table = new ConnTable();
  readonly nsNames: string[];
  readonly nsIndex = new Map<string, number>();
  readonly nsInfos: (NamespaceInfo | undefined)[];
  readonly classes: WorkloadClass[] = [];
  /** Classes of namespace i are nsStart[i] … nsStart[i+1]-1. */
  readonly nsStart: Int32Array;
  readonly classOf = new Map<Workload, number>();
  readonly workloadById = new Map<string, Workload>();
  readonly slots: (PolicySlot | null)[] = [];
  readonly rules: (RuleRec | null)[] = [];
  /** Per class: the slots of the policies that select it. */
  readonly selecting: number[][];
  readonly sides: [Side[], Side[]];
  /** Per class: how many policies have an uncertain selection covering it. */
  private readonly scopeCount: Int32Array;
  private readonly peerCache = new Map<string, Int32Array>();
  private readonly nsCache = new Map<string, Int32Array>();
  private readonly portsKeys = new Map<string, number>();
  /** External pieces for sources (cut by ingress boundaries) and destinations (egress boundaries). */
  segIn: IpRange[] = [];
  segOut: IpRange[] = [];

  constructor(readonly model: WorkspaceModel) {
    const names = new Set<string>(model.namespaces.keys());
    for (const w of model.workloads) names.add(w.namespace);
    this.nsNames = [...names].sort();
    this.nsNames.forEach((n, i) => this.nsIndex.set(n, i));
    this.nsInfos = this.nsNames.map((n) => model.namespaces.get(n));

    // Workloads no selector can tell apart: same namespace, labels and container ports.
    const byKey = new Map<string, { ports: string; workloads: Workload[] }>();
    for (const w of model.workloads) {
      this.workloadById.set(w.id, w);
      const ports = portsText(w);
      const k = `${w.namespace}\u0000${labelsText(w)}\u0000${ports}`;
      const group = byKey.get(k);
      if (group) group.workloads.push(w);
      else byKey.set(k, { ports, workloads: [w] });
    }
    const groups = [...byKey.values()].sort((x, y) => {
      const a = x.workloads;
      const b = y.workloads;
      const d = this.nsIndex.get(a[0].namespace)! - this.nsIndex.get(b[0].namespace)!;
      return d !== 0 ? d : a[0].id < b[0].id ? -1 : a[0].id > b[0].id ? 1 : 0;
    });
    this.nsStart = new Int32Array(this.nsNames.length + 1);
    for (const { ports: pk, workloads: ws } of groups) {
      ws.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const index = this.classes.length;
      const ns = this.nsIndex.get(ws[0].namespace)!;
      let portsKey = this.portsKeys.get(pk);
      if (portsKey === undefined) {
        portsKey = this.portsKeys.size;
        this.portsKeys.set(pk, portsKey);
      }
      this.classes.push({ index, ns, rep: ws[0], workloads: ws, portsKey });
      for (const w of ws) this.classOf.set(w, index);
      this.nsStart[ns + 1]++;
    }
    for (let i = 0; i < this.nsNames.length; i++) this.nsStart[i + 1] += this.nsStart[i];

    const C = this.classes.length;
    this.selecting = Array.from({ length: C }, () => []);
    this.scopeCount = new Int32Array(C);
    this.sides = [new Array<Side>(C), new Array<Side>(C)];
    for (const p of model.policies) this.addPolicy(p);
    for (let c = 0; c < C; c++) this.deriveSide(c);
    this.cutExternals();
  }

  get classCount(): number {
    return this.classes.length;
  }

  // ---- policies ----------------------------------------------------------------------------------

  /**
   * Adds a policy; returns its slot and the classes it affects (its subjects, and those whose selection
   * is uncertain). Call `deriveSide` for them after.
   */
  addPolicy(effect: PolicyEffect): { slot: number; subjects: Int32Array; scope: Int32Array } {
    const index = this.slots.length;
    const compiled = effect.compile?.();
    let subjects: Int32Array;
    let scope: Int32Array = EMPTY_LIST;
    const slot: PolicySlot = {
      index,
      effect,
      compiled,
      subjects: EMPTY_LIST,
      scope,
      rules: [],
      isolates: [false, false],
      uncertain: effect.unmodelled.length > 0,
    };
    if (compiled) {
      subjects = this.matchClasses(compiled.subjects);
      if (compiled.uncertainScope) scope = this.matchClasses({ type: 'pods', namespaces: compiled.uncertainScope, pods: { matchLabels: {}, matchExpressions: [] } });
      slot.isolates = [compiled.isolates.ingress, compiled.isolates.egress];
      for (const rule of compiled.rules) slot.rules.push(this.addRule(index, rule));
    } else {
      const list: number[] = [];
      for (const cl of this.classes) if (effect.selects(cl.rep)) list.push(cl.index);
      subjects = Int32Array.from(list);
      slot.isolates = [effect.isolates('ingress'), effect.isolates('egress')];
    }
    slot.subjects = subjects;
    slot.scope = scope;
    this.slots.push(slot);
    this.countCuts(index, 1);
    for (const c of subjects) this.selecting[c].push(index);
    for (const c of scope) this.scopeCount[c]++;
    return { slot: index, subjects, scope };
  }

  /** Removes a policy; returns the classes it affected. Call `deriveSide` for them after. */
  removePolicy(index: number): { subjects: Int32Array; scope: Int32Array } {
    const slot = this.slots[index];
    if (!slot) return { subjects: EMPTY_LIST, scope: EMPTY_LIST };
    for (const c of slot.subjects) {
      const list = this.selecting[c];
      const at = list.indexOf(index);
      if (at !== -1) list.splice(at, 1);
    }
    for (const c of slot.scope) this.scopeCount[c]--;
    this.countCuts(index, -1);
    for (const r of slot.rules) this.rules[r] = null;
    this.slots[index] = null;
    return { subjects: slot.subjects, scope: slot.scope };
  }

  private addRule(slot: number, rule: CompiledRule): number {
    const id = this.rules.length;
    const key = rule.workloads.map(workloadMatchKey).sort().join('||');
    let list = this.peerCache.get(key);
    if (!list) {
      const parts = rule.workloads.map((m) => this.matchClasses(m));
      list = parts.length === 1 ? parts[0] : sortedUnique(parts.flatMap((p) => [...p]));
      this.peerCache.set(key, list);
    }
    const rec: RuleRec = {
      id,
      slot,
      dir: rule.direction === 'ingress' ? INGRESS : EGRESS,
      deny: rule.effect === 'deny',
      compiled: rule,
      peers: this.peerSet(list),
      fixed: rule.connsFixed ? this.table.id(rule.conns(undefined)) : -1,
      byPorts: rule.connsFixed ? null : new Map(),
    };
    this.rules.push(rec);
    return id;
  }

  private peerSet(list: Int32Array): PeerSet {
    const C = this.classes.length;
    if (list.length === C) return { all: true, size: C, bits: null, list: null };
    if (list.length * 32 > C) {
      const bits = new Uint32Array((C + 31) >>> 5);
      for (const c of list) bits[c >>> 5] |= 1 << (c & 31);
      return { all: false, size: list.length, bits, list };
    }
    return { all: false, size: list.length, bits: null, list };
  }

  /** The namespaces (indices, ascending) a NamespaceMatch selects. */
  namespacesOf(m: NamespaceMatch): Int32Array {
    const key = namespaceMatchKey(m);
    let out = this.nsCache.get(key);
    if (out) return out;
    const list: number[] = [];
    if (m.type === 'all') for (let i = 0; i < this.nsNames.length; i++) list.push(i);
    else if (m.type === 'names') {
      for (const n of m.names) {
        const i = this.nsIndex.get(n);
        if (i !== undefined) list.push(i);
      }
    } else {
      for (const i of this.namespaceCandidates(m.selector)) if (matchesSelector(m.selector, this.namespaceLabels(i))) list.push(i);
    }
    out = sortedUnique(list);
    this.nsCache.set(key, out);
    return out;
  }

  private nsByLabel?: Map<string, number[]>;

  /**
   * The namespaces a selector can match at most: those carrying the rarest of its matchLabels (an
   * index of `key=value` → namespaces), else all of them. Most namespace selectors name one label.
   */
  private namespaceCandidates(sel: LabelSelector): readonly number[] | Int32Array {
    const keys = Object.keys(sel.matchLabels);
    if (keys.length === 0 || sel.invalid) return this.allNamespaces();
    if (!this.nsByLabel) {
      this.nsByLabel = new Map();
      for (let i = 0; i < this.nsNames.length; i++) {
        const labels = this.namespaceLabels(i);
        for (const k in labels) {
          const key = `${k}=${labels[k]}`;
          const list = this.nsByLabel.get(key);
          if (list) list.push(i);
          else this.nsByLabel.set(key, [i]);
        }
      }
    }
    let best: number[] | undefined;
    for (const k of keys) {
      const list = this.nsByLabel.get(`${k}=${sel.matchLabels[k]}`);
      if (!list) return EMPTY_LIST;
      if (!best || list.length < best.length) best = list;
    }
    return best!;
  }

  private allNs?: Int32Array;

  private allNamespaces(): Int32Array {
    this.allNs ??= Int32Array.from(this.nsNames, (_, i) => i);
    return this.allNs;
  }

  namespaceLabels(ns: number): Record<string, string> {
    return labelsOfNamespace(this.nsInfos[ns], this.nsNames[ns]);
  }

  /** The classes (ascending) a WorkloadMatch matches. */
  matchClasses(m: WorkloadMatch): Int32Array {
    const key = workloadMatchKey(m);
    const cached = this.peerCache.get(key);
    if (cached) return cached;
    const list: number[] = [];
    if (m.type === 'pods') {
      const all = isEmptySelector(m.pods);
      for (const ns of this.namespacesOf(m.namespaces)) {
        for (let c = this.nsStart[ns]; c < this.nsStart[ns + 1]; c++) {
          if (all || matchesSelector(m.pods, this.classes[c].rep.labels)) list.push(c);
        }
      }
    } else if (m.type === 'test') {
      for (const cl of this.classes) if (m.test(cl.rep, this.nsInfos[cl.ns])) list.push(cl.index);
    }
    const out = Int32Array.from(list);
    this.peerCache.set(key, out);
    return out;
  }

  /** Recomputes what the selecting policies make of one class's two sides. */
  deriveSide(c: number): void {
    for (const dir of [INGRESS, EGRESS] as const) {
      const side: Side = { isolated: false, allow: [], deny: [], generic: [], uncertain: this.scopeCount[c] > 0, allowsAllPeers: false, external: -1 };
      let varies = false;
      for (const s of this.selecting[c]) {
        const slot = this.slots[s]!;
        if (slot.isolates[dir]) side.isolated = true;
        if (slot.uncertain) side.uncertain = true;
        if (!slot.compiled) {
          side.generic.push(s);
          continue;
        }
        for (const r of slot.rules) {
          const rec = this.rules[r]!;
          if (rec.dir !== dir) continue;
          if (!externalsUniform(rec.compiled.externals)) varies = true;
          if (rec.deny) side.deny.push(r);
          else {
            side.allow.push(r);
            if (rec.peers.all) side.allowsAllPeers = true;
          }
        }
      }
      this.sides[dir][c] = side;
      if (side.generic.length === 0) {
        if (!varies) side.external = this.side(dir, c, -1, ANY_ADDRESS);
        else {
          const pieces = cutSpace([...side.allow, ...side.deny].flatMap((r) => this.rules[r]!.compiled.externals));
          side.profile = { starts: pieces.map((p) => p.first), values: pieces.map((p) => this.side(dir, c, -1, p)) };
        }
      }
    }
  }

  /**
   * Where the address peers of the live policies begin and end, per direction: how many policies cut
   * the space at each address (kept up to date as policies come and go, so re-cutting is cheap).
   */
  private readonly cuts: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  private readonly slotCuts: ([number[], number[]] | null)[] = [];

  private boundaries(slot: PolicySlot): [number[], number[]] {
    const out: [number[], number[]] = [[], []];
    const add = (dir: Dir, ranges: readonly IpRange[]) => {
      for (const r of ranges) {
        out[dir].push(r.first);
        if (r.last < IPV4_MAX) out[dir].push(r.last + 1);
      }
    };
    if (slot.compiled) {
      for (const r of slot.rules) {
        const rec = this.rules[r]!;
        add(rec.dir, rec.compiled.externals);
      }
    } else {
      add(INGRESS, slot.effect.externalBoundaries('ingress'));
      add(EGRESS, slot.effect.externalBoundaries('egress'));
    }
    return out;
  }

  private countCuts(index: number, delta: 1 | -1): void {
    const slot = this.slots[index]!;
    if (delta === 1) this.slotCuts[index] = this.boundaries(slot);
    const own = this.slotCuts[index];
    if (!own) return;
    for (const dir of [INGRESS, EGRESS] as const) {
      const map = this.cuts[dir];
      for (const at of own[dir]) {
        const n = (map.get(at) ?? 0) + delta;
        if (n === 0) map.delete(at);
        else map.set(at, n);
      }
    }
    if (delta === -1) this.slotCuts[index] = null;
  }

  private pieces(dir: Dir): IpRange[] {
    return piecesFrom(this.cuts[dir].keys());
  }

  /** Cuts the external space at the boundaries of every policy's address peers; true when it changed. */
  cutExternals(): boolean {
    const segIn = this.pieces(INGRESS);
    const segOut = this.pieces(EGRESS);
    const same = (a: IpRange[], b: IpRange[]) => a.length === b.length && a.every((r, i) => r.first === b[i].first && r.last === b[i].last);
    const changed = !same(segIn, this.segIn) || !same(segOut, this.segOut);
    this.segIn = segIn;
    this.segOut = segOut;
    return changed;
  }

  // ---- evaluation --------------------------------------------------------------------------------

  /** Conn id of a rule towards a destination class (-1: external). */
  ruleConn(r: RuleRec, dst: number): number {
    if (r.fixed >= 0) return r.fixed;
    const key = dst < 0 ? -1 : this.classes[dst].portsKey;
    let id = r.byPorts!.get(key);
    if (id === undefined) {
      id = this.table.id(r.compiled.conns(dst < 0 ? undefined : this.classes[dst].rep));
      r.byPorts!.set(key, id);
    }
    return id;
  }

  /**
   * One side of a connection, as a conn id: `dir` of subject class `c` with a peer that is a class
   * (`peer` ≥ 0) or an external range (`range`, then `peer` is ignored).
   */
  side(dir: Dir, c: number, peer: number, range: IpRange | null): number {
    const s = this.sides[dir][c];
    if (!s.isolated && s.deny.length === 0 && s.generic.length === 0) return ALL;
    const t = this.table;
    // Named ports resolve on the destination: the subject for ingress, the peer for egress.
    const dst = dir === INGRESS ? c : range ? -1 : peer;
    let acc = s.isolated ? NONE : ALL;
    if (s.isolated) {
      for (let i = 0; i < s.allow.length && acc !== ALL; i++) {
        const r = this.rules[s.allow[i]]!;
        if (range ? containsRange(r.compiled.externals, range) : peerSetHas(r.peers, peer)) acc = t.union(acc, this.ruleConn(r, dst));
      }
    }
    let denied = NONE;
    for (let i = 0; i < s.deny.length; i++) {
      const r = this.rules[s.deny[i]]!;
      if (range ? containsRange(r.compiled.externals, range) : peerSetHas(r.peers, peer)) denied = t.union(denied, this.ruleConn(r, dst));
    }
    if (s.generic.length > 0) {
      const subject = this.classes[c].rep;
      const endpoint: Endpoint = range ? { type: 'external', range } : { type: 'workload', workload: this.classes[peer].rep };
      const d = DIRECTIONS[dir];
      for (const g of s.generic) {
        const effect = this.slots[g]!.effect;
        if (s.isolated) for (const rc of effect.allows(d, subject, endpoint)) acc = t.union(acc, t.id(rc.conns));
        for (const rc of effect.denies(d, subject, endpoint)) denied = t.union(denied, t.id(rc.conns));
      }
    }
    return denied === NONE ? acc : t.subtract(acc, denied);
  }

  /** Does the pair (a, b) stand for at least one pair of distinct workloads? */
  distinctPair(a: number, b: number): boolean {
    return a !== b || this.classes[a].workloads.length > 1;
  }

  private stamp: Int32Array | null = null;
  private stampValue = 0;

  /**
   * The peer classes a side can admit at all, ascending; null when that cannot be narrowed (the side
   * is not isolated, a rule matches every class, a policy is asked pair by pair, or it is uncertain).
   */
  private candidates(s: Side): ArrayLike<number> | null {
    if (!narrows(s)) return null;
    if (s.allow.length === 0) return EMPTY_LIST;
    if (s.allow.length === 1) return this.rules[s.allow[0]]!.peers.list!;
    const C = this.classes.length;
    if (!this.stamp || this.stamp.length !== C) {
      this.stamp = new Int32Array(C);
      this.stampValue = 0;
    }
    const stamp = this.stamp;
    const mark = ++this.stampValue;
    const out: number[] = [];
    for (const r of s.allow) {
      for (const b of this.rules[r]!.peers.list!) {
        if (stamp[b] !== mark) {
          stamp[b] = mark;
          out.push(b);
        }
      }
    }
    return out;
  }

  private acc: Int32Array | null = null;
  private touched: Int32Array | null = null;

  /**
   * For a destination whose ingress side narrows its sources (`candidates` is not null): visits each
   * source that may reach it, by spreading each ingress rule's connections over the rule's peers once
   * (rather than testing every candidate against every rule).
   */
  private scatterIngress(b: number, visit: (a: number, conn: number, uncertain: boolean) => void): void {
    const C = this.classes.length;
    if (!this.acc || this.acc.length !== C) {
      this.acc = new Int32Array(C).fill(-1);
      this.touched = new Int32Array(C);
    }
    const acc = this.acc;
    const touched = this.touched!;
    const t = this.table;
    const s = this.sides[INGRESS][b];
    let n = 0;
    for (const r of s.allow) {
      const rule = this.rules[r]!;
      const conn = this.ruleConn(rule, b);
      if (conn === NONE) continue;
      const list = rule.peers.list!;
      for (let k = 0; k < list.length; k++) {
        const a = list[k];
        const cur = acc[a];
        if (cur === -1) {
          acc[a] = conn;
          touched[n++] = a;
        } else acc[a] = t.union(cur, conn);
      }
    }
    for (let k = 0; k < n; k++) {
      const a = touched[k];
      let i = acc[a];
      acc[a] = -1;
      if (!this.distinctPair(a, b)) continue;
      if (s.deny.length > 0) {
        let denied = NONE;
        for (const r of s.deny) {
          const rule = this.rules[r]!;
          if (peerSetHas(rule.peers, a)) denied = t.union(denied, this.ruleConn(rule, b));
        }
        i = t.subtract(i, denied);
      }
      if (i === NONE) continue;
      // The ingress side is certain here: only an uncertain egress side makes the pair uncertain.
      const conn = t.intersect(this.side(EGRESS, a, b, null), i);
      const unc = this.sides[EGRESS][a].uncertain;
      if (conn !== NONE || unc) visit(a, conn, unc);
    }
  }

  /**
   * The verdict of class a → class b, and whether it is uncertain: a side that depends on something
   * not modelled makes the pair uncertain unless the other side certainly allows nothing. Returns the
   * conn id; the flag is left in `lastUncertain` (no allocation in the inner loops).
   */
  verdict(a: number, b: number): number {
    const eUnc = this.sides[EGRESS][a].uncertain;
    const iUnc = this.sides[INGRESS][b].uncertain;
    const e = this.side(EGRESS, a, b, null);
    if (e === NONE && !eUnc) {
      this.lastUncertain = false;
      return NONE;
    }
    const i = this.side(INGRESS, b, a, null);
    this.lastUncertain = (eUnc && (i !== NONE || iUnc)) || (iUnc && e !== NONE);
    return this.table.intersect(e, i);
  }

  lastUncertain = false;

  /**
   * Visits every destination class b (standing for a pair of distinct workloads) that src class a may
   * reach, or whose verdict is uncertain, with the conn id. Pairs whose egress side certainly allows
   * nothing are skipped without evaluation: only the peers of a's egress allow rules are candidates.
   */
  forEachDestination(a: number, visit: (b: number, conn: number, uncertain: boolean) => void): void {
    const list = this.candidates(this.sides[EGRESS][a]);
    const n = list ? list.length : this.classes.length;
    for (let k = 0; k < n; k++) {
      const b = list ? list[k] : k;
      if (!this.distinctPair(a, b)) continue;
      const conn = this.verdict(a, b);
      if (conn !== NONE || this.lastUncertain) visit(b, conn, this.lastUncertain);
    }
  }

  /** Visits every source class a that may reach dst class b (or whose verdict is uncertain). */
  forEachSource(b: number, visit: (a: number, conn: number, uncertain: boolean) => void): void {
    if (narrows(this.sides[INGRESS][b])) return this.scatterIngress(b, visit);
    const list = this.candidates(this.sides[INGRESS][b]);
    const n = list ? list.length : this.classes.length;
    for (let k = 0; k < n; k++) {
      const a = list ? list[k] : k;
      if (!this.distinctPair(a, b)) continue;
      const conn = this.verdict(a, b);
      if (conn !== NONE || this.lastUncertain) visit(a, conn, this.lastUncertain);
    }
  }

  /**
   * Visits every pair of classes (standing for distinct workloads) that may talk or whose verdict is
   * uncertain, each once, in no particular order. Each pair is reached from the side that narrows it
   * most cheaply: from a destination whose ingress is isolated, only the peers of its ingress rules;
   * for the other destinations, from the sources, narrowed by egress rules where egress is isolated.
   * Real clusters isolate ingress far more often than egress, so this is much less than every pair.
   */
  forEachPair(visit: (a: number, b: number, conn: number, uncertain: boolean) => void): void {
    const C = this.classes.length;
    const open = new Uint8Array(C);
    const rest: number[] = [];
    for (let b = 0; b < C; b++) {
      if (!narrows(this.sides[INGRESS][b])) {
        open[b] = 1;
        rest.push(b);
        continue;
      }
      this.scatterIngress(b, (a, conn, unc) => visit(a, b, conn, unc));
    }
    if (rest.length === 0) return;
    for (let a = 0; a < C; a++) {
      const list = this.candidates(this.sides[EGRESS][a]);
      const n = list ? list.length : rest.length;
      for (let k = 0; k < n; k++) {
        const b = list ? list[k] : rest[k];
        if (list && !open[b]) continue;
        if (!this.distinctPair(a, b)) continue;
        const conn = this.verdict(a, b);
        if (conn !== NONE || this.lastUncertain) visit(a, b, conn, this.lastUncertain);
      }
    }
  }

  /** External source piece s → class b. */
  fromExternal(s: number, b: number): number {
    return this.externalSide(INGRESS, b, this.segIn[s]);
  }

  /** Class a → external destination piece s. */
  toExternal(a: number, s: number): number {
    return this.externalSide(EGRESS, a, this.segOut[s]);
  }

  /** A side towards an external piece (which lies wholly inside one piece of the side's own cut). */
  private externalSide(dir: Dir, c: number, piece: IpRange): number {
    const side = this.sides[dir][c];
    if (side.external >= 0) return side.external;
    const p = side.profile;
    if (!p) return this.side(dir, c, -1, piece);
    let lo = 0;
    let hi = p.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (p.starts[mid] <= piece.first) lo = mid;
      else hi = mid - 1;
    }
    return p.values[lo];
  }

  classesOfNamespace(ns: number): [number, number] {
    return [this.nsStart[ns], this.nsStart[ns + 1]];
  }
}
