// Tokenizes real samples with the TextMate engine VS Code uses (vscode-textmate + vscode-oniguruma)
// and checks the scopes of syntaxes/pem.tmLanguage.json and the C/C++ string injection
// syntaxes/pem-in-c.tmLanguage.json. The C and C++ grammars are VS Code's own, as shipped by the
// tm-grammars package (copied from microsoft/vscode extensions/cpp/syntaxes).
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as vsctm from 'vscode-textmate';
import { assertScope, createRegistry, syntax, tokenize as tokenizeWith, tokensOf, type Token } from '../support/textmate';

const fixtures = path.resolve(__dirname, '../fixtures/grammars');
const INJECTION = 'source.c.pem-injection';

/** scopeName -> grammar file: ours from syntaxes/, the rest from tm-grammars. */
const grammarFiles = new Map<string, string>([
  ['source.pem', syntax('pem.tmLanguage.json')],
  [INJECTION, syntax('pem-in-c.tmLanguage.json')],
  // Grammars the C++ one embeds (asm, glsl, regexp) are not needed by these samples.
  ['source.c', require.resolve('tm-grammars/grammars/c.json')],
  ['source.cpp', require.resolve('tm-grammars/grammars/cpp.json')],
  ['source.cpp.embedded.macro', require.resolve('tm-grammars/grammars/cpp-macro.json')],
]);

let registry: vsctm.Registry;

before(async () => {
  registry = await createRegistry({
    grammars: grammarFiles,
    // What package.json's `injectTo: ["source.c", "source.cpp"]` does inside VS Code.
    injections: { 'source.c': [INJECTION], 'source.cpp': [INJECTION] },
  });
});

function tokenize(scopeName: string, text: string): Promise<Token[]> {
  return tokenizeWith(registry, scopeName, text);
}

function assertNoPemScope(tokens: Token[], text: string, line?: number): void {
  for (const t of tokensOf(tokens, text, line)) {
    assert.ok(!t.scopes.some((s) => s.endsWith('.pem')),
      `${JSON.stringify(t.text)} has no PEM scope; scopes: ${t.scopes.join(' ')}`);
  }
}

/** A fresh key in the legacy OpenSSL encrypted form (Proc-Type / DEK-Info headers); never committed. */
function encryptedEcKey(): string {
  return generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'test only' },
  }).privateKey;
}

function pkcs8Key(): string {
  return generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).privateKey;
}

const certFile = readFileSync(path.join(fixtures, 'amazon-root-ca-1.pem'), 'utf8');
const certLines = certFile.trimEnd().split('\n');
const firstBase64 = certLines.find((l) => l.startsWith('MII'))!;

test('PEM file: explanatory text, certificate boundaries and body', async () => {
  const tokens = await tokenize('source.pem', certFile);
  assertScope(tokens, 'Amazon Root CA 1, the root', 'comment.line.explanatory-text.pem', 0);
  assertScope(tokens, 'Subject: C=US, O=Amazon', 'comment.line.explanatory-text.pem', 1);

  const begin = certLines.indexOf('-----BEGIN CERTIFICATE-----');
  assertScope(tokens, '-----BEGIN CERTIFICATE-----', 'meta.boundary.begin.pem', begin);
  assertScope(tokens, '-----', 'punctuation.definition.boundary.pem', begin);
  assertScope(tokens, 'BEGIN', 'keyword.other.begin.pem', begin);
  assertScope(tokens, 'CERTIFICATE', 'entity.name.type.label.pem', begin);
  assertScope(tokens, firstBase64, 'constant.other.base64.pem');
  assertScope(tokens, firstBase64, 'meta.block.pem');
  const lastBody = certLines[certLines.length - 2];
  assertScope(tokens, lastBody, 'constant.other.base64.pem', certLines.length - 2);
  const end = certLines.length - 1;
  assertScope(tokens, 'END', 'keyword.other.end.pem', end);
  assertScope(tokens, 'CERTIFICATE', 'entity.name.type.label.pem', end);
  for (const t of tokens) assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `no invalid token: ${t.text}`);
  for (const t of tokens) assert.ok(!t.scopes.some((s) => s.includes('private-key')), `no private-key scope: ${t.text}`);
});

test('PEM file: an encrypted private key gets its own scopes and its headers are keys', async () => {
  const key = encryptedEcKey();
  const text = `${certFile.trimEnd()}\n\nThe device key, legacy encrypted form:\n${key}`;
  const lines = text.split('\n');
  const tokens = await tokenize('source.pem', text);
  const begin = lines.indexOf('-----BEGIN EC PRIVATE KEY-----');
  assert.ok(begin > 0, 'sample has a private key');
  assertScope(tokens, 'The device key', 'comment.line.explanatory-text.pem');
  assertScope(tokens, 'EC PRIVATE KEY', 'entity.name.type.label.private-key.pem', begin);
  assertScope(tokens, 'BEGIN', 'keyword.other.begin.pem', begin);

  const procType = lines.findIndex((l) => l.startsWith('Proc-Type:'));
  const dekInfo = lines.findIndex((l) => l.startsWith('DEK-Info:'));
  assertScope(tokens, 'Proc-Type', 'support.type.property-name.header.pem', procType);
  assertScope(tokens, ':', 'punctuation.separator.key-value.pem', procType);
  assertScope(tokens, '4,ENCRYPTED', 'string.unquoted.header-value.pem', procType);
  assertScope(tokens, 'Proc-Type: 4,ENCRYPTED', 'meta.header.pem', procType);
  assertScope(tokens, 'DEK-Info', 'support.type.property-name.header.pem', dekInfo);
  assertScope(tokens, 'AES-128-CBC', 'string.unquoted.header-value.pem', dekInfo);
  const iv = lines[dekInfo].split(',')[1];
  assertScope(tokens, iv, 'constant.numeric.hex.pem', dekInfo);

  const keyBody = lines[dekInfo + 2];
  assert.match(keyBody, /^[A-Za-z0-9+/]+=*$/);
  assertScope(tokens, keyBody, 'markup.deleted.base64.private-key.pem', dekInfo + 2);
  assertScope(tokens, keyBody, 'meta.block.private-key.pem', dekInfo + 2);
  const end = lines.indexOf('-----END EC PRIVATE KEY-----');
  assertScope(tokens, 'EC PRIVATE KEY', 'entity.name.type.label.private-key.pem', end);
  assertScope(tokens, 'END', 'keyword.other.end.pem', end);
  // The certificate before it keeps the ordinary body scope.
  assertScope(tokens, firstBase64, 'constant.other.base64.pem');
});

test('PEM file: PKCS#8 key, garbage in a body, a missing END and a stray END', async () => {
  const key = pkcs8Key().trimEnd().split('\n');
  const text = [
    ...key,
    '-----BEGIN CERTIFICATE-----',
    'MIIB"oops',
    // no END: the next BEGIN closes the block
    '-----BEGIN PUBLIC KEY-----',
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
    '-----END PUBLIC KEY-----',
    '-----END CERTIFICATE-----',
  ].join('\n');
  const tokens = await tokenize('source.pem', text);
  assertScope(tokens, 'PRIVATE KEY', 'entity.name.type.label.private-key.pem', 0);
  assertScope(tokens, key[1], 'markup.deleted.base64.private-key.pem', 1);
  assertScope(tokens, '"', 'invalid.illegal.character.pem', key.length + 1);
  assertScope(tokens, 'PUBLIC KEY', 'entity.name.type.label.pem', key.length + 2);
  assertScope(tokens, 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', 'constant.other.base64.pem');
  assertScope(tokens, '-----END CERTIFICATE-----', 'invalid.illegal.unmatched-end.pem', key.length + 5);
});

test('C injection: markers, base64 lines and \\n escapes in ESP-IDF string literals', async () => {
  const source = readFileSync(path.join(fixtures, 'root_ca.c'), 'utf8');
  const lines = source.split('\n');
  const tokens = await tokenize('source.c', source);
  const begin = lines.indexOf('"-----BEGIN CERTIFICATE-----\\n"');
  assert.ok(begin > 0);

  // The host grammar scopes the literal as VS Code's C grammar does: the injection selector relies on it.
  assertScope(tokens, '"-----BEGIN CERTIFICATE-----\\n"', 'string.quoted.double.c', begin);
  assertScope(tokens, '-----BEGIN CERTIFICATE-----', 'meta.boundary.begin.pem', begin);
  assertScope(tokens, 'BEGIN', 'keyword.other.begin.pem', begin);
  assertScope(tokens, 'CERTIFICATE', 'entity.name.type.label.pem', begin);
  assertScope(tokens, '-----', 'punctuation.definition.boundary.pem', begin);
  assertScope(tokens, '\\n', 'constant.character.escape.newline.pem', begin);

  const b64 = begin + 1;
  assertScope(tokens, firstBase64, 'constant.other.base64.pem', b64);
  assertScope(tokens, firstBase64, 'string.quoted.double.c', b64);
  assertScope(tokens, '\\n', 'constant.character.escape.newline.pem', b64);
  // Every body line, including the short unpadded last one.
  for (const l of certLines.filter((x) => /^[A-Za-z0-9+/]+=*$/.test(x))) assertScope(tokens, l, 'constant.other.base64.pem');

  const end = lines.indexOf('"-----END CERTIFICATE-----\\n";');
  assertScope(tokens, 'END', 'keyword.other.end.pem', end);
  assertScope(tokens, '\\n', 'constant.character.escape.newline.pem', end);

  // Ordinary strings are left to the C grammar.
  const hello = lines.findIndex((l) => l.includes('printf("hello\\n")'));
  assertScope(tokens, '"hello\\n"', 'string.quoted.double.c', hello);
  assertNoPemScope(tokens, '"hello\\n"', hello);
  assertScope(tokens, '\\n', 'constant.character.escape.c', hello);
  const pin = lines.findIndex((l) => l.includes('*pin ='));
  assertNoPemScope(tokens, '9a1c3b2f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b', pin);
  assertNoPemScope(tokens, '#include "esp_tls.h"');
});

test('C injection: a plain "hello" and other look-alikes get no PEM scope', async () => {
  const source = [
    'const char *a = "hello";',
    'const char *b = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ\\n";', // no lower case
    'const char *c = "Hello World, this is a sentence of more than forty characters\\n";',
    'const char *d = "Wifi1234\\n";', // too short for a body line
    'const char *e = "' + 'Ab1/'.repeat(20) + '\\n";', // 80 > 76 characters
  ].join('\n');
  const tokens = await tokenize('source.c', source);
  assertScope(tokens, '"hello"', 'string.quoted.double.c', 0);
  assertNoPemScope(tokens, '"hello"', 0);
  for (let line = 1; line < 5; line++) {
    const lit = source.split('\n')[line].replace(/^[^"]*/, '').replace(/;$/, '');
    assertNoPemScope(tokens, lit, line);
  }
});

test('C injection: a private key and a whole PEM in one literal', async () => {
  const key = pkcs8Key().trimEnd().split('\n');
  const literalLines = key.map((l) => `    "${l}\\n"`);
  const oneLiteral = `"${certLines.slice(-3).join('\\n')}\\n"`;
  const source = [
    'static const char client_key[] =',
    ...literalLines.slice(0, -1),
    `${literalLines[literalLines.length - 1]};`,
    `static const char *tail = ${oneLiteral};`,
  ].join('\n');
  const tokens = await tokenize('source.c', source);
  assertScope(tokens, 'PRIVATE KEY', 'entity.name.type.label.private-key.pem', 1);
  assertScope(tokens, key[1], 'constant.other.base64.pem', 2);
  assertScope(tokens, 'PRIVATE KEY', 'entity.name.type.label.private-key.pem', key.length);

  const tail = key.length + 1;
  assertScope(tokens, certLines[certLines.length - 3], 'constant.other.base64.pem', tail);
  assertScope(tokens, certLines[certLines.length - 2], 'constant.other.base64.pem', tail);
  assertScope(tokens, '-----END CERTIFICATE-----', 'meta.boundary.end.pem', tail);
});

test('C++ injection: ordinary and raw string literals', async () => {
  const source = [
    'static const char *ca =',
    '    "-----BEGIN CERTIFICATE-----\\n"',
    `    "${firstBase64}\\n"`,
    '    "-----END CERTIFICATE-----\\n";',
    'static const char *raw = R"(-----BEGIN CERTIFICATE-----',
    firstBase64,
    '-----END CERTIFICATE-----',
    ')";',
    'std::string s = "hello";',
  ].join('\n');
  const tokens = await tokenize('source.cpp', source);
  assertScope(tokens, '"-----BEGIN CERTIFICATE-----\\n"', 'string.quoted.double.cpp', 1);
  assertScope(tokens, 'BEGIN', 'keyword.other.begin.pem', 1);
  assertScope(tokens, '\\n', 'constant.character.escape.newline.pem', 1);
  assertScope(tokens, firstBase64, 'constant.other.base64.pem', 2);
  assertScope(tokens, 'BEGIN', 'keyword.other.begin.pem', 4);
  assertScope(tokens, firstBase64, 'string.quoted.double.raw.cpp', 5);
  assertScope(tokens, firstBase64, 'constant.other.base64.pem', 5);
  assertScope(tokens, 'END', 'keyword.other.end.pem', 6);
  assertNoPemScope(tokens, '"hello"', 8);
});

test('grammar files are plain JSON with the scope names the manifest uses', () => {
  const pem = JSON.parse(readFileSync(syntax('pem.tmLanguage.json'), 'utf8'));
  assert.equal(pem.scopeName, 'source.pem');
  const inj = JSON.parse(readFileSync(syntax('pem-in-c.tmLanguage.json'), 'utf8'));
  assert.equal(inj.scopeName, INJECTION);
  assert.match(inj.injectionSelector, /L:string\.quoted\.double\.c\b/);
  assert.match(inj.injectionSelector, /L:string\.quoted\.double\.cpp\b/);
  JSON.parse(readFileSync(syntax('pem.language-configuration.json'), 'utf8'));
});
