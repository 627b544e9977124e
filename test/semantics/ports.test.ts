// A rule's ports for one destination: default TCP (applied by the model), all ports of a protocol when
// `port` is absent, endPort ranges, SCTP, and named ports resolved on the destination's container ports
// with the same protocol (nothing otherwise, and nothing towards an external address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerPort, PortSpec } from '../../server/src/engine/model/types';
import { portsConns } from '../../server/src/engine/semantics/ports';

const WEB: ContainerPort[] = [
  { name: 'http', port: 8080, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'metrics', port: 9090, protocol: 'TCP' },
];

const CASES: { name: string; ports: PortSpec[] | 'any'; dst?: ContainerPort[]; conns: string }[] = [
  { name: 'absent or empty ports: everything', ports: 'any', conns: 'All Connections' },
  { name: 'no port: every port of the protocol', ports: [{ protocol: 'TCP' }], conns: 'TCP 1-65535' },
  { name: 'UDP, every port', ports: [{ protocol: 'UDP' }], conns: 'UDP 1-65535' },
  { name: 'one port', ports: [{ protocol: 'TCP', port: 443 }], conns: 'TCP 443' },
  { name: 'entries are a union', ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }, { protocol: 'TCP', port: 80 }], conns: 'TCP 53,80;UDP 53' },
  { name: 'endPort makes a range', ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }], conns: 'TCP 32000-32768' },
  { name: 'overlapping ranges merge', ports: [{ protocol: 'TCP', port: 80, endPort: 90 }, { protocol: 'TCP', port: 85, endPort: 100 }], conns: 'TCP 80-100' },
  { name: 'SCTP', ports: [{ protocol: 'SCTP', port: 9000 }], conns: 'SCTP 9000' },
  { name: 'named port on the destination', ports: [{ protocol: 'TCP', port: 'http' }], dst: WEB, conns: 'TCP 8080' },
  { name: 'named port with another protocol there: nothing', ports: [{ protocol: 'TCP', port: 'dns' }], dst: WEB, conns: 'No Connections' },
  { name: 'named UDP port', ports: [{ protocol: 'UDP', port: 'dns' }], dst: WEB, conns: 'UDP 53' },
  { name: 'named port the destination lacks: nothing', ports: [{ protocol: 'TCP', port: 'grpc' }], dst: WEB, conns: 'No Connections' },
  { name: 'named port towards an external address: nothing', ports: [{ protocol: 'TCP', port: 'http' }], dst: undefined, conns: 'No Connections' },
  { name: 'named and numbered ports together', ports: [{ protocol: 'TCP', port: 'metrics' }, { protocol: 'TCP', port: 443 }], dst: WEB, conns: 'TCP 443,9090' },
  { name: 'an empty list (every entry unreadable) allows nothing', ports: [], conns: 'No Connections' },
];

for (const c of CASES) {
  test(`ports: ${c.name}`, () => {
    assert.equal(portsConns(c.ports, c.dst).toString(), c.conns);
  });
}
