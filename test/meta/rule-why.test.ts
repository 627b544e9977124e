// The hover explains a diagnostic with its rule page's "Why it matters": server/src/generated/rule-why.ts
// must be what scripts/rule-why.ts makes of docs/rules/*.md (npm run docs:rules writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { RULE_WHY } from '../../server/src/generated/rule-why';
import { GENERATED_PATH, ruleWhyModule, whyOf } from '../../scripts/rule-why';

const root = join(__dirname, '..', '..');
const DOCS = join(root, 'docs', 'rules');

function pages(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(DOCS)) if (name.endsWith('.md') && name !== 'README.md') out.set(name.slice(0, -3), readFileSync(join(DOCS, name), 'utf8'));
  return out;
}

test('server/src/generated/rule-why.ts is up to date with docs/rules (npm run docs:rules)', () => {
  const committed = readFileSync(join(root, GENERATED_PATH), 'utf8');
  assert.ok(committed === ruleWhyModule(pages()), `${GENERATED_PATH} is out of date: run npm run docs:rules`);
});

test('every rule of the catalogue has a why', () => {
  for (const r of RULES) assert.ok(RULE_WHY[r.id]?.length > 40, `${r.id}: docs/rules/${r.id}.md needs a "## Why it matters" paragraph`);
});

test('the bundled why is the page text, read back independently of the generator', () => {
  const page = readFileSync(join(DOCS, 'dns-egress-missing.md'), 'utf8');
  const section = page.slice(page.indexOf('## Why it matters\n') + '## Why it matters\n'.length).trim();
  const firstParagraph = section.slice(0, section.indexOf('\n\n')).replace(/\n/g, ' ');
  assert.equal(RULE_WHY['dns-egress-missing'], firstParagraph);
  // The second paragraph (severity rationale) is not part of it.
  assert.doesNotMatch(RULE_WHY['dns-egress-missing'], /Why a warning/);
});

test('whyOf: first paragraph, the list a colon introduces, markdown and absolute links', () => {
  const page = [
    '# x', '', '## Why it matters', '', 'Owners can', 'set `team` — see [the other rule](other-rule.md#fix) and', '[YAML](https://yaml.org/):', '',
    '- one', '  continued', '- two', '', 'Second paragraph.', '', '## How to fix', '', 'Do it.',
  ].join('\r\n');
  const why = whyOf(page)!;
  assert.equal(why.split('\n\n')[0], 'Owners can set `team` — see [the other rule](https://github.com/tenant-policy/tenant-policy/blob/main/docs/rules/other-rule.md#fix) and [YAML](https://yaml.org/):');
  assert.equal(why.split('\n\n')[1], '- one\n  continued\n- two');
  assert.doesNotMatch(why, /Second paragraph/);
  // No section, an empty section, a section at the end of the file.
  assert.equal(whyOf('# x\n\n## How to fix\n\nDo it.\n'), undefined);
  assert.equal(whyOf('## Why it matters\n\n## How to fix\n'), undefined);
  assert.equal(whyOf('## Why it matters\nOne line.'), 'One line.');
  // A paragraph not ending with a colon takes no following list.
  assert.equal(whyOf('## Why it matters\n\nIt hurts.\n\n- a\n'), 'It hurts.');
});

test('the generated module holds hostile text as data', () => {
  const mod = ruleWhyModule(new Map([['b', '## Why it matters\n\nQuote " and `tick` and ${x} and \\ and */.\n'], ['a', '# no why\n']]));
  assert.doesNotMatch(mod, /"a":/);
  const line = mod.split('\n').find((l) => l.startsWith('  "b":'))!;
  assert.equal(JSON.parse(line.slice('  "b": '.length, -1)), 'Quote " and `tick` and ${x} and \\ and */.');
});
