// One pass over the documents of an analysed file: the namespaces, workloads, tenants, policies and
// Capsule sources it declares, as a FileModel. Lists are flattened (items of a typed list may omit
// apiVersion and kind); documents the parser could not read are skipped. Extraction is cached per
// document text, like the Engine's parse cache, so an edit re-extracts only the document it touched: the
// cached model has local offsets and a placeholder uri and is placed (uri, chunk offset) on use.
import type { AnalyzedDocument, FileAnalysis } from '../analyze';
import { toPlain, type ParsedDocument, type YamlNode } from '../parse/document';
import { reportablePlaceholders } from '../schema/templates';
import type { Finding, Span } from '../types';
import {
  finding,
  isObj,
  labelsOf,
  NAME_LABEL,
  parseSelector,
  tenantFromValue,
  type Obj,
  type ParsedSelector,
  type Reporting,
  type TenantEntry,
} from './capsule';
import { ciliumPolicyFromDocument, type CiliumPolicyModel } from './cilium';
import { findNode, makeFindingLocator, makeLocator, type DocumentPlace, type Locator, type Path } from './locate';
import { networkPolicyFromSpec } from './networkpolicy';
import type { ContainerPort, Labels, NetworkPolicyModel, Protocol, SourceRef, Workload } from './types';

export type Origin = 'declared' | 'inventory';

/** A namespace as one document declares it; membership is resolved when the workspace is assembled. */
export interface NamespaceDecl {
  name: string;
  /** Labels as written, plus `kubernetes.io/metadata.name`. */
  labels: Labels;
  origin: Origin;
  source: SourceRef;
  /** The Tenant named by a controller-or-not ownerReference of kind Tenant (capsule.clastix.io/*). */
  ownerTenant?: string;
}

/** A workload as one document declares it. Pods with a controller owner stand for that owner. */
export interface WorkloadDecl extends Workload {
  /** Set for a Pod reported as its owner: pods of one owner merge, a declared owner replaces them. */
  fromPod?: { podName: string; templateHash?: string };
}

export interface RawItemSource {
  resource: number;
  index: number;
  /** The rawItem as written (placeholders not rendered). */
  value: unknown;
  /** Path of the rawItem in its document. */
  path: Path;
  source: SourceRef;
}

/** A TenantResource or GlobalTenantResource: what it replicates, rendered at assembly. */
export interface ReplicationSource {
  kind: 'TenantResource' | 'GlobalTenantResource';
  name: string;
  /** A TenantResource's own namespace (its tenant is that namespace's tenant). */
  namespace?: string;
  scope: 'Namespace' | 'Tenant' | 'None';
  /** GlobalTenantResource `spec.tenantSelector` (absent: every tenant). */
  tenantSelector: ParsedSelector;
  resources: { index: number; namespaceSelector: ParsedSelector; rawItems: RawItemSource[] }[];
  source: SourceRef;
  place: DocumentPlace;
  origin: Origin;
}

export interface TenantDecl extends TenantEntry {
  place: DocumentPlace;
  /** Path of the Tenant object in its document (`[]`, or `['items', i]` in a List). */
  base: Path;
}

export interface FileModel {
  uri: string;
  origin: Origin;
  namespaces: NamespaceDecl[];
  workloads: WorkloadDecl[];
  tenants: TenantDecl[];
  networkPolicies: NetworkPolicyModel[];
  ciliumPolicies: CiliumPolicyModel[];
  /** TenantResources and GlobalTenantResources (Tenant networkPolicies items live on `tenants`). */
  replications: ReplicationSource[];
  /** Namespaces named by workloads, policies and Capsule objects, declared or not. */
  referencedNamespaces: string[];
  findings: Finding[];
  /** Every `---` document of the file, parsed and placed: workspace rules locate nodes and write fixes. */
  places: DocumentPlace[];
}

type DocumentModel = Omit<FileModel, 'uri' | 'origin' | 'places'>;

// ---- cache -----------------------------------------------------------------------------------------

/** The uri of cached, not yet placed models; never a real document's. */
const LOCAL_URI = 'tenant-policy-local:';
const CACHE_LIMIT = 20_000;

interface CacheEntry {
  local: DocumentModel;
  /** The last placement, so that an unchanged document keeps the same objects. */
  placed?: { key: string; model: DocumentModel };
}

const cache = new Map<string, CacheEntry>();
let declaredByParsed = new WeakMap<ParsedDocument, CacheEntry>();
let inventoryByParsed = new WeakMap<ParsedDocument, CacheEntry>();
let extracted = 0;

/** For tests and benchmarks. */
export function clearExtractCache(): void {
  cache.clear();
  declaredByParsed = new WeakMap();
  inventoryByParsed = new WeakMap();
}

/** How many documents have been extracted (not served from the cache) so far: for tests and benchmarks. */
export function extractionCount(): number {
  return extracted;
}

/** A FileModel that declares nothing yet (rules add synthetic files, e.g. probe namespaces). */
export function emptyFileModel(uri: string, origin: Origin): FileModel {
  return {
    uri,
    origin,
    namespaces: [],
    workloads: [],
    tenants: [],
    networkPolicies: [],
    ciliumPolicies: [],
    replications: [],
    referencedNamespaces: [],
    findings: [],
    places: [],
  };
}

export function extractFile(file: FileAnalysis, origin: Origin): FileModel {
  const out = emptyFileModel(file.uri, origin);
  const referenced = new Set<string>();
  for (const doc of file.documents) {
    out.places.push({ uri: file.uri, parsed: doc.parsed, offset: doc.chunk.start });
    const m = extractDocument(doc, file.uri, origin);
    out.namespaces.push(...m.namespaces);
    out.workloads.push(...m.workloads);
    out.tenants.push(...m.tenants);
    out.networkPolicies.push(...m.networkPolicies);
    out.ciliumPolicies.push(...m.ciliumPolicies);
    out.replications.push(...m.replications);
    out.findings.push(...m.findings);
    for (const n of m.referencedNamespaces) referenced.add(n);
  }
  out.referencedNamespaces = [...referenced];
  return out;
}

function extractDocument(doc: AnalyzedDocument, uri: string, origin: Origin): DocumentModel {
  // The Engine hands out one ParsedDocument per text, so most lookups never hash the text itself.
  const byParsed = origin === 'declared' ? declaredByParsed : inventoryByParsed;
  let entry = byParsed.get(doc.parsed);
  const key = entry ? '' : `${origin}|${doc.parsed.text}`;
  if (!entry) entry = cache.get(key);
  if (entry) {
    if (key) {
      cache.delete(key);
      cache.set(key, entry);
    }
  } else {
    entry = { local: extractLocal(doc, origin) };
    extracted++;
    cache.set(key, entry);
    if (cache.size > CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }
  byParsed.set(doc.parsed, entry);
  const placeKey = `${uri}|${doc.chunk.start}`;
  if (entry.placed?.key !== placeKey) entry.placed = { key: placeKey, model: place(entry.local, uri, doc.chunk.start) as DocumentModel };
  return entry.placed.model;
}

/**
 * Puts a cached model at its place in a file: every SourceRef gets the uri and the chunk's offset, every
 * finding's span the offset, every DocumentPlace both. Walks plain objects and arrays only; the models of
 * policies are plain data, and anything else (a class instance) is kept as it is.
 */
function place(value: unknown, uri: string, offset: number): unknown {
  if (Array.isArray(value)) return value.map((v) => place(v, uri, offset));
  if (!isPlain(value)) return value;
  const v = value as Obj;
  if (v.uri === LOCAL_URI && 'parsed' in v) return { ...v, uri, offset: (v.offset as number) + offset };
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[k] = place(x, uri, offset);
  if (v.uri === LOCAL_URI && isSpan(v.span)) {
    out.uri = uri;
    out.span = shift(v.span, offset);
  } else if (typeof v.ruleId === 'string' && typeof v.messageId === 'string' && isSpan(v.span)) {
    out.span = shift(v.span, offset);
    if (Array.isArray(v.fixes)) {
      out.fixes = (v.fixes as Finding['fixes']).map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, span: shift(e.span, offset) })) }));
    }
  }
  return out;
}

function isPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isSpan(v: unknown): v is Span {
  return isObj(v) && typeof v.start === 'number' && typeof v.end === 'number';
}

function shift(s: Span, by: number): Span {
  return by === 0 ? s : { start: s.start + by, end: s.end + by };
}

// ---- one document ----------------------------------------------------------------------------------

const WORKLOAD_TEMPLATE: Record<string, { groups: string[]; template: Path }> = {
  Pod: { groups: [''], template: [] },
  ReplicationController: { groups: [''], template: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], template: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  Job: { groups: ['batch'], template: ['spec', 'template'] },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

interface Ctx {
  place: DocumentPlace;
  origin: Origin;
  overrides?: ReadonlyMap<YamlNode, unknown>;
  model: DocumentModel;
  referenced: Set<string>;
}

function emptyModel(): DocumentModel {
  return { namespaces: [], workloads: [], tenants: [], networkPolicies: [], ciliumPolicies: [], replications: [], referencedNamespaces: [], findings: [] };
}

function extractLocal(doc: AnalyzedDocument, origin: Origin): DocumentModel {
  const model = emptyModel();
  const parsed = doc.parsed;
  if (parsed.empty) return model;
  const placeholders = reportablePlaceholders(parsed);
  // The same rule as validation: structural syntax errors make the tree unreliable, except the echoes of
  // an unquoted Capsule placeholder (reported on their own) and duplicate keys.
  const echo = (s: Span) => placeholders.some((t) => s.start >= t.span.start && s.start <= t.lineEnd);
  if (parsed.errors.some((e) => e.code !== 'DUPLICATE_KEY' && !echo(e.span))) return model;
  const overrides = placeholders.length ? new Map<YamlNode, unknown>(placeholders.map((p) => [p.node, p.text])) : undefined;
  const ctx: Ctx = { place: { uri: LOCAL_URI, parsed, offset: 0 }, origin, overrides, model, referenced: new Set() };
  try {
    const conversion = toPlain(parsed.doc.contents as YamlNode | null, { budget: 100_000 + parsed.text.length, overrides });
    if (conversion.value === undefined || conversion.problems.some((p) => p.kind === 'alias-budget' || p.kind === 'too-deep')) return model;
    const value = conversion.value;
    if (!isObj(value)) return model;
    const kind = typeof value.kind === 'string' ? value.kind : undefined;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
    if (kind && kind.endsWith('List') && Array.isArray(value.items)) {
      // `v1 List` items name their own kind; a typed list (PodList…) gives its element kind to items without one.
      const elementKind = kind === 'List' ? undefined : kind.slice(0, -4);
      value.items.forEach((item, i) => {
        if (!isObj(item)) return;
        const k = typeof item.kind === 'string' ? item.kind : elementKind;
        const av = typeof item.apiVersion === 'string' ? item.apiVersion : elementKind ? apiVersion : undefined;
        guarded(ctx, ['items', i], () => extractObject(ctx, item, k, av, ['items', i]));
      });
    } else {
      guarded(ctx, [], () => extractObject(ctx, value, kind, apiVersion, []));
    }
  } catch (e) {
    internalError(ctx, [], e);
  }
  model.referencedNamespaces = [...ctx.referenced];
  return model;
}

/** A bug in one object's model costs that object, reported as one finding, never the file. */
function guarded(ctx: Ctx, base: Path, f: () => void): void {
  try {
    f();
  } catch (e) {
    internalError(ctx, base, e);
  }
}

function internalError(ctx: Ctx, base: Path, e: unknown): void {
  const span = findingSpanAt(ctx, base, []) ?? { start: 0, end: Math.min(1, ctx.place.parsed.text.length) };
  ctx.model.findings.push(finding('schema', 'modelError', span,
    `tenant-policy could not model this object for the reachability analysis (internal error: ${(e as Error)?.message ?? String(e)}); it is left out. Please report it.`, 'information'));
}

function findingSpanAt(ctx: Ctx, base: Path, path: Path): Span | undefined {
  return makeFindingLocator(ctx.place, { base, overrides: ctx.overrides })(path);
}

function reporting(ctx: Ctx, base: Path): Reporting {
  const r: Reporting = {
    span: (path) => findingSpanAt(ctx, base, path),
    textSpan: (path, text, key) => {
      const found = findNode(ctx.place.parsed, path, { base, overrides: ctx.overrides });
      const node = key ? found?.keyNode : found?.node;
      const range = node?.range;
      if (!range) return undefined;
      const at = ctx.place.parsed.text.slice(range[0], range[1]).indexOf(text);
      return at === -1 ? undefined : { start: range[0] + at, end: range[0] + at + text.length };
    },
    findings: ctx.model.findings,
  };
  return r;
}

function groupOf(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined;
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function extractObject(ctx: Ctx, value: Obj, kind: string | undefined, apiVersion: string | undefined, base: Path): void {
  if (!kind) return;
  const group = groupOf(apiVersion);
  const meta = isObj(value.metadata) ? value.metadata : {};
  const locate = makeLocator(ctx.place, { base, overrides: ctx.overrides });
  const source = locate([]) ?? { uri: LOCAL_URI, span: { start: 0, end: 0 } };
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';

  if (kind === 'Namespace' && group === '') {
    if (!name) return;
    const labels = { ...labelsOf(meta.labels), [NAME_LABEL]: name };
    const decl: NamespaceDecl = { name, labels, origin: ctx.origin, source };
    const owner = tenantOwner(meta.ownerReferences);
    if (owner) decl.ownerTenant = owner;
    ctx.model.namespaces.push(decl);
    return;
  }

  const workload = WORKLOAD_TEMPLATE[kind];
  if (workload && group !== undefined && workload.groups.includes(group)) {
    extractWorkload(ctx, value, kind, meta, name, namespace, workload.template, source);
    return;
  }

  if (kind === 'NetworkPolicy' && (group === 'networking.k8s.io' || group === 'extensions')) {
    const { model, findings } = networkPolicyFromSpec(value.spec ?? {}, { namespace, name: name ?? '' }, locate, ['spec'], LOCAL_URI);
    ctx.model.findings.push(...findings);
    if (model) {
      ctx.model.networkPolicies.push(model);
      ctx.referenced.add(model.namespace);
    }
    return;
  }

  if ((kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') && group === 'cilium.io') {
    const findingSpan = makeFindingLocator(ctx.place, { base, overrides: ctx.overrides });
    const { model, findings } = ciliumPolicyFromDocument(value, kind, locate, LOCAL_URI, { findingSpan });
    ctx.model.findings.push(...findings);
    if (model) {
      ctx.model.ciliumPolicies.push(model);
      if (model.namespace) ctx.referenced.add(model.namespace);
    }
    return;
  }

  if (group === 'capsule.clastix.io') {
    if (kind === 'Tenant') {
      const tenant = tenantFromValue(value, locate, reporting(ctx, base), ctx.origin, []);
      if (tenant) {
        ctx.model.tenants.push({ ...tenant, place: ctx.place, base });
        for (const n of tenant.statusNamespaces) ctx.referenced.add(n);
      }
    } else if (kind === 'TenantResource' || kind === 'GlobalTenantResource') {
      const source = replicationSource(ctx, value, kind, name ?? '', kind === 'TenantResource' ? namespace : undefined, base, locate);
      ctx.model.replications.push(source);
      if (source.namespace) ctx.referenced.add(source.namespace);
    }
  }
}

/** The Tenant a Namespace is owned by (Capsule sets a controller ownerReference to its Tenant). */
function tenantOwner(refs: unknown): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (isObj(r) && r.kind === 'Tenant' && typeof r.apiVersion === 'string' && r.apiVersion.startsWith('capsule.clastix.io/') && typeof r.name === 'string' && r.name) {
      return r.name;
    }
  }
  return undefined;
}

function extractWorkload(ctx: Ctx, value: Obj, kind: string, meta: Obj, name: string | undefined, namespace: string, templatePath: Path, source: SourceRef): void {
  let template: unknown = value;
  for (const seg of templatePath) template = isObj(template) ? template[seg as string] : undefined;
  const tmpl = isObj(template) ? template : {};
  const tmeta = kind === 'Pod' ? meta : isObj(tmpl.metadata) ? tmpl.metadata : {};
  const spec = isObj(tmpl.spec) ? tmpl.spec : {};
  const labels = labelsOf(tmeta.labels);
  const ports = containerPorts(spec.containers);
  ctx.referenced.add(namespace);
  let decl: WorkloadDecl | undefined;
  if (kind === 'Pod') {
    const owner = controllerOwner(meta.ownerReferences);
    if (owner) {
      const podName = name ?? owner.name;
      decl = { id: `${namespace}/${owner.name}`, namespace, name: owner.name, kind: owner.kind, labels, ports, origin: ctx.origin, source, fromPod: { podName } };
      const hash = labels['pod-template-hash'];
      if (hash) decl.fromPod!.templateHash = hash;
    }
  }
  if (!decl) {
    if (!name) return;
    decl = { id: `${namespace}/${name}`, namespace, name, kind, labels, ports, origin: ctx.origin, source };
  }
  ctx.model.workloads.push(decl);
}

/** The first controller ownerReference that is not a Node (a static pod's mirror belongs to no workload). */
function controllerOwner(refs: unknown): { kind: string; name: string } | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (!isObj(r) || r.controller !== true) continue;
    if (r.kind === 'Node') return undefined;
    if (typeof r.name !== 'string' || !r.name) return undefined;
    return { kind: typeof r.kind === 'string' && r.kind ? r.kind : 'Pod', name: r.name };
  }
  return undefined;
}

function containerPorts(containers: unknown): ContainerPort[] {
  const out: ContainerPort[] = [];
  if (!Array.isArray(containers)) return out;
  for (const c of containers) {
    if (!isObj(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isObj(p)) continue;
      const port = typeof p.containerPort === 'number' ? p.containerPort : typeof p.containerPort === 'string' && /^\d+$/.test(p.containerPort) ? Number(p.containerPort) : undefined;
      if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) continue;
      // Kubernetes defaults an absent protocol to TCP and rejects anything but TCP, UDP and SCTP.
      const written = p.protocol ?? '';
      if (written !== '' && written !== 'TCP' && written !== 'UDP' && written !== 'SCTP') continue;
      const protocol: Protocol = written === '' ? 'TCP' : (written as Protocol);
      const cp: ContainerPort = { port, protocol };
      if (typeof p.name === 'string' && p.name) cp.name = p.name;
      out.push(cp);
    }
  }
  return out;
}

function replicationSource(
  ctx: Ctx,
  value: Obj,
  kind: 'TenantResource' | 'GlobalTenantResource',
  name: string,
  namespace: string | undefined,
  base: Path,
  locate: Locator,
): ReplicationSource {
  const spec = isObj(value.spec) ? value.spec : {};
  const r = reporting(ctx, base);
  const scopeValue = kind === 'GlobalTenantResource' ? spec.scope : undefined;
  const scope = scopeValue === 'Tenant' || scopeValue === 'None' ? scopeValue : 'Namespace';
  const tenantSelector = kind === 'GlobalTenantResource' ? parseSelector(spec.tenantSelector) : { type: 'absent' as const };
  const source: ReplicationSource = {
    kind,
    name,
    scope,
    tenantSelector,
    resources: [],
    source: locate([]) ?? { uri: LOCAL_URI, span: { start: 0, end: 0 } },
    place: ctx.place,
    origin: ctx.origin,
  };
  if (namespace) source.namespace = namespace;
  const resources = Array.isArray(spec.resources) ? spec.resources : [];
  resources.forEach((res, i) => {
    if (!isObj(res)) return;
    const at: Path = ['spec', 'resources', i];
    const namespaceSelector = parseSelector(res.namespaceSelector);
    const rawItems: RawItemSource[] = [];
    if (Array.isArray(res.rawItems)) {
      res.rawItems.forEach((item, j) => {
        const path: Path = [...at, 'rawItems', j];
        const itemKind = isObj(item) ? item.kind : undefined;
        if (typeof itemKind !== 'string' || !POLICY_KINDS.has(itemKind)) return;
        rawItems.push({ resource: i, index: j, value: item, path: [...base, ...path], source: locate(path) ?? source.source });
      });
    }
    notModelled(r, res, at, kind);
    source.resources.push({ index: i, namespaceSelector, rawItems });
  });
  return source;
}

const POLICY_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/**
 * What a (Global)TenantResource can distribute that the engine does not expand. Only what can carry a
 * policy matters for reachability: namespacedItems of a policy kind, and generators (Go templates that
 * may emit any kind). A warning when the text shows a policy kind — policies are then certainly missing
 * from the analysis; information when a generator's output kind cannot be told from its text.
 */
function notModelled(r: Reporting, res: Obj, at: Path, owner: string): void {
  if (Array.isArray(res.namespacedItems)) {
    res.namespacedItems.forEach((item, k) => {
      if (!isObj(item) || typeof item.kind !== 'string' || !POLICY_KINDS.has(item.kind)) return;
      const span = r.span([...at, 'namespacedItems', k]);
      if (span) {
        r.findings.push(finding('capsule-not-modelled', 'namespacedItems', span,
          `This ${owner} copies existing ${item.kind} objects (namespacedItems), which tenant-policy does not expand yet: the reachability analysis leaves those policies out, so it may show connections they would block or miss ones they allow.`, 'warning'));
      }
    });
  }
  if (Array.isArray(res.generators)) {
    res.generators.forEach((gen, k) => {
      if (!isObj(gen)) return;
      const template = typeof gen.template === 'string' ? gen.template : '';
      const policy = /\b(Cilium(Clusterwide)?NetworkPolicy|NetworkPolicy)\b/.test(template);
      const opaque = !/\bkind\s*:/.test(template) || /kind\s*:\s*["']?\{\{/.test(template);
      if (!policy && !opaque) return;
      const span = r.span([...at, 'generators', k, 'template']) ?? r.span([...at, 'generators', k]);
      if (!span) return;
      r.findings.push(policy
        ? finding('capsule-not-modelled', 'generatorPolicy', span,
          `This generator renders policies with a Go template, which tenant-policy does not expand: the reachability analysis leaves them out, so it may show connections they would block or miss ones they allow.`, 'warning')
        : finding('capsule-not-modelled', 'generatorUnknown', span,
          `This generator's Go template is not expanded by tenant-policy; if it renders NetworkPolicies or CiliumNetworkPolicies, the reachability analysis leaves them out.`, 'information'));
    });
  }
}
