// Issue 18: a monitor log read as connection attempts (logs/attempts.ts), and the causes ranked over each
// attempt's own lines and the open project (rules/logCauses.ts, rules/logProject.ts). The logs are our own,
// in the shapes real monitor output has: ESP_LOG lines with ms or wall-clock stamps, esptool's chip line
// before the monitor, the ROM and bootloader banners, esp_https_server's follow-up line, SNTP's sync line.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { tlsAttempts } from '../../server/src/logs/attempts';
import { findLogEvidence } from '../../server/src/logs/evidence';
import { findTlsLogLines } from '../../server/src/logs/tlsLines';
import { runRules } from '../../server/src/rules/index';
import { extractC } from '../../server/src/c/extract';
import type { FileFacts } from '../../server/src/rules/context';
import { contextOf, fakeProject } from '../support/analyse';

const attempts = (text: string) => tlsAttempts(findTlsLogLines(text), findLogEvidence(text));
const explain = (text: string, project?: ReturnType<typeof fakeProject>, extra: FileFacts[] = []) =>
  runRules(contextOf([{ file: '/work/proj/monitor.log', hash: 'l', logLines: findTlsLogLines(text), logEvidence: findLogEvidence(text) }, ...extra], project))
    .filter((f) => f.rule === 'log-tls-failure').map((f) => f.message);

describe('connection attempts', () => {
  it('splits a log at each URL and keeps each attempt\'s own URL, time, chip and ESP-IDF version', () => {
    const log = [
      'Chip is ESP32-C3 (QFN32) (revision v0.4)',
      'ESP-ROM:esp32c3-api1-20210207',
      'I (27) boot: ESP-IDF v5.1.2 2nd stage bootloader',
      'I (5000) transport_ws: Connecting to ws://192.168.1.10:8080/ws',
      'E (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200',
      'E (5101) esp-tls: Failed to open new connection',
      'I (9000) HTTP_CLIENT: Requesting https://api.example.com:8443/v1',
      'E (9100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200',
    ].join('\n');
    const [ws, https] = attempts(log);
    assert.deepEqual([ws.url?.scheme, ws.url?.host, ws.url?.port, ws.sinceBootMs, ws.chip, ws.idfVersion], ['ws', '192.168.1.10', 8080, 5100, 'ESP32-C3', '5.1.2']);
    assert.deepEqual(ws.lines.map((l) => l.line), [4, 5]);
    assert.deepEqual([https.url?.scheme, https.url?.host, https.url?.port, https.retries], ['https', 'api.example.com', 8443, 1]);
    const [plain, tls] = explain(log).filter((m) => /-0x7200/.test(m));
    assert.match(plain, /^The connection is to a plain ws:\/\/ URL/);
    assert.doesNotMatch(tls, /plain ws/, 'the second attempt is not judged by the first one\'s URL');
  });

  it('the ESP32 is the server when esp_https_server reports the session after the handshake line', () => {
    const log = 'E (20100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7780\nW (20101) httpd: httpd_accept_conn: session creation failed\n';
    assert.equal(attempts(log)[0].role, 'server');
    assert.match(explain(log)[0], /^Here the ESP32 is the server/);
    assert.equal(attempts('E (20100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7780\n')[0].role, 'client');
  });
});

describe('causes from the log', () => {
  it('FUTURE with no clock line before: the clock; with SNTP\'s sync line before: the flag\'s own reading', () => {
    const failure = 'E (4000) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\nW (4001) esp-tls-mbedtls: verification info:   ! The certificate validity starts in the future\n';
    assert.match(explain(failure)[0], /^The device clock was not set when it connected, 4\.0 s after boot/);
    const synced = explain('I (3000) example: Notification of a time synchronization event\n' + failure)[0];
    assert.match(synced, /^The verification info says why: FUTURE/);
  });

  it('an allocation failure after the application printed little free heap: the heap, with its figure', () => {
    const log = 'I (7000) app: Free heap: 23456\nI (7100) HTTP_CLIENT: Requesting https://ota.example.com/fw.bin\nE (7200) esp-tls-mbedtls: mbedtls_ssl_setup returned -0x7F00\n';
    assert.match(explain(log)[0], /^Free heap was 23 KB shortly before: too little for a TLS session.* Evidence: line 1: `I \(7000\) app: Free heap: 23456`/);
    assert.doesNotMatch(explain(log.replace('23456', '123456'))[0], /^Free heap was/, 'enough heap: the code\'s own reading');
  });

  it('CN_MISMATCH when the URL is an IP address: says so, and that v4.3\'s Mbed TLS 2.16 matches no IP SAN', () => {
    const log = 'I (27) boot: ESP-IDF v4.3.1 2nd stage bootloader\nI (800) HTTP_CLIENT: Requesting https://10.0.0.5/update\n'
      + 'E (900) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\nW (901) esp-tls-mbedtls: verification info:   ! The certificate Common Name (CN) does not match with the expected CN\n';
    const [m] = explain(log);
    assert.match(m, /^The device connects by IP address \(10\.0\.0\.5\).* ESP-IDF v4\.3\.1 ships Mbed TLS 2\.16\.11, which matches no IP address subjectAltName/);
    assert.doesNotMatch(explain(log.replace('v4.3.1', 'v5.3.1'))[0], /ships Mbed TLS/, 'Mbed TLS 3.6 does match IP SANs');
  });

  it('a cloud whose root is well known, by host: Azure IoT Hub and DigiCert Global Root G2', () => {
    const [m] = explain('I (100) mqtt: connecting to mqtts://myhub.azure-devices.net:8883\nE (900) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n');
    assert.match(m, /^The device talks to Azure IoT Hub.*DigiCert Global Root G2/);
    const expired = explain('I (100) mqtt: connecting to mqtts://myhub.azure-devices.net:8883\nE (900) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\nW (901) esp-tls-mbedtls: verification info:   ! The certificate validity has expired\n')[0];
    assert.doesNotMatch(expired, /Azure/, 'another verify flag says what failed: the cloud guess stays out');
  });
});

describe('the chain mbedTLS\'s debug output printed, against the bundle of the release', () => {
  // CONFIG_MBEDTLS_DEBUG dumps the peer chain (mbedtls_x509_crt_info, leaf first) before the verify result.
  const log = (banner: string, topIssuer: string) => [
    `I (27) boot: ESP-IDF ${banner} 2nd stage bootloader`,
    'I (16900) mbedtls: ssl_tls.c:7911 peer certificate #1:',
    'I (16900) mbedtls: ssl_tls.c:7911 issuer name       : C=US, O=Google Trust Services, CN=WE1',
    'I (16900) mbedtls: ssl_tls.c:7911 subject name      : CN=api.example.com',
    'I (16910) mbedtls: ssl_tls.c:7911 peer certificate #2:',
    `I (16910) mbedtls: ssl_tls.c:7911 issuer name       : ${topIssuer}`,
    'I (16910) mbedtls: ssl_tls.c:7911 subject name      : C=US, O=Google Trust Services LLC, CN=GTS Root R4',
    'E (18730) esp-x509-crt-bundle: Failed to verify certificate',
    'E (18740) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000',
  ].join('\n');
  const globalSign = 'C=BE, O=GlobalSign nv-sa, OU=Root CA, CN=GlobalSign Root CA';
  it('names the root the bundle looked for and the release that dropped it', () => {
    const [m] = explain(log('v6.0.1', globalSign)).filter((x) => /-0x3000/.test(x));
    assert.match(m, /^The certificate bundle has no root "GlobalSign Root CA", the issuer of the last certificate the server sent: ESP-IDF v6\.0's bundle no longer has it \(v5\.5 was the last release whose bundle did\)\./);
    assert.match(m, /Evidence: line 8: `Failed to verify certificate`; line 6: `issuer name: C=BE, O=GlobalSign nv-sa, OU=Root CA, CN=GlobalSign Root CA`/);
    assert.match(m, /CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY/);
  });
  it('a release whose full bundle has it: the bundle in use leaves it out; an unknown name: the general reading', () => {
    assert.match(explain(log('v5.5.2', globalSign)).find((x) => /-0x3000/.test(x))!, /ESP-IDF v5\.5's full bundle has it, so the bundle in use \(the common list or a custom one\) leaves it out/);
    assert.match(explain(log('v6.0.1', 'CN=Example Private Root')).find((x) => /-0x3000/.test(x))!, /^The certificate bundle rejected the chain\. No root in the certificate bundle issued/);
  });
});

describe('what the project adds: "In this project, ..."', () => {
  const tooLong = 'I (5000) HTTP_CLIENT: Requesting https://ota.example.com/fw.bin\nE (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200\n';
  it('-0x7200: the incoming record buffer of the sdkconfig, either way', () => {
    const small = explain(tooLong, fakeProject({ CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN: 'y', CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN: '4096' }))[0];
    assert.match(small, /^In this project CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN is 4096: a server that sends a full 16 KB record/);
    const full = explain(tooLong, fakeProject({ CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN: 'n', CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN: '16384' }))[0];
    assert.match(full, /^In this project CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN is 16384, so a record was not too large/);
  });

  it('-0x3000 after the bundle\'s lookup line, in a project on the common bundle: both, the log\'s first', () => {
    const log = 'E (6120) esp-x509-crt-bundle: Failed to verify certificate\nE (6122) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x3000\n';
    const m = explain(log, fakeProject({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN: 'y' }))[1];
    assert.match(m, /^The certificate bundle rejected the chain\..* Evidence: line 1: `Failed to verify certificate`\..* Also: In this project the bundle is the common one/);
  });

  it('-0x2700 without verification info in a project that checks dates and never sets the clock', async () => {
    const app: FileFacts = { file: '/work/proj/main/app.c', hash: 'a', c: await extractC('void f(void) { esp_http_client_config_t cfg = { .url = "https://api.example.com", .crt_bundle_attach = esp_crt_bundle_attach }; esp_http_client_init(&cfg); }') };
    const log = 'E (900) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n';
    assert.match(explain(log, fakeProject({ CONFIG_MBEDTLS_HAVE_TIME_DATE: 'y' }), [app])[0], /^In this project, CONFIG_MBEDTLS_HAVE_TIME_DATE checks certificate dates but no code sets the clock/);
    const sntp: FileFacts = { file: '/work/proj/main/time.c', hash: 't', c: await extractC('void t(void) { esp_sntp_init(); }') };
    assert.doesNotMatch(explain(log, fakeProject({ CONFIG_MBEDTLS_HAVE_TIME_DATE: 'y' }), [app, sntp])[0], /sets the clock/);
  });
});

describe('the Decode view of a pasted excerpt', () => {
  it('puts each attempt\'s context above its first line: chip, ESP-IDF and its Mbed TLS, host, time, retry', async () => {
    const { explainLogExcerpt } = await import('../../server/src/rules/logTlsFailure');
    const log = 'Chip is ESP32-C3 (QFN32) (revision v0.4)\nI (27) boot: ESP-IDF v5.1.2 2nd stage bootloader\nI (5000) HTTP_CLIENT: Requesting https://api.example.com/v1\n'
      + 'E (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n'
      + 'I (9000) HTTP_CLIENT: Requesting https://api.example.com/v1\nE (9100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n';
    const md = explainLogExcerpt(contextOf([]), log)!;
    assert.match(md, /^_ESP32-C3, ESP-IDF v5\.1\.2 \(Mbed TLS 3\.5\.0\), connecting to api\.example\.com:443, 5\.1 s after boot_\n\n\*\*Line 4\*\*/);
    assert.match(md, /_ESP32-C3, ESP-IDF v5\.1\.2 \(Mbed TLS 3\.5\.0\), connecting to api\.example\.com:443, 9\.1 s after boot, retry 1_\n\n\*\*Line 6\*\*/);
  });
});

describe('a retry loop', () => {
  it('explains a repeated failure once; the repeats point back, and the Decode view counts them', async () => {
    const once = 'E (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\nE (5101) esp-tls: Failed to open new connection\n';
    const log = Array.from({ length: 300 }, (_, i) => once.replace('5100', String(5100 + i * 1000))).join('');
    const messages = explain(log);
    assert.equal(messages.length, 300);
    assert.match(messages[0], /\(`-0x2700` X509 - Certificate verification failed/);
    assert.ok(messages.slice(1).every((m) => m === 'The same failure as line 1; see the explanation there.'));
    const { explainLogExcerpt } = await import('../../server/src/rules/logTlsFailure');
    const md = explainLogExcerpt(contextOf([]), log)!;
    assert.match(md, /\*\*Line 1\*\* `E \(5100\) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700` \(and 299 more times later\)/);
    assert.doesNotMatch(md, /Line 3\*\*/);
  });
});
