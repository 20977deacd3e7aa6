// The work budget of one C/C++ file, checked in one linear pass before anything is parsed: brackets or
// #if blocks nested deeper than any real source nests them (generated code, a PEM pasted without quotes,
// a fuzzer) would make the parser, the tree visits and the condition stacks slow or deep. Such a file is
// reported as too complex to analyse instead of slowing everything else.

// Measured over the 7,311 C/C++ files of the field test's 24 code bases (docs/FIELD-TEST.md): the deepest
// bracket nesting is 15, the deepest #if nesting 5, the most #elif/#else branches of one #if 12, the
// longest operator chain (`=` and `.` included) 107. The budgets leave a
// wide margin over that and stay far below what makes a recursive visit or the parser struggle.
export const MAX_NESTING = 256;
export const MAX_IF_DEPTH = 64;
/** #elif / #else branches of one #if: each carries the negation of all before it, so many cost their square. */
export const MAX_BRANCHES = 256;
/** Operators in one statement outside brackets, `=` and `.` included ("1 + 1 + ...", "a = b = ...", "x.a.b..." parse as a tree as deep as the chain is long). */
export const MAX_CHAIN = 1000;

export class TooComplex extends Error {}

export interface Complexity { nesting: number; ifDepth: number; branches: number; chain: number }

/** Throws TooComplex when `text` is over budget. */
export function checkBudget(text: string): void {
  const { nesting, ifDepth, branches, chain } = complexityOf(text);
  if (nesting > MAX_NESTING) throw new TooComplex(`brackets nested ${nesting} deep (the budget is ${MAX_NESTING})`);
  if (ifDepth > MAX_IF_DEPTH) throw new TooComplex(`#if blocks nested ${ifDepth} deep (the budget is ${MAX_IF_DEPTH})`);
  if (branches > MAX_BRANCHES) throw new TooComplex(`an #if with ${branches} #elif/#else branches (the budget is ${MAX_BRANCHES})`);
  if (chain > MAX_CHAIN) throw new TooComplex(`an expression of ${chain} operators (the budget is ${MAX_CHAIN})`);
}

// Character classes for the scan below: one table lookup per character instead of a chain of tests.
const OTHER = 0, QUOTE = 4, SLASH = 5, OPEN = 6, CLOSE = 7, RESET = 8, OPERATOR = 9;
const CLASS = new Uint8Array(128);
for (const [chars, cls] of [['"\'', QUOTE], ['/', SLASH], ['([{', OPEN], [')]}', CLOSE], [';,', RESET], ['+-*%&|^<>?=.', OPERATOR]] as const) {
  for (const c of chars) CLASS[c.charCodeAt(0)] = cls;
}

/** The deepest bracket nesting, #if nesting and operator chain of `text`; strings, character literals and comments do not count. */
export function complexityOf(text: string): Complexity {
  let depth = 0, maxDepth = 0, chain = 0, maxChain = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c < 128 ? CLASS[c] : OTHER) {
      case QUOTE: i = skipQuoted(text, i, c); break;
      case SLASH: {
        const next = text.charCodeAt(i + 1);
        if (next === 47) { const e = text.indexOf('\n', i); i = e < 0 ? text.length : e - 1; } // a // comment: stop before its newline
        // A comment never closed is not skipped: the piece cutter and the parser may still read code in it.
        else if (next === 42) { const e = text.indexOf('*/', i + 2); if (e >= 0) i = e + 1; }
        else if (++chain > maxChain) maxChain = chain; // division
        break;
      }
      case OPEN: if (++depth > maxDepth) maxDepth = depth; chain = 0; break;
      case CLOSE: depth = Math.max(0, depth - 1); chain = 0; break;
      case RESET: chain = 0; break;
      case OPERATOR: if (++chain > maxChain) maxChain = chain; break;
    }
  }
  const { maxIf, maxBranches } = directives(text);
  return { nesting: maxDepth, ifDepth: maxIf, branches: maxBranches, chain: maxChain };
}

/**
 * #if nesting and #elif/#else branches, line by line as the preprocessor mask reads them (a directive in an
 * unclosed comment still counts there, so it counts here).
 */
function directives(text: string): { maxIf: number; maxBranches: number } {
  let ifDepth = 0, maxIf = 0, maxBranches = 0;
  const branches: number[] = [0]; // per open #if
  for (const m of text.matchAll(/^[ \t]*#[ \t]*(if|ifdef|ifndef|endif|elif|elifdef|elifndef|else)\b/gm)) {
    if (m[1] === 'endif') ifDepth = Math.max(0, ifDepth - 1);
    else if (m[1].startsWith('el')) { if ((branches[ifDepth] = (branches[ifDepth] ?? 0) + 1) > maxBranches) maxBranches = branches[ifDepth]; }
    else {
      branches[++ifDepth] = 0;
      if (ifDepth > maxIf) maxIf = ifDepth;
    }
  }
  return { maxIf, maxBranches };
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
