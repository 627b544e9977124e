// The schema node for a YAML path, described for hover and completion: description, type, enum values,
// default, and the keys an object accepts. Reads the schema validation uses (chosen by apiVersion + kind +
// Cilium version, with the same enum overlays), following `$ref`s and merging `allOf`/`anyOf`/`oneOf`
// branches.
import type { CiliumVersion } from '../types';
import { overlaidSchema, schemaEntry } from './registry';

export { schemaKinds } from './registry';

export type PathSegment = string | number;

export interface FieldInfo {
  description?: string;
}

export interface SchemaDescription {
  /** `string`, `integer`, `object`, `array of object`, `string | integer`… */
  type?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  deprecated?: string;
  /** Keys the object accepts (when it is an object with declared properties), with their descriptions. */
  properties?: Map<string, FieldInfo>;
  required?: string[];
  /** True when the object is a free-form map (labels, annotations): any key goes. */
  freeForm?: boolean;
  /** The schema of array items, described, when this is an array. */
  items?: SchemaDescription;
}

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows local `$ref`s (bounded, so a cycle cannot loop). */
function deref(root: Node, node: Node): Node {
  let n = node;
  for (let i = 0; i < 16 && typeof n.$ref === 'string'; i++) {
    const ref = n.$ref as string;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = isNode(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isNode(target)) break;
    // Keep the referring node's own description/default: they are usually more specific.
    const { $ref: _ignored, ...own } = n;
    n = { ...target, ...own };
  }
  return n;
}

/** The node and every schema it combines with (allOf/anyOf/oneOf), dereferenced. */
function branches(root: Node, node: Node, depth = 0): Node[] {
  const n = deref(root, node);
  const out = [n];
  if (depth > 4) return out;
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = n[key];
    if (Array.isArray(list)) for (const b of list) if (isNode(b)) out.push(...branches(root, b, depth + 1));
  }
  return out;
}

function childOf(root: Node, nodes: Node[], segment: PathSegment): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (typeof segment === 'number') {
      if (isNode(n.items)) out.push(...branches(root, n.items));
      continue;
    }
    const props = n.properties;
    if (isNode(props) && isNode(props[segment])) out.push(...branches(root, props[segment] as Node));
    else if (isNode(n.additionalProperties)) out.push(...branches(root, n.additionalProperties));
  }
  return out;
}

function typeText(nodes: Node[], root: Node): string | undefined {
  const types = new Set<string>();
  for (const n of nodes) {
    if (n['x-kubernetes-int-or-string'] === true || n.format === 'int-or-string') {
      types.add('integer | string');
      continue;
    }
    const t = n.type;
    const list = Array.isArray(t) ? t : typeof t === 'string' ? [t] : [];
    for (const x of list) {
      if (x === 'null') continue;
      if (x === 'array' && isNode(n.items)) {
        const inner = typeText(branches(root, n.items), root);
        types.add(inner ? `array of ${inner}` : 'array');
      } else types.add(String(x));
    }
  }
  if (types.size > 1 && types.has('integer | string')) {
    types.delete('integer');
    types.delete('string');
  }
  return types.size ? [...types].join(' | ') : undefined;
}

function describeNodes(root: Node, nodes: Node[], depth = 0): SchemaDescription | undefined {
  if (nodes.length === 0) return undefined;
  const d: SchemaDescription = {};
  d.type = typeText(nodes, root);
  for (const n of nodes) {
    if (d.description === undefined && typeof n.description === 'string' && n.description.trim()) d.description = n.description.trim();
    if (d.enum === undefined && Array.isArray(n.enum)) d.enum = n.enum.filter((v) => v !== null && v !== '');
    if (d.default === undefined && n.default !== undefined) d.default = n.default;
    if (d.deprecated === undefined && typeof n['x-deprecation-message'] === 'string') d.deprecated = n['x-deprecation-message'] as string;
    if (isNode(n.properties)) {
      d.properties ??= new Map();
      for (const [k, v] of Object.entries(n.properties)) {
        if (d.properties.has(k) || !isNode(v)) continue;
        const child = branches(root, v);
        const info: FieldInfo = {};
        for (const c of child) {
          if (info.description === undefined && typeof c.description === 'string') info.description = c.description.trim();
        }
        d.properties.set(k, info);
      }
    }
    if (Array.isArray(n.required)) d.required = [...new Set([...(d.required ?? []), ...n.required.filter((r): r is string => typeof r === 'string')])];
    if (isNode(n.additionalProperties) && !isNode(n.properties)) d.freeForm = true;
    if (depth === 0 && isNode(n.items) && !d.items) d.items = describeNodes(root, branches(root, n.items), depth + 1);
  }
  return d;
}

/**
 * Describes the schema node at `path` (keys and sequence indices from the document root) of a document of
 * this apiVersion and kind. Undefined for kinds without a schema and paths the schema does not declare.
 */
export function describeSchemaPath(apiVersion: string | undefined, kind: string | undefined, path: readonly PathSegment[], ciliumVersion: CiliumVersion = '1.18'): SchemaDescription | undefined {
  if (!apiVersion || !kind) return undefined;
  const entry = schemaEntry({ apiVersion, kind }, ciliumVersion);
  if (!entry) return undefined;
  const root = overlaidSchema(entry);
  let nodes = branches(root, root);
  for (const segment of path) {
    nodes = childOf(root, nodes, segment);
    if (nodes.length === 0) return undefined;
  }
  return describeNodes(root, nodes);
}
