// The one place the semantics tests call the engine: YAML text → workspace model (the real pipeline:
// Engine, extractFile, buildWorkspaceModel) → reachability rows; and a naive evaluator that asks every
// policy about every pair through the PolicyEffect contract alone, to check the indexed evaluator against.
import { Engine, buildWorkspaceModel, extractFile } from '../../server/src/engine';
import type { Workload } from '../../server/src/engine/model/types';
import type { Endpoint, IpRange, PolicyEffect, WorkspaceModel } from '../../server/src/engine/model/workspace';
import { Reachability, type Connection, type Level } from '../../server/src/engine/reachability';
import { ConnSet } from '../../server/src/engine/semantics/connset';
import { cutSpace, rangeText } from '../../server/src/engine/semantics/ip';
import type { Row } from '../conformance/compare';

/** Files (name → YAML) → the workspace model. */
export function modelOf(files: Record<string, string>): WorkspaceModel {
  const engine = new Engine();
  return buildWorkspaceModel(Object.entries(files).map(([name, text]) => extractFile(engine.analyzeFile({ uri: `file:///ws/${name}`, text }), 'declared')));
}

export function line(c: Pick<Connection, 'src' | 'dst' | 'conns' | 'uncertain'>): string {
  return `${c.src} => ${c.dst} : ${c.conns.toString()}${c.uncertain ? ' (uncertain)' : ''}`;
}

/** `src => dst : conns` lines at a level, sorted; `inCluster` leaves external ranges out. */
export function connections(files: Record<string, string> | WorkspaceModel, level: Level = 'workload', inCluster = true): string[] {
  const model = 'namespaces' in files && files.namespaces instanceof Map ? (files as WorkspaceModel) : modelOf(files as Record<string, string>);
  return new Reachability(model)
    .connections(level)
    .filter((c) => !inCluster || (c.srcKind !== 'External' && c.dstKind !== 'External'))
    .map(line)
    .sort();
}

/**
 * One side by the PolicyEffect contract alone: everything unless a selecting policy isolates the
 * direction, else the union of their allows; minus their denies. Also the Cilium tests' combiner.
 */
export function referenceSide(policies: readonly PolicyEffect[], direction: 'ingress' | 'egress', subject: Workload, peer: Endpoint): ConnSet {
  const selecting = policies.filter((p) => p.selects(subject));
  let allowed = selecting.some((p) => p.isolates(direction)) ? ConnSet.NONE : ConnSet.ALL;
  if (!allowed.isAll()) for (const p of selecting) for (const c of p.allows(direction, subject, peer)) allowed = allowed.union(c.conns);
  for (const p of selecting) for (const c of p.denies(direction, subject, peer)) allowed = allowed.subtract(c.conns);
  return allowed;
}

/**
 * Every workload pair and every (workload, external piece) pair, asking every policy: the definition of
 * the semantics, with no index, class or cache. Rows in the conformance corpus's shape.
 */
export function naiveRows(model: WorkspaceModel): Row[] {
  const rows: Row[] = [];
  const add = (src: string, srcKind: string, dst: string, dstKind: string, conns: ConnSet) => {
    if (!conns.isEmpty()) rows.push({ src, srcKind, dst, dstKind, conns: conns.toString() });
  };
  for (const a of model.workloads) {
    for (const b of model.workloads) {
      if (a === b) continue;
      const e = referenceSide(model.policies, 'egress', a, { type: 'workload', workload: b });
      if (e.isEmpty()) continue;
      add(a.id, a.kind, b.id, b.kind, e.intersect(referenceSide(model.policies, 'ingress', b, { type: 'workload', workload: a })));
    }
  }
  const pieces = (d: 'ingress' | 'egress'): IpRange[] => cutSpace(model.policies.flatMap((p) => p.externalBoundaries(d)));
  for (const range of pieces('ingress')) {
    for (const b of model.workloads) add(rangeText(range), 'External', b.id, b.kind, referenceSide(model.policies, 'ingress', b, { type: 'external', range }));
  }
  for (const range of pieces('egress')) {
    for (const a of model.workloads) add(a.id, a.kind, rangeText(range), 'External', referenceSide(model.policies, 'egress', a, { type: 'external', range }));
  }
  return rows;
}

/** The facade's rows at workload level in the same shape. */
export function facadeRows(model: WorkspaceModel): Row[] {
  return new Reachability(model).connections('workload').map((c) => ({ src: c.src, srcKind: c.srcKind, dst: c.dst, dstKind: c.dstKind, conns: c.conns.toString() }));
}
