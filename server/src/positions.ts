// Offsets to LSP positions (0-based line, UTF-16 column), for text that is not a tree-sitter tree.
import type { Position, Range } from './rules/finding';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) this.starts.push(nl + 1);
  }

  position(offset: number): Position {
    const s = this.starts;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (s[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo, character: offset - s[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

/** The offset of the newline ending the line that holds `from` (or the text's length on the last line). */
export function lineEndAt(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/** Whether `p` lies in `r` (both ends included, as hovers and code actions expect). */
export function rangeContains(r: Range, p: Position): boolean {
  return (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
    (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));
}
