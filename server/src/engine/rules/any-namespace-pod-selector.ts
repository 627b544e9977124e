// any-namespace-pod-selector: a peer that selects pods by label in every namespace. Pod labels are
// whatever the pod's author writes, and every tenant owner can create pods in their own namespaces, so
// "pods labelled app=prometheus anywhere" is "any tenant who labels a pod app=prometheus". NetworkPolicy:
// `namespaceSelector: {}` with a non-empty `podSelector` in one peer. Cilium: a fromEndpoints/toEndpoints
// selector that does not pin a namespace — in a CiliumClusterwideNetworkPolicy a selector without
// `io.kubernetes.pod.namespace` matches every namespace (SOURCES.md §4, utils.go getEndpointSelector),
// and in either kind `io.kubernetes.pod.namespace` with only `Exists` says so explicitly.
// Not reported: both selectors empty (every pod everywhere: cross-tenant-peer's finding), selectors on
// `reserved:` labels (host, world, …, which no pod carries), selectors on namespace labels
// (`io.cilium.k8s.namespace.labels.*`: spoofable-namespace-label's concern), and deny rules (denying
// too much isolates, it does not open).
import { isMap } from 'yaml';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, splitLabelKey } from '../model/cilium';
import { NAME_LABEL } from '../model/capsule';
import type { YamlNode } from '../parse/document';
import type { Seg } from '../schema/report';
import { isEmptySelector, parseSelector, selectorText } from '../semantics/selector';
import type { Span } from '../types';
import { ciliumRules, isObj, networkPolicySpecs } from './targets';
import type { ObjectRule, ObjectRuleContext } from './types';

const ID = 'any-namespace-pod-selector';

/** Every namespace carries `kubernetes.io/metadata.name`, so `Exists` on it is `{}` in other words. */

function check(ctx: ObjectRuleContext): void {
  if (ctx.kind === 'CiliumNetworkPolicy' || ctx.kind === 'CiliumClusterwideNetworkPolicy') checkCilium(ctx);
  else checkNetworkPolicy(ctx);
}

function checkNetworkPolicy(ctx: ObjectRuleContext): void {
  const { reporter } = ctx;
  for (const { spec, path } of networkPolicySpecs(ctx)) {
    for (const [list, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = spec[list];
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, r) => {
        const peers = isObj(rule) ? rule[peersKey] : undefined;
        if (!Array.isArray(peers)) return;
        peers.forEach((peer, p) => {
          if (!isObj(peer) || !isObj(peer.namespaceSelector) || !isObj(peer.podSelector)) return;
          const ns = parseSelector(peer.namespaceSelector).selector;
          const pods = parseSelector(peer.podSelector).selector;
          if (ns.invalid || pods.invalid || isEmptySelector(pods)) return;
          const everyNamespace = Object.keys(ns.matchLabels).length === 0 && ns.matchExpressions.every((e) => e.key === NAME_LABEL && e.operator === 'Exists');
          if (!everyNamespace) return;
          const who = peersKey === 'from' ? 'admits traffic from' : 'admits traffic to';
          const message =
            `This namespaceSelector matches every namespace, so this peer ${who} pods matching ${selectorText(pods)} in any namespace: ` +
            `any tenant owner can run a pod with these labels in their own namespace and be admitted. ` +
            `Name the namespaces the pods run in, e.g. namespaceSelector.matchLabels with kubernetes.io/metadata.name: <namespace>.`;
          reporter.add(ID, 'anyNamespace', reporter.keySpan([...path, list, r, peersKey, p, 'namespaceSelector'], ctx.base), message);
        });
      });
    }
  }
}

interface Req {
  source: string;
  key: string;
  operator: string;
}

function checkCilium(ctx: ObjectRuleContext): void {
  const { reporter } = ctx;
  const clusterwide = ctx.kind === 'CiliumClusterwideNetworkPolicy';
  for (const { rule, path } of ciliumRules(ctx)) {
    for (const [list, peersKey] of [['ingress', 'fromEndpoints'], ['egress', 'toEndpoints']] as const) {
      const rules = rule[list];
      if (!Array.isArray(rules)) continue;
      rules.forEach((r, i) => {
        const selectors = isObj(r) ? r[peersKey] : undefined;
        if (!Array.isArray(selectors)) return;
        selectors.forEach((sel, s) => {
          if (!isObj(sel)) return;
          const parsed = parseSelector(sel).selector;
          if (parsed.invalid) return;
          const reqs: Req[] = [
            ...Object.keys(parsed.matchLabels).map((k) => ({ ...splitLabelKey(k), operator: 'In' })),
            ...parsed.matchExpressions.map((e) => ({ ...splitLabelKey(e.key), operator: e.operator })),
          ];
          if (reqs.some((q) => q.source === 'reserved')) return;
          const podLabel = (q: Req) => q.source === 'k8s' || q.source === 'any';
          if (reqs.some((q) => podLabel(q) && q.key.startsWith(NAMESPACE_LABELS_PREFIX))) return;
          const nsReqs = reqs.filter((q) => podLabel(q) && q.key === POD_NAMESPACE_LABEL);
          const others = reqs.filter((q) => !(podLabel(q) && q.key === POD_NAMESPACE_LABEL));
          if (others.length === 0) return;
          const unpinned = nsReqs.length === 0 ? clusterwide : nsReqs.every((q) => q.operator === 'Exists');
          if (!unpinned) return;
          const labels = selectorText({
            matchLabels: Object.fromEntries(Object.entries(parsed.matchLabels).filter(([k]) => splitLabelKey(k).key !== POD_NAMESPACE_LABEL)),
            matchExpressions: parsed.matchExpressions.filter((e) => splitLabelKey(e.key).key !== POD_NAMESPACE_LABEL),
          });
          const why = nsReqs.length === 0
            ? `In a CiliumClusterwideNetworkPolicy an endpoint selector without ${POD_NAMESPACE_LABEL} matches pods of every namespace`
            : `${POD_NAMESPACE_LABEL} with operator Exists matches pods of every namespace`;
          const who = peersKey === 'fromEndpoints' ? 'admits traffic from' : 'admits traffic to';
          const message =
            `${why}, so this selector ${who} pods matching ${labels} anywhere in the cluster: ` +
            `any tenant owner can run a pod with these labels in their own namespace and be admitted. ` +
            `Pin the namespace: ${nsReqs.length === 0 ? 'add' : 'instead of Exists, write'} k8s:${POD_NAMESPACE_LABEL}: <namespace> in matchLabels (or an In expression for several namespaces).`;
          const at: Seg[] = [...path, list, i, peersKey, s];
          reporter.add(ID, nsReqs.length === 0 ? 'clusterwideEndpoints' : 'anyNamespaceEndpoints', selectorSpan(ctx, at), message);
        });
      });
    }
  }
}

/** A block selector's first key (`matchLabels`), a flow one whole: the line that starts the selector. */
function selectorSpan(ctx: ObjectRuleContext, at: Seg[]): Span {
  const { node } = ctx.reporter.locate(at);
  const first = isMap(node) && !node.flow ? (node.items[0]?.key as YamlNode | undefined) : undefined;
  return first?.range ? ctx.reporter.spanOf(first) : ctx.reporter.keySpan(at, ctx.base);
}

export const anyNamespacePodSelectorRule: ObjectRule = {
  id: ID,
  kinds: ['NetworkPolicy', 'Tenant', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'],
  check,
};
