// The engine is shared by the server, the CLI and the tests; it must not depend on an editor, a
// protocol or the file system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const engineDir = join(root, 'server', 'src', 'engine');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN = /^(vscode|vscode-.*|node:.*|fs|path|os|child_process|url|util|stream|events|crypto|http|https|net|process)(\/.*)?$/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

test('the engine imports no vscode*, no LSP package and no node:* module', () => {
  const offenders: string[] = [];
  const list = files(engineDir);
  assert.ok(list.length > 5, 'engine sources found');
  for (const f of list) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (FORBIDDEN.test(spec)) offenders.push(`${relative(root, f)}: ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the purity check recognises forbidden imports', () => {
  const sample = "import { readFileSync } from 'node:fs';\nconst x = require('vscode-languageserver');\n";
  const found = [...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2]).filter((s) => FORBIDDEN.test(s));
  assert.deepEqual(found, ['node:fs', 'vscode-languageserver']);
});
