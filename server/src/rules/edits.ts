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
  return setFieldsEdit(config, [{ path, value }], after);
}

/** setFieldEdit for several fields that share their parent (`cacert_pem_buf` and `cacert_pem_bytes`): one edit. */
export function setFieldsEdit(config: TlsConfigFact, fields: { path: string; value: string }[], after?: Range): TextEdit | undefined {
  const parts = fields[0].path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const nested = config.nested.find((n) => n.path === parts.slice(0, i).join('.'));
    if (nested) return insertIntoList(nested.shape, fields.map((f) => `.${f.path.split('.').slice(i).join('.')} = ${f.value}`));
  }
  if (config.initializer) return insertIntoList(config.initializer, fields.map((f) => `.${f.path} = ${f.value}`));
  if (!config.variable) return undefined;
  // `T cfg;` filled by assignments: more assignments after the last one (or the declaration).
  const at = after ?? config.range;
  const indent = indentAt(config.range);
  return addLineAfter(at, fields.map((f) => `${config.variable}.${f.path} = ${f.value};`).join(`\n${indent}`), indent);
}

function insertIntoList(s: InitializerShape, fields: string[]): TextEdit {
  if (!s.lastItemEnd || s.zeroOnly) return { range: { start: s.open, end: s.close }, newText: ` ${fields.join(', ')} ` };
  if (s.multiline && s.trailingComma) {
    // New lines just above the closing brace: they stay outside any `#if` block around the last field.
    const at = { line: s.close.line, character: 0 };
    return { range: { start: at, end: at }, newText: fields.map((f) => `${s.itemIndent}${f},\n`).join('') };
  }
  const sep = s.multiline ? `,\n${s.itemIndent}` : ', ';
  return { range: { start: s.lastItemEnd, end: s.lastItemEnd }, newText: fields.map((f) => `${sep}${f}`).join('') };
}

/** A new line after the line `range` ends on, indented like `indent`. */
export function addLineAfter(range: Range, text: string, indent: string): TextEdit {
  const at = { line: range.end.line + 1, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}${text}\n` };
}

/** `#include "header"` after the last include, unless the file already includes it. */
export function includeEdit(facts: CFileFacts, header: string): TextEdit | undefined {
  if (facts.includes.some((i) => i.path === header || i.path.endsWith('/' + header))) return undefined;
  return afterIncludes(facts, `#include "${header}"\n`);
}

/** Inserts `text` at the start of the line after the last #include (the top of the file without one). */
export function afterIncludes(facts: CFileFacts, text: string): TextEdit {
  const last = facts.includes.reduce<number>((max, i) => Math.max(max, i.range.start.line), -1);
  const at = { line: last + 1, character: 0 };
  return { range: { start: at, end: at }, newText: text };
}

/** The column a range starts at, as indentation (the range starts on its first non-blank). */
export const indentAt = (r: Range) => ' '.repeat(r.start.character);
