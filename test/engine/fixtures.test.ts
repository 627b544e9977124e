// Every fixture under test/engine/fixtures/<code>/{trigger,clean}/*.yaml, checked against its markers
// (see check.ts). A trigger fixture must mark at least one finding of its code; a clean one none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { checkFixture } from './check';

const root = join(__dirname, 'fixtures');
const codes = new Set(RULES.map((r) => r.id));

for (const code of readdirSync(root).sort()) {
  if (!statSync(join(root, code)).isDirectory()) continue;
  test(`fixtures/${code} is a rule id`, () => assert.ok(codes.has(code), `${code} is not in the catalog`));
  for (const kind of ['trigger', 'clean'] as const) {
    const dir = join(root, code, kind);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('.expected.yaml')).sort()) {
      test(`${code}/${kind}/${file}`, () => {
        const text = readFileSync(join(dir, file), 'utf8');
        const { expected } = checkFixture(text, `${code}/${kind}/${file}`, { dir, rule: code });
        const own = expected.filter((e) => e.ruleId === code);
        if (kind === 'trigger') assert.ok(own.length > 0, `a trigger fixture marks at least one ${code} finding`);
        else assert.equal(own.length, 0, `a clean fixture marks no ${code} finding`);
      });
    }
  }
}
