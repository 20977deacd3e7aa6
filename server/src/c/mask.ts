// Prepares C text for tree-sitter without moving a single character.
//
// tree-sitter-c parses `#if/#else` inside an initializer list badly (the first field after `#if` is
// lost) and trips over ESP-IDF attribute macros such as IRAM_ATTR or EXT_RAM_BSS_ATTR
// (shared/recipes/dependency-notes.md, section 1). Replacing those with spaces of the same length keeps
// every offset, line and column valid, so facts point at the user's real text. The conditional
// structure we blank out is kept on the side: every line knows which `#if` branch it sits in.

import { LineIndex, lineEndAt } from '../positions';

/** One `#if`-family condition a line depends on; `negated` for `#else` / `#elif` siblings. */
export interface Condition {
  /** The directive's expression as written: `CONFIG_X`, `defined(CONFIG_X) && FOO > 1`. */
  expr: string;
  negated: boolean;
  /** 0-based line of the directive. */
  line: number;
}

export interface MaskedSource {
  text: string;
  /** Lines of the text (the same for the source: masking keeps every newline). */
  lines: LineIndex;
  /** Conditions in force on each 0-based line (shared arrays; do not mutate). */
  conditionsAt(line: number): readonly Condition[];
}

// An #if-family directive at the start of a line (the rest of the line, up to \n, in group 2).
const DIRECTIVE = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif|elifdef|elifndef)\b([^\n]*)/gm;
// ESP-IDF section attributes (IRAM_ATTR, DRAM_ATTR, EXT_RAM_BSS_ATTR, RTC_NOINIT_ATTR, WORD_ALIGNED_ATTR...)
const attrMacro = /\b[A-Z][A-Z0-9_]*_ATTR\b/g;

const blank = (s: string) => s.replace(/[^\n\r]/g, ' ');

interface Frame { branches: Condition[]; current: Condition }

/**
 * Works on the whole text at once (a regexp finds the directives; the text between them is copied, its
 * attribute macros blanked): this runs on every file that passes the prefilter. Lines may end in \r\n.
 */
export function maskSource(source: string): MaskedSource {
  const pieces: string[] = [];
  // The conditions in force from `line` on, in order of `line`.
  const segments: { line: number; conditions: readonly Condition[] }[] = [];
  const stack: Frame[] = [];
  const lines = new LineIndex(source);
  let copied = 0;
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(source); m; m = DIRECTIVE.exec(source)) {
    const start = m.index;
    let end = start + m[0].length;
    // A directive continues over lines ending in a backslash.
    while (/\\\r?$/.test(source.slice(Math.max(start, end - 2), end)) && end < source.length) end = lineEndAt(source, end + 1);
    const text = source.slice(start, end);
    const expr = text.replace(/\r/g, '').split('\n').join(' ').replace(/^[ \t]*#[ \t]*\w+/, '').replace(/\\\s/g, ' ').trim();
    const line = lines.position(start).line;
    applyDirective(stack, m[1], expr, line);
    segments.push({ line: line + (text.match(/\n/g)?.length ?? 0) + 1, conditions: activeConditions(stack) });
    pieces.push(maskAttributes(source.slice(copied, start)), blank(text));
    copied = end;
    DIRECTIVE.lastIndex = end;
  }
  pieces.push(maskAttributes(source.slice(copied)));
  const lineCount = lines.position(source.length).line + 1;
  return {
    text: pieces.join(''),
    lines,
    conditionsAt: (line) => (line < lineCount ? conditionsFrom(segments, line) : []),
  };
}

function activeConditions(stack: Frame[]): readonly Condition[] {
  return stack
    .flatMap((f) => [...f.branches.map((b) => ({ ...b, negated: !b.negated })), f.current])
    .filter((c) => c.expr !== '1'); // the `#else` marker itself always holds
}

function conditionsFrom(segments: { line: number; conditions: readonly Condition[] }[], line: number): readonly Condition[] {
  let lo = 0, hi = segments.length - 1, found: readonly Condition[] = [];
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].line <= line) { found = segments[mid].conditions; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

function applyDirective(stack: Frame[], kind: string, expr: string, line: number): void {
  const cond = (e: string, negated = false): Condition => ({ expr: e, negated, line });
  switch (kind) {
    case 'if': stack.push({ branches: [], current: cond(stripComment(expr)) }); break;
    case 'ifdef': stack.push({ branches: [], current: cond(`defined(${firstWord(expr)})`) }); break;
    case 'ifndef': stack.push({ branches: [], current: cond(`defined(${firstWord(expr)})`, true) }); break;
    case 'elif': case 'elifdef': case 'elifndef': {
      const top = stack[stack.length - 1];
      if (!top) return; // unbalanced: ignore rather than guess
      top.branches.push(top.current);
      const e = kind === 'elif' ? stripComment(expr) : `defined(${firstWord(expr)})`;
      top.current = cond(e, kind === 'elifndef');
      break;
    }
    case 'else': {
      const top = stack[stack.length - 1];
      if (!top) return;
      // `#else` holds when every earlier branch fails: earlier branches become negated entries.
      top.branches.push(top.current);
      top.current = cond('1');
      break;
    }
    case 'endif': stack.pop(); break;
  }
}

function maskAttributes(code: string): string {
  if (!code.includes('_ATTR') && !code.includes('__attribute__')) return code;
  let out = code.replace(attrMacro, (m) => ' '.repeat(m.length));
  // __attribute__((...)) with balanced parentheses, on its own line
  for (let at = out.indexOf('__attribute__'); at >= 0; at = out.indexOf('__attribute__', at + 1)) {
    let i = at + '__attribute__'.length, depth = 0, started = false;
    for (; i < out.length && out[i] !== '\n'; i++) {
      if (out[i] === '(') { depth++; started = true; } else if (out[i] === ')') { depth--; if (started && depth === 0) { i++; break; } }
    }
    out = out.slice(0, at) + ' '.repeat(i - at) + out.slice(i);
  }
  return out;
}

const firstWord = (s: string) => (/^\s*([A-Za-z_]\w*)/.exec(s)?.[1] ?? s.trim());
const stripComment = (s: string) => s.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
