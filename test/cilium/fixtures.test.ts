// Every case under test/cilium/fixtures/<case>/: the YAML of inputs/ (each policy file says which Cilium
// source or documentation page it encodes) goes through the whole engine — check, extraction, Capsule
// expansion, the workspace model and the evaluator — and its workload-level connectivity must mean the
// same as expected.json (the `connectivity --format json` shape of DESIGN.md). expected-findings.json, when
// present, lists the modelling findings the case must produce (code, message id, line), and no others
// from the cilium-* rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CONFIG, Engine } from '../../server/src/engine';
import { buildWorkspaceModel } from '../../server/src/engine/model/assemble';
import { extractFile } from '../../server/src/engine/model/extract';
import { Reachability } from '../../server/src/engine/reachability';
import type { NamespaceInfo, Workload } from '../../server/src/engine/model/types';
import type { Endpoint, WorkloadMatch } from '../../server/src/engine/model/workspace';
import { containsRange, cutSpace } from '../../server/src/engine/semantics/ip';
import { cases, compareConnectivity, FIXTURES, yamlFiles, type Row } from './support';

function analyse(dir: string) {
  const engine = new Engine(DEFAULT_CONFIG);
  const texts = new Map<string, { name: string; text: string }>();
  const files = yamlFiles(join(dir, 'inputs')).map((path) => {
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).href;
    texts.set(uri, { name: relative(join(dir, 'inputs'), path), text });
    return extractFile(engine.analyzeFile({ uri, text }), 'declared');
  });
  return { model: buildWorkspaceModel(files), texts };
}

for (const name of cases()) {
  const dir = join(FIXTURES, name);
  test(`fixtures/${name}: connectivity`, () => {
    const { model } = analyse(dir);
    const rows: Row[] = new Reachability(model).connections('workload').map((r) => ({ ...r, conns: r.conns.toString() }));
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Row[];
    assert.deepEqual(compareConnectivity(rows, expected), []);
  });

  test(`fixtures/${name}: modelling findings`, () => {
    const { model, texts } = analyse(dir);
    const file = join(dir, 'expected-findings.json');
    const expected = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { code: string; messageId: string; line: number; file?: string }[]) : [];
    const got: string[] = [];
    for (const [uri, findings] of model.findings) {
      const t = texts.get(uri);
      for (const f of findings) {
        if (!f.ruleId.startsWith('cilium-')) continue;
        const line = t ? t.text.slice(0, f.span.start).split('\n').length : 0;
        got.push(`${t?.name ?? uri}:${line} ${f.ruleId} ${f.messageId}`);
      }
    }
    const want = expected.map((e) => `${e.file ?? 'policy.yaml'}:${e.line} ${e.code} ${e.messageId}`);
    assert.deepEqual(got.sort(), want.sort());
  });

  // The evaluator may use either description of a policy; they must agree (workspace.ts PolicyEffect).
  test(`fixtures/${name}: compile() agrees with selects/allows/denies`, () => {
    const { model } = analyse(dir);
    const matches = (m: WorkloadMatch, w: Workload, ns: NamespaceInfo | undefined): boolean => {
      if (m.type === 'none') return false;
      if (m.type === 'test') return m.test(w, ns);
      assert.deepEqual([m.namespaces.type, m.pods], ['all', { matchLabels: {}, matchExpressions: [] }], 'a Cilium effect uses pods matches only for every workload');
      return true;
    };
    for (const e of model.policies.filter((p) => p.kind.startsWith('Cilium'))) {
      const c = e.compile!();
      const externals = cutSpace(['ingress', 'egress'].flatMap((d) => e.externalBoundaries(d as 'ingress')));
      for (const w of model.workloads) {
        const ns = model.namespaces.get(w.namespace);
        assert.equal(matches(c.subjects, w, ns), e.selects(w), `${e.id} selects ${w.id}`);
        if (!e.selects(w)) continue;
        assert.equal(c.isolates.ingress, e.isolates('ingress'));
        assert.equal(c.isolates.egress, e.isolates('egress'));
        const peers: Endpoint[] = [...model.workloads.map((x) => ({ type: 'workload' as const, workload: x })), ...externals.map((range) => ({ type: 'external' as const, range }))];
        for (const peer of peers) {
          for (const d of ['ingress', 'egress'] as const) {
            const slow = [...e.allows(d, w, peer), ...e.denies(d, w, peer)].map((x) => `${x.effect} ${x.ruleIndex} ${x.conns}`).sort();
            const fast = c.rules
              .filter((r) => r.direction === d && (peer.type === 'external' ? containsRange(r.externals, peer.range) : r.workloads.some((m) => matches(m, peer.workload, model.namespaces.get(peer.workload.namespace)))))
              .map((r) => ({ r, conns: r.conns(d === 'ingress' ? w : peer.type === 'workload' ? peer.workload : undefined) }))
              .filter((x) => !x.conns.isEmpty())
              .map((x) => `${x.r.effect} ${x.r.ruleIndex} ${x.conns}`)
              .sort();
            assert.deepEqual(fast, slow, `${e.id} ${d} ${w.id} with ${peer.type === 'workload' ? peer.workload.id : `${peer.range.first}-${peer.range.last}`}`);
          }
        }
      }
    }
  });
}
