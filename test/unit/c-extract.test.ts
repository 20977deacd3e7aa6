import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractC, mayHoldFacts } from '../../server/src/c/extract';
import { maskSource } from '../../server/src/c/mask';
import { emptyCFacts } from '../../server/src/c/facts';

describe('maskSource', () => {
  it('reads the #if structure of a CRLF file, continuation lines included', () => {
    const src = '#if CONFIG_A && \\\r\n    CONFIG_B\r\nint a;\r\n#else\r\nint b;\r\n#endif\r\nint c;\r\n';
    const m = maskSource(src);
    assert.equal(m.text.length, src.length);
    assert.ok(!m.text.includes('#') && m.text.includes('int a;\r\n'));
    assert.deepEqual(m.conditionsAt(2).map((c) => [c.expr, c.negated]), [['CONFIG_A &&      CONFIG_B', false]]);
    assert.deepEqual(m.conditionsAt(4).map((c) => [c.expr, c.negated]), [['CONFIG_A &&      CONFIG_B', true]]);
    assert.deepEqual(m.conditionsAt(6), []);
  });

  it('blanks conditional directives and attribute macros without moving any character', () => {
    const src = [
      'static IRAM_ATTR void isr(void) {}',
      '#ifdef CONFIG_USE_BUNDLE',
      '  int a = 1;',
      '#elif defined(CONFIG_USE_CA) && \\',
      '      CONFIG_CA_COUNT > 1',
      '  int b = 2;',
      '#else',
      '  int c = 3;',
      '#endif',
      'static EXT_RAM_BSS_ATTR char buf[64] __attribute__((aligned(4)));',
    ].join('\n');
    const m = maskSource(src);
    assert.equal(m.text.length, src.length);
    assert.deepEqual(m.text.split('\n').map((l) => l.length), src.split('\n').map((l) => l.length));
    assert.ok(!m.text.includes('IRAM_ATTR') && !m.text.includes('#') && !m.text.includes('__attribute__'));
    assert.deepEqual(m.conditionsAt(2), [{ expr: 'defined(CONFIG_USE_BUNDLE)', negated: false, line: 1 }]);
    assert.deepEqual(m.conditionsAt(5).map((c) => [c.expr, c.negated]), [
      ['defined(CONFIG_USE_BUNDLE)', true],
      ['defined(CONFIG_USE_CA) &&        CONFIG_CA_COUNT > 1', false],
    ]);
    assert.deepEqual(m.conditionsAt(7).map((c) => c.negated), [true, true]);
    assert.deepEqual(m.conditionsAt(9), []);
  });
});

describe('extractC', () => {
  it('skips files that mention no TLS config type without parsing them', async () => {
    assert.equal(mayHoldFacts('int main(void) { return 0; }'), false);
    assert.deepEqual(await extractC('int main(void) { return 0; }'), emptyCFacts());
  });

  it('reads a designated initializer with fields in both #ifdef branches', async () => {
    const src = `#include "esp_tls.h"
#include "esp_crt_bundle.h"

static const char *TAG = "https";

void IRAM_ATTR connect_task(void *arg)
{
    ESP_LOGI(TAG, "connecting to %s", WEB_URL);
    esp_tls_cfg_t cfg = {
#ifdef CONFIG_EXAMPLE_USE_BUNDLE
        .crt_bundle_attach = esp_crt_bundle_attach,
#else
        .cacert_buf = (const unsigned char *) server_root_cert_pem_start,
        .cacert_bytes = server_root_cert_pem_end - server_root_cert_pem_start,
#endif
        .timeout_ms = 10000,
    };
    ESP_ERROR_CHECK(esp_tls_conn_http_new_sync(WEB_URL, &cfg, tls));
}
`;
    const facts = await extractC(src);
    assert.equal(facts.configs.length, 1);
    const [cfg] = facts.configs;
    assert.equal(cfg.variable, 'cfg');
    assert.equal(cfg.scope, 'local');
    assert.deepEqual(cfg.fields.map((f) => f.path), ['crt_bundle_attach', 'cacert_buf', 'cacert_bytes', 'timeout_ms']);
    assert.deepEqual(cfg.fields[0].conditions, [{ expr: 'defined(CONFIG_EXAMPLE_USE_BUNDLE)', negated: false, line: 9 }]);
    assert.equal(cfg.fields[1].conditions[0].negated, true);
    assert.equal(cfg.fields[1].value, '(const unsigned char *) server_root_cert_pem_start');
    assert.deepEqual(cfg.fields[3].conditions, []);
    assert.deepEqual(cfg.nameRange, { start: { line: 8, character: 18 }, end: { line: 8, character: 21 } });
    assert.deepEqual(facts.includes.map((i) => i.path), ['esp_tls.h', 'esp_crt_bundle.h']);
  });

  it('reads compound literals passed straight to a call, globals, arrays and later assignments', async () => {
    const src = `#include <esp_tls.h>
static esp_tls_cfg_t s_cfg = { .timeout_ms = 3000 };
static const esp_tls_cfg_t s_pool[2] = {
    { .use_global_ca_store = true },
    { .skip_common_name = true },
};

void start(esp_tls_t *tls)
{
    esp_tls_conn_new_sync("example.com", 11, 443, &(esp_tls_cfg_t){ .timeout_ms = 1 }, tls);
    s_cfg.crt_bundle_attach = esp_crt_bundle_attach;
}
`;
    const facts = await extractC(src);
    const byName = new Map(facts.configs.map((c) => [c.variable ?? c.form, c]));
    assert.deepEqual([...byName.keys()].sort(), ['compound-literal', 's_cfg', 's_pool[0]', 's_pool[1]']);
    assert.equal(byName.get('s_cfg')!.scope, 'global');
    assert.equal(byName.get('compound-literal')!.scope, 'local');
    assert.equal(byName.get('s_pool[0]')!.fields[0].path, 'use_global_ca_store');
    assert.deepEqual(facts.assignments.map((a) => [a.target, a.field, a.value]), [['s_cfg', 'crt_bundle_attach', 'esp_crt_bundle_attach']]);
  });

  it('gives nested designators dotted paths', async () => {
    const src = `void mqtt_start(void) {
    const esp_mqtt_client_config_t mqtt_cfg = {
        .broker = {
            .address.uri = "mqtts://broker.example.com",
            .verification = { .certificate = (const char *)ca_pem_start },
        },
        .credentials.username = "dev",
    };
}`;
    const [cfg] = (await extractC(src)).configs;
    assert.deepEqual(cfg.fields.map((f) => f.path), ['broker.address.uri', 'broker.verification.certificate', 'credentials.username']);
  });

  it('describes the initializer shape a fix needs', async () => {
    const facts = await extractC(`void f(void) {\n\tesp_tls_cfg_t a = { 0 };\n\tesp_tls_cfg_t b = {\n\t\t.timeout_ms = 1\n\t};\n}`);
    const [a, b] = facts.configs;
    assert.equal(a.initializer!.zeroOnly, true);
    assert.equal(a.initializer!.multiline, false);
    assert.equal(b.initializer!.multiline, true);
    assert.equal(b.initializer!.trailingComma, false);
    assert.equal(b.initializer!.itemIndent, '\t\t');
  });
});
