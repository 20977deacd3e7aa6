// The bundled server over JSON-RPC: diagnostics for the demo project, the quick fix and its edit,
// no stale diagnostics, and no crash on bad input.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { makeChain } from '../support/certs';
import { applyEdits } from '../support/edits';
import { serverPath, TestClient, uri } from '../support/lsp';

const demo = path.resolve(__dirname, '../fixtures/demo-project');
const ours = (d: Diagnostic[]) => d.filter((x) => x.source === 'esp-tls-lens');

const copies: string[] = [];
after(() => { for (const d of copies) rmSync(d, { recursive: true, force: true }); });

function copyDemo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-lsp-'));
  cpSync(demo, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

describe('language server (dist/server.js)', () => {
  let client: TestClient;
  let ws: string;
  let telemetry: string;

  before(async () => {
    assert.ok(existsSync(serverPath), 'dist/server.js is missing: run `npm run build` first');
    ws = copyDemo();
    telemetry = path.join(ws, 'main/telemetry_client.c');
    client = new TestClient();
    await client.initialize(ws);
  });
  after(async () => { await client?.shutdown(); });

  it('publishes the insecure demo config after indexing, without the file being opened', async () => {
    const [d] = await client.waitForDiagnostics(telemetry, (list) => list.length > 0);
    assert.equal(d.source, 'esp-tls-lens');
    assert.equal(d.code, 'tls-no-server-verification');
    assert.equal(d.severity, 1);
    assert.match(String(d.message), /verifies no server/);
    assert.deepEqual(d.range, { start: { line: 15, character: 18 }, end: { line: 15, character: 21 } });
    assert.match(d.codeDescription!.href, /docs\/rules\/tls-no-server-verification\.md$/);
    assert.deepEqual(ours(client.diagnosticsFor(path.join(ws, 'main/weather_client.c')) ?? []), []);
  });

  it('offers the bundle quick fix; applying it clears the diagnostic', async () => {
    const text = readFileSync(telemetry, 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(telemetry), languageId: 'c', version: 1, text } });
    const [diag] = await client.waitForDiagnostics(telemetry, (l) => l.length === 1);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(telemetry) }, range: diag.range, context: { diagnostics: [diag] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    const [action] = actions;
    assert.equal(action.title, 'Attach the ESP-IDF certificate bundle (crt_bundle_attach)');
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.isPreferred, true);
    const edits = action.edit!.changes![uri(telemetry)] as TextEdit[];
    const fixed = applyEdits(text, edits);
    assert.match(fixed, /\.non_block = false,\n        \.crt_bundle_attach = esp_crt_bundle_attach,\n/);
    assert.match(fixed, /#include "clients.h"\n#include "esp_crt_bundle.h"\n/);

    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri(telemetry), version: 2 }, contentChanges: [{ text: fixed }],
    });
    await client.waitForDiagnostics(telemetry, (l) => l.length === 0);
  });

  it('re-publishes when an edit brings the problem back, and reverts to disk on close', async () => {
    const broken = readFileSync(telemetry, 'utf8').replace('.timeout_ms = 5000,', '.timeout_ms = 5000, .cacert_buf = NULL,');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: uri(telemetry), version: 3 }, contentChanges: [{ text: broken }],
    });
    await client.waitForDiagnostics(telemetry, (l) => l.length === 1);
    // The fixed text was never saved: closing the buffer brings back what is on disk (still insecure).
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(telemetry) } });
    await client.waitForDiagnostics(telemetry, (l) => l.length === 1 && l[0].range.start.line === 15);
  });

  it('clears diagnostics when a file on disk is fixed (watched file change)', async () => {
    const fixedOnDisk = readFileSync(telemetry, 'utf8').replace('.non_block = false,', '.non_block = false,\n        .crt_bundle_attach = esp_crt_bundle_attach,');
    writeFileSync(telemetry, fixedOnDisk);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(telemetry), type: 2 }] });
    await client.waitForDiagnostics(telemetry, (l) => l.length === 0);
  });

  it('follows files created and deleted on disk, leaving no stale diagnostics', async () => {
    const added = path.join(ws, 'main/ota_client.c');
    writeFileSync(added, '#include "esp_tls.h"\nstatic esp_tls_cfg_t s_ota_tls = { .timeout_ms = 30000 };\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 1 }] });
    const [d] = await client.waitForDiagnostics(added, (l) => l.length === 1);
    assert.match(String(d.message), /`s_ota_tls` \(esp_tls_cfg_t\) verifies no server/);
    rmSync(added);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 3 }] });
    await client.waitForDiagnostics(added, (l) => l.length === 0);
  });

  it('survives bad input: unbalanced C, binary and huge buffers, and keeps answering', async () => {
    const bad = path.join(ws, 'main/broken.c');
    const junk = 'esp_tls_cfg_t cfg = { .timeout_ms = 1,\n#if\n}}}} ((( "unterminated\n\u0000\u0001\u0002';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(bad), languageId: 'c', version: 1, text: junk } });
    const huge = path.join(ws, 'main/huge_table.c');
    const big = 'esp_tls_cfg_t big = { 0 };\n' + 'static const int t[] = {1,2,3,4,5,6,7,8};\n'.repeat(60000);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(huge), languageId: 'c', version: 1, text: big } });
    const result = (await client.connection.sendRequest('espTlsLens/checkWorkspace')) as { projects: number; files: number; skipped: { file: string; reason: string }[] };
    assert.equal(result.projects, 1);
    assert.ok(result.files >= 3);
    assert.ok(result.skipped.some((s) => s.file === huge && /over the 2.0 MB limit/.test(s.reason)), JSON.stringify(result.skipped));
    await client.waitForDiagnostics(bad, () => true);
    assert.equal(client.exited, false);
  });

  it('drops findings of a rule the user turns off', async () => {
    const other = path.join(ws, 'main/another.c');
    const text = 'void f(void) { esp_tls_cfg_t c = { .timeout_ms = 1 }; }\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(other), languageId: 'c', version: 1, text } });
    await client.waitForDiagnostics(other, (l) => l.length === 1);
    client.settings = { rules: { 'tls-no-server-verification': 'off' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(other, (l) => l.length === 0);
  });
});

describe('language server without its C grammar', () => {
  it('reports the failure as a status and keeps answering requests', async () => {
    // A copy of the bundle without the wasm files next to it, as in a broken install.
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-broken-'));
    copies.push(dir);
    cpSync(serverPath, path.join(dir, 'server.js'));
    const client = new TestClient(path.join(dir, 'server.js'));
    try {
      await client.initialize(copyDemo());
      const s = await client.waitForStatus((x) => x.state === 'error');
      assert.match(s.message ?? '', /analysis failed: .*tree-sitter/);
      const actions = await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: uri(path.join(dir, 'x.c')) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
      });
      assert.deepEqual(actions, []);
      assert.equal(client.exited, false);
    } finally {
      await client.shutdown();
    }
  });
});

/** A server on a fresh copy of the demo project, indexed (its one insecure config published). */
async function demoServer(): Promise<{ client: TestClient; ws: string }> {
  const ws = copyDemo();
  const client = new TestClient();
  await client.initialize(ws);
  await client.waitForDiagnostics(path.join(ws, 'main/telemetry_client.c'), (l) => l.length === 1);
  return { client, ws };
}

describe('language server: code lens, hover and the fixes of the C rules', () => {
  let client: TestClient;
  let ws: string;
  before(async () => { ({ client, ws } = await demoServer()); });
  after(async () => { await client?.shutdown(); });

  const open = async (file: string, text: string) => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'c', version: 1, text } });
  };

  it('puts a lens above each config saying what it trusts, with the commands that fetch and check its server', async () => {
    type Lens = { range: { start: { line: number } }; command: { title: string; command: string; arguments?: unknown[] } };
    const raw = async (rel: string) => (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(path.join(ws, rel)) } })) as Lens[];
    const lenses = async (rel: string) => (await raw(rel)).map((l) => [l.range.start.line, l.command.title, l.command.command]);
    assert.deepEqual(await lenses('main/weather_client.c'), [
      [16, 'TLS: trusts the ESP-IDF certificate bundle · api.open-meteo.com', 'espTlsLens.fetchChain'],
      [16, 'Check server against project', 'espTlsLens.checkServer'],
    ]);
    assert.deepEqual(await lenses('main/telemetry_client.c'), [
      [15, 'TLS: verifies no server · telemetry.example.com', 'espTlsLens.fetchChain'],
      [15, 'Check server against project', 'espTlsLens.checkServer'],
    ]);
    assert.deepEqual(await lenses('main/app_main.c'), []);
    // The lens hands the server and the config's place to the command; nothing connects until it is clicked.
    const [fetch] = await raw('main/weather_client.c');
    assert.deepEqual(fetch.command.arguments, [{ host: 'api.open-meteo.com', port: 443, uri: uri(path.join(ws, 'main/weather_client.c')), position: { line: 16, character: 18 } }]);
  });

  it('hovers a TLS field with its documentation for the project IDF version', async () => {
    const file = path.join(ws, 'main/weather_client.c');
    await open(file, readFileSync(file, 'utf8'));
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 17, character: 12 } })) as { contents: { value: string } } | null;
    assert.ok(hover, 'no hover on .crt_bundle_attach');
    assert.match(hover.contents.value, /\*\*`\.crt_bundle_attach`\*\* in `esp_tls_cfg_t`/);
    assert.match(hover.contents.value, /Your project \(v5\.3\) has it/);
    const none = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 0, character: 3 } });
    assert.equal(none, null);
  });

  const actionsFor = async (file: string, d: Diagnostic) => (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: uri(file) }, range: d.range, context: { diagnostics: [d] },
  })) as CodeAction[];

  it('replaces a skipped host name check with common_name, and the diagnostic goes', async () => {
    const file = path.join(ws, 'main/ota_client.c');
    const text = '#include "esp_http_client.h"\n#include "esp_crt_bundle.h"\nvoid ota_check(void)\n{\n    esp_http_client_config_t config = {\n        .url = "https://ota.example.com/fw.bin",\n        .crt_bundle_attach = esp_crt_bundle_attach,\n        .skip_cert_common_name_check = true,\n    };\n}\n';
    await open(file, text);
    const [d] = await client.waitForDiagnostics(file, (l) => l.length === 1);
    assert.equal(d.code, 'tls-hostname-check-skipped');
    assert.equal(d.severity, 2);
    const actions = await actionsFor(file, d);
    assert.deepEqual(actions.map((a) => a.title), [
      'Check the server name "ota.example.com" (common_name) instead of skipping it',
      'Remove skip_cert_common_name_check: check the server name given in the URL',
    ]);
    const fixed = applyEdits(text, actions[0].edit!.changes![uri(file)] as TextEdit[]);
    assert.match(fixed, /\.common_name = "ota\.example\.com",\n    \};/);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: fixed }] });
    await client.waitForDiagnostics(file, (l) => l.length === 0);
  });

  it('turns MBEDTLS_SSL_VERIFY_NONE into REQUIRED', async () => {
    const file = path.join(ws, 'main/raw_tls.c');
    const text = 'void raw(void)\n{\n    mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);\n    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);\n    mbedtls_ssl_setup(&ssl, &conf);\n    mbedtls_ssl_set_hostname(&ssl, "api.example.com");\n}\n';
    await open(file, text);
    const [d] = await client.waitForDiagnostics(file, (l) => l.length === 1);
    assert.equal(d.code, 'mbedtls-verify-disabled');
    const [action] = await actionsFor(file, d);
    const fixed = applyEdits(text, action.edit!.changes![uri(file)] as TextEdit[]);
    assert.match(fixed, /mbedtls_ssl_conf_authmode\(&conf, MBEDTLS_SSL_VERIFY_REQUIRED\);/);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: fixed }] });
    await client.waitForDiagnostics(file, (l) => l.length === 0);
  });

  it('judges a CA buffer as a set: a pasted chain ending at its root gives infos, not errors', async () => {
    // Shape: a community client that pasted the server's whole chain into one .cert_pem literal.
    const chain = await makeChain({ now: new Date(), key: 'p256' });
    const literal = (chain.leaf.pem + chain.intermediate.pem + chain.root.pem).trim().split('\n').map((l) => `    "${l}\\n"`).join('\n');
    const file = path.join(ws, 'main/chain_client.c');
    const text = `static const char chain_pem[] =\n${literal};\nvoid fetch(void)\n{\n    esp_http_client_config_t config = { .url = "https://api.example.com", .cert_pem = chain_pem };\n    esp_http_client_init(&config);\n}\n`;
    await open(file, text);
    const diags = await client.waitForDiagnostics(file, (l) => l.some((d) => d.code === 'cert-leaf-as-trust-anchor'));
    const anchors = diags.filter((d) => /-as-trust-anchor$/.test(String(d.code)));
    assert.deepEqual(anchors.map((d) => [d.code, d.severity]).sort(), [['cert-intermediate-as-trust-anchor', 3], ['cert-leaf-as-trust-anchor', 3]]);
  });

  it('reads C++ with its own grammar: an mbedtls_cxx client without verification, fixed to do_verify{true}', async () => {
    // Shape: esp-protocols' mbedtls_cxx examples, a client class calling init() in a method.
    const file = path.join(ws, 'main/tls_client.cpp');
    const text = 'class TlsClient : public Tls {\npublic:\n    bool connect()\n    {\n        if (!init(is_server{false}, do_verify{false})) {\n            return false;\n        }\n        return handshake() == 0;\n    }\n};\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'cpp', version: 1, text } });
    const [d] = await client.waitForDiagnostics(file, (l) => l.length === 1);
    assert.equal(d.code, 'mbedtls-verify-disabled');
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, 4);
    const [action] = await actionsFor(file, d);
    const fixed = applyEdits(text, action.edit!.changes![uri(file)] as TextEdit[]);
    assert.match(fixed, /init\(is_server\{false\}, do_verify\{true\}\)/);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: fixed }] });
    await client.waitForDiagnostics(file, (l) => l.length === 0);
  });
});

describe('language server: certificates (seed 002, the leaf pasted as the CA)', () => {
  let client: TestClient;
  let ws: string;
  before(async () => { ({ client, ws } = await demoServer()); });
  after(async () => { await client?.shutdown(); });

  it('reports the leaf on the certificate itself, related to the config that trusts it, and hovers it', async () => {
    const file = path.join(ws, 'main/ota_client.c');
    const text = readFileSync(path.resolve(__dirname, '../fixtures/seed002/ota_letsencrypt_leaf.c'), 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'c', version: 1, text } });
    const diags = await client.waitForDiagnostics(file, (l) => l.some((d) => d.code === 'cert-leaf-as-trust-anchor'));
    const leaf = diags.find((d) => d.code === 'cert-leaf-as-trust-anchor')!;
    assert.equal(leaf.severity, 1);
    assert.equal(leaf.range.start.line, 5);
    assert.match(String(leaf.message), /www\.optimized\.realyze\.com is a server's own certificate/);
    assert.deepEqual(leaf.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [[uri(file), 41, 'trusted by `config`']]);
    assert.ok(diags.some((d) => d.code === 'cert-expired'), 'expired since 2022');

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 10, character: 12 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /www\.optimized\.realyze\.com/);
    assert.match(hover.contents.value, /Issuer.*R3/);
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: uri(file) } })) as { command: { title: string } }[];
    assert.deepEqual(lenses.map((l) => l.command.title), ['TLS: CA: www.optimized.realyze.com (until 2022-07-04) · optimized.realyze.com', 'Check server against project']);
  });

  it('inspects a file, a selection and the literal under the cursor', async () => {
    const file = path.join(ws, 'main/ota_client.c');
    const whole = (await client.connection.sendRequest('espTlsLens/inspect', { uri: uri(file) })) as { markdown: string; count: number };
    assert.equal(whole.count, 1);
    assert.match(whole.markdown, /^# ota_client\.c/);
    assert.match(whole.markdown, /SHA-256/);
    const at = (await client.connection.sendRequest('espTlsLens/inspect', { uri: uri(file), position: { line: 12, character: 8 } })) as { markdown: string };
    assert.match(at.markdown, /^# ota_client\.c, line 13/);
    const sel = (await client.connection.sendRequest('espTlsLens/inspect', { uri: uri(file), text: '"-----BEGIN CERTIFICATE-----\\n"\n"garbage\\n"' })) as { markdown: string; count: number };
    assert.equal(sel.count, 1);
    assert.match(sel.markdown, /without a matching END line/);
  });
});

describe('language server: sdkconfig', () => {
  let client: TestClient;
  let ws: string;
  let defaults: string;
  before(async () => {
    ({ client, ws } = await demoServer());
    defaults = path.join(ws, 'sdkconfig.defaults');
  });
  after(async () => { await client?.shutdown(); });

  it('reports the bundle switched off while the code attaches it, on the sdkconfig line, and fixes it', async () => {
    const text = readFileSync(defaults, 'utf8').replace('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y', '# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is not set');
    writeFileSync(defaults, text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(defaults), type: 2 }] });
    const diags = await client.waitForDiagnostics(defaults, (l) => l.some((d) => d.code === 'sdkconfig-bundle-unavailable'));
    const d = diags.find((x) => x.code === 'sdkconfig-bundle-unavailable')!;
    assert.equal(d.range.start.line, 6);
    assert.equal(d.relatedInformation?.[0].location.uri, uri(path.join(ws, 'main/weather_client.c')));
    const [action] = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: uri(defaults) }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    assert.equal(action.title, 'Enable the certificate bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y)');
    const fixed = applyEdits(text, action.edit!.changes![uri(defaults)] as TextEdit[]);
    assert.equal(fixed, readFileSync(path.join(demo, 'sdkconfig.defaults'), 'utf8'), 'the fix restores the original line, layout kept');
    writeFileSync(defaults, fixed);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(defaults), type: 2 }] });
    await client.waitForDiagnostics(defaults, (l) => !l.some((x) => x.code === 'sdkconfig-bundle-unavailable'));
  });

  it('hovers an option with its value in effect and where it was set; completes names and values', async () => {
    const text = readFileSync(defaults, 'utf8') + 'CONFIG_MBEDTLS_SSL_PRO\nCONFIG_MBEDTLS_HAVE_TIME_DATE=';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(defaults), languageId: 'sdkconfig', version: 1, text } });
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(defaults) }, position: { line: 7, character: 20 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /\*\*CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL\*\* \(bool\)/);
    assert.match(hover.contents.value, /In effect: `y`, set in sdkconfig\.defaults line 8/);
    const lines = text.split('\n');
    const names = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: uri(defaults) }, position: { line: lines.length - 2, character: lines[lines.length - 2].length } })) as { label: string }[];
    assert.ok(names.some((c) => c.label === 'CONFIG_MBEDTLS_SSL_PROTO_TLS1_3'), 'option names of the project version');
    assert.ok(!names.some((c) => c.label === 'CONFIG_MBEDTLS_SSL_PROTO_TLS1'), 'TLS 1.0 is not an option in v5.3');
    const values = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: uri(defaults) }, position: { line: lines.length - 1, character: lines[lines.length - 1].length } })) as { label: string }[];
    assert.deepEqual(values.map((c) => c.label), ['y', 'n']);
  });

  it('offers to set a yes/no option the other way, keeping the line layout', async () => {
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uri(defaults) }, range: { start: { line: 8, character: 3 }, end: { line: 8, character: 3 } }, context: { diagnostics: [] },
    })) as CodeAction[];
    const [toggle] = actions.filter((a) => a.kind === 'refactor.rewrite');
    assert.equal(toggle.title, 'Set CONFIG_MBEDTLS_HAVE_TIME_DATE to n');
    const [edit] = toggle.edit!.changes![uri(defaults)] as TextEdit[];
    assert.deepEqual(edit, { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 31 } }, newText: '# CONFIG_MBEDTLS_HAVE_TIME_DATE is not set' });
  });
});

describe('language server: error codes and monitor logs', () => {
  let client: TestClient;
  let ws: string;
  before(async () => { ({ client, ws } = await demoServer()); });
  after(async () => { await client?.shutdown(); });

  it('annotates the TLS failure lines of a monitor log and hovers their codes', async () => {
    const file = path.join(ws, 'monitor.log');
    const text = readFileSync(path.resolve(__dirname, '../fixtures/logs/idf-v5.5-handshake-failed.log'), 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'esp-idf-log', version: 1, text } });
    const diags = await client.waitForDiagnostics(file, (l) => l.length > 0);
    const handshake = diags.find((d) => d.range.start.line === 22)!;
    assert.equal(handshake.code, 'log-tls-failure');
    assert.equal(handshake.severity, 3);
    assert.match(String(handshake.message), /^The server's certificate chain failed verification\..*\(`-0x2700` X509 - Certificate verification failed/, 'what it means first, the library text last');
    const line = text.split('\n')[22];
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line: 22, character: line.indexOf('0x2700') + 2 } })) as { contents: { value: string }; range: { start: { character: number } } };
    assert.match(hover.contents.value, /\*\*`-0x2700`\*\* \(Mbed TLS 3\.6\)/, 'the demo project is ESP-IDF 5.3: Mbed TLS 3.6');
    assert.equal(hover.range.start.character, line.indexOf('-0x2700'));
    assert.doesNotMatch(hover.contents.value, /The server's certificate chain failed verification/, 'the diagnostic says it; the hover does not repeat it');
    assert.doesNotMatch(hover.contents.value, /Certificate verification failed/, 'the diagnostic ends with the library text; the hover does not repeat it (issue 20)');
    assert.match(hover.contents.value, /rule `sdkconfig-clock-never-set`/, 'the hover adds the fixes');
  });

  it('hovers error codes and names in C, and decodes on request', async () => {
    const file = path.join(ws, 'main/errors.c');
    const text = 'void f(int ret) {\n    if (ret == -0x7200) { }\n    if (ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE) { }\n    if (err == ESP_ERR_MBEDTLS_SSL_SETUP_FAILED) { }\n}\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'c', version: 1, text } });
    await client.waitForDiagnostics(file, () => true);
    const at = async (line: number, character: number) => ((await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position: { line, character } })) as { contents: { value: string } } | null)?.contents.value ?? '';
    assert.match(await at(1, 18), /-0x7200/);
    assert.match(await at(2, 20), /MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE|-0x7780/);
    assert.match(await at(3, 20), /0x8017/);
    const decoded = (await client.connection.sendRequest('espTlsLens/decode', { input: '-9984', uri: uri(file) })) as { ok: boolean; markdown: string };
    assert.equal(decoded.ok, true);
    assert.match(decoded.markdown, /^# -9984\n\n\*\*`-0x2700`\*\*/);
    const bad = (await client.connection.sendRequest('espTlsLens/decode', { input: 'not a code' })) as { ok: boolean };
    assert.equal(bad.ok, false);
    // A pasted log excerpt (issue 18): each TLS failure explained, the cause from the lines around it first.
    const excerpt = 'I (5000) transport_ws: Connecting to ws://192.168.1.10:8080/ws\nE (5100) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200\n';
    const log = (await client.connection.sendRequest('espTlsLens/decode', { input: excerpt })) as { ok: boolean; markdown: string };
    assert.equal(log.ok, true);
    assert.match(log.markdown, /^# I \(5000\) transport_ws: Connecting to ws:\/\/192\.168\.1\.10:8080\/ws …\n\n_connecting to 192\.168\.1\.10:8080, 5\.1 s after boot_\n\n\*\*Line 2\*\* `E \(5100\) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200`\n\nThe connection is to a plain ws:\/\/ URL/);
  });
});
