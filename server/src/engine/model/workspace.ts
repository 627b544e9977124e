// The whole workspace as the reachability engine sees it, and the contract every kind of policy
// (NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) fulfils for the evaluator.
import type { ConnSet } from '../semantics/connset';
import type { Finding } from '../types';
import type { Direction, NamespaceInfo, NetworkPolicyModel, SourceRef, TenantInfo, Workload } from './types';

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
