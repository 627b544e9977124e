// Runs the real bundle, dist/cli.js, as CI does (rebuilt first when a source is newer).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBundle, ROOT } from '../support/bundle';

export { ROOT };
export const CLI = join(ROOT, 'dist', 'cli.js');

let built = false;

export function ensureBuilt(): void {
  if (built) return;
  ensureBundle('cli');
  built = true;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): Run {
  ensureBuilt();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes (or overwrites) a file of a test workspace; `rel` uses '/'. */
export function put(dir: string, rel: string, content: string | Uint8Array): void {
  const p = join(dir, ...rel.split('/'));
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/** A throw-away folder with the given files (paths with '/'; string or raw bytes), removed after the test. */
export function workspace(files: Record<string, string | Uint8Array>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-policy-cli-'));
  for (const [rel, content] of Object.entries(files)) put(dir, rel, content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
  fixes: string[];
}

export function diagnostics(run: Run): JsonDiagnostic[] {
  return (JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
}
