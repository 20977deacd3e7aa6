// The work budget of one C/C++ file, checked in one linear pass before anything is parsed: brackets or
// #if blocks nested deeper than any real source nests them (generated code, a PEM pasted without quotes,
// a fuzzer) would make the parser, the tree visits and the condition stacks slow or deep. Such a file is
// reported as too complex to analyse instead of slowing everything else.

// Measured over the 7,311 C/C++ files of the field test's 24 code bases (docs/FIELD-TEST.md): the deepest
// bracket nesting is 15, the deepest #if nesting 5, the longest operator chain 75. The budgets leave a
// wide margin over that and stay far below what makes a recursive visit or the parser struggle.
export const MAX_NESTING = 256;
export const MAX_IF_DEPTH = 64;
/** Operators in one statement outside brackets ("1 + 1 + ..." parses as a tree as deep as the chain is long). */
export const MAX_CHAIN = 2000;

export class TooComplex extends Error {}

export interface Complexity { nesting: number; ifDepth: number; chain: number }

/** Throws TooComplex when `text` is over budget. */
export function checkBudget(text: string): void {
  const { nesting, ifDepth, chain } = complexityOf(text);
  if (nesting > MAX_NESTING) throw new TooComplex(`brackets nested ${nesting} deep (the budget is ${MAX_NESTING})`);
  if (ifDepth > MAX_IF_DEPTH) throw new TooComplex(`#if blocks nested ${ifDepth} deep (the budget is ${MAX_IF_DEPTH})`);
  if (chain > MAX_CHAIN) throw new TooComplex(`an expression of ${chain} operators (the budget is ${MAX_CHAIN})`);
}

/** The deepest bracket nesting, #if nesting and operator chain of `text`; strings, character literals and comments do not count. */
export function complexityOf(text: string): Complexity {
  let depth = 0, maxDepth = 0, ifDepth = 0, maxIf = 0, chain = 0, maxChain = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) { lineStart = true; continue; }
    if (c === 32 || c === 9 || c === 13) continue;
    if (lineStart && c === 35) { // '#': a directive
      const m = /^#\s*(if|ifdef|ifndef|endif)\b/.exec(text.slice(i, i + 16));
      if (m) {
        ifDepth = m[1] === 'endif' ? Math.max(0, ifDepth - 1) : ifDepth + 1;
        if (ifDepth > maxIf) maxIf = ifDepth;
      }
    }
    lineStart = false;
    if (c === 34 || c === 39) { i = skipQuoted(text, i, c); continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); i = e < 0 ? text.length : e - 1; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 1; continue; }
    if (c === 40 || c === 91 || c === 123) { if (++depth > maxDepth) maxDepth = depth; chain = 0; continue; }
    if (c === 41 || c === 93 || c === 125) { depth = Math.max(0, depth - 1); chain = 0; continue; }
    if (c === 59 || c === 44) { chain = 0; continue; } // ';' ','
    // + - * / % & | ^ < > = ? : count towards an operator chain.
    if (c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 38 || c === 124 || c === 94 || c === 60 || c === 62 || c === 63) {
      if (++chain > maxChain) maxChain = chain;
    }
  }
  return { nesting: maxDepth, ifDepth: maxIf, chain: maxChain };
}

/** The index of the closing quote (or the end of the line: C strings do not span lines unescaped). */
function skipQuoted(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) { i++; continue; }
    if (c === quote || c === 10) return i;
  }
  return text.length;
}
