// Runs the bundled dist/cli.js `decode` (build first: node esbuild.mjs).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { cliPath, runCli } from '../support/cli';

const run = (args: string[]) => runCli(args);
const cli = cliPath;

const CONTRACT_KEYS = ['input', 'value', 'mbedtls', 'strerror', 'parts', 'esp', 'flags', 'explanation', 'hints'];

describe('esp-tls-lens decode', () => {
  before(() => assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first'));

  it('prints the JSON contract for a composite code', async () => {
    const r = await run(['decode', '-0x262E', '--idf-version', '5.5', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(Array.isArray(out));
    assert.equal(out.length, 1);
    const [o] = out;
    for (const k of CONTRACT_KEYS) assert.ok(k in o, k);
    assert.equal(o.input, '-0x262E');
    assert.equal(o.value, '-0x262E');
    assert.equal(o.mbedtls, '3.6');
    assert.equal(o.strerror, 'X509 - Signature algorithm (oid) is unsupported : OID - OID is not found');
    assert.deepEqual(o.parts, [
      { value: '-0x2600', name: 'MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG', module: 'X509', level: 'high', description: 'Signature algorithm (oid) is unsupported.' },
      { value: '-0x002E', name: 'MBEDTLS_ERR_OID_NOT_FOUND', module: 'OID', level: 'low', description: 'OID is not found.' },
    ]);
    assert.equal(o.esp, null);
    assert.equal(o.flags, null);
    assert.equal(typeof o.explanation, 'string');
    assert.ok(Array.isArray(o.hints) && o.hints.every((h: { text: string }) => typeof h.text === 'string'));
  });

  it('lists both Mbed TLS versions when no IDF version is given and they differ', async () => {
    const r = await run(['decode', '-0x6E00', '--json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.map((o: { mbedtls: string }) => o.mbedtls), ['2.28', '3.6']);
    assert.deepEqual(out.map((o: { strerror: string }) => o.strerror), [
      'SSL - Processing of the NewSessionTicket handshake message failed',
      'SSL - The handshake negotiation failed',
    ]);
    const same = JSON.parse((await run(['decode', '-0x2700', '--json'])).stdout);
    assert.equal(same.length, 1);
  });

  it('picks the version from --idf-version (v4.x → 2.28)', async () => {
    const out = JSON.parse((await run(['decode', '-0x6E00', '--idf-version', 'v4.4.8', '--json'])).stdout);
    assert.deepEqual(out.map((o: { mbedtls: string }) => o.mbedtls), ['2.28']);
  });

  it('decodes several codes in every form, esp_err_t and flags in one call', async () => {
    const r = await run(['decode', '-0x2700', '9984', '-9984', '0x801A', 'MBEDTLS_ERR_SSL_ALLOC_FAILED', 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED', 'flags=0x0C', '--idf-version', '5.1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.map((o: { value: string }) => o.value), ['-0x2700', '-0x2700', '-0x2700', '0x801A', '-0x7F00', '0x8017', '0x0000000C']);
    assert.deepEqual(out[3].esp, { name: 'ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED', value: '0x801A' });
    assert.deepEqual(out[6].flags.map((f: { name: string }) => f.name), ['MBEDTLS_X509_BADCERT_CN_MISMATCH', 'MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
    assert.ok(out[5].hints.some((h: { rule?: string }) => h.rule === 'tls-no-server-verification'));
  });

  it('explains -0x2700 with --flags', async () => {
    const out = JSON.parse((await run(['decode', '-0x2700', '--flags', '0x8', '--idf-version', '5.5', '--json'])).stdout);
    assert.deepEqual(out[0].flags, [{ name: 'MBEDTLS_X509_BADCERT_NOT_TRUSTED', value: '0x00000008', text: 'The certificate is not correctly signed by the trusted CA' }]);
    assert.ok(out[0].hints.some((h: { rule?: string }) => h.rule === 'cert-leaf-as-trust-anchor'));
  });

  it('prints one readable block per code', async () => {
    const r = await run(['decode', '-0x262E', '0x8017', '--idf-version', '5.5']);
    assert.equal(r.code, 0, r.stderr);
    const blocks = r.stdout.trim().split(/\n\n/);
    assert.equal(blocks.length, 2, r.stdout);
    assert.match(blocks[0], /^-0x262E {2}\(Mbed TLS 3\.6; input -0x262E\)\n {2}strerror: X509 - Signature algorithm \(oid\) is unsupported : OID - OID is not found\n {2}high -0x2600 {2}MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG \[X509\]\n {2}low {2}-0x002E {2}MBEDTLS_ERR_OID_NOT_FOUND \[OID\]\n/);
    assert.match(blocks[1], /^0x8017 {2}ESP_ERR_MBEDTLS_SSL_SETUP_FAILED/);
    assert.match(blocks[1], /\[tls-no-server-verification\]/);
  });

  it('exits 2 with a one-line reason for an input that is not a code', async () => {
    for (const args of [['decode', 'hello'], ['decode'], ['decode', '-0x2700', 'MBEDTLS_ERR_NOPE'], ['decode', '-0x2700', '--idf-version', 'five'], ['decode', '-0x2700', '--flags', 'x']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^esp-tls-lens: [^\n]+\n$/, args.join(' '));
    }
  });
});
