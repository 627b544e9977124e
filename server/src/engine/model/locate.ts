// From a path inside a modelled object back to the YAML text it came from. The model is built from plain
// values (toPlain), so every part of it is addressed by a path of keys and indices; a Locator turns such a
// path into the span of the node in the file, for SourceRefs and findings.
import { isAlias, isMap, isScalar, isSeq, type Document, type Pair } from 'yaml';
import type { AnalyzedDocument } from '../analyze';
import { keyString, type ParsedDocument, type YamlNode } from '../parse/document';
import type { Span } from '../types';
import type { SourceRef } from './types';

export type Path = readonly (string | number)[];

/** The span of the node at `path` (relative to the located object), or undefined when it is not written. */
export type Locator = (path: Path) => SourceRef | undefined;

/** A `---` document placed in its file: what a Locator needs to find nodes and report file offsets. */
export interface DocumentPlace {
  uri: string;
  parsed: ParsedDocument;
  /** Offset of the document's chunk in the file (UTF-16). */
  offset: number;
}

export interface LocatorOptions {
  /** Path of the located object inside the document (`['items', 3]` for a List item). */
  base?: Path;
  /**
   * How a key as written appears in the plain value the caller walks: Capsule renders placeholders in
   * rawItem keys, so a rendered object's path names `team-a` where the YAML says `{{tenant.name}}`.
   */
  renderKey?: (written: string) => string;
  /** Text for nodes the parser could not read as strings (unquoted placeholders read as flow maps). */
  overrides?: ReadonlyMap<YamlNode, unknown>;
}

export interface FoundNode {
  node: YamlNode | null;
  /** The key that names the node, when its parent is a mapping. */
  keyNode?: YamlNode;
}

/** The node at `path` (aliases followed), or undefined when the path leaves the written YAML. */
export function findNode(parsed: ParsedDocument, path: Path, options: LocatorOptions = {}): FoundNode | undefined {
  const doc = parsed.doc as unknown as Document;
  let node: YamlNode | null | undefined = parsed.doc.contents as YamlNode | null;
  let keyNode: YamlNode | undefined;
  const full = options.base ? [...options.base, ...path] : path;
  const baseLength = options.base?.length ?? 0;
  for (let i = 0; i < full.length; i++) {
    const seg = full[i];
    if (isAlias(node)) node = node.resolve(doc) as YamlNode | undefined;
    if (isMap(node)) {
      const rendered = i >= baseLength ? options.renderKey : undefined;
      const pair = findPair(node.items as Pair<unknown, unknown>[], String(seg), rendered, options.overrides);
      if (!pair) return undefined;
      keyNode = pair.key as YamlNode;
      node = pair.value as YamlNode | null;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = (node as { items: unknown[] }).items[Number(seg)] as YamlNode | null | undefined;
      if (item === undefined) return undefined;
      keyNode = undefined;
      node = item;
    } else return undefined;
  }
  if (node === undefined) return undefined;
  return { node, keyNode };
}

function findPair(
  items: Pair<unknown, unknown>[],
  seg: string,
  renderKey: ((k: string) => string) | undefined,
  overrides: ReadonlyMap<YamlNode, unknown> | undefined,
): Pair<unknown, unknown> | undefined {
  for (const pair of items) {
    const override = overrides?.get(pair.key as YamlNode);
    const written = typeof override === 'string' ? override : keyString(pair.key);
    if (written === undefined) continue;
    if (written === seg || (renderKey && renderKey(written) === seg)) return pair;
  }
  return undefined;
}

/** The text a node covers, without trailing blanks; an empty value falls back to its key. */
export function nodeSpan(parsed: ParsedDocument, found: FoundNode): Span | undefined {
  const { node, keyNode } = found;
  const range = node?.range;
  if (range && range[1] > range[0] && !(isScalar(node) && node.value === null && parsed.text.slice(range[0], range[1]).trim() === '')) {
    return trimmed(parsed.text, range[0], range[1]);
  }
  if (keyNode?.range) return trimmed(parsed.text, keyNode.range[0], keyNode.range[1]);
  if (range) return { start: range[0], end: range[0] };
  return undefined;
}

/** Where a finding about the node sits: its key (one line), else the node's first line. */
export function findingSpan(parsed: ParsedDocument, found: FoundNode): Span | undefined {
  if (found.keyNode?.range) return trimmed(parsed.text, found.keyNode.range[0], found.keyNode.range[1]);
  const span = nodeSpan(parsed, found);
  if (!span) return undefined;
  const nl = parsed.text.indexOf('\n', span.start);
  return nl !== -1 && nl < span.end ? trimmed(parsed.text, span.start, nl) : span;
}

function trimmed(text: string, start: number, end: number): Span {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return { start, end: e };
}

/** A Locator over one document: spans are file offsets (the chunk's start plus the local offset). */
export function makeLocator(place: DocumentPlace, options: LocatorOptions = {}): Locator {
  return (path) => {
    const found = findNode(place.parsed, path, options);
    if (!found) return undefined;
    const span = nodeSpan(place.parsed, found);
    if (!span) return undefined;
    return { uri: place.uri, span: { start: span.start + place.offset, end: span.end + place.offset } };
  };
}

/** Like makeLocator, but for findings: the key that names the node (one line), else its first line. */
export function makeFindingLocator(place: DocumentPlace, options: LocatorOptions = {}): (path: Path) => Span | undefined {
  return (path) => {
    const found = findNode(place.parsed, path, options);
    const span = found && findingSpan(place.parsed, found);
    return span && { start: span.start + place.offset, end: span.end + place.offset };
  };
}

/** The Locator of one analysed document, as the Engine returned it (`base` for List items). */
export function documentLocator(doc: AnalyzedDocument, uri: string, base: Path = []): Locator {
  return makeLocator({ uri, parsed: doc.parsed, offset: doc.chunk.start }, { base });
}
