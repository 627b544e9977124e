// NetworkPolicy spec → model, as the Kubernetes API reads it: policyTypes inference, absent versus empty,
// null entries, and parts the API server would reject (left out, listed as unmodelled, no finding of
// its own: the schema validator already reports them on their node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPolicyFromSpec } from '../../server/src/engine/model/networkpolicy';
import type { NetworkPolicyModel } from '../../server/src/engine/model/types';

const locate = (path: readonly (string | number)[]) => ({ uri: 'file:///np.yaml', span: { start: path.length, end: path.length } });

function model(spec: unknown): NetworkPolicyModel {
  const r = networkPolicyFromSpec(spec, { namespace: 'ns', name: 'np' }, locate, ['spec'], 'file:///np.yaml');
  assert.deepEqual(r.findings, []);
  assert.ok(r.model);
  return r.model;
}

const TYPES: { name: string; spec: Record<string, unknown>; ingress: boolean; egress: boolean }[] = [
  { name: 'no policyTypes, no rules: Ingress', spec: {}, ingress: true, egress: false },
  { name: 'no policyTypes, ingress rules: Ingress', spec: { ingress: [{}] }, ingress: true, egress: false },
  { name: 'no policyTypes, egress rules: Ingress and Egress', spec: { egress: [{}] }, ingress: true, egress: true },
  { name: 'no policyTypes, empty egress list: Ingress', spec: { egress: [] }, ingress: true, egress: false },
  { name: 'policyTypes: [] is inferred like absent', spec: { policyTypes: [], egress: [{}] }, ingress: true, egress: true },
  { name: 'policyTypes: [Egress] with ingress rules: Egress only', spec: { policyTypes: ['Egress'], ingress: [{}] }, ingress: false, egress: true },
  { name: 'policyTypes: [Ingress] with egress rules: Ingress only', spec: { policyTypes: ['Ingress'], egress: [{}] }, ingress: true, egress: false },
  { name: 'policyTypes: both', spec: { policyTypes: ['Ingress', 'Egress'] }, ingress: true, egress: true },
];

for (const c of TYPES) {
  test(`networkpolicy: ${c.name}`, () => {
    assert.deepEqual(model(c.spec).policyTypes, { ingress: c.ingress, egress: c.egress });
  });
}

test('networkpolicy: absent, null and empty peers and ports mean every peer and every port', () => {
  const m = model({
    podSelector: null,
    ingress: [{}, { from: [], ports: [] }, { from: null, ports: null }, null],
  });
  assert.deepEqual(m.podSelector, { matchLabels: {}, matchExpressions: [] });
  assert.deepEqual(m.ingress.map((r) => [r.peers, r.ports]), [['any', 'any'], ['any', 'any'], ['any', 'any'], ['any', 'any']]);
  assert.equal(m.unmodelled, undefined);
});

test('networkpolicy: peers keep which selectors are set; a null selector is unset', () => {
  const m = model({
    egress: [{ to: [{ podSelector: {} }, { namespaceSelector: {} }, { namespaceSelector: { matchLabels: { a: 'b' } }, podSelector: null }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
  });
  const peers = m.egress[0].peers;
  assert.ok(peers !== 'any');
  assert.deepEqual(peers.map((p) => [!!p.podSelector, !!p.namespaceSelector, !!p.ipBlock]), [[true, false, false], [false, true, false], [false, true, false], [false, false, true]]);
  assert.deepEqual(peers[3].ipBlock, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] });
});

test('networkpolicy: protocol defaults to TCP; port names, numbers and endPort are kept', () => {
  const m = model({ ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }, { port: 'http' }, { protocol: 'SCTP' }, { port: 8000, endPort: 8080 }, null] }] });
  assert.deepEqual(
    m.ingress[0].ports === 'any' ? 'any' : m.ingress[0].ports.map(({ protocol, port, endPort }) => ({ protocol, port, endPort })),
    [
      { protocol: 'TCP', port: 80, endPort: undefined },
      { protocol: 'UDP', port: 53, endPort: undefined },
      { protocol: 'TCP', port: 'http', endPort: undefined },
      { protocol: 'SCTP', port: undefined, endPort: undefined },
      { protocol: 'TCP', port: 8000, endPort: 8080 },
      { protocol: 'TCP', port: undefined, endPort: undefined },
    ],
  );
});

const BAD: { name: string; spec: Record<string, unknown>; peers?: number | 'any'; ports?: number | 'any' }[] = [
  { name: 'a port out of range is left out', spec: { ingress: [{ ports: [{ port: 0 }, { port: 80 }] }] }, ports: 1 },
  { name: 'when every port is unreadable the rule allows nothing (not everything)', spec: { ingress: [{ ports: [{ port: 70000 }] }] }, ports: 0 },
  { name: 'an unknown protocol', spec: { ingress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] }, ports: 0 },
  { name: 'a quoted number is a port name, and not a valid one', spec: { ingress: [{ ports: [{ port: '80' }] }] }, ports: 0 },
  { name: 'endPort after a named port', spec: { ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, ports: 0 },
  { name: 'endPort before port', spec: { ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }, ports: 0 },
  { name: 'an empty peer', spec: { ingress: [{ from: [{}, { podSelector: {} }] }] }, peers: 1 },
  { name: 'a peer with only null selectors', spec: { ingress: [{ from: [{ podSelector: null }] }] }, peers: 0 },
  { name: 'ipBlock beside a selector', spec: { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, peers: 0 },
  { name: 'an unknown policy type', spec: { policyTypes: ['Ingress', 'ingress'] } },
  { name: 'an unknown selector operator', spec: { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equal', values: ['b'] }] } } },
];

for (const c of BAD) {
  test(`networkpolicy: ${c.name} — conservative and marked unmodelled`, () => {
    const m = model(c.spec);
    assert.ok(m.unmodelled && m.unmodelled.length > 0, 'listed as unmodelled');
    for (const u of m.unmodelled) assert.ok(u.source, 'with a source');
    const rule = m.ingress[0];
    if (c.peers !== undefined) assert.equal(rule.peers === 'any' ? 'any' : rule.peers.length, c.peers);
    if (c.ports !== undefined) assert.equal(rule.ports === 'any' ? 'any' : rule.ports.length, c.ports);
  });
}

test('networkpolicy: a spec that is not a mapping has no model (the validator reports it)', () => {
  const r = networkPolicyFromSpec('oops', { namespace: 'ns', name: 'np' }, locate, ['spec'], 'file:///np.yaml');
  assert.equal(r.model, undefined);
  assert.deepEqual(r.findings, []);
});

test('networkpolicy: sources point at the policy, each rule, peer and port', () => {
  const seen: string[] = [];
  const loc = (path: readonly (string | number)[]) => {
    seen.push(path.join('.'));
    return { uri: 'u', span: { start: 0, end: 0 } };
  };
  const r = networkPolicyFromSpec({ ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }] }, { namespace: 'ns', name: 'np' }, loc, ['spec'], 'u');
  assert.ok(r.model?.ingress[0].source && r.model.ingress[0].ports !== 'any' && r.model.ingress[0].ports[0].source);
  for (const p of ['', 'spec.ingress.0', 'spec.ingress.0.from.0', 'spec.ingress.0.ports.0']) assert.ok(seen.includes(p), `located ${p}`);
});
