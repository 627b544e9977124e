// Recognises Helm (Go) templates so they are skipped with one note instead of a cascade of errors.
// Capsule's own placeholders, `{{tenant.name}}` and `{{namespace}}` (spaces inside allowed), are part
// of valid manifests, and so are the Go templates inside a Capsule `generators[].template` string.
import { isMap, isScalar, isSeq } from 'yaml';
import { mapGet, parseChunk, type YamlNode } from './document';
import type { Chunk } from './split';
import type { Span } from '../types';

export const CAPSULE_PLACEHOLDER = /^\{\{\s*(tenant\.name|namespace)\s*\}\}$/;
const TEMPLATE = /\{\{[\s\S]*?\}\}/g;
/** A template action is never longer than this; an unclosed `{{` is still a template marker. */
const MAX_ACTION = 2000;

export interface HelmMatch {
  span: Span;
  excerpt: string;
}

export function detectHelm(text: string, chunks: Chunk[]): HelmMatch | undefined {
  if (text.indexOf('{{') === -1) return undefined;
  for (const chunk of chunks) {
    if (chunk.text.indexOf('{{') === -1) continue;
    let allowed: Span[] | undefined;
    TEMPLATE.lastIndex = 0;
    const re = new RegExp(TEMPLATE.source, 'g');
    let m: RegExpExecArray | null;
    let lastEnd = 0;
    while ((m = re.exec(chunk.text))) {
      lastEnd = m.index + m[0].length;
      if (m[0].length > MAX_ACTION) break;
      if (CAPSULE_PLACEHOLDER.test(m[0])) continue;
      allowed ??= generatorTemplateSpans(chunk.text);
      const at = m.index;
      if (allowed.some((s) => at >= s.start && at < s.end)) continue;
      return { span: { start: chunk.start + at, end: chunk.start + lastEnd }, excerpt: oneLine(m[0]) };
    }
  }
  return undefined;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

/** Spans of `spec.resources[].generators[].template` strings in a (Global)TenantResource. */
function generatorTemplateSpans(text: string): Span[] {
  const parsed = parseChunk(text);
  if (parsed.errors.length || !/^(Global)?TenantResource$/.test(parsed.kind ?? '')) return [];
  const spans: Span[] = [];
  const root = parsed.doc.contents;
  if (!isMap(root)) return spans;
  const spec = mapGet(root, 'spec');
  const resources = isMap(spec) ? mapGet(spec, 'resources') : undefined;
  if (!isSeq(resources)) return spans;
  for (const r of resources.items) {
    if (!isMap(r)) continue;
    const gens = mapGet(r, 'generators');
    if (!isSeq(gens)) continue;
    for (const g of gens.items) {
      if (!isMap(g)) continue;
      const t = mapGet(g, 'template') as YamlNode | undefined;
      if (isScalar(t) && t.range) spans.push({ start: t.range[0], end: t.range[1] });
    }
  }
  return spans;
}
