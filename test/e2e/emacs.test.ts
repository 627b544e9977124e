// Emacs with Eglot (Debian's emacs-nox and elpa-eglot) as an LSP client of `node dist/server.js --stdio`,
// configured as the README says: Flymake shows the diagnostics, the DNS egress quick fix applies through
// `eglot-code-actions` and is saved, the finding goes away, and eldoc gets the hover text. Emacs runs
// interactively in a pseudo-terminal (`script`) so its idle timers run; test/e2e/emacs/scenario.el drives it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExamples, dnsRuleProblems, LIMIT_MS, run, SCENARIO, serverCommand, type TempCopy } from './support';

let ws: TempCopy;

before(() => {
  ws = copyExamples('mistakes');
});
after(() => ws?.dispose());

/** Quotes one word for the shell command line `script -c` runs. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

test('Emacs + Eglot: diagnostics, the DNS quick fix saved to disk, hover', async () => {
  const config = join(ws.root, '..', 'emacs-config.json');
  const outFile = join(ws.root, '..', 'emacs-result.json');
  const home = join(ws.root, '..', 'emacs-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(config, JSON.stringify({
    cmd: serverCommand(),
    file: ws.path(SCENARIO.file),
    expect_code: SCENARIO.expectCode,
    action_at: SCENARIO.actionAt,
    action_title: SCENARIO.actionTitle,
    hover_at: SCENARIO.hoverAt,
    limit_ms: LIMIT_MS,
  }));
  // A private HOME (no user init); TERM=screen, since with xterm Emacs waits for a terminal answer.
  const env = { ...process.env, E2E_CONFIG: config, E2E_OUT: outFile, HOME: home, TERM: 'screen', COLUMNS: '160', LINES: '48' };
  const emacs = `emacs -nw -Q -l ${sh(join(__dirname, 'emacs', 'scenario.el'))}`;
  const r = await run('script', ['-qefc', emacs, '/dev/null'], env);
  let result: Record<string, any>;
  try {
    result = JSON.parse(readFileSync(outFile, 'utf8'));
  } catch {
    assert.fail(`Emacs wrote no result (exit ${r.code}):\n${r.stdout.replace(/[^\x20-\x7e\n]/g, '').slice(-2000)}`);
  }
  assert.deepEqual(result.errors, [], `Emacs scenario: ${JSON.stringify(result, null, 2)}`);
  assert.equal(r.code, 0);

  assert.ok(result.diagnostics.some((d: any) => d.code === SCENARIO.expectCode && d.line === 13), JSON.stringify(result.diagnostics));
  assert.ok(result.code_actions.includes(SCENARIO.actionTitle), `offered: ${result.code_actions.join(' | ')}`);
  const saved = ws.read(SCENARIO.file);
  assert.deepEqual(dnsRuleProblems(saved), [], saved);
  assert.ok(!result.diagnostics_after.some((d: any) => d.code === SCENARIO.expectCode));

  assert.match(result.hover ?? '', /podSelector/, `hover text: ${result.hover}`);
  assert.ok(result.hover.length > 40, `hover text: ${result.hover}`);
});
