// The effective configuration (sdkconfig chain over the Kconfig defaults of the project's IDF version)
// and the sdkconfig rules, on realistic sdkconfig.defaults and generated sdkconfig files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractC } from '../../server/src/c/extract';
import type { EspIdfProject } from '../../server/src/project/model';
import type { FileFacts } from '../../server/src/rules/context';
import { runRules } from '../../server/src/rules/index';
import { ProjectConfig, optionExists } from '../../server/src/sdkconfig/kconfig';
import { mergeSdkconfig, parseSdkconfig } from '../../server/src/sdkconfig/parse';
import { contextOf } from '../support/analyse';
import { applyEdits } from '../support/edits';

const ROOT = '/work/proj';

function project(files: Record<string, string>, major = 5, minor = 5): EspIdfProject {
  const texts = Object.entries(files).map(([name, text]) => ({ file: `${ROOT}/${name}`, text }));
  return {
    root: ROOT, components: [{ name: 'main', dir: `${ROOT}/main`, thirdParty: false }],
    sdkconfigChain: texts.map((t) => t.file), sdkconfig: mergeSdkconfig(texts), sdkconfigFiles: texts.map((t) => parseSdkconfig(t.text, t.file)),
    target: 'esp32', idfVersion: { major, minor, patch: 0, source: 'sdkconfig' }, files: [],
  };
}

/** A source that speaks TLS: sdkconfig findings about TLS are warnings only in such a project (shape: raw mbedTLS client). */
const USES_TLS = { 'main/client.c': '#include "mbedtls/ssl.h"\nint connect(mbedtls_ssl_context *ssl) { return mbedtls_ssl_handshake(ssl); }\n' };

async function findings(p: EspIdfProject, c: Record<string, string> = {}, rule?: string) {
  const facts: FileFacts[] = await Promise.all(Object.entries(c).map(async ([f, t]) => ({ file: `${ROOT}/${f}`, hash: f, c: await extractC(t) })));
  const all = runRules(contextOf(facts, p)).filter((f) => f.rule.startsWith('sdkconfig-'));
  return rule ? all.filter((f) => f.rule === rule) : all;
}

describe('effective configuration', () => {
  it('reproduces the Kconfig defaults of each IDF version under an empty sdkconfig.defaults', () => {
    const v55 = new ProjectConfig(project({ 'sdkconfig.defaults': '' }));
    assert.equal(v55.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE'), true);
    assert.equal(v55.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL'), true);
    assert.equal(v55.bool('CONFIG_MBEDTLS_HAVE_TIME_DATE'), false);
    assert.equal(v55.bool('CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN'), true);
    assert.equal(v55.int('CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN'), 16384);
    assert.equal(v55.get('CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN'), undefined, 'depends on !ASYMMETRIC_CONTENT_LEN');
    assert.equal(v55.get('CONFIG_MBEDTLS_SSL_PROTO_TLS1'), undefined, 'TLS 1.0 is gone in v5');
    const v44 = new ProjectConfig(project({ 'sdkconfig.defaults': '' }, 4, 4));
    assert.equal(v44.bool('CONFIG_MBEDTLS_SSL_PROTO_TLS1'), true, 'v4.4 still enables TLS 1.0 by default');
    assert.equal(v44.get('CONFIG_MBEDTLS_SSL_PROTO_TLS1')!.source, 'default');
  });

  it('the chain wins over defaults, a chosen choice member turns the default member off, depends apply', () => {
    const c = new ProjectConfig(project({
      'sdkconfig.defaults': 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN=y\n# CONFIG_MBEDTLS_HAVE_TIME is not set\n',
    }));
    assert.equal(c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN'), true);
    assert.equal(c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL'), false);
    assert.equal(c.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN')!.entry!.line, 0);
    assert.equal(c.bool('CONFIG_MBEDTLS_HAVE_TIME_DATE'), false, 'depends on MBEDTLS_HAVE_TIME, which is off');
  });

  it('knows which release has which option', () => {
    assert.equal(optionExists('CONFIG_MBEDTLS_SSL_PROTO_TLS1', { major: 4, minor: 4 }), true);
    assert.equal(optionExists('CONFIG_MBEDTLS_SSL_PROTO_TLS1', { major: 5, minor: 1 }), false);
    assert.equal(optionExists('CONFIG_ESP_TLS_SERVER', { major: 5, minor: 3 }), false);
    assert.equal(optionExists('CONFIG_ESP_TLS_INSECURE', { major: 5, minor: 3 }), true);
    assert.equal(optionExists('CONFIG_LWIP_IPV6', { major: 5, minor: 3 }), undefined);
  });
});

describe('sdkconfig rules', () => {
  it('verification switched off globally, with a fix on that line', async () => {
    const text = '# Espressif IoT Development Framework (ESP-IDF) 5.5.0 Project Configuration\nCONFIG_ESP_TLS_INSECURE=y\nCONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y\n';
    const [f] = await findings(project({ sdkconfig: text }), {}, 'sdkconfig-verification-disabled');
    assert.equal(f.range.start.line, 2);
    assert.equal(applyEdits(text, f.fixes![0].edits[0].edits), text.replace('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y', '# CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY is not set'));
  });

  it('the bundle attached in code but off in sdkconfig, with the C location related', async () => {
    const code = { 'main/app.c': 'void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .crt_bundle_attach = esp_crt_bundle_attach }; }' };
    const off = await findings(project({ 'sdkconfig.defaults': '# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is not set\n' }), code, 'sdkconfig-bundle-unavailable');
    assert.equal(off.length, 1);
    assert.equal(off[0].related?.[0].file, `${ROOT}/main/app.c`);
    assert.equal(off[0].fixes![0].edits[0].edits[0].newText, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\n');
    const none = await findings(project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\n' }), code, 'sdkconfig-bundle-unavailable');
    assert.match(none[0].message, /bundle is empty/);
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\n' }), code, 'sdkconfig-bundle-unavailable'), []);
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': '' }), code, 'sdkconfig-bundle-unavailable'), [], 'the default has the bundle');
  });

  it('legacy protocols: explicit in v4.4, and the v4.4 default itself, with a fix appended to sdkconfig.defaults', async () => {
    const defaults = 'CONFIG_IDF_TARGET="esp32"';
    const fs = await findings(project({ 'sdkconfig.defaults': defaults }, 4, 4), {}, 'sdkconfig-legacy-protocol');
    assert.deepEqual(fs.map((f) => f.message.slice(0, 7)), ['TLS 1.0', 'TLS 1.1']);
    assert.match(fs[0].message, /\(the default in ESP-IDF v4\.4\)/);
    assert.equal(applyEdits(defaults, fs[0].fixes![0].edits[0].edits), 'CONFIG_IDF_TARGET="esp32"\n# CONFIG_MBEDTLS_SSL_PROTO_TLS1 is not set\n');
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': '' }), {}, 'sdkconfig-legacy-protocol'), []);
  });

  it('a record size below 16 KB (the asymmetric buffers that users trim)', async () => {
    const [f] = await findings(project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y\nCONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=4096\nCONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN=2048\n' }), {}, 'sdkconfig-record-size-too-small');
    assert.match(f.message, /CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=4096: .*-0x7200/);
    assert.equal(f.range.start.line, 1);
  });

  it('dates checked but the clock never set; quiet with SNTP', async () => {
    const p = project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_HAVE_TIME_DATE=y\n' });
    assert.equal((await findings(p, { 'main/app.c': 'void app_main(void) { esp_tls_conn_http_new_sync(u, &c, t); }' }, 'sdkconfig-clock-never-set')).length, 1);
    assert.deepEqual(await findings(p, { 'main/app.c': 'void app_main(void) { esp_sntp_setoperatingmode(SNTP_OPMODE_POLL); esp_sntp_init(); }' }, 'sdkconfig-clock-never-set'), []);
  });

  it('DTLS compiled in but unused; hardware acceleration switched off', async () => {
    const p = project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_SSL_PROTO_DTLS=y\n# CONFIG_MBEDTLS_HARDWARE_AES is not set\n' });
    assert.equal((await findings(p, {}, 'sdkconfig-unused-dtls')).length, 1);
    assert.deepEqual(await findings(p, { 'main/coap.c': 'void f(void) { mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_DATAGRAM, 0); }' }, 'sdkconfig-unused-dtls'), []);
    // A raw mbedTLS client over TCP is no DTLS use: `mbedtls_` merely contains the letters.
    const tcp = 'void f(void) { mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, 0); mbedtls_ssl_handshake(&ssl); }';
    assert.equal((await findings(p, { 'main/tls.c': tcp }, 'sdkconfig-unused-dtls')).length, 1);
    // Shapes of DTLS users: OpenThread commissioning (an option), libcoap's secure sessions (a call).
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_SSL_PROTO_DTLS=y\nCONFIG_OPENTHREAD_ENABLED=y\n' }), {}, 'sdkconfig-unused-dtls'), []);
    assert.deepEqual(await findings(p, { 'main/coap.c': 'void f(void) { session = coap_new_client_session_psk2(ctx, NULL, &dst, COAP_PROTO_DTLS, &setup); }' }, 'sdkconfig-unused-dtls'), []);
    // IDF v4's coap component puts CONFIG_COAP_MBEDTLS_PSK=y into every full sdkconfig: no evidence of use.
    assert.equal((await findings(project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_SSL_PROTO_DTLS=y\nCONFIG_COAP_MBEDTLS_PSK=y\n' }), {}, 'sdkconfig-unused-dtls')).length, 1);
    const [hw] = await findings(p, {}, 'sdkconfig-hardware-acceleration-off');
    assert.match(hw.message, /^AES hardware acceleration is off/);
  });

  it('unknown options, with the nearest valid name', async () => {
    const text = 'CONFIG_MBEDTLS_CERTIFCATE_BUNDLE=y\nCONFIG_MBEDTLS_SSL_PROTO_TLS1=y\nCONFIG_LWIP_IPV6=y\n';
    const fs = await findings(project({ 'sdkconfig.defaults': text }, 5, 3), {}, 'sdkconfig-unknown-option');
    assert.deepEqual(fs.map((f) => f.range.start.line), [0, 1]);
    assert.match(fs[0].message, /ESP-IDF v5\.3 has no option CONFIG_MBEDTLS_CERTIFCATE_BUNDLE: .*Did you mean CONFIG_MBEDTLS_CERTIFICATE_BUNDLE\?/);
    assert.equal(applyEdits(text, fs[0].fixes![0].edits[0].edits).split('\n')[0], 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y');
  });

  it('on a version nothing states, only a near miss of a known name is reported (shapes: a v3.x sdkconfig, master 6.2 options)', async () => {
    const text = 'CONFIG_MBEDTLS_CERTIFCATE_BUNDLE=y\nCONFIG_MBEDTLS_SSL_PROTO_TLS1=y\nCONFIG_MBEDTLS_PSA_ITS_CUSTOM_BACKEND_UID_MIN=16\n';
    const assumed = { ...project({ 'sdkconfig.defaults': text }, 6, 0), idfVersion: { major: 6, minor: 0, source: 'assumed' as const } };
    const fs = await findings(assumed, {}, 'sdkconfig-unknown-option');
    assert.deepEqual(fs.map((f) => f.range.start.line), [0], 'TLS1 exists in v4.4 and the PSA option may be newer than the tables: neither is a typo');
    const stated = await findings(project({ 'sdkconfig.defaults': text }, 6, 0), {}, 'sdkconfig-unknown-option');
    assert.deepEqual(stated.map((f) => f.range.start.line), [0, 1, 2]);
  });

  it('production hardening: one hint naming what is off', async () => {
    const [f] = await findings(project({ 'sdkconfig.defaults': 'CONFIG_SECURE_FLASH_ENC_ENABLED=y\n' }), {}, 'sdkconfig-production-hardening');
    assert.match(f.message, /^For production: secure boot is off\./, 'NVS encryption follows flash encryption (its Kconfig default)');
    assert.equal(f.severity, 'hint');
    const [g] = await findings(project({ 'sdkconfig.defaults': 'CONFIG_SECURE_FLASH_ENC_ENABLED=y\n# CONFIG_NVS_ENCRYPTION is not set\n' }), {}, 'sdkconfig-production-hardening');
    assert.match(g.message, /secure boot, NVS encryption are off/);
  });
});

describe('sdkconfig-custom-bundle-invalid', () => {
  const bundle = 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs/bundle.pem"\n';
  async function run(pem: string | undefined, major = 5, minor = 3) {
    const { extractCertFile } = await import('../../server/src/x509/certFile');
    const { makeChain } = await import('../support/certs');
    const { NOW } = await import('../support/analyse');
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const file = `${ROOT}/certs/bundle.pem`;
    const facts: FileFacts[] = pem === undefined ? [] : [{ file, hash: 'b', certFile: await extractCertFile(Buffer.from(pem.replace('ROOT', chain.root.pem.trim()))) }];
    const ctx = { ...contextOf(facts, project({ 'sdkconfig.defaults': bundle }, major, minor), pem === undefined ? [] : [file]) };
    return runRules(ctx).filter((f) => f.rule === 'sdkconfig-custom-bundle-invalid');
  }
  it('is quiet for a well-formed bundle file', async () => {
    assert.deepEqual(await run('ROOT\n'), []);
  });
  it('a last END line without newline is skipped by gen_crt_bundle.py, so the bundle is empty', async () => {
    const fs = await run('ROOT');
    assert.equal(fs.length, 2);
    assert.match(fs[0].message, /silently leaves this certificate out .*no newline after it/);
    assert.equal(fs[0].file, `${ROOT}/certs/bundle.pem`);
    assert.match(fs[1].message, /holds no certificate .*the build stops in gen_crt_bundle\.py/);
    const [, v55] = await run('ROOT', 5, 5);
    assert.match(v55.message, /writes an empty bundle/);
  });
  it('trailing spaces on the END line; a path that does not exist', async () => {
    assert.match((await run('ROOT  \n'))[0].message, /END line ends with spaces/);
    assert.match((await run(undefined))[0].message, /certs\/bundle\.pem, which does not exist/);
  });
});

describe('sdkconfig-no-common-ciphersuite', () => {
  it('quiet on the defaults of v4.4 and v5.5', async () => {
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': '' }), {}, 'sdkconfig-no-common-ciphersuite'), []);
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': '' }, 4, 4), {}, 'sdkconfig-no-common-ciphersuite'), []);
  });
  it('in a project whose sources use no TLS the same verdict is only a hint', async () => {
    const text = '# CONFIG_MBEDTLS_GCM_C is not set\n# CONFIG_MBEDTLS_CHACHAPOLY_C is not set\n';
    const [f] = await findings(project({ 'sdkconfig.defaults': text }), { 'main/blink.c': 'void app_main(void) {}\n' }, 'sdkconfig-no-common-ciphersuite');
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /nothing this project compiles uses TLS/);
  });
  it('a config trimmed for flash (seed 003): GCM and ChaCha off leave only weak suites; the fix turns GCM back on', async () => {
    const text = '# trimmed for flash\n# CONFIG_MBEDTLS_GCM_C is not set\n# CONFIG_MBEDTLS_CHACHAPOLY_C is not set\n';
    const [f] = await findings(project({ 'sdkconfig.defaults': text }), USES_TLS, 'sdkconfig-no-common-ciphersuite');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^Only weak cipher suites are left \(TLS_ECDHE_/);
    assert.equal(f.range.start.line, 1, 'on the line that turned GCM off');
    assert.equal(applyEdits(text, f.fixes![0].edits[0].edits), '# trimmed for flash\nCONFIG_MBEDTLS_GCM_C=y\n# CONFIG_MBEDTLS_CHACHAPOLY_C is not set\n');
  });
  it('no ECDHE curve and no TLS 1.3: nothing common at all is an error', async () => {
    const text = ['P256', 'P384', 'P521', 'SECP192R1', 'SECP224R1', 'SECP256R1', 'SECP384R1', 'SECP521R1', 'SECP192K1', 'SECP224K1', 'SECP256K1', 'BP256R1', 'BP384R1', 'BP512R1', 'CURVE25519']
      .map((c) => `# CONFIG_MBEDTLS_ECP_DP_${c}_ENABLED is not set`).join('\n') + '\n# CONFIG_MBEDTLS_KEY_EXCHANGE_RSA is not set\n';
    const fs = await findings(project({ 'sdkconfig.defaults': text }), USES_TLS, 'sdkconfig-no-common-ciphersuite');
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'error');
    assert.equal(fs[0].range.start.line, 5, 'on the line that turned P-256 off');
    assert.match(fs[0].message, /^This mbedTLS build offers no cipher suite that common servers accept .* Enable CONFIG_MBEDTLS_ECP_DP_SECP256R1_ENABLED\.$/);
  });
});

describe('option hover', () => {
  it('says what an option does to the offered cipher suites, and where its value comes from', async () => {
    const { optionHover } = await import('../../server/src/sdkconfig/assist');
    const p = project({ 'sdkconfig.defaults': '# CONFIG_MBEDTLS_CHACHAPOLY_C is not set\n' });
    const gcm = optionHover('CONFIG_MBEDTLS_GCM_C', p)!;
    assert.match(gcm, /\*\*Cipher suites:\*\* Turning it off drops 20 of the 58 suites this build offers \(suites common servers accept: 4 → 0\)/);
    assert.match(gcm, /In effect: `y`, the default in ESP-IDF v5\.5/);
    const chacha = optionHover('CONFIG_MBEDTLS_CHACHAPOLY_C', p)!;
    assert.match(chacha, /Turning it on adds 2 to the 58 suites this build offers \(suites common servers accept: 4 → 6\)/);
    assert.match(chacha, /In effect: `n`, set in sdkconfig\.defaults line 1/);
    assert.match(optionHover('CONFIG_MBEDTLS_SSL_PROTO_TLS1', p)!, /ESP-IDF v5\.5 has no such option/);
  });
});

describe('review fixes and the installed ESP-IDF', () => {
  it('an option removed in this release: named with the releases that have it, no rename; and it no longer counts', async () => {
    const text = 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_1=y\n';
    const [f] = await findings(project({ 'sdkconfig.defaults': text }), {}, 'sdkconfig-unknown-option');
    assert.match(f.message, /has no option CONFIG_MBEDTLS_SSL_PROTO_TLS1_1: the config tool ignores this line\. It exists in ESP-IDF v4\.4\.8$/);
    assert.equal(f.fixes, undefined);
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': text }), {}, 'sdkconfig-legacy-protocol'), []);
  });

  it('the DEFAULT_NONE fix turns NONE off and FULL on, and then the rule is satisfied', async () => {
    const text = 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\n';
    const code = { 'main/app.c': 'void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .crt_bundle_attach = esp_crt_bundle_attach }; }' };
    const [f] = await findings(project({ 'sdkconfig.defaults': text }), code, 'sdkconfig-bundle-unavailable');
    const fixed = applyEdits(text, f.fixes![0].edits[0].edits);
    assert.equal(fixed, '# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE is not set\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL=y\n');
    assert.deepEqual(await findings(project({ 'sdkconfig.defaults': fixed }), code, 'sdkconfig-bundle-unavailable'), []);
  });

  it('reads options and defaults from the installed ESP-IDF Kconfig when IDF_PATH has one', async (t) => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const pathMod = await import('node:path');
    const { readInstalledKconfig } = await import('../../server/src/project/kconfig/installed');
    const idf = mkdtempSync(pathMod.join(tmpdir(), 'idf-'));
    t.after(() => rmSync(idf, { recursive: true, force: true }));
    mkdirSync(pathMod.join(idf, 'components/mbedtls'), { recursive: true });
    writeFileSync(pathMod.join(idf, 'components/mbedtls/Kconfig'), `menu "mbedTLS"
    config MBEDTLS_SSL_IN_CONTENT_LEN
        int "TLS maximum incoming fragment length"
        default 8192
    config MBEDTLS_FUTURE_FEATURE
        bool "A feature newer than the shipped tables"
        default y
    choice MBEDTLS_DEFAULT_CERTIFICATE_BUNDLE
        bool "Default certificate bundle options"
        default MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL
        config MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL
            bool "Use the full default certificate bundle"
        config MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE
            bool "Do not use the default certificate bundle"
    endchoice
    if MBEDTLS_FUTURE_FEATURE
        config MBEDTLS_FUTURE_DETAIL
            bool "detail"
            default y
    endif
endmenu
`);
    // Another component's Kconfig whose options a rule reads (NVS encryption follows flash encryption), with a choice of its own.
    mkdirSync(pathMod.join(idf, 'components/nvs_flash'), { recursive: true });
    writeFileSync(pathMod.join(idf, 'components/nvs_flash/Kconfig'), 'menu "NVS"\n    choice NVS_SEC_KEY_PROTECTION_SCHEME\n        default NVS_SEC_KEY_PROTECT_USING_FLASH_ENC\n        config NVS_SEC_KEY_PROTECT_USING_FLASH_ENC\n            bool "flash"\n        config NVS_SEC_KEY_PROTECT_USING_HMAC\n            bool "hmac"\n    endchoice\n    config NVS_ENCRYPTION\n        bool "Enable NVS encryption"\n        default y if SECURE_FLASH_ENC_ENABLED\nendmenu\n');
    const installed = (await readInstalledKconfig(idf))!;
    assert.equal(installed.symbols.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL')?.default, 'y (choice default)');
    assert.equal(installed.symbols.get('CONFIG_NVS_ENCRYPTION')?.default, 'y if SECURE_FLASH_ENC_ENABLED');
    assert.notEqual(installed.symbols.get('CONFIG_NVS_SEC_KEY_PROTECT_USING_HMAC')?.choice, installed.symbols.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE')?.choice, 'two files\' first choices stay apart');
    assert.equal(installed.symbols.get('CONFIG_MBEDTLS_FUTURE_DETAIL')?.depends, 'MBEDTLS_FUTURE_FEATURE');
    const p = { ...project({ 'sdkconfig.defaults': 'CONFIG_MBEDTLS_FUTURE_FEATURE=y\nCONFIG_MBEDTLS_GCM_C=y\n' }), installedKconfig: installed };
    const c = new ProjectConfig(p);
    assert.equal(c.source, 'installed');
    assert.equal(c.int('CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN'), 8192, 'the installed default, not the shipped 16384');
    assert.equal(c.bool('CONFIG_MBEDTLS_FUTURE_DETAIL'), true);
    const unknown = await findings(p, {}, 'sdkconfig-unknown-option');
    assert.deepEqual(unknown.map((f) => f.message.match(/option (\w+)/)![1]), ['CONFIG_MBEDTLS_GCM_C'], 'judged by the installed Kconfig');
    assert.match(unknown[0].message, /^The installed ESP-IDF has no option/);
  });
});
