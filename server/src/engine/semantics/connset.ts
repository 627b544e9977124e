// A set of connections: for each protocol, disjoint ascending inclusive port ranges within 1–65535.
// Immutable; every operation returns a new set. This is the currency of the reachability engine: what a
// rule admits, what a pair may use, what changed in a diff.
import { PROTOCOLS, type Protocol } from '../model/types';

export type Range = readonly [number, number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

const FULL: readonly Range[] = [[MIN_PORT, MAX_PORT]];

function normalize(ranges: Range[]): Range[] {
  const sorted = ranges
    .map(([a, b]) => [Math.max(MIN_PORT, a), Math.min(MAX_PORT, b)] as Range)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function unionRanges(x: readonly Range[], y: readonly Range[]): Range[] {
  return normalize([...x, ...y]);
}

function intersectRanges(x: readonly Range[], y: readonly Range[]): Range[] {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i][0], y[j][0]);
    const b = Math.min(x[i][1], y[j][1]);
    if (a <= b) out.push([a, b]);
    if (x[i][1] < y[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(x: readonly Range[], y: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [a0, b] of x) {
    let a = a0;
    for (const [c, d] of y) {
      if (d < a || c > b) continue;
      if (c > a) out.push([a, c - 1]);
      a = Math.max(a, d + 1);
      if (a > b) break;
    }
    if (a <= b) out.push([a, b]);
  }
  return out;
}

function sameRanges(x: readonly Range[], y: readonly Range[]): boolean {
  return x.length === y.length && x.every((r, i) => r[0] === y[i][0] && r[1] === y[i][1]);
}

export class ConnSet {
  private constructor(private readonly byProto: Readonly<Record<Protocol, readonly Range[]>>) {}

  static readonly NONE = new ConnSet({ SCTP: [], TCP: [], UDP: [] });
  static readonly ALL = new ConnSet({ SCTP: FULL, TCP: FULL, UDP: FULL });

  /** Ports of one protocol (`ANY`: all three); no ranges = every port. */
  static of(protocol: Protocol | 'ANY', ranges?: readonly Range[]): ConnSet {
    const r = ranges === undefined ? FULL : normalize([...ranges]);
    const protos = protocol === 'ANY' ? PROTOCOLS : [protocol];
    const byProto: Record<Protocol, readonly Range[]> = { SCTP: [], TCP: [], UDP: [] };
    for (const p of protos) byProto[p] = r;
    return new ConnSet(byProto);
  }

  static port(protocol: Protocol | 'ANY', port: number, endPort = port): ConnSet {
    return ConnSet.of(protocol, [[port, endPort]]);
  }

  ranges(protocol: Protocol): readonly Range[] {
    return this.byProto[protocol];
  }

  isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.byProto[p].length === 0);
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => sameRanges(this.byProto[p], FULL));
  }

  has(protocol: Protocol, port: number): boolean {
    return this.byProto[protocol].some(([a, b]) => port >= a && port <= b);
  }

  union(o: ConnSet): ConnSet {
    if (o.isEmpty() || this === o) return this;
    if (this.isEmpty()) return o;
    return this.map(o, unionRanges);
  }

  intersect(o: ConnSet): ConnSet {
    if (this.isEmpty() || o.isEmpty()) return ConnSet.NONE;
    return this.map(o, intersectRanges);
  }

  subtract(o: ConnSet): ConnSet {
    if (this.isEmpty() || o.isEmpty()) return this;
    return this.map(o, subtractRanges);
  }

  equals(o: ConnSet): boolean {
    return PROTOCOLS.every((p) => sameRanges(this.byProto[p], o.byProto[p]));
  }

  private map(o: ConnSet, f: (x: readonly Range[], y: readonly Range[]) => Range[]): ConnSet {
    const byProto: Record<Protocol, readonly Range[]> = { SCTP: [], TCP: [], UDP: [] };
    for (const p of PROTOCOLS) byProto[p] = f(this.byProto[p], o.byProto[p]);
    return new ConnSet(byProto);
  }

  /**
   * The CLI's text form (DESIGN.md): `All Connections`, `No Connections`, or protocols in the order SCTP,
   * TCP, UDP, each `PROTO a,b-c`, joined by `;` — e.g. `TCP 53,80-82;UDP 53`.
   */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    return PROTOCOLS.filter((p) => this.byProto[p].length > 0)
      .map((p) => `${p} ${this.byProto[p].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`)
      .join(';');
  }

  /** As data: protocols in the order SCTP, TCP, UDP, with their ranges (the conformance corpus's `parsed`). */
  toJSON(): { protocol: Protocol; ports: [number, number][] }[] {
    return PROTOCOLS.filter((p) => this.byProto[p].length > 0).map((p) => ({
      protocol: p,
      ports: this.byProto[p].map(([a, b]) => [a, b] as [number, number]),
    }));
  }
}
