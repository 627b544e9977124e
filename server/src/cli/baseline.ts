// Baselines for `tenant-policy check --baseline FILE`: the findings a repository already had when it
// adopted the tool, so CI fails only on new ones. An entry names its file relative to the baseline's
// folder (the baseline works from any working directory), the rule, the message id and a fingerprint
// made of the finding's line text, its message and its occurrence among identical findings in the file.
// Line numbers are left out on purpose: inserting a document above a known finding must not make it new.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding, Severity } from '../engine';
import { reason, STDIN_DISPLAY } from './inputs';

export const BASELINE_FORMAT = 1;

export interface BaselineEntry {
  file: string;
  rule: string;
  messageId: string;
  fingerprint: string;
  /** For the reviewer of the baseline's diff; the fingerprint already covers it. */
  message: string;
}

/** Unreadable or malformed baseline: the run stops with exit code 2. */
export class BaselineError extends Error {}

/**
 * The severities a baseline records: the ones that gate CI (exit code, --max-warnings). Information and
 * hints never fail a run, so they stay visible instead of being frozen into the file.
 */
const RECORDED: ReadonlySet<Severity> = new Set<Severity>(['error', 'warning']);

/** One fingerprint per finding, index for index; `text` is the file the spans point into. */
export function fingerprints(text: string, findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const basis = [f.ruleId, f.messageId, lineText(text, f.span.start), normalizeMessage(f.message)].join('\0');
    const occurrence = seen.get(basis) ?? 0;
    seen.set(basis, occurrence + 1);
    return createHash('sha256').update(`${basis}\0${occurrence}`).digest('hex').slice(0, 20);
  });
}

function lineText(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  return text.slice(start, nl === -1 ? text.length : nl).trim();
}

/** Whitespace and positions in a message ("line 12", "a.yaml:12:3") change when lines move. */
function normalizeMessage(message: string): string {
  return message
    .replace(/\s+/g, ' ')
    .replace(/\b(lines?) \d+(?:[-–]\d+)?/gi, '$1 #')
    .replace(/(\.ya?ml):\d+(?::\d+)?/gi, '$1:#')
    .trim();
}

/** The path a baseline entry uses for a file: relative to the baseline's folder, with `/`; stdin as `<stdin>`. */
export function fileKeyOf(baselineDir: string, abs: string | undefined): string {
  if (abs === undefined) return STDIN_DISPLAY;
  return relative(baselineDir, abs).split(sep).join('/');
}

/** Which files a run looked at: entries for files outside it are neither matched nor stale. */
export type Scope = (file: string) => boolean;

/** The scope of a run over PATHs (files, folders, `-`), in the baseline's own path terms. */
export function pathScope(paths: readonly string[], cwd: string, baselineDir: string): Scope {
  const roots = paths.filter((p) => p !== '-').map((p) => resolve(cwd, p));
  const stdin = paths.includes('-');
  return (file) => {
    if (file === STDIN_DISPLAY) return stdin;
    const abs = resolve(baselineDir, ...file.split('/'));
    return roots.some((root) => {
      const rel = relative(root, abs);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
  };
}

export class Baseline {
  /** Unmatched entries by key; a key may stand for several identical findings. */
  private readonly remaining = new Map<string, number>();
  private suppressedCount = 0;

  constructor(
    readonly abs: string,
    readonly entries: readonly BaselineEntry[],
  ) {
    for (const e of entries) {
      const k = key(e.file, e.rule, e.messageId, e.fingerprint);
      this.remaining.set(k, (this.remaining.get(k) ?? 0) + 1);
    }
  }

  get dir(): string {
    return dirname(this.abs);
  }

  fileKey(abs: string | undefined): string {
    return fileKeyOf(this.dir, abs);
  }

  /** The findings of one file that the baseline does not list; the listed ones are used up. */
  filter(abs: string | undefined, text: string, findings: readonly Finding[]): Finding[] {
    const file = this.fileKey(abs);
    const prints = fingerprints(text, findings);
    return findings.filter((f, i) => {
      const k = key(file, f.ruleId, f.messageId, prints[i]);
      const left = this.remaining.get(k) ?? 0;
      if (left === 0) return true;
      this.remaining.set(k, left - 1);
      this.suppressedCount++;
      return false;
    });
  }

  get suppressed(): number {
    return this.suppressedCount;
  }

  /** Entries of files this run looked at that matched no finding: fixed, or changed beyond recognition. */
  stale(scope: Scope): number {
    let n = 0;
    for (const [k, left] of this.remaining) if (left > 0 && scope(k.slice(0, k.indexOf('\0')))) n += left;
    return n;
  }
}

function key(file: string, rule: string, messageId: string, fingerprint: string): string {
  return `${file}\0${rule}\0${messageId}\0${fingerprint}`;
}

/** The entries a file contributes to a new baseline: its errors and warnings. */
export function entriesFor(file: string, text: string, findings: readonly Finding[]): { entries: BaselineEntry[]; rest: Finding[] } {
  const prints = fingerprints(text, findings);
  const entries: BaselineEntry[] = [];
  const rest: Finding[] = [];
  findings.forEach((f, i) => {
    if (RECORDED.has(f.severity)) entries.push({ file, rule: f.ruleId, messageId: f.messageId, fingerprint: prints[i], message: normalizeMessage(f.message) });
    else rest.push(f);
  });
  return { entries, rest };
}

export function readBaseline(abs: string, shown: string): Baseline {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BaselineError(`cannot read the baseline ${shown}: ${reason(e)}${missing ? '; create it with --update-baseline' : ''}`);
  }
  return new Baseline(abs, parseBaseline(text, shown));
}

export function parseBaseline(text: string, shown: string): BaselineEntry[] {
  const bad = (why: string) => new BaselineError(`${shown} is not a tenant-policy baseline: ${why}. Write it with --update-baseline.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`invalid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('it is not a JSON object');
  const { version, findings } = data as { version?: unknown; findings?: unknown };
  if (version !== BASELINE_FORMAT) {
    throw bad(typeof version === 'number' && version > BASELINE_FORMAT ? `format ${version} comes from a newer tenant-policy` : `"version" must be ${BASELINE_FORMAT}`);
  }
  if (!Array.isArray(findings)) throw bad('"findings" must be an array');
  return findings.map((f: unknown, i) => {
    const e = f as Partial<Record<keyof BaselineEntry, unknown>> | null;
    for (const field of ['file', 'rule', 'messageId', 'fingerprint'] as const) {
      if (typeof e?.[field] !== 'string' || e[field] === '') throw bad(`findings[${i}].${field} must be a non-empty string`);
    }
    const entry = e as BaselineEntry;
    return { file: entry.file, rule: entry.rule, messageId: entry.messageId, fingerprint: entry.fingerprint, message: typeof entry.message === 'string' ? entry.message : '' };
  });
}

/**
 * The file's text: sorted by file, rule, message and fingerprint (not by line, so moving code does not
 * reorder it), one entry a line, so a pull request's diff shows each accepted or fixed finding as one line.
 */
export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.messageId, b.messageId) || compare(a.message, b.message) || compare(a.fingerprint, b.fingerprint));
  const lines = sorted.map((e) => `    ${JSON.stringify({ file: e.file, rule: e.rule, messageId: e.messageId, fingerprint: e.fingerprint, message: e.message })}`);
  return `{\n  "version": ${BASELINE_FORMAT},\n  "findings": [${lines.length === 0 ? ']' : `\n${lines.join(',\n')}\n  ]`}\n}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries in `after` not in `before` and the reverse, as multisets: what an update adds and drops. */
export function difference(before: readonly BaselineEntry[], after: readonly BaselineEntry[]): { added: number; removed: number } {
  const counts = new Map<string, number>();
  for (const e of before) {
    const k = key(e.file, e.rule, e.messageId, e.fingerprint);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let added = 0;
  for (const e of after) {
    const k = key(e.file, e.rule, e.messageId, e.fingerprint);
    const left = counts.get(k) ?? 0;
    if (left > 0) counts.set(k, left - 1);
    else added++;
  }
  let removed = 0;
  for (const left of counts.values()) removed += left;
  return { added, removed };
}
