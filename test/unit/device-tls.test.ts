// Issue 21: Check Server Against Project runs the device's own Mbed TLS (dist/mbedtls-3.6.wasm, built by
// scripts/mbedtls/build.mjs) against real `openssl s_server` setups, and each case asserts the exact
// return code and verify flags the device would log. The projects are our own, in the shape of the
// field's esp_tls clients: a root embedded with EMBED_TXTFILES and given as cacert_pem_buf.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceCheck } from '../../server/src/net/deviceCheck';
import { makeChain, type Chain } from '../support/certs';
import { CA_FIELDS, check, cleanup, CLIENT, EMBED_ROOT, project } from '../support/deviceProject';
import { startSServer, stopOpenssl } from '../support/openssl';

const NOW = new Date('2026-03-01T00:00:00Z');
const TLS13 = 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3=y\n';
const MTLS_EXTERNS = ['client_crt', 'client_key'].map((n) => `extern const char ${n}_start[] asm("_binary_${n}_start");\nextern const char ${n}_end[] asm("_binary_${n}_end");\n`).join('');
const MTLS_FIELDS = '        .clientcert_pem_buf = (const unsigned char *)client_crt_start,\n        .clientcert_pem_bytes = client_crt_end - client_crt_start,\n'
  + '        .clientkey_pem_buf = (const unsigned char *)client_key_start,\n        .clientkey_pem_bytes = client_key_end - client_key_start,\n';
let rsa: Chain;
let ec384: Chain; // P-256 root and intermediate, P-384 leaf
let expired: Chain;
let big: Chain; // RSA-4096 with many names: a Certificate message over 4 KB

before(async () => {
  rsa = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: ['device.example.com'] } });
  ec384 = await makeChain({ now: NOW, key: 'p256', leaf: { key: 'p384', dns: ['device.example.com'], serial: '41' } });
  expired = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: ['device.example.com'], notBefore: -100, notAfter: -2, serial: '42' } });
  const names = Array.from({ length: 120 }, (_, i) => `host-${i}.device.example.com`);
  big = await makeChain({ now: NOW, key: 'rsa4096', leaf: { dns: ['device.example.com', ...names], serial: '43' } });
});

after(async () => {
  await stopOpenssl();
  cleanup();
});

/** A project whose client embeds `root` as its CA, checked against a server on `port`. */
async function deviceAgainst(port: number, root: Chain, sdkconfig = ''): Promise<DeviceCheck> {
  const p = await project(NOW, sdkconfig, CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': root.root.pem });
  return check(NOW, p, port);
}

const server = (name: string, chain: Chain, args: string[], leaf = chain.leaf) =>
  startSServer(name, { leaf: { ...leaf, keyPem: chain.leafKeyPem }, chain: [chain.intermediate], args });

const summary = (r: DeviceCheck) => JSON.stringify({ ok: r.ok, error: r.error, expected: r.expected, steps: r.steps.map((s) => `${s.step}: ${s.detail}`) }, null, 1);

describe('the device\'s Mbed TLS 3.6 against openssl s_server', { timeout: 120_000 }, () => {
  it('connects over TLS 1.2 to a TLS 1.2-only server with the right root', async () => {
    const r = await deviceAgainst(await server('t12-', rsa, ['-tls1_2']), rsa);
    assert.equal(r.ok, true, summary(r));
    assert.equal(r.protocol, 'TLSv1.2');
    assert.match(r.suite ?? '', /^TLS-ECDHE-RSA-WITH-/);
    assert.ok(r.steps.some((s) => s.step === 'Handshake' && s.ok && /Mbed TLS 3\.6\.\d+ offered/.test(s.detail)), summary(r));
  });

  it('connects over TLS 1.3 to a TLS 1.3-only server when the sdkconfig enables it', async () => {
    const r = await deviceAgainst(await server('t13-', rsa, ['-tls1_3']), rsa, TLS13);
    assert.equal(r.ok, true, summary(r));
    assert.equal(r.protocol, 'TLSv1.3');
    assert.match(r.suite ?? '', /^TLS1-3-/);
  });

  it('fails with the server\'s protocol_version alert when TLS 1.3 is off and the server speaks only 1.3', async () => {
    const r = await deviceAgainst(await server('t13only-', rsa, ['-tls1_3']), rsa);
    assert.equal(r.expected?.code, '-0x7780', summary(r));
    assert.match(r.expected!.reason, /alert protocol_version/);
    assert.match(r.expected!.reason, /CONFIG_MBEDTLS_SSL_PROTO_TLS1_3/);
  });

  it('is refused by a server with a P-384 certificate when the sdkconfig leaves the curve out', async () => {
    const port = await server('p384-', ec384, ['-tls1_2']);
    const on = await deviceAgainst(port, ec384);
    assert.equal(on.ok, true, summary(on));
    // TLS 1.2 (RFC 8422 5.1): an ECDSA certificate must be on a curve the client offers; OpenSSL refuses the hello.
    const off = await deviceAgainst(port, ec384, '# CONFIG_MBEDTLS_ECP_DP_SECP384R1_ENABLED is not set\n');
    assert.equal(off.expected?.code, '-0x7780', summary(off));
    assert.match(off.expected!.reason, /alert handshake_failure: the server accepts TLS_ECDHE_ECDSA_\w+, which the device offers, so it refused the device's groups .*this build leaves out secp384r1/);
  });

  it('reports a missing intermediate as NOT_TRUSTED', async () => {
    const port = await startSServer('noint-', { leaf: { ...rsa.leaf, keyPem: rsa.leafKeyPem }, args: ['-tls1_2'] });
    const r = await deviceAgainst(port, rsa);
    assert.equal(r.expected?.code, '-0x2700', summary(r));
    assert.deepEqual(r.expected?.flags, ['MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
    assert.ok(r.expected!.log.includes('I esp-tls-mbedtls: Failed to verify peer certificate!'));
  });

  it('reports an expired leaf only when the build checks dates (CONFIG_MBEDTLS_HAVE_TIME_DATE)', async () => {
    const port = await server('expired-', expired, ['-tls1_2']);
    const dated = await deviceAgainst(port, expired, 'CONFIG_MBEDTLS_HAVE_TIME_DATE=y\n');
    assert.equal(dated.expected?.code, '-0x2700', summary(dated));
    assert.deepEqual(dated.expected?.flags, ['MBEDTLS_X509_BADCERT_EXPIRED']);
    const undated = await deviceAgainst(port, expired);
    assert.equal(undated.ok, true, summary(undated));
    assert.ok(undated.steps.some((s) => s.step === 'Dates' && /does not check dates/.test(s.detail)), summary(undated));
  });

  it('reports a wrong host as CN_MISMATCH', async () => {
    const other = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: ['other.example.org'], serial: '44' } });
    const r = await deviceAgainst(await server('wronghost-', other, ['-tls1_2']), other);
    assert.equal(r.expected?.code, '-0x2700', summary(r));
    assert.deepEqual(r.expected?.flags, ['MBEDTLS_X509_BADCERT_CN_MISMATCH']);
  });

  // The "CBC-only server against a GCM-only sdkconfig" cannot be built on ESP-IDF 5.x: CBC has no
  // Kconfig option before 6.0 (kconfig-mbedtls.json). The same shape with a suite 5.x can leave out: ChaCha20.
  it('gets a handshake_failure from a ChaCha20-only server when the sdkconfig leaves ChaCha20 out (the default)', async () => {
    const port = await server('chacha-', rsa, ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305']);
    const r = await deviceAgainst(port, rsa);
    assert.equal(r.expected?.code, '-0x7780', summary(r));
    assert.match(r.expected!.reason, /alert handshake_failure: .*it picks TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, which this sdkconfig leaves out/);
    const withChacha = await deviceAgainst(port, rsa, 'CONFIG_MBEDTLS_CHACHA20_C=y\nCONFIG_MBEDTLS_POLY1305_C=y\nCONFIG_MBEDTLS_CHACHAPOLY_C=y\n');
    assert.equal(withChacha.ok, true, summary(withChacha));
    assert.equal(withChacha.suite, 'TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256');
  });

  it('drops a record larger than CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN with "bad message length"', async () => {
    const port = await server('big-', big, ['-tls1_2']);
    const small = await deviceAgainst(port, big, 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=4096\n');
    assert.equal(small.expected?.code, '-0x7200', summary(small));
    assert.match(small.expected!.reason, /holds 4096 bytes/);
    const full = await deviceAgainst(port, big);
    assert.equal(full.ok, true, summary(full));
  });

  it('judges the handshake but says the chain was not checked when the project\'s CA cannot be read', async () => {
    const port = await server('unread-', rsa, ['-tls1_2']);
    const p = await project(NOW, '', CLIENT('        .cacert_pem_buf = (const unsigned char *)load_ca_from_nvs(),\n        .cacert_pem_bytes = 1800,\n'));
    const r = await check(NOW, p, port);
    assert.equal(r.ok, false, summary(r));
    assert.equal(r.expected, undefined, 'an unknown is never an error');
    assert.match(r.error ?? '', /could not be read from the project; the handshake itself works \(TLSv1\.2, TLS-ECDHE-RSA-WITH-[\w-]+\), but the server's certificate was not checked/);
  });

  it('does not pretend to check a pre-shared-key client', async () => {
    const p = await project(NOW, '', CLIENT('        .psk_hint_key = &psk_key,\n'), {});
    const r = await check(NOW, p, await server('psk-', rsa, ['-tls1_2']));
    assert.equal(r.expected, undefined, summary(r));
    assert.match(r.error ?? '', /pre-shared key .*nothing was checked/);
  });

  it('presents the project\'s client certificate to a server that requires one (mutual TLS)', async () => {
    // openssl s_server checks the client certificate against its own clock: valid today, whatever NOW is.
    const device = await makeChain({ now: new Date(), key: 'p256', root: { cn: 'Device CA', serial: '61' }, leaf: { cn: 'device-0001', eku: ['clientAuth'], serial: '62' } });
    const p = await project(NOW, '', CLIENT(CA_FIELDS + MTLS_FIELDS, MTLS_EXTERNS), {
      'main/CMakeLists.txt': 'idf_component_register(SRCS "client.c"\n                       INCLUDE_DIRS "."\n                       EMBED_TXTFILES "root.pem" "client.crt" "client.key")\n',
      'main/root.pem': rsa.root.pem, 'main/client.crt': device.leaf.pem + device.intermediate.pem, 'main/client.key': device.leafKeyPem,
      'device-ca.pem': device.root.pem,
    });
    const port = await server('mtls-ok-', rsa, ['-tls1_2', '-Verify', '2', '-verify_return_error', '-verifyCAfile', `${p.dir}/device-ca.pem`]);
    const r = await check(NOW, p, port);
    assert.equal(r.ok, true, summary(r));
    // The same project against a server that trusts another CA for its clients: it refuses the device's certificate.
    const strict = await server('mtls-other-', rsa, ['-tls1_2', '-Verify', '2', '-verify_return_error', '-verifyCAfile', `${p.dir}/main/root.pem`]);
    const refused = await check(NOW, p, strict);
    assert.equal(refused.expected?.code, '-0x7780', summary(refused));
    assert.match(refused.expected!.reason, /^the server refused the device's client certificate \(alert unknown_ca\)/);
  });

  it('is refused by a server that requires a client certificate', async () => {
    const r = await deviceAgainst(await server('mtls-', rsa, ['-tls1_2', '-Verify', '1']), rsa);
    assert.equal(r.expected?.code, '-0x7780', summary(r));
    assert.match(r.expected!.reason, /^the server asked for a client certificate and the device has none/);
  });
});
