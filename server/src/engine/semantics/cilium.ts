// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy semantics as PolicyEffects, following Cilium's
// code (cilium/cilium v1.18.10; ../shared/upstream/SOURCES.md §4 and §6.2):
//
// - A pod's identity labels (pkg/k8s utils + pkg/labelsfilter/filter.go): its labels under source `k8s`,
//   `k8s:io.kubernetes.pod.namespace=<ns>`, and every label of its namespace as
//   `k8s:io.cilium.k8s.namespace.labels.<key>`, minus what the default label filter leaves out of
//   identities (`kubernetes.io/…`, `pod-template-hash`, …).
// - Selectors match those labels by source: `any:` (no prefix) matches a key of any source; other sources
//   only their own (pkg/labels LabelArray.Has/Get). The namespace requirement Cilium adds to each
//   selector is already in the model (model/cilium.ts).
// - Entities (pkg/policy/api/entity.go): `all` is every peer, external addresses included; `world` the
//   external addresses; `cluster` every in-cluster workload (and the host, remote nodes, health, init,
//   ingress, unmanaged endpoints and kube-apiserver, which are not in the inventory); `host`,
//   `remote-node`, `kube-apiserver`, `health`, `init`, `ingress`, `unmanaged` and `none` admit no
//   workload and no external range of the inventory.
// - fromCIDR/toCIDR/CIDRSet match external addresses only: pods have identities of their own, which a
//   CIDR rule does not select (pkg/policy/api ingress.go: "Only connections which do *not* originate
//   from the cluster or from the local host are subject to CIDR rules").
// - A rule without L3 peer but with toPorts admits every peer on those ports; a rule with neither admits
//   nothing (pkg/policy/rule.go mergeIngress/mergeEgress). toPorts protocol ANY (or absent) is TCP, UDP
//   and SCTP; port "0" or absent is every port; endPort makes a range; a named port resolves on the
//   destination's container ports of a compatible protocol.
// - Combination with other policies (pkg/policy/repository.go computePolicyEnforcementAndRules): every
//   rule of every policy selecting the pod (Kubernetes NetworkPolicies are translated into the same rules)
//   is merged; a direction is enforced with default deny when any selecting rule is default-deny in it,
//   and when only default-allow rules select the pod Cilium adds an allow-all rule; deny entries win over
//   allow entries (pkg/policy/rule.go mergePortProto: "Denies takes priority over any rule"). That is the
//   evaluator's combination: isolated if any selecting policy isolates, allowed = union of allows, minus
//   the union of denies.
import type { CiliumPeerRule, CiliumPolicyModel, CiliumRequirement, CiliumRuleModel, CiliumSelector } from '../model/cilium';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL } from '../model/cilium';
import type { Direction, Labels, NamespaceInfo, SourceRef, Workload } from '../model/types';
import type { CompiledPolicy, CompiledRule, Endpoint, IpRange, NamespaceMatch, PolicyEffect, RuleContribution, WorkloadMatch, WorkspaceModel } from '../model/workspace';
import { parseCidr } from '../schema/syntax';
import { ALL_IPV4, cidrRange, containsRange, normalizeRanges, subtractRanges } from './ip';
import { labelsOfNamespace, namespaceLabels } from './netpol';
import { portsAreFixed, portsConns } from './ports';
import { EMPTY_SELECTOR } from './selector';

// ---- identity labels -------------------------------------------------------------------------------

/** A label set as Cilium matches it: key → source and value. */
export type CiliumLabelSet = ReadonlyMap<string, { source: string; value: string }>;

/**
 * The default label prefix configuration (pkg/labelsfilter/filter.go defaultLabelPrefixCfg): include
 * patterns, then ignore patterns, each a Go regexp that must match at the start of the key.
 */
const INCLUDE = [POD_NAMESPACE_LABEL, 'io.cilium.k8s.namespace.labels', 'app.kubernetes.io', 'io.cilium.k8s.policy.cluster'].map((p) => new RegExp(escape(p)));
const IGNORE = [
  /io\.kubernetes/,
  /kubernetes\.io/,
  /statefulset\.kubernetes\.io\/pod-name/,
  /apps\.kubernetes\.io\/pod-index/,
  /batch\.kubernetes\.io\/job-completion-index/,
  /.*beta\.kubernetes\.io/,
  /k8s\.io/,
  /pod-template-generation/,
  /pod-template-hash/,
  /controller-revision-hash/,
  /annotation.*/,
  /etcd_node/,
];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Length of the leftmost match when it starts at 0 (Go FindStringIndex with res[0] == 0), else 0. */
function prefixMatch(re: RegExp, key: string): number {
  const m = re.exec(key);
  return m && m.index === 0 ? m[0].length : 0;
}

/**
 * Does Cilium keep this k8s label in the pod's identity? A label is kept when no ignore pattern matches,
 * or when an include pattern matches a longer part of it than the shortest matching ignore pattern
 * (filterLabels, with the default configuration, which has no whitelist).
 */
export function inIdentity(key: string): boolean {
  let ignored = 0;
  for (const re of IGNORE) {
    const n = prefixMatch(re, key);
    if (n > 0 && (ignored === 0 || n < ignored)) ignored = n;
  }
  if (ignored === 0) return true;
  let included = 0;
  for (const re of INCLUDE) included = Math.max(included, prefixMatch(re, key));
  return included > ignored;
}

/** The identity labels of a pod in a namespace with these labels. */
export function podIdentityLabels(podLabels: Labels, namespace: string, nsLabels: Labels): CiliumLabelSet {
  const out = new Map<string, { source: string; value: string }>();
  for (const [k, v] of Object.entries(podLabels)) if (inIdentity(k)) out.set(k, { source: 'k8s', value: v });
  for (const [k, v] of Object.entries(nsLabels)) {
    const key = NAMESPACE_LABELS_PREFIX + k;
    if (inIdentity(key)) out.set(key, { source: 'k8s', value: v });
  }
  out.set(POD_NAMESPACE_LABEL, { source: 'k8s', value: namespace });
  return out;
}

/** An external address: its identity carries `reserved:world` (and CIDR labels, which selectors rarely name). */
const WORLD_LABELS: CiliumLabelSet = new Map([['world', { source: 'reserved', value: '' }]]);

const cache = new WeakMap<Workload, { ns: Labels; labels: CiliumLabelSet }>();

function workloadLabels(w: Workload, nsLabels: Labels): CiliumLabelSet {
  const hit = cache.get(w);
  if (hit && hit.ns === nsLabels) return hit.labels;
  const labels = podIdentityLabels(w.labels, w.namespace, nsLabels);
  cache.set(w, { ns: nsLabels, labels });
  return labels;
}

function requirementMatches(r: CiliumRequirement, labels: CiliumLabelSet): boolean {
  const l = labels.get(r.key);
  const v = l && (r.source === 'any' || r.source === l.source) ? l.value : undefined;
  switch (r.operator) {
    case 'In':
      return v !== undefined && r.values.includes(v);
    case 'NotIn':
      return v === undefined || !r.values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
  }
}

/** Does the selector (with the namespace requirement Cilium adds) match this label set? */
export function ciliumSelectorMatches(sel: CiliumSelector, labels: CiliumLabelSet): boolean {
  return sel.effective.every((r) => requirementMatches(r, labels));
}

function selectorKey(sel: CiliumSelector): string {
  return sel.effective
    .map((r) => `${r.source}:${r.key} ${r.operator} ${JSON.stringify([...r.values].sort())}`)
    .sort()
    .join(',');
}

// ---- rules -----------------------------------------------------------------------------------------

/** Entities that match in-cluster workloads, external addresses, or neither (out of the inventory). */
const WORKLOAD_ENTITIES = new Set(['all', 'cluster']);
const WORLD_ENTITIES = new Set(['all', 'world', 'world-ipv4']);
const OUTSIDE_INVENTORY: Record<string, string> = {
  host: 'the local node (host networking pods included)',
  'remote-node': 'the other nodes of the cluster',
  'kube-apiserver': 'the Kubernetes API server',
  health: 'Cilium\'s health endpoints',
  init: 'pods whose identity is not yet known',
  ingress: 'Cilium\'s ingress and Gateway API proxy',
  unmanaged: 'pods Cilium does not manage',
  'world-ipv6': 'external IPv6 addresses',
};

interface PreparedRule {
  rule: CiliumPeerRule;
  /** External IPv4 addresses matched, normalised. */
  externals: IpRange[];
  /** Every boundary of its CIDR peers (cidr and except), for cutting the external space. */
  boundaries: IpRange[];
  /** Every in-cluster workload matches (entity all/cluster, or an L4-only rule). */
  allWorkloads: boolean;
  /** The rule admits no peer at all (no L3 peer and no toPorts). */
  empty: boolean;
  notes: string[];
  source?: SourceRef;
}

function prepareRule(rule: CiliumPeerRule, namespace: string | undefined, fallback: SourceRef): PreparedRule {
  const notes: string[] = [];
  const source = rule.source ?? fallback;
  const wildcard = rule.l3Wildcard && rule.ports !== 'any';
  const empty = rule.l3Wildcard && rule.ports === 'any';
  const verb = rule.deny ? 'denies' : 'admits';
  if (empty) notes.push(`this rule names no peer and no port, so Cilium ${rule.deny ? 'denies' : 'allows'} nothing with it`);
  if (wildcard) notes.push(`this rule names no peer: Cilium ${verb} every peer, external addresses included, on its ports`);
  let allWorkloads = wildcard;
  const ranges: IpRange[] = wildcard ? [ALL_IPV4] : [];
  const boundaries: IpRange[] = [];
  for (const e of rule.entities) {
    if (WORKLOAD_ENTITIES.has(e.name)) allWorkloads = true;
    if (WORLD_ENTITIES.has(e.name)) ranges.push(ALL_IPV4);
    if (e.name === 'cluster') notes.push(`entity cluster also ${verb} the nodes, the API server and Cilium's own endpoints, which are not in the inventory`);
    if (e.name === 'none') notes.push(`entity none ${verb} nothing`);
    const outside = OUTSIDE_INVENTORY[e.name];
    if (outside) notes.push(`entity ${e.name} is ${outside}: modelled, but not part of the inventory, so it ${verb} no workload or external range here`);
  }
  for (const c of rule.cidrs) {
    const r = cidrRangeStrict(c.cidr);
    if (r === undefined) continue;
    if (r === 'ipv6') {
      notes.push(`${c.cidr} is IPv6; external endpoints are modelled as IPv4 addresses, which it cannot match`);
      continue;
    }
    const cuts: IpRange[] = [];
    for (const e of c.except) {
      const x = cidrRangeStrict(e);
      if (x !== undefined && x !== 'ipv6') cuts.push(x);
    }
    boundaries.push(r, ...cuts);
    ranges.push(...subtractRanges([r], normalizeRanges(cuts)));
  }
  for (const sel of rule.endpoints) {
    // A selector on reserved labels can name the world identity (`reserved:world`).
    if (sel.scope === 'reserved' && ciliumSelectorMatches(sel, WORLD_LABELS)) ranges.push(ALL_IPV4);
    if (sel.scope === 'namespace-labels') {
      notes.push(`a selector on namespace labels is not limited to the policy's namespace${namespace ? ` (${namespace})` : ''}: since Cilium 1.16 it matches pods of every namespace carrying those labels`);
    }
    if (sel.scope === 'reserved') notes.push('a selector on reserved: labels matches Cilium\'s special identities (host, world, …), not workloads of the inventory');
  }
  return { rule, externals: normalizeRanges(ranges), boundaries, allWorkloads, empty, notes, source };
}

/** A CIDR as Cilium's agent reads it (net/netip: no leading zeros; host bits ignored). */
function cidrRangeStrict(text: string): IpRange | 'ipv6' | undefined {
  const parsed = parseCidr(text, false);
  if (!parsed.ok) return undefined;
  if (parsed.cidr.family === 6) return 'ipv6';
  const r = cidrRange(text);
  return r.ok && r.family === 4 ? r.range : undefined;
}

function peerMatches(pr: PreparedRule, peer: Endpoint, model: Pick<WorkspaceModel, 'namespaces'>): boolean {
  if (pr.empty) return false;
  if (peer.type === 'external') return containsRange(pr.externals, peer.range);
  if (pr.allWorkloads) return true;
  if (pr.rule.endpoints.length === 0) return false;
  const labels = workloadLabels(peer.workload, namespaceLabels(model, peer.workload.namespace));
  return pr.rule.endpoints.some((s) => ciliumSelectorMatches(s, labels));
}

function workloadMatches(pr: PreparedRule): WorkloadMatch[] {
  if (pr.empty) return [];
  if (pr.allWorkloads) return [{ type: 'pods', namespaces: { type: 'all' }, pods: EMPTY_SELECTOR }];
  return pr.rule.endpoints.map((sel) => testMatch('cilium-peer', sel));
}

function testMatch(prefix: string, sel: CiliumSelector): WorkloadMatch {
  return {
    type: 'test',
    key: `${prefix}:${selectorKey(sel)}`,
    test: (w: Workload, ns: NamespaceInfo | undefined) => ciliumSelectorMatches(sel, workloadLabels(w, labelsOfNamespace(ns, w.namespace))),
  };
}

// ---- effects ---------------------------------------------------------------------------------------

interface RuleEffectParts {
  rule: CiliumRuleModel;
  selects(w: Workload): boolean;
  prepared: Record<Direction, PreparedRule[]>;
}

function ruleParts(p: CiliumPolicyModel, rule: CiliumRuleModel, model: Pick<WorkspaceModel, 'namespaces'>): RuleEffectParts {
  const fallback = p.capsule?.source ?? p.source;
  const prepared: Record<Direction, PreparedRule[]> = {
    ingress: [...rule.ingress, ...rule.ingressDeny].map((r) => prepareRule(r, p.namespace, fallback)),
    egress: [...rule.egress, ...rule.egressDeny].map((r) => prepareRule(r, p.namespace, fallback)),
  };
  const subject = rule.subject;
  const selects = (w: Workload): boolean => {
    if (p.rejected || subject.kind !== 'endpoints') return false;
    if (p.namespace !== undefined && w.namespace !== p.namespace) return false;
    return ciliumSelectorMatches(subject.selector, workloadLabels(w, namespaceLabels(model, w.namespace)));
  };
  return { rule, selects, prepared };
}

function contributions(
  p: CiliumPolicyModel,
  parts: RuleEffectParts,
  direction: Direction,
  deny: boolean,
  subject: Workload,
  peer: Endpoint,
  model: Pick<WorkspaceModel, 'namespaces'>,
): RuleContribution[] {
  const out: RuleContribution[] = [];
  for (const pr of parts.prepared[direction]) {
    if (pr.rule.deny !== deny || !peerMatches(pr, peer, model)) continue;
    const destination = direction === 'ingress' ? subject : peer.type === 'workload' ? peer.workload : undefined;
    const conns = portsConns(pr.rule.ports, destination?.ports);
    if (conns.isEmpty()) continue;
    out.push({ policyId: p.id, policyKind: p.kind, direction, ruleIndex: pr.rule.index, effect: deny ? 'deny' : 'allow', conns, source: pr.source });
  }
  return out;
}

function compileRule(parts: RuleEffectParts): CompiledPolicy {
  const rules: CompiledRule[] = [];
  for (const d of ['ingress', 'egress'] as const) {
    for (const pr of parts.prepared[d]) {
      rules.push({
        direction: d,
        effect: pr.rule.deny ? 'deny' : 'allow',
        ruleIndex: pr.rule.index,
        source: pr.source,
        workloads: workloadMatches(pr),
        externals: pr.empty ? [] : pr.externals,
        conns: (destination) => portsConns(pr.rule.ports, destination?.ports),
        connsFixed: portsAreFixed(pr.rule.ports),
        notes: pr.notes.length > 0 ? pr.notes : undefined,
      });
    }
  }
  return { subjects: { type: 'none' }, isolates: { ...parts.rule.defaultDeny }, rules };
}

function subjectMatch(p: CiliumPolicyModel, rule: CiliumRuleModel): WorkloadMatch {
  if (p.rejected || rule.subject.kind !== 'endpoints') return { type: 'none' };
  const sel = rule.subject.selector;
  const test = testMatch(`cilium-subject${p.namespace !== undefined ? `@${p.namespace}` : ''}`, sel);
  if (p.namespace === undefined || test.type !== 'test') return test;
  const ns = p.namespace;
  return { ...test, test: (w, info) => w.namespace === ns && test.test(w, info) };
}

function uncertainScope(p: CiliumPolicyModel, rule: CiliumRuleModel): NamespaceMatch | undefined {
  // An unreadable endpointSelector: which pods the rule selects is unknown.
  if (rule.subject.kind !== 'none' || p.rejected) return undefined;
  return p.namespace !== undefined ? { type: 'names', names: [p.namespace] } : { type: 'all' };
}

function keyOf(value: unknown): string {
  return JSON.stringify(value, (k, v) => (k === 'source' || k === 'capsule' ? undefined : v));
}

/** The effect of one rule (`spec` or `specs[i]`) of a Cilium policy. */
function ruleEffect(p: CiliumPolicyModel, rule: CiliumRuleModel, id: string, model: Pick<WorkspaceModel, 'namespaces'>): PolicyEffect {
  const parts = ruleParts(p, rule, model);
  let compiled: CompiledPolicy | undefined;
  let key: string | undefined;
  return {
    id,
    kind: p.kind,
    source: p.source,
    unmodelled: p.rejected ? [] : rule.unmodelled,
    selects: parts.selects,
    isolates: (d) => rule.defaultDeny[d],
    allows: (d, subject, peer) => contributions(p, parts, d, false, subject, peer, model),
    denies: (d, subject, peer) => contributions(p, parts, d, true, subject, peer, model),
    externalBoundaries: (d) => parts.prepared[d].flatMap((pr) => pr.boundaries),
    compile() {
      if (compiled) return compiled;
      compiled = { ...compileRule(parts), subjects: subjectMatch(p, rule) };
      const scope = uncertainScope(p, rule);
      if (scope) compiled.uncertainScope = scope;
      return compiled;
    },
    get contentKey() {
      key ??= keyOf({ kind: p.kind, id, namespace: p.namespace, rejected: !!p.rejected, rule });
      return key;
    },
  };
}

/**
 * One PolicyEffect per rule of the policy (`spec`, `specs[i]`): each rule has its own endpointSelector
 * and its own default deny, so the evaluator needs them apart. Ids: the policy id for a policy with one
 * rule; `id#spec`, `id#specs[i]` otherwise.
 */
export function ciliumPolicyEffects(p: CiliumPolicyModel, model: Pick<WorkspaceModel, 'namespaces'>): PolicyEffect[] {
  if (p.rules.length === 0) return [ciliumPolicyEffect(p, model)];
  return p.rules.map((rule) => ruleEffect(p, rule, p.rules.length === 1 ? p.id : `${p.id}#${rule.label}`, model));
}

/**
 * The policy as one PolicyEffect. Exact when the policy has one rule, or when all its rules agree on
 * default deny; otherwise which direction a pod's isolation comes from depends on which rule selects it,
 * which one effect cannot say: the policy is then listed as not modelled (its verdicts uncertain). Prefer
 * ciliumPolicyEffects, which is always exact.
 */
export function ciliumPolicyEffect(p: CiliumPolicyModel, model: Pick<WorkspaceModel, 'namespaces'>): PolicyEffect {
  if (p.rules.length === 1) return ruleEffect(p, p.rules[0], p.id, model);
  const parts = p.rules.map((r) => ruleParts(p, r, model));
  const agree = (d: Direction) => p.rules.every((r) => r.defaultDeny[d] === p.rules[0].defaultDeny[d]);
  const unmodelled = p.rejected ? [] : p.rules.flatMap((r) => r.unmodelled);
  if (!p.rejected && (!agree('ingress') || !agree('egress'))) unmodelled.push(p.source);
  let key: string | undefined;
  return {
    id: p.id,
    kind: p.kind,
    source: p.source,
    unmodelled,
    selects: (w) => parts.some((x) => x.selects(w)),
    isolates: (d) => parts.some((x) => x.rule.defaultDeny[d]),
    allows: (d, subject, peer) => parts.filter((x) => x.selects(subject)).flatMap((x) => contributions(p, x, d, false, subject, peer, model)),
    denies: (d, subject, peer) => parts.filter((x) => x.selects(subject)).flatMap((x) => contributions(p, x, d, true, subject, peer, model)),
    externalBoundaries: (d) => parts.flatMap((x) => x.prepared[d].flatMap((pr) => pr.boundaries)),
    get contentKey() {
      key ??= keyOf(p);
      return key;
    },
  };
}
