// Port texts as the preview protocol writes them (server/src/features/preview-data.ts portsText): `all`,
// `none`, `all TCP`, `TCP/80, TCP/443, TCP/8000-8080, UDP/53`, and the CLI's `TCP 53,80-82;UDP 53`.
// One reader for the server (explain requests) and the webview (filters, exports); no imports, so the
// browser bundle can take it.

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

/** `TCP/5432`, `tcp 5432`, `UDP:53`, `5432` (TCP); undefined when the text is not one port. */
export function parsePortQuery(text: string | undefined): PortQuery | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*(?:(tcp|udp|sctp)\s*[/ :]\s*)?(\d{1,5})\s*$/i.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { protocol: (m[1] ? m[1].toUpperCase() : 'TCP') as Protocol, port };
}

/** The ranges a port text stands for; parts it cannot read are left out. */
export function parsePortsText(text: string): PortRanges {
  const t = text.trim();
  if (/^(all|all connections)$/i.test(t)) return { all: true, ranges: [] };
  const out: PortRanges = { all: false, ranges: [] };
  let protocol: Protocol | undefined;
  for (const raw of t.split(/[;,]/)) {
    let part = raw.trim();
    // `all TCP`: every port of one protocol.
    const whole = /^all\s+(TCP|UDP|SCTP)$/i.exec(part);
    if (whole) {
      protocol = whole[1].toUpperCase() as Protocol;
      out.ranges.push({ protocol, from: 1, to: 65535 });
      continue;
    }
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
