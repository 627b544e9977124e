// Syntax checks that Kubernetes and Cilium run on strings the OpenAPI schemas leave unconstrained. Each
// function mirrors one upstream function (named above it) and returns its problems as short phrases, so
// callers can build a sentence: `"Web" is not a valid name: it must …`. Empty list: valid.

/** k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push(`must be at most 63 characters (it has ${value.length})`);
  if (!DNS1123_LABEL.test(value)) {
    if (DNS1123_SUBDOMAIN.test(value)) problems.push('must not contain dots');
    else problems.push(DNS1123_LABEL_WORDS);
  }
  return problems;
}

/** k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain. */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push(`must be at most 253 characters (it has ${value.length})`);
  if (!DNS1123_SUBDOMAIN.test(value)) problems.push(DNS1123_SUBDOMAIN_WORDS);
  return problems;
}

/**
 * k8s.io/apimachinery/pkg/util/validation: IsQualifiedName (now content.IsLabelKey): an optional
 * DNS-1123 subdomain prefix and '/', then a name of at most 63 characters.
 */
export function labelKeyProblems(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const problems: string[] = [];
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) problems.push('has an empty prefix before "/"');
    else for (const p of dns1123SubdomainProblems(prefix)) problems.push(`has a prefix that ${p}`);
  } else {
    return ['may contain at most one "/" (an optional DNS subdomain prefix, then the name)'];
  }
  if (name.length === 0) problems.push('has an empty name part');
  else {
    if (name.length > 63) problems.push(`has a name part longer than 63 characters (${name.length})`);
    if (!QUALIFIED_NAME.test(name)) problems.push(`has a name part that ${QUALIFIED_NAME_WORDS}`);
  }
  return problems;
}

/** k8s.io/apimachinery/pkg/util/validation: IsValidLabelValue (content.IsLabelValue). */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push(`must be at most 63 characters (it has ${value.length})`);
  if (value !== '' && !QUALIFIED_NAME.test(value)) problems.push(`must be empty or ${QUALIFIED_NAME_WORDS.replace(/^must /, '')}`);
  return problems;
}

/** k8s.io/apimachinery/pkg/util/validation: IsValidPortNum. */
export function portNumberProblems(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535'];
}

/** k8s.io/apimachinery/pkg/util/validation: IsValidPortName (lowercase IANA service name). */
export function portNameProblems(port: string): string[] {
  const problems: string[] = [];
  if (port.length > 15) problems.push(`must be at most 15 characters (it has ${port.length})`);
  if (!/^[-a-z0-9]+$/.test(port)) problems.push('must contain only lowercase letters, digits and "-"');
  if (!/[a-z]/.test(port)) problems.push('must contain at least one lowercase letter');
  if (port.includes('--')) problems.push('must not contain "--"');
  if (port.length > 0 && (port[0] === '-' || port[port.length - 1] === '-')) problems.push('must not begin or end with "-"');
  return problems;
}

/** cilium/cilium pkg/iana: IsSvcName (RFC 6335 service name; case is ignored). */
export function isIanaServiceName(port: string): boolean {
  return port.length > 0 && port.length <= 15 && /^([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$/.test(port);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_LABEL_WORDS = 'must consist of lowercase letters, digits and "-", and start and end with a letter or digit';
const DNS1123_SUBDOMAIN_WORDS = 'must consist of lowercase letters, digits, "-" and ".", and start and end with a letter or digit';
const QUALIFIED_NAME_WORDS = 'must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit';

/** A parsed IP prefix: the address as 4 or 16 bytes and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  bytes: number[];
  bits: number;
  /** Bits set after the prefix length (an "interface address" like 10.0.0.1/24). */
  hostBits: boolean;
  /** An IPv4 octet or the prefix length written with a leading 0 (only accepted by sloppy parsing). */
  leadingZeros: boolean;
  ipv4Mapped: boolean;
}

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/**
 * Parses `addr/bits`. `sloppy` mirrors k8s.io/utils/net ParseCIDRSloppy (Go net.ParseCIDR that also
 * accepts IPv4 octets with leading zeros, as Kubernetes does for legacy fields like ipBlock.cidr);
 * without it, leading zeros are rejected as by Go's net/netip (what Cilium and the CRD `cidr` format use).
 */
export function parseCidr(text: string, sloppy: boolean): CidrResult {
  const slash = text.indexOf('/');
  if (slash === -1) {
    const ip = parseIp(text, sloppy);
    return { ok: false, reason: ip ? 'has no prefix length; write it as a CIDR, e.g. /32 for one IPv4 address or /128 for one IPv6 address' : 'is not a CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)' };
  }
  const addrText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  const ip = parseIp(addrText, sloppy);
  if (!ip) {
    const strict = !sloppy && parseIp(addrText, true);
    return { ok: false, reason: strict ? 'has an IPv4 address with leading zeros, which some software reads as octal' : `has "${addrText}", which is not an IP address` };
  }
  if (!/^\d{1,3}$/.test(bitsText)) return { ok: false, reason: `has "${bitsText}" as prefix length, which is not a number` };
  const bits = Number(bitsText);
  const max = ip.bytes.length * 8;
  if (bits > max) return { ok: false, reason: `has prefix length /${bits}, but an IPv${ip.family} prefix is at most /${max}` };
  const bitsLeadingZero = bitsText.length > 1 && bitsText[0] === '0';
  if (bitsLeadingZero && !sloppy) return { ok: false, reason: 'has a prefix length with a leading zero' };
  const cidr: Cidr = {
    family: ip.family,
    bytes: ip.bytes,
    bits,
    hostBits: hasHostBits(ip.bytes, bits),
    leadingZeros: ip.leadingZeros || bitsLeadingZero,
    ipv4Mapped: ip.ipv4Mapped,
  };
  return { ok: true, cidr };
}

function hasHostBits(bytes: number[], bits: number): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    if ((bytes[i] & ~mask & 0xff) !== 0) return true;
  }
  return false;
}

/** The network address (host bits cleared) written back as text: `10.0.0.0/24`. */
export function networkText(c: Cidr): string {
  const bytes = c.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, c.bits - i * 8));
    return b & (keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff);
  });
  return `${formatIp(c.family, bytes)}/${c.bits}`;
}

/** The same prefix written without leading zeros: `10.0.0.0/8` for `010.0.0.0/08`. */
export function canonicalText(c: Cidr): string {
  return `${formatIp(c.family, c.bytes)}/${c.bits}`;
}

/** The single address as a host prefix: `10.0.0.1/32`. */
export function hostText(c: Cidr): string {
  return `${formatIp(c.family, c.bytes)}/${c.bytes.length * 8}`;
}

/** True when `addr` lies inside the first `bits` bits of `net` (same family). */
export function prefixContains(net: Cidr, addr: Cidr): boolean {
  if (net.family !== addr.family || net.bytes.length !== addr.bytes.length) return false;
  for (let i = 0; i < net.bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, net.bits - i * 8));
    if (keep === 0) break;
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((net.bytes[i] & mask) !== (addr.bytes[i] & mask)) return false;
  }
  return true;
}

/** An IPv4 or IPv6 address (no prefix, no zone), parsed strictly: no IPv4 octet with a leading zero. */
export function isIpAddress(text: string): boolean {
  return parseIp(text, false) !== undefined;
}

interface Ip {
  family: 4 | 6;
  bytes: number[];
  leadingZeros: boolean;
  ipv4Mapped: boolean;
}

function parseIp(text: string, sloppy: boolean): Ip | undefined {
  if (text.includes(':')) return parseIpv6(text, sloppy);
  const v4 = parseIpv4(text, sloppy);
  return v4 ? { family: 4, bytes: v4.bytes, leadingZeros: v4.leadingZeros, ipv4Mapped: false } : undefined;
}

function parseIpv4(text: string, sloppy: boolean): { bytes: number[]; leadingZeros: boolean } | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  let leadingZeros = false;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    if (p.length > 1 && p[0] === '0') {
      if (!sloppy) return undefined;
      leadingZeros = true;
    }
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return { bytes, leadingZeros };
}

function parseIpv6(text: string, sloppy: boolean): Ip | undefined {
  if (text.includes('%')) return undefined; // zones are not allowed in CIDRs
  let leadingZeros = false;
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last, sloppy);
    if (!v4) return undefined;
    leadingZeros = v4.leadingZeros;
    tail = v4.bytes;
    body = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return undefined;
  let words: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return undefined;
    words = [...head, ...Array(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    words = head;
  }
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 0xff);
  if (tail.length) bytes.splice(12, 4, ...tail);
  const ipv4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return { family: 6, bytes, leadingZeros, ipv4Mapped };
}

function formatIp(family: 4 | 6, bytes: number[]): string {
  if (family === 4) return bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  // RFC 5952: compress the longest run (length ≥ 2) of zero words.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart === -1) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}
