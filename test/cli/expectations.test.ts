// `tenant-policy check` as a merge gate: an expectation of .tenant-policy.yaml that the policies break is
// an error (exit 1), reported on the rule that lets the traffic through, in whatever file it lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, diagnostics, workspace } from './run';

const CONFIG = `expectations:
  - from: {tenant: wind}
    to: {tenant: solar}
    reach: never
  - from: {namespace: shop-web}
    to: {namespace: shop-db}
    reach: only
    ports: ["TCP/5432"]
`;

const NAMESPACES = ['solar-web:solar', 'wind-api:wind', 'shop-web:shop', 'shop-db:shop']
  .map((s) => {
    const [name, tenant] = s.split(':');
    return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    capsule.clastix.io/tenant: ${tenant}
`;
  })
  .join('---\n');

/** solar-web admits its own tenant, and (when `leak`) wind on 8080 in a second rule. */
function solarPolicy(leak: boolean): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: solar-web
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              capsule.clastix.io/tenant: solar
${leak ? `    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: wind-api
      ports:
        - port: 8080
` : ''}`;
}

const SHOP_DB = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: shop-db
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: shop-web
      ports:
        - protocol: TCP
          port: 5432
`;

/** The project: its configuration, the namespaces, shop-db's policy and, when given, solar-web's. */
function project(solar?: string) {
  return workspace({
    '.tenant-policy.yaml': CONFIG,
    'namespaces.yaml': NAMESPACES,
    ...(solar === undefined ? {} : { 'policies/solar.yaml': solar }),
    'policies/shop-db.yaml': SHOP_DB,
  });
}

test('a violated expectation fails check (exit 1), reported on the rule in its own file', () => {
  const w = project(solarPolicy(true));
  try {
    const r = cli(['check', '.', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1, r.stderr);
    const found = diagnostics(r).filter((d) => d.code === 'connectivity-expectation');
    assert.equal(found.length, 1, JSON.stringify(diagnostics(r), null, 2));
    const [d] = found;
    assert.equal(d.file.replace(/\\/g, '/'), './policies/solar.yaml');
    assert.equal(d.severity, 'error');
    // The second ingress rule (`- from:` on line 14, 0-based 13), not the policy or the namespace.
    assert.deepEqual(d.range, { start: { line: 13, character: 6 }, end: { line: 13, character: 10 } });
    assert.match(d.message, /tenant wind never reaches tenant solar/);
    assert.match(d.message, /wind-api → solar-web on TCP 8080/);

    const text = cli(['check', '.'], { cwd: w.dir });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /\.\/policies\/solar\.yaml:14:7: error connectivity-expectation /);
  } finally {
    w.cleanup();
  }
});

test('kept expectations pass (exit 0); --rule can demote the gate', () => {
  const kept = project(solarPolicy(false));
  try {
    const r = cli(['check', '.', '--format', 'json'], { cwd: kept.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(diagnostics(r).filter((d) => d.code === 'connectivity-expectation'), []);
  } finally {
    kept.cleanup();
  }
  const broken = project(solarPolicy(true));
  try {
    const r = cli(['check', '.', '--format', 'json', '--rule', 'connectivity-expectation=warning'], { cwd: broken.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(diagnostics(r).filter((d) => d.code === 'connectivity-expectation' && d.severity === 'warning').length, 1);
  } finally {
    broken.cleanup();
  }
});

test('with no rule to blame (nothing isolates either side) the destination Namespace carries the error', () => {
  const w = project();
  try {
    const r = cli(['check', '.', '--format', 'json'], { cwd: w.dir });
    assert.equal(r.code, 1, r.stderr);
    const found = diagnostics(r).filter((d) => d.code === 'connectivity-expectation');
    assert.equal(found.length, 1, JSON.stringify(found, null, 2));
    assert.equal(found[0].file, './namespaces.yaml');
    // `name: solar-web` of the first document: the value.
    assert.deepEqual(found[0].range, { start: { line: 3, character: 8 }, end: { line: 3, character: 17 } });
    assert.match(found[0].message, /Nothing isolates .*solar-web for ingress/);
  } finally {
    w.cleanup();
  }
});
