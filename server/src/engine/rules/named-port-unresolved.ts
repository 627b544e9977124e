// named-port-unresolved: a named port (`port: http`) that no container of the workloads the rule reaches
// declares. Kubernetes resolves a named port on the destination pod — the selected pods for an ingress
// rule, the peer pods for an egress rule — among its container ports of the same protocol; where none
// carries the name, the entry admits nothing, silently. Typical causes: a typo, the name of a Service
// port (Services have their own port names), or a container port that was renamed.
//
// Only where the destination workloads are declared (in the workspace or the cluster export): otherwise
// the analysis cannot know which names exist. A policy Capsule stamps into several namespaces is reported
// only when the name resolves in none of them. Covers NetworkPolicies (Capsule's included) and the
// `toPorts` of CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies written in the workspace.
import { finding } from '../model/capsule';
import type { CiliumPolicyModel } from '../model/cilium';
import type { ContainerPort, Direction, NetworkPolicyModel, NetworkPolicyPeer, PortSpec, Protocol, Workload } from '../model/types';
import type { CompiledRule, PolicyEffect, WorkloadMatch, WorkspaceModel } from '../model/workspace';
import { namespaceLabels } from '../semantics/netpol';
import { resolveNamedPort } from '../semantics/ports';
import { matchesSelector } from '../semantics/selector';
import type { Fix, Span } from '../types';
import { mapAt, pairSpan } from './selector-matches-nothing';
import type { WorkspaceRule, WorkspaceRuleContext } from './types';

export const NAMED_PORT_UNRESOLVED = 'named-port-unresolved';

/** One written port entry and, per policy instance, the workloads its rule sends the traffic to. */
interface Site {
  uri: string;
  span: Span;
  name: string;
  protocol: Protocol | 'ANY';
  direction: Direction;
  /** The value as written (its quotes kept by the fixes); Cilium ports are strings, numbers too. */
  written: string;
  cilium: boolean;
  resolved: boolean;
  destinations: Map<string, Workload>;
}

export const namedPortUnresolved: WorkspaceRule = {
  id: NAMED_PORT_UNRESOLVED,
  check(ctx) {
    const { model } = ctx;
    const sites = new Map<string, Site>();
    const record = (spec: PortSpec, direction: Direction, destinations: readonly Workload[], cilium = false) => {
      if (typeof spec.port !== 'string') return;
      const found = mapAt(ctx, spec.source);
      const span = found && pairSpan(found.place, found.map, 'port', 'value');
      if (!found || !span) return;
      const key = `${found.place.uri}|${span.start}`;
      let site = sites.get(key);
      if (!site) {
        const written = found.place.parsed.text.slice(span.start - found.place.offset, span.end - found.place.offset);
        site = { uri: found.place.uri, span, name: spec.port, protocol: spec.protocol, direction, written, cilium, resolved: false, destinations: new Map() };
        sites.set(key, site);
      }
      for (const w of destinations) site.destinations.set(w.id, w);
      const name = spec.port;
      site.resolved ||= destinations.some((w) => resolveNamedPort(name, spec.protocol, w.ports).length > 0);
    };

    const effects = new Map<object, PolicyEffect>();
    // Cilium rules find their effect by kind and id (the first, as the model lists them).
    const byId = new Map<string, PolicyEffect>();
    for (const p of model.policies) {
      if (p.origin) effects.set(p.origin, p);
      const key = `${p.kind}\u0000${p.id}`;
      if (!byId.has(key)) byId.set(key, p);
    }

    for (const np of model.networkPolicies) {
      const effect = effects.get(np);
      for (const direction of ['ingress', 'egress'] as const) {
        if (!np.policyTypes[direction]) continue;
        for (const rule of np[direction]) {
          if (rule.ports === 'any' || !rule.ports.some((p) => typeof p.port === 'string')) continue;
          const destinations = direction === 'ingress'
            ? ctx.workloadsIn(np.namespace).filter((w) => (effect ? effect.selects(w) : matchesSelector(np.podSelector, w.labels)))
            : rule.peers === 'any' ? model.workloads : model.workloads.filter((w) => (rule.peers as NetworkPolicyPeer[]).some((peer) => peerMatches(model, np, peer, w)));
          for (const spec of rule.ports) record(spec, direction, destinations);
        }
      }
    }

    for (const file of ctx.files) for (const p of file.ciliumPolicies) ciliumSites(model, byId, p, record);

    for (const site of sites.values()) {
      if (site.resolved || site.destinations.size === 0) continue;
      const destinations = [...site.destinations.values()];
      const f = finding(NAMED_PORT_UNRESOLVED, site.direction, site.span, message(site, destinations));
      f.fixes = fixes(site, destinations);
      ctx.report(site.uri, f);
    }
  },
};

function peerMatches(model: WorkspaceModel, np: NetworkPolicyModel, peer: NetworkPolicyPeer, w: Workload): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, namespaceLabels(model, w.namespace))) return false;
  } else if (w.namespace !== np.namespace) return false;
  return peer.podSelector ? matchesSelector(peer.podSelector, w.labels) : true;
}

/**
 * Cilium rules: the pods a rule selects come from its effect; the peers of a rule from the compiled rule
 * the effect gives for the same source (entity, endpoint and L4-only peers alike).
 */
function ciliumSites(model: WorkspaceModel, byId: ReadonlyMap<string, PolicyEffect>, p: CiliumPolicyModel, record: (spec: PortSpec, d: Direction, w: readonly Workload[], cilium: boolean) => void): void {
  p.rules.forEach((rule) => {
    const id = p.rules.length === 1 ? p.id : `${p.id}#${rule.label}`;
    const effect = byId.get(`${p.kind}\u0000${id}`);
    if (!effect) return;
    const compiled = effect.compile?.();
    for (const peerRule of [...rule.ingress, ...rule.egress, ...rule.ingressDeny, ...rule.egressDeny]) {
      if (peerRule.ports === 'any' || !peerRule.ports.some((x) => typeof x.port === 'string')) continue;
      let destinations: Workload[];
      if (peerRule.direction === 'ingress') destinations = model.workloads.filter((w) => effect.selects(w));
      else {
        const c = compiled?.rules.find((r) => r.direction === 'egress' && sameSource(r, peerRule.source?.span));
        if (!c) continue;
        destinations = model.workloads.filter((w) => c.workloads.some((m) => workloadMatches(model, m, w)));
      }
      for (const spec of peerRule.ports) record(spec, peerRule.direction, destinations, true);
    }
  });
}

function sameSource(r: CompiledRule, span: Span | undefined): boolean {
  return !!span && r.source?.span.start === span.start && r.source.span.end === span.end;
}

function workloadMatches(model: WorkspaceModel, m: WorkloadMatch, w: Workload): boolean {
  if (m.type === 'none') return false;
  const ns = model.namespaces.get(w.namespace);
  if (m.type === 'test') return m.test(w, ns);
  const nsOk = m.namespaces.type === 'all' || (m.namespaces.type === 'names' ? m.namespaces.names.includes(w.namespace) : matchesSelector(m.namespaces.selector, namespaceLabels(model, w.namespace)));
  return nsOk && matchesSelector(m.pods, w.labels);
}

// ---- message and fixes -----------------------------------------------------------------------------

function portsText(ports: readonly ContainerPort[]): string {
  const named = ports.filter((p) => p.name);
  if (named.length === 0) return ports.length ? `no named ports; ${ports.map((p) => `${p.protocol} ${p.port}`).join(', ')}` : 'no ports';
  return named.map((p) => `${p.name} = ${p.protocol} ${p.port}`).join(', ');
}

function message(site: Site, destinations: readonly Workload[]): string {
  const shown = destinations.slice(0, 5).map((w) => `${w.namespace}/${w.name} (${portsText(w.ports)})`).join('; ');
  const more = destinations.length > 5 ? `; and ${destinations.length - 5} more` : '';
  const proto = site.protocol === 'ANY' ? '' : ` with protocol ${site.protocol}`;
  const otherProtocol = site.protocol !== 'ANY' && destinations.some((w) => w.ports.some((p) => p.name === site.name))
    ? ` (the name exists, but not for ${site.protocol}: a named port resolves only on a container port of the same protocol)`
    : '';
  const role = site.direction === 'ingress' ? 'the pods this policy selects' : 'the pods this egress rule admits';
  return `No container port named ${site.name}${proto} on ${role}: ${shown}${more}${otherProtocol}. `
    + 'Kubernetes resolves a named port on the destination pod, so this entry admits nothing. Use a container port name (not a Service port name) or a number.';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return dp[b.length];
}

/**
 * Only unambiguous repairs: the one close spelling of a declared port name (a typo), and the number it
 * stands for; or the number of the destinations' only port of the protocol when none of them is named.
 */
function quoted(text: string, quote: string): string {
  return quote ? `${quote}${text}${quote}` : text;
}

function fixes(site: Site, destinations: readonly Workload[]): Fix[] {
  const out: Fix[] = [];
  const ports = destinations.flatMap((w) => w.ports).filter((p) => site.protocol === 'ANY' || p.protocol === site.protocol);
  const names = [...new Set(ports.map((p) => p.name).filter((n): n is string => !!n))];
  const close = names.filter((n) => n.toLowerCase() === site.name.toLowerCase() || distance(n, site.name) <= Math.min(2, Math.floor(site.name.length / 3)));
  const quote = /^["']/.test(site.written) ? site.written[0] : site.cilium ? '"' : '';
  if (close.length === 1) {
    out.push({ title: `Use the container port name ${close[0]}`, edits: [{ span: site.span, newText: quoted(close[0], /^["']/.test(site.written) ? site.written[0] : '') }], isPreferred: true });
  }
  // The number: of the one close name, or of the only port when no port of the protocol has a name (the
  // name cannot have meant another one). Never a guess among several ports.
  const meant = close.length === 1 ? ports.filter((p) => p.name === close[0]) : names.length === 0 ? ports : [];
  const numbers = [...new Set(meant.map((p) => p.port))];
  if (numbers.length === 1) {
    // A NetworkPolicy port is an int-or-string: a quoted number would stay a (bad) name. Cilium's is a string.
    out.push({ title: `Use port number ${numbers[0]}`, edits: [{ span: site.span, newText: quoted(String(numbers[0]), site.cilium ? quote : '') }] });
  }
  return out;
}
