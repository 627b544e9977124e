// Real engine results for the webview tests, in the panel's protocol shapes (server/src/protocol.ts).
// The server's own conversion (server/src/features/policy-view.ts) was being written at the same time;
// until it lands this helper converts the engine's answers itself, kept small. Once it exists the tests
// should build their data through it, so that the panel is tested on exactly what the server sends.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineIndex } from '../../server/src/engine';
import type { SourceRef } from '../../server/src/engine/model/types';
import { Reachability, ruleLabel } from '../../server/src/engine/reachability';
import type { ConnSet } from '../../server/src/engine/semantics/connset';
import { loadWorkspace, type LoadedWorkspace } from '../../server/src/cli/connectivity';
import type { ExplainResult, MatrixCell, PreviewLocation, PreviewMatrix, PreviewPolicy, PreviewResult } from '../../server/src/protocol';

export interface WorkspaceData {
  ws: LoadedWorkspace;
  reach: Reachability;
  result(policyId?: string): PreviewResult;
  explain(from: string, to: string): ExplainResult;
}

export async function loadData(path: string): Promise<WorkspaceData> {
  const ws = await loadWorkspace({ paths: [path] }, {
    cwd: process.cwd(),
    stdout: () => undefined,
    stderr: () => undefined,
    readStdin: async () => new Uint8Array(),
  } as unknown as Parameters<typeof loadWorkspace>[1]);
  const reach = new Reachability(ws.model);
  const lines = new Map<string, LineIndex>();
  const location = (ref: SourceRef | undefined): PreviewLocation | undefined => {
    if (!ref || !ref.uri.startsWith('file:')) return undefined;
    const file = ref.uri.replace(/#.*$/, '');
    let index = lines.get(file);
    if (!index) lines.set(file, (index = new LineIndex(readFileSync(fileURLToPath(file), 'utf8'))));
    return { uri: file, range: { start: index.positionAt(ref.span.start), end: index.positionAt(ref.span.end) } };
  };
  const ports = (c: ConnSet) => (c.isAll() ? 'all' : c.toString());

  const matrix = (): PreviewMatrix => {
    const view = reach.matrix('namespace');
    const namespaces = view.groups.map((g) => ({ name: g.name, tenant: g.tenant, workloads: g.workloads }));
    const at = new Map(namespaces.map((n, i) => [n.name, i]));
    const tenants = new Map<string, number[]>();
    namespaces.forEach((n, i) => n.tenant && (tenants.get(n.tenant) ?? tenants.set(n.tenant, []).get(n.tenant)!).push(i));
    const cells: MatrixCell[] = [];
    for (const c of view.connections) {
      const src = at.get(c.src);
      const dst = at.get(c.dst);
      if (src === undefined || dst === undefined || c.srcKind === 'External' || c.dstKind === 'External') continue;
      cells.push({ src, dst, level: c.conns.isAll() ? 'all' : 'some', ports: ports(c.conns), ...(c.uncertain ? { uncertain: true } : {}) });
    }
    return { namespaces, tenants: [...tenants].map(([name, ns]) => ({ name, namespaces: ns })), cells };
  };

  const policy = (id: string): PreviewPolicy | undefined => {
    const preview = reach.previewPolicy(id)[0];
    if (!preview) return undefined;
    const np = ws.model.networkPolicies.find((p) => p.id === id);
    const byNs = new Map<string, string[]>();
    for (const w of preview.selects) {
      const wl = ws.model.workloads.find((x) => x.id === w);
      if (wl) (byNs.get(wl.namespace) ?? byNs.set(wl.namespace, []).get(wl.namespace)!).push(w);
    }
    return {
      id,
      kind: preview.kind,
      name: np?.name ?? id,
      namespace: np?.namespace,
      location: location(preview.source)!,
      instances: np ? [np.namespace] : [],
      selects: [...byNs].map(([namespace, workloads]) => ({ namespace, tenant: ws.model.namespaces.get(namespace)?.tenant, workloads, allPods: false })),
      isolates: preview.isolates,
      rules: preview.rules.map((r) => ({
        direction: r.direction as 'ingress' | 'egress',
        index: r.ruleIndex,
        effect: r.effect,
        location: location(r.source),
        admits: r.admits.map((g) => ({
          tenant: g.tenant,
          namespaces: g.namespaces.map((n) => ({
            namespace: n.namespace,
            workloads: n.workloads.map((w) => ({ id: w.id, kind: w.kind, ports: ports(w.conns) })),
            ports: ports(n.workloads.reduce((a, w) => a.union(w.conns), n.workloads[0]?.conns ?? ({ isAll: () => false, toString: () => 'none', union: (x: ConnSet) => x } as unknown as ConnSet))),
          })),
        })),
        externals: r.externals.map((x) => ({ range: x.range, ports: ports(x.conns) })),
        notes: r.notes,
      })),
    };
  };

  return {
    ws,
    reach,
    result(policyId) {
      return { stamp: 1, scope: basename(path), state: 'ready', matrix: matrix(), policy: policyId ? policy(policyId) : undefined };
    },
    explain(from, to) {
      const x = reach.explain({ namespace: from }, { namespace: to })[0];
      const steps: ExplainResult['steps'] = [];
      for (const v of x.verdicts) {
        for (const side of ['egress', 'ingress'] as const) {
          const sv = v[side];
          steps.push({
            side,
            verdict: sv.allowed ? (sv.by.length ? 'allowed' : 'not isolated') : sv.by.some((c) => c.effect === 'deny' && c.ruleIndex >= 0) ? 'denied by a deny rule' : 'denied',
            ports: ports(v.conns),
            by: sv.by.map((c) => ({ label: `${c.policyKind} ${c.policyId} ${ruleLabel(c)}`, location: location(c.source) })),
          });
        }
      }
      return { from, to, allowed: ports(x.allowed), uncertain: x.uncertain, steps, text: `${from} → ${to}: ${ports(x.allowed)}` };
    },
  };
}
