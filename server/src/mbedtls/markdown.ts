// Decoded codes as Markdown, for hovers, the Decode mbedTLS Error panel and log diagnostics.
import type { DecodedCode } from './decode';

/**
 * The cause first (the explanation), then the fix (hints), then the library's own text and the parts last.
 * `explained`: a diagnostic at the hover already gives the explanation; the hover adds the rest only.
 */
export function decodedMarkdown(results: readonly DecodedCode[], explained = false): string {
  return results.map((d) => one(d, explained)).join('\n\n---\n\n');
}

function one(d: DecodedCode, explained: boolean): string {
  const version = d.kind === 'mbedtls' ? ` (Mbed TLS ${d.versions.join(' and ')})` : '';
  const lines = [`**\`${d.value}\`**${version}${d.esp ? `: \`${d.esp.name}\`` : ''}`];
  if (d.explanation && !explained) lines.push(d.explanation);
  // A hint whose text already quotes its command does not get it a second time.
  for (const h of d.hints) lines.push(`- ${h.text}${h.rule ? ` (rule \`${h.rule}\`)` : ''}${h.command && !h.text.includes(h.command) ? ` \`${h.command}\`` : ''}`);
  for (const f of d.flags ?? []) lines.push(`- \`${f.value}\` \`${f.name}\`: ${f.text}`);
  lines.push(...libraryText(d, explained));
  for (const n of d.notes) lines.push(`_${n}_`);
  return lines.join('\n\n');
}

/**
 * The library's own words, once: a single code is its name with the exact mbedtls_strerror text (what the
 * device's log prints); a combined code gives that text, then each part. Under a diagnostic, which ends with
 * the strerror text already (decodedLine), a single code gives its name only.
 */
function libraryText(d: DecodedCode, explained: boolean): string[] {
  const [only] = d.parts;
  if (d.parts.length === 1 && only.name) return [explained ? `\`${only.name}\`` : `\`${only.name}\`: \`${d.strerror ?? only.description}\``];
  const lines = d.strerror && !explained ? ['`' + d.strerror + '`'] : [];
  for (const p of d.parts) lines.push(`- \`${p.value}\` ${p.name ? `\`${p.name}\`` : '(no such code)'} (${p.module}, ${p.level}): ${p.description}`);
  return lines;
}

/** A one-line summary: "`-0x2700` X509 - Certificate verification failed, e.g. CRL, CA or signature check failed" (the code as code: the result view gives it a copy button). */
export function decodedLine(d: DecodedCode): string {
  return `\`${d.value}\` ${d.strerror ?? d.esp?.name ?? d.flags?.map((f) => f.text).join('; ') ?? ''}`.trim();
}
