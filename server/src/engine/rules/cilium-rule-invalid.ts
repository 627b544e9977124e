// cilium-rule-invalid: what Cilium's agent refuses although the CRD (and so the API server) accepts it.
// The policy is stored, `kubectl apply` succeeds, and the agent logs an import error: nothing of the
// policy is enforced. The checks are the model's (model/cilium.ts agentRejections), so the verdicts of
// the reachability engine and this diagnostic agree; here they run per document, on the exact key.
import { agentRejections } from '../model/cilium';
import { ciliumRules, isObj } from './targets';
import type { ObjectRule } from './types';

const LISTS = ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const;

export const ciliumRuleInvalid: ObjectRule = {
  id: 'cilium-rule-invalid',
  kinds: ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'],
  check(ctx) {
    for (const { rule, path } of ciliumRules(ctx)) {
      for (const list of LISTS) {
        const items = rule[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item, i) => {
          if (!isObj(item)) return;
          for (const r of agentRejections(item, list)) {
            ctx.reporter.add('cilium-rule-invalid', r.messageId, ctx.reporter.keySpan([...path, list, i, ...r.at], ctx.base), r.message);
          }
        });
      }
    }
  },
};
