// Issue 19, over JSON-RPC against dist/server.js: hostile files in the workspace never block, crash or
// leave stale diagnostics. A FIFO reported by the file watcher, a buffer edited until it is too complex to
// analyse, and after each the server still answers at once and still analyses the sound files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeProject } from '../support/hostile';
import { serverPath, TestClient, uri } from '../support/lsp';

/** A sound source with one finding (the name check skipped): what the buffers below start from and return to. */
const insecure = 'void f(void) { esp_tls_cfg_t cfg = { .skip_common_name = true }; esp_tls_conn_new_sync("h", 1, 443, &cfg, 0); }\n';

describe('language server and hostile files', { skip: process.platform === 'win32' ? 'needs FIFOs' : false }, () => {
  let client: TestClient;
  let ws: string;

  before(async () => {
    assert.ok(existsSync(serverPath), 'dist/server.js is missing: run `npm run build` first');
    ws = mkdtempSync(path.join(tmpdir(), 'tls-lens-hostile-'));
    writeProject(ws);
    client = new TestClient();
    await client.initialize(ws);
    await client.connection.sendRequest('espTlsLens/checkWorkspace');
  });
  after(async () => { await client?.shutdown(); rmSync(ws, { recursive: true, force: true }); });

  const answers = async () => {
    const t0 = Date.now();
    const r = (await client.connection.sendRequest('espTlsLens/decode', { input: '-0x2700' })) as { ok: boolean };
    assert.equal(r.ok, true);
    return Date.now() - t0;
  };

  it('a FIFO reported by the file watcher is refused with a note; the server keeps answering', async () => {
    const fifo = path.join(ws, 'main/pipe.c');
    execFileSync('mkfifo', [fifo]);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(fifo), type: 1 }] });
    assert.ok(await answers() < 5000, 'answered while the FIFO has no writer');
    const result = (await client.connection.sendRequest('espTlsLens/checkWorkspace')) as { skipped: { file: string; reason: string }[] };
    assert.ok(result.skipped.some((s) => s.file === fifo && /not a regular file/.test(s.reason)), JSON.stringify(result.skipped));
    assert.equal(client.exited, false);
  });

  it('a buffer edited into something too complex loses its findings (none stale) and says why', async () => {
    const file = path.join(ws, 'main/edited.c');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'c', version: 1, text: insecure } });
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'tls-hostname-check-skipped'));
    const deep = `${insecure}int x = ${'('.repeat(5000)}1${')'.repeat(5000)};\n`;
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: deep }] });
    await client.waitForDiagnostics(file, (d) => d.length === 0);
    const result = (await client.connection.sendRequest('espTlsLens/checkWorkspace')) as { skipped: { file: string; reason: string }[] };
    assert.ok(result.skipped.some((s) => s.file === file && /too complex to analyse: brackets nested 5000 deep/.test(s.reason)), JSON.stringify(result.skipped));
    // The sound file is still analysed, and the server answers.
    assert.ok(await answers() < 5000);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 3 }, contentChanges: [{ text: insecure }] });
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'tls-hostname-check-skipped'));
    assert.match(readFileSync(path.join(ws, 'main/app.c'), 'utf8'), /crt_bundle_attach/);
    assert.equal(client.exited, false);
  });

  // A fuzzed source that takes its whole parse budget (about half a second) before it is too complex: while
  // the worker parses it, the server answers; in one thread the answer came only after the parse.
  it('answers requests while a file is being parsed', async () => {
    const file = path.join(ws, 'main/slow.c');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(file), languageId: 'c', version: 1, text: insecure } });
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'tls-hostname-check-skipped'));
    const slow = readFileSync(path.resolve(__dirname, '../fixtures/fuzz/crashes/c-1060dee09834.c'), 'utf8');
    const events: string[] = [];
    const cleared = client.waitForDiagnostics(file, (d) => d.length === 0).then(() => events.push('analysed'));
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(file), version: 2 }, contentChanges: [{ text: insecure + slow }] });
    const answered = answers().then(() => events.push('answered'));
    await Promise.all([cleared, answered]);
    assert.deepEqual(events, ['answered', 'analysed']);
    const result = (await client.connection.sendRequest('espTlsLens/checkWorkspace')) as { skipped: { file: string; reason: string }[] };
    assert.ok(result.skipped.some((s) => s.file === file && /too complex to analyse: .*did not finish/.test(s.reason)), JSON.stringify(result.skipped));
  });
});
