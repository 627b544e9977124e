// Compiles every generated schema with ajv (as the language server does) and validates the table-driven YAML
// fixtures in test/schemas/fixtures/<group>_<version>_<kind>[.cilium-<v>]/{valid,invalid}/*.yaml.
// Fixtures of `<group>_<version>_<kind>/` apply to every variant of that kind (both Cilium versions); a
// `.cilium-1.18` / `.cilium-1.20` folder only to that version. Each invalid fixture starts with one or more
// `# expect: <ajv keyword> at <instancePath>` lines (`at ""` for the root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { SCHEMAS, FORMATS, type SchemaEntry } from '../../schemas/index';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats ajv-formats does not know (int-or-string, cidr, idn-hostname): accept any value.
  for (const f of FORMATS) if (!(f in ajv.formats)) ajv.addFormat(f, true);
  return ajv;
}

function fixtureDirs(e: SchemaEntry): string[] {
  const [group, version] = e.apiVersion.includes('/') ? e.apiVersion.split('/') : ['core', e.apiVersion];
  const base = `${group}_${version}_${e.kind.toLowerCase()}`;
  const dirs = [base];
  if (e.ciliumVersion) dirs.push(`${base}.cilium-${e.ciliumVersion}`);
  return dirs.map((d) => path.join(FIXTURES, d)).filter((d) => fs.existsSync(d));
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

interface Expectation {
  keyword: string;
  instancePath: string;
}

function expectations(text: string, file: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s*expect:\s*(\S+)\s+at\s+(.*?)\s*$/.exec(line);
    if (!m) break;
    const at = m[2] === '""' ? '' : m[2];
    out.push({ keyword: m[1], instancePath: at });
  }
  assert.ok(out.length > 0, `${file}: the first line must be "# expect: <keyword> at <instancePath>"`);
  return out;
}

const fmt = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `  ${e.keyword} at ${JSON.stringify(e.instancePath)}: ${e.message}`).join('\n');

const rel = (f: string) => path.relative(FIXTURES, f);

const compileTimes: string[] = [];

for (const entry of SCHEMAS) {
  const name = `${entry.apiVersion} ${entry.kind}${entry.ciliumVersion ? ` (Cilium ${entry.ciliumVersion})` : ''}`;
  test(name, async (t) => {
    const ajv = newAjv();
    const started = performance.now();
    const validate: ValidateFunction = ajv.compile(entry.schema);
    compileTimes.push(`${entry.file}: ${(performance.now() - started).toFixed(0)} ms`);

    const dirs = fixtureDirs(entry);
    const valid = dirs.flatMap((d) => yamlFiles(path.join(d, 'valid')));
    const invalid = dirs.flatMap((d) => yamlFiles(path.join(d, 'invalid')));
    assert.ok(valid.length > 0, `${name}: no valid fixture`);
    assert.ok(invalid.length > 0, `${name}: no invalid fixture`);

    for (const file of valid) {
      await t.test(`valid: ${rel(file)}`, () => {
        const doc = parse(fs.readFileSync(file, 'utf8'));
        assert.equal(doc.apiVersion, entry.apiVersion, `${rel(file)}: apiVersion`);
        assert.equal(doc.kind, entry.kind, `${rel(file)}: kind`);
        const ok = validate(doc);
        assert.ok(ok, `${rel(file)} should be valid, got:\n${fmt(validate.errors)}`);
      });
    }
    for (const file of invalid) {
      await t.test(`invalid: ${rel(file)}`, () => {
        const text = fs.readFileSync(file, 'utf8');
        const doc = parse(text);
        assert.equal(doc.kind, entry.kind, `${rel(file)}: kind`);
        const ok = validate(doc);
        assert.equal(ok, false, `${rel(file)} should be invalid`);
        for (const exp of expectations(text, rel(file))) {
          const hit = (validate.errors ?? []).some((e) => e.keyword === exp.keyword && e.instancePath === exp.instancePath);
          assert.ok(hit, `${rel(file)}: expected ${exp.keyword} at ${JSON.stringify(exp.instancePath)}, got:\n${fmt(validate.errors)}`);
        }
      });
    }
  });
}

test('every fixture folder belongs to a generated kind', () => {
  const known = new Set(SCHEMAS.flatMap((e) => fixtureDirs(e).map((d) => path.basename(d))));
  for (const d of fs.readdirSync(FIXTURES)) assert.ok(known.has(d), `fixtures/${d} matches no schema in SCHEMAS`);
});

test('pathological input is rejected fast (no catastrophic regex backtracking)', () => {
  const ajv = newAjv();
  for (const entry of SCHEMAS.filter((e) => e.ciliumVersion)) {
    const validate = ajv.compile(entry.schema);
    const name = 'a-'.repeat(40) + 'b.example.com:443';
    const doc = {
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      metadata: { name: 'x', namespace: 'y' },
      spec: {
        endpointSelector: {},
        egress: [
          {
            toFQDNs: [{ matchName: name }, { matchPattern: '*.' + name }],
            toPorts: [{ ports: [{ port: '53' }], rules: { dns: [{ matchName: name }, { matchPattern: name }] } }],
          },
        ],
      },
    };
    // With the upstream (exponential) pattern, 40 repetitions take hours; linear ones take well under a
    // millisecond. The bound only separates the two, so a loaded CI machine cannot make it flaky.
    const started = performance.now();
    assert.equal(validate(doc), false);
    const ms = performance.now() - started;
    assert.ok(ms < 5_000, `${entry.file}: validation took ${ms.toFixed(0)} ms`);
  }
});

test('compile times', () => {
  // Printed for information (the language server compiles lazily, on first use of a kind).
  if (process.env.TENANT_POLICY_PRINT_TIMES) console.log(compileTimes.join('\n'));
  assert.equal(compileTimes.length, SCHEMAS.length);
});
