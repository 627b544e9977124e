// tenant-policy-widens-default: a NetworkPolicy a tenant writes in its own namespace that admits peers
// outside the tenant which the tenant's Capsule-distributed default policy (Tenant
// spec.networkPolicies.items, a TenantResource or GlobalTenantResource rawItem) keeps out. NetworkPolicies
// are additive: once the default isolates a pod, any other policy selecting it can only open more, so a
// tenant owner's policy silently overrides the platform's boundary.
//
// Precisely, for one direction: the default isolates it and selects (some of) the pods the tenant policy
// selects, and a peer of the tenant policy admits
//   - namespaces of another tenant, or every namespace, on ports the default's rules do not admit for
//     that namespace (intra-tenant widening is ordinary application work and is not reported; neither are
//     platform namespaces or flows the configuration declares under intendedFlows);
//   - external addresses the default's address rules (ipBlock, or a rule without peers) do not admit,
//     when the default has such rules in that direction: then it says which addresses may pass, and the
//     tenant policy adds others. A default without address rules only closes the namespace; opening an
//     external API on top of it is what tenant policies are for.
// Evaluated at namespace and port level (which namespaces and ports each rule admits), like the preview.
import type { ProjectConfig } from '../config';
import { finding } from '../model/capsule';
import type { Direction, LabelSelector, NetworkPolicyModel, NetworkPolicyRule, SourceRef } from '../model/types';
import type { IpRange, WorkspaceModel } from '../model/workspace';
import { ConnSet } from '../semantics/connset';
import { ALL_IPV4, ipBlockRanges, normalizeRanges, rangeText, subtractRanges } from '../semantics/ip';
import { matchesSelector } from '../semantics/selector';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';
import {
  byTenantText,
  capList,
  capsuleOriginText,
  connsText,
  declaredUris,
  headOf,
  isIntended,
  networkPolicyPeerReach,
  rulePorts,
  tenantOf,
  type NamespaceReach,
} from './cross-tenant-peer';

const RULE_ID = 'tenant-policy-widens-default';

/** What the defaults of one namespace admit in one direction. */
interface DefaultAdmits {
  policies: NetworkPolicyModel[];
  /** Per namespace: the connections some default rule admits from/to it. */
  byNamespace: Map<string, ConnSet>;
  /** Connections admitted from/to every namespace (namespaceSelector {} or a rule without peers). */
  everyNamespace: ConnSet;
  /** Address rules: ranges and their connections. */
  externals: { ranges: IpRange[]; conns: ConnSet }[];
}

function defaultAdmits(model: WorkspaceModel, defaults: NetworkPolicyModel[], direction: Direction): DefaultAdmits {
  const out: DefaultAdmits = { policies: defaults, byNamespace: new Map(), everyNamespace: ConnSet.NONE, externals: [] };
  const addNs = (n: string, c: ConnSet) => out.byNamespace.set(n, (out.byNamespace.get(n) ?? ConnSet.NONE).union(c));
  for (const d of defaults) {
    for (const rule of d[direction]) {
      const conns = rulePorts(rule.ports);
      if (rule.peers === 'any') {
        out.everyNamespace = out.everyNamespace.union(conns);
        out.externals.push({ ranges: [ALL_IPV4], conns });
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.ipBlock) {
          out.externals.push({ ranges: ipBlockRanges(peer.ipBlock).ranges, conns });
          continue;
        }
        const reach = networkPolicyPeerReach(model, d, peer);
        if (!reach) continue;
        if (reach.all) out.everyNamespace = out.everyNamespace.union(conns);
        for (const n of reach.names) addNs(n, conns);
      }
    }
  }
  return out;
}

/**
 * Do two pod selectors of one namespace share pods? With the namespace's workloads known, exactly;
 * otherwise unless they require different values for one label (the usual `{}` default overlaps all).
 */
function overlaps(ctx: WorkspaceRuleContext, namespace: string, a: LabelSelector, b: LabelSelector): boolean {
  if (a.invalid || b.invalid) return false;
  const pods = ctx.workloadsIn(namespace);
  if (pods.length > 0) return pods.some((w) => matchesSelector(a, w.labels) && matchesSelector(b, w.labels));
  for (const k of Object.keys(a.matchLabels)) if (k in b.matchLabels && b.matchLabels[k] !== a.matchLabels[k]) return false;
  return true;
}

interface Widening {
  /** Other tenants' namespaces, with what is widened for each. */
  namespaces: { name: string; conns: ConnSet }[];
  /** Set when the peer admits every namespace beyond what the defaults admit everywhere. */
  every?: { how: string; conns: ConnSet };
  externals: { ranges: IpRange[]; conns: ConnSet };
}

function widenNamespaces(
  model: WorkspaceModel,
  config: ProjectConfig,
  np: NetworkPolicyModel,
  owner: string,
  direction: Direction,
  reach: NamespaceReach,
  conns: ConnSet,
  admits: DefaultAdmits,
  out: Widening,
): void {
  for (const n of reach.names) {
    const t = tenantOf(model, config, n);
    if (!t || t === owner) continue;
    const [from, to] = direction === 'ingress' ? [n, np.namespace] : [np.namespace, n];
    const widened = conns.subtract(admits.everyNamespace).subtract(admits.byNamespace.get(n) ?? ConnSet.NONE);
    if (widened.isEmpty() || isIntended(model, config.intendedFlows, from, to, widened)) continue;
    out.namespaces.push({ name: n, conns: widened });
  }
  if (reach.all) {
    const widened = conns.subtract(admits.everyNamespace);
    if (!widened.isEmpty()) out.every = { how: reach.how ?? 'every namespace', conns: widened };
  }
}

/** The external addresses a peer admits beyond the defaults' address rules (for these connections). */
function widenExternals(ranges: IpRange[], conns: ConnSet, admits: DefaultAdmits, out: Widening): void {
  if (admits.externals.length === 0 || ranges.length === 0) return;
  // Addresses admitted by the defaults on every connection the tenant rule opens are not widened.
  const covered = normalizeRanges(admits.externals.filter((x) => conns.subtract(x.conns).isEmpty()).flatMap((x) => x.ranges));
  const rest = subtractRanges(normalizeRanges(ranges), covered);
  if (rest.length === 0) return;
  out.externals = { ranges: normalizeRanges([...out.externals.ranges, ...rest]), conns: out.externals.conns.union(conns) };
}

/** The defaults by where they are written: `GlobalTenantResource network-baseline (NetworkPolicies default-deny and allow-dns)`. */
function defaultsText(defaults: readonly NetworkPolicyModel[]): string {
  const groups = new Map<string, Set<string>>();
  for (const d of defaults) {
    const c = d.capsule;
    if (c?.kind === 'Tenant') {
      groups.set(capsuleOriginText(d) ?? d.id, new Set());
      continue;
    }
    const key = c ? `${c.kind} ${c.name}` : d.id;
    let names = groups.get(key);
    if (!names) groups.set(key, (names = new Set()));
    names.add(d.name);
  }
  return capList([...groups.entries()].map(([k, names]) => (names.size === 0 ? k : `${k} (NetworkPolic${names.size === 1 ? 'y' : 'ies'} ${capList([...names].sort())})`)));
}

function message(model: WorkspaceModel, np: NetworkPolicyModel, owner: string, direction: Direction, admits: DefaultAdmits, w: Widening): string {
  const parts: string[] = [];
  const others = w.namespaces.map((x) => x.name);
  if (w.every) {
    const among = others.length > 0 ? `, among them ${byTenantText(model, others)},` : '';
    parts.push(`every namespace of the cluster (${w.every.how})${among} ${connsText(w.every.conns)}`);
  } else if (w.namespaces.length > 0) {
    const all = w.namespaces.reduce((c, x) => c.union(x.conns), ConnSet.NONE);
    parts.push(`namespaces of ${new Set(others.map((n) => model.namespaces.get(n)?.tenant)).size === 1 ? 'another tenant' : 'other tenants'}, ${byTenantText(model, others)}, ${connsText(all)}`);
  }
  if (w.externals.ranges.length > 0) {
    parts.push(`external addresses ${capList(w.externals.ranges.map(rangeText))} ${connsText(w.externals.conns)}`);
  }
  const verb = direction === 'ingress' ? 'admits traffic from' : 'lets pods reach';
  const plural = admits.policies.length > 1;
  return `In ${np.namespace} (tenant ${owner}) this ${direction} peer ${verb} ${capList(parts)}, which the tenant's default ${plural ? 'policies' : 'policy'}, ${defaultsText(admits.policies)}, ${plural ? 'keep' : 'keeps'} out for the same pods. ` +
    'NetworkPolicies are additive, so this policy overrides the platform\'s boundary. ' +
    (w.externals.ranges.length > 0 && !w.every && w.namespaces.length === 0
      ? 'Narrow the peer to the addresses and ports the default admits, or ask the platform team to extend the default.'
      : 'Narrow the peer to the tenant\'s own namespaces, or ask the platform team to declare the flow under intendedFlows in .tenant-policy.yaml.');
}

function checkPolicy(ctx: WorkspaceRuleContext, np: NetworkPolicyModel, defaults: NetworkPolicyModel[]): void {
  const { model, config } = ctx;
  const owner = tenantOf(model, config, np.namespace);
  if (!owner) return;
  for (const direction of ['ingress', 'egress'] as const) {
    if (!np.policyTypes[direction] || np[direction].length === 0) continue;
    const relevant = defaults.filter((d) => d.policyTypes[direction] && overlaps(ctx, np.namespace, d.podSelector, np.podSelector));
    if (relevant.length === 0) continue;
    const admits = defaultAdmits(model, relevant, direction);
    for (const rule of np[direction]) checkRule(ctx, np, owner, direction, rule, admits);
  }
}

function checkRule(ctx: WorkspaceRuleContext, np: NetworkPolicyModel, owner: string, direction: Direction, rule: NetworkPolicyRule, admits: DefaultAdmits): void {
  const { model, config } = ctx;
  const conns = rulePorts(rule.ports);
  if (conns.isEmpty()) return;
  const report = (ref: SourceRef | undefined, w: Widening) => {
    if (!w.every && w.namespaces.length === 0 && w.externals.ranges.length === 0) return;
    const where = headOf(ctx, ref ?? rule.source ?? np.source);
    ctx.report(where.uri, finding(RULE_ID, w.every || w.namespaces.length > 0 ? 'widensNamespaces' : 'widensExternal', where.span, message(model, np, owner, direction, admits, w)));
  };
  const empty = (): Widening => ({ namespaces: [], externals: { ranges: [], conns: ConnSet.NONE } });
  if (rule.peers === 'any') {
    const w = empty();
    const how = direction === 'ingress' ? 'a rule with no from' : 'a rule with no to';
    widenNamespaces(model, config, np, owner, direction, { all: true, names: [...model.namespaces.keys()], how }, conns, admits, w);
    widenExternals([ALL_IPV4], conns, admits, w);
    report(rule.source, w);
    return;
  }
  for (const peer of rule.peers) {
    const w = empty();
    if (peer.ipBlock) widenExternals(ipBlockRanges(peer.ipBlock).ranges, conns, admits, w);
    else {
      const reach = networkPolicyPeerReach(model, np, peer);
      if (reach) widenNamespaces(model, config, np, owner, direction, reach, conns, admits, w);
    }
    report(peer.source, w);
  }
}

export const tenantPolicyWidensDefault: WorkspaceRule = {
  id: RULE_ID,
  check(ctx) {
    const uris = declaredUris(ctx);
    const defaults = new Map<string, NetworkPolicyModel[]>();
    for (const np of ctx.model.networkPolicies) {
      if (!np.capsule) continue;
      let list = defaults.get(np.namespace);
      if (!list) defaults.set(np.namespace, (list = []));
      list.push(np);
    }
    if (defaults.size === 0) return;
    for (const np of ctx.model.networkPolicies) {
      if (np.capsule || !uris.has(np.source.uri)) continue;
      const own = defaults.get(np.namespace);
      if (own) checkPolicy(ctx, np, own);
    }
  },
};
