// A NetworkPolicy spec (plain values, as toPlain gives them) → NetworkPolicyModel, with the SourceRefs of
// the policy, each rule, peer and port. Kubernetes' reading, exactly:
//   - policyTypes absent or empty: Ingress, plus Egress when the spec has egress rules; a list as written;
//   - `from`/`to` absent, null or empty: every peer; `ports` absent, null or empty: every port;
//   - spec.podSelector absent, null or `{}`: every pod of the namespace; a peer's selector null: unset;
//   - a `null` rule or port entry decodes as the empty one (allow all / TCP on every port).
// What the API server would reject (a peer with nothing or with ipBlock beside a selector, a port out of
// range, an unknown protocol, an unreadable selector or CIDR) is left out conservatively and listed in
// `unmodelled`, so verdicts that depend on it are marked uncertain. The schema validator already reports
// each of these on its node, so no finding is made for them here.
import { isObj, type Obj } from '../plain';
import type { Finding } from '../types';
import { parseSelector } from '../semantics/selector';
import type { Locator } from './locate';
import type {
  IpBlock,
  LabelSelector,
  NetworkPolicyModel,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  PortSpec,
  Protocol,
  SourceRef,
  UnmodelledPart,
} from './types';

type Path = (string | number)[];

const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];
/** IANA service name syntax, as Kubernetes validates a named port (IsValidPortName). */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

export interface NetworkPolicyParse {
  model?: NetworkPolicyModel;
  findings: Finding[];
}

export function networkPolicyFromSpec(
  spec: unknown,
  meta: { namespace: string; name: string },
  locate: Locator,
  specPath: Path,
  uri: string,
): NetworkPolicyParse {
  const findings: Finding[] = [];
  if (spec !== undefined && spec !== null && !isObj(spec)) return { findings };
  const s: Obj = isObj(spec) ? spec : {};
  const unmodelled: UnmodelledPart[] = [];
  const at = (...segs: Path): Path => [...specPath, ...segs];
  const ref = (path: Path): SourceRef | undefined => locate(path);
  const miss = (path: Path, reason: string) => unmodelled.push({ reason, source: ref(path) ?? ref(specPath) });

  const selector = (value: unknown, path: Path): LabelSelector => {
    const parsed = parseSelector(value);
    for (const p of parsed.problems) miss([...path, ...p.path], `selector: ${p.reason}`);
    return parsed.selector;
  };

  const podSelector = selector(s.podSelector, at('podSelector'));

  const readPorts = (value: unknown, path: Path): PortSpec[] | 'any' => {
    if (!Array.isArray(value) || value.length === 0) {
      if (value !== undefined && value !== null && !Array.isArray(value)) miss(path, 'ports is not a list');
      return 'any';
    }
    const out: PortSpec[] = [];
    value.forEach((raw, k) => {
      const p = [...path, k];
      const entry: Obj = isObj(raw) ? raw : {};
      if (raw !== null && !isObj(raw)) return miss(p, 'the port entry is not a mapping');
      const proto = entry.protocol ?? 'TCP';
      if (typeof proto !== 'string' || !PROTOCOLS.includes(proto)) return miss([...p, 'protocol'], `unknown protocol ${JSON.stringify(proto)}`);
      const spec: PortSpec = { protocol: proto as Protocol, source: ref(p) };
      const port = entry.port;
      if (port !== undefined && port !== null) {
        if (typeof port === 'number') {
          if (!Number.isInteger(port) || port < 1 || port > 65535) return miss([...p, 'port'], `port ${port} is not between 1 and 65535`);
          spec.port = port;
        } else if (typeof port === 'string') {
          if (!PORT_NAME.test(port)) return miss([...p, 'port'], `${JSON.stringify(port)} is not a valid port name`);
          spec.port = port;
        } else return miss([...p, 'port'], 'the port is neither a number nor a name');
      }
      const end = entry.endPort;
      if (end !== undefined && end !== null) {
        if (typeof end !== 'number' || !Number.isInteger(end) || typeof spec.port !== 'number' || end < spec.port || end > 65535) {
          return miss([...p, 'endPort'], 'endPort must be a number from port to 65535, after a numeric port');
        }
        spec.endPort = end;
      }
      out.push(spec);
    });
    return out;
  };

  const readPeer = (raw: unknown, path: Path): NetworkPolicyPeer | undefined => {
    if (raw !== null && !isObj(raw)) {
      miss(path, 'the peer is not a mapping');
      return undefined;
    }
    const v: Obj = raw ?? {};
    const has = (k: string) => v[k] !== undefined && v[k] !== null;
    if (!has('podSelector') && !has('namespaceSelector') && !has('ipBlock')) {
      miss(path, 'the peer sets none of podSelector, namespaceSelector and ipBlock (the API server rejects it)');
      return undefined;
    }
    if (has('ipBlock') && (has('podSelector') || has('namespaceSelector'))) {
      miss(path, 'ipBlock beside a selector in one peer (the API server rejects it)');
      return undefined;
    }
    const peer: NetworkPolicyPeer = { source: ref(path) };
    if (has('ipBlock')) {
      const b = v.ipBlock;
      if (!isObj(b) || typeof b.cidr !== 'string') {
        miss([...path, 'ipBlock'], 'ipBlock has no cidr');
        return undefined;
      }
      const except = Array.isArray(b.except) ? b.except : [];
      const block: IpBlock = { cidr: b.cidr, except: except.filter((e): e is string => typeof e === 'string') };
      if (block.except.length !== except.length) miss([...path, 'ipBlock', 'except'], 'an except entry is not a string');
      peer.ipBlock = block;
      return peer;
    }
    if (has('podSelector')) peer.podSelector = selector(v.podSelector, [...path, 'podSelector']);
    if (has('namespaceSelector')) peer.namespaceSelector = selector(v.namespaceSelector, [...path, 'namespaceSelector']);
    return peer;
  };

  const readRules = (direction: 'ingress' | 'egress'): NetworkPolicyRule[] => {
    const list = s[direction];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      miss(at(direction), `${direction} is not a list`);
      return [];
    }
    const peersKey = direction === 'ingress' ? 'from' : 'to';
    const out: NetworkPolicyRule[] = [];
    list.forEach((raw, index) => {
      const path = at(direction, index);
      if (raw !== null && !isObj(raw)) {
        // Not a rule at all: it allows nothing (and the validator reports the type).
        miss(path, 'the rule is not a mapping');
        out.push({ index, peers: [], ports: [], source: ref(path) });
        return;
      }
      const r: Obj = raw ?? {};
      const rawPeers = r[peersKey];
      let peers: NetworkPolicyPeer[] | 'any' = 'any';
      if (Array.isArray(rawPeers) && rawPeers.length > 0) {
        peers = [];
        rawPeers.forEach((p, j) => {
          const peer = readPeer(p, [...path, peersKey, j]);
          if (peer) (peers as NetworkPolicyPeer[]).push(peer);
        });
      } else if (rawPeers !== undefined && rawPeers !== null && !Array.isArray(rawPeers)) {
        miss([...path, peersKey], `${peersKey} is not a list`);
        peers = [];
      }
      out.push({ index, peers, ports: readPorts(r.ports, [...path, 'ports']), source: ref(path) });
    });
    return out;
  };

  const ingress = readRules('ingress');
  const egress = readRules('egress');

  const types = s.policyTypes;
  let policyTypes: NetworkPolicyModel['policyTypes'];
  if (Array.isArray(types) && types.length > 0) {
    policyTypes = { ingress: false, egress: false };
    types.forEach((t, i) => {
      if (t === 'Ingress') policyTypes.ingress = true;
      else if (t === 'Egress') policyTypes.egress = true;
      else miss(at('policyTypes', i), `unknown policy type ${JSON.stringify(t)}`);
    });
  } else {
    // Kubernetes' defaulting: Ingress always, Egress when there are egress rules.
    const rawEgress = s.egress;
    policyTypes = { ingress: true, egress: Array.isArray(rawEgress) && rawEgress.length > 0 };
  }

  const model: NetworkPolicyModel = {
    kind: 'NetworkPolicy',
    id: `${meta.namespace}/${meta.name}`,
    namespace: meta.namespace,
    name: meta.name,
    podSelector,
    policyTypes,
    ingress,
    egress,
    source: locate([]) ?? ref(specPath) ?? { uri, span: { start: 0, end: 0 } },
  };
  if (unmodelled.length > 0) model.unmodelled = unmodelled;
  return { model, findings };
}
