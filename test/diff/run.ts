// Helpers for the diff tests: `tenant-policy diff` in process (runDiff with captured I/O), throw-away
// folders, and throw-away git repositories built commit by commit (never the clone's own history).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { runDiff } from '../../server/src/cli/diff';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function diff(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  const stderr: string[] = [];
  const code = await runDiff(args, { cwd, stdout: (s) => (stdout += s), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr: stderr.join('\n') };
}

export interface Json {
  old: string;
  new: string;
  level: string;
  summary: { added: number; removed: number; changed: number };
  added: { src: string; dst: string; conns: string; srcKind?: string; dstKind?: string }[];
  removed: { src: string; dst: string; conns: string; srcKind?: string; dstKind?: string }[];
  changed: { src: string; dst: string; before: string; after: string; gained: string; lost: string }[];
}

export async function diffJson(args: string[], cwd: string): Promise<Json> {
  const r = await diff([...args, '--format', 'json'], cwd);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

/** A temporary folder; `write` puts files in it (paths with '/'; undefined deletes). */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'tenant-policy-diff-'));

  write(files: Record<string, string | undefined>, under = ''): this {
    for (const [rel, text] of Object.entries(files)) {
      const p = join(this.dir, under, ...rel.split('/'));
      if (text === undefined) rmSync(p, { force: true });
      else {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
      }
    }
    return this;
  }

  path(rel: string): string {
    return join(this.dir, ...rel.split('/'));
  }

  /** Runs git in the folder, isolated from the user's and the system's configuration. */
  git(...args: string[]): string {
    const r = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  commit(message: string): this {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The scratch folder of one test, removed when the test ends (passed or failed). */
export function scratch(t: TestContext, s: Scratch = new Scratch()): Scratch {
  t.after(() => s.cleanup());
  return s;
}
