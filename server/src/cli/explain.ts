// `tenant-policy explain PATH... --from NS[/WORKLOAD] --to NS[/WORKLOAD] [--port PROTO/PORT]`: for each
// group of ports on which the answer is the same, the verdict and, on each side (the source's egress,
// the destination's ingress), the policies and rules responsible, with `file:line` (1-based) of the rule
// — for a policy Capsule will create, of the Tenant or (Global)TenantResource item it comes from.
import type { RuleContribution } from '../engine/model/workspace';
import { formatExplanationText } from '../engine/explain-text';
import { parseExternal } from '../engine/semantics/ip';
import { Reachability, ReachabilityError, ruleLabel, type EndpointRef, type Explanation } from '../engine/reachability';
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
  else io.stdout(explanations.map((x) => formatExplanationText(x, (ref) => ws.where(ref))).join('\n'));
  return 0;
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
