// CMake's command syntax (cmake-language(7)): `name(args...)` with quoted, unquoted and bracket
// arguments, `#` line comments and `#[[ ]]` bracket comments. Offsets are kept so a finding can point at
// the token a value was written in. Nothing is evaluated here.

export interface Token {
  text: string;
  /** Offsets of the text (inside the quotes for a quoted argument). */
  start: number;
  end: number;
  quoted: boolean;
  /** `[[...]]`: taken literally, no variable references. */
  bracket?: boolean;
}

export interface Command { name: string; args: Token[]; start: number; end: number }

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Every command of a CMake file, in order. Broken input ends the list; it never throws. */
export function parseCMake(text: string): Command[] {
  const out: Command[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') { i = skipComment(text, i); continue; }
    if (!isNameStart(c)) { i++; continue; }
    NAME.lastIndex = i;
    const m = NAME.exec(text)!;
    let j = i + m[0].length;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] !== '(') { i = j; continue; }
    const cmd: Command = { name: m[0], args: [], start: i, end: i };
    i = readArgs(text, j + 1, cmd.args);
    cmd.end = i;
    out.push(cmd);
  }
  return out;
}

const isNameStart = (c: string) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';

/** `# ...` to the line end, or a `#[==[ ... ]==]` bracket comment. */
function skipComment(text: string, at: number): number {
  const open = /^#\[(=*)\[/.exec(text.slice(at, at + 40));
  if (open) {
    const close = text.indexOf(`]${open[1]}]`, at);
    return close < 0 ? text.length : close + open[1].length + 2;
  }
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

function readArgs(text: string, from: number, args: Token[]): number {
  let i = from, depth = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ')') { if (depth === 0) return i + 1; depth--; i++; continue; }
    if (c === '(') { depth++; i++; continue; }
    // Any whitespace the unquoted-argument scan below stops at (a form feed too), or that scan makes no progress.
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { i = skipComment(text, i); continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      args.push({ text: unescape(text.slice(i + 1, Math.min(j, text.length))), start: i + 1, end: Math.min(j, text.length), quoted: true });
      i = j + 1;
      continue;
    }
    const bracket = c === '[' ? /^\[(=*)\[/.exec(text.slice(i, i + 40)) : null;
    if (bracket) {
      const open = i + bracket[0].length;
      const close = text.indexOf(`]${bracket[1]}]`, open);
      const end = close < 0 ? text.length : close;
      args.push({ text: text.slice(open, end).replace(/^\r?\n/, ''), start: open, end, quoted: true, bracket: true });
      i = close < 0 ? text.length : close + bracket[1].length + 2;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s()#"]/.test(text[j])) j += text[j] === '\\' ? 2 : 1;
    // An unquoted argument may hold `"` in its middle (a="b"); CMake keeps them literally.
    args.push({ text: text.slice(i, j), start: i, end: j, quoted: false });
    i = j;
  }
  return i;
}

/** The escapes CMake resolves in a quoted argument; `\$` and the like stay for variable expansion. */
function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(\r?\n|[nrt";\\])/g, (_, e: string) => (e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === ';' ? '\\;' : e.startsWith('\n') || e.startsWith('\r') ? '' : e));
}
