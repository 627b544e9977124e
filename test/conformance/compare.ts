// Semantic comparison of connectivity results, as the netpol-analyzer corpus README prescribes: in-cluster
// pairs as a set keyed by (src, srcKind, dst, dstKind) with their connection sets; external ranges, which
// each analyser may cut differently, as one interval map per workload and direction with equal
// neighbours merged. Shared by the conformance test and the evaluator's cross-checks.
import assert from 'node:assert/strict';

export interface Row {
  src: string;
  srcKind: string;
  dst: string;
  dstKind: string;
  conns: string;
  parsed?: { protocol: string; ports: [number, number][] }[];
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** A connection set as canonical text: `SCTP …|TCP 1-5,7|UDP` from any of the notations in play. */
export function canonical(parsed: { protocol: string; ports: [number, number][] }[]): string {
  const by = new Map<string, [number, number][]>();
  for (const p of parsed) by.set(p.protocol, [...(by.get(p.protocol) ?? []), ...p.ports]);
  return PROTOCOLS.map((proto) => {
    const ranges = (by.get(proto) ?? []).slice().sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of ranges) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return `${proto} ${merged.map(([a, b]) => `${a}-${b}`).join(',')}`;
  }).join('|');
}

/**
 * `All Connections`, `No Connections`, or protocol groups separated by `;` (ours) or `,` (upstream,
 * where a bare number continues the previous protocol).
 */
export function parseConns(text: string): { protocol: string; ports: [number, number][] }[] {
  if (text === 'All Connections') return PROTOCOLS.map((protocol) => ({ protocol, ports: [[1, 65535]] }));
  if (text === 'No Connections') return [];
  const out: { protocol: string; ports: [number, number][] }[] = [];
  let current: { protocol: string; ports: [number, number][] } | undefined;
  for (const token of text.split(/[;,]/).map((t) => t.trim()).filter(Boolean)) {
    const m = /^(?:(SCTP|TCP|UDP)\s+)?(\d+)(?:-(\d+))?$/.exec(token);
    const whole = /^(SCTP|TCP|UDP)$/.exec(token);
    if (whole) {
      current = { protocol: whole[1], ports: [[1, 65535]] };
      out.push(current);
      continue;
    }
    assert.ok(m, `cannot read connection text ${JSON.stringify(text)} at ${JSON.stringify(token)}`);
    if (m[1]) {
      current = { protocol: m[1], ports: [] };
      out.push(current);
    }
    assert.ok(current, `a port without protocol in ${JSON.stringify(text)}`);
    current.ports.push([Number(m[2]), Number(m[3] ?? m[2])]);
  }
  return out;
}

function ip(text: string): number {
  const parts = text.split('.').map(Number);
  assert.equal(parts.length, 4, `not an IPv4 address: ${text}`);
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}

/** `a.b.c.d-e.f.g.h` or `a.b.c.d/n` → [first, last]. */
function range(text: string): [number, number] {
  if (text.includes('/')) {
    const [addr, bits] = text.split('/');
    const size = 2 ** (32 - Number(bits));
    const first = ip(addr);
    return [first, first + size - 1];
  }
  const [a, b] = text.split('-');
  return [ip(a), ip(b)];
}

export interface Normalised {
  pairs: Map<string, string>;
  /** `workload|in` (external → workload) or `workload|out` → merged interval map as text. */
  externals: Map<string, string>;
}

export function normalise(rows: Row[]): Normalised {
  const pairs = new Map<string, string>();
  const intervals = new Map<string, { first: number; last: number; conns: string }[]>();
  for (const r of rows) {
    const conns = canonical(r.parsed ?? parseConns(r.conns));
    if (r.srcKind === 'External' || r.dstKind === 'External') {
      assert.ok(!(r.srcKind === 'External' && r.dstKind === 'External'), `an External-to-External pair: ${JSON.stringify(r)}`);
      const inbound = r.srcKind === 'External';
      const key = inbound ? `${r.dst} [${r.dstKind}] | from outside` : `${r.src} [${r.srcKind}] | to outside`;
      const [first, last] = range(inbound ? r.src : r.dst);
      const list = intervals.get(key) ?? [];
      list.push({ first, last, conns });
      intervals.set(key, list);
      continue;
    }
    assert.notEqual(`${r.src}`, `${r.dst}`, `a workload paired with itself: ${r.src}`);
    const key = `${r.src} [${r.srcKind}] -> ${r.dst} [${r.dstKind}]`;
    assert.ok(!pairs.has(key), `the pair ${key} is listed twice`);
    pairs.set(key, conns);
  }
  const externals = new Map<string, string>();
  for (const [key, list] of intervals) {
    list.sort((a, b) => a.first - b.first);
    const merged: { first: number; last: number; conns: string }[] = [];
    for (const iv of list) {
      const last = merged[merged.length - 1];
      assert.ok(!last || iv.first > last.last, `overlapping external ranges for ${key}`);
      if (last && last.last + 1 === iv.first && last.conns === iv.conns) last.last = iv.last;
      else merged.push({ ...iv });
    }
    externals.set(key, merged.map((m) => `${m.first}-${m.last}: ${m.conns}`).join('\n'));
  }
  return { pairs, externals };
}

export function compare(what: string, actual: Map<string, string>, expected: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [k, v] of expected) {
    if (!actual.has(k)) problems.push(`missing ${what} ${k}: ${v}`);
    else if (actual.get(k) !== v) problems.push(`different ${what} ${k}:\n    expected ${v.replace(/\n/g, '\n             ')}\n    actual   ${actual.get(k)!.replace(/\n/g, '\n             ')}`);
  }
  for (const [k, v] of actual) if (!expected.has(k)) problems.push(`extra ${what} ${k}: ${v}`);
  return problems;
}
