// What the rule catalogue (server/src/engine/rules/catalog.ts) decides outside the code: the table of
// docs/rules/README.md and the `rules` properties of the configuration schema. The tests compare the
// committed files with these functions' output; `npm run docs:rules` and `npm run schemas:config`
// (scripts/rules-index.mjs, scripts/sync-config-schema.mjs) write it, so a new rule needs no hand edits.
import type { RuleCategory, RuleMeta } from '../server/src/engine/rules/catalog';
import { ruleDocUrl } from '../server/src/links';

export const TABLE_BEGIN = '<!-- rules-index:begin — generated from server/src/engine/rules/catalog.ts by `npm run docs:rules`; edit the catalogue, not this table -->';
export const TABLE_END = '<!-- rules-index:end -->';

/** The table's order: how a reader meets the problems, from unreadable files to isolation. */
const CATEGORY_ORDER: readonly RuleCategory[] = ['syntax', 'input', 'schema', 'kubernetes', 'capsule', 'isolation'];

/** One row per rule, grouped by category (catalogue order within a category). */
export function rulesTable(rules: readonly RuleMeta[]): string {
  const rank = (c: RuleCategory) => {
    const i = CATEGORY_ORDER.indexOf(c);
    return i === -1 ? CATEGORY_ORDER.length : i;
  };
  const ordered = rules.map((rule, index) => ({ rule, index })).sort((a, b) => rank(a.rule.category) - rank(b.rule.category) || a.index - b.index);
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  const rows = ordered.map(({ rule: r }) => `| [\`${r.id}\`](${r.id}.md) | ${r.defaultSeverity} | ${r.category} | ${r.hasFix ? 'yes' : 'no'} | ${cell(r.title)} |`);
  return ['| rule | default severity | category | quick fix | what it reports |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README with its generated table replaced; the text around the markers is kept as written. */
export function withRulesTable(readme: string, rules: readonly RuleMeta[]): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`docs/rules/README.md needs the lines ${TABLE_BEGIN} and ${TABLE_END} around the table`);
  return `${readme.slice(0, begin)}${TABLE_BEGIN}\n${rulesTable(rules)}\n${readme.slice(end)}`;
}

export interface SchemaRuleProperty {
  description: string;
  markdownDescription: string;
  $ref: string;
}

/** `properties.rules.properties` of schemas/config/tenant-policy-config.schema.json, in catalogue order. */
export function configRuleProperties(rules: readonly RuleMeta[]): Record<string, SchemaRuleProperty> {
  return Object.fromEntries(rules.map((r) => [r.id, {
    description: `${r.title} Default: ${r.defaultSeverity}.`,
    markdownDescription: `${r.title} Default: \`${r.defaultSeverity}\`. [Documentation](${ruleDocUrl(r.id)})`,
    $ref: '#/definitions/severity',
  }]));
}

/** The schema's JSON text with its rule properties rewritten from the catalogue (2-space JSON, final newline). */
export function withConfigRules(schemaText: string, rules: readonly RuleMeta[]): string {
  const schema = JSON.parse(schemaText) as { properties: { rules: { properties: Record<string, unknown> } } };
  schema.properties.rules.properties = configRuleProperties(rules);
  return `${JSON.stringify(schema, null, 2)}\n`;
}
