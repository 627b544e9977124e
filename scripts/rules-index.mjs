#!/usr/bin/env node
// Rewrites the rules table of docs/rules/README.md from the catalogue (server/src/engine/rules/catalog.ts).
//   node scripts/rules-index.mjs           write the file
//   node scripts/rules-index.mjs --check   exit 1 when the file is out of date (test/meta/rules-index.test.ts does the same)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { writeOrCheck } from './write-or-check.mjs';

const file = fileURLToPath(new URL('../docs/rules/README.md', import.meta.url));
const { RULES } = await tsImport('../server/src/engine/rules/catalog.ts', import.meta.url);
const { withRulesTable } = await tsImport('./rules-sync.ts', import.meta.url);

const before = readFileSync(file, 'utf8');
const after = withRulesTable(before, RULES);
writeOrCheck({ file, shown: 'docs/rules/README.md', before, after, script: 'docs:rules', summary: `${RULES.length} rules` });
