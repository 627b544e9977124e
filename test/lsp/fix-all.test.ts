// "Fix all" over the wire: `source.fixAll.tenantPolicy` (on save, or the Source Action menu) applies, in
// one versioned edit, the fix of every finding whose fix cannot change what the author meant — here the
// letter case of Pod Security levels (psa-label-invalid, a document finding) and the DNS egress rule
// (dns-egress-missing, a finding of the workspace model). A fix that would change intent (a level that is
// not just mis-cased) is left for the author. Per-finding quick fixes keep working beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { PUSH_CAPABILITIES, TestClient, applyEdits, rangeOf, tempWorkspace, textAt } from './client';

const FIX_ALL = 'source.fixAll.tenantPolicy';

const SHOP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: Restricted
    pod-security.kubernetes.io/warn: BASELINE
    pod-security.kubernetes.io/audit: strict
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

const CLEAN = `apiVersion: v1
kind: Namespace
metadata:
  name: clean
  labels:
    pod-security.kubernetes.io/enforce: baseline
`;

const code = (d: Diagnostic) => String(d.code);

/** The edits of a code action for `uri`, checking the document version it was made for. */
function editsOf(action: CodeAction, uri: string, version: number): TextEdit[] {
  const changes = action.edit?.documentChanges ?? [];
  assert.equal(changes.length, 1, 'one document changed');
  const [change] = changes;
  assert.ok('textDocument' in change && change.textDocument.uri === uri);
  assert.equal(change.textDocument.version, version, 'the edit names the current document version');
  return change.edits as TextEdit[];
}

test('source.fixAll.tenantPolicy applies every safe fix in one versioned edit, document and model findings alike', async () => {
  const ws = tempWorkspace({ 'shop.yaml': SHOP });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const kinds = client.initializeResult.capabilities.codeActionProvider;
    assert.ok(typeof kinds === 'object' && kinds.codeActionKinds?.includes(FIX_ALL) && kinds.codeActionKinds.includes('quickfix'), JSON.stringify(kinds));

    const uri = ws.uri('shop.yaml');
    // A change first, so the edit must name version 2, not the version the file was opened with.
    await client.open(uri, SHOP.replace('default-deny', 'deny-all'));
    const doc = await client.change(uri, [{ range: rangeOf(client.doc(uri).text, 'deny-all'), newText: 'default-deny' }]);
    assert.equal(doc.text, SHOP);
    const before = await client.pullUntil(uri, 'the model of the folder', (items) => items.some((d) => d.code === 'dns-egress-missing'));
    const psa = before.filter((d) => d.code === 'psa-label-invalid');
    assert.deepEqual(psa.map((d) => textAt(SHOP, d.range)), ['Restricted', 'BASELINE', 'strict']);

    // Each finding's own quick fix, as the author would apply them one by one.
    const quick = async (needle: string, ruleId: string) => {
      const actions = await client.codeActions(uri, rangeOf(SHOP, needle), []);
      const preferred = actions.find((a) => a.isPreferred && a.diagnostics?.some((d) => d.code === ruleId));
      assert.ok(preferred, `a preferred quick fix at ${needle}: ${JSON.stringify(actions.map((a) => a.title))}`);
      return editsOf(preferred, uri, 2);
    };
    const dns = before.find((d) => d.code === 'dns-egress-missing')!;
    const dnsFix = await quick(textAt(SHOP, dns.range), 'dns-egress-missing');
    const expected = applyEdits(SHOP, [...(await quick('Restricted', 'psa-label-invalid')), ...(await quick('BASELINE', 'psa-label-invalid')), ...dnsFix]);
    assert.ok(expected.includes('enforce: restricted') && expected.includes('warn: baseline') && expected.includes('audit: strict'));

    // Asked for the way editors ask: on save (source.fixAll), from the Source Action menu (source), by name.
    for (const only of [['source.fixAll'], ['source'], [FIX_ALL], ['quickfix', 'source.fixAll']]) {
      const actions = (await client.codeActions(uri, rangeOf(SHOP, 'apiVersion'), [], only)).filter((a) => a.kind === FIX_ALL);
      assert.equal(actions.length, 1, JSON.stringify(only));
      assert.equal(applyEdits(SHOP, editsOf(actions[0], uri, 2)), expected, JSON.stringify(only));
    }
    // Not in the lightbulb, nor for other kinds.
    for (const only of [undefined, ['quickfix'], ['source.organizeImports'], ['refactor']]) {
      const actions = await client.codeActions(uri, rangeOf(SHOP, 'Restricted'), [], only);
      assert.deepEqual(actions.filter((a) => a.kind === FIX_ALL), [], JSON.stringify(only));
    }

    const [fixAll] = await client.codeActions(uri, rangeOf(SHOP, 'apiVersion'), [], [FIX_ALL]);
    assert.deepEqual(fixAll.diagnostics?.map(code).sort(), ['dns-egress-missing', 'psa-label-invalid', 'psa-label-invalid']);
    const fixed = await client.applyEdit(uri, fixAll.edit!);
    assert.equal(fixed.text, expected);

    // The fixed findings are gone; what was left for the author is still there, unchanged.
    const after = await client.pullUntil(uri, 'the rebuilt model', (items) => !items.some((d) => d.code === 'dns-egress-missing'));
    const keep = (items: Diagnostic[], text: string) => items.filter((d) => d.code !== 'dns-egress-missing').map((d) => `${d.code} ${textAt(text, d.range)} ${d.message}`);
    assert.deepEqual(keep(after, expected), keep(before, SHOP).filter((d) => !/ (Restricted|BASELINE) /.test(d)));
    assert.deepEqual(after.filter((d) => d.code === 'psa-label-invalid').map((d) => textAt(expected, d.range)), ['strict']);

    // Nothing safe left to fix: no action.
    assert.deepEqual(await client.codeActions(uri, rangeOf(expected, 'apiVersion'), [], [FIX_ALL]), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('quick fixes stay per finding, with "Fix all <rule> problems in this file" when there are several', async () => {
  const ws = tempWorkspace({ 'shop.yaml': SHOP });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const uri = ws.uri('shop.yaml');
    await client.open(uri, SHOP);
    const actions = await client.codeActions(uri, rangeOf(SHOP, 'Restricted'));
    const own = actions.filter((a) => a.title !== 'Fix all psa-label-invalid problems in this file');
    assert.ok(own.length >= 1 && own.every((a) => a.kind === 'quickfix' && a.diagnostics?.length === 1), JSON.stringify(actions.map((a) => a.title)));
    assert.equal(own.find((a) => a.isPreferred)?.title, 'Change to "restricted"');

    const all = actions.filter((a) => a.title === 'Fix all psa-label-invalid problems in this file');
    assert.equal(all.length, 1, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(all[0].kind, 'quickfix');
    assert.equal(all[0].isPreferred, undefined, 'never applied without asking');
    // Only this rule's safe fixes: the DNS rule and the "strict" level are left alone.
    assert.equal(applyEdits(SHOP, editsOf(all[0], uri, 1)), SHOP.replace('Restricted', 'restricted').replace('BASELINE', 'baseline'));

    // At the level that is not just mis-cased: its own fixes, no "fix all" (its fix is not safe).
    const strict = await client.codeActions(uri, rangeOf(SHOP, ': strict'));
    assert.ok(strict.length > 0);
    assert.ok(strict.every((a) => a.diagnostics?.length === 1 && !a.title.startsWith('Fix all')), JSON.stringify(strict.map((a) => a.title)));
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('a client without documentChanges gets `changes`; a file with nothing to fix gets no action', async () => {
  const ws = tempWorkspace({ 'shop.yaml': SHOP, 'clean.yaml': CLEAN });
  const client = await TestClient.start({ folders: [ws.root], capabilities: PUSH_CAPABILITIES });
  try {
    const uri = ws.uri('shop.yaml');
    await client.open(uri, SHOP);
    await client.publishes.some('the diagnostics of shop.yaml', (p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'psa-label-invalid'));
    const [action] = await client.codeActions(uri, rangeOf(SHOP, 'kind'), [], ['source.fixAll']);
    assert.equal(action?.kind, FIX_ALL);
    assert.equal(action.edit?.documentChanges, undefined);
    const edits = action.edit?.changes?.[uri];
    assert.ok(edits && edits.length >= 2, JSON.stringify(action.edit));
    const text = applyEdits(SHOP, edits);
    assert.ok(text.includes('enforce: restricted') && text.includes('warn: baseline') && text.includes('audit: strict'));

    const clean = ws.uri('clean.yaml');
    await client.open(clean, CLEAN);
    assert.deepEqual(await client.codeActions(clean, rangeOf(CLEAN, 'kind'), [], ['source.fixAll']), []);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});
