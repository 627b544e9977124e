// What the status bar item says for each state of the client and the server. The mapping is plain data,
// so it is tested here without VS Code; vsix.test.ts watches the real item change in a fake VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe as view, type ClientPhase, type ServerReport } from '../../client/src/status-view';

const cases: { phase: ClientPhase; report?: ServerReport; crashed?: boolean; text: string; severity: string }[] = [
  { phase: 'starting', text: '$(sync~spin) Tenant Policy', severity: 'none' },
  { phase: 'running', text: '$(sync~spin) Tenant Policy', severity: 'none' },
  { phase: 'running', report: { state: 'starting' }, text: '$(sync~spin) Tenant Policy', severity: 'none' },
  { phase: 'running', report: { state: 'indexing' }, text: '$(sync~spin) Tenant Policy: indexing', severity: 'none' },
  { phase: 'running', report: { state: 'indexing', files: 1 }, text: '$(sync~spin) Tenant Policy: indexing 1 file', severity: 'none' },
  { phase: 'running', report: { state: 'indexing', files: 240 }, text: '$(sync~spin) Tenant Policy: indexing 240 files', severity: 'none' },
  { phase: 'running', report: { state: 'ready' }, text: '$(check) Tenant Policy', severity: 'none' },
  { phase: 'running', report: { state: 'error', message: 'bad config' }, text: '$(error) Tenant Policy', severity: 'error' },
  { phase: 'stopped', text: '$(circle-slash) Tenant Policy', severity: 'none' },
  { phase: 'stopped', crashed: true, text: '$(error) Tenant Policy', severity: 'error' },
  // A report left over from a server that has since stopped must not make the item look ready.
  { phase: 'stopped', report: { state: 'ready' }, crashed: true, text: '$(error) Tenant Policy', severity: 'error' },
];

for (const c of cases) {
  const label = `${c.phase}${c.report ? ` + ${JSON.stringify(c.report)}` : ''}${c.crashed ? ' (crashed)' : ''}`;
  test(`status for ${label}: ${c.text}`, () => {
    const v = view(c.phase, c.report, c.crashed ?? false);
    assert.equal(v.text, c.text);
    assert.equal(v.severity, c.severity);
    assert.match(v.tooltip, /Click to show the output\.$/);
  });
}

test("the server's message appears in the tooltip", () => {
  assert.match(view('running', { state: 'error', message: 'bad config' }, false).tooltip, /\nbad config\n/);
});
