// Recognises private keys (PEM or DER) and says what they are, without ever putting key material in a
// string: messages name the format and type only. The public half is derived (node:crypto) so that a
// client certificate can be matched against its key.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { publicKeyOf, type CertInfo } from './certificate';
import { children, content, oidString, readNode, TAG, type DerNode } from './der';
import { bytesEqual } from './names';
import { NODE_CURVES, type KeyType } from './oids';
import type { PemBlock } from './pem';

/**
 * - pkcs8: "PRIVATE KEY" (OneAsymmetricKey); pkcs1: "RSA PRIVATE KEY"; sec1: "EC PRIVATE KEY";
 * - pkcs8-encrypted: "ENCRYPTED PRIVATE KEY" (the key type is hidden until decrypted);
 * - pem-encrypted: OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" headers on a PKCS#1/SEC1 block;
 * - openssh: "OPENSSH PRIVATE KEY", which mbedTLS cannot read at all.
 */
export type KeyFormat = 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-encrypted' | 'pem-encrypted' | 'openssh' | 'unknown';

export interface KeyInfo {
  format: KeyFormat;
  /** The PEM label, when the key came from PEM. */
  label?: string;
  type?: KeyType | 'DSA';
  bits?: number;
  curve?: string;
  encrypted: boolean;
  /** The cipher of an encrypted key, e.g. "AES-256-CBC" (DEK-Info) or "PBES2". */
  encryption?: string;
  /** SubjectPublicKeyInfo DER of the public half; absent when encrypted or unreadable. */
  spki?: Uint8Array;
  /** Why the key could not be read (never contains key bytes). */
  problem?: string;
}

const LABEL_FORMATS: Record<string, KeyFormat> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'DSA PRIVATE KEY': 'unknown',
  'ENCRYPTED PRIVATE KEY': 'pkcs8-encrypted',
  'OPENSSH PRIVATE KEY': 'openssh',
};

const LABEL_TYPES: Record<string, KeyType | 'DSA'> = { 'RSA PRIVATE KEY': 'RSA', 'EC PRIVATE KEY': 'EC', 'DSA PRIVATE KEY': 'DSA' };

/** True for every PEM label that carries a private key. */
export function isPrivateKeyLabel(label: string): boolean {
  return /(^|\s)PRIVATE KEY$/.test(label);
}

/** What a private key is. Never throws. */
export function describePrivateKey(input: PemBlock | Uint8Array): KeyInfo {
  if (input instanceof Uint8Array) return describeDer(input);
  return describePem(input);
}

function describePem(block: PemBlock): KeyInfo {
  const label = block.label;
  const format = LABEL_FORMATS[label] ?? 'unknown';
  const type = LABEL_TYPES[label];
  const base: KeyInfo = { format, label, ...(type ? { type } : {}), encrypted: false };
  if (/ENCRYPTED/i.test(block.headers?.['Proc-Type'] ?? '')) {
    const cipher = block.headers?.['DEK-Info']?.split(',')[0];
    return { ...base, format: 'pem-encrypted', encrypted: true, ...(cipher ? { encryption: cipher } : {}) };
  }
  if (!block.der) return { ...base, problem: block.problem?.message ?? 'the PEM block could not be decoded' };
  if (format === 'openssh') return { ...base, encrypted: opensshEncrypted(block.der) };
  if (format === 'pkcs8-encrypted') return { ...base, encrypted: true, ...encryptionScheme(block.der) };
  if (format === 'unknown') return { ...base, problem: `mbedTLS does not read "${label}" keys` };
  return { ...base, ...parse(block.der, format) };
}

function describeDer(der: Uint8Array): KeyInfo {
  const format = derFormat(der);
  if (format === 'pkcs8-encrypted') return { format, encrypted: true, ...encryptionScheme(der) };
  if (format === 'unknown') return { format, encrypted: false, problem: 'not a private key in a format mbedTLS reads (PKCS#8, PKCS#1 or SEC1)' };
  return { format, encrypted: false, ...parse(der, format) };
}

/** Tells PKCS#8, encrypted PKCS#8, PKCS#1 and SEC1 apart by their outer structure. */
export function derFormat(der: Uint8Array): KeyFormat {
  try {
    const items = children(der, readNode(der, 0));
    const [first, second] = items;
    if (first?.tag === TAG.SEQUENCE && second?.tag === TAG.OCTET_STRING && items.length === 2) return 'pkcs8-encrypted';
    if (first?.tag !== TAG.INTEGER) return 'unknown';
    const version = smallInt(der, first);
    if ((version === 0 || version === 1) && second?.tag === TAG.SEQUENCE) return 'pkcs8';
    if (version === 0 && items.length >= 9 && items.slice(0, 9).every((n) => n.tag === TAG.INTEGER)) return 'pkcs1';
    if (version === 1 && second?.tag === TAG.OCTET_STRING) return 'sec1';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

function smallInt(der: Uint8Array, node: DerNode): number {
  const bytes = content(der, node);
  return bytes.length === 1 ? bytes[0] : -1;
}

/** Parses with node:crypto and derives the public key. Messages are ours: no key bytes can leak. */
function parse(der: Uint8Array, format: KeyFormat): Partial<KeyInfo> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: format as 'pkcs8' | 'pkcs1' | 'sec1' });
  } catch {
    return { problem: `the ${FORMAT_NAMES[format]} private key is corrupt or uses an unsupported algorithm` };
  }
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  return { ...keyFacts(key), spki };
}

const FORMAT_NAMES: Record<KeyFormat, string> = {
  pkcs8: 'PKCS#8',
  pkcs1: 'PKCS#1 (RSA)',
  sec1: 'SEC1 (EC)',
  'pkcs8-encrypted': 'encrypted PKCS#8',
  'pem-encrypted': 'encrypted PEM',
  openssh: 'OpenSSH',
  unknown: 'unrecognised',
};

function keyFacts(key: KeyObject): Pick<KeyInfo, 'type' | 'bits' | 'curve'> {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { type: 'RSA', ...(details.modulusLength ? { bits: details.modulusLength } : {}) };
    case 'ec': {
      const curve = details.namedCurve ? (NODE_CURVES[details.namedCurve] ?? details.namedCurve) : undefined;
      const bits = curve ? Number(/\d+/.exec(curve)?.[0]) || undefined : undefined;
      return { type: 'EC', ...(curve ? { curve } : {}), ...(bits ? { bits } : {}) };
    }
    case 'ed25519':
      return { type: 'Ed25519', bits: 256 };
    case 'ed448':
      return { type: 'Ed448', bits: 456 };
    case 'dsa':
      return { type: 'DSA', ...(details.modulusLength ? { bits: details.modulusLength } : {}) };
    default:
      return { type: 'unknown' };
  }
}

const PBE_SCHEMES: Record<string, string> = {
  '1.2.840.113549.1.5.13': 'PBES2',
  '1.2.840.113549.1.5.3': 'PBES1 (MD5, DES)',
  '1.2.840.113549.1.5.10': 'PBES1 (SHA-1, DES)',
  '1.2.840.113549.1.12.1.3': 'PKCS#12 (SHA-1, 3DES)',
  '1.2.840.113549.1.12.1.6': 'PKCS#12 (SHA-1, RC2-40)',
};

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData }. */
function encryptionScheme(der: Uint8Array): { encryption?: string } {
  try {
    const algId = children(der, readNode(der, 0))[0];
    const oid = oidString(der, children(der, algId)[0]);
    return { encryption: PBE_SCHEMES[oid] ?? oid };
  } catch {
    return {};
  }
}

/** openssh-key-v1\0, then string ciphername ("none" when not encrypted). */
function opensshEncrypted(bytes: Uint8Array): boolean {
  const magic = 'openssh-key-v1\0';
  if (Buffer.from(bytes.subarray(0, magic.length)).toString('latin1') !== magic) return false;
  const at = magic.length;
  const length = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  return Buffer.from(bytes.subarray(at + 4, at + 4 + length)).toString('latin1') !== 'none';
}

/** Does the key belong to the certificate? undefined when we cannot tell (encrypted or unreadable). */
export function keyMatchesCertificate(key: KeyInfo, cert: CertInfo): boolean | undefined {
  if (!key.spki) return undefined;
  try {
    // Compare OpenSSL's re-encoding of both keys, not the certificate's bytes (EC parameters, RSA's
    // NULL parameters may be written differently). Not KeyObject.equals: in Node 20, comparing keys
    // of different types leaves "different key types" on OpenSSL's error queue, and the next
    // createPrivateKey in the process then fails with it.
    const a = publicKeyOf(key.spki);
    const b = publicKeyOf(cert.spki);
    if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
    return bytesEqual(a.export({ type: 'spki', format: 'der' }), b.export({ type: 'spki', format: 'der' }));
  } catch {
    return undefined;
  }
}
