// Go to definition, from what a policy names to where it is declared, using the folder's workspace model:
// - a namespace name (metadata.namespace, a `kubernetes.io/metadata.name` or Cilium
//   `io.kubernetes.pod.namespace` label value, such a key's matchExpressions values, a Tenant's
//   status.namespaces entry) → its Namespace document;
// - a tenant name (`capsule.clastix.io/tenant` values, an ownerReference to a Tenant) → the Tenant;
// - a selector (namespaceSelector, podSelector, Cilium endpointSelector / from/toEndpoints entries,
//   tenantSelector), from its key or anything inside it → every Namespace, workload or Tenant it matches;
// - the metadata.name of a NetworkPolicy or Cilium policy that Capsule creates (a rendered copy, an
//   export) → the Tenant networkPolicies item or (Global)TenantResource rawItem it comes from.
// Targets point at the target's `metadata.name` when it has one. Unknown places answer null.
import type { DefinitionParams, Location } from 'vscode-languageserver/node';
import { isMap, isPair, isScalar, isSeq, type YAMLMap } from 'yaml';
import { mapGet, toPlain, type YamlNode } from '../engine/parse/document';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, splitLabelKey, type CiliumRequirement, type CiliumSelector } from '../engine/model/cilium';
import { NAME_LABEL, TENANT_LABEL } from '../engine/model/capsule';
import type { LabelSelector, NamespaceInfo, SourceRef } from '../engine/model/types';
import { ciliumSelectorMatches, podIdentityLabels } from '../engine/semantics/cilium';
import { isOperator, matchesSelector, parseSelector } from '../engine/semantics/selector';
import { guardRequest } from '../lsp/guard';
import type { WorkspaceModel } from '../workspace/workspace-models';
import { objectLabel, scalarString } from './symbols';
import type { Feature, FeatureContext } from './types';

const MAX_TARGETS = 500;
const POLICY_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

type Segment = string | number;

/** The scalar under the cursor with the path to it and every node above it. */
interface Hit {
  node: YamlNode;
  isKey: boolean;
  /** Keys and indexes from the document root to the node (a key's path ends with that key). */
  path: Segment[];
  /** The collections from the root down, parallel to `path` (ancestors[i] holds path[i]). */
  ancestors: YamlNode[];
}

function within(node: unknown, offset: number): boolean {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return !!r && offset >= r[0] && offset <= r[1];
}

/** The deepest scalar (key or value) at `offset` (local to the document). */
function hitAt(root: YamlNode | null, offset: number): Hit | undefined {
  const path: Segment[] = [];
  const ancestors: YamlNode[] = [];
  let node: unknown = root;
  for (let depth = 0; depth < 200; depth++) {
    if (isScalar(node)) return within(node, offset) ? { node: node as YamlNode, isKey: false, path, ancestors } : undefined;
    if (isMap(node)) {
      let next: unknown;
      for (const pair of node.items) {
        if (within(pair.key, offset) && isScalar(pair.key)) {
          path.push(String(pair.key.value));
          ancestors.push(node as YamlNode);
          return { node: pair.key as YamlNode, isKey: true, path, ancestors };
        }
        if (within(pair.value, offset)) {
          path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
          ancestors.push(node as YamlNode);
          next = pair.value;
          break;
        }
      }
      if (next === undefined) return undefined;
      node = next;
      continue;
    }
    if (isSeq(node)) {
      const i = node.items.findIndex((item) => within(item, offset));
      if (i < 0) return undefined;
      path.push(i);
      ancestors.push(node as YamlNode);
      node = node.items[i];
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** The object (document, List item, rawItem) whose fields the path is about, and the path inside it. */
function enclosingObject(hit: Hit): { obj: YAMLMap | undefined; at: number } {
  let obj = isMap(hit.ancestors[0]) ? (hit.ancestors[0] as YAMLMap) : undefined;
  let at = 0;
  for (let i = 0; i + 1 < hit.path.length; i++) {
    const seg = hit.path[i];
    const holder = hit.ancestors[i + 1];
    if ((seg === 'rawItems' || seg === 'items') && typeof hit.path[i + 1] === 'number' && i + 2 < hit.ancestors.length) {
      const candidate = hit.ancestors[i + 2];
      if (isMap(candidate) && mapGet(candidate, 'kind') !== undefined && isSeq(holder)) {
        obj = candidate;
        at = i + 2;
      }
    }
  }
  return { obj, at };
}

function names(path: Segment[]): string[] {
  return path.filter((p): p is string => typeof p === 'string');
}

function isNamespaceKey(key: string): boolean {
  if (key === NAME_LABEL) return true;
  const { key: k } = splitLabelKey(key);
  return k === POD_NAMESPACE_LABEL || k === NAMESPACE_LABELS_PREFIX + NAME_LABEL;
}

function isTenantKey(key: string): boolean {
  if (key === TENANT_LABEL) return true;
  const { key: k } = splitLabelKey(key);
  return k === NAMESPACE_LABELS_PREFIX + TENANT_LABEL;
}

type Target = { type: 'namespace'; name: string } | { type: 'tenant'; name: string } | { type: 'selector'; kind: SelectorKind; node: YamlNode; at: number } | { type: 'policy'; kind: string; namespace?: string; name: string };
type SelectorKind = 'namespace' | 'pod' | 'tenant' | 'cilium-subject' | 'cilium-peer';

/** What the cursor names, read from the path alone (no model needed). */
function targetOf(hit: Hit): Target | undefined {
  const { path, ancestors } = hit;
  const value = scalarString(hit.node);
  const last = path[path.length - 1];
  const parentKey = typeof path[path.length - 2] === 'string' ? (path[path.length - 2] as string) : undefined;
  const { obj, at } = enclosingObject(hit);
  const rel = path.slice(at);
  const kind = objectLabel(obj).kind;

  if (!hit.isKey && value) {
    // metadata.namespace of any object.
    if (rel.length === 2 && rel[0] === 'metadata' && rel[1] === 'namespace') return { type: 'namespace', name: value };
    if (rel.length === 2 && rel[0] === 'metadata' && rel[1] === 'name' && kind && POLICY_KINDS.has(kind)) {
      return { type: 'policy', kind, namespace: objectLabel(obj).namespace, name: value };
    }
    // Capsule's status.namespaces.
    if (kind === 'Tenant' && rel.length === 3 && rel[0] === 'status' && rel[1] === 'namespaces') return { type: 'namespace', name: value };
    // A label value: `key: value`.
    if (typeof last === 'string') {
      if (isNamespaceKey(last)) return { type: 'namespace', name: value };
      if (isTenantKey(last)) return { type: 'tenant', name: value };
      // An ownerReference to a Tenant.
      if (last === 'name' && parentKey === undefined && path[path.length - 3] === 'ownerReferences') {
        const ref = ancestors[ancestors.length - 1];
        if (isMap(ref) && scalarString(mapGet(ref, 'kind')) === 'Tenant') return { type: 'tenant', name: value };
      }
    }
    // A matchExpressions value: values[i] under a requirement whose key names namespaces or tenants.
    if (typeof last === 'number' && parentKey === 'values') {
      const req = ancestors[ancestors.length - 2];
      const key = isMap(req) ? scalarString(mapGet(req, 'key')) : undefined;
      if (key && isNamespaceKey(key)) return { type: 'namespace', name: value };
      if (key && isTenantKey(key)) return { type: 'tenant', name: value };
    }
  }

  // Anything inside a selector: the innermost selector above the cursor.
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    const holder = ancestors[i];
    const node = i === path.length - 1 && hit.isKey ? valueOfKey(holder, seg) : childOf(holder, seg);
    if (node === undefined) continue;
    const prev = path[i - 1];
    let sk: SelectorKind | undefined;
    if (seg === 'namespaceSelector') sk = 'namespace';
    else if (seg === 'podSelector') sk = 'pod';
    else if (seg === 'tenantSelector') sk = 'tenant';
    else if (seg === 'endpointSelector') sk = 'cilium-subject';
    else if (typeof seg === 'number' && (prev === 'fromEndpoints' || prev === 'toEndpoints' || prev === 'fromRequires' || prev === 'toRequires')) sk = 'cilium-peer';
    else if ((seg === 'fromEndpoints' || seg === 'toEndpoints') && i === path.length - 1) return undefined;
    if (sk) return { type: 'selector', kind: sk, node: (node ?? null) as YamlNode, at: i };
  }
  return undefined;
}

function childOf(holder: YamlNode | undefined, seg: Segment): YamlNode | null | undefined {
  if (isMap(holder) && typeof seg === 'string') return mapGet(holder, seg);
  if (isSeq(holder) && typeof seg === 'number') return (holder.items[seg] ?? null) as YamlNode | null;
  return undefined;
}

function valueOfKey(holder: YamlNode | undefined, seg: Segment): YamlNode | null | undefined {
  return childOf(holder, seg) ?? (isMap(holder) && typeof seg === 'string' ? null : undefined);
}

// ---- resolving against the model ---------------------------------------------------------------------

/** The namespaces the enclosing object's pod selectors are about. */
function podScope(hit: Hit, sel: { at: number }, model: WorkspaceModel): NamespaceInfo[] | 'all' {
  const { obj } = enclosingObject(hit);
  const { namespace, kind } = objectLabel(obj);
  // A peer's podSelector with a namespaceSelector beside it: the namespaces that one matches.
  const peer = hit.ancestors[sel.at];
  if (isMap(peer) && hit.path[sel.at] === 'podSelector') {
    const nsNode = mapGet(peer, 'namespaceSelector');
    if (nsNode !== undefined) {
      const s = selectorOf(nsNode);
      return s ? [...model.namespaces.values()].filter((ns) => matchesSelector(s, ns.labels)) : [];
    }
  }
  // A Tenant's networkPolicies item: every namespace of the tenant.
  if (kind === 'Tenant') {
    const tenant = objectLabel(obj).name;
    return [...model.namespaces.values()].filter((ns) => ns.tenant === tenant);
  }
  if (namespace) return model.namespaces.get(namespace) ? [model.namespaces.get(namespace)!] : [];
  return 'all';
}

function selectorOf(node: YamlNode | null): LabelSelector | undefined {
  const plain = toPlain(node, 20_000);
  if (plain.problem) return undefined;
  const { selector } = parseSelector(plain.value);
  return selector.invalid ? undefined : selector;
}

/** A Cilium endpoint selector as Cilium reads it (matchLabels and matchExpressions with label sources). */
function ciliumSelectorOf(node: YamlNode | null, policyNamespace: string | undefined, subject: boolean): CiliumSelector | undefined {
  const plain = toPlain(node, 20_000).value;
  const written: CiliumRequirement[] = [];
  if (plain !== undefined && plain !== null && (typeof plain !== 'object' || Array.isArray(plain))) return undefined;
  const obj = (plain ?? {}) as Record<string, unknown>;
  const ml = obj.matchLabels;
  if (ml && typeof ml === 'object' && !Array.isArray(ml)) {
    for (const [k, v] of Object.entries(ml)) {
      if (typeof v !== 'string') return undefined;
      written.push({ ...splitLabelKey(k), operator: 'In', values: [v] });
    }
  }
  if (Array.isArray(obj.matchExpressions)) {
    for (const r of obj.matchExpressions as unknown[]) {
      const req = r as { key?: unknown; operator?: unknown; values?: unknown };
      if (!req || typeof req.key !== 'string' || !isOperator(req.operator)) return undefined;
      const values = Array.isArray(req.values) ? req.values.filter((v): v is string => typeof v === 'string') : [];
      written.push({ ...splitLabelKey(req.key), operator: req.operator, values });
    }
  }
  const namesNamespace = written.some((r) => r.key === POD_NAMESPACE_LABEL);
  const namesNsLabels = written.some((r) => r.key.startsWith(NAMESPACE_LABELS_PREFIX));
  const effective = [...written];
  let scope: CiliumSelector['scope'] = namesNamespace ? 'explicit' : namesNsLabels && !subject ? 'namespace-labels' : policyNamespace ? 'policy' : 'cluster';
  if (written.some((r) => r.source === 'reserved')) scope = 'reserved';
  if (scope === 'policy' && policyNamespace) effective.push({ source: 'k8s', key: POD_NAMESPACE_LABEL, operator: 'In', values: [policyNamespace] });
  return { written, effective, scope };
}

function resolve(target: Target, hit: Hit, model: WorkspaceModel): SourceRef[] {
  const refs: (SourceRef | undefined)[] = [];
  switch (target.type) {
    case 'namespace':
      refs.push(model.namespaces.get(target.name)?.source);
      break;
    case 'tenant':
      refs.push(model.tenants.get(target.name)?.source);
      break;
    case 'policy': {
      // The model keeps a declared copy over the Capsule-made policy of the same id (so the copy is what
      // gets evaluated), but lists every policy Capsule creates with the item it is rendered from.
      const id = target.kind === 'CiliumClusterwideNetworkPolicy' ? target.name : `${target.namespace ?? 'default'}/${target.name}`;
      refs.push(model.materialised.find((p) => p.kind === target.kind && p.id === id)?.capsule?.source);
      break;
    }
    case 'selector': {
      if (target.kind === 'namespace') {
        const s = selectorOf(target.node);
        if (s) for (const ns of model.namespaces.values()) if (matchesSelector(s, ns.labels)) refs.push(ns.source);
      } else if (target.kind === 'tenant') {
        const s = selectorOf(target.node);
        if (s) for (const t of model.tenants.values()) if (matchesSelector(s, t.labels)) refs.push(t.source);
      } else if (target.kind === 'pod') {
        const s = selectorOf(target.node);
        const scope = podScope(hit, target, model);
        const inScope = scope === 'all' ? undefined : new Set(scope.map((n) => n.name));
        if (s) for (const w of model.workloads) if ((!inScope || inScope.has(w.namespace)) && matchesSelector(s, w.labels)) refs.push(w.source);
      } else {
        const { obj } = enclosingObject(hit);
        const { kind, namespace } = objectLabel(obj);
        const policyNs = kind === 'CiliumClusterwideNetworkPolicy' ? undefined : namespace;
        const sel = ciliumSelectorOf(target.node, policyNs, target.kind === 'cilium-subject');
        if (!sel || sel.scope === 'reserved') break;
        // A selector that names namespaces (by name or labels) also leads to those namespaces.
        const nsReqs = sel.written.filter((r) => r.key === POD_NAMESPACE_LABEL || r.key.startsWith(NAMESPACE_LABELS_PREFIX));
        if (nsReqs.length > 0) {
          const nsSel: CiliumSelector = { written: nsReqs, effective: nsReqs, scope: sel.scope };
          for (const ns of model.namespaces.values()) if (ciliumSelectorMatches(nsSel, podIdentityLabels({}, ns.name, ns.labels))) refs.push(ns.source);
        }
        for (const w of model.workloads) {
          const ns = model.namespaces.get(w.namespace);
          if (ciliumSelectorMatches(sel, podIdentityLabels(w.labels, w.namespace, ns?.labels ?? {}))) refs.push(w.source);
        }
      }
      break;
    }
  }
  const seen = new Set<string>();
  return refs.filter((r): r is SourceRef => {
    if (!r) return false;
    const key = `${r.uri}#${r.span.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- locations -----------------------------------------------------------------------------------------

/** The location of a modelled object: its `metadata.name` value when it has one, else its first line. */
function locationOf(ctx: FeatureContext, ref: SourceRef): Location | undefined {
  const file = ctx.file(ref.uri);
  if (!file) return undefined;
  let start = ref.span.start;
  let end = ref.span.start;
  const doc = file.analysis.documents.find((d) => ref.span.start >= d.chunk.start && ref.span.start <= d.chunk.start + d.chunk.text.length);
  if (doc) {
    const local = ref.span.start - doc.chunk.start;
    const node = objectStartingAt(doc.parsed.doc.contents as YamlNode | null, local);
    const meta = isMap(node) ? mapGet(node, 'metadata') : undefined;
    const name = isMap(meta) ? mapGet(meta, 'name') : undefined;
    if (isScalar(name) && name.range) {
      start = doc.chunk.start + name.range[0];
      end = doc.chunk.start + name.range[1];
    } else {
      // The first line of the object, without its line break.
      const text = file.text;
      let e = start;
      while (e < text.length && text[e] !== '\n' && text[e] !== '\r') e++;
      end = e;
    }
  }
  return { uri: file.uri, range: { start: file.lines.positionAt(start), end: file.lines.positionAt(end) } };
}

/** The outermost mapping that starts at `offset` (a document, a List item, a rawItem). */
function objectStartingAt(root: YamlNode | null, offset: number): YamlNode | undefined {
  const stack: unknown[] = [root];
  let visited = 0;
  while (stack.length > 0 && visited++ < 100_000) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const r = (node as { range?: [number, number, number] }).range;
    if (isMap(node) && r && r[0] === offset) return node as YamlNode;
    if (isMap(node) || isSeq(node)) {
      if (r && (offset < r[0] || offset > r[1])) continue;
      for (const item of node.items as unknown[]) stack.push(isPair(item) ? item.value : item);
    }
  }
  return undefined;
}

export function definition(ctx: FeatureContext, params: DefinitionParams): Location[] | null {
  const uri = params?.textDocument?.uri;
  const pos = params?.position;
  const file = typeof uri === 'string' ? ctx.file(uri) : undefined;
  if (!file || !pos || !Number.isInteger(pos.line) || !Number.isInteger(pos.character) || pos.line < 0 || pos.character < 0) return null;
  // A position past the end of a line or of the text is not on any name.
  if (pos.line >= file.lines.lineCount) return null;
  const offset = file.lines.offsetAt(pos);
  const lineEnd = pos.line + 1 < file.lines.lineCount ? file.lines.lineStart(pos.line + 1) : file.text.length;
  if (offset >= lineEnd && pos.line + 1 < file.lines.lineCount) return null;
  const doc = file.analysis.documents.find((d) => offset >= d.chunk.start && offset <= d.chunk.start + d.chunk.text.length);
  if (!doc) return null;
  const hit = hitAt((doc.parsed.doc.contents ?? null) as YamlNode | null, offset - doc.chunk.start);
  if (!hit) return null;
  const target = targetOf(hit);
  if (!target) return null;
  const model = ctx.model(file)?.model;
  if (!model) return null;
  const refs = resolve(target, hit, model).slice(0, MAX_TARGETS);
  const out: Location[] = [];
  for (const ref of refs) {
    const loc = locationOf(ctx, ref);
    if (loc) out.push(loc);
  }
  return out.length > 0 ? out : null;
}

function register(ctx: FeatureContext): void {
  ctx.connection.onDefinition(
    guardRequest(ctx.log, 'textDocument/definition', (params: DefinitionParams) => definition(ctx, params), () => null),
  );
}

export const definitionFeature: Feature = {
  name: 'definition',
  capabilities: () => ({ definitionProvider: true }),
  register,
};
