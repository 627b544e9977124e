// Emacs with Eglot (Debian's emacs-nox and elpa-eglot) as an LSP client of `node dist/server.js --stdio`,
// configured as the README says: Flymake shows the diagnostics, the DNS egress quick fix applies through
// `eglot-code-actions` and is saved, the finding goes away, and eldoc gets the hover text. Emacs runs
// interactively in a pseudo-terminal (`script`) so its idle timers run; test/e2e/emacs/scenario.el drives it.
import { after, before, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkScenario, copyExamples, run, writeScenario, type TempCopy } from './support';

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
  const { config, outFile } = writeScenario(ws, 'emacs');
  const home = join(ws.root, '..', 'emacs-home');
  mkdirSync(home, { recursive: true });
  // A private HOME (no user init); TERM=screen, since with xterm Emacs waits for a terminal answer.
  const env = { ...process.env, E2E_CONFIG: config, E2E_OUT: outFile, HOME: home, TERM: 'screen', COLUMNS: '160', LINES: '48' };
  const emacs = `emacs -nw -Q -l ${sh(join(__dirname, 'emacs', 'scenario.el'))}`;
  const r = await run('script', ['-qefc', emacs, '/dev/null'], env);
  checkScenario('Emacs', ws, outFile, r, r.stdout.replace(/[^\x20-\x7e\n]/g, ''));
});
