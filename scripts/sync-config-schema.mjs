#!/usr/bin/env node
// Rewrites properties.rules.properties of schemas/config/tenant-policy-config.schema.json from the rule
// catalogue (server/src/engine/rules/catalog.ts): one entry per rule id, none for ids that are gone. The
// rest of the schema is written by hand and kept as it is.
//   node scripts/sync-config-schema.mjs           write the file
//   node scripts/sync-config-schema.mjs --check   exit 1 when the file is out of date
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { writeOrCheck } from './write-or-check.mjs';

const file = fileURLToPath(new URL('../schemas/config/tenant-policy-config.schema.json', import.meta.url));
const { RULES } = await tsImport('../server/src/engine/rules/catalog.ts', import.meta.url);
const { withConfigRules } = await tsImport('./rules-sync.ts', import.meta.url);

const before = readFileSync(file, 'utf8');
const after = withConfigRules(before, RULES);
writeOrCheck({ file, shown: 'schemas/config/tenant-policy-config.schema.json', before, after, script: 'schemas:config', summary: `${RULES.length} rule ids` });
