// `check --format sarif`: the log validates against the official SARIF 2.1.0 schema (vendored in
// test/fixtures/sarif-2.1.0, see its README), and says what code-scanning dashboards need: the rules used,
// 1-based regions in UTF-16 code units, relative URIs under %SRCROOT%, and fixes as replacements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT, workspace } from './run';
import { assertValidSarif, sarifValidator } from './sarif-schema';

const MISSPELT = `# Équipe réseau 🛡️ — accès
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop
spec:
  podSelector: {}
  polcyTypes: [Ingress]
`;

const DUPLICATE = `apiVersion: v1
kind: Namespace
metadata:
  name: a
  name: b
`;

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

test('sarif: valid SARIF 2.1.0 with rules, UTF-16 regions, %SRCROOT% URIs and fixes', () => {
  const w = workspace({
    '.tenant-policy.yaml': 'inclde: ["**/*.yaml"]\n',
    'my policies/db.yaml': MISSPELT,
    'namespaces/dup.yaml': DUPLICATE,
    'charts/t.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.ns }}\n',
  });
  try {
    const r = cli(['check', '.', '--format', 'sarif'], { cwd: w.dir });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assertValidSarif(log);

    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-schema-2\.1\.0\.json$/);
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(run.tool.driver.name, 'tenant-policy');
    assert.equal(run.tool.driver.version, pkg.version);
    assert.match(run.tool.driver.informationUri, /^https:\/\//);

    // Every rule used is described once, and each result points at its rule.
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    // default-deny-missing: the Namespace of dup.yaml has no policy, a workspace rule's finding.
    assert.deepEqual([...ruleIds].sort(), ['config', 'default-deny-missing', 'duplicate-key', 'helm-template-skipped', 'schema']);
    for (const rule of run.tool.driver.rules) {
      assert.ok(rule.shortDescription.text.length > 10);
      assert.match(rule.helpUri, new RegExp(`/docs/rules/${rule.id}\\.md$`));
    }
    for (const result of run.results) assert.equal(ruleIds[result.ruleIndex], result.ruleId);

    const byRule = (id: string) => run.results.find((x: { ruleId: string }) => x.ruleId === id);
    assert.equal(byRule('helm-template-skipped').level, 'note');
    assert.equal(byRule('duplicate-key').level, 'error');

    // A workspace rule's finding reaches SARIF too, with its multi-line fix (a new document).
    const deny = byRule('default-deny-missing');
    assert.equal(deny.level, 'warning');
    assert.deepEqual(deny.locations[0].physicalLocation.artifactLocation, { uri: 'namespaces/dup.yaml', uriBaseId: '%SRCROOT%' });
    assert.match(deny.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, /\nkind: NetworkPolicy\n/);

    // The misspelt field on line 9, columns 3-12; its URI is relative and percent-encoded.
    const schema = byRule('schema');
    const loc = schema.locations[0].physicalLocation;
    assert.deepEqual(loc.artifactLocation, { uri: 'my%20policies/db.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(loc.region, { startLine: 9, startColumn: 3, endLine: 9, endColumn: 13 });
    assert.ok(schema.fixes.length >= 1);
    const change = schema.fixes[0].artifactChanges[0];
    assert.deepEqual(change.artifactLocation, loc.artifactLocation);
    assert.deepEqual(change.replacements[0].deletedRegion, loc.region);
    assert.equal(change.replacements[0].insertedContent.text, 'policyTypes');

    // The configuration's own finding, with its fix.
    const config = byRule('config');
    assert.deepEqual(config.locations[0].physicalLocation.artifactLocation, { uri: '.tenant-policy.yaml', uriBaseId: '%SRCROOT%' });
    assert.equal(config.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, 'include');
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri.endsWith('/'), true);
  } finally {
    w.cleanup();
  }
});

test('sarif: a column after non-ASCII text counts UTF-16 code units', () => {
  const text = 'metadata: {"🛡": 1, name: a, name: b}\n';
  const r = cli(['check', '-', '--format', 'sarif'], { input: text });
  const [result] = JSON.parse(r.stdout).runs[0].results;
  const region: Region = result.locations[0].physicalLocation.region;
  // `name: b` starts at UTF-16 offset 29 (the emoji is 2 units): column 30.
  assert.equal(text.lastIndexOf('name'), 29);
  assert.deepEqual(region, { startLine: 1, startColumn: 30, endLine: 1, endColumn: 34 });
  assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: '%3Cstdin%3E' });
});

/** A namespace with a default deny that keeps DNS: nothing for any rule to report. */
const CLEAN_NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - {protocol: UDP, port: 53}
        - {protocol: TCP, port: 53}
`;

test('sarif: a clean run is a valid log with no results', () => {
  const w = workspace({ 'ns.yaml': CLEAN_NAMESPACE });
  try {
    const r = cli(['check', 'ns.yaml', '--format', 'sarif'], { cwd: w.dir });
    assert.equal(r.code, 0);
    const log = JSON.parse(r.stdout);
    assertValidSarif(log);
    assert.deepEqual(log.runs[0].results, []);
    assert.deepEqual(log.runs[0].tool.driver.rules, []);
  } finally {
    w.cleanup();
  }
});

test('sarif: a log the schema must reject is rejected (the validator is not vacuous)', () => {
  const validate = sarifValidator();
  const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] };
  assert.equal(validate(bad), false);
  const region = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a' }, region: { startColumn: 0 } } }] }] }] };
  assert.equal(validate(region), false);
});
