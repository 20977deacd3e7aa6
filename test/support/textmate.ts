// Tokenizes text with the TextMate engine VS Code uses (vscode-textmate + vscode-oniguruma) and
// checks the scopes of the tokens, for the grammar tests in test/unit.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/** The repository root, where syntaxes/ lives. */
export const root = path.resolve(__dirname, '../..');

/** A grammar file of ours in syntaxes/. */
export function syntax(file: string): string {
  return path.join(root, 'syntaxes', file);
}

export interface Token { line: number; text: string; scopes: string[] }

export interface RegistryOptions {
  /** scopeName -> grammar file. Scopes not listed (embedded languages a sample does not use) load as nothing. */
  grammars: ReadonlyMap<string, string>;
  /** What package.json's `injectTo` does inside VS Code: host scope -> injected grammar scopes. */
  injections?: Readonly<Record<string, string[]>>;
}

let wasmLoaded: Promise<void> | undefined;

function loadOniguruma(): Promise<void> {
  wasmLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return wasmLoaded;
}

export async function createRegistry(options: RegistryOptions): Promise<vsctm.Registry> {
  await loadOniguruma();
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = options.grammars.get(scopeName);
      return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName: string) => options.injections?.[scopeName],
  });
}

/** Tokenizes `text` line by line (LF or CRLF), as an editor does, carrying the state across lines. */
export async function tokenize(registry: vsctm.Registry, scopeName: string, text: string): Promise<Token[]> {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, `grammar ${scopeName} loads`);
  const out: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    for (const t of r.tokens) out.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return out;
}

/** The tokens that make up the first occurrence of `text` (on line `line` when given). */
export function tokensOf(tokens: Token[], text: string, line?: number): Token[] {
  const lines = [...new Set(tokens.map((t) => t.line))].filter((l) => line === undefined || l === line);
  for (const l of lines) {
    const onLine = tokens.filter((t) => t.line === l);
    const joined = onLine.map((t) => t.text).join('');
    const at = joined.indexOf(text);
    if (at < 0) continue;
    const picked: Token[] = [];
    let pos = 0;
    for (const t of onLine) {
      const end = pos + t.text.length;
      if (end > at && pos < at + text.length) picked.push(t);
      pos = end;
    }
    return picked;
  }
  assert.fail(`no tokens for ${JSON.stringify(text)}${line === undefined ? '' : ` on line ${line}`}`);
}

/** `scopes` has `scope` itself or a scope under it (TextMate prefix matching: `comment` matches `comment.line.x`). */
export function hasScope(scopes: readonly string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(scope + '.'));
}

/** Every token of `text` carries a scope starting with `scope`. */
export function assertScope(tokens: Token[], text: string, scope: string, line?: number): void {
  for (const t of tokensOf(tokens, text, line)) {
    assert.ok(hasScope(t.scopes, scope),
      `${JSON.stringify(t.text)} (in ${JSON.stringify(text)}) has ${scope}; scopes: ${t.scopes.join(' ')}`);
  }
}

/** No token of `text` carries a scope starting with `scope`. */
export function assertNotScope(tokens: Token[], text: string, scope: string, line?: number): void {
  for (const t of tokensOf(tokens, text, line)) {
    assert.ok(!hasScope(t.scopes, scope),
      `${JSON.stringify(t.text)} (in ${JSON.stringify(text)}) has no ${scope}; scopes: ${t.scopes.join(' ')}`);
  }
}
