// The last step of the scripts that regenerate a committed file from its sources (rules-index.mjs,
// sync-config-schema.mjs, rule-docs.mjs): write it, or with --check only say that it is out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Nothing when `before` (the committed text, '' when there is none) is already `after`. Otherwise, with
 * --check on the command line, exits 1 naming `shown` and the npm script that rewrites it; without,
 * writes `after` to `file` and prints `shown: summary`.
 */
export function writeOrCheck({ file, shown, before, after, script, summary }) {
  if (before === after) return;
  if (process.argv.includes('--check')) {
    console.error(`${shown} is out of date; run npm run ${script}`);
    process.exit(1);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, after);
  console.log(`${shown}: ${summary}`);
}
