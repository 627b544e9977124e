// Reading CNPs and CCNPs into the model: ids, the namespace requirement Cilium adds to each selector,
// ports, default deny, and a finding on every part the engine does not model (each listed in the rule's
// `unmodelled`, except those that cannot change a TCP/UDP/SCTP verdict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLabelKey } from '../../server/src/engine/model/cilium';
import { describeFindings, readPolicy } from './support';

test('label keys: source prefixes as Cilium parses them (pkg/labels parseSource)', () => {
  assert.deepEqual(splitLabelKey('app'), { source: 'any', key: 'app' });
  assert.deepEqual(splitLabelKey('k8s:io.kubernetes.pod.namespace'), { source: 'k8s', key: 'io.kubernetes.pod.namespace' });
  assert.deepEqual(splitLabelKey('any:app.kubernetes.io/name'), { source: 'any', key: 'app.kubernetes.io/name' });
  assert.deepEqual(splitLabelKey('reserved:host'), { source: 'reserved', key: 'host' });
  assert.deepEqual(splitLabelKey('$host'), { source: 'reserved', key: 'host' });
  assert.deepEqual(splitLabelKey('reserved.world'), { source: 'reserved', key: 'world' });
});

test('ids, namespaces, rules of spec and specs[], effective selectors', () => {
  const { model } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: web
  ingress:
    - fromEndpoints:
        - matchLabels:
            role: lb
specs:
  - endpointSelector: {}
    egressDeny:
      - toEndpoints:
          - matchExpressions:
              - key: k8s:io.kubernetes.pod.namespace
                operator: NotIn
                values: [shop]
`);
  assert.equal(model.id, 'shop/web');
  assert.equal(model.namespace, 'shop');
  assert.deepEqual(model.rules.map((r) => r.label), ['spec', 'specs[0]']);
  const [spec, specs0] = model.rules;
  assert.deepEqual(spec.defaultDeny, { ingress: true, egress: false });
  assert.deepEqual(specs0.defaultDeny, { ingress: false, egress: true });
  assert.equal(spec.subject.kind, 'endpoints');
  if (spec.subject.kind === 'endpoints') {
    assert.deepEqual(spec.subject.selector.effective.map((r) => `${r.source}:${r.key} ${r.operator} ${r.values}`), [
      'any:app In web',
      'k8s:io.kubernetes.pod.namespace In shop',
    ]);
  }
  const peer = spec.ingress[0].endpoints[0];
  assert.equal(peer.scope, 'policy');
  assert.deepEqual(peer.effective.map((r) => `${r.source}:${r.key} ${r.operator} ${r.values}`), ['any:role In lb', 'k8s:io.kubernetes.pod.namespace In shop']);
  assert.equal(specs0.egressDeny[0].endpoints[0].scope, 'explicit');
  assert.ok(peer.source && spec.ingress[0].source && model.source, 'every part has a SourceRef');
});

test('a CCNP has no namespace; its peers get io.kubernetes.pod.namespace Exists, except for init endpoints', () => {
  const { model } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: all
specs:
  - endpointSelector: {}
    ingress:
      - fromEndpoints: [{}]
  - endpointSelector:
      matchLabels:
        reserved:init: ""
    egress:
      - toEndpoints: [{}]
`);
  assert.equal(model.id, 'all');
  assert.equal(model.namespace, undefined);
  const e0 = model.rules[0].ingress[0].endpoints[0];
  assert.equal(e0.scope, 'cluster');
  assert.deepEqual(e0.effective, [{ source: 'k8s', key: 'io.kubernetes.pod.namespace', operator: 'Exists', values: [] }]);
  assert.deepEqual(model.rules[1].egress[0].endpoints[0].effective, [], 'utils.go: no namespace requirement for policies on init endpoints');
});

test('ports: numbers, ranges, names lowercased, 0 and absent port, absent protocol = ANY, octal', () => {
  const { model } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec:
  endpointSelector: {}
  ingress:
    - toPorts:
        - ports:
            - {port: "80"}
            - {port: "8000", endPort: 8080, protocol: UDP}
            - {port: "HTTP", protocol: TCP}
            - {port: "0", protocol: SCTP}
            - {port: "010", protocol: TCP}
`);
  const ports = model.rules[0].ingress[0].ports;
  assert.notEqual(ports, 'any');
  if (ports !== 'any') {
    assert.deepEqual(ports.map(({ source: _s, ...p }) => p), [
      { protocol: 'ANY', port: 80 },
      { protocol: 'UDP', port: 8000, endPort: 8080 },
      { protocol: 'TCP', port: 'http' },
      { protocol: 'SCTP' },
      { protocol: 'TCP', port: 8 },
    ]);
  }
  assert.equal(model.rules[0].ingress[0].l3Wildcard, true);
});

const NOT_MODELLED = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: everything
  namespace: a
spec:
  endpointSelector:
    matchLabels:
      io.cilium.k8s.policy.serviceaccount: api
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: web
      toPorts:
        - ports:
            - port: "80"
              protocol: TCP
          rules:
            http:
              - method: GET
    - fromNodes:
        - matchLabels:
            node-role: edge
    - fromGroups:
        - aws:
            securityGroupsIds: [sg-1]
    - fromRequires:
        - matchLabels:
            env: prod
    - fromCIDRSet:
        - cidrGroupRef: office
    - fromEndpoints:
        - {}
      authentication:
        mode: required
    - icmps:
        - fields:
            - type: 8
  egress:
    - toFQDNs:
        - matchName: example.com
    - toServices:
        - k8sService:
            serviceName: api
            namespace: b
`;

test('every part the engine does not model is reported on its node and listed', () => {
  const { model, findings, text } = readPolicy(NOT_MODELLED);
  assert.deepEqual(describeFindings(text, findings), [
    '9 cilium-not-modelled unknownLabel "io.cilium.k8s.policy.serviceaccount"',
    '18 cilium-not-modelled l7Rules "rules"',
    '21 cilium-not-modelled nodes "fromNodes"',
    '24 cilium-not-modelled groups "fromGroups"',
    '27 cilium-not-modelled requires "fromRequires"',
    '31 cilium-not-modelled cidrGroup "cidrGroupRef"',
    '34 cilium-not-modelled authentication "authentication"',
    '36 cilium-not-modelled icmps "icmps"',
    '40 cilium-not-modelled toFQDNs "toFQDNs"',
    '42 cilium-not-modelled toServices "toServices"',
  ]);
  for (const f of findings) assert.equal(f.severity, 'information');
  // icmps cannot change a TCP/UDP/SCTP verdict: reported, not listed.
  assert.equal(model.rules[0].unmodelled.length, 9);
  assert.equal(model.rejected, undefined);
});

test('host policies (nodeSelector) and 1.20 port-less protocols are reported', () => {
  const { model, findings, text } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: hosts
specs:
  - nodeSelector:
      matchLabels:
        role: worker
    ingress:
      - fromEntities: [cluster]
  - endpointSelector: {}
    egress:
      - toEntities: [world]
        toPorts:
          - ports:
              - port: "0"
                protocol: VRRP
`);
  assert.deepEqual(describeFindings(text, findings), [
    '6 cilium-not-modelled nodeSelector "nodeSelector"',
    '17 cilium-not-modelled protocol "protocol"',
  ]);
  assert.equal(model.rules[0].subject.kind, 'nodes');
  assert.deepEqual(model.rules[1].egress[0].ports, []);
});

test('rules Cilium\'s agent rejects make the whole policy ineffective (cilium-rule-invalid reports them per document)', () => {
  const { model, findings, text } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: a}
spec:
  endpointSelector: {}
  egress:
    - toEndpoints: [{}]
      toEntities: [world]
    - icmps:
        - fields: [{type: 8}]
      toPorts:
        - ports: [{port: "80"}]
`);
  assert.deepEqual(describeFindings(text, findings), ['9 cilium-not-modelled icmps "icmps"']);
  assert.match(model.rejected!.reason, /toEndpoints and toEntities/);
});

test('DNS rules on ingress, or without a port, make the whole policy ineffective', () => {
  const ingress = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: a}
spec:
  endpointSelector: {}
  ingress:
    - toPorts:
        - ports: [{port: "53", protocol: UDP}]
          rules: {dns: [{matchPattern: "*"}]}
`);
  assert.match(ingress.model.rejected!.reason, /DNS rules are not allowed on ingress/);
  const noPort = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: a}
spec:
  endpointSelector: {}
  egress:
    - toPorts:
        - rules: {dns: [{matchPattern: "*"}]}
`);
  assert.match(noPort.model.rejected!.reason, /port 53 must be specified/);
  const fine = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: a}
spec:
  endpointSelector: {}
  egress:
    - toPorts:
        - ports: [{port: "53", protocol: ANY}]
          rules: {dns: [{matchPattern: "*"}]}
`);
  assert.equal(fine.model.rejected, undefined);
});

test('values the API server rejects are left out and listed, without a second finding', () => {
  const { model, findings } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: a}
spec:
  endpointSelector: {}
  ingress:
    - fromEntities: [wrold]
    - fromCIDR: ["10.0.0.300/8"]
    - fromEndpoints:
        - matchExpressions:
            - {key: app, operator: Has}
    - toPorts:
        - ports: [{port: "99999"}, {port: "http_x"}, {port: "80", protocol: ICMP}]
`);
  assert.deepEqual(findings, []);
  const r = model.rules[0];
  assert.equal(r.ingress[0].entities.length, 0);
  assert.equal(r.ingress[2].endpoints.length, 0);
  assert.equal(r.ingress[2].l3Wildcard, false, 'an unreadable selector does not turn the rule into an L4-only rule');
  assert.deepEqual(r.ingress[3].ports, []);
  assert.equal(r.unmodelled.length, 6);
});

// cidr.go CIDRRule sanitize: "allow CIDR prefix %s does not contain exclude CIDR prefix %s".
test('an except outside its cidr makes Cilium reject the policy; invalid-cidr reports it, the model leaves the policy out', () => {
  const { model, findings } = readPolicy(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bad, namespace: a}
spec:
  endpointSelector: {}
  egress:
    - toCIDRSet:
        - cidr: 10.0.0.0/16
          except: [10.1.0.0/24]
`);
  assert.deepEqual(findings, []);
  assert.match(model.rejected!.reason, /not inside cidr/);
});

test('non-objects and missing parts never throw', () => {
  for (const body of ['spec: null', 'spec: []', 'spec: {ingress: [null, 3, "x"]}', 'specs: [null, {endpointSelector: null}]', 'spec: {endpointSelector: {matchLabels: null, matchExpressions: [null]}}']) {
    const { model } = readPolicy(`apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x}\n${body}\n`);
    assert.equal(model.namespace, 'default');
  }
});
