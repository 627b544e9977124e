// The matrix's PNG export in headless Chromium with the real shell and CSP: the webview draws the SVG
// export into a canvas and posts the PNG as base64; the bytes are decoded here as the host decodes them
// (client/src/preview/export-file.ts), and the image is read back pixel by pixel to see the matrix in it.
// The 600-namespace bench workspace is scaled down to the size cap, and the UI says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PreviewResult } from '../../server/src/protocol';
import { exportBytes, pngSize } from '../../client/src/preview/export-file';
import { MAX_PNG_SIDE } from '../../client/webview/raster';
import { loadData, type WorkspaceData } from './data';
import { BENCH, HOSTILE, postedCount, showMatrix, startHarness, waitPosted, withPage, type Harness, type Posted } from './harness';

const root = join(__dirname, '..', '..');

let h: Harness;
let data: WorkspaceData;

before(async () => {
  [h, data] = await Promise.all([startHarness(), loadData(join(root, 'examples'))]);
});
after(async () => {
  await h?.close();
});

async function exportPng(page: Page): Promise<{ message: Posted; bytes: Uint8Array; ms: number }> {
  const n = await postedCount(page);
  const t0 = Date.now();
  await page.selectOption('#export', 'png');
  const message = await waitPosted(page, 'export', n);
  const ms = Date.now() - t0;
  assert.equal(message.format, 'png');
  const bytes = exportBytes('png', message.content);
  assert.ok(bytes, 'the content is base64 of a PNG');
  return { message, bytes, ms };
}

/** Counts the pixels of the SVG's cell colours in the PNG, read back through a canvas in the page. */
function countColours(page: Page, base64: string): Promise<{ width: number; height: number; green: number; yellow: number; red: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    // Counted inline: a helper function here would be renamed by the test's transpiler (`__name`).
    const counts = [0, 0, 0];
    const colours = [[0x3f, 0xa3, 0x4d], [0xf2, 0xc1, 0x4e], [0xc6, 0x28, 0x28]];
    for (let i = 0; i < px.length; i += 4) {
      for (let k = 0; k < 3; k++) {
        if (Math.abs(px[i] - colours[k][0]) < 8 && Math.abs(px[i + 1] - colours[k][1]) < 8 && Math.abs(px[i + 2] - colours[k][2]) < 8) counts[k]++;
      }
    }
    return { width: c.width, height: c.height, green: counts[0], yellow: counts[1], red: counts[2] };
  }, base64);
}

describe('PNG export of the matrix', () => {
  test('examples/: a PNG of the SVG export at twice its size, with the cells drawn, and no CSP violation', async () => {
    await withPage(h, undefined, async (page) => {
      await showMatrix(page, data.result());
      // The SVG export first: the PNG must be the same picture.
      const n = await postedCount(page);
      await page.selectOption('#export', 'svg');
      const svg = String((await waitPosted(page, 'export', n)).content);
      const [, w, hgt] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      const { message, bytes } = await exportPng(page);
      const size = pngSize(bytes)!;
      assert.deepEqual(size, { width: w * 2, height: hgt * 2 }, 'small matrices are drawn at 2×');
      assert.deepEqual({ width: message.width, height: message.height }, size, 'the message says the size it drew');
      assert.equal(message.note, undefined, 'nothing was scaled down');
      assert.equal(Buffer.from(bytes.subarray(0, 8)).toString('hex'), '89504e470d0a1a0a');
      const colours = await countColours(page, String(message.content));
      assert.deepEqual({ width: colours.width, height: colours.height }, size);
      // "some ports" cells (hydro-app → hydro-data, TCP 5432) are yellow; each 16-unit cell is ~32 × 32 px.
      assert.ok(colours.yellow > 500, `${colours.yellow} yellow pixels`);
      assert.ok(colours.green + colours.yellow > 1000, `${colours.green} green pixels`);
      assert.equal(await page.locator('#export-status').innerText(), '');
      assert.equal(await page.isDisabled('#export'), false, 'the menu is usable again');
      // A second export works the same (nothing left busy).
      const again = await exportPng(page);
      assert.deepEqual(pngSize(again.bytes), size);
    });
  });

  test('hostile names go into the PNG as text: no script runs, no CSP violation', async () => {
    await withPage(h, undefined, async (page) => {
      const result: PreviewResult = {
        stamp: 5, scope: 'x', state: 'ready',
        matrix: {
          namespaces: [{ name: HOSTILE, tenant: 'a', workloads: 1 }, { name: '"]]></svg><svg onload=alert(2)>&amp;', tenant: 'b', workloads: 1 }],
          tenants: [{ name: 'a', namespaces: [0] }, { name: 'b', namespaces: [1] }],
          cells: [{ src: 0, dst: 1, level: 'some', ports: `TCP/80 ${HOSTILE}` }],
        },
      };
      await showMatrix(page, result);
      const { message, bytes } = await exportPng(page);
      assert.ok(pngSize(bytes)!.width > 0);
      const colours = await countColours(page, String(message.content));
      assert.ok(colours.red > 0, 'the cross-tenant cell has its red border');
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned), 0);
    });
  });
});

describe('PNG export on the 600-namespace bench workspace', { skip: !existsSync(BENCH) && 'no ../shared/bench' }, () => {
  test('the PNG is capped at the maximum side and the panel says it was scaled down', async () => {
    const big = await loadData(BENCH);
    const result = big.result();
    await withPage(h, { width: 1280, height: 900 }, async (page) => {
      await showMatrix(page, result);
      const { message, bytes, ms } = await exportPng(page);
      const size = pngSize(bytes)!;
      assert.ok(size.width > 0 && size.height > 0);
      assert.ok(Math.max(size.width, size.height) <= MAX_PNG_SIDE, `${size.width} × ${size.height}`);
      assert.ok(Math.max(size.width, size.height) > MAX_PNG_SIDE - 2, 'drawn as large as allowed');
      assert.match(String(message.note), /scaled down to \d+ × \d+ px .*Export SVG for full resolution/);
      assert.equal(await page.locator('#export-status').innerText(), message.note, 'the panel shows the note');
      console.log(`# png export ${result.matrix!.namespaces.length} ns: ${size.width} × ${size.height} px, ${(bytes.length / 1e6).toFixed(1)} MB, ${ms} ms`);
    });
  });
});
