// Decoded codes as Markdown, for hovers, the Decode mbedTLS Error panel and log diagnostics.
import type { DecodedCode } from './decode';

export function decodedMarkdown(results: readonly DecodedCode[]): string {
  return results.map(one).join('\n\n---\n\n');
}

function one(d: DecodedCode): string {
  const version = d.kind === 'mbedtls' ? ` (Mbed TLS ${d.versions.join(' and ')})` : '';
  const lines = [`**\`${d.value}\`**${version}${d.esp ? `: \`${d.esp.name}\`` : ''}`];
  if (d.strerror) lines.push('`' + d.strerror + '`');
  for (const p of d.parts) lines.push(`- \`${p.value}\` ${p.name ? `\`${p.name}\`` : '(no such code)'} (${p.module}, ${p.level}): ${p.description}`);
  for (const f of d.flags ?? []) lines.push(`- \`${f.value}\` \`${f.name}\`: ${f.text}`);
  if (d.explanation) lines.push(d.explanation);
  for (const h of d.hints) lines.push(`- ${h.text}${h.rule ? ` (rule \`${h.rule}\`)` : ''}${h.command ? ` \`${h.command}\`` : ''}`);
  for (const n of d.notes) lines.push(`_${n}_`);
  return lines.join('\n\n');
}

/** A one-line summary: "-0x2700 X509 - Certificate verification failed, e.g. CRL, CA or signature check failed". */
export function decodedLine(d: DecodedCode): string {
  return `${d.value} ${d.strerror ?? d.esp?.name ?? d.flags?.map((f) => f.text).join('; ') ?? ''}`.trim();
}
