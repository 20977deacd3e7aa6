// Issue 20: the server stays silent in a workspace that holds no ESP-IDF project (a plain CMake project with a
// main/ folder activates the extension, but its C files are not firmware): no diagnostics, no hovers, a status
// of 0 projects (the client then hides its status item and menus). When the folder becomes an ESP-IDF project
// (its CMakeLists.txt includes project.cmake), the same file is analysed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient, uri } from '../support/lsp';

const INSECURE = '#include "esp_tls.h"\nvoid f(void) {\n  esp_tls_cfg_t cfg = { .skip_common_name = true };\n  esp_tls_conn_new_sync("h", 1, 443, &cfg, 0); // -0x2700\n}\n';

describe('language server outside ESP-IDF projects', () => {
  let client: TestClient;
  let ws: string;
  let app: string;

  before(async () => {
    ws = mkdtempSync(path.join(tmpdir(), 'tls-lens-plain-'));
    mkdirSync(path.join(ws, 'main'));
    writeFileSync(path.join(ws, 'CMakeLists.txt'), 'cmake_minimum_required(VERSION 3.16)\nproject(plain C)\nadd_subdirectory(main)\n');
    writeFileSync(path.join(ws, 'main/CMakeLists.txt'), 'add_executable(app app.c)\n');
    app = path.join(ws, 'main/app.c');
    writeFileSync(app, INSECURE);
    client = new TestClient();
    await client.initialize(ws);
  });
  after(async () => { await client?.shutdown(); rmSync(ws, { recursive: true, force: true }); });

  it('publishes nothing and answers no hover while the workspace has no ESP-IDF project', async () => {
    await client.waitForStatus((s) => s.state === 'ready');
    assert.deepEqual(client.statuses.filter((s) => s.state === 'ready').map((s) => [s.projects, s.findings]), [[0, 0]]);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(app), languageId: 'c', version: 1, text: INSECURE } });
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(app) }, position: { line: 3, character: 51 } });
    assert.equal(hover, null);
    assert.deepEqual(client.diagnosticsFor(app) ?? [], []);
  });

  it('analyses the same file once the folder is an ESP-IDF project', async () => {
    const top = path.join(ws, 'CMakeLists.txt');
    writeFileSync(top, 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n');
    writeFileSync(path.join(ws, 'main/CMakeLists.txt'), 'idf_component_register(SRCS "app.c" INCLUDE_DIRS ".")\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(top), type: 2 }] });
    const d = await client.waitForDiagnostics(app, (l) => l.some((x) => x.code === 'tls-hostname-check-skipped'));
    assert.ok(d.length >= 1);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(app) }, position: { line: 3, character: 51 } }) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /0x2700/);
  });
});

/** A minimal ESP-IDF project whose main/app.c holds INSECURE. */
function idfProject(): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'tls-lens-idf-'));
  mkdirSync(path.join(ws, 'main'));
  writeFileSync(path.join(ws, 'CMakeLists.txt'), 'include($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n');
  writeFileSync(path.join(ws, 'main/CMakeLists.txt'), 'idf_component_register(SRCS "app.c")\n');
  writeFileSync(path.join(ws, 'main/app.c'), INSECURE);
  return ws;
}

describe('language server start', () => {
  it('indexes once at start, although the client sends its settings again; again when they change', async () => {
    const ws = idfProject();
    const client = new TestClient();
    try {
      await client.initialize(ws);
      // As vscode-languageclient does right after start (synchronize.configurationSection).
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const indexed = () => client.log.filter((l) => /^indexed \d+ ESP-IDF project/.test(l)).length;
      // A buffer's analysis queues behind the configuration's: when its diagnostics come, both have run.
      const other = path.join(ws, 'main/other.c');
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(other), languageId: 'c', version: 1, text: INSECURE } });
      await client.waitForDiagnostics(other, (d) => d.length > 0);
      assert.equal(indexed(), 1, client.log.join('\n'));
      client.settings = { expiryWarningDays: 30 };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitForStatus(() => indexed() === 2);
    } finally {
      await client.shutdown();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('code lenses', () => {
  it('asks the editor to refresh its lenses when an edit changed them, not on every keystroke', async () => {
    const ws = idfProject();
    const app = path.join(ws, 'main/app.c');
    const client = new TestClient();
    try {
      await client.initialize(ws, { codeLens: { refreshSupport: true } });
      await client.waitForStatus((s) => s.state === 'ready');
      const afterIndex = client.lensRefreshes;
      assert.ok(afterIndex >= 1);
      const change = async (version: number, text: string) => {
        await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(app), version }, contentChanges: [{ text }] });
        await client.connection.sendRequest('espTlsLens/checkWorkspace'); // queued after the edit: it has been analysed
      };
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(app), languageId: 'c', version: 1, text: INSECURE } });
      await change(2, INSECURE.replace('void f(void) {', 'void f(void) {  ')); // a keystroke that moves no lens
      assert.equal(client.lensRefreshes, afterIndex);
      await change(3, INSECURE.replace('"h"', '"api.example.com"')); // the lens names the host
      assert.equal(client.lensRefreshes, afterIndex + 1);
    } finally {
      await client.shutdown();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
