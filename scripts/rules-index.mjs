#!/usr/bin/env node
// Rewrites the rules table of docs/rules/README.md from the catalogue (server/src/engine/rules/catalog.ts).
//   node scripts/rules-index.mjs           write the file
//   node scripts/rules-index.mjs --check   exit 1 when the file is out of date (test/meta/rules-index.test.ts does the same)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const file = fileURLToPath(new URL('../docs/rules/README.md', import.meta.url));
const { RULES } = await tsImport('../server/src/engine/rules/catalog.ts', import.meta.url);
const { withRulesTable } = await tsImport('./rules-sync.ts', import.meta.url);

const before = readFileSync(file, 'utf8');
const after = withRulesTable(before, RULES);
if (process.argv.includes('--check')) {
  if (before !== after) {
    console.error('docs/rules/README.md is out of date; run npm run docs:rules');
    process.exit(1);
  }
} else if (before !== after) {
  writeFileSync(file, after);
  console.log(`docs/rules/README.md: ${RULES.length} rules`);
}
