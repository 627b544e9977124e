// Turns a JSON path (keys and indices) into the exact text a finding should underline, and collects
// findings for one document. The rule: a finding sits on a scalar value when the problem is the value,
// on the key when the problem is the field (or the value is a whole mapping or list), and on the first
// line of a list item that has no key. It never covers more than one line.
import { isAlias, isMap, isScalar, type Scalar } from 'yaml';
import { mapGet, nodeAtPath, type ParsedDocument, type YamlNode } from '../parse/document';
import { ruleMeta } from '../rules/catalog';
import type { Finding, FindingTag, Fix, Severity, Span } from '../types';

export type Seg = string | number;

export interface ReportOptions {
  fixes?: Fix[];
  severity?: Severity;
  tags?: FindingTag[];
}

export class Reporter {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  readonly root: YamlNode | null | undefined;

  constructor(readonly parsed: ParsedDocument) {
    this.root = parsed.doc.contents as YamlNode | null;
  }

  get text(): string {
    return this.parsed.text;
  }

  add(ruleId: string, messageId: string, span: Span, message: string, opts: ReportOptions = {}): void {
    const key = `${ruleId}|${messageId}|${span.start}|${span.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const f: Finding = {
      ruleId,
      messageId,
      severity: opts.severity ?? ruleMeta(ruleId)?.defaultSeverity ?? 'error',
      span,
      message,
      fixes: opts.fixes ?? [],
    };
    if (opts.tags) f.tags = opts.tags;
    this.findings.push(f);
  }

  /** The node at `path`, resolved through aliases, and whether the whole path exists in the YAML. */
  locate(path: readonly Seg[]): { node: YamlNode | null | undefined; keyNode?: YamlNode; found: boolean; depth: number } {
    const r = nodeAtPath(this.root, path);
    return { node: r.node, keyNode: r.keyNode, found: r.depth === path.length, depth: r.depth };
  }

  /** The scalar node at `path`, if it is one (for fixes that rewrite the value). */
  scalarAt(path: readonly Seg[]): Scalar | undefined {
    const r = this.locate(path);
    return r.found && isScalar(r.node) ? r.node : undefined;
  }

  /**
   * Where to underline a problem with the field at `path`: the key that names it, or for a list item
   * its first line, or for the root of an object (`base`) its `kind` value.
   */
  keySpan(path: readonly Seg[], base: readonly Seg[] = []): Span {
    const r = this.locate(path);
    if (!r.found) return this.keySpan(path.slice(0, r.depth), base);
    if (path.length <= base.length) return this.objectSpan(base);
    const last = path[path.length - 1];
    if (typeof last === 'number' || (r.keyNode === undefined && /^\d+$/.test(String(last)))) return this.firstLine(r.node);
    if (r.keyNode) return this.spanOf(r.keyNode);
    return this.firstLine(r.node);
  }

  /** Where to underline a problem with the value at `path`: the scalar itself, else as keySpan. */
  valueSpan(path: readonly Seg[], base: readonly Seg[] = []): Span {
    const r = this.locate(path);
    if (r.found && isScalar(r.node) && r.node.range && r.node.range[1] > r.node.range[0]) return this.spanOf(r.node);
    if (r.found && isAlias(r.node) && r.node.range) return this.spanOf(r.node);
    return this.keySpan(path, base);
  }

  /** The span of a key inside the mapping at `mapPath` (e.g. one label key). */
  mapKeySpan(mapPath: readonly Seg[], key: string, base: readonly Seg[] = []): Span {
    return this.keySpan([...mapPath, key], base);
  }

  /** An object's root: its `kind` value, else its `apiVersion` value, else its first line. */
  objectSpan(base: readonly Seg[]): Span {
    const r = this.locate(base);
    if (isMap(r.node)) {
      for (const k of ['kind', 'apiVersion']) {
        const v = mapGet(r.node, k);
        if (isScalar(v) && v.range && v.range[1] > v.range[0]) return this.spanOf(v);
      }
    }
    return this.firstLine(r.node);
  }

  spanOf(node: YamlNode | null | undefined): Span {
    if (!node || !node.range) return { start: 0, end: Math.min(1, this.text.length) };
    return this.clampToLine(node.range[0], node.range[1]);
  }

  firstLine(node: YamlNode | null | undefined): Span {
    if (!node || !node.range) return { start: 0, end: Math.min(1, this.text.length) };
    const [start, end] = node.range;
    if (isScalar(node) && node.value === null && this.text.slice(start, end).trim() === '') {
      // An empty list item (`-` alone): underline the dash.
      let i = start - 1;
      while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
      if (i >= 0 && this.text[i] === '-') return { start: i, end: i + 1 };
    }
    return this.clampToLine(start, end);
  }

  private clampToLine(start: number, end: number): Span {
    const text = this.text;
    let e = end;
    const nl = text.indexOf('\n', start);
    if (nl !== -1 && nl < e) e = nl;
    while (e > start + 1 && /\s/.test(text[e - 1])) e--;
    if (e <= start) e = Math.min(text.length, start + 1);
    return { start, end: e };
  }
}

/** Renders a path as people read it: `spec.ingress[0].ports[1]`. */
export function humanPath(path: readonly Seg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The field a value belongs to, for messages: `protocol`, `policyTypes[0]`, `except[1]`. */
export function fieldName(path: readonly Seg[]): string {
  let i = path.length - 1;
  let suffix = '';
  while (i >= 0 && typeof path[i] === 'number') {
    suffix = `[${path[i]}]${suffix}`;
    i--;
  }
  return i >= 0 ? `${String(path[i])}${suffix}` : suffix || 'value';
}

/** A value shown in a message: strings in quotes, the rest as YAML would print them. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}…` : value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

const PLAIN_UNSAFE = /^(?:[-?:,[\]{}#&*!|>'"%@`]|\s)|[:#]\s|\s$|^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?(?:e[-+]?\d+)?|\.\d+|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan))$/i;

/** The text for a new scalar that keeps the quoting style of the one it replaces. */
export function scalarText(value: string, like: Scalar | undefined): string {
  if (like?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (like?.type === 'QUOTE_DOUBLE' || value === '' || PLAIN_UNSAFE.test(value)) return JSON.stringify(value);
  return value;
}
