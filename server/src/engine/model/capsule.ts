// Capsule as its controllers behave in v0.14 (../shared/upstream/SOURCES.md §3): which namespaces belong to
// which tenant, the labels Capsule stamps on them, the label keys tenant owners may not set, and the
// policies Capsule will create — Tenant `spec.networkPolicies.items` and (Global)TenantResource `rawItems`
// rendered with its fast templates. Everything here works on plain values plus a Locator, so it can run
// per document at extraction and per tenant namespace at assembly.
import { isObj, type Obj } from '../plain';
import { ruleMeta } from '../rules/catalog';
import type { Finding, Span } from '../types';
import type { Locator, Path } from './locate';
import { matchesSelector, parseSelector as parseLabelSelector } from '../semantics/selector';
import type { ForbiddenLabels, LabelSelector, Labels, SourceRef, TenantInfo } from './types';

export { isObj, type Obj };

export const TENANT_LABEL = 'capsule.clastix.io/tenant';
export const NAME_LABEL = 'kubernetes.io/metadata.name';
/** pkg/api/meta/labels.go: set on namespaces of a cordoned tenant. */
export const CORDONED_LABEL = 'projectcapsule.dev/cordoned';
const FORBIDDEN_LABELS_ANNOTATION = 'capsule.clastix.io/forbidden-namespace-labels';
const FORBIDDEN_LABELS_REGEXP_ANNOTATION = 'capsule.clastix.io/forbidden-namespace-labels-regexp';



/** Where findings of one located object go: `span(path)` is a one-line span in the file, or undefined. */
export interface Reporting {
  span: (path: Path) => Span | undefined;
  /** Span of a placeholder's exact text inside the node at `path`, when it can be found there. */
  textSpan?: (path: Path, text: string, key: boolean) => Span | undefined;
  findings: Finding[];
}

export function finding(ruleId: string, messageId: string, span: Span, message: string, severity = ruleMeta(ruleId)?.defaultSeverity): Finding {
  return { ruleId, messageId, severity: severity ?? 'warning', span, message, fixes: [] };
}

// ---- labels and selectors --------------------------------------------------------------------------

/** Label maps as Kubernetes decodes them: string values (scalars written unquoted become their text). */
export function labelsOf(value: unknown): Labels {
  const out: Labels = {};
  if (!isObj(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (v === null) out[k] = '';
  }
  return out;
}

export type ParsedSelector =
  | { type: 'absent' }
  | { type: 'ok'; selector: LabelSelector }
  | { type: 'invalid'; reason: string; /** Relative to the selector. */ path: Path };

/**
 * metav1.LabelSelectorAsSelector: an unknown operator, values with Exists/DoesNotExist or none with
 * In/NotIn make the selector unusable — Capsule then logs an error and selects nothing, and so does the
 * model. Validation already reports the problem on its node (schema, invalid-selector), so no finding is
 * made here. Reading and matching are the engine's one selector semantics (semantics/selector.ts).
 */
export function parseSelector(value: unknown): ParsedSelector {
  if (value === undefined || value === null) return { type: 'absent' };
  const parsed = parseLabelSelector(value);
  const problem = parsed.problems[0];
  if (problem) return { type: 'invalid', reason: problem.reason, path: problem.path };
  return { type: 'ok', selector: parsed.selector };
}

/** Absent selectors select everything here (Capsule's nil namespaceSelector and empty tenantSelector). */
export function selects(selector: ParsedSelector, labels: Labels): boolean {
  if (selector.type === 'absent') return true;
  if (selector.type === 'invalid') return false;
  return matchesSelector(selector.selector, labels);
}

// ---- fast templates --------------------------------------------------------------------------------

export interface TemplateContext {
  tenantName: string;
  /** Empty when there is no target namespace (GlobalTenantResource scope Tenant or None). */
  namespace: string;
}

export const KNOWN_PLACEHOLDERS = ['tenant.name', 'namespace'] as const;

export interface Placeholder {
  /** The placeholder as written, braces included. */
  raw: string;
  /** The trimmed key between the braces. */
  key: string;
}

/**
 * Go's strings.TrimSpace (unicode.IsSpace), which Capsule applies to a tag: unlike String.trim it trims
 * U+0085 and keeps U+FEFF, so `{{\uFEFFnamespace}}` is an unknown key to Capsule.
 */
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function isGoSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680
    || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** The `{{…}}` tags of a string, as valyala/fasttemplate cuts them: from `{{` to the next `}}`. */
export function placeholders(s: string): Placeholder[] {
  return tags(s).map((t) => ({ raw: s.slice(t.start, t.end), key: t.key }));
}

/**
 * pkg/template/fast.go FastTemplate: only strings holding both `{{` and `}}` are templated; each tag's
 * trimmed key is `tenant.name` or `namespace`, anything else renders as the empty string.
 */
export function renderTemplate(s: string, ctx: TemplateContext): string {
  if (s.indexOf('{{') === -1 || s.indexOf('}}') === -1) return s;
  let out = '';
  let i = 0;
  for (const t of tags(s)) {
    out += s.slice(i, t.start) + (t.key === 'tenant.name' ? ctx.tenantName : t.key === 'namespace' ? ctx.namespace : '');
    i = t.end;
  }
  return out + s.slice(i);
}

/** Where each tag starts and ends (braces included) and its trimmed key. */
function tags(s: string): { start: number; end: number; key: string }[] {
  const out: { start: number; end: number; key: string }[] = [];
  let i = 0;
  for (;;) {
    const a = s.indexOf('{{', i);
    if (a === -1) break;
    const b = s.indexOf('}}', a + 2);
    if (b === -1) break;
    out.push({ start: a, end: b + 2, key: goTrimSpace(s.slice(a + 2, b)) });
    i = b + 2;
  }
  return out;
}

/** Capsule templates a rawItem's JSON text: every string, keys included, is rendered. */
export function renderDeep(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return renderTemplate(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, ctx));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[renderTemplate(k, ctx)] = renderDeep(v, ctx);
    return out;
  }
  return value;
}

// ---- tenants ---------------------------------------------------------------------------------------

/** One `additionalMetadataList` entry: labels (templated) for the tenant namespaces its selector picks. */
export interface MetadataListEntry {
  labels: Labels;
  selector: ParsedSelector;
}

/** rules[].enforce.metadata `managed` labels: Capsule keeps them on the namespaces the rule selects. */
export interface ManagedLabelRule {
  labels: Labels;
  selector: ParsedSelector;
}

/** A Tenant document as the model needs it; membership and expansion happen at assembly. */
export interface TenantEntry {
  info: TenantInfo;
  origin: 'declared' | 'inventory';
  /** `namespaceOptions.additionalMetadata.labels`, copied as written (no templating). */
  additionalLabels: Labels;
  additionalList: MetadataListEntry[];
  managed: ManagedLabelRule[];
  cordoned: boolean;
  /** Namespaces the Tenant's status lists (`status.namespaces`, `status.spaces[].name`). */
  statusNamespaces: string[];
  /** `spec.networkPolicies.items`, each stamped as `capsule-<tenant>-<i>` in every tenant namespace. */
  networkPolicyItems: { index: number; spec: unknown; path: Path; source: SourceRef }[];
}

/** A Tenant's plain value → TenantEntry; findings about what cannot be used go to `r`. */
export function tenantFromValue(value: Obj, locate: Locator, r: Reporting, origin: 'declared' | 'inventory', base: Path = []): TenantEntry | undefined {
  const meta = isObj(value.metadata) ? value.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  if (!name) return undefined;
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : 'capsule.clastix.io/v1beta2';
  const spec = isObj(value.spec) ? value.spec : {};
  const nsOptions = isObj(spec.namespaceOptions) ? spec.namespaceOptions : {};
  const at = (...p: Path) => [...base, ...p];
  const source = locate(base) ?? { uri: '', span: { start: 0, end: 0 } };

  const forbidden: ForbiddenLabels = { denied: [], deniedRegex: [] };
  // v1beta2 (deprecated, still enforced): exact keys and one RE2 pattern, keys only.
  const fl = nsOptions.forbiddenLabels;
  if (isObj(fl)) {
    if (Array.isArray(fl.denied)) for (const d of fl.denied) if (typeof d === 'string' && d) forbidden.denied.push(d);
    if (typeof fl.deniedRegex === 'string' && fl.deniedRegex) forbidden.deniedRegex.push(fl.deniedRegex);
  }
  // v1beta1: annotations, which the conversion webhook moves into forbiddenLabels.
  if (apiVersion === 'capsule.clastix.io/v1beta1') {
    const annotations = isObj(meta.annotations) ? meta.annotations : {};
    const list = annotations[FORBIDDEN_LABELS_ANNOTATION];
    if (typeof list === 'string') for (const k of list.split(',')) if (k.trim()) forbidden.denied.push(k.trim());
    const re = annotations[FORBIDDEN_LABELS_REGEXP_ANNOTATION];
    if (typeof re === 'string' && re) forbidden.deniedRegex.push(re);
  }

  const managed: ManagedLabelRule[] = [];
  // v0.14 Rules Metadata: a deny rule on Namespace objects (named explicitly; `*` never includes
  // Namespace) whose label entry lists no values denies every value of that key — a forbidden key.
  if (Array.isArray(spec.rules)) {
    spec.rules.forEach((rule) => {
      if (!isObj(rule)) return;
      const enforce = isObj(rule.enforce) ? rule.enforce : undefined;
      if (!enforce || !Array.isArray(enforce.metadata)) return;
      const action = typeof enforce.action === 'string' ? enforce.action : 'deny';
      const selector = parseSelector(rule.namespaceSelector);
      enforce.metadata.forEach((m) => {
        if (!isObj(m) || !targetsNamespaces(m)) return;
        const labels = isObj(m.labels) ? m.labels : {};
        const managedLabels: Labels = {};
        for (const [key, rule] of Object.entries(labels)) {
          const vr = isObj(rule) ? rule : {};
          if (typeof vr.managed === 'string' && !key.includes('*')) managedLabels[key.trim()] = vr.managed;
          const values = Array.isArray(vr.values) ? vr.values : [];
          if (action !== 'deny' || values.length > 0) continue;
          const k = key.trim();
          if (!k.includes('*') && !/[\\^$.|?+()[\]{}]/.test(k)) forbidden.denied.push(k);
          else forbidden.deniedRegex.push(metadataKeyExpression(k));
        }
        if (Object.keys(managedLabels).length && selector.type !== 'invalid') managed.push({ labels: managedLabels, selector });
      });
    });
  }

  const additionalMeta = isObj(nsOptions.additionalMetadata) ? nsOptions.additionalMetadata : {};
  const additionalLabels = labelsOf(additionalMeta.labels);
  const additionalList: MetadataListEntry[] = [];
  if (Array.isArray(nsOptions.additionalMetadataList)) {
    nsOptions.additionalMetadataList.forEach((entry) => {
      if (!isObj(entry)) return;
      const selector = parseSelector(entry.namespaceSelector);
      // An unusable selector (reported by validation on its node) makes Capsule skip the entry.
      if (selector.type === 'invalid') return;
      // Placeholders other than the two Capsule knows are reported per document (capsule-template-unknown).
      additionalList.push({ labels: labelsOf(entry.labels), selector });
    });
  }

  const status = isObj(value.status) ? value.status : {};
  const statusNamespaces: string[] = [];
  if (Array.isArray(status.namespaces)) for (const n of status.namespaces) if (typeof n === 'string' && n) statusNamespaces.push(n);
  if (Array.isArray(status.spaces)) for (const s of status.spaces) if (isObj(s) && typeof s.name === 'string' && s.name && !statusNamespaces.includes(s.name)) statusNamespaces.push(s.name);

  const networkPolicyItems: TenantEntry['networkPolicyItems'] = [];
  const np = isObj(spec.networkPolicies) ? spec.networkPolicies : undefined;
  if (np && Array.isArray(np.items)) {
    np.items.forEach((item, i) => {
      const path = at('spec', 'networkPolicies', 'items', i);
      networkPolicyItems.push({ index: i, spec: item, path, source: locate(path) ?? source });
    });
  }

  return {
    info: { name, apiVersion, labels: labelsOf(meta.labels), forbiddenLabels: forbidden, source },
    origin,
    additionalLabels,
    additionalList,
    managed,
    cordoned: spec.cordoned === true,
    statusNamespaces,
    networkPolicyItems,
  };
}

/** MetadataRule.MatchesGroupVersionKind for core/v1 Namespace: named in `kinds`, core group allowed. */
export function targetsNamespaces(m: Obj): boolean {
  const kinds = Array.isArray(m.kinds) ? m.kinds : [];
  if (!kinds.some((k) => typeof k === 'string' && k.trim() === 'Namespace')) return false;
  const groups = Array.isArray(m.apiGroups) ? m.apiGroups.filter((g): g is string => typeof g === 'string') : [];
  return groups.length === 0 || groups.some((g) => g === '' || g === 'v1' || g === '*');
}

/** pkg/api/rules MetadataKeyExpression: `*` (not after `.`) is a wildcard; the rest is a regexp, anchored. */
export function metadataKeyExpression(selector: string): string {
  let e = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    e += c === '*' && (i === 0 || selector[i - 1] !== '.') ? '.*' : c;
  }
  return `^(?:${e})$`;
}

// ---- namespaces ------------------------------------------------------------------------------------

/** A namespace while the workspace is assembled: what its document says about its tenant. */
export interface NamespaceDraft {
  name: string;
  labels: Labels;
  origin: 'declared' | 'inventory' | 'referenced';
  source?: SourceRef;
  /** ownerReferences to a Tenant (kind Tenant, apiVersion capsule.clastix.io/*). */
  ownerTenant?: string;
  tenant?: string;
}

/**
 * Tenant membership and the labels Capsule stamps (pkg/tenant/metdata.go): a namespace belongs to a
 * tenant by its tenant label, an ownerReference to the Tenant, or the Tenant's status. Capsule merges its
 * managed labels over the namespace's own: additionalMetadata (as written), then each matching
 * additionalMetadataList entry (templated; earlier keys win), then the tenant and name labels.
 */
export function applyTenants(namespaces: Map<string, NamespaceDraft>, tenants: ReadonlyMap<string, TenantEntry>): void {
  const byStatus = new Map<string, string>();
  for (const t of tenants.values()) for (const n of t.statusNamespaces) if (!byStatus.has(n)) byStatus.set(n, t.info.name);
  for (const ns of namespaces.values()) {
    const label = ns.labels[TENANT_LABEL];
    const tenant = (label && tenants.has(label) ? label : undefined)
      ?? (ns.ownerTenant && tenants.has(ns.ownerTenant) ? ns.ownerTenant : undefined)
      ?? byStatus.get(ns.name)
      ?? label
      ?? ns.ownerTenant;
    if (!tenant) continue;
    ns.tenant = tenant;
    const entry = tenants.get(tenant);
    const own = ns.labels;
    const managed: Labels = {};
    if (entry) {
      Object.assign(managed, entry.additionalLabels);
      if (entry.cordoned) managed[CORDONED_LABEL] = 'true';
      const ctx = { tenantName: tenant, namespace: ns.name };
      for (const item of entry.additionalList) {
        if (!selects(item.selector, own)) continue;
        for (const [k, v] of Object.entries(item.labels)) {
          const key = renderTemplate(k, ctx);
          if (!(key in managed)) managed[key] = renderTemplate(v, ctx);
        }
      }
      for (const rule of entry.managed) {
        if (!selects(rule.selector, own)) continue;
        for (const [k, v] of Object.entries(rule.labels)) if (!(k in managed)) managed[k] = renderTemplate(v, ctx);
      }
    }
    ns.labels = { ...own, ...managed, [TENANT_LABEL]: tenant, [NAME_LABEL]: ns.name };
  }
}
