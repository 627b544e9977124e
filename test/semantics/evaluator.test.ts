// The indexed evaluator against the definition (the naive evaluator of check.ts, which asks every policy
// about every pair), on the conformance inputs and on a generated multi-tenant cluster; and incremental
// updates against a rebuild from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NetworkPolicyModel } from '../../server/src/engine/model/types';
import type { WorkspaceModel } from '../../server/src/engine/model/workspace';
import { Reachability } from '../../server/src/engine/reachability';
import { networkPolicyEffect } from '../../server/src/engine/semantics/netpol';
import { compare, normalise } from '../conformance/compare';
import { facadeRows, line, modelOf, naiveRows } from './check';
import { generateCluster, policy, random, sel, withEffects } from './generate';

const ROOT = join(__dirname, '..', '..');
const CORPUS = resolve(ROOT, '../shared/conformance/netpol-analyzer');

function yamlFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(n)) out[p.slice(dir.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function sameAsNaive(model: WorkspaceModel): string[] {
  const a = normalise(facadeRows(model));
  const b = normalise(naiveRows(model));
  return [...compare('pair', a.pairs, b.pairs), ...compare('external map', a.externals, b.externals)];
}

test('evaluator = definition on every conformance input', () => {
  const cases = readdirSync(CORPUS).filter((n) => existsSync(join(CORPUS, n, 'inputs')));
  assert.ok(cases.length > 0);
  for (const name of cases) assert.deepEqual(sameAsNaive(modelOf(yamlFiles(join(CORPUS, name, 'inputs')))), [], name);
});

test('evaluator = definition on a generated multi-tenant cluster', () => {
  const model = generateCluster(3);
  assert.ok(model.workloads.length > 60 && model.policies.length > 150);
  assert.deepEqual(sameAsNaive(model), []);
});

function snapshot(r: Reachability): string[] {
  return [
    ...r.connections('workload').map(line),
    '--',
    ...r.matrix('namespace').connections.map(line),
    '--',
    ...r.matrix('tenant').connections.map(line),
  ];
}

/** A random edit of one policy: other ports, other peers, another selector, other types, or an ipBlock. */
function mutate(np: NetworkPolicyModel, rand: () => number): NetworkPolicyModel {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  switch (Math.floor(rand() * 5)) {
    case 0:
      return { ...np, ingress: [{ index: 0, peers: 'any', ports: [{ protocol: 'TCP', port: 1000 + Math.floor(rand() * 9000) }] }], policyTypes: { ...np.policyTypes, ingress: true } };
    case 1:
      return { ...np, egress: [{ index: 0, peers: [{ namespaceSelector: sel(), podSelector: sel({ app: pick(['api', 'db', 'web']) }) }], ports: 'any' }], policyTypes: { ...np.policyTypes, egress: true } };
    case 2:
      return { ...np, podSelector: sel({ app: pick(['api', 'db', 'web', 'nothing']) }) };
    case 3:
      return { ...np, policyTypes: { ingress: rand() < 0.5, egress: rand() < 0.5 } };
    default:
      return { ...np, egress: [{ index: 0, peers: [{ ipBlock: { cidr: `${Math.floor(rand() * 200) + 1}.0.0.0/8`, except: [] } }], ports: [{ protocol: 'UDP' }] }], policyTypes: { ...np.policyTypes, egress: true } };
  }
}

test('incremental: replacing, adding and removing policies gives what a rebuild gives', () => {
  const rand = random(42);
  let model = generateCluster(2, 11);
  const r = new Reachability(model);
  snapshot(r);
  for (let step = 0; step < 12; step++) {
    const nps = [...model.networkPolicies];
    const i = Math.floor(rand() * nps.length);
    const action = step % 4;
    if (action === 3) nps.splice(i, 1);
    else if (action === 2) nps.push(policy(nps[i].namespace, `new-${step}`, sel(), { ingress: true, egress: false }, [{ index: 0, peers: [{ podSelector: sel({ app: 'web' }) }], ports: [{ protocol: 'TCP', port: 'http' }] }], []));
    else nps[i] = mutate(nps[i], rand);
    // Unchanged policies keep their effect objects, as a re-assembled model does for unchanged documents.
    const next = withEffects({ ...model, networkPolicies: nps });
    const old = new Map(model.networkPolicies.map((p, k) => [p, model.policies[k]] as const));
    next.policies = nps.map((p, k) => old.get(p) ?? next.policies[k]);
    const result = r.update(next);
    assert.equal(result.rebuilt, false);
    assert.ok(result.removed + result.added <= 2, `step ${step}: only the edited policy is replaced (${JSON.stringify(result)})`);
    model = next;
    assert.deepEqual(snapshot(r), snapshot(new Reachability(model)), `step ${step}`);
  }
});

test('incremental: a policy edit re-evaluates only the workloads it selects', () => {
  const model = generateCluster(4);
  const r = new Reachability(model);
  r.matrix('tenant');
  const np = model.networkPolicies.find((p) => p.name === 'allow-from-tenant')!;
  const edited = { ...np, ingress: [{ ...np.ingress[0], ports: [{ protocol: 'TCP' as const, port: 9999 }] }] };
  const result = r.replacePolicies([np.id], [networkPolicyEffect(edited, model)]);
  assert.equal(result.removed, 1);
  assert.equal(result.reevaluated, model.workloads.filter((w) => w.namespace === np.namespace && w.labels.app === 'api').length);
  const rebuilt = new Reachability({ ...model, networkPolicies: model.networkPolicies.map((p) => (p === np ? edited : p)), policies: model.policies.map((p) => (p.id === np.id ? networkPolicyEffect(edited, model) : p)) });
  assert.deepEqual(snapshot(r), snapshot(rebuilt));
});

test('incremental: a changed inventory rebuilds; text that only moved swaps sources without re-evaluating', () => {
  const model = generateCluster(1);
  const r = new Reachability(model);
  const moved = withEffects({ ...model, networkPolicies: model.networkPolicies.map((p) => ({ ...p, source: { uri: p.source.uri, span: { start: 5, end: 9 } } })) });
  const same = r.update(moved);
  assert.deepEqual(same, { rebuilt: false, removed: 0, added: 0, reevaluated: 0 });
  assert.equal(r.previewPolicy(moved.networkPolicies[0].id)[0].source.span.start, 5);
  const grown = withEffects({ ...model, workloads: [...model.workloads, { ...model.workloads[5], id: `${model.workloads[5].namespace}/extra`, name: 'extra' }] });
  assert.equal(r.update(grown).rebuilt, true);
  assert.deepEqual(snapshot(r), snapshot(new Reachability(grown)));
});

test('incremental: uncertainty comes and goes with the policy that causes it', () => {
  const model = generateCluster(2, 5);
  const r = new Reachability(model);
  const before = snapshot(r);
  const target = model.networkPolicies.find((p) => p.name === 'allow-metrics')!;
  const unreadable: NetworkPolicyModel = {
    ...target,
    podSelector: { matchLabels: {}, matchExpressions: [], invalid: true },
    unmodelled: [{ reason: 'selector: unknown operator', source: target.source }],
  };
  const next = { ...model, networkPolicies: model.networkPolicies.map((p) => (p === target ? unreadable : p)) };
  const effects = model.policies.map((p) => (p.id === target.id ? networkPolicyEffect(unreadable, next) : p));
  r.update({ ...next, policies: effects });
  const uncertain = snapshot(r);
  assert.ok(uncertain.some((l) => l.endsWith('(uncertain)')));
  assert.deepEqual(uncertain, snapshot(new Reachability({ ...next, policies: effects })));
  r.update(model);
  assert.deepEqual(snapshot(r), before);
});
