// The one helper that runs the engine on fixtures. A fixture is YAML with its expected findings marked
// under the offending line:
//
//   protocol: udp
//   #         ^^^ schema badEnum fixes=UDP|TCP|SCTP preferred=UDP
//
// The carets sit under the exact columns of the span; when the span starts in column 0 the `#` itself
// is the first caret (`#^^^`). Several marker lines may follow one line. After the code and message id,
// optional `key=value` words check more: `severity=warning`, `fixes=a|b` (the new text of each fix, in
// order), `preferred=a` (the new text of the preferred fix), `tag=deprecated`. A first-line comment
// `# options: ciliumVersion=1.20 isPatch` sets engine options.
//
// `checkFixture` runs what the editor runs on a file: the document analysis, then the workspace model of
// that one file with its workspace rules. The configuration is `.tenant-policy.yaml` in the fixture's
// folder when there is one (else the defaults); workspace rules other than the folder's own rule are
// turned off, so that a fixture about one rule is not also a fixture of every other one.
//
// It asserts the findings equal the markers exactly (extra or missing ones fail), then applies every
// quick fix, re-runs everything and asserts that the finding is gone, every other finding is unchanged
// (moved with the edit), and the YAML still parses. A fix confined to the finding's line is checked by
// `fixes=`; a fix that writes more (a new rule, a new document) must name the whole expected file with
// `fixed=NAME|NAME` (one per fix, in order, `-` for a fix not compared; NAME is a `*.expected.yaml` in
// the fixture's folder).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildWorkspaceModel,
  DEFAULT_CONFIG,
  Engine,
  extractFile,
  modelFindingsForFile,
  parseConfig,
  type Finding,
  type ProjectConfig,
} from '../../server/src/engine';
import { WORKSPACE_RULE_IDS } from '../../server/src/engine/rules/run';
import { LineIndex } from '../../server/src/engine/parse/lines';

export interface Expected {
  line: number;
  start: number;
  end: number;
  ruleId: string;
  messageId: string;
  attrs: Record<string, string>;
}

export interface FixtureOptions {
  ciliumVersion: '1.18' | '1.20';
  isPatch: boolean;
}

const MARKER = /^(\s*)#(\s*)(\^+)\s+([a-z0-9-]+)\s+(\S+)(.*)$/;

export function parseOptions(text: string): FixtureOptions {
  const m = /^# options:(.*)$/m.exec(text.split('\n').slice(0, 3).join('\n'));
  const words = m ? m[1].trim().split(/\s+/) : [];
  const cv = words.find((w) => w.startsWith('ciliumVersion='))?.split('=')[1];
  return { ciliumVersion: cv === '1.20' ? '1.20' : '1.18', isPatch: words.includes('isPatch') };
}

export function parseMarkers(text: string): Expected[] {
  const lines = text.split('\n');
  const index = new LineIndex(text);
  const out: Expected[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      target = i;
      return;
    }
    assert.ok(target >= 0, `marker on line ${i + 1} has no line above it`);
    const hash = m[1].length;
    let col = hash + 1 + m[2].length;
    let len = m[3].length;
    if (m[2].length === 0) {
      col = hash;
      len += 1;
    }
    const attrs: Record<string, string> = {};
    for (const w of m[6].trim().split(/\s+/).filter(Boolean)) {
      const eq = w.indexOf('=');
      assert.ok(eq > 0, `marker attribute "${w}" on line ${i + 1} is not key=value`);
      attrs[w.slice(0, eq)] = w.slice(eq + 1);
    }
    const lineStart = index.offsetAt({ line: target, character: 0 });
    out.push({ line: target, start: lineStart + col, end: lineStart + col + len, ruleId: m[4], messageId: m[5], attrs });
  });
  return out;
}

/** The configuration of a fixture folder, with the other workspace rules turned off. */
export function fixtureConfig(dir: string | undefined, rule: string | undefined, options: FixtureOptions): ProjectConfig {
  let config: ProjectConfig = DEFAULT_CONFIG;
  const file = dir ? join(dir, '.tenant-policy.yaml') : undefined;
  if (file && existsSync(file)) {
    const parsed = parseConfig(readFileSync(file, 'utf8'));
    assert.deepEqual(parsed.findings.map((f) => f.message), [], `${file} is a valid configuration`);
    config = parsed.config;
  }
  const rules = { ...config.rules };
  for (const id of WORKSPACE_RULE_IDS) if (id !== rule && rules[id] === undefined) rules[id] = 'off';
  return { ...config, ciliumVersion: options.ciliumVersion, rules };
}

/** Everything the editor reports for a one-file workspace: document findings, then the model's. */
export function analyze(text: string, options: FixtureOptions, config: ProjectConfig = { ...DEFAULT_CONFIG, ciliumVersion: options.ciliumVersion }): Finding[] {
  // A fresh engine each time: no state carries over between a fixture and its fixed versions.
  const engine = new Engine(config);
  const uri = 'file:///fixture.yaml';
  const analysis = engine.analyzeFile({ uri, text, isPatch: options.isPatch });
  const model = buildWorkspaceModel([extractFile(analysis, 'declared')], { config });
  const all = [...analysis.findings, ...modelFindingsForFile(model, uri, text, config)];
  all.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return all;
}

function describe(text: string, f: { start: number; end: number; ruleId: string; messageId: string }): string {
  const before = text.slice(0, f.start);
  const line = before.split('\n').length;
  const col = f.start - (before.lastIndexOf('\n') + 1);
  return `${line}:${col} ${f.ruleId} ${f.messageId} ${JSON.stringify(text.slice(f.start, f.end))}`;
}

export function applyEdits(text: string, edits: { span: { start: number; end: number }; newText: string }[]): string {
  // Back to front; two insertions at one offset land in the order given, as LSP applies them.
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.span.start - a.span.start || b.i - a.i);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].span.end <= sorted[i - 1].span.start, 'edits of one fix do not overlap');
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Where an offset of the text before the edits is after them (an offset inside an edit is not kept). */
export function mapOffset(offset: number, edits: readonly { span: { start: number; end: number }; newText: string }[]): number | undefined {
  let delta = 0;
  for (const e of edits) {
    if (e.span.end <= offset && !(e.span.start === e.span.end && e.span.start === offset)) delta += e.newText.length - (e.span.end - e.span.start);
    else if (e.span.start < offset) return undefined;
  }
  return offset + delta;
}

export interface CheckFixtureOptions {
  /** The fixture's folder: its `.tenant-policy.yaml` and `*.expected.yaml` files. */
  dir?: string;
  /** The rule the fixture is about (its folder's name). */
  rule?: string;
}

export function checkFixture(text: string, label = 'fixture', opts: CheckFixtureOptions = {}): { findings: Finding[]; expected: Expected[] } {
  const options = parseOptions(text);
  const config = fixtureConfig(opts.dir, opts.rule, options);
  const expected = parseMarkers(text);
  const findings = analyze(text, options, config);
  const got = findings.map((f) => describe(text, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })).sort();
  const want = expected.map((e) => describe(text, e)).sort();
  assert.deepEqual(got, want, `${label}: findings differ from the markers`);

  const expectedFiles = new Map<Finding['fixes'][number], string>();
  for (const e of expected) {
    const f = findings.find((x) => x.span.start === e.start && x.span.end === e.end && x.ruleId === e.ruleId && x.messageId === e.messageId)!;
    assert.ok(f.message.length > 10 && !/\b(must have required property|must NOT have|must match pattern)\b/.test(f.message), `${label}: ${describe(text, e)} has a plain-words message: ${f.message}`);
    if (e.attrs.severity) assert.equal(f.severity, e.attrs.severity, `${label}: severity of ${describe(text, e)}`);
    if (e.attrs.tag) assert.ok(f.tags?.includes(e.attrs.tag as 'deprecated'), `${label}: ${describe(text, e)} has tag ${e.attrs.tag}`);
    if (e.attrs.fixes !== undefined) {
      const texts = f.fixes.map((x) => x.edits.map((ed) => ed.newText).join(''));
      assert.deepEqual(texts, e.attrs.fixes === '' ? [] : e.attrs.fixes.split('|'), `${label}: fixes of ${describe(text, e)}`);
    }
    if (e.attrs.titles !== undefined) {
      assert.deepEqual(f.fixes.map((x) => x.title.replace(/ /g, '_')), e.attrs.titles.split('|'), `${label}: fix titles of ${describe(text, e)} (spaces as _)`);
    }
    if (e.attrs.preferred !== undefined) {
      const preferred = f.fixes.filter((x) => x.isPreferred);
      assert.equal(preferred.length, 1, `${label}: one preferred fix for ${describe(text, e)}`);
      assert.equal(preferred[0].edits.map((ed) => ed.newText).join(''), e.attrs.preferred);
    }
    if (e.attrs.fixed !== undefined) {
      const names = e.attrs.fixed.split('|');
      assert.equal(names.length, f.fixes.length, `${label}: fixed= names one file per fix of ${describe(text, e)}`);
      names.forEach((name, i) => {
        if (name === '-') return;
        assert.ok(opts.dir && name.endsWith('.expected.yaml'), `${label}: fixed= names a *.expected.yaml file in the fixture's folder`);
        expectedFiles.set(f.fixes[i], join(opts.dir!, name));
      });
    }
  }

  for (const f of findings) {
    for (const fix of f.fixes) checkFix(text, options, config, findings, f, fix, label, expectedFiles.get(fix));
  }
  return { findings, expected };
}

function lineBounds(text: string, start: number, end: number): { from: number; to: number } {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', end);
  if (to === -1) to = text.length;
  return { from, to };
}

function checkFix(
  text: string,
  options: FixtureOptions,
  config: ProjectConfig,
  before: Finding[],
  target: Finding,
  fix: Finding['fixes'][number],
  label: string,
  expectedFile: string | undefined,
): void {
  const where = `${label}: fix "${fix.title}" for ${describe(text, { ...target.span, ruleId: target.ruleId, messageId: target.messageId })}`;
  assert.ok(fix.edits.length > 0, `${where} has edits`);
  const after = applyEdits(text, fix.edits);
  if (expectedFile) {
    assert.ok(existsSync(expectedFile), `${where}: ${expectedFile} exists`);
    assert.equal(after, readFileSync(expectedFile, 'utf8'), `${where}: the whole file after the fix equals ${expectedFile}`);
  } else {
    const { from, to } = lineBounds(text, target.span.start, target.span.end);
    for (const e of fix.edits) {
      assert.ok(e.span.start >= from && e.span.end <= to, `${where} edits only the finding's line (a larger fix needs fixed=FILE.expected.yaml)`);
    }
  }

  const findings = analyze(after, options, config);
  assert.deepEqual(findings.filter((f) => f.ruleId === 'yaml-syntax' && !before.some((b) => b.ruleId === 'yaml-syntax')).map((f) => f.message), [], `${where}: the fixed file parses`);
  const moved = (f: Finding): string | undefined => {
    const s = mapOffset(f.span.start, fix.edits);
    const e = mapOffset(f.span.end, fix.edits);
    return s === undefined || e === undefined ? undefined : describe(after, { start: s, end: e, ruleId: f.ruleId, messageId: f.messageId });
  };
  const expectedAfter = before.filter((f) => f !== target).map((f) => moved(f) ?? `(edited away) ${describe(text, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })}`).sort();
  const got = findings.map((f) => describe(after, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })).sort();
  assert.deepEqual(got, expectedAfter, `${where}: the finding is gone and every other finding is unchanged`);
}
