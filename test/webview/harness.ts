// The webview under test: the real bundle (built here from build.config.mjs) and the real HTML shell
// (client/src/preview/html.ts, CSP included), served from a tiny local HTTP server and opened in Debian's
// headless Chromium through playwright-core. A stub `acquireVsCodeApi` is injected before any page script
// (an init script, which the CSP does not apply to): it records what the webview posts and keeps its
// state in sessionStorage, so a reload finds it like VS Code's getState does. CSP violations are recorded.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { previewHtml } from '../../client/src/preview/html';
import type { PreviewResult } from '../../server/src/protocol';

export const CHROMIUM = '/usr/bin/chromium';
/** The 600-namespace workspace of the shared benchmarks; the tests on it are skipped, and say so, without it. */
export const BENCH = '/work/shared/bench/workspace-600ns';
/** A name that would run script if the webview ever wrote data as HTML. */
export const HOSTILE = '<img src=x onerror=alert(1)>';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface Harness {
  browser: Browser;
  origin: string;
  open(options?: { theme?: 'dark' | 'light'; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

const INIT = `(() => {
  window.__posted = [];
  window.__csp = [];
  window.__pwned = 0;
  window.alert = () => { window.__pwned++; };
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => { const s = sessionStorage.getItem('tp-state'); return s ? JSON.parse(s) : undefined; },
      setState: (s) => sessionStorage.setItem('tp-state', JSON.stringify(s)),
    };
  };
})();`;

/** A few of VS Code's theme variables (Dark+ and Light+), set the way VS Code sets them: on <html>. */
export const THEMES = {
  dark: {
    'editor-background': '#1e1e1e', foreground: '#cccccc', descriptionForeground: '#ccccccb3', 'panel-border': '#80808059',
    'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-red': '#f14c4c', focusBorder: '#007fd4',
    'textLink-foreground': '#3794ff', 'input-background': '#3c3c3c', 'input-foreground': '#cccccc',
    'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#cccccc', 'sideBar-background': '#252526',
    'editorWarning-foreground': '#cca700', 'errorForeground': '#f48771', 'font-family': 'sans-serif', 'font-size': '13px',
  },
  light: {
    'editor-background': '#ffffff', foreground: '#616161', descriptionForeground: '#717171', 'panel-border': '#80808059',
    'charts-green': '#388a34', 'charts-yellow': '#bf8803', 'charts-red': '#e51400', focusBorder: '#0090f1',
    'textLink-foreground': '#006ab1', 'input-background': '#ffffff', 'input-foreground': '#616161', 'input-border': '#cecece',
    'button-secondaryBackground': '#5f6a79', 'button-secondaryForeground': '#ffffff', 'sideBar-background': '#f3f3f3',
    'editorWarning-foreground': '#bf8803', 'errorForeground': '#a1260d', 'font-family': 'sans-serif', 'font-size': '13px',
  },
} as const;

export async function startHarness(): Promise<Harness> {
  // @ts-expect-error: a plain .mjs module without type declarations.
  const { BUNDLES } = await import('../../build.config.mjs');
  const out = mkdtempSync(join(tmpdir(), 'tenant-policy-webview-'));
  await build({ ...BUNDLES.webview, outfile: join(out, 'webview.js'), sourcemap: false, logLevel: 'silent' });
  const files: Record<string, { type: string; body: Buffer }> = {
    '/webview.js': { type: 'text/javascript', body: readFileSync(join(out, 'webview.js')) },
    '/webview.css': { type: 'text/css', body: readFileSync(join(out, 'webview.css')) },
  };
  rmSync(out, { recursive: true, force: true });
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      const html = previewHtml({ cspSource: origin, nonce: randomBytes(18).toString('base64url'), scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const f = files[path];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f.type }).end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  return {
    browser,
    origin,
    async open(options = {}) {
      const page = await browser.newPage({ viewport: { width: options.width ?? 1100, height: options.height ?? 800 } });
      await page.addInitScript(INIT);
      await page.goto(`${origin}/`);
      await page.evaluate(({ vars, theme }) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
        document.body.classList.add(theme === 'dark' ? 'vscode-dark' : 'vscode-light');
      }, { vars: THEMES[options.theme ?? 'dark'], theme: options.theme ?? 'dark' });
      await waitPosted(page, 'ready');
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Posted = { type: string; [k: string]: unknown };

/** Waits until the webview has posted a message of this type (after `after` earlier ones); returns it. */
export async function waitPosted(page: Page, type: string, after = 0): Promise<Posted> {
  const handle = await page.waitForFunction(
    ({ type, after }) => (window as unknown as { __posted: Posted[] }).__posted.slice(after).find((m) => m.type === type),
    { type, after },
    { timeout: 15000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as Posted;
}

export function postedCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.length);
}

/** Posts a message to the webview as the host would; it does not wait for what the webview does with it. */
export async function sendData(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Resolves when the grid has been drawn from the result with this stamp. */
export async function waitStamp(page: Page, stamp: number): Promise<void> {
  await page.waitForFunction((s) => document.getElementById('grid')?.dataset.stamp === String(s), stamp, { polling: 'raf' });
}

/** Sends a result, switches to the matrix and resolves when the grid shows it. */
export async function showMatrix(page: Page, result: PreviewResult, uri = 'file:///x.yaml'): Promise<void> {
  await sendData(page, { type: 'data', uri, result });
  await page.click('#tab-matrix');
  await waitStamp(page, result.stamp);
}

/** The matrix cell of a row and a column, by their labels. */
export function cell(page: Page, row: string, col: string): Locator {
  return page.locator(`.cell[data-row="${row}"][data-col="${col}"]`);
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

/** Opens a page, runs `body` on it, checks that nothing violated the CSP meanwhile, and closes the page. */
export async function withPage(h: Harness, options: Parameters<Harness['open']>[0], body: (page: Page) => Promise<void>): Promise<void> {
  const page = await h.open(options);
  try {
    await body(page);
    assert.deepEqual(await cspViolations(page), [], 'CSP violations');
  } finally {
    await page.close();
  }
}
