// Applies LSP-style text edits to a string, as an editor would (all ranges refer to the original text).
import type { TextEdit } from '../../server/src/rules/finding';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: TextEdit['range']['start']) => Math.min((lineStarts[p.line] ?? text.length) + p.character, text.length);
  // Inserts at the same place keep their order, as in VS Code: the later one is applied first.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => offset(b.e.range.start) - offset(a.e.range.start) || b.i - a.i).map((x) => x.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
