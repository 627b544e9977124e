// cross-tenant-peer: a rule in one tenant's namespace that admits namespaces of another tenant, or every
// namespace of the cluster. Capsule keeps tenants apart only as far as their policies do: a peer that
// reaches into another tenant's namespaces is the first thing a reviewer of a multi-tenant repository
// must see. Flows the configuration declares (intendedFlows) and platform namespaces are not reported.
//
// Peers are evaluated at namespace level (which namespaces' pods can match), not through workloads: a
// policy repository rarely declares its pods, and a peer that reaches another tenant is wrong whether or
// not that tenant runs a matching pod today. NetworkPolicies (declared and Capsule-materialised) and
// declared CiliumNetworkPolicies are read from their models, peer by peer; Cilium policies Capsule
// materialises from rawItems are read through the reachability preview (rule by rule).
//
// This file also holds the helpers the other isolation rules share (spans, intended flows, lists).
import type { IntendedFlow, PeerRef, ProjectConfig } from '../config';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, type CiliumPeerRule, type CiliumPolicyModel, type CiliumSelector } from '../model/cilium';
import { finding } from '../model/capsule';
import { findNode, type Path } from '../model/locate';
import type { Direction, LabelSelector, NetworkPolicyModel, NetworkPolicyPeer, PortSpec, Protocol, SourceRef } from '../model/types';
import type { WorkspaceModel } from '../model/workspace';
import { ciliumSelectorMatches, podIdentityLabels } from '../semantics/cilium';
import { ConnSet } from '../semantics/connset';
import { namespaceLabels } from '../semantics/netpol';
import { portsConns } from '../semantics/ports';
import { isEmptySelector, matchesSelector, selectorKey } from '../semantics/selector';
import type { Span } from '../types';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

const RULE_ID = 'cross-tenant-peer';

// ---- shared helpers --------------------------------------------------------------------------------

/** A finding location: file and span (file offsets). */
export interface Where {
  uri: string;
  span: Span;
}

/**
 * The first line of a source span (a peer, a rule, a document), trailing blanks trimmed: findings sit on
 * one line, the node's head, not on the whole block.
 */
export function headOf(ctx: WorkspaceRuleContext, ref: SourceRef): Where {
  const place = ctx.placeOf(ref);
  if (!place) return { uri: ref.uri, span: ref.span };
  const text = place.parsed.text;
  const local = ref.span.start - place.offset;
  const nl = text.indexOf('\n', local);
  let end = nl === -1 ? Math.min(text.length, ref.span.end - place.offset) : Math.min(nl, ref.span.end - place.offset);
  while (end > local && /\s/.test(text[end - 1])) end--;
  // `namespaceSelector:` opening a block: the key is the node's name.
  if (end - 1 > local && text[end - 1] === ':') end--;
  return { uri: ref.uri, span: { start: ref.span.start, end: end + place.offset } };
}

/**
 * Where to point at an object (a Namespace, a Tenant) whose source is its whole document: its
 * `metadata.name` value when the object is the document, else the object's first line.
 */
export function nameOf(ctx: WorkspaceRuleContext, ref: SourceRef): Where {
  const place = ctx.placeOf(ref);
  if (place) {
    const found = findNode(place.parsed, ['metadata', 'name'] as Path);
    const range = found?.node?.range;
    if (range) {
      const start = range[0] + place.offset;
      const end = range[1] + place.offset;
      if (start >= ref.span.start && end <= ref.span.end) {
        let e = range[1];
        while (e > range[0] && /\s/.test(place.parsed.text[e - 1])) e--;
        return { uri: ref.uri, span: { start, end: e + place.offset } };
      }
    }
  }
  return headOf(ctx, ref);
}

/** `a`, `a and b`, `a, b and c`, `a, b and 12 more`: long lists stay readable in a diagnostic. */
export function capList(items: readonly string[], max = 3): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0];
  if (items.length <= max) return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, max - 1).join(', ')} and ${items.length - (max - 1)} more`;
}

/** Connections as a phrase: `on every port`, `on TCP 5432`. */
export function connsText(c: ConnSet): string {
  return c.isAll() ? 'on every port' : `on ${c.toString().replace(/;/g, ', ')}`;
}

const PORT_SPEC = /^(TCP|UDP|SCTP)\/(\d+)(?:-(\d+))?$/;

/** `TCP/5432`, `UDP/5000-5100` (as the configuration validated them) as a connection set. */
export function configPorts(ports: readonly string[] | undefined): ConnSet {
  if (ports === undefined) return ConnSet.ALL;
  let out = ConnSet.NONE;
  for (const p of ports) {
    const m = PORT_SPEC.exec(p);
    if (!m) continue;
    const first = Number(m[2]);
    out = out.union(ConnSet.port(m[1] as Protocol, first, m[3] === undefined ? first : Number(m[3])));
  }
  return out;
}

/**
 * A rule's ports as an upper bound: a named port counts as every port of its protocol, since which number
 * it names depends on the destination's containers (never under-report what a rule may open).
 */
export function rulePorts(ports: readonly PortSpec[] | 'any'): ConnSet {
  if (ports === 'any') return ConnSet.ALL;
  const named = ports.filter((p) => typeof p.port === 'string');
  let out = portsConns(ports.filter((p) => typeof p.port !== 'string'), undefined);
  for (const p of named) out = out.union(ConnSet.of(p.protocol));
  return out;
}

/** Does a configuration endpoint (`{tenant}` or `{namespace}`) name this namespace? */
export function refMatches(model: WorkspaceModel, ref: PeerRef, namespace: string): boolean {
  if (ref.namespace !== undefined) return ref.namespace === namespace;
  if (ref.tenant !== undefined) return model.namespaces.get(namespace)?.tenant === ref.tenant;
  return false;
}

/** The namespaces a configuration endpoint names, as the workspace knows them. */
export function refNamespaces(model: WorkspaceModel, ref: PeerRef): string[] {
  return [...model.namespaces.keys()].filter((n) => refMatches(model, ref, n)).sort();
}

export function refText(ref: PeerRef): string {
  return ref.tenant !== undefined ? `tenant ${ref.tenant}` : `namespace ${ref.namespace}`;
}

/** Is traffic from → to on `conns` declared as intended (every connection covered by one flow)? */
export function isIntended(model: WorkspaceModel, flows: readonly IntendedFlow[], from: string, to: string, conns: ConnSet): boolean {
  let rest = conns;
  for (const f of flows) {
    if (!refMatches(model, f.from, from) || !refMatches(model, f.to, to)) continue;
    rest = rest.subtract(configPorts(f.ports));
    if (rest.isEmpty()) return true;
  }
  return rest.isEmpty();
}

/** The tenant a namespace belongs to for isolation purposes: none for platform namespaces. */
export function tenantOf(model: WorkspaceModel, config: ProjectConfig, namespace: string): string | undefined {
  if (config.platformNamespaces.includes(namespace)) return undefined;
  return model.namespaces.get(namespace)?.tenant;
}

/** The uris of the workspace's own files (not a cluster export): findings go only there. */
export function declaredUris(ctx: WorkspaceRuleContext): Set<string> {
  return new Set(ctx.files.filter((f) => f.origin === 'declared').map((f) => f.uri));
}

/** Which namespaces an in-cluster peer can admit pods of: every namespace, or those listed. */
export interface NamespaceReach {
  all: boolean;
  names: string[];
  /** How the peer says "every namespace", for messages. */
  how?: string;
}

/** A NetworkPolicy peer at namespace level; undefined for an ipBlock (external) or unreadable peer. */
export function networkPolicyPeerReach(model: WorkspaceModel, np: NetworkPolicyModel, peer: NetworkPolicyPeer): NamespaceReach | undefined {
  if (peer.ipBlock) return undefined;
  const sel = peer.namespaceSelector;
  if (!sel) return { all: false, names: [np.namespace] };
  if (sel.invalid) return undefined;
  const names = namespacesMatching(model, sel);
  if (isEmptySelector(sel)) return { all: true, names, how: 'namespaceSelector: {}' };
  return { all: false, names };
}

/** Policies repeat a few namespace selectors many times: each is evaluated once per model. */
const selectorCache = new WeakMap<WorkspaceModel, Map<string, string[]>>();

function namespacesMatching(model: WorkspaceModel, sel: LabelSelector): string[] {
  let cache = selectorCache.get(model);
  if (!cache) selectorCache.set(model, (cache = new Map()));
  const key = selectorKey(sel);
  let names = cache.get(key);
  if (!names) cache.set(key, (names = [...model.namespaces.keys()].filter((n) => matchesSelector(sel, namespaceLabels(model, n)))));
  return names;
}

const isNamespaceKey = (key: string) => key === POD_NAMESPACE_LABEL || key.startsWith(NAMESPACE_LABELS_PREFIX);

/**
 * A Cilium peer selector at namespace level: the requirements on the namespace (its name, its labels)
 * decide which namespaces' pods can match; the others choose pods inside them.
 */
export function ciliumSelectorReach(model: WorkspaceModel, policyNamespace: string, sel: CiliumSelector): NamespaceReach | undefined {
  if (sel.scope === 'reserved') return undefined;
  if (sel.scope === 'policy') return { all: false, names: [policyNamespace] };
  const nsReqs = sel.effective.filter((r) => (r.source === 'k8s' || r.source === 'any') && isNamespaceKey(r.key));
  const only = { ...sel, effective: nsReqs };
  const names = [...model.namespaces.keys()].filter((n) => ciliumSelectorMatches(only, podIdentityLabels({}, n, namespaceLabels(model, n))));
  const everywhere = nsReqs.every((r) => r.key === POD_NAMESPACE_LABEL && r.operator === 'Exists');
  return everywhere ? { all: true, names, how: `${POD_NAMESPACE_LABEL} Exists` } : { all: false, names };
}

/** Every in-cluster peer of a Cilium rule that is not an endpoint selector: entities and L4-only rules. */
export function ciliumRuleWideReach(rule: CiliumPeerRule): { how: string; source?: SourceRef }[] {
  const out: { how: string; source?: SourceRef }[] = [];
  if (rule.l3Wildcard && rule.ports !== 'any') out.push({ how: 'rule:it has toPorts and no peer', source: rule.source });
  for (const e of rule.entities) if (e.name === 'cluster' || e.name === 'all') out.push({ how: `entity ${e.name}`, source: e.source ?? rule.source });
  return out;
}

/** Other tenants' namespaces in a list, grouped: `tenant wind (wind-api, wind-batch)`. */
export function byTenantText(model: WorkspaceModel, names: Iterable<string>): string {
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const t = model.namespaces.get(n)?.tenant ?? '';
    let list = groups.get(t);
    if (!list) groups.set(t, (list = []));
    list.push(n);
  }
  const parts = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, ns]) => `${t ? `tenant ${t}` : 'no tenant'} (${capList([...new Set(ns)].sort())})`);
  return capList(parts, 4);
}

// ---- the rule --------------------------------------------------------------------------------------

interface Hit {
  where: Where;
  direction: Direction;
  /** The tenants whose namespaces hold the policy (several for a GlobalTenantResource item). */
  owners: Set<string>;
  /** Subject namespaces, for messages about a single namespace. */
  subjects: Set<string>;
  /** Other tenants' namespaces admitted (not intended). */
  others: Set<string>;
  /** Set when the peer admits every namespace: how it says so. */
  all?: string;
  conns: ConnSet;
  capsule?: string;
}

class Collector {
  readonly hits = new Map<string, Hit>();

  constructor(private readonly ctx: WorkspaceRuleContext) {}

  add(ref: SourceRef | undefined, fallback: SourceRef, direction: Direction, owner: string, subject: string, reach: NamespaceReach, conns: ConnSet, capsule?: string): void {
    const { model, config } = this.ctx;
    const others: string[] = [];
    for (const n of reach.names) {
      const t = tenantOf(model, config, n);
      if (!t || t === owner) continue;
      const [from, to] = direction === 'ingress' ? [n, subject] : [subject, n];
      if (isIntended(model, config.intendedFlows, from, to, conns)) continue;
      others.push(n);
    }
    if (!reach.all && others.length === 0) return;
    const where = headOf(this.ctx, ref ?? fallback);
    const key = `${where.uri}|${where.span.start}|${where.span.end}|${direction}`;
    let hit = this.hits.get(key);
    if (!hit) {
      hit = { where, direction, owners: new Set(), subjects: new Set(), others: new Set(), conns: ConnSet.NONE, capsule };
      this.hits.set(key, hit);
    }
    hit.owners.add(owner);
    hit.subjects.add(subject);
    hit.conns = hit.conns.union(conns);
    for (const n of others) hit.others.add(n);
    if (reach.all) hit.all ??= reach.how ?? 'every namespace';
  }

  flush(): void {
    const { model } = this.ctx;
    for (const hit of this.hits.values()) {
      const others = [...hit.others].sort();
      const owners = [...hit.owners].sort();
      const subjects = [...hit.subjects].sort();
      const ours = hit.capsule
        ? `every namespace ${owners.length === 1 ? `of tenant ${owners[0]}` : `of tenants ${capList(owners)}`} (${hit.capsule})`
        : `${subjects.length === 1 ? `namespace ${subjects[0]}` : `namespaces ${capList(subjects)}`} (tenant ${capList(owners)})`;
      const flow = `${hit.direction === 'ingress' ? 'can connect to pods of' : 'can be reached from pods of'} ${ours} ${connsText(hit.conns)}`;
      const narrow = owners.length === 1
        ? `narrow it to the namespaces meant (kubernetes.io/metadata.name, or capsule.clastix.io/tenant: ${owners[0]} for the own tenant)`
        : 'narrow it to the namespaces meant (kubernetes.io/metadata.name, or capsule.clastix.io/tenant: "{{tenant.name}}" for the own tenant)';
      let message: string;
      let messageId: string;
      if (hit.all) {
        messageId = 'allNamespaces';
        const known = others.length > 0 ? `, among them ${byTenantText(model, others)}` : '';
        const what = hit.all.startsWith('rule:') ? `${hit.direction} rule (${hit.all.slice(5)})` : `${hit.direction} peer (${hit.all})`;
        message = `This ${what} admits every namespace of the cluster, so pods of every tenant${known} ${flow}. Policies are additive: no other allow rule can take this back. If that is meant for some tenants, name them and declare the flows under intendedFlows in .tenant-policy.yaml; otherwise ${narrow}.`;
      } else {
        messageId = 'otherTenant';
        const tenants = new Set(others.map((n) => model.namespaces.get(n)?.tenant));
        message = `This ${hit.direction} peer admits namespaces of ${tenants.size === 1 ? 'another tenant' : 'other tenants'}: ${byTenantText(model, others)}; their pods ${flow}. If the flow is meant, declare it under intendedFlows in .tenant-policy.yaml; otherwise ${narrow}.`;
      }
      this.ctx.report(hit.where.uri, finding(RULE_ID, messageId, hit.where.span, message));
    }
  }
}

export function capsuleOriginText(np: { capsule?: { kind: string; name: string; source: SourceRef }; name: string }): string | undefined {
  const c = np.capsule;
  if (!c) return undefined;
  if (c.kind === 'Tenant') {
    const m = /-(\d+)$/.exec(np.name);
    return `Tenant ${c.name} spec.networkPolicies.items[${m ? m[1] : '?'}]`;
  }
  return `${c.kind} ${c.name}, ${np.name ? `NetworkPolicy ${np.name}` : 'a rawItem'}`;
}

function checkNetworkPolicy(ctx: WorkspaceRuleContext, out: Collector, np: NetworkPolicyModel): void {
  const owner = tenantOf(ctx.model, ctx.config, np.namespace);
  if (!owner) return;
  const capsule = capsuleOriginText(np);
  for (const direction of ['ingress', 'egress'] as const) {
    if (!np.policyTypes[direction]) continue;
    for (const rule of np[direction]) {
      const conns = rulePorts(rule.ports);
      if (conns.isEmpty()) continue;
      const fallback = rule.source ?? np.source;
      if (rule.peers === 'any') {
        const how = direction === 'ingress' ? 'rule:it has no from' : 'rule:it has no to';
        out.add(rule.source, fallback, direction, owner, np.namespace, { all: true, names: [...ctx.model.namespaces.keys()], how }, conns, capsule);
        continue;
      }
      for (const peer of rule.peers) {
        const reach = networkPolicyPeerReach(ctx.model, np, peer);
        if (reach) out.add(peer.source, fallback, direction, owner, np.namespace, reach, conns, capsule);
      }
    }
  }
}

function checkCilium(ctx: WorkspaceRuleContext, out: Collector, p: CiliumPolicyModel): void {
  if (p.kind !== 'CiliumNetworkPolicy' || p.namespace === undefined || p.rejected) return;
  const ns = p.namespace;
  const owner = tenantOf(ctx.model, ctx.config, ns);
  if (!owner) return;
  const all = [...ctx.model.namespaces.keys()];
  for (const rule of p.rules) {
    for (const peerRule of [...rule.ingress, ...rule.egress]) {
      const conns = rulePorts(peerRule.ports);
      const fallback = peerRule.source ?? rule.source ?? p.source;
      for (const wide of ciliumRuleWideReach(peerRule)) {
        out.add(wide.source, fallback, peerRule.direction, owner, ns, { all: true, names: all, how: wide.how }, conns);
      }
      for (const sel of peerRule.endpoints) {
        const reach = ciliumSelectorReach(ctx.model, ns, sel);
        if (reach) out.add(sel.source, fallback, peerRule.direction, owner, ns, reach, conns);
      }
    }
  }
}

/** Cilium policies Capsule materialises: rule by rule, through the reachability preview. */
function checkMaterialisedCilium(ctx: WorkspaceRuleContext, out: Collector, declared: ReadonlySet<string>, uris: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const effect of ctx.model.policies) {
    if (effect.kind !== 'CiliumNetworkPolicy' || !uris.has(effect.source.uri)) continue;
    const base = effect.id.split('#')[0];
    if (declared.has(base) || seen.has(effect.id)) continue;
    seen.add(effect.id);
    const ns = base.slice(0, base.indexOf('/'));
    const owner = tenantOf(ctx.model, ctx.config, ns);
    if (!owner) continue;
    const compiled = effect.compile?.();
    for (const preview of ctx.reachability().previewPolicy(effect.id)) {
      for (const r of preview.rules) {
        if (r.effect !== 'allow') continue;
        const c = compiled?.rules.find((x) => x.direction === r.direction && x.ruleIndex === r.ruleIndex && x.effect === 'allow');
        const wide = !!c?.workloads.some((m) => m.type === 'pods' && m.namespaces.type === 'all');
        const names = wide ? [...ctx.model.namespaces.keys()] : r.admits.flatMap((g) => g.namespaces.map((n) => n.namespace));
        let conns = ConnSet.NONE;
        for (const g of r.admits) for (const n of g.namespaces) for (const w of n.workloads) conns = conns.union(w.conns);
        out.add(r.source, effect.source, r.direction, owner, ns, { all: wide, names, how: 'rule:it admits every in-cluster peer: entity cluster or all, or toPorts without a peer' }, wide ? ConnSet.ALL : conns, `${effect.kind} from a rawItem`);
      }
    }
  }
}

export const crossTenantPeer: WorkspaceRule = {
  id: RULE_ID,
  check(ctx) {
    const uris = declaredUris(ctx);
    const out = new Collector(ctx);
    for (const np of ctx.model.networkPolicies) {
      if (!uris.has(np.source.uri)) continue;
      checkNetworkPolicy(ctx, out, np);
    }
    const declaredCilium = new Set<string>();
    for (const file of ctx.files) {
      if (file.origin !== 'declared') continue;
      for (const p of file.ciliumPolicies) {
        declaredCilium.add(p.id);
        checkCilium(ctx, out, p);
      }
    }
    checkMaterialisedCilium(ctx, out, declaredCilium, uris);
    out.flush();
  },
};
