// Style-preserving YAML edits for quick fixes. The `yaml` package finds the nodes and their ranges; the
// edits are small text insertions and replacements computed from the original text, so comments, quoting,
// blank lines and the other documents of the file stay byte-identical. Every function returns [] when it
// cannot edit safely (the path goes through an alias or an anchored node, a parent is a scalar, an explicit
// tag would be dropped): a rule then offers no fix rather than a wrong one.
//
// Offsets are local to `parsed.text`; `placeEdits` shifts them to file offsets for workspace rules.
// Paths are absolute within the document (a List item's object is `['items', 2, ...]`, a Capsule rawItem
// `[...ctx.base, 'spec', ...]`). Each call computes its edits against the unedited text, so combine the
// results of two calls in one fix only when they touch different places. Documents with syntax errors
// get no edits. Typical uses:
//
//   appendToSequence(ctx.parsed, [...base, 'spec', 'egress'], dnsRule)      // creates `egress:` if missing
//   setMapValue(ctx.parsed, [...base, 'metadata', 'labels'], 'team', 'a')    // creates `labels:` if missing
//   replaceValue(ctx.parsed, [...base, 'spec', 'podSelector'], { matchLabels: { app: 'web' } })
//   removeNode(ctx.parsed, [...base, 'spec', 'ingress', 1])
//   appendDocument(fileText, defaultDenyPolicy, detectStyle(parsed), 'Deny all traffic not allowed below')
//
// Strings are quoted only when YAML would misread them, including Kubernetes' YAML 1.1 readings
// (`yes`, `on`, `y`, `0755`) and Capsule placeholders (`{{tenant.name}}`); `undefined` values are left out.
import { isAlias, isMap, isScalar, isSeq, visit, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyString, type ParsedDocument, type YamlNode } from '../parse/document';
import type { Path } from '../model/locate';
import type { TextEdit } from '../types';

export type { Path };

export interface EditStyle {
  indent: number;
  /** block sequences under a key are indented ("key:\n  - a") rather than flush ("key:\n- a") */
  indentSequences: boolean;
  /** preferred quote for strings that need quoting */
  quote: '"' | "'";
  newline: '\n' | '\r\n';
}

/** Rendering also follows a sequence's own item offset (`-   key: v`) when an edit extends one. */
type RenderStyle = EditStyle & { itemOffset?: number };

const DEFAULT_STYLE: EditStyle = { indent: 2, indentSequences: true, quote: '"', newline: '\n' };

// ---------------------------------------------------------------------------------------------------
// Style detection

/** The document's own conventions, by majority of what it already writes; defaults 2 / true / '"' / '\n'. */
export function detectStyle(parsed: ParsedDocument): EditStyle {
  // Several fixes of one document ask in turn; the parsed document is immutable, so its style is too.
  const cached = styleCache.get(parsed);
  if (cached) return { ...cached };
  const style = computeStyle(parsed);
  styleCache.set(parsed, style);
  return { ...style };
}

const styleCache = new WeakMap<ParsedDocument, EditStyle>();

function computeStyle(parsed: ParsedDocument): EditStyle {
  const text = parsed.text;
  const newline: EditStyle['newline'] = text.includes('\r\n') ? '\r\n' : '\n';
  const indents = new Map<number, number>();
  let indented = 0;
  let flush = 0;
  let single = 0;
  let double = 0;
  const vote = (n: number) => indents.set(n, (indents.get(n) ?? 0) + 1);
  visit(parsed.doc, {
    Scalar(_key, node) {
      if (node.type === 'QUOTE_SINGLE') single++;
      else if (node.type === 'QUOTE_DOUBLE') double++;
    },
    Pair(_key, pair) {
      const k = pair.key as YamlNode | null;
      const v = pair.value as YamlNode | null;
      if (!k?.range || !v?.range || !(isMap(v) || isSeq(v)) || v.flow || v.items.length === 0) return;
      const keyCol = column(text, k.range[0]);
      const valueCol = column(text, v.range[0]);
      // Only a value that starts on its own line says something about indentation.
      if (lineStart(text, v.range[0]) === lineStart(text, k.range[0])) return;
      if (isMap(v)) {
        if (valueCol > keyCol) vote(valueCol - keyCol);
      } else if (valueCol > keyCol) {
        indented++;
        vote(valueCol - keyCol);
      } else if (valueCol === keyCol) flush++;
    },
  });
  return {
    indent: mostVoted(indents),
    indentSequences: flush > indented ? false : true,
    quote: single > double ? "'" : '"',
    newline,
  };
}

/** The indentation most lines vote for (the smallest on a tie); the default when none votes. */
function mostVoted(indents: ReadonlyMap<number, number>): number {
  let indent = DEFAULT_STYLE.indent;
  let best = 0;
  for (const [n, count] of [...indents].sort((a, b) => a[0] - b[0])) {
    if (count > best) {
      best = count;
      indent = n;
    }
  }
  return indent;
}

/** A cheap style guess from raw text (no parse): used when a whole-file edit has no parsed document. */
function detectTextStyle(text: string): EditStyle {
  const newline: EditStyle['newline'] = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const indents = new Map<number, number>();
  let indented = 0;
  let flush = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]);
    if (!m) continue;
    const next = /^( *)(- |-$)?\S/.exec(lines[i + 1]);
    if (!next) continue;
    const delta = next[1].length - m[1].length;
    if (next[2]) {
      if (delta > 0) indented++;
      else if (delta === 0) flush++;
    }
    if (delta > 0) indents.set(delta, (indents.get(delta) ?? 0) + 1);
  }
  return { indent: mostVoted(indents), indentSequences: flush <= indented, quote: '"', newline };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

// Plain scalars YAML 1.2 or Kubernetes' YAML 1.1 decoder would read as something other than the string.
const RESERVED = /^(?:true|false|yes|no|y|n|on|off|null|~|<<|=|[-+]?\.(?:inf|nan)|\.nan)$/i;
const NUMBER_LIKE = /^[-+]?(?:0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:e[-+]?[0-9]+)?|\.[0-9][0-9_]*(?:e[-+]?[0-9]+)?)$/i;
const TIMESTAMP_LIKE = /^\d{4}-\d\d?-\d\d?(?:$|[Tt ])/;
// Characters that cannot start a plain scalar, or can only when not followed by a space.
const LEADING_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
// Control and separator characters only a double-quoted scalar can carry (as escapes).
const NON_PRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function needsQuotes(s: string, flow: boolean): boolean {
  if (s === '') return true;
  if (RESERVED.test(s) || NUMBER_LIKE.test(s) || TIMESTAMP_LIKE.test(s)) return true;
  if (LEADING_INDICATOR.test(s) || /^\s|\s$/.test(s)) return true;
  if (/: |:$| #|\t/.test(s)) return true;
  if (s.startsWith('...')) return true;
  if (flow && /[,[\]{}]/.test(s)) return true;
  return NON_PRINTABLE.test(s);
}

function quoteString(s: string, quote: '"' | "'"): string {
  const printable = !NON_PRINTABLE.test(s);
  if (quote === "'" && printable) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One scalar as YAML text; strings are quoted only when a plain scalar would be misread. */
function scalarToText(value: unknown, style: Pick<EditStyle, 'quote'>, flow = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  const s = value instanceof Date ? value.toISOString() : String(value);
  return needsQuotes(s, flow) ? quoteString(s, style.quote) : s;
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function entries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isCollection(value) && entries(value as Record<string, unknown>).length === 0;
}

/** A value in flow style: `{port: 53, protocol: UDP}`, `[a, b]`. */
export function renderFlow(value: unknown, style: Pick<EditStyle, 'quote'> = DEFAULT_STYLE): string {
  if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, style)).join(', ')}]`;
  if (isCollection(value)) {
    const parts = entries(value as Record<string, unknown>).map(([k, v]) => `${scalarToText(k, style, true)}: ${renderFlow(v, style)}`);
    return parts.length ? `{${parts.join(', ')}}` : '{}';
  }
  return scalarToText(value, style, true);
}

/**
 * Block YAML lines, each prefixed by `indent` spaces and ending with a newline: `{}`/`[]` for empty
 * collections, keys in the order given, arrays of maps as "- key: v\n  key2: v".
 */
export function renderBlock(value: unknown, indent: number, style: EditStyle = DEFAULT_STYLE): string {
  return renderLines(value, indent, style).map((l) => l + style.newline).join('');
}

function renderLines(value: unknown, indent: number, style: RenderStyle): string[] {
  const pad = ' '.repeat(indent);
  if (!isCollection(value) || isEmptyCollection(value)) return [pad + (isCollection(value) ? renderFlow(value, style) : scalarToText(value, style))];
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) out.push(...itemLines(item, indent, style.itemOffset ?? 2, style));
    return out;
  }
  const out: string[] = [];
  for (const [k, v] of entries(value as Record<string, unknown>)) out.push(...entryLines(k, v, indent, style));
  return out;
}

/** `key: value` lines at `indent`. */
function entryLines(key: string, value: unknown, indent: number, style: RenderStyle): string[] {
  const head = ' '.repeat(indent) + scalarToText(key, style) + ':';
  if (!isCollection(value) || isEmptyCollection(value)) {
    return [`${head} ${isCollection(value) ? renderFlow(value, style) : scalarToText(value, style)}`];
  }
  const childIndent = Array.isArray(value) && !style.indentSequences ? indent : indent + style.indent;
  return [head, ...renderLines(value, childIndent, style)];
}

/** A sequence item: the dash at `indent`, its content `offset` columns further. */
function itemLines(item: unknown, indent: number, offset: number, style: RenderStyle): string[] {
  const dash = ' '.repeat(indent) + '-' + ' '.repeat(Math.max(1, offset - 1));
  if (!isCollection(item) || isEmptyCollection(item)) {
    return [dash + (isCollection(item) ? renderFlow(item, style) : scalarToText(item, style))];
  }
  const inner = renderLines(item, indent + offset, style);
  inner[0] = dash + inner[0].slice(indent + offset);
  return inner;
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** The offset just after the line break of the line holding `pos` (text.length on the last line). */
function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

/** The end of the line holding `pos`, before its line break. */
function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  const end = nl === -1 ? text.length : nl;
  return end > 0 && text[end - 1] === '\r' && end - 1 >= lineStart(text, pos) ? end - 1 : end;
}

/** Only spaces between the start of its line and `pos`. */
function atLineStart(text: string, pos: number): boolean {
  return /^ *$/.test(text.slice(lineStart(text, pos), pos));
}

/** The `# comment` on the rest of the line after `pos`, if any. */
function commentAfter(text: string, pos: number): string | undefined {
  const rest = text.slice(pos, lineEnd(text, pos));
  const m = /^\s*(#.*)$/.exec(rest);
  return m ? m[1].trimEnd() : undefined;
}

/**
 * Lines given as full lines ending with `newline`, inserted at `pos`: at a line start they go in as they
 * are; at the end of a text without a final line break they need one first.
 */
function insertLines(text: string, pos: number, lines: string, newline: string): TextEdit {
  if (pos === text.length && pos > 0 && text[pos - 1] !== '\n') {
    return { span: { start: pos, end: pos }, newText: newline + lines.slice(0, lines.length - newline.length) };
  }
  return { span: { start: pos, end: pos }, newText: lines };
}

function stripFinalNewline(s: string, newline: string): string {
  return s.endsWith(newline) ? s.slice(0, s.length - newline.length) : s;
}

// ---------------------------------------------------------------------------------------------------
// Node geometry

function isBlockScalar(node: YamlNode): boolean {
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
}

/** The offset just after the node's last character of content (trailing comments and breaks excluded). */
function contentEnd(text: string, node: YamlNode): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as Pair<YamlNode, YamlNode | null> | YamlNode;
    if (isMap(node)) {
      const pair = last as Pair<YamlNode, YamlNode | null>;
      if (pair.value && pair.value.range) return contentEnd(text, pair.value);
      if (pair.key && (pair.key as YamlNode).range) return (pair.key as YamlNode).range![1];
    } else if ((last as YamlNode).range) return contentEnd(text, last as YamlNode);
  }
  const [start, end] = node.range!;
  let e = end;
  if (isBlockScalar(node)) while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

/**
 * Where the node's own text ends as whole lines: the start of the line after its content (for a
 * keep-chomping block scalar, after its trailing blank lines, which are part of its value).
 */
function followLine(text: string, node: YamlNode): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as Pair<YamlNode, YamlNode | null> | YamlNode;
    const child = isMap(node) ? ((last as Pair<YamlNode, YamlNode | null>).value ?? (last as Pair<YamlNode, YamlNode>).key) : (last as YamlNode);
    if (child && child.range) return followLine(text, child);
  }
  if (isBlockScalar(node)) {
    const end = node.range![1];
    if (end > 0 && text[end - 1] === '\n') return end;
  }
  return nextLineStart(text, contentEnd(text, node));
}

/**
 * After the last entry of a block collection whose entries start at column `col`: extends the insertion
 * point over following comment lines that belong to the collection (indented at least `col`), but not
 * over those that head the next content at their own column (the key after a flush sequence) or, at the
 * end of the document, comments at column 0 (they usually introduce the next document).
 */
function insertionPoint(text: string, from: number, col: number): number {
  const kept: { indent: number; end: number }[] = [];
  let p = from;
  let nextCol = 0;
  while (p < text.length) {
    const le = lineEnd(text, p);
    const line = text.slice(p, le);
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    const next = nextLineStart(text, p);
    if (trimmed === '') {
      p = next;
      continue;
    }
    if (trimmed.startsWith('#') && indent >= col) {
      kept.push({ indent, end: next });
      p = next;
      continue;
    }
    nextCol = trimmed.startsWith('#') ? -1 : indent;
    break;
  }
  while (kept.length && kept[kept.length - 1].indent <= nextCol) kept.pop();
  return kept.length ? kept[kept.length - 1].end : from;
}

// ---------------------------------------------------------------------------------------------------
// Paths

type AnyPair = Pair<YamlNode, YamlNode | null>;

/** Where a node sits: the document root, a mapping entry, or a sequence item. */
type Slot =
  | { kind: 'root' }
  | { kind: 'pair'; map: YAMLMap; pair: AnyPair }
  | { kind: 'item'; seq: YAMLSeq; index: number };

interface Resolved {
  /** The node at the end of the resolved part of the path (null: an empty document). */
  node: YamlNode | null;
  slot: Slot;
  /** Number of path segments resolved. */
  depth: number;
  /** Some collection on the way (or the node itself) is written in flow style. */
  inFlow: boolean;
  /** The path meets an alias or an anchored node: editing it would also change other places. */
  blocked: boolean;
  /** The segment that could not be resolved names a key a `<<` merge may supply. */
  merged: boolean;
}

function resolve(parsed: ParsedDocument, path: Path): Resolved {
  let node = (parsed.doc.contents as YamlNode | null) ?? null;
  let slot: Slot = { kind: 'root' };
  let inFlow = false;
  let depth = 0;
  const guarded = (n: YamlNode | null) => !!n && (isAlias(n) || !!(n as { anchor?: string }).anchor);
  if (guarded(node)) return { node, slot, depth, inFlow, blocked: true, merged: false };
  for (const seg of path) {
    if ((isMap(node) || isSeq(node)) && node.flow) inFlow = true;
    let child: YamlNode | null | undefined;
    let childSlot: Slot | undefined;
    if (isMap(node)) {
      const pair = (node.items as AnyPair[]).find((p) => keyString(p.key) === String(seg));
      if (!pair) {
        const merged = (node.items as AnyPair[]).some((p) => keyString(p.key) === '<<');
        return { node, slot, depth, inFlow, blocked: false, merged };
      }
      child = pair.value;
      childSlot = { kind: 'pair', map: node, pair };
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const seq = node;
      const index = Number(seg);
      if (index >= seq.items.length) break;
      child = seq.items[index] as YamlNode | null;
      childSlot = { kind: 'item', seq, index };
    } else break;
    if (child === undefined || guarded(child ?? null)) return { node: child ?? null, slot: childSlot!, depth: depth + 1, inFlow, blocked: true, merged: false };
    node = child;
    slot = childSlot!;
    depth++;
  }
  if ((isMap(node) || isSeq(node)) && node.flow) inFlow = true;
  return { node, slot, depth, inFlow, blocked: false, merged: false };
}

/** Nests `leaf` under the keys in `keys`: (['a','b'], x) → {a: {b: x}}. */
function nest(keys: Path, leaf: unknown): unknown {
  let v = leaf;
  for (let i = keys.length - 1; i >= 0; i--) v = { [String(keys[i])]: v };
  return v;
}

function isNullScalar(node: YamlNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null && !isBlockScalar(node));
}

// The parser sets `tag` on a parsed node only for a tag written in the text (`!!str`); replacing the node's
// text would leave that tag in front of the new value, so such nodes are not edited.
function hasExplicitTag(node: YamlNode | null): boolean {
  return !!node && (node as { tag?: string }).tag !== undefined;
}

// ---------------------------------------------------------------------------------------------------
// Placing a value into a slot

interface Ctx {
  text: string;
  style: EditStyle;
}

/** The colon after a mapping key, or -1. */
function colonAfterKey(text: string, pair: AnyPair): number {
  const key = pair.key as YamlNode | null;
  if (!key?.range) return -1;
  let i = key.range[1];
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text[i] === ':' ? i : -1;
}

/** The column of a mapping's keys. */
function keyColumn(text: string, map: YAMLMap): number {
  const first = map.items[0]?.key as YamlNode | undefined;
  return first?.range ? column(text, first.range[0]) : 0;
}

/** Dash column and content offset of a block sequence's items. */
function seqGeometry(text: string, seq: YAMLSeq): { dash: number; offset: number } {
  const start = seq.range![0];
  const dash = column(text, start);
  const first = seq.items[0] as YamlNode | null;
  let offset = 2;
  if (first?.range && lineStart(text, first.range[0]) === lineStart(text, start) && first.range[0] > start) {
    offset = Math.max(2, first.range[0] - start);
  }
  return { dash, offset };
}

/**
 * Replaces the value in `slot` (currently `old`) with `value`: scalars in place keeping their quoting,
 * collections as blocks (flow inside flow collections or where the old value was a non-empty flow one).
 */
function placeValue(ctx: Ctx, slot: Slot, old: YamlNode | null, value: unknown, inFlow: boolean): TextEdit[] {
  const { text, style } = ctx;
  if (old && hasExplicitTag(old)) return [];
  const oldStart = old?.range?.[0];
  const oldFlowCollection = !!old && (isMap(old) || isSeq(old)) && !!old.flow;
  const block = isCollection(value) && !isEmptyCollection(value) && !inFlow && !(oldFlowCollection && (old as YAMLMap | YAMLSeq).items.length > 0);
  if (!block) {
    const newText = isCollection(value) ? renderFlow(value, style) : scalarInPlace(value, old, style, inFlow);
    if (old && oldStart !== undefined && (isScalar(old) || oldFlowCollection)) {
      const end = contentEnd(text, old);
      const needsSpace = oldStart === end && oldStart > 0 && !/[\s[{,]/.test(text[oldStart - 1]);
      return [{ span: { start: oldStart, end }, newText: (needsSpace ? ' ' : '') + newText }];
    }
    // A block collection (or nothing) is replaced by an inline value.
    if (slot.kind === 'pair') {
      const colon = colonAfterKey(text, slot.pair);
      if (colon === -1) return [];
      const end = old?.range ? contentEnd(text, old) : lineEnd(text, colon);
      const comment = old?.range && lineStart(text, old.range[0]) !== lineStart(text, colon) ? commentAfter(text, colon + 1) : undefined;
      return [{ span: { start: colon + 1, end }, newText: ` ${newText}${comment ? ' ' + comment : ''}` }];
    }
    if (!old?.range) return [];
    return [{ span: { start: old.range[0], end: contentEnd(text, old) }, newText }];
  }
  // A block collection.
  if (slot.kind === 'pair') {
    const colon = colonAfterKey(text, slot.pair);
    if (colon === -1) return [];
    const keyCol = column(text, (slot.pair.key as YamlNode).range![0]);
    let col = Array.isArray(value) && !style.indentSequences ? keyCol : keyCol + style.indent;
    if (old && (isMap(old) || isSeq(old)) && !old.flow && old.items.length > 0) {
      const oldCol = column(text, old.range![0]);
      if (Array.isArray(value) ? oldCol >= keyCol : oldCol > keyCol) col = oldCol;
    }
    const body = style.newline + stripFinalNewline(renderBlock(value, col, style), style.newline);
    const keyLineEnd = lineEnd(text, colon);
    if (old?.range && old.range[0] > keyLineEnd) {
      // The value starts below the key: the key's line (and its comment) stays as it is.
      return [{ span: { start: keyLineEnd, end: contentEnd(text, old) }, newText: body }];
    }
    // `key:`, `key: null`, `key: [] # why`: the value's text goes, a comment stays on the key's line.
    const oldEnd = old?.range ? Math.max(contentEnd(text, old), colon + 1) : colon + 1;
    const comment = commentAfter(text, oldEnd);
    return [{ span: { start: colon + 1, end: lineEnd(text, oldEnd) }, newText: (comment ? ` ${comment}` : '') + body }];
  }
  if (slot.kind === 'item') {
    if (!old?.range) return [];
    // The new content starts where the old one did (after `- `, or on the line below the dash).
    const { dash, offset } = seqGeometry(text, slot.seq);
    const col = isNullScalar(old) && old.range[0] === old.range[1] ? dash + offset : column(text, old.range[0]);
    const lines = renderLines(value, col, { ...style, itemOffset: offset });
    lines[0] = lines[0].slice(col);
    return [{ span: { start: old.range[0], end: contentEnd(text, old) }, newText: lines.join(style.newline) }];
  }
  // The document root; an empty document (only comments or a `---` line) gets the block at its end.
  if (old?.range && !(isNullScalar(old) && old.range[0] === old.range[1])) {
    const col = column(text, old.range[0]);
    const lines = renderLines(value, col, style);
    lines[0] = lines[0].slice(col);
    return [{ span: { start: old.range[0], end: contentEnd(text, old) }, newText: lines.join(style.newline) }];
  }
  return [insertLines(text, text.length, renderBlock(value, 0, style), style.newline)];
}

/** A scalar for the place of `old`: its quoting kept when the new text allows it. */
function scalarInPlace(value: unknown, old: YamlNode | null, style: EditStyle, flow: boolean): string {
  if (typeof value === 'string' && old && isScalar(old)) {
      const printable = !NON_PRINTABLE.test(value);
    if (old.type === 'QUOTE_SINGLE' && printable) return quoteString(value, "'");
    if (old.type === 'QUOTE_DOUBLE') return quoteString(value, '"');
  }
  return scalarToText(value, style, flow);
}

/** Adds `key: value` as the last entry of the mapping `map` (found at `res`). */
function addEntry(ctx: Ctx, res: Resolved, key: string, value: unknown): TextEdit[] {
  const { text, style } = ctx;
  const map = res.node;
  if (isNullScalar(map)) {
    if (map && hasExplicitTag(map)) return [];
    return placeValue(ctx, res.slot, map, { [key]: value }, res.inFlow);
  }
  if (!isMap(map)) return [];
  if (map.flow) {
    if (map.items.length === 0) return placeValue(ctx, res.slot, map, { [key]: value }, res.inFlow && !isSoleFlow(res));
    const last = map.items[map.items.length - 1] as AnyPair;
    const lastNode = (last.value ?? last.key) as YamlNode;
    const at = lastNode.range ? lastNode.range[1] : -1;
    if (at < 0) return [];
    return [{ span: { start: at, end: at }, newText: `, ${scalarToText(key, style, true)}: ${renderFlow(value, style)}` }];
  }
  if (map.items.length === 0) return [];
  const col = keyColumn(text, map);
  const last = map.items[map.items.length - 1] as AnyPair;
  const lastNode = ((last.value && last.value.range ? last.value : last.key) as YamlNode) ?? null;
  if (!lastNode?.range) return [];
  const at = insertionPoint(text, followLine(text, lastNode), col);
  const lines = entryLines(key, value, col, style).map((l) => l + style.newline).join('');
  return [insertLines(text, at, lines, style.newline)];
}

/** The flow collection at `res` is itself the outermost flow one (its parent is block). */
function isSoleFlow(res: Resolved): boolean {
  if (res.slot.kind === 'root') return true;
  const parent = res.slot.kind === 'pair' ? res.slot.map : res.slot.seq;
  return !parent.flow;
}

/** Creates the missing keys `rest` under the existing node at `res`, ending in `leaf`. */
function createPath(ctx: Ctx, res: Resolved, rest: Path, leaf: unknown): TextEdit[] {
  // Only mappings can be created: a missing list index has no meaningful place to go.
  if (res.blocked || res.merged || rest.length === 0 || rest.some((s) => typeof s === 'number')) return [];
  return addEntry(ctx, res, String(rest[0]), nest(rest.slice(1), leaf));
}

function context(parsed: ParsedDocument): Ctx {
  return { text: parsed.text, style: detectStyle(parsed) };
}

// ---------------------------------------------------------------------------------------------------
// Public operations

/**
 * Appends `item` to the sequence at `path`. Missing keys (and parent mappings) are created at the end
 * of the nearest existing mapping; an empty value (`egress:`, `egress: []`) becomes a block sequence.
 */
export function appendToSequence(parsed: ParsedDocument, path: Path, item: unknown): TextEdit[] {
  if (parsed.errors.length) return [];
  const ctx = context(parsed);
  const res = resolve(parsed, path);
  if (res.blocked) return [];
  if (res.depth < path.length) return createPath(ctx, res, path.slice(res.depth), [item]);
  return appendAt(ctx, res, item);
}

function appendAt(ctx: Ctx, res: Resolved, item: unknown): TextEdit[] {
  const { text, style } = ctx;
  const seq = res.node;
  if (isNullScalar(seq)) {
    if (seq && hasExplicitTag(seq)) return [];
    if (res.slot.kind === 'root') return [];
    return placeValue(ctx, res.slot, seq, [item], res.inFlow);
  }
  if (!isSeq(seq)) return [];
  if (seq.flow) {
    if (seq.items.length === 0) return placeValue(ctx, res.slot, seq, [item], res.inFlow && !isSoleFlow(res));
    const last = seq.items[seq.items.length - 1] as YamlNode | null;
    if (!last?.range) return [];
    const at = last.range[1];
    return [{ span: { start: at, end: at }, newText: `, ${renderFlow(item, style)}` }];
  }
  const last = seq.items[seq.items.length - 1] as YamlNode | null;
  if (!last?.range) return [];
  const { dash, offset } = seqGeometry(text, seq);
  const at = insertionPoint(text, followLine(text, last), dash);
  const lines = itemLines(item, dash, offset, { ...style, itemOffset: offset }).map((l) => l + style.newline).join('');
  return [insertLines(text, at, lines, style.newline)];
}

/**
 * Sets `key` of the mapping at `path`: replaces its value, or adds `key: value` as the mapping's last
 * entry; missing parent mappings are created.
 */
export function setMapValue(parsed: ParsedDocument, path: Path, key: string, value: unknown): TextEdit[] {
  if (parsed.errors.length) return [];
  const ctx = context(parsed);
  const res = resolve(parsed, path);
  if (res.blocked) return [];
  if (res.depth < path.length) return createPath(ctx, res, path.slice(res.depth), { [key]: value });
  if (isMap(res.node)) {
    const pair = (res.node.items as AnyPair[]).find((p) => keyString(p.key) === key);
    if (pair) return replaceValue(parsed, [...path, key], value);
    if ((res.node.items as AnyPair[]).some((p) => keyString(p.key) === '<<')) return [];
  }
  return addEntry(ctx, res, key, value);
}

/** Replaces the node at `path`: a scalar keeps its quoting when it can; collections follow the old style. */
export function replaceValue(parsed: ParsedDocument, path: Path, value: unknown): TextEdit[] {
  if (parsed.errors.length) return [];
  const ctx = context(parsed);
  const res = resolve(parsed, path);
  if (res.blocked || res.depth < path.length) return [];
  if (res.node === null && res.slot.kind === 'root') return placeValue(ctx, res.slot, null, value, false);
  // The value's context is flow when its parent (or any collection above it) is.
  const parentFlow = res.slot.kind !== 'root' && resolve(parsed, path.slice(0, -1)).inFlow;
  return placeValue(ctx, res.slot, res.node, value, parentFlow);
}

/**
 * Removes a sequence item or mapping entry as whole lines (with its trailing comment and the comment
 * lines indented under it). Removing the last one leaves `[]` or `{}`.
 */
export function removeNode(parsed: ParsedDocument, path: Path): TextEdit[] {
  if (parsed.errors.length || path.length === 0) return [];
  const { text, style } = context(parsed);
  const res = resolve(parsed, path);
  if (res.blocked || res.depth < path.length || res.slot.kind === 'root') return [];
  const slot = res.slot;
  const parent = slot.kind === 'pair' ? slot.map : slot.seq;
  const index = slot.kind === 'pair' ? parent.items.indexOf(slot.pair) : slot.index;
  const items = parent.items as unknown[];
  const startOf = (i: number): number | undefined => {
    const it = items[i];
    if (slot.kind === 'pair') return ((it as AnyPair).key as YamlNode | null)?.range?.[0];
    return (it as YamlNode | null)?.range?.[0];
  };
  const nodeOf = (i: number): YamlNode | null => {
    const it = items[i];
    if (slot.kind === 'pair') {
      const p = it as AnyPair;
      return (p.value && p.value.range ? p.value : p.key) as YamlNode | null;
    }
    return it as YamlNode | null;
  };
  const start = startOf(index);
  const own = nodeOf(index);
  if (start === undefined || !own?.range) return [];
  if (items.length === 1) {
    // The collection becomes empty: `[]` / `{}` in its place.
    const grand = resolve(parsed, path.slice(0, -1));
    if (grand.blocked) return [];
    const empty = slot.kind === 'pair' ? '{}' : '[]';
    if (parent.flow) return [{ span: { start: parent.range![0], end: parent.range![1] }, newText: empty }];
    // The removed entry's own lines go, with the comment lines indented under it.
    const lead = slot.kind === 'item' ? dashBefore(text, start) : start;
    if (lead === -1) return [];
    const ownEnd = ownLinesEnd(text, followLine(text, own), column(text, lead));
    const end = ownEnd > 0 && text[ownEnd - 1] === '\n' ? lineEnd(text, ownEnd - 1) : ownEnd;
    if (grand.slot.kind === 'pair') {
      const colon = colonAfterKey(text, grand.slot.pair);
      if (colon === -1) return [];
      const comment = lead > lineEnd(text, colon) ? commentAfter(text, colon + 1) : undefined;
      return [{ span: { start: colon + 1, end }, newText: ` ${empty}${comment ? ' ' + comment : ''}` }];
    }
    return [{ span: { start: lead, end }, newText: empty }];
  }
  if (parent.flow) {
    if (index + 1 < items.length) {
      const next = startOf(index + 1);
      if (next === undefined) return [];
      return [{ span: { start, end: next }, newText: '' }];
    }
    const prev = nodeOf(index - 1);
    if (!prev?.range) return [];
    return [{ span: { start: prev.range[1], end: own.range[1] }, newText: '' }];
  }
  // A sequence's dash comes before the item's content; an entry starts at its key.
  const lead = slot.kind === 'item' ? dashBefore(text, start) : start;
  if (lead === -1) return [];
  const col = column(text, lead);
  if (!atLineStart(text, lead)) {
    // The first entry shares its line with a parent's `- `: the next one moves up into its place.
    const next = startOf(index + 1);
    const nextLead = next === undefined ? -1 : slot.kind === 'item' ? dashBefore(text, next) : next;
    if (nextLead === -1) return [];
    return [{ span: { start: lead, end: nextLead }, newText: '' }];
  }
  const from = lineStart(text, lead);
  const to = ownLinesEnd(text, followLine(text, own), col);
  if (to >= text.length && text[text.length - 1] !== '\n' && from > 0) {
    // The last line has no line break: take the one before it instead.
    const prevBreak = from - (text[from - 2] === '\r' ? 2 : 1);
    return [{ span: { start: prevBreak, end: text.length }, newText: '' }];
  }
  return [{ span: { start: from, end: to }, newText: '' }];
}

/** The `-` indicator before an item's content at `pos` (only spaces and props between), or -1. */
function dashBefore(text: string, pos: number): number {
  let i = pos - 1;
  while (i >= 0 && text[i] !== '-' && text[i] !== '\n') i--;
  return i >= 0 && text[i] === '-' ? i : -1;
}

/** Extends over the comment lines indented under an entry (deeper than its column `col`). */
function ownLinesEnd(text: string, from: number, col: number): number {
  let p = from;
  let end = from;
  while (p < text.length) {
    const line = text.slice(p, lineEnd(text, p));
    const trimmed = line.trimStart();
    const next = nextLineStart(text, p);
    if (trimmed === '') {
      p = next;
      continue;
    }
    if (trimmed.startsWith('#') && line.length - trimmed.length > col) {
      end = next;
      p = next;
      continue;
    }
    break;
  }
  return end;
}

/**
 * Inserts `item` before the item at `index` of the sequence at `path` (index === length appends). The
 * comment lines just above that item stay with it.
 */
export function insertSequenceItem(parsed: ParsedDocument, path: Path, index: number, item: unknown): TextEdit[] {
  if (parsed.errors.length || !Number.isInteger(index) || index < 0) return [];
  const ctx = context(parsed);
  const { text, style } = ctx;
  const res = resolve(parsed, path);
  if (res.blocked) return [];
  if (res.depth < path.length) return index === 0 ? appendToSequence(parsed, path, item) : [];
  const seq = res.node;
  if (isNullScalar(seq)) return index === 0 ? appendAt(ctx, res, item) : [];
  if (!isSeq(seq) || index > seq.items.length) return [];
  if (index === seq.items.length) return appendAt(ctx, res, item);
  const target = seq.items[index] as YamlNode | null;
  if (!target?.range) return [];
  if (seq.flow) return [{ span: { start: target.range[0], end: target.range[0] }, newText: `${renderFlow(item, style)}, ` }];
  const dash = dashBefore(text, target.range[0]);
  if (dash === -1) return [];
  const { dash: dashCol, offset } = seqGeometry(text, seq);
  const lines = itemLines(item, dashCol, offset, { ...style, itemOffset: offset });
  if (!atLineStart(text, dash)) {
    // `- - a`: the new item takes the inline place, the old one moves to the next line.
    lines[0] = lines[0].slice(dashCol);
    return [{ span: { start: dash, end: dash }, newText: lines.join(style.newline) + style.newline + ' '.repeat(dashCol) }];
  }
  let at = lineStart(text, dash);
  // Comment lines right above the item, at its dash column, describe it: insert above them.
  while (at > 0) {
    const prevStart = lineStart(text, at - 1);
    const line = text.slice(prevStart, lineEnd(text, prevStart));
    const trimmed = line.trimStart();
    if (!trimmed.startsWith('#') || line.length - trimmed.length !== dashCol) break;
    at = prevStart;
  }
  return [{ span: { start: at, end: at }, newText: lines.map((l) => l + style.newline).join('') }];
}

/**
 * A new document at the end of the file: a `---` separator (a line break first when the file does not
 * end with one), an optional `# comment` line, then the value as block YAML. An empty or whitespace-only
 * file gets no separator; a file ending in a bare `---` line reuses it.
 */
export function appendDocument(text: string, value: unknown, style?: Partial<EditStyle>, comment?: string): TextEdit {
  const s: EditStyle = { ...detectTextStyle(text), ...(style ?? {}) };
  const nl = s.newline;
  const body = (comment !== undefined ? comment.split(/\r?\n/).map((l) => `# ${l}`.trimEnd() + nl).join('') : '') + renderBlock(value, 0, s);
  if (text.trim() === '') return { span: { start: 0, end: text.length }, newText: body };
  const lines = text.split(/\r?\n/);
  let last = lines.length - 1;
  while (last > 0 && lines[last].trim() === '') last--;
  const endsWithBreak = text.endsWith('\n');
  if (/^---\s*$/.test(lines[last])) {
    return { span: { start: text.length, end: text.length }, newText: (endsWithBreak ? '' : nl) + body };
  }
  return { span: { start: text.length, end: text.length }, newText: (endsWithBreak ? '' : nl) + '---' + nl + body };
}

/** Local (document) edits shifted to file offsets. */
export function placeEdits(edits: TextEdit[], offset: number): TextEdit[] {
  return edits.map((e) => ({ span: { start: e.span.start + offset, end: e.span.end + offset }, newText: e.newText }));
}

/**
 * Applies non-overlapping edits to a text (for tests and previews). As in LSP, insertions at one offset
 * land in the order given.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.span.start - a.e.span.start || b.e.span.end - a.e.span.end || b.i - a.i);
  let out = text;
  for (const { e } of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

