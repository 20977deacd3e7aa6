// Issue 21: certificates and keys that @peculiar/x509 (and OpenSSL) read but the device's Mbed TLS refuses,
// parsed by the real mbedtls_x509_crt_parse / mbedtls_pk_parse_key of 3.6 and 2.28 (dist/mbedtls-*.wasm).
// Shapes from the field: a private CA whose root carries a critical extension Mbed TLS does not implement
// (name constraints, a company policy OID), an Ed25519 root and key pasted into an esp_http_client config.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { extractC } from '../../server/src/c/extract';
import type { EspIdfProject } from '../../server/src/project/model';
import { runRules } from '../../server/src/rules/index';
import { readContents } from '../../server/src/x509/contents';
import { deviceRejections } from '../../server/src/x509/deviceParse';
import { contextOf, fakeProject, NOW } from '../support/analyse';
import { makeChain, makeSelfSigned, type GeneratedCert } from '../support/certs';

const C = '/work/proj/main/client.c';
const cLiteral = (pem: string) => pem.trim().split(/\r?\n/).map((l) => `    "${l}\\n"`).join('\n');
const client = (ca: string, extra = '') => `#include "esp_http_client.h"
static const char root_ca[] =
${cLiteral(ca)};
${extra}
void fetch(void)
{
    esp_http_client_config_t config = {
        .url = "https://api.example.com/v1",
        .cert_pem = root_ca,
    };
    esp_http_client_init(&config);
}
`;

/** A self-signed CA with `extension` added, as a private PKI's tooling makes one. */
async function rootWith(extension: x509.Extension): Promise<GeneratedCert> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a', name: 'CN=Factory Root CA, O=Example Devices', notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01'), keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions: [new x509.BasicConstraintsExtension(true, undefined, true), extension],
  });
  return { pem: cert.toString('pem') + '\n', der: new Uint8Array(cert.rawData), keyPem: '' };
}

async function malformed(source: string, idf: EspIdfProject['idfVersion']) {
  const project = { ...fakeProject({}), idfVersion: idf, files: [C] };
  const facts = [{ file: C, hash: C, c: await extractC(source) }];
  return runRules(contextOf(facts, project, [C])).filter((f) => f.rule === 'cert-malformed');
}

const IDF55 = { major: 5, minor: 5, patch: 1, source: 'sdkconfig' as const };
const IDF44 = { major: 4, minor: 4, patch: 7, source: 'sdkconfig' as const };
const IDF60 = { major: 6, minor: 0, patch: 0, source: 'sdkconfig' as const };

describe('certificates the device parses differently from @peculiar/x509', () => {
  let critical: GeneratedCert;
  let nameConstraints: GeneratedCert;
  let ed25519: GeneratedCert;
  let good: GeneratedCert;

  before(async () => {
    critical = await rootWith(new x509.Extension('1.3.6.1.4.1.55555.1', true, new Uint8Array([0x05, 0x00])));
    // permittedSubtrees: dNSName ".example" (RFC 5280 4.2.1.10), critical as the RFC asks.
    nameConstraints = await rootWith(new x509.Extension('2.5.29.30', true, new Uint8Array([0x30, 0x0e, 0xa0, 0x0c, 0x30, 0x0a, 0x82, 0x08, ...Buffer.from('.example')])));
    ed25519 = await makeSelfSigned(NOW, { cn: 'Ed25519 Root', key: 'ed25519' });
    good = (await makeChain({ now: NOW, key: 'p256' })).root;
  });

  for (const [name, cert, code] of [
    ['an unknown critical extension', () => critical, -0x2562],
    ['critical name constraints', () => nameConstraints, -0x2562],
    ['an Ed25519 key and signature', () => ed25519, -0x262e],
  ] as const) {
    it(`${name}: read here, refused by Mbed TLS 3.6 and 2.28 with ${code}`, async () => {
      const contents = await readContents('CERTIFICATE', cert().der);
      assert.ok(contents.cert, '@peculiar/x509 reads it');
      assert.deepEqual(contents.device?.map((d) => [d.series, d.code, d.call]), [['3.6', code, 'mbedtls_x509_crt_parse'], ['2.28', code, 'mbedtls_x509_crt_parse']]);
    });
  }

  it('a certificate both read carries an empty verdict, not an absent one', async () => {
    assert.deepEqual((await readContents('CERTIFICATE', good.der)).device, []);
  });

  it('cert-malformed quotes the device\'s code and text for the project\'s Mbed TLS', async () => {
    const [f] = await malformed(client(critical.pem), IDF55);
    assert.equal(f?.severity, 'error');
    assert.equal(f.message, 'The device\'s Mbed TLS 3.6.6 refuses this certificate: mbedtls_x509_crt_parse returns -0x2562 '
      + '(X509 - The extension tag or value is invalid : ASN1 - ASN1 tag was of an unexpected value). It reads as valid elsewhere, but the device cannot load it.');
    const [old] = await malformed(client(critical.pem), IDF44);
    assert.match(old?.message ?? '', /^The device's Mbed TLS 2\.28\.3 refuses this certificate: mbedtls_x509_crt_parse returns -0x2562/);
  });

  // A subjectKeyIdentifier that is not an OCTET STRING: 3.6 parses the extension (and refuses it), 2.28
  // skips it. The same firmware loads the certificate on ESP-IDF 4.4 and not on 5.x.
  it('a malformed subjectKeyIdentifier: refused by 3.6 only, so reported for a 5.x project and not for 4.4', async () => {
    const ski = await rootWith(new x509.Extension('2.5.29.14', false, new Uint8Array([0x02, 0x01, 0x01])));
    const contents = await readContents('CERTIFICATE', ski.der);
    assert.ok(contents.cert, '@peculiar/x509 reads it');
    assert.deepEqual(contents.device?.map((d) => [d.series, d.code]), [['3.6', -0x2562]]);
    assert.match((await malformed(client(ski.pem), IDF55))[0]?.message ?? '', /^The device's Mbed TLS 3\.6\.6 refuses this certificate/);
    assert.deepEqual(await malformed(client(ski.pem), IDF44), []);
  });

  it('says nothing where the project\'s Mbed TLS is not one we build (ESP-IDF 6 ships 4.x)', async () => {
    assert.deepEqual(await malformed(client(critical.pem), IDF60), []);
  });

  it('says nothing about a certificate the device reads', async () => {
    assert.deepEqual(await malformed(client(good.pem), IDF55), []);
  });

  it('judges private keys with mbedtls_pk_parse_key: an Ed25519 PKCS#8 key is refused', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const rejected = await deviceRejections('key', pkcs8);
    assert.deepEqual(rejected?.map((d) => [d.series, d.code, d.call]), [['3.6', -0x3d00, 'mbedtls_pk_parse_key'], ['2.28', -0x3d00, 'mbedtls_pk_parse_key']]);
    const p256 = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    assert.deepEqual(await deviceRejections('key', new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', p256.privateKey))), []);
  });
});
