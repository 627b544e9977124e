// IPv4 ranges for ipBlock peers and external endpoints: CIDRs as Kubernetes reads them (host bits
// ignored), cidr minus except, IPv6 kept out of the IPv4 space, the text of a range, and the cuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrRange, cutSpace, ipBlockRanges, parseExternal, rangeText } from '../../server/src/engine/semantics/ip';

const text = (r: { first: number; last: number }[]) => r.map(rangeText);

const CIDRS: { cidr: string; range?: string; family?: 6; error?: boolean }[] = [
  { cidr: '10.0.0.0/8', range: '10.0.0.0/8' },
  { cidr: '0.0.0.0/0', range: '0.0.0.0/0' },
  { cidr: '192.168.1.7/32', range: '192.168.1.7/32' },
  { cidr: '10.1.2.3/8', range: '10.0.0.0/8' }, // host bits: the whole network, as Kubernetes matches it
  { cidr: '2001:db8::/32', family: 6 },
  { cidr: '::ffff:10.0.0.0/104', range: '10.0.0.0/8' }, // IPv4-mapped: read as IPv4 (Go's net package)
  { cidr: '10.0.0.0/33', error: true },
  { cidr: 'ten/8', error: true },
];

for (const c of CIDRS) {
  test(`ip: cidr ${c.cidr}`, () => {
    const r = cidrRange(c.cidr);
    if (c.error) return assert.equal(r.ok, false);
    assert.ok(r.ok);
    if (c.family === 6) return assert.equal(r.family, 6);
    assert.ok(r.family === 4);
    assert.equal(rangeText(r.range), c.range);
  });
}

const BLOCKS: { name: string; cidr: string; except: string[]; ranges: string[]; problems?: number; notes?: number }[] = [
  { name: 'no except', cidr: '172.16.0.0/12', except: [], ranges: ['172.16.0.0/12'] },
  { name: 'except in the middle', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ranges: ['10.0.0.0/16', '10.2.0.0-10.255.255.255'] },
  {
    name: 'several excepts (the internet minus private ranges)',
    cidr: '0.0.0.0/0',
    except: ['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12'],
    ranges: ['0.0.0.0-9.255.255.255', '11.0.0.0-172.15.255.255', '172.32.0.0-192.167.255.255', '192.169.0.0-255.255.255.255'],
  },
  { name: 'except at the start', cidr: '10.0.0.0/8', except: ['10.0.0.0/9'], ranges: ['10.128.0.0/9'] },
  { name: 'IPv6: outside the IPv4 space, said in a note', cidr: 'fd00::/8', except: [], ranges: [], notes: 1 },
  { name: 'unreadable cidr: nothing, flagged', cidr: '10.0.0.0/40', except: [], ranges: [], problems: 1 },
  { name: 'except outside cidr: flagged', cidr: '10.0.0.0/16', except: ['11.0.0.0/24'], ranges: ['10.0.0.0/16'], problems: 1 },
];

for (const b of BLOCKS) {
  test(`ip: ipBlock ${b.name}`, () => {
    const r = ipBlockRanges({ cidr: b.cidr, except: b.except });
    assert.deepEqual(text(r.ranges), b.ranges);
    assert.equal(r.problems.length, b.problems ?? 0);
    assert.equal(r.notes.length, b.notes ?? 0);
  });
}

test('ip: the space is cut at every boundary', () => {
  const cidr = (s: string) => {
    const r = cidrRange(s);
    assert.ok(r.ok && r.family === 4);
    return r.range;
  };
  assert.deepEqual(text(cutSpace([])), ['0.0.0.0/0']);
  assert.deepEqual(text(cutSpace([cidr('10.0.0.0/8'), cidr('10.1.0.0/16')])), ['0.0.0.0-9.255.255.255', '10.0.0.0/16', '10.1.0.0/16', '10.2.0.0-10.255.255.255', '11.0.0.0-255.255.255.255']);
  assert.deepEqual(text(cutSpace([cidr('0.0.0.0/1')])), ['0.0.0.0/1', '128.0.0.0/1']);
});

test('ip: external endpoints as written on the command line', () => {
  assert.equal(rangeText(parseExternal('8.8.8.8')!), '8.8.8.8/32');
  assert.equal(rangeText(parseExternal('10.0.0.0/8')!), '10.0.0.0/8');
  assert.equal(rangeText(parseExternal('10.0.0.1-10.0.0.9')!), '10.0.0.1-10.0.0.9');
  assert.equal(parseExternal('10.0.0.9-10.0.0.1'), undefined);
  assert.equal(parseExternal('fd00::/8'), undefined);
});
