#!/usr/bin/env node
// Writes server/src/generated/rule-why.ts (what the hover says about a diagnostic) from docs/rules/*.md.
//   node scripts/rule-docs.mjs           write the file
//   node scripts/rule-docs.mjs --check   exit 1 when the file is out of date (test/meta/rule-why.test.ts does the same)
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const docs = fileURLToPath(new URL('../docs/rules/', import.meta.url));
const { ruleWhyModule, GENERATED_PATH } = await tsImport('./rule-why.ts', import.meta.url);
const file = fileURLToPath(new URL(`../${GENERATED_PATH}`, import.meta.url));

const pages = new Map();
for (const name of readdirSync(docs)) {
  if (!name.endsWith('.md') || name === 'README.md') continue;
  pages.set(name.slice(0, -3), readFileSync(docs + name, 'utf8'));
}
const after = ruleWhyModule(pages);
let before = '';
try {
  before = readFileSync(file, 'utf8');
} catch {
  // Not generated yet.
}
if (process.argv.includes('--check')) {
  if (before !== after) {
    console.error(`${GENERATED_PATH} is out of date; run npm run docs:rules`);
    process.exit(1);
  }
} else if (before !== after) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, after);
  console.log(`${GENERATED_PATH}: ${pages.size} rule pages`);
}
