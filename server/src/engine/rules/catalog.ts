// Every diagnostic code the engine can produce, with its default severity. A catalogue test checks that
// each code has a page under docs/rules/<id>.md (linked from the diagnostic's codeDescription) and
// fixtures; the CLI's `--rule id=…` and the settings accept exactly these ids.
import type { Severity } from '../types';

export type RuleCategory = 'syntax' | 'schema' | 'kubernetes' | 'capsule' | 'isolation' | 'input';

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  category: RuleCategory;
  /** One line, for `tenant-policy check --list-rules`, hover and the docs index. */
  title: string;
  /**
   * `workspace`: the finding needs the whole workspace (the WorkspaceModel: other files, tenants, the
   * configuration), so it comes from the model, after assembly; otherwise from one document's analysis.
   */
  scope?: 'workspace';
  /** The finding offers a quick fix (the docs index says so). */
  hasFix?: boolean;
}

export const RULES: readonly RuleMeta[] = [
  { id: 'yaml-syntax', defaultSeverity: 'error', category: 'syntax', title: 'The YAML cannot be parsed.' },
  { id: 'duplicate-key', defaultSeverity: 'error', category: 'syntax', title: 'A mapping repeats a key; Kubernetes strict decoding rejects it.' },
  { id: 'yaml-alias-limit', defaultSeverity: 'error', category: 'input', title: 'YAML aliases expand beyond a safe size (a "billion laughs" document).' },
  { id: 'invalid-encoding', defaultSeverity: 'error', category: 'input', title: 'The file is not valid UTF-8.' },
  { id: 'file-too-large', defaultSeverity: 'warning', category: 'input', title: 'The file is larger than the engine analyses.' },
  { id: 'unknown-api-version', defaultSeverity: 'warning', category: 'schema', title: 'A supported kind under an apiVersion the engine has no schema for.' },
  { id: 'schema', defaultSeverity: 'error', category: 'schema', title: 'The manifest does not match the API schema (unknown field, wrong type, bad value, missing field).' },
  { id: 'deprecated-field', defaultSeverity: 'information', category: 'schema', title: 'A field upstream marks deprecated; it still works, but has a replacement.' },
  { id: 'config', defaultSeverity: 'error', category: 'input', title: 'The project configuration (.tenant-policy.yaml) has a field, value or rule id the tools do not understand.' },
  { id: 'helm-template-skipped', defaultSeverity: 'information', category: 'input', title: 'A Helm template is not a manifest; render it first (helm template … | tenant-policy check -).' },
  { id: 'invalid-name', defaultSeverity: 'error', category: 'kubernetes', title: 'metadata.name or metadata.namespace is missing or not a valid DNS-1123 name for its kind.' },
  { id: 'invalid-label', defaultSeverity: 'error', category: 'kubernetes', title: 'A label key or value (in metadata or a selector) is not valid Kubernetes label syntax.' },
  { id: 'invalid-selector', defaultSeverity: 'error', category: 'kubernetes', title: 'A matchExpressions requirement has values where its operator forbids them, or none where it needs them.' },
  { id: 'invalid-port', defaultSeverity: 'error', category: 'kubernetes', title: 'A port number is out of range or a port name is not a valid IANA service name.' },
  { id: 'invalid-end-port', defaultSeverity: 'error', category: 'kubernetes', title: 'endPort is smaller than port, or follows a named or missing port.' },
  { id: 'invalid-cidr', defaultSeverity: 'error', category: 'kubernetes', title: 'A CIDR cannot be parsed, is ambiguous, or an except entry is not inside its cidr.' },
  { id: 'invalid-peer', defaultSeverity: 'error', category: 'kubernetes', title: 'A NetworkPolicy peer is empty, or combines ipBlock with a selector.' },
  { id: 'capsule-template-unquoted', defaultSeverity: 'error', category: 'capsule', title: 'A Capsule placeholder at the start of a plain value turns it into a YAML mapping.' },
  { id: 'capsule-template-unknown', defaultSeverity: 'warning', category: 'capsule', title: 'A Capsule placeholder other than {{tenant.name}} and {{namespace}}, or {{namespace}} under a GlobalTenantResource scope without a namespace: Capsule silently renders it as an empty string.', hasFix: true },
  { id: 'capsule-not-modelled', defaultSeverity: 'warning', category: 'capsule', title: 'Capsule distributes policies here that the reachability engine does not expand (namespacedItems, generators); connectivity results leave them out.', scope: 'workspace' },
  { id: 'cilium-not-modelled', defaultSeverity: 'information', category: 'input', title: 'A part of a Cilium policy the reachability engine does not model (L7 rules, toFQDNs, toServices, nodes, groups, …); verdicts it could change are marked uncertain.', scope: 'workspace' },
  { id: 'cilium-namespace-label-peer', defaultSeverity: 'warning', category: 'isolation', title: 'A CiliumNetworkPolicy peer selects namespace labels, so it admits pods of every namespace carrying them, not only its own.', scope: 'workspace' },
  { id: 'cilium-rule-invalid', defaultSeverity: 'error', category: 'kubernetes', title: 'Cilium\'s agent refuses this rule although the CRD accepts it (two kinds of peer, DNS rules outside egress or port 53, icmps with toPorts, …), so the whole policy is not enforced.' },
  { id: 'cilium-field-misplaced', defaultSeverity: 'error', category: 'kubernetes', title: 'A Cilium peer field in the wrong direction (toEndpoints under ingress, …) or a field cilium.io/v2 does not have (fromNamespaces, …); the correct form is offered.', hasFix: true },
  { id: 'psa-label-invalid', defaultSeverity: 'error', category: 'kubernetes', title: 'A Pod Security Admission label with an unknown key, level or version; the API server rejects the namespace.', hasFix: true },
  { id: 'separate-ports-rule', defaultSeverity: 'warning', category: 'isolation', title: 'A `- ports:` item that became a rule of its own, admitting every source or destination on those ports.', hasFix: true },
  { id: 'peers-or-not-and', defaultSeverity: 'warning', category: 'isolation', title: 'A namespaceSelector item and a podSelector item written as two peers (OR) where one peer (AND) was almost certainly meant.', hasFix: true },
  { id: 'rules-ignored-by-policy-types', defaultSeverity: 'warning', category: 'isolation', title: 'Egress (or ingress) rules under a policyTypes that leaves that direction out: Kubernetes ignores them.', hasFix: true },
  { id: 'any-namespace-pod-selector', defaultSeverity: 'warning', category: 'isolation', title: 'A peer selects pods by label in every namespace, so any tenant can run a pod that matches.' },
  { id: 'default-deny-missing', defaultSeverity: 'warning', category: 'isolation', title: 'A namespace where some pods are not isolated for ingress or egress by any policy (Capsule-distributed ones included).', scope: 'workspace', hasFix: true },
  { id: 'dns-egress-missing', defaultSeverity: 'warning', category: 'isolation', title: 'Pods isolated for egress with no rule admitting DNS (UDP and TCP) to the cluster DNS: every name lookup times out.', scope: 'workspace', hasFix: true },
  { id: 'dns-egress-udp-only', defaultSeverity: 'warning', category: 'isolation', title: 'DNS egress is admitted over UDP but not TCP: large answers, DNSSEC and truncated replies fail.', scope: 'workspace', hasFix: true },
  { id: 'dns-egress-by-service-ip', defaultSeverity: 'warning', category: 'isolation', title: 'DNS egress is admitted only through an ipBlock on an address that is probably the DNS Service ClusterIP, which many CNIs never match.', scope: 'workspace', hasFix: true },
  { id: 'selector-matches-nothing', defaultSeverity: 'information', category: 'isolation', title: 'A NetworkPolicy selector matches no namespace or workload the workspace (or the cluster export) declares.', scope: 'workspace' },
  { id: 'named-port-unresolved', defaultSeverity: 'warning', category: 'isolation', title: 'A named port that no container of the workloads the rule reaches declares: the entry admits nothing.', scope: 'workspace', hasFix: true },
  { id: 'spoofable-namespace-label', defaultSeverity: 'warning', category: 'isolation', title: 'A namespaceSelector (or a Cilium namespace-label key, or a TenantResource\'s namespaceSelector) keyed on a label tenant owners can set on their own namespaces.', scope: 'workspace', hasFix: true },
  { id: 'psa-label-overridable', defaultSeverity: 'warning', category: 'isolation', title: 'A tenant owner can choose their own Pod Security level: a Pod Security label the Tenant neither sets nor forbids, or stamps by a selector the owner controls.', scope: 'workspace' },
  { id: 'cross-tenant-peer', defaultSeverity: 'warning', category: 'isolation', title: 'A rule in one tenant\'s namespace admits namespaces of another tenant, or every namespace, and the configuration does not declare the flow as intended.', scope: 'workspace' },
  { id: 'connectivity-expectation', defaultSeverity: 'error', category: 'isolation', title: 'An expectation of .tenant-policy.yaml (A never reaches B, A reaches B only on some ports) is violated; reported on the rule that lets the traffic through.', scope: 'workspace' },
  { id: 'tenant-policy-widens-default', defaultSeverity: 'warning', category: 'isolation', title: 'A NetworkPolicy in a tenant namespace admits peers outside the tenant that the tenant\'s Capsule-distributed default policy keeps out (NetworkPolicies are additive).', scope: 'workspace' },
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}
