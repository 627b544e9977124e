// Where the cursor is in a YAML document, found from the text around it by indentation, because while
// the user types the document is often not valid YAML. Pure text in, plain data out; shared by
// completion and hover.
import type { PathSegment } from '../engine/schema/describe';

export interface Ancestor {
  segment: PathSegment;
  /** Line (in the chunk) of the key or `-` that opens it. */
  line: number;
  /** Column of the key, or of the `-` for a sequence item. */
  column: number;
}

export interface CursorContext {
  /** The path of the mapping (or sequence item) the cursor's key or value belongs to. */
  path: PathSegment[];
  ancestors: Ancestor[];
  /** `key`: typing a key (or nothing yet); `value`: after `key:`; `item`: after `- ` (a scalar item or a key). */
  mode: 'key' | 'value' | 'item';
  /** In `value` mode: the key whose value is typed. */
  key?: string;
  /** The word typed so far, and where it starts (chunk offset): completion replaces it. */
  prefix: string;
  prefixStart: number;
  /** Keys already present in the mapping at `path` (no duplicates offered). */
  present: string[];
  /** Column where keys of the mapping at `path` start (for multi-line inserts). */
  column: number;
  /** The line is a comment, or the cursor is after a `#`. */
  inComment: boolean;
  /** The chunk has no content before the cursor (only comments/blank lines). */
  atDocumentStart: boolean;
}

interface Line {
  indent: number;
  dash: boolean;
  /** Column of the content after `- ` (or the indent). */
  content: number;
  key?: string;
  hasValue: boolean;
  blank: boolean;
}

const KEY = /^((?:"[^"]*"|'[^']*'|[^\s#'"][^#]*?))\s*:(?:\s|$)/;

function unquote(k: string): string {
  return (k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'")) ? k.slice(1, -1) : k;
}

function readLine(text: string): Line {
  const indent = text.length - text.trimStart().length;
  let rest = text.slice(indent);
  const blank = rest === '' || rest.startsWith('#') || rest.startsWith('---') || rest.startsWith('...');
  let dash = false;
  let content = indent;
  if (/^-(\s|$)/.test(rest)) {
    dash = true;
    const after = rest.slice(1);
    const pad = after.length - after.trimStart().length;
    content = indent + 1 + pad;
    rest = after.trimStart();
    if (rest === '' ) content = indent + 2;
  }
  const m = KEY.exec(rest);
  if (!m) return { indent, dash, content, hasValue: rest.trim() !== '' && !rest.startsWith('#'), blank: blank && !dash };
  const value = rest.slice(m[0].length).trim();
  return { indent, dash, content, key: unquote(m[1].trim()), hasValue: value !== '' && !value.startsWith('#'), blank: false };
}

/** `|`, `>` block scalars and flow collections are values the indentation walk must not enter. */
function opensBlockScalar(line: string): boolean {
  return /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(line);
}

/** The cursor's context in `text` (one `---` document) at `offset` (in the document). */
export function cursorContext(text: string, offset: number): CursorContext {
  const o = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', o - 1) + 1;
  const before = text.slice(lineStart, o);
  const lines = text.slice(0, lineStart).split('\n');
  lines.pop();
  const cursorLine = lines.length;
  const hash = hashOutsideQuotes(before);
  const inComment = hash !== -1;

  const word = /[^\s:{}[\],'"]*$/.exec(before)?.[0] ?? '';
  let prefix = word;
  let prefixStart = o - word.length;
  const trimmed = before.trimStart();
  const indent = before.length - trimmed.length;

  let mode: CursorContext['mode'] = 'key';
  let key: string | undefined;
  let column = indent;
  let itemHere = false;
  let rest = trimmed;
  if (/^-(\s|$)/.test(rest)) {
    itemHere = true;
    const after = rest.slice(1);
    column = indent + 1 + (after.length - after.trimStart().length);
    if (after.trim() === '' && after.length === 0) column = indent + 2;
    rest = after.trimStart();
    mode = 'item';
  }
  const km = KEY.exec(rest);
  if (km) {
    mode = 'value';
    key = unquote(km[1].trim());
    const value = rest.slice(km[0].length);
    const lead = value.length - value.trimStart().length;
    prefix = value.trimStart().replace(/^["']/, '');
    prefixStart = o - value.length + lead + (/^["']/.test(value.trimStart()) ? 1 : 0);
  } else if (rest !== '' && mode === 'item') {
    mode = 'item';
  }

  // Walk up: ancestors are the lines that open a mapping or sequence item the cursor is inside.
  const ancestors: Ancestor[] = [];
  const present: string[] = [];
  // Keys of the cursor's mapping sit at `target`; an ancestor must be less indented.
  let target = column;
  let firstLevel = true;
  let seqDash = -1;
  let itemIndex = 0;
  if (itemHere) {
    // The cursor opens a new item: its own `- ` is the innermost ancestor.
    seqDash = indent;
    itemIndex = 0;
  }
  const pending: { line: number; column: number }[] = itemHere ? [{ line: cursorLine, column: indent }] : [];
  let lastBlock = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i];
    if (opensBlockScalar(raw) && lastBlock === -1) lastBlock = i;
    const l = readLine(raw);
    if (l.blank) continue;
    if (seqDash >= 0) {
      // Looking for the key that owns the sequence whose items start at seqDash.
      if (l.dash && l.indent === seqDash) {
        itemIndex++;
        continue;
      }
      if (l.indent > seqDash || (l.dash && l.indent > seqDash)) continue;
      if (l.key !== undefined && !l.hasValue && (l.dash ? l.content <= seqDash : l.indent <= seqDash)) {
        const p = pending.pop()!;
        ancestors.unshift({ segment: itemIndex, line: p.line, column: p.column });
        ancestors.unshift({ segment: l.key, line: i, column: l.dash ? l.content : l.indent });
        seqDash = -1;
        firstLevel = false;
        if (l.dash) {
          pending.push({ line: i, column: l.indent });
          seqDash = l.indent;
          itemIndex = 0;
        }
        target = l.dash ? l.indent : l.indent;
        continue;
      }
      // A sequence without an owning key (a top-level list): stop.
      break;
    }
    const keyCol = l.dash ? l.content : l.indent;
    if (l.dash) {
      if (l.content === target) {
        // A sibling key on the item's dash line: the item is an ancestor.
        if (firstLevel && l.key !== undefined) present.push(l.key);
        pending.push({ line: i, column: l.indent });
        seqDash = l.indent;
        itemIndex = 0;
        continue;
      }
      if (l.content < target && l.key !== undefined && !l.hasValue) {
        ancestors.unshift({ segment: l.key, line: i, column: l.content });
        firstLevel = false;
        pending.push({ line: i, column: l.indent });
        seqDash = l.indent;
        itemIndex = 0;
        continue;
      }
      if (l.indent < target && l.content > target) continue;
      continue;
    }
    if (keyCol === target && l.key !== undefined) {
      if (firstLevel) present.push(l.key);
      continue;
    }
    if (keyCol < target) {
      if (l.key !== undefined && !l.hasValue) {
        ancestors.unshift({ segment: l.key, line: i, column: keyCol });
        firstLevel = false;
        target = keyCol;
        continue;
      }
      if (l.key !== undefined) {
        // `key: value` less indented than the cursor: the cursor is in that value (a flow collection or
        // a multi-line scalar); not a place for keys.
        break;
      }
    }
  }
  if (seqDash >= 0 && pending.length) {
    // A top-level sequence (not a Kubernetes object): index it anyway.
    const p = pending.pop()!;
    ancestors.unshift({ segment: itemIndex, line: p.line, column: p.column });
  }
  // Keys below the cursor in the same mapping are present too.
  if (mode !== 'value' || true) collectFollowing(text, o, column, present);

  const contentBefore = lines.some((l) => !readLine(l).blank) || (trimmed !== '' && !trimmed.startsWith('#') && mode !== 'key');
  return {
    path: ancestors.map((a) => a.segment),
    ancestors,
    mode,
    key,
    prefix: inComment ? '' : prefix,
    prefixStart,
    present: [...new Set(present)],
    column,
    inComment: inComment || lastBlockContains(lines, lastBlock, column),
    atDocumentStart: !contentBefore,
  };
}

function lastBlockContains(lines: string[], blockLine: number, column: number): boolean {
  if (blockLine < 0) return false;
  const l = readLine(lines[blockLine]);
  const keyCol = l.dash ? l.content : l.indent;
  if (column <= keyCol) return false;
  for (let i = blockLine + 1; i < lines.length; i++) {
    const r = readLine(lines[i]);
    if (!r.blank && r.indent <= keyCol) return false;
  }
  return true;
}

function collectFollowing(text: string, offset: number, column: number, present: string[]): void {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return;
  const after = text.slice(nl + 1).split('\n');
  for (const raw of after) {
    const l = readLine(raw);
    if (l.blank) continue;
    const keyCol = l.dash ? l.content : l.indent;
    if (l.indent < column && !(l.dash && l.content === column)) return;
    if (l.dash && l.indent <= column) return;
    if (keyCol === column && l.key !== undefined) present.push(l.key);
  }
}

function hashOutsideQuotes(s: string): number {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return i;
  }
  return -1;
}

/** The value of a top-level `name:` key in the chunk, read from the text (works on broken YAML). */
export function topLevelScalar(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*["']?([^"'#\\s]+)`, 'm').exec(text);
  return m?.[1];
}

/** The value of `name:` among the keys of the mapping that starts at `line` with keys at `column`. */
export function siblingScalar(text: string, line: number, column: number, name: string): string | undefined {
  const lines = text.split('\n');
  for (let i = line; i < lines.length; i++) {
    const l = readLine(lines[i]);
    if (l.blank) continue;
    const keyCol = l.dash ? l.content : l.indent;
    if (i > line && (keyCol < column || (l.dash && l.indent < column))) break;
    if (keyCol === column && l.key === name) {
      const m = /:\s*["']?([^"'#\s]*)/.exec(lines[i].slice(keyCol));
      return m?.[1] || undefined;
    }
  }
  return undefined;
}
