// findTlsLogLines() on ESP-IDF monitor captures of failed TLS connections. The fixtures in
// test/fixtures/logs are built from the ESP_LOGx format strings of v4.4.8 and v5.5.5
// (/work/shared/reference/tls_log_strings.tsv) in the order esp_tls_behaviour.md §3 gives:
// - idf-v5.5-handshake-failed.log: LF, ms timestamps, colour escapes; esp_http_client with the wrong
//   CA, esp-mqtt with the certificate bundle, a client without a verification option, esp_https_ota.
// - idf-v4.4-handshake-failed.log: CRLF, HH:MM:SS.mmm timestamps, debug level (strerror and the
//   verify-info lines, cut at 100 bytes), a CA PEM without NUL (-0x2180), esp-mqtt without a
//   verification option.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findTlsLogLines, verifyInfoFlag, type TlsLogLine } from '../../server/src/logs/tlsLines';
import { runRules } from '../../server/src/rules/index';
import { contextOf, fakeProject } from '../support/analyse';
import type { FileFacts } from '../../server/src/rules/context';
import { extractC } from '../../server/src/c/extract';
import { findLogEvidence } from '../../server/src/logs/evidence';

const fixture = (name: string): string => readFileSync(path.resolve(__dirname, '../fixtures/logs', name), 'utf8');
const linesOf = (text: string): string[] => text.split(/\r\n|\n|\r/);

/** What the range covers in the original line. */
function covered(lines: readonly string[], l: TlsLogLine): string {
  assert.equal(l.range.start.line, l.line);
  assert.equal(l.range.end.line, l.line);
  return lines[l.line].slice(l.range.start.character, l.range.end.character);
}

type Row = [line: number, level: TlsLogLine['level'], tag: string, kind: string, codes: string[], range: string];
const rows = (text: string): Row[] => {
  const lines = linesOf(text);
  return findTlsLogLines(text).map((l) => [l.line, l.level, l.tag, l.kind, l.codes, covered(lines, l)]);
};

test('v5.5 capture: wrong CA, bundle without the root, no verification option, OTA', () => {
  const text = fixture('idf-v5.5-handshake-failed.log');
  const lines = linesOf(text);
  const at = (needle: string, from = 0): number => lines.findIndex((l, i) => i >= from && l.includes(needle));
  const http = at('Requesting https://');
  const mqtt = at('Other event id:7');
  const noVerify = at('No server verification option set');
  const ota = at('Starting OTA example task');
  assert.deepEqual(rows(text), [
    [http + 1, 'E', 'esp-tls-mbedtls', 'handshake-failed', ['-0x2700'], '-0x2700'],
    [http + 2, 'I', 'esp-tls-mbedtls', 'verify-failed', [], 'Failed to verify peer certificate!'],
    [http + 3, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [http + 4, 'E', 'transport_base', 'connect-failed', [], 'Failed to open a new connection'],
    [http + 5, 'E', 'HTTP_CLIENT', 'connect-failed', [], 'Connection failed, sock < 0'],
    [mqtt + 1, 'I', 'esp-x509-crt-bundle', 'bundle-no-matching-root', [], 'No matching trusted root certificate found'],
    [mqtt + 2, 'E', 'esp-x509-crt-bundle', 'bundle-verify-failed', [], 'Failed to verify certificate'],
    [mqtt + 3, 'E', 'esp-tls-mbedtls', 'handshake-failed', ['-0x2700'], '-0x2700'],
    [mqtt + 4, 'I', 'esp-tls-mbedtls', 'verify-failed', [], 'Failed to verify peer certificate!'],
    [mqtt + 5, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [mqtt + 6, 'E', 'transport_base', 'connect-failed', [], 'Failed to open a new connection'],
    [mqtt + 7, 'E', 'mqtt_client', 'connect-failed', [], 'Error transport connect'],
    [mqtt + 9, 'E', 'mqtts_example', 'mqtt-last-error', ['0x801a'], '0x801a'],
    [mqtt + 10, 'E', 'mqtts_example', 'mqtt-last-error', ['0x2700'], '0x2700'],
    [noVerify, 'E', 'esp-tls-mbedtls', 'no-verification-option', [],
      'No server verification option set in esp_tls_cfg_t structure. Check esp_tls API reference'],
    [noVerify + 1, 'E', 'esp-tls-mbedtls', 'client-config-failed', ['0x8017', 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED'], '0x8017'],
    [noVerify + 2, 'E', 'esp-tls', 'create-ssl-handle-failed', [], 'create_ssl_handle failed'],
    [noVerify + 3, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [noVerify + 4, 'E', 'transport_base', 'connect-failed', [], 'Failed to open a new connection'],
    [noVerify + 5, 'E', 'HTTP_CLIENT', 'connect-failed', [], 'Connection failed, sock < 0'],
    [ota + 1, 'E', 'esp_https_ota', 'no-verification-option', [], 'No option for server verification is enabled in esp_http_client config.'],
  ]);
  // Ranges count the colour escape at the start of the line: "\x1b[0;31mE (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\x1b[0m".
  const handshake = findTlsLogLines(text)[0];
  assert.equal(lines[handshake.line].indexOf('\x1b[0;31m'), 0);
  assert.equal(handshake.range.start.character, lines[handshake.line].indexOf('-0x2700'));
  assert.equal(handshake.range.end.character, lines[handshake.line].indexOf('\x1b[0m'));
  assert.equal(handshake.message, 'mbedtls_ssl_handshake returned -0x2700');
});

test('v4.4 capture (CRLF, HH:MM:SS.mmm, debug level): strerror, verify-info cut at 100 bytes, -0x2180, MQTT last error', () => {
  const text = fixture('idf-v4.4-handshake-failed.log');
  assert.ok(text.includes('\r\n'), 'the fixture has CRLF line ends');
  const lines = linesOf(text);
  const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));
  const hs = at('mbedtls_ssl_handshake returned');
  const parse = at('mbedtls_x509_crt_parse returned');
  const mqtt = at('No server verification option set');
  assert.deepEqual(rows(text), [
    [hs, 'E', 'esp-tls-mbedtls', 'handshake-failed', ['-0x2700'], '-0x2700'],
    [hs + 1, 'I', 'esp-tls-mbedtls', 'mbedtls-strerror', ['FFFFD900'], 'FFFFD900'],
    [hs + 2, 'I', 'esp-tls-mbedtls', 'verify-failed', [], 'Failed to verify peer certificate!'],
    [hs + 3, 'D', 'esp-tls-mbedtls', 'verify-info', [], 'The certificate Common Name (CN) does not match with the expected CN'],
    [hs + 4, undefined, 'esp-tls-mbedtls', 'verify-info', [], 'The certificate is not'],
    [hs + 5, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [parse, 'E', 'esp-tls-mbedtls', 'ca-parse-failed', ['-0x2180'], '-0x2180'],
    [parse + 1, 'E', 'esp-tls-mbedtls', 'client-config-failed', ['0x8015', 'ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED'], '0x8015'],
    [parse + 2, 'E', 'esp-tls', 'create-ssl-handle-failed', [], 'create_ssl_handle failed'],
    [parse + 3, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [parse + 4, 'E', 'TRANSPORT_BASE', 'connect-failed', [], 'Failed to open a new connection'],
    [parse + 5, 'E', 'HTTP_CLIENT', 'connect-failed', [], 'Connection failed, sock < 0'],
    [mqtt, 'E', 'esp-tls-mbedtls', 'no-verification-option', [],
      'No server verification option set in esp_tls_cfg_t structure. Check esp_tls API reference'],
    [mqtt + 1, 'E', 'esp-tls-mbedtls', 'client-config-failed', ['0x8017', 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED'], '0x8017'],
    [mqtt + 2, 'E', 'esp-tls', 'create-ssl-handle-failed', [], 'create_ssl_handle failed'],
    [mqtt + 3, 'E', 'esp-tls', 'connect-failed', [], 'Failed to open new connection'],
    [mqtt + 4, 'E', 'TRANSPORT_BASE', 'connect-failed', [], 'Failed to open a new connection'],
    [mqtt + 5, 'E', 'MQTT_CLIENT', 'connect-failed', [], 'Error transport connect'],
    [mqtt + 7, 'I', 'MQTTS_EXAMPLE', 'mqtt-last-error', ['0x8017'], '0x8017'],
    [mqtt + 8, 'I', 'MQTTS_EXAMPLE', 'mqtt-last-error', ['0x0'], '0x0'],
    [mqtt + 9, 'I', 'MQTTS_EXAMPLE', 'mqtt-last-error', ['0'], '0'],
  ]);
  const found = findTlsLogLines(text);
  const info = found.filter((l) => l.kind === 'verify-info');
  assert.deepEqual(info.map((l) => l.flag), ['MBEDTLS_X509_BADCERT_CN_MISMATCH', 'MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
  assert.deepEqual(info.map((l) => l.message), [
    'The certificate Common Name (CN) does not match with the expected CN', 'The certificate is not']);
  const strerror = found.find((l) => l.kind === 'mbedtls-strerror');
  assert.equal(strerror?.message, '(FFFFD900): X509 - Certificate verification failed, e.g. CRL, CA or signature check failed');
});

test('the same lines with LF, CRLF or lone CR ends give the same lines and columns', () => {
  const base = [
    'I (100) example: start',
    '\x1b[0;31mE (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\x1b[0m',
    'E (3516) esp-tls: Failed to open new connection',
  ];
  const expected = findTlsLogLines(base.join('\n'));
  assert.equal(expected.length, 2);
  assert.deepEqual(findTlsLogLines(base.join('\r\n')), expected);
  assert.deepEqual(findTlsLogLines(base.join('\r')), expected);
  assert.deepEqual(expected[0].range, { start: { line: 1, character: 64 }, end: { line: 1, character: 71 } });
});

test('other message forms from the reference strings', () => {
  const one = (line: string): TlsLogLine => {
    const found = findTlsLogLines(line);
    assert.equal(found.length, 1, `one TLS line in ${JSON.stringify(line)}`);
    return found[0];
  };
  const ca = one('E (4520) esp-tls-mbedtls: mbedtls_x509_crt_parse of CA cert returned -0x2180');
  assert.deepEqual([ca.kind, ca.codes], ['ca-parse-failed', ['-0x2180']]);
  assert.equal(one('E (4520) esp-tls-mbedtls: mbedtls_x509_crt_parse of global CA cert returned -0x2180').kind, 'ca-parse-failed');
  assert.equal(one('E (4520) esp-tls-mbedtls: mbedtls_x509_crt_parse of client cert returned -0x2180').kind, 'cert-parse-failed');
  assert.equal(one('W (4520) esp-tls-mbedtls: mbedtls_x509_crt_parse was partly successful. No. of failed certificates: 2').kind, 'ca-parse-partial');
  const host = one('E (2001) esp-tls-mbedtls: mbedtls_ssl_set_hostname returned -0x7100');
  assert.deepEqual([host.kind, host.codes], ['mbedtls-call-failed', ['-0x7100']]);
  assert.equal(one('E (2001) esp-tls-mbedtls: mbedtls_pk_parse_keyfile returned -0x3D00').kind, 'mbedtls-call-failed');
  assert.deepEqual(one('E (9000) esp-tls-mbedtls: read error :-0x7880:').codes, ['-0x7880']);
  assert.equal(one('W (9000) esp-tls: Failed to open new connection in specified timeout').kind, 'connect-timeout');
  assert.equal(one('E (9000) esp-tls: [sock=54] connect() error: Host is unreachable').kind, 'socket-error');
  assert.equal(one('E (9000) esp-tls: [sock=54] select() timeout').kind, 'socket-error');
  assert.deepEqual(one("E (9000) esp-tls: couldn't get hostname for :broker.local: getaddrinfo() returns 202, addrinfo=0x0").codes, ['202']);
  assert.equal(one('E (9000) transport_base: Failed to open a new connection: -1').codes[0], '-1');
  assert.equal(one('E (9000) esp-tls-mbedtls: use_crt_bundle configured but not enabled in menuconfig: Please enable MBEDTLS_CERTIFICATE_BUNDLE option').kind, 'feature-not-enabled');
  assert.equal(one('E (9000) HTTP_CLIENT: use_crt_bundle configured but not enabled in menuconfig: Please enable MBEDTLS_CERTIFICATE_BUNDLE option').kind, 'feature-not-enabled');
  assert.equal(one('E (9000) MQTT_CLIENT: Certificate bundle is not enabled for mbedTLS in menuconfig').kind, 'feature-not-enabled');
  assert.equal(one('E (9000) esp-tls-mbedtls: You have to provide both clientcert_buf and clientkey_buf for mutual authentication').kind, 'mutual-auth-incomplete');
  assert.equal(one('I (9000) esp-tls-mbedtls: Certificate verified.').kind, 'verify-ok');
  assert.equal(one('I (9000) esp-x509-crt-bundle: Certificate validated').kind, 'verify-ok');
  assert.equal(one('D (9000) esp-tls-mbedtls: Skipping certificate verification - no peer certificate received').kind, 'verify-skipped');
  assert.equal(one('E (9000) esp-x509-crt-bundle: Certificate matched with ISRG Root X1 but signature verification failed').kind, 'bundle-signature-failed');
  assert.deepEqual(one('E (9000) esp-x509-crt-bundle: PK verify failed with error 0x4380').codes, ['0x4380']);
  assert.equal(one('W (9000) esp_https_ota: Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set.').kind, 'insecure-ota');
  assert.equal(one('W (9000) esp_https_ota: Continuing with insecure option because CONFIG_OTA_ALLOW_HTTP is set.').kind, 'insecure-ota');
  assert.deepEqual(one('E (9000) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT').codes, ['ESP_ERR_HTTP_CONNECT']);
  assert.equal(one('W (9000) esp-tls-mbedtls: TLS 1.3 is not enabled in config, continuing with default TLS protocol').kind, 'tls-version');
  assert.deepEqual(one('I (9000) HTTP_CLIENT: Last esp error code: 0x801a').codes, ['0x801a']);
  assert.equal(one('I (9000) HTTP_CLIENT: Last mbedtls failure: 0x2700').kind, 'http-last-error');
  assert.deepEqual(one("E (9000) mqtt_tcp: Last error captured as transport's socket errno: 0x68").codes, ['0x68']);
  const create = one('E (9000) esp-tls-mbedtls: create_ssl_handle failed, returned [0x8017] (ESP_ERR_MBEDTLS_SSL_SETUP_FAILED)');
  assert.deepEqual([create.kind, create.codes], ['create-ssl-handle-failed', ['0x8017', 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED']]);
  // Without CONFIG_ESP_ERR_TO_NAME_LOOKUP the name is "UNKNOWN ERROR": not a code.
  assert.deepEqual(one('E (9000) esp-tls-mbedtls: Failed to set client configurations, returned [0x8017] (UNKNOWN ERROR)').codes, ['0x8017']);
});

test('not TLS lines: other tags, other messages; a message any component may print counts even without its prefix', () => {
  const text = [
    'E (9000) example: Failed to open new connection',           // right message, tag of an app
    'E (9000) esp-tls: Invalid arguments passed',
    'I (9000) esp-tls-mbedtls: Initialize the ATECC interface...',
    '  ! The certificate is not correctly signed by the trusted CA', // no "verification info:" before it
    'Failed to open new connection',                              // tag-bound message without its tag
    'printf: E (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700', // a mangled prefix: the message still tells
    'E(3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700',
  ].join('\n');
  assert.deepEqual(findTlsLogLines(text).map((l) => [l.line, l.tag, l.kind, l.codes]), [
    [5, '', 'handshake-failed', ['-0x2700']],
    [6, '', 'handshake-failed', ['-0x2700']],
  ]);
});

test('other shapes of the same failures (issue 18): pre-v4.2 esp-tls, mbedTLS debug, Arduino-ESP32, other components, bare lines', () => {
  const text = [
    'E (5123) esp-tls: mbedtls_ssl_handshake returned -0x2700',                                              // v4.0/4.1: one tag
    'I (5124) mbedtls: ssl_tls.c:8765 x509_verify_cert() returned -12288 (-0x3000)',                          // CONFIG_MBEDTLS_DEBUG
    '[E][ssl_client.cpp:37] _handle_error(): [start_ssl_client():273]: (-12288) X509 - Certificate verification failed, e.g. CRL, CA or signature check failed',
    'E (7001) aws_iot: failed! mbedtls_ssl_handshake returned -0x10',                                        // a component's own line
    'E (7002) Dynamic Impl: mbedtls_ssl_fetch_input error=29312',                                            // decimal, positive
    '\x1b[0;31mE (7003) esp-x509-crt-bundle: Certificate matched but signature verification failed\x1b[0m',
    'mbedtls_ssl_handshake returned -0x7200',                                                               // pasted without a prefix
    'E (4030) APP: mbedtls_pk_parse_key failed: -15616 (-0x3d00)',                                        // an application's own report
    '[ 12345][E][WiFiClientSecure.cpp:135] connect(): start_ssl_client: -1',                                 // no mbedTLS code: not read
  ].join('\r\n');
  assert.deepEqual(findTlsLogLines(text).map((l) => [l.line, l.level, l.tag, l.kind, l.codes]), [
    [0, 'E', 'esp-tls', 'handshake-failed', ['-0x2700']],
    [1, 'I', 'mbedtls', 'mbedtls-call-failed', ['-0x3000']],
    [2, 'E', 'ssl_client.cpp', 'mbedtls-strerror', ['-12288']],
    [3, 'E', 'aws_iot', 'handshake-failed', ['-0x10']],
    [4, 'E', 'Dynamic Impl', 'mbedtls-call-failed', ['29312']],
    [5, 'E', 'esp-x509-crt-bundle', 'bundle-signature-failed', []],
    [6, undefined, '', 'handshake-failed', ['-0x7200']],
    [7, 'E', 'APP', 'mbedtls-call-failed', ['-0x3d00']],
  ]);
});

test('build output: the bundle generator\'s failures', () => {
  const text = [
    '[1234/1300] Generating x509_crt_bundle',
    'gen_crt_bundle.py: Parsing certificates from /p/certs',
    'gen_crt_bundle.py: Invalid certificate in /p/certs/readme.pem',
    'No valid x509 certificates found in /p/empty',
    'gen_crt_bundle.py: Successfully added 3 certificates',
  ].join('\n');
  assert.deepEqual(findTlsLogLines(text).map((l) => [l.line, l.kind]), [[2, 'bundle-build-failed'], [3, 'bundle-build-failed']]);
  const findings = runRules(contextOf([{ file: '/work/proj/build.log', hash: 'b', logLines: findTlsLogLines(text) }])).filter((f) => f.rule === 'log-tls-failure');
  assert.match(findings[0].message, /^The build's bundle generator \(gen_crt_bundle\.py\) rejected the custom bundle input/);
});

test('the new shapes are explained: decimal codes decoded, bundle lines said in words', () => {
  const text = 'E (7002) Dynamic Impl: mbedtls_ssl_fetch_input error=29312\nE (7003) esp-x509-crt-bundle: Certificate matched but signature verification failed\n';
  const findings = runRules(contextOf([{ file: '/work/proj/monitor.log', hash: 'l', logLines: findTlsLogLines(text) }])).filter((f) => f.rule === 'log-tls-failure');
  assert.equal(findings.length, 2);
  assert.match(findings[0].message, /-0x7280/);
  assert.match(findings[1].message, /its key does not verify the chain/);
});

describe_causes: {
  const explain = (text: string, project?: ReturnType<typeof fakeProject>, extra: FileFacts[] = []) =>
    runRules(contextOf([{ file: '/work/proj/monitor.log', hash: 'l', logLines: findTlsLogLines(text), logEvidence: findLogEvidence(text) }, ...extra], project))
      .filter((f) => f.rule === 'log-tls-failure').map((f) => f.message);

  test('the same code, another cause: TLS spoken to a plain ws:// server (issue 18 shape)', () => {
    const [m] = explain('I (5000) transport_ws: Connecting to ws://192.168.1.10:8080/ws\nE (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200\n');
    assert.match(m, /^The connection is to a plain ws:\/\/ URL: .* Evidence: line 1: `I \(5000\) transport_ws: Connecting to ws:\/\/192\.168\.1\.10:8080\/ws`\. Use the TLS scheme/);
    assert.match(m, /\(`-0x7200` SSL - /, 'the library text last');
    const [plainTls] = explain('I (5000) HTTP_CLIENT: Requesting https://api.example.com/v1\nE (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200\n');
    assert.match(plainTls, /^A TLS record did not fit/, 'an https URL: the record-size explanation stands');
  });

  test('memory ran out just before: that is the cause, not the bundle', () => {
    const [m] = explain('E (4000) esp-aes: Failed to allocate memory\nE (4001) esp-x509-crt-bundle: PK verify failed with error FFFFBF00\nE (4002) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000\n');
    assert.match(m, /^Memory ran out just before the failure: .* Evidence: line 1: `E \(4000\) esp-aes: Failed to allocate memory`/);
  });

  test('under the HTTPS server\'s tag the ESP32 is the server', () => {
    const [m] = explain('E (9000) esp_https_server: mbedtls_ssl_handshake returned -0x7780\n');
    assert.match(m, /^Here the ESP32 is the server/);
  });

  test('the open project adds its evidence: the full bundle already in use, the name check (and SNI) skipped', async () => {
    const log = 'E (9000) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000\n';
    const [full] = explain(log, fakeProject({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL: 'y' }));
    assert.match(full, /^This project already uses the full certificate bundle/);
    const app: FileFacts = { file: '/work/proj/main/app.c', hash: 'a', c: await extractC('void f(void) { esp_http_client_config_t cfg = { .url = "https://api.example.com", .crt_bundle_attach = esp_crt_bundle_attach, .skip_cert_common_name_check = true }; esp_http_client_init(&cfg); }') };
    const [skip] = explain(log, fakeProject({}), [app]);
    assert.match(skip, /^In this project, `cfg` skips the server name check, which also stops SNI/);
  });

  test('-0x2700 in a project that pins an intermediate: the pinned CA is the cause', async () => {
    const { makeChain } = await import('../support/certs');
    const { NOW } = await import('../support/analyse');
    const chain = await makeChain({ now: NOW, key: 'p256' });
    const literal = chain.intermediate.pem.trim().split('\n').map((l) => `"${l}\\n"`).join('\n');
    const app: FileFacts = { file: '/work/proj/main/app.c', hash: 'p', c: await extractC(`static const char ca[] =\n${literal};\nvoid f(void) { esp_http_client_config_t cfg = { .url = "https://api.example.com", .cert_pem = ca }; esp_http_client_init(&cfg); }`) };
    const [m] = explain('E (9000) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n', fakeProject({}), [app]);
    assert.match(m, /^In this project, `cfg` trusts Test Intermediate CA, an intermediate CA, not a root/);
  });

  test('the boot banner\'s ESP-IDF version picks the Mbed TLS version of the decoding', () => {
    const [v4] = explain('I (27) boot: ESP-IDF v4.4.8 2nd stage bootloader\nE (9000) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x6E00\n');
    assert.match(v4, /Mbed TLS 2\.28|NewSessionTicket/);
    const [v5] = explain('I (27) boot: ESP-IDF v5.3.1 2nd stage bootloader\nE (9000) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x6E00\n');
    assert.match(v5, /handshake negotiation failed/);
  });
}

test('verifyInfoFlag: exact and cut reasons; too short to tell', () => {
  assert.equal(verifyInfoFlag('The certificate validity has expired'), 'MBEDTLS_X509_BADCERT_EXPIRED');
  assert.equal(verifyInfoFlag('The certificate validity starts in the fut'), 'MBEDTLS_X509_BADCERT_FUTURE');
  assert.equal(verifyInfoFlag('The CRL is signed with an unacceptable hash.'), 'MBEDTLS_X509_BADCRL_BAD_MD');
  assert.equal(verifyInfoFlag('The certificate'), undefined);
  assert.equal(verifyInfoFlag(''), undefined);
});
