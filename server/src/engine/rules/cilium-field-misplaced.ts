// cilium-field-misplaced: the slips people make writing Cilium policies by hand — a peer field of the
// other direction (`toEndpoints` under `ingress`), fields cilium.io/v2 never had but that read naturally
// (`fromNamespaces`, `toNamespaces`), and NetworkPolicy habits (`podSelector`, `from`, `ports`). The CRD
// rejects each as an unknown field; the generic schema error would suggest the closest spelling
// (`toEndpoints` → `toEndpoints`?), so for these keys this rule replaces it (schema/errors.ts asks
// `ciliumSlip`) and offers the form that was meant. Field lists: SOURCES.md §4 and the CRDs.
import { isMap, isScalar, isSeq } from 'yaml';
import type { YamlNode } from '../parse/document';
import { scalarText, type Reporter, type Seg } from '../schema/report';
import type { Fix } from '../types';
import { ciliumRules, isObj } from './targets';
import type { Obj, ObjectRule } from './types';

const LISTS = new Set(['ingress', 'ingressDeny', 'egress', 'egressDeny']);
const CILIUM_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** Peer fields that exist in both directions, by their ingress name: the direction is in the prefix. */
const BOTH_WAYS = ['Endpoints', 'Requires', 'CIDR', 'CIDRSet', 'Entities', 'Groups', 'Nodes'];
/** Egress-only peers, which have no ingress counterpart. */
const EGRESS_ONLY = ['toServices', 'toFQDNs'];
const ENDPOINT_FIELDS = new Set(['fromEndpoints', 'toEndpoints', 'fromRequires', 'toRequires']);

export const POD_NAMESPACE_KEY = 'k8s:io.kubernetes.pod.namespace';
export const NAMESPACE_LABEL_KEY_PREFIX = 'k8s:io.cilium.k8s.namespace.labels.';

export interface Slip {
  messageId: 'wrongDirection' | 'egressOnly' | 'namespacesField' | 'networkPolicyField';
  message: string;
  /** A pure rename of the key that keeps the value. */
  rename?: string;
  /** The rename cannot change what the author meant (safe for "fix all"). */
  certain?: boolean;
  /** The value must be rewritten: `namespaces` into endpoint selectors, `ports` into a toPorts entry. */
  rewrite?: { kind: 'namespaces' | 'ports'; field: string };
}

/**
 * The known slip a key `prop` is at `segs` (the path of the mapping holding it, relative to the object),
 * or undefined. Only keys the CRD does not have at that place qualify, so the schema reports each of them
 * as an unknown field — which this rule replaces.
 */
export function ciliumSlip(kind: string, segs: readonly Seg[], prop: string): Slip | undefined {
  if (!CILIUM_KINDS.has(kind)) return undefined;
  const ruleLength = segs[0] === 'spec' ? 1 : segs[0] === 'specs' && typeof segs[1] === 'number' ? 2 : 0;
  if (ruleLength === 0) return undefined;
  const rest = segs.slice(ruleLength);
  if (rest.length === 0) {
    if (prop === 'podSelector') {
      return {
        messageId: 'networkPolicyField',
        message: 'A Cilium policy selects its pods with "endpointSelector", not "podSelector" (a NetworkPolicy field); the CRD rejects the policy.',
        rename: 'endpointSelector',
        certain: true,
      };
    }
    return undefined;
  }
  const list = rest[0];
  if (typeof list !== 'string' || !LISTS.has(list) || typeof rest[1] !== 'number') return undefined;
  const ingress = list.startsWith('ingress');
  const own = ingress ? 'from' : 'to';
  if (rest.length === 2) return peerRuleSlip(list, ingress, own, prop);
  if (rest.length === 4 && typeof rest[2] === 'string' && ENDPOINT_FIELDS.has(rest[2]) && typeof rest[3] === 'number'
    && (prop === 'podSelector' || prop === 'namespaceSelector')) {
    return {
      messageId: 'networkPolicyField',
      message: prop === 'podSelector'
        ? `A Cilium endpoint selector is itself a label selector: write matchLabels / matchExpressions directly under the "-" of ${String(rest[2])}, without "podSelector" (a NetworkPolicy field).`
        : `A Cilium endpoint selector has no "namespaceSelector" (a NetworkPolicy field): select the namespace with the pod label ${POD_NAMESPACE_KEY} (its name) or ${NAMESPACE_LABEL_KEY_PREFIX}<key> (its labels) in matchLabels.`,
    };
  }
  return undefined;
}

function peerRuleSlip(list: string, ingress: boolean, own: string, prop: string): Slip | undefined {
  const other = ingress ? 'to' : 'from';
  for (const name of BOTH_WAYS) {
    if (prop !== `${other}${name}`) continue;
    const right = `${own}${name}`;
    return {
      messageId: 'wrongDirection',
      message: `"${prop}" is a peer of ${ingress ? 'egress' : 'ingress'} rules; in an ${list} rule the peer is "${right}". The CRD rejects the policy as written.`,
      rename: right,
      certain: true,
    };
  }
  if (ingress && EGRESS_ONLY.includes(prop)) {
    return {
      messageId: 'egressOnly',
      message: `"${prop}" exists only in egress rules: it names destinations, and an ${list} rule has sources. The CRD rejects the policy; move it to an egress rule.`,
    };
  }
  if (prop === 'fromNamespaces' || prop === 'toNamespaces') {
    const field = `${own}Endpoints`;
    return {
      messageId: 'namespacesField',
      message: `cilium.io/v2 has no "${prop}"; the CRD rejects the policy. Cilium selects namespaces in ${field}: by name with the pod label ${POD_NAMESPACE_KEY}, or by namespace labels as ${NAMESPACE_LABEL_KEY_PREFIX}<key>.`,
      rewrite: { kind: 'namespaces', field },
    };
  }
  if (prop === 'from' || prop === 'to') {
    return {
      messageId: 'networkPolicyField',
      message: `"${prop}" is the NetworkPolicy form; a Cilium rule names its peers directly: ${own}Endpoints, ${own}CIDRSet, ${own}Entities, …. The CRD rejects the policy.`,
    };
  }
  if (prop === 'ports') {
    return {
      messageId: 'networkPolicyField',
      message: '"ports" is the NetworkPolicy form; in a Cilium rule ports go in toPorts (in ingress and egress alike): toPorts: [{ports: [{port: "80", protocol: TCP}]}]. The CRD rejects the policy.',
      rewrite: { kind: 'ports', field: 'toPorts' },
    };
  }
  return undefined;
}

export const ciliumFieldMisplaced: ObjectRule = {
  id: 'cilium-field-misplaced',
  kinds: [...CILIUM_KINDS],
  check(ctx) {
    const rel = (path: readonly Seg[]) => path.slice(ctx.base.length);
    const visit = (obj: Obj, path: Seg[]) => {
      for (const [prop, value] of Object.entries(obj)) {
        const slip = ciliumSlip(ctx.kind, rel(path), prop);
        if (slip) report(ctx.reporter, obj, path, prop, value, slip, ctx.base);
      }
    };
    for (const { rule, path } of ciliumRules(ctx)) {
      visit(rule, path);
      for (const list of LISTS) {
        const items = rule[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item, i) => {
          if (!isObj(item)) return;
          visit(item, [...path, list, i]);
          for (const field of ENDPOINT_FIELDS) {
            const sels = item[field];
            if (Array.isArray(sels)) sels.forEach((s, j) => isObj(s) && visit(s, [...path, list, i, field, j]));
          }
        });
      }
    }
  },
};

function report(reporter: Reporter, parent: Obj, path: Seg[], prop: string, value: unknown, slip: Slip, base: Seg[]): void {
  const span = reporter.keySpan([...path, prop], base);
  const fixes: Fix[] = [];
  const taken = (field: string) => parent[field] !== undefined;
  const keyNode = reporter.locate([...path, prop]).keyNode;
  const key = isScalar(keyNode) ? keyNode : undefined;
  let message = slip.message;
  if (slip.rename) {
    if (taken(slip.rename)) message += ` This rule already has "${slip.rename}": merge the two lists.`;
    else if (key) {
      const fix: Fix = { title: `Rename to "${slip.rename}"`, edits: [{ span, newText: scalarText(slip.rename, key) }], isPreferred: true };
      if (slip.certain) fix.fixAll = true;
      fixes.push(fix);
    }
  } else if (slip.rewrite) {
    if (taken(slip.rewrite.field)) message += ` This rule already has "${slip.rewrite.field}": merge them by hand.`;
    else {
      const fix = rewriteFix(reporter, [...path, prop], value, slip.rewrite);
      if (fix) fixes.push(fix);
    }
  }
  reporter.add('cilium-field-misplaced', slip.messageId, span, message, { fixes });
}

// ---- rewrites ----------------------------------------------------------------------------------------

/** A plain value to write: mappings and lists of scalars, rendered in block or flow style. */
type Out = string | Out[] | { [key: string]: Out };

/**
 * The value the author meant, or undefined when the written shape has no certain translation (then no
 * fix is offered: a wrong rewrite is worse than none).
 */
function meant(kind: 'namespaces' | 'ports', value: unknown): Out[] | undefined {
  if (kind === 'namespaces') {
    // `[a, b]` or `a`: namespaces by name; `{matchLabels…}` or `[{matchLabels…}]`: by namespace labels.
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0) return undefined;
    const out: Out[] = [];
    for (const item of items) {
      if (typeof item === 'string' && item !== '') out.push({ matchLabels: { [POD_NAMESPACE_KEY]: item } });
      else if (isObj(item)) {
        const sel = namespaceLabelSelector(item);
        if (!sel) return undefined;
        out.push(sel);
      } else return undefined;
    }
    return out;
  }
  // NetworkPolicy ports: `[{port: 80, protocol: TCP, endPort?}]` → one toPorts entry; Cilium ports are strings.
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ports: Out[] = [];
  for (const p of value) {
    if (!isObj(p) || Object.keys(p).some((k) => k !== 'port' && k !== 'protocol' && k !== 'endPort')) return undefined;
    const port: { [key: string]: Out } = {};
    if (typeof p.port === 'number' || (typeof p.port === 'string' && p.port !== '')) port.port = String(p.port);
    else if (p.port !== undefined) return undefined;
    if (p.endPort !== undefined) {
      if (typeof p.endPort !== 'number') return undefined;
      port.endPort = String(p.endPort);
    }
    if (p.protocol !== undefined) {
      if (typeof p.protocol !== 'string') return undefined;
      port.protocol = p.protocol;
    }
    if (Object.keys(port).length === 0) return undefined;
    ports.push(port);
  }
  return [{ ports }];
}

/** A Kubernetes namespace selector as the Cilium selector on the namespace labels its pods carry. */
function namespaceLabelSelector(sel: Obj): { [key: string]: Out } | undefined {
  if (Object.keys(sel).length === 0 || Object.keys(sel).some((k) => k !== 'matchLabels' && k !== 'matchExpressions')) return undefined;
  const out: { [key: string]: Out } = {};
  if (sel.matchLabels !== undefined) {
    if (!isObj(sel.matchLabels)) return undefined;
    const labels: { [key: string]: Out } = {};
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      labels[`${NAMESPACE_LABEL_KEY_PREFIX}${k}`] = String(v);
    }
    out.matchLabels = labels;
  }
  if (sel.matchExpressions !== undefined) {
    if (!Array.isArray(sel.matchExpressions)) return undefined;
    const exprs: Out[] = [];
    for (const e of sel.matchExpressions) {
      if (!isObj(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return undefined;
      const expr: { [key: string]: Out } = { key: `${NAMESPACE_LABEL_KEY_PREFIX}${e.key}`, operator: e.operator };
      if (e.values !== undefined) {
        if (!Array.isArray(e.values) || e.values.some((v) => typeof v !== 'string')) return undefined;
        expr.values = e.values as string[];
      }
      exprs.push(expr);
    }
    out.matchExpressions = exprs;
  }
  return out;
}

function rewriteFix(reporter: Reporter, path: Seg[], value: unknown, rewrite: NonNullable<Slip['rewrite']>): Fix | undefined {
  const items = meant(rewrite.kind, value);
  if (!items) return undefined;
  const found = reporter.locate(path);
  const keyNode = found.keyNode;
  const node = found.node;
  if (!found.found || !keyNode?.range || !node?.range) return undefined;
  const text = reporter.text;
  const start = keyNode.range[0];
  let end = node.range[1];
  while (end > start && /\s/.test(text[end - 1])) end--;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const column = start - lineStart;
  // Follow what was written: a flow value stays on one line; a block list keeps its dash indentation.
  const flow = (isSeq(node) || isMap(node)) ? !!(node as { flow?: boolean }).flow : isScalar(node);
  // Comments inside the rewritten text are kept, right under the key: the comment after the key on its
  // line, and whole comment lines between the key and the end of the value.
  const firstLineEnd = text.indexOf('\n', start);
  const afterKey = firstLineEnd === -1 || firstLineEnd > end ? '' : text.slice(start, firstLineEnd);
  const trailing = /\s(#.*)$/.exec(afterKey.slice(afterKey.indexOf(':') + 1))?.[1];
  const lines = firstLineEnd === -1 || firstLineEnd > end ? [] : text.slice(firstLineEnd + 1, end).split('\n');
  const comments = lines.filter((l) => l.trimStart().startsWith('#'));
  let newText: string;
  if (flow) {
    if (comments.length > 0) return undefined;
    newText = `${rewrite.field}: ${flowText(items)}${trailing ? ` ${trailing}` : ''}`;
  } else {
    const first = isSeq(node) ? (node.items[0] as YamlNode | undefined)?.range?.[0] : undefined;
    // A block list keeps the dash indentation it was written with; otherwise two spaces.
    const dash = first !== undefined ? Math.max(0, first - 2 - (text.lastIndexOf('\n', first - 1) + 1) - column) : 2;
    newText = `${rewrite.field}:${trailing ? ` ${trailing}` : ''}${comments.map((c) => `\n${c}`).join('')}${blockList(items, column + dash)}`;
  }
  const title = rewrite.kind === 'namespaces' ? `Rewrite as ${rewrite.field} selecting the namespaces` : 'Move the ports into toPorts';
  // The only fix, and a faithful translation; still not for "fix all", which should not rewrite peers.
  return { title, edits: [{ span: { start, end }, newText }], isPreferred: true };
}

function scalar(s: string): string {
  return scalarText(s, undefined);
}

function flowText(v: Out): string {
  if (typeof v === 'string') return flowScalar(v);
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${flowScalar(k)}: ${flowText(x)}`).join(', ')}}`;
}

/** In flow context `,[]{}` end a plain scalar too, so those need quotes. */
function flowScalar(s: string): string {
  const plain = scalar(s);
  return plain === s && /[,[\]{}]/.test(s) ? JSON.stringify(s) : plain;
}

/** A block list at `indent` (the column of its dashes), each line starting with a newline. */
function blockList(items: Out[], indent: number): string {
  const pad = ' '.repeat(indent);
  return items.map((item) => {
    if (typeof item === 'string') return `\n${pad}- ${scalar(item)}`;
    if (Array.isArray(item)) return `\n${pad}- ${flowText(item)}`;
    const lines = blockMap(item, indent + 2);
    return `\n${pad}- ${lines.slice(indent + 3)}`;
  }).join('');
}

/** A block mapping at `indent`, each line starting with a newline; lists of scalars are written in flow. */
function blockMap(map: { [key: string]: Out }, indent: number): string {
  const pad = ' '.repeat(indent);
  return Object.entries(map).map(([k, v]) => {
    if (typeof v === 'string') return `\n${pad}${scalar(k)}: ${scalar(v)}`;
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) return `\n${pad}${scalar(k)}: ${flowText(v)}`;
      return `\n${pad}${scalar(k)}:${blockList(v, indent + 2)}`;
    }
    return `\n${pad}${scalar(k)}:${blockMap(v, indent + 2)}`;
  }).join('');
}
