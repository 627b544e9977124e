// The evaluator on small workspaces, one Kubernetes rule per case: isolation per direction, the union of
// policies, AND inside a peer and OR between peers, own namespace versus every namespace, ipBlock only
// for external addresses, named ports on the destination, and the namespace and tenant levels. Each
// case is checked against the expected rows AND against the naive evaluator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, normalise } from '../conformance/compare';
import { Reachability } from '../../server/src/engine/reachability';
import { connections, facadeRows, modelOf, naiveRows } from './check';

type Obj = Record<string, unknown>;

const yaml = (...docs: Obj[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
const ns = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string> = {}, ports: Obj[] = []): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'x', ports }] },
});
const np = (namespace: string, name: string, spec: Obj): Obj => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

const denyAll = (namespace: string) => np(namespace, 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

interface Case {
  name: string;
  docs: Obj[];
  /** In-cluster rows at workload level, `src => dst : conns`. */
  expect?: string[];
  /** Rows including external ranges. */
  expectAll?: string[];
}

const CASES: Case[] = [
  {
    name: 'no policy: everything both ways',
    docs: [ns('a'), pod('a', 'x'), pod('a', 'y')],
    expect: ['a/x => a/y : All Connections', 'a/y => a/x : All Connections'],
  },
  {
    name: 'a policy isolates only the direction it lists',
    docs: [ns('a'), pod('a', 'x'), pod('a', 'y', { app: 'y' }), np('a', 'in', { podSelector: { matchLabels: { app: 'y' } }, policyTypes: ['Egress'] })],
    expect: ['a/x => a/y : All Connections'],
  },
  {
    name: 'policyTypes inferred: a policy with egress rules isolates egress too',
    docs: [ns('a'), pod('a', 'x', { app: 'x' }), pod('a', 'y'), np('a', 'p', { podSelector: { matchLabels: { app: 'x' } }, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })],
    expect: ['a/x => a/y : UDP 53'],
  },
  {
    name: 'policies that select a pod add up (union)',
    docs: [
      ns('a'),
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y', { app: 'y' }),
      np('a', 'web', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }], ports: [{ port: 80 }] }] }),
      np('a', 'dns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ],
    expect: ['a/x => a/y : TCP 80;UDP 53', 'a/y => a/x : UDP 53'],
  },
  {
    name: 'inside one peer namespaceSelector AND podSelector',
    docs: [
      ns('a'),
      ns('b', { team: 'blue' }),
      ns('c', { team: 'red' }),
      pod('a', 'srv'),
      pod('b', 'web', { app: 'web' }),
      pod('b', 'db', { app: 'db' }),
      pod('c', 'web', { app: 'web' }),
      denyAll('a'),
      np('a', 'allow', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } }, podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ],
    expect: [
      'b/db => b/web : All Connections',
      'b/db => c/web : All Connections',
      'b/web => a/srv : All Connections',
      'b/web => b/db : All Connections',
      'b/web => c/web : All Connections',
      'c/web => b/db : All Connections',
      'c/web => b/web : All Connections',
    ],
  },
  {
    name: 'peers of one rule are ORed; podSelector alone means the policy\'s own namespace',
    docs: [
      ns('a'),
      ns('b', { team: 'blue' }),
      ns('c'),
      pod('a', 'srv', { app: 'srv' }),
      pod('a', 'web', { app: 'web' }),
      pod('b', 'any'),
      pod('c', 'web', { app: 'web' }),
      np('a', 'allow', {
        podSelector: { matchLabels: { app: 'srv' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ],
    expect: [
      'a/srv => a/web : All Connections',
      'a/srv => b/any : All Connections',
      'a/srv => c/web : All Connections',
      'a/web => a/srv : All Connections',
      'a/web => b/any : All Connections',
      'a/web => c/web : All Connections',
      'b/any => a/srv : All Connections',
      'b/any => a/web : All Connections',
      'b/any => c/web : All Connections',
      'c/web => a/web : All Connections',
      'c/web => b/any : All Connections',
    ],
  },
  {
    name: 'namespaceSelector {} is every namespace; matchExpressions pick namespaces too',
    docs: [
      ns('a'),
      ns('b', { env: 'prod' }),
      ns('c', { env: 'dev' }),
      pod('a', 'srv'),
      pod('b', 'p', { app: 'm' }),
      pod('c', 'p', { app: 'm' }),
      pod('c', 'q'),
      np('a', 'allow', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'm' } } }], ports: [{ port: 9090 }] },
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } }], ports: [{ port: 80 }] },
        ],
      }),
    ],
    expect: [
      'a/srv => b/p : All Connections',
      'a/srv => c/p : All Connections',
      'a/srv => c/q : All Connections',
      'b/p => a/srv : TCP 9090',
      'b/p => c/p : All Connections',
      'b/p => c/q : All Connections',
      'c/p => a/srv : TCP 80,9090',
      'c/p => b/p : All Connections',
      'c/p => c/q : All Connections',
      'c/q => a/srv : TCP 80',
      'c/q => b/p : All Connections',
      'c/q => c/p : All Connections',
    ],
  },
  {
    name: 'ipBlock never matches a workload, even when the cidr is everything',
    docs: [ns('a'), pod('a', 'x'), pod('a', 'y', { app: 'y' }), np('a', 'ext', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })],
    expectAll: ['0.0.0.0/0 => a/x : All Connections', '0.0.0.0/0 => a/y : All Connections', 'a/x => 0.0.0.0/0 : All Connections', 'a/y => 0.0.0.0/0 : All Connections', 'a/y => a/x : All Connections'],
  },
  {
    name: 'ipBlock except, and a rule without peers admits external addresses too',
    docs: [
      ns('a'),
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y'),
      np('a', 'out', {
        podSelector: { matchLabels: { app: 'x' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
      }),
    ],
    expectAll: [
      '0.0.0.0/0 => a/x : All Connections',
      '0.0.0.0/0 => a/y : All Connections',
      'a/x => 0.0.0.0-9.255.255.255 : UDP 53',
      'a/x => 10.0.0.0/16 : TCP 443;UDP 53',
      'a/x => 10.1.0.0/16 : UDP 53',
      'a/x => 10.2.0.0-10.255.255.255 : TCP 443;UDP 53',
      'a/x => 11.0.0.0-255.255.255.255 : UDP 53',
      'a/x => a/y : UDP 53',
      'a/y => 0.0.0.0-9.255.255.255 : All Connections',
      'a/y => 10.0.0.0/16 : All Connections',
      'a/y => 10.1.0.0/16 : All Connections',
      'a/y => 10.2.0.0-10.255.255.255 : All Connections',
      'a/y => 11.0.0.0-255.255.255.255 : All Connections',
      'a/y => a/x : All Connections',
    ],
  },
  {
    name: 'an IPv6 ipBlock matches no IPv4 address',
    docs: [ns('a'), pod('a', 'x'), np('a', 'v6', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8' } }] }] })],
    expectAll: ['a/x => 0.0.0.0/0 : All Connections'],
  },
  {
    name: 'named ports resolve on the destination, for egress rules',
    docs: [
      ns('a'),
      pod('a', 'client', { app: 'client' }),
      pod('a', 'one', {}, [{ name: 'http', containerPort: 8080 }]),
      pod('a', 'two', {}, [{ name: 'http', containerPort: 9000 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]),
      np('a', 'out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }, { port: 'dns' }] }] }),
    ],
    expect: [
      'a/client => a/one : TCP 8080',
      'a/client => a/two : TCP 9000',
      'a/one => a/client : All Connections',
      'a/one => a/two : All Connections',
      'a/two => a/client : All Connections',
      'a/two => a/one : All Connections',
    ],
  },
  {
    name: 'named ports resolve on the destination, for ingress rules; SCTP and endPort',
    docs: [
      ns('a'),
      pod('a', 'client', { app: 'client' }),
      pod('a', 'srv', { app: 'srv' }, [{ name: 'web', containerPort: 8443 }, { name: 'sig', containerPort: 3868, protocol: 'SCTP' }]),
      np('a', 'in', {
        podSelector: { matchLabels: { app: 'srv' } },
        ingress: [{ ports: [{ port: 'web' }, { port: 'sig', protocol: 'SCTP' }, { port: 'sig' }, { port: 30000, endPort: 30010, protocol: 'UDP' }] }],
      }),
    ],
    expect: ['a/client => a/srv : SCTP 3868;TCP 8443;UDP 30000-30010', 'a/srv => a/client : All Connections'],
  },
  {
    name: 'egress and ingress must both allow: the intersection',
    docs: [
      ns('a'),
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y', { app: 'y' }),
      np('a', 'out', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }, { port: 443 }] }] }),
      np('a', 'in', { podSelector: { matchLabels: { app: 'y' } }, ingress: [{ ports: [{ port: 443 }, { port: 8443 }] }] }),
    ],
    // y's egress and x's ingress are not isolated: that direction is open.
    expect: ['a/x => a/y : TCP 443', 'a/y => a/x : All Connections'],
  },
  {
    name: 'a workload is never paired with itself; two replicas-like workloads with equal labels are',
    docs: [ns('a'), pod('a', 'p1', { app: 'same' }), pod('a', 'p2', { app: 'same' }), np('a', 'in', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'same' } } }], ports: [{ port: 7 }] }] })],
    expect: ['a/p1 => a/p2 : TCP 7', 'a/p2 => a/p1 : TCP 7'],
  },
  {
    name: 'a namespace referenced but not declared has its name label',
    docs: [pod('ghost', 'g'), ns('a'), pod('a', 'x'), np('a', 'in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ghost' } } }] }] })],
    expect: ['a/x => ghost/g : All Connections', 'ghost/g => a/x : All Connections'],
  },
];

for (const c of CASES) {
  test(`reachability: ${c.name}`, () => {
    const files = { 'all.yaml': yaml(...c.docs) };
    const model = modelOf(files);
    if (c.expect) assert.deepEqual(connections(model), [...c.expect].sort());
    if (c.expectAll) assert.deepEqual(connections(model, 'workload', false), [...c.expectAll].sort());
    const actual = normalise(facadeRows(model));
    const naive = normalise(naiveRows(model));
    assert.deepEqual([...compare('pair', actual.pairs, naive.pairs), ...compare('external map', actual.externals, naive.externals)], []);
  });
}

test('reachability: namespace and tenant levels aggregate workloads; namespaces without workloads have no traffic', () => {
  const tenant = (name: string, ...namespaces: string[]) => namespaces.map((n) => ns(n, { 'capsule.clastix.io/tenant': name }));
  const model = modelOf({
    'all.yaml': yaml(
      ...tenant('blue', 'blue-a', 'blue-b'),
      ...tenant('red', 'red-a'),
      ns('shared'),
      ns('empty'),
      pod('blue-a', 'web', { app: 'web' }),
      pod('blue-a', 'api', { app: 'api' }),
      pod('blue-b', 'db', { app: 'db' }),
      pod('red-a', 'web', { app: 'web' }),
      pod('shared', 'dns', { app: 'dns' }),
      ...['blue-a', 'blue-b', 'red-a'].map(denyAll),
      np('blue-a', 'web-to-api', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }], egress: [{ to: [{ podSelector: {} }] }, { to: [{ namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'blue' } } }], ports: [{ port: 5432 }] }] }),
      np('blue-b', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'capsule.clastix.io/tenant': 'blue' } } }], ports: [{ port: 5432 }, { port: 5433 }] }] }),
      np('red-a', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shared' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ),
  });
  assert.deepEqual(connections(model, 'namespace'), [
    'blue-a => blue-a : TCP 8080',
    'blue-a => blue-b : TCP 5432',
    'red-a => shared : UDP 53',
  ]);
  assert.deepEqual(connections(model, 'tenant'), ['blue => blue : TCP 5432,8080', 'red => shared : UDP 53']);
  const groups = new Reachability(model).matrix('tenant').groups.map((g) => `${g.name} ${g.kind} ${g.namespaces.join(',')} ${g.workloads}`);
  assert.deepEqual(groups, ['blue Tenant blue-a,blue-b 3', 'empty Namespace empty 0', 'red Tenant red-a 1', 'shared Namespace shared 1']);
});

test('reachability: what cannot be read is left out and the verdicts it touches are marked uncertain', () => {
  const model = modelOf({
    'all.yaml': yaml(
      ns('a'),
      ns('b'),
      pod('a', 'x', { app: 'x' }),
      pod('a', 'y', { app: 'y' }),
      pod('b', 'z'),
      // An unknown operator: which pods the policy selects is unknown.
      np('a', 'bad-selector', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] }, policyTypes: ['Ingress'] }),
      // A port out of range: left out, this policy's subjects are uncertain.
      np('b', 'bad-port', { podSelector: {}, ingress: [{ ports: [{ port: 70000 }, { port: 80 }] }] }),
    ),
  });
  assert.deepEqual(connections(model), [
    'a/x => a/y : All Connections (uncertain)',
    'a/x => b/z : TCP 80 (uncertain)',
    'a/y => a/x : All Connections (uncertain)',
    'a/y => b/z : TCP 80 (uncertain)',
    'b/z => a/x : All Connections (uncertain)',
    'b/z => a/y : All Connections (uncertain)',
  ]);
  const [x] = new Reachability(model).explain({ namespace: 'b', workload: 'z' }, { namespace: 'a', workload: 'x' });
  assert.equal(x.uncertain, true);
  assert.ok(x.ingress.uncertain.length > 0);
});

test('reachability: previewPolicy lists what each rule admits, by tenant, namespace, workload and port', () => {
  const model = modelOf({
    'all.yaml': yaml(
      ns('blue-a', { 'capsule.clastix.io/tenant': 'blue', env: 'prod' }),
      ns('blue-b', { 'capsule.clastix.io/tenant': 'blue', env: 'prod' }),
      ns('ops', { env: 'prod' }),
      ns('dev', { env: 'dev' }),
      pod('blue-a', 'api', { app: 'api' }, [{ name: 'http', containerPort: 8080 }]),
      pod('blue-b', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8081 }]),
      pod('ops', 'tool', { app: 'web' }),
      np('blue-a', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }],
        egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }, { ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 'http' }, { port: 443 }] }],
      }),
    ),
  });
  const [p] = new Reachability(model).previewPolicy('blue-a/p');
  assert.deepEqual(p.selects, ['blue-a/api']);
  assert.deepEqual(p.isolates, { ingress: true, egress: true });
  const admits = (i: number) =>
    p.rules[i].admits.map((t) => `${t.tenant ?? '-'}: ${t.namespaces.map((n) => `${n.namespace}[${n.workloads.map((w) => `${w.id} ${w.conns.toString()}`).join('; ')}]`).join(' ')}`);
  assert.equal(p.rules[0].direction, 'ingress');
  // Ingress: ports resolve on the subject (blue-a/api's http = 8080).
  assert.deepEqual(admits(0), ['blue: blue-a[blue-a/api TCP 8080] blue-b[blue-b/web TCP 8080]', '-: ops[ops/tool TCP 8080]']);
  assert.equal(p.rules[1].direction, 'egress');
  // Egress: named ports resolve on each destination (ops/tool has no http port); every namespace the
  // namespace selector picks is listed, with or without a matching workload.
  assert.deepEqual(admits(1), ['blue: blue-a[] blue-b[blue-b/web TCP 443,8081]', '-: dev[] ops[ops/tool TCP 443]']);
  assert.deepEqual(p.rules[1].externals.map((e) => `${e.range} ${e.conns.toString()}`), ['10.0.0.0/8 TCP 443']);
});
