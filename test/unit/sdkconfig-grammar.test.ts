// Tokenizes sdkconfig samples with the TextMate engine VS Code uses and checks the scopes of
// syntaxes/sdkconfig.tmLanguage.json: values, `# CONFIG_X is not set`, the header kconfgen writes,
// the deprecated-options section, and the lines ESP-IDF's config tool (kconfiglib) does not read.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type * as vsctm from 'vscode-textmate';
import {
  assertNotScope, assertScope, createRegistry, hasScope, root, syntax, tokenize, tokensOf, type Token,
} from '../support/textmate';

const SCOPE = 'source.sdkconfig';
let registry: vsctm.Registry;

before(async () => {
  registry = await createRegistry({ grammars: new Map([[SCOPE, syntax('sdkconfig.tmLanguage.json')]]) });
});

const lex = (text: string): Promise<Token[]> => tokenize(registry, SCOPE, text);

/** An excerpt of the sdkconfig `idf.py set-target esp32s3 build` writes with ESP-IDF 5.1.2. */
const generated = [
  '#',
  '# Automatically generated file. DO NOT EDIT.',
  '# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project Configuration',
  '#',
  'CONFIG_SOC_ADC_SUPPORTED=y',
  'CONFIG_SOC_CAPS_ECO_VER_MAX=301',
  'CONFIG_IDF_CMAKE=y',
  'CONFIG_IDF_TARGET_ARCH_XTENSA=y',
  'CONFIG_IDF_TARGET_ARCH="xtensa"',
  'CONFIG_IDF_TARGET="esp32s3"',
  'CONFIG_IDF_TARGET_ESP32S3=y',
  'CONFIG_IDF_FIRMWARE_CHIP_ID=0x0009',
  '',
  '#',
  '# Build type',
  '#',
  'CONFIG_APP_BUILD_TYPE_APP_2NDBOOT=y',
  '# CONFIG_APP_BUILD_TYPE_RAM is not set',
  'CONFIG_APP_BUILD_GENERATE_BINARIES=y',
  '# end of Build type',
  '',
  '#',
  '# Component config',
  '#',
  '',
  '#',
  '# mbedTLS',
  '#',
  'CONFIG_MBEDTLS_INTERNAL_MEM_ALLOC=y',
  '# CONFIG_MBEDTLS_DEFAULT_MEM_ALLOC is not set',
  'CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y',
  'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384',
  'CONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN=4096',
  '',
  '#',
  '# Certificate Bundle',
  '#',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y',
  '# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL is not set',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN=y',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS=200',
  '# end of Certificate Bundle',
  '',
  'CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs/ca \\"prod\\".pem"',
  'CONFIG_MBEDTLS_PSK_MODES=y',
  '# end of mbedTLS',
  '# end of Component config',
  '',
  '# Deprecated options for backward compatibility',
  '# CONFIG_APP_BUILD_TYPE_ELF_RAM is not set',
  'CONFIG_FLASHMODE_DIO=y',
  'CONFIG_ESP32_APPTRACE_DEST_NONE=y',
  '# End of deprecated options',
  '',
].join('\n');
const genLines = generated.split('\n');
const lineOf = (lines: string[], text: string): number => {
  const i = lines.indexOf(text);
  assert.ok(i >= 0, `sample has ${JSON.stringify(text)}`);
  return i;
};

test('generated sdkconfig: header, with the IDF version as a number inside the comment', async () => {
  const tokens = await lex(generated);
  assertScope(tokens, '#', 'comment.line.number-sign.sdkconfig', 0);
  assertScope(tokens, '# Automatically generated file. DO NOT EDIT.', 'comment.line.number-sign.header.sdkconfig', 1);
  assertScope(tokens, '#', 'punctuation.definition.comment.sdkconfig', 1);
  const version = genLines[2];
  assertScope(tokens, version, 'comment.line.number-sign.header.sdkconfig', 2);
  assertScope(tokens, '5.1.2', 'constant.numeric.version.sdkconfig', 2);
  assertNotScope(tokens, 'Espressif IoT Development Framework (ESP-IDF) ', 'constant.numeric', 2);
  assertNotScope(tokens, ' Project Configuration', 'constant.numeric', 2);
});

test('generated sdkconfig: names, =, y/n, decimal, hex and string values', async () => {
  const tokens = await lex(generated);
  const adc = lineOf(genLines, 'CONFIG_SOC_ADC_SUPPORTED=y');
  assertScope(tokens, 'CONFIG_SOC_ADC_SUPPORTED', 'variable.other.constant.sdkconfig', adc);
  assertScope(tokens, '=', 'keyword.operator.assignment.sdkconfig', adc);
  assertScope(tokens, 'y', 'constant.language.boolean.true.sdkconfig', adc);
  assertScope(tokens, 'CONFIG_SOC_ADC_SUPPORTED=y', 'meta.assignment.sdkconfig', adc);
  // The name is one token, not split at underscores or digits.
  assert.equal(tokensOf(tokens, 'CONFIG_SOC_ADC_SUPPORTED', adc).length, 1);

  const inLen = lineOf(genLines, 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384');
  assertScope(tokens, 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN', 'variable.other.constant.sdkconfig', inLen);
  assertScope(tokens, '16384', 'constant.numeric.integer.decimal.sdkconfig', inLen);
  assertScope(tokens, '301', 'constant.numeric.integer.decimal.sdkconfig');

  const chip = lineOf(genLines, 'CONFIG_IDF_FIRMWARE_CHIP_ID=0x0009');
  assertScope(tokens, '0x0009', 'constant.numeric.integer.hexadecimal.sdkconfig', chip);
  assert.equal(tokensOf(tokens, '0x0009', chip).length, 1);

  const target = lineOf(genLines, 'CONFIG_IDF_TARGET="esp32s3"');
  assertScope(tokens, '"esp32s3"', 'string.quoted.double.sdkconfig', target);
  assertScope(tokens, '"', 'punctuation.definition.string.begin.sdkconfig', target);
  assertNotScope(tokens, 'esp32s3', 'constant', target);

  // kconfgen escapes `"` and `\` in strings.
  const bundle = genLines.findIndex((l) => l.startsWith('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH='));
  const literal = '"certs/ca \\"prod\\".pem"';
  assertScope(tokens, literal, 'string.quoted.double.sdkconfig', bundle);
  assertScope(tokens, '\\"', 'constant.character.escape.sdkconfig', bundle);
  assertScope(tokens, 'certs/ca ', 'string.quoted.double.sdkconfig', bundle);
  assertNotScope(tokens, 'certs/ca ', 'constant.character.escape', bundle);
  const closing = tokensOf(tokens, literal, bundle).at(-1)!;
  assert.equal(closing.text, '"');
  assert.ok(hasScope(closing.scopes, 'punctuation.definition.string.end.sdkconfig'), closing.scopes.join(' '));

  for (const t of tokens) assert.ok(!hasScope(t.scopes, 'invalid'), `no invalid token in a generated file: ${JSON.stringify(t.text)}`);
});

test('generated sdkconfig: `# CONFIG_X is not set` is a value (name highlighted), not a plain comment', async () => {
  const tokens = await lex(generated);
  const unset = lineOf(genLines, '# CONFIG_MBEDTLS_DEFAULT_MEM_ALLOC is not set');
  assertScope(tokens, genLines[unset], 'meta.unset.sdkconfig', unset);
  assertScope(tokens, 'CONFIG_MBEDTLS_DEFAULT_MEM_ALLOC', 'variable.other.constant.sdkconfig', unset);
  assertNotScope(tokens, 'CONFIG_MBEDTLS_DEFAULT_MEM_ALLOC', 'comment', unset);
  assertScope(tokens, '#', 'punctuation.definition.comment.sdkconfig', unset);
  assertScope(tokens, '#', 'comment.line.number-sign.unset.sdkconfig', unset);
  assertScope(tokens, ' is not set', 'comment.line.unset.sdkconfig', unset);
  // An ordinary comment has no unset scope.
  assertNotScope(tokens, '# end of Build type', 'meta.unset');
});

test('generated sdkconfig: menu titles and `# end of` lines are ordinary comments', async () => {
  const tokens = await lex(generated);
  const title = lineOf(genLines, '# mbedTLS');
  assertScope(tokens, '#', 'comment.line.number-sign.sdkconfig', title - 1);
  assertScope(tokens, '# mbedTLS', 'comment.line.number-sign.sdkconfig', title);
  assertScope(tokens, '#', 'comment.line.number-sign.sdkconfig', title + 1);
  assertScope(tokens, '# end of Certificate Bundle', 'comment.line.number-sign.sdkconfig');
  assertNotScope(tokens, '# mbedTLS', 'comment.line.number-sign.header', title);
  assertNotScope(tokens, '# mbedTLS', 'meta.section.deprecated', title);
});

test('generated sdkconfig: the deprecated-options section wraps its values and ends at its marker', async () => {
  const tokens = await lex(generated);
  const begin = lineOf(genLines, '# Deprecated options for backward compatibility');
  const end = lineOf(genLines, '# End of deprecated options');
  assertScope(tokens, 'Deprecated options for backward compatibility', 'entity.name.section.deprecated.sdkconfig', begin);
  assertScope(tokens, genLines[begin], 'comment.line.number-sign.section.deprecated.begin.sdkconfig', begin);
  assertScope(tokens, 'End of deprecated options', 'entity.name.section.deprecated.sdkconfig', end);
  assertScope(tokens, genLines[end], 'comment.line.number-sign.section.deprecated.end.sdkconfig', end);
  for (let l = begin; l <= end; l++) assertScope(tokens, genLines[l], 'meta.section.deprecated.sdkconfig', l);
  // Inside, values keep their own scopes.
  assertScope(tokens, 'CONFIG_APP_BUILD_TYPE_ELF_RAM', 'variable.other.constant.sdkconfig', begin + 1);
  assertScope(tokens, genLines[begin + 1], 'meta.unset.sdkconfig', begin + 1);
  assertScope(tokens, 'CONFIG_FLASHMODE_DIO', 'variable.other.constant.sdkconfig', begin + 2);
  assertScope(tokens, 'y', 'constant.language.boolean.true.sdkconfig', begin + 2);
  // Before the section nothing is deprecated.
  assertNotScope(tokens, 'CONFIG_MBEDTLS_PSK_MODES=y', 'meta.section.deprecated');
  // After the end marker, values are no longer in the section.
  const after = await lex(`${generated.trimEnd()}\nCONFIG_LATE=n\n`);
  assertScope(after, 'n', 'constant.language.boolean.false.sdkconfig', end + 1);
  assertNotScope(after, 'CONFIG_LATE=n', 'meta.section.deprecated', end + 1);
});

/** A hand-edited sdkconfig.defaults that started as `idf.py save-defconfig` output (ESP-IDF 5.3.1). */
const defaults = [
  '# This file was generated using idf.py save-defconfig. It can be edited manually.',
  '# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Minimal Configuration',
  '#',
  'CONFIG_IDF_TARGET="esp32s3"',
  'CONFIG_ESPTOOLPY_FLASHSIZE_8MB=y',
  '',
  '# TLS: verify servers with the common CA bundle; TLS 1.3 off',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y',
  'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN=y',
  '# CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 is not set',
  '#CONFIG_MBEDTLS_DEBUG=y',
  'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384',
  'CONFIG_ESP_MAIN_TASK_STACK_SIZE=0x2000',
  '  CONFIG_MBEDTLS_DYNAMIC_BUFFER=y',
  '\t# CONFIG_ESP_TLS_INSECURE is not set',
  '  # an indented note',
  'CONFIG_LWIP_SNTP_MAX_SERVERS = 2',
  'MBEDTLS_HAVE_TIME=y',
  'CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y # for the test rig only',
  'CONFIG_ESP_WIFI_SSID=MyNetwork',
  'CONFIG_ESP_WIFI_PASSWORD="unterminated',
  'CONFIG_MBEDTLS_HARDWARE_AES=true',
  '',
].join('\n');
const defLines = defaults.split('\n');

test('sdkconfig.defaults: save-defconfig header, values, unset lines and comments', async () => {
  const tokens = await lex(defaults);
  assertScope(tokens, defLines[0], 'comment.line.number-sign.header.sdkconfig', 0);
  assertScope(tokens, defLines[1], 'comment.line.number-sign.header.sdkconfig', 1);
  assertScope(tokens, '5.3.1', 'constant.numeric.version.sdkconfig', 1);
  assertScope(tokens, '"esp32s3"', 'string.quoted.double.sdkconfig', 3);
  assertScope(tokens, 'CONFIG_ESPTOOLPY_FLASHSIZE_8MB', 'variable.other.constant.sdkconfig', 4);
  assertScope(tokens, 'y', 'constant.language.boolean.true.sdkconfig', 4);
  const note = lineOf(defLines, '# TLS: verify servers with the common CA bundle; TLS 1.3 off');
  assertScope(tokens, defLines[note], 'comment.line.number-sign.sdkconfig', note);
  assertNotScope(tokens, '1.3', 'constant.numeric', note);
  const unset = lineOf(defLines, '# CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 is not set');
  assertScope(tokens, 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3', 'variable.other.constant.sdkconfig', unset);
  assertScope(tokens, defLines[unset], 'meta.unset.sdkconfig', unset);
  // A commented-out assignment is a comment: the config tool does not read it.
  const commented = lineOf(defLines, '#CONFIG_MBEDTLS_DEBUG=y');
  assertScope(tokens, defLines[commented], 'comment.line.number-sign.sdkconfig', commented);
  assertNotScope(tokens, 'CONFIG_MBEDTLS_DEBUG', 'variable', commented);
  const stack = lineOf(defLines, 'CONFIG_ESP_MAIN_TASK_STACK_SIZE=0x2000');
  assertScope(tokens, '0x2000', 'constant.numeric.integer.hexadecimal.sdkconfig', stack);
});

test('sdkconfig.defaults: an indented CONFIG line is invalid (the config tool skips it), an indented comment is not', async () => {
  const tokens = await lex(defaults);
  const indented = lineOf(defLines, '  CONFIG_MBEDTLS_DYNAMIC_BUFFER=y');
  assertScope(tokens, defLines[indented], 'invalid.illegal.indented.sdkconfig', indented);
  assertNotScope(tokens, 'CONFIG_MBEDTLS_DYNAMIC_BUFFER', 'variable', indented);
  assertNotScope(tokens, 'y', 'constant.language', indented);
  const indentedUnset = lineOf(defLines, '\t# CONFIG_ESP_TLS_INSECURE is not set');
  assertScope(tokens, defLines[indentedUnset], 'invalid.illegal.indented.sdkconfig', indentedUnset);
  const indentedNote = lineOf(defLines, '  # an indented note');
  assertScope(tokens, '# an indented note', 'comment.line.number-sign.sdkconfig', indentedNote);
  assertNotScope(tokens, defLines[indentedNote], 'invalid', indentedNote);
});

test('sdkconfig.defaults: malformed lines and values are invalid', async () => {
  const tokens = await lex(defaults);
  const spaced = lineOf(defLines, 'CONFIG_LWIP_SNTP_MAX_SERVERS = 2');
  assertScope(tokens, defLines[spaced], 'invalid.illegal.malformed-line.sdkconfig', spaced);
  const noPrefix = lineOf(defLines, 'MBEDTLS_HAVE_TIME=y');
  assertScope(tokens, defLines[noPrefix], 'invalid.illegal.malformed-line.sdkconfig', noPrefix);

  // Text after a value is not a comment.
  const inline = lineOf(defLines, 'CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y # for the test rig only');
  assertScope(tokens, 'y', 'constant.language.boolean.true.sdkconfig', inline);
  assertScope(tokens, '# for the test rig only', 'invalid.illegal.trailing-characters.sdkconfig', inline);
  assertNotScope(tokens, '# for the test rig only', 'comment', inline);

  // A string option needs quotes; a quote must close; `true` is no value of any option type.
  const bare = lineOf(defLines, 'CONFIG_ESP_WIFI_SSID=MyNetwork');
  assertScope(tokens, 'MyNetwork', 'invalid.illegal.value.sdkconfig', bare);
  const open = lineOf(defLines, 'CONFIG_ESP_WIFI_PASSWORD="unterminated');
  assertScope(tokens, '"unterminated', 'invalid.illegal.unterminated-string.sdkconfig', open);
  assertNotScope(tokens, '"unterminated', 'string.quoted', open);
  const bool = lineOf(defLines, 'CONFIG_MBEDTLS_HARDWARE_AES=true');
  assertScope(tokens, 'true', 'invalid.illegal.value.sdkconfig', bool);
  // The bad lines do not leak into the next ones.
  assertScope(tokens, 'CONFIG_MBEDTLS_HARDWARE_AES', 'variable.other.constant.sdkconfig', bool);
});

test('values the file cannot type: loose bools, unprefixed hex, floats, negatives, empty, trailing spaces, CRLF', async () => {
  const text = [
    'CONFIG_A=yes', 'CONFIG_B=ff', 'CONFIG_C=1.5', 'CONFIG_D=-1', 'CONFIG_E=', 'CONFIG_F=n  ', 'CONFIG_G=""',
    '# default:', 'CONFIG_H=y', 'CONFIG_lower_case_name=y',
  ].join('\r\n');
  const tokens = await lex(text);
  // A bool reads only the first character, so `yes` works but is not shown as a clean `y`.
  assertScope(tokens, 'yes', 'string.unquoted.value.sdkconfig', 0);
  assertScope(tokens, 'ff', 'string.unquoted.value.sdkconfig', 1);
  assertScope(tokens, '1.5', 'constant.numeric.float.sdkconfig', 2);
  assertScope(tokens, '-1', 'constant.numeric.integer.decimal.sdkconfig', 3);
  assert.deepEqual(tokensOf(tokens, 'CONFIG_E=', 4).map((t) => t.text), ['CONFIG_E', '=']);
  assertScope(tokens, 'n', 'constant.language.boolean.false.sdkconfig', 5);
  assertNotScope(tokens, '  ', 'invalid', 5);
  assertScope(tokens, '""', 'string.quoted.double.sdkconfig', 6);
  // esp-idf-kconfig marks options left at their default with a pragma line.
  assertScope(tokens, 'default:', 'keyword.other.pragma.default.sdkconfig', 7);
  assertScope(tokens, '# default:', 'comment.line.number-sign.pragma.sdkconfig', 7);
  assertScope(tokens, 'CONFIG_lower_case_name', 'variable.other.constant.sdkconfig', 9);
  for (const t of tokens) assert.ok(!hasScope(t.scopes, 'invalid'), `no invalid token: ${JSON.stringify(t.text)}`);
});

test('ESP-IDF v4 header without a version number', async () => {
  const tokens = await lex('#\n# Espressif IoT Development Framework (ESP-IDF) Project Configuration\n#\n');
  assertScope(tokens, tokensOf(tokens, 'Espressif', 1).map((t) => t.text).join(''), 'comment.line.number-sign.header.sdkconfig', 1);
  for (const t of tokens) assert.ok(!hasScope(t.scopes, 'constant'), `no number: ${JSON.stringify(t.text)}`);
});

test('language configuration: # line comments, CONFIG_ names are one word', () => {
  const config = JSON.parse(readFileSync(syntax('sdkconfig.language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  // What VS Code does with wordPattern: the match that contains the cursor is the word.
  const wordAt = (line: string, column: number): string | undefined => {
    for (const m of line.matchAll(new RegExp(config.wordPattern, 'g'))) {
      if (m.index <= column && column < m.index + m[0].length) return m[0];
    }
    return undefined;
  };
  const line = 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384';
  for (const col of [0, 7, 15, 32]) assert.equal(wordAt(line, col), 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN', `column ${col}`);
  assert.equal(wordAt(line, 35), '16384');
  assert.equal(wordAt('# CONFIG_ESP_TLS_INSECURE is not set', 10), 'CONFIG_ESP_TLS_INSECURE');
  assert.equal(wordAt('CONFIG_IDF_FIRMWARE_CHIP_ID=0x0009', 30), '0x0009');
  assert.equal(wordAt('CONFIG_IDF_TARGET="esp32s3"', 20), 'esp32s3');
});

/** The file names the language should claim, and names that belong to other tools. */
const ours = ['sdkconfig', 'sdkconfig.defaults', 'sdkconfig.defaults.esp32s3', 'sdkconfig.defaults.release',
  'sdkconfig.ci', 'sdkconfig.ci.tls13', 'sdkconfig.ci.tls13.esp32c3', 'sdkconfig.old'];
const notOurs = ['Kconfig', 'Kconfig.projbuild', 'Kconfig.in', 'sdkconfig.h', 'sdkconfig.cmake', 'sdkconfig.json',
  'sdkconfig.rename', 'sdkconfig.rename.esp32s3', 'sdkconfig.txt', 'my.sdkconfig'];

test('manifest: the sdkconfig language claims sdkconfig files and leaves Kconfig to the ESP-IDF extension', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const language = manifest.contributes?.languages?.find((l: { id: string }) => l.id === 'sdkconfig');
  assert.ok(language, 'package.json contributes the sdkconfig language');
  const grammar = manifest.contributes.grammars.find((g: { language?: string }) => g.language === 'sdkconfig');
  assert.equal(grammar?.scopeName, SCOPE);
  assert.equal(path.resolve(root, grammar.path), syntax('sdkconfig.tmLanguage.json'));
  assert.equal(path.resolve(root, language.configuration), syntax('sdkconfig.language-configuration.json'));
  assert.equal(language.extensions, undefined, 'no extensions: `.defaults` or `.old` would claim unrelated files');
  // VS Code compares file names and basename patterns case-insensitively.
  const filenames: string[] = (language.filenames ?? []).map((f: string) => f.toLowerCase());
  const patterns = (language.filenamePatterns ?? []).map((p: string) => picomatch(p.toLowerCase(), { dot: true }));
  const claims = (name: string): boolean =>
    filenames.includes(name.toLowerCase()) || patterns.some((m: (s: string) => boolean) => m(name.toLowerCase()));
  for (const name of ours) assert.ok(claims(name), `claims ${name}`);
  for (const name of notOurs) assert.ok(!claims(name), `leaves ${name} alone`);
});
