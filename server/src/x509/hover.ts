// Hover on a certificate: a PEM block in a C literal or in a .pem/.crt file, a `_binary_*_start`
// symbol (what the embedded file holds), or the name of a variable or macro holding a PEM literal.
import { rangeContains } from '../positions';
import type { Position, Range } from '../rules/finding';
import type { FileFacts } from '../rules/context';
import { inspectedMarkdown, type Inspected } from './inspect';

export interface CertHover { markdown: string; range: Range }

/** `explained`: a diagnostic at the position already says what is wrong with the block; the hover then adds
 *  only what it holds (and nothing when it holds nothing readable). */
export function certificateHover(facts: FileFacts, project: readonly FileFacts[], position: Position, now: Date, word?: { text: string; range: Range }, explained = false): CertHover | undefined {
  const onBlock = (block: Parameters<typeof toInspected>[0] & { range: Range }): CertHover | undefined => {
    if (explained && !block.cert && !block.key) return undefined;
    return { markdown: inspectedMarkdown([toInspected(explained ? { ...block, problem: undefined } : block)], now), range: block.range };
  };
  const inFile = facts.certFile?.blocks.find((b) => rangeContains(b.range, position));
  if (inFile) return onBlock(inFile);
  const c = facts.c;
  if (!c) return undefined;
  for (const literal of c.pems) {
    const block = literal.blocks.find((b) => rangeContains(b.range, position));
    if (block) return onBlock(block);
  }
  const ref = c.binaryRefs.find((r) => rangeContains(r.range, position)) ?? (word ? c.binaryRefs.find((r) => r.cName === word.text) : undefined);
  if (ref) {
    const embedded = project.flatMap((f) => (f.cmake?.embeds ?? []).filter((e) => e.symbol === ref.symbol).map((e) => ({ e, cmake: f.file })));
    const target = embedded[0];
    const file = target && project.find((f) => f.file === target.e.file);
    const head = target
      ? `\`_binary_${ref.symbol}_${ref.edge}\`: ${target.e.written}, embedded as ${target.e.mode === 'text' ? 'text (with a NUL byte)' : 'binary (no NUL byte)'} by ${target.e.via}`
      : `\`_binary_${ref.symbol}_${ref.edge}\`: no component embeds a file with this symbol`;
    const body = file?.certFile ? inspectedMarkdown(file.certFile.blocks.map(toInspected), now) : '';
    return { markdown: [head, body].filter(Boolean).join('\n\n'), range: word?.range ?? ref.range };
  }
  if (word) {
    const literal = c.pems.find((l) => l.owner.variable === word.text || l.owner.macro === word.text);
    if (literal) return { markdown: inspectedMarkdown(literal.blocks.map(toInspected), now), range: word.range };
  }
  return undefined;
}

function toInspected(b: { label: string; problem?: { message: string; fatal: boolean } } & Omit<Inspected, 'label' | 'problem'>): Inspected {
  return { label: b.label, cert: b.cert, key: b.key, certError: b.certError, knownIssuer: b.knownIssuer, problem: b.problem?.fatal ? b.problem.message : undefined };
}
