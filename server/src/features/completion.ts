// Completion: schema-driven keys (without those already present) and enum values, workspace-aware values
// (label keys and values in selectors, namespace and tenant names, container port names, PSA levels,
// Cilium entities) and the snippets of snippets/, all found from the text around the cursor so that a
// half-typed document still completes.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type CompletionParams } from 'vscode-languageserver/node';
import { describeSchemaPath, schemaKinds, type PathSegment } from '../engine/schema/describe';
import { NAME_LABEL, TENANT_LABEL } from '../engine/model/capsule';
import type { IndexedFile } from '../workspace/workspace-index';
import { guardRequest } from '../lsp/guard';
import { cursorContext, siblingScalar, topLevelScalar, type CursorContext } from './completion-context';
import { expandDefaults, SNIPPETS, snippetText } from './completion-snippets';
import type { Feature, FeatureContext } from './types';

const PSA_LEVELS = ['privileged', 'baseline', 'restricted'];
const PSA_MODES = ['enforce', 'audit', 'warn'];
const CILIUM_NS_LABEL = 'k8s:io.kubernetes.pod.namespace';
const MAX_ITEMS = 200;

/** The document of the file that contains `offset`: its text and where it starts. */
export function chunkAt(file: IndexedFile, offset: number): { start: number; text: string; index: number } | undefined {
  const docs = file.analysis.documents;
  for (let i = 0; i < docs.length; i++) {
    const { start, text } = docs[i].chunk;
    const next = docs[i + 1]?.chunk.start ?? Infinity;
    if (offset >= start && (offset <= start + text.length || offset < next)) return { start, text, index: i };
  }
  if (docs.length === 0) return { start: 0, text: file.text, index: -1 };
  const last = docs[docs.length - 1].chunk;
  return offset >= last.start ? { start: last.start, text: last.text, index: docs.length - 1 } : undefined;
}

/** The kind a path inside the document describes: an embedded rawItems object counts as its own kind. */
export function effectiveKind(text: string, ctx: Pick<CursorContext, 'ancestors'>): { apiVersion?: string; kind?: string; path: PathSegment[] } {
  let apiVersion = topLevelScalar(text, 'apiVersion');
  let kind = topLevelScalar(text, 'kind');
  let path = ctx.ancestors.map((a) => a.segment);
  for (let i = ctx.ancestors.length - 2; i >= 0; i--) {
    const a = ctx.ancestors[i];
    if (a.segment === 'rawItems' && typeof ctx.ancestors[i + 1].segment === 'number') {
      const item = ctx.ancestors[i + 1];
      const column = item.column + 2;
      apiVersion = siblingScalar(text, item.line, column, 'apiVersion');
      kind = siblingScalar(text, item.line, column, 'kind');
      path = path.slice(i + 2);
      break;
    }
  }
  return { apiVersion, kind, path };
}

interface Candidate {
  label: string;
  kind: CompletionItemKind;
  detail?: string;
  doc?: string;
  insert?: string;
  snippet?: boolean;
  sort?: string;
}

function selectorKind(path: PathSegment[]): 'namespace' | 'pod' | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  for (let i = names.length - 1; i >= 0; i--) {
    const n = names[i];
    if (n === 'namespaceSelector') return 'namespace';
    if (n === 'podSelector' || n === 'endpointSelector' || n === 'fromEndpoints' || n === 'toEndpoints') return 'pod';
    if (n === 'matchLabels' || n === 'matchExpressions') continue;
    if (typeof n === 'string' && i < names.length - 2) break;
  }
  return undefined;
}

type LabelPool = Map<string, Set<string>>;

/** The label values the model's namespaces and workloads carry, once per model build (not per keystroke). */
const labelPools = new WeakMap<object, { nsLabels: LabelPool; podLabels: LabelPool }>();

function collect(ctx: FeatureContext, file: IndexedFile) {
  const model = ctx.model(file)?.model;
  let pools = model ? labelPools.get(model) : undefined;
  if (!pools) {
    pools = { nsLabels: new Map(), podLabels: new Map() };
    const add = (m: LabelPool, labels: Record<string, string>) => {
      for (const [k, v] of Object.entries(labels)) {
        let s = m.get(k);
        if (!s) m.set(k, (s = new Set()));
        s.add(v);
      }
    };
    for (const ns of model?.namespaces.values() ?? []) add(pools.nsLabels, ns.labels);
    for (const w of model?.workloads ?? []) add(pools.podLabels, w.labels);
    if (model) labelPools.set(model, pools);
  }
  return { model, ...pools };
}

function candidates(ctx: FeatureContext, file: IndexedFile, text: string, c: CursorContext): Candidate[] {
  if (c.inComment) return [];
  const out: Candidate[] = [];
  const { apiVersion, kind, path } = effectiveKind(text, c);
  const cilium = ctx.file(file.uri)?.config.ciliumVersion ?? '1.18';

  // Whole documents: at the start of an empty document.
  if (c.atDocumentStart && c.mode === 'key' && c.path.length === 0) {
    for (const s of SNIPPETS) if (s.scope === 'document') out.push({ label: s.label, kind: CompletionItemKind.Snippet, detail: s.name, doc: s.description, insert: snippetText(s), snippet: true, sort: '0' });
  }

  const where = [...path];
  const data = collect(ctx, file);
  const sel = selectorKind(where);
  const labelsFor = sel === 'namespace' ? data.nsLabels : data.podLabels;
  const last = where[where.length - 1];
  const parentKey = typeof last === 'number' ? where[where.length - 2] : last;

  if (c.mode === 'value' && c.key !== undefined) {
    const key = c.key;
    // Top level.
    if (where.length === 0 && key === 'apiVersion') {
      for (const v of new Set(schemaKinds().map((k) => k.apiVersion))) out.push({ label: v, kind: CompletionItemKind.Value });
      return out;
    }
    if (where.length === 0 && key === 'kind') {
      for (const k of schemaKinds()) if (!apiVersion || k.apiVersion === apiVersion) out.push({ label: k.kind, kind: CompletionItemKind.Value, detail: k.apiVersion });
      return dedupe(out);
    }
    // Label values.
    if (parentKey === 'matchLabels' || parentKey === 'labels') {
      out.push(...labelValues(key, parentKey === 'labels' ? data.nsLabels : labelsFor, data.model));
      return out;
    }
    if (key === 'namespace' && (where[where.length - 1] === 'metadata' || parentKey === 'metadata')) {
      for (const ns of data.model?.namespaces.keys() ?? []) out.push({ label: ns, kind: CompletionItemKind.Value, detail: tenantOf(data.model, ns) });
    }
    if (key === 'key' && parentKey === 'matchExpressions') {
      for (const k of labelsFor.keys()) out.push({ label: k, kind: CompletionItemKind.Property });
      return out;
    }
    if (key === 'port' && (where.includes('ports') || where.includes('toPorts'))) out.push(...portNames(data.model, text, c, where));
    const d = describeSchemaPath(apiVersion, kind, [...where, key], cilium);
    for (const v of d?.enum ?? []) out.push({ label: String(v), kind: CompletionItemKind.EnumMember, detail: d?.type });
    if (d?.default !== undefined && typeof d.default !== 'object' && !(d.enum ?? []).includes(d.default)) out.push({ label: String(d.default), kind: CompletionItemKind.Value, detail: 'default' });
    return out;
  }

  if (c.mode === 'item') {
    // A scalar item (policyTypes, toEntities, matchExpressions values, except…) or a key of a new item.
    const d = describeSchemaPath(apiVersion, kind, where, cilium);
    if (parentKey === 'values' && where.includes('matchExpressions')) {
      const item = c.ancestors[c.ancestors.length - 3];
      const labelKey = item ? siblingScalar(text, item.line, item.column + 2, 'key') : undefined;
      if (labelKey) out.push(...labelValues(labelKey, labelsFor, data.model));
      return out;
    }
    for (const v of d?.enum ?? []) out.push({ label: String(v), kind: CompletionItemKind.EnumMember, detail: d?.type });
    if (d?.properties) out.push(...keyCandidates(d.properties, c.present, d.required));
    const listKey = typeof where[where.length - 1] === 'number' ? where[where.length - 2] : undefined;
    if ((listKey === 'ingress' || listKey === 'egress') && c.prefix === '') out.push(...ruleSnippets(listKey, kind, true));
    return out;
  }

  // Keys.
  if (parentKey === 'matchLabels' || (parentKey === 'labels' && where.includes('metadata'))) {
    const pool = parentKey === 'labels' && kind === 'Namespace' ? data.nsLabels : parentKey === 'labels' ? data.podLabels : labelsFor;
    for (const k of pool.keys()) if (!c.present.includes(k)) out.push({ label: k, kind: CompletionItemKind.Property, insert: `${k}: `, detail: `${pool.get(k)!.size} value(s) in the workspace` });
    if (kind === 'Namespace' && parentKey === 'labels') {
      for (const m of PSA_MODES) for (const k of [`pod-security.kubernetes.io/${m}`, `pod-security.kubernetes.io/${m}-version`]) if (!c.present.includes(k) && !pool.has(k)) out.push({ label: k, kind: CompletionItemKind.Property, insert: `${k}: `, detail: 'Pod Security admission' });
    }
    if (sel === 'namespace' && !c.present.includes(NAME_LABEL) && !pool.has(NAME_LABEL)) out.push({ label: NAME_LABEL, kind: CompletionItemKind.Property, insert: `${NAME_LABEL}: `, detail: 'set by the API server to the namespace name' });
    if (sel === 'namespace' && !c.present.includes(TENANT_LABEL) && !pool.has(TENANT_LABEL)) out.push({ label: TENANT_LABEL, kind: CompletionItemKind.Property, insert: `${TENANT_LABEL}: `, detail: 'set by Capsule to the tenant name' });
    return out;
  }
  const d = describeSchemaPath(apiVersion, kind, where, cilium);
  if (d?.properties) out.push(...keyCandidates(d.properties, c.present, d.required));
  if (where.length === 0 && !apiVersion && !kind && !d) {
    for (const k of ['apiVersion', 'kind', 'metadata']) if (!c.present.includes(k)) out.push({ label: k, kind: CompletionItemKind.Property, insert: `${k}: ` });
  }
  if (parentKey === 'ingress' || parentKey === 'egress') {
    if (typeof last !== 'number') out.push(...ruleSnippets(parentKey, kind, false));
  }
  return out;
}

function dedupe(list: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.label) ? false : (seen.add(c.label), true)));
}

function keyCandidates(props: Map<string, { description?: string; enum?: unknown[] }>, present: string[], required: string[] = []): Candidate[] {
  const out: Candidate[] = [];
  for (const [k, info] of props) {
    if (present.includes(k) || k === 'status') continue;
    out.push({ label: k, kind: CompletionItemKind.Property, insert: `${k}: `, doc: info.description, detail: required.includes(k) ? 'required' : undefined, sort: required.includes(k) ? '1' : '2' });
  }
  return out;
}

function ruleSnippets(list: 'ingress' | 'egress', kind: string | undefined, asItem: boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const s of SNIPPETS) {
    if (s.scope !== list) continue;
    if (kind && s.kinds && !s.kinds.includes(kind)) continue;
    let body = snippetText(s);
    // After `- ` the dash is typed already; the item's later lines keep their indentation relative to it.
    if (asItem) body = body.replace(/^- /, '');
    out.push({ label: s.label, kind: CompletionItemKind.Snippet, detail: s.name, doc: s.description, insert: body, snippet: true, sort: '0' });
  }
  return out;
}

function tenantOf(model: ReturnType<typeof collect>['model'], ns: string): string | undefined {
  const t = model?.namespaces.get(ns)?.tenant;
  return t ? `tenant ${t}` : undefined;
}

function labelValues(key: string, pool: LabelPool, model: ReturnType<typeof collect>['model']): Candidate[] {
  const out: Candidate[] = [];
  if (/^pod-security\.kubernetes\.io\/(enforce|audit|warn)$/.test(key)) {
    for (const l of PSA_LEVELS) out.push({ label: l, kind: CompletionItemKind.EnumMember, detail: 'Pod Security Standard level' });
    return out;
  }
  if (/^pod-security\.kubernetes\.io\/(enforce|audit|warn)-version$/.test(key)) {
    out.push({ label: 'latest', kind: CompletionItemKind.EnumMember });
    return out;
  }
  if (key === NAME_LABEL || key === CILIUM_NS_LABEL) {
    for (const ns of model?.namespaces.keys() ?? []) out.push({ label: ns, kind: CompletionItemKind.Value, detail: tenantOf(model, ns) });
  }
  if (key === TENANT_LABEL) {
    for (const t of model?.tenants.keys() ?? []) out.push({ label: t, kind: CompletionItemKind.Value, detail: 'tenant' });
  }
  for (const v of pool.get(key) ?? []) out.push({ label: v, kind: CompletionItemKind.Value });
  return dedupe(out);
}

/** Container port names of the workloads the rule concerns: the policy's namespace (or all). */
function portNames(model: ReturnType<typeof collect>['model'], text: string, c: CursorContext, where: PathSegment[]): Candidate[] {
  const out: Candidate[] = [];
  if (!model) return out;
  const ns = /^metadata:\s*\n(?:[ \t]+.*\n)*?[ \t]+namespace:[ \t]*["']?([^"'#\s]+)/m.exec(text)?.[1];
  const egress = where.includes('egress');
  const pool = model.workloads.filter((w) => egress || !ns || w.namespace === ns);
  const seen = new Map<string, string[]>();
  for (const w of pool) for (const p of w.ports) if (p.name) seen.set(p.name, [...(seen.get(p.name) ?? []), `${w.id} ${p.protocol}/${p.port}`]);
  for (const [name, where_] of seen) out.push({ label: name, kind: CompletionItemKind.Value, detail: where_.slice(0, 3).join(', ') + (where_.length > 3 ? ', …' : '') });
  void c;
  return out;
}

export const completionFeature: Feature = {
  name: 'completion',
  capabilities: () => ({ completionProvider: { triggerCharacters: [':', ' ', '-', '/'], resolveProvider: false } }),
  register(ctx) {
    const empty = (): CompletionList => ({ isIncomplete: false, items: [] });
    ctx.connection.onCompletion(
      guardRequest(ctx.log, 'textDocument/completion', (params: CompletionParams): CompletionList => {
        const file = ctx.file(params.textDocument.uri);
        if (!file || !file.enabled) return empty();
        const offset = file.lines.offsetAt(params.position);
        const chunk = chunkAt(file, offset);
        if (!chunk) return empty();
        const local = Math.min(offset - chunk.start, chunk.text.length);
        const c = cursorContext(chunk.text, local);
        const list = dedupe(candidates(ctx, file, chunk.text, c)).slice(0, MAX_ITEMS);
        const start = file.lines.positionAt(chunk.start + Math.min(c.prefixStart, local));
        const end = params.position;
        const snippets = ctx.client.snippetSupport;
        const items: CompletionItem[] = list.map((x) => {
          const raw = x.insert ?? x.label;
          const indent = ' '.repeat(c.column);
          // Multi-line inserts keep the cursor's indentation on their following lines.
          const indented = raw.includes('\n') ? raw.split('\n').map((l, i) => (i === 0 || l === '' ? l : indent + l)).join('\n') : raw;
          const newText = x.snippet && !snippets ? expandDefaults(indented) : indented;
          return {
            label: x.label,
            kind: x.kind,
            detail: x.detail,
            documentation: x.doc ? { kind: MarkupKind.Markdown, value: x.doc } : undefined,
            sortText: `${x.sort ?? '5'}${x.label}`,
            filterText: x.snippet ? `${c.prefix}${x.label}` : undefined,
            insertTextFormat: x.snippet && snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
            textEdit: { range: { start, end }, newText },
          };
        });
        return { isIncomplete: false, items };
      }, empty),
    );
  },
};

