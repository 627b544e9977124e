#!/usr/bin/env node
// Rewrites properties.rules.properties of schemas/config/tenant-policy-config.schema.json from the rule
// catalogue (server/src/engine/rules/catalog.ts): one entry per rule id, none for ids that are gone. The
// rest of the schema is written by hand and kept as it is.
//   node scripts/sync-config-schema.mjs           write the file
//   node scripts/sync-config-schema.mjs --check   exit 1 when the file is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const file = fileURLToPath(new URL('../schemas/config/tenant-policy-config.schema.json', import.meta.url));
const { RULES } = await tsImport('../server/src/engine/rules/catalog.ts', import.meta.url);
const { withConfigRules } = await tsImport('./rules-sync.ts', import.meta.url);

const before = readFileSync(file, 'utf8');
const after = withConfigRules(before, RULES);
if (process.argv.includes('--check')) {
  if (before !== after) {
    console.error('schemas/config/tenant-policy-config.schema.json is out of date; run npm run schemas:config');
    process.exit(1);
  }
} else if (before !== after) {
  writeFileSync(file, after);
  console.log(`schemas/config/tenant-policy-config.schema.json: ${RULES.length} rule ids`);
}
