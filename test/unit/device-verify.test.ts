// Issue 21: the hand-written chain model (net/deviceCheck.ts verifyChain, which still words the reasons of a
// failed check) against the device's own mbedtls_x509_crt_verify_with_profile (dist/mbedtls-3.6.wasm, the
// default profile, dates checked): the same verify flags for each chain a server commonly gets wrong. Where
// they differ, Check Server reports the stack's flags (net/realCheck.ts); this test keeps the model honest.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { mbedtls, type Mbedtls } from '../../server/src/mbedtls/device/module';
import { verifyChain } from '../../server/src/net/deviceCheck';
import type { DeviceProfile } from '../../server/src/net/deviceProfile';
import { decodeCertificate, type CertInfo } from '../../server/src/x509/certificate';
import { makeChain, type Chain, type GeneratedCert } from '../support/certs';

const NOW = new Date('2026-03-01T00:00:00Z');
const HOST = 'device.example.com';

/** What Mbed TLS says of `presented` (leaf first) against `roots`, checking `name`, at NOW. */
function stackFlags(m: Mbedtls, presented: GeneratedCert[], roots: GeneratedCert[], name: string): number {
  const chain = m.x.lens_crt_new();
  const trust = m.x.lens_crt_new();
  try {
    return m.at(NOW, () => m.with((a) => {
      for (const c of presented) assert.equal(m.x.lens_crt_parse_der(chain, a.bytes(c.der), c.der.length), 0);
      for (const c of roots) assert.equal(m.x.lens_crt_parse_der(trust, a.bytes(c.der), c.der.length), 0);
      m.x.lens_crt_verify(chain, trust, a.string(name));
      return m.x.lens_flags() >>> 0;
    }));
  } finally {
    m.x.lens_crt_free(chain);
    m.x.lens_crt_free(trust);
  }
}

async function modelFlags(presented: GeneratedCert[], roots: GeneratedCert[], name: string): Promise<number> {
  const decode = (list: GeneratedCert[]) => Promise.all(list.map((c) => decodeCertificate(c.der)));
  const profile = {
    idf: { major: 5, minor: 5 }, mbedtls: '3.6', checksDates: true, checkName: name, sni: name,
    trust: { kind: 'ca', roots: await decode(roots), label: 'the CA' },
  } as unknown as DeviceProfile;
  const r = await verifyChain(await decode(presented) as CertInfo[], profile, NOW);
  return r.flags ?? 0;
}

describe('the chain model agrees with mbedtls_x509_crt_verify_with_profile', () => {
  let m: Mbedtls;
  let good: Chain;
  let expiredLeaf: Chain;
  let futureLeaf: Chain;
  let sha1: Chain;
  let weakRoot: Chain;
  let other: Chain;

  before(async () => {
    m = await mbedtls('3.6');
    good = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: [HOST] } });
    expiredLeaf = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: [HOST], notBefore: -100, notAfter: -1, serial: '51' } });
    futureLeaf = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: [HOST], notBefore: 5, notAfter: 90, serial: '52' } });
    sha1 = await makeChain({ now: NOW, key: 'rsa2048', intermediate: { hash: 'SHA-1', serial: '53' }, leaf: { dns: [HOST], serial: '54' } });
    weakRoot = await makeChain({ now: NOW, key: 'rsa2048', root: { key: 'rsa1024', serial: '55' }, leaf: { dns: [HOST], serial: '56' } });
    other = await makeChain({ now: NOW, key: 'p256', root: { cn: 'Other Root', serial: '57' }, leaf: { dns: [HOST], serial: '58' } });
  });

  const cases: [string, () => [GeneratedCert[], GeneratedCert[], string], number][] = [
    ['a complete chain to the embedded root', () => [[good.leaf, good.intermediate], [good.root], HOST], 0],
    ['the intermediate left out', () => [[good.leaf], [good.root], HOST], 0x08],
    ['a wrong host', () => [[good.leaf, good.intermediate], [good.root], 'other.example.org'], 0x04],
    ['an expired leaf', () => [[expiredLeaf.leaf, expiredLeaf.intermediate], [expiredLeaf.root], HOST], 0x01],
    ['a leaf not yet valid', () => [[futureLeaf.leaf, futureLeaf.intermediate], [futureLeaf.root], HOST], 0x200],
    ['an intermediate signing with SHA-1', () => [[sha1.leaf, sha1.intermediate], [sha1.root], HOST], 0x4000],
    ['a root of RSA-1024', () => [[weakRoot.leaf, weakRoot.intermediate], [weakRoot.root], HOST], 0x10000],
    ['a chain to another root', () => [[other.leaf, other.intermediate], [good.root], HOST], 0x08],
  ];

  for (const [name, setup, expected] of cases) {
    it(`${name}: 0x${expected.toString(16)}`, async () => {
      const [presented, roots, host] = setup();
      const stack = stackFlags(m, presented, roots, host);
      assert.equal(stack, expected, `Mbed TLS: 0x${stack.toString(16)}`);
      assert.equal(await modelFlags(presented, roots, host), stack, 'the model disagrees with the stack');
    });
  }
});
