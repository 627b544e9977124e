// Quick fixes over the wire: the fixes of the findings under the cursor (or named by the diagnostics the
// client sends) come back as versioned workspace edits; applying one removes its diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PUSH_CAPABILITIES, TestClient, rangeOf, textAt } from './client';

const CONFIG_WITH_TYPO = `include:
  - "**/*.yaml"
exlude:
  - "mistakes/**"
ciliumVersion: "1.18"
`;

test('a quick fix for a misspelt setting in .tenant-policy.yaml removes its diagnostic', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'file:///nowhere/.tenant-policy.yaml';
    await client.open(uri, CONFIG_WITH_TYPO);
    const diagnostics = await client.diagnostics(uri);
    const typo = diagnostics.find((d) => textAt(CONFIG_WITH_TYPO, d.range) === 'exlude');
    assert.ok(typo, `a diagnostic on the misspelt key, got ${JSON.stringify(diagnostics)}`);
    assert.equal(typo.code, 'config');
    const actions = await client.codeActions(uri, rangeOf(CONFIG_WITH_TYPO, 'exl'));
    assert.equal(actions.length, 1);
    const [fix] = actions;
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.match(fix.title, /exclude/);
    assert.deepEqual(fix.diagnostics?.map((d) => d.code), ['config']);
    // A request for other kinds gets nothing.
    assert.deepEqual(await client.codeActions(uri, rangeOf(CONFIG_WITH_TYPO, 'exl'), [], ['refactor']), []);
    const doc = await client.applyEdit(uri, fix.edit!);
    assert.equal(doc.text, CONFIG_WITH_TYPO.replace('exlude', 'exclude'));
    assert.deepEqual(await client.diagnostics(uri), []);
  } finally {
    await client.shutdown();
  }
});

test('a range away from the finding gets the fix when the client names the diagnostic', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'file:///nowhere/.tenant-policy.yaml';
    await client.open(uri, CONFIG_WITH_TYPO);
    const diagnostics = await client.diagnostics(uri);
    const elsewhere = rangeOf(CONFIG_WITH_TYPO, 'ciliumVersion');
    assert.deepEqual(await client.codeActions(uri, elsewhere), []);
    const actions = await client.codeActions(uri, elsewhere, diagnostics);
    assert.equal(actions.length, 1);
  } finally {
    await client.shutdown();
  }
});

test('a push-only client without documentChanges gets plain `changes` edits', async () => {
  const client = await TestClient.start({ capabilities: PUSH_CAPABILITIES });
  try {
    const uri = 'file:///nowhere/.tenant-policy.yaml';
    await client.open(uri, CONFIG_WITH_TYPO);
    const [fix] = await client.codeActions(uri, rangeOf(CONFIG_WITH_TYPO, 'exl'));
    assert.ok(fix.edit?.changes?.[uri], 'edits keyed by URI');
    const cleared = client.publishes.next('the fixed version', (p) => p.uri === uri && p.version === 2);
    await client.applyEdit(uri, fix.edit!);
    assert.deepEqual((await cleared).diagnostics, []);
  } finally {
    await client.shutdown();
  }
});

// Needs the schema validator (server/src/engine/schema/): an unknown field with a close known one.
const POLICY_WITH_TYPO = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: solar-prod
spec:
  podSelector: {}
  polcyTypes:
    - Ingress
`;

test('a quick fix for a misspelt NetworkPolicy field removes its schema diagnostic', async () => {
  const client = await TestClient.start();
  try {
    const uri = 'untitled:netpol.yaml';
    await client.open(uri, POLICY_WITH_TYPO);
    const diagnostics = await client.diagnostics(uri);
    const typo = diagnostics.find((d) => d.code === 'schema' && textAt(POLICY_WITH_TYPO, d.range).includes('polcyTypes'));
    assert.ok(typo, `a schema diagnostic on polcyTypes, got ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    const actions = await client.codeActions(uri, rangeOf(POLICY_WITH_TYPO, 'polcy'));
    const fix = actions.find((a) => /policyTypes/.test(a.title));
    assert.ok(fix, `a fix naming policyTypes, got ${JSON.stringify(actions.map((a) => a.title))}`);
    const doc = await client.applyEdit(uri, fix.edit!);
    assert.equal(doc.text, POLICY_WITH_TYPO.replace('polcyTypes', 'policyTypes'));
    assert.deepEqual(await client.diagnostics(uri), []);
  } finally {
    await client.shutdown();
  }
});
