// Builds the four bundles of the extension and copies the tree-sitter wasm files next to them.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = 'dist';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  // esbuild would pick web-tree-sitter's ESM build, whose import.meta is empty in CJS output and makes
  // Parser.init() crash without a warning (shared/recipes/dependency-notes.md, section 5).
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') /* the "require" condition: web-tree-sitter.cjs */ },
};

const bundles = [
  { entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/client.js`, external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: `${outdir}/server.js` },
  // The C extraction worker the server and the command line start (server/src/c/extractPool.ts).
  { entryPoints: ['server/src/c/extractWorker.ts'], outfile: `${outdir}/cWorker.js` },
  { entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
];

// The wasm files are loaded at run time from the bundle's own folder (server/src/c/parser.ts).
const wasmCopies = [
  [require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'tree-sitter.wasm'],
  [require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'tree-sitter-c.wasm'],
  [require.resolve('tree-sitter-cpp/tree-sitter-cpp.wasm'), 'tree-sitter-cpp.wasm'],
];

function copyAssets() {
  mkdirSync(outdir, { recursive: true });
  for (const [from, to] of wasmCopies) copyFileSync(from, path.join(outdir, to));
  chmodSync(`${outdir}/cli.js`, 0o755);
}

const copyPlugin = { name: 'copy-assets', setup: (build) => build.onEnd((r) => { if (!r.errors.length) copyAssets(); }) };

if (watch) {
  for (const b of bundles) {
    const ctx = await esbuild.context({ ...common, ...b, plugins: [copyPlugin] });
    await ctx.watch();
  }
  console.log('[watch] building dist/ on change');
} else {
  await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
  copyAssets();
}
