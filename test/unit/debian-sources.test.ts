// Issue 21, first part: the Mbed TLS sources come from Debian's archive, and a file is used only when the
// signed chain vouches for it (scripts/mbedtls/debian-sources.mjs). The texts here are written in the shapes
// of Debian's InRelease, Sources index and .dsc; the network fetch itself is scripts/mbedtls/fetch.mjs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { dscFiles, findSource, parseStanzas, releaseEntry, verify } from '../../scripts/mbedtls/debian-sources.mjs';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const orig = Buffer.from('the upstream tarball');
const dsc = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nFormat: 3.0 (quilt)\nSource: mbedtls\nVersion: 3.6.6-0.1~deb13u1\nChecksums-Sha256:\n ${sha(orig)} ${orig.length} mbedtls_3.6.6.orig.tar.bz2\n\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n`);
const SOURCES = [
  'Package: mbedtls\nVersion: 2.28.3-1\nDirectory: pool/main/m/mbedtls\nChecksums-Sha256:\n ' + 'a'.repeat(64) + ' 10 mbedtls_2.28.3-1.dsc\n',
  'Package: mbedtls\nVersion: 3.6.5-1\nDirectory: pool/main/m/mbedtls\nChecksums-Sha256:\n ' + 'b'.repeat(64) + ' 11 mbedtls_3.6.5-1.dsc\n',
  `Package: mbedtls\nBinary: libmbedtls-dev,\n libmbedtls21\nVersion: 3.6.6-0.1~deb13u1\nDirectory: pool/main/m/mbedtls\nChecksums-Sha256:\n ${sha(dsc)} ${dsc.length} mbedtls_3.6.6-0.1~deb13u1.dsc\n ${sha(orig)} ${orig.length} mbedtls_3.6.6.orig.tar.bz2\n`,
  'Package: mbedtls-other\nVersion: 3.6.9-1\nDirectory: pool/main/m/mbedtls-other\n',
].join('\n');

describe('Debian source packages', () => {
  it('reads deb822 stanzas with continuation lines', () => {
    const [, , third] = parseStanzas(SOURCES);
    assert.equal(third.get('Binary'), 'libmbedtls-dev,\nlibmbedtls21');
  });

  it('picks the newest package of the series, with its pool folder and checksums', () => {
    const p = findSource(SOURCES, 'mbedtls', '3.6.');
    assert.equal(p?.version, '3.6.6-0.1~deb13u1');
    assert.equal(p?.directory, 'pool/main/m/mbedtls');
    assert.deepEqual(p?.files.map((f) => f.name), ['mbedtls_3.6.6-0.1~deb13u1.dsc', 'mbedtls_3.6.6.orig.tar.bz2']);
    assert.equal(findSource(SOURCES, 'mbedtls', '2.28.')?.version, '2.28.3-1');
    assert.equal(findSource(SOURCES, 'mbedtls', '4.0.'), undefined);
  });

  it('reads the index checksum from a clearsigned InRelease', () => {
    const inRelease = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nSuite: stable\nMD5Sum:\n ${'c'.repeat(32)} 99 main/source/Sources.xz\nSHA256:\n ${'d'.repeat(64)} 12 main/binary-amd64/Packages.xz\n ${'e'.repeat(64)} 10538456 main/source/Sources.xz\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n`;
    assert.deepEqual(releaseEntry(inRelease, 'main/source/Sources.xz'), { sha256: 'e'.repeat(64), size: 10538456, name: 'main/source/Sources.xz' });
    assert.equal(releaseEntry(inRelease, 'contrib/source/Sources.xz'), undefined);
  });

  it('accepts only the bytes the chain names: the .dsc from the index, the tarball from both', () => {
    const p = findSource(SOURCES, 'mbedtls', '3.6.')!;
    verify(dsc, p.files[0]);
    const [fromDsc] = dscFiles(dsc.toString('utf8'));
    verify(orig, fromDsc);
    const tampered = Buffer.from('the upstream tarbalL');
    assert.throws(() => verify(tampered, fromDsc), /mbedtls_3\.6\.6\.orig\.tar\.bz2: 20 bytes, SHA-256 [0-9a-f]{64}; the archive says 20 bytes/);
    assert.throws(() => verify(Buffer.concat([orig, Buffer.from('x')]), fromDsc), /21 bytes/);
  });
});
