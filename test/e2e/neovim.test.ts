// Neovim (Debian's 0.7, headless) as an LSP client of `node dist/server.js --stdio`, configured as the
// README says: diagnostics arrive, the DNS egress quick fix applies through Neovim's code action menu and
// is written to disk, the finding goes away, and hover shows text. test/e2e/nvim/scenario.lua drives it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkScenario, copyExamples, run, writeScenario, type TempCopy } from './support';

let ws: TempCopy;

before(() => {
  ws = copyExamples('mistakes');
});
after(() => ws?.dispose());

test('Neovim: diagnostics, the DNS quick fix saved to disk, hover', async () => {
  const { config, outFile } = writeScenario(ws, 'nvim', { root: ws.root });
  const state = join(ws.root, '..', 'nvim-state');
  const env = {
    ...process.env,
    E2E_CONFIG: config,
    E2E_OUT: outFile,
    // No user configuration or state: the scenario is the whole configuration.
    XDG_CONFIG_HOME: join(state, 'config'),
    XDG_DATA_HOME: join(state, 'data'),
    XDG_STATE_HOME: join(state, 'state'),
    XDG_CACHE_HOME: join(state, 'cache'),
    NVIM_LOG_FILE: join(state, 'nvim.log'),
  };
  const r = await run('nvim', ['--headless', '-n', '-i', 'NONE', '-u', join(__dirname, 'nvim', 'scenario.lua')], env);
  const result = checkScenario('Neovim', ws, outFile, r, r.stderr);
  assert.equal(result.hover_error, null);
});
