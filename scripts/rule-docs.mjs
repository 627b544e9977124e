#!/usr/bin/env node
// Writes server/src/generated/rule-why.ts (what the hover says about a diagnostic) from docs/rules/*.md.
//   node scripts/rule-docs.mjs           write the file
//   node scripts/rule-docs.mjs --check   exit 1 when the file is out of date (test/meta/rule-why.test.ts does the same)
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { writeOrCheck } from './write-or-check.mjs';

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
writeOrCheck({ file, shown: GENERATED_PATH, before, after, script: 'docs:rules', summary: `${pages.size} rule pages` });
