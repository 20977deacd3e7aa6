// The server with an ESP-IDF build folder present: the build's own view (project_description.json,
// compile_commands.json, config/sdkconfig.json, the generated `.S` embed sources) decides what is
// compiled, what is embedded, the configuration and the IDF version. Shape: a v4.4 project whose
// component takes its certificate name from a variable set outside the component, plus an old copy of
// the client that no component compiles.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { StatusParams } from '../../server/src/protocol';
import { TestClient, uri } from '../support/lsp';

const CLIENT = `#include "esp_tls.h"
extern const uint8_t ca_pem_start[] asm("_binary_ca_pem_start");
extern const uint8_t ca_pem_end[] asm("_binary_ca_pem_end");
void connect(void) {
    esp_tls_cfg_t cfg = { .cacert_buf = ca_pem_start, .cacert_bytes = ca_pem_end - ca_pem_start };
    esp_tls_conn_http_new("https://example.com", &cfg);
}
`;
const OLD_CLIENT = `#include "esp_tls.h"
void connect_old(void) {
    esp_tls_cfg_t cfg = { .timeout_ms = 1000 };
    esp_tls_conn_http_new("https://example.com", &cfg);
}
`;

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

function project(withBuild: boolean): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'tls-lens-build-'));
  writeTree(ws, {
    'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(buildview)\n',
    'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c" EMBED_TXTFILES ${SERVER_CA_FILE})\n',
    'main/app.c': CLIENT,
    'main/app_old.c': OLD_CLIENT,
    'sdkconfig.defaults': 'CONFIG_IDF_TARGET="esp32"\n',
  });
  if (withBuild) {
    const build = path.join(ws, 'build');
    writeTree(build, {
      'project_description.json': JSON.stringify({ git_revision: 'v4.4.8', target: 'esp32', idf_path: '/opt/esp-idf', build_component_paths: [path.join(ws, 'main'), '/opt/esp-idf/components/mbedtls'] }),
      'compile_commands.json': JSON.stringify([{ directory: path.join(build, 'esp-idf/main'), file: path.join(ws, 'main/app.c'), command: 'xtensa-esp32-elf-gcc -c app.c' }]),
      // A real one lists every option of the build; this one only what the test needs.
      'config/sdkconfig.json': JSON.stringify({ IDF_TARGET: 'esp32', MBEDTLS_TLS_ENABLED: true }),
      'ca.pem.S': `/*\n * Data converted from ${path.join(ws, 'main/certs/ca.pem')}\n * (null byte appended)\n */\n.data\n.section .rodata.embedded\n.global _binary_ca_pem_start\n_binary_ca_pem_start:\n`,
    });
  }
  return ws;
}

const ours = (d: Diagnostic[] | undefined) => (d ?? []).filter((x) => x.source === 'esp-tls-lens');

/** A server on a fresh copy of the project, shut down whatever the test does. */
async function withServer(withBuild: boolean, made: string[], fn: (client: TestClient, ws: string) => Promise<void>): Promise<void> {
  const ws = project(withBuild);
  made.push(ws);
  const client = new TestClient();
  try {
    await client.initialize(ws);
    await fn(client, ws);
  } finally {
    await client.shutdown();
  }
}

/** The diagnostics of `rel` once the first analysis is published: the ready status follows the last of them on
 * the same stream, so a file with nothing published then has no finding (it is never sent an empty list). */
async function afterIndexing(client: TestClient, ws: string, rel: string): Promise<Diagnostic[]> {
  await client.waitForStatus((s) => s.state === 'ready');
  return ours(client.diagnosticsFor(path.join(ws, rel)));
}

describe('language server with a build folder', () => {
  const made: string[] = [];
  after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

  it('without a build folder an embed named by an outside variable is only an info, and the uncompiled copy only a hint', () => withServer(false, made, async (client, ws) => {
    const app = await afterIndexing(client, ws, 'main/app.c');
    assert.deepEqual(app.map((d) => [d.code, d.severity]), [['embed-symbol-missing', 3]]);
    assert.match(String(app[0].message), /could not be read.*\$\{SERVER_CA_FILE\}/);
    const old = await afterIndexing(client, ws, 'main/app_old.c');
    assert.deepEqual(old.map((d) => [d.code, d.severity]), [['file-not-compiled', 4]], 'no tls-no-server-verification on code the build never compiles');
  }));

  it('an open CMakeLists.txt buffer is what the next re-read of the project takes (shape: an embed added by a quick fix, not saved yet)', () => withServer(false, made, async (client, ws) => {
    assert.equal((await afterIndexing(client, ws, 'main/app.c')).length, 1);
    const cmake = path.join(ws, 'main/CMakeLists.txt');
    const text = 'idf_component_register(SRCS "app.c" EMBED_TXTFILES certs/ca.pem)\n';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(cmake), languageId: 'cmake', version: 1, text } });
    await client.connection.sendRequest('espTlsLens/checkWorkspace');
    assert.deepEqual(ours(client.diagnosticsFor(path.join(ws, 'main/app.c'))), [], 'the buffer embeds ca.pem: _binary_ca_pem_start resolves');
  }));

  it('with a build folder the generated embed source names the symbol, and compile_commands.json decides what is compiled', () => withServer(true, made, async (client, ws) => {
    const ready = await client.waitForStatus((s) => s.state === 'ready') as StatusParams;
    assert.match(ready.versions?.[0] ?? '', /ESP-IDF v4\.4\.8 \(git_revision v4\.4\.8 in .*project_description\.json\)/);
    assert.deepEqual((await afterIndexing(client, ws, 'main/app_old.c')).map((d) => d.code), ['file-not-compiled']);
    assert.deepEqual(await afterIndexing(client, ws, 'main/app.c'), [], 'the build embeds ca_pem: the same moment as without a build folder, and nothing to say');
  }));
});
