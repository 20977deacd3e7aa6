// Reading Debian's archive without apt (issue 21): the signed InRelease names the SHA-256 of each suite's
// Sources index, the Sources index names the SHA-256 and size of each file of a source package, and a file
// is used only when its bytes match. Pure functions; scripts/mbedtls/fetch.mjs does the downloads.
import { createHash } from 'node:crypto';

/** Deb822 stanzas ("Key: value", continuation lines start with a space, blank lines separate) as maps. */
export function parseStanzas(text) {
  const out = [];
  let current;
  let key;
  for (const line of text.split('\n')) {
    if (!line.trim()) { current = undefined; key = undefined; continue; }
    if (/^[ \t]/.test(line) && current && key) { current.set(key, `${current.get(key)}\n${line.trim()}`); continue; }
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    if (!current) { current = new Map(); out.push(current); }
    key = m[1];
    current.set(key, m[2]);
  }
  return out;
}

/** "sha256 size name" lines of a checksum field. */
export function checksumLines(field) {
  return (field ?? '').split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 3 && /^[0-9a-f]{64}$/.test(p[0]))
    .map(([sha256, size, name]) => ({ sha256, size: Number(size), name }));
}

/** The text of a clearsigned file (InRelease, .dsc) without its armour; gpgv checks the signature itself. */
export const signedText = (text) => text.replace(/^-----BEGIN PGP SIGNED MESSAGE-----\n(Hash: .*\n)*\n/, '').replace(/\n-----BEGIN PGP SIGNATURE-----[\s\S]*$/, '');

/** The SHA-256 and size InRelease gives for `path` (e.g. main/source/Sources.xz); undefined when it lists none. */
export function releaseEntry(inRelease, path) {
  const [release] = parseStanzas(signedText(inRelease));
  return checksumLines(release?.get('SHA256')).find((e) => e.name === path);
}

/** The files a .dsc names, with their SHA-256 and size. */
export const dscFiles = (dsc) => checksumLines(parseStanzas(signedText(dsc))[0]?.get('Checksums-Sha256'));

/** The newest source package `name` whose version starts with `series` (e.g. "3.6."), with its pool folder and files. */
export function findSource(sourcesText, name, series) {
  const matches = parseStanzas(sourcesText).filter((s) => s.get('Package') === name && s.get('Version')?.startsWith(series));
  const newest = matches.sort((a, b) => compareVersions(b.get('Version'), a.get('Version')))[0];
  if (!newest) return undefined;
  return { version: newest.get('Version'), directory: newest.get('Directory'), files: checksumLines(newest.get('Checksums-Sha256')) };
}

/** Numeric comparison of the upstream parts ("3.6.6-0.1~deb13u1" > "3.6.5-1"): enough to pick within one series. */
function compareVersions(a, b) {
  const parts = (v) => v.split(/[^0-9]+/).filter(Boolean).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? -1) !== (pb[i] ?? -1)) return (pa[i] ?? -1) - (pb[i] ?? -1);
  return 0;
}

/** Throws unless `bytes` are the file `expected` names (size and SHA-256). */
export function verify(bytes, expected) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== expected.size || sha256 !== expected.sha256) {
    throw new Error(`${expected.name}: ${bytes.length} bytes, SHA-256 ${sha256}; the archive says ${expected.size} bytes, ${expected.sha256}`);
  }
}
