// `npm run test:electron`: the same integration suite as `npm run test:editor`, but in desktop VS Code
// downloaded by @vscode/test-electron. Needs network access to update.code.visualstudio.com; where that is
// missing (as on the offline build machine) use `npm run test:editor`, which runs it in code-server.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { bundleSuite } from '../../scripts/editor/suite-bundle.mjs';

const REPO = path.resolve(__dirname, '../..');

async function main(): Promise<number> {
  const extensionTestsPath = await bundleSuite();

  // Download first, separately, so that a network failure gets its own clear message.
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode();
  } catch (e) {
    console.error(`[electron] could not download VS Code: ${(e as Error).message}\n`
      + '[electron] test:electron needs network access to update.code.visualstudio.com.\n'
      + '[electron] Offline, run the same suite in code-server instead: npm run test:editor');
    return 1;
  }

  // The suite edits files: give it a throwaway copy of the demo project.
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'esp-tls-lens-electron-'));
  cpSync(path.join(REPO, 'test/fixtures/demo-project'), workspace, { recursive: true });
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO,
      extensionTestsPath,
      // --disable-extensions disables every *other* extension; the one under development still loads.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    console.error(`[electron] integration suite failed: ${(e as Error).message}`);
    return 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
