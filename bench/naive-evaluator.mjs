// A deliberately naive NetworkPolicy evaluator, the yardstick of the reachability bench
// (scripts/bench-reachability.mjs). Written from the Kubernetes NetworkPolicy specification
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the API reference of
// networking.k8s.io/v1), sharing no code with the engine: its own YAML reading (the `yaml` package), its
// own selectors, its own connection sets. For every source × destination it asks every policy again:
// no index of selectors, no equivalence classes, no cache of results.
//
// Two modes:
//   strict  — the literal pod × policy × pod loop: for each pair, each side scans all policies of the
//             cluster to find those that select the subject. Only practical on a sample of pairs.
//   hoisted — the same evaluation, with one concession: the policies that select a workload (and in which
//             directions) are found once per workload by scanning all policies (pod × policy), instead of
//             once per pair. Each pair then evaluates every rule of those policies against its peer
//             (pod × pod × rules). This is what a careful but unindexed tool does; the bench's full 1× run
//             uses it.
// Both give the same answers (the bench checks that on a sample).
//
// The conventions are those of the conformance corpus (../shared/conformance/netpol-analyzer/README.md):
// workloads as peers (a controlled Pod is its owner), external IPv4 space cut at the ipBlock boundaries
// (sources by ingress ipBlocks, destinations by egress ipBlocks). Capsule: `Tenant.spec.networkPolicies
// .items` are stamped into every namespace labelled `capsule.clastix.io/tenant: <tenant>`, which is all the
// generated bench cluster uses of Capsule; the labels `namespaceOptions.additionalMetadata(List)` put on
// the tenant's namespaces are applied too (../shared/bench/workspace-600ns uses them).
//
//   node bench/naive-evaluator.mjs --conformance ../shared/conformance/netpol-analyzer
// checks this evaluator against the 33 cases of the corpus (its correctness is what the bench relies on).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

// ---- connection sets: { TCP, UDP, SCTP } → sorted disjoint inclusive [a, b] port ranges ---------------

export const PROTOS = ['SCTP', 'TCP', 'UDP'];
const FULL = [[1, 65535]];
export const NONE = Object.freeze({ SCTP: [], TCP: [], UDP: [] });
export const ALL = Object.freeze({ SCTP: FULL, TCP: FULL, UDP: FULL });

function norm(ranges) {
  const s = ranges.map(([a, b]) => [Math.max(1, a), Math.min(65535, b)]).filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function isEmpty(c) {
  return c.SCTP.length === 0 && c.TCP.length === 0 && c.UDP.length === 0;
}

export function union(x, y) {
  if (isEmpty(y)) return x;
  if (isEmpty(x)) return y;
  return { SCTP: norm([...x.SCTP, ...y.SCTP]), TCP: norm([...x.TCP, ...y.TCP]), UDP: norm([...x.UDP, ...y.UDP]) };
}

function intersectRanges(x, y) {
  const out = [];
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

export function intersect(x, y) {
  if (x === ALL) return y;
  if (y === ALL) return x;
  return { SCTP: intersectRanges(x.SCTP, y.SCTP), TCP: intersectRanges(x.TCP, y.TCP), UDP: intersectRanges(x.UDP, y.UDP) };
}

function single(protocol, a, b) {
  const c = { SCTP: [], TCP: [], UDP: [] };
  c[protocol] = a <= b ? [[a, b]] : [];
  return c;
}

/** DESIGN.md's text form: `All Connections`, or `TCP 53,80-82;UDP 53` (empty: `No Connections`). */
export function connString(c) {
  if (PROTOS.every((p) => c[p].length === 1 && c[p][0][0] === 1 && c[p][0][1] === 65535)) return 'All Connections';
  if (isEmpty(c)) return 'No Connections';
  return PROTOS.filter((p) => c[p].length > 0)
    .map((p) => `${p} ${c[p].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`)
    .join(';');
}

// ---- reading manifests ----------------------------------------------------------------------------------

/** Every `*.yaml`/`*.yml` under a folder (or the file itself), in name order. */
export function yamlFiles(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const out = [];
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** All objects of all documents; List kinds flattened (their items may omit `kind`). */
export function readObjects(paths) {
  const out = [];
  for (const file of paths.flatMap(yamlFiles)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o = doc.toJS({ maxAliasCount: 100 });
      if (!o || typeof o !== 'object') continue;
      if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
        const itemKind = o.kind === 'List' ? undefined : o.kind.slice(0, -4);
        for (const item of o.items) if (item && typeof item === 'object') out.push(item.kind ? item : { ...item, kind: itemKind });
      } else out.push(o);
    }
  }
  return out;
}

const CONTROLLERS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

function podTemplate(o) {
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return o.spec?.template;
}

function containerPorts(podSpec) {
  const out = [];
  for (const c of podSpec?.containers ?? []) {
    for (const p of c?.ports ?? []) {
      if (typeof p?.containerPort !== 'number') continue;
      out.push({ name: typeof p.name === 'string' ? p.name : undefined, port: p.containerPort, protocol: p.protocol ?? 'TCP' });
    }
  }
  return out;
}

function selector(s) {
  // An absent selector is kept absent (undefined); `{}` selects everything.
  if (s === undefined || s === null) return undefined;
  return { matchLabels: s.matchLabels ?? {}, matchExpressions: s.matchExpressions ?? [] };
}

function policyModel(o, namespace, id) {
  const spec = o.spec ?? {};
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : undefined;
  const ingress = Array.isArray(spec.ingress) ? spec.ingress : [];
  const egress = Array.isArray(spec.egress) ? spec.egress : [];
  const rule = (r, peersKey) => ({
    // An empty or missing `from`/`to` matches every peer; empty or missing `ports` every port.
    peers: Array.isArray(r?.[peersKey]) && r[peersKey].length > 0 ? r[peersKey].map((p) => ({
      podSelector: selector(p?.podSelector),
      namespaceSelector: selector(p?.namespaceSelector),
      ipBlock: p?.ipBlock ? { cidr: p.ipBlock.cidr, except: p.ipBlock.except ?? [] } : undefined,
    })) : 'any',
    ports: Array.isArray(r?.ports) && r.ports.length > 0 ? r.ports.map((p) => ({ protocol: p?.protocol ?? 'TCP', port: p?.port, endPort: p?.endPort })) : 'any',
  });
  return {
    id,
    namespace,
    podSelector: selector(spec.podSelector) ?? { matchLabels: {}, matchExpressions: [] },
    // Without policyTypes: Ingress always, Egress when there are egress rules.
    types: types ? { ingress: types.includes('Ingress'), egress: types.includes('Egress') } : { ingress: true, egress: egress.length > 0 },
    ingress: ingress.map((r) => rule(r, 'from')),
    egress: egress.map((r) => rule(r, 'to')),
  };
}

/** Objects → { namespaces: Map(name → labels), workloads, policies }. */
export function buildCluster(objects) {
  const namespaces = new Map();
  const declare = (name) => {
    if (!namespaces.has(name)) namespaces.set(name, { 'kubernetes.io/metadata.name': name });
    return namespaces.get(name);
  };
  for (const o of objects) {
    if (o.kind !== 'Namespace' || typeof o.metadata?.name !== 'string') continue;
    namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name });
  }
  const workloads = new Map();
  for (const o of objects) {
    const ns = o.metadata?.namespace ?? 'default';
    if (o.kind === 'Pod') {
      const owner = (o.metadata?.ownerReferences ?? []).find((r) => r?.controller === true && r.kind !== 'Node');
      const name = owner ? owner.name : o.metadata?.name;
      const id = `${ns}/${name}`;
      const existing = workloads.get(id);
      if (existing) {
        // Replicas of one owner are one peer: the first one's labels, every container port.
        existing.ports.push(...containerPorts(o.spec));
        continue;
      }
      workloads.set(id, { id, namespace: ns, name, kind: owner ? owner.kind ?? 'Pod' : 'Pod', labels: o.metadata?.labels ?? {}, ports: containerPorts(o.spec) });
    } else if (CONTROLLERS.has(o.kind)) {
      const t = podTemplate(o);
      const id = `${ns}/${o.metadata?.name}`;
      workloads.set(id, { id, namespace: ns, name: o.metadata?.name, kind: o.kind, labels: t?.metadata?.labels ?? {}, ports: containerPorts(t?.spec) });
    }
  }
  for (const w of workloads.values()) declare(w.namespace);

  // Capsule: the labels a Tenant stamps on its namespaces (namespaceOptions.additionalMetadata as written,
  // additionalMetadataList entries whose namespaceSelector matches, with {{tenant.name}}/{{namespace}}
  // rendered) are merged over the namespace's own, as the namespace webhook does.
  const tenants = objects.filter((o) => o.kind === 'Tenant' && o.apiVersion?.startsWith('capsule.clastix.io/') && typeof o.metadata?.name === 'string');
  for (const [ns, labels] of namespaces) {
    const t = tenants.find((x) => x.metadata.name === labels['capsule.clastix.io/tenant']);
    if (!t) continue;
    const render = (s) => String(s).replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, k) => (k === 'tenant.name' ? t.metadata.name : k === 'namespace' ? ns : ''));
    const managed = { ...(t.spec?.namespaceOptions?.additionalMetadata?.labels ?? {}) };
    for (const entry of t.spec?.namespaceOptions?.additionalMetadataList ?? []) {
      const s = selector(entry?.namespaceSelector);
      if (s && !matches(s, labels)) continue;
      for (const [k, v] of Object.entries(entry?.labels ?? {})) managed[render(k)] = render(v);
    }
    Object.assign(labels, managed, { 'capsule.clastix.io/tenant': t.metadata.name, 'kubernetes.io/metadata.name': ns });
  }

  const policies = [];
  for (const o of objects) {
    if (o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1') {
      const ns = o.metadata?.namespace ?? 'default';
      policies.push(policyModel(o, ns, `${ns}/${o.metadata?.name}`));
    }
  }
  // Capsule: a Tenant's networkPolicies.items exist in each namespace of the tenant.
  for (const o of objects) {
    if (o.kind !== 'Tenant' || !o.apiVersion?.startsWith('capsule.clastix.io/')) continue;
    const items = o.spec?.networkPolicies?.items ?? [];
    if (items.length === 0) continue;
    for (const [ns, labels] of namespaces) {
      if (labels['capsule.clastix.io/tenant'] !== o.metadata?.name) continue;
      items.forEach((spec, i) => policies.push(policyModel({ spec }, ns, `${ns}/capsule-${o.metadata.name}-${i}`)));
    }
  }
  return { namespaces, workloads: [...workloads.values()], policies };
}

// ---- the specification ------------------------------------------------------------------------------------

function matches(sel, labels) {
  for (const k in sel.matchLabels) if (labels[k] !== String(sel.matchLabels[k])) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = (e.values ?? []).map(String);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Does a `from`/`to` entry of a policy in `policyNs` admit this peer? */
function peerMatches(cluster, policyNs, peer, endpoint) {
  if (endpoint.type === 'external') {
    if (!peer.ipBlock) return false;
    return blockContains(peer.ipBlock, endpoint.first, endpoint.last);
  }
  if (peer.ipBlock) return false; // ipBlock never matches an in-cluster workload
  const w = endpoint.workload;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, cluster.namespaces.get(w.namespace))) return false;
  } else if (w.namespace !== policyNs) return false;
  return !peer.podSelector || matches(peer.podSelector, w.labels);
}

/** The connections a rule's `ports` allow towards `dst` (named ports resolved on dst's containers). */
function ruleConns(ports, dst) {
  if (ports === 'any') return ALL;
  let c = NONE;
  for (const p of ports) {
    const protocol = p.protocol;
    if (!PROTOS.includes(protocol)) continue;
    if (p.port === undefined || p.port === null) c = union(c, single(protocol, 1, 65535));
    else if (typeof p.port === 'number') c = union(c, single(protocol, p.port, p.endPort ?? p.port));
    else if (dst.type === 'workload') {
      for (const cp of dst.workload.ports) if (cp.name === p.port && cp.protocol === protocol) c = union(c, single(protocol, cp.port, cp.port));
    }
  }
  return c;
}

/** What `direction` allows for `subject` (a workload) with `peer`, given the policies that select it. */
function sideConns(cluster, direction, subject, peer, dst, selecting) {
  let isolated = false;
  let c = NONE;
  for (const p of selecting) {
    if (!p.types[direction]) continue;
    isolated = true;
    for (const rule of p[direction]) {
      if (rule.peers !== 'any' && !rule.peers.some((pe) => peerMatches(cluster, p.namespace, pe, peer))) continue;
      c = union(c, ruleConns(rule.ports, dst));
    }
  }
  return isolated ? c : ALL;
}

function selectingStrict(cluster, w) {
  const out = [];
  for (const p of cluster.policies) if (p.namespace === w.namespace && matches(p.podSelector, w.labels)) out.push(p);
  return out;
}

export class NaiveEvaluator {
  constructor(cluster, mode = 'hoisted') {
    this.cluster = cluster;
    this.mode = mode;
    this.selecting = new Map();
    this.ranges = externalRanges(cluster);
  }

  /** Hoisted mode: finds the policies selecting each of these workloads now (pod × policy), not on first use. */
  hoist(workloads = this.cluster.workloads) {
    for (const w of workloads) if (!this.selecting.has(w)) this.selecting.set(w, selectingStrict(this.cluster, w));
  }

  policiesOf(w) {
    if (this.mode !== 'hoisted') return selectingStrict(this.cluster, w);
    let list = this.selecting.get(w);
    if (!list) this.selecting.set(w, (list = selectingStrict(this.cluster, w)));
    return list;
  }

  /** Every external range towards (destinations) and from (sources) one workload, non-empty ones visited. */
  externalsOf(workload, visit) {
    const w = { type: 'workload', workload };
    for (const r of this.ranges.sources) {
      const c = this.conns(r, w);
      if (!isEmpty(c)) visit(r, w, c);
    }
    for (const r of this.ranges.destinations) {
      const c = this.conns(w, r);
      if (!isEmpty(c)) visit(w, r, c);
    }
  }

  /** Connections src → dst; src and dst are `{type:'workload', workload}` or `{type:'external', first, last}`. */
  conns(src, dst) {
    const egress = src.type === 'workload' ? sideConns(this.cluster, 'egress', src.workload, dst, dst, this.policiesOf(src.workload)) : ALL;
    if (isEmpty(egress)) return NONE;
    const ingress = dst.type === 'workload' ? sideConns(this.cluster, 'ingress', dst.workload, src, dst, this.policiesOf(dst.workload)) : ALL;
    return intersect(egress, ingress);
  }

  /** Every workload pair and every workload with every external range; `visit(src, dst, conns)` for each non-empty one. */
  matrix(visit) {
    this.hoist();
    const ws = this.cluster.workloads.map((workload) => ({ type: 'workload', workload }));
    for (const s of ws) {
      for (const d of ws) {
        if (s === d) continue;
        const c = this.conns(s, d);
        if (!isEmpty(c)) visit(s, d, c);
      }
    }
    for (const w of this.cluster.workloads) this.externalsOf(w, visit);
  }
}

// ---- IPv4 ----------------------------------------------------------------------------------------------

const MAX_IP = 0xffffffff;

export function parseCidr(s) {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(String(s).trim());
  if (!m) return undefined; // IPv6 or invalid: matches no IPv4 range
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - bits);
  const first = Math.floor(addr / size) * size;
  return [first, first + size - 1];
}

/** cidr minus excepts, as sorted disjoint intervals. */
function blockIntervals(block) {
  const c = parseCidr(block.cidr);
  if (!c) return [];
  let out = [c];
  for (const e of block.except) {
    const x = parseCidr(e);
    if (!x) continue;
    const next = [];
    for (const [a, b] of out) {
      if (x[1] < a || x[0] > b) next.push([a, b]);
      else {
        if (x[0] > a) next.push([a, x[0] - 1]);
        if (x[1] < b) next.push([x[1] + 1, b]);
      }
    }
    out = next;
  }
  return out;
}

function blockContains(block, first, last) {
  return blockIntervals(block).some(([a, b]) => a <= first && last <= b);
}

function cut(blocks) {
  const points = new Set([0]);
  for (const b of blocks) {
    for (const [a, z] of blockIntervals(b)) {
      points.add(a);
      if (z < MAX_IP) points.add(z + 1);
    }
  }
  const starts = [...points].sort((x, y) => x - y);
  return starts.map((s, i) => ({ type: 'external', first: s, last: i + 1 < starts.length ? starts[i + 1] - 1 : MAX_IP }));
}

/** The external ranges: sources cut at ingress ipBlocks, destinations at egress ipBlocks. */
function externalRanges(cluster) {
  const ingress = [];
  const egress = [];
  for (const p of cluster.policies) {
    for (const [list, into] of [[p.ingress, ingress], [p.egress, egress]]) {
      for (const r of list) if (r.peers !== 'any') for (const pe of r.peers) if (pe.ipBlock) into.push(pe.ipBlock);
    }
  }
  return { sources: cut(ingress), destinations: cut(egress) };
}

export function ipString(n) {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `first-last`, or a CIDR when the range is one (DESIGN.md). */
export function rangeName(first, last) {
  const size = last - first + 1;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && first % size === 0) return `${ipString(first)}/${32 - bits}`;
  return `${ipString(first)}-${ipString(last)}`;
}

/** `a.b.c.d/n` or `a.b.c.d-e.f.g.h` → [first, last]; undefined when it is not a range. */
export function parseRange(s) {
  const cidr = parseCidr(s);
  if (cidr) return cidr;
  const m = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (!m) return undefined;
  const a = parseCidr(`${m[1]}/32`);
  const b = parseCidr(`${m[2]}/32`);
  return a && b ? [a[0], b[0]] : undefined;
}

// ---- comparing with another answer ---------------------------------------------------------------------

/**
 * Connections keyed for comparison: workload pairs as `src\tdst` → conns text; external ones as interval
 * maps per workload and direction, neighbours with equal connections merged (the cut of the address space
 * is a presentation choice; what must agree is the connectivity of every address).
 */
export class Answer {
  constructor() {
    this.pairs = new Map();
    this.external = new Map();
  }

  add(src, dst, conns) {
    const s = parseRange(src);
    const d = parseRange(dst);
    if (s && d) return;
    if (s || d) {
      const key = s ? `from\t${dst}` : `to\t${src}`;
      const [first, last] = s ?? d;
      if (!this.external.has(key)) this.external.set(key, []);
      this.external.get(key).push([first, last, conns]);
      return;
    }
    this.pairs.set(`${src}\t${dst}`, conns);
  }

  /** Interval map with every address 0…2^32-1, gaps as `No Connections`, equal neighbours merged. */
  static merged(list) {
    const sorted = [...list].sort((x, y) => x[0] - y[0]);
    const out = [];
    let next = 0;
    const push = (a, b, c) => {
      const last = out[out.length - 1];
      if (last && last[2] === c && last[1] + 1 === a) last[1] = b;
      else out.push([a, b, c]);
    };
    for (const [a, b, c] of sorted) {
      if (a > next) push(next, a - 1, 'No Connections');
      push(a, b, c);
      next = b + 1;
    }
    if (next <= MAX_IP) push(next, MAX_IP, 'No Connections');
    return out;
  }

  /** Differences with another answer: [{key, ours, theirs}], at most `limit`. */
  compare(other, limit = 50) {
    const out = [];
    let count = 0;
    const note = (key, ours, theirs) => {
      count++;
      if (out.length < limit) out.push({ key, ours, theirs });
    };
    for (const [k, v] of this.pairs) if (other.pairs.get(k) !== v) note(k, v, other.pairs.get(k) ?? 'No Connections');
    for (const [k, v] of other.pairs) if (!this.pairs.has(k)) note(k, 'No Connections', v);
    const keys = new Set([...this.external.keys(), ...other.external.keys()]);
    for (const k of keys) {
      const a = JSON.stringify(Answer.merged(this.external.get(k) ?? []));
      const b = JSON.stringify(Answer.merged(other.external.get(k) ?? []));
      if (a !== b) note(`external ${k}`, a, b);
    }
    return { count, samples: out };
  }
}

/** The naive answer for a whole cluster, as an Answer. */
export function naiveAnswer(evaluator) {
  const answer = new Answer();
  const name = (e) => (e.type === 'workload' ? e.workload.id : rangeName(e.first, e.last));
  evaluator.matrix((s, d, c) => answer.add(name(s), name(d), connString(c)));
  return answer;
}

// ---- self-check on the conformance corpus ----------------------------------------------------------------

function conformance(dir) {
  const cases = readdirSync(dir).filter((c) => statSync(join(dir, c)).isDirectory()).sort();
  let failed = 0;
  for (const c of cases) {
    const cluster = buildCluster(readObjects([join(dir, c, 'inputs')]));
    const ours = naiveAnswer(new NaiveEvaluator(cluster));
    const theirs = new Answer();
    for (const e of JSON.parse(readFileSync(join(dir, c, 'expected.json'), 'utf8'))) {
      const conns = e.parsed.length === 3 && e.parsed.every((p) => p.ports.length === 1 && p.ports[0][0] === 1 && p.ports[0][1] === 65535)
        ? 'All Connections'
        : connString(Object.fromEntries(PROTOS.map((p) => [p, e.parsed.find((x) => x.protocol === p)?.ports ?? []])));
      theirs.add(e.src, e.dst, conns);
    }
    const d = ours.compare(theirs, 5);
    if (d.count > 0) failed++;
    console.log(`${d.count === 0 ? 'ok  ' : 'FAIL'} ${c}${d.count ? `: ${d.count} differences, e.g. ${JSON.stringify(d.samples)}` : ''}`);
  }
  console.log(`${cases.length - failed}/${cases.length} cases agree`);
  return failed === 0;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--conformance') {
  process.exit(conformance(resolve(process.argv[3] ?? '../shared/conformance/netpol-analyzer')) ? 0 : 1);
}
