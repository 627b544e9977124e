// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy as the reachability engine sees them: one entry
// per rule of `spec` and `specs[]`, each peer selector already carrying the namespace requirement Cilium
// adds to it, and every part the engine does not model reported on its node and listed, so that the
// verdicts it could change are marked uncertain instead of stated.
//
// What Cilium does, from its code (cilium/cilium v1.18.10, see ../shared/upstream/SOURCES.md §4):
// - label keys carry a source: `k8s:key`, `reserved:key`, `$key` (reserved), no prefix = `any:`
//   (pkg/labels/labels.go parseSource, GetExtendedKeyFrom);
// - a CNP's endpointSelector always gets `k8s:io.kubernetes.pod.namespace=<policy namespace>`; a peer
//   selector (fromEndpoints/toEndpoints) gets it too unless it names `io.kubernetes.pod.namespace` or a
//   key under `io.cilium.k8s.namespace.labels.` (since v1.16.0), or any `reserved:` key; in a CCNP a peer
//   selector without a namespace key gets `k8s:io.kubernetes.pod.namespace` Exists
//   (pkg/k8s/apis/cilium.io/utils/utils.go getEndpointSelector, ParseToCiliumRule);
// - a direction is default-deny when the rule has rules in it, unless enableDefaultDeny says otherwise
//   (pkg/policy/api/rule_validation.go Rule.Sanitize);
// - the agent rejects a rule that combines two kinds of L3 peer, or icmps with toPorts, or toServices
//   with toPorts, or DNS rules on ingress or without ports (rule_validation.go IngressRule.sanitize /
//   EgressRule.sanitize, PortRule.sanitize, L7Rules.sanitize): the policy is not enforced at all.
import { isObj, type Obj } from '../plain';
import { ruleMeta } from '../rules/catalog';
import { parseCidr, prefixContains } from '../schema/syntax';
import { parseSelector } from '../semantics/selector';
import type { Finding, Span } from '../types';
import type { Locator, Path } from './locate';
import type { CapsuleOrigin, Direction, PortSpec, Protocol, SelectorOperator, SourceRef } from './types';

export type CiliumKind = 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';

/** Label keys Cilium puts on every pod (pkg/k8s/apis/cilium.io/const.go). */
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
/**
 * Namespace labels no tenant owner can set: the API server sets `kubernetes.io/metadata.name` to the
 * namespace's name, and Capsule re-applies `capsule.clastix.io/tenant` and refuses to change it
 * (SOURCES.md §3: internal/webhook/namespace/mutation/metadata.go, assignment.go).
 */
const PROTECTED_NAMESPACE_LABELS = new Set(['kubernetes.io/metadata.name', 'capsule.clastix.io/tenant']);
const CLUSTER_LABEL = 'io.cilium.k8s.policy.cluster';

/** One requirement of a Cilium endpoint selector; matchLabels entries become `In` with one value. */
export interface CiliumRequirement {
  /** Label source: `k8s`, `any` (no prefix), `reserved`, `container`, … */
  source: string;
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/**
 * How Cilium scopes a selector to namespaces:
 * - `policy`: pinned to the policy's namespace (a CNP's endpointSelector; a CNP peer without namespace key);
 * - `explicit`: the selector names `io.kubernetes.pod.namespace` itself;
 * - `namespace-labels`: a CNP peer naming namespace labels: pods of every namespace carrying them;
 * - `cluster`: a CCNP selector without namespace key: pods of every namespace;
 * - `reserved`: a selector on `reserved:` labels (host, world, …), which no workload carries.
 */
export type NamespaceScope = 'policy' | 'explicit' | 'namespace-labels' | 'cluster' | 'reserved';

export interface CiliumSelector {
  /** The requirements as written. */
  written: CiliumRequirement[];
  /** What Cilium matches: the written requirements plus the namespace requirement it adds. */
  effective: CiliumRequirement[];
  scope: NamespaceScope;
  source?: SourceRef;
}

export interface CiliumEntityPeer {
  /** `all`, `world`, `cluster`, `host`, `remote-node`, `kube-apiserver`, `health`, `init`, `ingress`, `unmanaged`, `none`. */
  name: string;
  source?: SourceRef;
}

export interface CiliumCidrPeer {
  /** As written (fromCIDR entry, or a CIDRSet `cidr`). */
  cidr: string;
  except: string[];
  source?: SourceRef;
}

/** One entry of `ingress`, `ingressDeny`, `egress` or `egressDeny`. */
export interface CiliumPeerRule {
  index: number;
  direction: Direction;
  deny: boolean;
  /** The list it belongs to, for messages: `ingress`, `egressDeny`, … */
  list: 'ingress' | 'ingressDeny' | 'egress' | 'egressDeny';
  endpoints: CiliumSelector[];
  entities: CiliumEntityPeer[];
  cidrs: CiliumCidrPeer[];
  /**
   * The rule names no L3 peer of any kind: with toPorts it admits every peer on those ports (Cilium's
   * L4-only rule); without toPorts it admits nothing (pkg/policy/rule.go mergeIngress/mergeEgress).
   */
  l3Wildcard: boolean;
  /** `any`: no toPorts (every protocol and port). Otherwise the union of the listed ports (may be empty). */
  ports: PortSpec[] | 'any';
  /** Parts of this rule the engine does not model. */
  unmodelled: SourceRef[];
  source?: SourceRef;
}

export type CiliumSubject =
  | { kind: 'endpoints'; selector: CiliumSelector }
  /** A host policy: it selects nodes, which are not workloads of the inventory. */
  | { kind: 'nodes'; source?: SourceRef }
  /** Neither selector could be read: the rule selects nothing the engine can name. */
  | { kind: 'none' };

/** One rule of the policy: `spec`, or one entry of `specs[]`. */
export interface CiliumRuleModel {
  /** `spec` or `specs[i]`. */
  label: string;
  subject: CiliumSubject;
  ingress: CiliumPeerRule[];
  ingressDeny: CiliumPeerRule[];
  egress: CiliumPeerRule[];
  egressDeny: CiliumPeerRule[];
  /** enableDefaultDeny as written. */
  enableDefaultDeny: { ingress?: boolean; egress?: boolean };
  /** Whether selecting a pod puts it into default deny, per direction, after Cilium's defaulting. */
  defaultDeny: { ingress: boolean; egress: boolean };
  /** Every part of this rule the engine does not model (its peer rules' included). */
  unmodelled: SourceRef[];
  source?: SourceRef;
}

export interface CiliumPolicyModel {
  kind: CiliumKind;
  /** `namespace/name` for a CNP, `name` for a CCNP. */
  id: string;
  name: string;
  /** Absent for a CCNP. */
  namespace?: string;
  rules: CiliumRuleModel[];
  source: SourceRef;
  capsule?: CapsuleOrigin;
  /** Set when Cilium's agent refuses to import the policy: then it is not enforced at all. */
  rejected?: { reason: string; source?: SourceRef };
}

export interface CiliumModelOptions {
  /**
   * Where a finding about the node at `path` goes (the key that names it, one line). Without it findings
   * use the Locator's span of the node.
   */
  findingSpan?: (path: Path) => Span | undefined;
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP', 'ANY'];
/** Cilium 1.20 protocols without ports (require --enable-extended-ip-protocols). */
const PORTLESS_PROTOCOLS: readonly string[] = ['VRRP', 'IGMP', 'GRE', 'IPIP', 'IPV6', 'ESP', 'AH'];
const ENTITIES: readonly string[] = ['all', 'world', 'cluster', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver', 'world-ipv4', 'world-ipv6'];

/**
 * Splits a selector key into Cilium's label source and key: `k8s:app` → (k8s, app), `$host` →
 * (reserved, host), `reserved.host` → (reserved, host), `app` → (any, app).
 */
export function splitLabelKey(written: string): { source: string; key: string } {
  if (written.startsWith('$')) return { source: 'reserved', key: written.slice(1) };
  const i = written.indexOf(':');
  if (i >= 0) return { source: written.slice(0, i) || 'any', key: written.slice(i + 1) };
  if (written.startsWith('reserved.')) return { source: 'reserved', key: written.slice('reserved.'.length) };
  return { source: 'any', key: written };
}

const podSource = (r: CiliumRequirement) => r.source === 'k8s' || r.source === 'any';
const namesNamespace = (reqs: readonly CiliumRequirement[]) => reqs.some((r) => podSource(r) && r.key === POD_NAMESPACE_LABEL);
const namesNamespaceLabels = (reqs: readonly CiliumRequirement[]) => reqs.some((r) => podSource(r) && r.key.startsWith(NAMESPACE_LABELS_PREFIX));

class Builder {
  readonly findings: Finding[] = [];
  constructor(
    private readonly locate: Locator,
    private readonly options: CiliumModelOptions,
  ) {}

  ref(path: Path): SourceRef | undefined {
    return this.locate(path);
  }

  /** The nearest written node on the path, for findings and for parts without a node of their own. */
  refUp(path: Path): SourceRef | undefined {
    for (let n = path.length; n >= 0; n--) {
      const r = this.locate(path.slice(0, n));
      if (r) return r;
    }
    return undefined;
  }

  finding(ruleId: string, messageId: string, path: Path, message: string): void {
    let span: Span | undefined;
    for (let n = path.length; n >= 0 && !span; n--) {
      const p = path.slice(0, n);
      span = this.options.findingSpan?.(p) ?? this.locate(p)?.span;
    }
    this.findings.push({
      ruleId,
      messageId,
      severity: ruleMeta(ruleId)?.defaultSeverity ?? 'information',
      span: span ?? { start: 0, end: 0 },
      message,
      fixes: [],
    });
  }

  /** A part the engine does not model: a finding on its node, and its place in `unmodelled`. */
  notModelled(messageId: string, path: Path, message: string, into: SourceRef[]): void {
    this.finding('cilium-not-modelled', messageId, path, message);
    const r = this.refUp(path);
    if (r) into.push(r);
  }
}

/**
 * Reads a CNP or CCNP (a plain value, as toPlain gives it) into the engine's model, with findings on the
 * parts the engine does not model. Never throws; returns no model when the value is not an object.
 */
export function ciliumPolicyFromDocument(
  value: unknown,
  kind: CiliumKind,
  locate: Locator,
  uri: string,
  options: CiliumModelOptions = {},
): { model?: CiliumPolicyModel; findings: Finding[] } {
  const b = new Builder(locate, options);
  if (!isObj(value)) return { findings: b.findings };
  const meta = isObj(value.metadata) ? value.metadata : {};
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : '(unnamed)';
  const namespace = kind === 'CiliumNetworkPolicy' ? (typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default') : undefined;
  const id = namespace === undefined ? name : `${namespace}/${name}`;
  const source: SourceRef = b.ref([]) ?? { uri, span: { start: 0, end: 0 } };

  const rules: CiliumRuleModel[] = [];
  const rejections: { reason: string; source?: SourceRef }[] = [];
  if (isObj(value.spec)) rules.push(readRule(b, value.spec, ['spec'], 'spec', namespace, rejections));
  listOf(value.specs).forEach((s, i) => {
    if (isObj(s)) rules.push(readRule(b, s, ['specs', i], `specs[${i}]`, namespace, rejections));
  });

  const model: CiliumPolicyModel = { kind, id, name, namespace, rules, source };
  if (rejections.length > 0) model.rejected = rejections[0];
  return { model, findings: b.findings };
}

function readRule(b: Builder, spec: Obj, path: Path, label: string, namespace: string | undefined, rejections: { reason: string; source?: SourceRef }[]): CiliumRuleModel {
  const unmodelled: SourceRef[] = [];
  let subject: CiliumSubject = { kind: 'none' };
  if (isObj(spec.endpointSelector)) {
    const sel = readSubjectSelector(b, spec.endpointSelector, [...path, 'endpointSelector'], namespace, unmodelled);
    if (sel) subject = { kind: 'endpoints', selector: sel };
  } else if (isObj(spec.nodeSelector)) {
    subject = { kind: 'nodes', source: b.ref([...path, 'nodeSelector']) };
    b.finding('cilium-not-modelled', 'nodeSelector', [...path, 'nodeSelector'],
      'This rule selects nodes (a host policy); the engine\'s inventory has workloads, not nodes, so it does not model what this rule allows or denies on the nodes themselves.');
  }
  const endpointSubject = subject.kind === 'endpoints' ? subject.selector : undefined;
  const matchesInit = !!endpointSubject?.written.some((r) => r.source === 'reserved' && r.key === 'init');

  const read = (list: CiliumPeerRule['list']): CiliumPeerRule[] => {
    const out: CiliumPeerRule[] = [];
    listOf(spec[list]).forEach((r, i) => {
      const rule = readPeerRule(b, isObj(r) ? r : {}, [...path, list, i], list, i, namespace, matchesInit, rejections);
      out.push(rule);
      unmodelled.push(...rule.unmodelled);
    });
    return out;
  };
  const ingress = read('ingress');
  const ingressDeny = read('ingressDeny');
  const egress = read('egress');
  const egressDeny = read('egressDeny');

  const edd = isObj(spec.enableDefaultDeny) ? spec.enableDefaultDeny : {};
  const enableDefaultDeny: CiliumRuleModel['enableDefaultDeny'] = {};
  if (typeof edd.ingress === 'boolean') enableDefaultDeny.ingress = edd.ingress;
  if (typeof edd.egress === 'boolean') enableDefaultDeny.egress = edd.egress;
  // Cilium counts the entries of the lists as written (rule_validation.go Rule.Sanitize).
  const defaultDeny = {
    ingress: enableDefaultDeny.ingress ?? (listOf(spec.ingress).length > 0 || listOf(spec.ingressDeny).length > 0),
    egress: enableDefaultDeny.egress ?? (listOf(spec.egress).length > 0 || listOf(spec.egressDeny).length > 0),
  };
  return { label, subject, ingress, ingressDeny, egress, egressDeny, enableDefaultDeny, defaultDeny, unmodelled, source: b.ref(path) };
}

/** Requirements of a written label selector; undefined when Cilium would reject it. */
function readRequirements(b: Builder, sel: Obj, path: Path, unmodelled: SourceRef[]): CiliumRequirement[] | undefined {
  // Kubernetes' reading of the selector (semantics/selector.ts); Cilium only adds label sources to keys.
  const parsed = parseSelector(sel);
  if (parsed.selector.invalid) {
    // The API server's selector validation rejects it; the schema and invalid-selector checks report it.
    const r = b.refUp(path);
    if (r) unmodelled.push(r);
    return undefined;
  }
  const reqs: CiliumRequirement[] = [];
  /** Where each requirement is written, for findings. */
  const at: Path[] = [];
  for (const [k, v] of Object.entries(parsed.selector.matchLabels)) {
    reqs.push({ ...splitLabelKey(k), operator: 'In', values: [v] });
    at.push([...path, 'matchLabels', k]);
  }
  // A valid selector keeps every expression, so indices are those written.
  parsed.selector.matchExpressions.forEach((e, i) => {
    reqs.push({ ...splitLabelKey(e.key), operator: e.operator, values: e.values });
    at.push([...path, 'matchExpressions', i, 'key']);
  });
  for (const [i, r] of reqs.entries()) {
    if (podSource(r) && (r.key === SERVICE_ACCOUNT_LABEL || r.key === CLUSTER_LABEL)) {
      const what = r.key === SERVICE_ACCOUNT_LABEL ? 'service account' : 'cluster name';
      b.notModelled('unknownLabel', at[i],
        `This selector matches on ${r.key}, the pod's ${what}, which the engine's inventory does not know; verdicts that depend on it are marked uncertain.`, unmodelled);
      break;
    }
  }
  return reqs;
}

function readSubjectSelector(b: Builder, sel: Obj, path: Path, namespace: string | undefined, unmodelled: SourceRef[]): CiliumSelector | undefined {
  const written = readRequirements(b, sel, path, unmodelled);
  if (!written) return undefined;
  const source = b.ref(path);
  if (namespace === undefined) return { written, effective: written, scope: 'cluster', source };
  // AddMatch overwrites a written `k8s:io.kubernetes.pod.namespace` match label (same map key): the
  // endpointSelector of a CNP always applies in the policy's namespace (utils.go ParseToCiliumRule).
  const kept = written.filter((r) => !(r.source === 'k8s' && r.key === POD_NAMESPACE_LABEL && r.operator === 'In' && r.values.length === 1 && isMatchLabel(sel, r)));
  const effective = [...kept, { source: 'k8s', key: POD_NAMESPACE_LABEL, operator: 'In' as const, values: [namespace] }];
  return { written, effective, scope: 'policy', source };
}

function isMatchLabel(sel: Obj, r: CiliumRequirement): boolean {
  return isObj(sel.matchLabels) && Object.keys(sel.matchLabels).some((k) => {
    const s = splitLabelKey(k);
    return s.source === r.source && s.key === r.key;
  });
}

/** A peer selector with the namespace requirement Cilium adds (utils.go getEndpointSelector). */
function peerSelector(written: CiliumRequirement[], namespace: string | undefined, matchesInit: boolean, source: SourceRef | undefined): CiliumSelector {
  if (written.some((r) => r.source === 'reserved')) return { written, effective: written, scope: 'reserved', source };
  if (namesNamespace(written)) return { written, effective: written, scope: 'explicit', source };
  if (namespace === undefined) {
    const effective = matchesInit ? written : [...written, { source: 'k8s', key: POD_NAMESPACE_LABEL, operator: 'Exists' as const, values: [] }];
    return { written, effective, scope: 'cluster', source };
  }
  if (namesNamespaceLabels(written)) return { written, effective: written, scope: 'namespace-labels', source };
  return { written, effective: [...written, { source: 'k8s', key: POD_NAMESPACE_LABEL, operator: 'In', values: [namespace] }], scope: 'policy', source };
}

const L3_INGRESS = ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'] as const;
const L3_EGRESS = ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes'] as const;

function readPeerRule(
  b: Builder,
  r: Obj,
  path: Path,
  list: CiliumPeerRule['list'],
  index: number,
  namespace: string | undefined,
  matchesInit: boolean,
  rejections: { reason: string; source?: SourceRef }[],
): CiliumPeerRule {
  const direction: Direction = list.startsWith('ingress') ? 'ingress' : 'egress';
  const deny = list.endsWith('Deny');
  const from = direction === 'ingress';
  const unmodelled: SourceRef[] = [];
  const at = (...segs: (string | number)[]) => [...path, ...segs];
  const k = (name: string) => (from ? `from${name}` : `to${name}`);

  // A rule the agent refuses makes the whole policy ineffective; the cilium-rule-invalid rule reports it
  // on its node, the model only records it.
  for (const r0 of agentRejections(r, list)) rejections.push({ reason: r0.message, source: b.refUp(at(...r0.at)) });
  const present = (from ? L3_INGRESS : L3_EGRESS).filter((key) => listOf(r[key]).length > 0);
  const icmps = listOf(r.icmps);
  const toPortsList = listOf(r.toPorts);

  // Endpoint selectors.
  const endpoints: CiliumSelector[] = [];
  listOf(r[k('Endpoints')]).forEach((s, i) => {
    const p = at(k('Endpoints'), i);
    const written = readRequirements(b, isObj(s) ? s : {}, p, unmodelled);
    if (!written) return;
    const sel = peerSelector(written, namespace, matchesInit, b.ref(p));
    endpoints.push(sel);
    const keys = written.filter((q) => podSource(q) && q.key.startsWith(NAMESPACE_LABELS_PREFIX)).map((q) => q.key.slice(NAMESPACE_LABELS_PREFIX.length));
    if (sel.scope === 'namespace-labels' && !deny && keys.some((key) => !PROTECTED_NAMESPACE_LABELS.has(key))) {
      b.finding('cilium-namespace-label-peer', from ? 'ingress' : 'egress', p,
        `This ${k('Endpoints')} selector names the namespace label${keys.length > 1 ? 's' : ''} ${keys.map((x) => `"${x}"`).join(', ')} and no io.kubernetes.pod.namespace, so Cilium (since 1.16) does not limit it to the policy's own namespace: it ${from ? 'admits pods from' : 'allows traffic to pods in'} every namespace that carries ${keys.length > 1 ? 'these labels' : 'this label'}. Anyone who can set ${keys.length > 1 ? 'them' : 'it'} on a namespace — a tenant owner, unless the tenant forbids the key — is ${from ? 'admitted' : 'reachable'}. Add k8s:io.kubernetes.pod.namespace to pin the namespace.`);
    }
  });

  // Entities.
  const entities: CiliumEntityPeer[] = [];
  listOf(r[k('Entities')]).forEach((e, i) => {
    const p = at(k('Entities'), i);
    if (typeof e === 'string' && ENTITIES.includes(e)) entities.push({ name: e, source: b.ref(p) });
    else {
      // The CRD enum and the agent ("unsupported entity") reject it; the finding is the schema's.
      const ref = b.refUp(p);
      if (ref) unmodelled.push(ref);
    }
  });

  // CIDRs.
  const cidrs: CiliumCidrPeer[] = [];
  // The CRD's `format: cidr` and the agent (net/netip) refuse what does not parse; the invalid-cidr check
  // reports it, and the peer is left out and listed.
  const unreadable = (p: Path) => {
    const ref = b.refUp(p);
    if (ref) unmodelled.push(ref);
  };
  listOf(r[k('CIDR')]).forEach((c, i) => {
    const p = at(k('CIDR'), i);
    if (typeof c === 'string' && parseCidr(c, false).ok) cidrs.push({ cidr: c, except: [], source: b.ref(p) });
    else unreadable(p);
  });
  listOf(r[k('CIDRSet')]).forEach((s, i) => {
    const p = at(k('CIDRSet'), i);
    if (!isObj(s)) return;
    if (typeof s.cidr === 'string' && s.cidr !== '') {
      if (!parseCidr(s.cidr, false).ok) {
        unreadable([...p, 'cidr']);
        return;
      }
      const net = parseCidr(s.cidr, false);
      const except: string[] = [];
      listOf(s.except).forEach((e, j) => {
        const x = typeof e === 'string' ? parseCidr(e, false) : undefined;
        if (!x?.ok) return unreadable([...p, 'except', j]);
        except.push(e as string);
        // cidr.go CIDRRule sanitize: "allow CIDR prefix %s does not contain exclude CIDR prefix %s" fails
        // the whole policy; the invalid-cidr check reports it on the node.
        if (net.ok && !prefixContains(net.cidr, x.cidr)) {
          rejections.push({ reason: `except ${String(e)} is not inside cidr ${s.cidr as string}, so Cilium's agent rejects the policy`, source: b.refUp([...p, 'except', j]) });
        }
      });
      cidrs.push({ cidr: s.cidr, except, source: b.ref(p) });
    } else if (s.cidrGroupRef !== undefined || s.cidrGroupSelector !== undefined) {
      const field = s.cidrGroupRef !== undefined ? 'cidrGroupRef' : 'cidrGroupSelector';
      b.notModelled('cidrGroup', [...p, field],
        `${field} refers to CiliumCIDRGroup resources, which the engine does not read; the addresses this entry ${deny ? 'denies' : 'admits'} are unknown, and verdicts they could change are marked uncertain.`, unmodelled);
    } else unreadable(p);
  });

  // Peers the engine does not model.
  const unknownPeer = (field: string, messageId: string, what: string) => {
    if (listOf(r[field]).length === 0) return;
    b.notModelled(messageId, at(field), `${field} (${what}) is not modelled: the engine cannot tell which addresses it ${deny ? 'denies' : 'admits'}, so verdicts it could change are marked uncertain.`, unmodelled);
  };
  if (from) {
    unknownPeer('fromNodes', 'nodes', 'nodes selected by their labels');
    unknownPeer('fromGroups', 'groups', 'cloud provider security groups');
    unknownPeer('fromRequires', 'requires', 'requirements every peer of the selected pods must also meet, across all their policies');
  } else {
    unknownPeer('toNodes', 'nodes', 'nodes selected by their labels');
    unknownPeer('toGroups', 'groups', 'cloud provider security groups');
    unknownPeer('toRequires', 'requires', 'requirements every peer of the selected pods must also meet, across all their policies');
    unknownPeer('toFQDNs', 'toFQDNs', 'addresses learnt from DNS answers for these names');
    unknownPeer('toServices', 'toServices', 'the backends of Kubernetes Services');
  }

  if (icmps.length > 0) {
    b.finding('cilium-not-modelled', 'icmps', at('icmps'),
      `icmps ${deny ? 'denies' : 'allows'} ICMP messages, which the engine does not report: its verdicts are about TCP, UDP and SCTP ports, and this block does not change them.`);
  }
  if (!deny && isObj(r.authentication) && r.authentication.mode !== undefined && r.authentication.mode !== 'disabled') {
    b.notModelled('authentication', at('authentication'),
      `authentication mode "${String(r.authentication.mode)}" lets traffic through only after mutual authentication succeeds, which the engine cannot know; the connections this rule allows are marked uncertain.`, unmodelled);
  }

  // Ports.
  let ports: PortSpec[] | 'any';
  if (toPortsList.length === 0) ports = icmps.length > 0 ? [] : 'any';
  else {
    ports = [];
    toPortsList.forEach((pr, j) => {
      if (!isObj(pr)) return;
      const pp = at('toPorts', j);
      listOf(pr.ports).forEach((port, m) => {
        const spec = readPort(b, port, [...pp, 'ports', m], unmodelled);
        if (spec) (ports as PortSpec[]).push(spec);
      });
      if (!deny) readL7(b, pr, pp, unmodelled);
    });
  }

  const l3Wildcard = present.length === 0;
  return { index, direction, deny, list, endpoints, entities, cidrs, l3Wildcard, ports, unmodelled, source: b.ref(path) };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Why Cilium's agent refuses one rule of a policy: where (relative to the rule) and in plain words. */
export interface AgentRejection {
  /** Path of the offending key, relative to the ingress/egress rule. */
  at: (string | number)[];
  messageId: 'peerKinds' | 'icmpsWithToPorts' | 'toServicesWithToPorts' | 'dnsOnIngress' | 'dnsWithoutPort';
  message: string;
}

/**
 * What the agent's rule validation refuses although the CRD accepts it (pkg/policy/api/rule_validation.go,
 * SOURCES.md §4): two kinds of L3 peer in one rule ("combining %s and %s is not supported yet"), icmps
 * with toPorts, toServices with toPorts, DNS rules on ingress ("DNS rules are not allowed on ingress") and
 * DNS rules on a toPorts entry that lists no port ("port 53 must be specified for DNS rules"). Any of them
 * fails the import of the whole policy, so nothing of it is enforced.
 */
export function agentRejections(r: Obj, list: CiliumPeerRule['list']): AgentRejection[] {
  const out: AgentRejection[] = [];
  const from = list.startsWith('ingress');
  const deny = list.endsWith('Deny');
  const l3 = from ? L3_INGRESS : L3_EGRESS;
  const rejects = (what: string, quote: string, advice: string) =>
    `Cilium's agent rejects this policy: ${what} ("${quote}"), so none of the policy is enforced although the API server accepted it. ${advice}`;
  // In the order written, so that the finding sits on the second kind of peer.
  const present = Object.keys(r).filter((key) => (l3 as readonly string[]).includes(key) && listOf(r[key]).length > 0);
  if (present.length > 1) {
    out.push({ at: [present[1]], messageId: 'peerKinds', message: rejects(
      `this rule combines ${present[0]} and ${present[1]}, and Cilium allows one kind of peer per rule`,
      `combining ${capital(present[0])} and ${capital(present[1])} is not supported yet`,
      'Put each kind of peer in a rule of its own (same toPorts in each).') });
  }
  const toPorts = listOf(r.toPorts);
  if (listOf(r.icmps).length > 0 && toPorts.length > 0) {
    out.push({ at: ['icmps'], messageId: 'icmpsWithToPorts', message: rejects(
      'icmps and toPorts cannot be in the same rule',
      'The ICMPs block may only be present without ToPorts',
      'Put them in two rules with the same peers.') });
  }
  if (!deny && !from && listOf(r.toServices).length > 0 && toPorts.length > 0) {
    out.push({ at: ['toServices'], messageId: 'toServicesWithToPorts', message: rejects(
      'toServices cannot be combined with toPorts',
      'Combining ToServices and ToPorts is not supported yet',
      'Select the service\'s pods with toEndpoints instead, or drop toPorts.') });
  }
  toPorts.forEach((pr, j) => {
    if (!isObj(pr) || !isObj(pr.rules) || listOf(pr.rules.dns).length === 0) return;
    const at = ['toPorts', j, 'rules', 'dns'];
    if (from) {
      out.push({ at, messageId: 'dnsOnIngress', message: rejects(
        'DNS rules filter the queries a pod sends, so they exist only in egress rules',
        'DNS rules are not allowed on ingress',
        'Move the DNS rule to an egress rule towards the DNS servers.') });
    } else if (listOf(pr.ports).length === 0) {
      out.push({ at, messageId: 'dnsWithoutPort', message: rejects(
        'DNS rules need the DNS port listed in the same toPorts entry',
        'port 53 must be specified for DNS rules',
        'List port 53 in this entry (UDP and TCP, or ANY).') });
    }
  });
  return out;
}

function readPort(b: Builder, port: unknown, path: Path, unmodelled: SourceRef[]): PortSpec | undefined {
  if (!isObj(port)) return undefined;
  const proto = port.protocol === undefined || port.protocol === '' ? 'ANY' : String(port.protocol).toUpperCase();
  const source = b.ref(path);
  if (PORTLESS_PROTOCOLS.includes(proto)) {
    b.finding('cilium-not-modelled', 'protocol', [...path, 'protocol'],
      `Protocol ${proto} has no ports and is outside what the engine reports (TCP, UDP and SCTP); this entry does not change those verdicts.`);
    return undefined;
  }
  if (!PROTOCOLS.includes(proto)) {
    if (source) unmodelled.push(source);
    return undefined;
  }
  const protocol = proto as Protocol | 'ANY';
  const raw = port.port;
  if (raw === undefined || raw === null) return { protocol, source };
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) {
    // Cilium parses with base 0 (strconv.ParseUint(port, 0, 16)): a leading zero is octal. The
    // invalid-port check reports it; the engine follows what Cilium does.
    const n = text.length > 1 && text.startsWith('0') ? (/^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN) : Number(text);
    if (!Number.isInteger(n) || n > 65535) {
      if (source) unmodelled.push(source);
      return undefined;
    }
    if (n === 0) return { protocol, source };
    const end = typeof port.endPort === 'number' && Number.isInteger(port.endPort) && port.endPort > n ? Math.min(port.endPort, 65535) : undefined;
    return end === undefined ? { protocol, port: n, source } : { protocol, port: n, endPort: end, source };
  }
  if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(text) && /[a-z]/i.test(text)) {
    // Port names are compared case-insensitively (rule_validation.go lowercases them).
    return { protocol, port: text.toLowerCase(), source };
  }
  if (source) unmodelled.push(source);
  return undefined;
}

/** L7 rules, TLS and listeners: the port is allowed at L4, but what passes the proxy is not modelled. */
function readL7(b: Builder, pr: Obj, path: Path, unmodelled: SourceRef[]): void {
  const rules = isObj(pr.rules) ? pr.rules : undefined;
  const l7 = rules && Object.entries(rules).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v !== '' : v !== undefined && v !== null));
  if (l7 && l7.length > 0) {
    const kinds = l7.map(([key]) => key).join(', ');
    b.notModelled('l7Rules', [...path, 'rules'],
      `L7 rules (${kinds}) send this traffic through Cilium's proxy, which lets only matching requests through; the engine models the ports, not the requests, so the connections they allow are marked uncertain.`, unmodelled);
  }
  for (const field of ['terminatingTLS', 'originatingTLS', 'serverNames', 'listener']) {
    const v = pr[field];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    b.notModelled('l7Rules', [...path, field],
      `${field} hands this traffic to Cilium's proxy, which the engine does not model; the connections this entry allows are marked uncertain.`, unmodelled);
  }
}
