import assert from 'node:assert/strict';
import tls from 'node:tls';
import { before, describe, it } from 'node:test';
import cmn from '../../server/src/data/idf-bundle-cmn.json';
import { decodeAll, decodeCertificate, type CertInfo } from '../../server/src/x509/certificate';
import { findPemBlocks } from '../../server/src/x509/pem';
import {
  caName,
  findKnownIssuer,
  idfCommonBundleNames,
  inIdfCommonBundle,
  isMozillaRoot,
  knownRootBySubject,
  mozillaRoots,
  rootStoreLoadMs,
} from '../../server/src/x509/trustStores';
import { makeChain, makeSelfSigned } from '../support/certs';

const now = new Date('2026-01-01T00:00:00Z');
const ISRG_X1 = 'CN=ISRG Root X1, O=Internet Security Research Group, C=US';

/** A root straight from Node's list, decoded independently of the store. */
async function nodeRoot(cn: string): Promise<CertInfo> {
  for (const pem of tls.rootCertificates) {
    if (!pem.includes('-----BEGIN')) continue;
    const cert = await decodeCertificate(findPemBlocks(pem)[0].der!);
    if (cert.subjectCN === cn) return cert;
  }
  throw new Error(`${cn} is not in tls.rootCertificates`);
}

let isrg: CertInfo;
let amazon: CertInfo;

before(async () => {
  [isrg, amazon] = await Promise.all([nodeRoot('ISRG Root X1'), nodeRoot('Amazon Root CA 1')]);
});

describe('Mozilla roots (Node tls.rootCertificates)', () => {
  it('loads every root once, lazily, and reports how long it took', async (t) => {
    const started = performance.now();
    const roots = await mozillaRoots();
    const first = performance.now() - started;
    assert.equal(roots.length, tls.rootCertificates.length);
    assert.ok(roots.every((r) => r.role === 'root'));
    assert.equal(await mozillaRoots(), roots, 'cached');
    t.diagnostic(`root store: ${roots.length} roots decoded in ${(await rootStoreLoadMs()).toFixed(0)} ms (first call ${first.toFixed(0)} ms)`);
  });

  it('a real root is its own known issuer, and known by subject (case-insensitive)', async () => {
    const found = await findKnownIssuer(isrg);
    assert.equal(found?.root.sha256, isrg.sha256);
    assert.equal(found?.name, 'ISRG Root X1');
    assert.equal((await knownRootBySubject(ISRG_X1))?.sha256, isrg.sha256);
    assert.equal((await knownRootBySubject(ISRG_X1.toUpperCase()))?.sha256, isrg.sha256);
    assert.equal(await knownRootBySubject('CN=Nobody, O=Nowhere'), undefined);
    assert.equal(isMozillaRoot(isrg), true);
    assert.equal(isMozillaRoot(amazon), true);
  });

  it('names roots by their Mozilla label where ESP-IDF lists it', async () => {
    const r3 = (await mozillaRoots()).find((r) => r.subject === 'CN=GlobalSign, O=GlobalSign, OU=GlobalSign Root CA - R3');
    assert.ok(r3);
    assert.equal(caName(r3), 'GlobalSign Root CA - R3');
    assert.equal((await findKnownIssuer(r3))?.name, 'GlobalSign Root CA - R3');
    assert.equal(caName(amazon), 'Amazon Root CA 1');
  });

  it('a generated chain is not traced to a public root', async () => {
    const chain = await makeChain({ now });
    for (const { pem } of [chain.root, chain.intermediate, chain.leaf]) {
      const [{ cert }] = await decodeAll(pem);
      assert.ok(cert);
      assert.equal(await findKnownIssuer(cert), undefined);
      assert.equal(isMozillaRoot(cert), false);
    }
  });

  it('a certificate naming a public root as issuer but not signed by it is not traced', async () => {
    // Encoded least specific first, like the real one: its issuer DN equals ISRG Root X1's subject.
    const forged = (await decodeAll((await makeSelfSigned(now, { subject: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1' })).pem))[0].cert!;
    assert.equal(forged.issuer, ISRG_X1);
    assert.equal(await findKnownIssuer(forged), undefined, 'the DN matches, the signature does not');
    assert.equal(isMozillaRoot(forged), false);
    // The CMN lookup is by name, as documented: callers pair it with isMozillaRoot/findKnownIssuer.
    assert.equal(inIdfCommonBundle(forged, { major: 5, minor: 5 }), true);
  });
});

describe('ESP-IDF CMN bundle', () => {
  const v = (major: number, minor: number) => ({ major, minor });

  it('ISRG Root X1 is in CMN from v5.1 on, not in v4.4 and v5.0', () => {
    assert.equal(inIdfCommonBundle(isrg, v(4, 4)), false);
    assert.equal(inIdfCommonBundle(isrg, v(5, 0)), false);
    for (const minor of [1, 2, 3, 4, 5]) assert.equal(inIdfCommonBundle(isrg, v(5, minor)), true, `5.${minor}`);
    assert.equal(inIdfCommonBundle(isrg, v(6, 0)), true);
  });

  it('Amazon Root CA 1 is in every release', () => {
    for (const key of Object.keys(cmn.tags).filter((k) => k !== 'master')) {
      const [major, minor] = key.split('.').map(Number);
      assert.equal(inIdfCommonBundle(amazon, v(major, minor)), true, key);
    }
  });

  it('a Mozilla root ESP-IDF does not list, and releases outside the table', async () => {
    const listed = new Set(Object.values(cmn.authorities).map((a) => a.subject.toLowerCase()));
    const other = (await mozillaRoots()).find((r) => !listed.has(r.subject.toLowerCase()));
    assert.ok(other);
    assert.equal(inIdfCommonBundle(other, v(5, 5)), false);
    assert.equal(inIdfCommonBundle(isrg, v(4, 3)), undefined);
    assert.equal(inIdfCommonBundle(isrg, v(7, 0)), undefined);
  });

  it('names listed in the CSV but absent from that cacrt_all.pem are not in the bundle', () => {
    assert.equal(idfCommonBundleNames(v(4, 4))?.includes('DST Root CA X3'), false);
    assert.equal(idfCommonBundleNames(v(5, 0))?.includes('DST Root CA X3'), true);
    assert.equal(idfCommonBundleNames(v(6, 0))?.includes('Starfield Class 2 CA'), false);
    assert.equal(idfCommonBundleNames(v(5, 5))?.length, 43);
  });

  it('every listed CA has a subject, and those still in Node match a Node root exactly', async () => {
    const bySubject = new Map((await mozillaRoots()).map((r) => [r.subject, r]));
    let matched = 0;
    for (const [label, a] of Object.entries(cmn.authorities)) {
      assert.ok(a.subject.length > 0, label);
      if (a.from.startsWith('node')) {
        const root = bySubject.get(a.subject);
        assert.ok(root, `${label}: ${a.subject}`);
        assert.equal(caName(root), label);
        matched++;
      }
    }
    assert.ok(matched >= 35);
  });
});

describe('ESP-IDF\'s full bundle per release (idf-bundle-full.json, read from cacrt_all.pem at each tag)', () => {
  it('knows the root count of each release and says which release dropped a root', async () => {
    const { idfFullBundle, idfFullBundleReleases, fullBundleText } = await import('../../server/src/x509/trustStores');
    assert.equal(idfFullBundle({ major: 4, minor: 4 })?.size, 135);
    assert.equal(idfFullBundle({ major: 5, minor: 5 })?.size, 150);
    assert.equal(idfFullBundle({ major: 6, minor: 0 })?.size, 144);
    assert.equal(idfFullBundle({ major: 3, minor: 3 }), undefined);
    // A root v5.5 has and v6.0 dropped, whichever it is in the table.
    const in55 = [...idfFullBundle({ major: 5, minor: 5 })!];
    const dropped = in55.find((sha) => !idfFullBundle({ major: 6, minor: 0 })!.has(sha));
    assert.ok(dropped, 'v6.0 dropped at least one of v5.5\'s roots');
    assert.ok(idfFullBundleReleases(dropped).includes('5.5'));
    assert.match(fullBundleText(dropped, { major: 6, minor: 0 })!, /v6\.0's full bundle does not have it any more \(the last release whose bundle has it is v5\.5\)/);
    assert.match(fullBundleText(dropped, { major: 5, minor: 5 })!, /v5\.5's full certificate bundle has it$/);
  });
});
