// Which schema validates a document, chosen by apiVersion + kind (+ Cilium version), compiled lazily
// with ajv and cached. The generated schemas are used as they are, except for a few enums that the
// Kubernetes API server enforces in Go but the OpenAPI documents do not declare (see OVERLAYS).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SCHEMAS, type SchemaEntry } from '../../../../schemas/index';
import type { CiliumVersion } from '../types';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** What the engine knows about one apiVersion + kind. */
export interface SupportedKind {
  apiVersion: string;
  group: string;
  kind: string;
  /** Namespaces must be DNS-1123 labels; nearly everything else DNS-1123 subdomains. */
  nameRule: 'label' | 'subdomain';
  /** The API server adds a suffix to the name of objects it creates from this one. */
  maxNameLength?: number;
  namespaced: boolean;
}

export type Identification =
  | { type: 'object'; kind: SupportedKind }
  | { type: 'list'; apiVersion: string; kind: string; element?: SupportedKind }
  | { type: 'unknown-version'; group: string; kind: string; known: string[] }
  | { type: 'unsupported' };

const CLUSTER_SCOPED = new Set(['Namespace', 'Tenant', 'GlobalTenantResource', 'CiliumClusterwideNetworkPolicy']);

const byRef = new Map<string, SchemaEntry[]>();
const versionsByGroupKind = new Map<string, string[]>();
for (const e of SCHEMAS) {
  const key = `${e.apiVersion}|${e.kind}`;
  const list = byRef.get(key) ?? [];
  list.push(e);
  byRef.set(key, list);
  const gk = `${groupOf(e.apiVersion)}|${e.kind}`;
  const versions = versionsByGroupKind.get(gk) ?? [];
  if (!versions.includes(e.apiVersion)) versions.push(e.apiVersion);
  versionsByGroupKind.set(gk, versions);
}

/** Kinds that moved between API groups: an old group still names a kind we know. */
const LEGACY_GROUPS: Record<string, string[]> = {
  extensions: ['NetworkPolicy', 'Deployment', 'DaemonSet', 'ReplicaSet'],
};

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function supported(apiVersion: string, kind: string): SupportedKind | undefined {
  if (!byRef.has(`${apiVersion}|${kind}`)) return undefined;
  return {
    apiVersion,
    group: groupOf(apiVersion),
    kind,
    nameRule: kind === 'Namespace' ? 'label' : 'subdomain',
    maxNameLength: kind === 'CronJob' ? 52 : undefined,
    namespaced: !CLUSTER_SCOPED.has(kind),
  };
}

function knownVersions(apiVersion: string, kind: string): string[] | undefined {
  const group = groupOf(apiVersion);
  const direct = versionsByGroupKind.get(`${group}|${kind}`);
  if (direct) return direct;
  if (LEGACY_GROUPS[group]?.includes(kind)) {
    for (const [gk, versions] of versionsByGroupKind) if (gk.endsWith(`|${kind}`)) return versions;
  }
  return undefined;
}

/** Identifies a document (or a list item, with defaults from a typed list) by apiVersion and kind. */
export function identify(apiVersion: unknown, kind: unknown): Identification {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return { type: 'unsupported' };
  const k = supported(apiVersion, kind);
  if (k) return { type: 'object', kind: k };
  if (apiVersion === 'v1' && kind === 'List') return { type: 'list', apiVersion, kind };
  if (kind.endsWith('List') && kind.length > 4) {
    const elementKind = kind.slice(0, -4);
    const element = supported(apiVersion, elementKind);
    if (element) return { type: 'list', apiVersion, kind, element };
    const known = knownVersions(apiVersion, elementKind);
    if (known) return { type: 'unknown-version', group: groupOf(apiVersion), kind, known };
  }
  const known = knownVersions(apiVersion, kind);
  if (known) return { type: 'unknown-version', group: groupOf(apiVersion), kind, known };
  return { type: 'unsupported' };
}

// ---------------------------------------------------------------------------------------------------
// Compilation

/** Where ajv's custom deprecation keyword reports: set around one validation call. */
let deprecationSink: { instancePath: string; message: string }[] | undefined;

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, addUsedSchema: false });
  addFormats(a);
  // CIDRs get their own rule (invalid-cidr) with Kubernetes' and Cilium's exact parsing; the format
  // check here would only duplicate it with a vaguer message.
  a.addFormat('cidr', true);
  a.addFormat('int-or-string', true);
  a.addFormat('idn-hostname', true);
  // `deprecated` itself is an ajv annotation keyword; the generator puts the replacement next to it.
  a.addKeyword({
    keyword: 'x-deprecation-message',
    schemaType: 'string',
    errors: false,
    validate: (message: string, data: unknown, _parent: unknown, cxt?: { instancePath: string }) => {
      if (deprecationSink && data != null && cxt) deprecationSink.push({ instancePath: cxt.instancePath, message });
      return true;
    },
  });
  ajvInstance = a;
  return a;
}

export interface CompiledSchema {
  entry: SchemaEntry;
  validate: ValidateFunction;
}

const compiled = new Map<string, CompiledSchema>();

/** The schema entry for apiVersion + kind: the one for the configured Cilium version, if it differs. */
export function schemaEntry(kind: KindRef, ciliumVersion: CiliumVersion): SchemaEntry | undefined {
  const entries = byRef.get(`${kind.apiVersion}|${kind.kind}`);
  if (!entries) return undefined;
  return entries.find((e) => !e.ciliumVersion || e.ciliumVersion === ciliumVersion) ?? entries[0];
}

/** The apiVersions and kinds the engine has schemas for, in the order of SCHEMAS. */
export function schemaKinds(): KindRef[] {
  return [...byRef.values()].map(([e]) => ({ apiVersion: e.apiVersion, kind: e.kind }));
}

export function schemaFor(kind: KindRef, ciliumVersion: CiliumVersion): CompiledSchema | undefined {
  const entry = schemaEntry(kind, ciliumVersion);
  if (!entry) return undefined;
  const key = `${entry.file}`;
  let c = compiled.get(key);
  if (!c) {
    const a = ajv();
    const schema = applyOverlays(structuredClone(entry.schema)) as Record<string, unknown>;
    if (sharedDefinitions(a)) {
      rewriteRefs(schema);
      delete schema.definitions;
    }
    c = { entry, validate: a.compile(schema) };
    compiled.set(key, c);
  }
  return c;
}

// The generated schemas are self-contained, so each repeats the Kubernetes definitions it uses (ObjectMeta,
// PodSpec…). When every copy of a definition is identical, they are registered once and shared, so a
// PodSpec is compiled once for Pods, Deployments, Jobs and the rest instead of once per kind.
const SHARED_ID = 'tenant-policy:definitions';
let shared: boolean | undefined;

function sharedDefinitions(a: Ajv): boolean {
  if (shared !== undefined) return shared;
  const definitions: Record<string, unknown> = {};
  const texts = new Map<string, string>();
  shared = true;
  for (const e of SCHEMAS) {
    for (const [name, def] of Object.entries((e.schema.definitions ?? {}) as Record<string, unknown>)) {
      const text = JSON.stringify(def);
      const seen = texts.get(name);
      if (seen === undefined) {
        texts.set(name, text);
        definitions[name] = def;
      } else if (seen !== text) shared = false;
    }
  }
  if (shared) {
    const schema = applyOverlays(structuredClone({ $id: SHARED_ID, definitions }));
    rewriteRefs(schema);
    a.addSchema(schema);
  }
  return shared;
}

function rewriteRefs(node: unknown): void {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    const ref = (n as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) (n as { $ref: string }).$ref = `${SHARED_ID}${ref}`;
    for (const v of Object.values(n)) if (v && typeof v === 'object') stack.push(v);
  }
}

/** `v1 List` and typed lists (PodList…): ListMeta plus items; each item is validated on its own. */
const LIST_SCHEMA = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: {
      type: 'object',
      properties: {
        continue: { type: 'string' },
        remainingItemCount: { type: 'integer', format: 'int64' },
        resourceVersion: { type: 'string' },
        selfLink: { type: 'string' },
      },
      additionalProperties: false,
    },
    items: { type: 'array', items: { type: 'object' } },
  },
  required: ['items'],
  additionalProperties: false,
};

let listValidator: CompiledSchema | undefined;

export function listSchema(): CompiledSchema {
  listValidator ??= {
    entry: { apiVersion: 'v1', kind: 'List', file: 'list', schema: LIST_SCHEMA },
    validate: ajv().compile(LIST_SCHEMA),
  };
  return listValidator;
}

export interface RunResult {
  errors: ErrorObject[];
  deprecations: { instancePath: string; message: string }[];
}

export function runSchema(schema: CompiledSchema, value: unknown): RunResult {
  const deprecations: { instancePath: string; message: string }[] = [];
  deprecationSink = deprecations;
  try {
    const ok = schema.validate(value);
    return { errors: ok ? [] : [...(schema.validate.errors ?? [])], deprecations };
  } finally {
    deprecationSink = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Overlays: enums that the API server checks in Go code. Matched on the field's name and upstream
// description so that they apply to the same types wherever a CRD embeds them.

interface Overlay {
  property: string;
  description: RegExp;
  apply: (prop: Record<string, unknown>) => void;
}

const OVERLAYS: Overlay[] = [
  // pkg/apis/networking/validation ValidateNetworkPolicyPort (an empty protocol is rejected).
  {
    property: 'protocol',
    description: /\(TCP, UDP, or SCTP\)/,
    apply: (p) => {
      p.enum ??= ['TCP', 'UDP', 'SCTP'];
    },
  },
  // pkg/apis/core/validation validateContainerPorts (an empty protocol is defaulted to TCP first).
  {
    property: 'protocol',
    description: /Must be UDP, TCP, or SCTP/,
    apply: (p) => {
      p.enum ??= ['TCP', 'UDP', 'SCTP', ''];
    },
  },
  // apimachinery pkg/apis/meta/v1/validation ValidateLabelSelectorRequirement.
  {
    property: 'operator',
    description: /Valid operators are In, NotIn, Exists and DoesNotExist\./,
    apply: (p) => {
      p.enum ??= ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    },
  },
  // pkg/apis/core/validation ValidateNodeSelectorRequirement.
  {
    property: 'operator',
    description: /Valid operators are In, NotIn, Exists, DoesNotExist\. Gt, and Lt\./,
    apply: (p) => {
      p.enum ??= ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
    },
  },
  // pkg/apis/networking/validation ValidateNetworkPolicySpec ("may not specify more than two policyTypes").
  {
    property: 'policyTypes',
    description: /rule types that the NetworkPolicy relates to/,
    apply: (p) => {
      const items = p.items as Record<string, unknown> | undefined;
      if (items && !items.enum) items.enum = ['Ingress', 'Egress'];
      p.maxItems ??= 2;
    },
  },
];

const described = new Map<string, Record<string, unknown>>();

/**
 * The entry's schema with the overlays applied, for describing fields (hover, completion): the same
 * enums validation enforces. Cached and shared: callers must not change it.
 */
export function overlaidSchema(entry: SchemaEntry): Record<string, unknown> {
  let s = described.get(entry.file);
  if (!s) {
    s = applyOverlays(structuredClone(entry.schema)) as Record<string, unknown>;
    described.set(entry.file, s);
  }
  return s;
}

function applyOverlays<T>(schema: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [schema];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
    if (props && typeof props === 'object') {
      for (const o of OVERLAYS) {
        const p = props[o.property];
        if (p && typeof p.description === 'string' && o.description.test(p.description)) o.apply(p);
      }
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return schema;
}
