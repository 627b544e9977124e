// Command-line arguments → a typed request, or a usage error (exit code 2). No I/O here.
import { CILIUM_VERSIONS, RULES, closest, normalizeSeverity, type CiliumVersion, type SeveritySetting } from '../engine';
import type { Level } from '../engine/reachability';

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

export interface CheckRequest {
  command: 'check';
  paths: string[];
  format: Format;
  config?: string;
  rules: Record<string, SeveritySetting>;
  ciliumVersion?: CiliumVersion;
  /** A cluster export whose namespaces and workloads join the workspace model (not reported on). */
  inventory?: string;
  /** Exit 1 when more warnings than this remain (after the baseline), as ESLint's option does. */
  maxWarnings?: number;
  /** Findings listed in this file are not reported and do not count. */
  baseline?: string;
  /** Write the baseline file from this run's findings instead of reading it. */
  updateBaseline?: boolean;
}

export type ConnectivityFormat = 'table' | 'json' | 'md' | 'dot';
export const CONNECTIVITY_FORMATS: readonly ConnectivityFormat[] = ['table', 'json', 'md', 'dot'];
export type ConnectivityLevel = Level;
export const CONNECTIVITY_LEVELS: readonly ConnectivityLevel[] = ['workload', 'namespace', 'tenant'];

/** What `connectivity` and `explain` share: the inputs and how to read them. */
export interface WorkspaceRequest {
  paths: string[];
  config?: string;
  inventory?: string;
  ciliumVersion?: CiliumVersion;
}

export interface ConnectivityRequest extends WorkspaceRequest {
  command: 'connectivity';
  format: ConnectivityFormat;
  level: ConnectivityLevel;
}

/** `NS`, `NS/WORKLOAD`, or external IPv4 addresses (an address, a CIDR or `first-last`). */
export type EndpointArg = { namespace: string; workload?: string } | { external: string };

export interface ExplainRequest extends WorkspaceRequest {
  command: 'explain';
  from: EndpointArg;
  to: EndpointArg;
  port?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number };
  format: 'text' | 'json';
}

export type Request =
  | CheckRequest
  | ConnectivityRequest
  | ExplainRequest
  | { command: 'diff'; argv: string[] }
  | { command: 'help'; topic?: string }
  | { command: 'version' }
  | { command: 'list-rules'; format: Format };

export class UsageError extends Error {}

const COMMANDS = ['check', 'connectivity', 'explain', 'diff'];

export function parseArgs(argv: readonly string[]): Request {
  const args = [...argv];
  const first = args[0];
  if (first === undefined) throw new UsageError('missing command; try `tenant-policy check PATH...`.');
  if (first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: args[1] };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (first === '--list-rules') return { command: 'list-rules', format: listFormat(args.slice(1)) };
  if (first === 'diff') return { command: 'diff', argv: args.slice(1) };
  if (first === 'connectivity') return parseConnectivity(args.slice(1));
  if (first === 'explain') return parseExplain(args.slice(1));
  if (first !== 'check') {
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}; a command comes first: tenant-policy check PATH...`);
    const best = closest(first, COMMANDS);
    throw new UsageError(`unknown command \`${first}\`${best && best.distance <= 2 ? `; did you mean \`${best.word}\`?` : ''}. Commands: ${COMMANDS.join(', ')}.`);
  }
  return parseCheck(args.slice(1));
}

/** The options every command that reads a workspace shares; false when `name` is not one of them. */
export function workspaceOption(req: WorkspaceRequest, name: string, value: () => string): boolean {
  switch (name) {
    case '--config':
    case '-c':
      req.config = fileName('--config', value());
      return true;
    case '--inventory':
      req.inventory = fileName('--inventory', value());
      return true;
    case '--cilium-version': {
      const v = value();
      if (!(CILIUM_VERSIONS as readonly string[]).includes(v)) {
        throw new UsageError(`--cilium-version must be ${CILIUM_VERSIONS.join(' or ')}, not ${JSON.stringify(v)}.`);
      }
      req.ciliumVersion = v as CiliumVersion;
      return true;
    }
    case '--rule':
      // Common to every command; severities do not change connectivity, so the value is only checked.
      ruleValue(value());
      return true;
  }
  return false;
}

function fileName(option: string, v: string): string {
  if (v === '') throw new UsageError(`${option} needs a file name.`);
  return v;
}

function checkPaths(command: string, paths: string[]): void {
  if (paths.length === 0) throw new UsageError(`${command} needs at least one PATH (a file, a folder, or - for standard input).`);
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be read only once.');
}

export function oneOf<T extends string>(option: string, v: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not ${JSON.stringify(v)}.`);
}

function parseConnectivity(rest: string[]): Request {
  const req: ConnectivityRequest = { command: 'connectivity', paths: [], format: 'table', level: 'workload' };
  for (const { name, value, positional } of options(rest)) {
    if (positional !== undefined) {
      req.paths.push(positional);
      continue;
    }
    if (name === '--help' || name === '-h') return { command: 'help', topic: 'connectivity' };
    if (name === '--format' || name === '-f') req.format = oneOf('--format', value(), CONNECTIVITY_FORMATS);
    else if (name === '--level') req.level = oneOf('--level', value(), CONNECTIVITY_LEVELS);
    else if (!workspaceOption(req, name, value)) throw new UsageError(`unknown option ${name}; see tenant-policy connectivity --help.`);
  }
  checkPaths('connectivity', req.paths);
  return req;
}

const IPV4ISH = /^[0-9.]+(\/\d+)?$|^[0-9.]+-[0-9.]+$/;

export function endpointArg(option: string, v: string): EndpointArg {
  if (IPV4ISH.test(v)) return { external: v };
  const parts = v.split('/');
  const ok = (s: string | undefined) => s !== undefined && s !== '';
  if (parts.length > 2 || !ok(parts[0]) || (parts.length === 2 && !ok(parts[1]))) {
    throw new UsageError(`${option} takes NAMESPACE or NAMESPACE/WORKLOAD (or an IPv4 address, CIDR or range), not ${JSON.stringify(v)}.`);
  }
  return parts.length === 2 ? { namespace: parts[0], workload: parts[1] } : { namespace: parts[0] };
}

export function portArg(v: string): NonNullable<ExplainRequest['port']> {
  const m = /^(?:(tcp|udp|sctp)\/)?(\d{1,5})$/i.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--port takes PROTOCOL/PORT such as TCP/443, UDP/53 or SCTP/9000 (the protocol defaults to TCP), not ${JSON.stringify(v)}.`);
  return { protocol: (m[1] ?? 'TCP').toUpperCase() as 'TCP' | 'UDP' | 'SCTP', port };
}

function parseExplain(rest: string[]): Request {
  const req: Partial<ExplainRequest> & WorkspaceRequest = { paths: [], format: 'text' };
  for (const { name, value, positional } of options(rest)) {
    if (positional !== undefined) {
      req.paths.push(positional);
      continue;
    }
    switch (name) {
      case '--help':
      case '-h':
        return { command: 'help', topic: 'explain' };
      case '--from':
        req.from = endpointArg('--from', value());
        break;
      case '--to':
        req.to = endpointArg('--to', value());
        break;
      case '--port':
        req.port = portArg(value());
        break;
      case '--format':
      case '-f':
        req.format = oneOf('--format', value(), ['text', 'json'] as const);
        break;
      default:
        if (!workspaceOption(req, name, value)) throw new UsageError(`unknown option ${name}; see tenant-policy explain --help.`);
    }
  }
  if (!req.from || !req.to) throw new UsageError('explain needs --from NS[/WORKLOAD] and --to NS[/WORKLOAD].');
  if ('external' in req.from && 'external' in req.to) throw new UsageError('--from and --to are both external addresses; policies apply to workloads, so one of them must be a namespace or workload.');
  checkPaths('explain', req.paths);
  return { ...req, command: 'explain', from: req.from, to: req.to, format: req.format ?? 'text' } as ExplainRequest;
}

function listFormat(rest: string[]): Format {
  let format: Format = 'text';
  const it = options(rest);
  for (const { name, value, positional } of it) {
    if (positional !== undefined) throw new UsageError(`--list-rules takes no PATH (got ${positional}).`);
    if (name === '--format') format = oneOf('--format', value(), FORMATS);
    else throw new UsageError(`unknown option ${name} for --list-rules.`);
  }
  return format === 'sarif' ? 'json' : format;
}

function parseCheck(rest: string[]): Request {
  const req: CheckRequest = { command: 'check', paths: [], format: 'text', rules: {} };
  let listRules = false;
  for (const { name, value, positional, inline } of options(rest)) {
    if (positional !== undefined) {
      req.paths.push(positional);
      continue;
    }
    switch (name) {
      case '--help':
      case '-h':
        return { command: 'help', topic: 'check' };
      case '--list-rules':
        listRules = true;
        break;
      case '--format':
      case '-f':
        req.format = oneOf('--format', value(), FORMATS);
        break;
      case '--rule': {
        const [id, setting] = ruleValue(value());
        req.rules[id] = setting;
        break;
      }
      case '--max-warnings':
        req.maxWarnings = maxWarningsValue(value());
        break;
      case '--baseline':
        req.baseline = fileName('--baseline', value());
        break;
      case '--update-baseline':
        if (inline !== undefined) throw new UsageError('--update-baseline takes no value; the file is the one --baseline names.');
        req.updateBaseline = true;
        break;
      default:
        if (!workspaceOption(req, name, value)) throw new UsageError(`unknown option ${name}; see tenant-policy check --help.`);
    }
  }
  if (req.updateBaseline && req.baseline === undefined) throw new UsageError('--update-baseline needs --baseline FILE, the file to write.');
  if (listRules) return { command: 'list-rules', format: req.format === 'sarif' ? 'json' : req.format };
  checkPaths('check', req.paths);
  return req;
}

/** A count of warnings; -1 (ESLint's spelling of "no limit") is accepted and means no limit. */
function maxWarningsValue(v: string): number | undefined {
  if (v === '-1') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new UsageError(`--max-warnings takes a number of warnings (0 or more), not ${JSON.stringify(v)}.`);
  return Number(v);
}

/** `ID=SEVERITY` → the pair, or a usage error naming the closest rule id. */
export function ruleValue(v: string): [string, SeveritySetting] {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new UsageError(`--rule takes ID=SEVERITY (off, error, warning, info, hint), such as --rule helm-template-skipped=off; got ${JSON.stringify(v)}.`);
  const id = v.slice(0, eq);
  const severity = v.slice(eq + 1);
  const ids = RULES.map((r) => r.id);
  if (!ids.includes(id)) {
    const best = closest(id, ids);
    throw new UsageError(`--rule: unknown rule id \`${id}\`${best ? `; the closest is \`${best.word}\`` : ''}. tenant-policy --list-rules shows them all.`);
  }
  const setting = normalizeSeverity(severity);
  if (!setting) throw new UsageError(`--rule ${id}: the severity must be off, error, warning, info (information) or hint, not ${JSON.stringify(severity)}.`);
  return [id, setting];
}

interface Option {
  name: string;
  value: () => string;
  positional?: string;
  /** The value given as `--name=value`, for flags that must refuse one. */
  inline?: string;
}

/** Splits `--name value`, `--name=value`, positionals, `-` (standard input) and `--` (only PATHs after it). */
export function* options(args: readonly string[]): Generator<Option> {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      for (const p of args.slice(i + 1)) yield { name: '', value: () => '', positional: p };
      return;
    }
    if (a === '-' || !a.startsWith('-')) {
      yield { name: '', value: () => '', positional: a };
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    const inline = eq === -1 ? undefined : a.slice(eq + 1);
    let used = false;
    yield {
      name,
      inline,
      value: () => {
        if (inline !== undefined) return inline;
        const next = args[i + 1];
        // A negative number is a value (`--max-warnings -1`), not the next option.
        if (next === undefined || (next.startsWith('-') && next !== '-' && !/^-\d+$/.test(next))) throw new UsageError(`${name} needs a value.`);
        used = true;
        return next;
      },
    };
    if (used) i++;
  }
}
