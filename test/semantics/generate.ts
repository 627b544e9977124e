// A multi-tenant cluster built directly as a WorkspaceModel (no YAML), shaped like the ones the engine
// is for: tenants of several namespaces, default deny, DNS egress, tenant-internal allows, ingress from
// a shared ingress namespace, named metrics ports, internet egress with private ranges excepted, per-app
// rules, and policies that select nothing. Deterministic for a seed.
import type { LabelSelector, NamespaceInfo, NetworkPolicyModel, NetworkPolicyRule, Workload } from '../../server/src/engine/model/types';
import type { WorkspaceModel } from '../../server/src/engine/model/workspace';
import { networkPolicyEffect } from '../../server/src/engine/semantics/netpol';

const SOURCE = { uri: 'file:///generated.yaml', span: { start: 0, end: 0 } };
const APPS = ['web', 'api', 'auth', 'cache', 'db', 'queue', 'worker', 'cron', 'metrics', 'search'];
const ENVS = ['prod', 'staging', 'dev', 'qa', 'ci', 'data'];

export const sel = (matchLabels: Record<string, string> = {}): LabelSelector => ({ matchLabels, matchExpressions: [] });

export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 0x100000000;
  };
}

export function policy(namespace: string, name: string, podSelector: LabelSelector, types: { ingress: boolean; egress: boolean }, ingress: NetworkPolicyRule[], egress: NetworkPolicyRule[]): NetworkPolicyModel {
  return { kind: 'NetworkPolicy', id: `${namespace}/${name}`, namespace, name, podSelector, policyTypes: types, ingress, egress, source: SOURCE };
}

/** Wraps NetworkPolicy models as the assembler does. */
export function withEffects(model: Omit<WorkspaceModel, 'policies'>): WorkspaceModel {
  const m: WorkspaceModel = { ...model, policies: [] };
  m.policies = m.networkPolicies.map((p) => networkPolicyEffect(p, m));
  return m;
}

export function generateCluster(tenants: number, seed = 7): WorkspaceModel {
  const rand = random(seed);
  const namespaces = new Map<string, NamespaceInfo>();
  const workloads: Workload[] = [];
  const nps: NetworkPolicyModel[] = [];
  const addNs = (name: string, tenant?: string) => {
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': name };
    if (tenant) labels['capsule.clastix.io/tenant'] = tenant;
    const info: NamespaceInfo = { name, labels, origin: 'declared' };
    if (tenant) info.tenant = tenant;
    namespaces.set(name, info);
  };
  const workload = (namespace: string, name: string, labels: Record<string, string>, ports: Workload['ports']) =>
    workloads.push({ id: `${namespace}/${name}`, namespace, name, kind: 'Deployment', labels, ports, origin: 'declared' });
  addNs('kube-system');
  addNs('ingress-nginx');
  addNs('monitoring');
  workload('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
  workload('ingress-nginx', 'controller', { app: 'ingress' }, [{ name: 'https', port: 443, protocol: 'TCP' }]);
  workload('monitoring', 'prometheus', { app: 'prometheus' }, [{ name: 'web', port: 9090, protocol: 'TCP' }]);
  for (let t = 0; t < tenants; t++) {
    const tenant = `t${t}`;
    for (const env of ENVS) {
      const ns = `${tenant}-${env}`;
      addNs(ns, tenant);
      const apps = APPS.slice(0, 4 + Math.floor(rand() * 7));
      for (const app of apps) {
        const port = 8000 + Math.floor(rand() * 3);
        workload(ns, app, { app, tier: app === 'db' ? 'data' : 'backend', ...(rand() < 0.3 ? { 'egress/internet': 'true' } : {}) }, [
          { name: 'http', port, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ]);
      }
      nps.push(policy(ns, 'default-deny', sel(), { ingress: true, egress: true }, [], []));
      nps.push(policy(ns, 'allow-dns', sel(), { ingress: false, egress: true }, [], [
        { index: 0, peers: [{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: sel({ 'k8s-app': 'kube-dns' }) }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      ]));
      if (rand() < 0.7) {
        nps.push(policy(ns, 'allow-same-namespace', sel(), { ingress: true, egress: true }, [{ index: 0, peers: [{ podSelector: sel() }], ports: 'any' }], [{ index: 0, peers: [{ podSelector: sel() }], ports: 'any' }]));
      }
      nps.push(policy(ns, 'allow-from-tenant', sel({ app: 'api' }), { ingress: true, egress: false }, [
        { index: 0, peers: [{ namespaceSelector: sel({ 'capsule.clastix.io/tenant': tenant }) }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ], []));
      nps.push(policy(ns, 'allow-to-tenant-api', sel(), { ingress: false, egress: true }, [], [
        { index: 0, peers: [{ namespaceSelector: sel({ 'capsule.clastix.io/tenant': tenant }), podSelector: sel({ app: 'api' }) }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ]));
      nps.push(policy(ns, 'allow-ingress-controller', sel({ app: 'web' }), { ingress: true, egress: false }, [
        { index: 0, peers: [{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'ingress-nginx' }) }], ports: [{ protocol: 'TCP', port: 8000, endPort: 8002 }] },
      ], []));
      nps.push(policy(ns, 'allow-metrics', sel(), { ingress: true, egress: false }, [
        { index: 0, peers: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] }, podSelector: sel({ app: 'prometheus' }) }], ports: [{ protocol: 'TCP', port: 'metrics' }] },
      ], []));
      nps.push(policy(ns, 'allow-internet', sel({ 'egress/internet': 'true' }), { ingress: false, egress: true }, [], [
        { index: 0, peers: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ]));
      for (const app of apps) {
        if (rand() < 0.5) continue;
        const peer = APPS[(APPS.indexOf(app) + 1) % APPS.length];
        nps.push(policy(ns, `app-${app}`, sel({ app }), { ingress: true, egress: false }, [{ index: 0, peers: [{ podSelector: sel({ app: peer }) }], ports: [{ protocol: 'TCP', port: 'http' }] }], []));
      }
      // A quarter of the policies of a real cluster select nothing (leftovers, renamed apps).
      for (let i = 0; i < 3; i++) nps.push(policy(ns, `legacy-${i}`, sel({ app: `legacy-${i}` }), { ingress: true, egress: false }, [{ index: 0, peers: 'any', ports: 'any' }], []));
    }
  }
  return withEffects({ namespaces, workloads, tenants: new Map(), networkPolicies: nps, findings: new Map() });
}
