// The preview panel's requests over the wire: the policy under the cursor (a NetworkPolicy, a Cilium
// policy, a Capsule Tenant item, a GlobalTenantResource rawItem), the namespace matrix of examples/,
// explain (the CLI's walkthrough, with links), the modelChanged notification after an edit, and bad
// input answered with empty or sensible results.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ensureBundle } from '../support/bundle';
import { ExplainRequest, PreviewRequest, type ExplainResult, type PreviewMatrix, type PreviewResult } from '../../server/src/protocol';
import { EXAMPLES, TestClient, exampleUri, rangeOf, readExample, tempWorkspace, textAt } from './client';
import { ModelWatch } from './model-watch';


function cell(m: PreviewMatrix, src: string, dst: string) {
  const s = m.namespaces.findIndex((n) => n.name === src);
  const d = m.namespaces.findIndex((n) => n.name === dst);
  assert.ok(s >= 0 && d >= 0, `${src} and ${dst} are in the matrix`);
  return m.cells.find((c) => c.src === s && c.dst === d);
}

describe('preview on examples/', () => {
  let client: TestClient;
  let models: ModelWatch;

  before(async () => {
    client = await TestClient.start({ folders: [EXAMPLES] });
    models = new ModelWatch(client);
  });
  after(async () => {
    await client.shutdown();
  });

  async function previewAt(rel: string, needle: string | undefined, noMatrix = false): Promise<{ result: PreviewResult; text: string; uri: string }> {
    const text = readExample(rel);
    const uri = exampleUri(rel);
    const position = needle === undefined ? undefined : rangeOf(text, needle).start;
    const result = await models.preview({ uri, position, noMatrix });
    return { result, text, uri };
  }

  test('a NetworkPolicy: what it selects, isolates and what its rule admits, per namespace and port', async () => {
    const { result, text, uri } = await previewAt('policies/solar/database.yaml', 'app: api');
    assert.equal(result.state, 'ready');
    assert.equal(result.scope, 'examples');
    const p = result.policy!;
    assert.equal(p.id, 'solar-db/postgres');
    assert.equal(p.kind, 'NetworkPolicy');
    assert.equal(p.name, 'postgres');
    assert.equal(p.namespace, 'solar-db');
    assert.equal(p.capsule, undefined);
    assert.deepEqual(p.instances, ['solar-db']);
    assert.deepEqual(p.selects, [{ namespace: 'solar-db', tenant: 'solar', workloads: ['solar-db/postgres'], allPods: false }]);
    assert.deepEqual(p.isolates, { ingress: true, egress: false });
    assert.equal(p.location.uri, uri);
    assert.match(textAt(text, p.location.range), /^apiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy/);
    assert.equal(p.rules.length, 1);
    const [rule] = p.rules;
    assert.equal(rule.direction, 'ingress');
    assert.equal(rule.index, 0);
    assert.equal(rule.effect, 'allow');
    assert.deepEqual(rule.admits, [
      { tenant: 'solar', namespaces: [{ namespace: 'solar-backend', ports: 'TCP/5432', workloads: [{ id: 'solar-backend/api', kind: 'Deployment', ports: 'TCP/5432' }] }] },
    ]);
    assert.deepEqual(rule.externals, []);
    assert.match(textAt(text, rule.location!.range), /^from:\n/);
    assert.ok(result.matrix, 'the matrix comes with the policy unless noMatrix');
  });

  test('a Capsule Tenant networkPolicies item: the policy it stamps into every namespace of the tenant', async () => {
    const { result, text, uri } = await previewAt('tenants/hydro.yaml', 'podSelector: {}', true);
    const p = result.policy!;
    assert.equal(result.matrix, undefined, 'noMatrix leaves the matrix out');
    assert.equal(p.kind, 'NetworkPolicy');
    assert.deepEqual(p.instances, ['hydro-app', 'hydro-data']);
    assert.equal(p.namespace, 'hydro-app', 'the first namespace is shown');
    assert.equal(p.capsule?.kind, 'Tenant');
    assert.equal(p.capsule?.name, 'hydro');
    assert.equal(p.capsule?.tenant, 'hydro');
    assert.equal(p.capsule?.location.uri, uri);
    assert.match(textAt(text, p.capsule!.location.range), /^podSelector: \{\}/);
    assert.deepEqual(p.selects.map((s) => [s.namespace, s.allPods]), [['hydro-app', true]]);
    assert.equal(p.isolates.ingress, true);
    const admitted = p.rules[0].admits.flatMap((g) => g.namespaces.map((n) => `${g.tenant}:${n.namespace}`));
    assert.deepEqual(admitted, ['hydro:hydro-app', 'hydro:hydro-data']);
  });

  test('a GlobalTenantResource rawItem: each item is its own policy, stamped into every tenant namespace', async () => {
    const rel = 'policies/global/network-baseline.yaml';
    const dns = (await previewAt(rel, 'name: allow-dns-egress', true)).result.policy!;
    assert.equal(dns.name, 'allow-dns-egress');
    assert.equal(dns.capsule?.kind, 'GlobalTenantResource');
    assert.equal(dns.capsule?.name, 'network-baseline');
    assert.deepEqual(dns.instances, ['hydro-app', 'hydro-data', 'solar-backend', 'solar-db', 'solar-frontend', 'wind-api', 'wind-batch']);
    assert.deepEqual(dns.isolates, { ingress: false, egress: true });
    assert.deepEqual(dns.rules.map((r) => [r.direction, r.admits]), [
      ['egress', [{ namespaces: [{ namespace: 'kube-system', ports: 'TCP/53, UDP/53', workloads: [{ id: 'kube-system/coredns', kind: 'Deployment', ports: 'TCP/53, UDP/53' }] }] }]],
    ]);
    const deny = (await previewAt(rel, 'name: default-deny', true)).result.policy!;
    assert.equal(deny.name, 'default-deny');
    assert.deepEqual(deny.isolates, { ingress: true, egress: true });
    assert.deepEqual(deny.rules, []);
    // On the GlobalTenantResource's own header, outside every item: the document's first policy.
    const head = (await previewAt(rel, 'resyncPeriod', true)).result.policy!;
    assert.equal(head.name, 'default-deny');
  });

  test('a CiliumNetworkPolicy: rules with their ports, and notes on the parts not modelled', async () => {
    const { result } = await previewAt('policies/wind/worker-cilium.yaml', 'ingress:', true);
    const p = result.policy!;
    assert.equal(p.kind, 'CiliumNetworkPolicy');
    assert.equal(p.id, 'wind-batch/worker');
    assert.deepEqual(p.isolates, { ingress: true, egress: true });
    const ingress = p.rules.find((r) => r.direction === 'ingress')!;
    assert.deepEqual(ingress.admits.flatMap((g) => g.namespaces.map((n) => [n.namespace, n.ports])), [['monitoring', 'TCP/9100']]);
    assert.equal(p.uncertain, true);
    // The DNS rule (L7 rules) and the toFQDNs rule are not modelled exactly; the rule to wind-api is.
    assert.deepEqual(p.rules.map((r) => `${r.direction}[${r.index}] ${r.uncertain === true} ${r.notes.length}`), [
      'ingress[0] false 0',
      'egress[0] true 1',
      'egress[1] false 0',
      'egress[2] true 1',
    ]);
  });

  test('the namespace matrix: tenants, platform namespaces, cells with ports, cross-tenant isolation', async () => {
    const { result } = await previewAt('policies/solar/database.yaml', undefined);
    const m = result.matrix!;
    assert.deepEqual(m.tenants.map((t) => [t.name, t.namespaces.map((i) => m.namespaces[i].name)]), [
      ['hydro', ['hydro-app', 'hydro-data']],
      ['solar', ['solar-backend', 'solar-db', 'solar-frontend']],
      ['wind', ['wind-api', 'wind-batch']],
    ]);
    const platform = m.namespaces.filter((n) => n.platform).map((n) => n.name);
    assert.deepEqual(platform, ['ingress-nginx', 'kube-system', 'monitoring']);
    assert.ok(m.namespaces.every((n) => n.workloads === 1));
    assert.deepEqual(cell(m, 'solar-backend', 'solar-db'), { src: 2, dst: 3, level: 'some', ports: 'TCP/5432' });
    assert.equal(cell(m, 'solar-frontend', 'solar-db'), undefined);
    assert.equal(cell(m, 'wind-api', 'solar-db'), undefined, 'wind never reaches solar');
    assert.equal(cell(m, 'ingress-nginx', 'kube-system')?.level, 'all');
    assert.equal(cell(m, 'solar-frontend', 'kube-system')?.ports, 'TCP/53, UDP/53');
    const unsure = cell(m, 'monitoring', 'wind-batch');
    assert.equal(unsure?.ports, 'TCP/9100');
    assert.equal(unsure?.uncertain, true);
    // Cells are unique pairs, in row order.
    const keys = m.cells.map((c) => `${c.src}>${c.dst}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  test('explain: the CLI walkthrough, with every responsible rule as a link', async () => {
    const uri = exampleUri('policies/solar/database.yaml');
    await models.preview({ uri, noMatrix: true });
    const x = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'solar-frontend' }, to: { namespace: 'solar-backend' } });
    assert.equal(x.from, 'solar-frontend');
    assert.equal(x.allowed, 'TCP/8080');
    assert.equal(x.uncertain, false);
    const cli = spawnSync(process.execPath, [ensureBundle('cli'), 'explain', '.', '--from', 'solar-frontend', '--to', 'solar-backend'], { cwd: EXAMPLES, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(x.text, cli.stdout.replaceAll('(./', '('), 'the same text as `tenant-policy explain`, paths relative to the folder');
    const egress = x.steps.find((s) => s.side === 'egress' && s.verdict === 'allowed')!;
    assert.equal(egress.ports, 'TCP/8080');
    assert.deepEqual(egress.by.map((b) => b.label), ['NetworkPolicy solar-frontend/web egress[0]']);
    const link = egress.by[0].location!;
    assert.equal(link.uri, exampleUri('policies/solar/frontend.yaml'));
    assert.match(textAt(readExample('policies/solar/frontend.yaml'), link.range), /^to:\n/);
    const denied = x.steps.find((s) => s.side === 'egress' && s.verdict === 'denied')!;
    assert.ok(denied.by.some((b) => b.label === 'NetworkPolicy solar-frontend/default-deny isolates egress' && b.location?.uri === exampleUri('policies/global/network-baseline.yaml')));

    const port = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'wind-api' }, to: { namespace: 'solar-db' }, port: 'TCP/5432' });
    assert.equal(port.allowed, 'none');
    assert.match(port.text, /TCP 5432: DENIED/);
    assert.ok(port.steps.every((s) => s.ports === 'TCP/5432'));
  });

  test('explain on bad input answers with a sentence, never an error', async () => {
    const uri = exampleUri('policies/solar/database.yaml');
    await models.preview({ uri, noMatrix: true });
    const unknown = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'nowhere' }, to: { namespace: 'solar-db' } });
    assert.deepEqual(unknown.steps, []);
    assert.match(unknown.text, /no namespace nowhere/);
    const badPort = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'solar-backend' }, to: { namespace: 'solar-db' }, port: 'TCP/99999' });
    assert.match(badPort.text, /is not a port/);
    const same = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'solar-db' }, to: { namespace: 'solar-db' } });
    assert.match(same.text, /same workload/);
    for (const params of [{}, { uri }, { uri: 42, from: 'x', to: null }, { uri: 'file:///nowhere.yaml', from: { namespace: 'a' }, to: { namespace: 'b' } }]) {
      const r = await client.request<ExplainResult>(ExplainRequest.method, params);
      assert.deepEqual(r.steps, []);
      assert.equal(typeof r.text, 'string');
    }
  });

  test('position past the end, garbage parameters, unknown documents: sensible answers', async () => {
    const uri = exampleUri('policies/solar/database.yaml');
    const past = await models.preview({ uri, position: { line: 10_000, character: 10_000 }, noMatrix: true });
    assert.equal(past.policy?.id, 'solar-db/postgres', 'past the end: the last line, inside the policy');
    const negative = await models.preview({ uri, position: { line: -3, character: -1 }, noMatrix: true });
    assert.equal(negative.policy?.id, 'solar-db/postgres', 'an invalid position: as if none were given');
    const unknown = await client.request<PreviewResult>(PreviewRequest.method, { uri: 'file:///does/not/exist.yaml', position: { line: 0, character: 0 } });
    assert.equal(unknown.state, 'empty');
    assert.equal(unknown.policy, undefined);
    for (const params of [{}, { uri: 7 }, { uri: '' }, { uri: 'untitled:Untitled-1' }]) {
      const r = await client.request<PreviewResult>(PreviewRequest.method, params);
      assert.equal(r.state, 'empty');
    }
    // Not a policy: a Namespace document, a Tenant without items.
    const ns = await models.preview({ uri: exampleUri('namespaces/solar.yaml'), position: { line: 3, character: 2 }, noMatrix: true });
    assert.equal(ns.policy, undefined);
    assert.equal(ns.state, 'ready');
    const tenant = await models.preview({ uri: exampleUri('tenants/solar.yaml'), position: { line: 5, character: 2 }, noMatrix: true });
    assert.equal(tenant.policy, undefined);
    // None of it was a failure: no handler threw (guard.ts logs every exception as an error).
    assert.deepEqual(client.logs.all.filter((l) => l.type === 1 && /tenantPolicy\//.test(l.message)), []);
  });
});

describe('preview in a workspace of its own', () => {
  test('a CiliumNetworkPolicy with specs: the entry under the cursor is the policy', async () => {
    const cnp = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: two
  namespace: a
specs:
  - endpointSelector:
      matchLabels:
        app: web
    ingress:
      - fromEndpoints:
          - {}
        toPorts:
          - ports:
              - port: "80"
                protocol: TCP
  - endpointSelector:
      matchLabels:
        app: db
    egress:
      - toEndpoints:
          - {}
        toPorts:
          - ports:
              - port: "5432"
                protocol: TCP
`;
    const deployment = (app: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: a\nspec:\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n        - name: c\n          image: x\n`;
    const ws = tempWorkspace({ 'cnp.yaml': cnp, 'apps.yaml': `${deployment('web')}---\n${deployment('db')}` });
    const client = await TestClient.start({ folders: [ws.root] });
    const models = new ModelWatch(client);
    try {
      const uri = ws.uri('cnp.yaml');
      const second = await models.preview({ uri, position: rangeOf(cnp, 'app: db').start, noMatrix: true });
      assert.equal(second.policy?.id, 'a/two#specs[1]');
      assert.equal(second.policy?.name, 'two');
      assert.deepEqual(second.policy?.isolates, { ingress: false, egress: true });
      assert.deepEqual(second.policy?.rules.map((r) => [r.direction, r.admits.flatMap((g) => g.namespaces.map((n) => `${n.namespace} ${n.ports}`))]), [['egress', ['a TCP/5432']]]);
      assert.deepEqual(second.policy?.selects, [{ namespace: 'a', workloads: ['a/db'], allPods: false }]);
      assert.deepEqual(second.policy?.rules[0].admits[0].namespaces[0].workloads.map((w) => w.id), ['a/db', 'a/web'], 'toEndpoints [{}]: every endpoint of the namespace');
      const first = await models.preview({ uri, position: rangeOf(cnp, 'app: web').start, noMatrix: true });
      assert.equal(first.policy?.id, 'a/two#specs[0]');
      const header = await models.preview({ uri, position: rangeOf(cnp, 'name: two').start, noMatrix: true });
      assert.equal(header.policy?.id, 'a/two#specs[0]', 'outside every entry: the first');
      const lenses = (await client.request<{ range: { start: { line: number } }; command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => `${l.range.start.line} ${l.command?.title}`);
      assert.deepEqual(lenses, [
        '6 selects 1 pod in a · isolates ingress',
        '10 admits 1 namespace · TCP 80',
        '16 selects 1 pod in a · isolates egress',
        '20 admits 1 namespace · TCP 5432',
      ]);
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });

  test('an edit updates the model: modelChanged, then a new stamp and the new ports', async () => {
    const ws = tempWorkspace({
      'ns.yaml': ['a', 'b'].map((n) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n`).join('---\n'),
      'apps.yaml': ['a', 'b']
        .map((n) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: ${n}\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: c\n          image: x\n`)
        .join('---\n'),
      'policy.yaml': `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: b\nspec:\n  podSelector: {}\n  ingress:\n    - ports:\n        - port: 8080\n`,
    });
    const client = await TestClient.start({ folders: [ws.root] });
    const models = new ModelWatch(client);
    try {
      const uri = ws.uri('policy.yaml');
      const text = readFileSync(ws.file('policy.yaml'), 'utf8');
      await client.open(uri, text);
      const first = await models.preview({ uri, position: rangeOf(text, 'ingress').start });
      assert.equal(first.policy?.rules[0].admits.flatMap((g) => g.namespaces.map((n) => `${n.namespace} ${n.ports}`)).join('; '), 'a TCP/8080; b TCP/8080');
      assert.equal(cell(first.matrix!, 'a', 'b')?.ports, 'TCP/8080');
      const seen = models.all.length;
      await client.change(uri, [{ range: rangeOf(text, '8080'), newText: '9090' }]);
      const changed = await models.after(seen, 'the rebuild after the edit');
      assert.equal(changed.folderUri, pathToFileURL(ws.root).href);
      assert.ok(changed.stamp > first.stamp);
      const second = await models.previewAfter(first.stamp, { uri, position: rangeOf(text, 'ingress').start });
      assert.equal(cell(second.matrix!, 'a', 'b')?.ports, 'TCP/9090');
      assert.equal(second.policy?.rules[0].admits[0].namespaces[0].ports, 'TCP/9090');
      // Broken YAML while typing: no policy in the broken document, never an error.
      const seen2 = models.all.length;
      await client.change(uri, [{ range: rangeOf(client.doc(uri).text, 'spec:'), newText: 'spec: [\n  {' }]);
      await models.after(seen2, 'the rebuild after breaking the YAML');
      const broken = await models.previewAfter(second.stamp, { uri, position: { line: 6, character: 4 } });
      assert.equal(broken.state, 'ready');
      assert.equal(broken.policy, undefined);
      assert.equal(cell(broken.matrix!, 'a', 'b')?.level, 'all', 'without the policy b is not isolated');
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });

  test('a namespace without workloads: its cells are what a pod without labels there would get', async () => {
    const ws = tempWorkspace({
      'ns.yaml': ['busy', 'empty', 'closed'].map((n) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n`).join('---\n'),
      'apps.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: busy\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: c\n          image: x\n`,
      'deny.yaml': `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: closed\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`,
    });
    const client = await TestClient.start({ folders: [ws.root] });
    const models = new ModelWatch(client);
    try {
      const uri = ws.uri('deny.yaml');
      const r = await models.preview({ uri });
      const m = r.matrix!;
      const empty = m.namespaces.find((n) => n.name === 'empty')!;
      assert.equal(empty.workloads, 0);
      assert.equal(empty.hypothetical, true);
      assert.equal(m.namespaces.find((n) => n.name === 'busy')?.workloads, 1);
      assert.equal(cell(m, 'busy', 'empty')?.level, 'all', 'nothing isolates a new pod in empty');
      assert.equal(cell(m, 'empty', 'busy')?.level, 'all');
      assert.equal(cell(m, 'busy', 'closed'), undefined, 'closed isolates ingress for every pod, also a new one');
      assert.equal(cell(m, 'closed', 'busy')?.level, 'all');
      // The walkthrough of a cell agrees with it.
      const x = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: 'busy' }, to: { namespace: 'closed' } });
      assert.equal(x.allowed, 'none');
      assert.match(x.text, /closed\/\* \(Pod, hypothetical: a pod without labels\)/);
      assert.ok(x.steps.some((s) => s.side === 'ingress' && s.verdict === 'denied' && s.by.some((b) => b.label === 'NetworkPolicy closed/deny isolates ingress')));
      // The policy selects every pod of its namespace, although none is declared.
      assert.deepEqual(r.policy?.selects, [{ namespace: 'closed', workloads: [], allPods: true }]);
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });

  test('a document outside every folder is previewed with its own model; a document of an unknown kind is no policy', async () => {
    const ws = tempWorkspace();
    const client = await TestClient.start({ folders: [] });
    const models = new ModelWatch(client);
    try {
      const hostile = '<img src=x onerror=alert(1)>';
      const text = `apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: g\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: team\n  labels:\n    note: "${hostile}"\nspec:\n  podSelector:\n    matchLabels:\n      app: "x"\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              team: "${hostile}"\n`;
      const uri = ws.uri('loose.yaml');
      await client.open(uri, text);
      const onGizmo = await models.preview({ uri, position: { line: 1, character: 3 } });
      assert.equal(onGizmo.policy, undefined, 'a document of an unknown kind has no policy');
      assert.equal(onGizmo.scope, 'loose.yaml');
      const onPolicy = await models.preview({ uri, position: rangeOf(text, 'egress').start });
      assert.equal(onPolicy.policy?.id, 'team/p');
      assert.deepEqual(onPolicy.policy?.isolates, { ingress: true, egress: true });
      assert.deepEqual(onPolicy.policy?.rules[0].admits, [], 'no namespace carries that label');
      assert.deepEqual(onPolicy.matrix?.namespaces.map((n) => n.name), ['team']);
    } finally {
      await client.shutdown();
      ws.dispose();
    }
  });
});
