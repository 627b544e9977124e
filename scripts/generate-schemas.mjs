#!/usr/bin/env node
// Generates the JSON Schemas under schemas/ (and schemas/index.ts) from the upstream reference data in
// ../shared/upstream (override with env TENANT_POLICY_UPSTREAM). Usage:
//   node scripts/generate-schemas.mjs [--out DIR]        (default DIR: <repoRoot>/schemas)
// The output is deterministic: the same upstream files always give the same bytes.
// schemas/config/ is not generated here and is never touched.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

const SCRIPT = 'scripts/generate-schemas.mjs';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------------
// Provenance (facts from ../shared/upstream/SOURCES.md)
// ---------------------------------------------------------------------------------------------------------

const K8S = { repo: 'kubernetes/kubernetes', ref: 'release-1.35', licence: 'Apache-2.0', upstreamDir: 'api/openapi-spec/v3' };
const CAPSULE = {
  repo: 'projectcapsule/capsule',
  ref: '65a4e19e028fbbb2703b888d81f02035cf36cefa',
  tag: 'v0.14.0',
  licence: 'Apache-2.0',
  upstreamDir: 'charts/capsule/crds',
};
const CILIUM = {
  '1.18': { repo: 'cilium/cilium', ref: '6bf2fe83d2fce50283b702d96c6190f7693dc224', tag: 'v1.18.10', licence: 'Apache-2.0', dir: 'cilium/v1.18.10' },
  '1.20': { repo: 'cilium/cilium', ref: '7527a668e91cef146ce6b4f7278fd822e1a868f3', tag: 'v1.20.0-pre.4', licence: 'Apache-2.0', dir: 'cilium/v1.20.0-pre.4' },
};
const CILIUM_UPSTREAM_DIR = 'pkg/k8s/apis/cilium.io/client/crds/v2';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const OBJECT_META_SOURCE = 'kubernetes/api__v1_openapi.json';

/** Every kind generated: where its schema comes from and where it goes. */
export const KINDS = [
  ...[
    ['kubernetes/api__v1_openapi.json', 'v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'],
    ['kubernetes/api__v1_openapi.json', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
    ['kubernetes/apis__apps__v1_openapi.json', 'apps/v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['kubernetes/apis__apps__v1_openapi.json', 'apps/v1', 'StatefulSet', 'io.k8s.api.apps.v1.StatefulSet'],
    ['kubernetes/apis__apps__v1_openapi.json', 'apps/v1', 'DaemonSet', 'io.k8s.api.apps.v1.DaemonSet'],
    ['kubernetes/apis__apps__v1_openapi.json', 'apps/v1', 'ReplicaSet', 'io.k8s.api.apps.v1.ReplicaSet'],
    ['kubernetes/apis__batch__v1_openapi.json', 'batch/v1', 'Job', 'io.k8s.api.batch.v1.Job'],
    ['kubernetes/apis__batch__v1_openapi.json', 'batch/v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
    ['kubernetes/apis__networking.k8s.io__v1_openapi.json', 'networking.k8s.io/v1', 'NetworkPolicy', 'io.k8s.api.networking.v1.NetworkPolicy'],
  ].map(([file, apiVersion, kind, component]) => ({
    type: 'openapi',
    file,
    apiVersion,
    kind,
    component,
    source: { ...K8S, path: `${K8S.upstreamDir}/${path.posix.basename(file)}` },
  })),
  ...[
    ['capsule/capsule.clastix.io_tenants.yaml', 'v1beta1', 'Tenant'],
    ['capsule/capsule.clastix.io_tenants.yaml', 'v1beta2', 'Tenant'],
    ['capsule/capsule.clastix.io_tenantresources.yaml', 'v1beta2', 'TenantResource'],
    ['capsule/capsule.clastix.io_globaltenantresources.yaml', 'v1beta2', 'GlobalTenantResource'],
  ].map(([file, version, kind]) => ({
    type: 'crd',
    file,
    apiVersion: `capsule.clastix.io/${version}`,
    kind,
    crdVersion: version,
    source: { ...CAPSULE, path: `${CAPSULE.upstreamDir}/${path.posix.basename(file)}` },
  })),
  ...Object.entries(CILIUM).flatMap(([ciliumVersion, c]) =>
    [
      ['ciliumnetworkpolicies.yaml', 'CiliumNetworkPolicy'],
      ['ciliumclusterwidenetworkpolicies.yaml', 'CiliumClusterwideNetworkPolicy'],
    ].map(([base, kind]) => ({
      type: 'crd',
      file: `${c.dir}/${base}`,
      apiVersion: 'cilium.io/v2',
      kind,
      crdVersion: 'v2',
      ciliumVersion,
      source: { repo: c.repo, ref: c.ref, tag: c.tag, licence: c.licence, path: `${CILIUM_UPSTREAM_DIR}/${base}` },
    })),
  ),
];

/** Output path of a kind, relative to the output folder (always with forward slashes). */
export function outputFile(k) {
  const [group, version] = k.apiVersion.includes('/') ? k.apiVersion.split('/') : ['core', k.apiVersion];
  const suffix = k.ciliumVersion ? `.cilium-${k.ciliumVersion}` : '';
  return `${group}/${version}/${k.kind.toLowerCase()}${suffix}.json`;
}

// ---------------------------------------------------------------------------------------------------------
// Schema transformation
// ---------------------------------------------------------------------------------------------------------

// Keywords whose value is a map of name -> schema.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
// Keywords whose value is a schema (or a boolean), never walked when it is a boolean.
const SCHEMA_SINGLE = new Set(['additionalProperties', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']);
// Keywords whose value is a list of schemas.
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const typesOf = (s) => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

/** `[{type: integer}, {type: string}]` in either order and nothing else. */
function isIntOrStringAlternatives(list) {
  if (!Array.isArray(list) || list.length !== 2) return false;
  const types = list.map((b) => (isObj(b) && Object.keys(b).length === 1 && typeof b.type === 'string' ? b.type : null));
  return types.includes('integer') && types.includes('string');
}

// --- deprecation ------------------------------------------------------------------------------------------

// A description marks its field deprecated when it contains one of these. They are deliberately narrow, so
// that a description mentioning a deprecated *value* ("Recycle (deprecated)") or a deprecated *annotation*
// ("the annotation is officially deprecated") does not mark the field itself.
const DEPRECATION_MARKERS = [
  /^\s*deprecated\b/i, //                  "Deprecated: Use Tenant Replications instead", "Deprecated.", "DEPRECATED: …"
  /(?:^|\s)(?:Deprecated|DEPRECATED)[:.]/, // "… pod. Deprecated: AzureDisk is deprecated. …"
  /\bis a deprecated alias\b/, //            "DeprecatedServiceAccount is a deprecated alias for ServiceAccountName."
  /\(Deprecated\)\s*$/, //                   Capsule: "List of namespaces assigned to the Tenant. (Deprecated)"
  /\b(?:should be considered as|now is) deprecated\s*\.?\s*$/, // "… for Flocker should be considered as deprecated"
];

/**
 * If `description` says that the field it describes is deprecated, the sentence(s) saying so (and what to
 * use instead); otherwise undefined.
 */
export function deprecationMessage(description) {
  if (typeof description !== 'string') return undefined;
  const paragraphs = description.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  for (const para of paragraphs) {
    if (!DEPRECATION_MARKERS.some((re) => re.test(para))) continue;
    if (/^deprecated\b/i.test(para)) return oneLine(para);
    if (/\(Deprecated\)\s*$/.test(para)) return oneLine(para);
    // Start at the sentence that first talks about deprecation, or at a "Deprecated:" label inside a sentence
    // (Kubernetes sometimes omits the full stop before it), whichever comes first.
    const starts = [];
    const label = para.search(/(?:^|\s)(?:Deprecated|DEPRECATED)[:.]/);
    if (label >= 0) starts.push(label);
    const sentences = [...para.matchAll(/[^.]*?(?:\.(?=\s|$)|$)/g)];
    for (const m of sentences) {
      if (!m[0] || !/deprecat/i.test(m[0])) continue;
      // A sentence that runs into the label ("… "Proposed" Deprecated: …") starts at the label.
      if (!(label >= 0 && m.index + m[0].length > label)) starts.push(m.index);
      break;
    }
    const start = Math.min(...starts);
    return oneLine(para.slice(start));
  }
  return undefined;
}

const oneLine = (s) => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * Transforms one (sub)schema, recursively. `ctx.refPrefix` is the prefix refs are rewritten from (the
 * OpenAPI `#/components/schemas/`); `ctx.report` collects notes about what was changed.
 *
 *  - single-element `allOf: [{$ref}]` → `$ref` (siblings such as description/default kept);
 *  - `$ref: #/components/schemas/X` → `#/definitions/X`;
 *  - `x-kubernetes-int-or-string` (and the IntOrString definition) → `type: [integer, string]`;
 *  - `nullable: true` → `null` added to `type` (and to `enum`);
 *  - typed objects with `properties` and no `additionalProperties` → `additionalProperties: false`, unless
 *    `x-kubernetes-preserve-unknown-fields: true`;
 *  - with `ctx.dropRequiredWithDefault` (CRDs): `required` entries whose property has a `default` are
 *    dropped (the API server applies CRD defaults before validating). Not for the Kubernetes OpenAPI: there
 *    every non-pointer Go field carries its zero value as `default` (`name: {default: ""}`), which the API
 *    server does not apply — a Container without `name` is still rejected;
 *  - deprecated fields get `deprecated: true` and `x-deprecation-message`.
 */
export function transformSchema(schema, ctx = {}, where = '#') {
  if (!isObj(schema)) return schema;
  const refPrefix = ctx.refPrefix ?? '#/components/schemas/';
  const report = ctx.report ?? { deprecated: [], droppedRequired: [], patterns: [] };
  const s = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'allOf' && Array.isArray(value) && value.length === 1 && isObj(value[0]) && Object.keys(value[0]).length === 1 && typeof value[0].$ref === 'string') {
      s.$ref = rewriteRef(value[0].$ref, refPrefix);
    } else if (key === '$ref' && typeof value === 'string') {
      s.$ref = rewriteRef(value, refPrefix);
    } else if (SCHEMA_MAPS.has(key) && isObj(value)) {
      s[key] = {};
      for (const [name, sub] of Object.entries(value)) s[key][name] = transformSchema(sub, ctx, `${where}/${key}/${name}`);
    } else if (SCHEMA_SINGLE.has(key) && isObj(value)) {
      s[key] = transformSchema(value, ctx, `${where}/${key}`);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      s[key] = value.map((sub, i) => transformSchema(sub, ctx, `${where}/${key}/${i}`));
    } else if (key === 'items') {
      s[key] = Array.isArray(value) ? value.map((sub, i) => transformSchema(sub, ctx, `${where}/items/${i}`)) : transformSchema(value, ctx, `${where}/items`);
    } else if (key === 'pattern' && typeof value === 'string') {
      const js = translatePattern(value);
      if (js !== value) report.patterns?.push(`${where}: ${value} -> ${js}`);
      s[key] = js;
    } else {
      s[key] = value;
    }
  }

  // int-or-string: CRDs say `x-kubernetes-int-or-string: true` with an `anyOf` of integer/string; the
  // Kubernetes OpenAPI's IntOrString definition says `format: int-or-string` with a `oneOf` of the same.
  const intOrString = s['x-kubernetes-int-or-string'] === true || (s.format === 'int-or-string' && isIntOrStringAlternatives(s.oneOf));
  if (intOrString) {
    for (const k of ['anyOf', 'oneOf']) if (isIntOrStringAlternatives(s[k])) delete s[k];
    setType(s, ['integer', 'string']);
  }

  if (s.nullable === true) {
    const types = typesOf(s);
    if (types.length && !types.includes('null')) setType(s, [...types, 'null']);
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
    delete s.nullable;
  } else if (s.nullable === false) {
    delete s.nullable;
  }

  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (typesOf(s).includes('object') && isObj(s.properties) && s.additionalProperties === undefined && !preserve) {
    insertAfter(s, 'properties', 'additionalProperties', false);
  }

  if (ctx.dropRequiredWithDefault && Array.isArray(s.required) && isObj(s.properties)) {
    const kept = s.required.filter((name) => !(isObj(s.properties[name]) && s.properties[name].default !== undefined));
    for (const name of s.required) if (!kept.includes(name)) report.droppedRequired.push(`${where}/properties/${name}`);
    if (kept.length) s.required = kept;
    else delete s.required;
  }

  const message = deprecationMessage(s.description);
  if (message !== undefined) {
    insertAfter(s, 'description', 'deprecated', true);
    insertAfter(s, 'deprecated', 'x-deprecation-message', message);
    report.deprecated.push(where);
  }
  return s;
}

/**
 * Translates an upstream `pattern` (Go RE2 syntax: the API server checks CRD patterns with Go's regexp) to an
 * ECMAScript regular expression with the same language, for ajv (which compiles patterns with the `u` flag):
 *  - `\pX` / `\PX` (one-letter Unicode class, e.g. Cilium's `^\PC*$`) → `\p{X}` / `\P{X}`;
 *  - `([chars]+[.]?)+` / `([chars]+\.?)+` (Cilium DNS/FQDN names; `chars` without `.`) → the unambiguous
 *    `[chars]+(?:\.[chars]+)*\.?`. RE2 runs in linear time, but JavaScript backtracks exponentially on
 *    the nested quantifiers: 30 characters and one bad one at the end take seconds, which would freeze the
 *    language server while a user types a host name.
 * Both forms accept exactly the same strings as the original (checked in test/schemas/patterns.test.ts).
 */
export function translatePattern(pattern) {
  let p = pattern.replace(/(^|[^\\])((?:\\\\)*)\\([pP])([A-Z])/g, (_m, pre, bs, pp, cls) => `${pre}${bs}\\${pp}{${cls}}`);
  p = p.replace(/\((\[[^\]\\.]*\])\+(?:\[\.\]|\\\.)\?\)\+/g, (_m, cls) => `${cls}+(?:\\.${cls}+)*\\.?`);
  return p;
}

function rewriteRef(ref, refPrefix) {
  return ref.startsWith(refPrefix) ? `#/definitions/${ref.slice(refPrefix.length)}` : ref;
}

/** Sets `type`, keeping its position if it already exists. */
function setType(s, types) {
  const value = types.length === 1 ? types[0] : types;
  if ('type' in s) s.type = value;
  else insertAfter(s, 'description', 'type', value);
}

/** Inserts `key` right after `afterKey` (or at the end when `afterKey` is absent), in place. */
function insertAfter(obj, afterKey, key, value) {
  if (!(afterKey in obj) || key in obj) {
    obj[key] = value;
    return;
  }
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) {
    obj[k] = v;
    if (k === afterKey) obj[key] = value;
  }
}

/** Names of the `#/definitions/X` refs in a transformed schema. */
function collectRefs(schema, out = new Set()) {
  if (Array.isArray(schema)) {
    for (const v of schema) collectRefs(v, out);
  } else if (isObj(schema)) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) out.add(v.slice('#/definitions/'.length));
      else if (k === 'enum' || k === 'default' || k === 'example' || k === 'x-kubernetes-validations') continue;
      else collectRefs(v, out);
    }
  }
  return out;
}

// Kubernetes definitions that are nullable on the wire although the OpenAPI does not say so: metav1.Time and
// MicroTime marshal their zero value as JSON null, which is why `kubectl create --dry-run=client -o yaml` writes
// `creationTimestamp: null` — manifests the API server accepts. They get the `nullable: true` treatment.
const NULLABLE_DEFINITIONS = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']);

/** The transformed definitions reachable from `roots`, sorted by name. */
function reachableDefinitions(components, roots, ctx, prefix) {
  const defs = new Map();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.shift();
    if (defs.has(name)) continue;
    const raw = components[name];
    if (!raw) throw new Error(`${prefix}: $ref to unknown component ${name}`);
    const t = transformSchema(NULLABLE_DEFINITIONS.has(name) ? { ...raw, nullable: true } : raw, ctx, `#/definitions/${name}`);
    defs.set(name, t);
    for (const r of collectRefs(t)) if (!defs.has(r)) queue.push(r);
  }
  return Object.fromEntries([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------------------
// Loading upstream files
// ---------------------------------------------------------------------------------------------------------

function makeLoader(upstream) {
  const cache = new Map();
  return (rel) => {
    if (cache.has(rel)) return cache.get(rel);
    const abs = path.join(upstream, rel);
    let text;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      throw new Error(`cannot read upstream file ${abs}: ${e.message}`);
    }
    let data;
    if (rel.endsWith('.json')) {
      data = JSON.parse(text);
    } else {
      const docs = parseAllDocuments(text, { prettyErrors: true });
      const errors = docs.flatMap((d) => d.errors);
      if (errors.length) throw new Error(`${abs}: ${errors[0].message}`);
      data = docs.map((d) => d.toJS({ maxAliasCount: -1 })).filter((d) => d != null);
    }
    cache.set(rel, data);
    return data;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Building one kind
// ---------------------------------------------------------------------------------------------------------

function sourceRecord(file, src) {
  const rec = { file, repo: src.repo, ref: src.ref };
  if (src.tag) rec.tag = src.tag;
  rec.path = src.path;
  rec.licence = src.licence;
  return rec;
}

function sourcePhrase(file, src) {
  return `${file} (${src.repo} @ ${src.ref}${src.tag ? ` (${src.tag})` : ''}, ${src.licence})`;
}

function header(k, extra) {
  const from = [sourcePhrase(k.file, k.source)];
  if (extra) from.push(`metadata from ${sourcePhrase(extra.file, extra.source)}`);
  const h = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `Generated by ${SCRIPT} from ${from.join('; ')}. Do not edit by hand; run npm run schemas.`,
    title: `${k.apiVersion} ${k.kind}`,
    'x-tenant-policy-source': sourceRecord(k.file, k.source),
  };
  if (extra) h['x-tenant-policy-metadata-source'] = sourceRecord(extra.file, extra.source);
  if (k.ciliumVersion) h['x-tenant-policy-cilium-version'] = k.ciliumVersion;
  return h;
}

/** Drops keys that would clash with the header from an upstream root schema. */
function withoutHeaderKeys(s) {
  const { $schema, $comment, title, ...rest } = s;
  return rest;
}

function buildOpenApiKind(k, load, report) {
  const doc = load(k.file);
  const components = doc.components?.schemas ?? {};
  if (!components[k.component]) throw new Error(`${k.file}: no component ${k.component}`);
  const ctx = { refPrefix: '#/components/schemas/', report };
  const root = transformSchema(components[k.component], ctx, '#');
  const gvk = root['x-kubernetes-group-version-kind'];
  const [group, version] = k.apiVersion.includes('/') ? k.apiVersion.split('/') : ['', k.apiVersion];
  if (!Array.isArray(gvk) || !gvk.some((g) => g.group === group && g.version === version && g.kind === k.kind)) {
    throw new Error(`${k.file}: ${k.component} is not ${k.apiVersion} ${k.kind}`);
  }
  const definitions = reachableDefinitions(components, collectRefs(root), ctx, k.file);
  return { ...header(k), ...withoutHeaderKeys(root), definitions };
}

function buildCrdKind(k, load, report) {
  const docs = load(k.file);
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition');
  if (!crd) throw new Error(`${k.file}: no CustomResourceDefinition`);
  const group = k.apiVersion.split('/')[0];
  if (crd.spec.group !== group || crd.spec.names.kind !== k.kind) {
    throw new Error(`${k.file}: CRD is ${crd.spec.group} ${crd.spec.names.kind}, expected ${group} ${k.kind}`);
  }
  const ver = crd.spec.versions.find((v) => v.name === k.crdVersion);
  const raw = ver?.schema?.openAPIV3Schema;
  if (!raw) throw new Error(`${k.file}: no openAPIV3Schema for version ${k.crdVersion}`);

  // metadata: the CRD says just `{type: object}`; validate it like the API server does, with ObjectMeta.
  const metaSource = KINDS.find((x) => x.file === OBJECT_META_SOURCE).source;
  const k8s = load(OBJECT_META_SOURCE).components.schemas;
  const objectMeta = k8s[OBJECT_META];
  const upstreamMeta = raw.properties?.metadata;
  if (!isObj(upstreamMeta) || upstreamMeta.type !== 'object' || upstreamMeta.properties) {
    throw new Error(`${k.file}: unexpected root metadata schema ${JSON.stringify(upstreamMeta)}`);
  }
  const metaProp = {
    description:
      upstreamMeta.description ??
      "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    $ref: `#/definitions/${OBJECT_META}`,
  };
  const withMeta = { ...raw, properties: { ...raw.properties, metadata: null } };

  const root = transformSchema(withMeta, { refPrefix: '#/components/schemas/', report, dropRequiredWithDefault: true }, '#');
  root.properties.metadata = { $ref: metaProp.$ref, description: metaProp.description };
  if (!objectMeta) throw new Error(`${OBJECT_META_SOURCE}: no ${OBJECT_META}`);
  const definitions = reachableDefinitions(k8s, [OBJECT_META], { refPrefix: '#/components/schemas/', report }, OBJECT_META_SOURCE);
  return { ...header(k, { file: OBJECT_META_SOURCE, source: metaSource }), ...withoutHeaderKeys(root), definitions };
}

// ---------------------------------------------------------------------------------------------------------
// index.ts
// ---------------------------------------------------------------------------------------------------------

function collectFormats(schema, out) {
  if (Array.isArray(schema)) for (const v of schema) collectFormats(v, out);
  else if (isObj(schema)) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'format' && typeof v === 'string') out.add(v);
      else if (k === 'enum' || k === 'default' || k === 'example' || k === 'x-kubernetes-validations') continue;
      else collectFormats(v, out);
    }
  }
  return out;
}

function renderIndex(entries, formats) {
  const ident = (file) => file.replace(/\.json$/, '').replace(/[^A-Za-z0-9]+/g, '_');
  const lines = [
    `// Generated by ${SCRIPT}. Do not edit by hand; run npm run schemas.`,
    '// One JSON Schema (draft-07, self-contained) per apiVersion/kind; Cilium kinds once per Cilium version.',
    '',
  ];
  for (const e of entries) lines.push(`import ${ident(e.file)} from './${e.file}';`);
  lines.push(
    '',
    'export interface SchemaEntry {',
    '  apiVersion: string;',
    '  kind: string;',
    "  ciliumVersion?: '1.18' | '1.20';",
    '  file: string;',
    '  schema: any;',
    '}',
    '',
    'export const SCHEMAS: SchemaEntry[] = [',
  );
  for (const e of entries) {
    const cv = e.ciliumVersion ? ` ciliumVersion: '${e.ciliumVersion}',` : '';
    lines.push(`  { apiVersion: '${e.apiVersion}', kind: '${e.kind}',${cv} file: '${e.file}', schema: ${ident(e.file)} },`);
  }
  lines.push(
    '];',
    '',
    '/** Every `format` used by the schemas (register them with ajv, e.g. `ajv.addFormat(name, true)` for unknown ones). */',
    `export const FORMATS: string[] = ${JSON.stringify([...formats].sort())};`,
    '',
  );
  return lines.join('\n').replace(/"/g, "'");
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

export function generate({ upstream, out, log = () => {} }) {
  const load = makeLoader(upstream);
  const files = new Map(); // relative path -> content
  const reports = [];
  const formats = new Set();
  for (const k of KINDS) {
    const report = { deprecated: [], droppedRequired: [], patterns: [] };
    const started = Date.now();
    const schema = k.type === 'openapi' ? buildOpenApiKind(k, load, report) : buildCrdKind(k, load, report);
    const rel = outputFile(k);
    collectFormats(schema, formats);
    files.set(rel, JSON.stringify(schema, null, 2) + '\n');
    reports.push({ kind: k, file: rel, report, ms: Date.now() - started });
  }
  const entries = KINDS.map((k) => ({ ...k, file: outputFile(k) })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  files.set('index.ts', renderIndex(entries, formats));

  // Write, then remove generated files that are no longer produced (never anything under config/).
  fs.mkdirSync(out, { recursive: true });
  for (const [rel, content] of files) {
    const abs = path.join(out, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (!fs.existsSync(abs) || fs.readFileSync(abs, 'utf8') !== content) fs.writeFileSync(abs, content);
  }
  for (const rel of listFiles(out)) {
    if (rel.startsWith('config/') || files.has(rel)) continue;
    if (rel.endsWith('.json') || rel === 'index.ts') {
      fs.unlinkSync(path.join(out, ...rel.split('/')));
      log(`removed stale ${rel}`);
    }
  }
  removeEmptyDirs(out, true);
  for (const r of reports) log(`${r.file}  ${files.get(r.file).length} bytes  (${r.report.deprecated.length} deprecated, ${r.report.droppedRequired.length} required-with-default dropped)`);
  return { files: [...files.keys()], reports };
}

/** Relative paths (forward slashes) of all files under dir, sorted. */
export function listFiles(dir, base = dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listFiles(abs, base));
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}

function removeEmptyDirs(dir, isRoot) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.isDirectory() && !(isRoot && ent.name === 'config')) removeEmptyDirs(path.join(dir, ent.name), false);
  }
  if (!isRoot && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

function parseArgs(argv) {
  const args = { out: path.join(repoRoot, 'schemas'), verbose: false, report: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) args.out = path.resolve(argv[++i]);
    else if (a.startsWith('--out=')) args.out = path.resolve(a.slice('--out='.length));
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--report') args.report = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node scripts/generate-schemas.mjs [--out DIR] [--verbose] [--report]\n');
      process.exit(0);
    } else {
      process.stderr.write(`generate-schemas: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return args;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const upstream = path.resolve(process.env.TENANT_POLICY_UPSTREAM || path.resolve(repoRoot, '../shared/upstream'));
  try {
    const { files, reports } = generate({ upstream, out: args.out, log: args.verbose ? (m) => process.stdout.write(m + '\n') : undefined });
    if (args.report) {
      for (const r of reports) {
        process.stdout.write(`\n${r.file}\n`);
        for (const p of r.report.deprecated) process.stdout.write(`  deprecated: ${p}\n`);
        for (const p of r.report.droppedRequired) process.stdout.write(`  required dropped (has default): ${p}\n`);
        for (const p of r.report.patterns) process.stdout.write(`  pattern translated: ${p}\n`);
      }
    }
    process.stdout.write(`generate-schemas: wrote ${files.length} files to ${path.relative(process.cwd(), args.out) || '.'}\n`);
  } catch (e) {
    process.stderr.write(`generate-schemas: ${e.message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
