// UI test: drives the real VS Code workbench (code-server in headless Chromium) the way a person would.
// Opens main/telemetry_client.c, sees the squiggle and the Problems entry, applies the quick fix with Ctrl+.,
// saves, and checks the file on disk and that the squiggle is gone. Then prints a monitor line in the
// integrated terminal, Ctrl+clicks its error code and checks that the explanation opens.
// Screenshots go to test-results/editor/; UPDATE_SCREENSHOTS=1 also refreshes the screenshots in media/walkthrough/ (README and walkthrough).
//
// Standalone: node test/editor/ui.mjs   (installs/packages what it needs; exit code = result)
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO, RESULTS, copyDemo, ensureInstalled, ensureVsix, removeDemoCopy, seconds, sleep, startCodeServer,
} from '../../scripts/editor/codeserver.mjs';
import { openFile, openWorkbench, runCommand } from '../../scripts/editor/browser.mjs';

const FIX_TITLE = 'Attach the ESP-IDF certificate bundle';
const BUNDLE_LINE = '        .crt_bundle_attach = esp_crt_bundle_attach,';
const INCLUDE_LINE = '#include "esp_crt_bundle.h"';
const T = { start: 90_000, step: 30_000 }; // the first workbench start takes ~15 s; be generous

/** Waits until `probe()` is truthy (polling); returns its value. For state outside the DOM, e.g. files on disk. */
async function waitUntil(what, probe, timeoutMs = T.step) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(200);
  }
}

/** Checks the fixed file: the bundle line inside the initializer, the include after the last #include. */
function fixedCorrectly(text) {
  const lines = text.split(/\r?\n/);
  const open = lines.indexOf('    esp_tls_cfg_t cfg = {');
  const close = lines.indexOf('    };', open);
  const at = lines.indexOf(BUNDLE_LINE);
  const lastInclude = lines.reduce((last, l, i) => (l.startsWith('#include') ? i : last), -1);
  return open >= 0 && at > open && at < close && lines[lastInclude] === INCLUDE_LINE
    && lines.filter((l) => l === INCLUDE_LINE).length === 1;
}

/** server: a running code-server with the extension installed (startCodeServer({ vsix })); folder: the workspace. */
export async function runUiTest({ server, folder, log = (m) => console.log(m) }) {
  const t0 = Date.now();
  const step = (m) => log(`  [ui] +${seconds(t0)} ${m}`);
  mkdirSync(RESULTS, { recursive: true });
  const failShot = path.join(RESULTS, 'ui-failure.png');
  rmSync(failShot, { force: true }); // a failure picture from an earlier run would mislead
  const file = path.join(folder, 'main/telemetry_client.c');
  // In the workspace from the start: Quick Open's file search may not list a file created while it runs.
  copyFileSync(path.join(REPO, 'test/fixtures/grammars/amazon-root-ca-1.pem'), path.join(folder, 'amazon-root-ca-1.pem'));
  const { browser, page } = await openWorkbench(server, T.start);
  try {
    step('workbench loaded');
    await openFile(page, 'telemetry_client.c', T.step);
    step('main/telemetry_client.c open');

    await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: T.start });
    step('error squiggle visible');
    // The trust lens the server puts above the config.
    const lens = page.locator('.editor-instance .codelens-decoration', { hasText: 'TLS: verifies no server' }).first();
    await lens.waitFor({ timeout: T.step });
    step(`code lens: ${(await lens.innerText()).trim()}`);
    // In an ESP-IDF project the status item and the one ESP-IDF TLS submenu are there (test/editor/plain.mjs: not elsewhere).
    await page.locator('.statusbar-item', { hasText: /\bTLS\b/ }).first().waitFor({ timeout: T.step });
    await page.locator('.editor-instance .view-lines').first().click({ button: 'right' });
    await page.locator('.context-view .monaco-menu .action-label', { hasText: 'ESP-IDF TLS' }).first().waitFor({ timeout: T.step });
    await page.keyboard.press('Escape');
    step('TLS status item and ESP-IDF TLS context submenu shown');

    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'verifies no server' }).first();
    await row.waitFor({ timeout: T.step });
    const rowText = (await row.innerText()).replace(/\s+/g, ' ').trim();
    step(`Problems row: ${rowText}`);
    if (!rowText.includes('tls-no-server-verification')) throw new Error(`Problems row lacks the rule id: ${rowText}`);
    if (!/Ln 16\b/.test(rowText)) throw new Error(`Problems row is not on line 16: ${rowText}`);
    const shot = path.join(RESULTS, 'problems-panel.png');
    await page.screenshot({ path: shot });
    step(`screenshot ${path.relative(REPO, shot)}`);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const doc = path.join(REPO, 'media/walkthrough/problems-panel.png');
      mkdirSync(path.dirname(doc), { recursive: true });
      copyFileSync(shot, doc);
      step(`updated ${path.relative(REPO, doc)}`);
    }

    // Selecting the problem and pressing Enter puts the cursor at the diagnostic's start, in the editor.
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator('.statusbar-item', { hasText: /Ln 16, Col/ }).first().waitFor({ timeout: T.step });
    // Enter opens the editor asynchronously: Ctrl+. must not reach the Problems panel.
    await page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: T.step });
    step('cursor on the diagnostic (Ln 16), editor focused');

    // Ctrl+. pressed before the code actions for the cursor are known can show "No code actions available";
    // so retry the key a few times, each with a generous wait.
    const action = page.locator('.action-widget .monaco-list-row.action', { hasText: FIX_TITLE }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      try { await action.waitFor({ timeout: 10_000 }); break; } catch (e) { if (attempt === 3) throw e; }
      await page.keyboard.press('Escape');
    }
    step(`Quick Fix menu shows: ${(await action.innerText()).trim()}`);
    await action.click();
    // Monaco renders spaces as U+00A0; compare against the visible text.
    const editorText = page.locator('.editor-instance .view-lines');
    await waitUntil('the inserted line in the editor', async () =>
      (await editorText.innerText()).replace(/\u00a0/g, ' ').includes('.crt_bundle_attach = esp_crt_bundle_attach,'));
    step('quick fix applied in the editor');

    await page.keyboard.press('Control+S');
    await waitUntil('the fixed file on disk', () => fixedCorrectly(readFileSync(file, 'utf8')));
    step('saved; file on disk has the bundle line and the include');

    await page.locator('.editor-instance .squiggly-error').first().waitFor({ state: 'detached', timeout: T.step });
    await row.waitFor({ state: 'detached', timeout: T.step });
    step('squiggle and Problems entry gone');
    await page.screenshot({ path: path.join(RESULTS, 'after-quick-fix.png') });

    await terminalLink(page, step);
    await inspectCertificate(page, step);
  } catch (e) {
    await page.screenshot({ path: failShot }).catch(() => {});
    e.message += `\n  (screenshot: ${path.relative(REPO, failShot)})`;
    throw e;
  } finally {
    await browser.close();
  }
}

/**
 * A TLS failure line printed in the integrated terminal (as `idf.py monitor` prints it) is a link: hovering
 * shows the extension's tooltip, Ctrl+click opens the explanation. printf builds the line so that the
 * command itself holds no code (it would be a link too).
 */
async function terminalLink(page, step) {
  await runCommand(page, 'Terminal: Create New Terminal', 'Create New Terminal', T.step);
  await page.locator('.terminal-wrapper.active .xterm-rows').waitFor({ timeout: T.step });
  await page.locator('.terminal-wrapper.active .xterm-rows > div', { hasText: /\S/ }).first().waitFor({ timeout: T.step }); // the prompt
  await page.keyboard.type("printf 'E (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x%s\\n' 2700");
  await page.keyboard.press('Enter');
  const row = page.locator('.terminal-wrapper.active .xterm-rows > div', { hasText: 'handshake returned -0x2700' }).first();
  await row.waitFor({ timeout: T.step });
  step('monitor line printed in the terminal');
  // Where "-0x2700" is drawn: a DOM range over the row's text.
  const box = await row.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = ''; const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.textContent; }
    const at = text.replace(/\u00a0/g, ' ').indexOf('-0x2700');
    const [node, offset] = nodes.filter(([, o]) => o <= at).pop();
    const range = document.createRange();
    range.setStart(node, at - offset); range.setEnd(node, Math.min(node.textContent.length, at - offset + 7));
    const r = range.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  const tooltip = page.locator('.workbench-hover, .monaco-hover', { hasText: 'Explain this TLS failure' }).first();
  // The explanation opens in the result view: a webview, whose page sits in an iframe inside an iframe.
  const explanation = page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('main', { hasText: 'Certificate verification failed' }).first();
  for (let attempt = 1; ; attempt++) {
    // xterm asks the link providers when the mouse moves over a line.
    await page.mouse.move(box.x - 20, box.y); await page.mouse.move(box.x, box.y);
    try { await tooltip.waitFor({ timeout: 10_000 }); break; } catch (e) { if (attempt === 3) throw e; }
  }
  step('hover shows the link\'s tooltip');
  await page.keyboard.down('Control');
  await page.mouse.click(box.x, box.y);
  await page.keyboard.up('Control');
  await explanation.waitFor({ timeout: T.step });
  step('Ctrl+click opened the explanation of -0x2700, rendered');
  const headings = await explanation.locator('h1, h2').count();
  const copyButtons = await explanation.locator('button.copy').count();
  if (!headings || !copyButtons) throw new Error(`the explanation is not rendered (${headings} headings, ${copyButtons} copy buttons)`);
  const shot = path.join(RESULTS, 'decode-view.png');
  await page.screenshot({ path: shot });
  if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(shot, path.join(REPO, 'media/walkthrough/decode-view.png'));
  // Closing it asks nothing: the tab goes, no "save changes?" dialog comes.
  const tab = page.locator('.tab', { hasText: 'Decode:' }).first();
  await runCommand(page, 'View: Close Editor', /^View: Close Editor/, T.step);
  await tab.waitFor({ state: 'detached', timeout: T.step });
  if (await page.locator('.monaco-dialog-box').count()) throw new Error('closing the result view asked a question');
  step(`${copyButtons} copy buttons; closed without a question`);
}

/**
 * Inspect Certificate on a PEM file from the Command Palette: the rendered view shows the subject and a copy
 * button for the PEM (screenshot for the README and the walkthrough).
 */
async function inspectCertificate(page, step) {
  await openFile(page, 'amazon-root-ca-1.pem', T.step);
  await runCommand(page, 'ESP-IDF TLS: Inspect Certificate', 'Inspect Certificate', T.step);
  const view = page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('main', { hasText: 'Amazon Root CA 1' }).first();
  await view.waitFor({ timeout: T.step });
  const copy = await view.locator('button.copy').count();
  if (!copy) throw new Error('the certificate view has no copy button');
  const shot = path.join(RESULTS, 'inspect-view.png');
  await page.screenshot({ path: shot });
  if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(shot, path.join(REPO, 'docs/images/inspect-view.png'));
  step(`Inspect Certificate shows Amazon Root CA 1 rendered, ${copy} copy button(s)`);
}

// ------------------------------------------------------------------------------------------- standalone
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureInstalled();
  const vsix = ensureVsix();
  const folder = copyDemo('ui');
  const server = await startCodeServer({ folder, vsix });
  let ok = false;
  try {
    await runUiTest({ server, folder });
    ok = true;
    console.log('UI test passed');
  } catch (e) {
    console.error(`UI test FAILED: ${e.stack || e}\ncode-server log tail:\n${server.logTail()}`);
  } finally {
    await server.stop();
    removeDemoCopy(folder);
  }
  process.exit(ok ? 0 : 1);
}
