// The three forms in which a project hands trust anchors to ESP-IDF, written and read here:
// - a multi-PEM file (cacert_pem_buf, the global CA store, or the input of a custom bundle);
// - the binary x509_crt_bundle that ESP-IDF's gen_crt_bundle.py builds and esp_crt_bundle.c reads;
// - a C string array, for projects that keep certificates in source.
//
// The binary bundle stores, per certificate, only the subject Name DER and the SubjectPublicKeyInfo
// DER, sorted by the subject bytes (the device binary-searches issuers with memcmp). Two layouts
// (shared/reference/crt_bundle_format.md §2-3):
//   A, ESP-IDF v4.4-v5.3: u16 BE count, then per certificate u16 BE name_len, u16 BE key_len, name, key
//   B, ESP-IDF v5.4+:     u32 LE offset of each certificate (offset[0] = 4n), then u16 LE lengths, name, key
// The writer is byte-identical to gen_crt_bundle.py for the same certificates in the same order
// (test/data/bundle/). Python's sort is stable, so equal subjects keep their input order; so does
// Array.prototype.sort. The script takes the original DER of both pieces through python-cryptography;
// we take the bytes as they are in the certificate, which is the same for DER-conforming certificates.
import type { CertInfo, PublicKeyFacts } from './certificate';
import { publicKeyFacts } from './certificate';
import { readName } from './names';

export type BundleLayout = 'A' | 'B';

/** CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS's default; the device refuses a bigger bundle. */
export const DEFAULT_BUNDLE_MAX_CERTS = 200;

/** The layout ESP-IDF of this version writes and reads: B from v5.4 (commit d8e31eb6d01, v5.4-beta1). */
export function bundleLayout(idf: { major: number; minor: number }): BundleLayout {
  return idf.major > 5 || (idf.major === 5 && idf.minor >= 4) ? 'B' : 'A';
}

export interface BundleEntry {
  subjectDer: Uint8Array;
  spki: Uint8Array;
}

/** What gen_crt_bundle.py's create_bundle() writes for these certificates, in this input order. */
export function espBundle(entries: readonly BundleEntry[], layout: BundleLayout): Uint8Array {
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.subjectDer, b.subjectDer));
  for (const e of sorted) {
    if (e.subjectDer.length > 0xffff || e.spki.length > 0xffff) throw new RangeError('a subject or public key longer than 65535 bytes does not fit the bundle format');
  }
  if (layout === 'A' && sorted.length > 0xffff) throw new RangeError('layout A holds at most 65535 certificates');
  const header = layout === 'A' ? 2 : 4 * sorted.length;
  const out = Buffer.alloc(espBundleSize(sorted, layout));
  if (layout === 'A') out.writeUInt16BE(sorted.length, 0);
  let at = header;
  sorted.forEach((e, i) => {
    if (layout === 'B') out.writeUInt32LE(at, 4 * i);
    if (layout === 'A') { out.writeUInt16BE(e.subjectDer.length, at); out.writeUInt16BE(e.spki.length, at + 2); }
    else { out.writeUInt16LE(e.subjectDer.length, at); out.writeUInt16LE(e.spki.length, at + 2); }
    out.set(e.subjectDer, at + 4);
    out.set(e.spki, at + 4 + e.subjectDer.length);
    at += 4 + e.subjectDer.length + e.spki.length;
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The size espBundle() would write, without writing it. */
export function espBundleSize(entries: readonly BundleEntry[], layout: BundleLayout): number {
  return (layout === 'A' ? 2 : 4 * entries.length) + entries.reduce((n, e) => n + 4 + e.subjectDer.length + e.spki.length, 0);
}

export interface BundleRecord extends BundleEntry {
  offset: number;
  /** RFC 4514, or a note when the stored bytes are not a Name. */
  subject: string;
  key?: PublicKeyFacts;
}

export interface ReadBundle {
  layout: BundleLayout;
  size: number;
  records: BundleRecord[];
}

export class BundleFormatError extends Error {}

/** Reads an x509_crt_bundle of either layout; throws BundleFormatError saying why it is neither. */
export function readEspBundle(bytes: Uint8Array): ReadBundle {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const asB = layoutB(b);
  if (typeof asB !== 'string') return { layout: 'B', size: b.length, records: asB.map((r) => described(b, r)) };
  const asA = layoutA(b);
  if (typeof asA !== 'string') return { layout: 'A', size: b.length, records: asA.map((r) => described(b, r)) };
  throw new BundleFormatError(`not an ESP-IDF certificate bundle: as the v5.4+ layout, ${asB}; as the v4.4-v5.3 layout, ${asA}`);
}

/** Cheap test for file-type detection: does either layout read these bytes? */
export function isEspBundle(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return typeof layoutB(b) !== 'string' || typeof layoutA(b) !== 'string';
}

interface Span { offset: number; nameAt: number; nameLen: number; keyLen: number }

/** The checks of esp_crt_check_bundle() (v5.4+), plus: the last certificate ends exactly at the end. */
function layoutB(b: Buffer): Span[] | string {
  if (b.length <= 8) return 'it is too short';
  const first = b.readUInt32LE(0);
  if (first === 0 || first % 4 !== 0 || first >= b.length) return `the first offset (${first}) is not a multiple of 4 inside the file`;
  const n = first / 4;
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) {
    const offset = b.readUInt32LE(4 * i);
    if (offset + 4 > b.length) return `certificate ${i + 1} starts past the end`;
    const span = { offset, nameAt: offset + 4, nameLen: b.readUInt16LE(offset), keyLen: b.readUInt16LE(offset + 2) };
    const end = span.nameAt + span.nameLen + span.keyLen;
    const next = i + 1 < n ? b.readUInt32LE(4 * (i + 1)) : b.length;
    if (end !== next) return `certificate ${i + 1} ends at byte ${end} but the next starts at ${next}`;
    spans.push(span);
  }
  return spans;
}

function layoutA(b: Buffer): Span[] | string {
  if (b.length < 2) return 'it is too short';
  const n = b.readUInt16BE(0);
  if (n === 0) return 'it counts no certificate';
  const spans: Span[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    if (at + 4 > b.length) return `certificate ${i + 1} of ${n} is cut off`;
    const span = { offset: at, nameAt: at + 4, nameLen: b.readUInt16BE(at), keyLen: b.readUInt16BE(at + 2) };
    at = span.nameAt + span.nameLen + span.keyLen;
    if (at > b.length) return `certificate ${i + 1} of ${n} is cut off`;
    spans.push(span);
  }
  if (at !== b.length) return `${b.length - at} bytes follow the ${n} certificates it counts`;
  return spans;
}

function described(b: Buffer, s: Span): BundleRecord {
  const subjectDer = new Uint8Array(b.subarray(s.nameAt, s.nameAt + s.nameLen));
  const spki = new Uint8Array(b.subarray(s.nameAt + s.nameLen, s.nameAt + s.nameLen + s.keyLen));
  let subject: string;
  try { subject = readName(subjectDer).text; } catch { subject = `(${s.nameLen} bytes that are not a DER Name)`; }
  let key: PublicKeyFacts | undefined;
  try { key = publicKeyFacts(spki); } catch { key = undefined; }
  return { subjectDer, spki, offset: s.offset, subject, key };
}

// ---------------------------------------------------------------------------------------------
// Text forms

export interface CertToWrite { cert: CertInfo }

/** Certificates in a stable, readable order (subject, then expiry), each exact certificate once. */
export function sortedUnique<T extends CertToWrite>(items: readonly T[]): { kept: T[]; duplicates: T[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const duplicates: T[] = [];
  for (const item of items) {
    if (seen.has(item.cert.sha256)) duplicates.push(item);
    else { seen.add(item.cert.sha256); kept.push(item); }
  }
  kept.sort((a, b) => displayName(a.cert).localeCompare(displayName(b.cert), 'en') || a.cert.notAfter.getTime() - b.cert.notAfter.getTime() || a.cert.sha256.localeCompare(b.cert.sha256));
  return { kept, duplicates };
}

/** One comment line per certificate naming subject and expiry, then the PEM block; LF line ends and a
 * final newline, so that gen_crt_bundle.py reads every block and mbedTLS finds the NUL after it when
 * embedded with EMBED_TXTFILES. Text between blocks is skipped by both. */
export function pemBundleText(items: readonly CertToWrite[]): string {
  return sortedUnique(items).kept.map(({ cert }) => `# ${commentText(cert)}\n${pemOf(cert.der)}`).join('\n');
}

/** `const char name[] = "...\n" ...;` holding pemBundleText() without its comment lines, which go into
 * a C comment above it. sizeof(name) counts the NUL mbedTLS needs; strlen(name) does not. */
export function cArrayText(items: readonly CertToWrite[], name: string, isStatic = false): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`'${name}' is not a C identifier`);
  const kept = sortedUnique(items).kept;
  const header = ['/* Trust anchors (PEM), written by ESP-IDF TLS Lens:', ...kept.map(({ cert }) => ` *   ${commentText(cert).replace(/\*\//g, '*\\/')}`), ' */'];
  const lines = kept.flatMap(({ cert }) => pemOf(cert.der).trimEnd().split('\n'));
  const body = lines.map((l, i) => `    "${l}\\n"${i === lines.length - 1 ? ';' : ''}`);
  return [...header, `${isStatic ? 'static ' : ''}const char ${name}[] =`, ...body].join('\n') + '\n';
}

/** A certificate as PEM: base64 in 64-character lines, LF, final newline. */
export function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function commentText(cert: CertInfo): string {
  // A control character would end the comment line, and mbedTLS finds "-----BEGIN" anywhere (strstr),
  // so a name holding either could forge a block: both are defused.
  const subject = cert.subject.replace(/[\u0000-\u001f\u007f]/g, '?').replace(/-{2,}/g, '-');
  return `${subject} (valid until ${cert.notAfter.toISOString().slice(0, 10)})`;
}

function displayName(cert: CertInfo): string {
  return (cert.subjectCN ?? cert.subject).toLowerCase();
}
