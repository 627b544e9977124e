// The panel's port texts, read by the one reader the server shares (server/src/port-text.ts), with a
// cache: the matrix asks the same few texts for thousands of cells.

import { parsePortsText, type PortQuery, type PortRanges } from '../../server/src/port-text';

export { parsePortQuery, parsePortsText as parsePorts, type PortQuery, type PortRanges, type Protocol } from '../../server/src/port-text';

const cache = new Map<string, PortRanges>();

/** Does the set of connections `text` include the port? */
export function portsInclude(text: string, q: PortQuery): boolean {
  let p = cache.get(text);
  if (!p) {
    p = parsePortsText(text);
    if (cache.size > 5000) cache.clear();
    cache.set(text, p);
  }
  return p.all || p.ranges.some((r) => r.protocol === q.protocol && r.from <= q.port && q.port <= r.to);
}
