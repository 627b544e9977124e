// The official SARIF 2.1.0 schema (vendored in test/fixtures/sarif-2.1.0, see its README) as an ajv
// validator, for every test that checks `check --format sarif` output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ROOT } from './run';

const SCHEMA_FILE = join(ROOT, 'test', 'fixtures', 'sarif-2.1.0', 'sarif-schema-2.1.0.json');

/**
 * The vendored file is byte for byte the upstream one, which has two defects ajv rejects (see the
 * README): `anyOf` sits inside `region.properties`, and two `pattern`s use the inline flag `(?i)`,
 * which JavaScript regular expressions lack. Both are corrected here, in memory, to what they mean.
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const region = schema.definitions.region;
  assert.ok(Array.isArray(region.properties.anyOf), 'upstream defect 1 still present (else drop this correction)');
  region.anyOf = region.properties.anyOf;
  delete region.properties.anyOf;
  const language = '^(?i)[a-zA]{2}(-[a-z]{2})?$';
  for (const def of [schema.definitions.run, schema.definitions.toolComponent]) {
    assert.equal(def.properties.language.pattern, language, 'upstream defect 2 still present (else drop this correction)');
    def.properties.language.pattern = '^[a-zA-Z]{2}(-[a-zA-Z]{2})?$';
  }
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

let compiled: ReturnType<typeof sarifValidator> | undefined;

/** Fails with ajv's errors unless `log` (a parsed `check --format sarif` output) is valid SARIF 2.1.0. */
export function assertValidSarif(log: unknown): void {
  compiled ??= sarifValidator();
  // Through a cast: ajv's type guard would otherwise narrow the parsed log to `unknown`.
  assert.ok(compiled(log as object), JSON.stringify(compiled.errors, null, 2));
}
