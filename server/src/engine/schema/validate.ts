// Schema and Kubernetes validation of one `---` document. Supported kinds are chosen by apiVersion and
// kind (lists item by item, Capsule rawItems manifest by manifest); anything else gets no findings,
// so a repository that mixes policy with other manifests stays quiet.
import { isObj } from '../plain';
import { isMap } from 'yaml';
import type { DocumentOptions } from '../analyze';
import { toPlain, type ParsedDocument, type YamlNode } from '../parse/document';
import type { Finding } from '../types';
import { andList, decode, reportSchemaErrors } from './errors';
import { checkKubernetesRules, renderPlaceholders } from './kubernetes';
import { identify, listSchema, runSchema, schemaFor, type Identification, type SupportedKind } from './registry';
import { fieldName, Reporter, show, type Seg } from './report';
import { placeholderFindings, placeholderOverrides, reportablePlaceholders } from './templates';
import { runObjectRules } from '../rules/run';

/** Keys that only Kustomize strategic-merge patches use. */
const PATCH_MARKERS = /(^|[\s{,])["']?\$(patch|retainKeys|setElementOrder\/[^\s:"']+)["']?\s*:/m;

/** Rule findings that say more precisely what a schema pattern/range error at the same place says. */
const RULE_IDS = new Set(['invalid-port', 'invalid-end-port', 'invalid-label', 'invalid-name', 'invalid-cidr', 'invalid-selector', 'invalid-peer']);
const SHADOWED_SCHEMA = new Set(['badPattern', 'badFormat', 'outOfRange', 'badLength']);

interface Env {
  reporter: Reporter;
  options: DocumentOptions;
  isPatch: boolean;
}

export function validateDocument(parsed: ParsedDocument, options: DocumentOptions): Finding[] {
  const root = parsed.doc.contents as YamlNode | null;
  if (!isMap(root)) return [];
  const id = identify(parsed.apiVersion, parsed.kind);
  if (id.type === 'unsupported') return [];
  const reporter = new Reporter(parsed);
  if (id.type === 'unknown-version') {
    reportUnknownVersion(reporter, [], parsed.apiVersion!, id);
    return reporter.findings;
  }
  for (const f of placeholderFindings(reportablePlaceholders(parsed))) reporter.add(f.ruleId, f.messageId, f.span, f.message, { fixes: f.fixes });

  // Every node of the text counted once is far below this; only alias expansion can exceed it.
  const conversion = toPlain(root, { budget: 100_000 + parsed.text.length, overrides: placeholderOverrides(parsed) });
  const bomb = conversion.problems.find((p) => p.kind === 'alias-budget');
  if (bomb) {
    reporter.add('yaml-alias-limit', 'aliasLimit', reporter.spanOf(bomb.node),
      'This alias expands to too many nodes (a "billion laughs" document); tenant-policy stops here and does not validate the document.');
    return reporter.findings;
  }
  const deep = conversion.problems.find((p) => p.kind === 'too-deep');
  if (deep) {
    reporter.add('yaml-syntax', 'RESOURCE_EXHAUSTION', reporter.spanOf(deep.node),
      'The document nests more than 500 levels deep here; tenant-policy does not validate it.');
    return reporter.findings;
  }
  let unresolved = false;
  for (const p of conversion.problems) {
    if (p.kind === 'unresolved-alias') {
      unresolved = true;
      const name = (p.node as { source?: string } | undefined)?.source ?? '';
      reporter.add('yaml-syntax', 'BAD_ALIAS', reporter.spanOf(p.node),
        `The alias *${name} refers to no anchor &${name} earlier in this document.`);
    } else if (p.kind === 'complex-key') {
      reporter.add('yaml-syntax', 'COMPLEX_KEY', reporter.spanOf(p.node),
        'This key is a mapping or a list; Kubernetes manifests only have string keys.');
    }
  }
  if (unresolved) return reporter.findings;

  const env: Env = { reporter, options, isPatch: options.isPatch || PATCH_MARKERS.test(parsed.text) };
  validateAny(env, conversion.value, [], id, false);
  return dedupe(reporter.findings);
}

function validateAny(env: Env, value: unknown, base: Seg[], id: Identification, templated: boolean): void {
  if (id.type === 'object') validateObject(env, value, base, id.kind, templated);
  else if (id.type === 'list') validateList(env, value, base, id, templated);
}

function validateObject(env: Env, value: unknown, base: Seg[], kind: SupportedKind, templated: boolean): void {
  const { reporter } = env;
  const schema = schemaFor(kind, env.options.ciliumVersion);
  if (!schema) return;
  const input = templated ? renderDeep(value) : value;
  const run = runSchema(schema, input);
  reportSchemaErrors({ reporter, base, kind: kind.kind, value: input, isPatch: env.isPatch }, run.errors);
  for (const d of run.deprecations) {
    const segs = decode(d.instancePath, input);
    const reason = deprecationWords(d.message);
    reporter.add('deprecated-field', 'deprecatedField', reporter.keySpan([...base, ...segs], base),
      `"${fieldName(segs)}" is deprecated${reason ? `: ${reason}` : '.'}`, { tags: ['deprecated'] });
  }
  if (!isObj(value)) return;
  checkKubernetesRules({ reporter, base, kind, templated, isPatch: env.isPatch }, value);
  runObjectRules({
    reporter, parsed: reporter.parsed, kind: kind.kind, apiVersion: kind.apiVersion, base, value, templated,
    isPatch: env.isPatch, ciliumVersion: env.options.ciliumVersion,
  });
  if (kind.kind === 'TenantResource' || kind.kind === 'GlobalTenantResource') validateRawItems(env, value, base);
}

/** Capsule stamps each rawItem as a whole manifest: validate it as its own kind, placeholders allowed. */
function validateRawItems(env: Env, value: Record<string, unknown>, base: Seg[]): void {
  const spec = value.spec;
  const resources = isObj(spec) ? spec.resources : undefined;
  if (!Array.isArray(resources)) return;
  resources.forEach((r, i) => {
    const raw = isObj(r) ? r.rawItems : undefined;
    if (!Array.isArray(raw)) return;
    raw.forEach((item, j) => {
      if (!isObj(item)) return;
      const itemBase = [...base, 'spec', 'resources', i, 'rawItems', j];
      const id = identify(item.apiVersion, item.kind);
      if (id.type === 'unknown-version') reportUnknownVersion(env.reporter, itemBase, String(item.apiVersion), id);
      else validateAny(env, item, itemBase, id, true);
    });
  });
}

function validateList(env: Env, value: unknown, base: Seg[], id: Extract<Identification, { type: 'list' }>, templated: boolean): void {
  const { reporter } = env;
  const run = runSchema(listSchema(), value);
  reportSchemaErrors({ reporter, base, kind: id.kind, value, isPatch: env.isPatch }, run.errors);
  const items = isObj(value) ? value.items : undefined;
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    if (!isObj(item)) return;
    const itemBase = [...base, 'items', i];
    // Items of a typed list (PodList…) may leave out apiVersion and kind.
    const apiVersion = item.apiVersion ?? (id.element ? id.apiVersion : undefined);
    const kind = item.kind ?? id.element?.kind;
    const itemId = identify(apiVersion, kind);
    if (itemId.type === 'unknown-version') reportUnknownVersion(reporter, itemBase, String(apiVersion), itemId);
    else validateAny(env, item, itemBase, itemId, templated);
  });
}

function reportUnknownVersion(reporter: Reporter, base: Seg[], apiVersion: string, id: Extract<Identification, { type: 'unknown-version' }>): void {
  const span = reporter.valueSpan([...base, 'apiVersion'], base);
  reporter.add('unknown-api-version', 'unknownVersion', span,
    `${show(apiVersion)} is not an apiVersion of ${id.kind} that tenant-policy knows (it knows ${andList(id.known.map((v) => `"${v}"`))}), so this ${id.kind} is not validated.`);
}

/** The useful part of an upstream deprecation note: what follows "Deprecated:", else the note. */
function deprecationWords(message: string): string {
  const m = /\bdeprecated\s*:\s*([\s\S]*)$/i.exec(message);
  let s = (m ? m[1] : message).trim().replace(/^deprecated\.?$/i, '');
  if (!s) return '';
  if (/^[A-Z][a-z]/.test(s)) s = s.charAt(0).toLowerCase() + s.slice(1);
  if (s.length > 300) s = `${s.slice(0, 297)}…`;
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function renderDeep(value: unknown): unknown {
  if (typeof value === 'string') return renderPlaceholders(value);
  if (Array.isArray(value)) return value.map(renderDeep);
  if (isObj(value)) {
    const out: Record<string, unknown> = {};
    for (const k in value) out[renderPlaceholders(k)] = renderDeep(value[k]);
    return out;
  }
  return value;
}

/** Drops a schema pattern/range error where a Kubernetes rule already explains the same value. */
function dedupe(findings: Finding[]): Finding[] {
  const ruleSpans = new Set<string>();
  for (const f of findings) if (RULE_IDS.has(f.ruleId)) ruleSpans.add(`${f.span.start}|${f.span.end}`);
  if (ruleSpans.size === 0) return findings;
  return findings.filter((f) => !(f.ruleId === 'schema' && SHADOWED_SCHEMA.has(f.messageId) && ruleSpans.has(`${f.span.start}|${f.span.end}`)));
}
