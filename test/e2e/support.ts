// What the end-to-end tests share: temporary copies of the example folders (a test may edit and save
// files; the repository's examples are never touched), the server command a user configures in their
// editor, the scenario every LSP editor plays on `examples/mistakes/`, and a place for artefacts.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBundle } from '../support/bundle';

export const ROOT = join(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A guard against hangs only: every test waits on a state and fails fast when it is reached. */
export const LIMIT_MS = 60_000;

export interface TempCopy {
  /** The copied folder. */
  root: string;
  path(rel: string): string;
  read(rel: string): string;
  dispose(): void;
}

/** Copies `examples/<rel>` (or `examples/` itself) into a fresh temporary folder. */
export function copyExamples(rel = '', name = 'workspace'): TempCopy {
  const parent = mkdtempSync(join(tmpdir(), 'tenant-policy-e2e-'));
  const root = join(parent, name);
  cpSync(join(ROOT, 'examples', rel), root, { recursive: true });
  return {
    root,
    path: (p) => join(root, p),
    read: (p) => readFileSync(join(root, p), 'utf8'),
    dispose: () => rmSync(parent, { recursive: true, force: true }),
  };
}

/** `node dist/server.js --stdio`, the command the README gives, with the bundle up to date. */
export function serverCommand(): string[] {
  return [process.execPath, ensureBundle('server'), '--stdio'];
}

/**
 * The scenario the LSP editors play: the default-deny in examples/mistakes isolates egress without DNS
 * (`dns-egress-missing` on the `Egress` entry, line 13); the "Insert DNS egress rule" quick fix appends a
 * rule to kube-dns on UDP and TCP 53; after saving, the finding is gone. Hover on `podSelector` (line 10).
 */
export const SCENARIO = {
  file: 'default-deny-without-dns.yaml',
  expectCode: 'dns-egress-missing',
  actionAt: [13, 7] as [number, number],
  actionTitle: 'Insert DNS egress rule',
  hoverAt: [10, 4] as [number, number],
};

/** Checks the saved file carries the DNS rule the fix inserts (kube-dns in kube-system, UDP and TCP 53). */
export function dnsRuleProblems(text: string): string[] {
  const problems: string[] = [];
  if (!/^\s*egress:\s*$/m.test(text)) problems.push('no `egress:` list');
  if (!/kubernetes\.io\/metadata\.name:\s*kube-system/.test(text)) problems.push('no namespaceSelector for kube-system');
  if (!/k8s-app:\s*kube-dns/.test(text)) problems.push('no podSelector k8s-app: kube-dns');
  if (!/protocol:\s*UDP\s*\n\s*port:\s*53/.test(text)) problems.push('no UDP 53');
  if (!/protocol:\s*TCP\s*\n\s*port:\s*53/.test(text)) problems.push('no TCP 53');
  if (!/policyTypes:\s*\n\s*- Ingress\s*\n\s*- Egress/.test(text)) problems.push('policyTypes changed');
  return problems;
}

/**
 * Writes the scenario for an editor's script beside the copy `ws` (the server command, the file, where
 * to act and hover, the time limit, and `extra`); returns where the script reads it and writes its result.
 */
export function writeScenario(ws: TempCopy, prefix: string, extra: Record<string, unknown> = {}): { config: string; outFile: string } {
  const config = join(ws.root, '..', `${prefix}-config.json`);
  const outFile = join(ws.root, '..', `${prefix}-result.json`);
  writeFileSync(config, JSON.stringify({
    cmd: serverCommand(),
    ...extra,
    file: ws.path(SCENARIO.file),
    expect_code: SCENARIO.expectCode,
    action_at: SCENARIO.actionAt,
    action_title: SCENARIO.actionTitle,
    hover_at: SCENARIO.hoverAt,
    limit_ms: LIMIT_MS,
  }));
  return { config, outFile };
}

/**
 * Reads the result an editor's script wrote to `outFile` and checks the scenario in it: no script error,
 * exit 0, the finding on line 13, the quick fix offered, the fixed file saved and the finding gone, and a
 * hover about podSelector. `log` (the editor's output) explains a missing result. Returns the result.
 */
export function checkScenario(editor: string, ws: TempCopy, outFile: string, r: RunResult, log: string): Record<string, any> {
  let result: Record<string, any>;
  try {
    result = JSON.parse(readFileSync(outFile, 'utf8'));
  } catch {
    assert.fail(`${editor} wrote no result (exit ${r.code}):\n${log.slice(-2000)}`);
  }
  assert.deepEqual(result.errors, [], `${editor} scenario: ${JSON.stringify(result, null, 2)}`);
  assert.equal(r.code, 0);

  assert.ok(result.diagnostics.some((d: any) => d.code === SCENARIO.expectCode && d.line === 13), JSON.stringify(result.diagnostics));
  assert.ok(result.code_actions.includes(SCENARIO.actionTitle), `offered: ${result.code_actions.join(' | ')}`);
  const saved = ws.read(SCENARIO.file);
  assert.deepEqual(dnsRuleProblems(saved), [], saved);
  assert.ok(!result.diagnostics_after.some((d: any) => d.code === SCENARIO.expectCode));

  assert.match(result.hover ?? '', /podSelector/, `hover text: ${result.hover}`);
  assert.ok(result.hover.length > 40, `hover text: ${result.hover}`);
  return result;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end (bounded by LIMIT_MS x 2 as a hang guard). Its stdin is a pipe held open and
 * never written: under `script`, end of input would be typed into the editor as ^D.
 */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, limitMs = 2 * LIMIT_MS): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

export function ensureArtifacts(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
