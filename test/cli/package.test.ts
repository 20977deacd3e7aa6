// Issue 20: the .vsix holds what the extension loads and nothing else (no cli.js, no sources, no developer
// README: the Marketplace README is docs/MARKETPLACE.md). What it loads is read from package.json (main,
// grammars, language configurations, icon, walkthrough media) plus the files the code opens at run time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repo } from '../support/cli';

const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
/** Opened at run time: the server and its worker (languageClient.ts, extractPool.ts), the parser's wasm (c/parser.ts), the device's Mbed TLS (mbedtls/device/module.ts) with its licence, the webview pages (views/). */
const RUNTIME = ['dist/server.js', 'dist/cWorker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-c.wasm', 'dist/tree-sitter-cpp.wasm', 'dist/mbedtls-3.6.wasm', 'dist/mbedtls-2.28.wasm', 'dist/MBEDTLS-LICENSE.txt', 'media/chain.js', 'media/chain.css', 'media/result.js', 'media/result.css'];
/** Every package has these; vsce swaps README.md for the --readme-path file. */
const ALWAYS = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

function loaded(): string[] {
  const c = manifest.contributes;
  const rel = (p: string) => path.normalize(p).replace(/^\.\//, '');
  const media = c.walkthroughs.flatMap((w: { steps: { media: { image?: string; markdown?: string } }[] }) => w.steps.map((s) => s.media.image ?? s.media.markdown));
  return [manifest.main, manifest.icon, ...c.grammars.map((g: { path: string }) => g.path), ...c.languages.flatMap((l: { configuration?: string }) => (l.configuration ? [l.configuration] : [])), ...media].map(rel);
}

describe('the extension package', () => {
  it('holds exactly what the extension loads', () => {
    const listed = execFileSync(process.execPath, [path.join(repo, 'node_modules/@vscode/vsce/vsce'), 'ls'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.deepEqual([...listed].sort(), [...new Set([...ALWAYS, ...RUNTIME, ...loaded()])].sort());
  });

  it('ships the user README, not the developer one', () => {
    assert.match(manifest.scripts.package, /--readme-path docs\/MARKETPLACE\.md/);
    const readme = readFileSync(path.join(repo, 'docs/MARKETPLACE.md'), 'utf8');
    assert.doesNotMatch(readme, /npm (test|start)|test\/|server\/src/, 'developer matters in the Marketplace README');
    for (const image of readme.match(/\]\(([^)]+\.png)\)/g) ?? []) assert.ok(loaded().includes(image.slice(2, -1)), `${image} is not shipped`);
  });
});
