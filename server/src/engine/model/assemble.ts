// Files → WorkspaceModel: merges what every file declares (the workspace wins over the cluster export),
// resolves tenant membership and the labels Capsule stamps on namespaces, adds namespaces that are only
// referenced, materialises the policies Capsule will create, and wraps every policy for the evaluator.
import type { ProjectConfig } from '../config';
import { applySuppressions } from '../suppress';
import { runWorkspaceRules } from '../rules/run';
import type { Finding } from '../types';
import { ciliumPolicyEffects } from '../semantics/cilium';
import { networkPolicyEffect } from '../semantics/netpol';
import {
  applyTenants,
  finding,
  isObj,
  NAME_LABEL,
  renderDeep,
  renderTemplate,
  selects,
  TENANT_LABEL,
  type NamespaceDraft,
  type Obj,
  type TemplateContext,
} from './capsule';
import { ciliumPolicyFromDocument, type CiliumPolicyModel } from './cilium';
import type { FileModel, RawItemSource, ReplicationSource, TenantDecl, WorkloadDecl } from './extract';
import { makeFindingLocator, makeLocator, type DocumentPlace } from './locate';
import { networkPolicyFromSpec } from './networkpolicy';
import { reportablePlaceholders } from '../schema/templates';
import type { YamlNode } from '../parse/document';
import type { CapsuleOrigin, ContainerPort, NamespaceInfo, NetworkPolicyModel, TenantInfo, Workload } from './types';
import type { PolicyEffect, WorkspaceModel } from './workspace';

export interface AssembledModel extends WorkspaceModel {
  /**
   * Every policy Capsule creates, in the order it was materialised, each with its `capsule` origin. It
   * includes those a declared policy of the same id replaced (a rendered copy committed next to its
   * Tenant): they are not evaluated, but go to definition still leads from the copy to its item.
   */
  materialised: (NetworkPolicyModel | CiliumPolicyModel)[];
}

export interface BuildOptions {
  /** With a configuration, the workspace rules (isolation, DNS, cross-tenant…) run and add findings. */
  config?: ProjectConfig;
}

const ORIGIN_RANK = { declared: 0, inventory: 1 } as const;

export function buildWorkspaceModel(files: FileModel[], options: BuildOptions = {}): AssembledModel {
  // The workspace first: on a conflict (same namespace, workload or tenant) its declaration wins.
  const ordered = [...files].sort((a, b) => ORIGIN_RANK[a.origin] - ORIGIN_RANK[b.origin]);
  const findings = new Map<string, Finding[]>();
  const seenFindings = new Set<string>();
  const addFinding = (uri: string, f: Finding) => {
    const key = `${uri}|${f.ruleId}|${f.messageId}|${f.span.start}|${f.span.end}`;
    if (seenFindings.has(key)) return;
    seenFindings.add(key);
    let list = findings.get(uri);
    if (!list) findings.set(uri, (list = []));
    list.push(f);
  };
  for (const file of files) for (const f of file.findings) addFinding(file.uri, f);

  // Tenants.
  const tenants = new Map<string, TenantDecl>();
  for (const file of ordered) for (const t of file.tenants) if (!tenants.has(t.info.name)) tenants.set(t.info.name, t);

  // Namespaces: declared, then referenced by a workload, policy, TenantResource or Tenant status.
  const drafts = new Map<string, NamespaceDraft>();
  for (const file of ordered) {
    for (const ns of file.namespaces) {
      if (drafts.has(ns.name)) continue;
      const draft: NamespaceDraft = { name: ns.name, labels: { ...ns.labels }, origin: ns.origin, source: ns.source };
      if (ns.ownerTenant) draft.ownerTenant = ns.ownerTenant;
      drafts.set(ns.name, draft);
    }
  }
  const reference = (name: string) => {
    if (name && !drafts.has(name)) drafts.set(name, { name, labels: { [NAME_LABEL]: name }, origin: 'referenced' });
  };
  for (const file of ordered) for (const n of file.referencedNamespaces) reference(n);
  const workloads = mergeWorkloads(ordered);
  for (const w of workloads) reference(w.namespace);
  applyTenants(drafts, tenants);

  // Policies: the workspace's own, then what Capsule will create, then the cluster export's. Ids are
  // unique: on a clash (a rendered copy committed next to its Tenant, an export of a Capsule-made
  // policy) the first of these wins, so the text the user edits is the policy the analysis evaluates.
  const netpols: NetworkPolicyModel[] = [];
  const cilium: CiliumPolicyModel[] = [];
  const ids = new Set<string>();
  const ciliumIds = new Set<string>();
  const addNetpol = (np: NetworkPolicyModel) => {
    if (ids.has(np.id)) return;
    ids.add(np.id);
    netpols.push(np);
  };
  const addCilium = (p: CiliumPolicyModel) => {
    if (ciliumIds.has(p.id)) return;
    ciliumIds.add(p.id);
    cilium.push(p);
  };
  for (const file of ordered.filter((f) => f.origin === 'declared')) {
    file.networkPolicies.forEach(addNetpol);
    file.ciliumPolicies.forEach(addCilium);
  }
  const expansion = expandCapsule(ordered, tenants, drafts, addFinding);
  expansion.networkPolicies.forEach(addNetpol);
  expansion.ciliumPolicies.forEach(addCilium);
  for (const file of ordered.filter((f) => f.origin === 'inventory')) {
    file.networkPolicies.forEach(addNetpol);
    file.ciliumPolicies.forEach(addCilium);
  }
  // A policy Capsule renders into a namespace (scope Tenant/None) that nothing declares.
  const before = new Set(drafts.keys());
  for (const np of netpols) reference(np.namespace);
  for (const p of cilium) if (p.namespace) reference(p.namespace);
  if (drafts.size !== before.size) applyTenants(new Map([...drafts].filter(([k]) => !before.has(k))), tenants);

  const namespaces = new Map<string, NamespaceInfo>();
  for (const d of [...drafts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const info: NamespaceInfo = { name: d.name, labels: d.labels, origin: d.origin };
    if (d.tenant) info.tenant = d.tenant;
    if (d.source) info.source = d.source;
    namespaces.set(d.name, info);
  }
  const tenantInfos = new Map<string, TenantInfo>();
  for (const [name, t] of tenants) tenantInfos.set(name, t.info);

  const model: AssembledModel = {
    namespaces,
    workloads,
    tenants: tenantInfos,
    networkPolicies: netpols,
    policies: [],
    findings,
    materialised: [...expansion.networkPolicies, ...expansion.ciliumPolicies],
  };
  const policies: PolicyEffect[] = [];
  for (const np of netpols) policies.push(networkPolicyEffect(np, model));
  // One effect per Cilium rule (spec, specs[i]): each has its own subject and default deny.
  for (const p of cilium) policies.push(...ciliumPolicyEffects(p, model));
  model.policies = policies;
  if (options.config) runWorkspaceRules(model, files, options.config);
  return model;
}

// ---- workloads -------------------------------------------------------------------------------------

/**
 * One peer per workload: a declared controller, or the pods of one owner merged (the first pod's labels,
 * the union of their ports). A controller declared under the same `namespace/name` is the same peer as
 * its pods. In a cluster export, a pod owned by ReplicaSet `<deployment>-<pod-template-hash>` belongs to
 * that Deployment when the export has it (kubectl does not list ReplicaSets), as the Deployment
 * controller names its ReplicaSets.
 */
function mergeWorkloads(files: FileModel[]): Workload[] {
  const all: WorkloadDecl[] = [];
  for (const f of files) all.push(...f.workloads);
  const deployments = new Set(all.filter((w) => w.kind === 'Deployment' && !w.fromPod).map((w) => w.id));
  const candidates = all.map((w, order) => ({ w: inventoryOwner(w, deployments), order }));
  candidates.sort((a, b) =>
    ORIGIN_RANK[a.w.origin] - ORIGIN_RANK[b.w.origin] || Number(!!a.w.fromPod) - Number(!!b.w.fromPod) || a.order - b.order);
  const byId = new Map<string, { workload: Workload; fromPods: boolean }>();
  const order: string[] = [];
  for (const { w } of candidates) {
    const existing = byId.get(w.id);
    if (!existing) {
      const workload: Workload = { id: w.id, namespace: w.namespace, name: w.name, kind: w.kind, labels: w.labels, ports: [...w.ports], origin: w.origin };
      if (w.source) workload.source = w.source;
      byId.set(w.id, { workload, fromPods: !!w.fromPod });
      order.push(w.id);
    } else if (existing.fromPods && w.fromPod) {
      existing.workload.ports = unionPorts(existing.workload.ports, w.ports);
    }
  }
  // File order, as written: stable output for the CLI and tests.
  const position = new Map<string, number>();
  candidates.forEach(({ w, order: i }) => {
    if (!position.has(w.id) || position.get(w.id)! > i) position.set(w.id, i);
  });
  return order.map((id) => byId.get(id)!.workload).sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
}

function inventoryOwner(w: WorkloadDecl, deployments: ReadonlySet<string>): WorkloadDecl {
  const hash = w.fromPod?.templateHash;
  if (w.origin !== 'inventory' || w.kind !== 'ReplicaSet' || !hash || !w.name.endsWith(`-${hash}`)) return w;
  const name = w.name.slice(0, -hash.length - 1);
  const id = `${w.namespace}/${name}`;
  return deployments.has(id) ? { ...w, id, name, kind: 'Deployment' } : w;
}

function unionPorts(a: ContainerPort[], b: readonly ContainerPort[]): ContainerPort[] {
  const key = (p: ContainerPort) => `${p.name ?? ''}|${p.port}|${p.protocol}`;
  const seen = new Set(a.map(key));
  const out = [...a];
  for (const p of b) if (!seen.has(key(p))) {
    seen.add(key(p));
    out.push(p);
  }
  return out;
}

// ---- Capsule expansion -----------------------------------------------------------------------------

interface Expansion {
  networkPolicies: NetworkPolicyModel[];
  ciliumPolicies: CiliumPolicyModel[];
}

function expandCapsule(
  files: FileModel[],
  tenants: ReadonlyMap<string, TenantDecl>,
  namespaces: ReadonlyMap<string, NamespaceDraft>,
  addFinding: (uri: string, f: Finding) => void,
): Expansion {
  const out: Expansion = { networkPolicies: [], ciliumPolicies: [] };
  const members = new Map<string, NamespaceDraft[]>();
  for (const ns of namespaces.values()) {
    const t = ns.labels[TENANT_LABEL];
    if (!t) continue;
    let list = members.get(t);
    if (!list) members.set(t, (list = []));
    list.push(ns);
  }
  const guard = (place: DocumentPlace, path: readonly (string | number)[], f: () => void) => {
    try {
      f();
    } catch (e) {
      const span = makeFindingLocator(place)(path) ?? { start: place.offset, end: place.offset };
      addFinding(place.uri, finding('schema', 'modelError', span,
        `tenant-policy could not materialise what Capsule creates from this item (internal error: ${(e as Error)?.message ?? String(e)}); it is left out of the reachability analysis. Please report it.`, 'information'));
    }
  };

  // Tenant spec.networkPolicies.items → `capsule-<tenant>-<i>` in every namespace of the tenant.
  for (const tenant of tenants.values()) {
    if (tenant.networkPolicyItems.length === 0) continue;
    const locate = makeLocator(tenant.place, { base: tenant.base });
    for (const item of tenant.networkPolicyItems) {
      guard(tenant.place, [...tenant.base, ...item.path], () => {
        for (const ns of members.get(tenant.info.name) ?? []) {
          const { model, findings } = networkPolicyFromSpec(item.spec ?? {}, { namespace: ns.name, name: `capsule-${tenant.info.name}-${item.index}` }, locate, [...item.path], tenant.place.uri);
          for (const f of findings) addFinding(tenant.place.uri, f);
          if (!model) continue;
          model.source = item.source;
          model.capsule = { kind: 'Tenant', name: tenant.info.name, tenant: tenant.info.name, source: item.source };
          out.networkPolicies.push(model);
        }
      });
    }
  }

  // TenantResource / GlobalTenantResource rawItems.
  for (const file of files) {
    for (const rep of file.replications) {
      for (const target of replicationTargets(rep, tenants, namespaces, members)) {
        const resource = rep.resources.find((r) => r.index === target.resource);
        if (!resource) continue;
        for (const item of resource.rawItems) {
          guard(rep.place, item.path, () => {
            const rendered = renderRawItem(item, target, rep, addFinding);
            if (!rendered) return;
            const origin: CapsuleOrigin = { kind: rep.kind, name: rep.name, tenant: target.ctx.tenantName, source: item.source };
            const locate = makeLocator(rep.place, { base: item.path, renderKey: (k) => renderTemplate(k, target.ctx), overrides: overridesOf(rep.place) });
            const meta = isObj(rendered.metadata) ? rendered.metadata : {};
            if (rendered.kind === 'NetworkPolicy') {
              const name = typeof meta.name === 'string' ? meta.name : '';
              const { model, findings } = networkPolicyFromSpec(rendered.spec ?? {}, { namespace: String(meta.namespace), name }, locate, ['spec'], rep.place.uri);
              for (const f of findings) addFinding(rep.place.uri, f);
              if (!model) return;
              model.source = item.source;
              model.capsule = origin;
              out.networkPolicies.push(model);
            } else if (rendered.kind === 'CiliumNetworkPolicy' || rendered.kind === 'CiliumClusterwideNetworkPolicy') {
              const findingSpan = makeFindingLocator(rep.place, { base: item.path, renderKey: (k) => renderTemplate(k, target.ctx), overrides: overridesOf(rep.place) });
              const { model, findings } = ciliumPolicyFromDocument(rendered, rendered.kind, locate, rep.place.uri, { findingSpan });
              for (const f of findings) addFinding(rep.place.uri, f);
              if (!model) return;
              model.source = item.source;
              model.capsule = origin;
              out.ciliumPolicies.push(model);
            }
          });
        }
      }
    }
  }
  return out;
}

interface Target {
  resource: number;
  ctx: TemplateContext;
  /** The namespace Capsule forces on the object (scope Namespace, TenantResource); else as rendered. */
  namespace?: string;
}

/**
 * internal/controllers/resources (global.go, collect.go): a TenantResource renders in the namespaces of
 * its own namespace's tenant; a GlobalTenantResource in those of every tenant its tenantSelector picks
 * (scope Namespace, the default), once per tenant (scope Tenant) or once for the cluster, with the tenant
 * name `None` (scope None). Namespaces are those with `capsule.clastix.io/tenant=<tenant>` that the
 * resource's namespaceSelector picks.
 */
function replicationTargets(
  rep: ReplicationSource,
  tenants: ReadonlyMap<string, TenantDecl>,
  namespaces: ReadonlyMap<string, NamespaceDraft>,
  members: ReadonlyMap<string, NamespaceDraft[]>,
): Target[] {
  const out: Target[] = [];
  let tenantNames: string[];
  if (rep.kind === 'TenantResource') {
    const own = rep.namespace ? namespaces.get(rep.namespace)?.tenant : undefined;
    tenantNames = own ? [own] : [];
  } else {
    tenantNames = [...tenants.values()].filter((t) => selects(rep.tenantSelector, t.info.labels)).map((t) => t.info.name);
  }
  for (const res of rep.resources) {
    if (res.rawItems.length === 0) continue;
    const scope = rep.kind === 'TenantResource' ? 'Namespace' : rep.scope;
    if (scope === 'None') {
      out.push({ resource: res.index, ctx: { tenantName: 'None', namespace: '' } });
      continue;
    }
    for (const tenant of tenantNames) {
      if (scope === 'Tenant') {
        out.push({ resource: res.index, ctx: { tenantName: tenant, namespace: '' } });
        continue;
      }
      for (const ns of members.get(tenant) ?? []) {
        if (!selects(res.namespaceSelector, ns.labels)) continue;
        out.push({ resource: res.index, ctx: { tenantName: tenant, namespace: ns.name }, namespace: ns.name });
      }
    }
  }
  return out;
}

/** The rawItem as Capsule creates it for one target; undefined (with a finding) when it cannot be created. */
function renderRawItem(item: RawItemSource, target: Target, rep: ReplicationSource, addFinding: (uri: string, f: Finding) => void): Obj | undefined {
  const rendered = renderDeep(item.value, target.ctx);
  if (!isObj(rendered)) return undefined;
  const meta: Obj = isObj(rendered.metadata) ? { ...rendered.metadata } : {};
  if (rendered.kind === 'CiliumClusterwideNetworkPolicy') {
    // collect.go validateClusterScopedObjectAllowed: with a target namespace (scope Namespace, a
    // TenantResource) Capsule refuses cluster-scoped kinds; scopes Tenant and None create them.
    if (target.namespace === undefined) return rendered;
    const span = makeFindingLocator(rep.place)(item.path);
    if (span) {
      addFinding(rep.place.uri, finding('capsule-not-modelled', 'clusterScoped', span,
        `Capsule refuses to replicate a cluster-scoped CiliumClusterwideNetworkPolicy into namespaces (${rep.kind === 'TenantResource' ? 'a TenantResource always targets namespaces' : 'use scope Tenant or None'}); it is not created, and the reachability analysis leaves it out.`, 'warning'));
    }
    return undefined;
  }
  if (target.namespace !== undefined) meta.namespace = target.namespace;
  rendered.metadata = meta;
  if (rendered.kind === 'NetworkPolicy' || rendered.kind === 'CiliumNetworkPolicy') {
    if (typeof meta.namespace !== 'string' || meta.namespace === '') {
      const span = makeFindingLocator(rep.place)(item.path);
      if (span) {
        addFinding(rep.place.uri, finding('capsule-not-modelled', 'noNamespace', span,
          `With scope ${rep.scope} Capsule creates this ${String(rendered.kind)} in the namespace it names, and it names none${target.ctx.tenantName === 'None' ? '' : ` for tenant ${target.ctx.tenantName}`}; Capsule fails to create it, and the reachability analysis leaves it out.`, 'warning'));
      }
      return undefined;
    }
  }
  return rendered;
}

function overridesOf(place: DocumentPlace): ReadonlyMap<YamlNode, unknown> | undefined {
  const placeholders = reportablePlaceholders(place.parsed);
  return placeholders.length ? new Map<YamlNode, unknown>(placeholders.map((p) => [p.node, p.text])) : undefined;
}

/**
 * The model's findings for one file as users see them, like Engine.analyzeFile's: severities from the
 * configuration (`off` drops a rule), then suppression comments, sorted by position.
 */
export function modelFindingsForFile(model: WorkspaceModel, uri: string, text: string, config: Pick<ProjectConfig, 'rules'>): Finding[] {
  const out: Finding[] = [];
  for (const f of model.findings.get(uri) ?? []) {
    const setting = config.rules[f.ruleId];
    if (setting === 'off') continue;
    out.push(setting ? { ...f, severity: setting } : f);
  }
  const kept = applySuppressions(text, out);
  kept.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return kept;
}
