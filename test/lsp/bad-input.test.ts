// Bad input never hurts: each case runs the real server (256 MB heap) and requires a timely diagnostics
// answer, then a second request answered afterwards, so the server is known to be alive and serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { TestClient, repoRoot, tempWorkspace, textAt } from './client';
import { ModelWatch } from './model-watch';

const benchDir = path.resolve(repoRoot, '../shared/bench');

interface Case {
  name: string;
  text: () => string;
  uri?: string;
  languageId?: string;
  check: (diagnostics: Diagnostic[], text: string) => void;
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n, i) => {
    const prev = String.fromCharCode('a'.charCodeAt(0) + i);
    return `${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
  '',
].join('\n');

const CASES: Case[] = [
  {
    name: 'broken YAML',
    text: () => 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [oops\n',
    check: (d) => assert.ok(codes(d).includes('yaml-syntax'), JSON.stringify(codes(d))),
  },
  {
    name: 'tabs for indentation',
    text: () => 'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: solar\n',
    check: (d, text) => {
      const tab = d.find((x) => x.code === 'yaml-syntax');
      assert.ok(tab, JSON.stringify(codes(d)));
      assert.equal(tab.range.start.line, 3);
      assert.ok(textAt(text, tab.range).length > 0);
    },
  },
  {
    name: 'duplicate keys',
    text: () => 'apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata:\n  name: solar\n',
    // The namespace has no policy: the workspace model adds default-deny-missing.
    check: (d) => assert.deepEqual(codes(d), ['duplicate-key', 'default-deny-missing']),
  },
  {
    name: 'unknown kinds',
    text: () => 'apiVersion: example.com/v7\nkind: Frobnicator\nspec:\n  anything: [1, 2, 3]\n',
    check: (d) => assert.deepEqual(codes(d), []),
  },
  {
    name: 'a 100,000-line file',
    text: () => readFileSync(path.join(benchDir, 'policies-100k.yaml'), 'utf8'),
    check: (d, text) => {
      assert.ok(text.split('\n').length >= 100_000);
      assert.ok(d.length < 10_000);
    },
  },
  {
    name: 'a single 10 MB line',
    text: () => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: big\n  annotations:\n    blob: ${'x'.repeat(10 * 1024 * 1024)}\nspec:\n  podSelector: {}\n`,
    check: (d) => assert.deepEqual(codes(d), []),
  },
  {
    name: 'a YAML alias bomb (billion laughs, 9 levels of 9) in a kind the engine does not validate',
    text: () => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  ${ALIAS_BOMB.replace(/\n(?=.)/g, '\n  ')}`,
    check: (d) => assert.deepEqual(codes(d), []),
  },
  {
    name: 'a YAML alias bomb (billion laughs, 9 levels of 9) in a NetworkPolicy',
    text: () => `${ALIAS_BOMB}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: lol\nspec:\n  podSelector: {}\n  ingress: *i\n`,
    check: (d) => assert.deepEqual(codes(d), ['yaml-alias-limit']),
  },
  {
    name: '`---` inside a block scalar',
    text: () => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: |\n    echo start\n    ---\n    echo end\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar\n',
    // Two documents, not three: nothing wrong but the policy-less namespace the second one declares.
    check: (d, text) => {
      assert.deepEqual(codes(d), ['default-deny-missing']);
      assert.equal(d[0].range.start.line, text.split('\n').indexOf('  name: solar'));
    },
  },
  {
    name: 'a JSON file opened as YAML',
    uri: 'untitled:policy.json',
    text: () => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'solar' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }, null, 2),
    check: (d) => assert.deepEqual(codes(d), []),
  },
  {
    name: 'an empty file',
    text: () => '',
    check: (d) => assert.deepEqual(codes(d), []),
  },
];

/** Resolves once the server has built the model of a document outside every workspace folder. */
async function modelOf(models: ModelWatch, uri: string): Promise<void> {
  for (;;) {
    const seen = models.all.length;
    if (models.all.some((p) => p.uri === uri)) return;
    await models.after(seen, `the model of ${uri}`);
  }
}

for (const c of CASES) {
  test(`bad input: ${c.name}`, async () => {
    const client = await TestClient.start();
    const models = new ModelWatch(client);
    try {
      const uri = c.uri ?? `untitled:${c.name.replace(/\W+/g, '-')}.yaml`;
      const text = c.text();
      await client.open(uri, text, c.languageId ?? 'yaml');
      // Model findings arrive after the document's own: pull once the document's model is built, so
      // the answer is complete and stays unchanged.
      await modelOf(models, uri);
      const report = await client.pull(uri);
      assert.equal(report.kind, 'full');
      c.check(report.items, text);
      // Alive and serving: the same version again is unchanged, and an edit is analysed.
      assert.equal((await client.pull(uri, report.resultId)).kind, 'unchanged');
      const probe = 'untitled:probe.yaml';
      await client.open(probe, 'a: 1\na: 2\n');
      assert.deepEqual(codes(await client.diagnostics(probe)), ['duplicate-key']);
    } finally {
      assert.equal(await client.shutdown(), 0);
    }
  });
}

test('bad input: a file on disk that is not UTF-8 gets invalid-encoding at the first bad byte', async () => {
  // An emoji is 4 bytes in UTF-8 and 2 code units in UTF-16: the position must count the latter.
  const prefix = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: solar\n  # 🙂 caf';
  const bytes = Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from([0xe9, 0x0a])]);
  const ws = tempWorkspace({ 'latin1.yaml': bytes, 'fine.yaml': 'a: 1\n' });
  const client = await TestClient.start({ folders: [ws.root] });
  try {
    const byUri = await client.workspaceDiagnosticsByUri();
    const diagnostics = byUri.get(ws.uri('latin1.yaml'));
    assert.ok(diagnostics, 'the file is indexed');
    assert.deepEqual(codes(diagnostics), ['invalid-encoding']);
    // Line 4 is `  # 🙂 caf` followed by the bad byte: the diagnostic starts right after `caf`.
    assert.deepEqual(diagnostics[0].range.start, { line: 4, character: '  # 🙂 caf'.length });
    assert.equal('  # 🙂 caf'.length, 10);
    assert.deepEqual(byUri.get(ws.uri('fine.yaml')), []);
    const probe = 'untitled:probe.yaml';
    await client.open(probe, 'a: 1\na: 2\n');
    assert.deepEqual(codes(await client.diagnostics(probe)), ['duplicate-key']);
  } finally {
    assert.equal(await client.shutdown(), 0);
    ws.dispose();
  }
});
