// Prepares C text for tree-sitter without moving a single character.
//
// tree-sitter-c parses `#if/#else` inside an initializer list badly (the first field after `#if` is
// lost) and trips over ESP-IDF attribute macros such as IRAM_ATTR or EXT_RAM_BSS_ATTR
// (shared/recipes/dependency-notes.md, section 1). Replacing those with spaces of the same length keeps
// every offset, line and column valid, so facts point at the user's real text. The conditional
// structure we blank out is kept on the side: every line knows which `#if` branch it sits in.

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
  /** Conditions in force on each 0-based line (shared arrays; do not mutate). */
  conditionsAt(line: number): readonly Condition[];
}

const directive = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif|elifdef|elifndef)\b(.*)$/;
// ESP-IDF section attributes (IRAM_ATTR, DRAM_ATTR, EXT_RAM_BSS_ATTR, RTC_NOINIT_ATTR, WORD_ALIGNED_ATTR...)
const attrMacro = /\b[A-Z][A-Z0-9_]*_ATTR\b/g;

const blank = (s: string) => s.replace(/[^\n\r]/g, ' ');

interface Frame { branches: Condition[]; current: Condition }

export function maskSource(source: string): MaskedSource {
  const lines = source.split('\n');
  const perLine: (readonly Condition[])[] = new Array(lines.length);
  const stack: Frame[] = [];
  let active: readonly Condition[] = [];
  const recompute = () => {
    active = stack
      .flatMap((f) => [...f.branches.map((b) => ({ ...b, negated: !b.negated })), f.current])
      .filter((c) => c.expr !== '1'); // the `#else` marker itself always holds
  };

  for (let i = 0; i < lines.length; i++) {
    const m = directive.exec(lines[i]);
    if (!m) {
      perLine[i] = active;
      lines[i] = maskAttributes(lines[i]);
      continue;
    }
    perLine[i] = active;
    let end = i;
    // A directive continues over lines ending in a backslash.
    while (lines[end].endsWith('\\') && end + 1 < lines.length) end++;
    const expr = lines.slice(i, end + 1).join(' ').replace(directive, '$2').replace(/\\\s/g, ' ').trim();
    applyDirective(stack, m[1], expr, i);
    recompute();
    for (let j = i; j <= end; j++) { lines[j] = blank(lines[j]); perLine[j] = perLine[i]; }
    i = end;
  }
  return { text: lines.join('\n'), conditionsAt: (line) => perLine[line] ?? [] };
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

function maskAttributes(line: string): string {
  if (!line.includes('_ATTR') && !line.includes('__attribute__')) return line;
  let out = line.replace(attrMacro, (m) => ' '.repeat(m.length));
  // __attribute__((...)) with balanced parentheses
  for (let at = out.indexOf('__attribute__'); at >= 0; at = out.indexOf('__attribute__', at + 1)) {
    let i = at + '__attribute__'.length, depth = 0, started = false;
    for (; i < out.length; i++) {
      if (out[i] === '(') { depth++; started = true; } else if (out[i] === ')') { depth--; if (started && depth === 0) { i++; break; } }
    }
    out = out.slice(0, at) + ' '.repeat(i - at) + out.slice(i);
  }
  return out;
}

const firstWord = (s: string) => (/^\s*([A-Za-z_]\w*)/.exec(s)?.[1] ?? s.trim());
const stripComment = (s: string) => s.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
