// Kubernetes and Cilium validation that the OpenAPI schemas do not express: names, labels, selectors,
// ports, CIDRs and NetworkPolicy peers. Each check mirrors a named upstream function (see the rule's
// page under docs/rules/), runs on the plain value and reports on the exact YAML node.
import { isObj, type Obj } from '../plain';
import type { Fix } from '../types';
import { scalarText, show, type Reporter, type Seg } from './report';
import type { SupportedKind } from './registry';
import {
  canonicalText,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  hostText,
  isIanaServiceName,
  labelKeyProblems,
  labelValueProblems,
  networkText,
  parseCidr,
  portNameProblems,
  portNumberProblems,
  prefixContains,
  type Cidr,
} from './syntax';

export interface RuleContext {
  reporter: Reporter;
  /** Path of the object inside the document. */
  base: Seg[];
  kind: SupportedKind;
  /** Capsule placeholders ({{tenant.name}}, {{namespace}}) are substituted before syntax checks. */
  templated: boolean;
  isPatch: boolean;
}



const PLACEHOLDER = /\{\{\s*(tenant\.name|namespace)\s*\}\}/g;
const HAS_PLACEHOLDER = /\{\{\s*(tenant\.name|namespace)\s*\}\}/;

/** What a Capsule placeholder renders to, for syntax checks: a short valid name of each kind. */
export function renderPlaceholders(s: string): string {
  if (s.indexOf('{{') === -1) return s;
  return s.replace(PLACEHOLDER, (_m, key: string) => (key === 'namespace' ? 'namespace' : 'tenant'));
}

function sub(ctx: RuleContext, s: string): string {
  return ctx.templated ? renderPlaceholders(s) : s;
}

export function checkKubernetesRules(ctx: RuleContext, obj: Obj): void {
  checkNames(ctx, obj);
  const cilium = ctx.kind.kind === 'CiliumNetworkPolicy' || ctx.kind.kind === 'CiliumClusterwideNetworkPolicy';
  const path: Seg[] = [...ctx.base];
  walkSelectorsAndLabels(ctx, obj, path, '', cilium ? 'cilium' : 'kubernetes');
  const spec = obj.spec;
  const at = (...segs: Seg[]) => [...ctx.base, ...segs];
  switch (ctx.kind.kind) {
    case 'NetworkPolicy':
      if (isObj(spec)) checkNetworkPolicySpec(ctx, spec, at('spec'));
      break;
    case 'Tenant': {
      const np = isObj(spec) ? spec.networkPolicies : undefined;
      const items = isObj(np) ? np.items : undefined;
      if (Array.isArray(items)) items.forEach((item, i) => isObj(item) && checkNetworkPolicySpec(ctx, item, at('spec', 'networkPolicies', 'items', i)));
      break;
    }
    case 'CiliumNetworkPolicy':
    case 'CiliumClusterwideNetworkPolicy':
      if (isObj(spec)) checkCiliumRule(ctx, spec, at('spec'));
      if (Array.isArray(obj.specs)) obj.specs.forEach((s, i) => isObj(s) && checkCiliumRule(ctx, s, at('specs', i)));
      break;
    case 'Pod':
      if (isObj(spec)) checkPodSpec(ctx, spec, at('spec'));
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job': {
      const template = isObj(spec) ? spec.template : undefined;
      if (isObj(template) && isObj(template.spec)) checkPodSpec(ctx, template.spec, at('spec', 'template', 'spec'));
      break;
    }
    case 'CronJob': {
      const jt = isObj(spec) ? spec.jobTemplate : undefined;
      const js = isObj(jt) ? jt.spec : undefined;
      const template = isObj(js) ? js.template : undefined;
      if (isObj(template) && isObj(template.spec)) checkPodSpec(ctx, template.spec, at('spec', 'jobTemplate', 'spec', 'template', 'spec'));
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// invalid-name: metadata.name and metadata.namespace

function checkNames(ctx: RuleContext, obj: Obj): void {
  const { reporter, kind } = ctx;
  const meta = obj.metadata;
  if (!isObj(meta)) return;
  const metaPath = [...ctx.base, 'metadata'];
  const name = meta.name;
  if (name === undefined || name === null) {
    if (!ctx.isPatch && (meta.generateName === undefined || meta.generateName === null)) {
      reporter.add('invalid-name', 'missingName', reporter.keySpan(metaPath, ctx.base),
        `This ${kind.kind} has no metadata.name; the API server rejects objects without a name (or generateName).`);
    }
  } else if (typeof name === 'string') {
    const rendered = sub(ctx, name);
    const problems = rendered === '' ? ['must not be empty'] : kind.nameRule === 'label' ? dns1123LabelProblems(rendered) : dns1123SubdomainProblems(rendered);
    if (kind.maxNameLength && rendered.length > kind.maxNameLength) {
      problems.push(`must be at most ${kind.maxNameLength} characters (it has ${rendered.length}), because the controller appends a suffix to the names of the objects it creates`);
    }
    if (problems.length) {
      const ruleWords = kind.nameRule === 'label' ? 'a DNS-1123 label' : 'a DNS-1123 subdomain';
      reporter.add('invalid-name', 'badName', reporter.valueSpan([...metaPath, 'name'], ctx.base),
        `${show(name)} is not a valid ${kind.kind} name (${ruleWords}): it ${problems.join('; it ')}.`,
        { fixes: nameFix(ctx, [...metaPath, 'name'], name, kind.nameRule, kind.maxNameLength) });
    }
  }
  const ns = meta.namespace;
  if (typeof ns === 'string' && kind.namespaced) {
    const rendered = sub(ctx, ns);
    const problems = rendered === '' ? [] : dns1123LabelProblems(rendered);
    if (problems.length) {
      reporter.add('invalid-name', 'badNamespace', reporter.valueSpan([...metaPath, 'namespace'], ctx.base),
        `${show(ns)} is not a valid namespace name (a DNS-1123 label): it ${problems.join('; it ')}.`,
        { fixes: nameFix(ctx, [...metaPath, 'namespace'], ns, 'label') });
    }
  }
}

/** A lowercase, dash-separated spelling of a name, offered when it is valid. */
function nameFix(ctx: RuleContext, path: Seg[], name: string, rule: 'label' | 'subdomain', max?: number): Fix[] {
  if (HAS_PLACEHOLDER.test(name)) return [];
  const scalar = ctx.reporter.scalarAt(path);
  if (!scalar || !scalar.range) return [];
  const allowed = rule === 'label' ? /[^a-z0-9-]+/g : /[^a-z0-9.-]+/g;
  const candidate = name.toLowerCase().replace(allowed, '-').replace(/^[-.]+|[-.]+$/g, '').replace(/--+/g, '-');
  if (!candidate || candidate === name) return [];
  const ok = (rule === 'label' ? dns1123LabelProblems(candidate) : dns1123SubdomainProblems(candidate)).length === 0 && (!max || candidate.length <= max);
  if (!ok) return [];
  return [{ title: `Rename to "${candidate}"`, edits: [{ span: { start: scalar.range[0], end: scalar.range[1] }, newText: scalarText(candidate, scalar) }] }];
}

// ---------------------------------------------------------------------------------------------------
// invalid-label and invalid-selector: labels under every `metadata`, and every label selector

const CILIUM_SELECTOR_LISTS = new Set(['fromEndpoints', 'toEndpoints', 'fromRequires', 'toRequires', 'fromNodes', 'toNodes']);

function isSelectorKey(key: string): boolean {
  return key.endsWith('Selector') || key === 'selector' || CILIUM_SELECTOR_LISTS.has(key);
}

function looksLikeSelector(v: Obj): boolean {
  let any = false;
  for (const k in v) {
    if (k === 'matchLabels' || k === 'matchExpressions') any = true;
    else return false;
  }
  return any;
}

/**
 * One pass over the object: label maps under `metadata` (the object's own, pod templates', claim
 * templates') and label selectors wherever a field holds one. The path is a stack (push/pop), copied
 * only when something is reported. rawItems are skipped: each is validated as its own object.
 */
function walkSelectorsAndLabels(ctx: RuleContext, node: unknown, path: Seg[], parentKey: string, style: 'kubernetes' | 'cilium', depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item = node[i];
      if (typeof item !== 'object' || item === null) continue;
      path.push(i);
      walkSelectorsAndLabels(ctx, item, path, parentKey, style, depth + 1);
      path.pop();
    }
    return;
  }
  if (!isObj(node)) return;
  if (parentKey && isSelectorKey(parentKey) && looksLikeSelector(node)) {
    checkSelector(ctx, node, path, style);
    return;
  }
  // Every `metadata` in a Kubernetes object is ObjectMeta (the object's, a pod template's, a claim
  // template's); in Cilium policies only the object's own. A list item under `metadata` is not (Capsule's
  // rules[].enforce.metadata[] holds key expressions such as `example.com/*`).
  const inList = typeof path[path.length - 1] === 'number';
  if (parentKey === 'metadata' && !inList && isObj(node.labels) && (style === 'kubernetes' || path.length === ctx.base.length + 1)) {
    checkLabelMap(ctx, node.labels, [...path, 'labels'], 'label');
  }
  for (const key in node) {
    const v = node[key];
    if (typeof v !== 'object' || v === null) continue;
    if (key === 'rawItems') continue;
    path.push(key);
    walkSelectorsAndLabels(ctx, v, path, key, style, depth + 1);
    path.pop();
  }
}

function checkLabelMap(ctx: RuleContext, labels: Obj, path: Seg[], what: 'label' | 'selector'): void {
  const { reporter } = ctx;
  for (const key in labels) {
    const problems = labelKeyProblems(sub(ctx, key));
    if (problems.length) {
      reporter.add('invalid-label', 'badKey', reporter.mapKeySpan(path, key, ctx.base),
        `${show(key)} is not a valid label key${what === 'selector' ? ' (in a selector)' : ''}: it ${problems.join('; it ')}.`);
    }
    const value = labels[key];
    if (typeof value === 'string') {
      const vp = labelValueProblems(sub(ctx, value));
      if (vp.length) {
        reporter.add('invalid-label', 'badValue', reporter.valueSpan([...path, key], ctx.base),
          `${show(value)} is not a valid value for label ${show(key)}: it ${vp.join('; it ')}.`);
      }
    }
  }
}

function checkSelector(ctx: RuleContext, sel: Obj, path: Seg[], style: 'kubernetes' | 'cilium'): void {
  const { reporter } = ctx;
  // Cilium keys carry a source prefix (`k8s:`, `any:`…) and its CRD checks matchLabels values itself.
  if (style === 'kubernetes' && isObj(sel.matchLabels)) checkLabelMap(ctx, sel.matchLabels, [...path, 'matchLabels'], 'selector');
  const exprs = sel.matchExpressions;
  if (!Array.isArray(exprs)) return;
  for (let i = 0; i < exprs.length; i++) {
    const req = exprs[i];
    if (!isObj(req)) continue;
    const p = [...path, 'matchExpressions', i];
    if (style === 'kubernetes' && typeof req.key === 'string') {
      const problems = labelKeyProblems(sub(ctx, req.key));
      if (problems.length) {
        reporter.add('invalid-label', 'badKey', reporter.valueSpan([...p, 'key'], ctx.base),
          `${show(req.key)} is not a valid label key (in a selector): it ${problems.join('; it ')}.`);
      }
    }
    const op = req.operator;
    const values = req.values;
    const count = Array.isArray(values) ? values.length : 0;
    if (op === 'In' || op === 'NotIn') {
      if (count === 0) {
        const span = values !== undefined ? reporter.keySpan([...p, 'values'], ctx.base) : reporter.valueSpan([...p, 'operator'], ctx.base);
        reporter.add('invalid-selector', 'valuesRequired', span,
          `Operator "${op}" needs at least one entry in "values"; the API server rejects the requirement without them.`);
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (count > 0) {
        reporter.add('invalid-selector', 'valuesForbidden', reporter.keySpan([...p, 'values'], ctx.base),
          `Operator "${op}" takes no "values"; remove them (the API server rejects them).`);
      }
    }
    if (Array.isArray(values)) {
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        if (typeof v !== 'string') continue;
        const vp = labelValueProblems(sub(ctx, v));
        if (vp.length) {
          reporter.add('invalid-label', 'badValue', reporter.valueSpan([...p, 'values', j], ctx.base),
            `${show(v)} is not a valid label value (in a selector): it ${vp.join('; it ')}.`);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// NetworkPolicy: ports, peers, ipBlocks (pkg/apis/networking/validation ValidateNetworkPolicySpec)

function checkNetworkPolicySpec(ctx: RuleContext, spec: Obj, path: Seg[]): void {
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = spec[dir];
    if (!Array.isArray(rules)) continue;
    const peersKey = dir === 'ingress' ? 'from' : 'to';
    rules.forEach((rule, i) => {
      if (!isObj(rule)) return;
      const rulePath = [...path, dir, i];
      if (Array.isArray(rule.ports)) {
        rule.ports.forEach((port, j) => isObj(port) && checkNetworkPolicyPort(ctx, port, [...rulePath, 'ports', j]));
      }
      const peers = rule[peersKey];
      if (Array.isArray(peers)) {
        peers.forEach((peer, j) => {
          if (peer === null || isObj(peer)) checkNetworkPolicyPeer(ctx, peer ?? {}, [...rulePath, peersKey, j]);
        });
      }
    });
  }
}

function checkNetworkPolicyPort(ctx: RuleContext, port: Obj, path: Seg[]): void {
  const { reporter } = ctx;
  const p = port.port;
  const ep = port.endPort;
  const endPath = [...path, 'endPort'];
  if (typeof p === 'number' && Number.isInteger(p)) {
    if (portNumberProblems(p).length) {
      reporter.add('invalid-port', 'outOfRange', reporter.valueSpan([...path, 'port'], ctx.base),
        `Port ${p} is out of range: a port number must be between 1 and 65535.`);
    }
    if (typeof ep === 'number' && Number.isInteger(ep)) {
      if (portNumberProblems(ep).length) {
        reporter.add('invalid-end-port', 'outOfRange', reporter.valueSpan(endPath, ctx.base),
          `endPort ${ep} is out of range: it must be between 1 and 65535.`);
      } else if (ep < p) {
        reporter.add('invalid-end-port', 'beforePort', reporter.valueSpan(endPath, ctx.base),
          `endPort ${ep} is smaller than port ${p}; the range must run from port up to endPort.`);
      }
    }
  } else if (typeof p === 'string') {
    if (typeof ep === 'number') {
      reporter.add('invalid-end-port', 'namedPort', reporter.valueSpan(endPath, ctx.base),
        `endPort can only follow a numeric port, but port is the name ${show(p)}.`);
    }
    const portPath = [...path, 'port'];
    if (/^\d+$/.test(p)) {
      const scalar = reporter.scalarAt(portPath);
      const n = Number(p);
      const fixes: Fix[] = scalar?.range && n >= 1 && n <= 65535
        ? [{ title: `Remove the quotes: ${n}`, edits: [{ span: { start: scalar.range[0], end: scalar.range[1] }, newText: String(n) }], isPreferred: true }]
        : [];
      reporter.add('invalid-port', 'numericString', reporter.valueSpan(portPath, ctx.base),
        `Port ${show(p)} is quoted, so Kubernetes reads it as a port name, and a port name must contain a letter; write the number without quotes.`,
        { fixes });
    } else {
      const problems = portNameProblems(sub(ctx, p));
      if (problems.length) {
        reporter.add('invalid-port', 'badName', reporter.valueSpan(portPath, ctx.base),
          `${show(p)} is not a valid port name: it ${problems.join('; it ')}.`, { fixes: lowercaseFix(ctx, portPath, p) });
      }
    }
  } else if ((p === undefined || p === null) && typeof ep === 'number') {
    reporter.add('invalid-end-port', 'noPort', reporter.valueSpan(endPath, ctx.base),
      'endPort needs a numeric port to start the range; without port it is rejected.');
  }
}

function checkNetworkPolicyPeer(ctx: RuleContext, peer: Obj, path: Seg[]): void {
  const { reporter } = ctx;
  const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'] as const;
  const set = kinds.filter((k) => peer[k] !== undefined && peer[k] !== null);
  if (set.length === 0) {
    // `podSelector:` with no value is null, which Kubernetes decodes as "not set", not as "all pods".
    const nullSelector = kinds.find((k) => k !== 'ipBlock' && k in peer && peer[k] === null);
    if (nullSelector) {
      const keyPath = [...path, nullSelector];
      const keyNode = reporter.locate(keyPath).keyNode;
      const colon = keyNode?.range ? reporter.text.indexOf(':', keyNode.range[1]) : -1;
      const fixes: Fix[] = colon === -1 ? [] : [{ title: `Write ${nullSelector}: {}`, edits: [{ span: { start: colon + 1, end: colon + 1 }, newText: ' {}' }], isPreferred: true }];
      reporter.add('invalid-peer', 'emptyPeer', reporter.keySpan(keyPath, ctx.base),
        `${nullSelector} has no value, which Kubernetes reads as unset, so this peer selects nothing and the API server rejects it ("must specify a peer"); write ${nullSelector}: {} to match ${nullSelector === 'podSelector' ? 'every pod in the namespace' : 'every namespace'}.`,
        { fixes });
    } else {
      reporter.add('invalid-peer', 'emptyPeer', reporter.keySpan(path, ctx.base),
        'This peer sets none of podSelector, namespaceSelector or ipBlock; the API server rejects it ("must specify a peer"). To match every pod in the namespace, write podSelector: {}.');
    }
  } else if (set.length > 1 && set.includes('ipBlock')) {
    reporter.add('invalid-peer', 'ipBlockWithSelector', reporter.mapKeySpan(path, 'ipBlock', ctx.base),
      'ipBlock cannot be combined with podSelector or namespaceSelector in the same peer; put it in a separate list item.');
  }
  if (isObj(peer.ipBlock)) checkIpBlock(ctx, peer.ipBlock, [...path, 'ipBlock']);
}

function checkIpBlock(ctx: RuleContext, ipb: Obj, path: Seg[]): void {
  const { reporter } = ctx;
  const cidrText = ipb.cidr;
  if (typeof cidrText !== 'string') return;
  if (cidrText === '') {
    reporter.add('invalid-cidr', 'empty', reporter.valueSpan([...path, 'cidr'], ctx.base), 'ipBlock.cidr must not be empty.');
    return;
  }
  const cidr = checkCidrText(ctx, cidrText, [...path, 'cidr'], 'kubernetes');
  if (!cidr || !Array.isArray(ipb.except)) return;
  ipb.except.forEach((e, i) => {
    if (typeof e !== 'string') return;
    const ePath = [...path, 'except', i];
    const ex = checkCidrText(ctx, e, ePath, 'kubernetes');
    if (!ex) return;
    if (ex.family !== cidr.family || ex.bits <= cidr.bits || !prefixContains(cidr, ex)) {
      reporter.add('invalid-cidr', 'exceptNotSubset', reporter.valueSpan(ePath, ctx.base),
        `except ${show(e)} ${exceptWhy(cidr, ex, cidrText)}; each except entry must be strictly inside cidr.`);
    }
  });
}

function exceptWhy(cidr: Cidr, ex: Cidr, cidrText: string): string {
  if (ex.family !== cidr.family) return `is IPv${ex.family} but cidr ${show(cidrText)} is IPv${cidr.family}`;
  if (!prefixContains(cidr, ex)) return `is outside cidr ${show(cidrText)}`;
  return `is not smaller than cidr ${show(cidrText)} (/${ex.bits} vs /${cidr.bits})`;
}

/**
 * Parses one CIDR and reports what is wrong with it. Kubernetes' ipBlock is a legacy field parsed
 * sloppily (apivalidation.IsValidCIDRForLegacyField), and the API server only warns about host bits and
 * leading zeros (GetWarningsForCIDR); Cilium's CRD format and agent parse with Go's net/netip.
 */
function checkCidrText(ctx: RuleContext, text: string, path: Seg[], flavour: 'kubernetes' | 'cilium'): Cidr | undefined {
  const { reporter } = ctx;
  const r = parseCidr(sub(ctx, text), flavour === 'kubernetes');
  const span = reporter.valueSpan(path, ctx.base);
  const scalar = reporter.scalarAt(path);
  const replace = (title: string, newText: string, preferred = false): Fix[] =>
    scalar?.range ? [{ title, edits: [{ span: { start: scalar.range[0], end: scalar.range[1] }, newText: scalarText(newText, scalar) }], ...(preferred ? { isPreferred: true } : {}) }] : [];
  if (!r.ok) {
    let fixes: Fix[] = [];
    if (/has no prefix length/.test(r.reason)) {
      const bits = text.includes(':') ? 128 : 32;
      fixes = replace(`Use ${text}/${bits} (this one address)`, `${text}/${bits}`, true);
    }
    reporter.add('invalid-cidr', 'badCidr', span, `${show(text)} is not a valid CIDR: it ${r.reason}.`, { fixes });
    return undefined;
  }
  const c = r.cidr;
  if (c.leadingZeros) {
    reporter.add('invalid-cidr', 'leadingZeros', span,
      `${show(text)} has leading zeros, which some software reads as octal; Kubernetes warns about it and will reject it in a future release.`,
      { severity: 'warning', fixes: replace(`Write ${canonicalText(c)}`, canonicalText(c), true) });
  } else if (c.hostBits) {
    reporter.add('invalid-cidr', 'hostBits', span,
      `${show(text)} has bits set after the /${c.bits} prefix, so it is ambiguous: did you mean the network ${networkText(c)} or the single address ${hostText(c)}? ${flavour === 'kubernetes' ? 'Kubernetes warns about it and matches the whole network.' : 'Cilium matches the whole network.'}`,
      { severity: 'warning', fixes: [...replace(`Use the network ${networkText(c)}`, networkText(c)), ...replace(`Use the single address ${hostText(c)}`, hostText(c))] });
  } else if (c.ipv4Mapped && flavour === 'kubernetes') {
    reporter.add('invalid-cidr', 'ipv4Mapped', span,
      `${show(text)} is an IPv4-mapped IPv6 prefix, which software reads inconsistently as IPv4 or IPv6; write the IPv4 CIDR instead.`,
      { severity: 'warning' });
  }
  return c;
}


// ---------------------------------------------------------------------------------------------------
// Cilium rules (pkg/policy/api rule_validation.go)

function checkCiliumRule(ctx: RuleContext, rule: Obj, path: Seg[]): void {
  for (const dir of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const) {
    const list = rule[dir];
    if (!Array.isArray(list)) continue;
    const from = dir.startsWith('ingress');
    const cidrKey = from ? 'fromCIDR' : 'toCIDR';
    const setKey = from ? 'fromCIDRSet' : 'toCIDRSet';
    list.forEach((r, i) => {
      if (!isObj(r)) return;
      const rPath = [...path, dir, i];
      const cidrs = r[cidrKey];
      if (Array.isArray(cidrs)) cidrs.forEach((c, j) => typeof c === 'string' && checkCiliumCidr(ctx, c, [...rPath, cidrKey, j]));
      const sets = r[setKey];
      if (Array.isArray(sets)) sets.forEach((s, j) => isObj(s) && checkCiliumCidrRule(ctx, s, [...rPath, setKey, j]));
      const toPorts = r.toPorts;
      if (Array.isArray(toPorts)) {
        toPorts.forEach((pr, j) => {
          if (!isObj(pr) || !Array.isArray(pr.ports)) return;
          pr.ports.forEach((pp, k) => isObj(pp) && checkCiliumPort(ctx, pp, [...rPath, 'toPorts', j, 'ports', k]));
        });
      }
    });
  }
}

function checkCiliumCidr(ctx: RuleContext, text: string, path: Seg[]): Cidr | undefined {
  if (text === '') {
    ctx.reporter.add('invalid-cidr', 'empty', ctx.reporter.valueSpan(path, ctx.base), 'A CIDR must not be empty.');
    return undefined;
  }
  return checkCidrText(ctx, text, path, 'cilium');
}

function checkCiliumCidrRule(ctx: RuleContext, rule: Obj, path: Seg[]): void {
  if (typeof rule.cidr !== 'string') return;
  const cidrText = rule.cidr;
  const cidr = checkCiliumCidr(ctx, cidrText, [...path, 'cidr']);
  if (!cidr || !Array.isArray(rule.except)) return;
  rule.except.forEach((e, i) => {
    if (typeof e !== 'string') return;
    const ePath = [...path, 'except', i];
    const ex = checkCiliumCidr(ctx, e, ePath);
    if (!ex) return;
    if (ex.family !== cidr.family || !prefixContains(cidr, ex)) {
      ctx.reporter.add('invalid-cidr', 'exceptNotSubset', ctx.reporter.valueSpan(ePath, ctx.base),
        `except ${show(e)} ${exceptWhy(cidr, ex, cidrText)}; Cilium rejects the policy ("allow CIDR prefix … does not contain exclude CIDR prefix …").`);
    } else if (ex.bits <= cidr.bits) {
      ctx.reporter.add('invalid-cidr', 'exceptNotSubset', ctx.reporter.valueSpan(ePath, ctx.base),
        `except ${show(e)} ${exceptWhy(cidr, ex, cidrText)}, so it removes the whole of cidr and this entry allows nothing.`,
        { severity: 'warning' });
    }
  });
}

function checkCiliumPort(ctx: RuleContext, pp: Obj, path: Seg[]): void {
  const { reporter } = ctx;
  const port = pp.port;
  const ep = pp.endPort;
  if (typeof port !== 'string') return;
  const portPath = [...path, 'port'];
  const span = reporter.valueSpan(portPath, ctx.base);
  let numeric: number | undefined;
  const p = sub(ctx, port);
  if (p === '') {
    reporter.add('invalid-port', 'empty', span, 'A Cilium port must not be empty; use "0" for all ports.');
    return;
  }
  if (isIanaServiceName(p)) {
    // A named port (case-insensitive in Cilium).
  } else if (/^\d+$/.test(p)) {
    if (p.length > 1 && p[0] === '0') {
      const octal = /^[0-7]+$/.test(p) ? parseInt(p, 8) : undefined;
      const scalar = reporter.scalarAt(portPath);
      const plain = String(Number(p));
      reporter.add('invalid-port', 'leadingZero', span,
        `Port ${show(port)} has a leading zero, and Cilium parses such numbers as octal: ${octal === undefined ? 'this one is not a valid octal number and the policy is rejected' : `it means port ${octal}, not ${plain}`}.`,
        { fixes: scalar?.range ? [{ title: `Write "${plain}"`, edits: [{ span: { start: scalar.range[0], end: scalar.range[1] }, newText: scalarText(plain, scalar) }], isPreferred: true }] : [] });
      return;
    }
    numeric = Number(p);
    if (numeric > 65535) {
      reporter.add('invalid-port', 'outOfRange', span, `Port ${show(port)} is out of range: a Cilium port is 0 (all ports) to 65535.`);
      return;
    }
  } else {
    const reason = p.length > 15 && /^[A-Za-z0-9-]+$/.test(p) ? 'a port name has at most 15 characters' : 'a port name is letters, digits and single "-" inside, with at least one letter';
    reporter.add('invalid-port', 'badName', span,
      `${show(port)} is neither a port number (0-65535) nor a valid port name: ${reason}.`);
    return;
  }
  if (typeof ep === 'number' && ep !== 0) {
    const endPath = [...path, 'endPort'];
    if (numeric === undefined) {
      reporter.add('invalid-end-port', 'namedPort', reporter.valueSpan(endPath, ctx.base),
        `endPort can only follow a numeric port, but port is the name ${show(port)}.`);
    } else if (numeric !== 0 && ep < numeric) {
      reporter.add('invalid-end-port', 'beforePort', reporter.valueSpan(endPath, ctx.base),
        `endPort ${ep} is smaller than port ${numeric}; the range must run from port up to endPort.`);
    }
  }
}

/** Port names are lowercase in Kubernetes: offer the lowercase spelling when that is all that is wrong. */
function lowercaseFix(ctx: RuleContext, path: Seg[], name: string): Fix[] {
  const lower = name.toLowerCase();
  if (lower === name || portNameProblems(lower).length) return [];
  const scalar = ctx.reporter.scalarAt(path);
  if (!scalar?.range) return [];
  return [{ title: `Change to "${lower}"`, edits: [{ span: { start: scalar.range[0], end: scalar.range[1] }, newText: scalarText(lower, scalar) }], isPreferred: true }];
}

// ---------------------------------------------------------------------------------------------------
// Pods and pod templates: container ports (pkg/apis/core/validation validateContainerPorts)

function checkPodSpec(ctx: RuleContext, spec: Obj, path: Seg[]): void {
  const { reporter } = ctx;
  for (const listKey of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[listKey];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (!isObj(c) || !Array.isArray(c.ports)) return;
      const names = new Set<string>();
      c.ports.forEach((port, j) => {
        if (!isObj(port)) return;
        const pPath = [...path, listKey, i, 'ports', j];
        const name = port.name;
        if (typeof name === 'string' && name !== '') {
          const problems = portNameProblems(sub(ctx, name));
          if (problems.length) {
            reporter.add('invalid-port', 'badName', reporter.valueSpan([...pPath, 'name'], ctx.base),
              `${show(name)} is not a valid port name: it ${problems.join('; it ')}.`, { fixes: lowercaseFix(ctx, [...pPath, 'name'], name) });
          } else if (names.has(name)) {
            reporter.add('invalid-port', 'duplicateName', reporter.valueSpan([...pPath, 'name'], ctx.base),
              `This container already has a port named ${show(name)}; port names must be unique within a container.`);
          } else names.add(name);
        }
        for (const field of ['containerPort', 'hostPort'] as const) {
          const n = port[field];
          if (typeof n !== 'number' || !Number.isInteger(n)) continue;
          if (field === 'hostPort' && n === 0) continue;
          if (portNumberProblems(n).length) {
            reporter.add('invalid-port', 'outOfRange', reporter.valueSpan([...pPath, field], ctx.base),
              `${field} ${n} is out of range: a port number must be between 1 and 65535.`);
          }
        }
      });
    });
  }
}
