// The network requests over JSON-RPC against dist/server.js: the client under the cursor, Fetch
// Certificate Chain as a view, the embed edit as a WorkspaceEdit that creates (never overwrites) the PEM
// file, the device-like check, and $/cancelRequest closing the socket of a server that never answers.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type TextEdit } from 'vscode-languageserver-protocol';
import type { ChainView, CheckServerResult, ClientAtResult, FetchChainResult, TrustEditResult } from '../../server/src/protocol';
import { makeChain, type Chain } from '../support/certs';
import { applyEdits } from '../support/edits';
import { serverPath, TestClient, uri } from '../support/lsp';
import { closeAll, listen, tlsServer } from '../support/servers';

const demo = path.resolve(__dirname, '../fixtures/demo-project');
const NOW = new Date();

describe('language server: fetch chain, embed the root, check the server', { timeout: 60_000 }, () => {
  let client: TestClient;
  let ws: string;
  let weather: string;
  let chain: Chain;
  let port: number;

  before(async () => {
    assert.ok(existsSync(serverPath), 'dist/server.js is missing: run `npm run build` first');
    ws = mkdtempSync(path.join(tmpdir(), 'tls-lens-lsp-chain-'));
    cpSync(demo, ws, { recursive: true });
    weather = path.join(ws, 'main/weather_client.c');
    // The server checks dates against its own clock, so these certificates are valid today.
    chain = await makeChain({ now: NOW, key: 'rsa2048', leaf: { notAfter: 365 } });
    port = await listen(tlsServer(chain.leaf.pem + chain.intermediate.pem + chain.root.pem, chain.leafKeyPem));
    // A monitor capture kept in the project, in the shape idf.py monitor writes: the failure names its URL.
    writeFileSync(path.join(ws, 'monitor.log'), [
      'I (27) boot: ESP-IDF v5.5.1 2nd stage bootloader',
      `I (2361) HTTP_CLIENT: Requesting https://127.0.0.1:${port}/v1/telemetry`,
      'E (3515) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700',
      'I (3515) esp-tls-mbedtls: Failed to verify peer certificate!',
      'E (3516) esp-tls: Failed to open new connection',
      'E (3527) HTTP_CLIENT: Connection failed, sock < 0',
      '',
    ].join('\n'));
    client = new TestClient();
    await client.initialize(ws);
    await client.waitForDiagnostics(path.join(ws, 'main/telemetry_client.c'), (l) => l.length > 0);
  });
  after(async () => {
    await client?.shutdown();
    await closeAll();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  const request = <T>(method: string, params: unknown) => client.connection.sendRequest(method, params) as Promise<T>;

  it('names the TLS client under the cursor, with host and port (8443 from a #define)', async () => {
    assert.deepEqual(await request<ClientAtResult>('espTlsLens/clientAt', { uri: uri(weather), position: { line: 18, character: 8 } }), {
      name: 'cfg', struct: 'esp_tls_cfg_t', position: { line: 16, character: 18 }, host: 'api.open-meteo.com', port: 443,
      url: 'https://api.open-meteo.com/v1/forecast?latitude=52.52&longitude=13.41',
    });
    const telemetry = await request<ClientAtResult>('espTlsLens/clientAt', { uri: uri(path.join(ws, 'main/telemetry_client.c')), position: { line: 16, character: 0 } });
    assert.equal(telemetry.host, 'telemetry.example.com');
    assert.equal(telemetry.port, 8443);
    assert.equal(await request('espTlsLens/clientAt', { uri: uri(path.join(ws, 'main/app_main.c')), position: { line: 0, character: 0 } }), null);
  });

  let view: ChainView;
  it('fetches the chain as a view: roles, the root to embed, the client it is for', async () => {
    const r = await request<FetchChainResult>('espTlsLens/fetchChain', { host: '127.0.0.1', port, servername: 'device.example.com', uri: uri(weather), position: { line: 16, character: 18 } });
    assert.ok(r.ok, JSON.stringify(r));
    view = r.view;
    assert.deepEqual(view.certificates.map((c) => [c.role, c.subjectCN, c.key, c.validityState]), [
      ['leaf', 'device.example.com', 'RSA 2048', 'ok'], ['intermediate', 'Test Intermediate CA', 'RSA 2048', 'ok'], ['root', 'Test Root CA', 'RSA 2048', 'ok'],
    ]);
    assert.deepEqual(view.certificates[0].san, ['device.example.com']);
    assert.equal(view.anchor?.source, 'presented');
    assert.deepEqual(view.embeddable.map((e) => e.name), ['Test Root CA']);
    assert.equal(view.client?.name, 'cfg');
    assert.equal(view.client?.uri, uri(weather));
    assert.ok(view.problems.some((p) => p.id === 'root-sent'));
    assert.ok(view.problems.some((p) => p.id === 'untrusted-root' && p.severity === 'error'), 'a private root is not a public one');
    assert.equal(view.idf, '5.3');
  });

  it('answers an unreachable server with a reason, not an error', async () => {
    const closed = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
    const r = await request<FetchChainResult>('espTlsLens/fetchChain', { host: '127.0.0.1', port: closed, timeoutMs: 3000 });
    assert.deepEqual(r.ok ? undefined : [r.code, /ECONNREFUSED/.test(r.error)], ['network', true]);
  });

  // Issue 20: a server that does not send its private root, while the project keeps that root in a file.
  it('offers to embed a private root the project holds in a certificate file, which the server does not send', async () => {
    const noRoot = await listen(tlsServer(chain.leaf.pem + chain.intermediate.pem, chain.leafKeyPem));
    const fetch = () => request<FetchChainResult>('espTlsLens/fetchChain', { host: '127.0.0.1', port: noRoot, servername: 'device.example.com', uri: uri(weather), position: { line: 16, character: 18 } });
    const before = await fetch();
    assert.ok(before.ok && before.view.embeddable.length === 0 && !before.view.anchor, 'without the file there is no root to embed');
    const file = path.join(ws, 'pki/private_root.pem');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, chain.root.pem);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(file), type: 1 }] });
    try {
      // The server re-reads the project after the file event; poll until it has (the first certificate also loads Mbed TLS).
      let r = await fetch();
      for (const deadline = Date.now() + 10_000; r.ok && !r.view.anchor && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await fetch();
      }
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.view.anchor?.source, 'extra');
      assert.deepEqual(r.view.embeddable.map((e) => e.name), ['Test Root CA']);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(file), type: 3 }] });
    }
  });

  it('embeds the root as one WorkspaceEdit (creating, never overwriting) that checks clean', async () => {
    const r = await request<TrustEditResult>('espTlsLens/trustEdit', { uri: uri(weather), position: view.client!.position, action: 'embed', pems: view.embeddable.map((e) => e.pem), name: 'Test Root CA' });
    assert.ok(r.ok, JSON.stringify(r));
    const pemUri = uri(path.join(ws, 'main/certs/test_root_ca.pem'));
    const changes = r.edit.documentChanges as ({ kind: 'create'; uri: string; options: object } | { textDocument: { uri: string; version: null }; edits: TextEdit[] })[];
    assert.deepEqual(changes[0], { kind: 'create', uri: pemUri, options: { overwrite: false, ignoreIfExists: false } });
    // Apply as an editor would, then tell the server what changed on disk.
    for (const change of changes) {
      if ('kind' in change) { mkdirSync(path.dirname(fileURLToPath(change.uri)), { recursive: true }); writeFileSync(fileURLToPath(change.uri), '', { flag: 'wx' }); continue; }
      const file = fileURLToPath(change.textDocument.uri);
      writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), change.edits));
    }
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pemUri, type: 1 }, ...changes.filter((c) => !('kind' in c)).map((c) => ({ uri: (c as { textDocument: { uri: string } }).textDocument.uri, type: 2 }))],
    });
    assert.match(readFileSync(weather, 'utf8'), /\.cacert_pem_bytes = test_root_ca_pem_end - test_root_ca_pem_start,/);
    assert.deepEqual(r.summary.slice(0, 2), ['create main/certs/test_root_ca.pem (Test Root CA)', 'add "certs/test_root_ca.pem" to EMBED_TXTFILES in main/CMakeLists.txt']);
    // One root only is worth a note (info), nothing more.
    const notes = await client.waitForDiagnostics(weather, (l) => l.length > 0 && l.every((d) => d.severity! > 2));
    assert.deepEqual(notes.map((d) => d.code), ['cert-single-trust-anchor']);
    const cmake = client.diagnosticsFor(path.join(ws, 'main/CMakeLists.txt')) ?? [];
    assert.deepEqual(cmake.map((d) => d.message), []);
  });

  it('checks the server as the device would: now trusted through the embedded root', async () => {
    const r = await request<CheckServerResult>('espTlsLens/checkServer', { host: '127.0.0.1', port, servername: 'device.example.com', uri: uri(weather), position: { line: 20, character: 8 } });
    assert.equal(r.ok, true, r.markdown);
    assert.match(r.markdown, /^# 127\.0\.0\.1:\d+: as the device would connect/);
    assert.match(r.markdown, /✔ \*\*Trust\*\*: .*anchored at "Test Root CA" \(the CA in .*test\\_root\\_ca\\_pem\\_start\)/);
  });

  it('answers Check Server with the device\'s own Mbed TLS and says so', async () => {
    const r = await request<CheckServerResult>('espTlsLens/checkServer', { host: '127.0.0.1', port, servername: 'device.example.com', uri: uri(weather), position: { line: 20, character: 8 } });
    assert.match(r.engine ?? '', /^Mbed TLS 3\.6\.\d+$/);
    assert.match(r.markdown, /_Run by Mbed TLS 3\.6\.\d+, the library of the project's ESP-IDF, built to WebAssembly/);
  });

  it('puts "Reproduce with this project\'s TLS" on a logged failure and runs the device\'s handshake when asked', async () => {
    const log = path.join(ws, 'monitor.log');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(log), languageId: 'esp-idf-log', version: 1, text: readFileSync(log, 'utf8') } });
    await client.waitForDiagnostics(log, (l) => l.some((d) => d.code === 'log-tls-failure'));
    const lenses = await request<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: [Record<string, unknown>] } }[]>('textDocument/codeLens', { textDocument: { uri: uri(log) } });
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title, l.command.command]), [[2, `Reproduce with this project's TLS (127.0.0.1:${port})`, 'espTlsLens.checkServer']]);
    const r = await request<CheckServerResult>('espTlsLens/checkServer', lenses[0].command.arguments[0]);
    assert.equal(r.ok, false, r.markdown);
    assert.match(r.engine ?? '', /^Mbed TLS 3\.6\.\d+$/);
    // No client names 127.0.0.1: the bundle is assumed, and its callback fails the verification, which mbedTLS
    // reports as MBEDTLS_ERR_X509_FATAL_ERROR, whatever the log's own device printed.
    assert.equal(r.expected?.code, '-0x3000', r.markdown);
    assert.ok(r.expected?.log.includes('E esp-x509-crt-bundle: Failed to verify certificate'), r.markdown);
  });

  it('closes the connection when the request is cancelled ($/cancelRequest)', async () => {
    let closed: Promise<number> = new Promise(() => undefined);
    // Reads and never answers (reading, so that our side's close reaches 'close' here).
    const silent = net.createServer((s) => { s.resume(); closed = new Promise((resolve) => s.on('close', () => resolve(Date.now()))); });
    const silentPort = await listen(silent);
    const source = new CancellationTokenSource();
    const started = Date.now();
    const pending = client.connection.sendRequest('espTlsLens/fetchChain', { host: '127.0.0.1', port: silentPort, timeoutMs: 20_000 }, source.token)
      .then((r) => r as FetchChainResult, (e: Error) => e);
    await new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    source.cancel();
    const outcome = await pending;
    assert.ok(outcome instanceof Error ? /cancel/i.test(outcome.message) : !outcome.ok && outcome.code === 'aborted', `unexpected: ${String(outcome)}`);
    const closedAt = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(0), 5000).unref())]);
    assert.ok(closedAt && closedAt - started < 5000, 'the socket to the silent server was not closed on cancel (the request would have waited 20 s)');
  });
});
