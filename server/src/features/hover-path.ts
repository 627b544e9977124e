// The YAML node under an offset, with its path from the document root: which key or value the user hovers.
import { isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { keyString } from '../engine/parse/document';
import type { PathSegment } from '../engine/schema/describe';

export interface HoverTarget {
  /** Path to the hovered key's value (or the hovered item). */
  path: PathSegment[];
  /** The hovered key's name (when on a key or its value). */
  key?: string;
  onKey: boolean;
  /** Span (chunk offsets) of the hovered key or scalar. */
  span: { start: number; end: number };
  /** The hovered value when it is a scalar. */
  scalar?: unknown;
}

function range(n: unknown): [number, number] | undefined {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

function inside(n: unknown, offset: number): boolean {
  const r = range(n);
  return !!r && offset >= r[0] && offset <= r[1];
}

/** The deepest key or scalar at `offset` in a parsed document's root node. */
export function hoverTarget(root: YamlNode | null | undefined, offset: number): HoverTarget | undefined {
  let node: unknown = root;
  const path: PathSegment[] = [];
  for (let depth = 0; depth < 200 && node; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => inside(p.key, offset) || inside(p.value, offset));
      if (!pair) return undefined;
      const key = keyString(pair.key);
      if (key === undefined) return undefined;
      if (inside(pair.key, offset)) {
        const r = range(pair.key)!;
        return { path: [...path, key], key, onKey: true, span: { start: r[0], end: r[1] } };
      }
      path.push(key);
      if (isScalar(pair.value)) {
        const r = range(pair.value)!;
        return { path, key, onKey: false, span: { start: r[0], end: r[1] }, scalar: pair.value.value };
      }
      node = pair.value;
      continue;
    }
    if (isSeq(node)) {
      const i = node.items.findIndex((it) => inside(it, offset));
      if (i < 0) return undefined;
      path.push(i);
      const item = node.items[i];
      if (isScalar(item)) {
        const r = range(item)!;
        const key = [...path].reverse().find((p): p is string => typeof p === 'string');
        return { path, key, onKey: false, span: { start: r[0], end: r[1] }, scalar: item.value };
      }
      node = isPair(item) ? item.value : item;
      continue;
    }
    return undefined;
  }
  return undefined;
}
