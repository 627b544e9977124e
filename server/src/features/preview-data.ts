// Engine results (a WorkspaceModel and its Reachability) → the preview protocol of ../protocol.ts: the
// policy view, the namespace matrix, the explain walkthrough and the code lens titles. Pure: it needs no
// server context (no LSP connection, no workspace index, no node:*), only the model and a Placer that
// turns SourceRefs into LSP locations. The language server (policy-view.ts) places them with its files'
// line indexes; the webview tests (test/webview/data.ts) with LineIndexes of the files they read.
//
// Engine data → what the preview panel, the explain request and the code lenses show. One ModelView per
// model group (a workspace folder, or a document outside every folder) keeps the Reachability across
// rebuilds: a new model of the same folder is handed to `Reachability.update`, which re-evaluates only
// what the changed policies select, and every derived result (policy previews, the matrix) is cached
// until the next stamp.
//
// Namespaces without workloads. The engine's namespace level is the union over pairs of workloads, so a
// namespace that declares none has no traffic at all there. In the matrix users ask "could pods there be
// reached (and reach out)?", and `explain` already answers that for a hypothetical pod without labels.
// The matrix is therefore computed on a copy of the model where every namespace without workloads gets
// one such pod (`<ns>/*`): its cells say what a new, unlabelled pod there would get, consistent with
// the explain walkthrough a click on the cell shows; the namespace is flagged `hypothetical`. Policy
// previews and explain use the real model.
import { contributionLabel, formatExplanationText, sideVerdictText } from '../engine/explain-text';
import { findNode } from '../engine/model/locate';
import type { CapsuleOrigin, LabelSelector, NetworkPolicyModel, Protocol, SourceRef, Workload } from '../engine/model/types';
import type { PolicyEffect, RuleContribution, WorkspaceModel } from '../engine/model/workspace';
import { nodeSpan } from '../engine/parse/document';
import type { LineIndex } from '../engine/parse/lines';
import { Reachability, ReachabilityError, type Explanation, type PolicyPreview, type RulePreview } from '../engine/reachability';
import { ConnSet } from '../engine/semantics/connset';
import { parsePortQuery } from '../port-text';
import type {
  ExplainParams,
  ExplainResult,
  ExplainStep,
  MatrixCell,
  MatrixNamespace,
  PortsText,
  PreviewLocation,
  PreviewMatrix,
  PreviewPolicy,
  PreviewRule,
} from '../protocol';

// ---- ports as text ------------------------------------------------------------------------------------

const PROTOCOL_ORDER: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const FULL_RANGE = (r: readonly (readonly [number, number])[]) => r.length === 1 && r[0][0] <= 1 && r[0][1] >= 65535;

/** `all`, `none`, or `TCP/80, TCP/443, TCP/8000-8080, UDP/53` (`all TCP` for every port of a protocol). */
export function portsText(c: ConnSet): PortsText {
  if (c.isAll()) return 'all';
  if (c.isEmpty()) return 'none';
  const out: string[] = [];
  for (const p of PROTOCOL_ORDER) {
    const ranges = c.ranges(p);
    if (ranges.length === 0) continue;
    if (FULL_RANGE(ranges)) out.push(`all ${p}`);
    else for (const [a, b] of ranges) out.push(a === b ? `${p}/${a}` : `${p}/${a}-${b}`);
  }
  return out.join(', ');
}

/** Shorter, for a code lens: `TCP 80, 443; UDP 53`, `all ports`, at most `max` ports per protocol. */
export function lensPorts(c: ConnSet, max = 6): string {
  if (c.isAll()) return 'all ports';
  if (c.isEmpty()) return 'no ports';
  const out: string[] = [];
  for (const p of PROTOCOL_ORDER) {
    const ranges = c.ranges(p);
    if (ranges.length === 0) continue;
    if (FULL_RANGE(ranges)) {
      out.push(`all ${p}`);
      continue;
    }
    const items = ranges.slice(0, max).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
    if (ranges.length > max) items.push(`… (${ranges.length - max} more)`);
    out.push(`${p} ${items.join(', ')}`);
  }
  return out.join('; ');
}

/** `TCP/5432`, `udp/53`, `5432` (TCP) → a port; undefined when it is not one. */
export const parsePort = parsePortQuery;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---- placing sources ----------------------------------------------------------------------------------

/** Where a model SourceRef is in the editor's terms; supplied by the LSP side (it knows the line indexes). */
export interface Placer {
  location(ref: SourceRef | undefined): PreviewLocation | undefined;
  /** `policies/solar/db.yaml:12` (1-based line), for the plain-text walkthrough. */
  where(ref: SourceRef | undefined): string | undefined;
}

/** A file a Placer can point into: its uri as the editor knows it, its line index, its name for `where`. */
export interface PlacedFile {
  uri: string;
  /** The line index of the text the model was built from (SourceRef offsets are UTF-16 offsets in it). */
  lines: LineIndex;
  /** `policies/solar/db.yaml`: how the walkthrough names the file (asked only for `where`). */
  name(): string;
}

/** A Placer over files looked up by a SourceRef's uri; a ref to an unknown file has no location. */
export function linePlacer(fileOf: (uri: string) => PlacedFile | undefined): Placer {
  const at = (ref: SourceRef | undefined) => {
    if (!ref) return undefined;
    const file = fileOf(ref.uri);
    return file ? { file, start: file.lines.positionAt(ref.span.start), end: file.lines.positionAt(ref.span.end) } : undefined;
  };
  return {
    location(ref) {
      const p = at(ref);
      return p && { uri: p.file.uri, range: { start: p.start, end: p.end } };
    },
    where(ref) {
      const p = at(ref);
      return p && `${p.file.name()}:${p.start.line + 1}`;
    },
  };
}

/** The YAML documents of a file, to find a Cilium `specs[i]` entry under the cursor. */
export interface DocumentsOfFile {
  documents: readonly { chunk: { start: number; text: string }; parsed: Parameters<typeof findNode>[0] }[];
}

// ---- policies in files --------------------------------------------------------------------------------

/** A policy placed in a file: where its text is (a document, a `specs[i]`, a Capsule item). */
export interface AnchoredPolicy {
  effect: PolicyEffect;
  anchor: SourceRef;
  /** Key of the anchor: policies Capsule stamps from one item share it. */
  anchorKey: string;
  name: string;
  namespace?: string;
  netpol?: NetworkPolicyModel;
  capsule?: CapsuleOrigin;
  /** For one rule of a multi-rule Cilium policy: the index in `specs`. */
  specIndex?: number;
}

function isNetpol(o: unknown): o is NetworkPolicyModel {
  return typeof o === 'object' && o !== null && (o as { kind?: unknown }).kind === 'NetworkPolicy' && 'podSelector' in o;
}

function anchored(effect: PolicyEffect, keyOf: (uri: string) => string): AnchoredPolicy {
  const np = isNetpol(effect.origin) ? effect.origin : undefined;
  const anchor = np?.capsule?.source ?? effect.source;
  const spec = /#specs\[(\d+)\]$/.exec(effect.id);
  const baseId = effect.id.replace(/#.*$/, '');
  const slash = baseId.indexOf('/');
  const out: AnchoredPolicy = {
    effect,
    anchor,
    anchorKey: `${keyOf(anchor.uri)}|${anchor.span.start}|${anchor.span.end}|${spec?.[1] ?? ''}`,
    name: np?.name ?? (slash >= 0 ? baseId.slice(slash + 1) : baseId),
  };
  const namespace = np?.namespace ?? (slash >= 0 ? baseId.slice(0, slash) : undefined);
  if (namespace !== undefined) out.namespace = namespace;
  if (np) out.netpol = np;
  if (np?.capsule) out.capsule = np.capsule;
  if (spec) out.specIndex = Number(spec[1]);
  return out;
}

function selectorEmpty(s: LabelSelector | undefined): boolean {
  return !!s && !s.invalid && Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** The span of `specs[i]` of the document around `offset`, in file offsets. */
function specSpan(docs: DocumentsOfFile | undefined, anchor: SourceRef, specIndex: number): { start: number; end: number } | undefined {
  for (const d of docs?.documents ?? []) {
    const start = d.chunk.start;
    const end = start + d.chunk.text.length;
    if (anchor.span.start < start || anchor.span.start > end) continue;
    const found = findNode(d.parsed, ['specs', specIndex]);
    const span = nodeSpan(found?.node);
    return span && { start: span.start + start, end: span.end + start };
  }
  return undefined;
}

// ---- the view of one model ----------------------------------------------------------------------------

/** A rule preview with the connection sets kept (titles need unions) next to the protocol's form. */
export interface RuleView {
  preview: RulePreview;
  rule: PreviewRule;
  /** Everything the rule admits, over namespaces and external ranges. */
  conns: ConnSet;
  namespaces: number;
  tenants: number;
}

export interface PolicyView {
  policy: PreviewPolicy;
  rules: RuleView[];
  /** Every instance of the item (Capsule), by namespace. */
  instances: AnchoredPolicy[];
}

export class ModelView {
  private reach: Reachability | undefined;
  private matrixReach: Reachability | undefined;
  private hypothetical = new Set<string>();
  private anchors: Map<string, AnchoredPolicy[]> | undefined;
  private readonly policyViews = new Map<string, PolicyView | null>();
  private matrixCache: { key: string; matrix: PreviewMatrix } | undefined;

  /** `keyOf` normalises uris into the keys files are looked up by; `reachability`, when given, is of `model`. */
  constructor(
    public model: WorkspaceModel,
    public stamp: number,
    private readonly keyOf: (uri: string) => string,
    reachability?: Reachability,
  ) {
    this.reach = reachability;
  }

  /** A new build of the same group: keep the evaluators, drop what was derived from the old model. */
  update(model: WorkspaceModel, stamp: number): void {
    if (stamp === this.stamp) return;
    this.model = model;
    this.stamp = stamp;
    this.anchors = undefined;
    this.policyViews.clear();
    this.matrixCache = undefined;
    const shared = this.matrixReach === this.reach;
    if (this.reach) this.reach = updated(this.reach, model);
    if (this.matrixReach) {
      const augmented = this.augmented();
      if (augmented === model) this.matrixReach = this.reachability();
      else this.matrixReach = shared ? new Reachability(augmented) : updated(this.matrixReach, augmented);
    }
  }

  reachability(): Reachability {
    this.reach ??= new Reachability(this.model);
    return this.reach;
  }

  /** Policies anchored in a file (by its key), in text order. */
  policiesIn(fileKey: string): AnchoredPolicy[] {
    if (!this.anchors) {
      const m = new Map<string, AnchoredPolicy[]>();
      for (const e of this.model.policies) {
        const a = anchored(e, this.keyOf);
        const k = this.keyOf(a.anchor.uri);
        let list = m.get(k);
        if (!list) m.set(k, (list = []));
        list.push(a);
      }
      for (const list of m.values()) {
        list.sort((x, y) => x.anchor.span.start - y.anchor.span.start || (x.specIndex ?? 0) - (y.specIndex ?? 0) || cmp(x.namespace ?? '', y.namespace ?? ''));
      }
      this.anchors = m;
    }
    return this.anchors.get(fileKey) ?? [];
  }

  /** The policy with this id (`namespace/name`, `#specs[i]` for one rule of a Cilium policy), placed at its anchor. */
  policyById(id: string): AnchoredPolicy | undefined {
    const effect = this.model.policies.find((e) => e.id === id);
    if (!effect) return undefined;
    return this.policiesIn(this.keyOf(anchored(effect, this.keyOf).anchor.uri)).find((a) => a.effect === effect);
  }

  /** One entry per anchor (the first namespace of a Capsule item), with its span in the file. */
  placedPolicies(fileKey: string, docs: DocumentsOfFile | undefined): { policy: AnchoredPolicy; span: { start: number; end: number } }[] {
    const seen = new Set<string>();
    const out: { policy: AnchoredPolicy; span: { start: number; end: number } }[] = [];
    for (const a of this.policiesIn(fileKey)) {
      if (seen.has(a.anchorKey)) continue;
      seen.add(a.anchorKey);
      const span = a.specIndex !== undefined ? (specSpan(docs, a.anchor, a.specIndex) ?? a.anchor.span) : a.anchor.span;
      out.push({ policy: a, span });
    }
    return out;
  }

  /**
   * The policy under the cursor: the innermost anchor containing it (a `specs[i]` entry inside its
   * policy, a Capsule item inside its Tenant); else, without a position or outside every policy but in
   * a document that holds one, that document's first policy.
   */
  policyAt(fileKey: string, offset: number | undefined, docs: DocumentsOfFile | undefined): AnchoredPolicy | undefined {
    const placed = this.placedPolicies(fileKey, docs);
    if (placed.length === 0) return undefined;
    if (offset === undefined) return placed[0].policy;
    let best: { policy: AnchoredPolicy; span: { start: number; end: number } } | undefined;
    for (const p of placed) {
      if (offset < p.span.start || offset > p.span.end) continue;
      if (!best || p.span.end - p.span.start < best.span.end - best.span.start) best = p;
    }
    if (best) return best.policy;
    const doc = docs?.documents.find((d) => offset >= d.chunk.start && offset <= d.chunk.start + d.chunk.text.length);
    if (!doc) return undefined;
    const docEnd = doc.chunk.start + doc.chunk.text.length;
    return placed.find((p) => p.span.start >= doc.chunk.start && p.span.start <= docEnd)?.policy;
  }

  /** Every instance of a policy's anchor (one per namespace for a Capsule item), sorted by namespace. */
  instancesOf(a: AnchoredPolicy): AnchoredPolicy[] {
    return this.policiesIn(this.keyOf(a.anchor.uri)).filter((x) => x.anchorKey === a.anchorKey);
  }

  policyView(a: AnchoredPolicy, placer: Placer): PolicyView | undefined {
    const cacheKey = `${a.effect.id}|${a.anchorKey}`;
    const cached = this.policyViews.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const view = this.computePolicyView(a, placer);
    this.policyViews.set(cacheKey, view ?? null);
    return view;
  }

  private computePolicyView(a: AnchoredPolicy, placer: Placer): PolicyView | undefined {
    const previews = this.reachability().previewPolicy(a.effect.id);
    const pp: PolicyPreview | undefined = previews.find((p) => p.source === a.effect.source) ?? previews[0];
    if (!pp) return undefined;
    const model = this.model;
    const instances = this.instancesOf(a);
    const location = placer.location(a.netpol?.capsule ? a.netpol.source : a.effect.source) ?? placer.location(a.anchor);
    if (!location) return undefined;

    // The pods it selects, by namespace; the subject namespace is listed even when it declares no workloads.
    const declared = new Set(model.workloads.map((w) => w.namespace));
    const compiledSubjects = a.effect.compile?.().subjects;
    const selectorAll = a.netpol ? selectorEmpty(a.netpol.podSelector) : compiledSubjects?.type === 'pods' && selectorEmpty(compiledSubjects.pods);
    const byNs = new Map<string, string[]>();
    for (const id of pp.selects) {
      const ns = id.slice(0, id.indexOf('/'));
      let list = byNs.get(ns);
      if (!list) byNs.set(ns, (list = []));
      list.push(id);
    }
    if (a.namespace !== undefined && !byNs.has(a.namespace) && (selectorAll || !declared.has(a.namespace))) byNs.set(a.namespace, []);
    const selects = [...byNs.keys()].sort(cmp).map((ns) => {
      const s: PreviewPolicy['selects'][number] = { namespace: ns, workloads: byNs.get(ns)!, allPods: !!selectorAll || !declared.has(ns) };
      const tenant = model.namespaces.get(ns)?.tenant;
      if (tenant) s.tenant = tenant;
      return s;
    });

    const rules = pp.rules.map((r) => this.ruleView(a.effect, r, placer));
    const policy: PreviewPolicy = {
      id: a.effect.id,
      kind: a.effect.kind,
      name: a.name,
      location,
      instances: instances.map((i) => i.namespace ?? i.effect.id),
      selects,
      isolates: { ...pp.isolates },
      rules: rules.map((r) => r.rule),
    };
    if (a.namespace !== undefined) policy.namespace = a.namespace;
    if (pp.uncertain) policy.uncertain = true;
    if (a.capsule) {
      const at = placer.location(a.capsule.source);
      if (at) policy.capsule = { kind: a.capsule.kind, name: a.capsule.name, tenant: a.capsule.tenant, location: at };
    }
    return { policy, rules, instances };
  }

  private ruleView(effect: PolicyEffect, r: RulePreview, placer: Placer): RuleView {
    const compiled = effect.compile?.().rules.find((c) => c.direction === r.direction && c.ruleIndex === r.ruleIndex && c.effect === r.effect);
    let allWorkloads = ConnSet.NONE;
    for (const g of r.admits) for (const n of g.namespaces) for (const w of n.workloads) allWorkloads = allWorkloads.union(w.conns);
    // A namespace without admitted workloads gets what a pod without declared ports would: the rule's
    // numeric ports (named ones resolve on the destination, which for ingress is the subject).
    const fallback = r.direction === 'ingress' && !allWorkloads.isEmpty() ? allWorkloads : (compiled?.conns(undefined) ?? allWorkloads);
    let conns = ConnSet.NONE;
    let namespaces = 0;
    let tenants = 0;
    const admits: PreviewRule['admits'] = r.admits.map((g) => {
      if (g.tenant) tenants++;
      const group: PreviewRule['admits'][number] = {
        namespaces: g.namespaces.map((n) => {
          namespaces++;
          let nsConns = ConnSet.NONE;
          for (const w of n.workloads) nsConns = nsConns.union(w.conns);
          if (n.workloads.length === 0) nsConns = fallback;
          conns = conns.union(nsConns);
          return { namespace: n.namespace, workloads: n.workloads.map((w) => ({ id: w.id, kind: w.kind, ports: portsText(w.conns) })), ports: portsText(nsConns) };
        }),
      };
      if (g.tenant) group.tenant = g.tenant;
      return group;
    });
    for (const x of r.externals) conns = conns.union(x.conns);
    const notes = [...r.notes];
    // The rule is uncertain when a part the engine does not model lies inside its YAML.
    const ruleUncertain = !!r.source && effect.unmodelled.some((u) => u.uri === r.source!.uri && u.span.start >= r.source!.span.start && u.span.end <= r.source!.span.end);
    if (ruleUncertain) notes.push('a part of this rule is not modelled: it may admit more or less than listed');
    const rule: PreviewRule = {
      direction: r.direction,
      index: r.ruleIndex,
      effect: r.effect,
      admits,
      externals: r.externals.map((x) => ({ range: x.range, ports: portsText(x.conns) })),
      notes,
    };
    if (ruleUncertain) rule.uncertain = true;
    const location = placer.location(r.source);
    if (location) rule.location = location;
    return { preview: r, rule, conns, namespaces, tenants };
  }

  // ---- the matrix -----------------------------------------------------------------------------------

  /** The model with one unlabelled pod in every namespace that declares no workloads (see the header). */
  private augmented(): WorkspaceModel {
    const populated = new Set(this.model.workloads.map((w) => w.namespace));
    const extra: Workload[] = [];
    this.hypothetical = new Set();
    for (const name of this.model.namespaces.keys()) {
      if (populated.has(name)) continue;
      this.hypothetical.add(name);
      extra.push({ id: `${name}/*`, namespace: name, name: '*', kind: 'Pod', labels: {}, ports: [], origin: 'declared' });
    }
    return extra.length === 0 ? this.model : { ...this.model, workloads: [...this.model.workloads, ...extra] };
  }

  matrix(platformNamespaces: readonly string[]): PreviewMatrix {
    const key = platformNamespaces.join('\n');
    if (this.matrixCache?.key === key) return this.matrixCache.matrix;
    if (!this.matrixReach) {
      const augmented = this.augmented();
      this.matrixReach = augmented === this.model ? this.reachability() : new Reachability(augmented);
    }
    const view = this.matrixReach.matrix('namespace');
    const model = this.model;
    const platform = new Set(platformNamespaces);
    const workloads = new Map<string, number>();
    for (const w of model.workloads) workloads.set(w.namespace, (workloads.get(w.namespace) ?? 0) + 1);
    const names = view.groups.map((g) => g.name);
    const tenantOf = (n: string) => model.namespaces.get(n)?.tenant;
    // Grouped by tenant (tenants by name), then the namespaces of no tenant: each tenant's rows are contiguous.
    names.sort((a, b) => {
      const ta = tenantOf(a);
      const tb = tenantOf(b);
      if (ta !== tb) return ta === undefined ? 1 : tb === undefined ? -1 : cmp(ta, tb);
      return cmp(a, b);
    });
    const index = new Map(names.map((n, i) => [n, i] as const));
    const namespaces: MatrixNamespace[] = names.map((name) => {
      const ns: MatrixNamespace = { name, workloads: workloads.get(name) ?? 0 };
      const tenant = tenantOf(name);
      if (tenant) ns.tenant = tenant;
      if (platform.has(name)) ns.platform = true;
      if (this.hypothetical.has(name)) ns.hypothetical = true;
      return ns;
    });
    const tenants: PreviewMatrix['tenants'] = [];
    namespaces.forEach((ns, i) => {
      if (!ns.tenant) return;
      const last = tenants[tenants.length - 1];
      if (last?.name === ns.tenant) last.namespaces.push(i);
      else tenants.push({ name: ns.tenant, namespaces: [i] });
    });
    const cells: MatrixCell[] = [];
    for (const c of view.connections) {
      if (c.srcKind === 'External' || c.dstKind === 'External') continue;
      const src = index.get(c.src);
      const dst = index.get(c.dst);
      if (src === undefined || dst === undefined || c.conns.isEmpty()) continue;
      const cell: MatrixCell = { src, dst, level: c.conns.isAll() ? 'all' : 'some', ports: portsText(c.conns) };
      if (c.uncertain) cell.uncertain = true;
      cells.push(cell);
    }
    cells.sort((a, b) => a.src - b.src || a.dst - b.dst);
    const matrix: PreviewMatrix = { namespaces, tenants, cells };
    this.matrixCache = { key, matrix };
    return matrix;
  }

  // ---- explain --------------------------------------------------------------------------------------

  explain(params: ExplainParams, placer: Placer): ExplainResult {
    const from = typeof params.from?.namespace === 'string' ? params.from.namespace : '';
    const to = typeof params.to?.namespace === 'string' ? params.to.namespace : '';
    const empty = (text: string): ExplainResult => ({ from, to, allowed: 'none', uncertain: false, steps: [], text });
    if (!from || !to) return empty('explain: name a source and a destination namespace.');
    const port = parsePort(params.port);
    if (params.port !== undefined && params.port !== null && params.port !== '' && !port) {
      return empty(`explain: ${JSON.stringify(String(params.port))} is not a port; write PROTOCOL/PORT such as TCP/5432 or UDP/53.`);
    }
    let explanations: Explanation[];
    try {
      explanations = this.reachability().explain({ namespace: from }, { namespace: to }, port);
    } catch (e) {
      if (e instanceof ReachabilityError) return empty(`explain: ${e.message}`);
      throw e;
    }
    let allowed = ConnSet.NONE;
    let uncertain = false;
    const steps: (ExplainStep & { src: string; dst: string })[] = [];
    const by = (c: RuleContribution) => {
      const item: ExplainStep['by'][number] = { label: contributionLabel(c) };
      const at = placer.location(c.source);
      if (at) item.location = at;
      return item;
    };
    for (const x of explanations) {
      allowed = allowed.union(x.allowed);
      uncertain ||= x.uncertain;
      for (const v of x.verdicts) {
        for (const side of ['egress', 'ingress'] as const) {
          const verdict = v[side];
          steps.push({ side, verdict: sideVerdictText(x[side], verdict), ports: portsText(v.conns), by: verdict.by.map(by), src: x.src.name, dst: x.dst.name });
        }
      }
    }
    const text = explanations.map((x) => formatExplanationText(x, (ref) => placer.where(ref))).join('\n');
    return { from, to, allowed: portsText(allowed), uncertain, steps, text };
  }
}

function updated(r: Reachability, model: WorkspaceModel): Reachability {
  try {
    r.update(model);
    return r;
  } catch {
    // An update that cannot be applied incrementally is a fresh evaluation.
    return new Reachability(model);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- code lens titles ---------------------------------------------------------------------------------

/** "selects 3 pods in solar-db · isolates ingress"; a Capsule item: "stamped into 6 namespaces · …". */
export function policyLensTitle(view: PolicyView): string {
  const p = view.policy;
  const parts: string[] = [];
  if (view.instances.length > 1) parts.push(`stamped into ${plural(view.instances.length, 'namespace')}`);
  const pods = p.selects.reduce((n, s) => n + s.workloads.length, 0);
  const all = p.selects.length > 0 && p.selects.every((s) => s.allPods);
  const where = view.instances.length > 1 ? ` (in ${p.namespace ?? p.selects[0]?.namespace})` : p.selects.length === 1 ? ` in ${p.selects[0].namespace}` : p.selects.length > 1 ? ` in ${plural(p.selects.length, 'namespace')}` : '';
  if (p.selects.length === 0) parts.push('selects no pods');
  else if (all && view.instances.length > 1) parts.push('selects all pods');
  else if (all) parts.push(`selects all pods${where}`);
  else parts.push(`selects ${plural(pods, 'pod')}${where}`);
  const iso = [p.isolates.ingress ? 'ingress' : '', p.isolates.egress ? 'egress' : ''].filter(Boolean);
  parts.push(iso.length > 0 ? `isolates ${iso.join(', ')}` : 'isolates nothing');
  return parts.join(' · ');
}

/** "admits 4 namespaces (2 tenants) · TCP 80, 443"; with address ranges: "… + 2 address ranges · …". */
export function ruleLensTitle(r: RuleView, instances = 1, firstNamespace?: string): string {
  const verb = r.rule.effect === 'deny' ? 'denies' : 'admits';
  const ext = r.rule.externals.length;
  const what: string[] = [];
  if (r.namespaces > 0) what.push(`${plural(r.namespaces, 'namespace')}${r.tenants > 0 ? ` (${plural(r.tenants, 'tenant')})` : ''}`);
  if (ext > 0) what.push(plural(ext, 'address range'));
  const prefix = instances > 1 && firstNamespace ? `in ${firstNamespace}: ` : '';
  const unsure = r.rule.uncertain ? ' · uncertain (not modelled)' : '';
  if (what.length === 0) return `${prefix}${verb} nothing${unsure}`;
  return `${prefix}${verb} ${what.join(' + ')} · ${lensPorts(r.conns)}${unsure}`;
}

