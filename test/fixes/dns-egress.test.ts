// The DNS egress fixes where a one-file fixture cannot reach them, and the DNS rules across files.
//
// Builder cases call the fix builder on one document (a policy that does not isolate egress never gets a
// DNS finding, yet the builder must still add `Egress` to a written policyTypes; configurations with
// several DNS ports) and compare the whole text after the edit. Workspace cases build a model from several
// files (workloads in one file, policies in another, a cluster export) and check which file gets which
// finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildWorkspaceModel,
  DEFAULT_CONFIG,
  Engine,
  extractFile,
  modelFindingsForFile,
  type DnsConfig,
  type ModelOrigin,
  type ProjectConfig,
} from '../../server/src/engine';
import { dnsFixes, type FixTarget } from '../../server/src/engine/rules/dns-egress-fix';
import { parseChunk } from '../../server/src/engine/parse/document';
import { applyEdits } from '../engine/check';

const DNS: DnsConfig = DEFAULT_CONFIG.dns;
const MULTI: DnsConfig = { ...DNS, ports: [53, 5353] };

interface BuilderCase {
  name: string;
  text: string;
  target: Omit<FixTarget, 'parsed'>;
  dns: DnsConfig;
  title: string;
  expected: string;
}

const BUILDER_CASES: BuilderCase[] = [
  {
    name: 'policyTypes [Ingress] gets Egress, and the rule lands after it',
    text: [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: web',
      '  namespace: shop',
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '',
    ].join('\n'),
    target: { specPath: ['spec'], cilium: false, kind: 'dns-egress-missing' },
    dns: DNS,
    title: 'Insert DNS egress rule',
    expected: [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: web',
      '  namespace: shop',
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '    - Egress',
      '  egress:',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '          podSelector:',
      '            matchLabels:',
      '              k8s-app: kube-dns',
      '      ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 53',
      '',
    ].join('\n'),
  },
  {
    name: 'flow policyTypes [Ingress] before the egress list',
    text: [
      'spec:',
      '  podSelector: {}',
      '  policyTypes: [Ingress]',
      '  egress:',
      '    - to:',
      '        - podSelector: {}',
      '',
    ].join('\n'),
    target: { specPath: ['spec'], cilium: false, kind: 'dns-egress-missing' },
    dns: { ...DNS, podLabels: {} },
    title: 'Insert DNS egress rule',
    expected: [
      'spec:',
      '  podSelector: {}',
      '  policyTypes: [Ingress, Egress]',
      '  egress:',
      '    - to:',
      '        - podSelector: {}',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '      ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 53',
      '',
    ].join('\n'),
  },
  {
    name: 'Cilium with toFQDNs and DNS on 53 and 5353: rules.dns only on the port-53 entry',
    text: [
      'spec:',
      '  endpointSelector: {}',
      '  egress:',
      '    - toFQDNs:',
      '        - matchName: example.com',
      '',
    ].join('\n'),
    target: { specPath: ['spec'], cilium: true, kind: 'dns-egress-missing' },
    dns: MULTI,
    title: 'Insert DNS egress rule',
    expected: [
      'spec:',
      '  endpointSelector: {}',
      '  egress:',
      '    - toFQDNs:',
      '        - matchName: example.com',
      '    - toEndpoints:',
      '        - matchLabels:',
      '            k8s:io.kubernetes.pod.namespace: kube-system',
      '            k8s:k8s-app: kube-dns',
      '      toPorts:',
      '        - ports:',
      '            - port: "53"',
      '              protocol: UDP',
      '            - port: "53"',
      '              protocol: TCP',
      '          rules:',
      '            dns:',
      '              - matchPattern: "*"',
      '        - ports:',
      '            - port: "5353"',
      '              protocol: UDP',
      '            - port: "5353"',
      '              protocol: TCP',
      '',
    ].join('\n'),
  },
  {
    name: 'udp-only with two UDP entries: TCP entries appended in order',
    text: [
      'spec:',
      '  egress:',
      '    - ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: UDP',
      '          port: 5353',
      '      to:',
      '        - namespaceSelector: {}',
      '',
    ].join('\n'),
    target: { specPath: ['spec'], cilium: false, kind: 'dns-egress-udp-only', rulePath: ['spec', 'egress', 0] },
    dns: MULTI,
    title: 'Allow TCP on the DNS port',
    expected: [
      'spec:',
      '  egress:',
      '    - ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: UDP',
      '          port: 5353',
      '        - protocol: TCP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 5353',
      '      to:',
      '        - namespaceSelector: {}',
      '',
    ].join('\n'),
  },
  {
    name: 'udp-only with a named UDP port: not clean, a whole rule is appended',
    text: [
      'spec:',
      '  egress:',
      '    - ports:',
      '        - protocol: UDP',
      '          port: dns',
      '',
    ].join('\n'),
    target: { specPath: ['spec'], cilium: false, kind: 'dns-egress-udp-only', rulePath: ['spec', 'egress', 0] },
    dns: DNS,
    title: 'Insert DNS egress rule',
    expected: [
      'spec:',
      '  egress:',
      '    - ports:',
      '        - protocol: UDP',
      '          port: dns',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '          podSelector:',
      '            matchLabels:',
      '              k8s-app: kube-dns',
      '      ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 53',
      '',
    ].join('\n'),
  },
  {
    name: 'CRLF line breaks stay CRLF',
    text: 'spec:\r\n  podSelector: {}\r\n  policyTypes:\r\n    - Egress\r\n',
    target: { specPath: ['spec'], cilium: false, kind: 'dns-egress-missing' },
    dns: { ...DNS, nodeLocalAddress: '169.254.20.10' },
    title: 'Insert DNS egress rule',
    expected: [
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Egress',
      '  egress:',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '          podSelector:',
      '            matchLabels:',
      '              k8s-app: kube-dns',
      '        - ipBlock:',
      '            cidr: 169.254.20.10/32',
      '      ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 53',
      '',
    ].join('\r\n'),
  },
];

for (const c of BUILDER_CASES) {
  test(`dns fix builder: ${c.name}`, () => {
    const parsed = parseChunk(c.text);
    const fixes = dnsFixes({ ...c.target, parsed }, c.dns);
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].title, c.title);
    assert.equal(fixes[0].isPreferred, true);
    assert.equal(fixes[0].fixAll, true);
    const after = applyEdits(c.text, fixes[0].edits);
    assert.equal(after, c.expected);
    assert.deepEqual(parseChunk(after).errors, [], 'the fixed text parses');
  });
}

// ---- across files ----------------------------------------------------------------------------------

interface WorkspaceFile {
  uri: string;
  origin: ModelOrigin;
  text: string;
}

function findingsByFile(files: WorkspaceFile[], config: ProjectConfig = DEFAULT_CONFIG): Map<string, string[]> {
  const engine = new Engine(config);
  const models = files.map((f) => extractFile(engine.analyzeFile({ uri: f.uri, text: f.text }), f.origin));
  const model = buildWorkspaceModel(models, { config });
  const out = new Map<string, string[]>();
  for (const f of files) {
    const list = modelFindingsForFile(model, f.uri, f.text, config)
      .filter((x) => x.ruleId.startsWith('dns-egress'))
      .map((x) => `${x.ruleId} ${x.messageId} ${f.text.slice(x.span.start, x.span.end)} | ${x.message}`);
    out.set(f.uri, list);
  }
  return out;
}

const DENY_EGRESS = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: api',
  '  namespace: shop',
  'spec:',
  '  podSelector:',
  '    matchLabels:',
  '      app: api',
  '  policyTypes:',
  '    - Egress',
  '',
].join('\n');

const API_DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: api',
  '  namespace: shop',
  'spec:',
  '  selector:',
  '    matchLabels:',
  '      app: api',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: api',
  '    spec:',
  '      containers:',
  '        - name: api',
  '          image: api:1',
  '',
].join('\n');

test('dns rules: a workload declared in another file is the pod named, the finding is in the policy file', () => {
  const got = findingsByFile([
    { uri: 'file:///policies.yaml', origin: 'declared', text: DENY_EGRESS },
    { uri: 'file:///workloads.yaml', origin: 'declared', text: API_DEPLOYMENT },
  ]);
  assert.equal(got.get('file:///workloads.yaml')!.length, 0);
  const list = got.get('file:///policies.yaml')!;
  assert.equal(list.length, 1);
  assert.match(list[0], /^dns-egress-missing missing Egress \| /);
  assert.match(list[0], /Deployment shop\/api/);
});

test('dns rules: a policy known only from the cluster export is not reported', () => {
  const got = findingsByFile([{ uri: 'file:///export.yaml', origin: 'inventory', text: DENY_EGRESS }]);
  assert.deepEqual(got.get('file:///export.yaml'), []);
});

test('dns rules: DNS allowed by a policy in another file counts', () => {
  const allow = DENY_EGRESS.replace('name: api', 'name: api-dns') + [
    '  egress:',
    '    - to:',
    '        - namespaceSelector:',
    '            matchLabels:',
    '              kubernetes.io/metadata.name: kube-system',
    '      ports:',
    '        - {protocol: UDP, port: 53}',
    '        - {protocol: TCP, port: 53}',
    '',
  ].join('\n');
  const got = findingsByFile([
    { uri: 'file:///deny.yaml', origin: 'declared', text: DENY_EGRESS },
    { uri: 'file:///allow.yaml', origin: 'declared', text: allow },
  ]);
  assert.deepEqual([...got.values()].flat(), []);
});

test('dns rules: a rule turned off in the configuration reports nothing, and the others still run', () => {
  const udpOnly = DENY_EGRESS + [
    '  egress:',
    '    - ports:',
    '        - {protocol: UDP, port: 53}',
    '',
  ].join('\n');
  const config: ProjectConfig = { ...DEFAULT_CONFIG, rules: { 'dns-egress-udp-only': 'off' } };
  assert.deepEqual(findingsByFile([{ uri: 'file:///p.yaml', origin: 'declared', text: udpOnly }], config).get('file:///p.yaml'), []);
  const on = findingsByFile([{ uri: 'file:///p.yaml', origin: 'declared', text: udpOnly }]).get('file:///p.yaml')!;
  assert.equal(on.length, 1);
  assert.match(on[0], /^dns-egress-udp-only udpOnly UDP \| /);
});

test('dns rules: a Cilium egressDeny on DNS wins, the message says so and no fix is offered', () => {
  const text = [
    'apiVersion: cilium.io/v2',
    'kind: CiliumNetworkPolicy',
    'metadata:',
    '  name: api',
    '  namespace: shop',
    'spec:',
    '  endpointSelector: {}',
    '  egress:',
    '    - toEndpoints:',
    '        - matchLabels:',
    '            io.kubernetes.pod.namespace: kube-system',
    '            k8s-app: kube-dns',
    '      toPorts:',
    '        - ports:',
    '            - port: "53"',
    '  egressDeny:',
    '    - toEndpoints:',
    '        - matchLabels:',
    '            io.kubernetes.pod.namespace: kube-system',
    '',
  ].join('\n');
  const config = DEFAULT_CONFIG;
  const engine = new Engine(config);
  const model = buildWorkspaceModel([extractFile(engine.analyzeFile({ uri: 'file:///c.yaml', text }), 'declared')], { config });
  const found = modelFindingsForFile(model, 'file:///c.yaml', text, config).filter((f) => f.ruleId === 'dns-egress-missing');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /egressDeny/);
  assert.deepEqual(found[0].fixes, []);
});
