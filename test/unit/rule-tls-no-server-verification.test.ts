import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUNDLE_FIX_TITLE } from '../../server/src/rules/tlsNoServerVerification';
import { runRules } from '../../server/src/rules/index';
import { extractC } from '../../server/src/c/extract';
import { applyEdits } from '../support/edits';
import { contextOf, FILE, fakeProject, findingsOf as findingsOfAll } from '../support/analyse';
import type { EspIdfProject } from '../../server/src/project/model';

const findingsOf = (src: string, project?: EspIdfProject) => findingsOfAll(src, project, 'tls-no-server-verification');

const insecure = `/* HTTPS GET example, trimmed */
#include <string.h>
#include "esp_log.h"
#include "esp_tls.h"

static const char *TAG = "example";

static void https_get_request(const char *url, const char *request)
{
    ESP_LOGI(TAG, "https_request using an insecure config");
    esp_tls_cfg_t cfg = {
        .timeout_ms = 5000,
        .non_block = false,
    };
    esp_tls_t *tls = esp_tls_init();
    if (esp_tls_conn_http_new_sync(url, &cfg, tls) == 1) {
        ESP_LOGI(TAG, "Connection established...");
    }
}
`;

describe('tls-no-server-verification', () => {
  it('reports an esp_tls_cfg_t that sets no verification option, on its name', async () => {
    const [f, ...rest] = await findingsOf(insecure);
    assert.equal(rest.length, 0);
    assert.equal(f.rule, 'tls-no-server-verification');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.range, { start: { line: 10, character: 18 }, end: { line: 10, character: 21 } });
    assert.match(f.message, /`cfg` \(esp_tls_cfg_t\) verifies no server/);
    assert.match(f.message, /ESP_ERR_MBEDTLS_SSL_SETUP_FAILED/);
  });

  it('says the device trusts anyone when sdkconfig skips verification, pointing at that line', async () => {
    const project = fakeProject({ CONFIG_ESP_TLS_INSECURE: 'y', CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY: 'y' });
    const [f] = await findingsOf(insecure, project);
    assert.match(f.message, /accepts any server/);
    assert.equal(f.related?.[0].file, '/work/proj/sdkconfig');
    assert.equal(f.related?.[0].range.start.line, 1);
  });

  it('accepts each verification option esp-tls knows', async () => {
    for (const field of ['.crt_bundle_attach = esp_crt_bundle_attach', '.use_global_ca_store = true',
      '.cacert_buf = ca_start', '.cacert_pem_buf = (const unsigned char *)ca_pem', '.psk_hint_key = &psk']) {
      const src = `void f(void) { esp_tls_cfg_t cfg = { ${field}, .timeout_ms = 1 }; }`;
      assert.deepEqual(await findingsOf(src), [], field);
    }
  });

  it('treats NULL, false and 0 as not set', async () => {
    const src = `void f(void) { esp_tls_cfg_t cfg = { .cacert_buf = NULL, .use_global_ca_store = false, .crt_bundle_attach = (void *)0 }; }`;
    assert.equal((await findingsOf(src)).length, 1);
  });

  it('counts a field assigned after the declaration in the same function', async () => {
    const src = `void f(void) {\n  esp_tls_cfg_t cfg = { 0 };\n  cfg.crt_bundle_attach = esp_crt_bundle_attach;\n}\nvoid g(void) {\n  esp_tls_cfg_t cfg = { 0 };\n}`;
    const findings = await findingsOf(src);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 5);
  });

  it('ignores plain TCP configs and configs compiled out by sdkconfig', async () => {
    assert.deepEqual(await findingsOf('void f(void) { esp_tls_cfg_t cfg = { .is_plain_tcp = true }; }'), []);
    const src = `#if CONFIG_LEGACY_CLIENT\nstatic esp_tls_cfg_t legacy = { .timeout_ms = 1 };\n#endif\n`;
    assert.deepEqual(await findingsOf(src, fakeProject({})), []);
    assert.equal((await findingsOf(src, fakeProject({ CONFIG_LEGACY_CLIENT: 'y' }))).length, 1);
  });

  it('follows #ifdef branches: verified in both, or only in a branch sdkconfig disables', async () => {
    const both = `void f(void) {
    esp_tls_cfg_t cfg = {
#ifdef CONFIG_USE_BUNDLE
        .crt_bundle_attach = esp_crt_bundle_attach,
#else
        .cacert_buf = ca_start,
#endif
    };
}`;
    assert.deepEqual(await findingsOf(both), []);
    const onlyOne = `void f(void) {
    esp_tls_cfg_t cfg = {
#if CONFIG_USE_BUNDLE
        .crt_bundle_attach = esp_crt_bundle_attach,
#endif
        .timeout_ms = 1,
    };
}`;
    const [possible] = await findingsOf(onlyOne);
    assert.equal(possible.severity, 'warning', 'unknown configuration: only one branch is insecure');
    assert.match(possible.message, /verifies no server when CONFIG_USE_BUNDLE is not set\. It sets .* in that build \(the project's sdkconfig does not say which is made\)/);
    assert.deepEqual(await findingsOf(onlyOne, fakeProject({ CONFIG_USE_BUNDLE: 'y' })), []);
    const [f] = await findingsOf(onlyOne, fakeProject({ CONFIG_USE_BUNDLE: 'n' }));
    assert.match(f.message, /crt_bundle_attach set at line 4 is compiled out/);
  });

  it('reports compound literals passed to a call', async () => {
    const src = `void f(esp_tls_t *tls) {\n  esp_tls_conn_http_new_sync("https://example.com", &(esp_tls_cfg_t){ .timeout_ms = 100 }, tls);\n}`;
    const [f] = await findingsOf(src);
    assert.match(f.message, /This esp_tls_cfg_t literal verifies no server/);
    assert.equal(f.range.start.line, 1);
  });

  describe('quick fix: attach the certificate bundle', () => {
    const fixed = async (src: string) => {
      const findings = await findingsOf(src);
      assert.equal(findings.length, 1);
      const fix = findings[0].fixes![0];
      assert.equal(fix.title, BUNDLE_FIX_TITLE);
      assert.equal(fix.edits[0].file, FILE);
      return applyEdits(src, fix.edits[0].edits);
    };

    it('adds the field in the initializer style and the include after the last include', async () => {
      const out = await fixed(insecure);
      assert.match(out, /        \.non_block = false,\n        \.crt_bundle_attach = esp_crt_bundle_attach,\n    \};/);
      assert.match(out, /#include "esp_tls.h"\n#include "esp_crt_bundle.h"\n/);
      assert.deepEqual(await findingsOf(out), [], 'the fixed source checks clean');
    });

    it('handles `{ 0 }`, one-line lists, lists without trailing comma and an existing include', async () => {
      const cases = [
        '#include "esp_crt_bundle.h"\nvoid f(void) { esp_tls_cfg_t c = { 0 }; }',
        'void f(void) { esp_tls_cfg_t c = { .timeout_ms = 1 }; }',
        'void f(void) {\n    esp_tls_cfg_t c = {\n        .timeout_ms = 1\n    };\n}',
        'void f(void) { esp_tls_cfg_t c = {}; }',
      ];
      for (const src of cases) {
        const out = await fixed(src);
        assert.equal(out.match(/esp_crt_bundle\.h/g)?.length, 1, out);
        assert.deepEqual(await findingsOf(out), [], out);
      }
    });

    it('keeps the new field outside an #if block that ends the list', async () => {
      const src = 'void f(void) {\n    esp_tls_cfg_t c = {\n        .timeout_ms = 1,\n#if CONFIG_X\n        .non_block = true,\n#endif\n    };\n}';
      const out = await fixed(src);
      assert.match(out, /#endif\n        \.crt_bundle_attach = esp_crt_bundle_attach,\n    \};/);
    });
  });

  it('applies severity overrides and off', async () => {
    const c = await extractC(insecure);
    const ctx = contextOf([{ file: FILE, hash: 'h', c }]);
    assert.equal(runRules(ctx, { 'tls-no-server-verification': 'warning' })[0].severity, 'warning');
    assert.deepEqual(runRules(ctx, { 'tls-no-server-verification': 'off' }), []);
  });
});
