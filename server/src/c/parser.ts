// Loads web-tree-sitter and the C grammar once. The wasm files sit next to the bundle in dist/
// (copied by esbuild.mjs); from sources (unit tests) they are read from node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

/** The grammar this build parses C with: tree-sitter-c 0.24.1 (ABI 15), loaded by web-tree-sitter 0.27.1. */
export const GRAMMAR = { package: 'tree-sitter-c', version: '0.24.1' } as const;

let loading: Promise<Parser> | undefined;

export function getParser(): Promise<Parser> {
  loading ??= load();
  return loading;
}

// createRequire keeps esbuild from trying to bundle these paths; they are only used when running from sources.
const fromSources = (id: string) => createRequire(__filename).resolve(id);

async function load(): Promise<Parser> {
  const bundled = path.join(__dirname, 'tree-sitter-c.wasm');
  const inDist = existsSync(bundled);
  await Parser.init({
    locateFile: (name: string) => (inDist ? path.join(__dirname, 'tree-sitter.wasm') : fromSources(`web-tree-sitter/${name}`)),
  });
  const language = await Language.load(inDist ? bundled : fromSources('tree-sitter-c/tree-sitter-c.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
