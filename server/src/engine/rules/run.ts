// Runs the rules of the registry. A bug in one rule costs that rule its findings for one object (or one
// workspace run), reported as an information finding, never the rest of the analysis.
import type { ProjectConfig } from '../config';
import type { FileModel } from '../model/extract';
import type { DocumentPlace } from '../model/locate';
import type { SourceRef, Workload } from '../model/types';
import type { PolicyEffect, WorkspaceModel } from '../model/workspace';
import { Reachability } from '../reachability';
import type { Finding } from '../types';
import { RULES } from './catalog';
import { OBJECT_RULES, WORKSPACE_RULES } from './registry';
import type { ObjectRuleContext, WorkspaceRuleContext } from './types';

const byKind = new Map<string, typeof OBJECT_RULES[number][]>();
for (const rule of OBJECT_RULES) {
  for (const kind of rule.kinds) {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(rule);
  }
}

/** The ids of findings that need the whole workspace (tests turn the others off to focus a fixture). */
export const WORKSPACE_RULE_IDS: readonly string[] = RULES.filter((r) => r.scope === 'workspace').map((r) => r.id);

export function runObjectRules(ctx: ObjectRuleContext): void {
  for (const rule of byKind.get(ctx.kind) ?? []) {
    try {
      rule.check(ctx);
    } catch (e) {
      ctx.reporter.add(rule.id, 'internalError', ctx.reporter.objectSpan(ctx.base),
        `tenant-policy could not run the ${rule.id} rule on this object (internal error: ${(e as Error)?.message ?? String(e)}); please report it.`,
        { severity: 'information' });
    }
  }
}

/** Runs every workspace rule on a model; findings are added to `model.findings` by file. */
export function runWorkspaceRules(model: WorkspaceModel, files: readonly FileModel[], config: ProjectConfig): void {
  for (const _ of workspaceRuleSteps(model, files, config)) {
    // Each step is one rule.
  }
}

/**
 * The same, one rule per step: the language server yields to waiting requests between steps, so a
 * large workspace's rules never hold an edit's diagnostics back for long.
 */
export function* workspaceRuleSteps(model: WorkspaceModel, files: readonly FileModel[], config: ProjectConfig): Generator<string> {
  const placesByUri = new Map<string, DocumentPlace[]>();
  for (const f of files) {
    const list = placesByUri.get(f.uri);
    if (list) list.push(...f.places);
    else placesByUri.set(f.uri, [...f.places]);
  }
  let reach: Reachability | undefined;
  const seen = new Set<string>();
  const report = (uri: string, f: Finding) => {
    const key = `${uri}|${f.ruleId}|${f.messageId}|${f.span.start}|${f.span.end}`;
    if (seen.has(key)) return;
    seen.add(key);
    let list = model.findings.get(uri);
    if (!list) model.findings.set(uri, (list = []));
    list.push(f);
  };
  let byNamespace: Map<string, PolicyEffect[]> | undefined;
  let clusterWide: PolicyEffect[] = [];
  const policiesFor = (namespace: string): readonly PolicyEffect[] => {
    if (!byNamespace) {
      byNamespace = new Map();
      clusterWide = [];
      for (const p of model.policies) {
        const subjects = p.compile?.().subjects;
        const names = subjects?.type === 'pods' && subjects.namespaces.type === 'names' ? subjects.namespaces.names : undefined;
        if (subjects?.type === 'none') continue;
        if (!names) {
          clusterWide.push(p);
          continue;
        }
        for (const n of names) {
          let list = byNamespace.get(n);
          if (!list) byNamespace.set(n, (list = []));
          list.push(p);
        }
      }
    }
    const own = byNamespace.get(namespace);
    return own ? (clusterWide.length ? [...own, ...clusterWide] : own) : clusterWide;
  };
  let workloadIndex: Map<string, Workload[]> | undefined;
  const workloadsIn = (namespace: string): readonly Workload[] => {
    if (!workloadIndex) {
      workloadIndex = new Map();
      for (const w of model.workloads) {
        let list = workloadIndex.get(w.namespace);
        if (!list) workloadIndex.set(w.namespace, (list = []));
        list.push(w);
      }
    }
    return workloadIndex.get(namespace) ?? [];
  };
  const ctx: WorkspaceRuleContext = {
    model,
    config,
    files,
    policiesFor,
    workloadsIn,
    reachability: () => (reach ??= new Reachability(model)),
    placeOf: (ref: SourceRef) => {
      for (const p of placesByUri.get(ref.uri) ?? []) {
        if (ref.span.start >= p.offset && ref.span.start <= p.offset + p.parsed.text.length) return p;
      }
      return undefined;
    },
    fileEnd: (uri: string) => {
      const places = placesByUri.get(uri);
      if (!places || places.length === 0) return undefined;
      return Math.max(...places.map((p) => p.offset + p.parsed.text.length));
    },
    report,
  };
  for (const rule of WORKSPACE_RULES) {
    if (config.rules[rule.id] === 'off') continue;
    try {
      rule.check(ctx);
      yield rule.id;
    } catch (e) {
      // Where to say it: the first file of the workspace, at its start (there is no better node).
      const uri = files.find((f) => f.origin === 'declared')?.uri;
      if (uri) {
        report(uri, {
          ruleId: rule.id,
          messageId: 'internalError',
          severity: 'information',
          span: { start: 0, end: 0 },
          message: `tenant-policy could not run the ${rule.id} rule on this workspace (internal error: ${(e as Error)?.message ?? String(e)}); please report it.`,
          fixes: [],
        });
      }
    }
  }
}
