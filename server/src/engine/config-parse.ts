// Reads `.tenant-policy.yaml`: YAML text in, a complete ProjectConfig and findings on the exact nodes at
// fault out. Every problem is a `config` finding; the part at fault is ignored and the rest still applies,
// so one typo never turns the whole configuration off. Never throws. The editor schema
// (schemas/config/tenant-policy-config.schema.json) describes the same shape; a test keeps the two agreeing.
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { DEFAULT_CONFIG, type ConfigResult, type DnsConfig, type Expectation, type IntendedFlow, type PeerRef, type ProjectConfig } from './config';
import { RULES, ruleMeta } from './rules/catalog';
import { keyEnd } from './parse/document';
import { dns1123LabelProblems, dns1123SubdomainProblems, isIpAddress, labelKeyProblems, labelValueProblems } from './schema/syntax';
import type { Finding, Fix, Severity, SeveritySetting, Span } from './types';

export const CONFIG_FIELDS = ['include', 'exclude', 'ciliumVersion', 'rules', 'platformNamespaces', 'dns', 'intendedFlows', 'expectations'] as const;
export const CILIUM_VERSIONS = ['1.18', '1.20'] as const;
/** What a rule may be set to; `info` is accepted as a short form of `information`. */
export const SEVERITY_SETTINGS = ['off', 'error', 'warning', 'information', 'info', 'hint'] as const;
const DNS_FIELDS = ['namespace', 'podLabels', 'ports', 'nodeLocalAddress'] as const;
const FLOW_FIELDS = ['from', 'to', 'ports'] as const;
const EXPECTATION_FIELDS = ['from', 'to', 'reach', 'ports'] as const;
const PEER_FIELDS = ['tenant', 'namespace'] as const;
const REACH = ['never', 'only'] as const;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

const PORT_SPEC = /^([A-Za-z]+)\/(\d+)(?:-(\d+))?$/;

/** Parses and validates the configuration text; the result is DEFAULT_CONFIG with every valid setting applied. */
export function parseConfig(text: string): ConfigResult {
  const reader = new ConfigReader(text);
  try {
    const config = reader.read();
    return { config, findings: reader.findings.sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end) };
  } catch (e) {
    // A bug here must not stop the CLI or the server: fall back to the defaults and say so.
    reader.report('internalError', { start: 0, end: Math.min(1, text.length) },
      `tenant-policy could not read this configuration (${(e as Error).message}); the defaults apply.`);
    return { config: DEFAULT_CONFIG, findings: reader.findings };
  }
}

type Pairs = Map<string, Pair<YamlNode, YamlNode | null>>;

class ConfigReader {
  readonly findings: Finding[] = [];
  /** The key that names each value: an empty value (`key:`) is reported on its key. */
  private readonly keyOf = new WeakMap<object, YamlNode>();

  constructor(private readonly text: string) {}

  read(): ProjectConfig {
    const docs = Array.from(parseAllDocuments(this.text, { uniqueKeys: true, prettyErrors: false, strict: true }) as Document.Parsed[]);
    let fatal = false;
    for (const doc of docs) {
      for (const e of doc.errors) {
        if (e.code !== 'DUPLICATE_KEY') fatal = true;
        this.syntax(e.code, e.message, e.pos, 'error');
      }
      for (const w of doc.warnings) this.syntax(w.code, w.message, w.pos, 'warning');
    }
    const withContent = docs.filter((d) => d.contents != null);
    for (const extra of withContent.slice(1)) {
      this.report('multipleDocuments', this.head(extra.contents as YamlNode),
        'The configuration is one YAML document; this second document is ignored. Merge it into the first.');
    }
    // A syntax error leaves a tree that may not say what the user meant: use the defaults until it is fixed.
    if (fatal || withContent.length === 0) return DEFAULT_CONFIG;
    const root = withContent[0].contents as YamlNode;
    if (!isMap(root)) {
      this.report('notMapping', this.head(root),
        `The configuration must be a mapping of settings (${CONFIG_FIELDS.join(', ')}); the defaults apply.`);
      return DEFAULT_CONFIG;
    }
    const fields = this.fields(root, CONFIG_FIELDS, 'setting');
    const value = (name: string) => fields.get(name)?.value ?? null;

    const include = this.globs(value('include'), 'include');
    const exclude = this.globs(value('exclude'), 'exclude');
    return {
      include: include ?? DEFAULT_CONFIG.include,
      // Additive: dependencies and Git internals stay excluded whatever the project adds.
      exclude: exclude ? [...new Set([...DEFAULT_CONFIG.exclude, ...exclude])] : DEFAULT_CONFIG.exclude,
      ciliumVersion: this.ciliumVersion(value('ciliumVersion')) ?? DEFAULT_CONFIG.ciliumVersion,
      rules: this.rules(value('rules')),
      platformNamespaces: this.stringList(value('platformNamespaces'), 'platformNamespaces', (n, s) => this.namespaceName(n, s), true) ?? DEFAULT_CONFIG.platformNamespaces,
      dns: this.dns(value('dns')),
      intendedFlows: this.list(value('intendedFlows'), 'intendedFlows', (n) => this.flow(n), true) ?? [],
      expectations: this.list(value('expectations'), 'expectations', (n) => this.expectation(n), true) ?? [],
    };
  }

  // ---- findings ------------------------------------------------------------------------------

  report(messageId: string, span: Span, message: string, fixes: Fix[] = [], severity?: Severity): void {
    this.findings.push({
      ruleId: 'config',
      messageId,
      severity: severity ?? ruleMeta('config')?.defaultSeverity ?? 'error',
      span,
      message,
      fixes,
    });
  }

  private syntax(code: string, message: string, pos: [number, number], severity: Severity): void {
    const start = Math.min(pos[0], this.text.length);
    const end = Math.max(start + (start < this.text.length ? 1 : 0), Math.min(pos[1], this.text.length));
    if (code === 'DUPLICATE_KEY') {
      const span = { start, end: keyEnd(this.text, start) };
      this.report('duplicateKey', span,
        `The key ${this.text.slice(span.start, span.end)} appears twice in this mapping; only the first one is used.`, [], severity);
      return;
    }
    const sentence = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
    this.report('yamlSyntax', { start, end }, `${sentence.endsWith('.') ? sentence : `${sentence}.`} The defaults apply until the YAML parses.`, [], severity);
  }

  private span(node: YamlNode | null | undefined): Span {
    const r = node?.range;
    if (r && r[1] <= r[0] && node) {
      const key = this.keyOf.get(node);
      if (key) return this.span(key);
    }
    return r ? { start: r[0], end: Math.max(r[1], r[0]) } : { start: 0, end: 0 };
  }

  /** The node's first line: a whole mapping or list would underline too much. */
  private head(node: YamlNode | null | undefined): Span {
    const s = this.span(node);
    const nl = this.text.indexOf('\n', s.start);
    const end = nl === -1 || nl > s.end ? s.end : nl;
    return { start: s.start, end: Math.max(end, s.start) };
  }

  private describe(node: YamlNode | null | undefined): string {
    if (node == null) return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const v = node.value;
      if (v === null) return 'null';
      if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
      if (typeof v === 'number' || typeof v === 'bigint') return `the number ${this.raw(node)}`;
      if (typeof v === 'boolean') return `the boolean ${v}`;
    }
    return 'a value of another kind';
  }

  private raw(node: YamlNode): string {
    const s = this.span(node);
    return this.text.slice(s.start, s.end);
  }

  private wrongType(node: YamlNode, where: string, expected: string): void {
    this.report('wrongType', this.head(node), `${where} must be ${expected}, not ${this.describe(node)}.`);
  }

  /** Reports `lead`, names the closest known word, and offers it as a fix when it looks like a typo. */
  private unknownWord(messageId: string, node: YamlNode, word: string, known: readonly string[], lead: string, quote = false, taken: ReadonlySet<string> = new Set()): void {
    const best = closest(word, known);
    const fixes: Fix[] = [];
    let hint = '';
    if (best) {
      hint = ` The closest is \`${best.word}\`${taken.has(best.word) ? ', which is already set here' : ''}.`;
      // Renaming onto a key that is already there would only trade this finding for a duplicate key.
      if (!taken.has(best.word) && best.distance <= Math.max(2, Math.floor(word.length / 3))) {
        fixes.push({ title: `Change to \`${best.word}\``, edits: [{ span: this.span(node), newText: quote ? JSON.stringify(best.word) : best.word }], isPreferred: true });
      }
    }
    this.report(messageId, this.span(node), `${lead}${hint}`, fixes);
  }

  // ---- structure -----------------------------------------------------------------------------

  /** The pairs of a mapping by key; unknown keys are reported with the closest known one. */
  private fields(map: YamlNode, known: readonly string[], what: string): Pairs {
    const out: Pairs = new Map();
    if (!isMap(map)) return out;
    const present = keysOf(map);
    for (const pair of map.items as Pair<YamlNode, YamlNode | null>[]) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.report('unknownField', this.head(key), `A ${what} name must be plain text; expected one of ${known.join(', ')}.`);
        continue;
      }
      if (!known.includes(key.value)) {
        this.unknownWord('unknownField', key, key.value, known, `Unknown ${what} \`${key.value}\`.`, false, present);
        continue;
      }
      // Duplicates were reported by the parser; the first one wins.
      if (!out.has(key.value)) out.set(key.value, pair);
      if (pair.value) this.keyOf.set(pair.value, key);
    }
    return out;
  }

  private string(node: YamlNode, where: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    this.wrongType(node, where, 'text');
    return undefined;
  }

  /** A list whose bad items are reported and skipped; `undefined` when the value is missing or not a list. */
  private list<T>(node: YamlNode | null, where: string, item: (n: YamlNode) => T | undefined, nullIsUnset = false): T[] | undefined {
    if (node == null || (nullIsUnset && isScalar(node) && node.value === null)) return undefined;
    if (!isSeq(node)) {
      this.wrongType(node, `\`${where}\``, 'a list');
      return undefined;
    }
    const out: T[] = [];
    for (const n of node.items as YamlNode[]) {
      const v = item(n);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  private stringList(node: YamlNode | null, where: string, check: (n: YamlNode, s: string) => boolean, nullIsUnset = false): string[] | undefined {
    return this.list(node, where, (n) => {
      const s = this.string(n, `Each item of \`${where}\``);
      return s !== undefined && check(n, s) ? s : undefined;
    }, nullIsUnset);
  }

  // ---- settings ------------------------------------------------------------------------------

  private globs(node: YamlNode | null, where: string): string[] | undefined {
    return this.stringList(node, where, (n, s) => {
      const problem = globProblem(s);
      if (problem) this.report('badGlob', this.span(n), `The pattern ${JSON.stringify(s)} ${problem}`);
      return !problem;
    }, true);
  }

  private ciliumVersion(node: YamlNode | null): ProjectConfig['ciliumVersion'] | undefined {
    if (node == null || (isScalar(node) && node.value === null)) return undefined;
    if (!isScalar(node)) {
      this.wrongType(node, '`ciliumVersion`', `one of ${CILIUM_VERSIONS.map((v) => `"${v}"`).join(', ')}`);
      return undefined;
    }
    if (typeof node.value === 'number') {
      // YAML reads an unquoted 1.20 as the number 1.2: take what the user wrote, and ask for quotes.
      const written = this.raw(node);
      const version = CILIUM_VERSIONS.find((v) => v === written || Number(v) === node.value);
      if (version) {
        this.report('unquotedVersion', this.span(node),
          `Quote the version: unquoted, YAML reads ${written} as the number ${node.value}. tenant-policy uses "${version}".`,
          [{ title: `Quote as "${version}"`, edits: [{ span: this.span(node), newText: `"${version}"` }], isPreferred: true }], 'warning');
        return version;
      }
    }
    const value = String(node.value);
    if ((CILIUM_VERSIONS as readonly string[]).includes(value)) return value as ProjectConfig['ciliumVersion'];
    this.unknownWord('badValue', node, value, CILIUM_VERSIONS, `tenant-policy validates against Cilium ${CILIUM_VERSIONS.join(' and ')}, not ${value}.`, true);
    return undefined;
  }

  private rules(node: YamlNode | null): Record<string, SeveritySetting> {
    const out: Record<string, SeveritySetting> = {};
    if (node == null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      this.wrongType(node, '`rules`', 'a mapping of rule id to severity (off, error, warning, information, hint)');
      return out;
    }
    const ids = RULES.map((r) => r.id);
    const present = keysOf(node);
    for (const pair of node.items as Pair<YamlNode, YamlNode | null>[]) {
      const key = pair.key;
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        this.report('unknownRule', this.head(key), 'A rule id must be plain text, such as `dns-egress-missing`.');
        continue;
      }
      const id = String(key.value);
      if (!ids.includes(id)) {
        this.unknownWord('unknownRule', key, id, ids, `Unknown rule id \`${id}\`.`, false, present);
        continue;
      }
      if (id in out) continue;
      if (pair.value) this.keyOf.set(pair.value, key);
      const setting = this.severity(pair.value, `The severity of \`${id}\``);
      if (setting) out[id] = setting;
    }
    return out;
  }

  private severity(node: YamlNode | null, where: string): SeveritySetting | undefined {
    if (node == null || !isScalar(node) || node.value === null) {
      this.report('badSeverity', node ? this.head(node) : { start: 0, end: 0 },
        `${where} must be one of ${SEVERITY_SETTINGS.join(', ')}, not ${this.describe(node)}.`);
      return undefined;
    }
    const value = String(node.value);
    const normal = normalizeSeverity(value);
    if (normal) return normal;
    // `false` or `no` read as booleans, or a capitalised word: name the closest setting.
    this.unknownWord('badSeverity', node, value, SEVERITY_SETTINGS, `${where} is one of off, error, warning, information (or info) and hint, not \`${value}\`.`);
    return undefined;
  }

  private namespaceName(node: YamlNode, s: string): boolean {
    if (dns1123LabelProblems(s).length === 0) return true;
    this.report('badName', this.span(node),
      `${JSON.stringify(s)} is not a valid namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.`);
    return false;
  }

  private dns(node: YamlNode | null): DnsConfig {
    const dns: DnsConfig = { ...DEFAULT_CONFIG.dns };
    if (node == null || (isScalar(node) && node.value === null)) return dns;
    if (!isMap(node)) {
      this.wrongType(node, '`dns`', 'a mapping (namespace, podLabels, ports, nodeLocalAddress)');
      return dns;
    }
    const f = this.fields(node, DNS_FIELDS, 'DNS setting');
    const ns = f.get('namespace')?.value;
    if (ns != null) {
      const s = this.string(ns, '`dns.namespace`');
      if (s !== undefined && this.namespaceName(ns, s)) dns.namespace = s;
    }
    const labels = f.get('podLabels')?.value;
    if (labels != null) {
      const l = this.labels(labels, '`dns.podLabels`');
      if (l) dns.podLabels = l;
    }
    const ports = f.get('ports')?.value;
    if (ports != null) {
      const p = this.list(ports, 'dns.ports', (n) => this.portNumber(n));
      if (p && p.length > 0) dns.ports = p;
      else if (p) this.report('badValue', this.head(ports), '`dns.ports` needs at least one port, usually 53; the default applies.');
    }
    const addr = f.get('nodeLocalAddress')?.value;
    if (addr != null) {
      const s = this.string(addr, '`dns.nodeLocalAddress`');
      if (s !== undefined) {
        if (isIpAddress(s)) dns.nodeLocalAddress = s;
        else this.report('badValue', this.span(addr), `${JSON.stringify(s)} is not an IP address; NodeLocal DNSCache usually listens on 169.254.20.10.`);
      }
    }
    return dns;
  }

  private labels(node: YamlNode, where: string): Record<string, string> | undefined {
    if (!isMap(node)) {
      this.wrongType(node, where, 'a mapping of label keys to values');
      return undefined;
    }
    const out: Record<string, string> = {};
    let ok = true;
    for (const pair of node.items as Pair<YamlNode, YamlNode | null>[]) {
      const key = pair.key;
      const k = isScalar(key) && typeof key.value === 'string' ? key.value : undefined;
      if (k === undefined || labelKeyProblems(k).length > 0) {
        this.report('badLabel', this.head(key), `${k === undefined ? 'This' : JSON.stringify(k)} is not a valid label key (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.').`);
        ok = false;
        continue;
      }
      const v = pair.value;
      if (v) this.keyOf.set(v, key);
      if (!isScalar(v) || typeof v.value !== 'string') {
        this.report('badLabel', v ? this.head(v) : this.span(key),
          `The value of label ${k} must be text${v && isScalar(v) && v.value !== null ? `; quote it: "${this.raw(v)}"` : ''}.`,
          v && isScalar(v) && v.value !== null ? [{ title: `Quote as "${this.raw(v)}"`, edits: [{ span: this.span(v), newText: JSON.stringify(this.raw(v)) }], isPreferred: true }] : []);
        ok = false;
        continue;
      }
      if (labelValueProblems(v.value).length > 0) {
        this.report('badLabel', this.span(v), `${JSON.stringify(v.value)} is not a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit).`);
        ok = false;
        continue;
      }
      out[k] = v.value;
    }
    // A partial selector would match pods the user did not mean: all or nothing.
    return ok ? out : undefined;
  }

  private portNumber(node: YamlNode): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 1 && node.value <= 65535) return node.value;
    this.report('badPort', this.head(node), `A port must be a whole number from 1 to 65535, not ${this.describe(node)}.`);
    return undefined;
  }

  // ---- flows and expectations ----------------------------------------------------------------

  private flow(node: YamlNode): IntendedFlow | undefined {
    if (!isMap(node)) {
      this.wrongType(node, 'Each intended flow', 'a mapping with `from`, `to` and optional `ports`');
      return undefined;
    }
    const before = this.findings.length;
    const f = this.fields(node, FLOW_FIELDS, 'intended flow field');
    const from = this.peerField(node, f, 'from');
    const to = this.peerField(node, f, 'to');
    const ports = this.portsField(f);
    // An entry with a problem is ignored whole: half a flow would allow more or less than intended.
    if (this.findings.length !== before || !from || !to) return undefined;
    return ports ? { from, to, ports } : { from, to };
  }

  private expectation(node: YamlNode): Expectation | undefined {
    if (!isMap(node)) {
      this.wrongType(node, 'Each expectation', 'a mapping with `from`, `to`, `reach` and, for `reach: only`, `ports`');
      return undefined;
    }
    const before = this.findings.length;
    const f = this.fields(node, EXPECTATION_FIELDS, 'expectation field');
    const from = this.peerField(node, f, 'from');
    const to = this.peerField(node, f, 'to');
    let reach: Expectation['reach'] | undefined;
    const reachNode = f.get('reach')?.value;
    if (reachNode == null) {
      this.report('missingField', this.head(node), 'This expectation needs `reach`: `never` (no connection at all) or `only` (connections limited to `ports`).');
    } else if (isScalar(reachNode) && typeof reachNode.value === 'string' && (REACH as readonly string[]).includes(reachNode.value)) {
      reach = reachNode.value as Expectation['reach'];
    } else if (isScalar(reachNode) && reachNode.value !== null) {
      this.unknownWord('badValue', reachNode, String(reachNode.value), REACH, `\`reach\` is \`never\` or \`only\`, not \`${String(reachNode.value)}\`.`);
    } else {
      this.wrongType(reachNode, '`reach`', '`never` or `only`');
    }
    const portsPair = f.get('ports');
    if (reach === 'never') {
      const ok = this.findings.length === before;
      // Reported, but the promise that nothing connects is clear and kept: dropping it would
      // silently stop checking isolation.
      if (portsPair) {
        this.report('ignoredPorts', this.span(portsPair.key as YamlNode),
          '`ports` has no meaning with `reach: never` (no connection on any port) and is ignored; use `reach: only` to limit the ports instead.');
      }
      return ok && from && to ? { from, to, reach } : undefined;
    }
    const ports = this.portsField(f);
    if (reach === 'only' && !portsPair) {
      this.report('missingField', this.span(reachNode), '`reach: only` needs `ports`: the only ports the connection may use, such as ["TCP/443"].');
    } else if (reach === 'only' && ports && ports.length === 0 && isSeq(portsPair?.value) && portsPair.value.items.length === 0) {
      this.report('badValue', this.span(portsPair.value), '`reach: only` with no ports allows nothing; write `reach: never` for that.');
    }
    if (this.findings.length !== before || !from || !to || !reach || !ports) return undefined;
    return { from, to, reach, ports };
  }

  private peerField(entry: YamlNode, f: Pairs, name: 'from' | 'to'): PeerRef | undefined {
    const pair = f.get(name);
    if (!pair || pair.value == null || (isScalar(pair.value) && pair.value.value === null)) {
      this.report('missingField', pair ? this.span(pair.key as YamlNode) : this.head(entry),
        `\`${name}\` is required: \`{tenant: NAME}\` or \`{namespace: NAME}\`.`);
      return undefined;
    }
    const node = pair.value;
    if (!isMap(node)) {
      this.wrongType(node, `\`${name}\``, 'a mapping with `tenant` or `namespace`');
      return undefined;
    }
    const pf = this.fields(node, PEER_FIELDS, `\`${name}\` field`);
    const tenant = pf.get('tenant');
    const namespace = pf.get('namespace');
    if (tenant && namespace) {
      this.report('badPeer', this.head(node), `\`${name}\` names a tenant or a namespace, not both.`);
      return undefined;
    }
    const chosen = tenant ?? namespace;
    if (!chosen) {
      if (node.items.length === 0) this.report('missingField', this.head(node), `\`${name}\` needs \`tenant\` or \`namespace\`.`);
      return undefined;
    }
    const kind = tenant ? 'tenant' : 'namespace';
    if (chosen.value == null) {
      this.report('missingField', this.span(chosen.key as YamlNode), `\`${kind}\` needs a name.`);
      return undefined;
    }
    const s = this.string(chosen.value, `\`${name}.${kind}\``);
    if (s === undefined) return undefined;
    if (kind === 'namespace' && !this.namespaceName(chosen.value, s)) return undefined;
    if (kind === 'tenant' && dns1123SubdomainProblems(s).length > 0) {
      this.report('badName', this.span(chosen.value), `${JSON.stringify(s)} is not a valid tenant name (lowercase letters, digits, '-' and '.').`);
      return undefined;
    }
    return kind === 'tenant' ? { tenant: s } : { namespace: s };
  }

  private portsField(f: Pairs): string[] | undefined {
    const pair = f.get('ports');
    if (!pair) return undefined;
    return this.list(pair.value, 'ports', (n) => this.portSpec(n));
  }

  /** `PROTO/PORT` or `PROTO/FIRST-LAST`, e.g. `TCP/5432`, `UDP/53`, `TCP/8000-8080`. */
  private portSpec(node: YamlNode): string | undefined {
    if (isScalar(node) && typeof node.value === 'number') {
      const raw = this.raw(node);
      this.report('badPort', this.span(node), `Name the protocol: write "TCP/${raw}" (or UDP/, SCTP/).`,
        [{ title: `Change to "TCP/${raw}"`, edits: [{ span: this.span(node), newText: `"TCP/${raw}"` }], isPreferred: true }]);
      return undefined;
    }
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.wrongType(node, 'A port', 'text such as "TCP/5432" or "TCP/8000-8080"');
      return undefined;
    }
    const s = node.value;
    const m = PORT_SPEC.exec(s);
    if (!m) {
      this.report('badPort', this.span(node), `${JSON.stringify(s)} is not a port: write PROTOCOL/PORT or PROTOCOL/FIRST-LAST, such as "TCP/5432" or "TCP/8000-8080".`);
      return undefined;
    }
    const proto = m[1];
    if (!(PROTOCOLS as readonly string[]).includes(proto)) {
      const upper = proto.toUpperCase();
      const fixed = `${upper}/${s.slice(proto.length + 1)}`;
      const fixes: Fix[] = (PROTOCOLS as readonly string[]).includes(upper)
        ? [{ title: `Change to "${fixed}"`, edits: [{ span: this.span(node), newText: JSON.stringify(fixed) }], isPreferred: true }]
        : [];
      this.report('badPort', this.span(node), `Unknown protocol \`${proto}\` in ${JSON.stringify(s)}; use TCP, UDP or SCTP (upper case, as Kubernetes writes them).`, fixes);
      return undefined;
    }
    const first = Number(m[2]);
    const last = m[3] === undefined ? first : Number(m[3]);
    if (first < 1 || first > 65535 || last < 1 || last > 65535) {
      this.report('badPort', this.span(node), `${JSON.stringify(s)}: ports run from 1 to 65535.`);
      return undefined;
    }
    if (last < first) {
      this.report('badPort', this.span(node), `${JSON.stringify(s)}: the range ends before it starts; write ${proto}/${last}-${first}.`,
        [{ title: `Change to "${proto}/${last}-${first}"`, edits: [{ span: this.span(node), newText: `"${proto}/${last}-${first}"` }], isPreferred: true }]);
      return undefined;
    }
    return s;
  }
}

function keysOf(map: YamlNode): Set<string> {
  const keys = new Set<string>();
  if (isMap(map)) for (const pair of map.items) if (isScalar(pair.key)) keys.add(String(pair.key.value));
  return keys;
}

/** `info` → `information`; undefined when the word is not a setting. */
export function normalizeSeverity(value: string): SeveritySetting | undefined {
  if (value === 'info') return 'information';
  return (SEVERITY_SETTINGS as readonly string[]).includes(value) ? (value as SeveritySetting) : undefined;
}

/** Why a glob cannot be used, as the end of a sentence; undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'is empty.';
  if (glob.includes('\\')) return "uses '\\'; separate folders with '/' on every platform.";
  let depth = 0;
  for (const ch of glob) {
    if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return "closes a '}' it never opened.";
  }
  if (depth !== 0) return "opens a '{' it never closes.";
  return undefined;
}


/** The known word with the smallest edit distance to `word` (ties: the first in `known`). */
export function closest(word: string, known: readonly string[]): { word: string; distance: number } | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (!best || d < best.distance) best = { word: k, distance: d };
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
