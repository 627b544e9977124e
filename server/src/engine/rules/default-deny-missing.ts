// default-deny-missing: a namespace where some pods are not isolated for ingress or egress. Without a
// policy that puts every pod of the namespace into default deny, a pod accepts connections from every
// namespace (other tenants included) and can connect anywhere, and a new workload starts open.
//
// A policy repository rarely declares its workloads, so "every pod" is tested with hypothetical pods: one
// without labels, one carrying every key some subject selector requires to be absent, and each declared
// workload of the namespace. A direction is closed for a pod when any policy of any kind (NetworkPolicy,
// CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, the ones Capsule distributes included) selects
// it and isolates that direction — the combination every CNI applies.
//
// Which namespaces: those a Namespace document declares, and tenant namespaces a Tenant lists in its
// status; never the platform's (config.platformNamespaces), namespaces only referenced by a policy or
// workload, or the cluster export's (a finding there could not be fixed in the repository).
import type { Obj } from '../plain';
import { isMap, isSeq } from 'yaml';
import type { DnsConfig } from '../config';
import { finding } from '../model/capsule';
import type { TenantDecl } from '../model/extract';
import { findNode, nodeSpan, type DocumentPlace, type Path } from '../model/locate';
import type { Direction, NamespaceInfo, SourceRef, Workload } from '../model/types';
import type { WorkspaceModel } from '../model/workspace';
import type { YamlNode } from '../parse/document';
import { appendDocument, appendToSequence, placeEdits } from '../fixes/yaml-edit';
import type { Fix, Span } from '../types';
import { networkPolicyDnsRule } from './dns-egress-fix';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

export const DEFAULT_DENY_MISSING = 'default-deny-missing';

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Who is open in one direction: any pod (a hypothetical one is), and which declared workloads. */
interface Opening {
  anyPod: boolean;
  workloads: Workload[];
}

type Openings = Record<Direction, Opening>;

export const defaultDenyMissing: WorkspaceRule = {
  id: DEFAULT_DENY_MISSING,
  check(ctx) {
    const { model, config } = ctx;
    const platform = new Set(config.platformNamespaces);
    const probeKeys = absentKeys(ctx);
    const statusPlaces = tenantStatusPlaces(ctx);
    for (const ns of model.namespaces.values()) {
      // A name the API server rejects (invalid-name) is a namespace that never exists.
      if (platform.has(ns.name) || !DNS_LABEL.test(ns.name)) continue;
      let at: { place: DocumentPlace; span: Span } | undefined;
      if (ns.origin === 'declared' && ns.source) at = namespaceNameAt(ctx, ns.source);
      else if (ns.origin === 'referenced' && ns.tenant) at = statusPlaces.get(ns.name);
      if (!at) continue;
      const open = openings(ctx, ns, probeKeys);
      const directions = DIRECTIONS.filter((d) => open[d].anyPod || open[d].workloads.length > 0);
      if (directions.length === 0) continue;
      const messageId = directions.length === 2 ? 'both' : directions[0];
      const f = finding(DEFAULT_DENY_MISSING, messageId, at.span, message(ns, open, directions));
      f.fixes = fixes(ctx, ns, directions, at.place);
      ctx.report(at.place.uri, f);
    }
  },
};

// ---- detection -------------------------------------------------------------------------------------

function probe(namespace: string, labels: Record<string, string>): Workload {
  return { id: `${namespace}/`, namespace, name: '', kind: 'Pod', labels, ports: [], origin: 'declared' };
}

/**
 * Label keys some subject selector requires to be absent (`DoesNotExist`): a selector like that selects
 * the pod without labels, not every pod, so a second hypothetical pod carries them all.
 */
function absentKeys(ctx: WorkspaceRuleContext): string[] {
  const keys = new Set<string>();
  for (const np of ctx.model.networkPolicies) {
    for (const req of np.podSelector.matchExpressions) if (req.operator === 'DoesNotExist') keys.add(req.key);
  }
  for (const file of ctx.files) {
    for (const p of file.ciliumPolicies) {
      for (const rule of p.rules) {
        if (rule.subject.kind !== 'endpoints') continue;
        for (const req of rule.subject.selector.written) {
          if (req.operator === 'DoesNotExist' && (req.source === 'k8s' || req.source === 'any')) keys.add(req.key);
        }
      }
    }
  }
  return [...keys].sort();
}

function isolated(ctx: WorkspaceRuleContext, w: Workload, d: Direction): boolean {
  return ctx.policiesFor(w.namespace).some((p) => p.isolates(d) && p.selects(w));
}

function openings(ctx: WorkspaceRuleContext, ns: NamespaceInfo, probeKeys: readonly string[]): Openings {
  const probes = [probe(ns.name, {})];
  // A value no selector names: `In` fails on it, `NotIn` and `Exists` pass, as for an unknown pod.
  if (probeKeys.length > 0) probes.push(probe(ns.name, Object.fromEntries(probeKeys.map((k) => [k, 'tenant-policy-any-value']))));
  const workloads = ctx.workloadsIn(ns.name);
  const out = {} as Openings;
  for (const d of DIRECTIONS) {
    out[d] = {
      anyPod: probes.some((p) => !isolated(ctx, p, d)),
      workloads: workloads.filter((w) => !isolated(ctx, w, d)),
    };
  }
  return out;
}

function who(o: Opening): { text: string; plural: boolean } {
  const names = o.workloads.map((w) => `${w.name} (${w.kind})`);
  const list = names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
  if (o.anyPod) return { text: names.length ? `any pod, ${list} included,` : 'any pod', plural: false };
  return { text: `${names.length === 1 ? 'the workload' : 'the workloads'} ${list}`, plural: names.length > 1 };
}

function consequence(d: Direction, plural: boolean): string {
  return d === 'ingress'
    ? `${plural ? 'accept' : 'accepts'} connections from every namespace (other tenants included)`
    : `can connect anywhere (other tenants, the cluster's services, the internet)`;
}

function message(ns: NamespaceInfo, open: Openings, directions: readonly Direction[]): string {
  const subject = `Namespace ${ns.name}${ns.tenant ? ` (tenant ${ns.tenant})` : ''}`;
  const [ingress, egress] = [who(open.ingress), who(open.egress)];
  let detail: string;
  if (directions.length === 2 && ingress.text === egress.text) {
    detail = `${cap1(ingress.text)} ${consequence('ingress', ingress.plural)} and ${consequence('egress', ingress.plural)}.`;
  } else {
    detail = directions.map((d) => `${cap1(who(open[d]).text)} ${consequence(d, who(open[d]).plural)}.`).join(' ');
  }
  const dirs = directions.join(' or ');
  return `${subject} has no default deny for ${dirs}: no policy that selects all of its pods isolates ${directions.length === 2 ? 'these directions' : directions[0]}. `
    + `${detail} Add a NetworkPolicy with podSelector: {} and policyTypes [${directions.map(cap).join(', ')}], or have Capsule distribute one.`;
}

const cap1 = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const cap = (d: Direction) => (d === 'ingress' ? 'Ingress' : 'Egress');

// ---- where ----------------------------------------------------------------------------------------

/** Path of the object that starts at `ref` in its document: `[]` or `['items', i]` for a List item. */
function objectBase(place: DocumentPlace, ref: SourceRef): Path | undefined {
  const local = ref.span.start - place.offset;
  const root = place.parsed.doc.contents as YamlNode | null;
  if (!root?.range) return undefined;
  if (root.range[0] === local) return [];
  const items = isMap(root) ? root.get('items', true) : undefined;
  if (isSeq(items)) {
    const i = items.items.findIndex((n) => (n as YamlNode | null)?.range?.[0] === local);
    if (i !== -1) return ['items', i];
  }
  return undefined;
}

function spanAt(place: DocumentPlace, path: Path): Span | undefined {
  const found = findNode(place.parsed, path);
  const span = found && nodeSpan(place.parsed, found);
  return span && { start: span.start + place.offset, end: span.end + place.offset };
}

function namespaceNameAt(ctx: WorkspaceRuleContext, ref: SourceRef): { place: DocumentPlace; span: Span } | undefined {
  const place = ctx.placeOf(ref);
  const base = place && objectBase(place, ref);
  if (!place || !base) return undefined;
  const span = spanAt(place, [...base, 'metadata', 'name']);
  return span && { place, span };
}

/** Each namespace a declared Tenant lists in its status → the node that names it. */
function tenantStatusPlaces(ctx: WorkspaceRuleContext): Map<string, { place: DocumentPlace; span: Span; tenant: TenantDecl }> {
  const out = new Map<string, { place: DocumentPlace; span: Span; tenant: TenantDecl }>();
  for (const file of ctx.files) {
    if (file.origin !== 'declared') continue;
    for (const t of file.tenants) {
      const place = t.place;
      const status = findNode(place.parsed, [...t.base, 'status']);
      if (!status || !isMap(status.node)) continue;
      const add = (name: unknown, path: Path) => {
        if (typeof name !== 'string' || out.has(name)) return;
        const span = spanAt(place, path);
        if (span) out.set(name, { place, span, tenant: t });
      };
      const namespaces = status.node.get('namespaces', true);
      if (isSeq(namespaces)) namespaces.items.forEach((n, i) => add((n as { value?: unknown })?.value, [...t.base, 'status', 'namespaces', i]));
      const spaces = status.node.get('spaces', true);
      if (isSeq(spaces)) {
        spaces.items.forEach((s, i) => {
          if (isMap(s)) add((s.get('name', true) as { value?: unknown } | undefined)?.value, [...t.base, 'status', 'spaces', i, 'name']);
        });
      }
    }
  }
  return out;
}

// ---- fixes ----------------------------------------------------------------------------------------


/**
 * The default-deny spec for the open directions. An egress default deny without DNS would break every
 * name lookup (dns-egress-missing), so it comes with the DNS rule the DNS rules' own fix writes.
 */
function defaultDenySpec(directions: readonly Direction[], dns: DnsConfig): Obj {
  const spec: Obj = { podSelector: {}, policyTypes: directions.map(cap) };
  if (directions.includes('egress')) spec.egress = [networkPolicyDnsRule(dns)];
  return spec;
}

function uniqueName(taken: ReadonlySet<string>, candidates: readonly string[]): string {
  for (const c of candidates) if (!taken.has(c)) return c;
  for (let i = 2; ; i++) if (!taken.has(`default-deny-${i}`)) return `default-deny-${i}`;
}

function policyName(taken: ReadonlySet<string>, directions: readonly Direction[]): string {
  return uniqueName(taken, ['default-deny', directions.length === 2 ? 'default-deny-all' : `default-deny-${directions[0]}`]);
}

/** The file's whole text, from its `---` documents (they cover it, in order). */
function fileText(ctx: WorkspaceRuleContext, uri: string): string {
  const places: DocumentPlace[] = [];
  for (const f of ctx.files) if (f.uri === uri) places.push(...f.places);
  places.sort((a, b) => a.offset - b.offset);
  return places.map((p) => p.parsed.text).join('');
}

function fixes(ctx: WorkspaceRuleContext, ns: NamespaceInfo, directions: readonly Direction[], place: DocumentPlace): Fix[] {
  const { model, config } = ctx;
  const out: Fix[] = [];
  const text = fileText(ctx, place.uri);
  if (text.length !== ctx.fileEnd(place.uri)) return out;
  const spec = defaultDenySpec(directions, config.dns);
  const types = directions.map(cap).join(' and ');

  const inNamespace = new Set(model.networkPolicies.filter((np) => np.namespace === ns.name).map((np) => np.name));
  out.push({
    title: `Add a default-deny NetworkPolicy (${types}) for namespace ${ns.name}`,
    edits: [appendDocument(text, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: policyName(inNamespace, directions), namespace: ns.name },
      spec,
    })],
  });

  if (!ns.tenant) return out;
  // Capsule creates the rawItem in every tenant namespace: its name must be free in all of them.
  const tenantNamespaces = new Set([...model.namespaces.values()].filter((n) => n.tenant).map((n) => n.name));
  const inTenants = new Set(model.networkPolicies.filter((np) => tenantNamespaces.has(np.namespace)).map((np) => np.name));
  const gtrNames = new Set(ctx.files.flatMap((f) => f.replications.filter((r) => r.kind === 'GlobalTenantResource').map((r) => r.name)));
  out.push({
    title: `Add a GlobalTenantResource with a default-deny NetworkPolicy (${types}) for every tenant`,
    edits: [appendDocument(text, {
      apiVersion: 'capsule.clastix.io/v1beta2',
      kind: 'GlobalTenantResource',
      metadata: { name: uniqueName(gtrNames, ['default-deny', 'tenant-default-deny']) },
      spec: {
        resyncPeriod: '60s',
        resources: [{
          rawItems: [{
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: policyName(inTenants, directions) },
            spec,
          }],
        }],
      },
    }, undefined, 'Capsule creates this default deny in every namespace of every tenant, present and future.')],
  });

  // The deprecated Tenant field, only where this file's Tenant already distributes policies with it.
  const tenant = ctx.files.flatMap((f) => f.tenants).find((t) => t.info.name === ns.tenant && t.place.uri === place.uri && t.networkPolicyItems.length > 0);
  if (tenant) {
    const edits = appendToSequence(tenant.place.parsed, [...tenant.base, 'spec', 'networkPolicies', 'items'], spec);
    if (edits.length > 0) {
      out.push({ title: `Add a default-deny policy (${types}) to Tenant ${tenant.info.name}'s networkPolicies`, edits: placeEdits(edits, tenant.place.offset) });
    }
  }
  return out;
}
