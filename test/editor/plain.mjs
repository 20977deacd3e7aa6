// UI test (issue 20): in a workspace that is not an ESP-IDF project the extension keeps out of the way. The
// folder is a plain CMake project with a main/ folder, which activates the extension (main/CMakeLists.txt),
// so what is checked is the server's decision, not only the activation events: no "TLS" status item, no
// "ESP-IDF TLS" entry in the editor's context menu, a plain `.log` keeps the editor's Log language, while a
// file with a monitor's output becomes "ESP-IDF Log".
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, RESULTS, seconds, sleep } from '../../scripts/editor/codeserver.mjs';
import { openFile, openWorkbench } from '../../scripts/editor/browser.mjs';

const T = { start: 90_000, step: 30_000 };

/** Writes the plain CMake project into `folder`. */
export function makePlainProject(folder) {
  mkdirSync(path.join(folder, 'main'), { recursive: true });
  writeFileSync(path.join(folder, 'CMakeLists.txt'), 'cmake_minimum_required(VERSION 3.16)\nproject(plain C)\nadd_subdirectory(main)\n');
  writeFileSync(path.join(folder, 'main/CMakeLists.txt'), 'add_executable(app app.c)\n');
  writeFileSync(path.join(folder, 'main/app.c'), '#include <stdio.h>\nint main(void) { printf("hello\\n"); return 0; }\n');
  writeFileSync(path.join(folder, 'build.log'), '[1/3] Building C object main/CMakeFiles/app.dir/app.c.o\n[2/3] Linking C executable main/app\nE: nothing\n');
  writeFileSync(path.join(folder, 'device.log'), 'ESP-ROM:esp32c3-api1-20210207\nI (325) wifi: mode : sta\nE (5123) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n');
}

/** The extension's log file in the code-server profile (a LogOutputChannel writes one), once it holds `pattern`. */
async function waitForLog(profileData, pattern, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const find = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? find(p) : e.name.endsWith('ESP-IDF TLS Lens.log') ? [p] : [];
  });
  for (;;) {
    let files = [];
    try { files = find(path.join(profileData, 'logs')); } catch { /* not there yet */ }
    const hit = files.map((f) => readFileSync(f, 'utf8')).find((t) => pattern.test(t));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${pattern} in the extension's log (${files.length} log file(s))`);
    await sleep(250);
  }
}

/** The editor's language, as the status bar shows it, once it is `expected` (a language set on open may come a moment later). */
async function languageIs(page, expected) {
  await page.locator('.statusbar-item[id="status.editor.mode"]', { hasText: new RegExp(`^\\s*${expected}\\s*$`) }).waitFor({ timeout: T.step });
}

export async function runPlainTest({ server, log = (m) => console.log(m) }) {
  const t0 = Date.now();
  const step = (m) => log(`  [plain] +${seconds(t0)} ${m}`);
  mkdirSync(RESULTS, { recursive: true });
  const { browser, page } = await openWorkbench(server, T.start);
  try {
    step('workbench loaded');
    await openFile(page, 'app.c');
    await waitForLog(server.profile.data, /no ESP-IDF project in the workspace/, T.start);
    step('the extension is active and its server found no ESP-IDF project');

    if (await page.locator('.statusbar-item', { hasText: /\bTLS\b/ }).count()) throw new Error('a TLS status item is shown in a workspace without an ESP-IDF project');
    step('no TLS status item');

    await page.locator('.editor-instance .view-lines').first().click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.locator('.action-label', { hasText: 'Copy' }).first().waitFor({ timeout: T.step });
    const labels = (await menu.locator('.action-label').allInnerTexts()).map((l) => l.trim()).filter(Boolean);
    await page.keyboard.press('Escape');
    if (labels.some((l) => /ESP-IDF|TLS/.test(l))) throw new Error(`the context menu offers: ${labels.join(', ')}`);
    step(`context menu without ESP-IDF TLS (${labels.length} entries)`);

    await openFile(page, 'build.log');
    await languageIs(page, 'Log');
    step('build.log keeps the Log language');
    await openFile(page, 'device.log');
    await languageIs(page, 'ESP-IDF Log');
    step('device.log, a monitor capture, is ESP-IDF Log');
  } catch (e) {
    const shot = path.join(RESULTS, 'plain-failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    e.message += `\n  (screenshot: ${path.relative(REPO, shot)})`;
    throw e;
  } finally {
    await browser.close();
  }
}
