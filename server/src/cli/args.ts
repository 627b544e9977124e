// Command-line arguments → a typed request, or a usage error (exit code 2). No I/O here.
import { CILIUM_VERSIONS, RULES, closest, normalizeSeverity, type CiliumVersion, type SeveritySetting } from '../engine';

export type Format = 'text' | 'json' | 'sarif';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];

export interface CheckRequest {
  command: 'check';
  paths: string[];
  format: Format;
  config?: string;
  rules: Record<string, SeveritySetting>;
  ciliumVersion?: CiliumVersion;
}

export type Request =
  | CheckRequest
  | { command: 'help'; topic?: string }
  | { command: 'version' }
  | { command: 'list-rules'; format: Format }
  | { command: 'not-implemented'; name: string };

export class UsageError extends Error {}

/** Subcommands DESIGN.md names that a later release implements. */
const LATER = ['connectivity', 'explain', 'diff'];

export function parseArgs(argv: readonly string[]): Request {
  const args = [...argv];
  const first = args[0];
  if (first === undefined) throw new UsageError('missing command; try `tenant-policy check PATH...`.');
  if (first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: args[1] };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (first === '--list-rules') return { command: 'list-rules', format: listFormat(args.slice(1)) };
  if (LATER.includes(first)) return { command: 'not-implemented', name: first };
  if (first !== 'check') {
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}; a command comes first: tenant-policy check PATH...`);
    const best = closest(first, ['check', ...LATER]);
    throw new UsageError(`unknown command \`${first}\`${best && best.distance <= 2 ? `; did you mean \`${best.word}\`?` : ''}. Commands: check, ${LATER.join(', ')}.`);
  }
  return parseCheck(args.slice(1));
}

function listFormat(rest: string[]): Format {
  let format: Format = 'text';
  const it = options(rest);
  for (const { name, value, positional } of it) {
    if (positional !== undefined) throw new UsageError(`--list-rules takes no PATH (got ${positional}).`);
    if (name === '--format') format = formatValue(value());
    else throw new UsageError(`unknown option ${name} for --list-rules.`);
  }
  return format === 'sarif' ? 'json' : format;
}

function parseCheck(rest: string[]): Request {
  const req: CheckRequest = { command: 'check', paths: [], format: 'text', rules: {} };
  let listRules = false;
  for (const { name, value, positional } of options(rest)) {
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
        req.format = formatValue(value());
        break;
      case '--config':
      case '-c': {
        const v = value();
        if (v === '') throw new UsageError('--config needs a file name.');
        req.config = v;
        break;
      }
      case '--rule': {
        const [id, setting] = ruleValue(value());
        req.rules[id] = setting;
        break;
      }
      case '--cilium-version': {
        const v = value();
        if (!(CILIUM_VERSIONS as readonly string[]).includes(v)) {
          throw new UsageError(`--cilium-version must be ${CILIUM_VERSIONS.join(' or ')}, not ${JSON.stringify(v)}.`);
        }
        req.ciliumVersion = v as CiliumVersion;
        break;
      }
      case '--inventory':
        throw new UsageError('--inventory is not implemented yet.');
      default:
        throw new UsageError(`unknown option ${name}; see tenant-policy check --help.`);
    }
  }
  if (listRules) return { command: 'list-rules', format: req.format === 'sarif' ? 'json' : req.format };
  if (req.paths.length === 0) throw new UsageError('check needs at least one PATH (a file, a folder, or - for standard input).');
  if (req.paths.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be read only once.');
  return req;
}

function formatValue(v: string): Format {
  if ((FORMATS as readonly string[]).includes(v)) return v as Format;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(v)}.`);
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
}

/** Splits `--name value`, `--name=value`, positionals, `-` (standard input) and `--` (only PATHs after it). */
function* options(args: string[]): Generator<Option> {
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
      value: () => {
        if (inline !== undefined) return inline;
        const next = args[i + 1];
        if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`${name} needs a value.`);
        used = true;
        return next;
      },
    };
    if (used) i++;
  }
}
