import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessSuites,
  configFor,
  mbedtlsMacros,
  offeredSuites,
  protocolVersions,
  suiteTable,
  type ConfigLookup,
  type Suite,
} from '../../server/src/sdkconfig/ciphersuites';
import data from '../../server/src/data/mbedtls-ciphersuites.json';

// Kconfig values a project gets when it sets nothing: the default_v5.5.5 / default_v4.4.8 columns of
// shared/reference/mbedtls_kconfig_full.tsv with `depends on` applied (e.g. KEY_EXCHANGE_DHE_RSA is
// `default y` but depends on DHM_C, which defaults to n in v5.5; the TLS 1.3 key-exchange modes
// default to y but depend on SSL_PROTO_TLS1_3, which defaults to n). TLS_ENABLED / TLS_CLIENT /
// TLS_SERVER are selected by the default choice MBEDTLS_TLS_SERVER_AND_CLIENT.
const CURVES = ['SECP192R1', 'SECP224R1', 'SECP256R1', 'SECP384R1', 'SECP521R1', 'SECP192K1', 'SECP224K1', 'SECP256K1', 'BP256R1', 'BP384R1', 'BP512R1', 'CURVE25519'];
const curves = (on: boolean) => Object.fromEntries(CURVES.map((c) => [`CONFIG_MBEDTLS_ECP_DP_${c}_ENABLED`, on]));

const COMMON_DEFAULTS: Record<string, boolean> = {
  CONFIG_MBEDTLS_TLS_SERVER_AND_CLIENT: true,
  CONFIG_MBEDTLS_TLS_ENABLED: true,
  CONFIG_MBEDTLS_TLS_CLIENT: true,
  CONFIG_MBEDTLS_TLS_SERVER: true,
  CONFIG_MBEDTLS_AES_C: true,
  CONFIG_MBEDTLS_CAMELLIA_C: false,
  CONFIG_MBEDTLS_DES_C: false,
  CONFIG_MBEDTLS_CCM_C: true,
  CONFIG_MBEDTLS_GCM_C: true,
  CONFIG_MBEDTLS_CHACHA20_C: false,
  CONFIG_MBEDTLS_POLY1305_C: false,
  CONFIG_MBEDTLS_CHACHAPOLY_C: false,
  CONFIG_MBEDTLS_ECP_C: true,
  CONFIG_MBEDTLS_ECDH_C: true,
  CONFIG_MBEDTLS_ECDSA_C: true,
  CONFIG_MBEDTLS_ECJPAKE_C: false,
  ...curves(true),
  CONFIG_MBEDTLS_KEY_EXCHANGE_ELLIPTIC_CURVE: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_RSA: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_RSA: true,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECJPAKE: false,
  CONFIG_MBEDTLS_PSK_MODES: false,
  CONFIG_MBEDTLS_KEY_EXCHANGE_PSK: false,
  CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_PSK: false,
  CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_PSK: false,
  CONFIG_MBEDTLS_KEY_EXCHANGE_RSA_PSK: false,
  CONFIG_MBEDTLS_SHA512_C: true,
  CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: true,
  CONFIG_MBEDTLS_SSL_PROTO_DTLS: false,
  CONFIG_MBEDTLS_SSL_KEEP_PEER_CERTIFICATE: true,
};
const IDF55_DEFAULTS: Record<string, boolean> = {
  ...COMMON_DEFAULTS,
  CONFIG_MBEDTLS_DHM_C: false,
  CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_RSA: false, // default y, depends on MBEDTLS_DHM_C
  CONFIG_MBEDTLS_SHA1_C: true,
  CONFIG_MBEDTLS_PK_PARSE_EC_EXTENDED: true,
  CONFIG_MBEDTLS_PK_PARSE_EC_COMPRESSED: true,
  CONFIG_MBEDTLS_SSL_PROTO_TLS1_3: false,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_PSK: false,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_EPHEMERAL: false,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_PSK_EPHEMERAL: false,
};
const IDF44_DEFAULTS: Record<string, boolean> = {
  ...COMMON_DEFAULTS,
  CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_RSA: true, // no DHM_C option in v4.4: esp_config.h always defines MBEDTLS_DHM_C
  CONFIG_MBEDTLS_SSL_PROTO_SSL3: false,
  CONFIG_MBEDTLS_SSL_PROTO_TLS1: true,
  CONFIG_MBEDTLS_SSL_PROTO_TLS1_1: true,
  CONFIG_MBEDTLS_RC4_DISABLED: true,
  CONFIG_MBEDTLS_RC4_ENABLED_NO_DEFAULT: false,
  CONFIG_MBEDTLS_RC4_ENABLED: false,
};

function config(defaults: Record<string, boolean>, overrides: Record<string, boolean> = {}): ConfigLookup {
  return (name) => (name in overrides ? overrides[name] : defaults[name]);
}
const names = (suites: readonly Suite[]) => suites.map((s) => s.iana);
/** Turn the options of `missing` on and look again. */
function withEnabled(lookup: ConfigLookup, missing: string[]): ConfigLookup {
  return (name) => (missing.includes(name) ? true : lookup(name));
}

// Enabling TLS 1.3 the way menuconfig does: its key-exchange modes default to y once it is on.
const TLS13_ON = {
  CONFIG_MBEDTLS_SSL_PROTO_TLS1_3: true,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_PSK: true,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_EPHEMERAL: true,
  CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_PSK_EPHEMERAL: true,
};

// ---------------------------------------------------------------------------------------------
// The generated table

test('the table records where it was read from', () => {
  const commits = data.sources.map((s) => `${s.repo}@${s.tag}:${s.commit}`);
  assert.deepEqual(commits, [
    'Mbed-TLS/mbedtls@v2.28.8:5a764e5555c64337ed17444410269ff21cb617b1',
    'Mbed-TLS/mbedtls@v3.6.6:0bebf8b8c7f07abe3571ded48a11aa907a1ffb20',
    'espressif/esp-idf@v4.4.8:e499576efdb086551abe309a72899302f82077b7',
    'espressif/esp-idf@v5.5.5:b774170ff46c393eeb5e495ea37936038d3f4f4f',
  ]);
  assert.match(data.$comment, /scripts\/gen-ciphersuites\.mjs/);
});

test('suite rows carry IANA ids, names and the macros that guard them', () => {
  const v36 = suiteTable('3.6');
  const v228 = suiteTable('2.28');
  const gcm36 = v36.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.ok(gcm36);
  assert.equal(gcm36.id, 0xc02f);
  assert.equal(gcm36.name, 'TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256');
  assert.deepEqual([gcm36.keyExchange, gcm36.bulk, gcm36.keyBits, gcm36.mode, gcm36.hash, gcm36.minVersion, gcm36.maxVersion], ['ECDHE_RSA', 'AES', 128, 'GCM', 'SHA256', 'TLS1.2', 'TLS1.2']);
  // 3.6 guards with the derived MBEDTLS_SSL_HAVE_* / MBEDTLS_MD_CAN_* macros, 2.28 with the modules
  for (const m of ['MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED', 'MBEDTLS_SSL_HAVE_AES', 'MBEDTLS_SSL_HAVE_GCM', 'MBEDTLS_MD_CAN_SHA256']) assert.ok(gcm36.requires.includes(m), m);
  const gcm228 = v228.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  for (const m of ['MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED', 'MBEDTLS_AES_C', 'MBEDTLS_GCM_C', 'MBEDTLS_SHA256_C']) assert.ok(gcm228?.requires.includes(m), m);
  // a CBC-SHA suite in 2.28 reaches back to SSL 3.0; 2.28 guards SHA-384 with its local HAVE_SHA384
  assert.equal(v228.find((s) => s.iana === 'TLS_RSA_WITH_AES_128_CBC_SHA')?.minVersion, 'SSL3.0');
  assert.ok(v228.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')?.requires.includes('HAVE_SHA384'));
  // TLS 1.3 suites: 0x1301..0x1305, only in 3.6
  const tls13 = v36.filter((s) => s.keyExchange === 'TLS1_3');
  assert.deepEqual(tls13.map((s) => s.id).sort(), [0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
  assert.equal(v36.find((s) => s.iana === 'TLS_AES_128_CCM_8_SHA256')?.mode, 'CCM_8');
  assert.equal(v228.filter((s) => s.keyExchange === 'TLS1_3').length, 0);
  // every id is unique and every suite sits in the default preference list
  for (const t of [v36, v228]) {
    assert.equal(new Set(t.map((s) => s.id)).size, t.length);
    assert.ok(t.every((s) => s.preference !== null));
  }
});

test('Kconfig options map to the mbedTLS macros esp_config.h defines', () => {
  assert.equal(configFor('MBEDTLS_GCM_C', '3.6'), 'CONFIG_MBEDTLS_GCM_C');
  assert.equal(configFor('MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED', '3.6'), 'CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA');
  assert.equal(configFor('MBEDTLS_SSL_PROTO_TLS1_3', '3.6'), 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3');
  assert.equal(configFor('MBEDTLS_SSL_PROTO_TLS1_1', '2.28'), 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_1');
  assert.equal(configFor('MBEDTLS_SSL_PROTO_TLS1_1', '3.6'), undefined);
  // one option, two macros: CONFIG_MBEDTLS_SHA512_C also brings SHA-384 in v5.5
  assert.deepEqual(data.idf['5.5'].kconfigToMacros.CONFIG_MBEDTLS_SHA512_C.y, ['+MBEDTLS_SHA384_C', '+MBEDTLS_SHA512_C']);
});

// ---------------------------------------------------------------------------------------------
// ESP-IDF v5.5 (Mbed TLS 3.6)

test('v5.5 defaults offer common ECDHE-GCM suites and only TLS 1.2', () => {
  const lookup = config(IDF55_DEFAULTS);
  const offered = offeredSuites(lookup, '3.6');
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'ok');
  assert.deepEqual(names(a.common).sort(), [
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  ]);
  assert.deepEqual(a.missing, []);
  assert.deepEqual(a.coverage, { rsa: true, ecdsa: true });
  // CHACHAPOLY_C and DHM_C default to n, TLS 1.3 is off
  assert.ok(!offered.some((s) => s.cipher === 'CHACHA20_POLY1305' || s.keyExchange === 'DHE_RSA' || s.keyExchange === 'TLS1_3'));
  // the weak ones are there too (CBC, static RSA) and mbedTLS offers the strongest first
  assert.ok(names(a.weakOnly).includes('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'));
  assert.ok(names(a.weakOnly).includes('TLS_RSA_WITH_AES_128_GCM_SHA256'));
  assert.equal(offered[0].iana, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
  const ecdhe = offered.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.ok(ecdhe?.groups.includes('x25519') && ecdhe.groups.includes('secp256r1'));
  assert.deepEqual(ecdhe?.serverKeys, ['rsa']);
  assert.equal(ecdhe?.idHex, '0xC02F');
  const p = protocolVersions(lookup, '3.6');
  assert.deepEqual([p.enabled, p.offered, p.legacy], [['TLS1.2'], ['TLS1.2'], []]);
  assert.equal(p.client, true);
});

test('seed 003 trim: only ECDHE-RSA with AES-CBC left is weak-only, and GCM brings a common suite back', () => {
  const lookup = config(IDF55_DEFAULTS, {
    CONFIG_MBEDTLS_GCM_C: false,
    CONFIG_MBEDTLS_CCM_C: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_RSA: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDH_RSA: false,
    CONFIG_MBEDTLS_SSL_PROTO_DTLS: false,
  });
  const offered = offeredSuites(lookup, '3.6');
  assert.ok(offered.length > 0);
  assert.ok(offered.every((s) => s.keyExchange === 'ECDHE_RSA' && s.mode === 'CBC'), names(offered).join());
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'weak-only');
  assert.deepEqual(names(a.weakOnly).sort(), [
    'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
    'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
    'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  ]);
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_GCM_C']);
  assert.equal(a.regains, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  // ChaCha20-Poly1305 would do as well, with its two building blocks (Kconfig depends on)
  assert.ok(a.alternatives.some((alt) => alt.join() === 'CONFIG_MBEDTLS_CHACHA20_C,CONFIG_MBEDTLS_CHACHAPOLY_C,CONFIG_MBEDTLS_POLY1305_C'));
  const fixed = assessSuites(offeredSuites(withEnabled(lookup, a.missing), '3.6'));
  assert.equal(fixed.verdict, 'ok');
  assert.ok(names(fixed.common).includes('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
});

test('GCM and ChaCha-Poly off with only static RSA key exchange: weak-only, needs GCM and ECDHE-RSA', () => {
  const lookup = config(IDF55_DEFAULTS, {
    CONFIG_MBEDTLS_GCM_C: false,
    CONFIG_MBEDTLS_CHACHAPOLY_C: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA: false,
  });
  const a = assessSuites(offeredSuites(lookup, '3.6'));
  assert.equal(a.verdict, 'weak-only');
  assert.ok(a.weakOnly.every((s) => s.keyExchange === 'RSA'), names(a.weakOnly).join());
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_GCM_C', 'CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA']);
  assert.equal(assessSuites(offeredSuites(withEnabled(lookup, a.missing), '3.6')).verdict, 'ok');
});

test('nothing a common server accepts: verdict none', () => {
  // AES off: what is left (ARIA, which 3.6 enables by default and IDF v5.5 never turns off) is in neither Mozilla profile
  const noAes = config(IDF55_DEFAULTS, { CONFIG_MBEDTLS_AES_C: false });
  const offered = offeredSuites(noAes, '3.6');
  assert.ok(offered.length > 0 && offered.every((s) => s.bulk === 'ARIA'), names(offered).join());
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'none');
  assert.deepEqual([a.common, a.weakOnly], [[], []]);
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_AES_C']);
  // TLS 1.3 only with GCM off leaves the CCM suites, which servers do not enable
  const ccmOnly = config(IDF55_DEFAULTS, { ...TLS13_ON, CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: false, CONFIG_MBEDTLS_GCM_C: false });
  const b = assessSuites(offeredSuites(ccmOnly, '3.6'));
  assert.equal(b.verdict, 'none');
  assert.deepEqual(b.missing, ['CONFIG_MBEDTLS_GCM_C']);
  assert.equal(b.regains, 'TLS_AES_128_GCM_SHA256');
});

test('TLS 1.3 only (TLS1_2 off) is still ok through the TLS 1.3 suites when GCM is on', () => {
  const lookup = config(IDF55_DEFAULTS, { ...TLS13_ON, CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: false });
  const offered = offeredSuites(lookup, '3.6');
  assert.ok(offered.every((s) => s.keyExchange === 'TLS1_3'), names(offered).join());
  assert.deepEqual(names(offered), ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256']);
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'ok');
  assert.deepEqual(names(a.common).sort(), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']);
  assert.deepEqual(a.coverage, { rsa: true, ecdsa: true });
  assert.deepEqual(protocolVersions(lookup, '3.6').offered, ['TLS1.3']);
  // with ChaCha20-Poly1305 built, the third TLS 1.3 suite appears
  const chacha = config(IDF55_DEFAULTS, { ...TLS13_ON, CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: false, CONFIG_MBEDTLS_CHACHA20_C: true, CONFIG_MBEDTLS_POLY1305_C: true, CONFIG_MBEDTLS_CHACHAPOLY_C: true });
  assert.ok(names(offeredSuites(chacha, '3.6')).includes('TLS_CHACHA20_POLY1305_SHA256'));
});

test('TLS 1.3 without the ephemeral key-exchange mode cannot do certificate handshakes', () => {
  const lookup = config(IDF55_DEFAULTS, { ...TLS13_ON, CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: false, CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_EPHEMERAL: false, CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_PSK_EPHEMERAL: false });
  assert.deepEqual(offeredSuites(lookup, '3.6'), []);
  const a = assessSuites(offeredSuites(lookup, '3.6'));
  assert.equal(a.verdict, 'none');
  // one option either way: TLS 1.2 back (ECDHE-RSA is tried first), or the ephemeral TLS 1.3 mode
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_SSL_PROTO_TLS1_2']);
  assert.ok(a.alternatives.some((alt) => alt.join() === 'CONFIG_MBEDTLS_SSL_TLS1_3_KEXM_EPHEMERAL'), JSON.stringify(a.alternatives));
  // with a pre-shared key the PSK mode still offers them
  assert.equal(offeredSuites(lookup, '3.6', { psk: true }).length, 4);
});

test('no ECDHE curve: the ECDHE and ECDH suites are gone', () => {
  const lookup = config(IDF55_DEFAULTS, curves(false));
  const offered = offeredSuites(lookup, '3.6');
  assert.ok(offered.length > 0);
  assert.ok(!offered.some((s) => /^ECDHE?_/.test(s.keyExchange)), names(offered).join());
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'weak-only'); // static RSA only
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_ECP_DP_SECP256R1_ENABLED']);
  assert.equal(assessSuites(offeredSuites(withEnabled(lookup, a.missing), '3.6')).verdict, 'ok');
});

test('curves servers do not accept keep ECDHE suites offered but not common', () => {
  const lookup = config(IDF55_DEFAULTS, { ...curves(false), CONFIG_MBEDTLS_ECP_DP_SECP521R1_ENABLED: true, CONFIG_MBEDTLS_ECP_DP_BP256R1_ENABLED: true });
  const offered = offeredSuites(lookup, '3.6');
  const gcm = offered.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.deepEqual(gcm?.groups, ['secp521r1', 'brainpoolP256r1']);
  const a = assessSuites(offered);
  assert.equal(a.common.length, 0);
  assert.equal(a.verdict, 'weak-only');
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_ECP_DP_SECP256R1_ENABLED']);
});

test('SHA-512 module off takes the SHA-384 suites with it', () => {
  const lookup = config(IDF55_DEFAULTS, { CONFIG_MBEDTLS_SHA512_C: false });
  assert.ok(!mbedtlsMacros(lookup, '3.6').has('MBEDTLS_MD_CAN_SHA384'));
  const offered = names(offeredSuites(lookup, '3.6'));
  assert.ok(!offered.includes('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'));
  assert.ok(offered.includes('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
});

test('DHE-RSA alone is common but flagged; PSK suites need a key', () => {
  const dheOnly = config(IDF55_DEFAULTS, {
    CONFIG_MBEDTLS_DHM_C: true,
    CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_RSA: true,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_RSA: false,
    CONFIG_MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA: false,
  });
  const a = assessSuites(offeredSuites(dheOnly, '3.6'));
  assert.equal(a.verdict, 'ok');
  assert.ok(a.common.every((s) => s.keyExchange === 'DHE_RSA'));
  assert.deepEqual(a.coverage, { rsa: true, ecdsa: false });
  assert.ok(a.notes.some((n) => /DHE/.test(n)));
  const psk = config(IDF55_DEFAULTS, { CONFIG_MBEDTLS_PSK_MODES: true, CONFIG_MBEDTLS_KEY_EXCHANGE_PSK: true });
  assert.ok(!offeredSuites(psk, '3.6').some((s) => s.keyExchange === 'PSK'));
  assert.ok(offeredSuites(psk, '3.6', { psk: true }).some((s) => s.iana === 'TLS_PSK_WITH_AES_128_GCM_SHA256'));
});

test('missing needs the configuration: a filtered copy has none, an explicit context has it', () => {
  const lookup = config(IDF55_DEFAULTS, { CONFIG_MBEDTLS_GCM_C: false });
  const offered = offeredSuites(lookup, '3.6');
  assert.deepEqual(assessSuites(offered.filter(() => true)).missing, []);
  assert.deepEqual(assessSuites(offered.filter(() => true), { lookup, mbedtls: '3.6' }).missing, ['CONFIG_MBEDTLS_GCM_C']);
});

// ---------------------------------------------------------------------------------------------
// ESP-IDF v4.4 (Mbed TLS 2.28) against v5.5 (Mbed TLS 3.6)

test('v4.4 defaults: TLS 1.0 and 1.1 are built and offered; v5.5 has no such options', () => {
  const p = protocolVersions(config(IDF44_DEFAULTS), '2.28');
  assert.deepEqual(p.enabled, ['TLS1.0', 'TLS1.1', 'TLS1.2']);
  assert.deepEqual(p.offered, ['TLS1.0', 'TLS1.1', 'TLS1.2']);
  assert.deepEqual(p.legacy, ['TLS1.0', 'TLS1.1']);
  assert.equal(p.options['TLS1.0'], 'CONFIG_MBEDTLS_SSL_PROTO_TLS1');
  // SSL 3.0 compiles in, but mbedtls_ssl_config_defaults() never offers it
  const ssl3 = protocolVersions(config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_SSL_PROTO_SSL3: true }), '2.28');
  assert.ok(ssl3.legacy.includes('SSL3.0'));
  assert.ok(!ssl3.offered.includes('SSL3.0'));
  // the v4.4 option names mean nothing to v5.5's esp_config.h
  const p36 = protocolVersions(config(IDF55_DEFAULTS, { CONFIG_MBEDTLS_SSL_PROTO_TLS1: true, CONFIG_MBEDTLS_SSL_PROTO_TLS1_1: true }), '3.6');
  assert.deepEqual(p36.legacy, []);
});

test('v4.4 defaults: common suites include DHE-RSA (DHM always built), v5.5 defaults do not', () => {
  const a44 = assessSuites(offeredSuites(config(IDF44_DEFAULTS), '2.28'));
  assert.equal(a44.verdict, 'ok');
  assert.ok(names(a44.common).includes('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'));
  const a55 = assessSuites(offeredSuites(config(IDF55_DEFAULTS), '3.6'));
  assert.ok(!names(a55.common).includes('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'));
  // on TLS 1.0/1.1 only the CBC suites with SHA-1 remain usable
  const legacyOnly = offeredSuites(config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_SSL_PROTO_TLS1_2: false }), '2.28');
  assert.ok(legacyOnly.length > 0 && legacyOnly.every((s) => s.mode === 'CBC' && s.hash === 'SHA1'), names(legacyOnly).join());
  const a = assessSuites(legacyOnly);
  assert.equal(a.verdict, 'weak-only');
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_SSL_PROTO_TLS1_2']);
});

test('ARIA: compiled and offered by default with 3.6 (mbedtls_config.h), absent with 2.28', () => {
  assert.ok(offeredSuites(config(IDF55_DEFAULTS), '3.6').some((s) => s.iana === 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256'));
  assert.ok(mbedtlsMacros(config(IDF55_DEFAULTS), '3.6').has('MBEDTLS_ARIA_C'));
  assert.ok(!offeredSuites(config(IDF44_DEFAULTS), '2.28').some((s) => s.bulk === 'ARIA'));
});

test('3DES and RC4: 2.28 builds them but keeps them out of the default list; 3.6 has none', () => {
  const des = config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_DES_C: true });
  assert.ok(mbedtlsMacros(des, '2.28').has('MBEDTLS_REMOVE_3DES_CIPHERSUITES'));
  assert.ok(suiteTable('2.28').some((s) => s.iana === 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'));
  assert.ok(!offeredSuites(des, '2.28').some((s) => s.bulk === '3DES'));
  assert.ok(!suiteTable('3.6').some((s) => s.bulk === '3DES' || s.bulk === 'RC4'));
  // RC4: "Enabled" offers the RC4 suites, "Enabled, not in default ciphersuites" does not
  const rc4 = (choice: string) => config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_RC4_DISABLED: false, [choice]: true });
  assert.ok(offeredSuites(rc4('CONFIG_MBEDTLS_RC4_ENABLED'), '2.28').some((s) => s.iana === 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'));
  assert.ok(!offeredSuites(rc4('CONFIG_MBEDTLS_RC4_ENABLED_NO_DEFAULT'), '2.28').some((s) => s.bulk === 'RC4'));
  // RC4 alone is neither common nor weak: nothing a server accepts
  const onlyRc4 = assessSuites(offeredSuites(config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_RC4_DISABLED: false, CONFIG_MBEDTLS_RC4_ENABLED: true, CONFIG_MBEDTLS_AES_C: false }), '2.28'));
  assert.equal(onlyRc4.verdict, 'none');
  assert.deepEqual(onlyRc4.missing, ['CONFIG_MBEDTLS_AES_C']);
});

test('2.28: GCM off leaves CBC suites back to TLS 1.0; enabling GCM fixes it', () => {
  const lookup = config(IDF44_DEFAULTS, { CONFIG_MBEDTLS_GCM_C: false });
  const offered = offeredSuites(lookup, '2.28');
  const a = assessSuites(offered);
  assert.equal(a.verdict, 'weak-only');
  assert.ok(names(a.weakOnly).includes('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'));
  assert.equal(offered.find((s) => s.iana === 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')?.minVersion, 'TLS1.0');
  assert.deepEqual(a.missing, ['CONFIG_MBEDTLS_GCM_C']);
  assert.equal(assessSuites(offeredSuites(withEnabled(lookup, a.missing), '2.28')).verdict, 'ok');
});
