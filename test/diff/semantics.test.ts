// diffConnectivity: two connectivity results → added, removed, changed. Tables of before/after rows with
// connections written as the CLI prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnSet } from '../../server/src/engine/semantics/connset';
import { diffConnectivity, isEmptyDiff, type ConnectionRow, type ConnectivityDiff } from '../../server/src/engine/semantics/diff';

/** `TCP 53,80-82;UDP 53` or `All Connections` → ConnSet. */
function conns(text: string): ConnSet {
  if (text === 'All Connections') return ConnSet.ALL;
  let c = ConnSet.NONE;
  for (const part of text.split(';')) {
    const [proto, ports] = part.split(' ') as ['TCP' | 'UDP' | 'SCTP', string];
    for (const r of ports.split(',')) {
      const [a, b] = r.split('-').map(Number);
      c = c.union(ConnSet.port(proto, a, b ?? a));
    }
  }
  return c;
}

const row = (src: string, dst: string, c: string, extra: Partial<ConnectionRow> = {}): ConnectionRow => ({ src, dst, conns: conns(c), ...extra });

/** The diff as text lines, easy to compare in a table. */
function lines(d: ConnectivityDiff): string[] {
  return [
    ...d.added.map((r) => `+ ${r.src} -> ${r.dst} ${r.conns}${r.uncertain ? ' ?' : ''}`),
    ...d.removed.map((r) => `- ${r.src} -> ${r.dst} ${r.conns}${r.uncertain ? ' ?' : ''}`),
    ...d.changed.map((r) => `~ ${r.src} -> ${r.dst} ${r.before} => ${r.after} (+${r.gained} -${r.lost})${r.uncertain ? ' ?' : ''}`),
  ];
}

const cases: { name: string; before: ConnectionRow[]; after: ConnectionRow[]; expect: string[] }[] = [
  { name: 'identical results: no change', before: [row('a/x', 'b/y', 'TCP 80')], after: [row('a/x', 'b/y', 'TCP 80')], expect: [] },
  { name: 'both empty', before: [], after: [], expect: [] },
  {
    name: 'a pair that appears is added, one that disappears is removed',
    before: [row('a/x', 'b/y', 'TCP 80')],
    after: [row('wind/api', 'solar/db', 'TCP 5432')],
    expect: ['+ wind/api -> solar/db TCP 5432', '- a/x -> b/y TCP 80'],
  },
  {
    name: 'different ports on a pair connected before and after: changed, with what was gained and lost',
    before: [row('a/x', 'b/y', 'TCP 80,8080')],
    after: [row('a/x', 'b/y', 'TCP 80,443')],
    expect: ['~ a/x -> b/y TCP 80,8080 => TCP 80,443 (+TCP 443 -TCP 8080)'],
  },
  {
    name: 'rows with No Connections count as absent',
    before: [row('a/x', 'b/y', 'TCP 80'), { src: 'a/x', dst: 'c/z', conns: ConnSet.NONE }],
    after: [{ src: 'a/x', dst: 'b/y', conns: ConnSet.NONE }],
    expect: ['- a/x -> b/y TCP 80'],
  },
  {
    name: 'direction matters: x→y and y→x are different pairs',
    before: [row('a/x', 'a/y', 'TCP 80')],
    after: [row('a/y', 'a/x', 'TCP 80')],
    expect: ['+ a/y -> a/x TCP 80', '- a/x -> a/y TCP 80'],
  },
  {
    name: 'namespace and tenant levels: names without a slash',
    before: [row('wind', 'solar', 'TCP 80'), row('wind-dev', 'solar-prod', 'All Connections')],
    after: [row('wind', 'solar', 'All Connections')],
    expect: ['- wind-dev -> solar-prod All Connections', '~ wind -> solar TCP 80 => All Connections (+SCTP 1-65535;TCP 1-79,81-65535;UDP 1-65535 -No Connections)'],
  },
  {
    name: 'uncertain verdicts stay marked',
    before: [],
    after: [row('a/x', 'b/y', 'TCP 80', { uncertain: true })],
    expect: ['+ a/x -> b/y TCP 80 ?'],
  },
  {
    name: 'externals: a range cut into pieces with the same connections is no change',
    before: [row('0.0.0.0/0', 'a/x', 'TCP 443', { srcKind: 'External', dstKind: 'Deployment' })],
    after: [
      row('0.0.0.0/1', 'a/x', 'TCP 443', { srcKind: 'External', dstKind: 'Deployment' }),
      row('128.0.0.0/1', 'a/x', 'TCP 443', { srcKind: 'External', dstKind: 'Deployment' }),
    ],
    expect: [],
  },
  {
    name: 'externals: only the addresses whose connections changed are reported, merged into ranges',
    before: [row('a/x', '0.0.0.0/0', 'TCP 443', { srcKind: 'Deployment', dstKind: 'External' })],
    after: [
      row('a/x', '0.0.0.0-9.255.255.255', 'TCP 443', { srcKind: 'Deployment', dstKind: 'External' }),
      row('a/x', '11.0.0.0-255.255.255.255', 'TCP 443', { srcKind: 'Deployment', dstKind: 'External' }),
    ],
    expect: ['- a/x -> 10.0.0.0/8 TCP 443'],
  },
  {
    name: 'externals: new ports on part of the space, without kinds (names that parse as ranges)',
    before: [row('0.0.0.0-255.255.255.255', 'a/x', 'TCP 80')],
    after: [row('0.0.0.0-10.63.255.255', 'a/x', 'TCP 80'), row('10.64.0.0/16', 'a/x', 'TCP 80,30000-32767'), row('10.65.0.0-255.255.255.255', 'a/x', 'TCP 80')],
    expect: ['~ 10.64.0.0/16 -> a/x TCP 80 => TCP 80,30000-32767 (+TCP 30000-32767 -No Connections)'],
  },
  {
    name: 'externals: neighbouring pieces that changed differently stay apart; added and removed ranges',
    before: [row('a/x', '10.0.0.0/8', 'TCP 80'), row('a/x', '11.0.0.0/8', 'TCP 80')],
    after: [row('a/x', '11.0.0.0/8', 'TCP 81'), row('a/x', '12.0.0.0/8', 'TCP 80')],
    expect: ['+ a/x -> 12.0.0.0/8 TCP 80', '- a/x -> 10.0.0.0/8 TCP 80', '~ a/x -> 11.0.0.0/8 TCP 80 => TCP 81 (+TCP 81 -TCP 80)'],
  },
  {
    name: 'externals on both ends are ignored',
    before: [row('1.0.0.0/8', '2.0.0.0/8', 'TCP 80')],
    after: [],
    expect: [],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const d = diffConnectivity(c.before, c.after);
    assert.deepEqual(lines(d), c.expect);
    assert.equal(isEmptyDiff(d), c.expect.length === 0);
  });
}

test('rows are sorted by source then destination, in-cluster peers before address ranges (numerically; 9 before 12)', () => {
  const d = diffConnectivity([], [
    row('b/y', 'a/x', 'TCP 1'),
    row('9.0.0.0/8', 'a/x', 'TCP 1'),
    row('a/x', 'b/y', 'TCP 1'),
    row('12.0.0.0/8', 'a/x', 'TCP 1'),
    row('a/x', 'a/z', 'TCP 1'),
  ]);
  assert.deepEqual(d.added.map((r) => `${r.src} ${r.dst}`), ['a/x a/z', 'a/x b/y', 'b/y a/x', '9.0.0.0/8 a/x', '12.0.0.0/8 a/x']);
});

test('kinds are carried to the rows', () => {
  const d = diffConnectivity([], [row('a/x', 'b/y', 'TCP 80', { srcKind: 'Deployment', dstKind: 'StatefulSet' })]);
  assert.equal(d.added[0].srcKind, 'Deployment');
  assert.equal(d.added[0].dstKind, 'StatefulSet');
});
