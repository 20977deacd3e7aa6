// The C extractor parses only the top-level pieces of a file that can matter (server/src/c/chunks.ts,
// parseRelevant in extract.ts). These tests hold it to the whole-file parse: on tricky shapes, on the
// repository's C fixtures and on a generated benchmark workspace, every fact the rules read is the same.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chunksAt, mergeSpans, occurrences, topLevel, wordsPattern } from '../../server/src/c/chunks';
import { extractC } from '../../server/src/c/extract';
import { accessPath, type CFileFacts } from '../../server/src/c/facts';
import { maskSource } from '../../server/src/c/mask';
import { repo } from '../support/cli';

const piece = (text: string, i: number, pieces: { start: number; end: number }[]) => text.slice(pieces[i].start, pieces[i].end).trim();

describe('topLevel', () => {
  it('cuts functions, declarations and struct definitions; directives stand apart wherever they are', () => {
    const src = [
      '#include "esp_tls.h"',
      '#define URL "https://x/{a};" \\',
      '    "more"',
      'static const char *TAG = "a;b{";',
      'typedef struct { esp_tls_cfg_t tls; int n; } app_t;',
      '/* a comment with } and ; */',
      'void f(int a) // trailing ) comment',
      '{',
      '    if (a) { g("}"); }',
      '#ifdef X',
      '    h(\'{\');',
      '#endif',
      '}',
      'int arr[] = { 1, 2 };',
      'esp_err_t handler(httpd_req_t *req) { return ESP_OK; }',
      'struct s { int x; } v;',
    ].join('\n');
    const top = topLevel(maskSource(src).text)!;
    assert.deepEqual(top.chunks.map((_, i) => piece(src, i, top.chunks)), [
      'static const char *TAG = "a;b{";',
      'typedef struct { esp_tls_cfg_t tls; int n; } app_t;',
      '/* a comment with } and ; */\nvoid f(int a) // trailing ) comment\n{\n    if (a) { g("}"); }\n#ifdef X\n    h(\'{\');\n#endif\n}',
      'int arr[] = { 1, 2 };',
      'esp_err_t handler(httpd_req_t *req) { return ESP_OK; }',
      'struct s { int x; } v;',
    ]);
    // #ifdef/#endif are blanked by the mask; #include and the continued #define remain, with their newline.
    assert.deepEqual(top.directives.map((d) => src.slice(d.start, d.end)), ['#include "esp_tls.h"\n', '#define URL "https://x/{a};" \\\n    "more"\n']);
  });

  it('looks through extern "C" blocks, and gives up on unbalanced text', () => {
    const src = 'extern "C" {\nint a;\nvoid f(void) { }\n}\n';
    const top = topLevel(src)!;
    assert.deepEqual(top.chunks.map((_, i) => piece(src, i, top.chunks)), ['extern "C" {', 'int a;', 'void f(void) { }', '}']);
    assert.equal(topLevel('void f(void) {\n  if (x) {\n}\n'), undefined, 'a half-typed function');
    assert.equal(topLevel('int a = (1;\n'), undefined);
  });

  it('finds the pieces holding a word, and merges spans', () => {
    const src = 'int a;\nvoid f(void) { esp_tls_init(); }\nint b;\nvoid g(void) { tls_b(); }\n';
    const top = topLevel(src)!;
    assert.deepEqual([...chunksAt(top.chunks, occurrences(src, wordsPattern(['esp_tls_'])))], [1]);
    assert.deepEqual([...chunksAt(top.chunks, occurrences(src, wordsPattern(['b'], { wholeWord: true })))], [2], 'whole words only');
    assert.deepEqual(occurrences(src, wordsPattern([])), []);
    assert.deepEqual(mergeSpans([{ start: 5, end: 9 }, { start: 0, end: 3 }, { start: 3, end: 4 }, { start: 8, end: 12 }]), [{ start: 0, end: 4 }, { start: 5, end: 12 }]);
  });
});

/** The facts the rules read, in a comparable form: calls of the TLS APIs or naming a config, assignments to a config. */
function ruleFacts(f: CFileFacts) {
  const roots = new Set([...f.configs.map((c) => accessPath(c.variable ?? '').split(/[.[]/)[0]), ...Object.keys(f.memberTypes)].filter(Boolean));
  const mentions = (s: string) => [...roots].some((r) => new RegExp(`\\b${r}\\b`).test(s));
  const api = /^(esp_transport_ssl_|mbedtls_|esp_tls_|esp_crt_bundle_|esp_http_client_init$|esp_https_ota|esp_mqtt_client_init$|esp_websocket_client_init$|memset$|esp_sntp_|sntp_|esp_netif_sntp_|settimeofday$)/;
  return {
    ...f,
    calls: f.calls.filter((c) => api.test(c.name) || c.args.some((a) => mentions(a.text))),
    assignments: f.assignments.filter((a) => mentions(a.target)),
  };
}

async function assertSameFacts(text: string, label: string): Promise<CFileFacts> {
  const whole = await extractC(text, { whole: true });
  const pieces = await extractC(text);
  assert.deepEqual(ruleFacts(pieces), ruleFacts(whole), label);
  return pieces;
}

describe('extractC on the pieces that matter', () => {
  it('follows globals, struct members and extern configs into functions that name no TLS word', async () => {
    const src = [
      '#include "esp_tls.h"',
      '#define CA_PEM "-----BEGIN CERTIFICATE-----\\n"',
      'typedef struct { esp_tls_cfg_t tls; int retries; } app_t;',
      'static app_t s_app = { .tls = { .timeout_ms = 100 } };',
      'static esp_tls_cfg_t s_cfg = { .timeout_ms = 5 };',
      'extern esp_tls_cfg_t g_shared;',
      'static void unrelated(void) { int x = 1; x++; }',
      'void setup(void)',
      '{',
      '    s_app.tls.cacert_pem_buf = (const unsigned char *)CA_PEM;',
      '    s_cfg.skip_common_name = true;',
      '    g_shared.use_global_ca_store = true;',
      '    configure(&s_cfg);',
      '}',
      'static IRAM_ATTR void isr(void) { }',
      'void connect(void) {',
      '#if CONFIG_USE_BUNDLE',
      '    esp_tls_cfg_t cfg = { .crt_bundle_attach = esp_crt_bundle_attach };',
      '#else',
      '    esp_tls_cfg_t cfg = { .cacert_buf = ca_start };',
      '#endif',
      '    esp_tls_conn_http_new_sync("https://a", &cfg, tls);',
      '}',
    ].join('\n');
    const facts = await assertSameFacts(src, 'tricky file');
    assert.deepEqual(facts.assignments.map((a) => a.left), ['s_app.tls.cacert_pem_buf', 's_cfg.skip_common_name', 'g_shared.use_global_ca_store']);
    assert.deepEqual(facts.configs.map((c) => c.variable), ['s_app.tls', 's_cfg', 'cfg', 'cfg']);
    assert.ok(facts.calls.some((c) => c.name === 'configure'), 'a call taking a global config by address');
    assert.deepEqual(facts.defines.map((d) => d.name), ['CA_PEM']);
  });

  it('reads a large file through the one function that matters', async () => {
    const filler = (i: number) => `static int helper_${i}(int a)\n{\n    int s = 0;\n    for (int k = 0; k < a; k++) { s += k * ${i}; }\n    return s;\n}\n`;
    const tls = 'void start(void)\n{\n    esp_http_client_config_t config = {\n        .url = "https://example.com",\n    };\n    esp_http_client_init(&config);\n}\n';
    const src = Array.from({ length: 800 }, (_, i) => filler(i)).join('') + tls + Array.from({ length: 200 }, (_, i) => filler(i + 800)).join('');
    const top = topLevel(maskSource(src).text)!;
    const chosen = chunksAt(top.chunks, occurrences(src, wordsPattern(['esp_http_client_'])));
    assert.deepEqual([...chosen].map((i) => piece(src, i, top.chunks)), [tls.trim()], 'one piece of 1,001');
    const facts = await assertSameFacts(src, 'large file');
    assert.equal(facts.configs[0].nameRange.start.line, 800 * 6 + 2, 'positions are those of the whole file');
  });

  it('agrees with the whole-file parse on every C fixture of the repository', async () => {
    const files = cFilesUnder(path.join(repo, 'test', 'fixtures'));
    assert.ok(files.length >= 10);
    for (const f of files) await assertSameFacts(readFileSync(f, 'utf8'), f);
  });

  it('agrees with the whole-file parse on a generated benchmark workspace', async () => {
    const { generate } = await import('../../scripts/bench/generate.mjs');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tls-lens-chunks-'));
    try {
      const stats = await generate(dir, 1, 7);
      const files = cFilesUnder(dir);
      let withConfigs = 0;
      for (const f of files) if ((await assertSameFacts(readFileSync(f, 'utf8'), f)).configs.length) withConfigs++;
      assert.ok(withConfigs > 0 && withConfigs <= stats.tlsConfigs, `${withConfigs} files with configs`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function cFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    // The fuzzer's inputs are hostile on purpose (too complex to analyse): not sources to agree on.
    .filter((f) => /\.(c|h)$/.test(f) && !f.includes(`${path.sep}fuzz${path.sep}`) && statSync(f).isFile());
}
