// Reads a run of C string literals the way the compiler joins them ("a" "b" MACRO "c"), keeping for
// every decoded character the source offset it came from, so a finding about byte N of a certificate
// can sit on the exact spot in the source.

export interface StringPiece {
  /** Source offsets of the literal, quotes included. */
  start: number;
  end: number;
  /** Index in the decoded text where this piece's characters begin and end. */
  decodedStart: number;
  decodedEnd: number;
}

export interface DecodedString {
  text: string;
  /** offsets[i] is the source offset of decoded character i; offsets[text.length] is the end. */
  offsets: number[];
  pieces: StringPiece[];
}

/** The value of an object-like macro, as C source (`"abc"` or `OTHER "x"`), or undefined. */
export type MacroLookup = (name: string) => string | undefined;

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v' };

/**
 * Decodes the string literals between `start` and `end` of `source`. Whitespace, comments and
 * line continuations between pieces are skipped; a macro is expanded through `lookup` (its characters
 * all map to the macro name); anything else stops the run, which is returned as far as it was read.
 */
export function decodeCStrings(source: string, start: number, end: number, lookup: MacroLookup = () => undefined, depth = 0): DecodedString {
  const out: DecodedString = { text: '', offsets: [], pieces: [] };
  let i = start;
  while (i < end) {
    const c = source[i];
    if (/\s/.test(c) || (c === '\\' && /^\\\r?\n/.test(source.slice(i, i + 3)))) { i++; continue; }
    if (source.startsWith('/*', i)) { const close = source.indexOf('*/', i + 2); i = close < 0 ? end : close + 2; continue; }
    if (source.startsWith('//', i)) { const nl = source.indexOf('\n', i); i = nl < 0 ? end : nl + 1; continue; }
    const prefix = /^(u8|u|U|L)?"/.exec(source.slice(i, i + 3));
    if (prefix) { i = readLiteral(source, i + prefix[0].length - 1, end, out); continue; }
    const ident = /^[A-Za-z_]\w*/.exec(source.slice(i, Math.min(end, i + 256)));
    const value = ident && depth < 4 ? lookup(ident[0]) : undefined;
    if (!ident || value === undefined) break;
    const inner = decodeCStrings(value, 0, value.length, lookup, depth + 1);
    out.pieces.push({ start: i, end: i + ident[0].length, decodedStart: out.text.length, decodedEnd: out.text.length + inner.text.length });
    out.text += inner.text;
    for (let k = 0; k < inner.text.length; k++) out.offsets.push(i);
    i += ident[0].length;
  }
  out.offsets.push(i);
  return out;
}

/** Reads one literal starting at its opening quote; returns the offset after the closing quote. */
function readLiteral(source: string, quote: number, end: number, out: DecodedString): number {
  const piece: StringPiece = { start: quote, end: quote, decodedStart: out.text.length, decodedEnd: out.text.length };
  let i = quote + 1;
  while (i < end && source[i] !== '"' && source[i] !== '\n') {
    const at = i;
    let ch = source[i++];
    if (ch === '\\' && i < end) {
      const e = source[i++];
      if (e in SIMPLE_ESCAPES) ch = SIMPLE_ESCAPES[e];
      else if (e === 'x') { const m = /^[0-9a-fA-F]+/.exec(source.slice(i, i + 8))?.[0] ?? ''; ch = String.fromCharCode(parseInt(m || '0', 16) & 0xff); i += m.length; }
      else if (/[0-7]/.test(e)) { const m = e + (/^[0-7]{0,2}/.exec(source.slice(i, i + 2))?.[0] ?? ''); ch = String.fromCharCode(parseInt(m, 8) & 0xff); i += m.length - 1; }
      else if (e === '\n') continue; // line continuation inside a literal
      else ch = e;
    }
    out.text += ch;
    out.offsets.push(at);
  }
  piece.end = Math.min(end, i + 1);
  piece.decodedEnd = out.text.length;
  out.pieces.push(piece);
  return piece.end;
}

/** A C expression as a person names it: `(const unsigned char *)ca_pem_start` is `ca_pem_start`. */
export const withoutCast = (expr: string): string => expr.replace(/^\(\s*const\s+(unsigned\s+)?char\s*\*\s*\)\s*/, '');
