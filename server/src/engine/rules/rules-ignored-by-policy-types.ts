// rules-ignored-by-policy-types: `policyTypes` is written and leaves out a direction whose rules are
// written too. Kubernetes then ignores those rules entirely: the pods are not isolated for that direction
// by this policy and the rules admit nothing — the author believes traffic is restricted that is not.
// An empty `policyTypes: []` is not reported: the API server defaults it from the rules present.
import { appendToSequence, removeNode } from '../fixes/yaml-edit';
import type { Seg } from '../schema/report';
import type { Fix } from '../types';
import { networkPolicySpecs } from './targets';
import type { ObjectRule, ObjectRuleContext } from './types';

const ID = 'rules-ignored-by-policy-types';

const DIRECTIONS = [
  { type: 'Ingress', list: 'ingress', other: 'Egress' },
  { type: 'Egress', list: 'egress', other: 'Ingress' },
] as const;

function check(ctx: ObjectRuleContext): void {
  const { reporter } = ctx;
  for (const { spec, path } of networkPolicySpecs(ctx)) {
    const types = spec.policyTypes;
    // Only a list the API server accepts: an unknown value is the schema's finding, not this one.
    if (!Array.isArray(types) || types.length === 0 || !types.every((t) => t === 'Ingress' || t === 'Egress')) continue;
    for (const dir of DIRECTIONS) {
      const rules = spec[dir.list];
      if (types.includes(dir.type) || !Array.isArray(rules) || rules.length === 0) continue;
      const one = rules.length === 1;
      const count = one ? `this ${dir.list} rule` : `these ${rules.length} ${dir.list} rules`;
      const message =
        `policyTypes lists only ${dir.other}, so Kubernetes ignores ${count}: this policy does not isolate its pods for ${dir.list}, and ${one ? 'the rule admits' : 'the rules admit'} nothing. ` +
        `Add ${dir.type} to policyTypes to enforce ${one ? 'it' : 'them'} (the pods then ${dir.type === 'Egress' ? 'send' : 'receive'} only what this or another policy admits${dir.type === 'Egress' ? ', DNS included' : ''}), or remove ${one ? 'it' : 'them'}.`;
      reporter.add(ID, dir.type === 'Egress' ? 'egressIgnored' : 'ingressIgnored', reporter.keySpan([...path, dir.list], ctx.base), message, {
        fixes: fixes(ctx, path, dir.type, dir.list),
      });
    }
  }
}

function fixes(ctx: ObjectRuleContext, specPath: Seg[], type: 'Ingress' | 'Egress', list: 'ingress' | 'egress'): Fix[] {
  const out: Fix[] = [];
  // Neither is safe for "fix all": enforcing the rules isolates the pods for a new direction, removing
  // them drops what the author wrote; the author has to choose.
  const add = appendToSequence(ctx.parsed, [...specPath, 'policyTypes'], type);
  if (add.length > 0) out.push({ title: `Add ${type} to policyTypes`, edits: add, isPreferred: true });
  const remove = removeNode(ctx.parsed, [...specPath, list]);
  if (remove.length > 0) out.push({ title: `Remove the ignored ${list} rules`, edits: remove });
  return out;
}

export const rulesIgnoredByPolicyTypesRule: ObjectRule = {
  id: ID,
  kinds: ['NetworkPolicy', 'Tenant'],
  check,
};
