// The DNS egress trap, shared by dns-egress-missing, dns-egress-udp-only and dns-egress-by-service-ip.
//
// A pod isolated for egress can resolve names only if the union of what its policies allow (minus what
// Cilium deny rules take away) reaches the cluster DNS on every configured port, over UDP (every lookup)
// and TCP (truncated answers, DNSSEC, large records). The DNS pods are configuration (config.dns), and
// rarely declared in a policy repository, so they are a synthetic workload; NodeLocal DNSCache, when
// configured, is an external address that counts as DNS too.
//
// Who is checked: the declared (or exported) workloads; in a namespace without any, one hypothetical pod
// per egress-isolating policy that carries just the labels its selector needs. A policy repository
// usually declares no pods at all, and a default-deny without DNS must still be found there; nor does it
// declare the namespaces tenant owners create, so a Tenant without any gets a probe namespace.
//
// Each problem is reported once, where its repair belongs: a missing DNS rule on the broadest policy that
// isolates the pod (a default-deny, usually); a UDP-only DNS rule on its UDP port entry; a DNS rule by
// address on its ipBlock. Policies Capsule stamps into many namespaces are reported once, on the Tenant
// item or rawItem they come from, naming the namespaces.
import { isMap, isScalar, isSeq } from 'yaml';
import type { DnsConfig, ProjectConfig } from '../config';
import { buildWorkspaceModel } from '../model/assemble';
import { finding, isObj, NAME_LABEL, TENANT_LABEL } from '../model/capsule';
import { emptyFileModel, type FileModel } from '../model/extract';
import { findNode, findingSpan, nodeSpan, type DocumentPlace, type Path } from '../model/locate';
import type { Protocol, Workload } from '../model/types';
import type { Endpoint, IpRange, PolicyEffect, RuleContribution, WorkspaceModel } from '../model/workspace';
import { toPlain, walkNodes, type YamlNode } from '../parse/document';
import { ConnSet } from '../semantics/connset';
import { cidrRange, parseIpv4, rangeText } from '../semantics/ip';
import { matchesSelector } from '../semantics/selector';
import type { Finding, Fix, Span } from '../types';
import { dnsFixes, portEntries, type FixTarget, type PortEntry } from './dns-egress-fix';
import { ciliumRulePath, networkPolicyOf, objectPathAt, policyNamespace, probePods, type ProbePod } from './probes';
import type { WorkspaceRuleContext } from './types';

export { networkPolicyOf, objectPathAt } from './probes';

export const DNS_EGRESS_MISSING = 'dns-egress-missing';
export const DNS_EGRESS_UDP_ONLY = 'dns-egress-udp-only';
export const DNS_EGRESS_BY_SERVICE_IP = 'dns-egress-by-service-ip';
export type DnsRuleId = typeof DNS_EGRESS_MISSING | typeof DNS_EGRESS_UDP_ONLY | typeof DNS_EGRESS_BY_SERVICE_IP;

/** A pod the analysis checks: a known workload, or a hypothetical pod standing for a policy's subjects. */
interface Subject {
  workload: Workload;
  hypothetical: boolean;
  /** How a message names it: `workload ns/name`, or the selector the hypothetical pod stands for. */
  description: string;
  /** A pod of the probe namespace standing for the next namespace a tenant owner creates. */
  newNamespaceOf?: string;
}

type Verdict =
  | { type: 'ok' }
  | { type: 'missing' | 'tcpOnly'; denied: boolean }
  | { type: 'udpOnly'; udp: RuleContribution }
  | { type: 'byServiceIp'; via: RuleContribution; range: IpRange; linkLocal: boolean };

/** Where a finding and its fix go: a policy (its spec or Cilium rule), and possibly one rule or entry in it. */
interface Place {
  place: DocumentPlace;
  /** The NetworkPolicy spec, or the Cilium rule (`spec`, `specs[i]`), in the document. */
  specPath: Path;
  /** The path of the object holding `kind` (undefined for a Tenant networkPolicies item). */
  objectPath?: Path;
  cilium: boolean;
  effect: PolicyEffect;
}

interface Problem {
  rule: DnsRuleId;
  messageId: string;
  place: Place;
  span: Span;
  subjects: Subject[];
  verdict: Verdict;
  /** The egress rule the finding is about (udp-only: the UDP rule; by-service-ip: the ipBlock rule). */
  rulePath?: Path;
}

const cache = new WeakMap<WorkspaceModel, { config: ProjectConfig; problems: Problem[] }>();

/** Reports the problems of one of the three rules (the analysis runs once per model and configuration). */
export function reportDns(ctx: WorkspaceRuleContext, rule: DnsRuleId): void {
  let hit = cache.get(ctx.model);
  if (!hit || hit.config !== ctx.config) {
    hit = { config: ctx.config, problems: analyse(ctx) };
    cache.set(ctx.model, hit);
  }
  for (const p of hit.problems) {
    if (p.rule !== rule) continue;
    const f: Finding = finding(rule, p.messageId, { start: p.span.start + p.place.place.offset, end: p.span.end + p.place.place.offset }, message(p, ctx.config.dns));
    f.fixes = fixesFor(p, ctx.config.dns).map((fix) => ({
      ...fix,
      edits: fix.edits.map((e) => ({ span: { start: e.span.start + p.place.place.offset, end: e.span.end + p.place.place.offset }, newText: e.newText })),
    }));
    ctx.report(p.place.place.uri, f);
  }
}

// ---- analysis --------------------------------------------------------------------------------------

function analyse(ctx: WorkspaceRuleContext): Problem[] {
  const problems = new Map<string, Problem>();
  analyseModel(ctx, ctx.model, problems);
  const probe = probeModel(ctx);
  if (probe) analyseModel(ctx, probe.model, problems, probe.namespaces);
  return [...problems.values()];
}

/**
 * Tenant owners usually create their namespaces themselves, so a policy repository often declares a
 * Tenant (and GlobalTenantResources) but none of its namespaces, and Capsule's policies are then stamped
 * nowhere in the model. For each such tenant a probe namespace is added, carrying the labels Capsule
 * gives a new namespace of the tenant, and the model is assembled again (without rules): its policies
 * are what a tenant owner's next namespace gets.
 */
function probeModel(ctx: WorkspaceRuleContext): { model: WorkspaceModel; namespaces: Map<string, string> } | undefined {
  const { model } = ctx;
  const withNamespaces = new Set([...model.namespaces.values()].map((n) => n.tenant).filter((t): t is string => !!t));
  const replicates = ctx.files.some((f) => f.origin === 'declared' && f.replications.some((r) => r.kind === 'GlobalTenantResource'));
  const lonely = ctx.files
    .filter((f) => f.origin === 'declared')
    .flatMap((f) => f.tenants)
    .filter((t) => !withNamespaces.has(t.info.name) && (replicates || t.networkPolicyItems.length > 0))
    .map((t) => t.info.name);
  if (lonely.length === 0) return undefined;
  const namespaces = new Map<string, string>();
  const uri = 'tenant-policy-probe:';
  const decls = [...new Set(lonely)].map((tenant) => {
    let name = `${tenant}-new`.slice(0, 63);
    for (let i = 2; model.namespaces.has(name) || namespaces.has(name); i++) name = `${tenant.slice(0, 55)}-new-${i}`;
    namespaces.set(name, tenant);
    return { name, labels: { [NAME_LABEL]: name, [TENANT_LABEL]: tenant }, origin: 'declared' as const, source: { uri, span: { start: 0, end: 0 } }, ownerTenant: tenant };
  });
  const probe: FileModel = { ...emptyFileModel(uri, 'declared'), namespaces: decls };
  return { model: buildWorkspaceModel([...ctx.files, probe]), namespaces };
}

/** Adds the problems of one model; `only`: check just hypothetical pods of these (probe) namespaces. */
function analyseModel(ctx: WorkspaceRuleContext, model: WorkspaceModel, problems: Map<string, Problem>, only?: Map<string, string>): void {
  const dns = ctx.config.dns;
  const declaredUris = new Set(ctx.files.filter((f) => f.origin === 'declared').map((f) => f.uri));
  const dnsPod = dnsWorkload(model, dns);
  const nodeLocal = nodeLocalEndpoint(dns);
  const egressPolicies = model.policies.filter((p) => p.isolates('egress'));
  if (egressPolicies.length === 0) return;

  const subjects = collectSubjects(ctx, model, egressPolicies, dns, only);
  const places = new Map<PolicyEffect, Place | null>();
  const uncertainty = new Map<PolicyEffect, boolean>();
  const placeOf = (effect: PolicyEffect): Place | undefined => {
    if (!places.has(effect)) places.set(effect, declaredUris.has(effect.source.uri) ? locatePolicy(ctx, effect) ?? null : null);
    return places.get(effect) ?? undefined;
  };

  const candidates = policiesByNamespace(model.policies);
  for (const subject of subjects) {
    const selecting = candidates(subject.workload.namespace).filter((p) => p.selects(subject.workload));
    const isolating = selecting.filter((p) => p.isolates('egress'));
    if (isolating.length === 0) continue;
    const verdict = judge(subject.workload, selecting, dnsPod, nodeLocal, dns);
    if (verdict.type === 'ok' || selecting.some(uncertain)) continue;

    let problem: Omit<Problem, 'subjects'> | undefined;
    if (verdict.type === 'udpOnly' || verdict.type === 'byServiceIp') {
      const via = verdict.type === 'udpOnly' ? verdict.udp : verdict.via;
      const effect = selecting.find((p) => p.id === via.policyId);
      const place = effect && placeOf(effect);
      if (!place) continue;
      const rulePath = [...place.specPath, 'egress', via.ruleIndex];
      if (verdict.type === 'udpOnly') {
        const span = udpEntrySpan(place, rulePath, dns) ?? keySpanAt(place, rulePath);
        if (!span) continue;
        problem = { rule: DNS_EGRESS_UDP_ONLY, messageId: 'udpOnly', place, span, verdict, rulePath };
      } else {
        const span = ipBlockSpan(place, rulePath, verdict.range) ?? keySpanAt(place, rulePath);
        if (!span) continue;
        problem = { rule: DNS_EGRESS_BY_SERVICE_IP, messageId: verdict.linkLocal ? 'linkLocal' : 'serviceIp', place, span, verdict, rulePath };
      }
    } else {
      const blamed = blame(isolating, subject.workload, placeOf);
      if (!blamed) continue;
      problem = { rule: DNS_EGRESS_MISSING, messageId: verdict.type === 'tcpOnly' ? 'tcpOnly' : 'missing', place: blamed, span: isolationSpan(blamed), verdict };
    }
    const key = `${problem.rule}|${problem.place.place.uri}|${problem.place.place.offset}|${problem.span.start}`;
    const existing = problems.get(key);
    if (existing) existing.subjects.push(subject);
    else problems.set(key, { ...problem, subjects: [subject] });
  }

  /**
   * A policy with parts the engine could not read may admit DNS through them: a NetworkPolicy the API
   * server rejects (its own finding says why), or a Cilium egress peer that is not modelled (toServices
   * naming kube-dns, toRequires, CIDR groups, …). Then nothing is said. toFQDNs and L7 rules cannot
   * admit the DNS pods, and ingress parts do not matter here.
   */
  function uncertain(effect: PolicyEffect): boolean {
    let hit = uncertainty.get(effect);
    if (hit === undefined) {
      hit = effect.unmodelled.some((ref) => {
        if (!effect.kind.startsWith('Cilium')) return true;
        const place = ctx.placeOf(ref);
        const path = place && nodePathAt(place, ref.span.start - place.offset);
        if (!path) return true;
        const keys = path.filter((s): s is string => typeof s === 'string');
        if (keys.includes('ingress') || keys.includes('ingressDeny')) return false;
        return !keys.includes('toFQDNs') && !keys.includes('rules');
      });
      uncertainty.set(effect, hit);
    }
    return hit;
  }
}

/**
 * The policies that can select a pod of a namespace, in workspace order: a NetworkPolicy and a
 * CiliumNetworkPolicy only select pods of their own namespace; a clusterwide policy anywhere.
 */
function policiesByNamespace(policies: readonly PolicyEffect[]): (namespace: string) => PolicyEffect[] {
  const byNamespace = new Map<string, { index: number; effect: PolicyEffect }[]>();
  const everywhere: { index: number; effect: PolicyEffect }[] = [];
  policies.forEach((effect, index) => {
    const ns = policyNamespace(effect);
    if (ns === undefined) everywhere.push({ index, effect });
    else {
      let list = byNamespace.get(ns);
      if (!list) byNamespace.set(ns, (list = []));
      list.push({ index, effect });
    }
  });
  const cache = new Map<string, PolicyEffect[]>();
  return (namespace) => {
    let hit = cache.get(namespace);
    if (!hit) {
      hit = [...(byNamespace.get(namespace) ?? []), ...everywhere].sort((a, b) => a.index - b.index).map((x) => x.effect);
      cache.set(namespace, hit);
    }
    return hit;
  };
}

/** The DNS pods: a declared workload that matches the configuration (its container ports), else synthetic. */
function dnsWorkload(model: WorkspaceModel, dns: DnsConfig): Workload {
  const declared = model.workloads.find((w) => isDnsPod(w, dns));
  if (declared) return declared;
  const ports = dns.ports.flatMap((port, i) => [
    // CoreDNS (and OpenShift's dns-default) name their ports dns and dns-tcp: a policy naming them resolves.
    { name: i === 0 ? 'dns' : undefined, port, protocol: 'UDP' as Protocol },
    { name: i === 0 ? 'dns-tcp' : undefined, port, protocol: 'TCP' as Protocol },
  ].map((p) => (p.name ? p : { port: p.port, protocol: p.protocol })));
  return { id: `${dns.namespace}/cluster-dns`, namespace: dns.namespace, name: 'cluster-dns', kind: 'Pod', labels: { ...dns.podLabels }, ports, origin: 'inventory' };
}

function isDnsPod(w: Workload, dns: DnsConfig): boolean {
  return w.namespace === dns.namespace && matchesSelector({ matchLabels: dns.podLabels, matchExpressions: [] }, w.labels);
}

function nodeLocalEndpoint(dns: DnsConfig): (Endpoint & { type: 'external' }) | undefined {
  const n = dns.nodeLocalAddress !== undefined ? parseIpv4(dns.nodeLocalAddress.replace(/\/32$/, '')) : undefined;
  return n === undefined ? undefined : { type: 'external', range: { first: n, last: n } };
}

/** Workloads, and hypothetical pods for the egress-isolating policies of namespaces without workloads. */
function collectSubjects(ctx: WorkspaceRuleContext, model: WorkspaceModel, egressPolicies: PolicyEffect[], dns: DnsConfig, only?: Map<string, string>): Subject[] {
  const out: Subject[] = [];
  const withWorkloads = new Set(model.workloads.map((w) => w.namespace));
  if (!only) {
    for (const w of model.workloads) {
      if (isDnsPod(w, dns)) continue;
      out.push({ workload: w, hypothetical: false, description: `${w.kind} ${w.id}` });
    }
  }
  const seen = new Set<string>();
  for (const effect of egressPolicies) {
    for (const h of probePods(ctx, model, effect, withWorkloads).map(hypothetical)) {
      if (isDnsPod(h.workload, dns) || !effect.selects(h.workload)) continue;
      if (only && !only.has(h.workload.namespace)) continue;
      if (only) h.newNamespaceOf = only.get(h.workload.namespace);
      const key = `${h.workload.namespace}|${JSON.stringify(Object.entries(h.workload.labels).sort())}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(h);
    }
  }
  return out;
}

function hypothetical(p: ProbePod): Subject {
  return { workload: p.workload, hypothetical: true, description: p.selector === 'all' ? 'every pod' : `pods matching ${p.selector}` };
}

/** What the subject's policies allow towards an endpoint on egress, Cilium deny rules taken away. */
function egressTo(subject: Workload, selecting: readonly PolicyEffect[], peer: Endpoint): { allowed: ConnSet; denied: ConnSet; allows: RuleContribution[] } {
  let allowed = ConnSet.NONE;
  let denied = ConnSet.NONE;
  const allows: RuleContribution[] = [];
  for (const p of selecting) {
    for (const c of p.allows('egress', subject, peer)) {
      allowed = allowed.union(c.conns);
      allows.push(c);
    }
    for (const c of p.denies('egress', subject, peer)) denied = denied.union(c.conns);
  }
  return { allowed: allowed.subtract(denied), denied, allows };
}

const everyPort = (conns: ConnSet, protocol: Protocol, ports: readonly number[]) => ports.every((p) => conns.has(protocol, p));

function judge(subject: Workload, selecting: readonly PolicyEffect[], dnsPod: Workload, nodeLocal: Endpoint | undefined, dns: DnsConfig): Verdict {
  const ports = dns.ports.length > 0 ? dns.ports : [53];
  const targets = [egressTo(subject, selecting, { type: 'workload', workload: dnsPod })];
  if (nodeLocal) targets.push(egressTo(subject, selecting, nodeLocal));
  const udp = targets.some((t) => everyPort(t.allowed, 'UDP', ports));
  const tcp = targets.some((t) => everyPort(t.allowed, 'TCP', ports));
  if (udp && tcp) return { type: 'ok' };
  const denied = targets.some((t) => ports.some((p) => t.denied.has('UDP', p) || t.denied.has('TCP', p)));
  if (udp) {
    const udpRule = targets.flatMap((t) => t.allows).find((c) => c.effect === 'allow' && ports.some((p) => c.conns.has('UDP', p)));
    return udpRule && !denied ? { type: 'udpOnly', udp: udpRule } : { type: 'missing', denied };
  }
  if (tcp) return { type: 'tcpOnly', denied };
  const byIp = serviceIpRule(subject, selecting, nodeLocal, ports);
  return byIp && !denied ? { type: 'byServiceIp', ...byIp } : { type: 'missing', denied };
}

/** Address ranges where a cluster's DNS Service ClusterIP (or NodeLocal DNSCache) usually lives. */
const PRIVATE: readonly IpRange[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map(cidr);
const LINK_LOCAL = cidr('169.254.0.0/16');

function cidr(text: string): IpRange {
  const r = cidrRange(text);
  if (!r.ok || r.family !== 4) throw new Error(`bad built-in CIDR ${text}`);
  return r.range;
}

const inside = (r: IpRange, outer: IpRange) => r.first >= outer.first && r.last <= outer.last;

/**
 * An egress rule that admits a DNS port to a small private (or link-local) address block: the DNS
 * Service's ClusterIP written as an ipBlock. Rules open on every port are not DNS rules, so they are not
 * taken as one.
 */
function serviceIpRule(subject: Workload, selecting: readonly PolicyEffect[], nodeLocal: Endpoint | undefined, ports: readonly number[]): { via: RuleContribution; range: IpRange; linkLocal: boolean } | undefined {
  for (const p of selecting) {
    for (const boundary of p.externalBoundaries('egress')) {
      const size = boundary.last - boundary.first + 1;
      const linkLocal = inside(boundary, LINK_LOCAL);
      if (size > 256 || !(linkLocal || PRIVATE.some((r) => inside(boundary, r)))) continue;
      if (nodeLocal?.type === 'external' && nodeLocal.range.first >= boundary.first && nodeLocal.range.first <= boundary.last) continue;
      const { allows, allowed } = egressTo(subject, [p], { type: 'external', range: boundary });
      if (!ports.some((port) => allowed.has('UDP', port) || allowed.has('TCP', port))) continue;
      if (everyPort(allowed, 'TCP', [1, 1024, 65535]) && everyPort(allowed, 'UDP', [1, 1024, 65535])) continue;
      const via = allows.find((c) => ports.some((port) => c.conns.has('UDP', port) || c.conns.has('TCP', port)));
      if (via) return { via, range: boundary, linkLocal };
    }
  }
  return undefined;
}

/**
 * The policy a missing DNS rule is reported on: one that isolates egress for every pod of its namespace
 * (a default-deny) when there is one, since a DNS rule there serves them all; else the first in the
 * workspace's order. Only policies written in the workspace (not the cluster export) can be blamed.
 */
function blame(isolating: readonly PolicyEffect[], subject: Workload, placeOf: (e: PolicyEffect) => Place | undefined): Place | undefined {
  const bare: Workload = { ...subject, labels: {}, id: `${subject.namespace}/(bare pod)` };
  const ranked = [...isolating.filter((p) => p.selects(bare)), ...isolating.filter((p) => !p.selects(bare))];
  for (const p of ranked) {
    const place = placeOf(p);
    if (place) return place;
  }
  return undefined;
}

// ---- locating ----------------------------------------------------------------------------------------

/** The path of the shallowest node that starts at a local offset. */
function nodePathAt(place: DocumentPlace, local: number): Path | undefined {
  for (const { node, path } of walkNodes(place.parsed.doc.contents as YamlNode | null)) {
    if (node.range && node.range[0] === local) return path;
  }
  return undefined;
}

function locatePolicy(ctx: WorkspaceRuleContext, effect: PolicyEffect): Place | undefined {
  const place = ctx.placeOf(effect.source);
  if (!place) return undefined;
  const at = objectPathAt(place, effect.source.span.start - place.offset);
  if (!at) return undefined;
  const object = findNode(place.parsed, at)?.node;
  if (!isMap(object)) return undefined;
  const hasKey = (k: string) => object.items.some((pair) => isScalar(pair.key) && pair.key.value === k);
  if (effect.kind.startsWith('Cilium')) {
    return { place, specPath: [...at, ...ciliumRulePath(place, at, effect.id)], objectPath: at, cilium: true, effect };
  }
  if (!networkPolicyOf(effect)) return undefined;
  // A NetworkPolicy document or rawItem has kind and spec; a Tenant networkPolicies item is the spec.
  if (hasKey('kind') || hasKey('spec')) return { place, specPath: [...at, 'spec'], objectPath: at, cilium: false, effect };
  return { place, specPath: at, cilium: false, effect };
}

function keySpanAt(place: Place, path: Path): Span | undefined {
  const found = findNode(place.place.parsed, path);
  return found ? findingSpan(place.place.parsed, found) : undefined;
}

function valueSpanAt(place: Place, path: Path): Span | undefined {
  const found = findNode(place.place.parsed, path);
  return found ? nodeSpan(place.place.parsed, found) : undefined;
}

/** Where a missing DNS rule is reported: `Egress` in policyTypes, else the `egress` key, else `kind`. */
function isolationSpan(p: Place): Span {
  const parsed = p.place.parsed;
  if (!p.cilium) {
    const types = findNode(parsed, [...p.specPath, 'policyTypes'])?.node;
    if (isSeq(types)) {
      const i = types.items.findIndex((n) => isScalar(n) && n.value === 'Egress');
      if (i >= 0) {
        const span = keySpanAt(p, [...p.specPath, 'policyTypes', i]);
        if (span) return span;
      }
    }
  }
  const candidates: Path[] = p.cilium
    ? [[...p.specPath, 'egress'], [...p.specPath, 'egressDeny'], [...p.specPath, 'enableDefaultDeny', 'egress']]
    : [[...p.specPath, 'egress']];
  if (p.objectPath) candidates.push([...p.objectPath, 'kind']);
  candidates.push(p.specPath);
  for (const c of candidates) {
    const span = keySpanAt(p, c);
    if (span) return span;
  }
  return { start: 0, end: 0 };
}

/** The `UDP` of the first port entry of an egress rule that admits UDP on a DNS port (else the entry). */
function udpEntrySpan(p: Place, rulePath: Path, dns: DnsConfig): Span | undefined {
  const entry = udpEntries(p, rulePath, dns)[0];
  if (!entry) return undefined;
  const protocol = findNode(p.place.parsed, [...entry.path, 'protocol']);
  return (protocol && nodeSpan(p.place.parsed, protocol)) ?? keySpanAt(p, entry.path);
}

function udpEntries(p: Place, rulePath: Path, dns: DnsConfig): PortEntry[] {
  return portEntries(p.place.parsed, rulePath, p.cilium).filter((e) => e.protocol === 'UDP'
    && (e.port === undefined || e.port === 0 || typeof e.port === 'string' || dns.ports.some((d) => typeof e.port === 'number' && d >= e.port && d <= (e.endPort ?? e.port))));
}

/** The ipBlock (NetworkPolicy) or toCIDR/toCIDRSet entry (Cilium) of a rule that covers the range. */
function ipBlockSpan(p: Place, rulePath: Path, range: IpRange): Span | undefined {
  const rule = findNode(p.place.parsed, rulePath)?.node;
  const value = rule ? toPlain(rule).value : undefined;
  if (!isObj(value)) return undefined;
  const covers = (text: unknown) => {
    if (typeof text !== 'string') return false;
    const r = cidrRange(text);
    return r.ok && r.family === 4 && r.range.first <= range.first && r.range.last >= range.last;
  };
  if (!p.cilium) {
    const to = Array.isArray(value.to) ? value.to : [];
    const j = to.findIndex((peer) => isObj(peer) && isObj(peer.ipBlock) && covers(peer.ipBlock.cidr));
    return j >= 0 ? valueSpanAt(p, [...rulePath, 'to', j, 'ipBlock', 'cidr']) : undefined;
  }
  const toCidr = Array.isArray(value.toCIDR) ? value.toCIDR : [];
  const j = toCidr.findIndex(covers);
  if (j >= 0) return valueSpanAt(p, [...rulePath, 'toCIDR', j]);
  const set = Array.isArray(value.toCIDRSet) ? value.toCIDRSet : [];
  const k = set.findIndex((e) => isObj(e) && covers(e.cidr));
  return k >= 0 ? valueSpanAt(p, [...rulePath, 'toCIDRSet', k, 'cidr']) : undefined;
}

// ---- messages and fixes -------------------------------------------------------------------------------

function policyName(effect: PolicyEffect): string {
  const np = networkPolicyOf(effect);
  if (np?.capsule) return `the NetworkPolicy ${np.name} that ${capsuleText(np.capsule.kind, np.capsule.name)} creates`;
  const id = effect.id.replace(/#.*$/, '');
  return `${effect.kind} ${id}`;
}

function capsuleText(kind: string, name: string): string {
  return kind === 'Tenant' ? `Tenant ${name}` : `${kind} ${name}`;
}

/** "every pod in namespace a", "pods matching app=web in namespaces a, b", "Deployment a/web". */
function subjectsText(subjects: readonly Subject[]): string {
  const groups = new Map<string, { namespaces: Set<string>; tenants: Set<string> }>();
  const workloads: string[] = [];
  for (const s of subjects) {
    if (!s.hypothetical) {
      workloads.push(s.description);
      continue;
    }
    let group = groups.get(s.description);
    if (!group) groups.set(s.description, (group = { namespaces: new Set(), tenants: new Set() }));
    if (s.newNamespaceOf !== undefined) group.tenants.add(s.newNamespaceOf);
    else group.namespaces.add(s.workload.namespace);
  }
  const parts = [...groups].map(([desc, g]) => {
    const where: string[] = [];
    if (g.namespaces.size > 0) where.push(`namespace${g.namespaces.size > 1 ? 's' : ''} ${listText([...g.namespaces].sort())}`);
    if (g.tenants.size > 0) where.push(`every namespace a tenant owner creates in tenant${g.tenants.size > 1 ? 's' : ''} ${listText([...g.tenants].sort())}`);
    return `${desc} in ${where.join(' and ')}`;
  });
  if (workloads.length > 0) parts.push(listText(workloads));
  return parts.join('; ');
}

function listText(items: readonly string[]): string {
  return items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');
}

export function dnsTargetText(dns: DnsConfig): string {
  const labels = Object.entries(dns.podLabels).map(([k, v]) => `${k}=${v}`).join(', ');
  const ports = dns.ports.join(', ');
  const pods = `the cluster DNS pods (${labels || 'any pod'} in namespace ${dns.namespace}) on port${dns.ports.length > 1 ? 's' : ''} ${ports}`;
  return dns.nodeLocalAddress ? `${pods}, or NodeLocal DNSCache at ${dns.nodeLocalAddress}` : pods;
}

function message(p: Problem, dns: DnsConfig): string {
  const who = subjectsText(p.subjects);
  const policy = policyName(p.place.effect);
  const target = dnsTargetText(dns);
  const v = p.verdict;
  const denied = (v.type === 'missing' || v.type === 'tcpOnly') && v.denied
    ? ' An egressDeny rule denies DNS for them, and deny wins over any allow: remove DNS from the deny rule first.'
    : '';
  switch (v.type) {
    case 'missing':
      return `${capital(policy)} isolates egress for ${who}, and no policy selecting them allows DNS to ${target}: every name lookup will time out. Allow UDP and TCP to the DNS pods.${denied}`;
    case 'tcpOnly':
      return `${capital(policy)} isolates egress for ${who}, and their policies allow DNS to ${target} over TCP only: resolvers ask over UDP first, so every name lookup will time out. Allow UDP as well.${denied}`;
    case 'udpOnly':
      return `This rule of ${policy} allows DNS over UDP but nothing allows TCP to ${target} for ${who}: answers too large for UDP (many records, DNSSEC, truncated replies) are retried over TCP and fail. Allow TCP on the same port.`;
    case 'byServiceIp': {
      const addr = rangeText(v.range);
      if (v.linkLocal) {
        return `${capital(policy)} allows DNS for ${who} only to ${addr}, a link-local address: probably NodeLocal DNSCache, which the configuration does not name. If it is, set dns.nodeLocalAddress in .tenant-policy.yaml; otherwise allow DNS to ${target}.`;
      }
      return `${capital(policy)} allows DNS for ${who} only to ${addr}, probably the DNS Service's ClusterIP. Whether a NetworkPolicy sees that address before or after the Service is translated to a pod address depends on the CNI, and on many clusters this rule admits nothing, so every lookup times out. Allow DNS to ${target} by selector. If ${addr} is your NodeLocal DNSCache address, set dns.nodeLocalAddress in .tenant-policy.yaml.`;
    }
    default:
      return '';
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function fixesFor(p: Problem, dns: DnsConfig): Fix[] {
  const v = p.verdict;
  if ((v.type === 'missing' || v.type === 'tcpOnly') && v.denied) return [];
  const target: FixTarget = { parsed: p.place.place.parsed, specPath: p.place.specPath, cilium: p.place.cilium, rulePath: p.rulePath, kind: p.rule };
  return dnsFixes(target, dns);
}

