// The reachability engine's data: what the workspace declares (namespaces, workloads, tenants,
// policies — Capsule-materialised ones included), as plain typed objects. Every object remembers where
// it came from, so a finding, an explanation or a go-to-definition can point at the YAML node.
import type { Span } from '../types';

/** Where a modelled object (or one of its parts) is written. */
export interface SourceRef {
  uri: string;
  /** Span in the file (UTF-16 offsets), of the object, rule or peer. */
  span: Span;
}

export type Labels = Record<string, string>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/**
 * A Kubernetes label selector. `{}` (no labels, no expressions) selects everything. An absent selector is
 * `undefined` where the API gives absence its own meaning (a peer without namespaceSelector).
 */
export interface LabelSelector {
  matchLabels: Labels;
  matchExpressions: SelectorRequirement[];
  /**
   * Set when a part could not be read (unknown operator, In without values, a value that is not a
   * string): the selector then matches nothing and every verdict it touches is uncertain.
   */
  invalid?: boolean;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

// ---- inventory -------------------------------------------------------------------------------------

export interface NamespaceInfo {
  name: string;
  /** Labels as Kubernetes and Capsule would set them: as written, `kubernetes.io/metadata.name`, tenant metadata. */
  labels: Labels;
  /** The Capsule tenant the namespace belongs to, if any. */
  tenant?: string;
  /** How it is known: a Namespace document, the cluster export, or only referenced (by a workload or policy). */
  origin: 'declared' | 'inventory' | 'referenced';
  source?: SourceRef;
}

export interface Workload {
  /** Unique id: `namespace/name` (the peer name used by `connectivity --level workload`). */
  id: string;
  namespace: string;
  name: string;
  /** Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController, … */
  kind: string;
  /** The pod labels (a controller's pod template labels). */
  labels: Labels;
  ports: ContainerPort[];
  origin: 'declared' | 'inventory';
  source?: SourceRef;
}

export interface ForbiddenLabels {
  /** Exact keys. */
  denied: string[];
  /** Go RE2 patterns matched unanchored against keys. */
  deniedRegex: string[];
}

export interface TenantInfo {
  name: string;
  apiVersion: string;
  /** Labels of the Tenant object itself (GlobalTenantResource `tenantSelector` matches these). */
  labels: Labels;
  /** Namespace label keys tenant owners may not set (forbiddenLabels, v1beta1 annotations, rules[].enforce.metadata). */
  forbiddenLabels: ForbiddenLabels;
  source: SourceRef;
}

// ---- policies --------------------------------------------------------------------------------------

export type Direction = 'ingress' | 'egress';

/** A port entry of a rule: `port` absent = every port of the protocol. */
export interface PortSpec {
  protocol: Protocol | 'ANY';
  /** A number, or a named port resolved on the destination's container ports. */
  port?: number | string;
  endPort?: number;
  source?: SourceRef;
}

/** IPv4/IPv6 block with exceptions, as written. */
export interface IpBlock {
  cidr: string;
  except: string[];
}

/** A NetworkPolicy peer: selectors ANDed; ipBlock alone. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IpBlock;
  source?: SourceRef;
}

export interface NetworkPolicyRule {
  index: number;
  /**
   * Absent or empty `from`/`to`: every peer, in-cluster and external (`'any'`). A list is never empty
   * as written; it is empty only when every peer was unreadable, and then matches nothing.
   */
  peers: NetworkPolicyPeer[] | 'any';
  /**
   * Absent or empty `ports`: every protocol and port (`'any'`). As for peers, an empty list means every
   * entry was unreadable: the rule allows nothing.
   */
  ports: PortSpec[] | 'any';
  source?: SourceRef;
}

/** Where a policy that Capsule will create comes from. */
export interface CapsuleOrigin {
  kind: 'Tenant' | 'TenantResource' | 'GlobalTenantResource';
  /** The Tenant, TenantResource or GlobalTenantResource name. */
  name: string;
  tenant: string;
  /** The item (networkPolicies.items[i], rawItems[j]) it was rendered from. */
  source: SourceRef;
}

export interface NetworkPolicyModel {
  kind: 'NetworkPolicy';
  /** Unique id: `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  /** After inference: Ingress always unless only Egress is listed; Egress if listed or egress rules exist. */
  policyTypes: { ingress: boolean; egress: boolean };
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
  source: SourceRef;
  capsule?: CapsuleOrigin;
  /**
   * Parts that could not be modelled exactly (an unparsable port or CIDR, an invalid selector, a peer the
   * API server rejects). Each was treated conservatively; the verdicts of the workloads this policy
   * selects are uncertain.
   */
  unmodelled?: UnmodelledPart[];
}

/** A part of a policy the engine could not model exactly, and why. */
export interface UnmodelledPart {
  reason: string;
  source?: SourceRef;
}

// Cilium policies are modelled in model/cilium.ts, which exports CiliumPolicyModel.
