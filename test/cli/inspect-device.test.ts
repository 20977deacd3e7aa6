// Issue 21: `esp-tls-lens inspect` also says what the device's own parsers (Mbed TLS 3.6 and 2.28, the
// dist/mbedtls-*.wasm modules) make of each block. The shape: an Ed25519 root someone generated with
// OpenSSL defaults, which every desktop tool reads and the ESP32 cannot.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeChain, makeSelfSigned } from '../support/certs';
import { runCli } from '../support/cli';

const NOW = new Date('2026-03-01T00:00:00Z');
let dir: string;
let ed: string;
let rsa: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-device-'));
  ed = path.join(dir, 'ed25519-root.pem');
  writeFileSync(ed, (await makeSelfSigned(NOW, { cn: 'Ed25519 Root', key: 'ed25519' })).pem);
  rsa = path.join(dir, 'rsa-root.pem');
  writeFileSync(rsa, (await makeChain({ now: NOW, key: 'rsa2048' })).root.pem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('esp-tls-lens inspect and the device\'s parsers', () => {
  it('says that both Mbed TLS versions refuse an Ed25519 certificate, with their code', async () => {
    const r = await runCli(['inspect', ed, '--now', NOW.toISOString()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Mbed TLS 3\.6\.\d+ refuses it: mbedtls_x509_crt_parse returns -0x262E \(X509 - Signature algorithm \(oid\) is unsupported/);
    assert.match(r.stdout, /Mbed TLS 2\.28\.\d+ refuses it: mbedtls_x509_crt_parse returns -0x262E/);
    const [j] = JSON.parse((await runCli(['inspect', ed, '--json'])).stdout);
    assert.deepEqual(j.mbedtlsRefuses.map((x: { code: string }) => x.code), ['-0x262E', '-0x262E']);
  });

  it('says nothing more about a certificate the device reads', async () => {
    const r = await runCli(['inspect', rsa, '--now', NOW.toISOString()]);
    assert.doesNotMatch(r.stdout, /refuses/);
    assert.deepEqual(JSON.parse((await runCli(['inspect', rsa, '--json'])).stdout)[0].mbedtlsRefuses, []);
  });
});
