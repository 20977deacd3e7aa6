// Tokenizes ESP-IDF monitor captures with the TextMate engine VS Code uses and checks the scopes of
// syntaxes/esp-idf-log.tmLanguage.json: ESP_LOG lines (level letters with the scope names of VS Code's
// built-in Log grammar), CONFIG_LOG_COLORS escapes, error codes and names, ROM boot lines, the
// verify-info lines of esp-tls-mbedtls, and a panic report.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as vsctm from 'vscode-textmate';
import {
  assertNotScope, assertScope, createRegistry, hasScope, root, syntax, tokenize, tokensOf, type Token,
} from '../support/textmate';

const SCOPE = 'source.esp-idf-log';
let registry: vsctm.Registry;

before(async () => {
  registry = await createRegistry({ grammars: new Map([[SCOPE, syntax('esp-idf-log.tmLanguage.json')]]) });
});

const lex = (text: string): Promise<Token[]> => tokenize(registry, SCOPE, text);
const fixture = (name: string): string => readFileSync(path.join(root, 'test/fixtures/logs', name), 'utf8');
const lineOf = (lines: readonly string[], needle: string): number => {
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `a line has ${JSON.stringify(needle)}`);
  return i;
};

const ESC = '\x1b';

/** idf.py monitor on an ESP32-S3 with ESP-IDF v5.5.5: ROM boot, bootloader, app, a failed handshake. */
const v5 = fixture('idf-v5.5-handshake-failed.log');
const v5Lines = v5.split(/\r?\n/);

/** A panic report as idf.py monitor shows it (with its decoded backtrace line). */
const panic = [
  '--- idf_monitor on /dev/ttyUSB0 115200 ---',
  '--- Quit: Ctrl+] | Menu: Ctrl+T | Help: Ctrl+T followed by Ctrl+H ---',
  'ESP_ERROR_CHECK failed: esp_err_t 0x8017 (ESP_ERR_MBEDTLS_SSL_SETUP_FAILED) at 0x400d2f1e',
  'file: "main/app_main.c" line 42',
  'func: app_main',
  'expression: esp_tls_conn_new_sync(host, len, 443, &cfg, tls)',
  '',
  'abort() was called at PC 0x40088bdb on core 0',
  '',
  'Guru Meditation Error: Core  0 panic\'ed (LoadProhibited). Exception was unhandled.',
  '',
  'Core  0 register dump:',
  'PC      : 0x400d2f1e  PS      : 0x00060b30  A0      : 0x800d3a4c  A1      : 0x3ffb5e40  ',
  'EXCCAUSE: 0x0000001c  EXCVADDR: 0x00000000  LBEG    : 0x4000c2e0  LEND    : 0x4000c2f6  ',
  '',
  'Backtrace: 0x400d2f1b:0x3ffb5e40 0x400d3a49:0x3ffb5e70 0x40089c5e:0x3ffb5e90 |<-CORRUPTED',
  '--- 0x400d2f1b: app_main at /home/dev/proj/main/app_main.c:42',
  '',
  'ELF file SHA256: 8d5c5c3e1f0a9b21',
  '',
  'Rebooting...',
];

test('ROM bootloader lines are comments, with reset and boot reasons as constants', async () => {
  const tokens = await lex(v5);
  for (const l of ['ESP-ROM:esp32s3-20210327', 'Build:Mar 27 2021', 'SPIWP:0xee', 'mode:DIO, clock div:1', 'load:0x3fce2810,len:0x178c', 'entry 0x403c8914']) {
    assertScope(tokens, l, 'comment.line.rom.esp-idf-log', lineOf(v5Lines, l));
  }
  const rst = lineOf(v5Lines, 'rst:0x1');
  assertScope(tokens, 'rst:0x1 (', 'comment.line.rom.esp-idf-log', rst);
  assertScope(tokens, 'POWERON', 'constant.language.reason.esp-idf-log', rst);
  assertScope(tokens, 'SPI_FAST_FLASH_BOOT', 'constant.language.reason.esp-idf-log', rst);

  const v4 = fixture('idf-v4.4-handshake-failed.log');
  const v4Tokens = await lex(v4);
  assertScope(v4Tokens, 'ets Jun  8 2016 00:22:57', 'comment.line.rom.esp-idf-log', 0);
  assertScope(v4Tokens, 'POWERON_RESET', 'constant.language.reason.esp-idf-log', 2);
  assertScope(v4Tokens, 'clk_drv:0x00,q_drv:0x00', 'comment.line.rom.esp-idf-log', 4);
});

test('ESP_LOG lines: level letters use the built-in Log grammar scopes, tag, timestamp, colour escapes', async () => {
  const tokens = await lex(v5);
  const boot = lineOf(v5Lines, 'I (27) boot: ESP-IDF v5.5.5');
  assertScope(tokens, `${ESC}[0;32m`, 'comment.other.ansi-escape.esp-idf-log', boot);
  assertScope(tokens, 'I', 'log.info', boot);
  assertScope(tokens, 'I', 'markup.inserted', boot);
  assertScope(tokens, '27', 'log.date', boot);
  assertScope(tokens, '(', 'punctuation.definition.timestamp.begin.esp-idf-log', boot);
  assertScope(tokens, 'boot', 'entity.name.tag.log-tag.esp-idf-log', boot);
  assertScope(tokens, ': ', 'meta.log-line.info.esp-idf-log', boot);
  assertScope(tokens, `${ESC}[0m`, 'comment.other.ansi-escape.esp-idf-log', boot);
  assertNotScope(tokens, 'ESP-IDF v5.5.5 2nd stage bootloader', 'comment', boot);

  const warn = lineOf(v5Lines, 'W (303) spi_flash');
  assertScope(tokens, `${ESC}[0;33m`, 'comment.other.ansi-escape.esp-idf-log', warn);
  assertScope(tokens, 'W', 'log.warning', warn);
  assertScope(tokens, 'W', 'markup.deleted', warn);
  assertScope(tokens, 'spi_flash', 'entity.name.tag', warn);
  assertScope(tokens, 'Detected size(8192k) larger than the size', 'meta.log-line.warning.esp-idf-log', warn);

  const handshake = lineOf(v5Lines, 'mbedtls_ssl_handshake returned -0x2700');
  assertScope(tokens, `${ESC}[0;31m`, 'comment.other.ansi-escape.esp-idf-log', handshake);
  assertScope(tokens, 'E', 'log.error', handshake);
  assertScope(tokens, 'E', 'string.regexp', handshake);
  assertScope(tokens, 'E', 'strong', handshake);
  assertScope(tokens, '3515', 'log.date', handshake);
  assertScope(tokens, 'esp-tls-mbedtls', 'entity.name.tag', handshake);
  assertScope(tokens, '-0x2700', 'constant.numeric.hex.esp-idf-log', handshake);
  assertNotScope(tokens, 'mbedtls_ssl_handshake returned ', 'constant', handshake);
  // Only the letter carries the level scope, not the message.
  assertNotScope(tokens, 'mbedtls_ssl_handshake returned ', 'log.error', handshake);

  const config = lineOf(v5Lines, 'Failed to set client configurations');
  assertScope(tokens, '0x8017', 'constant.numeric.hex.esp-idf-log', config);
  assertScope(tokens, 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED', 'constant.other.error-name.esp-idf-log', config);
  assertNotScope(tokens, '[', 'constant', config);

  const last = lineOf(v5Lines, 'Last error reported from esp-tls: 0x801a');
  assertScope(tokens, '0x801a', 'constant.numeric.hex.esp-idf-log', last);
  assertScope(tokens, 'mqtts_example', 'entity.name.tag', last);
});

test('system-time timestamps, D/V levels, the monitor --timestamps prefix, a lost ESC byte, wifi: tags', async () => {
  const sample = [
    `${ESC}[0;31mE (12:34:56.789) esp-tls: Failed to open new connection${ESC}[0m`,
    'D (00:00:05.240) esp-tls: handshake in progress...',
    'V (4510) transport_base: poll_read: select - Timeout before any socket was ready!',
    `2026-03-10 10:15:02.118 ${ESC}[0;33mW (4512) esp-tls: Failed to open new connection in specified timeout${ESC}[0m`,
    '[0;31mE (4520) esp-tls-mbedtls: mbedtls_x509_crt_parse of CA cert returned -0x2180[0m',
    'I (1234) wifi:new:<1,0>, old:<1,0>, ap:<255,255>, sta:<1,0>, prof:1',
    'E (3456) example: esp_err 0x7780 MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, not E (1) inside',
  ].join('\n');
  const tokens = await lex(sample);
  assertScope(tokens, '12:34:56.789', 'log.date', 0);
  assertScope(tokens, 'E', 'log.error', 0);
  assertScope(tokens, 'D', 'log.debug', 1);
  assertScope(tokens, 'D', 'markup.changed', 1);
  assertScope(tokens, '00:00:05.240', 'comment.other.timestamp.esp-idf-log', 1);
  assertScope(tokens, 'V', 'log.verbose', 2);
  assertScope(tokens, 'V', 'comment', 2);
  assertScope(tokens, 'transport_base', 'entity.name.tag', 2);
  assertScope(tokens, '2026-03-10 10:15:02.118 ', 'comment.other.monitor-timestamp.esp-idf-log', 3);
  assertScope(tokens, 'W', 'log.warning', 3);
  assertScope(tokens, '[0;31m', 'comment.other.ansi-escape.esp-idf-log', 4);
  assertScope(tokens, 'E', 'log.error', 4);
  assertScope(tokens, '-0x2180', 'constant.numeric.hex', 4);
  assertScope(tokens, '[0m', 'comment.other.ansi-escape.esp-idf-log', 4);
  assertScope(tokens, 'wifi', 'entity.name.tag', 5);
  assertScope(tokens, 'new:<1,0>, old:<1,0>', 'meta.message.esp-idf-log', 5);
  assertScope(tokens, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE', 'constant.other.error-name.esp-idf-log', 6);
  // Only the letter at the start of a line is a level.
  const inner = tokensOf(tokens, 'not E (1) inside', 6);
  assert.ok(inner.every((t) => !hasScope(t.scopes, 'log.error')), 'a level-like text inside a message is not a level');
});

test('verification info: the "  ! " reasons on the D line and its continuation lines', async () => {
  const v4 = fixture('idf-v4.4-handshake-failed.log');
  const lines = v4.split(/\r?\n/);
  const tokens = await lex(v4);
  const info = lineOf(lines, 'verification info:');
  assertScope(tokens, 'D', 'log.debug', info);
  assertScope(tokens, '!', 'punctuation.definition.list.verify-info.esp-idf-log', info);
  assertScope(tokens, 'The certificate Common Name (CN) does not match with the expected CN', 'markup.deleted.verify-info.esp-idf-log', info);
  assertScope(tokens, '  ! The certificate is not', 'meta.verify-info.esp-idf-log', info + 1);
  assertScope(tokens, 'The certificate is not', 'log.warning', info + 1);
  // The CRLF capture tokenizes like the LF one (the helper splits lines the way the editor does).
  assertScope(tokens, '-0x2700', 'constant.numeric.hex', lineOf(lines, 'mbedtls_ssl_handshake returned'));
});

test('panic report: error lines, register dump, backtrace, decoded address, monitor lines', async () => {
  const tokens = await lex(panic.join('\n'));
  assertScope(tokens, '--- idf_monitor on /dev/ttyUSB0 115200 ---', 'comment.line.monitor.esp-idf-log', 0);
  assertScope(tokens, 'ESP_ERROR_CHECK failed: esp_err_t ', 'log.error', 2);
  assertScope(tokens, '0x8017', 'constant.numeric.hex', 2);
  assertScope(tokens, 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED', 'constant.other.error-name', 2);
  assertScope(tokens, 'abort() was called at PC ', 'meta.panic.esp-idf-log', 7);
  assertScope(tokens, 'Guru Meditation Error: Core  0 panic\'ed (LoadProhibited).', 'log.error', 9);
  assertScope(tokens, 'Core  0 register dump:', 'keyword.other.register-dump.esp-idf-log', 11);
  assertScope(tokens, 'PC', 'variable.other.register.esp-idf-log', 12);
  assertScope(tokens, '0x400d2f1e', 'constant.numeric.hex', 12);
  assertScope(tokens, 'EXCVADDR', 'variable.other.register.esp-idf-log', 13);
  assertScope(tokens, 'Backtrace', 'keyword.other.backtrace.esp-idf-log', 15);
  assertScope(tokens, '0x400d3a49', 'constant.numeric.hex', 15);
  assertScope(tokens, '|<-CORRUPTED', 'invalid.illegal.corrupted.esp-idf-log', 15);
  assertScope(tokens, '0x400d2f1b', 'constant.numeric.hex.address.esp-idf-log', 16);
  assertScope(tokens, 'app_main', 'entity.name.function.esp-idf-log', 16);
  assertScope(tokens, '/home/dev/proj/main/app_main.c', 'string.unquoted.path.esp-idf-log', 16);
  assertScope(tokens, '42', 'constant.numeric.line-number.esp-idf-log', 16);
  assertScope(tokens, 'ELF file SHA256: 8d5c5c3e1f0a9b21', 'comment.line.panic.esp-idf-log', 18);
  assertScope(tokens, 'Rebooting...', 'comment.line.panic.esp-idf-log', 20);
});
