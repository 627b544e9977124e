// The packaged extension the package tests inspect and the VS Code tests install: tenant-policy.vsix,
// built with `npm run package` unless it is newer than everything it is made from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const VSIX = join(ROOT, 'tenant-policy.vsix');

/** Everything the package is made from; the .vsix is rebuilt when any of it is newer. */
const INPUTS = [
  'package.json', 'esbuild.mjs', 'build.config.mjs', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE',
  'client/src', 'client/webview', 'server/src', 'schemas', 'docs/rules', 'images',
];

/** The newest modification under `p`, folders included (a deleted file changes its folder's time). */
function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((n) => newest(join(p, n))));
}

/** `npm run package` unless tenant-policy.vsix is newer than its inputs; returns its path. */
export function ensureVsix(): string {
  const inputs = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
  if (existsSync(VSIX) && statSync(VSIX).mtimeMs > inputs) return VSIX;
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return VSIX;
}
