// connectivity-expectation: the promises of `.tenant-policy.yaml` (`expectations`: A never reaches B, A
// reaches B only on some ports) checked against the whole workspace with the reachability engine. A
// violation is an error, so `tenant-policy check` fails the merge that breaks a promise; it is reported
// on the rules that let the traffic through (wherever they are written), so the reviewer sees the cause,
// not only the symptom. When no rule is responsible (nothing isolates either side: every port is open by
// default) it is reported on the destination's Namespace (or Tenant) document.
//
// Namespace pairs whose both sides declare workloads come from the namespace matrix (one evaluation for
// the whole workspace); only violated pairs are explained. A namespace without workloads in the inputs is
// explained for a pod without labels in it, as `explain` does, and for one probe pod per policy selecting
// pods there (the labels its selector needs, see probes.ts): a policy repository that declares no pods
// still makes promises about the pods that will run there, and a rule admitting `app: vault` pods of a
// default-deny namespace breaks them although a pod without labels stays isolated.
import type { Expectation, ProjectConfig } from '../config';
import { finding } from '../model/capsule';
import type { SourceRef, Workload } from '../model/types';
import type { WorkspaceModel } from '../model/workspace';
import type { Explanation } from '../reachability';
import { ruleLabel } from '../reachability';
import { ConnSet } from '../semantics/connset';
import type { Span } from '../types';
import { namespaceProbePods, type ProbePod } from './probes';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';
import { capList, capsuleOriginText, configPorts, connsText, headOf, nameOf, refNamespaces, refText } from './cross-tenant-peer';

const RULE_ID = 'connectivity-expectation';

export function expectationText(e: Expectation): string {
  if (e.reach === 'never') return `${refText(e.from)} never reaches ${refText(e.to)}`;
  return `${refText(e.from)} reaches ${refText(e.to)} only on ${capList(e.ports ?? [], 6)}`;
}

/** What one finding location collects: per expectation, the pairs it lets through and on what. */
interface Blame {
  uri: string;
  span: Span;
  /** `ingress[0] of NetworkPolicy solar-db/postgres`, or undefined for a destination document. */
  rule?: string;
  /** Per expectation: the pairs let through, each with the probe pods it was found for ('' for none). */
  byExpectation: Map<number, { pairs: Map<string, Set<string>>; conns: ConnSet; uncertain: boolean; open: Set<string> }>;
}

class Blames {
  readonly all = new Map<string, Blame>();

  constructor(private readonly ctx: WorkspaceRuleContext) {}

  add(ref: SourceRef, head: boolean, rule: string | undefined, index: number, pair: string, conns: ConnSet, uncertain: boolean, open?: string, probe = ''): void {
    const where = head ? headOf(this.ctx, ref) : { uri: ref.uri, span: ref.span };
    const key = `${where.uri}|${where.span.start}|${where.span.end}`;
    let b = this.all.get(key);
    if (!b) this.all.set(key, (b = { uri: where.uri, span: where.span, rule, byExpectation: new Map() }));
    let e = b.byExpectation.get(index);
    if (!e) b.byExpectation.set(index, (e = { pairs: new Map(), conns: ConnSet.NONE, uncertain: false, open: new Set() }));
    let probes = e.pairs.get(pair);
    if (!probes) e.pairs.set(pair, (probes = new Set()));
    probes.add(probe);
    e.conns = e.conns.union(conns);
    e.uncertain ||= uncertain;
    if (open) e.open.add(open);
  }

  flush(expectations: readonly Expectation[]): void {
    for (const b of this.all.values()) {
      const parts: string[] = [];
      for (const [i, e] of [...b.byExpectation.entries()].sort(([x], [y]) => x - y)) {
        const pairs = capList([...e.pairs.keys()].sort().map((pair) => pairText(pair, e.pairs.get(pair)!)));
        const what = b.rule ? `this rule (${b.rule}) admits ${pairs} ${connsText(e.conns)}` : `${pairs} is open ${connsText(e.conns)}`;
        const open = e.open.size > 0 ? ` Nothing isolates ${capList([...e.open].sort())}: no policy that selects those pods restricts that direction.` : '';
        const unsure = e.uncertain ? ' (uncertain: a policy involved has parts the engine does not model)' : '';
        parts.push(`Expectation "${expectationText(expectations[i])}" (.tenant-policy.yaml expectations[${i}]) is violated: ${what}${unsure}.${open}`);
      }
      const fix = b.rule
        ? ' Narrow the rule so it no longer admits these peers, or change the expectation if the flow is now intended.'
        : ' Isolate this namespace with a default-deny NetworkPolicy (podSelector: {}, policyTypes [Ingress]) and admit only what the expectations allow.';
      this.ctx.report(b.uri, finding(RULE_ID, b.rule ? 'violatedByRule' : 'violatedUnisolated', b.span, parts.join(' ') + fix));
    }
  }
}

/** A pair, naming the probe pods only when a pod without labels does not already show the violation. */
function pairText(pair: string, probes: ReadonlySet<string>): string {
  if (probes.has('')) return pair;
  return `${pair} (shown by hypothetical pods, as no workloads are declared there: ${capList([...probes].sort(), 3)})`;
}

function contributionText(model: WorkspaceModel, c: { policyKind: string; policyId: string; direction: 'ingress' | 'egress'; ruleIndex: number; effect: 'allow' | 'deny' }): string {
  // A policy Capsule creates is named by the item it comes from: that is what the reader edits.
  const np = c.policyKind === 'NetworkPolicy' ? model.networkPolicies.find((p) => p.id === c.policyId && p.capsule) : undefined;
  const origin = np && capsuleOriginText(np);
  return origin ? `${ruleLabel(c)} of ${origin}` : `${ruleLabel(c)} of ${c.policyKind} ${c.policyId}`;
}

/** Where to say that nothing isolates a destination: its Namespace document, its Tenant, the source's. */
function destinationRef(model: WorkspaceModel, dst: string, src: string, uris: ReadonlySet<string>): SourceRef | undefined {
  const candidates: (SourceRef | undefined)[] = [];
  for (const ns of [dst, src]) {
    const info = model.namespaces.get(ns);
    candidates.push(info?.source);
    if (info?.tenant) candidates.push(model.tenants.get(info.tenant)?.source);
  }
  return candidates.find((c): c is SourceRef => !!c && uris.has(c.uri));
}

function attribute(ctx: WorkspaceRuleContext, blames: Blames, uris: ReadonlySet<string>, index: number, src: string, dst: string, ex: Explanation, violating: ConnSet, probe?: string): boolean {
  let blamed = false;
  const pair = `${src} → ${dst}`;
  for (const v of ex.verdicts) {
    if (!v.allowed) continue;
    const conns = v.conns.intersect(violating);
    if (conns.isEmpty()) continue;
    const open: string[] = [];
    if (v.egress.by.length === 0) open.push(`${src} for egress`);
    if (v.ingress.by.length === 0) open.push(`${dst} for ingress`);
    const rules = [...v.egress.by, ...v.ingress.by].filter((c) => c.effect === 'allow' && c.ruleIndex >= 0 && c.source && uris.has(c.source.uri));
    for (const c of rules) {
      blames.add(c.source!, true, contributionText(ctx.model, c), index, pair, conns, ex.uncertain, open.join(' and ') || undefined, probe);
      blamed = true;
    }
    if (rules.length === 0) {
      const ref = destinationRef(ctx.model, dst, src, uris);
      if (!ref) continue;
      const place = ctx.placeOf(ref);
      const where = place ? nameOf(ctx, ref) : headOf(ctx, ref);
      blames.add({ uri: where.uri, span: where.span }, false, undefined, index, pair, conns, ex.uncertain, open.join(' and ') || undefined, probe);
      blamed = true;
    }
  }
  return blamed;
}

function check(ctx: WorkspaceRuleContext, config: ProjectConfig): void {
  if (config.expectations.length === 0) return;
  const { model } = ctx;
  const uris = new Set(ctx.files.filter((f) => f.origin === 'declared').map((f) => f.uri));
  if (uris.size === 0) return;
  const reach = ctx.reachability();
  const withWorkloads = new Set(model.workloads.map((w) => w.namespace));
  const matrix = new Map<string, { conns: ConnSet; uncertain: boolean }>();
  const needMatrix = config.expectations.some((e) => refNamespaces(model, e.from).some((n) => withWorkloads.has(n)));
  if (needMatrix) {
    for (const c of reach.matrix('namespace').connections) {
      if (c.srcKind === 'Namespace' && c.dstKind === 'Namespace') matrix.set(`${c.src}\u0000${c.dst}`, { conns: c.conns, uncertain: !!c.uncertain });
    }
  }
  const probes = new Map<string, ProbePod[]>();
  const probesOf = (ns: string): ProbePod[] => {
    let hit = probes.get(ns);
    if (!hit) probes.set(ns, (hit = namespaceProbePods(ctx, model, ns).filter((p) => Object.keys(p.workload.labels).length > 0)));
    return hit;
  };
  type Pod = { workload: Workload; hypothetical?: boolean; probe?: string };
  const podsOf = (ns: string): Pod[] => {
    if (withWorkloads.has(ns)) return ctx.workloadsIn(ns).map((workload) => ({ workload }));
    const bare: Workload = { id: `${ns}/*`, namespace: ns, name: '*', kind: 'Pod', labels: {}, ports: [], origin: 'declared' };
    return [{ workload: bare, hypothetical: true }, ...probesOf(ns).map((p) => ({ workload: p.workload, hypothetical: true, probe: `a pod matching ${p.selector} in ${ns}` }))];
  };
  /** The pairs with a probe pod on either side (those with none are what `explain` already gives). */
  const probeExplanations = (src: string, dst: string): { ex: Explanation; probe: string }[] => {
    if ((withWorkloads.has(src) || probesOf(src).length === 0) && (withWorkloads.has(dst) || probesOf(dst).length === 0)) return [];
    const out: { ex: Explanation; probe: string }[] = [];
    const dstPods = podsOf(dst);
    for (const s of podsOf(src)) {
      for (const d of dstPods) {
        if (!s.probe && !d.probe) continue;
        out.push({ ex: reach.explainPods(s, d), probe: [s.probe, d.probe].filter(Boolean).join(' to ') });
      }
    }
    return out;
  };
  const blames = new Blames(ctx);
  config.expectations.forEach((e, index) => {
    const allowed = e.reach === 'only' ? configPorts(e.ports) : ConnSet.NONE;
    const dsts = refNamespaces(model, e.to);
    for (const src of refNamespaces(model, e.from)) {
      for (const dst of dsts) {
        if (src === dst) continue;
        let violating: ConnSet;
        if (withWorkloads.has(src) && withWorkloads.has(dst)) {
          const cell = matrix.get(`${src}\u0000${dst}`);
          if (!cell) continue;
          violating = cell.conns.subtract(allowed);
          if (violating.isEmpty()) continue;
        } else violating = ConnSet.ALL.subtract(allowed);
        const explanations: { ex: Explanation; probe?: string }[] = reach.explain({ namespace: src }, { namespace: dst }).map((ex) => ({ ex }));
        explanations.push(...probeExplanations(src, dst));
        let any = ConnSet.NONE;
        for (const { ex } of explanations) any = any.union(ex.allowed.intersect(violating));
        if (any.isEmpty()) continue;
        let blamed = false;
        for (const { ex, probe } of explanations) blamed = attribute(ctx, blames, uris, index, src, dst, ex, any, probe) || blamed;
        if (!blamed) {
          // Never silent: the rules responsible live outside the workspace (a cluster export); say it at
          // the start of the first workspace file.
          const uri = [...uris][0];
          blames.add({ uri, span: { start: 0, end: 0 } }, false, undefined, index, `${src} → ${dst}`, any, false);
        }
      }
    }
  });
  blames.flush(config.expectations);
}

export const connectivityExpectation: WorkspaceRule = {
  id: RULE_ID,
  check(ctx) {
    check(ctx, ctx.config);
  },
};
