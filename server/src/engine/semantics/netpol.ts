// A Kubernetes NetworkPolicy as the evaluator sees it (PolicyEffect), from the spec:
//   - it applies to the pods of its own namespace that spec.podSelector matches;
//   - it isolates them for each direction listed in policyTypes (after inference, see the model);
//   - a rule allows traffic with a peer when ANY of its peers matches (no peers: every peer, external
//     addresses included) on the union of its ports (no ports: everything);
//   - inside one peer, namespaceSelector and podSelector are ANDed; podSelector alone means the policy's
//     own namespace; namespaceSelector alone means every pod of the matching namespaces; `{}` matches all;
//   - ipBlock matches external addresses only (cidr minus except), never an in-cluster workload.
// NetworkPolicies have no deny rules: what no selecting policy allows is denied by isolation.
import type { Direction, NamespaceInfo, NetworkPolicyModel, NetworkPolicyPeer, NetworkPolicyRule, SourceRef, Workload } from '../model/types';
import type {
  CompiledPolicy,
  CompiledRule,
  Endpoint,
  IpRange,
  NamespaceMatch,
  PolicyEffect,
  RuleContribution,
  WorkloadMatch,
  WorkspaceModel,
} from '../model/workspace';
import { ConnSet } from './connset';
import { ALL_IPV4, containsRange, ipBlockRanges, normalizeRanges } from './ip';
import { portsAreFixed, portsConns } from './ports';
import { EMPTY_SELECTOR, matchesSelector } from './selector';

/** The labels a namespace selector sees: the namespace's, or the one label every namespace carries. */
export function namespaceLabels(model: Pick<WorkspaceModel, 'namespaces'>, name: string): NamespaceInfo['labels'] {
  return labelsOfNamespace(model.namespaces.get(name), name);
}

/** The same, from the namespace's info when the caller already has it (undefined: not declared). */
export function labelsOfNamespace(info: NamespaceInfo | undefined, name: string): NamespaceInfo['labels'] {
  return info?.labels ?? { 'kubernetes.io/metadata.name': name };
}

interface PreparedRule {
  rule: NetworkPolicyRule;
  direction: Direction;
  /** In-cluster peer entries (selectors), or 'any'. */
  selectorPeers: NetworkPolicyPeer[] | 'any';
  /** External addresses matched, normalised. */
  externals: IpRange[];
  notes: string[];
  source?: SourceRef;
}

function prepare(np: NetworkPolicyModel, direction: Direction): PreparedRule[] {
  if (!np.policyTypes[direction]) return [];
  return np[direction].map((rule) => {
    const notes: string[] = [];
    if (rule.peers === 'any') {
      return { rule, direction, selectorPeers: 'any', externals: [ALL_IPV4], notes, source: rule.source ?? np.capsule?.source ?? np.source };
    }
    const blocks: IpRange[] = [];
    const selectorPeers: NetworkPolicyPeer[] = [];
    for (const peer of rule.peers) {
      if (peer.ipBlock) {
        const r = ipBlockRanges(peer.ipBlock);
        blocks.push(...r.ranges);
        notes.push(...r.notes);
      } else selectorPeers.push(peer);
    }
    return { rule, direction, selectorPeers, externals: normalizeRanges(blocks), notes, source: rule.source ?? np.capsule?.source ?? np.source };
  });
}

function peerMatches(peer: NetworkPolicyPeer, w: Workload, np: NetworkPolicyModel, model: Pick<WorkspaceModel, 'namespaces'>): boolean {
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, namespaceLabels(model, w.namespace))) return false;
  } else if (w.namespace !== np.namespace) return false;
  return peer.podSelector ? matchesSelector(peer.podSelector, w.labels) : true;
}

function peerMatch(peer: NetworkPolicyPeer, np: NetworkPolicyModel): WorkloadMatch {
  const namespaces: NamespaceMatch = peer.namespaceSelector
    ? { type: 'selector', selector: peer.namespaceSelector }
    : { type: 'names', names: [np.namespace] };
  return { type: 'pods', namespaces, pods: peer.podSelector ?? EMPTY_SELECTOR };
}

const ALL_PODS: WorkloadMatch = { type: 'pods', namespaces: { type: 'all' }, pods: EMPTY_SELECTOR };

/** The NetworkPolicy's effect. `model` is read lazily (namespace labels), so it may still be assembling. */
export function networkPolicyEffect(np: NetworkPolicyModel, model: Pick<WorkspaceModel, 'namespaces'>): PolicyEffect {
  let prepared: { ingress: PreparedRule[]; egress: PreparedRule[] } | undefined;
  const rules = (d: Direction): PreparedRule[] => {
    prepared ??= { ingress: prepare(np, 'ingress'), egress: prepare(np, 'egress') };
    return prepared[d];
  };
  let compiled: CompiledPolicy | undefined;
  let key: string | undefined;

  const conns = (pr: PreparedRule, destination: Workload | undefined): ConnSet => portsConns(pr.rule.ports, destination?.ports);

  const matches = (pr: PreparedRule, peer: Endpoint): boolean => {
    if (peer.type === 'external') return containsRange(pr.externals, peer.range);
    if (pr.selectorPeers === 'any') return true;
    return pr.selectorPeers.some((p) => peerMatches(p, peer.workload, np, model));
  };

  return {
    id: np.id,
    kind: 'NetworkPolicy',
    source: np.source,
    origin: np,
    unmodelled: (np.unmodelled ?? []).map((u) => u.source ?? np.source),
    selects: (w) => w.namespace === np.namespace && matchesSelector(np.podSelector, w.labels),
    isolates: (d) => np.policyTypes[d],
    allows(direction, subject, peer) {
      const out: RuleContribution[] = [];
      for (const pr of rules(direction)) {
        if (!matches(pr, peer)) continue;
        const destination = direction === 'ingress' ? subject : peer.type === 'workload' ? peer.workload : undefined;
        const c = conns(pr, destination);
        if (c.isEmpty()) continue;
        out.push({ policyId: np.id, policyKind: 'NetworkPolicy', direction, ruleIndex: pr.rule.index, effect: 'allow', conns: c, source: pr.source });
      }
      return out;
    },
    denies: () => [],
    externalBoundaries: (d) => rules(d).flatMap((pr) => (pr.rule.peers === 'any' ? [] : pr.externals)),
    compile() {
      if (compiled) return compiled;
      const out: CompiledRule[] = [];
      for (const d of ['ingress', 'egress'] as const) {
        for (const pr of rules(d)) {
          const workloads: WorkloadMatch[] = pr.selectorPeers === 'any' ? [ALL_PODS] : pr.selectorPeers.map((p) => peerMatch(p, np));
          out.push({
            direction: d,
            effect: 'allow',
            ruleIndex: pr.rule.index,
            source: pr.source,
            workloads,
            externals: pr.externals,
            conns: (destination) => conns(pr, destination),
            connsFixed: portsAreFixed(pr.rule.ports),
            notes: pr.notes.length > 0 ? pr.notes : undefined,
          });
        }
      }
      compiled = {
        subjects: { type: 'pods', namespaces: { type: 'names', names: [np.namespace] }, pods: np.podSelector },
        isolates: { ...np.policyTypes },
        rules: out,
      };
      if (np.podSelector.invalid) compiled.uncertainScope = { type: 'names', names: [np.namespace] };
      return compiled;
    },
    get contentKey() {
      key ??= JSON.stringify(np, (k, v) => (k === 'source' || k === 'capsule' ? undefined : v));
      return key;
    },
  };
}

