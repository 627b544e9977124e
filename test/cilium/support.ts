// The one place the Cilium tests call the engine: YAML → CiliumPolicyModel (with a real Locator), a
// hand-built WorkspaceModel, and the semantics tests' reference combiner of the PolicyEffect contract
// (a side is isolated if any selecting policy isolates it; allowed = union of allows of the selecting
// policies, or everything when none isolates; minus the union of denies).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ciliumPolicyFromDocument, type CiliumKind, type CiliumPolicyModel } from '../../server/src/engine/model/cilium';
import { makeFindingLocator, makeLocator } from '../../server/src/engine/model/locate';
import type { ContainerPort, NamespaceInfo, Workload } from '../../server/src/engine/model/types';
import type { Endpoint, IpRange, PolicyEffect, WorkspaceModel } from '../../server/src/engine/model/workspace';
import { parseChunk, toPlain } from '../../server/src/engine/parse/document';
import { ConnSet } from '../../server/src/engine/semantics/connset';
import { cutSpace, parseExternal, rangeText } from '../../server/src/engine/semantics/ip';
import type { Finding } from '../../server/src/engine/types';
import { referenceSide } from '../semantics/check';

export const URI = 'file:///policy.yaml';

/** The end-to-end cases: test/cilium/fixtures/<case>/{inputs/*.yaml, expected.json, expected-findings.json}. */
export const FIXTURES = join(__dirname, 'fixtures');

export function cases(): string[] {
  return readdirSync(FIXTURES).filter((n) => statSync(join(FIXTURES, n)).isDirectory()).sort();
}

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

/** Reads one CNP/CCNP document. */
export function readPolicy(yaml: string): { model: CiliumPolicyModel; findings: Finding[]; text: string } {
  const parsed = parseChunk(yaml);
  const value = toPlain(parsed.doc.contents as never).value;
  const place = { uri: URI, parsed, offset: 0 };
  const r = ciliumPolicyFromDocument(value, parsed.kind as CiliumKind, makeLocator(place), URI, { findingSpan: makeFindingLocator(place) });
  if (!r.model) throw new Error('no model');
  return { model: r.model, findings: r.findings, text: yaml };
}

/** `ns/name`, labels, and container ports like `http:TCP/8080`. */
export function workload(id: string, labels: Record<string, string> = {}, ports: string[] = []): Workload {
  const [namespace, name] = id.split('/');
  const cps: ContainerPort[] = ports.map((p) => {
    const m = /^(?:([a-z0-9-]+):)?(TCP|UDP|SCTP)\/(\d+)$/.exec(p);
    if (!m) throw new Error(`bad port ${p}`);
    return { ...(m[1] ? { name: m[1] } : {}), protocol: m[2] as ContainerPort['protocol'], port: Number(m[3]) };
  });
  return { id, namespace, name, kind: 'Deployment', labels, ports: cps, origin: 'declared' };
}

export function namespaces(spec: Record<string, Record<string, string>>): Map<string, NamespaceInfo> {
  const out = new Map<string, NamespaceInfo>();
  for (const [name, labels] of Object.entries(spec)) {
    out.set(name, { name, labels: { ...labels, 'kubernetes.io/metadata.name': name }, origin: 'declared' });
  }
  return out;
}

export function workspace(ns: Record<string, Record<string, string>>, workloads: Workload[], policies: PolicyEffect[] = []): WorkspaceModel {
  return { namespaces: namespaces(ns), workloads, tenants: new Map(), networkPolicies: [], policies, findings: new Map() };
}

/** What may flow from `src` to `dst` (a workload, or an IPv4 address/CIDR/range for an external end). */
export function conns(effects: readonly PolicyEffect[], src: Workload | string, dst: Workload | string): string {
  const end = (x: Workload | string): Endpoint => {
    if (typeof x !== 'string') return { type: 'workload', workload: x };
    const range = parseExternal(x);
    if (!range) throw new Error(`bad external ${x}`);
    return { type: 'external', range };
  };
  const s = end(src);
  const d = end(dst);
  let out = ConnSet.ALL;
  if (s.type === 'workload') out = out.intersect(referenceSide(effects, 'egress', s.workload, d));
  if (d.type === 'workload') out = out.intersect(referenceSide(effects, 'ingress', d.workload, s));
  return out.toString();
}

/** `line:col ruleId messageId "text"` for each finding, as a fixture reader sees them. */
export function describeFindings(text: string, findings: readonly Finding[]): string[] {
  return [...findings].sort((x, y) => x.span.start - y.span.start || x.ruleId.localeCompare(y.ruleId)).map((f) => {
    const before = text.slice(0, f.span.start);
    const line = before.split('\n').length;
    return `${line} ${f.ruleId} ${f.messageId} ${JSON.stringify(text.slice(f.span.start, f.span.end))}`;
  });
}

// ---- connectivity JSON, compared by meaning ---------------------------------------------------------

/** A row of `connectivity --format json` (DESIGN.md). */
export interface Row {
  src: string;
  dst: string;
  srcKind?: string;
  dstKind?: string;
  conns: string;
  uncertain?: boolean;
}

const PROTO = /^(TCP|UDP|SCTP)\s+(.*)$/;

/** `All Connections`, `TCP 53,80-82;UDP 53` or the conformance corpus's `TCP 80,UDP 53` → a ConnSet. */
export function parseConns(text: string): ConnSet {
  if (text === 'All Connections') return ConnSet.ALL;
  if (text === 'No Connections' || text === '') return ConnSet.NONE;
  let out = ConnSet.NONE;
  let proto: 'TCP' | 'UDP' | 'SCTP' | undefined;
  for (const raw of text.split(/[;,]/)) {
    let part = raw.trim();
    const m = PROTO.exec(part);
    if (m) {
      proto = m[1] as 'TCP' | 'UDP' | 'SCTP';
      part = m[2];
    }
    if (!proto) throw new Error(`cannot read connections ${JSON.stringify(text)}`);
    const [a, b] = part.split('-').map(Number);
    out = out.union(ConnSet.port(proto, a, b ?? a));
  }
  return out;
}

function isExternal(name: string): boolean {
  return /^\d/.test(name);
}

/**
 * Differences between two connectivity answers, as sentences. Workload pairs compare by conns; a
 * workload's connections with external addresses compare address by address, so two answers that cut
 * or merge the external space differently but agree on every address are equal. Rows of `expected`
 * marked `uncertain` must be uncertain in `actual` too.
 */
export function compareConnectivity(actual: readonly Row[], expected: readonly Row[]): string[] {
  const problems: string[] = [];
  const pairs = (rows: readonly Row[]) => {
    const m = new Map<string, Row>();
    for (const r of rows) if (!isExternal(r.src) && !isExternal(r.dst)) m.set(`${r.src} -> ${r.dst}`, r);
    return m;
  };
  const a = pairs(actual);
  const e = pairs(expected);
  for (const key of new Set([...a.keys(), ...e.keys()])) {
    const x = a.get(key);
    const y = e.get(key);
    const xs = x ? parseConns(x.conns).toString() : 'No Connections';
    const ys = y ? parseConns(y.conns).toString() : 'No Connections';
    if (xs !== ys) problems.push(`${key}: got ${xs}, expected ${ys}`);
    if (y?.uncertain && !x?.uncertain) problems.push(`${key}: expected an uncertain verdict`);
  }
  for (const dir of ['in', 'out'] as const) {
    const ranges = (rows: readonly Row[]) => {
      const m = new Map<string, { range: IpRange; conns: ConnSet; uncertain: boolean }[]>();
      for (const r of rows) {
        const ext = dir === 'in' ? r.src : r.dst;
        const w = dir === 'in' ? r.dst : r.src;
        if (!isExternal(ext) || isExternal(w)) continue;
        const range = parseExternal(ext);
        if (!range) throw new Error(`cannot read external ${ext}`);
        const list = m.get(w) ?? [];
        list.push({ range, conns: parseConns(r.conns), uncertain: !!r.uncertain });
        m.set(w, list);
      }
      return m;
    };
    const ax = ranges(actual);
    const ex = ranges(expected);
    for (const w of new Set([...ax.keys(), ...ex.keys()])) {
      const al = ax.get(w) ?? [];
      const el = ex.get(w) ?? [];
      const at = (list: typeof al, p: IpRange) => list.find((x) => x.range.first <= p.first && p.last <= x.range.last);
      for (const piece of cutSpace([...al, ...el].map((x) => x.range))) {
        const x = at(al, piece);
        const y = at(el, piece);
        const xs = x ? x.conns.toString() : 'No Connections';
        const ys = y ? y.conns.toString() : 'No Connections';
        const label = dir === 'in' ? `${rangeText(piece)} -> ${w}` : `${w} -> ${rangeText(piece)}`;
        if (xs !== ys) problems.push(`${label}: got ${xs}, expected ${ys}`);
        if (y?.uncertain && !x?.uncertain) problems.push(`${label}: expected an uncertain verdict`);
      }
    }
  }
  return problems;
}
