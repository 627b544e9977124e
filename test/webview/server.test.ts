// The webview fed by the real language server: the test plays the extension host, relaying
// `tenantPolicy/preview` and `tenantPolicy/explain` between the server (over stdio, as VS Code runs it)
// and the webview (in headless Chromium, with the real HTML shell and CSP). An edit to a policy changes
// the matrix cell in place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { ExplainRequest, type ExplainResult } from '../../server/src/protocol';
import { TestClient, rangeOf, repoRoot } from '../lsp/client';
import { ModelWatch } from '../lsp/model-watch';
import { cell as cellOf, cspViolations, postedCount, sendData, startHarness, waitPosted, waitStamp, type Harness } from './harness';

const EXAMPLES = join(repoRoot, 'examples');
const REL = 'policies/solar/database.yaml';
const uri = pathToFileURL(join(EXAMPLES, REL)).href;
const text = readFileSync(join(EXAMPLES, REL), 'utf8');

describe('the preview webview with the language server', () => {
  let h: Harness;
  let client: TestClient;
  let models: ModelWatch;
  let page: Page;

  before(async () => {
    [h, client] = await Promise.all([startHarness(), TestClient.start({ folders: [EXAMPLES] })]);
    models = new ModelWatch(client);
    page = await h.open();
  });
  after(async () => {
    await page?.close();
    await h?.close();
    await client?.shutdown();
  });

  const cell = (row: string, col: string) => cellOf(page, row, col);

  test('shows the policy under the cursor and the matrix the server computed; a cell explains through the server', async () => {
    const position = rangeOf(text, 'app: api').start;
    const result = await models.preview({ uri, position });
    await sendData(page, { type: 'data', uri, result });
    await page.locator('#policy-view h2').waitFor();
    assert.match(await page.locator('#policy-view h2').innerText(), /NetworkPolicy solar-db\/postgres/);
    assert.match(await page.locator('#policy-view').innerText(), /solar-backend/);
    await page.click('#tab-matrix');
    await waitStamp(page, result.stamp);
    const m = result.matrix!;
    assert.equal(await page.locator('.cell:not(.agg):not(.none)').count(), m.cells.length);
    const label = (await cell('solar-backend', 'solar-db').getAttribute('aria-label'))!;
    assert.match(label, /5432/);

    const n = await postedCount(page);
    await cell('solar-backend', 'solar-db').click();
    const ask = await waitPosted(page, 'explain', n);
    const explained = await client.request<ExplainResult>(ExplainRequest.method, { uri, from: { namespace: String(ask.from) }, to: { namespace: String(ask.to) } });
    await sendData(page, { type: 'explain', request: { from: ask.from, to: ask.to, port: ask.port }, result: explained });
    await page.locator('#explain h3').waitFor();
    const shown = await page.locator('#explain').innerText();
    assert.match(shown, /solar-backend → solar-db/);
    assert.match(shown, /5432/);
    const links = page.locator('#explain .by button.link');
    assert.ok((await links.count()) > 0);
    const k = await postedCount(page);
    await links.first().click();
    const reveal = await waitPosted(page, 'reveal', k);
    assert.match(String((reveal.location as { uri: string }).uri), /^file:.*examples\/policies\/solar\//);
    assert.deepEqual(await cspViolations(page), []);
  });

  test('an edit of the policy changes the cell in place (the panel update as in VS Code, without VS Code)', async () => {
    const position = rangeOf(text, 'app: api').start;
    const before = await models.preview({ uri, position });
    await client.open(uri, text);
    // The rule admits the API pods of solar-backend; admitting other pods cuts solar-backend → solar-db.
    const edited = text.replace('app: api', 'app: nobody');
    assert.notEqual(edited, text);
    assert.match((await cell('solar-backend', 'solar-db').getAttribute('aria-label'))!, /TCP\/5432/);
    const t0 = performance.now();
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: rangeOf(text, text.slice(-1), text.length - 1).end }, newText: edited }]);
    const after = await models.previewAfter(before.stamp, { uri, position });
    const serverMs = performance.now() - t0;
    await sendData(page, { type: 'data', uri, result: after });
    await waitStamp(page, after.stamp);
    const renderedMs = performance.now() - t0;
    const label = (await cell('solar-backend', 'solar-db').getAttribute('aria-label'))!;
    assert.equal(label, 'solar-backend → solar-db: no connection');
    assert.equal(await cell('solar-backend', 'solar-db').getAttribute('data-level'), 'none');
    console.log(`# webview + server on examples/: edit → new preview ${serverMs.toFixed(0)} ms, → cell updated in the webview ${renderedMs.toFixed(0)} ms`);
    assert.deepEqual(await cspViolations(page), []);
  });
});
