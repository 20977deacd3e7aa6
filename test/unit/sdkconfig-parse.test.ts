import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  mergeSdkconfig, parseSdkconfig, serializeSdkconfig, unquoteSdkconfigValue,
} from '../../server/src/sdkconfig/parse';

const sample = [
  '#',
  '# Automatically generated file. DO NOT EDIT.',
  '# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project Configuration',
  '#',
  'CONFIG_IDF_TARGET="esp32s3"',
  'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384',
  '# CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 is not set',
  '',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y',
  '',
].join('\n');

test('classifies every line and keeps its 0-based number', () => {
  const parsed = parseSdkconfig(sample, '/p/sdkconfig');
  assert.equal(parsed.file, '/p/sdkconfig');
  assert.deepEqual(parsed.lines.map((l) => l.kind),
    ['comment', 'comment', 'comment', 'comment', 'value', 'value', 'unset', 'blank', 'value']);
  const target = parsed.lines[4];
  assert.equal(target.name, 'CONFIG_IDF_TARGET');
  assert.equal(target.value, '"esp32s3"');
  assert.equal(target.line, 4);
  assert.equal(parsed.lines[5].value, '16384');
  assert.equal(parsed.lines[6].name, 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3');
  assert.equal(parsed.lines[6].value, 'n');
  assert.equal(parsed.lines[8].value, 'y');
  assert.equal(parsed.lines[2].name, undefined);
});

test('round-trips LF, CRLF, mixed endings and a missing final newline byte for byte', () => {
  const texts = [
    sample,
    sample.replace(/\n/g, '\r\n'),
    'CONFIG_A=y\r\n# CONFIG_B is not set\nCONFIG_C="x"',
    '\n\n',
    '',
    'CONFIG_A=y   \t\r\n  odd line\n',
  ];
  for (const text of texts) {
    assert.equal(serializeSdkconfig(parseSdkconfig(text, 'f')), text, JSON.stringify(text));
  }
});

test('CRLF lines keep their values without the carriage return', () => {
  const parsed = parseSdkconfig('CONFIG_A=y\r\n# CONFIG_B is not set\r\nCONFIG_C=12\r\n', 'f');
  assert.equal(parsed.lines.length, 3);
  assert.deepEqual(parsed.lines.map((l) => [l.kind, l.name, l.value, l.eol]), [
    ['value', 'CONFIG_A', 'y', '\r\n'],
    ['unset', 'CONFIG_B', 'n', '\r\n'],
    ['value', 'CONFIG_C', '12', '\r\n'],
  ]);
  assert.equal(parsed.lines[0].raw, 'CONFIG_A=y');
});

test('a final newline does not make an extra line; an empty file has none', () => {
  assert.equal(parseSdkconfig('CONFIG_A=y\n', 'f').lines.length, 1);
  assert.equal(parseSdkconfig('CONFIG_A=y', 'f').lines[0].eol, '');
  assert.equal(parseSdkconfig('', 'f').lines.length, 0);
  assert.deepEqual(parseSdkconfig('\n', 'f').lines.map((l) => l.kind), ['blank']);
});

test('keeps odd lines as unknown instead of throwing, like kconfgen which warns and skips them', () => {
  const parsed = parseSdkconfig([
    '  CONFIG_INDENTED=y', // kconfiglib only matches at column 0
    'CONFIG_NO_VALUE',
    'garbage = 1',
    'CONFIG_SPACE IN_NAME=y',
    '#CONFIG_X is not set', // needs the space after '#': only a comment
    '   ',
    'CONFIG_TRAILING=y  ',
    'CONFIG_EMPTY=',
  ].join('\n'), 'f');
  assert.deepEqual(parsed.lines.map((l) => l.kind),
    ['unknown', 'unknown', 'unknown', 'unknown', 'comment', 'blank', 'value', 'value']);
  assert.equal(parsed.lines[6].value, 'y', 'trailing whitespace is not part of the value');
  assert.equal(parsed.lines[6].raw, 'CONFIG_TRAILING=y  ', 'raw keeps it for round trips');
  assert.equal(parsed.lines[7].value, '');
});

test('string values keep their quotes, escapes and any # inside', () => {
  const parsed = parseSdkconfig('CONFIG_S="a \\"b\\" # c\\\\d"\n', 'f');
  assert.equal(parsed.lines[0].kind, 'value');
  assert.equal(parsed.lines[0].value, '"a \\"b\\" # c\\\\d"');
  assert.equal(unquoteSdkconfigValue(parsed.lines[0].value ?? ''), 'a "b" # c\\d');
  assert.equal(unquoteSdkconfigValue('y'), 'y');
  assert.equal(unquoteSdkconfigValue('""'), '');
});

test('merge: later files win, an unset line overrides a value, file and line are recorded', () => {
  const merged = mergeSdkconfig([
    { file: 'defaults', text: 'CONFIG_A=y\nCONFIG_B=1\nCONFIG_C="x"\n' },
    { file: 'defaults.esp32s3', text: '# comment\nCONFIG_B=2\n' },
    { file: 'sdkconfig', text: '# CONFIG_A is not set\r\nCONFIG_D=y\r\n' },
  ]);
  assert.deepEqual(merged.get('CONFIG_A'), { name: 'CONFIG_A', value: 'n', file: 'sdkconfig', line: 0 });
  assert.deepEqual(merged.get('CONFIG_B'), { name: 'CONFIG_B', value: '2', file: 'defaults.esp32s3', line: 1 });
  assert.deepEqual(merged.get('CONFIG_C'), { name: 'CONFIG_C', value: '"x"', file: 'defaults', line: 2 });
  assert.equal(merged.get('CONFIG_D')?.line, 1);
  assert.equal(merged.size, 4);
});

test('within one file the last assignment wins, as kconfgen loads it', () => {
  const merged = mergeSdkconfig([{ file: 'f', text: 'CONFIG_A=1\nCONFIG_A=2\n' }]);
  assert.equal(merged.get('CONFIG_A')?.value, '2');
  assert.equal(merged.get('CONFIG_A')?.line, 1);
});
