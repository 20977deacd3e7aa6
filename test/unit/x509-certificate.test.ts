import assert from 'node:assert/strict';
import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { BasicConstraintsExtension, X509CertificateGenerator } from '@peculiar/x509';
import { decodeAll, decodeCertificate, verifySignedBy, type CertInfo } from '../../server/src/x509/certificate';
import { makeChain, makeSelfSigned, type Chain, type KeyAlg, type SigHash } from '../support/certs';

const now = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(now.getTime() + days * DAY);

async function decode(pem: string): Promise<CertInfo> {
  const [only] = await decodeAll(pem);
  assert.ok(only?.cert, only?.error ?? 'no certificate');
  return only.cert;
}

/** What openssl (via node:crypto) says about the same DER, to check ours against. */
function reference(der: Uint8Array) {
  const x = new X509Certificate(der);
  return { x, sha256: x.fingerprint256, serial: x.serialNumber.toUpperCase() };
}

const EXPECTED_KEY: Record<KeyAlg, CertInfo['key']> = {
  p256: { type: 'EC', bits: 256, curve: 'P-256' },
  p384: { type: 'EC', bits: 384, curve: 'P-384' },
  ed25519: { type: 'Ed25519', bits: 256 },
  rsa1024: { type: 'RSA', bits: 1024 },
  rsa2048: { type: 'RSA', bits: 2048 },
  rsa4096: { type: 'RSA', bits: 4096 },
};

function expectedSignature(issuerKey: KeyAlg, hash: SigHash): CertInfo['signature'] {
  if (issuerKey === 'ed25519') return { algorithm: 'Ed25519' };
  const h = hash.replace('-', '');
  return issuerKey.startsWith('rsa') ? { algorithm: `${h.toLowerCase()}WithRSAEncryption`, hash } : { algorithm: `ecdsa-with-${h}`, hash };
}

const cases: Array<{ key: KeyAlg; root?: KeyAlg; hash: SigHash }> = [
  { key: 'p256', hash: 'SHA-256' },
  { key: 'p256', hash: 'SHA-1' },
  { key: 'p384', hash: 'SHA-256' },
  { key: 'p384', hash: 'SHA-1' },
  { key: 'ed25519', hash: 'SHA-256' },
  { key: 'rsa1024', hash: 'SHA-1' },
  { key: 'rsa2048', hash: 'SHA-256' },
  { key: 'rsa2048', hash: 'SHA-1' },
  // One RSA-4096 key only (its generation takes seconds): the root signs a 2048-bit intermediate.
  { key: 'rsa2048', root: 'rsa4096', hash: 'SHA-256' },
];

describe('decodeCertificate: every field, per key type and hash', () => {
  for (const c of cases) {
    it(`${c.root ? `${c.root} root, ` : ''}${c.key} ${c.hash}`, async () => {
      const chain = await makeChain({ now, key: c.key, hash: c.hash, root: c.root ? { key: c.root } : {}, leaf: { dns: ['device.example.com', '*.example.org'], ip: ['192.0.2.7', '2001:db8::1'] } });
      const [root, intermediate, leaf] = await Promise.all([chain.root, chain.intermediate, chain.leaf].map((g) => decode(g.pem)));
      checkRoot(root, chain, c.root ?? c.key, c.hash);
      checkIntermediate(intermediate, root, c.key, c.root ?? c.key, c.hash);
      checkLeaf(leaf, intermediate, chain, c.key, c.hash);
      assert.equal(await verifySignedBy(leaf, intermediate), true);
      assert.equal(await verifySignedBy(intermediate, root), true);
      assert.equal(await verifySignedBy(root, root), true);
      assert.equal(await verifySignedBy(leaf, root), false, 'the wrong issuer does not verify');
    });
  }
});

function checkRoot(root: CertInfo, chain: Chain, key: KeyAlg, hash: SigHash): void {
  const ref = reference(chain.root.der);
  assert.equal(root.subject, 'CN=Test Root CA, O=ESP TLS Lens Tests, C=US');
  assert.equal(root.subjectCN, 'Test Root CA');
  assert.equal(root.issuer, root.subject);
  assert.equal(root.issuerCN, 'Test Root CA');
  assert.equal(root.serialNumber, '01');
  assert.equal(root.serialNumber, ref.serial);
  assert.deepEqual(root.notBefore, daysFromNow(-365));
  assert.deepEqual(root.notAfter, daysFromNow(3650));
  assert.equal(root.isCA, true);
  assert.equal(root.pathLength, undefined);
  assert.deepEqual(root.keyUsage, ['keyCertSign', 'cRLSign']);
  assert.deepEqual(root.extKeyUsage, []);
  assert.deepEqual(root.san, { dns: [], ip: [] });
  assert.equal(root.aki, undefined);
  assert.match(root.ski ?? '', /^[0-9A-F]{40}$/);
  assert.equal(root.selfIssued, true);
  assert.equal(root.selfSigned, true);
  assert.equal(root.role, 'root');
  assert.deepEqual(root.key, EXPECTED_KEY[key]);
  assert.deepEqual(root.signature, expectedSignature(key, hash));
  assert.equal(root.sha256, ref.sha256);
  assert.equal(root.derSize, chain.root.der.length);
  assert.equal(root.pemSize, chain.root.pem.trimEnd().length);
  assert.deepEqual(root.der, chain.root.der);
  assert.deepEqual(Buffer.from(root.spki), ref.x.publicKey.export({ type: 'spki', format: 'der' }));
  assert.deepEqual(root.subjectDer, root.issuerDer);
}

function checkIntermediate(int: CertInfo, root: CertInfo, key: KeyAlg, rootKey: KeyAlg, hash: SigHash): void {
  assert.equal(int.subject, 'CN=Test Intermediate CA, O=ESP TLS Lens Tests, C=US');
  assert.equal(int.issuer, root.subject);
  assert.deepEqual(int.issuerDer, root.subjectDer);
  assert.equal(int.serialNumber, '02');
  assert.deepEqual(int.notAfter, daysFromNow(1825));
  assert.equal(int.isCA, true);
  assert.equal(int.pathLength, 0);
  assert.equal(int.aki, root.ski);
  assert.notEqual(int.ski, root.ski);
  assert.equal(int.selfIssued, false);
  assert.equal(int.selfSigned, false);
  assert.equal(int.role, 'intermediate');
  assert.deepEqual(int.key, EXPECTED_KEY[key]);
  assert.deepEqual(int.signature, expectedSignature(rootKey, hash));
}

function checkLeaf(leaf: CertInfo, int: CertInfo, chain: Chain, key: KeyAlg, hash: SigHash): void {
  assert.equal(leaf.subject, 'CN=device.example.com, O=ESP TLS Lens Tests, C=US');
  assert.equal(leaf.subjectCN, 'device.example.com');
  assert.equal(leaf.issuerCN, 'Test Intermediate CA');
  assert.deepEqual(leaf.notBefore, daysFromNow(-10));
  assert.deepEqual(leaf.notAfter, daysFromNow(90));
  assert.equal(leaf.isCA, false);
  const usage = key.startsWith('rsa') ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
  assert.deepEqual(leaf.keyUsage, usage);
  assert.deepEqual(leaf.extKeyUsage, ['serverAuth', 'clientAuth']);
  assert.deepEqual(leaf.san, { dns: ['device.example.com', '*.example.org'], ip: ['192.0.2.7', '2001:db8::1'] });
  assert.equal(leaf.aki, int.ski);
  assert.equal(leaf.role, 'leaf');
  assert.deepEqual(leaf.signature, expectedSignature(key, hash));
  assert.equal(leaf.sha256, reference(chain.leaf.der).sha256);
}

describe('decodeCertificate: roles and odd shapes', () => {
  it('a self-signed certificate with cA false is a root by role (mbedTLS trusts it as itself)', async () => {
    const cert = await decode((await makeSelfSigned(now, { ca: false, cn: 'self' })).pem);
    assert.equal(cert.isCA, false);
    assert.equal(cert.selfSigned, true);
    assert.equal(cert.role, 'root');
  });

  it('no basicConstraints: isCA is undefined; a leaf without it is a leaf', async () => {
    const chain = await makeChain({ now, leaf: { ca: null } });
    const leaf = await decode(chain.leaf.pem);
    assert.equal(leaf.isCA, undefined);
    assert.equal('isCA' in leaf, false);
    assert.equal(leaf.role, 'leaf');
  });

  it('reads DER directly, ignores a trailing NUL, and copies its input', async () => {
    const { der } = await makeSelfSigned(now);
    const input = new Uint8Array([...der, 0]);
    const cert = await decodeCertificate(input);
    assert.equal(cert.derSize, der.length);
    assert.equal(cert.pemSize, undefined);
    input.fill(0);
    assert.deepEqual(cert.der, der);
  });

  it('decodeAll: several certificates, skipping keys, reporting bad blocks', async () => {
    const chain = await makeChain({ now });
    const broken = chain.intermediate.pem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    const text = `${chain.leaf.pem}${chain.leafKeyPem}${broken}${chain.root.pem}`;
    const decoded = await decodeAll(text);
    assert.equal(decoded.length, 3);
    assert.equal(decoded[0].cert?.role, 'leaf');
    assert.match(decoded[1].error ?? '', /invalid base64/);
    assert.equal(decoded[1].cert, undefined);
    assert.equal(decoded[2].cert?.role, 'root');
  });

  it('decodeAll: a TRUSTED CERTIFICATE decodes but carries an error (mbedTLS reads only CERTIFICATE)', async () => {
    const { pem } = await makeSelfSigned(now);
    const [d] = await decodeAll(pem.replace(/CERTIFICATE/g, 'TRUSTED CERTIFICATE'));
    assert.ok(d.cert);
    assert.match(d.error ?? '', /label must be CERTIFICATE/);
  });

  it('RSASSA-PSS: the hash comes from the parameters, the signature is checked through OpenSSL', async () => {
    const alg = { name: 'RSA-PSS', hash: 'SHA-384', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const generated = await X509CertificateGenerator.createSelfSigned({
      name: 'CN=PSS Root',
      keys,
      signingAlgorithm: { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 } as webcrypto.RsaPssParams,
      notBefore: daysFromNow(-1),
      notAfter: daysFromNow(1),
      extensions: [new BasicConstraintsExtension(true, undefined, true)],
    });
    const cert = await decodeCertificate(new Uint8Array(generated.rawData));
    assert.deepEqual(cert.signature, { algorithm: 'rsassaPss', hash: 'SHA-384' });
    assert.equal(cert.selfSigned, true);
    assert.equal(cert.role, 'root');
  });

  it('the SHA-256 fingerprint is over the DER, in openssl format', async () => {
    const { der } = await makeSelfSigned(now);
    const cert = await decodeCertificate(der);
    const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
    assert.equal(cert.sha256, hex.match(/../g)?.join(':'));
  });

  it('a decode takes a few milliseconds', async (t) => {
    const { der } = (await makeChain({ now })).leaf;
    const rounds = 200;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await decodeCertificate(der);
    const ms = (performance.now() - started) / rounds;
    t.diagnostic(`decodeCertificate: ${ms.toFixed(2)} ms per certificate (P-256 leaf, warm)`);
    assert.ok(ms < 20);
  });
});

describe('decodeCertificate: malformed DER rejects with a clear Error', () => {
  const rejects = async (input: Uint8Array, message?: RegExp) => {
    await assert.rejects(decodeCertificate(input), (e: unknown) => {
      assert.ok(e instanceof Error);
      if (message) assert.match(e.message, message);
      return true;
    });
  };

  it('truncated, empty, not a SEQUENCE, a bare SEQUENCE', async () => {
    const { der } = await makeSelfSigned(now);
    await rejects(der.subarray(0, der.length - 1), /truncated DER: the element at byte 0 claims \d+ bytes but only \d+ follow/);
    await rejects(der.subarray(0, 1), /cut off/);
    await rejects(new Uint8Array(), /end of the data/);
    await rejects(new TextEncoder().encode('hello'), /expected tag 0x30/);
    await rejects(new Uint8Array([0x30, 0x00]), /not a certificate/);
    await rejects(new Uint8Array([0x30, 0x80, 0, 0]), /invalid DER length/);
  });

  it('every truncation and many byte flips of a real certificate: a result or an Error, never a crash', async () => {
    const { der } = (await makeChain({ now, leaf: { dns: ['a.example.com'] } })).leaf;
    for (let n = 0; n < der.length; n += 7) await decodeCertificate(der.subarray(0, n)).then(() => assert.fail(`truncated at ${n} decoded`), (e) => assert.ok(e instanceof Error));
    for (let at = 0; at < der.length; at += 3) {
      const copy = new Uint8Array(der);
      copy[at] ^= 0xff;
      await decodeCertificate(copy).then(
        (c) => assert.equal(typeof c.subject, 'string'),
        (e) => assert.ok(e instanceof Error && e.message.length > 0),
      );
    }
  });

  it('random binary input', async () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24);
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(1 + (rand() % 200)).map(rand);
      if (i % 2 === 0) bytes[0] = 0x30; // make it look like DER half of the time
      await decodeCertificate(bytes).then(
        () => undefined,
        (e) => assert.ok(e instanceof Error),
      );
    }
  });
});
