// Where the policy parts that object rules look at sit in an object: a NetworkPolicy's spec, the specs
// a Tenant distributes (spec.networkPolicies.items), a Cilium policy's rule (spec) and rules (specs).
// Paths are absolute in the document (they start with the object's `base`).
import type { Seg } from '../schema/report';
import { isObj, type Obj } from '../plain';
import type { ObjectRuleContext } from './types';

export { isObj };


export interface SpecAt {
  spec: Obj;
  /** Path of the spec in the document. */
  path: Seg[];
  /** `NetworkPolicy` spec, or an item of a Tenant's `networkPolicies.items` (Capsule stamps one per namespace). */
  from: 'NetworkPolicy' | 'Tenant';
}

/** NetworkPolicy specs written in this object. */
export function networkPolicySpecs(ctx: ObjectRuleContext): SpecAt[] {
  const { value, base } = ctx;
  if (ctx.kind === 'NetworkPolicy') return isObj(value.spec) ? [{ spec: value.spec, path: [...base, 'spec'], from: 'NetworkPolicy' }] : [];
  if (ctx.kind === 'Tenant') {
    const np = isObj(value.spec) ? value.spec.networkPolicies : undefined;
    const items = isObj(np) ? np.items : undefined;
    if (!Array.isArray(items)) return [];
    return items.flatMap((item, i) => (isObj(item) ? [{ spec: item, path: [...base, 'spec', 'networkPolicies', 'items', i], from: 'Tenant' as const }] : []));
  }
  return [];
}

export interface CiliumRuleAt {
  rule: Obj;
  path: Seg[];
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
}

/** The rules of a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy: `spec` and every `specs[i]`. */
export function ciliumRules(ctx: ObjectRuleContext): CiliumRuleAt[] {
  if (ctx.kind !== 'CiliumNetworkPolicy' && ctx.kind !== 'CiliumClusterwideNetworkPolicy') return [];
  const out: CiliumRuleAt[] = [];
  const kind = ctx.kind;
  if (isObj(ctx.value.spec)) out.push({ rule: ctx.value.spec, path: [...ctx.base, 'spec'], kind });
  if (Array.isArray(ctx.value.specs)) {
    ctx.value.specs.forEach((r, i) => {
      if (isObj(r)) out.push({ rule: r, path: [...ctx.base, 'specs', i], kind });
    });
  }
  return out;
}
