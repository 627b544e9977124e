// Fixtures for the findings the workspace model makes, which Engine.analyzeFile alone cannot produce:
// test/model/fixtures/rules/<code>/{trigger,clean}/*.yaml, checked with the marker harness of
// check-workspace.ts. test/meta/catalogue.test.ts points its NOT_FROM_TEXT entries for these codes here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { checkWorkspaceFixture } from './check-workspace';

/** The codes only the workspace model reports. */
export const MODEL_CODES = ['capsule-not-modelled'] as const;

const root = join(__dirname, 'fixtures', 'rules');

for (const code of MODEL_CODES) {
  test(`${code} is in the rule catalogue`, () => assert.ok(RULES.some((r) => r.id === code)));
  for (const kind of ['trigger', 'clean'] as const) {
    const dir = join(root, code, kind);
    test(`${code}/${kind} has fixtures`, () => {
      assert.ok(existsSync(dir) && readdirSync(dir).some((f) => /\.ya?ml$/.test(f)), `missing YAML fixtures in ${dir}`);
    });
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      test(`${code}/${kind}/${file}`, () => {
        const { expected } = checkWorkspaceFixture(readFileSync(join(dir, file), 'utf8'), `${code}/${kind}/${file}`);
        const own = expected.filter((e) => e.ruleId === code);
        if (kind === 'trigger') assert.ok(own.length > 0, `a trigger fixture marks at least one ${code} finding`);
        else assert.equal(own.length, 0, `a clean fixture marks no ${code} finding`);
      });
    }
  }
}
