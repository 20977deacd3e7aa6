// Check Server Against Project, end to end on real inputs: a project on disk (sdkconfig, CMake, C), the
// device profile read from it, a real TLS server on 127.0.0.1, and the mbedTLS error the device would
// print (its own Mbed TLS, built to WebAssembly, runs the handshake). Also the trust edits: embedding the fetched root makes the project check clean
// and the handshake succeed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Analyzer } from '../../server/src/analyzer';
import { bundlePlan, embedRootPlan, type TrustEditPlan } from '../../server/src/rules/trustEdits';
import { decodeCertificate } from '../../server/src/x509/certificate';
import { makeChain, makeSelfSigned, type Chain, type GeneratedCert } from '../support/certs';
import { applyEdits } from '../support/edits';
import { CA_FIELDS, check, cleanup, CLIENT, EMBED_ROOT, profileOf, project } from '../support/deviceProject';
import { closeAll, listen, tlsServer } from '../support/servers';

const NOW = new Date('2026-03-01T00:00:00Z');
let c: Chain;
let other: GeneratedCert;
let ecOnlyPort: number;
let chainPort: number;

before(async () => {
  c = await makeChain({ now: NOW, key: 'rsa2048', leaf: { dns: ['device.example.com'] } });
  other = await makeSelfSigned(NOW, { cn: 'Some Other Root' });
  chainPort = await listen(tlsServer(c.leaf.pem + c.intermediate.pem, c.leafKeyPem));
  const ec = await makeChain({ now: NOW, key: 'p256' });
  ecOnlyPort = await listen(tlsServer(ec.leaf.pem + ec.intermediate.pem, ec.leafKeyPem, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' }));
});

after(async () => {
  await closeAll();
  cleanup();
});


describe('Check Server Against Project', { timeout: 60_000 }, () => {
  it('reads the device from the project: versions, suites, groups, trust, names', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const profile = await profileOf(p);
    assert.equal(profile.mbedtls, '3.6');
    assert.deepEqual(profile.idf, { major: 5, minor: 5 });
    assert.equal(profile.tls12, true);
    assert.ok(profile.suites12.some((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
    assert.ok(profile.groups.some((g) => g.name === 'secp256r1'));
    assert.equal(profile.trust.kind, 'ca');
    assert.equal(profile.trust.kind === 'ca' && profile.trust.roots[0]?.subjectCN, 'Test Root CA');
    assert.equal(profile.trust.label, 'the CA in root_pem_start', 'named without its cast (issue 20)');
    assert.equal(profile.sni, 'device.example.com');
    assert.equal(profile.checkName, 'device.example.com');
    assert.equal(profile.inContentLen, 16384);
  });

  it('connects when the embedded CA is the server\'s root', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const r = await check(NOW, p, chainPort);
    assert.equal(r.ok, true, JSON.stringify(r, null, 1));
    assert.equal(r.protocol, 'TLSv1.2');
    assert.ok(r.steps.some((s) => s.step === 'Trust' && s.ok && /anchored at "Test Root CA"/.test(s.detail)), JSON.stringify(r.steps));
  });

  it('predicts -0x2700 NOT_TRUSTED when the leaf was pasted as the CA (seed 002)', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.leaf.pem });
    const r = await check(NOW, p, chainPort);
    assert.equal(r.ok, false);
    assert.equal(r.expected?.code, '-0x2700');
    assert.equal(r.expected?.name, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
    assert.deepEqual(r.expected?.flags, ['MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
    assert.match(r.expected!.reason, /holds the server's own \(leaf\) certificate/);
    assert.ok(r.expected!.log.includes('E esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700'));
  });

  // The model said -0x2700 from v5.4 on (the callback returns CERT_VERIFY_FAILED since then); the device's Mbed TLS
  // turns any failing verify callback into MBEDTLS_ERR_X509_FATAL_ERROR, so every release prints -0x3000.
  it('predicts -0x3000 from the bundle callback for another root, on IDF 5.5 as on 5.3, with the callback\'s lines', async () => {
    const custom = 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs/bundle.pem"\n';
    const bundle = '        .crt_bundle_attach = esp_crt_bundle_attach,\n';
    const good = await project(NOW, custom, CLIENT(bundle), { 'certs/bundle.pem': c.root.pem });
    assert.equal((await check(NOW, good, chainPort)).ok, true, 'the custom bundle holds the root');
    const v55 = await project(NOW, custom, CLIENT(bundle), { 'certs/bundle.pem': other.pem });
    const r55 = await check(NOW, v55, chainPort);
    assert.equal(r55.expected?.code, '-0x3000');
    assert.match(r55.expected!.reason, /nothing in the custom certificate bundle only/);
    assert.deepEqual(r55.expected!.log, [
      'I esp-x509-crt-bundle: No matching trusted root certificate found', 'E esp-x509-crt-bundle: Failed to verify certificate',
      'E esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000', 'I esp-tls-mbedtls: Failed to verify peer certificate!',
    ]);
    const v53 = await project(NOW, custom, CLIENT(bundle), { 'certs/bundle.pem': other.pem }, '5.3.2');
    const r53 = await check(NOW, v53, chainPort);
    assert.equal(r53.expected?.code, '-0x3000');
    assert.deepEqual(r53.expected!.log.slice(0, 2), ['E esp-x509-crt-bundle: Failed to verify certificate', 'E esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000']);
  });

  it('predicts -0x7780 when no cipher suite is shared (ECDSA-only server, ECDSA off) and names what the server wants', async () => {
    const p = await project(NOW, 'CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA=n\nCONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA=n\n', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const profile = await profileOf(p);
    assert.ok(!profile.suites12.some((s) => s.keyExchange === 'ECDHE_ECDSA'), 'the sdkconfig removes ECDHE-ECDSA suites');
    const r = await check(NOW, p, ecOnlyPort);
    assert.equal(r.expected?.code, '-0x7780');
    assert.equal(r.expected?.name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
    assert.match(r.expected!.reason, /handshake_failure.*picks TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256/);
  });

  it('predicts -0x7780 for a TLS 1.3-only server, and connects once TLS 1.3 is enabled', async () => {
    const port = await listen(tlsServer(c.leaf.pem + c.intermediate.pem, c.leafKeyPem, { minVersion: 'TLSv1.3' }));
    const files = { ...EMBED_ROOT, 'main/root.pem': c.root.pem };
    const r = await check(NOW, await project(NOW, '', CLIENT(CA_FIELDS), files), port);
    assert.equal(r.expected?.code, '-0x7780');
    assert.match(r.expected!.reason, /TLS 1\.3 only.*CONFIG_MBEDTLS_SSL_PROTO_TLS1_3/);
    const ok = await check(NOW, await project(NOW, 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3=y\n', CLIENT(CA_FIELDS), files), port);
    assert.equal(ok.ok, true, JSON.stringify(ok.steps));
    assert.equal(ok.protocol, 'TLSv1.3');
  });

  it('checks dates only with CONFIG_MBEDTLS_HAVE_TIME_DATE', async () => {
    const old = await makeChain({ now: NOW, key: 'rsa2048', leaf: { notBefore: -400, notAfter: -10, serial: '77' } });
    const port = await listen(tlsServer(old.leaf.pem + old.intermediate.pem, old.leafKeyPem));
    const files = { ...EMBED_ROOT, 'main/root.pem': old.root.pem };
    const timed = await check(NOW, await project(NOW, 'CONFIG_MBEDTLS_HAVE_TIME_DATE=y\n', CLIENT(CA_FIELDS), files), port);
    assert.equal(timed.expected?.code, '-0x2700');
    assert.deepEqual(timed.expected?.flags, ['MBEDTLS_X509_BADCERT_EXPIRED']);
    const untimed = await check(NOW, await project(NOW, '', CLIENT(CA_FIELDS), files), port);
    assert.equal(untimed.ok, true);
    assert.ok(untimed.steps.some((s) => s.step === 'Dates' && /does not check dates/.test(s.detail)));
  });

  it('predicts CN_MISMATCH when common_name is not a name of the certificate', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS).replace('.common_name = "device.example.com"', '.common_name = "api.example.com"'), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const r = await check(NOW, p, chainPort);
    assert.deepEqual(r.expected?.flags, ['MBEDTLS_X509_BADCERT_CN_MISMATCH']);
    assert.match(r.expected!.reason, /api\.example\.com is not a name of the certificate \(device\.example\.com\)/);
  });

  it('predicts -0x7200 when the server\'s records exceed a trimmed input buffer', async () => {
    const p = await project(NOW, 'CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y\nCONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=512\n', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const r = await check(NOW, p, chainPort);
    assert.equal(r.expected?.code, '-0x7200');
    assert.match(r.expected!.reason, /input buffer holds 512 bytes/);
  });

  it('stops before connecting when the client verifies nothing', async () => {
    const p = await project(NOW, '', CLIENT(''));
    const r = await check(NOW, p, 1); // port 1: never contacted
    assert.equal(r.expected?.code, '0x8017');
    assert.equal(r.expected?.name, 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED');
    assert.equal(r.steps.some((s) => s.step === 'Hello'), false);
  });

  it('reports a server that breaks the protocol as an error of the server', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const garbage = await listen(net.createServer((s) => s.once('data', () => s.end(Buffer.from([22, 3, 3, 0xff, 0xff, 0, 0])))));
    const r = await check(NOW, p, garbage);
    assert.equal(r.ok, false);
    assert.equal(r.expected, undefined);
    assert.match(r.error ?? '', /record of 65535 bytes/);
  });

  it('reports an unreachable server as an error, not as a device failure', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const closed = await freePort(); // nothing listens there: connection refused
    const r = await check(NOW, p, closed);
    assert.equal(r.ok, false);
    assert.equal(r.expected, undefined);
    assert.match(r.error ?? '', /^cannot connect: the connection was refused \(nothing listens on that port\) \(ECONNREFUSED\)$/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Writes a plan to disk the way the editor applies the WorkspaceEdit. */
function applyPlan(plan: TrustEditPlan): void {
  for (const c of plan.creates) { mkdirSync(path.dirname(c.file), { recursive: true }); writeFileSync(c.file, c.text, { flag: 'wx' }); }
  for (const e of plan.edits) writeFileSync(e.file, applyEdits(readFileSync(e.file, 'utf8'), e.edits));
}

describe('trust edits: embed the fetched root, or attach the bundle', { timeout: 60_000 }, () => {
  const read = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return undefined; } };

  it('embeds the root: PEM file, EMBED_TXTFILES, extern declarations, cacert_pem_buf; then checks clean and connects', async () => {
    const p = await project(NOW, '', CLIENT('').replace(/extern.*\n/g, ''));
    assert.ok(p.analyzer.findingsFor(p.file).some((f) => f.rule === 'tls-no-server-verification'));
    const found = p.analyzer.clientAt(p.file, { line: 8, character: 8 })!;
    const plan = embedRootPlan(found.ctx, found.client, [{ cert: await decodeCertificate(c.root.der) }], 'Test Root CA', read);
    assert.ok(typeof plan !== 'string', String(plan));
    assert.equal(plan.creates[0]?.file, path.join(p.dir, 'main/certs/test_root_ca.pem'));
    assert.match(plan.creates[0].text, /^# CN=Test Root CA, O=ESP TLS Lens Tests, C=US \(valid until \d{4}-\d\d-\d\d\)\n-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
    applyPlan(plan);
    const source = readFileSync(p.file, 'utf8');
    assert.match(source, /extern const char test_root_ca_pem_start\[\] asm\("_binary_test_root_ca_pem_start"\);/);
    assert.match(source, /\.cacert_pem_buf = \(const unsigned char \*\)test_root_ca_pem_start,\n\s+\.cacert_pem_bytes = test_root_ca_pem_end - test_root_ca_pem_start,/);
    assert.match(readFileSync(path.join(p.dir, 'main/CMakeLists.txt'), 'utf8'), /EMBED_TXTFILES "certs\/test_root_ca\.pem"\)/);

    const again = new Analyzer({ now: () => NOW, env: {} });
    await again.index([p.dir]);
    const all = [...again.findings().values()].flat().filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(all.map((f) => `${f.rule}: ${f.message}`), [], 'the embedded root checks clean');
    const r = await check(NOW, { ...p, analyzer: again }, chainPort);
    assert.equal(r.ok, true, JSON.stringify(r.steps));

    // A second embed of the same root reuses the file instead of writing another.
    const found2 = again.clientAt(p.file, { line: 12, character: 8 })!;
    const plan2 = embedRootPlan(found2.ctx, found2.client, [{ cert: await decodeCertificate(c.root.der) }], 'Test Root CA', read);
    assert.ok(typeof plan2 !== 'string');
    assert.equal(plan2.creates.length, 0);
    assert.match(plan2.summary[0], /already holds these certificates: reused/);
  });

  it('never overwrites a different file of the same name', async () => {
    const p = await project(NOW, '', CLIENT(''), { 'main/certs/test_root_ca.pem': 'something else\n' });
    const found = p.analyzer.clientAt(p.file, { line: 10, character: 8 })!;
    const plan = embedRootPlan(found.ctx, found.client, [{ cert: await decodeCertificate(c.root.der) }], 'Test Root CA', read);
    assert.ok(typeof plan !== 'string');
    assert.equal(plan.creates[0]?.file, path.join(p.dir, 'main/certs/test_root_ca_2.pem'));
  });

  it('attaches the bundle in place of the CA buffer', async () => {
    const p = await project(NOW, '', CLIENT(CA_FIELDS), { ...EMBED_ROOT, 'main/root.pem': c.root.pem });
    const found = p.analyzer.clientAt(p.file, { line: 10, character: 8 })!;
    const plan = bundlePlan(found.ctx, found.client, undefined);
    assert.ok(typeof plan !== 'string', String(plan));
    applyPlan(plan);
    const source = readFileSync(p.file, 'utf8');
    assert.match(source, /\.crt_bundle_attach = esp_crt_bundle_attach,/);
    assert.doesNotMatch(source, /cacert_pem_buf|cacert_pem_bytes/);
    assert.deepEqual(plan.summary.slice(1), ['remove cacert_pem_buf (the bundle replaces it)', 'remove cacert_pem_bytes (the bundle replaces it)']);
  });
});
