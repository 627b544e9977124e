// Hypothetical pods for namespaces without declared workloads, shared by the workspace rules that judge
// pods (the DNS trap, connectivity expectations).
//
// A policy repository declares Namespaces and policies but rarely pods. A pod without labels stands for
// only part of what will run there: a policy that selects `app: vault` may isolate, or admit, exactly the
// pods that matter. So each policy that selects pods in such a namespace yields one probe pod carrying
// just the labels its selector needs (matchLabels; In with its first value; Exists with a placeholder).
// A selector no set of labels satisfies, or one the engine cannot turn into pod labels (Cilium reserved
// or namespace labels), yields none.
import { isMap } from 'yaml';
import { isObj, renderDeep, type Obj } from '../model/capsule';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, splitLabelKey } from '../model/cilium';
import { findNode, type DocumentPlace, type Path } from '../model/locate';
import type { Labels, NetworkPolicyModel, Workload } from '../model/types';
import type { PolicyEffect, WorkspaceModel } from '../model/workspace';
import { toPlain, walkNodes, type YamlNode } from '../parse/document';
import { selectorText } from '../semantics/selector';
import type { WorkspaceRuleContext } from './types';

/** A hypothetical pod standing for the pods one policy selects in a namespace without workloads. */
export interface ProbePod {
  workload: Workload;
  /** The selector it satisfies, as text (`app=vault`, `all`). */
  selector: string;
}

export function networkPolicyOf(effect: PolicyEffect): NetworkPolicyModel | undefined {
  const o = effect.origin as NetworkPolicyModel | undefined;
  return effect.kind === 'NetworkPolicy' && o?.kind === 'NetworkPolicy' ? o : undefined;
}

/** The path of the shallowest node that starts at a local offset (a policy, a Tenant item, a rawItem). */
export function objectPathAt(place: DocumentPlace, local: number): Path | undefined {
  for (const { node, path } of walkNodes(place.parsed.doc.contents as YamlNode | null)) {
    if (node.range && node.range[0] === local && isMap(node)) return path;
  }
  return undefined;
}

/** The Cilium rule (`spec`, `specs[i]`) a policy effect stands for, relative to its object. */
export function ciliumRulePath(place: DocumentPlace, objectPath: Path, id: string): Path {
  const m = /#specs\[(\d+)\]$/.exec(id);
  if (m) return ['specs', Number(m[1])];
  if (id.endsWith('#spec')) return ['spec'];
  return isMap(findNode(place.parsed, [...objectPath, 'spec'])?.node) ? ['spec'] : ['specs', 0];
}

export function probePod(namespace: string, labels: Labels, selector: string): ProbePod {
  const workload: Workload = { id: `${namespace}/(any pod)`, namespace, name: '(any pod)', kind: 'Pod', labels, ports: [], origin: 'inventory' };
  return { workload, selector };
}

/**
 * The probe pods of one policy: in each namespace without workloads (`withWorkloads` excluded) where it
 * selects pods, one pod with the labels its selector needs, kept only when the policy does select it.
 */
export function probePods(ctx: WorkspaceRuleContext, model: WorkspaceModel, effect: PolicyEffect, withWorkloads: ReadonlySet<string>): ProbePod[] {
  return candidatePods(ctx, model, effect, withWorkloads).filter((p) => effect.selects(p.workload));
}

/** Probe pods for every policy that selects pods in the namespace (which has no workloads), deduplicated. */
export function namespaceProbePods(ctx: WorkspaceRuleContext, model: WorkspaceModel, namespace: string, policies: readonly PolicyEffect[] = model.policies): ProbePod[] {
  const out: ProbePod[] = [];
  const seen = new Set<string>();
  const others = new Set([...model.namespaces.keys(), ...model.workloads.map((w) => w.namespace)].filter((n) => n !== namespace));
  for (const effect of policies) {
    const ns = policyNamespace(effect);
    if (ns !== undefined && ns !== namespace) continue;
    for (const p of probePods(ctx, model, effect, others)) {
      if (p.workload.namespace !== namespace) continue;
      const key = JSON.stringify(Object.entries(p.workload.labels).sort());
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/** The namespace whose pods a policy can select; undefined for a clusterwide policy. */
export function policyNamespace(effect: PolicyEffect): string | undefined {
  const np = networkPolicyOf(effect);
  if (np) return np.namespace;
  const slash = effect.id.indexOf('/');
  return effect.kind === 'CiliumNetworkPolicy' && slash > 0 ? effect.id.slice(0, slash) : undefined;
}

function candidatePods(ctx: WorkspaceRuleContext, model: WorkspaceModel, effect: PolicyEffect, withWorkloads: ReadonlySet<string>): ProbePod[] {
  const np = networkPolicyOf(effect);
  if (np) {
    if (withWorkloads.has(np.namespace) || np.podSelector.invalid) return [];
    return [probePod(np.namespace, minimalLabels(np.podSelector.matchLabels, np.podSelector.matchExpressions), selectorText(np.podSelector))];
  }
  if (!effect.kind.startsWith('Cilium')) return [];
  const namespace = policyNamespace(effect);
  const place = ctx.placeOf(effect.source);
  const at = place && objectPathAt(place, effect.source.span.start - place.offset);
  if (!place || !at) return [];
  const found = findNode(place.parsed, [...at, ...ciliumRulePath(place, at, effect.id)]);
  let rule = found?.node ? toPlain(found.node).value : undefined;
  if (!isObj(rule) || !isObj(rule.endpointSelector)) return [];
  if (namespace !== undefined) rule = renderDeep(rule, { tenantName: model.namespaces.get(namespace)?.tenant ?? '', namespace }) as Obj;
  const sel = ciliumPodSelector((rule as Obj).endpointSelector as Obj);
  if (!sel) return [];
  let namespaces: string[];
  if (namespace !== undefined) namespaces = sel.namespace === undefined || sel.namespace === namespace ? [namespace] : [];
  else if (sel.namespace !== undefined) namespaces = [sel.namespace];
  else {
    // A clusterwide policy: a pod in every namespace the workspace knows, or in `default` when it knows none.
    namespaces = [...model.namespaces.keys()];
    if (namespaces.length === 0) namespaces = ['default'];
  }
  return namespaces.filter((ns) => !withWorkloads.has(ns)).map((ns) => probePod(ns, sel.labels, sel.text));
}

/** Labels that satisfy a selector with as little as possible: what every selected pod carries. */
function minimalLabels(matchLabels: Labels, expressions: readonly { key: string; operator: string; values: string[] }[]): Labels {
  const labels: Labels = { ...matchLabels };
  for (const r of expressions) {
    if (r.key in labels) continue;
    if (r.operator === 'In' && r.values.length > 0) labels[r.key] = r.values[0];
    else if (r.operator === 'Exists') labels[r.key] = 'true';
  }
  return labels;
}

/** A Cilium endpointSelector as pod labels: the pinned namespace, the pod labels, and a readable text. */
function ciliumPodSelector(sel: Obj): { namespace?: string; labels: Labels; text: string } | undefined {
  const labels: Labels = {};
  const text: string[] = [];
  let namespace: string | undefined;
  const expressions: { key: string; operator: string; values: string[] }[] = [];
  const take = (written: string): string | undefined => {
    const { source, key } = splitLabelKey(written);
    // Selectors on reserved labels (host policies) or namespace labels do not describe a pod we can make.
    if (source !== 'k8s' && source !== 'any') return undefined;
    return key;
  };
  for (const [k, v] of Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {})) {
    const key = take(k);
    if (key === undefined || typeof v !== 'string') return undefined;
    if (key === POD_NAMESPACE_LABEL) namespace = v;
    else if (key.startsWith(NAMESPACE_LABELS_PREFIX)) return undefined;
    else {
      labels[key] = v;
      text.push(`${key}=${v}`);
    }
  }
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isObj(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return undefined;
    const key = take(e.key);
    if (key === undefined || key.startsWith(NAMESPACE_LABELS_PREFIX)) return undefined;
    const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : [];
    if (key === POD_NAMESPACE_LABEL) {
      if (e.operator === 'In' && values.length === 1) namespace = values[0];
      else return undefined;
      continue;
    }
    expressions.push({ key, operator: e.operator, values });
    text.push(e.operator === 'Exists' ? key : e.operator === 'DoesNotExist' ? `!${key}` : `${key} ${e.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`);
  }
  Object.assign(labels, minimalLabels({}, expressions.filter((x) => !(x.key in labels))));
  return { namespace, labels, text: text.length === 0 ? 'all' : text.join(', ') };
}
