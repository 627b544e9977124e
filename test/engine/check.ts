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
// `checkFixture` asserts the findings equal the markers exactly (extra or missing ones fail), then
// applies every quick fix, re-runs the engine and asserts that the finding is gone, every other finding
// is unchanged, and the text outside the fixed line is byte-identical.
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, Engine, type Finding } from '../../server/src/engine';

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
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.length + 1;
  }
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
    out.push({ line: target, start: starts[target] + col, end: starts[target] + col + len, ruleId: m[4], messageId: m[5], attrs });
  });
  return out;
}

/** A fresh engine each time: no state carries over between a fixture and its fixed versions. */
export function analyze(text: string, options: FixtureOptions): Finding[] {
  const engine = new Engine({ ...DEFAULT_CONFIG, ciliumVersion: options.ciliumVersion });
  return engine.analyzeFile({ uri: 'file:///fixture.yaml', text, isPatch: options.isPatch }).findings;
}

function describe(text: string, f: { start: number; end: number; ruleId: string; messageId: string }): string {
  const before = text.slice(0, f.start);
  const line = before.split('\n').length;
  const col = f.start - (before.lastIndexOf('\n') + 1);
  return `${line}:${col} ${f.ruleId} ${f.messageId} ${JSON.stringify(text.slice(f.start, f.end))}`;
}

export function applyEdits(text: string, edits: { span: { start: number; end: number }; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

export function checkFixture(text: string, label = 'fixture'): { findings: Finding[]; expected: Expected[] } {
  const options = parseOptions(text);
  const expected = parseMarkers(text);
  const findings = analyze(text, options);
  const got = findings.map((f) => describe(text, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })).sort();
  const want = expected.map((e) => describe(text, e)).sort();
  assert.deepEqual(got, want, `${label}: findings differ from the markers`);

  for (const e of expected) {
    const f = findings.find((x) => x.span.start === e.start && x.span.end === e.end && x.ruleId === e.ruleId && x.messageId === e.messageId)!;
    assert.ok(f.message.length > 10 && !/\b(must have required property|must NOT have|must match pattern)\b/.test(f.message), `${label}: ${describe(text, e)} has a plain-words message: ${f.message}`);
    if (e.attrs.severity) assert.equal(f.severity, e.attrs.severity, `${label}: severity of ${describe(text, e)}`);
    if (e.attrs.tag) assert.ok(f.tags?.includes(e.attrs.tag as 'deprecated'), `${label}: ${describe(text, e)} has tag ${e.attrs.tag}`);
    if (e.attrs.fixes !== undefined) {
      const texts = f.fixes.map((x) => x.edits.map((ed) => ed.newText).join(''));
      assert.deepEqual(texts, e.attrs.fixes === '' ? [] : e.attrs.fixes.split('|'), `${label}: fixes of ${describe(text, e)}`);
    }
    if (e.attrs.preferred !== undefined) {
      const preferred = f.fixes.filter((x) => x.isPreferred);
      assert.equal(preferred.length, 1, `${label}: one preferred fix for ${describe(text, e)}`);
      assert.equal(preferred[0].edits.map((ed) => ed.newText).join(''), e.attrs.preferred);
    }
  }

  for (const f of findings) {
    for (const fix of f.fixes) checkFix(text, options, findings, f, fix, label);
  }
  return { findings, expected };
}

function lineBounds(text: string, start: number, end: number): { from: number; to: number } {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', end);
  if (to === -1) to = text.length;
  return { from, to };
}

function checkFix(text: string, options: FixtureOptions, before: Finding[], target: Finding, fix: Finding['fixes'][number], label: string): void {
  const where = `${label}: fix "${fix.title}" for ${describe(text, { ...target.span, ruleId: target.ruleId, messageId: target.messageId })}`;
  assert.ok(fix.edits.length > 0, `${where} has edits`);
  const { from, to } = lineBounds(text, target.span.start, target.span.end);
  for (const e of fix.edits) {
    assert.ok(e.span.start >= from && e.span.end <= to, `${where} edits only the finding's line`);
  }
  const after = applyEdits(text, fix.edits);
  const delta = after.length - text.length;
  const editStart = Math.min(...fix.edits.map((e) => e.span.start));
  const editEnd = Math.max(...fix.edits.map((e) => e.span.end));
  assert.equal(after.slice(0, editStart), text.slice(0, editStart), `${where}: text before the edit is unchanged`);
  assert.equal(after.slice(editEnd + delta), text.slice(editEnd), `${where}: text after the edit is unchanged`);

  const findings = analyze(after, options);
  const shift = (f: Finding) => {
    const s = f.span.start >= editEnd ? f.span.start + delta : f.span.start;
    const e = f.span.end >= editEnd ? f.span.end + delta : f.span.end;
    return describe(after, { start: s, end: e, ruleId: f.ruleId, messageId: f.messageId });
  };
  const expectedAfter = before.filter((f) => f !== target).map(shift).sort();
  const got = findings.map((f) => describe(after, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })).sort();
  assert.deepEqual(got, expectedAfter, `${where}: the finding is gone and every other finding is unchanged`);
}
