// The top-level pieces of a C file, found by a lexical scan (no parse): function definitions and
// declarations, each with the comments and blank lines above it, and preprocessor directives. The C
// extractor parses only the pieces that mention something it looks for (tree-sitter's includedRanges
// keep every offset, row and column of the whole file), so a large file with one TLS config costs
// the parse of one function, not of the file.

import { lineEndAt } from '../positions';

/** A span [start, end) of the text. */
export interface Span { start: number; end: number }

export interface TopLevel {
  /** Function definitions and declarations, in order, each from the end of the one before (or of the
   *  directives between them) to its closing `;` or `}`. */
  chunks: Span[];
  /** Preprocessor lines (with continuations and the final newline), wherever they stand: kept in every parse. */
  directives: Span[];
}

/**
 * Splits `text` (already masked: #if-family lines and attribute macros blanked) into top-level pieces.
 * Undefined when the braces do not balance (a half-typed file): the caller parses the whole text.
 */
export function topLevel(text: string): TopLevel | undefined {
  const chunks: Span[] = [];
  const directives: Span[] = [];
  let chunkStart = 0;
  let braces = 0, parens = 0;
  // Whether the outermost `{` of this chunk opened a function body (the code before it ends with `)`).
  let functionBody = false;
  let lastSignificant = 0;
  let lineStart = true;
  let started = false;
  const close = (end: number) => { chunks.push({ start: chunkStart, end }); chunkStart = end; functionBody = false; lastSignificant = 0; started = false; };

  // Char codes, not one-character strings: this loop sees every character of every file that passes
  // the prefilter.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.NL) { lineStart = true; continue; }
    if (c === Ch.SPACE || c === Ch.TAB || c === Ch.CR || c === Ch.FF || c === Ch.VT) continue;
    if (c === Ch.HASH && lineStart) {
      const end = directiveEnd(text, i);
      directives.push({ start: i, end });
      if (!started) chunkStart = end; // a piece starts at its own code (or the comment above it)
      i = end - 1;
      continue;
    }
    lineStart = false;
    started = true;
    if (c === Ch.SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === Ch.SLASH) { i = lineEndAt(text, i) - 1; continue; }
      if (next === Ch.STAR) { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 1; continue; }
    }
    switch (c) {
      case Ch.DQUOTE: case Ch.SQUOTE: i = literalEnd(text, i) - 1; break;
      case Ch.LPAREN: case Ch.LBRACKET: parens++; break;
      case Ch.RPAREN: case Ch.RBRACKET: if (--parens < 0) return undefined; break;
      case Ch.LBRACE:
        if (braces === 0 && parens === 0) {
          if (/^\s*extern\s*"C"\s*$/.test(codeOf(text.slice(chunkStart, i)))) { close(i + 1); continue; } // transparent
          functionBody = lastSignificant === Ch.RPAREN;
        }
        braces++;
        break;
      case Ch.RBRACE:
        if (braces === 0) { close(i + 1); continue; } // the end of an `extern "C" {` block
        braces--;
        if (braces === 0 && parens === 0 && functionBody) { close(i + 1); continue; }
        break;
      case Ch.SEMI:
        if (braces === 0 && parens === 0) { close(i + 1); continue; }
        break;
    }
    lastSignificant = c;
  }
  if (braces !== 0 || parens !== 0) return undefined;
  if (started) chunks.push({ start: chunkStart, end: text.length });
  return { chunks, directives };
}

// Character codes as a const enum: inlined as literals, which V8 compiles into a tight switch (module-level
// constants made this loop three times slower).
const enum Ch {
  TAB = 9, NL = 10, VT = 11, FF = 12, CR = 13, SPACE = 32, DQUOTE = 34, HASH = 35, SQUOTE = 39, LPAREN = 40,
  RPAREN = 41, STAR = 42, SLASH = 47, SEMI = 59, LBRACKET = 91, RBRACKET = 93, LBRACE = 123, RBRACE = 125,
}

/** The spans of `chunks` that contain any offset of `hits` (sorted or not). */
export function chunksAt(chunks: readonly Span[], hits: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (const at of hits) {
    let lo = 0, hi = chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid].end <= at) lo = mid + 1;
      else if (chunks[mid].start > at) hi = mid - 1;
      else { out.add(mid); break; }
    }
  }
  return out;
}

/** Sorted, merged spans: what tree-sitter's includedRanges needs. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** One regexp for any of `words` (an alternation of literals: V8 scans for all of them in one pass,
 *  several times faster than a search per word; docs/BENCHMARKS.md). */
export function wordsPattern(words: Iterable<string>, opts: { wholeWord?: boolean } = {}): RegExp {
  const alternatives = [...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') || '(?!)';
  return new RegExp(opts.wholeWord ? `(?<!\\w)(?:${alternatives})(?!\\w)` : alternatives, 'g');
}

/** Every offset where `pattern` (global) matches in `text`. */
export function occurrences(text: string, pattern: RegExp): number[] {
  const out: number[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) out.push(m.index);
  return out;
}

function directiveEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    const body = text[nl - 1] === '\r' ? nl - 2 : nl - 1;
    if (text[body] !== '\\') return nl + 1;
    i = nl + 1;
  }
}

/** The end of a string or character literal; an unterminated one ends at the line's end. */
function literalEnd(text: string, from: number): number {
  const quote = text[from];
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === quote) return i + 1;
    if (c === '\n') return i;
  }
  return text.length;
}

/** The code of a short span with comments removed (to recognise `extern "C"`). */
function codeOf(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
}
