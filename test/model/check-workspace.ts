// The one helper that builds WorkspaceModels for the model tests, and the marker harness for findings the
// model makes (capsule-not-modelled): a fixture's expected findings are
// marked under the offending line exactly as in test/engine/check.ts, and compared with the file's own
// findings plus the model's findings for that file.
//
// A case folder holds `inputs/**.yaml` (the workspace) and optionally `inventory/**.yaml` (cluster
// exports); each file becomes a FileModel with that origin.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  buildWorkspaceModel,
  DEFAULT_CONFIG,
  Engine,
  extractFile,
  modelFindingsForFile,
  type FileAnalysis,
  type FileModel,
  type Finding,
  type ModelOrigin,
} from '../../server/src/engine';
import type { SourceRef } from '../../server/src/engine/model/types';
import type { WorkspaceModel } from '../../server/src/engine/model/workspace';
import { parseMarkers } from '../engine/check';

export interface CaseFile {
  /** Path relative to the case folder, e.g. `inputs/tenants.yaml`. */
  path: string;
  uri: string;
  text: string;
  origin: ModelOrigin;
}

export interface BuiltCase {
  files: CaseFile[];
  analyses: FileAnalysis[];
  fileModels: FileModel[];
  model: WorkspaceModel;
}

function yamlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

export function loadCase(dir: string): CaseFile[] {
  const files: CaseFile[] = [];
  for (const [sub, origin] of [['inputs', 'declared'], ['inventory', 'inventory']] as const) {
    for (const p of yamlFiles(join(dir, sub))) {
      const path = relative(dir, p);
      files.push({ path, uri: `file:///case/${path}`, text: readFileSync(p, 'utf8'), origin });
    }
  }
  return files;
}

export function analyze(engine: Engine, uri: string, text: string): FileAnalysis {
  return engine.analyzeFile({ uri, text });
}

export function buildCase(files: CaseFile[], engine = new Engine(DEFAULT_CONFIG)): BuiltCase {
  const analyses = files.map((f) => analyze(engine, f.uri, f.text));
  const fileModels = analyses.map((a, i) => extractFile(a, files[i].origin));
  return { files, analyses, fileModels, model: buildWorkspaceModel(fileModels) };
}

/** `path:line ruleId messageId "text"`: how findings are compared and printed. */
export function describeFinding(file: CaseFile, f: { span: { start: number; end: number }; ruleId: string; messageId: string }): string {
  const line = file.text.slice(0, f.span.start).split('\n').length;
  return `${file.path}:${line} ${f.ruleId} ${f.messageId} ${JSON.stringify(file.text.slice(f.span.start, f.span.end))}`;
}

/** `<path>:<line>` where a SourceRef starts. */
export function sourceLine(built: BuiltCase, ref: SourceRef | undefined): string | undefined {
  if (!ref) return undefined;
  const file = built.files.find((f) => f.uri === ref.uri);
  if (!file) return `${ref.uri}?`;
  return `${file.path}:${file.text.slice(0, ref.span.start).split('\n').length}`;
}

/** The model's findings for one file, as users see them: configuration and suppression comments applied. */
export function modelFindings(built: BuiltCase, file: CaseFile): Finding[] {
  return modelFindingsForFile(built.model, file.uri, file.text, DEFAULT_CONFIG);
}

function where(text: string, f: { start: number; end: number; ruleId: string; messageId: string }): string {
  const before = text.slice(0, f.start);
  const line = before.split('\n').length;
  const col = f.start - (before.lastIndexOf('\n') + 1);
  return `${line}:${col} ${f.ruleId} ${f.messageId} ${JSON.stringify(text.slice(f.start, f.end))}`;
}

/**
 * Checks one single-file fixture: the file's findings and the model's findings together must equal the
 * markers exactly; each marked finding has a message in plain words and the severity a marker names.
 */
export function checkWorkspaceFixture(text: string, label: string): { expected: ReturnType<typeof parseMarkers>; findings: Finding[] } {
  const file: CaseFile = { path: label, uri: 'file:///fixture.yaml', text, origin: 'declared' };
  const built = buildCase([file]);
  const findings = [...built.analyses[0].findings, ...modelFindings(built, file)];
  const expected = parseMarkers(text);
  const got = findings.map((f) => where(text, { ...f.span, ruleId: f.ruleId, messageId: f.messageId })).sort();
  const want = expected.map((e) => where(text, e)).sort();
  assert.deepEqual(got, want, `${label}: findings differ from the markers`);
  for (const e of expected) {
    const f = findings.find((x) => x.span.start === e.start && x.span.end === e.end && x.ruleId === e.ruleId && x.messageId === e.messageId)!;
    assert.ok(f.message.length > 10, `${label}: ${where(text, e)} has a message`);
    if (e.attrs.severity) assert.equal(f.severity, e.attrs.severity, `${label}: severity of ${where(text, e)}`);
  }
  return { expected, findings };
}
