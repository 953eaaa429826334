// VS Code (code-server) + Debian's Chromium driven by playwright-core: installs the built
// .vsix, opens the fixture workspace and checks diagnostics, hover, a quick fix and the
// Compose file. Writes its result as JSON to DOCKWISE_OUT; exit status 0 pass, 1 a check
// failed, 2 harness error. Environment: CODE_SERVER, DOCKWISE_VSIX, DOCKWISE_WS, DOCKWISE_OUT,
// DOCKWISE_SERVER (the dockwise executable), DOCKWISE_STATE (scratch dir), DOCKWISE_ARTIFACTS (screenshots), CHROMIUM.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
const codeServer = env('CODE_SERVER');
const vsix = env('DOCKWISE_VSIX');
const ws = env('DOCKWISE_WS');
const out = env('DOCKWISE_OUT');
const S = env('DOCKWISE_STATE');
const artifacts = env('DOCKWISE_ARTIFACTS');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const R = { checks: {}, timings: {}, notes: {} };
const t0 = Date.now();
const mark = (k) => { R.timings[k] = Date.now() - t0; };
const check = (name, ok, detail) => { R.checks[name] = { ok: !!ok, detail }; return ok; };

function csEnv() {
  const e = { ...process.env };
  for (const [k, d] of [['XDG_CONFIG_HOME', 'config'], ['XDG_DATA_HOME', 'data'], ['XDG_CACHE_HOME', 'cache'], ['TMPDIR', 'tmp']]) {
    e[k] = path.join(S, d);
    fs.mkdirSync(e[k], { recursive: true });
  }
  // no gallery calls: point the marketplace at a closed loopback port
  e.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' });
  return e;
}

const SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false, 'editor.hover.delay': 100, 'files.autoSave': 'off',
  'files.hotExit': 'off', 'window.restoreWindows': 'none', 'workbench.editor.restoreViewState': false,
  'git.enabled': false, 'git.openRepositoryInParentFolders': 'never', 'workbench.colorTheme': 'Default Light Modern',
};

function healthz(url) {
  return new Promise((resolve) => {
    http.get(`${url}/healthz`, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
  });
}

async function startCodeServer(e) {
  const log = fs.openSync(path.join(S, 'code-server.log'), 'w');
  const args = ['--config', path.join(S, 'config.yaml'), '--user-data-dir', path.join(S, 'user'),
    '--extensions-dir', path.join(S, 'ext'), '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', ws];
  const proc = spawn(codeServer, args, { env: e, stdio: ['ignore', log, log] });
  let url;
  const end = Date.now() + 60000;
  while (Date.now() < end && !url) {
    const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fs.readFileSync(path.join(S, 'code-server.log'), 'utf8'));
    if (m) url = m[1];
    else await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) throw new Error('code-server did not start: ' + fs.readFileSync(path.join(S, 'code-server.log'), 'utf8').slice(-2000));
  while (Date.now() < end && !(await healthz(url))) await new Promise((r) => setTimeout(r, 100));
  return { proc, url };
}

async function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

async function goTo(page, line, col) {
  await page.keyboard.press('Control+g');
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(150);
}

async function openFromExplorer(page, name) {
  await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).first().click();
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .view-lines').first().click();
}

async function run(page, url) {
  await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  mark('explorer_ms');

  // Dockerfile: diagnostics in the Problems panel
  await openFromExplorer(page, 'Dockerfile');
  await page.keyboard.press('Control+Shift+M');
  const latestRow = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'latest' }).first();
  await latestRow.waitFor({ timeout: 25000 }).catch(() => undefined);
  mark('dockerfile_problems_ms');
  R.dockerfile_problems = await problemRows(page);
  check('problems_dockerfile', R.dockerfile_problems.some((r) => r.includes('DF202') && r.includes('latest')), R.dockerfile_problems);
  R.status_items = await page.locator('.statusbar-item').allInnerTexts();
  check('status_item', R.status_items.some((t) => t.includes('dockwise')), R.status_items);
  R.language_mode = await page.locator('[id="status.editor.mode"]').innerText().catch(() => null);

  // hover the image of line 1 (`FROM python:3.12 AS build`)
  await goTo(page, 1, 8);
  await page.keyboard.press('Control+k');
  await page.keyboard.press('Control+i');
  const hover = page.locator('.monaco-hover').filter({ hasText: 'compressed' }).first();
  await hover.waitFor({ timeout: 20000 }).catch(() => undefined);
  R.hover = await hover.innerText().catch(() => null);
  check('hover_image', R.hover && R.hover.includes('python:3.12') && R.hover.includes('MB'), R.hover);
  await page.keyboard.press('Escape');
  mark('hover_ms');

  // quick fix on `FROM python:latest` (line 6)
  await goTo(page, 6, 15);
  await page.keyboard.press('Control+.');
  const actionRows = page.locator('.action-widget .monaco-list-row');
  await actionRows.first().waitFor({ timeout: 20000 }).catch(() => undefined);
  R.quick_fixes = await actionRows.allInnerTexts();
  const pin = actionRows.filter({ hasText: 'Pin' }).first();
  if (await pin.count()) {
    // the action widget focuses the row under the mouse; Enter applies it
    await pin.hover({ force: true });
    await page.waitForTimeout(100);
    await page.keyboard.press('Enter');
  } else {
    await page.keyboard.press('Escape');
  }
  const fixed = await page.waitForFunction(() => {
    const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' '));
    return lines.some((l) => /^FROM python:\d/.test(l) && !l.includes('3.12'));
  }, null, { timeout: 20000 }).then(() => true, () => false);
  R.editor_lines = await page.locator('.editor-instance .view-lines .view-line').allInnerTexts();
  const gone = await page.waitForFunction(() =>
    ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.innerText.includes('DF202')),
  null, { timeout: 20000 }).then(() => true, () => false);
  check('quick_fix_pin', fixed && gone, { quick_fixes: R.quick_fixes, lines: R.editor_lines });
  mark('quick_fix_ms');

  // Format Document (command palette) on a badly laid out line typed at the end
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('label   a=b');
  await page.keyboard.press('F1');
  await page.keyboard.type('Format Document');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Format Document/ }).first()
    .waitFor({ timeout: 10000 }).catch(() => undefined);
  await page.keyboard.press('Enter');
  const formatted = await page.waitForFunction(() =>
    [...document.querySelectorAll('.editor-instance .view-lines .view-line')]
      .some((l) => l.textContent.replace(/\u00a0/g, ' ').trimEnd() === 'LABEL a=b'),
  null, { timeout: 20000 }).then(() => true, () => false);
  R.formatted_lines = await page.locator('.editor-instance .view-lines .view-line').allInnerTexts();
  check('format_document', formatted, R.formatted_lines);
  mark('format_ms');

  // Compose file gets diagnostics
  await openFromExplorer(page, 'compose.yaml');
  await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'DC101' }).first()
    .waitFor({ timeout: 25000 }).catch(() => undefined);
  mark('compose_problems_ms');
  R.compose_problems = await problemRows(page);
  check('problems_compose', R.compose_problems.some((r) => r.includes('DC101') && r.includes('redis')), R.compose_problems);
  R.compose_language_mode = await page.locator('[id="status.editor.mode"]').innerText().catch(() => null);

  // Format Document on the Compose file: dockwise formats Dockerfiles only, so VS Code must
  // not pick it as the Compose file's formatter (it registers for Dockerfiles only)
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('F1');
  await page.keyboard.type('Format Document');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Format Document/ }).first()
    .waitFor({ timeout: 10000 }).catch(() => undefined);
  await page.keyboard.press('Enter');
  // (VS Code's answer when no formatter is registered for the file is a dialog)
  const none = page.getByText(/There is no formatter for/).first();
  await none.waitFor({ timeout: 15000 }).catch(() => undefined);
  R.compose_format_notice = await none.innerText().catch(() => null);
  check('compose_not_formatted_by_dockwise', !!R.compose_format_notice, R.compose_format_notice);
  await page.keyboard.press('Escape');

  fs.mkdirSync(artifacts, { recursive: true });
  R.screenshot = path.join(artifacts, 'vscode-problems.png');
  await page.screenshot({ path: R.screenshot });
  const panel = page.locator('.markers-panel').first();
  if (await panel.count()) {
    R.panel_screenshot = path.join(artifacts, 'vscode-problems-panel.png');
    await panel.screenshot({ path: R.panel_screenshot }).catch(() => { R.panel_screenshot = null; });
  }
}

async function main() {
  const e = csEnv();
  fs.writeFileSync(path.join(S, 'config.yaml'), 'auth: none\ncert: false\n');
  // a fresh profile every run: hot exit would otherwise restore an edited buffer
  fs.rmSync(path.join(S, 'user'), { recursive: true, force: true });
  fs.mkdirSync(path.join(S, 'user', 'User'), { recursive: true });
  // the server by `dockwise.path` (code-server's extension host may take PATH from a login
  // shell, which drops the virtualenv)
  const settings = { ...SETTINGS, 'dockwise.path': env('DOCKWISE_SERVER') };
  fs.writeFileSync(path.join(S, 'user', 'User', 'settings.json'), JSON.stringify(settings, null, 1));
  execFileSync(codeServer, ['--config', path.join(S, 'config.yaml'), '--user-data-dir', path.join(S, 'user'),
    '--extensions-dir', path.join(S, 'ext'), '--install-extension', vsix, '--force'], { env: e, stdio: 'pipe' });
  mark('installed_ms');
  const installed = fs.readdirSync(path.join(S, 'ext')).filter((d) => d.startsWith('dockwise.dockwise-'));
  check('vsix_installed', installed.length === 1, installed);

  const { proc, url } = await startCodeServer(e);
  mark('code_server_ms');
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath, headless: true, env: e,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    R.blocked = [];
    await context.route((u) => !/^(127\.|localhost$|\[::1\]$)/.test(u.hostname) && /^(https?|wss?):$/.test(u.protocol),
      (r) => { R.blocked.push(r.request().url()); return r.abort(); });
    const page = await context.newPage();
    await run(page, url);
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    proc.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(r, 3000); proc.once('exit', () => { clearTimeout(t); r(); }); });
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  mark('total_ms');
  // the extension's output channel is not reachable from here; keep the server side of the log
  R.code_server_log_tail = fs.readFileSync(path.join(S, 'code-server.log'), 'utf8').slice(-1500);
  return Object.values(R.checks).every((c) => c.ok) ? 0 : 1;
}

main().then((rc) => { R.rc = rc; }, (err) => { R.error = String(err && err.stack || err); R.rc = 2; })
  .finally(() => {
    fs.writeFileSync(out, JSON.stringify(R, null, 1));
    process.exit(R.rc);
  });
