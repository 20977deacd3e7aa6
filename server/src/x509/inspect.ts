// What a file, a selection or a literal holds, for `esp-tls-lens inspect`, the Inspect Certificate
// command and hovers: one entry per PEM block (or the DER blob), with its summary or its problem.
import { formatMbedtlsCode } from '../mbedtls/catalogue';
import { pemOf } from './bundle';
import { decodeCStrings } from '../c/cStrings';
import type { CertInfo } from './certificate';
import { extractCertFile } from './certFile';
import type { BlockContents } from './contents';
import { readContents } from './contents';
import { findPemBlocks } from './pem';
import { certificateSummary, keySummary, keyText } from './summary';
import { isEspBundle, readEspBundle, type BundleLayout, type ReadBundle } from './bundle';
import { isDer } from './der';

export interface Inspected extends BlockContents {
  label: string;
  problem?: string;
  /** An ESP-IDF x509_crt_bundle: what it stores instead of certificates. */
  bundle?: ReadBundle;
}

const BUNDLE_LABEL = 'ESP-IDF CERTIFICATE BUNDLE';

/** Reads PEM (one or many blocks), DER, or C source / a C selection whose string literals hold PEM. */
export async function inspectBytes(bytes: Uint8Array, name = ''): Promise<Inspected[]> {
  const text = Buffer.from(bytes).toString('latin1');
  const looksLikeC = /\.(c|h|cc|cpp|hpp|ino)$/i.test(name) || /^\s*("|static\s|const\s|#)/.test(text) && text.includes('"-----BEGIN');
  if (looksLikeC) return inspectPemText(cStringsOf(text));
  if (!text.includes('-----BEGIN') && !isDer(bytes) && isEspBundle(bytes)) return [{ label: BUNDLE_LABEL, bundle: readEspBundle(bytes) }];
  const file = await extractCertFile(bytes);
  return file.blocks.map((b) => ({ ...b, problem: b.problem?.message }));
}

/** The text of every string literal in C source, joined: escapes decoded, code between runs dropped. */
function cStringsOf(text: string): string {
  let out = '';
  for (const m of text.matchAll(/(?:(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*"\s*)+/g)) out += decodeCStrings(m[0], 0, m[0].length).text + '\n';
  return out;
}

export async function inspectPemText(text: string): Promise<Inspected[]> {
  return Promise.all(findPemBlocks(text).map(async (b) => ({ label: b.label, problem: b.problem?.fatal ? b.problem.message : undefined, ...(await readContents(b.label, b.der, b)) })));
}

export function inspectedMarkdown(items: Inspected[], now: Date): string {
  if (!items.length) return 'No certificate or key found (no `-----BEGIN` block, and not DER).';
  // Each certificate's PEM last, as a block: the rendered view gives it a copy button.
  return items.map((i, n) => `${items.length > 1 ? `**${n + 1}. ${i.label}**\n\n` : ''}${describe(i, now).markdown}${i.cert ? `\n\n\`\`\`\n${pemOf(i.cert.der)}\`\`\`` : ''}`).join('\n\n---\n\n');
}

export function inspectedText(items: Inspected[], now: Date): string {
  if (!items.length) return 'no certificate or key found\n';
  return items.map((i, n) => [`[${n + 1}] ${i.label}`, ...describe(i, now).lines.map((l) => `    ${l}`)].join('\n')).join('\n') + '\n';
}

export function inspectedJson(items: Inspected[]): unknown[] {
  return items.map((i) => ({
    label: i.label,
    ...(i.cert ? certJson(i.cert) : {}),
    ...(i.bundle ? { bundle: bundleJson(i.bundle) } : {}),
    ...(i.key ? { key: { format: i.key.format, type: i.key.type, bits: i.key.bits, curve: i.key.curve, encrypted: i.key.encrypted } } : {}),
    knownIssuer: i.knownIssuer ?? null,
    problem: i.problem ?? i.certError ?? i.key?.problem ?? null,
    // What the device's parsers say: [] when Mbed TLS 3.6 and 2.28 both read the block; absent when not judged.
    ...(i.device ? { mbedtlsRefuses: i.device.map((r) => ({ version: r.version, call: r.call, code: formatMbedtlsCode(r.code), text: r.text })) } : {}),
  }));
}

function certJson(c: CertInfo) {
  return {
    subject: c.subject, issuer: c.issuer, serialNumber: c.serialNumber, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(),
    role: c.role, isCA: c.isCA ?? null, pathLength: c.pathLength ?? null, keyUsage: c.keyUsage, extKeyUsage: c.extKeyUsage, san: c.san,
    aki: c.aki ?? null, ski: c.ski ?? null, publicKey: c.key, signature: c.signature, sha256: c.sha256, derSize: c.derSize, pemSize: c.pemSize ?? null,
  };
}

function bundleJson(b: ReadBundle) {
  return {
    layout: b.layout, idfVersions: layoutReleases(b.layout), size: b.size, count: b.records.length,
    certificates: b.records.map((r) => ({ subject: r.subject, publicKey: r.key ?? null, offset: r.offset, subjectBytes: r.subjectDer.length, keyBytes: r.spki.length })),
  };
}

const layoutReleases = (layout: BundleLayout) => (layout === 'A' ? 'v4.4 to v5.3' : 'v5.4 and later');

function describeBundle(b: ReadBundle): { lines: string[]; markdown: string } {
  const head = `ESP-IDF x509_crt_bundle, layout ${b.layout} (ESP-IDF ${layoutReleases(b.layout)}): ${b.records.length} certificate(s), ${b.size} bytes. It stores each CA's subject and public key only (no dates, no signatures).`;
  const key = (r: ReadBundle['records'][number]) => (r.key ? keyText(r.key) : 'unreadable key');
  return {
    lines: [head, ...b.records.map((r, n) => `${n + 1}. ${r.subject}  (${key(r)})`)],
    markdown: [head, '', ...b.records.map((r, n) => `${n + 1}. \`${r.subject}\` (${key(r)})`)].join('\n'),
  };
}

/** The block's reading here, then what the device's own Mbed TLS says of it when it refuses it. */
function describe(i: Inspected, now: Date): { lines: string[]; markdown: string } {
  const d = describeContents(i, now);
  const refusals = (i.device ?? []).map((r) => `Mbed TLS ${r.version} refuses it: ${r.call} returns ${formatMbedtlsCode(r.code)} (${r.text})`);
  return refusals.length ? { lines: [...d.lines, ...refusals], markdown: [d.markdown, ...refusals.map((r) => `**${r}**`)].join('\n\n') } : d;
}

function describeContents(i: Inspected, now: Date): { lines: string[]; markdown: string } {
  if (i.bundle) return describeBundle(i.bundle);
  if (i.cert) {
    const s = certificateSummary(i.cert, now);
    return i.knownIssuer ? { lines: [...s.lines, `Root: ${i.knownIssuer}`], markdown: `${s.markdown}\n\nIssued under **${i.knownIssuer}** (a Mozilla root).` } : s;
  }
  if (i.key) return keySummary(i.key);
  const why = i.problem ?? i.certError ?? 'not a certificate or key this tool reads';
  return { lines: [`Problem: ${why}`], markdown: `**${i.label}**: ${why}` };
}
