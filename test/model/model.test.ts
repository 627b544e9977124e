// The pieces of the workspace model that fixtures do not show well: Capsule's fast templates exactly as
// Go renders them, Locators (spans in the file, List items, rendered keys), the per-document cache, and
// input that must never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, Engine, buildWorkspaceModel, extractFile, modelFindingsForFile } from '../../server/src/engine';
import { goTrimSpace, placeholders, renderDeep, renderTemplate } from '../../server/src/engine/model/capsule';
import { extractionCount } from '../../server/src/engine/model/extract';
import { documentLocator, makeLocator } from '../../server/src/engine/model/locate';
import { buildCase, loadCase } from './check-workspace';
import { join } from 'node:path';

const engine = () => new Engine(DEFAULT_CONFIG);
const at = (text: string, ref: { span: { start: number; end: number } } | undefined) => (ref ? text.slice(ref.span.start, ref.span.end) : undefined);

test('fast templates: the two keys, spaces inside the braces, anything else empty (pkg/template/fast.go)', () => {
  const ctx = { tenantName: 'solar', namespace: 'solar-dev' };
  assert.equal(renderTemplate('deny-{{tenant.name}}-{{ namespace }}', ctx), 'deny-solar-solar-dev');
  assert.equal(renderTemplate('{{   tenant.name\t}}', ctx), 'solar');
  assert.equal(renderTemplate('a{{ tenant.team }}b{{}}c', ctx), 'abc');
  assert.equal(renderTemplate('{{namespace}}', { tenantName: 'None', namespace: '' }), '');
  // fasttemplate cuts a tag at the first `}}` after `{{`; an unclosed tag is left as written.
  assert.equal(renderTemplate('x{{tenant.name}}}', ctx), 'xsolar}');
  assert.equal(renderTemplate('x{{tenant.name', ctx), 'x{{tenant.name');
  assert.equal(renderTemplate('plain }} text', ctx), 'plain }} text');
  assert.deepEqual(placeholders('{{ a }}-{{tenant.name}}').map((p) => [p.raw, p.key]), [['{{ a }}', 'a'], ['{{tenant.name}}', 'tenant.name']]);
});

test('fast templates trim as Go does: NEL and NBSP are space, a BOM is not', () => {
  assert.equal(goTrimSpace('\u0085\u00a0 tenant.name \u3000'), 'tenant.name');
  assert.equal(goTrimSpace('\ufefftenant.name'), '\ufefftenant.name');
  assert.equal(renderTemplate('{{\u0085namespace}}', { tenantName: 't', namespace: 'n' }), 'n');
  assert.equal(renderTemplate('{{\ufeffnamespace}}', { tenantName: 't', namespace: 'n' }), '');
});

test('rawItems are rendered in keys and values, numbers and booleans untouched', () => {
  const out = renderDeep({ '{{tenant.name}}/team': ['{{namespace}}', 5, true, null] }, { tenantName: 't', namespace: 'n' });
  assert.deepEqual(out, { 't/team': ['n', 5, true, null] });
});

test('a Locator gives file offsets of the node at a path; List items have their own base', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: a}\n  - kind: Pod\n    metadata:\n      name: second\n    spec:\n      nodeName:\n';
  const analysis = engine().analyzeFile({ uri: 'file:///l.yaml', text });
  const doc = analysis.documents[1];
  const locate = documentLocator(doc, 'file:///l.yaml', ['items', 1]);
  assert.equal(at(text, locate(['metadata', 'name'])), 'second');
  assert.equal(locate(['metadata', 'name'])?.uri, 'file:///l.yaml');
  assert.equal(at(text, locate([])), 'kind: Pod\n    metadata:\n      name: second\n    spec:\n      nodeName:');
  // An empty value falls back to its key; a path that is not written has no span.
  assert.equal(at(text, locate(['spec', 'nodeName'])), 'nodeName');
  assert.equal(locate(['spec', 'containers']), undefined);
  assert.equal(locate(['metadata', 'name', 'deeper']), undefined);
});

test('a rendered object is located through its written keys', () => {
  const text = 'kind: GlobalTenantResource\nspec:\n  resources:\n    - rawItems:\n        - kind: NetworkPolicy\n          spec:\n            podSelector:\n              matchLabels:\n                "{{ tenant.name }}/role": shared\n';
  const doc = engine().analyzeFile({ uri: 'file:///r.yaml', text }).documents[0];
  const locate = makeLocator(
    { uri: 'file:///r.yaml', parsed: doc.parsed, offset: doc.chunk.start },
    { base: ['spec', 'resources', 0, 'rawItems', 0], renderKey: (k) => renderTemplate(k, { tenantName: 'solar', namespace: '' }) },
  );
  assert.equal(at(text, locate(['spec', 'podSelector', 'matchLabels', 'solar/role'])), 'shared');
});

test('each materialised policy points at its rawItem / networkPolicies item', () => {
  const built = buildCase(loadCase(join(__dirname, 'fixtures', 'cases', 'global-tenant-resource')));
  const file = built.files.find((f) => f.path === 'inputs/global.yaml')!;
  const np = built.model.networkPolicies.find((p) => p.id === 'alpha-one/deny-alpha-alpha-one')!;
  const item = [
    'apiVersion: networking.k8s.io/v1',
    '          kind: NetworkPolicy',
    '          metadata:',
    '            name: "deny-{{tenant.name}}-{{  namespace }}"',
    '          spec:',
    '            podSelector: {}',
    '            policyTypes: [Ingress]',
  ].join('\n');
  assert.equal(at(file.text, np.source), item);
  assert.equal(at(file.text, np.capsule?.source), item);
  assert.equal(np.capsule?.source.uri, file.uri);
  const effect = built.model.policies.find((p) => p.id === np.id)!;
  assert.equal(at(file.text, effect.source), item);

  const tenants = buildCase(loadCase(join(__dirname, 'fixtures', 'cases', 'tenant-network-policies')));
  const tfile = tenants.files[0];
  const tnp = tenants.model.networkPolicies.find((p) => p.id === 'solar-two/capsule-solar-1')!;
  assert.equal(at(tfile.text, tnp.source), 'podSelector:\n          matchLabels: {app: db}\n        policyTypes: [Egress]');
});

test('an edit re-extracts only the document it touched; the others are reused and re-placed', () => {
  const doc = (name: string, label: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: {team: ${label}}\n`;
  const e = engine();
  const v1 = [doc('a', 'x'), doc('b', 'y'), doc('c', 'z')].join('---\n');
  const first = extractFile(e.analyzeFile({ uri: 'file:///n.yaml', text: v1 }), 'declared');
  const before = extractionCount();
  const v2 = [doc('a', 'x'), doc('b', 'a-much-longer-value'), doc('c', 'z')].join('---\n');
  const second = extractFile(e.analyzeFile({ uri: 'file:///n.yaml', text: v2 }), 'declared');
  assert.equal(extractionCount() - before, 1, 'one document extracted again');
  assert.equal(second.namespaces[0], first.namespaces[0], 'an untouched document in place keeps its objects');
  assert.equal(second.namespaces[1].labels.team, 'a-much-longer-value');
  assert.equal(at(v2, second.namespaces[2].source), doc('c', 'z').trimEnd(), 'a moved document is placed at its new offset');
  // The same text in another file is not extracted again either.
  const other = extractFile(e.analyzeFile({ uri: 'file:///other.yaml', text: v2 }), 'declared');
  assert.equal(extractionCount() - before, 1);
  assert.equal(other.namespaces[2].source.uri, 'file:///other.yaml');
});

test('the workspace wins over the cluster export for namespaces, tenants and workloads', () => {
  const e = engine();
  const workspace = extractFile(e.analyzeFile({
    uri: 'file:///w.yaml',
    text: 'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: t, labels: {from: workspace}}\nspec: {}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {from: workspace}}\n',
  }), 'declared');
  const inventory = extractFile(e.analyzeFile({
    uri: 'file:///i.yaml',
    text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: capsule.clastix.io/v1beta2\n  kind: Tenant\n  metadata: {name: t, labels: {from: inventory}}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: n, labels: {from: inventory}}\n',
  }), 'inventory');
  for (const files of [[workspace, inventory], [inventory, workspace]]) {
    const model = buildWorkspaceModel(files);
    assert.equal(model.tenants.get('t')?.labels.from, 'workspace');
    assert.equal(model.namespaces.get('n')?.labels.from, 'workspace');
    assert.equal(model.namespaces.get('n')?.origin, 'declared');
  }
});

test('a file the Helm detector skips contributes nothing', () => {
  const analysis = engine().analyzeFile({ uri: 'file:///h.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.name }}\n' });
  assert.equal(analysis.skipped, 'helm');
  const model = buildWorkspaceModel([extractFile(analysis, 'declared')]);
  assert.equal(model.namespaces.size, 0);
});

test('malformed input never throws and leaves the rest of the model intact', () => {
  const garbage = [
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: 5\n',
    'apiVersion: v1\nkind: List\nitems: [1, null, "x", {kind: Pod}, {apiVersion: v1, kind: Pod, metadata: []}]\n',
    'apiVersion: v1\nkind: PodList\nitems: {a: 1}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p, ownerReferences: "x", labels: [1]}\nspec: {containers: {a: 1}}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: q, ownerReferences: [{controller: true}]}\nspec: {containers: [{ports: [{containerPort: abc}, {containerPort: 70000}, 5, {containerPort: 80, protocol: ICMP}]}]}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: 5}\n',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: []}}\n',
    'apiVersion: v1\nkind: Namespace\nmetadata: {labels: {a: b}}\n',
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: weird, labels: {n: 1, b: true, z: null, o: {x: 1}}, ownerReferences: [{kind: Tenant}]}\n',
    'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: t}\nspec: {namespaceOptions: 5, networkPolicies: {items: [5, null, {podSelector: 3}]}, rules: [{enforce: {metadata: "x"}}, 7, {enforce: {metadata: [{kinds: [Namespace], labels: {k: 5}}]}}]}\nstatus: {namespaces: [1, null, weird], spaces: "x"}\n',
    'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: u}\nspec: {namespaceOptions: {additionalMetadataList: "x", forbiddenLabels: {denied: "x", deniedRegex: 5}}}\n',
    'apiVersion: capsule.clastix.io/v1beta2\nkind: GlobalTenantResource\nmetadata: {name: g}\nspec: {tenantSelector: "x", scope: 7, resources: [5, {namespaceSelector: {matchExpressions: [{key: a, operator: Bad}]}, rawItems: [5, {kind: NetworkPolicy, spec: []}, {kind: CiliumNetworkPolicy, metadata: 4}]}, {rawItems: [{kind: NetworkPolicy, metadata: {name: ok}, spec: {podSelector: {}}}], namespacedItems: "x", generators: [5, {template: 7}]}]}\n',
    'apiVersion: capsule.clastix.io/v1beta2\nkind: TenantResource\nmetadata: {name: tr, namespace: weird}\nspec: {resources: {a: 1}}\n',
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: weird}\nspec: []\n',
    'a: &a [*a, *a]\nb: *a\n',
    '- just\n- a\n- list\n',
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [broken\n',
  ];
  const text = garbage.join('---\n') + '---\napiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n';
  const analysis = engine().analyzeFile({ uri: 'file:///g.yaml', text });
  const file = extractFile(analysis, 'declared');
  const model = buildWorkspaceModel([file, extractFile(analysis, 'inventory')]);
  assert.ok(model.namespaces.has('fine'));
  assert.deepEqual(model.namespaces.get('weird')?.labels, { n: '1', b: 'true', z: '', 'kubernetes.io/metadata.name': 'weird', 'capsule.clastix.io/tenant': 't' });
  assert.equal(model.namespaces.get('weird')?.tenant, 't', 'listed in the status of Tenant t');
  assert.deepEqual(model.workloads.find((w) => w.name === 'q')?.ports, [], 'unreadable ports are left out');
  for (const findings of model.findings.values()) for (const f of findings) assert.notEqual(f.messageId, 'modelError', f.message);
});

test('model findings follow the configuration and suppression comments, like file findings', () => {
  const text = [
    'apiVersion: capsule.clastix.io/v1beta2',
    'kind: GlobalTenantResource',
    'metadata: {name: g}',
    'spec:',
    '  resources:',
    '    - namespacedItems:',
    '        - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: templates}',
    '        # tenant-policy-disable-next-line capsule-not-modelled',
    '        - {apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, namespace: templates}',
    '',
  ].join('\n');
  const model = buildWorkspaceModel([extractFile(engine().analyzeFile({ uri: 'file:///s.yaml', text }), 'declared')]);
  assert.equal(model.findings.get('file:///s.yaml')?.length, 2, 'the model keeps every finding');
  const shown = modelFindingsForFile(model, 'file:///s.yaml', text, DEFAULT_CONFIG);
  assert.deepEqual(shown.map((f) => [f.ruleId, f.severity, text.slice(f.span.start, f.span.end)]),
    [['capsule-not-modelled', 'warning', '{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, namespace: templates}']]);
  assert.equal(modelFindingsForFile(model, 'file:///s.yaml', text, { rules: { 'capsule-not-modelled': 'information' } })[0].severity, 'information');
  assert.deepEqual(modelFindingsForFile(model, 'file:///s.yaml', text, { rules: { 'capsule-not-modelled': 'off' } }), []);
});
