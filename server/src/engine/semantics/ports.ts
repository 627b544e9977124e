// The ports of a rule as a connection set, for one destination. Kubernetes: protocol defaults to TCP
// (the model has already applied that); an entry without `port` is every port of its protocol;
// `endPort` makes a range; a named port is looked up in the DESTINATION's container ports with the same
// protocol — for ingress and egress rules alike — and an entry whose name the destination does not
// define allows nothing (so does any named port towards an external address).
import type { ContainerPort, PortSpec, Protocol } from '../model/types';
import { ConnSet } from './connset';

/** Is the answer the same for every destination (no named port)? */
export function portsAreFixed(ports: readonly PortSpec[] | 'any'): boolean {
  return ports === 'any' || ports.every((p) => typeof p.port !== 'string');
}

/** The named ports of the destination that carry `name` with `protocol` (`ANY`: any protocol). */
export function resolveNamedPort(name: string, protocol: Protocol | 'ANY', dstPorts: readonly ContainerPort[]): { protocol: Protocol; port: number }[] {
  const out: { protocol: Protocol; port: number }[] = [];
  for (const cp of dstPorts) {
    if (cp.name === name && (protocol === 'ANY' || cp.protocol === protocol)) out.push({ protocol: cp.protocol, port: cp.port });
  }
  return out;
}

/** One port entry for a destination with these container ports (undefined: an external address). */
export function portSpecConns(spec: PortSpec, dstPorts: readonly ContainerPort[] | undefined): ConnSet {
  if (spec.port === undefined) return ConnSet.of(spec.protocol);
  if (typeof spec.port === 'number') {
    const end = spec.endPort !== undefined && spec.endPort >= spec.port ? spec.endPort : spec.port;
    return ConnSet.port(spec.protocol, spec.port, end);
  }
  let out = ConnSet.NONE;
  for (const r of resolveNamedPort(spec.port, spec.protocol, dstPorts ?? [])) out = out.union(ConnSet.port(r.protocol, r.port));
  return out;
}

/** The union of a rule's port entries for one destination; `'any'` (ports absent or empty) is everything. */
export function portsConns(ports: readonly PortSpec[] | 'any', dstPorts: readonly ContainerPort[] | undefined): ConnSet {
  if (ports === 'any') return ConnSet.ALL;
  let out = ConnSet.NONE;
  for (const p of ports) out = out.union(portSpecConns(p, dstPorts));
  return out;
}
