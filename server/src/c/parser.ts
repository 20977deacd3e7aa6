// Loads web-tree-sitter and a grammar once each: C always, C++ only when a C++ file reaches the parser
// (most projects have none). The wasm files sit next to the bundle in dist/ (copied by esbuild.mjs);
// from sources (unit tests) they are read from node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser, type ParseOptions, type Range, type Tree } from 'web-tree-sitter';
import { TooComplex } from './budget';

export type Dialect = 'c' | 'cpp';

/** The grammars this build parses with, loaded by web-tree-sitter 0.27.1: tree-sitter-c 0.24.1 (ABI 15) and tree-sitter-cpp 0.23.4 (ABI 14). */
export const GRAMMAR = { package: 'tree-sitter-c', version: '0.24.1' } as const;
export const CPP_GRAMMAR = { package: 'tree-sitter-cpp', version: '0.23.4' } as const;

let runtime: Promise<void> | undefined;
const languages = new Map<Dialect, Promise<Language>>();
const parsers = new Map<Dialect, Promise<Parser>>();

/** The parser runtime or a grammar could not be loaded (a broken install): not one file's fault, so no file-level skip hides it. */
export class GrammarUnavailable extends Error {}

/** A fault inside the wasm runtime (memory access out of bounds): every later parse in this runtime fails too. */
export class ParserFault extends GrammarUnavailable {}

export function getParser(dialect: Dialect = 'c'): Promise<Parser> {
  let p = parsers.get(dialect);
  if (!p) {
    p = newParser(dialect).catch((e: unknown) => { throw new GrammarUnavailable(`the ${dialect === 'cpp' ? 'C++' : 'C'} grammar (tree-sitter) could not be loaded: ${e instanceof Error ? e.message : String(e)}`); });
    parsers.set(dialect, p);
  }
  return p;
}

/** Throws away the parser of `dialect` (after a fault inside the wasm): the next getParser builds a new one. */
export function discardParser(dialect: Dialect = 'c'): void {
  const p = parsers.get(dialect);
  parsers.delete(dialect);
  void p?.then((parser) => { try { parser.delete(); } catch { /* already broken */ } });
}

async function newParser(dialect: Dialect): Promise<Parser> {
  let language = languages.get(dialect);
  if (!language) { language = load(dialect); languages.set(dialect, language); }
  const loaded = await language; // also waits for the runtime, which `new Parser()` needs
  const parser = new Parser();
  parser.setLanguage(loaded);
  return parser;
}

// createRequire keeps esbuild from trying to bundle these paths; they are only used when running from sources.
const fromSources = (id: string) => createRequire(__filename).resolve(id);
const inDist = () => existsSync(path.join(__dirname, 'tree-sitter.wasm'));

async function load(dialect: Dialect): Promise<Language> {
  runtime ??= Parser.init({
    locateFile: (name: string) => (inDist() ? path.join(__dirname, 'tree-sitter.wasm') : fromSources(`web-tree-sitter/${name}`)),
  });
  await runtime;
  const pkg = dialect === 'cpp' ? CPP_GRAMMAR.package : GRAMMAR.package;
  return Language.load(inDist() ? path.join(__dirname, `${pkg}.wasm`) : fromSources(`${pkg}/${pkg}.wasm`));
}

/**
 * The time one file's parsing may take: tree-sitter's error recovery explodes on some garbage (a 33 KB
 * fuzzed file took 3 s), so parsing stops at the budget and the file is "too complex to analyse". Half a
 * second, plus half a millisecond per KB for large generated sources (normal files parse in tens of ms).
 */
export function parseBudgetMs(textLength: number): number {
  return 500 + textLength / 2048;
}

/** Parses `text` (only `ranges` when given); throws TooComplex, with the parser reset, once `deadline` (Date.now() ms) passes. */
export function parseBounded(parser: Parser, text: string, deadline: number, ranges?: Range[]): Tree {
  // Returning true from the callback cancels the parse (the typings say void). The clock is read on one
  // call in 64: tree-sitter calls back often, and the check must not cost the normal file.
  let calls = 0;
  const progressCallback = (() => (++calls & 63) === 0 && Date.now() > deadline) as unknown as ParseOptions['progressCallback'];
  const tree = parser.parse(text, null, { ...(ranges ? { includedRanges: ranges } : {}), progressCallback });
  if (!tree) {
    parser.reset();
    throw new TooComplex(`the parser did not finish within ${Math.round(parseBudgetMs(text.length))} ms`);
  }
  return tree;
}
