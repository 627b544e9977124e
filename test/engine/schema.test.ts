// Schema validation beyond the fixtures: every schema compiles once, hostile input is bounded, large
// files stay fast, and the syntax checks mirror their upstream functions case by case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, Engine } from '../../server/src/engine';
import { SCHEMAS } from '../../schemas/index';
import { describeSchemaPath } from '../../server/src/engine/schema/describe';
import { identify, runSchema, schemaFor } from '../../server/src/engine/schema/registry';
import { closest, editDistance } from '../../server/src/engine/schema/suggest';
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  isIanaServiceName,
  labelKeyProblems,
  labelValueProblems,
  networkText,
  parseCidr,
  portNameProblems,
  portNumberProblems,
  prefixContains,
} from '../../server/src/engine/schema/syntax';

const analyze = (text: string, engine = new Engine()) => engine.analyzeFile({ uri: 'file:///t.yaml', text }).findings;

test('every generated schema compiles (with the enum overlays) and is compiled only once', () => {
  for (const e of SCHEMAS) {
    const version = e.ciliumVersion ?? '1.18';
    const compiled = schemaFor(e, version);
    assert.ok(compiled, `${e.file} compiles`);
    assert.equal(schemaFor(e, version), compiled, `${e.file} is cached`);
    const run = runSchema(compiled, { apiVersion: e.apiVersion, kind: e.kind, metadata: { name: 'x' } });
    assert.ok(Array.isArray(run.errors));
    // The bare object is well-formed; at most a required field (spec) is missing.
    const other = run.errors.filter((x) => !(x.instancePath === '' && x.keyword === 'required'));
    assert.deepEqual(other.map((x) => `${x.instancePath} ${x.keyword}`), [], e.file);
  }
  // The overlays are compiled in: an enum the OpenAPI document only states in prose is enforced.
  const np = schemaFor({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }, '1.18')!;
  const run = runSchema(np, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: { policyTypes: ['ingress'] } });
  assert.deepEqual(run.errors.map((x) => `${x.instancePath} ${x.keyword}`), ['/spec/policyTypes/0 enum']);
});

test('hover and completion describe the enums the overlays add to validation', () => {
  const values = (apiVersion: string, kind: string, path: (string | number)[]) => describeSchemaPath(apiVersion, kind, path)?.enum;
  assert.deepEqual(values('networking.k8s.io/v1', 'NetworkPolicy', ['spec', 'policyTypes', 0]), ['Ingress', 'Egress']);
  assert.deepEqual(values('networking.k8s.io/v1', 'NetworkPolicy', ['spec', 'ingress', 0, 'ports', 0, 'protocol']), ['TCP', 'UDP', 'SCTP']);
  assert.deepEqual(values('v1', 'Pod', ['spec', 'containers', 0, 'ports', 0, 'protocol']), ['TCP', 'UDP', 'SCTP']);
  assert.deepEqual(values('networking.k8s.io/v1', 'NetworkPolicy', ['spec', 'podSelector', 'matchExpressions', 0, 'operator']), ['In', 'NotIn', 'Exists', 'DoesNotExist']);
  const nodeTerm = ['spec', 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms', 0, 'matchExpressions', 0, 'operator'];
  assert.deepEqual(values('v1', 'Pod', nodeTerm), ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']);
});

test('identify: supported kinds, lists, unknown versions and everything else', () => {
  assert.equal(identify('networking.k8s.io/v1', 'NetworkPolicy').type, 'object');
  assert.equal(identify('v1', 'List').type, 'list');
  const typed = identify('capsule.clastix.io/v1beta2', 'TenantList');
  assert.equal(typed.type === 'list' && typed.element?.kind, 'Tenant');
  const unknown = identify('capsule.clastix.io/v1beta3', 'Tenant');
  assert.deepEqual(unknown.type === 'unknown-version' && unknown.known, ['capsule.clastix.io/v1beta1', 'capsule.clastix.io/v1beta2']);
  assert.equal(identify('v1', 'ConfigMap').type, 'unsupported');
  assert.equal(identify('example.com/v1', 'Tenant').type, 'unsupported');
  assert.equal(identify(undefined, 'NetworkPolicy').type, 'unsupported');
});

test('the Cilium schema follows the configured version', () => {
  const doc = [
    'apiVersion: cilium.io/v2',
    'kind: CiliumNetworkPolicy',
    'metadata: {name: x, namespace: a}',
    'spec:',
    '  endpointSelector: {}',
    '  ingress:',
    '    - toPorts:',
    '        - ports:',
    '            - port: "0"',
    '              protocol: GRE',
    '',
  ].join('\n');
  const v118 = analyze(doc, new Engine({ ...DEFAULT_CONFIG, ciliumVersion: '1.18' }));
  const v120 = analyze(doc, new Engine({ ...DEFAULT_CONFIG, ciliumVersion: '1.20' }));
  assert.deepEqual(v118.map((f) => f.messageId), ['badEnum']);
  assert.deepEqual(v120, []);
});

test('an alias bomb gets one yaml-alias-limit finding, quickly', () => {
  const lines = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: bomb', '  annotations:'];
  lines.push('    l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]');
  for (let i = 1; i <= 12; i++) lines.push(`    l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]`);
  lines.push('spec:', '  podSelector: *l12', '');
  const t = performance.now();
  const findings = analyze(lines.join('\n'));
  assert.ok(performance.now() - t < 2000, 'bounded time');
  assert.deepEqual(findings.map((f) => f.ruleId), ['yaml-alias-limit']);
});

test('a deeply nested document neither throws nor hangs', () => {
  const nested = (depth: number) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: deep\n  annotations:\n    a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  assert.deepEqual(analyze(nested(600)).map((f) => [f.ruleId, f.messageId]), [['yaml-syntax', 'RESOURCE_EXHAUSTION']]);
  const deeper = analyze(nested(5000));
  assert.ok(deeper.length > 0, 'the depth is reported');
  assert.ok(deeper.every((f) => f.ruleId === 'yaml-syntax'));
});

test('a large file of policies is validated in time proportional to its size', () => {
  const doc = (i: number) => [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: allow-${i}`,
    `  namespace: team-${i % 50}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    `      app: web-${i}`,
    '  policyTypes: [Ingress, Egress]',
    '  ingress:',
    '    - from:',
    '        - namespaceSelector:',
    '            matchLabels:',
    `              team: t${i % 7}`,
    '      ports:',
    '        - protocol: TCP',
    `          port: ${1000 + (i % 5000)}`,
    '  egress:',
    '    - to:',
    '        - ipBlock:',
    '            cidr: 10.0.0.0/8',
    '            except: [10.1.0.0/16]',
  ].join('\n');
  const docs: string[] = [];
  for (let i = 0; i < 2000; i++) docs.push(doc(i));
  const text = `${docs.join('\n---\n')}\n`;
  const engine = new Engine();
  analyze(doc(0), engine); // compile the schema outside the measurement
  const t0 = performance.now();
  const findings = analyze(text, engine);
  const cold = performance.now() - t0;
  assert.deepEqual(findings, []);
  // One document edited: only that one is parsed and validated again.
  const edited = text.replace('app: web-1000\n', 'app: web-1000x\n');
  const t1 = performance.now();
  assert.deepEqual(analyze(edited, engine), []);
  const warm = performance.now() - t1;
  assert.ok(cold < 20_000, `46k lines in ${cold.toFixed(0)} ms`);
  assert.ok(warm < cold / 3, `an edit re-validates one document (${warm.toFixed(0)} ms vs ${cold.toFixed(0)} ms)`);
});

test('IsDNS1123Label / IsDNS1123Subdomain', () => {
  assert.deepEqual(dns1123LabelProblems('team-a'), []);
  assert.deepEqual(dns1123LabelProblems('a'.repeat(63)), []);
  assert.equal(dns1123LabelProblems('a'.repeat(64)).length, 1);
  assert.deepEqual(dns1123LabelProblems('team.a'), ['must not contain dots']);
  assert.equal(dns1123LabelProblems('-a').length, 1);
  assert.equal(dns1123LabelProblems('A').length, 1);
  assert.deepEqual(dns1123SubdomainProblems('allow.dns.v2'), []);
  assert.equal(dns1123SubdomainProblems('a..b').length, 1);
  assert.equal(dns1123SubdomainProblems(`${'a'.repeat(250)}.bcd`).length, 1);
});

test('IsQualifiedName (label keys) and IsValidLabelValue', () => {
  for (const ok of ['app', 'app.kubernetes.io/name', 'A_b.C-9', 'example.com/X', 'a'.repeat(63), `${'a'.repeat(253)}/b`]) {
    assert.deepEqual(labelKeyProblems(ok), [], ok);
  }
  for (const bad of ['', '/a', 'a/', 'a/b/c', '-a', 'a-', 'Example.com/a', 'a b', 'a'.repeat(64), `${'a'.repeat(254)}/b`]) {
    assert.ok(labelKeyProblems(bad).length > 0, bad);
  }
  for (const ok of ['', 'web', 'A_b.C-9', 'a'.repeat(63)]) assert.deepEqual(labelValueProblems(ok), [], ok);
  for (const bad of ['-a', 'a b', 'a/b', 'a'.repeat(64)]) assert.ok(labelValueProblems(bad).length > 0, bad);
});

test('IsValidPortNum, IsValidPortName and Cilium IsSvcName', () => {
  assert.deepEqual(portNumberProblems(1), []);
  assert.deepEqual(portNumberProblems(65535), []);
  assert.equal(portNumberProblems(0).length, 1);
  assert.equal(portNumberProblems(65536).length, 1);
  for (const ok of ['http', 'h2c', 'x1-y2', 'a'.repeat(15)]) assert.deepEqual(portNameProblems(ok), [], ok);
  for (const bad of ['', 'HTTP', '80', 'a--b', '-a', 'a-', 'a_b', 'a'.repeat(16)]) assert.ok(portNameProblems(bad).length > 0, bad);
  assert.ok(isIanaServiceName('HTTPS'));
  assert.ok(isIanaServiceName('http-8080'));
  assert.ok(!isIanaServiceName('8080'));
  assert.ok(!isIanaServiceName('a'.repeat(16)));
  assert.ok(!isIanaServiceName('a--b'));
});

test('CIDR parsing mirrors Go: sloppy (Kubernetes legacy fields) and strict (netip)', () => {
  const ok = (s: string, sloppy = true) => {
    const r = parseCidr(s, sloppy);
    assert.ok(r.ok, `${s}: ${r.ok ? '' : r.reason}`);
    return r.cidr;
  };
  const bad = (s: string, sloppy = true) => assert.ok(!parseCidr(s, sloppy).ok, s);
  assert.equal(ok('10.0.0.0/8').family, 4);
  assert.equal(ok('::/0').bits, 0);
  assert.equal(ok('2001:db8::/32').family, 6);
  assert.ok(ok('::ffff:10.0.0.0/104').ipv4Mapped);
  assert.ok(ok('10.0.0.1/24').hostBits);
  assert.equal(networkText(ok('10.0.0.1/24')), '10.0.0.0/24');
  assert.equal(networkText(ok('2001:db8:0:0:1::/64')), '2001:db8::/64');
  assert.ok(ok('010.0.0.0/8').leadingZeros);
  bad('010.0.0.0/8', false);
  bad('10.0.0.0/08', false);
  for (const s of ['10.0.0.0', '10.0.0/8', '10.0.0.0/33', '256.0.0.0/8', '2001:db8::/129', 'fe80::1%eth0/64', '1:2:3:4:5:6:7:8:9/64', '::1::/64', 'a/b', '10.0.0.0/-1']) bad(s);
  assert.ok(prefixContains(ok('10.0.0.0/8'), ok('10.1.0.0/16')));
  assert.ok(!prefixContains(ok('10.0.0.0/8'), ok('11.0.0.0/16')));
  assert.ok(!prefixContains(ok('10.0.0.0/8'), ok('::/0')));
});

test('closest suggests near spellings, prefixes and case-only differences', () => {
  assert.equal(editDistance('polcyTypes', 'policyTypes'), 1);
  assert.equal(editDistance('ingerss', 'ingress'), 1);
  assert.deepEqual(closest('polcyTypes', ['podSelector', 'policyTypes', 'ingress', 'egress']), ['policyTypes']);
  assert.deepEqual(closest('PodSelector', ['podSelector', 'policyTypes']), ['podSelector']);
  assert.deepEqual(closest('policy', ['podSelector', 'policyTypes']), ['policyTypes']);
  assert.deepEqual(closest('zzz', ['podSelector', 'policyTypes']), []);
});

test('findings never cover the whole document and never quote ajv', () => {
  const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec: 3\n';
  const findings = analyze(text);
  assert.ok(findings.length > 0);
  for (const f of findings) {
    assert.ok(!text.slice(f.span.start, f.span.end).includes('\n'), 'one line at most');
    assert.doesNotMatch(f.message, /must be object|must have required property|must NOT/);
  }
});
