// Every ObjectRule and WorkspaceRule the engine runs. A rule file exports one rule object; add it here.
import type { ObjectRule, WorkspaceRule } from './types';
import { anyNamespacePodSelectorRule } from './any-namespace-pod-selector';
import { peersOrNotAndRule } from './peers-or-not-and';
import { rulesIgnoredByPolicyTypesRule } from './rules-ignored-by-policy-types';
import { separatePortsRule } from './separate-ports-rule';
import { ciliumRuleInvalid } from './cilium-rule-invalid';
import { ciliumFieldMisplaced } from './cilium-field-misplaced';
import { capsuleTemplateUnknown } from './capsule-template-unknown';
import { psaLabelInvalid } from './psa-label-invalid';
import { defaultDenyMissing } from './default-deny-missing';
import { dnsEgressMissing } from './dns-egress-missing';
import { dnsEgressUdpOnly } from './dns-egress-udp-only';
import { dnsEgressByServiceIp } from './dns-egress-by-service-ip';
import { selectorMatchesNothing } from './selector-matches-nothing';
import { namedPortUnresolved } from './named-port-unresolved';
import { crossTenantPeer } from './cross-tenant-peer';
import { connectivityExpectation } from './connectivity-expectation';
import { tenantPolicyWidensDefault } from './tenant-policy-widens-default';
import { spoofableNamespaceLabel } from './spoofable-namespace-label';
import { psaLabelOverridable } from './psa-label-overridable';

export const OBJECT_RULES: readonly ObjectRule[] = [
  separatePortsRule,
  peersOrNotAndRule,
  rulesIgnoredByPolicyTypesRule,
  anyNamespacePodSelectorRule,
  ciliumRuleInvalid,
  ciliumFieldMisplaced,
  capsuleTemplateUnknown,
  psaLabelInvalid,
];

export const WORKSPACE_RULES: readonly WorkspaceRule[] = [
  defaultDenyMissing,
  dnsEgressMissing,
  dnsEgressUdpOnly,
  dnsEgressByServiceIp,
  selectorMatchesNothing,
  namedPortUnresolved,
  crossTenantPeer,
  connectivityExpectation,
  tenantPolicyWidensDefault,
  spoofableNamespaceLabel,
  psaLabelOverridable,
];
