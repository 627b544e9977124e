// separate-ports-rule: a list item `- ports: …` right after a rule that has peers and no ports. One dash
// too many turned the ports of that rule into a rule of their own: the rule above now admits its peers on
// every port, and the stray item admits every source (or destination) — the whole cluster and the
// internet — on those ports. Only that shape is reported: a lone "port 443 from anywhere" rule, one after
// a rule that has its own ports, or one before a rule with peers, is taken as a deliberate choice.
import { isMap } from 'yaml';
import { humanPath, type Seg } from '../schema/report';
import type { Fix } from '../types';
import { mergeIntoPrevious, writtenKeys, writtenNode } from './merge-item';
import { isObj, networkPolicySpecs } from './targets';
import type { Obj, ObjectRule, ObjectRuleContext } from './types';

const ID = 'separate-ports-rule';

const DIRECTIONS = [
  { list: 'ingress', peers: 'from', everyone: 'every source — every pod of every namespace and every address outside the cluster' },
  { list: 'egress', peers: 'to', everyone: 'every destination — every pod of every namespace and every address, inside or outside the cluster' },
] as const;

/** How a ports entry reads: `TCP 443`, `UDP 5000-5100`, `TCP metrics`, `every SCTP port`. */
function portText(p: unknown): string {
  if (!isObj(p)) return 'a port';
  const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
  if (p.port === undefined || p.port === null) return `every ${protocol} port`;
  if (typeof p.endPort === 'number' && typeof p.port === 'number' && p.endPort > p.port) return `${protocol} ${p.port}-${p.endPort}`;
  return `${protocol} ${String(p.port)}`;
}

function check(ctx: ObjectRuleContext): void {
  const { reporter } = ctx;
  for (const { spec, path } of networkPolicySpecs(ctx)) {
    for (const dir of DIRECTIONS) {
      const rules = spec[dir.list];
      if (!Array.isArray(rules)) continue;
      rules.forEach((item, i) => {
        if (i === 0 || !isStrayPorts(item) || !hasPeersNoPorts(rules[i - 1], dir.peers)) return;
        const listPath: Seg[] = [...path, dir.list];
        const ports = item.ports.map(portText).join(', ');
        const message =
          `This "- ports:" item is a rule of its own, with no "${dir.peers}": it admits ${dir.everyone} — on ${ports}. ` +
          `The rule above it (${humanPath([dir.list, i - 1])}) lists ${dir.peers === 'from' ? 'sources' : 'destinations'} but no ports, so it admits them on every port. ` +
          `If the ports belong to that rule, remove the "-" before "ports"; if both rules are meant as written, suppress this finding.`;
        reporter.add(ID, 'separatePorts', reporter.keySpan([...listPath, i, 'ports'], ctx.base), message, { fixes: fixFor(ctx, listPath, i, dir.peers) });
      });
    }
  }
}

/** A rule with `ports` (at least one entry) and no other field: the stray half of a split rule. */
function isStrayPorts(rule: unknown): rule is Obj & { ports: unknown[] } {
  if (!isObj(rule)) return false;
  const keys = Object.keys(rule);
  return keys.length === 1 && keys[0] === 'ports' && Array.isArray(rule.ports) && rule.ports.length > 0;
}

function hasPeersNoPorts(rule: unknown, peers: 'from' | 'to'): boolean {
  return isObj(rule) && Array.isArray(rule[peers]) && rule[peers].length > 0 && !('ports' in rule);
}

function fixFor(ctx: ObjectRuleContext, listPath: Seg[], i: number, peers: 'from' | 'to'): Fix[] {
  const seq = writtenNode(ctx.reporter.root, listPath);
  if (!seq) return [];
  const prev = writtenNode(seq, [i - 1]);
  const item = writtenNode(seq, [i]);
  if (!isMap(prev) || !isMap(item)) return [];
  // Each written item must hold exactly what the plain value says (a merge key could hide a `ports`),
  // so that the merged rule gets no key twice.
  if (writtenKeys(prev).join() !== peers || writtenKeys(item).join() !== 'ports') return [];
  const edits = mergeIntoPrevious(ctx.reporter.text, prev, item);
  return edits ? [{ title: `Merge these ports into the rule above (${humanPath([listPath[listPath.length - 1], i - 1])})`, edits, isPreferred: true }] : [];
}

export const separatePortsRule: ObjectRule = {
  id: ID,
  kinds: ['NetworkPolicy', 'Tenant'],
  check,
};
