// Document symbols (the outline): one entry per `---` document named `Kind/name` (the namespace in the
// detail), with the rules nested: NetworkPolicy and Cilium ingress/egress rules, a Tenant's
// networkPolicies items, a (Global)TenantResource's resources and rawItems, a List's items. Everything is
// read from the parsed YAML of the file's analysis, so a broken or half-typed document still gets its
// entry (named by its kind, or "document N"). Clients without hierarchical support get flat
// SymbolInformation with container names.
import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { mapGet, mapPair, type YamlNode } from '../engine/parse/document';
import type { LineIndex } from '../engine';
import { guardRequest } from '../lsp/guard';
import type { IndexedFile } from '../workspace/workspace-index';
import type { Feature, FeatureContext } from './types';

/** Symbols are capped so that a generated 20k-line file still answers quickly and stays readable. */
const MAX_SYMBOLS = 5000;
const MAX_DEPTH = 6;

const KIND_SYMBOL: Record<string, SymbolKind> = {
  Namespace: SymbolKind.Namespace,
  Tenant: SymbolKind.Package,
  TenantResource: SymbolKind.Module,
  GlobalTenantResource: SymbolKind.Module,
  NetworkPolicy: SymbolKind.Struct,
  CiliumNetworkPolicy: SymbolKind.Struct,
  CiliumClusterwideNetworkPolicy: SymbolKind.Struct,
  List: SymbolKind.Array,
  Pod: SymbolKind.Class,
  Deployment: SymbolKind.Class,
  StatefulSet: SymbolKind.Class,
  DaemonSet: SymbolKind.Class,
  ReplicaSet: SymbolKind.Class,
  Job: SymbolKind.Class,
  CronJob: SymbolKind.Class,
  ReplicationController: SymbolKind.Class,
};

/** One `---` document of a file with its chunk offset (spans of `parsed` are relative to it). */
export interface PlacedDocument {
  index: number;
  start: number;
  text: string;
  contents: YamlNode | null;
}

export function placedDocuments(file: IndexedFile): PlacedDocument[] {
  return file.analysis.documents.map((d, index) => ({
    index,
    start: d.chunk.start,
    text: d.chunk.text,
    contents: (d.parsed.doc.contents ?? null) as YamlNode | null,
  }));
}

export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function pathGet(node: unknown, ...keys: string[]): YamlNode | null | undefined {
  let cur: unknown = node;
  for (const k of keys) {
    if (!isMap(cur)) return undefined;
    cur = mapGet(cur, k);
  }
  return cur as YamlNode | null | undefined;
}

function seqItems(node: unknown): YamlNode[] {
  return isSeq(node) ? (node.items as YamlNode[]).filter((n) => n != null) : [];
}

/** A short, readable form of a selector written in YAML: `tenant=solar, app in (a,b)`, `all`. */
function selectorSummary(node: unknown): string {
  if (!isMap(node)) return 'all';
  const parts: string[] = [];
  const ml = mapGet(node, 'matchLabels');
  if (isMap(ml)) {
    for (const pair of ml.items) parts.push(`${scalarString(pair.key) ?? '?'}=${scalarString(pair.value) ?? ''}`);
  }
  for (const req of seqItems(mapGet(node, 'matchExpressions'))) {
    if (!isMap(req)) continue;
    const key = scalarString(mapGet(req, 'key')) ?? '?';
    const op = scalarString(mapGet(req, 'operator')) ?? '?';
    const values = seqItems(mapGet(req, 'values')).map((v) => scalarString(v) ?? '?');
    parts.push(values.length > 0 ? `${key} ${op} (${values.join(',')})` : `${key} ${op}`);
  }
  // Cilium endpoint selectors may carry plain labels at the top level (none in practice, but harmless).
  return parts.length === 0 ? 'all' : parts.join(', ');
}

function clip(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function portsSummary(node: unknown): string | undefined {
  const out: string[] = [];
  for (const p of seqItems(node)) {
    if (!isMap(p)) continue;
    // Cilium toPorts: { ports: [{port, protocol}] }
    const nested = mapGet(p, 'ports');
    if (isSeq(nested)) {
      const inner = portsSummary(nested);
      if (inner) out.push(inner);
      continue;
    }
    const proto = scalarString(mapGet(p, 'protocol')) ?? 'TCP';
    const port = scalarString(mapGet(p, 'port'));
    const end = scalarString(mapGet(p, 'endPort'));
    out.push(port === undefined ? proto : end ? `${proto} ${port}-${end}` : `${proto} ${port}`);
  }
  return out.length > 0 ? out.join(', ') : undefined;
}

/** "from namespaces tenant=solar · TCP 5432" for a NetworkPolicy rule. */
function netpolRuleSummary(rule: unknown, direction: 'ingress' | 'egress'): string {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  const word = direction === 'ingress' ? 'from' : 'to';
  if (!isMap(rule)) return '';
  const peers = mapGet(rule, peersKey);
  const parts: string[] = [];
  const items = seqItems(peers);
  if (items.length === 0) parts.push(`${word} anywhere`);
  else {
    const peerTexts = items.map((peer) => {
      if (!isMap(peer)) return '?';
      const ip = mapGet(peer, 'ipBlock');
      if (isMap(ip)) {
        const except = seqItems(mapGet(ip, 'except')).length;
        return `${scalarString(mapGet(ip, 'cidr')) ?? 'ipBlock'}${except ? ` except ${except}` : ''}`;
      }
      const ns = mapPair(peer, 'namespaceSelector');
      const pod = mapPair(peer, 'podSelector');
      const bits: string[] = [];
      if (ns) bits.push(`namespaces ${selectorSummary(ns.value)}`);
      if (pod) bits.push(`pods ${selectorSummary(pod.value)}`);
      return bits.join(' and ') || '?';
    });
    parts.push(`${word} ${peerTexts.join('; ')}`);
  }
  parts.push(portsSummary(mapGet(rule, 'ports')) ?? 'all ports');
  return parts.join(' · ');
}

const CILIUM_PEERS = [
  'fromEndpoints', 'toEndpoints', 'fromEntities', 'toEntities', 'fromCIDR', 'toCIDR', 'fromCIDRSet', 'toCIDRSet',
  'toFQDNs', 'toServices', 'fromRequires', 'toRequires', 'fromGroups', 'toGroups', 'fromNodes', 'toNodes',
];

function ciliumRuleSummary(rule: unknown): string {
  if (!isMap(rule)) return '';
  const parts: string[] = [];
  for (const key of CILIUM_PEERS) {
    const v = mapGet(rule, key);
    if (v === undefined) continue;
    const items = seqItems(v);
    if (key.endsWith('Endpoints')) parts.push(`${key} ${items.map(selectorSummary).join('; ') || 'none'}`);
    else if (key.endsWith('Entities') || key.endsWith('CIDR')) parts.push(`${key} ${items.map((i) => scalarString(i) ?? '?').join(', ')}`);
    else if (key === 'toFQDNs') parts.push(`toFQDNs ${items.map((i) => (isMap(i) ? scalarString(mapGet(i, 'matchName')) ?? scalarString(mapGet(i, 'matchPattern')) : undefined) ?? '?').join(', ')}`);
    else parts.push(key);
  }
  if (parts.length === 0) parts.push('any peer');
  parts.push(portsSummary(mapGet(rule, 'toPorts')) ?? 'all ports');
  return parts.join(' · ');
}

class Builder {
  count = 0;

  constructor(
    private readonly lines: LineIndex,
    private readonly base: number,
    private readonly text: string,
  ) {}

  /** The LSP range of a node, ending at its last non-blank character (not the following newlines). */
  range(node: { range?: [number, number, number] | null } | null | undefined, fallbackStart = 0): Range {
    const r = node?.range;
    let start = r ? r[0] : fallbackStart;
    let end = r ? r[1] : fallbackStart;
    while (end > start && /\s/.test(this.text.charAt(end - 1))) end--;
    start = Math.max(0, start);
    return { start: this.lines.positionAt(this.base + start), end: this.lines.positionAt(this.base + end) };
  }

  symbol(name: string, detail: string | undefined, kind: SymbolKind, range: Range, selectionRange: Range, children: DocumentSymbol[]): DocumentSymbol {
    this.count++;
    const s: DocumentSymbol = { name: name || '?', kind, range, selectionRange: contained(selectionRange, range), children };
    if (detail) s.detail = detail;
    return s;
  }

  get full(): boolean {
    return this.count >= MAX_SYMBOLS;
  }
}

function contained(inner: Range, outer: Range): Range {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  if (before(inner.start, outer.start) || before(outer.end, inner.end)) return { start: outer.start, end: outer.start };
  return inner;
}

/** The range of a pair's key, or of the item's first key for a sequence entry (`- from:` → `from`). */
function keyRange(b: Builder, pairOrNode: { key?: unknown } | YamlNode): Range {
  if (isMap(pairOrNode)) {
    const first = (pairOrNode as YAMLMap).items[0];
    if (first && isScalar(first.key)) return b.range(first.key);
    return b.range(pairOrNode);
  }
  const key = (pairOrNode as { key?: unknown }).key;
  if (isScalar(key)) return b.range(key);
  return b.range(pairOrNode as YamlNode);
}

/** The symbols under an object whose kind is known (a document, a List item, a rawItem). */
function objectChildren(b: Builder, obj: YAMLMap, kind: string | undefined, depth: number): DocumentSymbol[] {
  if (depth > MAX_DEPTH || b.full) return [];
  const out: DocumentSymbol[] = [];
  const spec = mapGet(obj, 'spec');
  const rulesOf = (holder: unknown, cilium: boolean, into: DocumentSymbol[]) => {
    if (!isMap(holder)) return;
    const keys = cilium ? ['ingress', 'ingressDeny', 'egress', 'egressDeny'] : ['ingress', 'egress'];
    for (const key of keys) {
      const pair = mapPair(holder, key);
      if (!pair) continue;
      seqItems(pair.value).forEach((rule, i) => {
        if (b.full) return;
        const summary = cilium ? ciliumRuleSummary(rule) : netpolRuleSummary(rule, key as 'ingress' | 'egress');
        into.push(b.symbol(`${key} ${i + 1}${summary ? `: ${clip(summary)}` : ''}`, `${key}[${i}]`, key.endsWith('Deny') ? SymbolKind.Event : SymbolKind.Function, b.range(rule), keyRange(b, rule), []));
      });
    }
  };
  switch (kind) {
    case 'NetworkPolicy':
      rulesOf(spec, false, out);
      break;
    case 'CiliumNetworkPolicy':
    case 'CiliumClusterwideNetworkPolicy': {
      rulesOf(spec, true, out);
      const specs = mapPair(obj, 'specs');
      if (specs) {
        seqItems(specs.value).forEach((s, i) => {
          if (b.full) return;
          const children: DocumentSymbol[] = [];
          rulesOf(s, true, children);
          const desc = isMap(s) ? scalarString(mapGet(s, 'description')) : undefined;
          out.push(b.symbol(`spec ${i + 1}${desc ? `: ${clip(desc, 60)}` : ''}`, `specs[${i}]`, SymbolKind.Struct, b.range(s), keyRange(b, s), children));
        });
      }
      break;
    }
    case 'Tenant': {
      const items = pathGet(spec, 'networkPolicies', 'items');
      seqItems(items).forEach((item, i) => {
        if (b.full) return;
        const children: DocumentSymbol[] = [];
        rulesOf(item, false, children);
        const types = isMap(item) ? seqItems(mapGet(item, 'policyTypes')).map((t) => scalarString(t) ?? '?') : [];
        const name = `networkPolicy ${i + 1}${types.length ? `: ${types.join(', ')}` : ''}`;
        out.push(b.symbol(name, `networkPolicies.items[${i}]`, SymbolKind.Struct, b.range(item), keyRange(b, item), children));
      });
      break;
    }
    case 'TenantResource':
    case 'GlobalTenantResource': {
      seqItems(isMap(spec) ? mapGet(spec, 'resources') : undefined).forEach((res, i) => {
        if (b.full || !isMap(res)) return;
        const children: DocumentSymbol[] = [];
        seqItems(mapGet(res, 'rawItems')).forEach((raw, j) => {
          if (b.full) return;
          children.push(objectSymbol(b, raw, `rawItems[${j}]`, `rawItem ${j + 1}`, depth + 1));
        });
        seqItems(mapGet(res, 'namespacedItems')).forEach((ni, j) => {
          if (b.full || !isMap(ni)) return;
          const k = scalarString(mapGet(ni, 'kind')) ?? 'item';
          const from = scalarString(mapGet(ni, 'namespace'));
          children.push(b.symbol(`copy ${k}${from ? ` from ${from}` : ''}`, `namespacedItems[${j}]`, SymbolKind.Object, b.range(ni), keyRange(b, ni), []));
        });
        const sel = mapPair(res, 'namespaceSelector');
        const name = `resource ${i + 1}${sel ? `: namespaces ${clip(selectorSummary(sel.value), 60)}` : ''}`;
        out.push(b.symbol(name, `resources[${i}]`, SymbolKind.Package, b.range(res), keyRange(b, res), children));
      });
      break;
    }
    case 'List':
      seqItems(mapGet(obj, 'items')).forEach((item, i) => {
        if (b.full) return;
        out.push(objectSymbol(b, item, `items[${i}]`, `item ${i + 1}`, depth + 1));
      });
      break;
    default:
      break;
  }
  return out;
}

/** Name, detail and kind of a Kubernetes object written as a YAML mapping. */
export function objectLabel(obj: unknown): { name?: string; kind?: string; namespace?: string; apiVersion?: string } {
  if (!isMap(obj)) return {};
  const meta = mapGet(obj, 'metadata');
  return {
    kind: scalarString(mapGet(obj, 'kind')),
    apiVersion: scalarString(mapGet(obj, 'apiVersion')),
    name: isMap(meta) ? scalarString(mapGet(meta, 'name')) : undefined,
    namespace: isMap(meta) ? scalarString(mapGet(meta, 'namespace')) : undefined,
  };
}

function objectSymbol(b: Builder, node: YamlNode, path: string | undefined, fallback: string, depth: number): DocumentSymbol {
  const { kind, name, namespace, apiVersion } = objectLabel(node);
  const label = kind ? (name ? `${kind}/${name}` : kind) : name ? `?/${name}` : fallback;
  const details: string[] = [];
  if (namespace) details.push(`in ${namespace}`);
  if (apiVersion) details.push(apiVersion);
  if (path) details.push(path);
  const meta = isMap(node) ? mapGet(node, 'metadata') : undefined;
  const nameNode = isMap(meta) ? mapGet(meta, 'name') : undefined;
  const kindNode = isMap(node) ? mapGet(node, 'kind') : undefined;
  const selection = isScalar(nameNode) ? b.range(nameNode) : isScalar(kindNode) ? b.range(kindNode) : keyRange(b, node);
  const children = isMap(node) ? objectChildren(b, node, kind, depth) : [];
  return b.symbol(label, details.join(' · '), (kind ? KIND_SYMBOL[kind] : undefined) ?? SymbolKind.Object, b.range(node), selection, children);
}

/** The outline of a file: one symbol per non-empty `---` document. */
export function documentSymbols(file: IndexedFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  let count = 0;
  for (const doc of placedDocuments(file)) {
    const b = new Builder(file.lines, doc.start, doc.text);
    b.count = count;
    if (b.full) break;
    const contents = doc.contents;
    // Only comments or markers: nothing to list (the parser gives such a document a null scalar).
    if (contents == null || (isScalar(contents) && contents.value == null)) continue;
    // A document that is not a mapping (a bare scalar, a sequence) still gets an entry.
    const sym = objectSymbol(b, contents, undefined, `document ${doc.index + 1}`, 0);
    out.push(sym);
    count = b.count;
  }
  return out;
}

/** The flat form for clients without hierarchical symbols: container names carry the nesting. */
export function flattenSymbols(uri: string, symbols: DocumentSymbol[]): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const walk = (list: DocumentSymbol[], container: string | undefined) => {
    for (const s of list) {
      const info: SymbolInformation = { name: s.name, kind: s.kind, location: { uri, range: s.range } };
      if (container) info.containerName = container;
      out.push(info);
      if (s.children?.length) walk(s.children, s.name);
    }
  };
  walk(symbols, undefined);
  return out;
}

function register(ctx: FeatureContext): void {
  ctx.connection.onDocumentSymbol(
    guardRequest(ctx.log, 'textDocument/documentSymbol', (params: DocumentSymbolParams) => {
      const uri = params?.textDocument?.uri;
      const file = typeof uri === 'string' ? ctx.file(uri) : undefined;
      if (!file) return [];
      const symbols = documentSymbols(file);
      return ctx.client.hierarchicalSymbols ? symbols : flattenSymbols(uri, symbols);
    }, () => []),
  );
}

export const symbolsFeature: Feature = {
  name: 'symbols',
  capabilities: () => ({ documentSymbolProvider: { label: 'Tenant Policy' } }),
  register,
};
