// spoofable-namespace-label: a selector that picks namespaces by a label tenant owners can set on their
// own namespaces. With Capsule an owner labels their namespaces freely (SOURCES.md §3) unless the Tenant
// forbids the key or stamps it, so such a selector is a door: tenant B labels its namespace `team: a` and
// is admitted where tenant A's pods are, or drops a label to escape a policy distributed by label.
//
// Where: NetworkPolicy peers (written as NetworkPolicies, Tenant `networkPolicies.items`, rawItems of
// (Global)TenantResources), Cilium peers keyed on `io.cilium.k8s.namespace.labels.<key>` and a CCNP's
// endpointSelector on such keys, and a (Global)TenantResource's own `resources[].namespaceSelector`
// (which namespaces receive the policy). An allow peer that also names its namespaces
// (`kubernetes.io/metadata.name`, Cilium's `io.kubernetes.pod.namespace`) is not reported: a label can
// then only narrow it. Deny rules and the distribution selector are reported anyway: dropping the label
// escapes them.
//
// Which owners: every Tenant of the workspace (the message names those who can set the key). Without
// Tenants there is no tenant owner to speak of, and the rule reports nothing.
import { isMap, isScalar, isSeq } from 'yaml';
import { finding, isObj, NAME_LABEL, type Obj } from '../model/capsule';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, splitLabelKey } from '../model/cilium';
import { findNode, type DocumentPlace, type Path } from '../model/locate';
import type { NamespaceInfo } from '../model/types';
import { toPlain, type ParsedDocument, type YamlNode } from '../parse/document';
import { reportablePlaceholders } from '../schema/templates';
import { matchesSelector, parseSelector } from '../semantics/selector';
import type { Finding, Fix, Span, TextEdit } from '../types';
import { forbidKeyEdits, ownerCanSet, tenantLabelPolicies, FORBIDDEN_LABELS_ANNOTATION, type TenantLabelPolicy } from './tenant-labels';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

export const SPOOFABLE_NAMESPACE_LABEL = 'spoofable-namespace-label';

type SiteKind = 'peer' | 'ciliumPeer' | 'ciliumDenyPeer' | 'ciliumSubject' | 'resourceSelector';

/** One label key of a selector that picks namespaces, as written in one document. */
interface Site {
  kind: SiteKind;
  /** The namespace label key (for Cilium: without the `io.cilium.k8s.namespace.labels.` prefix). */
  key: string;
  /** Path of the written key: a matchLabels key, or a matchExpressions entry's `key`. */
  keyPath: Path;
  inExpression: boolean;
  /** Path and plain value of the whole selector. */
  selectorPath: Path;
  selector: Obj;
  /** What the selector belongs to, for messages: `NetworkPolicy web/allow-team`. */
  owner: string;
  /** Written in a Capsule rawItem (placeholders not rendered). */
  templated: boolean;
}

/** Sites depend only on a document's text: computed once per parsed document. */
const sitesCache = new WeakMap<ParsedDocument, Site[]>();

export const spoofableNamespaceLabel: WorkspaceRule = {
  id: SPOOFABLE_NAMESPACE_LABEL,
  check(ctx) {
    const policies = tenantLabelPolicies(ctx.files);
    if (policies.length === 0) return;
    for (const file of ctx.files) {
      if (file.origin !== 'declared') continue;
      for (const place of file.places) {
        for (const site of sitesOf(place.parsed)) reportSite(ctx, place, site, policies);
        for (const p of policies) if (samePlace(p.decl.place, place)) reportUpperCase(ctx, place, p);
      }
    }
  },
};

/** The same document of the same file (the extraction cache may hold another parse of the same text). */
function samePlace(a: DocumentPlace, b: DocumentPlace): boolean {
  return a.uri === b.uri && a.offset === b.offset;
}

// ---- where selectors are -----------------------------------------------------------------------------

function sitesOf(parsed: ParsedDocument): Site[] {
  let sites = sitesCache.get(parsed);
  if (sites) return sites;
  sites = [];
  if (!parsed.empty && parsed.errors.length === 0) {
    const placeholders = reportablePlaceholders(parsed);
    const overrides = placeholders.length ? new Map<YamlNode, unknown>(placeholders.map((p) => [p.node, p.text])) : undefined;
    const conv = toPlain(parsed.doc.contents as YamlNode | null, { budget: 100_000 + parsed.text.length, overrides });
    const value = conv.value;
    if (isObj(value) && !conv.problems.some((p) => p.kind === 'alias-budget' || p.kind === 'too-deep')) {
      const out = sites;
      const kind = typeof value.kind === 'string' ? value.kind : '';
      if (kind.endsWith('List') && Array.isArray(value.items)) {
        value.items.forEach((item, i) => {
          if (isObj(item)) objectSites(item, ['items', i], false, out);
        });
      } else objectSites(value, [], false, out);
    }
  }
  sitesCache.set(parsed, sites);
  return sites;
}

function nameOf(value: Obj): { name: string; namespace?: string } {
  const meta = isObj(value.metadata) ? value.metadata : {};
  return {
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
  };
}

function group(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const i = apiVersion.indexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

function objectSites(value: Obj, base: Path, templated: boolean, out: Site[], parent = ''): void {
  const kind = value.kind;
  const g = group(value.apiVersion);
  const { name: written, namespace } = nameOf(value);
  // A rawItem is named after what distributes it: `NetworkPolicy x (a rawItem of GlobalTenantResource y)`.
  const name = parent ? `${written} (a rawItem of ${parent})` : written;
  const spec = isObj(value.spec) ? value.spec : undefined;
  if (kind === 'NetworkPolicy' && (g === 'networking.k8s.io' || g === 'extensions')) {
    if (spec) networkPolicySites(spec, [...base, 'spec'], `NetworkPolicy ${namespace ? `${namespace}/` : ''}${name}`, templated, out);
  } else if ((kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') && g === 'cilium.io') {
    const label = `${kind} ${kind === 'CiliumNetworkPolicy' && namespace ? `${namespace}/` : ''}${name}`;
    const clusterwide = kind === 'CiliumClusterwideNetworkPolicy';
    if (spec) ciliumSites(spec, [...base, 'spec'], label, clusterwide, templated, out);
    if (Array.isArray(value.specs)) value.specs.forEach((r, i) => isObj(r) && ciliumSites(r, [...base, 'specs', i], label, clusterwide, templated, out));
  } else if (g === 'capsule.clastix.io' && spec) {
    if (kind === 'Tenant') {
      const np = isObj(spec.networkPolicies) ? spec.networkPolicies : {};
      if (Array.isArray(np.items)) {
        np.items.forEach((item, i) => {
          if (isObj(item)) networkPolicySites(item, [...base, 'spec', 'networkPolicies', 'items', i], `Tenant ${name} networkPolicies.items[${i}]`, false, out);
        });
      }
    } else if (kind === 'TenantResource' || kind === 'GlobalTenantResource') {
      const resources = Array.isArray(spec.resources) ? spec.resources : [];
      resources.forEach((res, i) => {
        if (!isObj(res)) return;
        const at: Path = [...base, 'spec', 'resources', i];
        if (isObj(res.namespaceSelector)) {
          selectorSites(res.namespaceSelector, [...at, 'namespaceSelector'], 'resourceSelector', `${kind} ${name}`, false, out);
        }
        if (Array.isArray(res.rawItems)) res.rawItems.forEach((item, j) => isObj(item) && objectSites(item, [...at, 'rawItems', j], true, out, `${kind} ${name}`));
      });
    }
  }
}

function networkPolicySites(spec: Obj, at: Path, owner: string, templated: boolean, out: Site[]): void {
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = Array.isArray(spec[dir]) ? (spec[dir] as unknown[]) : [];
    rules.forEach((rule, i) => {
      if (!isObj(rule) || !Array.isArray(rule[peersKey])) return;
      (rule[peersKey] as unknown[]).forEach((peer, j) => {
        if (!isObj(peer) || !isObj(peer.namespaceSelector)) return;
        const sel = peer.namespaceSelector;
        // A peer that names its namespaces: other keys only narrow it.
        if (pinsNames(sel)) return;
        selectorSites(sel, [...at, dir, i, peersKey, j, 'namespaceSelector'], 'peer', owner, templated, out);
      });
    });
  }
}

function pinsNames(sel: Obj): boolean {
  const parsed = parseSelector(sel).selector;
  if (NAME_LABEL in parsed.matchLabels) return true;
  return parsed.matchExpressions.some((r) => r.key === NAME_LABEL && r.operator === 'In');
}

/** Every key of a Kubernetes selector on namespace labels. */
function selectorSites(sel: Obj, at: Path, kind: SiteKind, owner: string, templated: boolean, out: Site[]): void {
  const push = (key: string, keyPath: Path, inExpression: boolean) =>
    out.push({ kind, key, keyPath, inExpression, selectorPath: at, selector: sel, owner, templated });
  if (isObj(sel.matchLabels)) for (const k of Object.keys(sel.matchLabels)) push(k, [...at, 'matchLabels', k], false);
  if (Array.isArray(sel.matchExpressions)) {
    sel.matchExpressions.forEach((e, i) => {
      if (isObj(e) && typeof e.key === 'string') push(e.key, [...at, 'matchExpressions', i, 'key'], true);
    });
  }
}

const CILIUM_LISTS = [
  ['ingress', ['fromEndpoints', 'fromRequires'], false],
  ['ingressDeny', ['fromEndpoints', 'fromRequires'], true],
  ['egress', ['toEndpoints', 'toRequires'], false],
  ['egressDeny', ['toEndpoints', 'toRequires'], true],
] as const;

function ciliumSites(rule: Obj, at: Path, owner: string, clusterwide: boolean, templated: boolean, out: Site[]): void {
  // A CCNP's subject spans namespaces: a namespace-label key decides which namespaces the policy holds.
  if (clusterwide && isObj(rule.endpointSelector)) ciliumSelectorSites(rule.endpointSelector, [...at, 'endpointSelector'], 'ciliumSubject', owner, templated, out);
  for (const [list, fields, deny] of CILIUM_LISTS) {
    const rules = Array.isArray(rule[list]) ? (rule[list] as unknown[]) : [];
    rules.forEach((r, i) => {
      if (!isObj(r)) return;
      for (const field of fields) {
        const sels = Array.isArray(r[field]) ? (r[field] as unknown[]) : [];
        sels.forEach((s, j) => {
          if (!isObj(s)) return;
          const p: Path = [...at, list, i, field, j];
          if (!deny && ciliumPinsNames(s)) return;
          ciliumSelectorSites(s, p, deny ? 'ciliumDenyPeer' : 'ciliumPeer', owner, templated, out);
        });
      }
    });
  }
}

/** The namespace label key a Cilium selector key stands for (`k8s:io.cilium.k8s.namespace.labels.team` → `team`). */
function ciliumNamespaceKey(written: string): string | undefined {
  const { source, key } = splitLabelKey(written);
  if (source !== 'k8s' && source !== 'any') return undefined;
  return key.startsWith(NAMESPACE_LABELS_PREFIX) ? key.slice(NAMESPACE_LABELS_PREFIX.length) : undefined;
}

function ciliumPinsNames(sel: Obj): boolean {
  const parsed = parseSelector(sel).selector;
  const names = (written: string) => {
    const { source, key } = splitLabelKey(written);
    return (source === 'k8s' || source === 'any') && (key === POD_NAMESPACE_LABEL || key === NAMESPACE_LABELS_PREFIX + NAME_LABEL);
  };
  if (Object.keys(parsed.matchLabels).some(names)) return true;
  return parsed.matchExpressions.some((r) => names(r.key) && r.operator === 'In');
}

function ciliumSelectorSites(sel: Obj, at: Path, kind: SiteKind, owner: string, templated: boolean, out: Site[]): void {
  const push = (key: string, keyPath: Path, inExpression: boolean) =>
    out.push({ kind, key, keyPath, inExpression, selectorPath: at, selector: sel, owner, templated });
  if (isObj(sel.matchLabels)) {
    for (const k of Object.keys(sel.matchLabels)) {
      const key = ciliumNamespaceKey(k);
      if (key !== undefined) push(key, [...at, 'matchLabels', k], false);
    }
  }
  if (Array.isArray(sel.matchExpressions)) {
    sel.matchExpressions.forEach((e, i) => {
      const key = isObj(e) && typeof e.key === 'string' ? ciliumNamespaceKey(e.key) : undefined;
      if (key !== undefined) push(key, [...at, 'matchExpressions', i, 'key'], true);
    });
  }
}

// ---- findings ----------------------------------------------------------------------------------------

function keySpan(parsed: ParsedDocument, site: Site): Span | undefined {
  const found = findNode(parsed, site.keyPath);
  const node = site.inExpression ? found?.node : found?.keyNode;
  const range = node?.range;
  if (!range) return undefined;
  let end = range[1];
  while (end > range[0] && /\s/.test(parsed.text[end - 1])) end--;
  return { start: range[0], end };
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function quoted(names: readonly string[]): string {
  return list(names.map((n) => `"${n}"`));
}

function reportSite(ctx: WorkspaceRuleContext, place: DocumentPlace, site: Site, policies: TenantLabelPolicy[]): void {
  const verdicts = policies.map((p) => ({ p, v: ownerCanSet(p, site.key) }));
  const settable = verdicts.filter((x) => x.v.settable);
  if (settable.length === 0) return;
  const local = keySpan(place.parsed, site);
  if (!local) return;
  const span = { start: local.start + place.offset, end: local.end + place.offset };
  const who = settable.map((x) => x.p.name);
  const assumed = `Assumed tenants: ${policies.length === 1 ? 'the only Tenant' : policies.length === 2 ? 'both Tenants' : `all ${policies.length} Tenants`} of the workspace (${list(policies.map((p) => p.name))}).`;
  const notes = [...new Set(settable.flatMap((x) => x.v.notes))];
  const written = site.kind.startsWith('cilium') ? `${NAMESPACE_LABELS_PREFIX}${site.key}` : site.key;
  const can = `Owners of ${who.length === 1 ? 'tenant' : 'tenants'} ${list(who)} can set the namespace label "${site.key}" on their own namespaces (${who.length === 1 ? 'the Tenant' : 'none of these Tenants'} forbids it on every namespace or stamps it)`;
  let consequence: string;
  switch (site.kind) {
    case 'peer':
      consequence = `so they can make any of their namespaces match this namespaceSelector of ${site.owner} and be admitted by the rule.`;
      break;
    case 'ciliumPeer':
      consequence = `and Cilium mirrors it on every pod as ${written}, so they can make their pods match this peer of ${site.owner}.`;
      break;
    case 'ciliumDenyPeer':
      consequence = `and Cilium mirrors it on every pod as ${written}, so they can escape this deny of ${site.owner} by leaving the label off or changing it.`;
      break;
    case 'ciliumSubject':
      consequence = `and Cilium mirrors it on every pod as ${written}, so they decide by labelling whether ${site.owner} applies to their pods — dropping the label escapes its isolation.`;
      break;
    case 'resourceSelector':
      consequence = `so they decide by labelling whether their namespaces receive what this ${site.owner} distributes: leaving the label off escapes a default deny it stamps.`;
      break;
  }
  const fixes: Fix[] = [];
  const forbid = forbidFix(ctx, place, settable.map((x) => x.p), site.key);
  if (forbid.fix) fixes.push(forbid.fix);
  const rewrite = rewriteFix(ctx, place, site);
  if (rewrite) fixes.push(rewrite);
  const parts = [`${can}, ${consequence}`, assumed];
  if (notes.length) parts.push(`Note: ${notes.join('; ')}.`);
  if (forbid.elsewhere.length) parts.push(`Forbid the key in ${quoted(forbid.elsewhere)} too (${forbid.elsewhere.length === 1 ? 'it is' : 'they are'} in other files).`);
  const messageId = site.kind === 'ciliumDenyPeer' ? 'ciliumPeer' : site.kind;
  const f: Finding = finding(SPOOFABLE_NAMESPACE_LABEL, messageId, span, parts.join(' '));
  f.fixes = fixes;
  ctx.report(place.uri, f);
}

/** One fix forbidding the key in every Tenant that allows it, when they are all in the finding's file. */
function forbidFix(ctx: WorkspaceRuleContext, place: DocumentPlace, tenants: TenantLabelPolicy[], key: string): { fix?: Fix; elsewhere: string[] } {
  const elsewhere = tenants.filter((t) => t.decl.place.uri !== place.uri).map((t) => t.name);
  if (elsewhere.length) return { elsewhere };
  const edits: TextEdit[] = [];
  for (const t of tenants) {
    const e = forbidKeyEdits(t, key);
    if (!e) return { elsewhere };
    for (const edit of e.edits) edits.push({ span: { start: edit.span.start + t.decl.place.offset, end: edit.span.end + t.decl.place.offset }, newText: edit.newText });
  }
  const names = tenants.map((t) => t.name);
  return { fix: { title: `Forbid the label "${key}" in ${names.length === 1 ? 'Tenant' : 'Tenants'} ${list(names)}`, edits }, elsewhere };
}

/**
 * Replaces a NetworkPolicy peer's namespaceSelector with the names of the namespaces it matches today,
 * or a Cilium namespace-label key with the one namespace it matches. Never fix-all: it freezes today's
 * namespaces, and one created tomorrow with the label is not admitted.
 */
function rewriteFix(ctx: WorkspaceRuleContext, place: DocumentPlace, site: Site): Fix | undefined {
  if (site.kind === 'resourceSelector' || site.kind === 'ciliumSubject' || site.kind === 'ciliumDenyPeer') return undefined;
  if (site.templated && JSON.stringify(site.selector).includes('{{')) return undefined;
  const namespaces = [...ctx.model.namespaces.values()];
  if (site.kind === 'peer') {
    const parsed = parseSelector(site.selector);
    if (parsed.selector.invalid) return undefined;
    const names = namespaces.filter((ns) => matchesSelector(parsed.selector, ns.labels)).map((ns) => ns.name).sort();
    if (names.length === 0) return undefined;
    const edit = replaceSelector(place, site.selectorPath, names);
    if (!edit) return undefined;
    return { title: `Select namespaces by name: ${names.join(', ')} (the ones the selector matches today)`, edits: [edit] };
  }
  // Cilium: only a matchLabels entry, when the namespace labels of the selector pick exactly one namespace.
  if (site.inExpression) return undefined;
  const names = ciliumNamespaceMatches(site.selector, namespaces);
  if (!names || names.length !== 1) return undefined;
  const found = findNode(place.parsed, site.keyPath);
  const k = found?.keyNode?.range;
  const v = found?.node?.range;
  if (!k || !v) return undefined;
  const others = isObj(site.selector.matchLabels) ? Object.keys(site.selector.matchLabels).filter((x) => ciliumNamespaceKey(x) !== undefined) : [];
  const exprs = Array.isArray(site.selector.matchExpressions) ? site.selector.matchExpressions.filter((e) => isObj(e) && typeof e.key === 'string' && ciliumNamespaceKey(e.key) !== undefined) : [];
  if (others.length !== 1 || exprs.length > 0) return undefined;
  let end = v[1];
  while (end > v[0] && /\s/.test(place.parsed.text[end - 1])) end--;
  return {
    title: `Select namespace ${names[0]} by name (the one the label matches today)`,
    edits: [{ span: { start: k[0] + place.offset, end: end + place.offset }, newText: `k8s:${POD_NAMESPACE_LABEL}: ${names[0]}` }],
  };
}

/** The namespaces whose labels satisfy a Cilium selector's namespace-label requirements. */
function ciliumNamespaceMatches(sel: Obj, namespaces: NamespaceInfo[]): string[] | undefined {
  const parsed = parseSelector(sel);
  if (parsed.selector.invalid) return undefined;
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.selector.matchLabels)) {
    const key = ciliumNamespaceKey(k);
    if (key !== undefined) matchLabels[key] = v;
  }
  const matchExpressions = parsed.selector.matchExpressions.flatMap((r) => {
    const key = ciliumNamespaceKey(r.key);
    return key === undefined ? [] : [{ ...r, key }];
  });
  const nsSel = { matchLabels, matchExpressions };
  return namespaces.filter((ns) => matchesSelector(nsSel, ns.labels)).map((ns) => ns.name).sort();
}

/** The selector's value node replaced by a `kubernetes.io/metadata.name In [...]` requirement, in its style. */
function replaceSelector(place: DocumentPlace, path: Path, names: string[]): TextEdit | undefined {
  const node = findNode(place.parsed, path)?.node;
  if (!node?.range || !isMap(node)) return undefined;
  const text = place.parsed.text;
  const start = node.range[0];
  let end = node.range[1];
  while (end > start && /\s/.test(text[end - 1])) end--;
  const values = `[${names.join(', ')}]`;
  let newText: string;
  if (node.flow) {
    newText = `{matchExpressions: [{key: ${NAME_LABEL}, operator: In, values: ${values}}]}`;
  } else {
    const col = start - (text.lastIndexOf('\n', start - 1) + 1);
    const pad = ' '.repeat(col);
    // Follow the document's sequence style: indented under its key or not, as the selector's own lists are.
    const inner = firstBlockSeqIndent(node, text);
    const dash = ' '.repeat(inner ?? 2);
    newText = [`matchExpressions:`, `${pad}${dash}- key: ${NAME_LABEL}`, `${pad}${dash}  operator: In`, `${pad}${dash}  values: ${values}`].join('\n');
  }
  return { span: { start: start + place.offset, end: end + place.offset }, newText };
}

/** How far a block sequence inside the selector is indented from its key (0 or 2 usually). */
function firstBlockSeqIndent(map: YamlNode, text: string): number | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of map.items as { key: YamlNode; value: YamlNode | null }[]) {
    const v = pair.value;
    if (isSeq(v) && !v.flow && v.range && pair.key?.range) {
      const keyCol = pair.key.range[0] - (text.lastIndexOf('\n', pair.key.range[0] - 1) + 1);
      const dashCol = v.range[0] - (text.lastIndexOf('\n', v.range[0] - 1) + 1);
      return Math.max(0, dashCol - keyCol);
    }
  }
  return undefined;
}

// ---- mixed-case denied entries (GHSA-gjw4-3v3v-rqxg) --------------------------------------------------

/**
 * Capsule releases before the fix sorted the denied list ignoring case and then binary-searched it
 * case-sensitively: with an upper-case entry in the list, lookups of some keys (not only that entry) miss,
 * and owners set labels the list forbids. The fix lower-cases the entry.
 */
function reportUpperCase(ctx: WorkspaceRuleContext, place: DocumentPlace, policy: TenantLabelPolicy): void {
  const { base } = policy.decl;
  const parsed = place.parsed;
  const text = parsed.text;
  const emit = (local: Span, entry: string, where: string) => {
    const prefixOnly = !/[A-Z]/.test(entry.slice(entry.indexOf('/') + 1)) && entry.includes('/');
    const lower = entry.toLowerCase();
    const why = prefixOnly
      ? 'Its upper-case letters are in the prefix, which Kubernetes only accepts in lower case, so the entry forbids no key a namespace can carry.'
      : `Since the fix, "${entry}" and "${lower}" are different keys: check which one the platform's selectors use.`;
    const f = finding(SPOOFABLE_NAMESPACE_LABEL, 'deniedUpperCase', { start: local.start + place.offset, end: local.end + place.offset },
      `The forbidden label "${entry}" in ${where} of Tenant ${policy.name} has upper-case letters. Capsule releases affected by GHSA-gjw4-3v3v-rqxg sort this list ignoring case but search it case-sensitively, so with such an entry lookups of this and other keys can miss and owners may set labels the list forbids. ${why}`);
    f.fixes = [{ title: `Write "${lower}" in lower case`, edits: [{ span: { start: local.start + place.offset, end: local.end + place.offset }, newText: lower }], fixAll: prefixOnly }];
    ctx.report(place.uri, f);
  };
  const denied = findNode(parsed, [...base, 'spec', 'namespaceOptions', 'forbiddenLabels', 'denied'])?.node;
  if (isSeq(denied)) {
    for (const item of denied.items as YamlNode[]) {
      if (!isScalar(item) || typeof item.value !== 'string' || !/[A-Z]/.test(item.value) || !item.range) continue;
      const span = scalarTextSpan(text, item, item.value);
      if (span) emit(span, item.value, 'forbiddenLabels.denied');
    }
  }
  if (policy.apiVersion === 'capsule.clastix.io/v1beta1') {
    const ann = findNode(parsed, [...base, 'metadata', 'annotations', FORBIDDEN_LABELS_ANNOTATION])?.node;
    if (isScalar(ann) && typeof ann.value === 'string' && ann.range) {
      const written = text.slice(ann.range[0], ann.range[1]);
      let from = 0;
      for (const raw of ann.value.split(',')) {
        const entry = raw.trim();
        if (!entry || !/[A-Z]/.test(entry)) continue;
        const at = written.indexOf(entry, from);
        if (at === -1) continue;
        from = at + entry.length;
        emit({ start: ann.range[0] + at, end: ann.range[0] + at + entry.length }, entry, `the ${FORBIDDEN_LABELS_ANNOTATION} annotation`);
      }
    }
  }
}

/** The span of a scalar's text as written, when it is the value verbatim (plain or simply quoted). */
function scalarTextSpan(text: string, node: YamlNode, value: string): Span | undefined {
  const [start, end] = node.range!;
  const at = text.slice(start, end).indexOf(value);
  return at === -1 ? undefined : { start: start + at, end: start + at + value.length };
}
