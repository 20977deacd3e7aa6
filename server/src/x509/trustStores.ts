// The trust anchors a device may know, so that a certificate can be traced to a public root.
//
// ESP-IDF's default certificate bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE) comes in two sizes:
// - FULL: every root of Mozilla's CA list as of that IDF release (cacrt_all.pem). We approximate it with
//   the Mozilla list bundled in Node (tls.rootCertificates): close for recent releases, but roots that
//   Mozilla removed since (Baltimore CyberTrust Root, ...) are missing from it, and newer roots are in it.
// - CMN: the subset named in cmn_crt_authorities.csv of that release ("99% coverage at half the size"),
//   from server/src/data/idf-bundle-cmn.json.
// The device looks roots up by the issuer's DN bytes and checks the signature with the stored key;
// we do the same against Node's list (DN match, then a real signature check).
import tls from 'node:tls';
import cmn from '../data/idf-bundle-cmn.json';
import full from '../data/idf-bundle-full.json';
import { decodeCertificate, fingerprint, verifySignedBy, type CertInfo } from './certificate';
import { nameKey } from './names';
import { findPemBlocks } from './pem';

export interface KnownIssuer {
  root: CertInfo;
  /** The CA's usual name: the Mozilla label when ESP-IDF lists it, else its CN. */
  name: string;
}

interface RootStore {
  roots: CertInfo[];
  bySubject: Map<string, CertInfo[]>;
  loadMs: number;
}

let store: Promise<RootStore> | undefined;
let fingerprints: Set<string> | undefined;

/** Node's Mozilla roots, decoded once on first use (a few hundred ms; see loadMs). */
export function mozillaRoots(): Promise<CertInfo[]> {
  return loadStore().then((s) => s.roots);
}

/** How long decoding the root list took, once it has been loaded. */
export async function rootStoreLoadMs(): Promise<number> {
  return (await loadStore()).loadMs;
}

function loadStore(): Promise<RootStore> {
  store ??= buildStore();
  return store;
}

async function buildStore(): Promise<RootStore> {
  const started = performance.now();
  const roots: CertInfo[] = [];
  const bySubject = new Map<string, CertInfo[]>();
  for (const pem of tls.rootCertificates) {
    const der = findPemBlocks(pem)[0]?.der;
    if (!der) continue;
    const root = await decodeCertificate(der, pem.length).catch(() => undefined);
    if (!root) continue; // Node's own list: never expected, but one bad entry must not hide the rest
    roots.push(root);
    const key = nameKey(root.subject);
    bySubject.set(key, [...(bySubject.get(key) ?? []), root]);
  }
  return { roots, bySubject, loadMs: performance.now() - started };
}

/** Is this exact certificate (by SHA-256) one of Node's Mozilla roots? Cheap: hashes, no decoding. */
export function isMozillaRoot(cert: CertInfo): boolean {
  fingerprints ??= new Set(tls.rootCertificates.map((pem) => findPemBlocks(pem)[0]?.der).filter((d) => d !== undefined).map(fingerprint));
  return fingerprints.has(cert.sha256);
}

/** A Mozilla root whose subject is cert's issuer and whose key verifies cert's signature. Roots whose
 * SKI equals cert's AKI are tried first (cross-signed CAs share names but not keys). A real root is
 * its own known issuer. */
export async function findKnownIssuer(cert: CertInfo): Promise<KnownIssuer | undefined> {
  const { bySubject } = await loadStore();
  const candidates = [...(bySubject.get(nameKey(cert.issuer)) ?? [])];
  candidates.sort((a, b) => Number(b.ski !== undefined && b.ski === cert.aki) - Number(a.ski !== undefined && a.ski === cert.aki));
  for (const root of candidates) {
    if (await verifySignedBy(cert, root)) return { root, name: caName(root) };
  }
  return undefined;
}

/** The Mozilla root with this subject DN (RFC 4514, as CertInfo.subject; case-insensitive). */
export async function knownRootBySubject(subject: string): Promise<CertInfo | undefined> {
  return (await loadStore()).bySubject.get(nameKey(subject))?.[0];
}

interface CmnData {
  tags: Record<string, string>;
  versions: Record<string, string[]>;
  authorities: Record<string, { owner: string; subject: string }>;
}

const CMN = cmn as CmnData;

const labelBySubject = new Map(Object.entries(CMN.authorities).map(([label, a]) => [nameKey(a.subject), label]));

/** The CA labels the CMN bundle holds in this IDF release; undefined when the table lacks the release
 * (each minor version is read at the patch release named in the JSON's "tags"). */
export function idfCommonBundleNames(idf: { major: number; minor: number }): string[] | undefined {
  return CMN.versions[`${idf.major}.${idf.minor}`];
}

/** The IDF releases ("5.3") the CMN table covers. */
export function idfCommonBundleReleases(): string[] {
  return Object.keys(CMN.versions);
}

/** Is `root` one of the CAs the CMN bundle keeps in this IDF release? Matched on the whole subject DN
 * (as the bundle's lookup does); undefined when the release is not in the table. A certificate that
 * merely copies a public CA's name would match too: pair this with findKnownIssuer/isMozillaRoot. */
export function inIdfCommonBundle(root: CertInfo, idf: { major: number; minor: number }): boolean | undefined {
  const names = idfCommonBundleNames(idf);
  if (!names) return undefined;
  const label = labelBySubject.get(nameKey(root.subject));
  return label !== undefined && names.includes(label);
}

/** The Mozilla label for a root ESP-IDF lists ("GlobalSign Root CA - R3" rather than the CN
 * "GlobalSign"), else its CN or subject. */
export function caName(root: CertInfo): string {
  return labelBySubject.get(nameKey(root.subject)) ?? root.subjectCN ?? root.subject;
}

// ESP-IDF's FULL bundle per release, exactly: the roots of cacrt_all.pem at each tag (idf-bundle-full.json).
const FULL = full as unknown as { tags: Record<string, string>; roots: [string, string][]; versions: Record<string, number[]> };
const fullSets = new Map(Object.entries(FULL.versions).map(([release, idx]) => [release, new Set(idx.map((i) => FULL.roots[i][0]))]));

/** The SHA-256 fingerprints of the roots release X.Y's full bundle holds; undefined when the table lacks the release. */
export function idfFullBundle(idf: { major: number; minor: number }): ReadonlySet<string> | undefined {
  return fullSets.get(`${idf.major}.${idf.minor}`);
}

/** The releases ("5.5") whose full bundle holds this exact root, oldest first. */
export function idfFullBundleReleases(sha256: string): string[] {
  return [...fullSets].filter(([, set]) => set.has(sha256)).map(([release]) => release);
}

/** How many releases the full-bundle table covers. */
export function idfFullBundleReleaseCount(): number {
  return fullSets.size;
}

/**
 * The releases ("5.5") whose full bundle holds a root of this subject DN, as a log prints it ("C=BE,
 * O=GlobalSign nv-sa, OU=Root CA, CN=GlobalSign Root CA"): matched by the Mozilla label of the CMN table's
 * subjects, else by CN equal to a label. Empty when no release's bundle has a root of that name.
 */
export function idfFullBundleReleasesByName(dn: string): string[] {
  // mbedTLS prints the RDNs in DER order (C first), the table's subjects start with CN: try both.
  const rdns = dn.split(/,\s*(?=[A-Za-z.]+=)/).map((r) => r.trim());
  const label = labelBySubject.get(nameKey(rdns.join(', '))) ?? labelBySubject.get(nameKey([...rdns].reverse().join(', ')))
    ?? rdns.find((r) => r.startsWith('CN='))?.slice(3);
  const roots = label ? FULL.roots.filter(([, l]) => l === label).map(([sha]) => sha) : [];
  return [...fullSets].filter(([, set]) => roots.some((sha) => set.has(sha))).map(([release]) => release);
}

/** "v6.0's full bundle does not have it (the last release that has it is v5.5)" and the like, for a root by fingerprint. */
export function fullBundleText(sha256: string, idf: { major: number; minor: number }): string | undefined {
  const set = idfFullBundle(idf);
  if (!set) return undefined;
  const release = `v${idf.major}.${idf.minor}`;
  if (set.has(sha256)) return `ESP-IDF ${release}'s full certificate bundle has it`;
  const releases = idfFullBundleReleases(sha256);
  const last = releases.filter((r) => Number(r) < Number(`${idf.major}.${idf.minor}`)).pop();
  return last ? `ESP-IDF ${release}'s full bundle does not have it any more (the last release whose bundle has it is v${last})`
    : `ESP-IDF ${release}'s full bundle does not have it${releases.length ? ` (v${releases[0]}'s does)` : ''}`;
}
