// The certificate rules on certificates generated at run time (relative to a fixed now) and on the two
// real certificates of seed 002, embedded each way ESP-IDF code embeds them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { extractC } from '../../server/src/c/extract';
import { extractCMake } from '../../server/src/project/embeds';
import type { FileFacts } from '../../server/src/rules/context';
import type { Finding } from '../../server/src/rules/finding';
import { runRules } from '../../server/src/rules/index';
import { extractCertFile } from '../../server/src/x509/certFile';
import { makeChain, makeSelfSigned, type Chain } from '../support/certs';
import { contextOf, fakeProject, NOW } from '../support/analyse';

const ROOT = '/work/proj';
const C = `${ROOT}/main/client.c`;
const CERT_RULES = /^(cert-|private-key|client-cert|pem-)/;

/** PEM as ESP-IDF code writes it in C: one literal per line, each with its "\n". */
const cLiteral = (pem: string) => pem.trim().split(/\r?\n/).map((l) => `    "${l}\\n"`).join('\n');

const httpClient = (caExpr: string, extra = '') => `#include "esp_http_client.h"
${extra}
void fetch(void)
{
    esp_http_client_config_t config = {
        .url = "https://api.example.com/v1",
        .cert_pem = ${caExpr},
    };
    esp_http_client_init(&config);
}
`;

async function check(files: Record<string, string | Uint8Array>, sdkconfig: Record<string, string> = {}, cmake?: string): Promise<Finding[]> {
  const facts: FileFacts[] = [];
  for (const [file, content] of Object.entries(files)) {
    if (file.endsWith('.c')) facts.push({ file, hash: file, c: await extractC(content as string) });
    else facts.push({ file, hash: file, certFile: await extractCertFile(typeof content === 'string' ? Buffer.from(content) : content) });
  }
  if (cmake) facts.push({ file: `${ROOT}/main/CMakeLists.txt`, hash: 'cmake', cmake: extractCMake(`${ROOT}/main/CMakeLists.txt`, cmake, ROOT) });
  const project = { ...fakeProject(sdkconfig), files: Object.keys(files) };
  return runRules(contextOf(facts, project, Object.keys(files))).filter((f) => CERT_RULES.test(f.rule));
}

const rules = (findings: Finding[]) => findings.map((f) => f.rule).sort();

describe('certificate rules on generated certificates', () => {
  let chain: Chain;
  before(async () => { chain = await makeChain({ now: NOW, key: 'p256' }); });

  it('a root in a C literal: only the single-anchor note', async () => {
    const src = httpClient('root_ca', `static const char root_ca[] =\n${cLiteral(chain.root.pem)};`);
    const findings = await check({ [C]: src });
    assert.deepEqual(rules(findings), ['cert-single-trust-anchor']);
    assert.match(findings[0].message, /`config` trusts one root only \(Test Root CA\)/);
    assert.match(findings[0].message, /a private CA: the bundle cannot stand in/, 'a test root is no Mozilla root: no bundle advice');
  });

  it('a leaf given as the CA (the seed 002 story): error on the certificate, related to the config', async () => {
    const src = httpClient('leaf', `static const char *leaf =\n${cLiteral(chain.leaf.pem)};`);
    const [f] = (await check({ [C]: src })).filter((x) => x.rule === 'cert-leaf-as-trust-anchor');
    assert.equal(f.severity, 'error');
    assert.equal(f.range.start.line, 2, 'on the literal itself');
    assert.match(f.message, /is a server's own certificate \(not a CA.*-0x2700 \(NOT_TRUSTED\).*not among the roots known offline\. Look at the chain the server sends \(`esp-tls-lens chain api\.example\.com`, or `openssl s_client -showcerts -connect api\.example\.com:443`\)/);
    assert.equal(f.related?.[0].file, C);
    assert.match(f.related![0].message, /trusted by `config`/);
  });

  it('an intermediate as the CA: warning', async () => {
    const src = httpClient('ca', `static const char *ca =\n${cLiteral(chain.intermediate.pem)};`);
    assert.deepEqual(rules(await check({ [C]: src })), ['cert-intermediate-as-trust-anchor']);
  });

  it('an embedded file reached through _binary_ symbols', async () => {
    const src = httpClient('(const char *)ca_start', 'extern const uint8_t ca_start[] asm("_binary_server_ca_pem_start");');
    const cmake = 'idf_component_register(SRCS "client.c" EMBED_TXTFILES "certs/server_ca.pem")';
    const leafFindings = await check({ [C]: src, [`${ROOT}/main/certs/server_ca.pem`]: chain.leaf.pem }, {}, cmake);
    const f = leafFindings.find((x) => x.rule === 'cert-leaf-as-trust-anchor')!;
    assert.equal(f.file, `${ROOT}/main/certs/server_ca.pem`);
    assert.equal(f.related?.[0].range.start.line, 6);
    const rootFindings = await check({ [C]: src, [`${ROOT}/main/certs/server_ca.pem`]: chain.root.pem + chain.root.pem.replace(/\n$/, '') + '\n' }, {}, cmake);
    assert.deepEqual(rules(rootFindings), [], 'two roots in the buffer: no single-anchor note');
  });

  it('dates mean what the build makes of them', async () => {
    const expired = await makeChain({ now: NOW, key: 'p256', root: { notBefore: -4000, notAfter: -10, cn: 'Expired Root' } });
    const src = httpClient('root_ca', `static const char root_ca[] =\n${cLiteral(expired.root.pem)};`);
    const off = (await check({ [C]: src })).find((f) => f.rule === 'cert-expired')!;
    assert.match(off.message, /^Expired Root expired on 2025-12-22 \(10 days ago\)\. This build does not check dates \(CONFIG_MBEDTLS_HAVE_TIME_DATE is off/);
    const on = (await check({ [C]: src }, { CONFIG_MBEDTLS_HAVE_TIME_DATE: 'y' })).find((f) => f.rule === 'cert-expired')!;
    assert.match(on.message, /the device rejects chains through it \(flag EXPIRED, -0x2700\)/);

    const soon = await makeChain({ now: NOW, key: 'p256', root: { notAfter: 30, cn: 'Soon Root' } });
    const [s] = (await check({ [C]: httpClient('r', `static const char r[] =\n${cLiteral(soon.root.pem)};`) })).filter((f) => f.rule === 'cert-expires-soon');
    assert.match(s.message, /Soon Root expires on 2026-01-31, in 30 days \(warning at 90/);

    const future = await makeChain({ now: NOW, key: 'p256', root: { notBefore: 5, notAfter: 400, cn: 'Future Root' } });
    const [n] = (await check({ [C]: httpClient('r', `static const char r[] =\n${cLiteral(future.root.pem)};`) })).filter((f) => f.rule === 'cert-not-yet-valid');
    assert.match(n.message, /Future Root is valid only from 2026-01-06/);
  });

  it('weak keys and hashes', async () => {
    const weak = await makeChain({ now: NOW, key: 'rsa1024', hash: 'SHA-1' });
    const src = httpClient('ca', `static const char *ca =\n${cLiteral(weak.intermediate.pem)};`);
    const findings = (await check({ [C]: src })).filter((f) => f.rule === 'cert-weak');
    assert.deepEqual(findings.map((f) => f.message.match(/1024-bit RSA|signed with SHA-1/)?.[0]).sort(), ['1024-bit RSA', 'signed with SHA-1']);
  });

  it('a weak CA that only the Wi-Fi enterprise (EAP) client loads is an info: its profile takes 1024-bit RSA and SHA-1', async () => {
    // Shape: the wifi_eap_* examples embed ca.pem and hand it to esp_eap_client_set_ca_cert().
    const weak = await makeChain({ now: NOW, key: 'rsa1024', hash: 'SHA-1' });
    const src = `extern uint8_t ca_pem_start[] asm("_binary_ca_pem_start");
extern uint8_t ca_pem_end[] asm("_binary_ca_pem_end");
static void wifi_enterprise_init(void)
{
    ESP_ERROR_CHECK(esp_eap_client_set_ca_cert(ca_pem_start, ca_pem_end - ca_pem_start));
}`;
    const cmake = 'idf_component_register(SRCS "client.c" EMBED_TXTFILES ca.pem)';
    const findings = (await check({ [C]: src, [`${ROOT}/main/ca.pem`]: weak.intermediate.pem }, {}, cmake)).filter((f) => f.rule === 'cert-weak');
    assert.deepEqual(findings.map((f) => f.severity), ['info', 'info']);
    assert.match(findings[0].message, /1024-bit RSA key\. The Wi-Fi enterprise \(EAP\) client that loads it accepts 1024 bits/);
    const tls = httpClient('(const char *)ca_pem_start', 'extern const uint8_t ca_pem_start[] asm("_binary_ca_pem_start");');
    const both = (await check({ [C]: `${src}\n${tls}`, [`${ROOT}/main/ca.pem`]: weak.intermediate.pem }, {}, cmake)).filter((f) => f.rule === 'cert-weak');
    assert.deepEqual(both.map((f) => f.severity), ['warning', 'warning'], 'a TLS client using it too judges it by the default profile');
  });

  it('a private key compiled in without flash encryption; quiet with it', async () => {
    const src = `static const char *client_key =\n${cLiteral(chain.leafKeyPem)};`;
    const [f] = await check({ [C]: src });
    assert.equal(f.rule, 'private-key-in-firmware');
    assert.match(f.message, /A private key \(EC P-256, in a C literal\) is compiled into the firmware while flash encryption is off/);
    assert.deepEqual(await check({ [C]: src }, { CONFIG_SECURE_FLASH_ENC_ENABLED: 'y' }), []);
  });

  it('a client certificate with the wrong key', async () => {
    const other = await makeSelfSigned(NOW, { key: 'p384', cn: 'other', slot: 'other' });
    const src = `#include "esp_tls.h"
static const char client_crt[] =
${cLiteral(chain.leaf.pem)};
static const char client_key[] =
${cLiteral(other.keyPem)};
void f(void) {
    esp_tls_cfg_t cfg = {
        .crt_bundle_attach = esp_crt_bundle_attach,
        .clientcert_buf = (const unsigned char *)client_crt,
        .clientcert_bytes = sizeof(client_crt),
        .clientkey_buf = (const unsigned char *)client_key,
        .clientkey_bytes = sizeof(client_key),
    };
}`;
    const findings = await check({ [C]: src }, { CONFIG_SECURE_FLASH_ENC_ENABLED: 'y' });
    const [m] = findings.filter((f) => f.rule === 'client-cert-key-mismatch');
    assert.match(m.message, /does not belong to the client certificate/);
    const good = src.replace(cLiteral(other.keyPem), cLiteral(chain.leafKeyPem));
    assert.deepEqual(rules(await check({ [C]: good }, { CONFIG_SECURE_FLASH_ENC_ENABLED: 'y' })).filter((r) => r === 'client-cert-key-mismatch'), []);
  });

  it('malformed: a bad character, a missing END, and literal pieces missing their \\n', async () => {
    const lines = chain.root.pem.trim().split('\n');
    const badChar = [...lines];
    badChar[2] = badChar[2].slice(0, 10) + '*' + badChar[2].slice(11);
    const [a] = (await check({ [C]: `static const char *ca =\n${cLiteral(badChar.join('\n'))};` })).filter((f) => f.rule === 'cert-malformed');
    assert.equal(a.range.start.line, 3);
    assert.equal(a.range.start.character, 15, 'on the bad character');
    const noEnd = `static const char *ca =\n${cLiteral(lines.slice(0, -1).join('\n'))};`;
    assert.ok((await check({ [C]: noEnd })).some((f) => f.rule === 'cert-malformed' && /without a matching END/.test(f.message)));
    const joined = `static const char *ca =\n    "${lines[0]}"\n${cLiteral(lines.slice(1, 3).join('\n')).replace(/\\n"$/, '"')}\n${cLiteral(lines.slice(3).join('\n'))};`;
    const j = (await check({ [C]: joined })).filter((f) => f.rule === 'cert-malformed').sort((x, y) => x.range.start.line - y.range.start.line);
    assert.equal(j.length, 2);
    assert.equal(j[0].severity, 'error');
    assert.match(j[0].message, /The BEGIN line ends without "\\n"/);
    assert.equal(j[0].range.start.line, 1);
    assert.equal(j[1].severity, 'warning');
    assert.equal(j[1].range.start.line, 3);
  });
});

describe('seed 002: the two real certificates of the forum post', () => {
  const fixture = (f: string) => readFileSync(path.resolve(__dirname, '../fixtures/seed002', f), 'utf8');
  const now = new Date('2022-06-01T00:00:00Z');

  it('Amazon Root CA 1 (works): a root, valid until 2038, single anchor only', async () => {
    const facts: FileFacts[] = [{ file: C, hash: 'a', c: await extractC(fixture('ota_amazon_root.c')) }];
    const findings = runRules({ ...contextOf(facts, fakeProject({})), now }).filter((f) => CERT_RULES.test(f.rule));
    assert.deepEqual(findings.map((f) => f.rule), ['cert-single-trust-anchor']);
    assert.match(findings[0].message, /Amazon Root CA 1/);
    assert.match(findings[0].message, /or attach the certificate bundle\.$/, 'a public root: the bundle is a way out');
  });

  it('the www.optimized.realyze.com leaf (fails with -0x2700): leaf as trust anchor, and expired at a later now', async () => {
    const facts: FileFacts[] = [{ file: C, hash: 'r', c: await extractC(fixture('ota_letsencrypt_leaf.c')) }];
    const at = (d: Date) => runRules({ ...contextOf(facts, fakeProject({})), now: d }).filter((f) => CERT_RULES.test(f.rule));
    const june = at(now);
    assert.deepEqual(june.map((f) => f.rule).sort(), ['cert-expires-soon', 'cert-leaf-as-trust-anchor']);
    const leaf = june.find((f) => f.rule === 'cert-leaf-as-trust-anchor')!;
    assert.match(leaf.message, /^www\.optimized\.realyze\.com is a server's own certificate \(not a CA, issued by R3, valid until 2022-07-04\)/);
    assert.match(leaf.message, /-connect optimized\.realyze\.com:443/);
    assert.equal(leaf.range.start.line, 5);
    const later = at(new Date('2026-01-01T00:00:00Z'));
    assert.ok(later.some((f) => f.rule === 'cert-expired' && /expired on 2022-07-04/.test(f.message)));
  });
});

describe('PEM literals and #if', () => {
  // Shape: the MQTT examples' override, a PEM literal with a Kconfig macro between the markers, in a branch the defaults compile out.
  const src = `#include "esp_http_client.h"
#if CONFIG_BROKER_CERTIFICATE_OVERRIDDEN == 1
static const char root_ca[] = "-----BEGIN CERTIFICATE-----\\n" CONFIG_BROKER_CERTIFICATE_OVERRIDE "\\n-----END CERTIFICATE-----";
#else
extern const char root_ca[] asm("_binary_root_ca_pem_start");
#endif
void fetch(void) { esp_http_client_config_t config = { .url = "https://broker.example.com", .cert_pem = root_ca }; esp_http_client_init(&config); }
`;
  it('a literal the configuration compiles out is not firmware; compiled in, the macro between the markers leaves it unknown, never malformed', async () => {
    assert.deepEqual((await check({ [C]: src })).filter((f) => f.rule === 'cert-malformed'), []);
    assert.deepEqual((await check({ [C]: src }, { CONFIG_BROKER_CERTIFICATE_OVERRIDDEN: 'y' })).filter((f) => f.rule === 'cert-malformed'), []);
    const facts = await extractC(src);
    assert.equal(facts.pems.length, 1, 'the literal is still a certificate site');
    assert.equal(facts.pems[0].blocks[0].problem, undefined);
  });

  it('the project\'s sdkconfig completes it: the certificate the build really gets is judged (shape: the MQTT examples\' override)', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const body = chain.leaf.pem.trim().split(/\r?\n/).slice(1, -1).join('');
    const findings = await check({ [C]: src }, { CONFIG_BROKER_CERTIFICATE_OVERRIDDEN: 'y', CONFIG_BROKER_CERTIFICATE_OVERRIDE: `"${body}"` });
    const leaf = findings.filter((f) => f.rule === 'cert-leaf-as-trust-anchor');
    assert.equal(leaf.length, 1, JSON.stringify(findings.map((f) => f.rule)));
    assert.equal(leaf[0].range.start.line, 2, 'on the literal holding the macro');
    assert.deepEqual(findings.filter((f) => f.rule === 'cert-malformed'), []);
    const broken = await check({ [C]: src }, { CONFIG_BROKER_CERTIFICATE_OVERRIDDEN: 'y', CONFIG_BROKER_CERTIFICATE_OVERRIDE: `"${body.slice(0, 40)}*${body.slice(41)}"` });
    assert.equal(broken.filter((f) => f.rule === 'cert-malformed').length, 1, 'a broken override is malformed');
  });

  it('a body that really ends early is still malformed', async () => {
    const cut = src.replace('CONFIG_BROKER_CERTIFICATE_OVERRIDE "\\n-----END CERTIFICATE-----"', '"MIIBszCCAVmgAwIBAgIU\\n"');
    assert.notEqual(cut, src);
    assert.equal((await check({ [C]: cut }, { CONFIG_BROKER_CERTIFICATE_OVERRIDDEN: 'y' })).filter((f) => f.rule === 'cert-malformed').length, 1);
  });
});

describe('a CA chosen by #if through a macro', () => {
  it('a #define cycle (A names B, B names A) ends instead of recursing forever', async () => {
    const src = httpClient('CA_A', '#define CA_A CA_B\n#define CA_B CA_A');
    assert.deepEqual((await check({ [C]: src })).filter((f) => /-as-trust-anchor$/.test(f.rule)), []);
  });

  it('every branch the build may take is judged (shape: #define SERVER_CA per deployment)', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = `static const char lab_ca[] =\n${cLiteral(chain.intermediate.pem)};\nstatic const char prod_ca[] =\n${cLiteral(chain.root.pem)};
#ifdef CONFIG_APP_LAB
#define SERVER_CA lab_ca
#else
#define SERVER_CA prod_ca
#endif
${httpClient('SERVER_CA')}`;
    const facts: FileFacts[] = [{ file: C, hash: 'm', c: await extractC(src) }];
    const anchors = (generated: boolean, sdk: Record<string, string> = {}) => runRules(contextOf(facts, fakeProject(sdk, generated)))
      .filter((f) => /-as-trust-anchor$/.test(f.rule)).map((f) => f.rule);
    assert.deepEqual(anchors(false), ['cert-intermediate-as-trust-anchor'], 'sdkconfig.defaults only: either branch may be built');
    const [f] = runRules(contextOf(facts, fakeProject({}, false))).filter((x) => x.rule === 'cert-intermediate-as-trust-anchor');
    assert.match(f.message, /\(In builds where CONFIG_APP_LAB is set; the project's sdkconfig does not say\.\)$/, 'the finding names the build it applies to');
    // The same choice written as two initializer fields in #ifdef/#else.
    const fields = src.replace(/#ifdef CONFIG_APP_LAB[\s\S]*?#endif\n/, '').replace('.cert_pem = SERVER_CA,', '#ifdef CONFIG_APP_LAB\n        .cert_pem = lab_ca,\n#else\n        .cert_pem = prod_ca,\n#endif');
    const direct: FileFacts[] = [{ file: C, hash: 'd', c: await extractC(fields) }];
    const [g] = runRules(contextOf(direct, fakeProject({}, false))).filter((x) => /-as-trust-anchor$/.test(x.rule));
    assert.equal(g?.rule, 'cert-intermediate-as-trust-anchor', fields);
    assert.match(g.message, /\(In builds where CONFIG_APP_LAB is set; the project's sdkconfig does not say\.\)$/);
    assert.deepEqual(anchors(true), [], 'a generated sdkconfig without CONFIG_APP_LAB: the production branch only');
    assert.deepEqual(anchors(true, { CONFIG_APP_LAB: 'y' }), ['cert-intermediate-as-trust-anchor']);
  });
});

describe('PEM text that is not a certificate to parse', () => {
  it('a log format printing a key, and a macro holding only a BEGIN line, are not PEM blocks', async () => {
    // Shapes: the secure-element example logs the public key it made; a Matter controller builds a CSR from marker macros.
    const logged = 'void print_key(const char *buf) { ESP_LOGI(TAG, "\\r\\n-----BEGIN PUBLIC KEY-----\\r\\n%s\\r\\n-----END PUBLIC KEY-----", buf); }';
    const markers = '#define PEM_BEGIN_CSR "-----BEGIN CERTIFICATE REQUEST-----\\n"\n#define PEM_END_CSR "-----END CERTIFICATE REQUEST-----\\n"\nvoid f(void) { strcat(out, PEM_BEGIN_CSR); }';
    for (const text of [logged, markers]) {
      assert.deepEqual((await extractC(text)).pems, [], text);
      assert.deepEqual(await check({ [C]: text }), [], text);
    }
  });
});

describe('pem-not-nul-terminated', () => {
  let chain: Chain;
  before(async () => { chain = await makeChain({ now: NOW, key: 'p256' }); });
  const esptls = (len: string) => `#include "esp_tls.h"
extern const uint8_t ca_start[] asm("_binary_ca_pem_start");
extern const uint8_t ca_end[]   asm("_binary_ca_pem_end");
void f(void) {
    esp_tls_cfg_t cfg = {
        .cacert_buf = ca_start,
        .cacert_bytes = ${len},
    };
}`;
  const nul = (f: Finding[]) => f.filter((x) => x.rule === 'pem-not-nul-terminated');
  const pemFile = `${ROOT}/main/ca.pem`;

  it('a PEM file embedded with EMBED_FILES: error on the CMake line, fix switches to EMBED_TXTFILES', async () => {
    const cmake = 'idf_component_register(SRCS "client.c"\n                    EMBED_FILES "ca.pem")';
    const [f] = nul(await check({ [C]: esptls('ca_end - ca_start'), [pemFile]: chain.root.pem }, {}, cmake));
    assert.equal(f.file, `${ROOT}/main/CMakeLists.txt`);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^ca\.pem is PEM text embedded with EMBED_FILES, so it gets no NUL byte\. .*-0x2180/);
    const { applyEdits } = await import('../support/edits');
    assert.equal(applyEdits(cmake, f.fixes![0].edits[0].edits), 'idf_component_register(SRCS "client.c"\n                    EMBED_TXTFILES "ca.pem")');
  });

  it('a list written through a variable (shape: set(certs ...) then EMBED_FILES ${certs}): the error points at the set(), a lone entry still gets the keyword fix, a longer list none', async () => {
    const { applyEdits } = await import('../support/edits');
    const lone = 'set(certs "ca.pem")\nidf_component_register(SRCS "client.c" EMBED_FILES ${certs})';
    const [one] = nul(await check({ [C]: esptls('ca_end - ca_start'), [pemFile]: chain.root.pem }, {}, lone));
    assert.deepEqual(one.range.start, { line: 0, character: 11 });
    assert.equal(applyEdits(lone, one.fixes![0].edits[0].edits), 'set(certs "ca.pem")\nidf_component_register(SRCS "client.c" EMBED_TXTFILES ${certs})');
    const two = 'set(certs "fw_key.der" "ca.pem")\nidf_component_register(SRCS "client.c" EMBED_FILES ${certs})';
    const [f] = nul(await check({ [C]: esptls('ca_end - ca_start'), [pemFile]: chain.root.pem }, {}, two));
    assert.deepEqual(f.fixes, [], 'moving one file out of a variable needs a second list: left to the user');
  });

  it('a binary PEM embed that code copies elsewhere first (shape: stored to an NVS blob, read back into a zeroed len+1 buffer) is an info', async () => {
    const cmake = 'idf_component_register(SRCS "client.c" EMBED_FILES "ca.pem")';
    const store = `extern const uint8_t ca_start[] asm("_binary_ca_pem_start");
extern const uint8_t ca_end[]   asm("_binary_ca_pem_end");
void store_default_ca(nvs_handle_t h) { nvs_set_blob(h, "ca", ca_start, ca_end - ca_start); }`;
    const [f] = nul(await check({ [C]: store, [pemFile]: chain.root.pem }, {}, cmake));
    assert.equal(f.severity, 'info');
    assert.match(f.message, /No TLS setting here takes it as it is: if the code copies it and adds the NUL itself, it works\./);
    const parsed = store.replace('nvs_set_blob(h, "ca", ca_start, ca_end - ca_start);', 'mbedtls_x509_crt_parse(&crt, ca_start, ca_end - ca_start);');
    assert.equal(nul(await check({ [C]: parsed, [pemFile]: chain.root.pem }, {}, cmake))[0].severity, 'error', 'handed straight to the parser');
  });

  it('moves one file out of a longer EMBED_FILES list', async () => {
    const cmake = 'idf_component_register(SRCS "client.c" EMBED_FILES "fw_key.der" "ca.pem")';
    const [f] = nul(await check({ [C]: esptls('ca_end - ca_start'), [pemFile]: chain.root.pem }, {}, cmake));
    const { applyEdits } = await import('../support/edits');
    assert.equal(applyEdits(cmake, f.fixes![0].edits[0].edits), 'idf_component_register(SRCS "client.c" EMBED_TXTFILES "ca.pem" EMBED_FILES "fw_key.der" )');
  });

  it('end - start - 1 drops the NUL of a text embed; end - start is right', async () => {
    const cmake = 'idf_component_register(SRCS "client.c" EMBED_TXTFILES "ca.pem")';
    const [f] = nul(await check({ [C]: esptls('ca_end - ca_start - 1'), [pemFile]: chain.root.pem }, {}, cmake));
    assert.match(f.message, /cacert_bytes = ca_end - ca_start - 1 leaves out the NUL byte/);
    assert.equal(f.fixes![0].edits[0].edits[0].newText, 'ca_end - ca_start');
    assert.deepEqual(nul(await check({ [C]: esptls('ca_end - ca_start'), [pemFile]: chain.root.pem }, {}, cmake)), []);
  });

  it('strlen where the length is taken as is', async () => {
    const lit = `static const char ca[] =\n${cLiteral(chain.root.pem)};\n`;
    const tls = lit + 'void f(void) { esp_tls_cfg_t cfg = { .cacert_buf = (const unsigned char *)ca, .cacert_bytes = strlen(ca) }; }';
    const [a] = nul(await check({ [C]: tls }));
    assert.equal(a.fixes![0].edits[0].edits[0].newText, 'strlen(ca) + 1');
    const http = lit + 'void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .cert_pem = ca, .cert_len = strlen(ca) }; }';
    const [b] = nul(await check({ [C]: http }));
    assert.match(b.message, /a non-zero cert_len makes esp_http_client use the length as is/);
    assert.match(b.fixes![0].title, /Remove cert_len/);
    assert.deepEqual(nul(await check({ [C]: lit + 'void f(void) { esp_tls_cfg_t cfg = { .cacert_buf = (const unsigned char *)ca, .cacert_bytes = sizeof(ca) }; }' })), []);
  });
});

describe('certificate hover and the CA in the trust lens', () => {
  it('the lens names the CA and its expiry; hovers cover the literal, the variable and the embed symbol', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const { trustLenses } = await import('../../server/src/rules/trustLens');
    const { certificateHover } = await import('../../server/src/x509/hover');
    const src = `extern const uint8_t backup_start[] asm("_binary_backup_ca_pem_start");
static const char root_ca[] =
${cLiteral(chain.root.pem)};
void f(void) {
    esp_http_client_config_t a = { .url = "https://a.example.com", .cert_pem = root_ca };
    esp_http_client_config_t b = { .url = "https://b.example.com", .cert_pem = (const char *)backup_start };
}`;
    const facts: FileFacts[] = [
      { file: C, hash: 'c', c: await extractC(src) },
      { file: `${ROOT}/main/backup_ca.pem`, hash: 'p', certFile: await extractCertFile(Buffer.from(chain.intermediate.pem)) },
      { file: `${ROOT}/main/CMakeLists.txt`, hash: 'm', cmake: extractCMake(`${ROOT}/main/CMakeLists.txt`, 'idf_component_register(SRCS "client.c" EMBED_TXTFILES backup_ca.pem)', ROOT) },
    ];
    const ctx = contextOf(facts, fakeProject({}));
    assert.deepEqual(trustLenses(ctx).map((l) => l.title), [
      'TLS: CA: Test Root CA (until 2035-12-30) · a.example.com',
      'TLS: CA: Test Intermediate CA (until 2030-12-31) · b.example.com',
    ]);
    const onLiteral = certificateHover(facts[0], facts, { line: 4, character: 10 }, NOW)!;
    assert.match(onLiteral.markdown, /Test Root CA/);
    assert.match(onLiteral.markdown, /root CA/);
    const onSymbol = certificateHover(facts[0], facts, { line: 0, character: 50 }, NOW)!;
    assert.match(onSymbol.markdown, /`_binary_backup_ca_pem_start`: backup_ca\.pem, embedded as text \(with a NUL byte\) by EMBED_TXTFILES/);
    assert.match(onSymbol.markdown, /intermediate CA/);
    const onVariable = certificateHover(facts[0], facts, { line: 9, character: 80 }, NOW, { text: 'root_ca', range: { start: { line: 9, character: 77 }, end: { line: 9, character: 84 } } })!;
    assert.match(onVariable.markdown, /Root CA/);
  });

  it('under a diagnostic the hover adds what the block holds and never repeats the problem', async () => {
    const { certificateHover } = await import('../../server/src/x509/hover');
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const lines = chain.root.pem.trim().split('\n');
    const bad = [...lines];
    bad[2] = bad[2].slice(0, 10) + '*' + bad[2].slice(11);
    const facts: FileFacts = { file: C, hash: 'b', c: await extractC(`static const char *ca =\n${cLiteral(bad.join('\n'))};`) };
    const at = { line: 3, character: 10 };
    assert.match(certificateHover(facts, [facts], at, NOW)!.markdown, /invalid base64/, 'alone, the hover says what is wrong');
    assert.equal(certificateHover(facts, [facts], at, NOW, undefined, true), undefined, 'with cert-malformed shown, nothing to add');
    const good: FileFacts = { file: C, hash: 'g', c: await extractC(`static const char *ca =\n${cLiteral(chain.root.pem)};`) };
    assert.match(certificateHover(good, [good], at, NOW, undefined, true)!.markdown, /Test Root CA/);
  });
});

describe('naming the root to trust instead', () => {
  it('names a known Mozilla root and whether the CMN bundle of the project version has it', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = httpClient('ca', `static const char *ca =\n${cLiteral(chain.intermediate.pem)};`);
    const c = await extractC(src);
    c.pems[0].blocks[0].knownIssuer = 'ISRG Root X1'; // as if a real Let's Encrypt intermediate had been decoded offline
    const at = (major: number, minor: number) => runRules(contextOf([{ file: C, hash: 'x', c }], { ...fakeProject({}), idfVersion: { major, minor, source: 'sdkconfig' } }))
      .find((f) => f.rule === 'cert-intermediate-as-trust-anchor')!.message;
    assert.match(at(5, 5), /Trust its root: use ISRG Root X1 instead \(a Mozilla root: ESP-IDF's certificate bundle has it, the common \(CMN\) list of v5\.5 too/);
    c.pems[0].blocks[0].knownIssuer = 'Certum Trusted Network CA 2';
    assert.match(at(5, 5), /full certificate bundle has it, but not the common \(CMN\) list of v5\.5/);
  });
});

describe('trust as a set: a CA buffer is every certificate in it, as mbedTLS loads it', () => {
  // The shape of a community client that pasted the server's whole chain (leaf, intermediate, root) into one .cert_pem literal.
  const severities = (findings: Finding[]) => findings.filter((f) => /-as-trust-anchor$/.test(f.rule)).map((f) => `${f.rule}:${f.severity}`).sort();

  it('leaf, intermediate and root together: the root anchors, the other two are info', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = httpClient('chain_pem', `static const char chain_pem[] =\n${cLiteral(chain.leaf.pem + chain.intermediate.pem + chain.root.pem)};`);
    const findings = await check({ [C]: src });
    assert.deepEqual(severities(findings), ['cert-intermediate-as-trust-anchor:info', 'cert-leaf-as-trust-anchor:info']);
    assert.match(findings.find((f) => f.rule === 'cert-leaf-as-trust-anchor')!.message, /beside its issuer Test Intermediate CA in the same CA buffer\. mbedTLS anchors on that CA, so this entry is unused/);
    assert.match(findings.find((f) => f.rule === 'cert-intermediate-as-trust-anchor')!.message, /beside its root Test Root CA in the same CA buffer/);
  });

  it('leaf and intermediate without the root: the leaf is harmless, the intermediate pin still a warning', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = httpClient('chain_pem', `static const char chain_pem[] =\n${cLiteral(chain.leaf.pem + chain.intermediate.pem)};`);
    assert.deepEqual(severities(await check({ [C]: src })), ['cert-intermediate-as-trust-anchor:warning', 'cert-leaf-as-trust-anchor:info']);
  });

  it('an expired leaf beside its issuer changes nothing: cert-expired is an info that says so', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256', leaf: { notBefore: -400, notAfter: -30 } });
    const src = httpClient('chain_pem', `static const char chain_pem[] =\n${cLiteral(chain.leaf.pem + chain.intermediate.pem + chain.root.pem)};`);
    const expired = (await check({ [C]: src }, { CONFIG_MBEDTLS_HAVE_TIME_DATE: 'y' })).filter((f) => f.rule === 'cert-expired');
    assert.deepEqual(expired.map((f) => f.severity), ['info']);
    assert.match(expired[0].message, /expired on .*, but it is unused: the same CA buffer holds its issuer Test Intermediate CA/);
    const alone = httpClient('leaf', `static const char leaf[] =\n${cLiteral(chain.leaf.pem)};`);
    assert.deepEqual((await check({ [C]: alone }, { CONFIG_MBEDTLS_HAVE_TIME_DATE: 'y' })).filter((f) => f.rule === 'cert-expired').map((f) => f.severity), ['error']);
  });

  it('a root of another CA beside a leaf does not rescue the leaf', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const other = await makeChain({ now: NOW, key: 'p256', root: { cn: 'Unrelated Root' } });
    const src = httpClient('chain_pem', `static const char chain_pem[] =\n${cLiteral(chain.leaf.pem + other.root.pem)};`);
    assert.deepEqual(severities(await check({ [C]: src })), ['cert-leaf-as-trust-anchor:error']);
  });

  it('two configs with one buffer each are two sets', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = `static const char leaf[] =\n${cLiteral(chain.leaf.pem)};\nstatic const char root[] =\n${cLiteral(chain.root.pem)};
void a(void) { esp_http_client_config_t c1 = { .url = "https://a.example.com", .cert_pem = leaf }; esp_http_client_init(&c1); }
void b(void) { esp_http_client_config_t c2 = { .url = "https://b.example.com", .cert_pem = root }; esp_http_client_init(&c2); }
`;
    assert.deepEqual(severities(await check({ [C]: src })), ['cert-leaf-as-trust-anchor:error']);
  });
});

describe('custom certificate bundle inputs', () => {
  it('are firmware certificates too: an expired root in the bundle folder is reported with what the bundle checks', async () => {
    const expired = await makeChain({ now: NOW, key: 'p256', root: { notBefore: -4000, notAfter: -30, cn: 'Old Root' } });
    const files = { [`${ROOT}/certs/old_root.pem`]: expired.root.pem, [`${ROOT}/certs/notes.txt.pem.bak`]: 'x' };
    const findings = await check(files, { CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH: '"certs"' });
    const [f] = findings.filter((x) => x.rule === 'cert-expired');
    assert.equal(f.file, `${ROOT}/certs/old_root.pem`);
    assert.match(f.message, /keeps only its name and key, so the device never checks its dates/);
    assert.deepEqual(await check(files, {}), [], 'without the custom bundle the folder is not firmware');
  });
});

describe('every way of embedding leads to the certificate', () => {
  it('EMBED_TXTFILES, EMBED_FILES, target_add_binary_data (project level), COMPONENT_EMBED_TXTFILES', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = httpClient('(const char *)ca_start', 'extern const uint8_t ca_start[] asm("_binary_server_ca_pem_start");');
    const ways = [
      'idf_component_register(SRCS "client.c" EMBED_TXTFILES "server_ca.pem")',
      'idf_component_register(SRCS "client.c" EMBED_FILES "server_ca.pem")',
      'set(COMPONENT_EMBED_TXTFILES server_ca.pem)\nregister_component()',
      'target_add_binary_data(app.elf "${project_dir}/main/server_ca.pem" TEXT)',
    ];
    for (const cmake of ways) {
      const findings = await check({ [C]: src, [`${ROOT}/main/server_ca.pem`]: chain.leaf.pem }, {}, cmake);
      assert.ok(findings.some((f) => f.rule === 'cert-leaf-as-trust-anchor' && f.file === `${ROOT}/main/server_ca.pem`), cmake);
    }
  });
});

describe('review fixes', () => {
  it('a CA buffer the component never reads (the bundle comes first) is not judged', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = httpClient('leaf', `static const char *leaf =\n${cLiteral(chain.leaf.pem)};`).replace('.cert_pem = leaf,', '.cert_pem = leaf,\n        .crt_bundle_attach = esp_crt_bundle_attach,');
    assert.deepEqual((await check({ [C]: src })).filter((f) => f.rule.endsWith('trust-anchor')), []);
  });
  it('strlen(x) + 1 already counts the NUL', async () => {
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const src = `static const char ca[] =\n${cLiteral(chain.root.pem)};\nvoid f(void) { esp_tls_cfg_t cfg = { .cacert_buf = (const unsigned char *)ca, .cacert_bytes = strlen(ca) + 1 }; }`;
    assert.deepEqual((await check({ [C]: src })).filter((f) => f.rule === 'pem-not-nul-terminated'), []);
  });
  it('an embedded DER file that is neither a certificate nor a key is malformed, not a key', async () => {
    const src = httpClient('(const char *)ca_start', 'extern const uint8_t ca_start[] asm("_binary_ca_der_start");');
    const garbage = Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0x00]);
    const findings = await check({ [C]: src, [`${ROOT}/main/ca.der`]: garbage }, {}, 'idf_component_register(SRCS "client.c" EMBED_FILES "ca.der")');
    assert.deepEqual(findings.map((f) => f.rule), ['cert-malformed']);
  });
  it('_binary_ names in comments and compiled-out code are not references', async () => {
    const { embedSymbolMissing } = await import('../../server/src/rules/embeds');
    const c = await extractC('// uses _binary_old_ca_pem_start once\n#if 0\nextern const uint8_t x[] asm("_binary_gone_pem_start");\n#endif\nextern const uint8_t y[] asm("_binary_here_pem_start");\n');
    const found = embedSymbolMissing.run(contextOf([{ file: C, hash: 'c', c }], fakeProject({})));
    assert.deepEqual(found.map((f) => f.message.match(/_binary_(\w+)_start/)![1]), ['here_pem']);
  });
});

describe('cert-algorithm-disabled', () => {
  it('a P-384 root while the P-384 curve is off; quiet with the defaults; Ed25519 never', async () => {
    const p384 = await makeChain({ now: NOW, key: 'p384' });
    const src = httpClient('ca', `static const char ca[] =\n${cLiteral(p384.root.pem)};`);
    const [f] = (await check({ [C]: src }, { CONFIG_MBEDTLS_ECP_DP_SECP384R1_ENABLED: 'n' })).filter((x) => x.rule === 'cert-algorithm-disabled');
    assert.match(f.message, /has an EC P-384 key, but this build turns off CONFIG_MBEDTLS_ECP_DP_SECP384R1_ENABLED: the device cannot verify with it/);
    assert.equal(f.related?.[0].message, 'used by `config`');
    assert.deepEqual((await check({ [C]: src })).filter((x) => x.rule === 'cert-algorithm-disabled'), []);
    const ed = await makeChain({ now: NOW, key: 'ed25519' });
    const [e] = (await check({ [C]: httpClient('ca', `static const char ca[] =\n${cLiteral(ed.root.pem)};`) })).filter((x) => x.rule === 'cert-algorithm-disabled');
    assert.match(e.message, /Ed25519 key, which mbedTLS cannot verify with at all/);
  });
});
