// Hover: what the field means (schema description, type, enum, default), why the diagnostics under the
// cursor matter (the rule page's "Why it matters" paragraph and a link to the page; the editor already
// shows the finding's message), what a selector or peer admits right now, whether
// tenant owners can set a namespaceSelector label, where Capsule stamps a policy item, and — on a
// workload or Namespace document — whether it is isolated, which policies select it and who can reach it.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { ruleMeta, type FileModel, type Finding } from '../engine';
import { NAME_LABEL, TENANT_LABEL } from '../engine/model/capsule';
import type { WorkspaceModel } from '../engine/model/workspace';
import type { PolicyPreview, Reachability } from '../engine/reachability';
import { ownerCanSet, tenantLabelPolicies, type TenantLabelPolicy } from '../engine/rules/tenant-labels';
import { RULE_WHY } from '../generated/rule-why';
import { describeSchemaPath, type SchemaDescription } from '../engine/schema/describe';
import { guardRequest } from '../lsp/guard';
import { ruleDocUrl } from '../links';
import type { IndexedFile } from '../workspace/workspace-index';
import { chunkAt } from './completion';
import { hoverTarget, type HoverTarget } from './hover-path';
import { viewOf } from './policy-view';
import type { Feature, FeatureContext } from './types';

const MAX_LIST = 8;
/** The longest a hover waits for a pending model build before answering with what it has. */
const MODEL_WAIT_MS = 1500;
const MAX_DESCRIPTION = 700;
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

/** Inline code that stays inline code whatever the text holds (backticks, markdown, HTML). */
function code(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ').slice(0, 200);
  const ticks = clean.includes('`') ? '`` ' : '`';
  return ticks === '`' ? `\`${clean}\`` : `\`\` ${clean} \`\``;
}

/** Plain text in markdown: markdown and HTML characters escaped. */
function text(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!<>|~]/g, '\\$&');
}

function capped(items: string[], max = MAX_LIST): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

function schemaSection(target: HoverTarget, d: SchemaDescription | undefined): string[] {
  if (!d) return [];
  const out: string[] = [];
  const name = [...target.path].reverse().find((p) => typeof p === 'string');
  out.push(`**${text(String(name ?? 'document'))}**${d.type ? ` · ${text(d.type)}` : ''}`);
  if (d.description) {
    const desc = d.description.length > MAX_DESCRIPTION ? `${d.description.slice(0, MAX_DESCRIPTION)}…` : d.description;
    out.push('', text(desc));
  }
  const facts: string[] = [];
  if (d.enum?.length) facts.push(`- values: ${d.enum.map((v) => code(String(v))).join(', ')}`);
  if (d.default !== undefined && d.default !== '' && (typeof d.default !== 'object' || Object.keys(d.default as object).length)) facts.push(`- default: ${code(JSON.stringify(d.default))}`);
  if (d.deprecated) facts.push(`- deprecated: ${text(d.deprecated)}`);
  if (facts.length) out.push('', ...facts);
  return out;
}

// The tenants' label policies, as spoofable-namespace-label reads them, once per model build.
let policiesCached: { stamp: number; files: readonly FileModel[]; policies: TenantLabelPolicy[] } | undefined;
function labelPolicies(stamp: number, files: readonly FileModel[]): TenantLabelPolicy[] {
  if (policiesCached?.stamp !== stamp || policiesCached.files !== files) policiesCached = { stamp, files, policies: tenantLabelPolicies(files) };
  return policiesCached.policies;
}

/**
 * Why the findings under the cursor matter: the rule page's "Why it matters" paragraph (markdown from our
 * own docs) and the page. Not the message: the editor shows it with the diagnostic. One entry per rule.
 */
function findingSection(findings: readonly Finding[], offset: number): string[] {
  const here = findings.filter((f) => f.span.start <= offset && offset <= Math.max(f.span.end, f.span.start + 1));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of here) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    if (seen.size > 4) break;
    if (out.length) out.push('');
    const why = Object.prototype.hasOwnProperty.call(RULE_WHY, f.ruleId) ? RULE_WHY[f.ruleId] : undefined;
    const meta = ruleMeta(f.ruleId);
    out.push(`**${text(f.ruleId)}** (${f.severity})`, '', why ?? text(meta?.title ?? f.message), '', `[Rule documentation](${ruleDocUrl(f.ruleId)})`);
  }
  return out;
}

function portsText(conns: { isAll(): boolean; toString(): string }): string {
  return conns.isAll() ? 'all ports' : conns.toString();
}

/** What the rules whose YAML contains the cursor admit, from the policy previews. */
function admitsSection(model: WorkspaceModel, r: Reachability, uri: string, offset: number): string[] {
  const policies = model.policies.filter((p) => p.source.uri === uri && p.source.span.start <= offset && offset <= p.source.span.end);
  const capsuleItems = model.networkPolicies.filter((p) => p.capsule?.source.uri === uri && p.capsule.source.span.start <= offset && offset <= p.capsule.source.span.end);
  const ids = new Set([...policies.map((p) => p.id), ...capsuleItems.map((p) => p.id)]);
  if (ids.size === 0) return [];
  const previews: PolicyPreview[] = [];
  for (const id of ids) previews.push(...r.previewPolicy(id));
  // Rules under the cursor (a Capsule item stamps one policy per namespace: show the first few).
  const out: string[] = stampedSection(capsuleItems, offset);
  const seen = new Set<string>();
  for (const p of previews) {
    for (const rule of p.rules) {
      const s = rule.source;
      if (!s || s.uri !== uri || s.span.start > offset || offset > s.span.end) continue;
      const key = `${rule.direction}${rule.ruleIndex}${rule.effect}`;
      if (seen.has(key) && capsuleItems.length) continue;
      seen.add(key);
      out.push(...ruleAdmits(p, rule));
      if (out.length > 30) return out;
    }
  }
  return out;
}

/** On a Capsule item (Tenant networkPolicies.items[i], a rawItem): the namespaces it is stamped into. */
function stampedSection(items: readonly WorkspaceModel['networkPolicies'][number][], offset: number): string[] {
  // The innermost item under the cursor: a rawItem inside a resource, not the whole resource list.
  const inner = items.filter((p) => !items.some((q) => q.capsule!.source.span.start > p.capsule!.source.span.start && q.capsule!.source.span.end <= p.capsule!.source.span.end && q.capsule!.source.span.start <= offset && offset <= q.capsule!.source.span.end));
  if (inner.length === 0) return [];
  const origin = inner[0].capsule!;
  const byTenant = new Map<string, string[]>();
  for (const p of inner) {
    const list = byTenant.get(p.capsule!.tenant) ?? [];
    if (!list.includes(p.namespace)) list.push(p.namespace);
    byTenant.set(p.capsule!.tenant, list);
  }
  const total = [...byTenant.values()].reduce((n, l) => n + l.length, 0);
  const names = [...new Set(inner.map((p) => p.name))];
  const out = [`**Capsule stamps this ${text(origin.kind)} item into ${total} namespace${total === 1 ? '' : 's'}** as NetworkPolic${names.length === 1 ? `y ${code(names[0])}` : 'ies'}`, ''];
  for (const [tenant, namespaces] of [...byTenant].slice(0, MAX_LIST)) {
    out.push(`- tenant ${code(tenant)}: ${text(capped(namespaces.sort()))}`);
  }
  if (byTenant.size > MAX_LIST) out.push(`- … ${byTenant.size - MAX_LIST} more tenants`);
  out.push('');
  return out;
}

function ruleAdmits(p: PolicyPreview, rule: PolicyPreview['rules'][number]): string[] {
  const verb = rule.effect === 'deny' ? 'denies' : 'admits';
  const out = [`**${text(rule.direction)}[${rule.ruleIndex}] of ${text(p.policyId)} ${verb} right now**`, ''];
  const nsCount = rule.admits.reduce((n, g) => n + g.namespaces.length, 0);
  if (nsCount === 0 && rule.externals.length === 0) out.push('- nothing in the workspace');
  for (const g of rule.admits.slice(0, MAX_LIST)) {
    const names = g.namespaces.map((n) => n.namespace);
    const who = g.tenant ? `of tenant ${code(g.tenant)}` : 'outside any tenant';
    out.push(`- ${names.length} namespace${names.length === 1 ? '' : 's'} ${who}: ${text(capped(names))}`);
    const ports = new Map<string, number>();
    for (const n of g.namespaces) for (const w of n.workloads) ports.set(portsText(w.conns), (ports.get(portsText(w.conns)) ?? 0) + 1);
    const workloads = g.namespaces.reduce((n, x) => n + x.workloads.length, 0);
    if (workloads) out.push(`  - ${workloads} workload${workloads === 1 ? '' : 's'}; ${[...ports].slice(0, 4).map(([k, n]) => `${text(k)} (${n})`).join('; ')}`);
  }
  if (rule.admits.length > MAX_LIST) out.push(`- … ${rule.admits.length - MAX_LIST} more groups`);
  for (const e of rule.externals.slice(0, 4)) out.push(`- external ${code(e.range)}: ${text(portsText(e.conns))}`);
  for (const n of rule.notes.slice(0, 3)) out.push(`- note: ${text(n)}`);
  out.push('');
  return out;
}

/**
 * Can tenant owners set this namespace label key? The same verdict as spoofable-namespace-label
 * (rules/tenant-labels.ts): stamped keys, the three ways of forbidding keys, RE2 patterns, partial rules.
 */
function labelSection(policies: readonly TenantLabelPolicy[], key: string): string[] {
  if (key === NAME_LABEL) return [`**${code(key)}**: set by the API server to the namespace name; nobody can change it.`];
  if (key === TENANT_LABEL) return [`**${code(key)}**: set by Capsule to the tenant name; tenant owners cannot change it.`];
  if (policies.length === 0) return [`**${code(key)}**: no Capsule Tenant in the workspace; whoever can edit a namespace can set this label.`];
  const can: string[] = [];
  const stamped: string[] = [];
  const forbidden: string[] = [];
  const notes: string[] = [];
  for (const p of policies) {
    const verdict = ownerCanSet(p, key);
    notes.push(...verdict.notes);
    if (verdict.settable) can.push(p.name);
    else if (p.stamped.has(key)) stamped.push(p.name);
    else forbidden.push(p.name);
  }
  const out = [`**Label ${code(key)}**`, ''];
  if (can.length) out.push(`- ⚠ owners of ${can.length} tenant${can.length === 1 ? '' : 's'} can set it on their namespaces (so can pass this selector): ${text(capped(can))}`);
  if (stamped.length) out.push(`- stamped by Capsule on every namespace of ${text(capped(stamped))}: owners cannot set it`);
  if (forbidden.length) out.push(`- forbidden for ${text(capped(forbidden))}: owners cannot set it`);
  for (const n of [...new Set(notes)].slice(0, 4)) out.push(`- note: ${text(n)}`);
  return out;
}

/** On a workload or a Namespace document: isolation, selecting policies, who can reach it. */
function subjectSection(model: WorkspaceModel, r: Reachability, kind: string, name: string, namespace: string | undefined): string[] {
  const out: string[] = [];
  if (kind === 'Namespace') {
    const ns = model.namespaces.get(name);
    if (!ns) return [];
    const workloads = model.workloads.filter((w) => w.namespace === name);
    out.push(`**Namespace ${code(name)}**${ns.tenant ? ` · tenant ${code(ns.tenant)}` : ''} · ${workloads.length} workload${workloads.length === 1 ? '' : 's'}`, '');
    const selecting = model.policies.filter((p) => workloads.some((w) => p.selects(w)));
    const inIso = workloads.length > 0 && workloads.every((w) => selecting.some((p) => p.selects(w) && p.isolates('ingress')));
    const outIso = workloads.length > 0 && workloads.every((w) => selecting.some((p) => p.selects(w) && p.isolates('egress')));
    if (workloads.length) out.push(`- ingress: ${inIso ? 'isolated' : 'open (some pods accept any connection)'}`, `- egress: ${outIso ? 'isolated' : 'open (some pods can connect anywhere)'}`);
    if (selecting.length) out.push(`- policies: ${text(capped(selecting.map((p) => p.id)))}`);
  } else {
    const w = model.workloads.find((x) => x.name === name && (!namespace || x.namespace === namespace) && x.kind === kind);
    if (!w) return [];
    const selecting = model.policies.filter((p) => p.selects(w));
    out.push(`**${text(kind)} ${code(w.id)}**`, '');
    out.push(`- ingress: ${selecting.some((p) => p.isolates('ingress')) ? 'isolated' : 'open to every peer'}`);
    out.push(`- egress: ${selecting.some((p) => p.isolates('egress')) ? 'isolated' : 'open to every destination'}`);
    out.push(`- selected by: ${selecting.length ? text(capped(selecting.map((p) => p.id))) : 'no policy'}`);
    namespace = w.namespace;
  }
  const ns = kind === 'Namespace' ? name : namespace!;
  const conns = r.connections('namespace');
  const from = conns.filter((c) => c.dst === ns && c.src !== ns && c.srcKind !== 'External');
  const to = conns.filter((c) => c.src === ns && c.dst !== ns && c.dstKind !== 'External');
  const label = (n: string) => {
    const t = model.namespaces.get(n)?.tenant;
    return `${n}${t ? ` (${t})` : ''}`;
  };
  out.push(`- reached from ${from.length} namespace${from.length === 1 ? '' : 's'}${from.length ? `: ${text(capped(from.map((c) => `${label(c.src)} ${portsText(c.conns)}`), 6))}` : ''}`);
  out.push(`- reaches ${to.length} namespace${to.length === 1 ? '' : 's'}${to.length ? `: ${text(capped(to.map((c) => `${label(c.dst)} ${portsText(c.conns)}`), 6))}` : ''}`);
  return out;
}

function hover(ctx: FeatureContext, file: IndexedFile, offset: number): Hover | null {
  const chunk = chunkAt(file, offset);
  const sections: string[][] = [];
  sections.push(findingSection(ctx.findings(file), offset));
  if (chunk && chunk.index >= 0) {
    const parsed = file.analysis.documents[chunk.index].parsed;
    const local = offset - chunk.start;
    const target = hoverTarget(parsed.doc.contents as never, local);
    if (target) {
      let { apiVersion, kind } = parsed;
      let path = target.path;
      const raw = path.indexOf('rawItems');
      if (raw >= 0 && typeof path[raw + 1] === 'number') {
        const item = parsed.doc.getIn(path.slice(0, raw + 2)) as { get?(k: string): unknown } | undefined;
        apiVersion = typeof item?.get?.('apiVersion') === 'string' ? (item.get!('apiVersion') as string) : undefined;
        kind = typeof item?.get?.('kind') === 'string' ? (item.get!('kind') as string) : undefined;
        path = path.slice(raw + 2);
      }
      sections.push(schemaSection(target, describeSchemaPath(apiVersion, kind, path, file.config.ciliumVersion)));
      const built = ctx.model(file);
      // The preview's Reachability for this model: kept up to date incrementally, shared with lenses.
      const r = built && viewOf(ctx, file.uri)?.view.reachability();
      if (built && r) {
        const model = built.model;
        const names = path.filter((p): p is string => typeof p === 'string');
        const inSelector = names.includes('namespaceSelector') && (names.includes('matchLabels') || names.includes('matchExpressions'));
        if (inSelector && target.onKey && names[names.length - 2] === 'matchLabels') sections.push(labelSection(labelPolicies(built.stamp, built.files), String(target.key)));
        else if (inSelector && target.key === 'key' && typeof target.scalar === 'string') sections.push(labelSection(labelPolicies(built.stamp, built.files), target.scalar));
        sections.push(admitsSection(model, r, file.uri, offset));
        const top = path[0];
        if (raw < 0 && parsed.kind && (parsed.kind === 'Namespace' || WORKLOAD_KINDS.has(parsed.kind)) && (top === 'kind' || top === 'metadata' || top === 'apiVersion')) {
          const meta = parsed.doc.get('metadata') as { get?(k: string): unknown } | undefined;
          const name = meta?.get?.('name');
          const ns = meta?.get?.('namespace');
          if (typeof name === 'string') sections.push(subjectSection(model, r, parsed.kind, name, typeof ns === 'string' ? ns : undefined));
        }
      }
    }
  }
  const value = sections.filter((s) => s.length).map((s) => s.join('\n').trim()).join('\n\n---\n\n');
  if (!value) return null;
  return { contents: { kind: MarkupKind.Markdown, value } };
}

export const hoverFeature: Feature = {
  name: 'hover',
  capabilities: () => ({ hoverProvider: true }),
  register(ctx) {
    // A hover right after an edit waits for the model build the edit started (bounded), so what a
    // selector admits matches the text the user sees.
    const waiting: (() => void)[] = [];
    ctx.onModelBuilt(() => {
      for (const w of waiting.splice(0)) w();
    });
    const built = (): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, MODEL_WAIT_MS);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    ctx.connection.onHover(
      guardRequest(ctx.log, 'textDocument/hover', async (params: HoverParams): Promise<Hover | null> => {
        let file = ctx.file(params.textDocument.uri);
        if (!file || !file.enabled) return null;
        for (let i = 0; i < 3 && ctx.modelPending(file); i++) {
          await built();
          file = ctx.file(params.textDocument.uri);
          if (!file) return null;
        }
        const offset = file.lines.offsetAt(params.position);
        return hover(ctx, file, offset);
      }, () => null),
    );
  },
};
