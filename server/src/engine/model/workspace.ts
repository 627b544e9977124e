// The whole workspace as the reachability engine sees it, and the contract every kind of policy
// (NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) fulfils for the evaluator.
import type { ConnSet } from '../semantics/connset';
import type { Finding } from '../types';
import type { Direction, LabelSelector, NamespaceInfo, NetworkPolicyModel, SourceRef, TenantInfo, Workload } from './types';

/** An IPv4 address range, inclusive, as 32-bit unsigned numbers. */
export interface IpRange {
  first: number;
  last: number;
}

/** One end of a connection: a workload in the cluster, or a range of external addresses. */
export type Endpoint = { type: 'workload'; workload: Workload } | { type: 'external'; range: IpRange };

/** What one rule of a policy contributed to a verdict, for `explain`, hover and the preview. */
export interface RuleContribution {
  policyId: string;
  policyKind: string;
  direction: Direction;
  /** Rule index within its list (`ingress[i]`, `egressDeny[i]`), or -1 for the policy's isolation itself. */
  ruleIndex: number;
  effect: 'allow' | 'deny';
  conns: ConnSet;
  /** The rule's YAML (for a Capsule-materialised policy: the Tenant/GlobalTenantResource item). */
  source?: SourceRef;
}

/**
 * A policy as the evaluator uses it. For traffic src → dst: egress is evaluated on src (the subject)
 * with peer dst, ingress on dst (the subject) with peer src. Named ports are resolved on the destination.
 */
export interface PolicyEffect {
  id: string;
  kind: string;
  source: SourceRef;
  /** Does the policy apply to this workload (its subject selector and namespace)? */
  selects(workload: Workload): boolean;
  /** Does selecting a workload put it into default-deny for this direction? */
  isolates(direction: Direction): boolean;
  /** Connections allowed between the subject and the peer, per rule (empty contributions omitted). */
  allows(direction: Direction, subject: Workload, peer: Endpoint): RuleContribution[];
  /** Connections denied (Cilium ingressDeny/egressDeny: deny wins over any allow). */
  denies(direction: Direction, subject: Workload, peer: Endpoint): RuleContribution[];
  /** IPv4 ranges the policy's address-based peers distinguish (to cut the external space). */
  externalBoundaries(direction: Direction): IpRange[];
  /** Parts of the policy the engine does not model: verdicts they could change are uncertain. */
  unmodelled: SourceRef[];
  /**
   * Optional fast path. When present, the evaluator indexes the policy's subjects and rules by these
   * descriptions instead of calling `selects`/`allows`/`denies` for every pair; both must agree.
   */
  compile?(): CompiledPolicy;
  /** Optional: policies with equal keys have the same semantics (an edit that only moved text). */
  contentKey?: string;
  /**
   * Optional: the modelled policy the effect was made from (a NetworkPolicyModel, a Cilium rule). Two
   * effects of the same object are the same policy, so an update can skip them without comparing.
   */
  origin?: object;
}

// ---- the evaluator's fast path ---------------------------------------------------------------------

/** The namespaces a selector part applies to. */
export type NamespaceMatch =
  | { type: 'all' }
  | { type: 'names'; names: string[] }
  /** Namespaces whose labels (NamespaceInfo.labels) the selector matches. */
  | { type: 'selector'; selector: LabelSelector };

/**
 * In-cluster workloads, described so the evaluator can find them through its indexes. A `test` must
 * depend only on the workload's namespace (and its labels), labels and container ports: the evaluator
 * calls it once per group of workloads that share those. Equal `key`s must mean equal tests.
 */
export type WorkloadMatch =
  | { type: 'none' }
  | { type: 'pods'; namespaces: NamespaceMatch; pods: LabelSelector }
  | { type: 'test'; key: string; test: (workload: Workload, namespace: NamespaceInfo | undefined) => boolean };

/** One rule in the evaluator's terms. */
export interface CompiledRule {
  direction: Direction;
  effect: 'allow' | 'deny';
  /** As in RuleContribution. */
  ruleIndex: number;
  source?: SourceRef;
  /** The in-cluster peers it matches: the union of these. */
  workloads: WorkloadMatch[];
  /** The external IPv4 addresses it matches, normalised (sorted, disjoint, not adjacent). */
  externals: IpRange[];
  /**
   * The connections it allows (or denies) towards a destination: the peer for egress, the subject for
   * ingress; `undefined` for an external destination. Named ports resolve on the destination.
   */
  conns(destination: Workload | undefined): ConnSet;
  /** True when `conns` does not depend on the destination (no named ports). */
  connsFixed: boolean;
  /** Remarks for `explain` (e.g. an IPv6 block that cannot match an IPv4 external). */
  notes?: string[];
}

export interface CompiledPolicy {
  subjects: WorkloadMatch;
  /**
   * Set when which workloads the policy selects is itself uncertain (an unreadable subject selector):
   * every workload of `uncertainScope` namespaces is then uncertain.
   */
  uncertainScope?: NamespaceMatch;
  isolates: { ingress: boolean; egress: boolean };
  rules: CompiledRule[];
}

export interface WorkspaceModel {
  namespaces: Map<string, NamespaceInfo>;
  workloads: Workload[];
  tenants: Map<string, TenantInfo>;
  networkPolicies: NetworkPolicyModel[];
  /** Every policy of every kind, ready for evaluation (NetworkPolicies included). */
  policies: PolicyEffect[];
  /** Findings of modelling (placeholders Capsule does not know, parts not modelled, …) by file uri. */
  findings: Map<string, Finding[]>;
}
