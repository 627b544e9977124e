// The packaged extension in real VS Code (code-server 4.100.3 in headless Chromium), one code-server for
// every test here: on a copy of examples/mistakes/ the Problems panel lists findings from several files, a
// hover explains, the DNS egress quick fix is chosen from Ctrl+. with the keyboard and saved, and the file
// on disk has the rule; on a copy of examples/ the preview panel's matrix changes when a policy is edited.
// Screenshots land in test-artifacts/ (the README's come from here).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { copyExamples, dnsRuleProblems, ensureArtifacts, SCENARIO, type TempCopy } from './support';
import { CodeServer, until, type Problem, type Workbench } from './vscode/code-server';

let cs: CodeServer;
const copies: TempCopy[] = [];

before(async () => {
  cs = await CodeServer.start();
});
after(async () => {
  await cs?.close();
  for (const c of copies) c.dispose();
});

/** Resolves when the extension's status bar item says the server is ready (its check mark). */
async function serverReady(wb: Workbench): Promise<void> {
  await wb.page.locator('.statusbar-item', { hasText: 'Tenant Policy' }).locator('.codicon-check').waitFor();
}

function summary(problems: Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code} ${p.message.slice(0, 60)}`).join('\n');
}

interface Session {
  wb: Workbench;
  ws: TempCopy;
  artifacts: string;
  /** When the window was asked for. */
  t0: number;
}

/**
 * Opens a copy of `examples/<rel>` (named `name`) in a new window, opens `file` in it and waits for the
 * server; runs `body`, then closes the window. The copies are removed after the last test.
 */
async function withWorkbench(rel: string, name: string, file: string, body: (s: Session) => Promise<void>): Promise<void> {
  const ws = copyExamples(rel, name);
  copies.push(ws);
  const artifacts = ensureArtifacts();
  const t0 = Date.now();
  const wb = await cs.open(ws.root);
  try {
    await wb.openFile(file);
    await serverReady(wb);
    await body({ wb, ws, artifacts, t0 });
  } finally {
    await wb.close();
  }
}

describe('VS Code (code-server) with tenant-policy.vsix', () => {
  test('examples/mistakes: Problems panel, hover, the DNS egress quick fix by keyboard, saved to disk', async (t) => {
    await withWorkbench('mistakes', 'mistakes', SCENARIO.file, async ({ wb, ws, artifacts, t0 }) => {
      t.diagnostic(`workbench and server ready: ${Date.now() - t0} ms (code-server: ${JSON.stringify(cs.timings)})`);

      // The Problems panel lists the workspace's findings, from files that are not open too.
      await wb.showProblems();
      const expected: [string, string][] = [
        [SCENARIO.file, SCENARIO.expectCode],
        ['bad-enum-protocol.yaml', 'schema'],
        ['bad-cidr.yaml', 'invalid-cidr'],
        ['duplicate-key.yaml', 'duplicate-key'],
        ['cilium-misplaced-peer.yaml', 'cilium-field-misplaced'],
      ];
      const problems: Problem[] = [];
      for (const [f, c] of expected) {
        await wb.filterProblems(c);
        let seen: Problem[] = [];
        problems.push(...await until(`the Problems panel to list ${c} in ${f}`, async () => {
          seen = await wb.problems();
          return seen.some((p) => p.file === f && p.code === c) ? seen : undefined;
        }).catch(async (e: Error) => {
          await wb.screenshot(join(artifacts, 'vscode-failure.png'));
          throw new Error(`${e.message}; the panel shows:\n${summary(seen)}`);
        }));
      }
      await wb.filterProblems('');
      const dns = problems.find((p) => p.file === SCENARIO.file && p.code === SCENARIO.expectCode)!;
      assert.equal(dns.severity, 'Warning');
      assert.deepEqual([dns.line, dns.col], SCENARIO.actionAt);
      assert.match(dns.message, /every name lookup will time out/);
      const cidr = problems.find((p) => p.code === 'invalid-cidr')!;
      assert.equal(cidr.severity, 'Error');
      assert.match(cidr.message, /10\.0\.0\.0\/33/);
      assert.ok(!problems.some((p) => p.file === 'document-marker-in-block-scalar.yaml' || p.file === 'empty.yaml'), summary(problems));
      await wb.screenshot(join(artifacts, 'vscode-problems.png'));
      t.diagnostic(`Problems panel: ${problems.length} findings, ${Date.now() - t0} ms`);

      // Hover on a key: the schema's description of the field.
      await wb.goto(...SCENARIO.hoverAt);
      const keyHover = await wb.hover(/podSelector/);
      assert.match(keyHover, /podSelector/);
      assert.match(keyHover, /selects the pods/i, keyHover);

      // Hover on the diagnosed node: the finding, with the quick fix offered.
      await wb.goto(...SCENARIO.actionAt);
      // VS Code adds "Quick Fix…" to the hover once the server's code actions for the range have arrived.
      const hover = await wb.hover(/Quick Fix/);
      assert.match(hover, /every name lookup will time out/);
      assert.match(hover, /dns-egress-missing/);
      await wb.screenshot(join(artifacts, 'vscode-hover.png'));

      // The quick fix, from Ctrl+. with the arrow keys and Enter, then Ctrl+S.
      const before = ws.read(SCENARIO.file);
      const offered = await wb.quickFixes();
      assert.ok(offered.includes(SCENARIO.actionTitle), `offered: ${offered.join(' | ')}`);
      await wb.screenshot(join(artifacts, 'vscode-quickfix.png'));
      await wb.chooseQuickFix(SCENARIO.actionTitle, offered);
      await wb.save();
      const saved = await until('the fixed file on disk', () => {
        const text = ws.read(SCENARIO.file);
        return text !== before ? text : undefined;
      });
      assert.deepEqual(dnsRuleProblems(saved), [], saved);
      assert.ok(saved.startsWith(before.trimEnd()), 'the fix appends and leaves the rest of the file as it was');

      // The finding disappears from the Problems panel; the others stay.
      await wb.showProblems();
      await wb.filterProblems('dns-egress');
      await wb.page.locator('.markers-panel .monaco-list-row', { hasText: SCENARIO.expectCode }).waitFor({ state: 'detached' });
      await wb.filterProblems('schema');
      const after = await until('the other findings to stay', async () => {
        const rows = await wb.problems();
        return rows.some((p) => p.file === 'bad-enum-protocol.yaml') ? rows : undefined;
      });
      assert.ok(!after.some((p) => p.file === SCENARIO.file), summary(after));
      t.diagnostic(`whole scenario: ${Date.now() - t0} ms`);
    });
  });

  test('examples/: the preview matrix follows an edit of a policy', async (t) => {
    const file = 'policies/solar/database.yaml';
    await withWorkbench('', 'examples', file, async ({ wb, ws, artifacts, t0 }) => {
      await wb.command('Tenant Policy: Open Preview');
      const frame = await wb.webviewFrame('#grid');
      await frame.locator('#tab-matrix').click();
      // The solar API reaches PostgreSQL in solar-db on TCP 5432 (policies/solar/database.yaml admits it).
      const cell = frame.locator('.cell[data-row="solar-backend"][data-col="solar-db"]');
      await cell.waitFor();
      const levelBefore = await cell.getAttribute('data-level');
      assert.notEqual(levelBefore, 'none');
      assert.match((await cell.getAttribute('aria-label')) ?? '', /5432/);
      t.diagnostic(`preview open with the matrix: ${Date.now() - t0} ms`);

      // Edit the policy (unsaved) so it admits solar-frontend instead of solar-backend.
      await wb.goto(20, 21);
      assert.match(ws.read(file).split('\n')[19], /- solar-backend$/);
      await wb.page.keyboard.press('End');
      await wb.page.keyboard.press('Shift+Home');
      await wb.page.keyboard.type('- solar-frontend');
      const tEdit = Date.now();
      await frame.locator('.cell[data-row="solar-backend"][data-col="solar-db"][data-level="none"]').waitFor();
      t.diagnostic(`matrix cell updated ${Date.now() - tEdit} ms after the edit`);
      assert.match(ws.read(file), /- solar-backend/, 'the edit is not saved: the panel follows the open document');
      await wb.screenshot(join(artifacts, 'vscode-preview.png'));
    });
  });
});
