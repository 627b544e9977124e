// Every diagnostic code has a documentation page (linked from codeDescription) and fixtures that show
// when it fires and when it does not. Codes that YAML text cannot trigger name the test that covers them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';

const root = join(__dirname, '..', '..');

/** Codes that cannot come from a YAML fixture, and the test file that covers each. */
const NOT_FROM_TEXT: Record<string, string> = {
  'invalid-encoding': 'test/cli/check.test.ts',
  'file-too-large': 'test/parse/limits.test.ts',
  config: 'test/config/config.test.ts',
  // Findings of the workspace model (Capsule expansion), checked with its own marker harness.
  'capsule-not-modelled': 'test/model/rules.test.ts',
  // Findings of the workspace model (Cilium policies), checked on their nodes by the Cilium tests.
  'cilium-not-modelled': 'test/cilium/model.test.ts',
  'cilium-namespace-label-peer': 'test/cilium/effect.test.ts',
};

test('rule ids are unique kebab-case', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

for (const rule of RULES) {
  test(`${rule.id}: has docs/rules/${rule.id}.md with what, why and how to fix`, () => {
    const page = join(root, 'docs', 'rules', `${rule.id}.md`);
    assert.ok(existsSync(page), `missing ${page}`);
    const text = readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# .*${rule.id.replace(/-/g, '\\-')}`, 'm'), 'the page title names the code');
    assert.ok(text.length > 400, 'the page says more than a line');
  });

  test(`${rule.id}: has fixtures that trigger it and fixtures that do not`, () => {
    const covering = NOT_FROM_TEXT[rule.id];
    if (covering) {
      assert.ok(existsSync(join(root, covering)), `${covering} covers ${rule.id}`);
      assert.ok(readFileSync(join(root, covering), 'utf8').includes(rule.id), `${covering} mentions ${rule.id}`);
      return;
    }
    const dir = join(root, 'test', 'engine', 'fixtures', rule.id);
    for (const sub of ['trigger', 'clean']) {
      const d = join(dir, sub);
      assert.ok(existsSync(d) && readdirSync(d).some((f) => /\.ya?ml$/.test(f)), `missing YAML fixtures in ${d}`);
    }
  });
}
