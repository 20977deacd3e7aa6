import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractC } from '../../server/src/c/extract';
import { fieldHover } from '../../server/src/c/fieldHover';
import type { IdfVersion } from '../../server/src/project/model';
import { trustLenses } from '../../server/src/rules/trustLens';
import { contextOf, FILE, fakeProject } from '../support/analyse';

const v = (major: number, minor: number): IdfVersion => ({ major, minor, patch: 0, source: 'sdkconfig' });

async function hoverAt(src: string, marker: string, idf?: IdfVersion) {
  const lines = src.split('\n');
  const line = lines.findIndex((l) => l.includes(marker));
  const character = lines[line].indexOf(marker) + 1;
  return fieldHover(await extractC(src), src, { line, character }, idf);
}

describe('hover on TLS config fields', () => {
  const http = `void f(void) {
    esp_http_client_config_t c = {
        .url = "https://example.com",
        .common_name = "example.com",
        .skip_cert_common_name_check = false,
        .crt_bundle_attach = esp_crt_bundle_attach,
    };
    c.cert_pem = ca;
}`;
  it('documents a field of the config under the cursor, with what it does for TLS', async () => {
    const h = (await hoverAt(http, 'crt_bundle_attach ='))!;
    assert.match(h.markdown, /\*\*`\.crt_bundle_attach`\*\* in `esp_http_client_config_t`/);
    assert.match(h.markdown, /esp_err_t \(\*crt_bundle_attach\)\(void \*conf\);/);
    assert.match(h.markdown, /certificate bundle \(needs CONFIG_MBEDTLS_CERTIFICATE_BUNDLE\)/);
    assert.match(h.markdown, /every checked release \(v4\.4\.8 to v6\.0\.2\)/);
    assert.deepEqual(h.range, { start: { line: 5, character: 9 }, end: { line: 5, character: 26 } });
  });
  it('leaves out what a diagnostic on the field already says (no sentence twice in one view)', async () => {
    const lines = http.split('\n');
    const line = lines.findIndex((l) => l.includes('crt_bundle_attach ='));
    const explained = fieldHover(await extractC(http), http, { line, character: lines[line].indexOf('crt_bundle_attach') + 1 }, undefined, true)!;
    assert.doesNotMatch(explained.markdown, /\*\*TLS:\*\*/);
    assert.match(explained.markdown, /esp_err_t \(\*crt_bundle_attach\)\(void \*conf\);/, 'the declaration is what the diagnostic does not say');
  });
  it('says since which version a field exists and whether the project has it', async () => {
    const newer = (await hoverAt(http, 'common_name =', v(5, 3)))!;
    assert.match(newer.markdown, /Since v5\.1\.7\./);
    assert.match(newer.markdown, /Your project \(v5\.3\) has it/);
    const older = (await hoverAt(http, 'common_name =', v(4, 4)))!;
    assert.match(older.markdown, /\*\*Your project \(v4\.4\) does not have this field\.\*\*/);
  });
  it('works on assignments and nested mqtt paths, and knows fields removed later', async () => {
    assert.match((await hoverAt(http, 'cert_pem = ca'))!.markdown, /`\.cert_pem`\*\* in `esp_http_client_config_t`/);
    const mqtt = 'void f(void) { esp_mqtt_client_config_t m = { .broker = { .verification = { .certificate = ca } } }; }';
    assert.match((await hoverAt(mqtt, 'certificate ='))!.markdown, /`\.broker\.verification\.certificate`\*\* in `esp_mqtt_client_config_t`/);
    const v4 = 'void f(void) { esp_mqtt_client_config_t m = { .uri = "mqtts://b" }; }';
    assert.match((await hoverAt(v4, 'uri ='))!.markdown, /Not in v5\.0\.9 and later/);
  });
  it('stays quiet away from fields', async () => {
    assert.equal(await hoverAt(http, 'esp_http_client_config_t c'), undefined);
    assert.equal(await hoverAt(http, '"https'), undefined);
  });
});

describe('trust code lens', () => {
  async function lenses(src: string, project = fakeProject({})) {
    const c = await extractC(src);
    return trustLenses(contextOf([{ file: FILE, hash: 'h', c }], project)).map((l) => [l.range.start.line, l.title]);
  }
  it('says what each client trusts, as the component picks it', async () => {
    const src = `void f(void) {
    esp_http_client_config_t a = { .url = "https://api.example.com/x", .crt_bundle_attach = esp_crt_bundle_attach, .cert_pem = ca };
    esp_tls_cfg_t b = { .cacert_buf = (const unsigned char *)server_root_cert_pem_start };
    esp_mqtt_client_config_t m = { .broker = { .address.uri = "mqtts://b.example.com", .verification = { .use_global_ca_store = true, .crt_bundle_attach = esp_crt_bundle_attach } } };
    esp_http_client_config_t d = { .url = "https://d.example.com" };
    esp_http_client_config_t e = { .url = "http://e.example.com" };
    esp_http_client_config_t r = { .url = runtime_url, .cert_pem = ca };
}`;
    assert.deepEqual(await lenses(src), [
      [1, 'TLS: trusts the ESP-IDF certificate bundle · api.example.com'],
      [2, 'TLS: trusts the CA in server_root_cert_pem_start'],
      [3, 'TLS: trusts the global CA store · b.example.com'],
      [4, 'TLS: verifies no server · d.example.com'],
      [6, 'TLS: trusts the CA in ca'],
    ]);
  });
  it('leaves out what the configuration compiles out', async () => {
    const src = 'void f(void) {\n  esp_tls_cfg_t c = {\n#if CONFIG_USE_BUNDLE\n    .crt_bundle_attach = esp_crt_bundle_attach,\n#endif\n  };\n}';
    assert.deepEqual(await lenses(src, fakeProject({ CONFIG_USE_BUNDLE: 'n' })), [[1, 'TLS: verifies no server']]);
    assert.deepEqual(await lenses(src, fakeProject({ CONFIG_USE_BUNDLE: 'y' })), [[1, 'TLS: trusts the ESP-IDF certificate bundle']]);
  });
});

describe('hover on httpd_ssl_config_t fields renamed in v5.0', () => {
  it('explains cacert_pem per the project version', async () => {
    const src = 'void start(void) {\n    httpd_ssl_config_t conf = HTTPD_SSL_CONFIG_DEFAULT();\n    conf.cacert_pem = ca_start;\n}';
    assert.match((await hoverAt(src, 'cacert_pem =', v(4, 4)))!.markdown, /Your project \(v4\.4\): the server's certificate/);
    assert.match((await hoverAt(src, 'cacert_pem =', v(5, 2)))!.markdown, /Your project \(v5\.2\): the client CA/);
  });
});
