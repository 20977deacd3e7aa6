import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAll, type CertInfo } from '../../server/src/x509/certificate';
import { findPemBlocks } from '../../server/src/x509/pem';
import { derFormat, describePrivateKey, isPrivateKeyLabel, keyMatchesCertificate, type KeyInfo } from '../../server/src/x509/privateKey';
import { keySummary } from '../../server/src/x509/summary';
import { exportKey, makeChain, type Chain } from '../support/certs';

const now = new Date('2026-01-01T00:00:00Z');

const chains = new Map<string, Promise<Chain>>();
const chainOf = (key: 'p256' | 'p384' | 'rsa2048' | 'ed25519') => {
  if (!chains.has(key)) chains.set(key, makeChain({ now, key }));
  return chains.get(key)!;
};

async function certs(chain: Chain): Promise<{ leaf: CertInfo; intermediate: CertInfo }> {
  const [leaf, intermediate] = await Promise.all([chain.leaf.pem, chain.intermediate.pem].map(async (p) => (await decodeAll(p))[0].cert!));
  return { leaf, intermediate };
}

function fromPem(pem: string): KeyInfo {
  const [block] = findPemBlocks(pem);
  assert.ok(block, 'a PEM block');
  return describePrivateKey(block);
}

/** No string anywhere in the description may carry a piece of the key's base64 body. */
function assertNoKeyMaterial(info: KeyInfo, keyPem: string): void {
  const body = keyPem.split('\n').filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l));
  const strings = JSON.stringify({ ...info, spki: undefined }) + keySummary(info).lines.join('\n');
  for (const line of body) assert.ok(!strings.includes(line.slice(0, 16)), 'key material in a message');
}

describe('describePrivateKey', () => {
  it('PKCS#8, PKCS#1 and their DER forms of an RSA key', async () => {
    const chain = await chainOf('rsa2048');
    const pkcs8 = fromPem(chain.leafKeyPem);
    assert.deepEqual({ ...pkcs8, spki: undefined }, { format: 'pkcs8', label: 'PRIVATE KEY', encrypted: false, type: 'RSA', bits: 2048, spki: undefined });
    const pkcs1 = fromPem(exportKey(chain.leafKeyPem, 'pkcs1') as string);
    assert.equal(pkcs1.format, 'pkcs1');
    assert.equal(pkcs1.label, 'RSA PRIVATE KEY');
    assert.equal(pkcs1.bits, 2048);
    assert.deepEqual(pkcs1.spki, pkcs8.spki);
    for (const [as, format] of [['pkcs8-der', 'pkcs8'], ['pkcs1-der', 'pkcs1']] as const) {
      const der = exportKey(chain.leafKeyPem, as) as Uint8Array;
      assert.equal(derFormat(der), format);
      const info = describePrivateKey(der);
      assert.equal(info.format, format);
      assert.equal(info.type, 'RSA');
      assert.deepEqual(info.spki, pkcs8.spki);
    }
  });

  it('SEC1 and PKCS#8 EC keys, Ed25519', async () => {
    const ec = await chainOf('p384');
    const sec1 = fromPem(exportKey(ec.leafKeyPem, 'sec1') as string);
    assert.equal(sec1.format, 'sec1');
    assert.equal(sec1.label, 'EC PRIVATE KEY');
    assert.equal(sec1.type, 'EC');
    assert.equal(sec1.curve, 'P-384');
    assert.equal(sec1.bits, 384);
    assert.equal(derFormat(exportKey(ec.leafKeyPem, 'sec1-der') as Uint8Array), 'sec1');
    assert.equal(describePrivateKey(exportKey(ec.leafKeyPem, 'sec1-der') as Uint8Array).curve, 'P-384');
    const ed = fromPem((await chainOf('ed25519')).leafKeyPem);
    assert.equal(ed.format, 'pkcs8');
    assert.equal(ed.type, 'Ed25519');
  });

  it('encrypted keys: PKCS#8 (PBES2) and legacy Proc-Type PEM; no public key, no match verdict', async () => {
    const chain = await chainOf('rsa2048');
    const { leaf } = await certs(chain);
    const pbes2 = fromPem(exportKey(chain.leafKeyPem, 'pkcs8-encrypted') as string);
    assert.deepEqual(pbes2, { format: 'pkcs8-encrypted', label: 'ENCRYPTED PRIVATE KEY', encrypted: true, encryption: 'PBES2' });
    const legacy = fromPem(exportKey(chain.leafKeyPem, 'pem-encrypted') as string);
    assert.deepEqual(legacy, { format: 'pem-encrypted', label: 'RSA PRIVATE KEY', type: 'RSA', encrypted: true, encryption: 'AES-256-CBC' });
    const der = describePrivateKey(exportKey(chain.leafKeyPem, 'pkcs8-encrypted-der') as Uint8Array);
    assert.equal(der.format, 'pkcs8-encrypted');
    assert.equal(der.encrypted, true);
    for (const k of [pbes2, legacy, der]) assert.equal(keyMatchesCertificate(k, leaf), undefined);
  });

  it('OpenSSH keys are recognised (mbedTLS cannot read them)', () => {
    const body = (cipher: string) => {
      const magic = Buffer.from('openssh-key-v1\0', 'latin1');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(cipher.length);
      return Buffer.concat([magic, len, Buffer.from(cipher), Buffer.alloc(8)]).toString('base64');
    };
    const pem = (cipher: string) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${body(cipher)}\n-----END OPENSSH PRIVATE KEY-----\n`;
    assert.deepEqual(fromPem(pem('none')), { format: 'openssh', label: 'OPENSSH PRIVATE KEY', encrypted: false });
    assert.equal(fromPem(pem('aes256-ctr')).encrypted, true);
    assert.match(keySummary(fromPem(pem('none'))).lines[0], /OpenSSH \(mbedTLS cannot read it\)/);
  });

  it('labels: which ones carry private keys', () => {
    for (const l of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY']) assert.ok(isPrivateKeyLabel(l), l);
    for (const l of ['CERTIFICATE', 'PUBLIC KEY', 'RSA PUBLIC KEY']) assert.ok(!isPrivateKeyLabel(l), l);
  });

  it('corrupt keys, broken PEM and random bytes give a problem, never an exception or key bytes', async () => {
    const chain = await chainOf('rsa2048');
    const lines = chain.leafKeyPem.split('\n');
    lines[1] = 'A'.repeat(lines[1].length); // the PKCS#8 header: no longer a key
    const corrupt = fromPem(lines.join('\n'));
    assert.match(corrupt.problem ?? '', /PKCS#8 private key is corrupt/);
    assert.equal(corrupt.spki, undefined);
    assertNoKeyMaterial(corrupt, chain.leafKeyPem);
    const unterminated = fromPem(chain.leafKeyPem.replace('-----END PRIVATE KEY-----', ''));
    assert.match(unterminated.problem ?? '', /without a matching END line/);
    const dsa = fromPem('-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n');
    assert.match(dsa.problem ?? '', /mbedTLS does not read "DSA PRIVATE KEY" keys/);
    let seed = 3;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24);
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(1 + (rand() % 120)).map(rand);
      if (i % 2) bytes[0] = 0x30;
      const info = describePrivateKey(bytes);
      assert.ok(info.problem || info.encrypted || info.spki, 'a verdict');
    }
  });

  it('descriptions of valid keys hold no key material', async () => {
    for (const key of ['rsa2048', 'p256'] as const) {
      const chain = await chainOf(key);
      const info = fromPem(chain.leafKeyPem);
      assert.equal(info.problem, undefined);
      assertNoKeyMaterial(info, chain.leafKeyPem);
    }
  });
});

describe('keyMatchesCertificate', () => {
  for (const key of ['rsa2048', 'p256', 'ed25519'] as const) {
    it(`${key}: the leaf key matches the leaf, not the intermediate, in every encoding`, async () => {
      const chain = await chainOf(key);
      const { leaf, intermediate } = await certs(chain);
      const encodings = key === 'rsa2048' ? ['pkcs8', 'pkcs1'] : key === 'p256' ? ['pkcs8', 'sec1'] : ['pkcs8'];
      for (const as of encodings) {
        const info = fromPem(exportKey(chain.leafKeyPem, as as 'pkcs8') as string);
        assert.equal(keyMatchesCertificate(info, leaf), true, as);
        assert.equal(keyMatchesCertificate(info, intermediate), false, as);
      }
    });
  }

  it('a key of another type does not match, and the comparison leaves no OpenSSL error behind', async () => {
    const chain = await chainOf('p256');
    const { leaf } = await certs(chain);
    assert.equal(keyMatchesCertificate(fromPem((await chainOf('rsa2048')).leafKeyPem), leaf), false);
    assert.equal(fromPem(chain.leafKeyPem).problem, undefined);
  });
});

describe('keySummary', () => {
  it('says format, type and size, and whether encrypted', async () => {
    const chain = await chainOf('p256');
    assert.deepEqual(keySummary(fromPem(chain.leafKeyPem)).lines, ['Private key: PKCS#8, EC P-256']);
    const enc = keySummary(fromPem(exportKey(chain.leafKeyPem, 'pkcs8-encrypted') as string));
    assert.deepEqual(enc.lines, ['Private key: encrypted PKCS#8', 'Encrypted: yes (PBES2)']);
    assert.equal(enc.markdown, '**Private key:** encrypted PKCS#8  \n**Encrypted:** yes (PBES2)');
  });
});
