// Every snippet, expanded with its defaults, is a manifest without findings at warning or error — the
// per-document rules and the workspace rules (isolation, DNS, cross-tenant…) alike — and the server
// offers each one as a completion item where it belongs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildWorkspaceModel, DEFAULT_CONFIG, Engine, extractFile, modelFindingsForFile, type Finding } from '../../server/src/engine';
import { expandDefaults, SNIPPETS, snippetText, type Snippet } from '../../server/src/features/completion-snippets';
import { TestClient, repoRoot, tempWorkspace } from '../lsp/client';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol/node';

/** A snippet as a file: documents as they are; a rule placed into a policy of the kind it fits. */
function asDocument(s: Snippet): string {
  const text = expandDefaults(snippetText(s));
  if (s.scope === 'document') return text;
  const indent = (t: string, n: number) => t.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');
  const cilium = s.kinds?.includes('CiliumNetworkPolicy');
  const head = cilium
    ? ['apiVersion: cilium.io/v2', 'kind: CiliumNetworkPolicy', 'metadata:', '  name: snippet', '  namespace: solar-prod', 'spec:', '  endpointSelector: {}']
    : ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: snippet', '  namespace: solar-prod', 'spec:', '  podSelector: {}', `  policyTypes:`, `    - ${s.scope === 'ingress' ? 'Ingress' : 'Egress'}`];
  // An egress rule goes into a policy that isolates egress, so it keeps the DNS rule such a policy needs.
  const dns = s.scope === 'egress' && !/dns/.test(s.name) ? SNIPPETS.find((x) => x.name === (cilium ? 'rule-cilium-dns' : 'rule-dns-egress')) : undefined;
  const rules = dns ? `${text}\n${expandDefaults(snippetText(dns))}` : text;
  return [...head, `  ${s.scope}:`, indent(rules, 4), ''].join('\n');
}

/** Namespaces and tenants the snippets' defaults name, so selectors match something as in a real repo. */
const CONTEXT = `apiVersion: v1
kind: Namespace
metadata:
  name: solar-prod
  labels:
    capsule.clastix.io/tenant: solar
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
---
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
`;

function findingsOf(text: string): Finding[] {
  const engine = new Engine(DEFAULT_CONFIG);
  const files = [
    { uri: 'file:///ws/snippet.yaml', text },
    { uri: 'file:///ws/context.yaml', text: CONTEXT },
  ];
  const analyses = files.map((f) => engine.analyzeFile(f));
  const model = buildWorkspaceModel(analyses.map((a) => extractFile(a, 'declared')), { config: DEFAULT_CONFIG });
  return [...analyses[0].findings, ...modelFindingsForFile(model, files[0].uri, text, DEFAULT_CONFIG)];
}

test('the snippets cover what issue 6 lists', () => {
  const names = SNIPPETS.map((s) => s.name);
  for (const n of [
    'capsule-tenant', 'global-tenant-resource-default-policy', 'networkpolicy-default-deny', 'networkpolicy-allow-intra-namespace',
    'networkpolicy-allow-from-same-tenant', 'networkpolicy-dns-egress', 'networkpolicy-ingress-from-system-namespace',
    'networkpolicy-ipblock-egress', 'ciliumnetworkpolicy-default', 'rule-cilium-dns', 'namespace-pod-security',
  ]) assert.ok(names.includes(n), `missing snippet ${n}`);
  assert.equal(new Set(names).size, names.length, 'snippet names are unique');
});

test('expanding defaults: placeholders, choices, tab stops and escapes', () => {
  assert.equal(expandDefaults('a: ${1:x}\nb: ${2|one,two|}\nc: $3\nd: \\$x$0'), 'a: x\nb: one\nc: \nd: $x');
  assert.equal(expandDefaults('${1:outer ${2:inner}}'), 'outer inner');
});

for (const s of SNIPPETS) {
  test(`snippet ${s.name} expands to a manifest without warnings or errors`, () => {
    const text = asDocument(s);
    assert.doesNotMatch(text, /\$\{|\$\d/, 'no placeholder left');
    const bad = findingsOf(text).filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(bad.map((f) => `${f.ruleId}/${f.messageId}: ${f.message}`), [], text);
  });
}

test('the server offers every snippet: documents in an empty file, rules in ingress/egress lists', async () => {
  const ws = tempWorkspace({});
  const client = await TestClient.start({
    folders: [ws.root],
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } }, workspace: {} },
  });
  try {
    const labels = async (uri: string, text: string, line: number, character: number): Promise<CompletionItem[]> => {
      await client.open(uri, text);
      const r = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
      return Array.isArray(r) ? r : (r?.items ?? []);
    };
    const docItems = await labels(ws.uri('empty.yaml'), '', 0, 0);
    const np = await labels(ws.uri('np.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n  egress:\n    \n  ingress:\n    \n', 7, 4);
    const npIn = await labels(ws.uri('np2.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n  ingress:\n    \n', 7, 4);
    const cnp = await labels(ws.uri('cnp.yaml'), 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: x\nspec:\n  endpointSelector: {}\n  egress:\n    \n', 7, 4);
    for (const s of SNIPPETS) {
      const pool = s.scope === 'document' ? docItems : s.kinds?.includes('CiliumNetworkPolicy') ? cnp : s.scope === 'egress' ? np : npIn;
      const item = pool.find((i) => i.label === s.label);
      assert.ok(item, `${s.name} offered (${pool.map((i) => i.label).join(', ')})`);
      assert.equal(item.insertTextFormat, 2, `${s.name} is sent as a snippet`);
    }
    // Rule snippets stay in their list: no ingress rule among egress items, no document among rules.
    assert.ok(!np.some((i) => i.label === 'ingress rule: from the same tenant'));
    assert.ok(!np.some((i) => i.label.startsWith('NetworkPolicy:')));
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

test('without snippet support, snippets arrive as plain text with their defaults', async () => {
  const ws = tempWorkspace({});
  const client = await TestClient.start({ folders: [ws.root], capabilities: { textDocument: { completion: { completionItem: { snippetSupport: false } } }, workspace: {} } });
  try {
    const uri = ws.uri('empty.yaml');
    await client.open(uri, '');
    const r = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const item = r?.items.find((i) => i.label === SNIPPETS.find((s) => s.name === 'networkpolicy-default-deny')!.label);
    assert.ok(item);
    assert.notEqual(item.insertTextFormat, 2);
    const text = item.textEdit && 'newText' in item.textEdit ? item.textEdit.newText : item.insertText;
    assert.match(text ?? '', /name: default-deny\n  namespace: solar-prod/);
    assert.doesNotMatch(text ?? '', /\$/);
  } finally {
    await client.shutdown();
    ws.dispose();
  }
});

// The VS Code client must not contribute the snippets too, or they would be listed twice.
test('package.json contributes no snippets of its own', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes?: { snippets?: unknown } };
  assert.equal(pkg.contributes?.snippets, undefined);
});
