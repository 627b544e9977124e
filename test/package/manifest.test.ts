// package.json as VS Code and the Marketplace read it: entry point, activation, contributions, icon.
// These checks need no build; vsix.test.ts checks the packaged result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { COMMANDS } from '../../client/src/commands';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('main is the client bundle esbuild writes', async () => {
  // @ts-expect-error: a plain .mjs module without type declarations.
  const { BUNDLES } = await import('../../build.config.mjs');
  assert.equal(pkg.main, `./${BUNDLES.client.outfile}`);
  assert.deepEqual(BUNDLES.client.entryPoints, ['client/src/extension.ts']);
  assert.deepEqual(BUNDLES.client.external, ['vscode']);
});

test('activates on YAML files and in workspaces with a .tenant-policy.yaml', () => {
  assert.deepEqual(pkg.activationEvents, ['onLanguage:yaml', 'workspaceContains:**/.tenant-policy.yaml', 'onWebviewPanel:tenantPolicy.preview']);
});

test('targets VS Code 1.82, what vscode-languageclient 9 and @types/vscode require', () => {
  assert.equal(pkg.engines.vscode, '^1.82.0');
  const types = JSON.parse(readFileSync(join(root, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8'));
  // vsce refuses to package when @types/vscode is newer than the engine.
  assert.ok(types.version.startsWith('1.82.'), `@types/vscode ${types.version}`);
});

test('contributes the commands the client registers, in the Tenant Policy category', () => {
  const contributed = pkg.contributes.commands as { command: string; title: string; category: string }[];
  assert.deepEqual(contributed.map((c) => c.command).sort(), Object.keys(COMMANDS).sort());
  for (const c of contributed) {
    assert.match(c.command, /^tenantPolicy\.[a-z][A-Za-z]*$/);
    assert.equal(c.category, 'Tenant Policy', c.command);
    assert.ok(c.title.length > 0, c.command);
  }
});

test('leaves .yaml and Kubernetes schemas to Red Hat YAML: no languages, grammars or other schemas', () => {
  for (const key of ['languages', 'grammars', 'jsonValidation']) {
    assert.equal(pkg.contributes[key], undefined, `contributes.${key}`);
  }
  // Only our own project file gets a schema; a schema for Kubernetes kinds would change how Red Hat's
  // extension validates every manifest.
  assert.deepEqual(pkg.contributes.yamlValidation, [
    { fileMatch: '.tenant-policy.yaml', url: './schemas/config/tenant-policy-config.schema.json' },
  ]);
});

test('names the repository, so vsce packages without prompting', () => {
  assert.deepEqual(pkg.repository, { type: 'git', url: 'https://github.com/tenant-policy/tenant-policy' });
  assert.equal(pkg.license, 'Apache-2.0');
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
});

test('the icon is a 128×128 PNG', () => {
  assert.equal(pkg.icon, 'images/icon.png');
  const png = readFileSync(join(root, pkg.icon));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

/** The image data of a PNG: its IDAT chunks, inflated. Compressed bytes may differ between zlib versions. */
function pngPixels(png: Buffer): Buffer {
  const idat: Buffer[] = [];
  for (let p = 8; p < png.length; ) {
    const length = png.readUInt32BE(p);
    if (png.toString('latin1', p + 4, p + 8) === 'IDAT') idat.push(png.subarray(p + 8, p + 8 + length));
    p += 12 + length;
  }
  return inflateSync(Buffer.concat(idat));
}

test('images/icon.png is what scripts/make-icon.mjs draws', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-policy-icon-'));
  try {
    const out = join(dir, 'icon.png');
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'make-icon.mjs'), out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(pngPixels(readFileSync(out)).equals(pngPixels(readFileSync(join(root, 'images', 'icon.png')))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.vscodeignore is an allow-list: everything out, then named files back in', () => {
  const lines = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**');
  assert.ok(lines.slice(1).every((l) => l.startsWith('!')), lines.join('\n'));
  assert.ok(existsSync(join(root, 'CHANGELOG.md')));
});
