// The quick fixes of the DNS egress rules. "Insert DNS egress rule" appends a rule admitting UDP and TCP
// on every configured DNS port to the DNS pods (by namespace name and pod labels; the NodeLocal DNSCache
// address too, when configured) to the `egress` list of the policy at fault — a NetworkPolicy spec, a
// Tenant's networkPolicies item, a rawItem, or one Cilium rule — in the document's own style
// (fixes/yaml-edit.ts). "Allow TCP on the DNS port" adds TCP entries next to the UDP ones of a rule that
// admits nothing but DNS over UDP. Both only add DNS, so they are safe in "fix all".
import { isMap, isScalar, isSeq } from 'yaml';
import type { DnsConfig } from '../config';
import { findNode, type Path } from '../model/locate';
import type { ParsedDocument } from '../parse/document';
import { appendToSequence } from '../fixes/yaml-edit';
import type { Fix, TextEdit } from '../types';
import { isObj } from '../model/capsule';
import { toPlain } from '../parse/document';

export interface FixTarget {
  parsed: ParsedDocument;
  /** The NetworkPolicy spec (or Tenant item) or the Cilium rule (`spec`, `specs[i]`) to extend. */
  specPath: Path;
  cilium: boolean;
  /** The egress rule the finding is on (udp-only: the rule admitting UDP). */
  rulePath?: Path;
  /** The rule id of the finding. */
  kind: string;
}

export const INSERT_DNS_TITLE = 'Insert DNS egress rule';
export const ADD_TCP_TITLE = 'Allow TCP on the DNS port';

export function dnsFixes(t: FixTarget, dns: DnsConfig): Fix[] {
  if (dns.ports.length === 0) return [];
  if (t.kind === 'dns-egress-udp-only' && t.rulePath) {
    const edits = addTcpEdits(t, dns);
    if (edits.length > 0) return [{ title: ADD_TCP_TITLE, edits, isPreferred: true, fixAll: true }];
  }
  const edits = insertRuleEdits(t, dns);
  return edits.length > 0 ? [{ title: INSERT_DNS_TITLE, edits, isPreferred: true, fixAll: true }] : [];
}

/** The DNS rule as a NetworkPolicy egress rule. */
export function networkPolicyDnsRule(dns: DnsConfig): Record<string, unknown> {
  const peer: Record<string, unknown> = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace } } };
  // Without pod labels the namespace alone selects the DNS pods (every pod of it).
  if (Object.keys(dns.podLabels).length > 0) peer.podSelector = { matchLabels: { ...dns.podLabels } };
  const to: unknown[] = [peer];
  // The NodeLocal DNSCache pods run on the host network: only their address can admit them.
  if (dns.nodeLocalAddress) to.push({ ipBlock: { cidr: dns.nodeLocalAddress.includes('/') ? dns.nodeLocalAddress : `${dns.nodeLocalAddress}/32` } });
  return { to, ports: dns.ports.flatMap((port) => [{ protocol: 'UDP', port }, { protocol: 'TCP', port }]) };
}

/**
 * The DNS rule as a Cilium egress rule. `rules.dns` only when the policy uses toFQDNs: it switches on the
 * L7 DNS proxy (which toFQDNs needs to learn addresses, and which clusters without the L7 proxy reject),
 * and Cilium accepts it on port 53 only, so other ports get their own toPorts entry without it.
 */
export function ciliumDnsRule(dns: DnsConfig, dnsProxy: boolean): Record<string, unknown> {
  const matchLabels: Record<string, string> = { 'k8s:io.kubernetes.pod.namespace': dns.namespace };
  for (const [k, v] of Object.entries(dns.podLabels)) matchLabels[k.includes(':') ? k : `k8s:${k}`] = v;
  const ports = (list: number[]) => list.flatMap((p) => [{ port: String(p), protocol: 'UDP' }, { port: String(p), protocol: 'TCP' }]);
  const toPorts: unknown[] = [];
  if (dnsProxy && dns.ports.includes(53)) {
    toPorts.push({ ports: ports([53]), rules: { dns: [{ matchPattern: '*' }] } });
    const others = dns.ports.filter((p) => p !== 53);
    if (others.length > 0) toPorts.push({ ports: ports(others) });
  } else toPorts.push({ ports: ports(dns.ports) });
  return { toEndpoints: [{ matchLabels }], toPorts };
}

function usesFqdn(parsed: ParsedDocument, specPath: Path): boolean {
  const egress = findNode(parsed, [...specPath, 'egress'])?.node;
  if (!isSeq(egress)) return false;
  return egress.items.some((r) => {
    if (!isMap(r)) return false;
    const fqdn = r.items.find((p) => isScalar(p.key) && p.key.value === 'toFQDNs')?.value;
    return isSeq(fqdn) && fqdn.items.length > 0;
  });
}

function insertRuleEdits(t: FixTarget, dns: DnsConfig): TextEdit[] {
  const rule = t.cilium ? ciliumDnsRule(dns, usesFqdn(t.parsed, t.specPath)) : networkPolicyDnsRule(dns);
  const edits: TextEdit[] = [];
  if (!t.cilium) {
    // A written policyTypes without Egress would make Kubernetes ignore the new rule. Its edit goes first:
    // when policyTypes is the spec's last entry both insert at one offset, and Egress belongs under it.
    const types = findNode(t.parsed, [...t.specPath, 'policyTypes'])?.node;
    if (isSeq(types) && types.items.length > 0 && !types.items.some((n) => isScalar(n) && n.value === 'Egress')) {
      const add = appendToSequence(t.parsed, [...t.specPath, 'policyTypes'], 'Egress');
      if (add.length === 0) return [];
      edits.push(...add);
    }
  }
  const append = appendToSequence(t.parsed, [...t.specPath, 'egress'], rule);
  if (append.length === 0) return [];
  edits.push(...append);
  return merge(edits);
}

/**
 * TCP entries beside the UDP ones, when the rule admits nothing but DNS over UDP (every entry UDP on a
 * configured DNS port): then TCP to the same peers only completes DNS. Otherwise nothing (the caller
 * appends a whole DNS rule rather than widening a rule that also serves something else).
 */
function addTcpEdits(t: FixTarget, dns: DnsConfig): TextEdit[] {
  const entries = portEntries(t.parsed, t.rulePath!, t.cilium);
  if (entries.length === 0) return [];
  const clean = entries.every((e) => e.protocol === 'UDP' && typeof e.port === 'number' && dns.ports.includes(e.port) && e.endPort === undefined);
  if (!clean) return [];
  const edits: TextEdit[] = [];
  for (const e of entries) {
    const keys = keyOrder(t.parsed, e.path);
    const item: Record<string, unknown> = {};
    for (const k of keys) item[k] = k === 'protocol' ? 'TCP' : t.cilium ? String(e.port) : e.port;
    const add = appendToSequence(t.parsed, e.path.slice(0, -1), item);
    if (add.length === 0) return [];
    edits.push(...add);
  }
  return merge(edits);
}

/** `protocol` and `port` in the order the existing entry writes them. */
function keyOrder(parsed: ParsedDocument, path: Path): string[] {
  const node = findNode(parsed, path)?.node;
  const written = isMap(node) ? node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter((k) => k === 'port' || k === 'protocol') : [];
  if (written.length === 2) return written;
  if (written[0] === 'port') return ['port', 'protocol'];
  return ['protocol', 'port'];
}

/** Insertions at one offset, in the order they were made (two appends to the same list). */
function merge(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.span.start === e.span.start && o.span.end === e.span.end && o.span.start === o.span.end);
    if (same) same.newText += e.newText;
    else out.push({ span: { ...e.span }, newText: e.newText });
  }
  return out;
}

/** A port entry of an egress rule, as written. */
export interface PortEntry {
  path: Path;
  protocol: string;
  port?: number | string;
  endPort?: number;
}

/** The port entries of an egress rule (`ports` of a NetworkPolicy rule, `toPorts[*].ports` in Cilium). */
export function portEntries(parsed: ParsedDocument, rulePath: Path, cilium: boolean): PortEntry[] {
  const rule = findNode(parsed, rulePath)?.node;
  const value = rule ? toPlain(rule).value : undefined;
  if (!isObj(value)) return [];
  const lists: { list: unknown; path: Path }[] = cilium
    ? (Array.isArray(value.toPorts) ? value.toPorts : []).map((tp, j) => ({ list: isObj(tp) ? tp.ports : undefined, path: [...rulePath, 'toPorts', j, 'ports'] }))
    : [{ list: value.ports, path: [...rulePath, 'ports'] }];
  const out: PortEntry[] = [];
  for (const { list, path } of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((e, k) => {
      if (!isObj(e)) return;
      const protocol = typeof e.protocol === 'string' ? e.protocol.toUpperCase() : cilium ? 'ANY' : 'TCP';
      const raw = e.port;
      const port = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : typeof raw === 'string' ? raw : undefined;
      out.push({ path: [...path, k], protocol, port, endPort: typeof e.endPort === 'number' ? e.endPort : undefined });
    });
  }
  return out;
}
