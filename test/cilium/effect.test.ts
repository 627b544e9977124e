// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy semantics on hand-built workspaces, one Cilium
// behaviour per test, each naming the Cilium source it follows (cilium/cilium v1.18.10 unless noted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciliumPolicyEffect, ciliumPolicyEffects, inIdentity } from '../../server/src/engine/semantics/cilium';
import { networkPolicyEffect } from '../../server/src/engine/semantics/netpol';
import type { NetworkPolicyModel } from '../../server/src/engine/model/types';
import type { PolicyEffect } from '../../server/src/engine/model/workspace';
import { conns, namespaces, readPolicy, workload, workspace } from './support';

const NS = { a: { team: 'red' }, b: { team: 'blue' }, c: { team: 'blue' }, d: {} };
const ns = namespaces(NS);

function effects(...docs: string[]): PolicyEffect[] {
  const model = workspace(NS, []);
  return docs.flatMap((d) => ciliumPolicyEffects(readPolicy(d).model, model));
}

const aWeb = workload('a/web', { app: 'web' });
const aDb = workload('a/db', { app: 'db' }, ['pg:TCP/5432', 'http:TCP/8080', 'dns:UDP/53']);
const bWeb = workload('b/web', { app: 'web' });
const bDb = workload('b/db', { app: 'db' });
const cWeb = workload('c/web', { app: 'web' });
const dWeb = workload('d/web', { app: 'web' });

const cnp = (ns: string, body: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: p
  namespace: ${ns}
spec:
${body}`;

const ccnp = (body: string) => `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: p
spec:
${body}`;

// utils.go ParseToCiliumRule: a CNP's endpointSelector applies in its namespace only; getEndpointSelector:
// a peer selector without namespace key gets the policy's namespace.
test('a CNP selects and admits pods of its own namespace only', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: web`));
  assert.ok(e[0].selects(aDb));
  assert.ok(!e[0].selects(bDb), 'the endpointSelector does not reach into namespace b');
  assert.equal(conns(e, aWeb, aDb), 'All Connections');
  assert.equal(conns(e, bWeb, aDb), 'No Connections', 'app=web in namespace b is not admitted');
  assert.equal(conns(e, '192.0.2.1', aDb), 'No Connections');
  assert.equal(conns(e, bWeb, bDb), 'All Connections', 'b/db is not selected');
});

// utils.go ParseToCiliumRule: "EndpointSelector always applies in namespace of the policy resource,
// removing illegal namespace match".
test('a foreign namespace in a CNP endpointSelector is replaced by the policy namespace', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      k8s:io.kubernetes.pod.namespace: b
      app: db
  ingress:
    - {}`));
  assert.ok(e[0].selects(aDb));
  assert.ok(!e[0].selects(bDb));
});

// getEndpointSelector: a selector that names io.kubernetes.pod.namespace keeps it.
test('a CNP peer naming k8s:io.kubernetes.pod.namespace admits that namespace', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: b
            app: web`));
  assert.equal(conns(e, bWeb, aDb), 'All Connections');
  assert.equal(conns(e, aWeb, aDb), 'No Connections');
  assert.equal(conns(e, cWeb, aDb), 'No Connections');
});

// getEndpointSelector since v1.16.0 (commit b35017b0): a selector naming io.cilium.k8s.namespace.labels.*
// is not pinned to the policy's namespace (SOURCES.md §6.2).
test('a CNP peer on namespace labels admits every namespace carrying them, and is reported', () => {
  const doc = cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            io.cilium.k8s.namespace.labels.team: blue`);
  const { model, findings } = readPolicy(doc);
  const e = ciliumPolicyEffects(model, workspace(NS, []));
  assert.equal(conns(e, bWeb, aDb), 'All Connections');
  assert.equal(conns(e, cWeb, aDb), 'All Connections');
  assert.equal(conns(e, dWeb, aDb), 'No Connections');
  assert.equal(conns(e, aWeb, aDb), 'No Connections', 'namespace a is red');
  assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.messageId}`), ['cilium-namespace-label-peer ingress']);
  assert.equal(model.rules[0].ingress[0].endpoints[0].scope, 'namespace-labels');
});

test('namespace labels pinned by io.kubernetes.pod.namespace are not reported', () => {
  const { findings } = readPolicy(cnp('a', `  endpointSelector: {}
  egress:
    - toEndpoints:
        - matchLabels:
            io.kubernetes.pod.namespace: b
            io.cilium.k8s.namespace.labels.team: blue`));
  assert.deepEqual(findings, []);
});

// getEndpointSelector with an empty namespace (CCNP): `k8s:io.kubernetes.pod.namespace` Exists.
test('a CCNP selects every namespace, and fromEndpoints [{}] admits every pod of every namespace', () => {
  const e = effects(ccnp(`  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - {}`));
  assert.ok(e[0].selects(aDb) && e[0].selects(bDb));
  assert.equal(e[0].id, 'p');
  assert.equal(conns(e, cWeb, aDb), 'All Connections');
  assert.equal(conns(e, dWeb, bDb), 'All Connections');
  assert.equal(conns(e, '203.0.113.9', bDb), 'No Connections', 'an external address is not a pod');
});

test('fromEndpoints [{}] in a CNP admits all pods of its own namespace only', () => {
  const e = effects(cnp('a', `  endpointSelector: {}
  ingress:
    - fromEndpoints:
        - {}`));
  assert.equal(conns(e, aWeb, aDb), 'All Connections');
  assert.equal(conns(e, bWeb, aDb), 'No Connections');
});

// entity.go EntitySelectorMapping and InitEntities: all = wildcard; world = reserved:world; cluster =
// host, remote-node, init, health, unmanaged, ingress, kube-apiserver and the local cluster's endpoints.
test('entities: world is external only, cluster every pod, all both, host neither', () => {
  const ent = (name: string) => effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEntities:
        - ${name}`));
  assert.equal(conns(ent('world'), '198.51.100.7', aDb), 'All Connections');
  assert.equal(conns(ent('world'), bWeb, aDb), 'No Connections');
  assert.equal(conns(ent('cluster'), bWeb, aDb), 'All Connections');
  assert.equal(conns(ent('cluster'), '198.51.100.7', aDb), 'No Connections');
  assert.equal(conns(ent('all'), bWeb, aDb), 'All Connections');
  assert.equal(conns(ent('all'), '198.51.100.7', aDb), 'All Connections');
  for (const name of ['host', 'remote-node', 'kube-apiserver', 'health', 'init', 'ingress', 'unmanaged', 'none']) {
    assert.equal(conns(ent(name), bWeb, aDb), 'No Connections', name);
    assert.equal(conns(ent(name), '198.51.100.7', aDb), 'No Connections', name);
  }
});

// ingress.go: CIDR rules match only traffic from outside the cluster; cidr.go CIDRRule except.
test('toCIDRSet with except matches external ranges only, and cuts the external space', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: web
  egress:
    - toCIDRSet:
        - cidr: 10.0.0.0/8
          except:
            - 10.1.0.0/16
    - toCIDR:
        - 192.0.2.0/24`));
  assert.equal(conns(e, aWeb, '10.2.0.0/16'), 'All Connections');
  assert.equal(conns(e, aWeb, '10.1.0.0/16'), 'No Connections');
  assert.equal(conns(e, aWeb, '192.0.2.0/24'), 'All Connections');
  assert.equal(conns(e, aWeb, '198.51.100.0/24'), 'No Connections');
  assert.equal(conns(e, aWeb, bDb), 'No Connections', 'a CIDR rule does not select pods');
  const b = e[0].externalBoundaries('egress').map((r) => `${r.first}-${r.last}`);
  assert.deepEqual(b, ['167772160-184549375', '167837696-167903231', '3221225984-3221226239']);
  assert.deepEqual(e[0].externalBoundaries('ingress'), []);
});

// l4.go / rule.go mergeIngress: ANY = TCP, UDP, SCTP; port "0" = all ports; endPort = range; named
// ports on the destination; CRD: "If omitted or empty, any protocol matches."
test('toPorts: ANY, ranges, named ports, port "0" and an absent protocol', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: web
      toPorts:
        - ports:
            - port: "53"
              protocol: ANY
            - port: "8000"
              endPort: 8010
              protocol: TCP
            - port: "HTTP"
              protocol: TCP
            - port: "dns"
              protocol: TCP
        - ports:
            - port: "0"
              protocol: SCTP
            - port: "7000"`));
  assert.equal(conns(e, aWeb, aDb), 'SCTP 1-65535;TCP 53,7000,8000-8010,8080;UDP 53,7000');
});

test('a named port towards an external address allows nothing; on egress it resolves on the destination pod', () => {
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: web
  egress:
    - toEntities:
        - all
      toPorts:
        - ports:
            - port: pg`));
  assert.equal(conns(e, aWeb, aDb), 'TCP 5432');
  assert.equal(conns(e, aWeb, '192.0.2.1'), 'No Connections');
});

// rule.go mergeIngress: "an empty slice of EndpointSelector indicates that the rule allows all at L3".
test('a rule with toPorts and no peer admits every peer on those ports; a rule with neither admits nothing', () => {
  const l4 = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - toPorts:
        - ports:
            - port: "5432"
              protocol: TCP`));
  assert.equal(conns(l4, dWeb, aDb), 'TCP 5432');
  assert.equal(conns(l4, '192.0.2.1', aDb), 'TCP 5432');
  const none = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - {}`));
  assert.equal(conns(none, aWeb, aDb), 'No Connections', 'ingress: [{}] isolates and allows nothing');
});

// rule.go mergePortProto ("Denies takes priority over any rule"); repository.go merges the rules of every
// policy selecting the pod, Kubernetes NetworkPolicies included.
test('ingressDeny wins over a Kubernetes NetworkPolicy allow on the same pod', () => {
  const model = workspace(NS, []);
  const np: NetworkPolicyModel = {
    kind: 'NetworkPolicy',
    id: 'a/allow-web',
    namespace: 'a',
    name: 'allow-web',
    podSelector: { matchLabels: { app: 'db' }, matchExpressions: [] },
    policyTypes: { ingress: true, egress: false },
    ingress: [{ index: 0, peers: 'any', ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 8080 }] }],
    egress: [],
    source: { uri: 'file:///np.yaml', span: { start: 0, end: 0 } },
  };
  const deny = ciliumPolicyEffects(readPolicy(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  enableDefaultDeny:
    ingress: false
  ingressDeny:
    - fromEndpoints:
        - matchLabels:
            app: web
      toPorts:
        - ports:
            - port: "5432"
              protocol: TCP`)).model, model);
  const e = [networkPolicyEffect(np, model), ...deny];
  assert.equal(conns(e, aWeb, aDb), 'TCP 8080');
  assert.equal(conns(e, '192.0.2.1', aDb), 'TCP 5432,8080');
  assert.equal(conns([...deny], aWeb, aDb).includes('TCP 1-5431,5433-65535'), true, 'alone, the deny removes 5432 from allow-all');
});

// rule_validation.go Rule.Sanitize: default deny per direction when the rule has rules in it, unless
// enableDefaultDeny says otherwise; repository.go adds an allow-all rule when only default-allow rules
// select the pod.
test('enableDefaultDeny false keeps the direction open; a deny-only rule isolates by default', () => {
  const open = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  enableDefaultDeny:
    ingress: false
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: web`));
  assert.equal(open[0].isolates('ingress'), false);
  assert.equal(conns(open, dWeb, aDb), 'All Connections');
  const denyOnly = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingressDeny:
    - fromEndpoints:
        - matchLabels:
            app: web`));
  assert.equal(denyOnly[0].isolates('ingress'), true);
  assert.equal(denyOnly[0].isolates('egress'), false);
  assert.equal(conns(denyOnly, dWeb, aDb), 'No Connections', 'Cilium puts the pod into default deny');
  const forced = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  enableDefaultDeny:
    egress: true
  ingress:
    - fromEntities:
        - all`));
  assert.equal(forced[0].isolates('egress'), true);
  assert.equal(conns(forced, aDb, aWeb), 'No Connections');
});

test('toFQDNs is reported as not modelled, isolates egress and leaves the verdict uncertain', () => {
  const { model, findings } = readPolicy(cnp('a', `  endpointSelector:
    matchLabels:
      app: web
  egress:
    - toFQDNs:
        - matchName: api.example.com
      toPorts:
        - ports:
            - port: "443"
              protocol: TCP`));
  assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.messageId} ${f.severity}`), ['cilium-not-modelled toFQDNs information']);
  const e = ciliumPolicyEffects(model, workspace(NS, []));
  assert.equal(e[0].unmodelled.length, 1);
  assert.equal(e[0].isolates('egress'), true);
  assert.equal(conns(e, aWeb, '192.0.2.1'), 'No Connections', 'a toFQDNs rule is not an L4-only rule');
});

// pkg/labelsfilter/filter.go defaultLabelPrefixCfg.
test('labels Cilium leaves out of identities match no selector', () => {
  assert.equal(inIdentity('app'), true);
  assert.equal(inIdentity('app.kubernetes.io/name'), true);
  assert.equal(inIdentity('pod-template-hash'), false);
  assert.equal(inIdentity('kubernetes.io/hostname'), false);
  assert.equal(inIdentity('statefulset.kubernetes.io/pod-name'), false);
  assert.equal(inIdentity('io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name'), true);
  assert.equal(inIdentity('io.kubernetes.pod.namespace'), true);
  const pod = workload('a/api', { app: 'api', 'pod-template-hash': '5d9f' });
  const e = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            pod-template-hash: 5d9f
    - fromEndpoints:
        - matchLabels:
            io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name: d`));
  assert.equal(conns(e, pod, aDb), 'No Connections');
  assert.equal(conns(e, dWeb, aDb), 'All Connections', 'kubernetes.io/metadata.name as a namespace label is kept');
});

// pkg/labels parseSource: `k8s:` only k8s labels, no prefix any source, other sources not pod labels.
test('label sources: k8s and any match pod labels, other sources do not', () => {
  const src = (key: string) => effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            ${key}: web`));
  assert.equal(conns(src('k8s:app'), aWeb, aDb), 'All Connections');
  assert.equal(conns(src('any:app'), aWeb, aDb), 'All Connections');
  assert.equal(conns(src('container:app'), aWeb, aDb), 'No Connections');
});

// getEndpointSelector: "The k8s prefix must not be added to reserved labels".
test('a reserved: selector is not scoped to a namespace and matches no workload', () => {
  const { model } = readPolicy(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            reserved:host: ""`));
  assert.equal(model.rules[0].ingress[0].endpoints[0].scope, 'reserved');
  const e = ciliumPolicyEffects(model, workspace(NS, []));
  assert.equal(conns(e, aWeb, aDb), 'No Connections');
  const world = effects(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            reserved:world: ""`));
  assert.equal(conns(world, '192.0.2.1', aDb), 'All Connections', 'reserved:world is the world entity');
  assert.equal(conns(world, aWeb, aDb), 'No Connections');
  assert.deepEqual(world[0].compile!().rules[0].externals, [{ first: 0, last: 0xffffffff }]);
});

// rule_validation.go IngressRule sanitize/validate: "combining %s and %s is not supported yet".
test('a rule combining two kinds of peer is rejected: the policy has no effect', () => {
  const { model, findings } = readPolicy(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: web
      fromCIDR:
        - 192.0.2.0/24`));
  // The finding is cilium-rule-invalid's, per document; the model records why the policy does nothing.
  assert.deepEqual(findings, []);
  assert.match(model.rejected!.reason, /fromEndpoints and fromCIDR/);
  const e = ciliumPolicyEffects(model, workspace(NS, []));
  assert.equal(e[0].selects(aDb), false);
  assert.equal(conns(e, dWeb, aDb), 'All Connections');
});

test('each rule of specs[] has its own subject and default deny', () => {
  const doc = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: two
  namespace: a
specs:
  - endpointSelector:
      matchLabels:
        app: db
    ingress:
      - fromEndpoints:
          - matchLabels:
              app: web
  - endpointSelector:
      matchLabels:
        app: web
    egress:
      - toEndpoints:
          - matchLabels:
              app: db
`;
  const { model } = readPolicy(doc);
  const ws = workspace(NS, []);
  const e = ciliumPolicyEffects(model, ws);
  assert.deepEqual(e.map((x) => x.id), ['a/two#specs[0]', 'a/two#specs[1]']);
  assert.equal(conns(e, aWeb, aDb), 'All Connections');
  assert.equal(conns(e, aWeb, bDb), 'No Connections', 'web is egress-isolated by specs[1]');
  assert.equal(conns(e, dWeb, aWeb), 'All Connections', 'web is not ingress-isolated');
  const one = ciliumPolicyEffect(model, ws);
  assert.ok(one.unmodelled.includes(model.source), 'one effect for rules that disagree on default deny is uncertain');
});

test('compile() agrees with selects/allows/denies', () => {
  const model = workspace(NS, []);
  const [e] = ciliumPolicyEffects(readPolicy(cnp('a', `  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            io.cilium.k8s.namespace.labels.team: blue
      toPorts:
        - ports:
            - port: http
    - fromEntities:
        - world
  ingressDeny:
    - fromCIDRSet:
        - cidr: 192.0.2.0/24`)).model, model);
  const c = e.compile!();
  assert.deepEqual(c.isolates, { ingress: true, egress: false });
  assert.equal(c.subjects.type, 'test');
  if (c.subjects.type === 'test') {
    for (const w of [aDb, bDb, aWeb]) assert.equal(c.subjects.test(w, ns.get(w.namespace)), e.selects(w), w.id);
  }
  assert.equal(c.rules.length, 3);
  const [peers, world, deny] = c.rules;
  assert.equal(peers.workloads[0].type, 'test');
  if (peers.workloads[0].type === 'test') {
    assert.equal(peers.workloads[0].test(bWeb, ns.get('b')), true);
    assert.equal(peers.workloads[0].test(aWeb, ns.get('a')), false);
  }
  assert.equal(peers.conns(aDb).toString(), 'TCP 8080');
  assert.equal(peers.connsFixed, false);
  assert.deepEqual(world.externals, [{ first: 0, last: 0xffffffff }]);
  assert.equal(deny.effect, 'deny');
  assert.deepEqual(deny.externals, [{ first: 3221225984, last: 3221226239 }]);
});
