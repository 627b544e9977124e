// Workspace rules that need to know what exists in the cluster (selector-matches-nothing judges more
// with a cluster export): a workspace file checked with an inventory file, as `check --inventory` does.
// The workspace file carries the markers; the export only supplies namespaces and pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkspaceModel, DEFAULT_CONFIG, Engine, extractFile, modelFindingsForFile } from '../../server/src/engine';
import { WORKSPACE_RULE_IDS } from '../../server/src/engine/rules/run';
import { parseMarkers } from './check';

const CASES = [
  { rule: 'selector-matches-nothing', name: 'with a cluster export', dir: join(__dirname, 'fixtures', 'selector-matches-nothing', 'inventory') },
  // Clean: the export lists namespaces but none of their pods, so those pods are unknown, not absent.
  { rule: 'selector-matches-nothing', name: 'with an export that does not cover every namespace', dir: join(__dirname, 'fixtures', 'selector-matches-nothing', 'inventory-uncovered') },
];

for (const c of CASES) {
  test(`${c.rule}: ${c.name}`, () => {
    const text = readFileSync(join(c.dir, 'workspace.yaml'), 'utf8');
    const rules = Object.fromEntries(WORKSPACE_RULE_IDS.filter((id) => id !== c.rule).map((id) => [id, 'off' as const]));
    const config = { ...DEFAULT_CONFIG, platformNamespaces: ['kube-system', 'ingress-nginx'], rules };
    const engine = new Engine(config);
    const uri = 'file:///workspace.yaml';
    const declared = engine.analyzeFile({ uri, text });
    const inventory = engine.analyzeFile({ uri: 'file:///cluster.yaml', text: readFileSync(join(c.dir, 'cluster.yaml'), 'utf8') });
    const model = buildWorkspaceModel([extractFile(declared, 'declared'), extractFile(inventory, 'inventory')], { config });
    const got = modelFindingsForFile(model, uri, text, config).map((f) => `${f.ruleId} ${f.messageId} ${text.slice(f.span.start, f.span.end)}@${f.span.start}`);
    const want = parseMarkers(text).map((e) => `${e.ruleId} ${e.messageId} ${text.slice(e.start, e.end)}@${e.start}`);
    assert.deepEqual(got.sort(), want.sort());
  });
}
