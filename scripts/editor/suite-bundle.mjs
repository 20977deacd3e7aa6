// Bundles the extension integration suite (test/editor/suite/index.ts) into one CommonJS file that an
// extension host can load as extensionTestsPath. Shared by scripts/editor-test.mjs and test/editor/runElectron.ts.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITE_ENTRY = path.join(REPO, 'test/editor/suite/index.ts');
export const SUITE_BUNDLE = path.join(REPO, 'out/editor/suite/index.js');

/** Builds out/editor/suite/index.js and returns its absolute path. */
export async function bundleSuite() {
  await esbuild.build({
    entryPoints: [SUITE_ENTRY],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline', // stack traces from a failing assertion point at the .ts line
    external: ['vscode'], // provided by the extension host
    logLevel: 'warning',
  });
  return SUITE_BUNDLE;
}
