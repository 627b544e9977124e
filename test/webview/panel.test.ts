// The preview panel's webview in headless Chromium, on real engine results: the policy view, the matrix
// (cells, ports, tenants), explain and reveal messages, filters, export, keyboard navigation, state
// restored after a reload, hostile names rendered as text, zero CSP violations, the 600-namespace bench
// workspace (first paint measured, not asserted), and screenshots in both themes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewResult } from '../../server/src/protocol';
import { loadData, type WorkspaceData } from './data';
import { BENCH, cell, HOSTILE, postedCount, sendData, showMatrix, startHarness, waitPosted, waitStamp, withPage, type Harness } from './harness';

const root = join(__dirname, '..', '..');
const EXAMPLES = join(root, 'examples');
const ARTIFACTS = join(root, 'test-artifacts');

let h: Harness;
let data: WorkspaceData;
const HYDRO_APP = 'hydro-app/app';

before(async () => {
  [h, data] = await Promise.all([startHarness(), loadData(EXAMPLES)]);
});
after(async () => {
  await h?.close();
});

describe('the preview webview on examples/', () => {
  test('a policy: what it selects, each rule with its namespaces by tenant, workloads and ports; a click reveals the rule', async () => {
    await withPage(h, undefined, async (page) => {
      const policyId = data.ws.model.networkPolicies.find((p) => p.id === HYDRO_APP)?.id;
      assert.ok(policyId, `examples/ declares ${HYDRO_APP}: ${data.ws.model.networkPolicies.map((p) => p.id).join(', ')}`);
      const result = data.result(policyId);
      await sendData(page, { type: 'data', uri: result.policy!.location.uri, result });
      await page.locator('#policy-view h2').waitFor();
      assert.equal(await page.getAttribute('#tab-policy', 'aria-selected'), 'true', 'a policy under the cursor shows the policy view');
      const text = await page.locator('#policy-view').innerText();
      assert.match(text, /NetworkPolicy hydro-app\/app/);
      assert.match(text, /Selects/);
      assert.match(text, /ingress\[0\]/);
      assert.match(text, /egress\[0\]/);
      assert.match(text, /ingress-nginx/, 'the ingress rule admits the ingress controller');
      assert.match(text, /Deployment ingress-nginx\/ingress-nginx-controller/);
      assert.match(text, /TCP\/8080/);
      assert.match(text, /Default deny/);
      const before = await postedCount(page);
      await page.getByRole('button', { name: 'ingress[0]' }).click();
      const reveal = await waitPosted(page, 'reveal', before);
      const rule = result.policy!.rules.find((r) => r.direction === 'ingress' && r.index === 0)!;
      assert.deepEqual(reveal.location, rule.location);
      assert.match(String((reveal.location as { uri: string }).uri), /examples\/policies\/hydro\/app\.yaml$/);
    });
  });

  test('the matrix: every namespace, grouped by tenant, each cell with a symbol, a label and the ports', async () => {
    await withPage(h, undefined, async (page) => {
      const result = data.result();
      const m = result.matrix!;
      await showMatrix(page, result);
      const n = m.namespaces.length + new Set(m.namespaces.map((x) => x.tenant ?? '')).size;
      assert.equal(await page.locator('#grid').getAttribute('aria-rowcount'), String(n + 1));
      assert.equal(await page.locator('[role=gridcell]').count(), n * n, 'small workspaces: every cell is rendered');
      for (const t of ['hydro', 'solar', 'wind', '(no tenant)']) {
        assert.equal(await page.locator(`.row-head.tenant`, { hasText: t }).count(), 1, `tenant row ${t}`);
      }
      // Every connection the engine reports is a cell with its level and ports, and nothing else is.
      const connected = await page.locator('.cell:not(.agg):not(.none)').count();
      assert.equal(connected, m.cells.length);
      for (const c of m.cells) {
        const src = m.namespaces[c.src].name;
        const dst = m.namespaces[c.dst].name;
        const e = cell(page, src, dst);
        assert.equal(await e.getAttribute('data-level'), c.level, `${src} → ${dst}`);
        const label = (await e.getAttribute('aria-label'))!;
        assert.equal(await e.getAttribute('title'), label);
        if (c.level === 'some') assert.ok(label.includes(c.ports), `${label} lists ${c.ports}`);
        assert.equal(await e.textContent(), (c.level === 'all' ? '●' : '◐') + (c.uncertain ? '?' : ''));
      }
      const db = cell(page, 'hydro-app', 'hydro-data');
      assert.equal(await db.getAttribute('data-level'), 'some');
      assert.match((await db.getAttribute('aria-label'))!, /TCP\/5432/);
      assert.equal(await cell(page, 'wind-api', 'solar-db').getAttribute('data-level'), 'none');
      assert.equal(await cell(page, 'wind-api', 'solar-db').textContent(), '·');
      assert.match((await cell(page, 'wind-api', 'solar-db').getAttribute('class'))!, /\bcross\b/);

      // Collapse: tenant × tenant.
      await page.click('#collapse-all');
      assert.equal(await page.locator('[role=gridcell]').count(), 16);
      assert.match((await cell(page, 'hydro', 'hydro').getAttribute('aria-label'))!, /namespace pairs connected/);
      await page.locator('.row-head.tenant', { hasText: 'solar' }).click();
      assert.equal(await page.locator('.row-head.ns').count(), 3, 'solar opens into its three namespaces');
    });
  });

  test('clicking a cell asks the host to explain it, shows the walkthrough, and its links reveal the rules', async () => {
    await withPage(h, undefined, async (page) => {
      await showMatrix(page, data.result());
      const before = await postedCount(page);
      await cell(page, 'hydro-app', 'hydro-data').click();
      const ask = await waitPosted(page, 'explain', before);
      assert.deepEqual({ from: ask.from, to: ask.to }, { from: 'hydro-app', to: 'hydro-data' });
      const result = data.explain('hydro-app', 'hydro-data');
      await sendData(page, { type: 'explain', request: { from: 'hydro-app', to: 'hydro-data' }, result });
      await page.locator('#explain h3').waitFor();
      const text = await page.locator('#explain').innerText();
      assert.match(text, /hydro-app → hydro-data/);
      assert.match(text, /Allowed: TCP\/5432/);
      assert.match(text, /egress: allowed/);
      assert.match(text, /ingress: allowed/);
      const links = page.locator('#explain .by button.link');
      assert.ok((await links.count()) >= 2, 'both sides name the allowing rules');
      const n = await postedCount(page);
      await links.first().click();
      const reveal = await waitPosted(page, 'reveal', n);
      assert.match(String((reveal.location as { uri: string }).uri), /^file:\/\/.*examples\/.*\.yaml$/);
    });
  });

  test('the keyboard moves through the grid and Enter explains the active cell', async () => {
    await withPage(h, undefined, async (page) => {
      await showMatrix(page, data.result());
      await page.focus('#grid');
      await page.waitForFunction(() => document.getElementById('grid')!.getAttribute('aria-activedescendant') === 'cell-0-0', null, { polling: 'raf' });
      // Row 0 is the hydro tenant; row 1 hydro-app; column 2 hydro-data.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const active = await page.locator('#grid').getAttribute('aria-activedescendant');
      assert.equal(active, 'cell-1-2');
      const label = await page.locator(`#${active}`).getAttribute('aria-label');
      assert.match(label!, /^hydro-app → hydro-data: some ports/);
      assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
      const before = await postedCount(page);
      await page.keyboard.press('Enter');
      const ask = await waitPosted(page, 'explain', before);
      assert.deepEqual({ from: ask.from, to: ask.to }, { from: 'hydro-app', to: 'hydro-data' });
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('End');
      assert.match((await page.locator('#grid').getAttribute('aria-activedescendant'))!, /^cell-0-\d+$/);
    });
  });

  test('filters by tenant or namespace and by port; exports what is shown as CSV, Markdown and SVG', async () => {
    await withPage(h, undefined, async (page) => {
      await showMatrix(page, data.result());
      await page.fill('#filter', 'solar');
      assert.deepEqual(await page.locator('.row-head.ns').allTextContents(), ['solar-backend', 'solar-db', 'solar-frontend']);
      await page.fill('#filter', 'hydro');
      await page.fill('#port', 'TCP/5432');
      assert.equal(await cell(page, 'hydro-app', 'hydro-data').getAttribute('data-level'), 'some');
      await page.fill('#filter', '');
      assert.equal(await cell(page, 'hydro-app', 'kube-system').getAttribute('data-level'), 'none', 'DNS is not TCP/5432');
      await page.fill('#port', 'UDP/53');
      assert.equal(await cell(page, 'hydro-app', 'kube-system').getAttribute('data-level'), 'some');
      await page.fill('#port', 'TCP/x');
      assert.match(await page.locator('#port-error').innerText(), /TCP\/5432/);
      await page.fill('#port', 'TCP/5432');

      let n = await postedCount(page);
      await page.selectOption('#export', 'csv');
      const csv = String((await waitPosted(page, 'export', n)).content);
      const rows = csv.trim().split('\r\n');
      assert.equal(rows.length, data.result().matrix!.namespaces.length + 1);
      assert.match(rows[0], /^from \\ to,hydro-app,hydro-data,/);
      assert.match(rows.find((r) => r.startsWith('hydro-app,'))!, /^hydro-app,,TCP\/5432,/);
      n = await postedCount(page);
      await page.selectOption('#export', 'md');
      const md = String((await waitPosted(page, 'export', n)).content);
      assert.match(md, /^\| from \\ to \| hydro-app \| hydro-data \|/);
      assert.match(md, /\| \*\*hydro-app\*\* \|  \| ◐ TCP\/5432 \|/);
      n = await postedCount(page);
      await page.selectOption('#export', 'svg');
      const svg = String((await waitPosted(page, 'export', n)).content);
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /hydro-app → hydro-data: TCP\/5432/);
    });
  });

  test('an update keeps scroll, selection and filters; the state survives a reload', async () => {
    await withPage(h, { height: 420 }, async (page) => {
      const result = data.result();
      await showMatrix(page, result);
      await page.fill('#filter', 'a');
      await cell(page, 'solar-db', 'solar-backend').click();
      await page.evaluate(() => { document.getElementById('grid')!.scrollTop = 60; });
      await page.waitForFunction(() => JSON.parse(sessionStorage.getItem('tp-state') ?? '{}').scrollTop === 60, null, { polling: 'raf' });
      // A new model (the host sends a new stamp): nothing the user set is lost, no element flashes empty.
      await page.evaluate(() => {
        const grid = document.getElementById('grid')!;
        new MutationObserver(() => { if (grid.querySelectorAll('.cell').length === 0) (window as unknown as { __emptied: boolean }).__emptied = true; })
          .observe(grid, { childList: true, subtree: true });
      });
      await sendData(page, { type: 'data', uri: 'file:///x.yaml', result: { ...result, stamp: 2 } });
      await waitStamp(page, 2);
      assert.equal(await page.evaluate(() => (window as unknown as { __emptied?: boolean }).__emptied ?? false), false);
      assert.equal(await page.inputValue('#filter'), 'a');
      assert.equal(await page.evaluate(() => document.getElementById('grid')!.scrollTop), 60);
      assert.equal(await page.locator('.cell.selected').getAttribute('aria-label').then((l) => l?.split(':')[0]), 'solar-db → solar-backend');

      await page.reload();
      await waitPosted(page, 'ready');
      const ready = await page.evaluate(() => (window as unknown as { __posted: { type: string; state?: { uri?: string } }[] }).__posted.find((m) => m.type === 'ready'));
      assert.equal(ready?.state?.uri, 'file:///x.yaml', 'the restored webview tells the host which document it followed');
      await showMatrix(page, { ...result, stamp: 3 });
      assert.equal(await page.inputValue('#filter'), 'a');
      assert.equal(await page.evaluate(() => document.getElementById('grid')!.scrollTop), 60);
      assert.equal(await page.locator('.cell.selected').count(), 1);
    });
  });

  test('hostile names from the workspace show as text and run nothing', async () => {
    await withPage(h, undefined, async (page) => {
      const result: PreviewResult = {
        stamp: 9,
        scope: HOSTILE,
        state: 'ready',
        matrix: {
          namespaces: [
            { name: HOSTILE, tenant: '<script>alert(2)</script>', workloads: 1 },
            { name: '"><svg onload=alert(3)>', tenant: 'other', workloads: 1 },
          ],
          tenants: [{ name: '<script>alert(2)</script>', namespaces: [0] }, { name: 'other', namespaces: [1] }],
          cells: [{ src: 0, dst: 1, level: 'some', ports: `TCP/80 ${HOSTILE}` }],
        },
        policy: {
          id: 'x', kind: 'NetworkPolicy', name: HOSTILE, namespace: HOSTILE,
          location: { uri: 'file:///x.yaml', range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } } },
          instances: [], selects: [{ namespace: HOSTILE, workloads: [HOSTILE], allPods: false }],
          isolates: { ingress: true, egress: false },
          rules: [{ direction: 'ingress', index: 0, effect: 'allow', admits: [{ tenant: HOSTILE, namespaces: [{ namespace: HOSTILE, workloads: [], ports: HOSTILE }] }], externals: [{ range: HOSTILE, ports: 'all' }], notes: [HOSTILE] }],
        },
      };
      await sendData(page, { type: 'data', uri: 'file:///x.yaml', result });
      await page.locator('#policy-view h2').waitFor();
      assert.ok((await page.locator('#policy-view').innerText()).includes(HOSTILE));
      assert.ok((await page.locator('#scope').innerText()).includes(HOSTILE));
      await showMatrix(page, result);
      assert.ok((await page.locator('#grid').innerText()).includes(HOSTILE));
      assert.ok((await page.locator('#grid').innerText()).includes('<script>alert(2)</script>'));
      const cross = page.locator('.cell.some:not(.agg)');
      assert.match((await cross.getAttribute('class'))!, /\bcross\b/, 'a connection between two tenants stands out');
      assert.ok((await cross.getAttribute('aria-label'))!.includes(HOSTILE));
      await cross.click();
      await sendData(page, { type: 'explain', request: { from: HOSTILE, to: '"><svg onload=alert(3)>' }, result: { from: HOSTILE, to: HOSTILE, allowed: HOSTILE, uncertain: false, steps: [{ side: 'egress', verdict: HOSTILE, ports: HOSTILE, by: [{ label: HOSTILE }] }], text: HOSTILE } });
      await page.locator('#explain h3').waitFor();
      assert.ok((await page.locator('#explain').innerText()).includes(HOSTILE));
      assert.equal(await page.locator('img, svg, script:not([src])').count(), 0, 'no element was made from data');
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned), 0);
      // Garbage messages are ignored.
      await sendData(page, null);
      await sendData(page, { type: 'data', result: { stamp: 10, matrix: { namespaces: [], tenants: [], cells: [{ src: 5, dst: -1 }] } } });
      await waitStamp(page, 10);
      assert.match(await page.locator('#grid').innerText(), /No namespaces/);
    });
  });

  test('screenshots in the dark and light themes', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const theme of ['dark', 'light'] as const) {
      await withPage(h, { theme, width: 1000, height: 720 }, async (page) => {
        await showMatrix(page, data.result());
        await cell(page, 'hydro-app', 'hydro-data').click();
        await sendData(page, { type: 'explain', request: { from: 'hydro-app', to: 'hydro-data' }, result: data.explain('hydro-app', 'hydro-data') });
        await page.locator('#explain h3').waitFor();
        const file = join(ARTIFACTS, `preview-${theme}.png`);
        await page.screenshot({ path: file });
        assert.ok(existsSync(file));
        // docs/images holds the README's copies; refreshed on request (TENANT_POLICY_UPDATE_IMAGES=1) or when missing.
        const doc = join(root, 'docs', 'images', `preview-${theme}.png`);
        if (process.env.TENANT_POLICY_UPDATE_IMAGES === '1' || !existsSync(doc)) {
          mkdirSync(join(root, 'docs', 'images'), { recursive: true });
          copyFileSync(file, doc);
        }
      });
    }
  });
});

describe('the preview webview on the 600-namespace bench workspace', { skip: !existsSync(BENCH) && 'no ../shared/bench' }, () => {
  test('renders only the visible cells, and reports its first paint', async () => {
    const big = await loadData(BENCH);
    const result = big.result();
    const n = result.matrix!.namespaces.length;
    assert.ok(n >= 600, `${n} namespaces`);
    await withPage(h, { width: 1280, height: 900 }, async (page) => {
      const firstPaint = await page.evaluate(async (result) => {
        const t0 = performance.now();
        window.postMessage({ type: 'data', uri: 'file:///big.yaml', result }, '*');
        const grid = document.getElementById('grid')!;
        while (grid.dataset.stamp !== String(result.stamp)) await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      }, result);
      // Many namespaces: opens tenant × tenant; expanded, the 600 × 600 namespace grid.
      const tenantRows = Number(await page.locator('#grid').getAttribute('aria-rowcount')) - 1;
      const expandMs = await page.evaluate(async () => {
        const t0 = performance.now();
        document.getElementById('expand-all')!.click();
        await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      });
      const rows = Number(await page.locator('#grid').getAttribute('aria-rowcount')) - 1;
      assert.ok(rows >= n, `${rows} rows`);
      const rendered = await page.locator('[role=gridcell]').count();
      assert.ok(rendered > 0 && rendered < 5000, `${rendered} cells in the DOM for ${rows} × ${rows}`);
      const scrollMs = await page.evaluate(async () => {
        const grid = document.getElementById('grid')!;
        const t0 = performance.now();
        grid.scrollTop = grid.scrollHeight / 2;
        grid.scrollLeft = grid.scrollWidth / 2;
        const before = grid.querySelector('.cell')?.id;
        while (grid.querySelector('.cell')?.id === before) await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - t0;
      });
      const mid = await page.locator('.row-head.ns').first().textContent();
      assert.ok(mid && mid.length > 0);
      console.log(`# webview 600 ns: first paint ${firstPaint.toFixed(0)} ms (${tenantRows} tenant rows), expand all ${expandMs.toFixed(0)} ms (${rows} × ${rows}, ${rendered} cells rendered), scroll to the middle ${scrollMs.toFixed(0)} ms`);
    });
  });
});
