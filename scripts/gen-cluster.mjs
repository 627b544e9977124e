#!/usr/bin/env node
// Generates a policy repository shaped like a real multi-tenant cluster, for the reachability bench
// (scripts/bench-reachability.mjs). Deterministic: the same seed and scale give the same bytes.
//
// At scale 1: 600 namespaces (570 in 150 Capsule tenants, labelled `capsule.clastix.io/tenant`, plus 30
// platform namespaces: kube-system, ingress-nginx, monitoring, … and shared services), 5,000 workloads
// (Deployments, StatefulSets, DaemonSets with pod-template labels and named container ports) and 14,000
// NetworkPolicies in the cluster, counting those Capsule stamps from `Tenant.spec.networkPolicies.items`.
// A quarter of them select no pod (stale policies of decommissioned apps). The rest mix what platform
// teams and tenant owners write: default-deny, DNS egress, allow-same-namespace, allow from the ingress
// controller and from monitoring (namespace and pod selectors, named ports), tenant-wide and cross-tenant
// allows, matchExpressions with all four operators, ipBlock with except, endPort ranges, UDP and SCTP,
// policies without policyTypes. Scale 10 multiplies every count by ten.
//
// Layout: <out>/tenants/<tenant>/tenant.yaml, <out>/tenants/<tenant>/<ns>/{namespace,workloads,
// networkpolicies}.yaml, <out>/platform/<ns>/…, and <out>/generated.json (counts, seed, the policy the
// bench edits).
//
//   node scripts/gen-cluster.mjs [--scale 1] [--seed 4242] [--out .bench-out/cluster-1x]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATOR_VERSION = 3;

// ---- deterministic randomness ---------------------------------------------------------------------------

/** Seeded PRNG (mulberry32): the same workspaces, and the same bench samples, on every run. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  sample(list, n) {
    const copy = [...list];
    const out = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    return out;
  }
}

// ---- a small YAML writer (block style, quoted only when needed) -------------------------------------------

const PLAIN = /^[A-Za-z_/][A-Za-z0-9._/-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(v) {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  const s = String(v);
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

function isEmptyContainer(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

function emit(v, indent, out) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item && typeof item === 'object' && !isEmptyContainer(item)) {
        const lines = [];
        emit(item, indent + 2, lines);
        lines[0] = `${pad}- ${lines[0].slice(indent + 2)}`;
        out.push(...lines);
      } else out.push(`${pad}- ${isEmptyContainer(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
    }
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    if (val && typeof val === 'object' && !isEmptyContainer(val)) {
      out.push(`${pad}${scalar(k)}:`);
      emit(val, Array.isArray(val) ? indent + 2 : indent + 2, out);
    } else out.push(`${pad}${scalar(k)}: ${isEmptyContainer(val) ? (Array.isArray(val) ? '[]' : '{}') : scalar(val)}`);
  }
}

export function toYaml(docs) {
  const out = [];
  for (const d of docs) {
    out.push('---');
    if (d.comment) out.push(`# ${d.comment}`);
    emit(d.object, 0, out);
  }
  return `${out.join('\n')}\n`;
}

// ---- what a cluster holds -----------------------------------------------------------------------------------

const WORDS = [
  'argon', 'aspen', 'atlas', 'aurora', 'basalt', 'beacon', 'birch', 'boreal', 'cedar', 'cobalt', 'comet', 'coral',
  'cypress', 'delta', 'dune', 'ember', 'falcon', 'fjord', 'flint', 'gale', 'garnet', 'glacier', 'granite', 'harbor',
  'helix', 'heron', 'indigo', 'iris', 'jade', 'juniper', 'kestrel', 'lagoon', 'larch', 'lumen', 'lyra', 'magma',
  'maple', 'meadow', 'mesa', 'nebula', 'nimbus', 'nova', 'oak', 'onyx', 'orbit', 'osprey', 'pebble', 'pine',
  'prairie', 'quartz', 'quill', 'raven', 'reef', 'ridge', 'sable', 'sage', 'sierra', 'solar', 'spruce', 'summit',
  'tide', 'topaz', 'tundra', 'umber', 'vale', 'vertex', 'willow', 'wind', 'yarrow', 'zenith', 'zephyr', 'zinc',
];
const NS_SUFFIXES = ['dev', 'staging', 'prod', 'qa', 'ci', 'data', 'web', 'api', 'batch', 'ml', 'edge', 'ops'];
const ENVIRONMENT = { dev: 'dev', staging: 'staging', prod: 'prod', qa: 'qa', ci: 'ci' };

const port = (name, containerPort, protocol) => ({ name, containerPort, ...(protocol ? { protocol } : {}) });

/** Tenant workloads: name → tier, kind, container ports. */
const CATALOG = [
  { name: 'frontend', tier: 'frontend', ports: [port('http', 8080), port('metrics', 9090)] },
  { name: 'web', tier: 'frontend', ports: [port('http', 3000)] },
  { name: 'api', tier: 'backend', ports: [port('http', 8080), port('grpc', 9000), port('metrics', 9090)] },
  { name: 'auth', tier: 'backend', ports: [port('https', 8443), port('metrics', 9090)] },
  { name: 'gateway', tier: 'backend', ports: [port('http', 8080), port('https', 8443)] },
  { name: 'search', tier: 'backend', ports: [port('http', 9200), port('transport', 9300)] },
  { name: 'billing', tier: 'backend', ports: [port('http', 8080), port('metrics', 9090)] },
  { name: 'reports', tier: 'backend', ports: [port('http', 8081)] },
  { name: 'orders', tier: 'backend', ports: [port('grpc', 50051), port('metrics', 9090)] },
  { name: 'catalog', tier: 'backend', ports: [port('http', 8080)] },
  { name: 'signaling', tier: 'backend', ports: [port('diameter', 3868, 'SCTP'), port('http', 8080)] },
  { name: 'db', tier: 'db', kind: 'StatefulSet', ports: [port('postgres', 5432), port('metrics', 9187)] },
  { name: 'mysql', tier: 'db', kind: 'StatefulSet', ports: [port('mysql', 3306)] },
  { name: 'cache', tier: 'cache', kind: 'StatefulSet', ports: [port('redis', 6379)] },
  { name: 'queue', tier: 'queue', kind: 'StatefulSet', ports: [port('amqp', 5672), port('management', 15672)] },
  { name: 'worker', tier: 'worker', ports: [port('metrics', 9090)] },
  { name: 'scheduler', tier: 'worker', ports: [port('metrics', 9090)] },
  { name: 'mailer', tier: 'worker', ports: [port('smtp', 2525)] },
  { name: 'statsd', tier: 'worker', ports: [port('statsd', 8125, 'UDP'), port('admin', 8126)] },
];

/** The platform's own namespaces; `policies` are written by the platform team. */
const PLATFORM = [
  {
    name: 'kube-system', role: 'system',
    workloads: [
      { name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, ports: [port('dns', 53, 'UDP'), port('dns-tcp', 53, 'TCP'), port('metrics', 9153)] },
      { name: 'metrics-server', labels: { 'k8s-app': 'metrics-server' }, ports: [port('https', 4443)] },
    ],
  },
  {
    name: 'ingress-nginx', role: 'ingress',
    workloads: [{ name: 'ingress-nginx-controller', ports: [port('http', 80), port('https', 443), port('metrics', 10254)] }],
  },
  {
    name: 'monitoring', role: 'monitoring',
    workloads: [
      { name: 'prometheus', kind: 'StatefulSet', ports: [port('web', 9090)] },
      { name: 'alertmanager', kind: 'StatefulSet', ports: [port('web', 9093)] },
      { name: 'grafana', ports: [port('http', 3000)] },
      { name: 'node-exporter', kind: 'DaemonSet', ports: [port('metrics', 9100)] },
    ],
  },
  {
    name: 'logging', role: 'logging',
    workloads: [
      { name: 'fluent-bit', kind: 'DaemonSet', ports: [port('http', 2020)] },
      { name: 'loki', kind: 'StatefulSet', ports: [port('http', 3100), port('grpc', 9095)] },
    ],
  },
  { name: 'cert-manager', role: 'system', workloads: [{ name: 'cert-manager', ports: [port('metrics', 9402)] }, { name: 'cert-manager-webhook', ports: [port('https', 10250)] }] },
  { name: 'capsule-system', role: 'system', workloads: [{ name: 'capsule-controller-manager', ports: [port('webhook', 9443), port('metrics', 8080)] }] },
  {
    name: 'argocd', role: 'delivery',
    workloads: [
      { name: 'argocd-server', ports: [port('http', 8080), port('metrics', 8083)] },
      { name: 'argocd-repo-server', ports: [port('repo', 8081)] },
      { name: 'argocd-application-controller', kind: 'StatefulSet', ports: [port('metrics', 8082)] },
    ],
  },
  { name: 'vault', role: 'security', workloads: [{ name: 'vault', kind: 'StatefulSet', ports: [port('http', 8200), port('cluster', 8201)] }] },
  { name: 'kyverno', role: 'security', workloads: [{ name: 'kyverno', ports: [port('https', 9443), port('metrics', 8000)] }] },
  { name: 'external-dns', role: 'system', workloads: [{ name: 'external-dns', ports: [port('http', 7979)] }] },
  { name: 'velero', role: 'system', workloads: [{ name: 'velero', ports: [port('metrics', 8085)] }] },
];

/** Shared services platform teams run for tenants (namespaces `shared-<service>-<n>`). */
const SHARED = [
  { service: 'postgres', workloads: [{ name: 'postgres', kind: 'StatefulSet', ports: [port('postgres', 5432)] }, { name: 'pgbouncer', ports: [port('pgbouncer', 6432)] }] },
  { service: 'kafka', workloads: [{ name: 'kafka', kind: 'StatefulSet', ports: [port('kafka', 9092), port('controller', 9093)] }, { name: 'schema-registry', ports: [port('http', 8081)] }] },
  { service: 'redis', workloads: [{ name: 'redis', kind: 'StatefulSet', ports: [port('redis', 6379)] }] },
  { service: 'elastic', workloads: [{ name: 'elasticsearch', kind: 'StatefulSet', ports: [port('http', 9200), port('transport', 9300)] }, { name: 'kibana', ports: [port('http', 5601)] }] },
];

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const PARTNERS = Array.from({ length: 40 }, (_, i) => `${[198, 203, 192, 100][i % 4]}.${[51, 0, 0, 64][i % 4]}.${(i * 7) % 256}.0/24`);

// ---- building blocks of manifests ----------------------------------------------------------------------

const APP = 'app.kubernetes.io/name';
const TENANT_LABEL = 'capsule.clastix.io/tenant';

function namespaceDoc(name, labels) {
  return { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } } };
}

function workloadDoc(ns, w, partOf) {
  const labels = { [APP]: w.name, 'app.kubernetes.io/part-of': partOf, ...(w.tier ? { tier: w.tier } : {}), ...(w.labels ?? {}), ...(w.extraLabels ?? {}) };
  const kind = w.kind ?? 'Deployment';
  const spec = {
    ...(kind === 'DaemonSet' ? {} : { replicas: w.replicas ?? 2 }),
    ...(kind === 'StatefulSet' ? { serviceName: w.name } : {}),
    selector: { matchLabels: { [APP]: w.name } },
    template: {
      metadata: { labels },
      spec: {
        containers: [{ name: w.name, image: `registry.example.com/${partOf}/${w.name}:1.${w.version ?? 0}.0`, ports: w.ports }],
      },
    },
  };
  return { object: { apiVersion: 'apps/v1', kind, metadata: { name: w.name, namespace: ns, labels: { [APP]: w.name } }, spec } };
}

function policyDoc(ns, name, spec, comment) {
  return { comment, object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec } };
}

const sel = (matchLabels, matchExpressions) => ({ ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions ? { matchExpressions } : {}) });
const nsByName = (name) => sel({ 'kubernetes.io/metadata.name': name });

// ---- the generator --------------------------------------------------------------------------------------

/**
 * Builds the cluster in memory: { files: Map(relative path → YAML text), summary }. Counts scale with
 * `scale`; the shape does not.
 */
export function generate({ scale = 1, seed = 4242 } = {}) {
  const rnd = new Random(seed * 1000 + scale);
  const totalNamespaces = 600 * scale;
  const totalWorkloads = 5000 * scale;
  const totalPolicies = 14000 * scale;
  const tenantCount = 150 * scale;

  // Namespaces: the fixed platform ones, shared services, then tenants (2–6 namespaces each).
  const platform = PLATFORM.map((p) => ({ ...p, workloads: p.workloads.map((w) => ({ ...w })) }));
  const sharedCount = 30 * scale - platform.length;
  const shared = [];
  for (let i = 0; i < sharedCount; i++) {
    const s = SHARED[i % SHARED.length];
    shared.push({ name: `shared-${s.service}-${Math.floor(i / SHARED.length) + 1}`, service: s.service, role: 'shared', workloads: s.workloads.map((w) => ({ ...w })) });
  }
  const tenantNamespaceCount = totalNamespaces - platform.length - shared.length;
  const tenants = [];
  const used = new Map();
  for (let i = 0; i < tenantCount; i++) {
    const word = WORDS[i % WORDS.length];
    const n = (used.get(word) ?? 0) + 1;
    used.set(word, n);
    tenants.push({ name: n === 1 ? word : `${word}-${n}`, tier: rnd.pick(['gold', 'silver', 'bronze']), team: rnd.pick(WORDS), namespaces: [] });
  }
  const perTenant = tenants.map(() => 2);
  for (let left = tenantNamespaceCount - 2 * tenantCount; left > 0; ) {
    const i = rnd.int(0, tenantCount - 1);
    if (perTenant[i] < NS_SUFFIXES.length) {
      perTenant[i]++;
      left--;
    }
  }
  const tenantNamespaces = [];
  tenants.forEach((t, i) => {
    for (const suffix of rnd.sample(NS_SUFFIXES, perTenant[i])) {
      const ns = {
        name: `${t.name}-${suffix}`,
        tenant: t,
        environment: ENVIRONMENT[suffix] ?? rnd.pick(['dev', 'prod', 'staging']),
        shared: rnd.chance(0.3) ? rnd.pick(SHARED).service : undefined,
        workloads: [],
        policies: [],
      };
      t.namespaces.push(ns);
      tenantNamespaces.push(ns);
    }
  });

  // Workloads: the platform's, then at least two per tenant namespace, the rest spread unevenly.
  const platformWorkloads = [...platform, ...shared].reduce((n, p) => n + p.workloads.length, 0);
  const counts = tenantNamespaces.map(() => 2);
  const weights = tenantNamespaces.map(() => 0.2 + rnd.next() * rnd.next() * 3);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let remaining = totalWorkloads - platformWorkloads - 2 * tenantNamespaces.length;
  const extra = weights.map((w) => Math.floor((w / weightSum) * remaining));
  extra.forEach((e, i) => (counts[i] += e));
  remaining -= extra.reduce((a, b) => a + b, 0);
  for (let i = 0; remaining > 0; i = (i + 1) % counts.length, remaining--) counts[i]++;
  tenantNamespaces.forEach((ns, i) => {
    const names = new Map();
    // Every namespace with more than two workloads has a frontend, an API and a database, most of the time.
    const base = counts[i] > 2 && rnd.chance(0.8) ? CATALOG.filter((c) => ['frontend', 'api', 'db'].includes(c.name)) : [];
    for (let k = 0; k < counts[i]; k++) {
      const c = k < base.length ? base[k] : rnd.pick(CATALOG);
      const n = (names.get(c.name) ?? 0) + 1;
      names.set(c.name, n);
      const extraLabels = {};
      if (rnd.chance(0.1)) extraLabels.canary = 'true';
      if (rnd.chance(0.3)) extraLabels.team = rnd.pick(WORDS);
      ns.workloads.push({ ...c, name: n === 1 ? c.name : `${c.name}-${n}`, version: rnd.int(0, 9), extraLabels });
    }
  });

  // Policies. Tenant-wide isolation that Capsule stamps (a third of the tenants), platform policies,
  // a core set per tenant namespace, then per-workload allows to the target and stale ones.
  const capsuleTenants = new Set(tenants.filter(() => rnd.chance(1 / 3)));
  const materialised = [...capsuleTenants].reduce((n, t) => n + t.namespaces.length, 0);
  const stale = Math.round(totalPolicies / 4);

  const platformPolicies = new Map();
  const addPlatform = (ns, name, spec, comment) => {
    if (!platformPolicies.has(ns)) platformPolicies.set(ns, []);
    platformPolicies.get(ns).push(policyDoc(ns, name, spec, comment));
  };
  addPlatform('ingress-nginx', 'allow-http-from-anywhere', {
    podSelector: sel({ [APP]: 'ingress-nginx-controller' }),
    policyTypes: ['Ingress'],
    ingress: [
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 80 }, { protocol: 'TCP', port: 443 }] },
      { from: [{ namespaceSelector: sel({ 'platform.example.com/role': 'monitoring' }) }], ports: [{ port: 'metrics' }] },
    ],
  }, 'The ingress controller: HTTP(S) from anywhere, metrics for Prometheus.');
  addPlatform('monitoring', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  addPlatform('monitoring', 'allow-grafana-from-ingress', {
    podSelector: sel({ [APP]: 'grafana' }),
    ingress: [{ from: [{ namespaceSelector: nsByName('ingress-nginx') }], ports: [{ port: 'http' }] }],
  });
  addPlatform('monitoring', 'allow-prometheus-from-grafana', {
    podSelector: sel(undefined, [{ key: APP, operator: 'In', values: ['prometheus', 'alertmanager'] }]),
    ingress: [{ from: [{ podSelector: sel({ [APP]: 'grafana' }) }], ports: [{ port: 'web' }] }],
  });
  addPlatform('monitoring', 'allow-node-exporter-scrape', {
    podSelector: sel({ [APP]: 'node-exporter' }),
    ingress: [{ from: [{ podSelector: sel({ [APP]: 'prometheus' }) }], ports: [{ port: 9100 }] }],
  });
  addPlatform('logging', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  addPlatform('logging', 'allow-logs-from-fluent-bit', {
    podSelector: sel({ [APP]: 'loki' }),
    ingress: [{ from: [{ podSelector: sel({ [APP]: 'fluent-bit' }) }, { namespaceSelector: nsByName('monitoring') }], ports: [{ port: 3100, endPort: 3101 }, { port: 'grpc' }] }],
  });
  addPlatform('vault', 'allow-vault-clients', {
    podSelector: {},
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: sel(undefined, [{ key: TENANT_LABEL, operator: 'Exists' }]) }], ports: [{ port: 'http' }] }],
  }, 'Every tenant namespace may reach Vault.');
  for (const s of shared) {
    addPlatform(s.name, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    addPlatform(s.name, `allow-${s.service}-clients`, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: sel({ 'platform.example.com/shared-access': s.service }) }], ports: s.workloads.flatMap((w) => w.ports.map((p) => ({ port: p.name }))) },
        { from: [{ namespaceSelector: sel({ 'platform.example.com/role': 'monitoring' }), podSelector: sel({ [APP]: 'prometheus' }) }] },
      ],
    });
  }
  const platformPolicyCount = [...platformPolicies.values()].reduce((n, l) => n + l.length, 0);

  // Core policies per tenant namespace.
  for (const ns of tenantNamespaces) {
    const p = (name, spec, comment) => ns.policies.push(policyDoc(ns.name, name, spec, comment));
    const frontends = ns.workloads.filter((w) => w.tier === 'frontend');
    const style = rnd.next();
    ns.egressIsolated = style < 0.85;
    if (style < 0.85) p('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'Default deny: nothing in or out unless another policy allows it.');
    else if (style < 0.95) p('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    if (ns.egressIsolated) {
      const named = rnd.chance(0.3);
      p('allow-dns-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: nsByName('kube-system'), podSelector: sel({ 'k8s-app': 'kube-dns' }) }],
          ports: named ? [{ protocol: 'UDP', port: 'dns' }, { port: 'dns-tcp' }] : [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      }, 'DNS egress to kube-dns in kube-system.');
    }
    if (rnd.chance(0.7)) {
      p('allow-same-namespace', rnd.chance(0.5)
        ? { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }
        : { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    }
    if (frontends.length > 0) {
      p('allow-ingress-controller', {
        podSelector: sel({ tier: 'frontend' }),
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: nsByName('ingress-nginx'), podSelector: sel({ [APP]: 'ingress-nginx-controller' }) }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        }],
      });
    }
    p('allow-monitoring-scrape', {
      podSelector: rnd.chance(0.5) ? {} : sel(undefined, [{ key: APP, operator: 'Exists' }]),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: sel({ 'platform.example.com/role': 'monitoring' }), podSelector: sel({ [APP]: 'prometheus' }) }], ports: [{ port: 'metrics' }] }],
    });
    if (rnd.chance(0.5)) {
      p('allow-from-tenant', {
        podSelector: sel(undefined, [{ key: 'tier', operator: 'In', values: ['backend', 'frontend'] }]),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: sel({ [TENANT_LABEL]: ns.tenant.name }) }] }],
      }, `Any namespace of tenant ${ns.tenant.name} may reach the frontends and backends.`);
    }
    if (ns.egressIsolated && rnd.chance(0.5)) {
      p('allow-egress-to-tenant', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: sel({ [TENANT_LABEL]: ns.tenant.name }) }] }] });
    }
    if (ns.egressIsolated && rnd.chance(0.4)) {
      p('allow-https-egress', {
        podSelector: sel(undefined, [{ key: 'tier', operator: 'In', values: ['backend', 'worker'] }]),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE } }], ports: [{ protocol: 'TCP', port: 443 }] }],
      }, 'HTTPS to the internet, not to private ranges.');
    }
    if (frontends.length > 0 && rnd.chance(0.15)) {
      p('allow-lb-nodeports', {
        podSelector: sel({ tier: 'frontend' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.64.0.0/16' } }], ports: [{ protocol: 'TCP', port: 30000, endPort: 32767 }] }],
      });
    }
    if (ns.shared && ns.egressIsolated) {
      const s = SHARED.find((x) => x.service === ns.shared);
      p(`allow-egress-to-shared-${ns.shared}`, {
        podSelector: sel(undefined, [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }]),
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: sel({ 'platform.example.com/service': ns.shared }) }],
          ports: s.workloads.flatMap((w) => w.ports.map((x) => ({ protocol: x.protocol ?? 'TCP', port: x.containerPort }))),
        }],
      });
    }
  }
  const core = tenantNamespaces.reduce((n, ns) => n + ns.policies.length, 0);
  let extras = totalPolicies - stale - materialised - platformPolicyCount - core;
  if (extras < 0) throw new Error(`the core policies (${core}) exceed the budget at scale ${scale}`);

  // Per-workload allows, spread over the namespaces with at least two workloads.
  const busy = tenantNamespaces.filter((ns) => ns.workloads.length >= 2);
  // Names are unique per namespace (a second object with the same name would replace the first).
  const taken = new Set(tenantNamespaces.flatMap((ns) => ns.policies.map((d) => `${ns.name}/${d.object.metadata.name}`)));
  const uniqueName = (ns, base) => {
    let name = base;
    for (let n = 2; taken.has(`${ns.name}/${name}`); n++) name = `${base}-v${n}`;
    taken.add(`${ns.name}/${name}`);
    return name;
  };
  while (extras > 0) {
    const ns = rnd.pick(busy);
    const dst = rnd.pick(ns.workloads);
    const src = rnd.pick(ns.workloads.filter((w) => w !== dst));
    const namedPort = rnd.pick(dst.ports).name;
    const variant = rnd.int(0, 9);
    const portsOf = () => {
      const r = rnd.next();
      if (r < 0.4) return [{ port: namedPort }];
      if (r < 0.7) return [{ protocol: 'TCP', port: rnd.pick([80, 443, 8080, 8443, 9000]) }];
      if (r < 0.85) return [{ port: 8000, endPort: 8100 }, { protocol: 'UDP', port: 8125 }];
      if (r < 0.95) return [{ protocol: 'TCP' }];
      return [{ protocol: 'SCTP', port: 3868 }];
    };
    let name;
    let spec;
    if (variant <= 2) {
      name = `allow-${dst.name}-from-${src.name}`;
      spec = { podSelector: sel({ [APP]: dst.name }), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel({ [APP]: src.name }) }], ports: portsOf() }] };
    } else if (variant === 3) {
      const other = rnd.pick(ns.tenant.namespaces);
      name = `allow-${dst.name}-from-${other.name}`;
      spec = {
        podSelector: sel({ [APP]: dst.name }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsByName(other.name), podSelector: sel({ tier: rnd.pick(['frontend', 'backend', 'worker']) }) }], ports: portsOf() }],
      };
    } else if (variant === 4) {
      const other = rnd.pick(tenants);
      name = `allow-${dst.name}-from-tenant-${other.name}`;
      spec = {
        podSelector: sel({ [APP]: dst.name }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: sel({ [TENANT_LABEL]: other.name, environment: ns.environment }), podSelector: sel({ tier: 'frontend' }) }], ports: portsOf() }],
      };
    } else if (variant === 5) {
      name = `allow-${dst.name}-from-non-prod`;
      spec = {
        podSelector: sel({ [APP]: dst.name }, [{ key: 'canary', operator: 'DoesNotExist' }]),
        ingress: [{
          from: [{ namespaceSelector: sel({ [TENANT_LABEL]: ns.tenant.name }, [{ key: 'environment', operator: 'NotIn', values: ['prod'] }]), podSelector: sel(undefined, [{ key: 'tier', operator: 'In', values: ['backend', 'worker'] }]) }],
          ports: portsOf(),
        }],
      };
    } else if (variant === 6 && ns.egressIsolated) {
      // Egress with a named port: resolved on the destination's container ports.
      name = `allow-${src.name}-to-${dst.name}`;
      spec = { podSelector: sel({ [APP]: src.name }), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: sel({ [APP]: dst.name }) }], ports: [{ port: namedPort, protocol: dst.ports.find((x) => x.name === namedPort).protocol ?? 'TCP' }] }] };
    } else if (variant === 7) {
      const partner = rnd.pick(PARTNERS);
      name = `allow-${dst.name}-from-partner`;
      spec = {
        podSelector: sel({ [APP]: dst.name }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: rnd.chance(0.5) ? { cidr: partner, except: [partner.replace(/0\/24$/, '128/25')] } : { cidr: partner } }], ports: portsOf() }],
      };
    } else if (variant === 8 && ns.egressIsolated) {
      // No policyTypes: Ingress (no rules: isolated) and, from the egress rules, Egress.
      name = `allow-${src.name}-egress-to-${dst.name}`;
      spec = { podSelector: sel({ [APP]: src.name }), egress: [{ to: [{ podSelector: sel({ [APP]: dst.name }) }, { ipBlock: { cidr: rnd.pick(PARTNERS) } }], ports: portsOf() }] };
    } else {
      name = `allow-${dst.name}-from-${src.tier}`;
      spec = { podSelector: sel({ [APP]: dst.name }), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel({ tier: src.tier }) }, { podSelector: sel({ [APP]: src.name }) }], ports: portsOf() }] };
    }
    ns.policies.push(policyDoc(ns.name, uniqueName(ns, name), spec));
    extras--;
  }

  // Stale policies: their pods were decommissioned, so they select nothing (but still cost an evaluator).
  const allNamespaces = [...tenantNamespaces];
  for (let i = 0; i < stale; i++) {
    const ns = rnd.pick(allNamespaces);
    const gone = `legacy-${rnd.pick(WORDS)}-${rnd.int(1, 99)}`;
    const spec = rnd.chance(0.6)
      ? { podSelector: sel({ [APP]: gone }), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: sel({ tier: 'frontend' }) }], ports: [{ port: 8080 }] }] }
      : {
          podSelector: sel(undefined, [{ key: APP, operator: 'In', values: [gone, `${gone}-worker`] }]),
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ namespaceSelector: sel({ [TENANT_LABEL]: ns.tenant.name }) }] }],
          egress: [{ to: [{ ipBlock: { cidr: rnd.pick(PARTNERS) } }], ports: [{ protocol: 'TCP', port: 443 }] }],
        };
    ns.policies.push(policyDoc(ns.name, uniqueName(ns, `${gone}-ingress`), spec, 'Selects nothing: the app was decommissioned.'));
  }

  // The policy the bench edits: the ingress-controller allow of a namespace in the middle of the list,
  // one where nothing else admits the ingress controller (default deny, no Capsule-stamped allow), so
  // that the edit changes connectivity.
  const has = (ns, name) => ns.policies.some((d) => d.object.metadata.name === name);
  const editNs = tenantNamespaces
    .slice(Math.floor(tenantNamespaces.length / 2))
    .find((ns) => has(ns, 'allow-ingress-controller') && has(ns, 'default-deny-all') && !capsuleTenants.has(ns.tenant) && ns.workloads.some((w) => w.tier === 'backend'));

  // Files.
  const files = new Map();
  for (const p of [...platform, ...shared]) {
    const labels = { 'platform.example.com/role': p.role, ...(p.service ? { 'platform.example.com/service': p.service } : {}) };
    files.set(`platform/${p.name}/namespace.yaml`, toYaml([namespaceDoc(p.name, labels)]));
    files.set(`platform/${p.name}/workloads.yaml`, toYaml(p.workloads.map((w) => workloadDoc(p.name, w, 'platform'))));
    if (platformPolicies.has(p.name)) files.set(`platform/${p.name}/networkpolicies.yaml`, toYaml(platformPolicies.get(p.name)));
  }
  for (const t of tenants) {
    const tenant = {
      apiVersion: 'capsule.clastix.io/v1beta2',
      kind: 'Tenant',
      metadata: { name: t.name, labels: { 'platform.example.com/tier': t.tier } },
      spec: {
        owners: [{ name: `${t.team}-admins`, kind: 'Group' }],
        namespaceOptions: { quota: t.namespaces.length + 2 },
        ...(capsuleTenants.has(t)
          ? { networkPolicies: { items: [{ policyTypes: ['Ingress'], podSelector: {}, ingress: [{ from: [{ namespaceSelector: sel({ [TENANT_LABEL]: t.name }) }, { namespaceSelector: sel({ 'platform.example.com/role': 'ingress' }) }] }] }] } }
          : {}),
      },
    };
    files.set(`tenants/${t.name}/tenant.yaml`, toYaml([{ comment: `Tenant ${t.name}: ${t.namespaces.length} namespaces.`, object: tenant }]));
    for (const ns of t.namespaces) {
      const labels = {
        [TENANT_LABEL]: t.name,
        environment: ns.environment,
        team: t.team,
        'pod-security.kubernetes.io/enforce': ns.environment === 'prod' ? 'restricted' : 'baseline',
        ...(ns.shared ? { 'platform.example.com/shared-access': ns.shared } : {}),
      };
      files.set(`tenants/${t.name}/${ns.name}/namespace.yaml`, toYaml([namespaceDoc(ns.name, labels)]));
      files.set(`tenants/${t.name}/${ns.name}/workloads.yaml`, toYaml(ns.workloads.map((w) => workloadDoc(ns.name, w, t.name))));
      if (ns.policies.length > 0) files.set(`tenants/${t.name}/${ns.name}/networkpolicies.yaml`, toYaml(ns.policies));
    }
  }

  const written = platformPolicyCount + tenantNamespaces.reduce((n, ns) => n + ns.policies.length, 0);
  const summary = {
    generator: GENERATOR_VERSION,
    scale,
    seed,
    namespaces: platform.length + shared.length + tenantNamespaces.length,
    platformNamespaces: platform.length + shared.length,
    tenants: tenants.length,
    workloads: platformWorkloads + tenantNamespaces.reduce((n, ns) => n + ns.workloads.length, 0),
    policies: written + materialised,
    policiesWritten: written,
    policiesFromCapsule: materialised,
    policiesSelectingNothing: stale,
    files: files.size,
    bytes: [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0),
    edit: editNs && { file: `tenants/${editNs.tenant.name}/${editNs.name}/networkpolicies.yaml`, namespace: editNs.name, policy: 'allow-ingress-controller' },
  };
  return { files, summary };
}

/** Writes the cluster under `out` (emptied first); returns the summary. */
export function writeCluster(out, options) {
  const { files, summary } = generate(options);
  rmSync(out, { recursive: true, force: true });
  for (const [rel, text] of files) {
    const p = join(out, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  writeFileSync(join(out, 'generated.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i === -1 ? dflt : args[i + 1];
  };
  const scale = Number(opt('--scale', '1'));
  const seed = Number(opt('--seed', '4242'));
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = resolve(opt('--out', join(root, '.bench-out', `cluster-${scale}x`)));
  const started = Date.now();
  const summary = writeCluster(out, { scale, seed });
  console.log(JSON.stringify(summary, null, 2));
  console.log(`written to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
