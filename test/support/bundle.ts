// Tests run the real bundles. One is rebuilt when a source is newer than it, with the options
// esbuild.mjs uses, into a temporary file renamed into place, so test files running in parallel never
// load half a bundle (and a half-written other entry elsewhere in the tree cannot fail them).
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
// @ts-expect-error: a plain .mjs module without type declarations.
import { BUNDLES } from '../../build.config.mjs';

export const ROOT = join(__dirname, '..', '..');

function newest(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((n) => newest(join(p, n))));
}

/** Builds `dist/<name>.js` if it is older than the server sources, the schemas or package.json. */
export function ensureBundle(name: 'server' | 'cli'): string {
  const options = BUNDLES[name];
  const out = join(ROOT, options.outfile);
  const sources = Math.max(newest(join(ROOT, 'server', 'src')), newest(join(ROOT, 'schemas')), newest(join(ROOT, 'package.json')));
  let built = 0;
  try {
    built = statSync(out).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built >= sources) return out;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  buildSync({
    ...options,
    entryPoints: options.entryPoints.map((e: string) => join(ROOT, e)),
    outfile: tmp,
    sourcemap: false,
    logLevel: 'error',
  });
  renameSync(tmp, out);
  return out;
}
