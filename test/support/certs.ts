// Certificates for tests, generated at run time with @peculiar/x509 on Node's WebCrypto. Dates are
// whole days relative to a `now` the test passes in (never today's date), serial numbers and names are
// fixed, so everything but keys and signatures is reproducible. Keys are generated once per algorithm
// and slot (root, intermediate, leaf) per process: RSA-4096 takes seconds, P-256 microseconds.
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';

const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

/** Ed448 is missing: Node 20's WebCrypto generates it, but @peculiar/x509 2.2 cannot sign with it
 * ("Cannot convert WebCrypto algorithm to ASN.1 algorithm"). */
export type KeyAlg = 'rsa1024' | 'rsa2048' | 'rsa4096' | 'p256' | 'p384' | 'ed25519';
export type SigHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
export type Slot = 'root' | 'intermediate' | 'leaf' | 'other';

export interface CertSpec {
  key?: KeyAlg;
  /** Signature hash used by the issuer to sign this certificate (ignored for Ed25519 issuers). */
  hash?: SigHash;
  /** Days relative to `now`; defaults per role (root -365..+3650, intermediate -30..+1825, leaf -10..+90). */
  notBefore?: number;
  notAfter?: number;
  cn?: string;
  /** The whole subject DN, least specific first as encoded ("C=US, O=Example, CN=Name"); overrides cn. */
  subject?: string;
  dns?: string[];
  ip?: string[];
  /** basicConstraints cA; `null` leaves the extension out. */
  ca?: boolean | null;
  pathLength?: number;
  serial?: string;
  /** Extended key usages by name (leaf default: serverAuth, clientAuth). */
  eku?: Array<'serverAuth' | 'clientAuth'>;
}

export interface ChainOptions {
  /** The fixed "now" every validity period is relative to. */
  now: Date;
  /** Key algorithm for all three certificates unless a spec says otherwise (default p256). */
  key?: KeyAlg;
  /** Signature hash for all three (default SHA-256). */
  hash?: SigHash;
  root?: CertSpec;
  intermediate?: CertSpec;
  leaf?: CertSpec;
}

export interface GeneratedCert {
  pem: string;
  der: Uint8Array;
  /** The certificate's private key, PKCS#8 PEM. */
  keyPem: string;
}

export interface Chain {
  root: GeneratedCert;
  intermediate: GeneratedCert;
  leaf: GeneratedCert;
  /** Leaf then intermediate, as a server presents them. */
  serverChainPem: string;
  leafKeyPem: string;
}

const DAY_MS = 86_400_000;
/** Names are written least specific first, the order they are encoded in (and shown reversed). */
const ORG = 'C=US, O=ESP TLS Lens Tests';
const DEFAULT_DAYS: Record<Exclude<Slot, 'other'>, [number, number]> = {
  root: [-365, 3650],
  intermediate: [-30, 1825],
  leaf: [-10, 90],
};

interface KeyMaterial {
  pair: CryptoKeyPair;
  alg: KeyAlg;
  pkcs8: ArrayBuffer;
}

const keys = new Map<string, Promise<KeyMaterial>>();

/** The key pair for (algorithm, slot), generated once per process. */
export function keyFor(alg: KeyAlg, slot: Slot): Promise<KeyMaterial> {
  const id = `${alg}/${slot}`;
  let key = keys.get(id);
  if (!key) {
    key = generate(alg);
    keys.set(id, key);
  }
  return key;
}

async function generate(alg: KeyAlg): Promise<KeyMaterial> {
  const pair = (await subtle.generateKey(generateParams(alg), true, ['sign', 'verify'])) as CryptoKeyPair;
  return { pair, alg, pkcs8: await subtle.exportKey('pkcs8', pair.privateKey) };
}

function generateParams(alg: KeyAlg): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | Algorithm {
  switch (alg) {
    case 'rsa1024':
    case 'rsa2048':
    case 'rsa4096':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(alg.slice(3)), publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    case 'p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

/** WebCrypto binds an RSA key to one hash, so signing with another hash needs the key re-imported. */
async function signer(key: KeyMaterial, hash: SigHash): Promise<{ signingKey: CryptoKey; signingAlgorithm: Algorithm }> {
  if (key.alg.startsWith('rsa')) {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
    return { signingKey: await subtle.importKey('pkcs8', key.pkcs8, algorithm, false, ['sign']), signingAlgorithm: algorithm };
  }
  if (key.alg === 'ed25519') return { signingKey: key.pair.privateKey, signingAlgorithm: { name: 'Ed25519' } };
  return { signingKey: key.pair.privateKey, signingAlgorithm: { name: 'ECDSA', hash } as webcrypto.EcdsaParams };
}

interface IssueParams {
  spec: CertSpec;
  slot: Exclude<Slot, 'other'>;
  now: Date;
  subjectKey: KeyMaterial;
  subject: string;
  /** Absent: self-signed. */
  issuer?: { name: string; key: KeyMaterial };
  defaultHash: SigHash;
}

async function issue(p: IssueParams): Promise<GeneratedCert> {
  const [before, after] = DEFAULT_DAYS[p.slot];
  const signingKey = p.issuer?.key ?? p.subjectKey;
  const sign = await signer(signingKey, p.spec.hash ?? p.defaultHash);
  const cert = await X509CertificateGenerator.create({
    serialNumber: p.spec.serial ?? { root: '01', intermediate: '02', leaf: '03' }[p.slot],
    subject: p.subject,
    issuer: p.issuer?.name ?? p.subject,
    notBefore: daysFrom(p.now, p.spec.notBefore ?? before),
    notAfter: daysFrom(p.now, p.spec.notAfter ?? after),
    publicKey: p.subjectKey.pair.publicKey,
    signingKey: sign.signingKey,
    signingAlgorithm: sign.signingAlgorithm,
    extensions: await extensionsFor(p),
  });
  return { pem: cert.toString('pem') + '\n', der: new Uint8Array(cert.rawData), keyPem: pkcs8Pem(p.subjectKey) };
}

async function extensionsFor(p: IssueParams): Promise<Extension[]> {
  const leaf = p.slot === 'leaf';
  const ca = p.spec.ca === undefined ? !leaf : p.spec.ca;
  const out: Extension[] = [];
  if (ca !== null) out.push(new BasicConstraintsExtension(ca, ca ? (p.spec.pathLength ?? (p.slot === 'intermediate' ? 0 : undefined)) : undefined, true));
  const usage = ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature | (p.subjectKey.alg.startsWith('rsa') ? KeyUsageFlags.keyEncipherment : 0);
  out.push(new KeyUsagesExtension(usage, true));
  if (leaf) {
    const eku = (p.spec.eku ?? ['serverAuth', 'clientAuth']).map((u) => ExtendedKeyUsage[u]);
    out.push(new ExtendedKeyUsageExtension(eku));
  }
  const names = [...(p.spec.dns ?? []).map((value) => ({ type: 'dns' as const, value })), ...(p.spec.ip ?? []).map((value) => ({ type: 'ip' as const, value }))];
  if (names.length) out.push(new SubjectAlternativeNameExtension(names));
  out.push(await SubjectKeyIdentifierExtension.create(p.subjectKey.pair.publicKey));
  if (p.issuer) out.push(await AuthorityKeyIdentifierExtension.create(p.issuer.key.pair.publicKey));
  return out;
}

function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

function pkcs8Pem(key: KeyMaterial): string {
  return PemConverter.encode(key.pkcs8, 'PRIVATE KEY') + '\n';
}

/** Root → intermediate → leaf. */
export async function makeChain(opts: ChainOptions): Promise<Chain> {
  const alg = (spec?: CertSpec) => spec?.key ?? opts.key ?? 'p256';
  const [rootKey, intKey, leafKey] = await Promise.all([keyFor(alg(opts.root), 'root'), keyFor(alg(opts.intermediate), 'intermediate'), keyFor(alg(opts.leaf), 'leaf')]);
  const defaultHash = opts.hash ?? 'SHA-256';
  const rootName = nameOf(opts.root, 'Test Root CA');
  const intName = nameOf(opts.intermediate, 'Test Intermediate CA');
  const leafName = nameOf(opts.leaf, 'device.example.com');
  const root = await issue({ spec: opts.root ?? {}, slot: 'root', now: opts.now, subjectKey: rootKey, subject: rootName, defaultHash });
  const intermediate = await issue({ spec: opts.intermediate ?? {}, slot: 'intermediate', now: opts.now, subjectKey: intKey, subject: intName, issuer: { name: rootName, key: rootKey }, defaultHash });
  const leafSpec = { dns: ['device.example.com'], ...opts.leaf };
  const leaf = await issue({ spec: leafSpec, slot: 'leaf', now: opts.now, subjectKey: leafKey, subject: leafName, issuer: { name: intName, key: intKey }, defaultHash });
  return { root, intermediate, leaf, serverChainPem: leaf.pem + intermediate.pem, leafKeyPem: leaf.keyPem };
}

/** One self-signed certificate: a CA by default, a self-signed server certificate with `ca: false`. */
export async function makeSelfSigned(now: Date, spec: CertSpec & { slot?: Slot } = {}): Promise<GeneratedCert> {
  const key = await keyFor(spec.key ?? 'p256', spec.slot ?? 'other');
  const slot = spec.ca === false ? 'leaf' : 'root';
  return issue({ spec, slot, now, subjectKey: key, subject: nameOf(spec, 'Self Signed'), defaultHash: spec.hash ?? 'SHA-256' });
}

function nameOf(spec: CertSpec | undefined, cn: string): string {
  return spec?.subject ?? `${ORG}, CN=${spec?.cn ?? cn}`;
}

export type KeyExport = 'pkcs8' | 'pkcs1' | 'sec1' | 'pkcs8-encrypted' | 'pem-encrypted' | 'pkcs8-der' | 'pkcs1-der' | 'sec1-der' | 'pkcs8-encrypted-der';

/** A PKCS#8 PEM key re-encoded (node:crypto): PKCS#1 is RSA only, SEC1 EC only; the encrypted forms
 * use the passphrase "test" (PBES2 AES-256-CBC, or OpenSSL's legacy Proc-Type/DEK-Info headers). */
export function exportKey(pkcs8: string, as: KeyExport): string | Uint8Array {
  const key = createPrivateKey(pkcs8);
  const der = as.endsWith('-der');
  const type = as.replace(/-der$/, '').replace(/-encrypted$/, '').replace(/^pem$/, 'pkcs1') as 'pkcs8' | 'pkcs1' | 'sec1';
  const encrypted = as.includes('encrypted') ? { cipher: 'aes-256-cbc', passphrase: 'test' } : {};
  const legacyType = as === 'pem-encrypted' ? (key.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1') : type;
  const out = key.export({ type: legacyType, format: der ? 'der' : 'pem', ...encrypted } as never) as string | Buffer;
  return typeof out === 'string' ? out : new Uint8Array(out);
}

/** A second, different root (fresh key, not shared with any slot) and a cross-signed copy of the
 * intermediate that makeChain(opts) issues: same subject and key as that intermediate, issued by the
 * second root. `crossRoot` and `cross` override their specs (default serials 11 and 12). */
export async function makeCrossSigned(opts: ChainOptions & { crossRoot?: CertSpec; cross?: CertSpec }): Promise<{ root: GeneratedCert; intermediate: GeneratedCert }> {
  const rootAlg = opts.crossRoot?.key ?? opts.key ?? 'p256';
  const [rootKey, intKey] = await Promise.all([generate(rootAlg), keyFor(opts.intermediate?.key ?? opts.key ?? 'p256', 'intermediate')]);
  const defaultHash = opts.hash ?? 'SHA-256';
  const rootName = nameOf(opts.crossRoot, 'Test Cross Root CA');
  const root = await issue({ spec: { serial: '11', ...opts.crossRoot }, slot: 'root', now: opts.now, subjectKey: rootKey, subject: rootName, defaultHash });
  const intermediate = await issue({
    spec: { ...opts.intermediate, serial: '12', ...opts.cross }, slot: 'intermediate', now: opts.now, subjectKey: intKey,
    subject: nameOf(opts.intermediate, 'Test Intermediate CA'), issuer: { name: rootName, key: rootKey }, defaultHash,
  });
  return { root, intermediate };
}

/**
 * A hostile server's chain (issue 19): a leaf, then `n` CA certificates that all have the same name as
 * subject and issuer, none self-signed: their keys alternate between two pairs and each is signed by the
 * other, so every one verifies half of the others and a naive path search is quadratic.
 */
export async function makeSameNameLoop(now: Date, n: number): Promise<{ serverChainPem: string; leafKeyPem: string }> {
  const [a, b, leafKey] = await Promise.all([keyFor('p256', 'root'), keyFor('p256', 'intermediate'), keyFor('p256', 'leaf')]);
  const name = `${ORG}, CN=Loop CA`;
  const leaf = await issue({ spec: { dns: ['device.example.com'] }, slot: 'leaf', now, subjectKey: leafKey, subject: `${ORG}, CN=device.example.com`, issuer: { name, key: a }, defaultHash: 'SHA-256' });
  const loop: string[] = [];
  for (let i = 0; i < n; i++) {
    const [own, by] = i % 2 ? [a, b] : [b, a];
    loop.push((await issue({ spec: { serial: (1000 + i).toString(16) }, slot: 'intermediate', now, subjectKey: own, subject: name, issuer: { name, key: by }, defaultHash: 'SHA-256' })).pem);
  }
  return { serverChainPem: leaf.pem + loop.join(''), leafKeyPem: leaf.keyPem };
}
