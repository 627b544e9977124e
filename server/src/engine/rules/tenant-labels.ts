// Which namespace label keys a Capsule tenant owner can set on their own namespaces (Capsule v0.14,
// ../shared/upstream/SOURCES.md §3). Shared by spoofable-namespace-label and psa-label-overridable.
//
// An owner can set any key on a namespace of their tenant, at creation or later, except:
// - `kubernetes.io/metadata.name` (the API server sets it) and `capsule.clastix.io/tenant` (Capsule
//   re-applies it and refuses changes);
// - keys Capsule stamps on every namespace of the tenant (additionalMetadata labels, additionalMetadataList
//   entries and `managed` rule labels whose selector picks every namespace): the namespace webhook merges
//   them back over the owner's value and the controller reconciles them;
// - keys the tenant forbids on every namespace: `namespaceOptions.forbiddenLabels` (exact keys, one
//   unanchored RE2 pattern), the v1beta1 annotations (converted into forbiddenLabels), and deny rules of
//   `spec.rules[].enforce.metadata` on Namespaces whose label entry lists no values.
// A key stamped or forbidden only on the namespaces some selector picks stays settable elsewhere: the
// owner creates a namespace the selector does not pick.
import { isMap, isScalar, isSeq } from 'yaml';
import type { TenantDecl, FileModel } from '../model/extract';
import { findNode, type DocumentPlace, type Path } from '../model/locate';
import { isObj, labelsOf, metadataKeyExpression, NAME_LABEL, parseSelector, renderTemplate, targetsNamespaces, TENANT_LABEL, type Obj, type ParsedSelector } from '../model/capsule';
import { toPlain, type YamlNode } from '../parse/document';
import { reportablePlaceholders } from '../schema/templates';
import type { TextEdit } from '../types';
import { appendToSequence, replaceValue, setMapValue } from '../fixes/yaml-edit';

export const FORBIDDEN_LABELS_ANNOTATION = 'capsule.clastix.io/forbidden-namespace-labels';
export const FORBIDDEN_LABELS_REGEXP_ANNOTATION = 'capsule.clastix.io/forbidden-namespace-labels-regexp';

/** Keys no tenant owner can set, whatever the Tenant says. */
export const PROTECTED_KEYS: ReadonlySet<string> = new Set([NAME_LABEL, TENANT_LABEL]);

/** A pattern that forbids keys, as Capsule matches it, translated to JavaScript when possible. */
export interface KeyPattern {
  /** As written (for rules, the key expression Capsule builds from the entry). */
  pattern: string;
  where: 'forbiddenLabels' | 'annotation' | 'rules';
  test?: (key: string) => boolean;
  /** Why `test` is missing: Capsule cannot compile it (it forbids nothing), or it could not be translated. */
  problem?: string;
}

/** A set of keys that applies only to the namespaces a selector picks. */
export interface PartialKeys {
  keys: string[];
  patterns: KeyPattern[];
  /** Where it is written, relative to the Tenant object. */
  path: Path;
  what: 'additionalMetadataList' | 'rules' | 'managed';
}

export interface TenantLabelPolicy {
  name: string;
  apiVersion: string;
  decl: TenantDecl;
  /** The Tenant as plain data. */
  value: Obj;
  /** Keys forbidden on every namespace of the tenant. */
  denied: string[];
  patterns: KeyPattern[];
  /** Keys Capsule stamps on every namespace of the tenant (rendered for the tenant). */
  stamped: Map<string, string>;
  /** Stamps and denials that apply to some namespaces only. */
  partial: PartialKeys[];
  /** Which ways of forbidding labels the Tenant document already uses. */
  forms: { forbiddenLabels: boolean; denied: boolean; annotation: boolean; rules: boolean };
}

/** Why an owner can or cannot set a key. */
export interface KeyVerdict {
  settable: boolean;
  /** Remarks for messages (a pattern that could not be read, a denial limited to some namespaces). */
  notes: string[];
}

/**
 * The Tenants the workspace declares (the workspace's own first, then the cluster export's), read for
 * their label policy. One per tenant name, as the model keeps them.
 */
export function tenantLabelPolicies(files: readonly FileModel[]): TenantLabelPolicy[] {
  const out: TenantLabelPolicy[] = [];
  const seen = new Set<string>();
  const ordered = [...files].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'declared' ? -1 : 1));
  for (const file of ordered) {
    for (const decl of file.tenants) {
      if (seen.has(decl.info.name)) continue;
      seen.add(decl.info.name);
      const value = plainAt(decl.place, decl.base);
      if (value) out.push(readPolicy(decl, value));
    }
  }
  return out;
}

/** The plain value of the node at `base` in a placed document (placeholders as written). */
export function plainAt(place: DocumentPlace, base: Path): Obj | undefined {
  const found = findNode(place.parsed, base);
  if (!found?.node) return undefined;
  const placeholders = reportablePlaceholders(place.parsed);
  const overrides = placeholders.length ? new Map<YamlNode, unknown>(placeholders.map((p) => [p.node, p.text])) : undefined;
  const v = toPlain(found.node, { budget: 100_000 + place.parsed.text.length, overrides }).value;
  return isObj(v) ? v : undefined;
}

function readPolicy(decl: TenantDecl, value: Obj): TenantLabelPolicy {
  const name = decl.info.name;
  const apiVersion = decl.info.apiVersion;
  const meta = isObj(value.metadata) ? value.metadata : {};
  const spec = isObj(value.spec) ? value.spec : {};
  const nsOptions = isObj(spec.namespaceOptions) ? spec.namespaceOptions : {};
  const policy: TenantLabelPolicy = {
    name,
    apiVersion,
    decl,
    value,
    denied: [],
    patterns: [],
    stamped: new Map(),
    partial: [],
    forms: { forbiddenLabels: false, denied: false, annotation: false, rules: false },
  };

  const fl = nsOptions.forbiddenLabels;
  if (isObj(fl)) {
    policy.forms.forbiddenLabels = true;
    if (Array.isArray(fl.denied)) {
      policy.forms.denied = true;
      for (const d of fl.denied) if (typeof d === 'string' && d) policy.denied.push(d);
    }
    if (typeof fl.deniedRegex === 'string' && fl.deniedRegex) policy.patterns.push(re2Pattern(fl.deniedRegex, 'forbiddenLabels'));
  }
  if (apiVersion === 'capsule.clastix.io/v1beta1') {
    const annotations = isObj(meta.annotations) ? meta.annotations : {};
    const list = annotations[FORBIDDEN_LABELS_ANNOTATION];
    if (typeof list === 'string') {
      policy.forms.annotation = true;
      for (const k of list.split(',')) if (k.trim()) policy.denied.push(k.trim());
    }
    const re = annotations[FORBIDDEN_LABELS_REGEXP_ANNOTATION];
    if (typeof re === 'string' && re) policy.patterns.push(re2Pattern(re, 'annotation'));
  }

  const all = (sel: ParsedSelector) => selectsEveryNamespace(sel, name);
  const ctx = { tenantName: name, namespace: '' };
  const stamp = (k: string, v: string) => {
    // A key that depends on the namespace is not one fixed key; it protects nothing we can name.
    if (k.includes('{{') && /\{\{\s*namespace\s*\}\}/.test(k)) return;
    const key = renderTemplate(k, ctx);
    if (key && !policy.stamped.has(key)) policy.stamped.set(key, v);
  };

  const additional = isObj(nsOptions.additionalMetadata) ? nsOptions.additionalMetadata : {};
  for (const [k, v] of Object.entries(labelsOf(additional.labels))) {
    if (!policy.stamped.has(k)) policy.stamped.set(k, v);
  }
  if (Array.isArray(nsOptions.additionalMetadataList)) {
    nsOptions.additionalMetadataList.forEach((entry, i) => {
      if (!isObj(entry)) return;
      const sel = parseSelector(entry.namespaceSelector);
      // An unusable selector makes Capsule skip the entry: it stamps nothing.
      if (sel.type === 'invalid') return;
      const labels = labelsOf(entry.labels);
      if (all(sel)) for (const [k, v] of Object.entries(labels)) stamp(k, v);
      else policy.partial.push({ keys: Object.keys(labels).map((k) => renderTemplate(k, ctx)), patterns: [], path: ['spec', 'namespaceOptions', 'additionalMetadataList', i], what: 'additionalMetadataList' });
    });
  }

  if (Array.isArray(spec.rules)) {
    spec.rules.forEach((rule, i) => {
      if (!isObj(rule)) return;
      const enforce = isObj(rule.enforce) ? rule.enforce : undefined;
      if (!enforce || !Array.isArray(enforce.metadata)) return;
      const action = typeof enforce.action === 'string' ? enforce.action : 'deny';
      const sel = parseSelector(rule.namespaceSelector);
      if (sel.type === 'invalid') return;
      const everywhere = all(sel);
      enforce.metadata.forEach((m) => {
        if (!isObj(m) || !targetsNamespaces(m)) return;
        const labels = isObj(m.labels) ? m.labels : {};
        const deniedKeys: string[] = [];
        const deniedPatterns: KeyPattern[] = [];
        const managedKeys: string[] = [];
        for (const [rawKey, entry] of Object.entries(labels)) {
          const key = rawKey.trim();
          const e = isObj(entry) ? entry : {};
          if (typeof e.managed === 'string' && !key.includes('*')) {
            if (everywhere) stamp(key, e.managed);
            else managedKeys.push(key);
          }
          const values = Array.isArray(e.values) ? e.values : [];
          if (action !== 'deny' || values.length > 0) continue;
          if (!key.includes('*') && !/[\\^$.|?+()[\]{}]/.test(key)) deniedKeys.push(key);
          else deniedPatterns.push(re2Pattern(metadataKeyExpression(key), 'rules'));
        }
        // The Tenant already forbids namespace labels through rules: a fix adds the key there.
        if (action === 'deny') policy.forms.rules = true;
        if (everywhere) {
          policy.denied.push(...deniedKeys);
          policy.patterns.push(...deniedPatterns);
        } else if (deniedKeys.length || deniedPatterns.length) {
          policy.partial.push({ keys: deniedKeys, patterns: deniedPatterns, path: ['spec', 'rules', i], what: 'rules' });
        }
        if (managedKeys.length) policy.partial.push({ keys: managedKeys, patterns: [], path: ['spec', 'rules', i], what: 'managed' });
      });
    });
  }
  return policy;
}

/** Can the owners of this tenant give their namespaces this label key (with a value of their choice)? */
export function ownerCanSet(policy: TenantLabelPolicy, key: string): KeyVerdict {
  const notes: string[] = [];
  if (PROTECTED_KEYS.has(key) || policy.stamped.has(key) || policy.denied.includes(key)) return { settable: false, notes };
  for (const p of policy.patterns) {
    if (p.test) {
      if (p.test(key)) return { settable: false, notes };
    } else if (p.problem) notes.push(`${policy.name}: ${p.problem}`);
  }
  for (const part of policy.partial) {
    if (part.keys.includes(key) || part.patterns.some((p) => p.test?.(key))) {
      notes.push(`${policy.name} ${part.what === 'rules' ? 'forbids' : 'stamps'} it only on the namespaces ${pathText(part.path)} selects`);
    }
  }
  return { settable: true, notes };
}

function pathText(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * Does a selector pick every namespace of the tenant, whatever labels an owner gives it? Only when it
 * has no requirement, or requires nothing but the tenant label (which Capsule sets to the tenant) or the
 * name label's presence.
 */
export function selectsEveryNamespace(sel: ParsedSelector, tenant: string): boolean {
  if (sel.type === 'absent') return true;
  if (sel.type === 'invalid') return false;
  const { matchLabels, matchExpressions } = sel.selector;
  for (const [k, v] of Object.entries(matchLabels)) if (!(k === TENANT_LABEL && v === tenant)) return false;
  for (const r of matchExpressions) {
    if (r.key === TENANT_LABEL && ((r.operator === 'In' && r.values.includes(tenant)) || r.operator === 'Exists' || (r.operator === 'NotIn' && !r.values.includes(tenant)))) continue;
    if (r.key === NAME_LABEL && r.operator === 'Exists') continue;
    return false;
  }
  return true;
}

// ---- RE2 → JavaScript ------------------------------------------------------------------------------

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/**
 * A Go RE2 pattern as a JavaScript test, matched unanchored like Go's MatchString. Label keys are ASCII,
 * so the common syntax means the same in both; what differs is translated (`(?P<`, `\A`, `\z`, `\Q…\E`,
 * POSIX classes, leading flags). Patterns RE2 refuses (look-arounds, back-references) forbid nothing in
 * Capsule: it ignores a pattern it cannot compile. Anything else unusual is not guessed at: the pattern is
 * then treated as forbidding nothing, and messages say so.
 */
export function re2Pattern(pattern: string, where: KeyPattern['where']): KeyPattern {
  if (/\(\?<?[=!]|\\[1-9]/.test(pattern)) {
    return { pattern, where, problem: `the pattern ${JSON.stringify(pattern)} is not valid RE2 (look-arounds and back-references are not supported), so Capsule forbids nothing with it` };
  }
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    // Go's U (ungreedy) has no JavaScript flag; i, m and s mean the same.
    if (lead[1].includes('U')) return untranslatable(pattern, where);
    flags = [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  // Flags in the middle of a pattern, \p{…} classes, \C and negated POSIX classes are not translated.
  if (/\(\?[a-zA-Z-]+[:)]/.test(src.replace(/\(\?P?</g, '')) || /\\[pPC]/.test(src) || /\[:\^[a-z]+:\]/.test(src)) {
    return untranslatable(pattern, where);
  }
  src = src
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, lit: string) => lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '(?![\\s\\S])')
    .replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  try {
    const re = new RegExp(src, flags);
    return { pattern, where, test: (key) => re.test(key) };
  } catch {
    return untranslatable(pattern, where);
  }
}

function untranslatable(pattern: string, where: KeyPattern['where']): KeyPattern {
  return { pattern, where, problem: `tenant-policy cannot evaluate the pattern ${JSON.stringify(pattern)} and assumed it does not forbid the key` };
}

// ---- forbidding a key, in the form the Tenant already uses -----------------------------------------

/** Local edits (offsets in the Tenant's document) that forbid `key` for the tenant; undefined if none fits. */
export function forbidKeyEdits(policy: TenantLabelPolicy, key: string): { edits: TextEdit[]; form: string } | undefined {
  const { place, base } = policy.decl;
  const parsed = place.parsed;
  const at = (...p: Path) => findNode(parsed, [...base, ...p])?.node ?? undefined;
  const found = (edits: TextEdit[], form: string) => (edits.length ? { edits, form } : undefined);
  let result: { edits: TextEdit[]; form: string } | undefined;
  if (policy.forms.denied && isSeq(at('spec', 'namespaceOptions', 'forbiddenLabels', 'denied'))) {
    result = found(appendToSequence(parsed, [...base, 'spec', 'namespaceOptions', 'forbiddenLabels', 'denied'], key), 'namespaceOptions.forbiddenLabels.denied');
    if (result) return result;
  }
  if (policy.forms.annotation) {
    const path = [...base, 'metadata', 'annotations', FORBIDDEN_LABELS_ANNOTATION];
    const list = commaListWith(parsed.text, findNode(parsed, path)?.node ?? undefined, key);
    result = list === undefined ? undefined : found(replaceValue(parsed, path, list), `the ${FORBIDDEN_LABELS_ANNOTATION} annotation`);
    if (result) return result;
  }
  if (policy.forms.rules) {
    const labels = denyRuleLabels(policy);
    result = labels && found(setMapValue(parsed, labels, key, {}), 'spec.rules[].enforce.metadata');
    if (result) return result;
  }
  if (policy.forms.forbiddenLabels && isMap(at('spec', 'namespaceOptions', 'forbiddenLabels'))) {
    result = found(setMapValue(parsed, [...base, 'spec', 'namespaceOptions', 'forbiddenLabels'], 'denied', [key]), 'namespaceOptions.forbiddenLabels.denied');
    if (result) return result;
  }
  // No form yet: a deny rule of spec.rules (v1beta2), the form Capsule v0.14 recommends; forbiddenLabels
  // is deprecated. A v1beta1 Tenant has neither; it gets no fix.
  if (policy.apiVersion !== 'capsule.clastix.io/v1beta2' || !at('spec')) return undefined;
  const rule = { enforce: { action: 'deny', metadata: [{ kinds: ['Namespace'], labels: { [key]: {} } }] } };
  return found(appendToSequence(parsed, [...base, 'spec', 'rules'], rule), 'spec.rules[].enforce.metadata');
}

/** The path of the `labels` mapping of the first deny rule on Namespaces that covers every namespace of the tenant. */
function denyRuleLabels(policy: TenantLabelPolicy): Path | undefined {
  const spec = isObj(policy.value.spec) ? policy.value.spec : {};
  if (!Array.isArray(spec.rules)) return undefined;
  for (let i = 0; i < spec.rules.length; i++) {
    const rule = spec.rules[i];
    if (!isObj(rule) || !isObj(rule.enforce) || !Array.isArray(rule.enforce.metadata)) continue;
    const action = typeof rule.enforce.action === 'string' ? rule.enforce.action : 'deny';
    if (action !== 'deny' || !selectsEveryNamespace(parseSelector(rule.namespaceSelector), policy.name)) continue;
    for (let j = 0; j < rule.enforce.metadata.length; j++) {
      const m = rule.enforce.metadata[j];
      if (!isObj(m) || !targetsNamespaces(m) || !isObj(m.labels)) continue;
      const path = [...policy.decl.base, 'spec', 'rules', i, 'enforce', 'metadata', j, 'labels'];
      if (isMap(findNode(policy.decl.place.parsed, path)?.node)) return path;
    }
  }
  return undefined;
}

/** A one-line comma list scalar (plain or quoted) with `key` added at its end; undefined for other scalars. */
function commaListWith(text: string, node: YamlNode | undefined, key: string): string | undefined {
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined;
  if (text.slice(node.range[0], node.range[1]).includes('\n')) return undefined;
  if (node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE' && node.type !== 'PLAIN') return undefined;
  const written = node.value.trimEnd();
  const sep = written.trim() === '' || written.endsWith(',') ? '' : ',';
  return `${node.value}${sep}${key}`;
}
