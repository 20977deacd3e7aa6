// Issue 21: `esp-tls-lens check-server HOST[:PORT] [PROJECT]` from the bundled dist/cli.js, with the
// device's Mbed TLS (dist/mbedtls-*.wasm) against openssl s_server; and `chain` reading a TLS 1.3-only
// server exactly as sent. The projects are written by the test in the shape of the field's esp_tls
// clients (an embedded root as cacert_pem_buf; IDF v5.5 and v4.4).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeChain, type Chain } from '../support/certs';
import { runCli } from '../support/cli';
import { CA_FIELDS, cleanup, CLIENT, EMBED_ROOT, project } from '../support/deviceProject';
import { sClientChain, startSServer, stopOpenssl } from '../support/openssl';

const NOW = new Date('2026-03-01T00:00:00Z');
let c: Chain;
let full: number; // leaf + intermediate, TLS 1.2
let leafOnly: number; // the intermediate left out
let tls13: number; // TLS 1.3 only, root sent before the intermediate

before(async () => {
  c = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: ['device.example.com'] } });
  const leaf = { ...c.leaf, keyPem: c.leafKeyPem };
  full = await startSServer('full-', { leaf, chain: [c.intermediate], args: ['-tls1_2'] });
  leafOnly = await startSServer('leaf-', { leaf, args: ['-tls1_2'] });
  tls13 = await startSServer('t13-', { leaf, chain: [c.root, c.intermediate], args: ['-tls1_3'] });
});

after(async () => {
  await stopOpenssl();
  cleanup();
});

const projectWithRoot = (idf = '5.5.1') => project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem }, idf);

describe('esp-tls-lens check-server', { timeout: 120_000 }, () => {
  it('connects with the project\'s Mbed TLS 3.6 and exits 0', async () => {
    const p = await projectWithRoot();
    const r = await runCli(['check-server', `127.0.0.1:${full}`, p.dir, '--now', NOW.toISOString()]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^connects: TLSv1\.2, TLS-ECDHE-RSA-WITH-/);
    assert.match(r.stdout, /client: `cfg` \(esp_tls_cfg_t\)/);
    assert.match(r.stdout, /ok {3}Handshake: Mbed TLS 3\.6\.\d+ offered TLS 1\.2/);
  });

  it('prints the device\'s code, flags and monitor lines for a missing intermediate, and exits 1', async () => {
    const p = await projectWithRoot();
    const r = await runCli(['check-server', `127.0.0.1:${leafOnly}`, p.dir, '--now', NOW.toISOString(), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, false);
    assert.equal(j.expected.code, '-0x2700');
    assert.deepEqual(j.expected.flags, ['MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
    assert.deepEqual(j.expected.log.slice(0, 2), ['E esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700', 'I esp-tls-mbedtls: Failed to verify peer certificate!']);
  });

  it('uses Mbed TLS 2.28 for an ESP-IDF v4.4 project', async () => {
    const p = await projectWithRoot('4.4.7');
    const r = await runCli(['check-server', `127.0.0.1:${full}`, p.dir, '--now', NOW.toISOString()]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Handshake: Mbed TLS 2\.28\.\d+ offered TLS 1\.2/);
  });

  it('says in one line when nothing listens, and exits 2', async () => {
    const p = await projectWithRoot();
    const r = await runCli(['check-server', '127.0.0.1:1', p.dir]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^esp-tls-lens: 127\.0\.0\.1:1: cannot connect: the connection was refused .*\n$/);
  });

  it('refuses a folder without an ESP-IDF project', async () => {
    const r = await runCli(['check-server', `127.0.0.1:${full}`, 'test/fixtures/grammars']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no ESP-IDF project here/);
  });
});

describe('esp-tls-lens chain on a TLS 1.3-only server', { timeout: 60_000 }, () => {
  it('prints the chain exactly as openssl s_client shows it', async () => {
    const r = await runCli(['chain', `127.0.0.1:${tls13}`, '--servername', 'device.example.com', '--json', '--now', NOW.toISOString()]);
    const j = JSON.parse(r.stdout);
    assert.equal(j.protocol, 'TLSv1.3');
    assert.equal(j.exactAsSent, true);
    const shown = await sClientChain(tls13, ['-tls1_3']);
    assert.deepEqual(j.presented.map((p: { pem: string }) => p.pem.replace(/-----[A-Z ]+-----|\s/g, '')), shown.map((d) => d.toString('base64')));
  });
});
