// Two connectivity results → what changed between them: the pairs that gained a connection (added), lost
// every connection (removed), or kept some with a different set of ports (changed). Pure data in, pure
// data out; `tenant-policy diff` formats it.
//
// External peers need care: each version cuts the IPv4 space at the ipBlock boundaries of its own
// policies, so the same addresses can be one range before and three after. Comparing range names would
// report the whole range as removed and its pieces as added although nothing changed for most
// addresses. Instead, for each in-cluster peer and direction the two versions are compared address by
// address (over the union of both cuts), and neighbouring pieces with the same before/after are merged
// back, so a diff row names exactly the addresses whose connections changed.
import type { IpRange } from '../model/workspace';
import { ConnSet } from './connset';
import { cutSpace, parseExternal, rangeText } from './ip';

/** One row of a connectivity result at any level (workload, namespace, tenant), as `connectivity` prints it. */
export interface ConnectionRow {
  src: string;
  dst: string;
  conns: ConnSet;
  /** The workload kind, or `External` for an address range. */
  srcKind?: string;
  dstKind?: string;
  /** The verdict depends on something the engine does not model. */
  uncertain?: boolean;
}

/** A pair that gained its first connection (added) or lost its last one (removed). */
export interface DiffRow {
  src: string;
  dst: string;
  srcKind?: string;
  dstKind?: string;
  conns: ConnSet;
  uncertain?: boolean;
}

/** A pair connected in both versions, on different ports. */
export interface ChangedRow {
  src: string;
  dst: string;
  srcKind?: string;
  dstKind?: string;
  before: ConnSet;
  after: ConnSet;
  /** The connections only the new version allows, and those only the old one allowed. */
  gained: ConnSet;
  lost: ConnSet;
  uncertain?: boolean;
}

export interface ConnectivityDiff {
  added: DiffRow[];
  removed: DiffRow[];
  changed: ChangedRow[];
}

export const EXTERNAL_KIND = 'External';

interface Side {
  conns: ConnSet;
  srcKind?: string;
  dstKind?: string;
  uncertain?: boolean;
}

/** The comparison of two connectivity results; rows in a stable order (source, then destination). */
export function diffConnectivity(before: Iterable<ConnectionRow>, after: Iterable<ConnectionRow>): ConnectivityDiff {
  const out: ConnectivityDiff = { added: [], removed: [], changed: [] };
  const pairs = new Map<string, { src: string; dst: string; before?: Side; after?: Side }>();
  // External rows, per in-cluster peer and direction: `to\0peer` (peer → addresses) or `from\0peer`.
  const external = new Map<string, ExternalGroup>();

  const take = (rows: Iterable<ConnectionRow>, which: 'before' | 'after') => {
    for (const row of rows) {
      if (row.conns.isEmpty()) continue;
      const srcRange = externalRange(row.src, row.srcKind);
      const dstRange = externalRange(row.dst, row.dstKind);
      if (srcRange && dstRange) continue; // outside the cluster on both ends: not ours to judge
      if (srcRange || dstRange) {
        const toExternal = dstRange !== undefined;
        const peer = toExternal ? row.src : row.dst;
        const key = `${toExternal ? 'to' : 'from'}\0${peer}`;
        let g = external.get(key);
        if (!g) external.set(key, (g = { peer, peerKind: toExternal ? row.srcKind : row.dstKind, toExternal, before: [], after: [] }));
        g[which].push({ range: (srcRange ?? dstRange)!, conns: row.conns, uncertain: row.uncertain });
        continue;
      }
      const key = `${row.src}\0${row.dst}`;
      let p = pairs.get(key);
      if (!p) pairs.set(key, (p = { src: row.src, dst: row.dst }));
      const side = p[which];
      // A result lists each pair once; should one repeat it, its connections add up.
      p[which] = side
        ? { ...side, conns: side.conns.union(row.conns), uncertain: side.uncertain || row.uncertain }
        : { conns: row.conns, srcKind: row.srcKind, dstKind: row.dstKind, uncertain: row.uncertain };
    }
  };
  take(before, 'before');
  take(after, 'after');

  for (const p of pairs.values()) {
    const latest = p.after ?? p.before;
    const named = { src: p.src, dst: p.dst, ...kindFields(latest?.srcKind, latest?.dstKind) };
    const uncertain = p.before?.uncertain || p.after?.uncertain ? { uncertain: true } : {};
    if (!p.before && p.after) out.added.push({ ...named, conns: p.after.conns, ...uncertain });
    else if (p.before && !p.after) out.removed.push({ ...named, conns: p.before.conns, ...uncertain });
    else if (p.before && p.after && !p.before.conns.equals(p.after.conns)) out.changed.push(changed(named, p.before.conns, p.after.conns, uncertain));
  }
  for (const g of external.values()) diffExternal(g, out);

  out.added.sort(byPair);
  out.removed.sort(byPair);
  out.changed.sort(byPair);
  return out;
}

export function isEmptyDiff(d: ConnectivityDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

function changed(named: { src: string; dst: string; srcKind?: string; dstKind?: string }, before: ConnSet, after: ConnSet, uncertain: { uncertain?: boolean }): ChangedRow {
  return { ...named, before, after, gained: after.subtract(before), lost: before.subtract(after), ...uncertain };
}

function kindFields(srcKind: string | undefined, dstKind: string | undefined): { srcKind?: string; dstKind?: string } {
  return { ...(srcKind ? { srcKind } : {}), ...(dstKind ? { dstKind } : {}) };
}

/** The address range a peer name stands for, when it is one (its kind says so, or its name parses as one). */
function externalRange(name: string, kind: string | undefined): IpRange | undefined {
  if (kind !== undefined && kind !== EXTERNAL_KIND) return undefined;
  // Namespace and workload names never parse as addresses: namespaces have no dots.
  if (kind === undefined && !/^[\d./-]+$/.test(name)) return undefined;
  return parseExternal(name);
}

// ---- external peers ----------------------------------------------------------------------------------

interface Piece {
  range: IpRange;
  conns: ConnSet;
  uncertain?: boolean;
}

interface ExternalGroup {
  peer: string;
  peerKind?: string;
  toExternal: boolean;
  before: Piece[];
  after: Piece[];
}

/** Connections per address: the pieces of one version, looked up while sweeping ascending addresses. */
class Sweep {
  private readonly pieces: Piece[];
  private i = 0;
  constructor(pieces: Piece[]) {
    this.pieces = [...pieces].sort((a, b) => a.range.first - b.range.first);
  }
  /** Connections at `at` (addresses only grow between calls); NONE where no piece covers it. */
  at(at: number): { conns: ConnSet; uncertain: boolean } {
    while (this.i < this.pieces.length && this.pieces[this.i].range.last < at) this.i++;
    let conns = ConnSet.NONE;
    let uncertain = false;
    // Pieces of one version do not overlap; should they, their connections add up.
    for (let j = this.i; j < this.pieces.length && this.pieces[j].range.first <= at; j++) {
      if (this.pieces[j].range.last >= at) {
        conns = conns.union(this.pieces[j].conns);
        uncertain ||= !!this.pieces[j].uncertain;
      }
    }
    return { conns, uncertain };
  }
}

function diffExternal(g: ExternalGroup, out: ConnectivityDiff): void {
  const before = new Sweep(g.before);
  const after = new Sweep(g.after);

  // Consecutive pieces with the same before and after are one row.
  let open: { first: number; last: number; b: ConnSet; a: ConnSet; uncertain: boolean } | undefined;
  const flush = () => {
    if (!open) return;
    const range = rangeText({ first: open.first, last: open.last });
    const named = g.toExternal
      ? { src: g.peer, dst: range, ...kindFields(g.peerKind, EXTERNAL_KIND) }
      : { src: range, dst: g.peer, ...kindFields(EXTERNAL_KIND, g.peerKind) };
    const uncertain = open.uncertain ? { uncertain: true } : {};
    if (open.b.isEmpty()) out.added.push({ ...named, conns: open.a, ...uncertain });
    else if (open.a.isEmpty()) out.removed.push({ ...named, conns: open.b, ...uncertain });
    else out.changed.push(changed(named, open.b, open.a, uncertain));
    open = undefined;
  };
  // Over the union of both versions' cuts, each piece is inside or outside every piece of either.
  for (const { first, last } of cutSpace([...g.before, ...g.after].map((p) => p.range))) {
    const b = before.at(first);
    const a = after.at(first);
    if (b.conns.equals(a.conns)) {
      flush();
      continue;
    }
    if (open && open.last + 1 === first && open.b.equals(b.conns) && open.a.equals(a.conns)) {
      open.last = last;
      open.uncertain ||= b.uncertain || a.uncertain;
      continue;
    }
    flush();
    open = { first, last, b: b.conns, a: a.conns, uncertain: b.uncertain || a.uncertain };
  }
  flush();
}

// ---- order ------------------------------------------------------------------------------------------------

function peerOrder(name: string, kind: string | undefined): [number, number, string] {
  const r = externalRange(name, kind);
  return r ? [1, r.first, name] : [0, 0, name];
}

function compareNames(a: string, ak: string | undefined, b: string, bk: string | undefined): number {
  const x = peerOrder(a, ak);
  const y = peerOrder(b, bk);
  return x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0);
}

function byPair(a: { src: string; dst: string; srcKind?: string; dstKind?: string }, b: { src: string; dst: string; srcKind?: string; dstKind?: string }): number {
  return compareNames(a.src, a.srcKind, b.src, b.srcKind) || compareNames(a.dst, a.dstKind, b.dst, b.dstKind);
}
