// Real VS Code for the end-to-end tests: code-server 4.100.3 (installed by scripts/e2e-setup.sh) with the
// packaged tenant-policy.vsix installed, driven through Debian's headless Chromium with playwright-core.
// One code-server serves every VS Code test of a run; each test opens its own temporary folder in a new
// page. Everything waits on DOM states (a row in the Problems panel, a hover widget, a focused menu row)
// or on the file on disk; the time limits only turn a hang into a failure.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { ensureVsix } from '../../package/vsix';
import { LIMIT_MS } from '../support';

const execFileP = promisify(execFile);

/** Where scripts/e2e-setup.sh installs it ($CODE_SERVER_DIR, default /tmp/cs), unless $CODE_SERVER names it. */
export const CODE_SERVER = process.env.CODE_SERVER ?? join(process.env.CODE_SERVER_DIR ?? '/tmp/cs', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Polls `probe` until it returns a value (a state on disk or over HTTP); fails after `ms`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = LIMIT_MS): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve().then(probe).catch(() => undefined);
    if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The user settings: a quiet workbench (no welcome page, tips, trust prompt or update checks). */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'files.autoSave': 'off',
  'window.commandCenter': false,
};

export interface Problem {
  file: string;
  severity: string;
  message: string;
  line: number;
  col: number;
  code: string | null;
}

export class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly browser: Browser,
    readonly base: string,
    private readonly tmp: string,
    readonly timings: Record<string, number>,
  ) {}

  /** Installs the .vsix into a private extensions folder and starts code-server and Chromium. */
  static async start(): Promise<CodeServer> {
    const timings: Record<string, number> = {};
    let t = Date.now();
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server not found at ${CODE_SERVER}: run scripts/e2e-setup.sh (or set CODE_SERVER)`);
    const vsix = ensureVsix();
    timings.package = Date.now() - t;
    const tmp = mkdtempSync(join(tmpdir(), 'tenant-policy-code-server-'));
    const home = join(tmp, 'home');
    const userData = join(tmp, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    // Its own config file, or code-server writes one with a generated password under $HOME.
    const config = join(tmp, 'config.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local', 'share') };
    const base = ['--config', config, '--user-data-dir', userData, '--extensions-dir', join(tmp, 'extensions')];
    t = Date.now();
    const installed = await execFileP(CODE_SERVER, [...base, '--install-extension', vsix, '--force'], { env, timeout: 2 * LIMIT_MS });
    if (!/successfully installed/i.test(installed.stdout + installed.stderr)) throw new Error(`installing the .vsix failed:\n${installed.stdout}\n${installed.stderr}`);
    timings.install = Date.now() - t;

    t = Date.now();
    const port = await freePort();
    const log = openSync(join(tmp, 'code-server.log'), 'a');
    // Its own process group, so code-server and its extension hosts end together.
    const child = spawn(CODE_SERVER, [...base, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
    { env, stdio: ['ignore', log, log], detached: true });
    const url = `http://127.0.0.1:${port}`;
    await until('code-server /healthz', async () => (await fetch(`${url}/healthz`)).ok || undefined);
    timings.codeServer = Date.now() - t;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    return new CodeServer(child, browser, url, tmp, timings);
  }

  /** A new window on `folder`, with the workbench loaded. */
  async open(folder: string): Promise<Workbench> {
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(LIMIT_MS);
    await page.goto(`${this.base}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor();
    await page.locator('#status\\.problems').waitFor();
    return new Workbench(page, folder);
  }

  log(): string {
    try {
      return readFileSync(join(this.tmp, 'code-server.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    if (this.child.exitCode === null && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([new Promise((r) => this.child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) {
        try {
          process.kill(-this.child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** One VS Code window: the things a person does with the keyboard, and what they read on screen. */
export class Workbench {
  constructor(readonly page: Page, readonly folder: string) {}

  /** Quick Open (Ctrl+P), type the path, Enter; resolves when the file's tab is active. */
  async openFile(rel: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(rel);
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.keyboard.press('Enter');
    const name = rel.split('/').pop()!;
    await page.locator('.tabs-container .tab.active .label-name', { hasText: name }).waitFor();
    await page.locator('.editor-instance .monaco-editor .view-lines').waitFor();
  }

  /** Runs a command from the palette (F1) by its title. */
  async command(title: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Focuses the editor and moves the cursor to LINE:COL (1-based) with Go to Line (Ctrl+G). */
  async goto(line: number, col: number): Promise<void> {
    const page = this.page;
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(`${line}:${col}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.locator('.monaco-editor .cursors-layer .cursor').first().waitFor();
    await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${col}` }).waitFor();
  }

  /** Opens the Problems panel (Ctrl+Shift+M). */
  async showProblems(): Promise<void> {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor();
  }

  /** Types `text` into the Problems panel's filter (the list is virtualised: only what fits is rendered). */
  async filterProblems(text: string): Promise<void> {
    const input = this.page.locator('.viewpane-filter input').first();
    await input.fill(text);
    await this.page.locator('.markers-panel .monaco-list-row').first().waitFor();
  }

  /** The Problems panel's rows, each marker with the file row above it. */
  async problems(): Promise<Problem[]> {
    const rows = await this.page.$$eval('.markers-panel .monaco-list-row', (els) => els.map((r) => ({
      aria: r.getAttribute('aria-label') ?? '',
      text: (r.textContent ?? '').trim(),
      level: r.getAttribute('aria-level'),
      name: (r.querySelector('.label-name')?.textContent ?? '').trim(),
    })));
    const out: Problem[] = [];
    let file = '';
    for (const r of rows) {
      if (r.level === '1') {
        file = r.name;
        continue;
      }
      // Marker rows read "Error: MESSAGE at line L and character C. generated by SOURCE"; the visible text
      // is "MESSAGE SOURCE(CODE) [Ln L, Col C]", which has the code.
      const m = /^(Error|Warning|Info|Information|Hint)?:?\s*([\s\S]*?) at line (\d+) and character (\d+)\.(?: generated by ([\s\S]*))?$/.exec(r.aria);
      if (!m) continue;
      const source = (m[5] ?? '').trim();
      let rest = r.text.startsWith(m[2]) ? r.text.slice(m[2].length) : '';
      rest = rest.replace(/\[Ln \d+, Col \d+\]$/, '').trim();
      if (source && rest.startsWith(source)) rest = rest.slice(source.length);
      const code = rest.replace(/^\(|\)$/g, '').trim() || null;
      out.push({ file, severity: m[1] ?? '', message: m[2], line: Number(m[3]), col: Number(m[4]), code });
    }
    return out;
  }

  /** Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once it has `expect`. */
  async hover(expect: RegExp): Promise<string> {
    const page = this.page;
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const widget = page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: expect }).first();
    await widget.waitFor();
    return (await widget.innerText()).trim();
  }

  /** Opens the quick fix menu (Ctrl+.) and returns the titles offered, the menu left open. */
  async quickFixes(): Promise<string[]> {
    const page = this.page;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    const rows = page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor();
    return rows.evaluateAll((els) => els.map((r) => (r.querySelector('.title') ?? r).textContent!.trim()));
  }

  /** In the open quick fix menu: arrows down until `title` is focused, then Enter. */
  async chooseQuickFix(title: string, offered: string[]): Promise<void> {
    const page = this.page;
    const focused = page.locator('.action-widget .monaco-list-row.action.focused');
    for (let i = 0; i <= offered.length; i++) {
      await focused.waitFor();
      const now = ((await focused.locator('.title').textContent()) ?? '').trim();
      if (now === title) {
        await page.keyboard.press('Enter');
        await page.locator('.action-widget').waitFor({ state: 'hidden' });
        return;
      }
      await page.keyboard.press('ArrowDown');
      await page.locator('.action-widget .monaco-list-row.action.focused .title', { hasNotText: now }).waitFor();
    }
    throw new Error(`no quick fix "${title}" among ${offered.join(' | ')}`);
  }

  /** Ctrl+S, resolved when the tab no longer shows unsaved changes. */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active:not(.dirty)').waitFor();
  }

  /** The webview frame whose document has `selector` (code-server nests it in two iframes). */
  async webviewFrame(selector: string): Promise<Frame> {
    return until(`a webview with ${selector}`, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (await frame.$(selector).catch(() => null)) return frame;
      }
      return undefined;
    });
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
