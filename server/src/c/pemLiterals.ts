// PEM text written as C string literals: `static const char *root_ca = "-----BEGIN CERTIFICATE-----\n" "MIID...\n" ...;`
// (seed 002), in a `#define`, or straight in a config field. Every block keeps its range in the source,
// so a finding sits on the certificate itself; a literal piece inside a block that lacks its "\n" is
// reported at the exact piece.
import type { Node } from 'web-tree-sitter';
import { LineIndex } from '../positions';
import type { Condition } from './mask';
import type { Position, Range } from '../rules/finding';
import { readContents, readContentsSync, type BlockContents } from '../x509/contents';
import { findPemBlocks, type PemBlock, type PemProblem } from '../x509/pem';
import { decodeCStrings, type DecodedString, type MacroLookup } from './cStrings';
import { calledName, PRINT_CALL } from './nodes';

export interface PemLiteralBlock extends BlockContents {
  label: string;
  range: Range;
  der?: Uint8Array;
  /** The PEM text of the block as the program sees it (escapes decoded). */
  pem: string;
  problem?: { message: string; range: Range; fatal: boolean; pemError?: string };
  /** Pieces of the literal inside this block that end without "\n" although the next piece continues it. */
  joins: { range: Range; afterBegin: boolean }[];
  /** The block as found in the decoded text (for key parsing). */
  source?: PemBlock;
}

export interface PemLiteralFact {
  /** Who holds the literal: `root_ca` in `const char *root_ca = "..."`, a `#define` name, or a config field path. */
  owner: { variable?: string; macro?: string; field?: string };
  range: Range;
  blocks: PemLiteralBlock[];
  /** The `#if` conditions around the literal (the extractor adds them): a literal compiled out is not firmware. */
  conditions?: readonly Condition[];
  /** The literal as written, when a macro the file does not define cut its reading short (a Kconfig string
   *  between the markers): the project's configuration may complete it (resolvePemLiteral). */
  unresolved?: { source: string; at: Position };
}

/** Decodes what each block holds (certificate, key); async, so it runs after the syntax tree is gone. */
export async function readLiteralContents(facts: PemLiteralFact[]): Promise<void> {
  for (const f of facts) {
    for (const b of f.blocks) Object.assign(b, await readContents(b.label, b.der, b.source));
  }
}

/** Finds string runs holding "-----BEGIN " under `root` and in object-like macros, and reads their PEM blocks. */
export function pemLiterals(root: Node, text: string, lookup: (name: string) => string | undefined, lines = new LineIndex(text)): PemLiteralFact[] {
  const out: PemLiteralFact[] = [];
  // An explicit stack, not recursion: the tree is as deep as the input's longest expression chain. Each
  // entry carries its parent's type: Node.parent walks down from the root, quadratic on a wide tree.
  const stack: [Node, string | undefined][] = [[root, undefined]];
  while (stack.length) {
    const [n, parentType] = stack.pop()!;
    if (n.type === 'concatenated_string' || (n.type === 'string_literal' && parentType !== 'concatenated_string')) {
      if (text.slice(n.startIndex, n.endIndex).includes('-----BEGIN') && !printed(n)) out.push(fact(ownerOf(n), text, n.startIndex, n.endIndex, lookup, lines));
      continue;
    }
    if (n.type === 'preproc_def') {
      const value = n.childForFieldName('value');
      const name = n.childForFieldName('name')?.text;
      if (value && name && value.text.includes('-----BEGIN')) out.push(fact({ macro: name }, text, value.startIndex, value.endIndex, lookup, lines));
      continue;
    }
    const children = n.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) if (children[i]) stack.push([children[i]!, n.type]); // document order
  }
  return out.filter((f) => f.blocks.length);
}

/** Text handed to a log or print call (`ESP_LOGI(TAG, "-----BEGIN PUBLIC KEY-----\n%s...", buf)`) is output, never parsed. */
function printed(n: Node): boolean {
  const call = n.parent?.type === 'argument_list' ? n.parent.parent : null;
  return call?.type === 'call_expression' && PRINT_CALL.test(calledName(call));
}

/**
 * A piece the checker cannot read (a macro from a header or Kconfig: `"-----BEGIN CERTIFICATE-----\n"
 * CONFIG_OTA_CA "\n-----END..."`) leaves the block unknown, never malformed; a literal that holds only the
 * BEGIN line (`#define PEM_BEGIN_CSR "-----BEGIN CERTIFICATE REQUEST-----\n"`) is a piece code assembles, not a block.
 */
function unknownOrFragment(b: PemBlock, s: DecodedString, cut: boolean): 'unknown' | 'fragment' | undefined {
  const open = b.problem?.code === 'missing-end';
  if (cut && (open || b.end >= s.text.length)) return 'unknown';
  return open && /^-----BEGIN [^\n]*-----\s*$/.test(s.text.slice(b.start)) ? 'fragment' : undefined;
}

/** Offsets of the text read to positions in the file. */
type Ranger = Pick<LineIndex, 'range'>;

function fact(owner: PemLiteralFact['owner'], text: string, start: number, end: number, lookup: MacroLookup, lines: Ranger): PemLiteralFact {
  const s = decodeCStrings(text, start, end, lookup);
  const cut = s.offsets[s.offsets.length - 1] < end;
  const out: PemLiteralFact = { owner, range: lines.range(start, end), blocks: blocksOf(s, cut, lines) };
  if (cut) out.unresolved = { source: text.slice(start, end), at: lines.range(start, start).start };
  return out;
}

/**
 * The literal read again with the project's configuration (`lookup` gives CONFIG_ strings as C source): its
 * blocks with their contents when that completes it, else undefined (still unknown). Synchronous: the rules
 * call it, over the few literals a macro left open.
 */
export function resolvePemLiteral(f: PemLiteralFact, lookup: MacroLookup): PemLiteralBlock[] | undefined {
  if (!f.unresolved) return undefined;
  const { source, at } = f.unresolved;
  const s = decodeCStrings(source, 0, source.length, lookup);
  if (s.offsets[s.offsets.length - 1] < source.length) return undefined;
  const local = new LineIndex(source);
  const shift = (p: Position): Position => (p.line === 0 ? { line: at.line, character: at.character + p.character } : { line: at.line + p.line, character: p.character });
  const blocks = blocksOf(s, false, { range: (a, b) => { const r = local.range(a, b); return { start: shift(r.start), end: shift(r.end) }; } });
  return blocks.map((b) => Object.assign(b, readContentsSync(b.label, b.der, b.source)));
}

function blocksOf(s: DecodedString, cut: boolean, lines: Ranger): PemLiteralBlock[] {
  const at = (i: number) => s.offsets[Math.min(i, s.offsets.length - 1)];
  const found = findPemBlocks(s.text).map((b) => ({ b, kind: unknownOrFragment(b, s, cut) })).filter((x) => x.kind !== 'fragment');
  return found.map(({ b, kind }) => (kind === 'unknown' ? { ...b, problem: undefined, der: undefined } : b)).map((b): PemLiteralBlock => {
    const joins = s.pieces
      .filter((p, k) => k + 1 < s.pieces.length && p.decodedEnd > b.start && p.decodedEnd < b.end && p.decodedEnd > p.decodedStart)
      .filter((p) => s.text[p.decodedEnd - 1] !== '\n' && !/^\r?\n/.test(s.text.slice(p.decodedEnd, p.decodedEnd + 2))) // the next piece may open with the newline
      .map((p) => ({ range: lines.range(p.end - 1, p.end), afterBegin: p.decodedEnd <= b.bodyStart }));
    return {
      label: b.label,
      range: lines.range(at(b.start), at(b.end - 1) + 1),
      der: b.der,
      pem: s.text.slice(b.start, b.end),
      // The literal's pieces say exactly where a "\n" is missing; the text-level report would repeat it less precisely.
      problem: b.problem && !(b.problem.code === 'joined-lines' || (b.problem.code === 'begin-no-newline' && joins.some((j) => j.afterBegin)))
        ? problemRange(b.problem, at, lines) : undefined,
      joins,
      source: b,
    };
  });
}

function problemRange(p: PemProblem, at: (i: number) => number, lines: Ranger): PemLiteralBlock['problem'] {
  const offset = at(p.offset);
  return { message: p.message, range: lines.range(offset, offset + 1), fatal: p.fatal, pemError: p.pemError };
}

/** `root_ca` in `const char *root_ca = "..."` / `char root_ca[] = "..."`, or the field in `.cert_pem = "..."`. */
function ownerOf(n: Node): PemLiteralFact['owner'] {
  const p = n.parent;
  if (p?.type === 'init_declarator') {
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    return { variable: d?.text };
  }
  if (p?.type === 'initializer_pair') {
    const designators = p.childrenForFieldName('designator').filter((x): x is Node => !!x && x.type === 'field_designator');
    return { field: designators.map((x) => x.namedChildren[0]?.text).join('.') };
  }
  if (p?.type === 'assignment_expression') return { variable: p.childForFieldName('left')?.text };
  return {};
}
