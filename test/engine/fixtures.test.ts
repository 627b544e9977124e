// Every fixture under test/engine/fixtures/<code>/{trigger,clean}/*.yaml, checked against its markers
// (see check.ts). A trigger fixture must mark at least one finding of its code; a clean one none.
// A subfolder of trigger/ or clean/ groups fixtures that share a configuration (its own
// `.tenant-policy.yaml`), e.g. a cluster whose DNS runs elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/engine';
import { checkFixture } from './check';

const root = join(__dirname, 'fixtures');
const codes = new Set(RULES.map((r) => r.id));

/** The fixture files of a folder and of its direct subfolders, as [folder, file name]. */
function fixtureFiles(dir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      for (const sub of readdirSync(p).sort()) if (isFixture(sub)) out.push([p, sub]);
    } else if (isFixture(name)) out.push([dir, name]);
  }
  return out;
}

function isFixture(name: string): boolean {
  return /\.ya?ml$/.test(name) && !name.endsWith('.expected.yaml') && !name.startsWith('.');
}

for (const code of readdirSync(root).sort()) {
  if (!statSync(join(root, code)).isDirectory()) continue;
  test(`fixtures/${code} is a rule id`, () => assert.ok(codes.has(code), `${code} is not in the catalog`));
  for (const kind of ['trigger', 'clean'] as const) {
    const dir = join(root, code, kind);
    if (!existsSync(dir)) continue;
    for (const [folder, file] of fixtureFiles(dir)) {
      const label = `${code}/${kind}/${folder === dir ? '' : `${folder.slice(dir.length + 1)}/`}${file}`;
      test(label, () => {
        const text = readFileSync(join(folder, file), 'utf8');
        const { expected } = checkFixture(text, label, { dir: folder, rule: code });
        const own = expected.filter((e) => e.ruleId === code);
        if (kind === 'trigger') assert.ok(own.length > 0, `a trigger fixture marks at least one ${code} finding`);
        else assert.equal(own.length, 0, `a clean fixture marks no ${code} finding`);
      });
    }
  }
}
