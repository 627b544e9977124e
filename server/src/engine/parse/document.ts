// One `---` document: parsed with the `yaml` package's CST-preserving parser, with offsets local to the
// chunk (the file-level assembler adds the chunk's start). Parsing never throws: syntax problems become
// `errors`, and converting to plain values is bounded so an alias bomb cannot exhaust memory or time.
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../types';

export type { YamlNode };

export interface SyntaxProblem {
  code: string;
  message: string;
  span: Span;
}

export interface ParsedDocument {
  /** The chunk's text; every span below is relative to it. */
  text: string;
  doc: Document.Parsed;
  errors: SyntaxProblem[];
  warnings: SyntaxProblem[];
  /** `apiVersion` and `kind` when both are plain strings at the top level. */
  apiVersion?: string;
  kind?: string;
  /** True when the document has no content at all (only comments or markers). */
  empty: boolean;
}

export function parseChunk(text: string): ParsedDocument {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      // Keep every node's range; never resolve custom tags into objects.
      keepSourceTokens: false,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
    }) as Document.Parsed;
  } catch (e) {
    // The parser is not expected to throw, but a bug there must not take the server down.
    const empty = parseDocument('') as Document.Parsed;
    return {
      text,
      doc: empty,
      errors: [{ code: 'PARSER_FAILURE', message: `The YAML parser failed: ${(e as Error).message}`, span: { start: 0, end: Math.min(text.length, 1) } }],
      warnings: [],
      empty: false,
    };
  }
  const toProblem = (e: { code: string; message: string; pos: [number, number] }): SyntaxProblem => ({
    code: e.code,
    message: cleanMessage(e.message),
    span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) },
  });
  const errors = doc.errors.map(toProblem);
  const warnings = doc.warnings.map(toProblem);
  const contents = doc.contents;
  let apiVersion: string | undefined;
  let kind: string | undefined;
  if (isMap(contents)) {
    const av = mapGet(contents, 'apiVersion');
    const k = mapGet(contents, 'kind');
    if (isScalar(av) && typeof av.value === 'string') apiVersion = av.value;
    if (isScalar(k) && typeof k.value === 'string') kind = k.value;
  }
  return { text, doc, errors, warnings, apiVersion, kind, empty: contents == null };
}

/** The library's messages end with a source excerpt on some errors; keep the sentence only. */
function cleanMessage(message: string): string {
  const firstLine = message.split('\n')[0];
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').trim();
}

export function mapGet(map: YAMLMap, key: string): YamlNode | null | undefined {
  const pair = mapPair(map, key);
  return pair ? (pair.value as YamlNode | null) : undefined;
}

export function mapPair(map: YAMLMap, key: string): Pair<YamlNode, YamlNode | null> | undefined {
  for (const item of map.items) {
    const k = item.key;
    if (isScalar(k) ? String(k.value) === key : k === key) return item as Pair<YamlNode, YamlNode | null>;
  }
  return undefined;
}

export function nodeSpan(node: YamlNode | null | undefined): Span | undefined {
  if (!node || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1] };
}

export function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return key.value == null ? '' : String(key.value);
  if (typeof key === 'string') return key;
  return undefined;
}

/** A problem found while converting a document to plain values. */
export interface ConversionProblem {
  kind: 'alias-budget' | 'too-deep' | 'unresolved-alias' | 'complex-key';
  node?: YamlNode;
}

export interface Conversion {
  value: unknown;
  /** The first problem, if any (kept for callers that only need to know whether one occurred). */
  problem?: ConversionProblem;
  /** Every problem, in document order; an alias-budget or too-deep problem ends the conversion. */
  problems: ConversionProblem[];
}

export interface ToPlainOptions {
  /** Maximum number of nodes visited, counting every alias expansion. */
  budget?: number;
  /** Values to use instead of converting these nodes (e.g. a misparsed Capsule placeholder). */
  overrides?: ReadonlyMap<YamlNode, unknown>;
}

/**
 * Converts YAML nodes to plain JSON-like values for schema validation. Aliases are followed, but the
 * number of nodes visited is bounded: a "billion laughs" document stops at the budget and reports the
 * outermost alias whose expansion ran over it. Values are YAML 1.2 core-schema scalars; keys are strings.
 */
export function toPlain(root: YamlNode | null | undefined, budgetOrOptions: number | ToPlainOptions = {}): Conversion {
  const options = typeof budgetOrOptions === 'number' ? { budget: budgetOrOptions } : budgetOrOptions;
  const budget = options.budget ?? 200_000;
  const overrides = options.overrides;
  let visited = 0;
  let exhausted = false;
  const problems: ConversionProblem[] = [];
  // The alias (as written in the document) whose expansion is being walked, if any.
  let outerAlias: YamlNode | undefined;
  const walk = (node: unknown, depth: number): unknown => {
    if (exhausted) return undefined;
    if (++visited > budget || depth > 500) {
      exhausted = true;
      problems.push({ kind: outerAlias || visited > budget ? 'alias-budget' : 'too-deep', node: outerAlias ?? (node as YamlNode) });
      return undefined;
    }
    if (node == null) return null;
    if (overrides && overrides.has(node as YamlNode)) return overrides.get(node as YamlNode);
    if (isAlias(node)) {
      const target = node.source ? findAnchor(root, node.source) : undefined;
      if (!target) {
        problems.push({ kind: 'unresolved-alias', node });
        return undefined;
      }
      const outermost = outerAlias === undefined;
      if (outermost) outerAlias = node;
      const v = walk(target, depth + 1);
      if (outermost) outerAlias = undefined;
      return v;
    }
    if (isScalar(node)) return plainScalar(node);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const k = overrides && overrides.has(pair.key as YamlNode)
          ? overrides.get(pair.key as YamlNode)
          : isAlias(pair.key) ? walk(pair.key, depth + 1) : keyString(pair.key);
        if (exhausted) return undefined;
        if (k === undefined || (typeof k === 'object' && k !== null)) {
          problems.push({ kind: 'complex-key', node: pair.key as YamlNode });
          continue;
        }
        // `<<` merge keys are a YAML 1.1 feature that Kubernetes' YAML decoder still honours.
        if (k === '<<' && !isScalar(pair.value)) {
          const merged = walk(pair.value, depth + 1);
          for (const m of Array.isArray(merged) ? merged : [merged]) {
            if (m && typeof m === 'object' && !Array.isArray(m)) {
              for (const [mk, mv] of Object.entries(m)) if (!(mk in out)) out[mk] = mv;
            }
          }
          continue;
        }
        out[String(k)] = walk(pair.value, depth + 1);
      }
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = new Array(node.items.length);
      for (let i = 0; i < node.items.length; i++) out[i] = walk(node.items[i], depth + 1);
      return out;
    }
    if (isPair(node)) return walk(node.value, depth + 1);
    return null;
  };
  const value = walk(root, 0);
  return { value: exhausted ? undefined : value, problem: problems[0], problems };
}

const anchorCache = new WeakMap<object, Map<string, YamlNode>>();

function findAnchor(root: YamlNode | null | undefined, name: string): YamlNode | undefined {
  if (!root) return undefined;
  let anchors = anchorCache.get(root);
  if (!anchors) {
    anchors = new Map();
    const stack: unknown[] = [root];
    while (stack.length) {
      const n = stack.pop();
      if (!n || typeof n !== 'object') continue;
      const anchor = (n as { anchor?: string }).anchor;
      // Later anchors of the same name override earlier ones, as in YAML; a depth-first pop order
      // visits later siblings first, so only set when absent.
      if (anchor && !anchors.has(anchor)) anchors.set(anchor, n as YamlNode);
      if (isMap(n) || isSeq(n)) {
        for (const item of n.items) stack.push(item);
      } else if (isPair(n)) {
        stack.push(n.value, n.key);
      }
    }
    anchorCache.set(root, anchors);
  }
  return anchors.get(name);
}

function plainScalar(node: Scalar): unknown {
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return '<binary>';
  if (v instanceof Date) return node.source ?? v.toISOString();
  return v;
}

/** Depth-first walk over every node with its path of keys/indices. Aliases are not followed. */
export function* walkNodes(
  node: YamlNode | null | undefined,
  path: (string | number)[] = [],
): Generator<{ node: YamlNode; path: (string | number)[]; keyNode?: YamlNode }> {
  if (!node) return;
  yield { node, path };
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = keyString(pair.key);
      if (k === undefined) continue;
      const child = pair.value as YamlNode | null;
      if (child) {
        const sub = walkNodes(child, [...path, k]);
        let first = true;
        for (const entry of sub) {
          if (first) {
            first = false;
            yield { ...entry, keyNode: pair.key as YamlNode };
          } else yield entry;
        }
      }
    }
  } else if (isSeq(node)) {
    let i = 0;
    for (const item of node.items) yield* walkNodes(item as YamlNode, [...path, i++]);
  }
}

/**
 * Finds the node at a JSON path (keys and indices) and the key node that names it. Aliases along the
 * path are followed to their anchors, so a finding lands on the text the user wrote.
 */
export function nodeAtPath(
  root: YamlNode | null | undefined,
  path: readonly (string | number)[],
): { node: YamlNode | null | undefined; keyNode?: YamlNode; parentKeyNode?: YamlNode; depth: number } {
  let node: YamlNode | null | undefined = root;
  let keyNode: YamlNode | undefined;
  let parentKeyNode: YamlNode | undefined;
  let depth = 0;
  for (const seg of path) {
    if (isAlias(node) && node.source) node = findAnchor(root, node.source);
    if (isMap(node)) {
      const pair = mapPair(node, String(seg));
      if (!pair) break;
      parentKeyNode = keyNode;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = (node as YAMLSeq).items[Number(seg)] as YamlNode | undefined;
      if (!item) break;
      parentKeyNode = keyNode;
      node = item;
    } else break;
    depth++;
  }
  return { node, keyNode, parentKeyNode, depth };
}

/** The end of the key that starts at `start`: a quoted key, or a plain one up to `: `. */
export function keyEnd(text: string, start: number): number {
  const q = text[start];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, start + 1);
    return close === -1 ? start + 1 : close + 1;
  }
  let i = start;
  while (i < text.length && text[i] !== '\n' && !(text[i] === ':' && /^(\s|$)/.test(text[i + 1] ?? ''))) i++;
  while (i > start + 1 && /\s/.test(text[i - 1])) i--;
  return Math.max(i, start + 1);
}
