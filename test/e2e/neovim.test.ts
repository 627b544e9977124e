// Neovim (Debian's 0.7, headless) as an LSP client of `node dist/server.js --stdio`, configured as the
// README says: diagnostics arrive, the DNS egress quick fix applies through Neovim's code action menu and
// is written to disk, the finding goes away, and hover shows text. test/e2e/nvim/scenario.lua drives it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExamples, dnsRuleProblems, LIMIT_MS, run, SCENARIO, serverCommand, type TempCopy } from './support';

let ws: TempCopy;

before(() => {
  ws = copyExamples('mistakes');
});
after(() => ws?.dispose());

test('Neovim: diagnostics, the DNS quick fix saved to disk, hover', async () => {
  const config = join(ws.root, '..', 'nvim-config.json');
  const outFile = join(ws.root, '..', 'nvim-result.json');
  writeFileSync(config, JSON.stringify({
    cmd: serverCommand(),
    root: ws.root,
    file: ws.path(SCENARIO.file),
    expect_code: SCENARIO.expectCode,
    action_at: SCENARIO.actionAt,
    action_title: SCENARIO.actionTitle,
    hover_at: SCENARIO.hoverAt,
    limit_ms: LIMIT_MS,
  }));
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
  let result: Record<string, any>;
  try {
    result = JSON.parse(readFileSync(outFile, 'utf8'));
  } catch {
    assert.fail(`Neovim wrote no result (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  }
  assert.deepEqual(result.errors, [], `Neovim scenario: ${JSON.stringify(result, null, 2)}`);
  assert.equal(r.code, 0);

  assert.ok(result.diagnostics.some((d: any) => d.code === SCENARIO.expectCode && d.line === 13), JSON.stringify(result.diagnostics));
  assert.ok(result.code_actions.includes(SCENARIO.actionTitle), `offered: ${result.code_actions.join(' | ')}`);
  const saved = ws.read(SCENARIO.file);
  assert.deepEqual(dnsRuleProblems(saved), [], saved);
  assert.ok(!result.diagnostics_after.some((d: any) => d.code === SCENARIO.expectCode));

  assert.equal(result.hover_error, null);
  assert.match(result.hover ?? '', /podSelector/, `hover text: ${result.hover}`);
  assert.ok(result.hover.length > 40, `hover text: ${result.hover}`);
});
