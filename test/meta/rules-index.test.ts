// The rule catalogue is the one source of docs/rules/README.md's table and of the rule ids in the
// configuration schema: both files must be what scripts/rules-sync.ts makes of it. On a mismatch the
// test prints what to commit, and `npm run docs:rules` / `npm run schemas:config` write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { TABLE_BEGIN, TABLE_END, rulesTable, withConfigRules, withRulesTable } from '../../scripts/rules-sync';

const root = join(__dirname, '..', '..');
const README = join(root, 'docs', 'rules', 'README.md');
const SCHEMA = join(root, 'schemas', 'config', 'tenant-policy-config.schema.json');

test('docs/rules/README.md has the table the catalogue makes (npm run docs:rules)', () => {
  const text = readFileSync(README, 'utf8');
  const expected = withRulesTable(text, RULES);
  assert.ok(text === expected, `docs/rules/README.md is out of date: run npm run docs:rules, or put this between the markers:\n\n${rulesTable(RULES)}\n`);
});

test('the README keeps its own text around the generated table', () => {
  const text = readFileSync(README, 'utf8');
  assert.match(text, /^# Rules\n\nEvery diagnostic tenant-policy reports carries a code/);
  assert.equal(text.split(TABLE_BEGIN).length, 2, 'one begin marker');
  assert.equal(text.split(TABLE_END).length, 2, 'one end marker');
  for (const section of ['## Changing severities', '## Gating CI', '## Silencing one place']) assert.ok(text.includes(`\n${section}\n`), section);
});

/** The committed table read back as data, so a wrong generator cannot pass by agreeing with itself. */
function rowsOf(text: string): Map<string, { link: string; severity: string; category: string; fix: string; title: string }> {
  const table = text.slice(text.indexOf(TABLE_BEGIN), text.indexOf(TABLE_END));
  const rows = new Map<string, { link: string; severity: string; category: string; fix: string; title: string }>();
  for (const line of table.split('\n')) {
    const m = /^\| \[`([a-z0-9-]+)`\]\(([^)]+)\) \| (\w+) \| (\w+) \| (yes|no) \| (.*) \|$/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]), `${m[1]} has one row`);
    rows.set(m[1], { link: m[2], severity: m[3], category: m[4], fix: m[5], title: m[6].replace(/\\\|/g, '|') });
  }
  return rows;
}

test('every rule has one row: its page, default severity, category, quick fix and title', () => {
  const rows = rowsOf(readFileSync(README, 'utf8'));
  assert.deepEqual([...rows.keys()].sort(), RULES.map((r) => r.id).sort());
  for (const r of RULES) {
    const row = rows.get(r.id)!;
    assert.deepEqual(row, { link: `${r.id}.md`, severity: r.defaultSeverity, category: r.category, fix: r.hasFix ? 'yes' : 'no', title: r.title }, r.id);
  }
});

test('the table groups rules by category, from input problems to isolation', () => {
  const order = [...rowsOf(readFileSync(README, 'utf8')).values()].map((r) => r.category);
  const firstSeen = order.filter((c, i) => order.indexOf(c) === i);
  // Each category is one run of rows.
  assert.deepEqual(order, firstSeen.flatMap((c) => order.filter((x) => x === c)));
  assert.equal(firstSeen[0], 'syntax');
  assert.equal(firstSeen[firstSeen.length - 1], 'isolation');
});

test('the configuration schema lists the catalogue rules as scripts/sync-config-schema.mjs writes them', () => {
  const text = readFileSync(SCHEMA, 'utf8');
  const expected = withConfigRules(text, RULES);
  assert.ok(text === expected, 'schemas/config/tenant-policy-config.schema.json is out of date: run npm run schemas:config');
});

test('the schema rewrite changes only the rule properties', () => {
  const text = readFileSync(SCHEMA, 'utf8');
  const before = JSON.parse(text);
  const after = JSON.parse(withConfigRules(text, [RULES[0]]));
  assert.deepEqual(Object.keys(after.properties.rules.properties), [RULES[0].id]);
  after.properties.rules.properties = before.properties.rules.properties;
  assert.deepEqual(after, before);
});
