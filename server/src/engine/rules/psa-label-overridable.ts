// psa-label-overridable: a tenant owner who can choose their own Pod Security level. Pod Security
// Admission reads the level from namespace labels, and with Capsule the owner labels their own
// namespaces: unless the Tenant stamps the PSA keys (Capsule merges stamped labels back over the owner's)
// or forbids them, an owner sets `enforce: privileged` and runs privileged pods, or pins
// `enforce-version` to an old, weaker check set.
//
// Reported per Tenant, on the node where its label policy lives: `enforce`/`enforce-version` open is a
// warning; only `audit`/`warn` keys open is information (the owner can hide violations from audit logs
// and warnings, not run them). A stricter `warn` than `enforce` (baseline + warn restricted, the pattern
// the Kubernetes documentation recommends) is not a finding. Also reported: an additionalMetadataList
// entry (or a rule's `managed` labels) stamping PSA keys on the namespaces a selector picks, when that
// selector keys on a label the owner can set — the owner picks the profile by labelling.
import { finding, isObj, parseSelector, type Obj } from '../model/capsule';
import { findNode, makeFindingLocator, type Path } from '../model/locate';
import type { Span } from '../types';
import { ownerCanSet, selectsEveryNamespace, tenantLabelPolicies, type TenantLabelPolicy } from './tenant-labels';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

export const PSA_LABEL_OVERRIDABLE = 'psa-label-overridable';

const PREFIX = 'pod-security.kubernetes.io/';
const ENFORCE_KEYS = [`${PREFIX}enforce`, `${PREFIX}enforce-version`];
const REPORTING_KEYS = [`${PREFIX}audit`, `${PREFIX}audit-version`, `${PREFIX}warn`, `${PREFIX}warn-version`];

export const psaLabelOverridable: WorkspaceRule = {
  id: PSA_LABEL_OVERRIDABLE,
  check(ctx) {
    const declared = new Set(ctx.files.filter((f) => f.origin === 'declared').map((f) => f.uri));
    for (const policy of tenantLabelPolicies(ctx.files)) {
      if (!declared.has(policy.decl.place.uri)) continue;
      reportOpenKeys(ctx, policy);
      reportSelectedStamps(ctx, policy);
    }
  },
};

function reportOpenKeys(ctx: WorkspaceRuleContext, policy: TenantLabelPolicy): void {
  const open = (keys: string[]) => keys.map((k) => ({ k, v: ownerCanSet(policy, k) })).filter((x) => x.v.settable);
  const enforce = open(ENFORCE_KEYS);
  const reporting = open(REPORTING_KEYS);
  if (enforce.length === 0 && reporting.length === 0) return;
  const span = tenantSpan(ctx, policy);
  if (!span) return;
  const names = (xs: { k: string }[]) => xs.map((x) => x.k).join(', ');
  const notes = [...new Set([...enforce, ...reporting].flatMap((x) => x.v.notes))];
  const how = 'stamp the key with additionalMetadata (or a rules[].enforce.metadata `managed` label) so Capsule reconciles it, or forbid it';
  let f;
  if (enforce.length > 0) {
    f = finding(PSA_LABEL_OVERRIDABLE, 'enforceOverridable', span,
      `Owners of tenant ${policy.name} can set ${names(enforce)} on their own namespaces: the Tenant neither stamps nor forbids ${enforce.length === 1 ? 'it' : 'them'}. ${enforceRisk(enforce.map((x) => x.k))} ${capital(how)}.`
      + (reporting.length ? ` Also open: ${names(reporting)}.` : '')
      + (notes.length ? ` Note: ${notes.join('; ')}.` : ''));
  } else {
    f = finding(PSA_LABEL_OVERRIDABLE, 'reportingOverridable', span,
      `Owners of tenant ${policy.name} can set ${names(reporting)} on their own namespaces: the Tenant neither stamps nor forbids ${reporting.length === 1 ? 'it' : 'them'}, so an owner can silence Pod Security audit annotations and warnings for their pods (enforcement is protected). To keep them, ${how}.`
      + (notes.length ? ` Note: ${notes.join('; ')}.` : ''), 'information');
  }
  ctx.report(policy.decl.place.uri, f);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Where a Tenant's label policy lives: forbiddenLabels, additionalMetadata, namespaceOptions, else its name. */
function tenantSpan(ctx: WorkspaceRuleContext, policy: TenantLabelPolicy): Span | undefined {
  const { place, base } = policy.decl;
  const at = makeFindingLocator(place, { base });
  const candidates: Path[] = [
    ['spec', 'namespaceOptions', 'forbiddenLabels'],
    ['spec', 'namespaceOptions', 'additionalMetadata'],
    ['spec', 'namespaceOptions'],
    ['spec', 'rules'],
    ['metadata', 'annotations', 'capsule.clastix.io/forbidden-namespace-labels'],
  ];
  for (const p of candidates) {
    if (findNode(place.parsed, [...base, ...p])) return at(p);
  }
  const name = findNode(place.parsed, [...base, 'metadata', 'name'])?.node?.range;
  if (name) return { start: name[0] + place.offset, end: name[1] + place.offset };
  return at([]);
}

/** Selector-chosen PSA stamps whose selector keys on labels the owner can set. */
function reportSelectedStamps(ctx: WorkspaceRuleContext, policy: TenantLabelPolicy): void {
  const spec = isObj(policy.value.spec) ? policy.value.spec : {};
  const nsOptions = isObj(spec.namespaceOptions) ? spec.namespaceOptions : {};
  const entries: { selector: unknown; psaKeys: string[]; path: Path; what: string }[] = [];
  if (Array.isArray(nsOptions.additionalMetadataList)) {
    nsOptions.additionalMetadataList.forEach((e, i) => {
      if (!isObj(e) || !isObj(e.labels)) return;
      entries.push({ selector: e.namespaceSelector, psaKeys: Object.keys(e.labels).filter((k) => k.startsWith(PREFIX)), path: ['spec', 'namespaceOptions', 'additionalMetadataList', i, 'namespaceSelector'], what: `additionalMetadataList[${i}]` });
    });
  }
  if (Array.isArray(spec.rules)) {
    spec.rules.forEach((rule, i) => {
      if (!isObj(rule) || !isObj(rule.enforce) || !Array.isArray(rule.enforce.metadata)) return;
      const keys = rule.enforce.metadata.flatMap((m) => (isObj(m) && isObj(m.labels) ? Object.entries(m.labels).filter(([k, v]) => k.trim().startsWith(PREFIX) && isObj(v) && typeof v.managed === 'string').map(([k]) => k.trim()) : []));
      entries.push({ selector: rule.namespaceSelector, psaKeys: keys, path: ['spec', 'rules', i, 'namespaceSelector'], what: `rules[${i}]` });
    });
  }
  const { place, base } = policy.decl;
  for (const entry of entries) {
    if (entry.psaKeys.length === 0) continue;
    const parsed = parseSelector(entry.selector);
    if (parsed.type !== 'ok' || selectsEveryNamespace(parsed, policy.name)) continue;
    const sel = isObj(entry.selector) ? entry.selector : {};
    const keys: { key: string; path: Path; inExpression: boolean }[] = [];
    if (isObj(sel.matchLabels)) for (const k of Object.keys(sel.matchLabels)) keys.push({ key: k, path: [...entry.path, 'matchLabels', k], inExpression: false });
    if (Array.isArray(sel.matchExpressions)) {
      (sel.matchExpressions as unknown[]).forEach((e, i) => {
        if (isObj(e) && typeof (e as Obj).key === 'string') keys.push({ key: (e as Obj).key as string, path: [...entry.path, 'matchExpressions', i, 'key'], inExpression: true });
      });
    }
    for (const k of keys) {
      if (!ownerCanSet(policy, k.key).settable) continue;
      const found = findNode(place.parsed, [...base, ...k.path]);
      const node = k.inExpression ? found?.node : found?.keyNode;
      const range = node?.range;
      if (!range) continue;
      let end = range[1];
      while (end > range[0] && /\s/.test(place.parsed.text[end - 1])) end--;
      const psa = entry.psaKeys.map((x) => x.slice(PREFIX.length)).join(', ');
      ctx.report(place.uri, finding(PSA_LABEL_OVERRIDABLE, 'stampedBySelector', { start: range[0] + place.offset, end: end + place.offset },
        `In Tenant ${policy.name}, ${entry.what} stamps Pod Security labels (${psa}) on the namespaces this selector picks, and it keys on "${k.key}", a label owners of ${policy.name} can set: an owner picks the profile by labelling the namespace (or drops out of it). Key the selector on a label owners cannot set (forbid "${k.key}" in the Tenant, or select by kubernetes.io/metadata.name), or stamp the labels on every namespace.`));
    }
  }
}

/** What an owner gains from the open enforce keys: the level itself, or only the version of its checks. */
function enforceRisk(keys: readonly string[]): string {
  const level = keys.some((k) => k.endsWith('/enforce'));
  const version = keys.some((k) => k.endsWith('/enforce-version'));
  if (level && version) return 'An owner can label a namespace enforce: privileged (or pin enforce-version to an old, weaker check set) and run pods Pod Security would refuse.';
  if (level) return 'An owner can label a namespace enforce: privileged and run pods Pod Security would refuse.';
  return 'The level is protected, but an owner can pin enforce-version to an old Kubernetes release, whose weaker checks then let through pods the current level refuses.';
}
