// `tenant-policy explain PATH... --from NS[/WORKLOAD] --to NS[/WORKLOAD] [--port PROTO/PORT]`: for each
// group of ports on which the answer is the same, the verdict and, on each side (the source's egress,
// the destination's ingress), the policies and rules responsible, with `file:line` (1-based) of the rule
// — for a policy Capsule will create, of the Tenant or (Global)TenantResource item it comes from.
import type { RuleContribution } from '../engine/model/workspace';
import { ConnSet } from '../engine/semantics/connset';
import { parseExternal } from '../engine/semantics/ip';
import { Reachability, ReachabilityError, ruleLabel, type EndpointRef, type Explanation, type SideExplanation, type SideVerdict } from '../engine/reachability';
import type { EndpointArg, ExplainRequest } from './args';
import type { Io } from './check';
import { loadWorkspace, type LoadedWorkspace } from './connectivity';
import { InputError } from './inputs';

function endpointRef(arg: EndpointArg, option: string): EndpointRef {
  if ('external' in arg) {
    const range = parseExternal(arg.external);
    if (!range) throw new InputError(`${option} ${arg.external} is not an IPv4 address, CIDR or range (first-last).`);
    return { external: range };
  }
  return arg;
}

export async function runExplain(req: ExplainRequest, io: Io): Promise<number> {
  let ws: LoadedWorkspace;
  let explanations: Explanation[];
  try {
    const from = endpointRef(req.from, '--from');
    const to = endpointRef(req.to, '--to');
    ws = await loadWorkspace(req, io);
    explanations = new Reachability(ws.model).explain(from, to, req.port);
  } catch (e) {
    if (e instanceof InputError || e instanceof ReachabilityError) {
      io.stderr(`tenant-policy explain: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (req.format === 'json') io.stdout(`${JSON.stringify(explanations.map((x) => toJson(x, ws)), null, 2)}\n`);
  else io.stdout(explanations.map((x) => formatText(x, ws)).join('\n'));
  return 0;
}

function contribution(c: RuleContribution, ws: LoadedWorkspace): string {
  const at = ws.where(c.source);
  return `${c.policyKind} ${c.policyId} ${ruleLabel(c)}${at ? ` (${at})` : ''}`;
}

function sideLine(name: 'egress' | 'ingress', side: SideExplanation, v: SideVerdict, ws: LoadedWorkspace): string[] {
  const who = side.subject ?? 'external address';
  const head = `    ${name.padEnd(7)} ${who}: `;
  if (!side.subject) return [`${head}allowed (external addresses are not subject to policies)`];
  if (v.allowed && v.by.length === 0) return [`${head}allowed: no policy isolates ${who} for ${name}`];
  if (v.allowed) return [`${head}allowed by`, ...v.by.map((c) => `        ${contribution(c, ws)}`)];
  if (v.by.some((c) => c.effect === 'deny' && c.ruleIndex >= 0)) return [`${head}DENIED by`, ...v.by.map((c) => `        ${contribution(c, ws)}`)];
  return [`${head}denied: no rule allows it; isolated by`, ...v.by.map((c) => `        ${contribution(c, ws)}`)];
}

function connsLabel(conns: ConnSet, others: readonly ConnSet[]): string {
  // The complement of the narrower groups reads better as "everything else" than as 65,000 ports.
  if (others.length > 0 && conns.union(others.reduce((a, b) => a.union(b), ConnSet.NONE)).isAll()) {
    const text = conns.toString();
    if (text.length > 40 || conns.isAll()) return 'everything else';
  }
  return conns.toString();
}

function formatText(x: Explanation, ws: LoadedWorkspace): string {
  const out: string[] = [];
  const name = (e: Explanation['src']) => (e.kind === 'External' ? e.name : `${e.name} (${e.kind}${e.hypothetical ? ', hypothetical: a pod without labels' : ''})`);
  out.push(`${name(x.src)} → ${name(x.dst)}`);
  out.push(`  allowed: ${x.allowed.toString()}${x.uncertain ? ' (uncertain)' : ''}`);
  const all = x.verdicts.map((v) => v.conns);
  x.verdicts.forEach((v, i) => {
    const others = all.filter((_, j) => j !== i);
    out.push(`  ${connsLabel(v.conns, others)}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`);
    out.push(...sideLine('egress', x.egress, v.egress, ws));
    out.push(...sideLine('ingress', x.ingress, v.ingress, ws));
  });
  const notes = [...x.egress.notes, ...x.ingress.notes];
  for (const n of new Set(notes)) out.push(`  note: ${n}`);
  const unmodelled = [...x.egress.uncertain, ...x.ingress.uncertain].map((r) => ws.where(r)).filter((w): w is string => !!w);
  if (unmodelled.length > 0) out.push(`  uncertain: the verdict depends on parts of policies tenant-policy does not model, at ${[...new Set(unmodelled)].join(', ')}`);
  return `${out.join('\n')}\n`;
}

function toJson(x: Explanation, ws: LoadedWorkspace): unknown {
  const c = (r: RuleContribution) => ({
    policy: r.policyId,
    kind: r.policyKind,
    rule: ruleLabel(r),
    direction: r.direction,
    ruleIndex: r.ruleIndex,
    effect: r.effect,
    conns: r.conns.toString(),
    at: ws.where(r.source),
  });
  return {
    src: x.src,
    dst: x.dst,
    allowed: x.allowed.toString(),
    uncertain: x.uncertain,
    verdicts: x.verdicts.map((v) => ({
      conns: v.conns.toString(),
      allowed: v.allowed,
      egress: { allowed: v.egress.allowed, by: v.egress.by.map(c) },
      ingress: { allowed: v.ingress.allowed, by: v.ingress.by.map(c) },
    })),
    notes: [...new Set([...x.egress.notes, ...x.ingress.notes])],
    unmodelled: [...x.egress.uncertain, ...x.ingress.uncertain].map((r) => ws.where(r)),
  };
}
