// Which files a kustomization lists as patches: paths or `{path}` entries, never inline patches or URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isKustomization, patchPaths } from '../../server/src/workspace/kustomize';

const dir = path.resolve('/repo/overlays/prod');
const k = path.join(dir, 'kustomization.yaml');

test('patch entries: path strings and {path} objects, resolved against the kustomization', () => {
  const text = `patches:
  - path: replicas.yaml
  - path: ../shared/labels.yaml
    target: {kind: Deployment}
  - patch: |-
      - op: replace
        path: /spec/replicas
        value: 5
patchesStrategicMerge:
  - legacy.yaml
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: inline}
  - https://example.com/remote.yaml
patchesJson6902:
  - target: {kind: Deployment, name: web}
    path: json-patch.yaml
`;
  assert.deepEqual(patchPaths(text, k), [
    path.join(dir, 'replicas.yaml'),
    path.resolve(dir, '../shared/labels.yaml'),
    path.join(dir, 'legacy.yaml'),
    path.join(dir, 'json-patch.yaml'),
  ]);
});

test('a kustomization that does not parse, or is not a mapping, lists nothing', () => {
  assert.deepEqual(patchPaths('patches: [\n', k), []);
  assert.deepEqual(patchPaths('- a\n- b\n', k), []);
  assert.deepEqual(patchPaths('', k), []);
  assert.deepEqual(patchPaths('patches: legacy.yaml\n', k), []);
});

test('an alias bomb in a kustomization lists nothing instead of expanding', () => {
  const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
  assert.deepEqual(patchPaths(`${levels.join('\n')}\npatches: *l8\n`, k), []);
});

test('kustomization file names', () => {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) assert.equal(isKustomization(path.join(dir, name)), true);
  for (const name of ['Kustomization.yaml', 'kustomization.json', 'my-kustomization.yaml']) assert.equal(isKustomization(path.join(dir, name)), false);
});
