// Reading the panel's port texts. The server writes a set of connections as `all`, `none`, `TCP/80,
// TCP/443, UDP/53` or the CLI's `TCP 53,80-82;UDP 53`; both are read, and anything else is kept as text.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortQuery {
  protocol: Protocol;
  port: number;
}

export interface PortRanges {
  all: boolean;
  ranges: { protocol: Protocol; from: number; to: number }[];
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

/** `TCP/5432`, `tcp 5432`, `5432` (TCP); undefined when the text is not a port. */
export function parsePortQuery(text: string): PortQuery | undefined {
  const m = /^\s*(?:(tcp|udp|sctp)\s*[/ :]\s*)?(\d{1,5})\s*$/i.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { protocol: (m[1] ? m[1].toUpperCase() : 'TCP') as Protocol, port };
}

export function parsePorts(text: string): PortRanges {
  const t = text.trim();
  if (/^(all|all connections)$/i.test(t)) return { all: true, ranges: [] };
  const out: PortRanges = { all: false, ranges: [] };
  let protocol: Protocol | undefined;
  for (const raw of t.split(/[;,]/)) {
    let part = raw.trim();
    const head = /^(TCP|UDP|SCTP)(?:\s*[/ ]\s*|$)/i.exec(part);
    if (head) {
      protocol = head[1].toUpperCase() as Protocol;
      part = part.slice(head[0].length).trim();
    }
    if (!protocol || !PROTOCOLS.has(protocol)) continue;
    if (part === '' || part === '*' || /^all$/i.test(part)) {
      out.ranges.push({ protocol, from: 1, to: 65535 });
      continue;
    }
    const r = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!r) continue;
    const from = Number(r[1]);
    out.ranges.push({ protocol, from, to: r[2] ? Number(r[2]) : from });
  }
  return out;
}

const cache = new Map<string, PortRanges>();

/** Does the set of connections `text` include the port? */
export function portsInclude(text: string, q: PortQuery): boolean {
  let p = cache.get(text);
  if (!p) {
    p = parsePorts(text);
    if (cache.size > 5000) cache.clear();
    cache.set(text, p);
  }
  return p.all || p.ranges.some((r) => r.protocol === q.protocol && r.from <= q.port && q.port <= r.to);
}
