// The headless browser the editor tests and scripts/make-icon.mjs drive: Debian's Chromium through
// playwright-core, and code-server's workbench opened in it.
import path from 'node:path';
import { CHROMIUM, RESULTS, SetupError } from './codeserver.mjs';

/** Headless Debian Chromium through playwright-core (its own browser downloads are not reachable here). */
export async function launchChromium({ home } = {}) {
  let chromium;
  try { ({ chromium } = await import('playwright-core')); } catch (e) { throw new SetupError(`playwright-core is not installed (npm install): ${e.message}`); }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: home ? { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') } : process.env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // A document served through page.route() (runCodeServer.mjs) loses its loopback address space, and
      // Chromium's Local Network Access checks then block the ws://127.0.0.1 connection to code-server.
      '--disable-features=LocalNetworkAccessChecks'],
  });
}

/**
 * Opens code-server's workbench in headless Chromium and waits until the explorer shows the folder, with
 * keyboard focus inside the workbench (Quick Open needs it). Returns { browser, page }; close the browser.
 */
export async function openWorkbench(server, timeoutMs = 90_000) {
  const browser = await launchChromium({ home: server.profile.home });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await page.locator('.explorer-folders-view').waitFor({ timeout: timeoutMs });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
    return { browser, page };
  } catch (e) {
    await page.screenshot({ path: path.join(RESULTS, 'workbench-failure.png') }).catch(() => {});
    await browser.close();
    throw e;
  }
}

/** Opens `name` with Quick Open (Ctrl+P) and waits for its tab. */
export async function openFile(page, name, timeoutMs = 30_000) {
  await pick(page, 'Control+P', name, name, timeoutMs);
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: timeoutMs });
}

/** Runs a command from the Command Palette: types `label`, waits for the row matching `row`, presses Enter. */
export function runCommand(page, label, row = label, timeoutMs = 30_000) {
  return pick(page, 'Control+Shift+P', label, row, timeoutMs);
}

async function pick(page, key, typed, row, timeoutMs) {
  await page.keyboard.press(key);
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(typed);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
}
