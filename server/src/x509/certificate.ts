// Decodes one X.509 certificate into the plain facts the rules and the UI need (CertInfo). The
// structure is walked with our DER reader (serial, validity, raw names, SPKI, algorithm OIDs; clear
// errors for truncated input); @peculiar/x509 parses the names and the extensions we report;
// node:crypto hashes and checks signatures (OpenSSL knows MD5/SHA-1/PSS, which WebCrypto does not).
import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { children, content, DerError, expectNode, oidString, readNode, slice, TAG, toHex, type DerNode } from './der';
import { readName, sameName } from './names';
import { CURVES, EXTENDED_KEY_USAGES, HASHES, KEY_ALGORITHMS, KEY_USAGES, OID_EC, OID_RSA_PSS, SIGNATURE_ALGORITHMS, type HashName, type KeyType } from './oids';
import { findPemBlocks, type PemBlock } from './pem';
import { peculiarX509 } from './peculiar';

export type { HashName, KeyType } from './oids';
export type CertRole = 'root' | 'intermediate' | 'leaf';

export interface PublicKeyFacts {
  type: KeyType;
  bits?: number;
  curve?: string;
}

export interface CertInfo {
  /** RFC 4514, most specific first: "CN=ISRG Root X1, O=Internet Security Research Group, C=US". */
  subject: string;
  subjectCN?: string;
  issuer: string;
  issuerCN?: string;
  /** DER of the subject and issuer Names: the ESP-IDF bundle stores and compares these bytes. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** Uppercase hex without the sign byte, e.g. "8210CFB0D240E3594463E0BB63828B00". */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA; undefined when the extension is absent (v1 certificates, some leaves). */
  isCA?: boolean;
  pathLength?: number;
  keyUsage: string[];
  extKeyUsage: string[];
  san: { dns: string[]; ip: string[] };
  /** Key identifiers, uppercase hex. */
  aki?: string;
  ski?: string;
  /** Subject DN equals issuer DN. */
  selfIssued: boolean;
  /** Self-issued and its own key verifies its signature. */
  selfSigned: boolean;
  key: PublicKeyFacts;
  signature: { algorithm: string; hash?: HashName };
  /** SHA-256 of the DER, uppercase hex with colons (openssl x509 -fingerprint -sha256). */
  sha256: string;
  derSize: number;
  pemSize?: number;
  role: CertRole;
  /** SubjectPublicKeyInfo DER, for matching keys. */
  spki: Uint8Array;
  der: Uint8Array;
}

/** The parts of the certificate we take from the raw DER. */
interface RawParts {
  der: Uint8Array;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  spki: Uint8Array;
  /** Each Extension SEQUENCE by OID (the @peculiar/x509 extension classes parse these). */
  extensions: Map<string, Uint8Array>;
  signatureOid: string;
  signatureParams?: DerNode;
}

// The same CA turns up in many files of a workspace (and again after every edit of a file that holds
// one): decode each certificate once. Bounded, oldest out first; the facts are shared, never mutated.
const decoded = new Map<string, CertInfo>();
const DECODED_MAX = 1024;

/** Decodes a DER certificate. Throws an Error with a readable message when it is not one. */
export async function decodeCertificate(der: Uint8Array, pemSize?: number): Promise<CertInfo> {
  return decodeCertificateSync(der, pemSize);
}

/** The same, synchronously (decoding never waits on anything; the async form is the public contract). */
export function decodeCertificateSync(der: Uint8Array, pemSize?: number): CertInfo {
  const key = `${createHash('sha256').update(der).digest('base64')}/${pemSize ?? ''}`;
  const known = decoded.get(key);
  if (known) return known;
  const info = Object.freeze(decodeUncached(der, pemSize));
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, info);
  return info;
}

function decodeUncached(der: Uint8Array, pemSize?: number): CertInfo {
  const raw = readRawParts(der);
  const subject = readNameOrThrow(raw.subjectDer, 'subject');
  const issuer = readNameOrThrow(raw.issuerDer, 'issuer');
  const selfIssued = sameName(raw.subjectDer, subject.text, raw.issuerDer, issuer.text);
  const constraints = extension(raw, 'BasicConstraintsExtension');
  const isCA = constraints?.ca;
  const selfSigned = selfIssued && verifyDer(raw.der, raw.spki);
  return {
    subject: subject.text,
    ...(subject.cn !== undefined ? { subjectCN: subject.cn } : {}),
    issuer: issuer.text,
    ...(issuer.cn !== undefined ? { issuerCN: issuer.cn } : {}),
    subjectDer: raw.subjectDer,
    issuerDer: raw.issuerDer,
    serialNumber: serialHex(raw.serial),
    notBefore: raw.notBefore,
    notAfter: raw.notAfter,
    ...(isCA !== undefined ? { isCA } : {}),
    ...(constraints?.pathLength !== undefined ? { pathLength: constraints.pathLength } : {}),
    keyUsage: keyUsages(raw),
    extKeyUsage: extKeyUsages(raw),
    san: subjectAltNames(raw),
    ...keyIdentifiers(raw),
    selfIssued,
    selfSigned,
    key: publicKeyFacts(raw.spki),
    signature: signatureFacts(raw),
    sha256: fingerprint(raw.der),
    derSize: raw.der.length,
    ...(pemSize !== undefined ? { pemSize } : {}),
    role: roleOf(isCA, selfIssued, selfSigned),
    spki: raw.spki,
    der: raw.der,
  };
}

/** Walks Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. Our own
 * walk (not @peculiar/x509's schema parser) because it is several times faster and says where the
 * DER is broken. */
function readRawParts(input: Uint8Array): RawParts {
  try {
    const outer = expectNode(input, 0, TAG.SEQUENCE, 'not a DER certificate');
    // A copy, trimmed to the certificate (a trailing NUL or newline after DER is common in embeds).
    const der = input.slice(0, outer.end);
    const [tbs, sigAlg, sigValue] = children(der, outer);
    if (tbs?.tag !== TAG.SEQUENCE || sigAlg?.tag !== TAG.SEQUENCE || sigValue?.tag !== TAG.BIT_STRING) {
      throw new DerError('not a certificate: expected a TBSCertificate, a signature algorithm and a signature', 0);
    }
    const fields = children(der, tbs);
    const at = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
    const [serial, , issuer, validity, subject, spki] = fields.slice(at);
    const shapes: Array<[DerNode | undefined, number, string]> = [
      [serial, TAG.INTEGER, 'serial number'],
      [issuer, TAG.SEQUENCE, 'issuer'],
      [validity, TAG.SEQUENCE, 'validity'],
      [subject, TAG.SEQUENCE, 'subject'],
      [spki, TAG.SEQUENCE, 'public key'],
    ];
    for (const [node, tag, what] of shapes) if (node?.tag !== tag) throw new DerError(`not a certificate: the ${what} field is missing or malformed`, node?.start ?? tbs.start);
    const [sigOid, sigParams] = children(der, sigAlg);
    if (sigOid?.tag !== TAG.OID) throw new DerError('not a certificate: the signature algorithm has no OID', sigAlg.start);
    const [notBefore, notAfter] = children(der, validity).map((t) => readTime(der, t));
    if (!notBefore || !notAfter) throw new DerError('not a certificate: the validity needs two dates', validity.start);
    return {
      der,
      serial: content(der, serial),
      notBefore,
      notAfter,
      issuerDer: slice(der, issuer),
      subjectDer: slice(der, subject),
      spki: slice(der, spki),
      extensions: readExtensions(der, fields.slice(at + 6)),
      signatureOid: oidString(der, sigOid),
      ...(sigParams ? { signatureParams: sigParams } : {}),
    };
  } catch (e) {
    if (e instanceof DerError) throw new Error(e.message);
    throw e;
  }
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z). */
function readTime(der: Uint8Array, node: DerNode): Date {
  const text = Buffer.from(content(der, node)).toString('latin1');
  const m = node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text) : node.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text) : null;
  if (!m) throw new DerError(`not a certificate: invalid validity date "${text}"`, node.start);
  const year = node.tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}

/** [3] EXPLICIT SEQUENCE OF Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }. */
function readExtensions(der: Uint8Array, rest: DerNode[]): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  const wrapper = rest.find((n) => n.tag === 0xa3);
  if (!wrapper) return found;
  const list = readNode(der, wrapper.contentStart, wrapper.end);
  for (const ext of children(der, list)) {
    const oid = children(der, ext)[0];
    if (oid?.tag === TAG.OID) found.set(oidString(der, oid), slice(der, ext));
  }
  return found;
}

function readNameOrThrow(der: Uint8Array, what: string): ReturnType<typeof readName> {
  try {
    return readName(der);
  } catch (e) {
    throw new Error(`not a valid X.509 certificate: cannot read the ${what} name (${(e as Error).message})`);
  }
}

/** The extensions we report, by the @peculiar/x509 class that parses each. */
const EXTENSION_OIDS = {
  BasicConstraintsExtension: '2.5.29.19',
  KeyUsagesExtension: '2.5.29.15',
  ExtendedKeyUsageExtension: '2.5.29.37',
  SubjectAlternativeNameExtension: '2.5.29.17',
  AuthorityKeyIdentifierExtension: '2.5.29.35',
  SubjectKeyIdentifierExtension: '2.5.29.14',
} as const;
type ExtensionClass = keyof typeof EXTENSION_OIDS;
type X509 = ReturnType<typeof peculiarX509>;

/** One extension parsed by its @peculiar/x509 class; absent or malformed reads as undefined (mbedTLS
 * would refuse a certificate with a malformed extension; the rules see the other facts regardless). */
function extension<C extends ExtensionClass>(raw: RawParts, type: C): InstanceType<X509[C]> | undefined {
  const bytes = raw.extensions.get(EXTENSION_OIDS[type]);
  if (!bytes) return undefined;
  try {
    const Parser = peculiarX509()[type] as unknown as new (raw: Uint8Array) => InstanceType<X509[C]>;
    return new Parser(bytes);
  } catch {
    return undefined;
  }
}

function keyUsages(raw: RawParts): string[] {
  const usages = extension(raw, 'KeyUsagesExtension')?.usages ?? 0;
  return KEY_USAGES.filter(([flag]) => (usages & flag) !== 0).map(([, name]) => name);
}

function extKeyUsages(raw: RawParts): string[] {
  // Array.from: the library returns an Array subclass, and CertInfo must stay plain data.
  return Array.from(extension(raw, 'ExtendedKeyUsageExtension')?.usages ?? [], (u) => EXTENDED_KEY_USAGES[String(u)] ?? String(u));
}

function subjectAltNames(raw: RawParts): CertInfo['san'] {
  const san = { dns: [] as string[], ip: [] as string[] };
  for (const name of extension(raw, 'SubjectAlternativeNameExtension')?.names.items ?? []) {
    if (name.type === 'dns') san.dns.push(name.value);
    else if (name.type === 'ip') san.ip.push(name.value);
  }
  return san;
}

function keyIdentifiers(raw: RawParts): { aki?: string; ski?: string } {
  const aki = extension(raw, 'AuthorityKeyIdentifierExtension')?.keyId;
  const ski = extension(raw, 'SubjectKeyIdentifierExtension')?.keyId;
  return { ...(aki ? { aki: aki.toUpperCase() } : {}), ...(ski ? { ski: ski.toUpperCase() } : {}) };
}

/** Key type, size and curve straight from SubjectPublicKeyInfo, so unusual keys are still described. */
export function publicKeyFacts(spki: Uint8Array): PublicKeyFacts {
  try {
    const [algId, bits] = children(spki, readNode(spki, 0));
    const [oid, params] = children(spki, algId);
    const algorithm = oidString(spki, oid);
    const type = KEY_ALGORITHMS[algorithm] ?? 'unknown';
    if (type === 'RSA') return { type, bits: rsaModulusBits(spki, bits) };
    if (algorithm === OID_EC) {
      const curve = params?.tag === TAG.OID ? CURVES[oidString(spki, params)] : undefined;
      return curve ? { type, bits: curve.bits, curve: curve.name } : { type, curve: params?.tag === TAG.OID ? oidString(spki, params) : 'explicit parameters' };
    }
    if (type === 'Ed25519') return { type, bits: 256 };
    if (type === 'Ed448') return { type, bits: 456 };
    return { type };
  } catch {
    return { type: 'unknown' };
  }
}

/** BIT STRING { RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } }. */
function rsaModulusBits(spki: Uint8Array, bitString: DerNode): number | undefined {
  const inner = readNode(spki, bitString.contentStart + 1, bitString.end);
  const modulus = children(spki, inner)[0];
  if (!modulus) return undefined;
  const bytes = content(spki, modulus);
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

function signatureFacts(raw: RawParts): CertInfo['signature'] {
  const known = SIGNATURE_ALGORITHMS[raw.signatureOid];
  if (!known) return { algorithm: raw.signatureOid };
  if (raw.signatureOid !== OID_RSA_PSS) return known.hash ? { algorithm: known.name, hash: known.hash } : { algorithm: known.name };
  const hash = pssHash(raw);
  return { algorithm: known.name, hash };
}

/** RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ... }. */
function pssHash(raw: RawParts): HashName {
  const params = raw.signatureParams;
  if (!params || params.tag !== TAG.SEQUENCE) return 'SHA-1';
  const first = children(raw.der, params)[0];
  if (!first || first.tag !== 0xa0) return 'SHA-1';
  const algId = readNode(raw.der, first.contentStart, first.end);
  const oid = children(raw.der, algId)[0];
  return (oid && HASHES[oidString(raw.der, oid)]) ?? 'SHA-1';
}

function roleOf(isCA: boolean | undefined, selfIssued: boolean, selfSigned: boolean): CertRole {
  // A v1 certificate (no basicConstraints) that names itself as issuer is an old-style root.
  if (selfSigned || (selfIssued && isCA !== false)) return 'root';
  return isCA ? 'intermediate' : 'leaf';
}

/** The INTEGER's bytes without the 00 that DER adds to keep a high first byte positive. */
function serialHex(bytes: Uint8Array): string {
  return toHex(bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes);
}

export function fingerprint(der: Uint8Array): string {
  return toHex(createHash('sha256').update(der).digest(), ':');
}

/** Node digest names for crypto.verify; null = the algorithm hashes itself (EdDSA). */
const VERIFY_DIGESTS: Record<string, string | null> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** True when `spki` (SubjectPublicKeyInfo DER) verifies the signature of the certificate `der`.
 * crypto.verify over the TBS bytes is about twice as fast as node's X509Certificate.verify, which
 * stays as the fallback for RSASSA-PSS (salt and MGF parameters) and algorithms we do not map. */
function verifyDer(der: Uint8Array, spki: Uint8Array): boolean {
  try {
    const key = publicKeyOf(spki);
    const signed = signedParts(der);
    const facts = SIGNATURE_ALGORITHMS[signed.oid];
    const eddsa = facts?.name === 'Ed25519' || facts?.name === 'Ed448';
    const digest = eddsa ? null : facts?.hash && VERIFY_DIGESTS[facts.hash];
    if (signed.oid === OID_RSA_PSS || digest === undefined) return new NodeX509(der).verify(key);
    return cryptoVerify(digest, signed.tbs, key, signed.signature);
  } catch {
    return false; // unsupported algorithm or a key OpenSSL refuses: not verified
  }
}

/** The signed bytes, the signature algorithm OID and the signature of a certificate. */
function signedParts(der: Uint8Array): { tbs: Uint8Array; oid: string; signature: Uint8Array } {
  const [tbs, sigAlg, sigValue] = children(der, readNode(der, 0));
  const oid = oidString(der, children(der, sigAlg)[0]);
  // BIT STRING content starts with the count of unused bits (always 0 for signatures).
  return { tbs: der.subarray(tbs.start, tbs.end), oid, signature: der.subarray(sigValue.contentStart + 1, sigValue.end) };
}

// KeyObjects are cached per SPKI buffer: a root verifies many children, and parsing a key costs more
// than checking a signature with it.
const keyCache = new WeakMap<Uint8Array, KeyObject>();

export function publicKeyOf(spki: Uint8Array): KeyObject {
  let key = keyCache.get(spki);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    keyCache.set(spki, key);
  }
  return key;
}

/** A real signature check: does `issuer`'s key verify `child`'s signature? (Names are not compared.) */
export async function verifySignedBy(child: CertInfo, issuer: CertInfo): Promise<boolean> {
  return verifyDer(child.der, issuer.spki);
}

export interface DecodedBlock {
  block: PemBlock;
  cert?: CertInfo;
  error?: string;
}

/** Labels that hold a certificate; mbedTLS reads only the first. */
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Every certificate block in PEM text, decoded; other blocks (keys, requests) are skipped. A block
 * with a non-fatal PEM problem (joined lines) still gets its `cert`; `block.problem` says what. */
export async function decodeAll(text: string): Promise<DecodedBlock[]> {
  const out: DecodedBlock[] = [];
  for (const block of findPemBlocks(text)) {
    if (CERTIFICATE_LABELS.has(block.label)) out.push(await decodeBlock(block));
  }
  return out;
}

async function decodeBlock(block: PemBlock): Promise<DecodedBlock> {
  if (!block.der) return { block, error: block.problem?.message ?? 'the PEM block could not be decoded' };
  let cert: CertInfo;
  try {
    cert = await decodeCertificate(block.der, block.end - block.start);
  } catch (e) {
    return { block, error: (e as Error).message };
  }
  if (block.label === 'CERTIFICATE') return { block, cert };
  // OpenSSL writes these labels; mbedtls_x509_crt_parse only looks for "-----BEGIN CERTIFICATE-----".
  return { block, cert, error: `mbedTLS does not read "-----BEGIN ${block.label}-----" blocks; the label must be CERTIFICATE` };
}

/** The first certificate of PEM text, or undefined when there is none that decodes. */
export async function decodePem(pem: string): Promise<CertInfo | undefined> {
  const der = findPemBlocks(pem).find((b) => b.label === 'CERTIFICATE')?.der;
  return der ? decodeCertificate(der).catch(() => undefined) : undefined;
}
