// Settings are declared once, in server/src/settings.ts; package.json's contributes.configuration must say
// exactly the same, or VS Code would offer settings the server ignores (or hide ones it reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type SettingDecl } from '../../server/src/settings';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** What package.json should hold for one setting: the declaration minus its key, absent fields omitted. */
function contribution(s: SettingDecl): Record<string, unknown> {
  const out: Record<string, unknown> = { type: s.type, default: s.default };
  if (s.enum !== undefined) out.enum = s.enum;
  out.description = s.description;
  if (s.scope !== undefined) out.scope = s.scope;
  return out;
}

const expected = Object.fromEntries(SETTINGS.map((s) => [s.key, contribution(s)]));
const hint = `\ncontributes.configuration.properties should be:\n${JSON.stringify(expected, null, 2)}`;

test('contributes.configuration is titled "Tenant Policy"', () => {
  assert.equal(pkg.contributes?.configuration?.title, 'Tenant Policy');
});

test('contributes.configuration declares exactly the settings of server/src/settings.ts', () => {
  assert.deepStrictEqual(pkg.contributes?.configuration?.properties, expected, hint);
});

test('the settings appear in the order they are declared', () => {
  assert.deepEqual(Object.keys(pkg.contributes.configuration.properties), SETTINGS.map((s) => s.key), hint);
});

test('every setting is under tenantPolicy.* and its default fits its type and enum', () => {
  for (const s of SETTINGS) {
    assert.match(s.key, /^tenantPolicy\.[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)*$/, s.key);
    const actual = Array.isArray(s.default) ? 'array' : s.default === null ? 'null' : typeof s.default;
    assert.equal(actual, s.type, `${s.key}: default is ${actual}`);
    if (s.enum) assert.ok(s.enum.includes(s.default as string), `${s.key}: default not in enum`);
  }
});

test('the comparison notices a changed default', () => {
  const changed = structuredClone(expected);
  (changed['tenantPolicy.enable'] as { default: unknown }).default = false;
  assert.throws(() => assert.deepStrictEqual(pkg.contributes.configuration.properties, changed));
});
