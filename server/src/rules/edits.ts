// Text edits that change C the way a person would: a field added in the initializer's own layout, an
// include after the last include, a statement added after another.
import type { CFileFacts, InitializerShape, TlsConfigFact } from '../c/facts';
import type { Range, TextEdit } from './finding';

/**
 * Sets `path` (dotted, e.g. `broker.verification.crt_bundle_attach`) to `value` in a config: inside the
 * deepest existing nested list on the path (so `.broker = { ... }` is not overridden by a second
 * designator), else in the config's own list, else as an assignment after the config's declaration.
 */
export function setFieldEdit(config: TlsConfigFact, path: string, value: string, after?: Range): TextEdit | undefined {
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const nested = config.nested.find((n) => n.path === parts.slice(0, i).join('.'));
    if (nested) return insertIntoList(nested.shape, `.${parts.slice(i).join('.')} = ${value}`);
  }
  if (config.initializer) return insertIntoList(config.initializer, `.${path} = ${value}`);
  if (!config.variable) return undefined;
  // `T cfg;` filled by assignments: one more assignment after the last one (or the declaration).
  const at = after ?? config.range;
  return addLineAfter(at, `${config.variable}.${path} = ${value};`, indentAt(config.range));
}

function insertIntoList(s: InitializerShape, field: string): TextEdit {
  if (!s.lastItemEnd || s.zeroOnly) return { range: { start: s.open, end: s.close }, newText: ` ${field} ` };
  if (s.multiline && s.trailingComma) {
    // A new line just above the closing brace: stays outside any `#if` block around the last field.
    const at = { line: s.close.line, character: 0 };
    return { range: { start: at, end: at }, newText: `${s.itemIndent}${field},\n` };
  }
  const sep = s.multiline ? `,\n${s.itemIndent}` : ', ';
  return { range: { start: s.lastItemEnd, end: s.lastItemEnd }, newText: `${sep}${field}` };
}

/** A new line after the line `range` ends on, indented like `indent`. */
export function addLineAfter(range: Range, text: string, indent: string): TextEdit {
  const at = { line: range.end.line + 1, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}${text}\n` };
}

/** `#include "header"` after the last include, unless the file already includes it. */
export function includeEdit(facts: CFileFacts, header: string): TextEdit | undefined {
  if (facts.includes.some((i) => i.path === header || i.path.endsWith('/' + header))) return undefined;
  const last = facts.includes.reduce<number>((max, i) => Math.max(max, i.range.start.line), -1);
  const at = { line: last + 1, character: 0 };
  return { range: { start: at, end: at }, newText: `#include "${header}"\n` };
}

/** The column a range starts at, as indentation (the range starts on its first non-blank). */
export const indentAt = (r: Range) => ' '.repeat(r.start.character);
