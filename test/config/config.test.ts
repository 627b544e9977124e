// The project configuration parser (`config` findings). Cases are YAML fixtures: each file under
// fixtures/valid parses without findings, each file under fixtures/invalid says what it expects in its
// header, one line per finding in text order:
//   # expect: <messageId> <the finding's text, as a JSON string> [(severity, when not error)]
// A sibling <name>.config.json holds (part of) the configuration that must come out, so a test also shows
// which settings survive next to a mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, parseConfig, ruleMeta, type Finding, type ProjectConfig } from '../../server/src/engine';
import { configFixtures } from './support';

const EXPECT = /^# expect: (\w+) ("(?:[^"\\]|\\.)*")(?: \((\w+)\))?$/;

/** What a finding looks like in a fixture header. */
function shape(text: string, f: Finding): string {
  const severity = f.severity === 'error' ? '' : ` (${f.severity})`;
  return `${f.messageId} ${JSON.stringify(text.slice(f.span.start, f.span.end))}${severity}`;
}

function expected(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('# expect:')) continue;
    const m = EXPECT.exec(line);
    assert.ok(m, `malformed expectation: ${line}`);
    out.push(`${m[1]} ${JSON.stringify(JSON.parse(m[2]))}${m[3] ? ` (${m[3]})` : ''}`);
  }
  return out;
}

function checkConfig(name: string, actual: ProjectConfig, want: Partial<ProjectConfig> | undefined): void {
  if (!want) return;
  for (const [key, value] of Object.entries(want)) {
    assert.deepEqual(actual[key as keyof ProjectConfig], value, `${name}: ${key}`);
  }
}

for (const c of configFixtures('valid')) {
  test(`config ${c.name}: no findings`, () => {
    const { config, findings } = parseConfig(c.text);
    assert.deepEqual(findings.map((f) => shape(c.text, f)), []);
    checkConfig(c.name, config, c.config);
  });
}

for (const c of configFixtures('invalid')) {
  test(`config ${c.name}: the expected findings, on the exact nodes`, () => {
    const { config, findings } = parseConfig(c.text);
    const want = expected(c.text);
    assert.ok(want.length > 0, 'an invalid fixture expects at least one finding');
    assert.deepEqual(findings.map((f) => shape(c.text, f)), want);
    for (const f of findings) {
      assert.equal(f.ruleId, 'config');
      assert.ok(f.message.length > 20 && /[.!?]$/.test(f.message), `a sentence: ${f.message}`);
    }
    checkConfig(c.name, config, c.config);
  });

  test(`config ${c.name}: each preferred fix removes its finding and nothing else`, () => {
    const before = parseConfig(c.text).findings;
    for (const f of before) {
      const fix = f.fixes.find((x) => x.isPreferred);
      if (!fix) continue;
      const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
      let fixed = c.text;
      for (const e of edits) fixed = fixed.slice(0, e.span.start) + e.newText + fixed.slice(e.span.end);
      const after = parseConfig(fixed).findings;
      const delta = fixed.length - c.text.length;
      const moved = (x: Finding) => (x.span.start > f.span.start ? { ...x, span: { start: x.span.start - delta, end: x.span.end - delta } } : x);
      const others = before.filter((x) => x !== f).map((x) => `${x.messageId}@${x.span.start}`);
      assert.deepEqual(after.map(moved).map((x) => `${x.messageId}@${x.span.start}`), others, `fix "${fix.title}"`);
    }
  });
}

test('the config rule is in the catalogue as an input error', () => {
  assert.deepEqual(ruleMeta('config'), { ...ruleMeta('config'), id: 'config', defaultSeverity: 'error', category: 'input' });
});

test('an unknown rule id names the closest id and offers it as the fix', () => {
  const text = 'rules:\n  duplicate-keys: off\n';
  const [f] = parseConfig(text).findings;
  assert.equal(f.messageId, 'unknownRule');
  assert.match(f.message, /`duplicate-key`/);
  assert.deepEqual(f.fixes.map((x) => x.edits.map((e) => e.newText)), [['duplicate-key']]);
});

test('offsets are UTF-16 code units, after non-ASCII text', () => {
  const text = '# Équipe réseau 🛡️\nplatformNamespaces: [kube-system, Bad]\n';
  const [f] = parseConfig(text).findings;
  assert.equal(text.slice(f.span.start, f.span.end), 'Bad');
});

test('never throws, and falls back to the defaults, on hostile input', () => {
  const inputs = [
    '',
    '\t\tinclude: x',
    '{{ .Values.x }}',
    '[' .repeat(5000),
    'a: &a [*a]\ninclude: *a\n',
    '\u0000\uFFFD',
    'rules:\n  ? [a, b]\n  : off\n',
    `${'- '.repeat(2000)}x`,
    'include: !!binary aGVsbG8=\n',
  ];
  for (const text of inputs) {
    const { config } = parseConfig(text);
    assert.equal(typeof config.ciliumVersion, 'string', JSON.stringify(text.slice(0, 20)));
    assert.ok(Array.isArray(config.include));
    assert.deepEqual(config, DEFAULT_CONFIG, JSON.stringify(text.slice(0, 20)));
  }
});

test('the result is always a complete configuration', () => {
  const { config } = parseConfig('dns:\n  ports: [5353]\n');
  assert.deepEqual(Object.keys(config).sort(), Object.keys(DEFAULT_CONFIG).sort());
  assert.deepEqual(config.dns, { ...DEFAULT_CONFIG.dns, ports: [5353] });
});
