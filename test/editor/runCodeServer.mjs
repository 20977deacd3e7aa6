// Runs the bundled integration suite (out/editor/suite/index.js) inside code-server's extension host, the
// way @vscode/test-web does it: the workbench reads extensionDevelopmentPath/extensionTestsPath from the
// `payload` URL parameter and reports the result through window.codeAutomationExit.
//
// Standalone: node test/editor/runCodeServer.mjs   (installs/bundles what it needs; exit code = suite result)
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO, copyDemo, ensureInstalled, ensureVsix, removeDemoCopy, seconds, startCodeServer,
} from '../../scripts/editor/codeserver.mjs';
import { launchChromium } from '../../scripts/editor/browser.mjs';
import { bundleSuite } from '../../scripts/editor/suite-bundle.mjs';

/**
 * server: a running code-server (scripts/editor/codeserver.mjs startCodeServer) with no copy of the extension
 * installed; folder: the workspace. Resolves to the suite's exit code (0 = passed).
 */
export async function runIntegrationSuite({ server, folder, extensionDevelopmentPath = REPO, extensionTestsPath,
  timeoutMs = Number(process.env.TEST_TIMEOUT_MS || 180_000), log = (m) => console.log(m) }) {
  const t0 = Date.now();
  // The extension host runs on the code-server machine: paths are vscode-remote URIs of that host.
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)], ['extensionTestsPath', remote(extensionTestsPath)]];
  const url = `${server.base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const timeoutShot = path.join(REPO, 'test-results/editor/integration-timeout.png');
  rmSync(timeoutShot, { force: true }); // a picture from an earlier run would mislead
  const browser = await launchChromium({ home: server.profile.home });
  try {
    const page = await browser.newPage();
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    // Forward the suite's own lines, and the errors that explain a failure; the rest is workbench noise.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (args || []).map(String).join(' ');
      if (process.env.VERBOSE || /\[e2e\]|AssertionError|Error:|activat/i.test(text)) log(`  ${text.slice(0, 2000)}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    // code-server serves a *built* workbench, which ignores the payload unless developmentOptions.enableSmokeTestDriver
    // is set, and its CLI has no flag for it: patch the web configuration embedded in the main document.
    await page.route((u) => u.pathname === '/', async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      const patched = html.replace('&quot;developmentOptions&quot;:{', '&quot;developmentOptions&quot;:{&quot;enableSmokeTestDriver&quot;:true,');
      if (patched === html) log('  warning: developmentOptions not found in the workbench page; the suite may not start');
      await route.fulfill({ response, body: patched });
    });
    page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
    await page.goto(url);
    let timer;
    const code = await Promise.race([finished, new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code === 'timeout') {
      log(`integration suite did not finish within ${timeoutMs / 1000}s`);
      await page.screenshot({ path: timeoutShot }).catch(() => {});
      log(`screenshot: ${path.relative(REPO, timeoutShot)}`);
      return 1;
    }
    log(`integration suite exit code ${code} (${seconds(t0)})`);
    return code;
  } finally {
    await browser.close();
  }
}

// ------------------------------------------------------------------------------------------- standalone
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureInstalled();
  ensureVsix(); // also (re)builds dist/, which extensionDevelopmentPath loads
  const suite = await bundleSuite();
  const folder = copyDemo('integration');
  const server = await startCodeServer({ folder });
  let code = 1;
  try {
    code = await runIntegrationSuite({ server, folder, extensionTestsPath: suite });
  } finally {
    await server.stop();
    removeDemoCopy(folder);
  }
  process.exit(code === 0 ? 0 : 1);
}
