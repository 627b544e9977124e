// Table-driven cases for the inventory and the Capsule expansion: each folder under fixtures/cases holds
// inputs/ (and inventory/) YAML and an expected.json saying what the WorkspaceModel must contain:
//
//   namespaces  name → {labels, origin, tenant?, source?}      every namespace, exactly
//   workloads   [{id, kind, labels, ports, origin}]             every workload, exactly (any order)
//   tenants     name → {labels?, forbiddenLabels?}              the tenants listed, these fields
//   policies    "<kind> <id>" → {source?, capsule?, podSelector?, rules?}   every policy, exactly; fields given
//   findings    ["<path>:<line> <ruleId> <messageId> \"<text>\""]           the model's findings, exactly
//
// A `source` is `<path>:<line>` of the SourceRef's start; `rules` lists `<path>:<line>` of each ingress
// and egress rule's SourceRef.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCase, describeFinding, loadCase, modelFindings, sourceLine as where } from './check-workspace';

const root = join(__dirname, 'fixtures', 'cases');

interface Expected {
  namespaces?: Record<string, { labels: Record<string, string>; origin: string; tenant?: string; source?: string }>;
  workloads?: { id: string; kind: string; labels: Record<string, string>; ports: unknown[]; origin: string }[];
  tenants?: Record<string, { labels?: Record<string, string>; forbiddenLabels?: unknown }>;
  policies?: Record<string, { source?: string; capsule?: { kind: string; name: string; tenant: string }; podSelector?: unknown; rules?: string[] }>;
  findings?: string[];
}

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!existsSync(join(dir, 'expected.json'))) continue;
  test(`model case ${name}`, () => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const built = buildCase(loadCase(dir));
    const { model } = built;

    if (expected.namespaces) {
      const got: Record<string, unknown> = {};
      for (const [n, ns] of model.namespaces) {
        const e = expected.namespaces[n];
        const entry: Record<string, unknown> = { labels: ns.labels, origin: ns.origin };
        if (ns.tenant !== undefined) entry.tenant = ns.tenant;
        if (e?.source !== undefined) entry.source = where(built, ns.source);
        got[n] = entry;
      }
      assert.deepEqual(got, expected.namespaces, `${name}: namespaces`);
    }

    if (expected.workloads) {
      const got = model.workloads
        .map((w) => ({ id: w.id, kind: w.kind, labels: w.labels, ports: w.ports, origin: w.origin }))
        .sort((a, b) => a.id.localeCompare(b.id));
      const want = [...expected.workloads].sort((a, b) => a.id.localeCompare(b.id));
      assert.deepEqual(got, want, `${name}: workloads`);
    }

    for (const [t, e] of Object.entries(expected.tenants ?? {})) {
      const info = model.tenants.get(t);
      assert.ok(info, `${name}: tenant ${t}`);
      if (e.labels) assert.deepEqual(info.labels, e.labels, `${name}: labels of tenant ${t}`);
      if (e.forbiddenLabels) assert.deepEqual(info.forbiddenLabels, e.forbiddenLabels, `${name}: forbidden labels of tenant ${t}`);
    }

    if (expected.policies) {
      const got = model.policies.map((p) => `${p.kind} ${p.id}`).sort();
      assert.deepEqual(got, Object.keys(expected.policies).sort(), `${name}: policies`);
      for (const [key, e] of Object.entries(expected.policies)) {
        const effect = model.policies.find((p) => `${p.kind} ${p.id}` === key)!;
        if (e.source) assert.equal(where(built, effect.source), e.source, `${name}: source of ${key}`);
        if (!e.capsule && !e.podSelector && !e.rules) continue;
        // These fields describe the modelled NetworkPolicy: it must be there for them to be checked.
        const np = model.networkPolicies.find((n) => `NetworkPolicy ${n.id}` === key);
        assert.ok(np, `${name}: ${key} is a NetworkPolicy of the model`);
        if (e.capsule) {
          const capsule = np.capsule;
          assert.ok(capsule, `${name}: ${key} comes from Capsule`);
          assert.deepEqual({ kind: capsule.kind, name: capsule.name, tenant: capsule.tenant }, e.capsule, `${name}: Capsule origin of ${key}`);
          assert.equal(where(built, capsule.source), e.source, `${name}: the Capsule origin of ${key} points at its item`);
        }
        if (e.podSelector) assert.deepEqual(np.podSelector, e.podSelector, `${name}: podSelector of ${key}`);
        if (e.rules) assert.deepEqual([...np.ingress, ...np.egress].map((r) => where(built, r.source)), e.rules, `${name}: rule sources of ${key}`);
      }
    }

    if (expected.findings) {
      const got = built.files.flatMap((f) => modelFindings(built, f).map((x) => describeFinding(f, x))).sort();
      assert.deepEqual(got, [...expected.findings].sort(), `${name}: findings of the model`);
    }
  });
}
