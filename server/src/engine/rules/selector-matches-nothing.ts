// selector-matches-nothing: a NetworkPolicy selector that matches no namespace or workload the analysis
// knows — usually a typo in a label, or a label only some clusters put on namespaces. A peer that
// matches nothing admits nothing (the traffic its author meant to allow stays blocked), and a policy
// whose podSelector selects nothing protects nothing.
//
// Only when the workspace is complete enough to say so: a namespaceSelector when a cluster export was
// given, or when namespaces are declared and none can appear at runtime (no Capsule tenant in the
// workspace, no tenant label in the selector: tenant owners create namespaces that no repository
// declares); a podSelector only when every namespace it looks in has a declared or exported workload
// (with or without an export). An empty selector (`{}`) matches every namespace or pod, present and
// future, so it is never reported. Namespace labels are those Kubernetes
// and Capsule put on the namespace (kubernetes.io/metadata.name, the tenant label, additionalMetadata).
// A policy Capsule stamps into several namespaces is reported only when its selector matches nothing in
// every one of them.
import { isMap, type YAMLMap } from 'yaml';
import { finding, TENANT_LABEL } from '../model/capsule';
import type { DocumentPlace } from '../model/locate';
import type { LabelSelector, NamespaceInfo, NetworkPolicyModel, SourceRef } from '../model/types';
import type { YamlNode } from '../parse/document';
import { isEmptySelector, matchesSelector } from '../semantics/selector';
import type { Span } from '../types';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

export const SELECTOR_MATCHES_NOTHING = 'selector-matches-nothing';

// ---- nodes of the YAML behind a SourceRef (shared with named-port-unresolved) -----------------------

/** The outermost mapping that starts where `ref` starts (a peer, a port entry, a policy), with its place. */
export function mapAt(ctx: WorkspaceRuleContext, ref: SourceRef | undefined): { place: DocumentPlace; map: YAMLMap } | undefined {
  if (!ref) return undefined;
  const place = ctx.placeOf(ref);
  if (!place) return undefined;
  const local = ref.span.start - place.offset;
  const visit = (node: unknown): YAMLMap | undefined => {
    const n = node as YamlNode | null | undefined;
    if (!n || typeof n !== 'object' || !n.range || local < n.range[0] || local > n.range[2]) return undefined;
    if (isMap(n) && n.range[0] === local) return n;
    const items = (n as { items?: unknown[] }).items;
    if (!Array.isArray(items)) return undefined;
    for (const item of items) {
      const pair = item as { key?: unknown; value?: unknown };
      const found = isMap(n) ? visit(pair.value) : visit(item);
      if (found) return found;
    }
    return undefined;
  };
  const map = visit(place.parsed.doc.contents);
  return map && { place, map };
}

/** The span (file offsets) of a key, or of the value, of a pair in `map`. */
export function pairSpan(place: DocumentPlace, map: YAMLMap, key: string, part: 'key' | 'value'): Span | undefined {
  for (const item of map.items) {
    const k = item.key as YamlNode | null;
    if (!k || !('value' in k) || (k as { value: unknown }).value !== key) continue;
    const node = (part === 'key' ? k : item.value) as YamlNode | null;
    if (!node?.range) return undefined;
    let end = node.range[1];
    while (end > node.range[0] && /\s/.test(place.parsed.text[end - 1])) end--;
    return { start: node.range[0] + place.offset, end: end + place.offset };
  }
  return undefined;
}

export function mapChild(map: YAMLMap, key: string): YAMLMap | undefined {
  const v = map.get(key, true);
  return isMap(v) ? v : undefined;
}

// ---- the rule --------------------------------------------------------------------------------------

/** One place a selector is written, and what each policy rendered from it found. */
interface Site {
  uri: string;
  span: Span;
  messageId: 'podSelector' | 'peerNamespaceSelector' | 'peerPodSelector';
  /** One entry per policy instance: undefined when that instance cannot tell (incomplete inventory). */
  instances: (Miss | undefined)[];
  matched: boolean;
}

interface Miss {
  /** The namespaces (for a namespaceSelector) or workloads (for a podSelector) it was tested against. */
  candidates: string[];
  where: string;
  selector: LabelSelector;
}

export const selectorMatchesNothing: WorkspaceRule = {
  id: SELECTOR_MATCHES_NOTHING,
  check(ctx) {
    const { model, config } = ctx;
    const inventory = ctx.files.some((f) => f.origin === 'inventory');
    // Namespaces the analysis knows; the platform's and the DNS namespace exist even when undeclared.
    const namespaces = new Map<string, NamespaceInfo>(model.namespaces);
    for (const name of [...config.platformNamespaces, config.dns.namespace]) {
      if (!namespaces.has(name)) namespaces.set(name, { name, labels: { 'kubernetes.io/metadata.name': name }, origin: 'referenced' });
    }
    const namespacesKnown = [...model.namespaces.values()].some((n) => n.origin === 'declared' || n.origin === 'inventory');
    // Under Capsule, tenant owners create namespaces at runtime with labels of their choosing: no
    // repository declares them, so only a cluster export tells which namespaces exist.
    const capsule = model.tenants.size > 0 || [...model.namespaces.values()].some((n) => n.tenant);
    // A namespace's pods are known only when some workload in it is declared or exported: an export
    // that lists nothing in a namespace (kube-system, say) most likely did not cover it.
    const workloadsKnown = (ns: string) => ctx.workloadsIn(ns).length > 0;

    const sites = new Map<string, Site>();
    const record = (at: { uri: string; span: Span } | undefined, messageId: Site['messageId'], matched: boolean, miss: Miss | undefined) => {
      if (!at) return;
      const key = `${at.uri}|${at.span.start}|${at.span.end}|${messageId}`;
      let site = sites.get(key);
      if (!site) sites.set(key, (site = { uri: at.uri, span: at.span, messageId, instances: [], matched: false }));
      site.matched ||= matched;
      site.instances.push(matched ? undefined : miss);
    };
    const selectorKey = (ref: SourceRef | undefined, key: string, inSpec: boolean) => {
      const found = mapAt(ctx, ref);
      if (!found) return undefined;
      const holder = inSpec ? mapChild(found.map, 'spec') ?? found.map : found.map;
      const span = pairSpan(found.place, holder, key, 'key');
      return span && { uri: found.place.uri, span };
    };

    for (const np of model.networkPolicies) {
      // The policy's own podSelector: which pods it applies to.
      if (usable(np.podSelector) && workloadsKnown(np.namespace)) {
        const candidates = ctx.workloadsIn(np.namespace);
        const matched = candidates.some((w) => matchesSelector(np.podSelector, w.labels));
        record(selectorKey(np.source, 'podSelector', true), 'podSelector', matched,
          { candidates: candidates.map((w) => w.name), where: `namespace ${np.namespace}`, selector: np.podSelector });
      }
      for (const direction of ['ingress', 'egress'] as const) {
        // Rules of a direction the policy does not isolate are ignored by Kubernetes (another rule says so).
        if (!np.policyTypes[direction]) continue;
        for (const rule of np[direction]) {
          if (rule.peers === 'any') continue;
          for (const peer of rule.peers) {
            if (peer.ipBlock) continue;
            let peerNamespaces: string[] = [np.namespace];
            if (peer.namespaceSelector) {
              const sel = peer.namespaceSelector;
              peerNamespaces = [...namespaces.values()].filter((n) => matchesSelector(sel, n.labels)).map((n) => n.name);
              const tenantLabel = sel.matchLabels[TENANT_LABEL] !== undefined || sel.matchExpressions.some((r) => r.key === TENANT_LABEL);
              if (usable(sel) && (inventory || (namespacesKnown && !capsule && !tenantLabel))) {
                record(selectorKey(peer.source, 'namespaceSelector', false), 'peerNamespaceSelector', peerNamespaces.length > 0,
                  { candidates: [...namespaces.keys()], where: policyWhere(np), selector: sel });
              }
              // A namespaceSelector that matches nothing is the finding; its podSelector adds nothing.
              if (peerNamespaces.length === 0) continue;
            }
            const pods = peer.podSelector;
            if (!pods || !usable(pods)) continue;
            if (!peerNamespaces.every(workloadsKnown)) {
              record(selectorKey(peer.source, 'podSelector', false), 'peerPodSelector', false, undefined);
              continue;
            }
            const candidates = peerNamespaces.flatMap((ns) => ctx.workloadsIn(ns));
            const matched = candidates.some((w) => matchesSelector(pods, w.labels));
            record(selectorKey(peer.source, 'podSelector', false), 'peerPodSelector', matched,
              { candidates: candidates.map((w) => `${w.namespace}/${w.name}`), where: namespacesText(peerNamespaces), selector: pods });
          }
        }
      }
    }

    for (const site of sites.values()) {
      if (site.matched || site.instances.some((m) => m === undefined)) continue;
      const miss = site.instances[0]!;
      ctx.report(site.uri, finding(SELECTOR_MATCHES_NOTHING, site.messageId, site.span, message(site, miss, inventory)));
    }
  },
};

/** Worth testing: not `{}` (every pod or namespace, present and future) and readable. */
function usable(sel: LabelSelector): boolean {
  return !sel.invalid && !isEmptySelector(sel);
}

function policyWhere(np: NetworkPolicyModel): string {
  return np.capsule ? `the policies ${np.capsule.kind} ${np.capsule.name} creates` : `NetworkPolicy ${np.id}`;
}

function namespacesText(names: readonly string[]): string {
  if (names.length === 1) return `namespace ${names[0]}`;
  const shown = names.slice(0, 5).join(', ');
  return `namespaces ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
}

function selectorText(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of sel.matchExpressions) {
    parts.push(r.operator === 'Exists' ? r.key : r.operator === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(', ')})`);
  }
  return parts.join(', ');
}

function list(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
}

function message(site: Site, miss: Miss, inventory: boolean): string {
  const known = inventory ? 'the workspace or the cluster export declares' : 'the workspace declares';
  const knownNamespaces = inventory ? 'the namespaces of the workspace and the cluster export' : 'the namespaces the workspace knows';
  const several = site.instances.length > 1 ? ` in any of the ${site.instances.length} namespaces Capsule creates this policy in` : '';
  const wants = selectorText(miss.selector);
  switch (site.messageId) {
    case 'peerNamespaceSelector':
      return `This namespaceSelector (${wants}) matches none of ${knownNamespaces} (${list(miss.candidates)}), so this peer admits no traffic${several}. `
        + 'Check the labels against the Namespace documents; Kubernetes adds kubernetes.io/metadata.name, Capsule the tenant label and additionalMetadata.';
    case 'peerPodSelector':
      return `This podSelector (${wants}) matches none of the workloads ${known} in ${miss.where} (${list(miss.candidates)}), so this peer admits no traffic${several}. `
        + 'Check the labels against the pod templates of the workloads.';
    case 'podSelector':
      return `This podSelector (${wants}) selects none of the workloads ${known} in ${miss.where} (${list(miss.candidates)}), so the policy applies to no pod${several}. `
        + 'Check the labels against the pod templates (spec.template.metadata.labels), not the Deployment\'s own labels.';
  }
}
