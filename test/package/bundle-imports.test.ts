// The scanner vsix.test.ts uses to prove the bundles load nothing from node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBuiltin, requiredModules } from './bundle-imports';

test('requiredModules finds literal require() and import(), and counts computed ones', () => {
  const found = requiredModules('a=require("vscode");b=require("node:fs");c=import("yaml");d=require(x);e=obj.require2("z")');
  assert.deepEqual([...found.literal], ['vscode', 'node:fs', 'yaml']);
  assert.equal(found.dynamic, 1);
});

test('requiredModules ignores code kept in strings and methods named require', () => {
  const bundle = `x.code='require("ajv/dist/runtime/equal").default';y=_\`require("ajv-formats").\${s}\`;z=m.require("q");w=(0,require("os"))`;
  assert.deepEqual([...requiredModules(bundle).literal], ['os']);
});

test('isBuiltin knows Node built-ins with and without the node: prefix', () => {
  assert.deepEqual(['fs', 'node:fs', 'fs/promises', 'child_process', 'vscode', 'yaml'].map(isBuiltin), [true, true, true, true, false, false]);
});
