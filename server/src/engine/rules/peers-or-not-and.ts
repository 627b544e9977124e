// peers-or-not-and: `- namespaceSelector: …` followed by `- podSelector: …` in one from/to list. The
// items of from/to are ORed, the selectors inside one item ANDed, so the extra dash turns "these pods in
// those namespaces" into "every pod of those namespaces, or these pods in my own namespace". Both
// selectors must select something specific: an empty `podSelector: {}` next to a namespaceSelector is
// the usual "my namespace or those namespaces" (an intended OR), and an empty `namespaceSelector: {}`
// next to a podSelector admits the whole cluster, which cross-tenant-peer reports.
import { isMap } from 'yaml';
import type { Seg } from '../schema/report';
import { NAME_LABEL } from '../model/capsule';
import { isEmptySelector, parseSelector, selectorText } from '../semantics/selector';
import type { Fix } from '../types';
import { mergeIntoPrevious, writtenKeys, writtenNode } from './merge-item';
import { isObj, networkPolicySpecs } from './targets';
import type { ObjectRule, ObjectRuleContext } from './types';

const ID = 'peers-or-not-and';

const DIRECTIONS = [
  { list: 'ingress', peers: 'from' },
  { list: 'egress', peers: 'to' },
] as const;

type Only = 'namespaceSelector' | 'podSelector';


/** The one selector a peer sets, when it sets exactly one and that one selects specific labels. */
function onlySelector(peer: unknown): { key: Only; text: string } | undefined {
  if (!isObj(peer)) return undefined;
  const keys = Object.keys(peer);
  if (keys.length !== 1 || (keys[0] !== 'namespaceSelector' && keys[0] !== 'podSelector')) return undefined;
  const value = peer[keys[0]];
  if (!isObj(value)) return undefined;
  const { selector } = parseSelector(value);
  if (selector.invalid || isEmptySelector(selector)) return undefined;
  // `kubernetes.io/metadata.name` exists on every namespace: that selector is `{}` in other words.
  if (keys[0] === 'namespaceSelector' && Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.every((e) => e.key === NAME_LABEL && e.operator === 'Exists')) return undefined;
  const names = Object.keys(selector.matchLabels);
  // A namespace picked by name reads as its name.
  const text = keys[0] === 'namespaceSelector' && names.length === 1 && names[0] === NAME_LABEL && selector.matchExpressions.length === 0
    ? `namespace ${selector.matchLabels[NAME_LABEL]}`
    : keys[0] === 'namespaceSelector' ? `the namespaces matching ${selectorText(selector)}` : selectorText(selector);
  return { key: keys[0] as Only, text };
}

function check(ctx: ObjectRuleContext): void {
  const { reporter } = ctx;
  for (const { spec, path, from } of networkPolicySpecs(ctx)) {
    const meta = isObj(ctx.value.metadata) ? ctx.value.metadata : {};
    const home = from === 'NetworkPolicy' && !ctx.templated
      ? `this policy's own namespace${typeof meta.namespace === 'string' && meta.namespace ? ` (${meta.namespace})` : ''}`
      : 'the namespace each copy of this policy is created in';
    for (const dir of DIRECTIONS) {
      const rules = spec[dir.list];
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, r) => {
        const peers = isObj(rule) ? rule[dir.peers] : undefined;
        if (!Array.isArray(peers)) return;
        for (let j = 0; j + 1 < peers.length; j++) {
          const a = onlySelector(peers[j]);
          const b = onlySelector(peers[j + 1]);
          if (!a || !b || a.key === b.key) continue;
          const ns = a.key === 'namespaceSelector' ? a : b;
          const pod = a.key === 'podSelector' ? a : b;
          const listPath: Seg[] = [...path, dir.list, r, dir.peers];
          const message =
            `These two "${dir.peers}" items are two peers, and peers are ORed: the namespaceSelector admits every pod in ${ns.text}, ` +
            `and the podSelector admits only the pods matching ${pod.text} in ${home}. ` +
            `If you meant the pods matching ${pod.text} in ${ns.text}, make them one peer with both selectors: remove the "-" before ${b.key}.`;
          const title = `Join into one peer: pods matching ${pod.text} in ${ns.text}`;
          reporter.add(ID, 'orNotAnd', reporter.keySpan([...listPath, j + 1, b.key], ctx.base), message, { fixes: fixFor(ctx, listPath, j + 1, title) });
          j++;
        }
      });
    }
  }
}

function fixFor(ctx: ObjectRuleContext, listPath: Seg[], j: number, title: string): Fix[] {
  const seq = writtenNode(ctx.reporter.root, listPath);
  if (!seq) return [];
  const prev = writtenNode(seq, [j - 1]);
  const item = writtenNode(seq, [j]);
  if (!isMap(prev) || !isMap(item) || prev.items.length !== 1 || item.items.length !== 1) return [];
  if (writtenKeys(prev)[0] === writtenKeys(item)[0]) return [];
  const edits = mergeIntoPrevious(ctx.reporter.text, prev, item);
  return edits ? [{ title, edits, isPreferred: true }] : [];
}

export const peersOrNotAndRule: ObjectRule = {
  id: ID,
  kinds: ['NetworkPolicy', 'Tenant'],
  check,
};
