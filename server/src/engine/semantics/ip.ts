// IPv4 addresses and ranges for ipBlock peers and external endpoints. The engine models the world
// outside the cluster as the IPv4 space: an IPv6 block cannot match an IPv4 external, so it is kept out
// of that space (and `explain` says so). Ranges are inclusive pairs of unsigned 32-bit numbers.
import type { IpBlock } from '../model/types';
import type { IpRange } from '../model/workspace';
import { parseCidr } from '../schema/syntax';

export const IPV4_MAX = 0xffffffff;
export const ALL_IPV4: IpRange = Object.freeze({ first: 0, last: IPV4_MAX });

/** `a.b.c.d` → number, or undefined. Leading zeros are decimal, as Kubernetes' legacy parser reads them. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export type CidrRange =
  | { ok: true; family: 4; range: IpRange; /** An IPv4-mapped IPv6 prefix, read as IPv4 (as Go's net package does). */ mapped: boolean }
  | { ok: true; family: 6 }
  | { ok: false; reason: string };

/** A CIDR as Kubernetes reads it (host bits ignored: the whole network matches). */
export function cidrRange(text: string): CidrRange {
  const r = parseCidr(text, true);
  if (!r.ok) return { ok: false, reason: r.reason };
  const c = r.cidr;
  let bytes = c.bytes;
  let bits = c.bits;
  let mapped = false;
  if (c.family === 6) {
    if (!c.ipv4Mapped || bits < 96) return { ok: true, family: 6 };
    bytes = bytes.slice(12);
    bits -= 96;
    mapped = true;
  }
  const addr = ((bytes[0] * 256 + bytes[1]) * 256 + bytes[2]) * 256 + bytes[3];
  const size = 2 ** (32 - bits);
  const first = addr - (addr % size);
  return { ok: true, family: 4, range: { first, last: first + size - 1 }, mapped };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1) {
      if (r.last > last.last) out[out.length - 1] = { first: last.first, last: r.last };
    } else out.push({ first: r.first, last: r.last });
  }
  return out;
}

/** `ranges` minus `cut`, both normalised. */
export function subtractRanges(ranges: readonly IpRange[], cut: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const r of ranges) {
    let first = r.first;
    for (const c of cut) {
      if (c.last < first || c.first > r.last) continue;
      if (c.first > first) out.push({ first, last: c.first - 1 });
      first = Math.max(first, c.last + 1);
      if (first > r.last) break;
    }
    if (first <= r.last) out.push({ first, last: r.last });
  }
  return out;
}

/** True when `inner` lies wholly inside one of the normalised `ranges`. */
export function containsRange(ranges: readonly IpRange[], inner: IpRange): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (inner.first < r.first) hi = mid - 1;
    else if (inner.first > r.last) lo = mid + 1;
    else return inner.last <= r.last;
  }
  return false;
}

export interface IpBlockRanges {
  /** The IPv4 addresses the block matches: cidr minus except. Empty for an IPv6 block. */
  ranges: IpRange[];
  family: 4 | 6 | undefined;
  /** What could not be read, for findings and uncertainty (the block is then read conservatively). */
  problems: { path: (string | number)[]; reason: string }[];
  /** Remarks for `explain` (an IPv6 block, an IPv4-mapped prefix). */
  notes: string[];
}

/**
 * cidr minus except as IPv4 ranges. An unparsable cidr matches nothing; an unparsable or IPv6 except is
 * skipped (both reported as problems, so the verdicts are marked uncertain).
 */
export function ipBlockRanges(block: IpBlock): IpBlockRanges {
  const problems: IpBlockRanges['problems'] = [];
  const notes: string[] = [];
  const c = cidrRange(block.cidr);
  if (!c.ok) {
    problems.push({ path: ['cidr'], reason: `the CIDR ${JSON.stringify(block.cidr)} ${c.reason}` });
    return { ranges: [], family: undefined, problems, notes };
  }
  if (c.family === 6) {
    notes.push(`ipBlock ${block.cidr} is IPv6; external endpoints are modelled as IPv4 addresses, which it cannot match`);
    return { ranges: [], family: 6, problems, notes };
  }
  if (c.mapped) {
    notes.push(`ipBlock ${block.cidr} is an IPv4-mapped IPv6 prefix, read as ${rangeText(c.range)} (how Go's net package reads it; network plugins differ)`);
    problems.push({ path: ['cidr'], reason: 'an IPv4-mapped IPv6 prefix is read differently by different network plugins' });
  }
  const cuts: IpRange[] = [];
  block.except.forEach((e, i) => {
    const x = cidrRange(e);
    if (!x.ok) problems.push({ path: ['except', i], reason: `the except CIDR ${JSON.stringify(e)} ${x.reason}` });
    else if (x.family === 6) problems.push({ path: ['except', i], reason: `the except CIDR ${e} is IPv6 inside an IPv4 cidr` });
    else {
      if (x.range.first < c.range.first || x.range.last > c.range.last) {
        problems.push({ path: ['except', i], reason: `except ${e} is not inside cidr ${block.cidr}` });
      }
      cuts.push(x.range);
    }
  });
  return { ranges: subtractRanges([c.range], normalizeRanges(cuts)), family: 4, problems, notes };
}

/** The range as a CIDR when it is exactly one, else `first-last`. */
export function rangeText(r: IpRange): string {
  const size = r.last - r.first + 1;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && r.first % size === 0) return `${formatIpv4(r.first)}/${32 - bits}`;
  return `${formatIpv4(r.first)}-${formatIpv4(r.last)}`;
}

/** Parses an external endpoint as written on the command line: `a.b.c.d`, a CIDR, or `first-last`. */
export function parseExternal(text: string): IpRange | undefined {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const first = parseIpv4(text.slice(0, dash));
    const last = parseIpv4(text.slice(dash + 1));
    return first !== undefined && last !== undefined && first <= last ? { first, last } : undefined;
  }
  if (text.includes('/')) {
    const c = cidrRange(text);
    return c.ok && c.family === 4 ? c.range : undefined;
  }
  const n = parseIpv4(text);
  return n === undefined ? undefined : { first: n, last: n };
}

/**
 * Cuts the IPv4 space at every boundary of the given ranges: the resulting pieces are each wholly
 * inside or wholly outside every one of them.
 */
export function cutSpace(boundaries: Iterable<IpRange>): IpRange[] {
  const starts = new Set<number>();
  for (const r of boundaries) {
    starts.add(r.first);
    if (r.last < IPV4_MAX) starts.add(r.last + 1);
  }
  return piecesFrom(starts);
}

/** The IPv4 space cut into pieces that begin at 0 and at each of these addresses. */
export function piecesFrom(starts: Iterable<number>): IpRange[] {
  const sorted = [...new Set([0, ...starts])].sort((a, b) => a - b);
  return sorted.map((first, i) => ({ first, last: i + 1 < sorted.length ? sorted[i + 1] - 1 : IPV4_MAX }));
}
