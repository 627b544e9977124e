// The editor schema for `.tenant-policy.yaml` (schemas/config/tenant-policy-config.schema.json) and the
// parser must agree: Red Hat YAML users see the schema's verdict, the CLI and the server the parser's.
// Each fixture the parser accepts must validate; each it rejects must not, unless its header says
// `# schema: valid (why)` (a check JSON Schema cannot express) or `# schema: skip (why)` (not YAML).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CONFIG, RULES, parseConfig } from '../../server/src/engine';
import schema from '../../schemas/config/tenant-policy-config.schema.json';
import { configFixtures } from './support';

function compile(): ValidateFunction {
  // strictRequired would insist that `oneOf: [{required: [tenant]}, …]` repeat the properties it picks between.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  // Keywords VS Code and Red Hat YAML read for hovers and completion.
  ajv.addVocabulary(['markdownDescription', 'enumDescriptions', 'defaultSnippets']);
  return ajv.compile(schema);
}

test('the schema is valid draft-07, in strict mode', () => {
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.doesNotThrow(compile);
});

test('the schema lists every rule id of the catalogue, and only those', () => {
  const listed = Object.keys(schema.properties.rules.properties).sort();
  const ids = RULES.map((r) => r.id).sort();
  // What to paste into properties.rules.properties of schemas/config/tenant-policy-config.schema.json.
  const missing = Object.fromEntries(RULES.filter((r) => !listed.includes(r.id)).map((r) => [r.id, {
    description: `${r.title} Default: ${r.defaultSeverity}.`,
    markdownDescription: `${r.title} Default: \`${r.defaultSeverity}\`. [Documentation](https://github.com/tenant-policy/tenant-policy/blob/main/docs/rules/${r.id}.md)`,
    $ref: '#/definitions/severity',
  }]));
  assert.deepEqual(listed, ids, `the configuration schema must list every rule id; add:\n${JSON.stringify(missing, null, 2)}`);
  for (const r of RULES) {
    const entry = (schema.properties.rules.properties as Record<string, { $ref?: string; description?: string }>)[r.id];
    assert.equal(entry.$ref, '#/definitions/severity', r.id);
    assert.ok(entry.description?.startsWith(r.title), `${r.id}: the description starts with the catalogue title`);
  }
});

test('the schema defaults are the engine defaults', () => {
  const p = schema.properties;
  assert.deepEqual(p.include.default, DEFAULT_CONFIG.include);
  assert.deepEqual(p.ciliumVersion.default, DEFAULT_CONFIG.ciliumVersion);
  assert.deepEqual(p.platformNamespaces.default, DEFAULT_CONFIG.platformNamespaces);
  assert.deepEqual(p.dns.default, DEFAULT_CONFIG.dns);
  assert.deepEqual(p.rules.default, DEFAULT_CONFIG.rules);
  assert.deepEqual(p.intendedFlows.default, DEFAULT_CONFIG.intendedFlows);
  assert.deepEqual(p.expectations.default, DEFAULT_CONFIG.expectations);
  // exclude adds to the built-in exclusions, so its own default is empty.
  assert.deepEqual(p.exclude.default, []);
});

test('every example in the schema is accepted by the parser', () => {
  const validate = compile();
  const p = schema.properties;
  const samples: Record<string, unknown>[] = [
    ...p.include.examples.map((include) => ({ include })),
    ...p.exclude.examples.map((exclude) => ({ exclude })),
    ...p.ciliumVersion.examples.map((ciliumVersion) => ({ ciliumVersion })),
    ...p.rules.examples.map((rules) => ({ rules })),
    ...p.platformNamespaces.examples.map((platformNamespaces) => ({ platformNamespaces })),
    ...p.intendedFlows.examples.map((intendedFlows) => ({ intendedFlows })),
    ...p.expectations.examples.map((expectations) => ({ expectations })),
  ];
  for (const sample of samples) {
    assert.ok(validate(sample), JSON.stringify(validate.errors));
    // JSON is YAML: the parser reads the sample as written.
    assert.deepEqual(parseConfig(JSON.stringify(sample)).findings, [], JSON.stringify(sample));
  }
});

let compiled: ValidateFunction | undefined;
for (const kind of ['valid', 'invalid'] as const) {
  for (const { name, text } of configFixtures(kind)) {
    const verdict = /^# schema: (valid|skip) \(.+\)$/m.exec(text)?.[1];
    if (verdict === 'skip') {
      // Skipped only for the reason the header gives: the text is not YAML, so there is no data to validate.
      test(`schema has nothing to check on ${name}: the parser rejects its syntax`, () => {
        assert.ok(parseAllDocuments(text).some((d) => d.errors.length > 0), 'the text does not parse as YAML');
        assert.ok(parseConfig(text).findings.some((f) => f.messageId === 'yamlSyntax'));
      });
      continue;
    }
    test(`schema agrees with the parser on ${name}`, () => {
      const validate = (compiled ??= compile());
      const [doc] = parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[];
      const data = (doc as { toJS(): unknown } | undefined)?.toJS() ?? {};
      const parserAccepts = parseConfig(text).findings.length === 0;
      const schemaAccepts = validate(data) as boolean;
      assert.equal(schemaAccepts, parserAccepts || verdict === 'valid', JSON.stringify(validate.errors));
    });
  }
}
