// capsule-template-unquoted: `name: {{tenant.name}}` is not a string in YAML. A plain value that starts
// with `{` is a flow mapping, so the parser reads `{{tenant.name}}` as a mapping whose only key is the
// mapping `{tenant.name}`; with text after it (`{{tenant.name}}-web`) the line does not even parse.
// Capsule renders rawItems as JSON text, so the placeholder must be inside a quoted string.
import { isMap, isPair, isSeq, type YAMLMap } from 'yaml';
import type { ParsedDocument, SyntaxProblem, YamlNode } from '../parse/document';
import { ruleMeta } from '../rules/catalog';
import type { Finding, Span } from '../types';
import { identify } from './registry';

export interface UnquotedPlaceholder {
  /** The flow mapping the parser made of the placeholder. */
  node: YamlNode;
  /** The whole plain value the author meant, e.g. `{{tenant.name}}-web` (without a trailing comment). */
  span: Span;
  text: string;
  /** End of the value's line: parse errors up to here are echoes of the same mistake. */
  lineEnd: number;
}

const START = /^\{\{\s*(tenant\.name|namespace)\s*\}\}/;
const memo = new WeakMap<ParsedDocument, UnquotedPlaceholder[]>();

/** Unquoted placeholders in a document the engine validates (other documents are left alone). */
export function reportablePlaceholders(parsed: ParsedDocument): UnquotedPlaceholder[] {
  const hit = memo.get(parsed);
  if (hit) return hit;
  let found: UnquotedPlaceholder[] = [];
  if (parsed.text.indexOf('{{') !== -1) {
    const id = identify(parsed.apiVersion, parsed.kind);
    if (id.type === 'object' || id.type === 'list') found = findUnquoted(parsed);
  }
  memo.set(parsed, found);
  return found;
}

/** For toPlain: each unquoted placeholder read as the text the author meant; undefined when there is none. */
export function placeholderOverrides(parsed: ParsedDocument): Map<YamlNode, unknown> | undefined {
  const placeholders = reportablePlaceholders(parsed);
  return placeholders.length ? new Map<YamlNode, unknown>(placeholders.map((p) => [p.node, p.text])) : undefined;
}

/** The parse errors, less those on the line of an unquoted placeholder: they echo that one mistake. */
export function errorsBesidePlaceholders(parsed: ParsedDocument): SyntaxProblem[] {
  const placeholders = parsed.empty ? [] : reportablePlaceholders(parsed);
  if (placeholders.length === 0) return parsed.errors;
  return parsed.errors.filter((e) => !placeholders.some((t) => e.span.start >= t.span.start && e.span.start <= t.lineEnd));
}

function findUnquoted(parsed: ParsedDocument): UnquotedPlaceholder[] {
  const text = parsed.text;
  const out: UnquotedPlaceholder[] = [];
  const stack: { node: unknown; flowParent: boolean }[] = [{ node: parsed.doc.contents, flowParent: false }];
  while (stack.length) {
    const { node, flowParent } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      const flow = !!(node as YAMLMap).flow;
      const range = node.range;
      if (isMap(node) && flow && !flowParent && range && START.test(text.slice(range[0], range[0] + 40))) {
        out.push(describe(text, node as YamlNode, range[0]));
        continue;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push({ node: item.value, flowParent: flow });
          const key = item.key as YamlNode | null;
          // `{{tenant.name}}: owner` — a placeholder key (Capsule renders keys too).
          if (!flow && isMap(key) && (key as YAMLMap).flow && key.range && START.test(text.slice(key.range[0], key.range[0] + 40))) {
            out.push(describe(text, key, key.range[0], true));
          } else stack.push({ node: key, flowParent: flow });
        } else stack.push({ node: item, flowParent: flow });
      }
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

function describe(text: string, node: YamlNode, start: number, isKey = false): UnquotedPlaceholder {
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd === -1) lineEnd = text.length;
  let end = lineEnd;
  const line = text.slice(start, lineEnd);
  const stop = isKey ? /:(\s|$)/.exec(line) : /\s#/.exec(line);
  if (stop) end = start + stop.index;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { node, span: { start, end }, text: text.slice(start, end), lineEnd };
}

export function placeholderFindings(placeholders: readonly UnquotedPlaceholder[]): Finding[] {
  return placeholders.map((p) => {
    const quoted = JSON.stringify(p.text);
    return {
      ruleId: 'capsule-template-unquoted',
      messageId: 'unquotedPlaceholder',
      severity: ruleMeta('capsule-template-unquoted')!.defaultSeverity,
      span: p.span,
      message: `${p.text} starts with "{", so YAML reads it as a mapping, not as text; quote it (${quoted}) so Capsule can substitute the placeholder.`,
      fixes: [{ title: `Quote the value: ${quoted}`, edits: [{ span: p.span, newText: quoted }], isPreferred: true }],
    };
  });
}
