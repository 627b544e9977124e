// Recognises Helm (Go) templates so they are skipped with one note instead of a cascade of errors.
// Capsule's own placeholders, `{{tenant.name}}` and `{{namespace}}` (spaces inside allowed), are part
// of valid manifests, and so are the Go templates inside a Capsule `generators[].template` string.
import { isMap, isScalar, isSeq } from 'yaml';
import { mapGet, parseChunk, type YamlNode } from './document';
import type { Chunk } from './split';
import type { Span } from '../types';

export const CAPSULE_PLACEHOLDER = /^\{\{\s*(tenant\.name|namespace)\s*\}\}$/;
/**
 * Inside rawItems, Capsule's fast templating replaces any `{{ key }}` (a plain key, no leading dot, no
 * pipeline): an unknown key is a mistake the model reports, not a Helm template.
 */
const FAST_TEMPLATE_TAG = /^\{\{\s*[A-Za-z_][\w.-]*\s*\}\}$/;
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
    let allowed: { generators: Span[]; rawItems: Span[] } | undefined;
    TEMPLATE.lastIndex = 0;
    const re = new RegExp(TEMPLATE.source, 'g');
    let m: RegExpExecArray | null;
    let lastEnd = 0;
    while ((m = re.exec(chunk.text))) {
      lastEnd = m.index + m[0].length;
      if (m[0].length > MAX_ACTION) break;
      if (CAPSULE_PLACEHOLDER.test(m[0])) continue;
      allowed ??= capsuleTemplateSpans(chunk.text);
      const at = m.index;
      const inside = (spans: Span[]) => spans.some((s) => at >= s.start && at < s.end);
      if (inside(allowed.generators)) continue;
      if (FAST_TEMPLATE_TAG.test(m[0]) && inside(allowed.rawItems)) continue;
      return { span: { start: chunk.start + at, end: chunk.start + lastEnd }, excerpt: oneLine(m[0]) };
    }
  }
  return undefined;
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

/**
 * Spans of `spec.resources[].generators[].template` strings and of `spec.resources[].rawItems` in a
 * (Global)TenantResource, and of a Tenant's `namespaceOptions.additionalMetadataList` (fast templating).
 */
function capsuleTemplateSpans(text: string): { generators: Span[]; rawItems: Span[] } {
  const out = { generators: [] as Span[], rawItems: [] as Span[] };
  const parsed = parseChunk(text);
  const root = parsed.doc.contents;
  if (!isMap(root)) return out;
  const spec = mapGet(root, 'spec');
  if (parsed.kind === 'Tenant') {
    // additionalMetadataList keys and values use the same fast templating.
    const options = isMap(spec) ? mapGet(spec, 'namespaceOptions') : undefined;
    const list = isMap(options) ? (mapGet(options, 'additionalMetadataList') as YamlNode | undefined) : undefined;
    if (list?.range) out.rawItems.push({ start: list.range[0], end: list.range[1] });
    return out;
  }
  if (!/^(Global)?TenantResource$/.test(parsed.kind ?? '')) return out;
  const resources = isMap(spec) ? mapGet(spec, 'resources') : undefined;
  if (!isSeq(resources)) return out;
  for (const r of resources.items) {
    if (!isMap(r)) continue;
    const raw = mapGet(r, 'rawItems') as YamlNode | undefined;
    if (raw?.range) out.rawItems.push({ start: raw.range[0], end: raw.range[1] });
    const gens = mapGet(r, 'generators');
    if (!isSeq(gens)) continue;
    for (const g of gens.items) {
      if (!isMap(g)) continue;
      const t = mapGet(g, 'template') as YamlNode | undefined;
      if (isScalar(t) && t.range) out.generators.push({ start: t.range[0], end: t.range[1] });
    }
  }
  return out;
}
