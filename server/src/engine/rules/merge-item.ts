// Shared by separate-ports-rule and peers-or-not-and: both repair a list item that a stray `- ` split off
// the item above it. The fix turns the item's mapping into more fields of the mapping above — removing
// the dash and re-indenting the item's lines to the columns of the keys above — and touches no other
// byte, so comments and the rest of the document stay as written.
import { isAlias, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyString, type YamlNode } from '../parse/document';
import type { Seg } from '../schema/report';
import type { TextEdit } from '../types';

/**
 * The node at `path` when every step is written where the path says, with no alias or anchor on the
 * way: an edit there would also change every other place that repeats the anchored node.
 */
export function writtenNode(root: YamlNode | null | undefined, path: readonly Seg[]): YamlNode | undefined {
  let node: YamlNode | null | undefined = root;
  for (const seg of path) {
    if (!node || isAlias(node) || (node as { anchor?: string }).anchor) return undefined;
    if (isMap(node)) {
      const pair = (node as YAMLMap<unknown, unknown>).items.find((p) => keyString(p.key) === String(seg));
      node = pair ? (pair.value as YamlNode | null) : undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = (node as YAMLSeq<unknown>).items[seg] as YamlNode | null | undefined;
    } else return undefined;
  }
  return node && !isAlias(node) && !(node as { anchor?: string }).anchor ? node : undefined;
}

/** The keys written in a mapping node, in order. */
export function writtenKeys(map: YAMLMap): string[] {
  return map.items.map((p) => keyString(p.key) ?? '');
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const column = (text: string, offset: number) => offset - lineStart(text, offset);

/**
 * Edits that make the fields of list item `item` fields of the list item `prev` just above it (the two
 * are consecutive items of one sequence). Undefined when the text has a shape the edit cannot rewrite
 * safely (a dash on its own line, an anchor or tag on the item, a comment inside a flow mapping…); the
 * caller then reports the finding without a fix.
 */
export function mergeIntoPrevious(text: string, prev: YamlNode | undefined, item: YamlNode | undefined): TextEdit[] | undefined {
  if (!isMap(prev) || !isMap(item) || !prev.range || !item.range) return undefined;
  if (prev.items.length === 0 || item.items.length === 0) return undefined;
  const prevKey = prev.items[0].key as YamlNode | null;
  const itemKey = item.items[0].key as YamlNode | null;
  if (!prevKey?.range || !itemKey?.range) return undefined;
  if (prev.flow && item.flow) return mergeFlow(text, prev, item);
  if (prev.flow || item.flow) return undefined;

  const keyStart = itemKey.range[0];
  // The dash of the item, on the same line as its first key, with nothing but spaces around it.
  let dash = keyStart - 1;
  while (dash >= 0 && text[dash] === ' ') dash--;
  if (dash < 0 || text[dash] !== '-') return undefined;
  const first = lineStart(text, dash);
  if (!/^ *$/.test(text.slice(first, dash))) return undefined;

  const target = column(text, prevKey.range[0]);
  const delta = target - column(text, keyStart);
  const edits: TextEdit[] = [{ span: { start: first, end: keyStart }, newText: ' '.repeat(target) }];
  // The item's other lines move with its first key, so nested fields keep their place under it.
  const end = item.range[1];
  let at = text.indexOf('\n', keyStart);
  while (delta !== 0 && at !== -1 && at + 1 < end) {
    const ls = at + 1;
    const next = text.indexOf('\n', ls);
    const line = text.slice(ls, next === -1 ? text.length : next);
    const indent = /^ */.exec(line)![0].length;
    if (line.trim() !== '') {
      if (delta > 0) edits.push({ span: { start: ls, end: ls }, newText: ' '.repeat(delta) });
      else if (indent >= -delta) edits.push({ span: { start: ls, end: ls - delta }, newText: '' });
      else if (line.trimStart().startsWith('#')) edits.push({ span: { start: ls, end: ls + indent }, newText: '' });
      else return undefined;
    }
    at = next;
  }
  return edits;
}

/** `{from: […]}, {ports: […]}` → `{from: […], ports: […]}`, in a flow or a block sequence. */
function mergeFlow(text: string, prev: YAMLMap, item: YAMLMap): TextEdit[] | undefined {
  const last = prev.items[prev.items.length - 1];
  const lastNode = (last.value ?? last.key) as YamlNode | null;
  const itemKey = item.items[0].key as YamlNode;
  if (!lastNode?.range || !itemKey.range) return undefined;
  const from = lastNode.range[1];
  const to = itemKey.range[0];
  // Only the closing brace, separators and the dash of a block sequence between the two; no comments.
  if (!/^\s*,?\s*\}\s*,?\s*(?:-\s+)?\{\s*$/.test(text.slice(from, to))) return undefined;
  return [{ span: { start: from, end: to }, newText: ', ' }];
}
