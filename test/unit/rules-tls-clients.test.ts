// One fixture per shape real ESP-IDF code uses, positive and negative, for the C rule family.
// Negatives follow the ESP-IDF examples (bundle attach, embedded CA, global store) and must stay silent.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/rules/finding';
import type { EspIdfProject } from '../../server/src/project/model';
import { FILE, fakeProject, findingsOf as findingsOfAny, findingsOfFiles as findingsOfFilesAny } from '../support/analyse';

/** The rules of the C client family; the snippets here have no CMakeLists.txt, so embed rules stay out. */
const C_RULES = ['tls-no-server-verification', 'tls-hostname-check-skipped', 'mbedtls-verify-disabled', 'mbedtls-hostname-missing', 'global-ca-store-empty'];
const findingsOf = (src: string, project?: EspIdfProject, ...rules: string[]) => findingsOfAny(src, project, ...(rules.length ? rules : C_RULES));
const findingsOfFiles = (files: Record<string, string>, project?: EspIdfProject) => findingsOfFilesAny(files, project, ...C_RULES);
import { applyEdits } from '../support/edits';

const NO_VERIFY = 'tls-no-server-verification';
const SKIP = 'tls-hostname-check-skipped';

const v44 = () => ({ ...fakeProject({}), idfVersion: { major: 4, minor: 4, patch: 8, source: 'sdkconfig' as const } });
const v55 = () => ({ ...fakeProject({}), idfVersion: { major: 5, minor: 5, patch: 1, source: 'sdkconfig' as const } });

async function fixed(src: string, f: Finding, title?: RegExp): Promise<string> {
  const fix = title ? f.fixes!.find((x) => title.test(x.title))! : f.fixes![0];
  assert.ok(fix, `no fix ${title} in ${JSON.stringify(f.fixes?.map((x) => x.title))}`);
  return applyEdits(src, fix.edits[0].edits);
}

describe('esp_http_client_config_t', () => {
  it('flags an https URL without verification, and the bundle fix makes it clean', async () => {
    const src = `#include "esp_http_client.h"
#define API_URL "https://api.example.com/v1/data"
void post_data(void)
{
    esp_http_client_config_t config = {
        .url = API_URL,
        .method = HTTP_METHOD_POST,
        .timeout_ms = 5000,
    };
    esp_http_client_handle_t client = esp_http_client_init(&config);
}`;
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    assert.match(f.message, /^`config` \(esp_http_client_config_t\) for https:\/\/api\.example\.com\/v1\/data verifies no server\. It sets no CA certificate \(cert_pem\)/);
    const out = await fixed(src, f);
    assert.match(out, /\.timeout_ms = 5000,\n        \.crt_bundle_attach = esp_crt_bundle_attach,\n    \};/);
    assert.deepEqual(await findingsOf(out), []);
  });

  it('stays silent for plain http://, for a CA, a bundle under an enabled #if, and a runtime URL', async () => {
    const cases = [
      'void f(void) { esp_http_client_config_t c = { .url = "http://192.168.4.1/status" }; }',
      'extern const char ca_pem_start[] asm("_binary_ca_pem_start");\nvoid f(void) { esp_http_client_config_t c = { .url = "https://www.howsmyssl.com", .cert_pem = ca_pem_start }; }',
      `void f(void) {
    esp_http_client_config_t c = {
        .url = "https://www.howsmyssl.com",
#if CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
        .crt_bundle_attach = esp_crt_bundle_attach,
#endif
    };
}`,
      'void f(const char *url) { esp_http_client_config_t c = { .url = url, .event_handler = on_event }; }',
      'void f(void) { esp_http_client_config_t c = { .host = "example.com", .path = "/get" }; }',
    ];
    for (const src of cases) assert.deepEqual(await findingsOf(src, fakeProject({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y' })), [], src);
  });

  it('decides TLS from transport_type, a URL from sdkconfig, and TLS-only fields on a runtime URL', async () => {
    const project = fakeProject({ CONFIG_EXAMPLE_URL: '"https://firmware.example.com/app.bin"' });
    const fromSdkconfig = await findingsOf('void f(void) { esp_http_client_config_t c = { .url = CONFIG_EXAMPLE_URL }; }', project, NO_VERIFY);
    assert.match(fromSdkconfig[0].message, /for https:\/\/firmware\.example\.com\/app\.bin/);
    const transport = await findingsOf('void f(void) { esp_http_client_config_t c = { .host = "example.com", .transport_type = HTTP_TRANSPORT_OVER_SSL }; }', undefined, NO_VERIFY);
    assert.equal(transport.length, 1);
    const tlsOnly = await findingsOf('void f(const char *u) { esp_http_client_config_t c = { .url = u, .client_cert_pem = cert, .client_key_pem = key }; }', undefined, NO_VERIFY);
    assert.equal(tlsOnly.length, 1, 'a client certificate only makes sense on TLS');
  });
});

describe('esp_https_ota', () => {
  const ota = (http: string) => `#include "esp_https_ota.h"
void ota_task(void *p)
{
    esp_http_client_config_t config = {
        .url = CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL,
${http}        .keep_alive_enable = true,
    };
    esp_https_ota_config_t ota_config = {
        .http_config = &config,
    };
    esp_err_t ret = esp_https_ota(&ota_config);
}`;
  it('flags the http config an OTA config points at, whatever its URL, with the OTA consequence', async () => {
    const [f] = await findingsOf(ota(''), undefined, NO_VERIFY);
    assert.match(f.message, /esp_https_ota refuses to start: "No option for server verification is enabled in esp_http_client config\."/);
    assert.equal(f.range.start.line, 3);
    assert.deepEqual(await findingsOf(ota('        .cert_pem = (char *)server_cert_pem_start,\n')), []);
  });
  it('knows IDF v4.4 passes the http config to esp_https_ota() directly', async () => {
    const src = 'void t(void) {\n  esp_http_client_config_t config = { .url = CONFIG_FIRMWARE_URL };\n  esp_https_ota(&config);\n}';
    assert.equal((await findingsOf(src, v44(), NO_VERIFY)).length, 1);
  });
});

describe('esp_mqtt_client_config_t', () => {
  it('v5 nested: flags mqtts:// without verification and adds the bundle inside the existing verification braces', async () => {
    const src = `void mqtt_app_start(void)
{
    const esp_mqtt_client_config_t mqtt_cfg = {
        .broker = {
            .address.uri = "mqtts://mqtt.eclipseprojects.io:8883",
            .verification = {
                .skip_cert_common_name_check = false,
            },
        },
    };
    esp_mqtt_client_handle_t client = esp_mqtt_client_init(&mqtt_cfg);
}`;
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    assert.match(f.message, /no broker\.verification\.certificate, crt_bundle_attach/);
    const out = await fixed(src, f);
    assert.match(out, /\.skip_cert_common_name_check = false,\n                \.crt_bundle_attach = esp_crt_bundle_attach,\n            \},/);
    assert.deepEqual(await findingsOf(out), []);
  });
  it('v5 nested: adds a nested designator when the config has no broker braces', async () => {
    const src = 'void f(void) {\n    esp_mqtt_client_config_t cfg = {\n        .broker.address.uri = "mqtts://broker.example.com",\n    };\n}';
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    const out = await fixed(src, f);
    assert.match(out, /\.broker\.verification\.crt_bundle_attach = esp_crt_bundle_attach,/);
    assert.deepEqual(await findingsOf(out), []);
  });
  it('v5 negatives: embedded CA (the ssl example), plain mqtt://', async () => {
    assert.deepEqual(await findingsOf('void f(void) { esp_mqtt_client_config_t c = { .broker = { .address.uri = "mqtts://mqtt.eclipseprojects.io:8883", .verification.certificate = (const char *)mqtt_eclipseprojects_io_pem_start } }; }'), []);
    assert.deepEqual(await findingsOf('void f(void) { esp_mqtt_client_config_t c = { .broker.address.uri = "mqtt://mqtt.eclipseprojects.io" }; }'), []);
  });
  it('v4 flat fields (IDF v4.4)', async () => {
    const [f] = await findingsOf('void f(void) { esp_mqtt_client_config_t c = { .uri = "mqtts://broker.example.com", .client_id = "dev1" }; }', v44(), NO_VERIFY);
    assert.match(f.message, /no CA certificate \(cert_pem\)/);
    const out = await fixed('void f(void) { esp_mqtt_client_config_t c = { .uri = "mqtts://broker.example.com", .client_id = "dev1" }; }', f);
    assert.match(out, /\.client_id = "dev1", \.crt_bundle_attach = esp_crt_bundle_attach \}/);
    assert.deepEqual(await findingsOf('void f(void) { esp_mqtt_client_config_t c = { .uri = "mqtts://b.example.com", .cert_pem = ca }; }', v44()), []);
    assert.deepEqual(await findingsOf('void f(void) { esp_mqtt_client_config_t c = { .uri = "mqtt://b.example.com" }; }', v44()), []);
  });
});

describe('esp_websocket_client_config_t and server configs', () => {
  it('flags wss:// without verification, not ws://', async () => {
    assert.equal((await findingsOf('void f(void) { esp_websocket_client_config_t c = { .uri = "wss://echo.websocket.events" }; }', undefined, NO_VERIFY)).length, 1);
    assert.deepEqual(await findingsOf('void f(void) { esp_websocket_client_config_t c = { .uri = "ws://echo.websocket.events" }; }'), []);
  });
  it('offers no bundle fix on IDF v4.4, whose websocket client has no crt_bundle_attach', async () => {
    const [f] = await findingsOf('void f(void) { esp_websocket_client_config_t c = { .uri = "wss://echo.example.com" }; }', v44(), NO_VERIFY);
    assert.deepEqual(f.fixes, []);
  });
  it('never reports httpd_ssl_config_t (a server; its CA verifies clients)', async () => {
    const src = 'void start(void) { httpd_ssl_config_t conf = HTTPD_SSL_CONFIG_DEFAULT(); conf.servercert = servercert_start; conf.prvtkey_pem = prvtkey_pem_start; }';
    assert.deepEqual(await findingsOf(src), []);
  });
});

describe('shapes: declared then filled, globals, static locals, struct members', () => {
  it('memset then assignments: the fix adds an assignment after the last write', async () => {
    const src = `void connect(void)
{
    esp_tls_cfg_t cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.timeout_ms = 10000;
    esp_tls_conn_http_new_sync("https://www.example.com", &cfg, tls);
}`;
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    assert.equal(f.range.start.line, 2);
    const out = await fixed(src, f);
    assert.match(out, /cfg\.timeout_ms = 10000;\n    cfg\.crt_bundle_attach = esp_crt_bundle_attach;\n/);
    assert.deepEqual(await findingsOf(out), []);
    assert.deepEqual(await findingsOf(src.replace('cfg.timeout_ms = 10000;', 'cfg.cacert_buf = ca; cfg.cacert_bytes = ca_len;')), []);
  });

  it('a global filled in from a function, and a static local', async () => {
    const global = 'static esp_http_client_config_t s_cfg = { .url = "https://example.com" };\nvoid init(void) { s_cfg.crt_bundle_attach = esp_crt_bundle_attach; }';
    assert.deepEqual(await findingsOf(global), []);
    const staticLocal = 'void f(void) { static esp_tls_cfg_t cfg = { .timeout_ms = 1 }; }';
    assert.equal((await findingsOf(staticLocal, undefined, NO_VERIFY)).length, 1);
  });

  it('configs inside a larger struct: initializer and assignments through -> and .', async () => {
    const types = 'typedef struct { esp_tls_cfg_t tls; int retries; } app_ctx_t;\n';
    const initialized = types + 'static app_ctx_t s_app = { .tls = { .timeout_ms = 1000 }, .retries = 3 };\n';
    const [f] = await findingsOf(initialized, undefined, NO_VERIFY);
    assert.match(f.message, /`s_app\.tls` \(esp_tls_cfg_t\)/);
    assert.deepEqual(await findingsOf(initialized + 'void init(void) { s_app.tls.crt_bundle_attach = esp_crt_bundle_attach; }', undefined, NO_VERIFY), []);
    const assigned = types + 'void start(app_ctx_t *ctx) {\n  ctx->tls.timeout_ms = 1000;\n  ctx->tls.cacert_buf = ca;\n}';
    assert.deepEqual(await findingsOf(assigned), []);
    assert.equal((await findingsOf(types + 'void start(app_ctx_t *ctx) { ctx->tls.timeout_ms = 1000; }', undefined, NO_VERIFY)).length, 1);
  });

  it('a compound literal passed straight to the client', async () => {
    const src = 'void f(void) { esp_http_client_handle_t h = esp_http_client_init(&(esp_http_client_config_t){ .url = "https://example.com" }); }';
    assert.equal((await findingsOf(src, undefined, NO_VERIFY)).length, 1);
  });
});

describe('esp_transport_ssl', () => {
  it('a transport with no verification call; the fix attaches the bundle after init', async () => {
    const src = `void start(void)
{
    esp_transport_handle_t ssl = esp_transport_ssl_init();
    esp_transport_set_default_port(ssl, 443);
}`;
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    assert.match(f.message, /`ssl` \(esp_transport_ssl handle\) verifies no server/);
    const out = await fixed(src, f);
    assert.match(out, /esp_transport_ssl_init\(\);\n    esp_transport_ssl_crt_bundle_attach\(ssl, esp_crt_bundle_attach\);\n/);
    assert.deepEqual(await findingsOf(out), []);
    assert.deepEqual(await findingsOf(src.replace('esp_transport_set_default_port(ssl, 443);', 'esp_transport_ssl_set_cert_data(ssl, ca, strlen(ca));')), []);
  });
});

describe('tls-hostname-check-skipped', () => {
  it('esp_http_client: replaces the skip with common_name = the URL host (IDF >= 5.1)', async () => {
    const src = 'void f(void) {\n    esp_http_client_config_t c = {\n        .url = "https://192.168.1.20/api",\n        .skip_cert_common_name_check = true,\n        .cert_pem = ca,\n    };\n}';
    const [f] = await findingsOf(src, v55(), SKIP);
    assert.equal(f.severity, 'warning');
    assert.equal(f.range.start.line, 3);
    assert.match(f.fixes![0].title, /Check a server name \(common_name\).*edit the name/);
    const byName = src.replace('192.168.1.20', 'api.example.com');
    const [g] = await findingsOf(byName, v55(), SKIP);
    assert.equal(g.fixes![0].title, 'Check the server name "api.example.com" (common_name) instead of skipping it');
    assert.match(await fixed(byName, g), /\.url = "https:\/\/api\.example\.com\/api",\n        \.common_name = "api\.example\.com",\n        \.cert_pem = ca,/);
    assert.match(await fixed(byName, g, /^Remove/), /\.url = "https:\/\/api\.example\.com\/api",\n        \.cert_pem = ca,/);
  });

  it('IDF v4.4 esp_http_client has no common_name: only the removal is offered', async () => {
    const [f] = await findingsOf('void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .skip_cert_common_name_check = true, .cert_pem = ca }; }', v44(), SKIP);
    assert.deepEqual(f.fixes!.map((x) => x.title), ['Remove skip_cert_common_name_check: check the server name given in the URL']);
    const out = await fixed('void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .skip_cert_common_name_check = true, .cert_pem = ca }; }', f);
    assert.match(out, /\{ \.url = "https:\/\/a\.example\.com", \.cert_pem = ca \}/);
  });

  it('esp-tls skip_common_name (name from the connect call), assignments, mqtt v5, transport call; not when false or plain', async () => {
    const tls = 'void f(esp_tls_t *t) {\n    esp_tls_cfg_t cfg = { .crt_bundle_attach = esp_crt_bundle_attach, .skip_common_name = true };\n    esp_tls_conn_http_new_sync("https://iot.example.com/x", &cfg, t);\n}';
    const [a] = await findingsOf(tls, undefined, SKIP);
    assert.match(a.message, /stops sending SNI/);
    assert.match(await fixed(tls, a), /\{ \.crt_bundle_attach = esp_crt_bundle_attach, \.common_name = "iot\.example\.com" \}/);
    const assigned = 'void f(void) {\n    esp_tls_cfg_t cfg = { .use_global_ca_store = true };\n    cfg.skip_common_name = true;\n}\nvoid g(void) { esp_tls_set_global_ca_store(ca, len); }';
    const [b] = await findingsOf(assigned, undefined, SKIP);
    assert.match(await fixed(assigned, b, /^Check/), /    cfg\.common_name = "server\.example\.com";\n/);
    const mqtt = 'void f(void) { esp_mqtt_client_config_t c = { .broker = { .address.uri = "mqtts://b.example.com", .verification = { .certificate = ca, .skip_cert_common_name_check = true } } }; }';
    const [m] = await findingsOf(mqtt, v55(), SKIP);
    assert.match(await fixed(mqtt, m), /\.verification = \{ \.certificate = ca, \.common_name = "b\.example\.com" \}/);
    const call = 'void f(void) {\n    esp_transport_handle_t t = esp_transport_ssl_init();\n    esp_transport_ssl_crt_bundle_attach(t, esp_crt_bundle_attach);\n    esp_transport_ssl_skip_common_name_check(t);\n}';
    const [c] = await findingsOf(call, v55(), SKIP);
    assert.match(await fixed(call, c), /esp_transport_ssl_set_common_name\(t, "server\.example\.com"\);/);
    assert.deepEqual(await findingsOf('void f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .skip_cert_common_name_check = false, .cert_pem = ca }; }'), []);
    assert.deepEqual(await findingsOf('void f(void) { esp_http_client_config_t c = { .url = "http://a.example.com", .skip_cert_common_name_check = true }; }'), []);
  });
});

describe('fields set through a pointer parameter', () => {
  // Shape: a helper that adjusts the caller's config (`void apply_options(esp_http_client_config_t *config)`).
  const helper = `void apply_options(esp_http_client_config_t *config)
{
    config->timeout_ms = 10000;
    config->skip_cert_common_name_check = true;
}
void apply_nothing(esp_http_client_config_t *config);`;
  it('a skip set through the parameter is reported; the caller\'s other fields are not judged here', async () => {
    const findings = await findingsOf(helper, v55());
    assert.deepEqual(findings.map((f) => `${f.rule}:${f.severity}`), [`${SKIP}:warning`]);
    assert.equal(findings[0].range.start.line, 3);
  });
});

describe('a URL handed in by the callers', () => {
  // Shape: a helper that builds the client from its `url` parameter; main.c calls it with an https URL.
  const helper = `esp_http_client_handle_t make_client(const char *url)
{
    esp_http_client_config_t config = { .url = url, .timeout_ms = 5000 };
    return esp_http_client_init(&config);
}`;
  it('a config whose URL is a parameter is judged with the TLS URL a call site passes, and points at that call', async () => {
    const main = '/work/proj/main/main.c';
    const findings = await findingsOfFiles({ [FILE]: helper, [main]: 'void app_main(void) { esp_http_client_handle_t c = make_client("https://api.example.com/v1"); }' });
    const [f] = findings.filter((x) => x.rule === NO_VERIFY);
    assert.match(f.message, /`config` \(esp_http_client_config_t\) for https:\/\/api\.example\.com\/v1 verifies no server\./);
    assert.equal(f.related?.[0].file, main);
    assert.match(f.related![0].message, /called with https:\/\/api\.example\.com\/v1 here/);
    assert.deepEqual((await findingsOfFiles({ [FILE]: helper, [main]: 'void app_main(void) { make_client("http://192.168.1.2/x"); }' })).filter((x) => x.rule === NO_VERIFY), []);
  });
});

describe('esp-tls session resumption', () => {
  it('a saved client_session is a verification source (esp-tls resumes it instead of asking for a CA)', async () => {
    // Shape: an esp-tls client that saves the session of its first, verified connection and reconnects with it.
    const src = 'void reconnect(esp_tls_t *tls) {\n    esp_tls_cfg_t cfg = { .client_session = saved_session };\n    esp_tls_conn_http_new_sync("https://api.example.com", &cfg, tls);\n}';
    assert.deepEqual(await findingsOf(src, v44(), NO_VERIFY), []);
    assert.equal((await findingsOf(src.replace('.client_session = saved_session', '.timeout_ms = 5000'), v44(), NO_VERIFY)).length, 1);
  });
});

describe('global-ca-store-empty', () => {
  const client = 'void f(void) { esp_http_client_config_t c = { .url = "https://example.com", .use_global_ca_store = true }; }';
  it('flags a client trusting a store nothing fills', async () => {
    const [f] = await findingsOf(client);
    assert.equal(f.rule, 'global-ca-store-empty');
    assert.match(f.message, /global_cacert is NULL/);
  });
  it('is satisfied by esp_tls_set_global_ca_store anywhere in the project', async () => {
    const other = '/work/proj/main/certs.c';
    assert.deepEqual(await findingsOfFiles({ [FILE]: client, [other]: 'void certs_init(void) { ESP_ERROR_CHECK(esp_tls_set_global_ca_store(ca_start, ca_end - ca_start)); }' }), []);
  });
});

describe('settings a run-time value decides (libraries passing their caller\'s choice on)', () => {
  // Shape: a transport port that copies its caller's flag into the esp-tls config (coreMQTT/coreHTTP ports).
  const port = `typedef struct { const char *ca; int disableSni; } net_ctx_t;
void tls_connect(net_ctx_t *ctx)
{
    esp_tls_cfg_t cfg = { .cacert_buf = (const unsigned char *)ctx->ca, .skip_common_name = ctx->disableSni };
    esp_tls_conn_new_sync("broker.example.com", 18, 8883, &cfg, tls);
}`;
  // Shape: a client component honouring its own config's flags with esp_transport_ssl calls.
  const library = `void client_start(client_t *client)
{
    esp_transport_handle_t ssl = esp_transport_ssl_init();
    if (client->config->use_global_ca_store == true) {
        esp_transport_ssl_enable_global_ca_store(ssl);
    } else if (client->config->cert) {
        esp_transport_ssl_set_cert_data(ssl, client->config->cert, strlen(client->config->cert));
    }
    if (client->config->skip_cert_common_name_check) {
        esp_transport_ssl_skip_common_name_check(ssl);
    }
}`;

  it('a skip flag read from a parameter is an info that names the value', async () => {
    const [f] = await findingsOf(port, undefined, SKIP);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /applies only when `ctx->disableSni` is true at run time: check what the callers pass/);
  });

  it('calls under a run-time if are infos that name the condition', async () => {
    const findings = await findingsOf(library, v55(), SKIP, 'global-ca-store-empty');
    assert.deepEqual(findings.map((f) => `${f.rule}:${f.severity}`).sort(), ['global-ca-store-empty:info', `${SKIP}:info`]);
    assert.match(findings.find((f) => f.rule === SKIP)!.message, /only when `client->config->skip_cert_common_name_check` holds at run time/);
    assert.match(findings.find((f) => f.rule !== SKIP)!.message, /only when `client->config->use_global_ca_store == true` holds at run time/);
  });

  it('a skip in the retry after a failed attempt stays a warning and says why (an attacker can force the fallback)', async () => {
    // Shape: OTA that retries without the name check when the first attempt fails.
    const retry = `void do_ota(void)
{
    esp_http_client_config_t cfg = { .url = "https://fw.example.com/app.bin", .crt_bundle_attach = esp_crt_bundle_attach };
    esp_err_t err = esp_https_ota(&cfg);
    if (err != ESP_OK) {
        cfg.skip_cert_common_name_check = true;
        err = esp_https_ota(&cfg);
    }
}`;
    const [f] = await findingsOf(retry, v55(), SKIP);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /It is the retry after a failed attempt \(`err != ESP_OK`\): whoever makes the first attempt fail/);
    const unrelated = retry.replace('if (err != ESP_OK)', 'if (cfg_flags->insecure)');
    assert.equal((await findingsOf(unrelated, v55(), SKIP))[0].severity, 'info');
  });

  it('lowercase #defines naming each other end as a run-time value (an info), not a recursion', async () => {
    const src = '#define skip_a skip_b\n#define skip_b skip_a\nvoid f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .cert_pem = ca, .skip_cert_common_name_check = skip_a }; }';
    assert.deepEqual((await findingsOf(src, undefined, SKIP)).map((f) => f.severity), ['info']);
  });

  it('a constant stays a warning: true, 1, a macro, a #define of true', async () => {
    for (const value of ['true', '1', 'SKIP_CN_CHECK', 'MY_SKIP']) {
      const src = `#define MY_SKIP true\nvoid f(void) { esp_http_client_config_t c = { .url = "https://a.example.com", .cert_pem = ca, .skip_cert_common_name_check = ${value} }; }`;
      assert.deepEqual((await findingsOf(src, undefined, SKIP)).map((f) => f.severity), ['warning'], value);
    }
  });
});

describe('#defines chosen by the configuration', () => {
  // Shape: an example whose scheme follows a Kconfig switch through a file-level alias (`#define USE_TLS CONFIG_...`).
  const src = `#define USE_TLS CONFIG_EXAMPLE_USE_TLS
#if USE_TLS
#define BROKER_SCHEME "mqtts"
#else
#define BROKER_SCHEME "mqtt"
#endif
void start(void)
{
    esp_mqtt_client_config_t mqtt_config = {};
    mqtt_config.broker.address.uri = BROKER_SCHEME "://127.0.0.1";
    esp_mqtt_client_init(&mqtt_config);
}`;
  it('the plain branch the build takes is silent; the TLS branch verifies nothing; undecided is no error', async () => {
    assert.deepEqual(await findingsOf(src, { ...v55(), sdkconfig: fakeProject({ CONFIG_EXAMPLE_USE_TLS: 'n' }).sdkconfig }, NO_VERIFY), []);
    const tls = await findingsOf(src, { ...v55(), sdkconfig: fakeProject({ CONFIG_EXAMPLE_USE_TLS: 'y' }).sdkconfig }, NO_VERIFY);
    assert.deepEqual(tls.map((f) => f.severity), ['error']);
    assert.match(tls[0].message, /mqtts:\/\/127\.0\.0\.1/);
    assert.deepEqual((await findingsOf(src, v55(), NO_VERIFY)).filter((f) => f.severity === 'error'), []);
  });
});

describe('raw mbedTLS client', () => {
  const client = (authmode: string, extra = '') => `void https_get_task(void *pv)
{
    mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_authmode(&conf, ${authmode});
    mbedtls_ssl_setup(&ssl, &conf);
    ${extra}
    mbedtls_ssl_handshake(&ssl);
}`;
  it('VERIFY_NONE is an error with a fix to REQUIRED', async () => {
    const src = client('MBEDTLS_SSL_VERIFY_NONE', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);');
    const [f] = await findingsOf(src, undefined, 'mbedtls-verify-disabled');
    assert.equal(f.severity, 'error');
    assert.match(await fixed(src, f), /mbedtls_ssl_conf_authmode\(&conf, MBEDTLS_SSL_VERIFY_REQUIRED\);/);
  });
  it('OPTIONAL is a warning only when the verify result is never read', async () => {
    const [f] = await findingsOf(client('MBEDTLS_SSL_VERIFY_OPTIONAL', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);'), undefined, 'mbedtls-verify-disabled');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(await findingsOf(client('MBEDTLS_SSL_VERIFY_OPTIONAL', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER); flags = mbedtls_ssl_get_verify_result(&ssl);')), []);
  });
  it('OPTIONAL with a failed result only logged (shape: the v4.4 https_mbedtls example) is a warning; a check that stops is fine', async () => {
    const logged = `if ((flags = mbedtls_ssl_get_verify_result(&ssl)) != 0)
    {
        ESP_LOGW(TAG, "Failed to verify peer certificate!");
        bzero(buf, sizeof(buf));
        mbedtls_x509_crt_verify_info(buf, sizeof(buf), "  ! ", flags);
    }
    else {
        ESP_LOGI(TAG, "Certificate verified.");
    }`;
    const [f] = await findingsOf(client('MBEDTLS_SSL_VERIFY_OPTIONAL', `mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);\n    ${logged}`), undefined, 'mbedtls-verify-disabled');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^MBEDTLS_SSL_VERIFY_OPTIONAL, and a failed verify result is only logged\. .*the connection goes on/);
    assert.equal(f.related?.length, 1);
    const successOnly = 'if (mbedtls_ssl_get_verify_result(&ssl) == 0) { ESP_LOGI(TAG, "ok"); }';
    assert.equal((await findingsOf(client('MBEDTLS_SSL_VERIFY_OPTIONAL', successOnly), undefined, 'mbedtls-verify-disabled')).length, 1, 'nothing happens on failure');
    const stops = [
      logged.replace('bzero(buf, sizeof(buf));', 'goto exit;'),
      'ret = mbedtls_ssl_get_verify_result(&ssl);\n    if (ret != 0) { ESP_LOGE(TAG, "failed"); ret = SSL_CONNECTION_ERROR; }',
      'if (mbedtls_ssl_get_verify_result(&ssl) == 0) { ESP_LOGI(TAG, "ok"); } else { mbedtls_ssl_close_notify(&ssl); return; }',
      'return mbedtls_ssl_get_verify_result(&ssl);',
    ];
    for (const extra of stops) assert.deepEqual(await findingsOf(client('MBEDTLS_SSL_VERIFY_OPTIONAL', `mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);\n    ${extra}`)), [], extra);
  });
  it('an auth mode chosen at run time with NONE as one value is a warning that names the condition', async () => {
    const [f] = await findingsOf(client('cfg->insecure ? MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_REQUIRED', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);'), undefined, 'mbedtls-verify-disabled');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^MBEDTLS_SSL_VERIFY_NONE when `cfg->insecure` is true: the client accepts any certificate/);
  });
  it('a mode from a #define is read through it; one read at run time from a struct field is an info that claims nothing', async () => {
    const defined = client('AUTH_MODE', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);').replace('void https_get_task', '#define AUTH_MODE MBEDTLS_SSL_VERIFY_NONE\nvoid https_get_task');
    assert.deepEqual((await findingsOf(defined, undefined, 'mbedtls-verify-disabled')).map((f) => f.severity), ['error']);
    // Shape: an OTA component whose caller picks the mode in its own config struct (`config->cert_set`).
    const [f] = await findingsOf(client('config->cert_set', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);'), undefined, 'mbedtls-verify-disabled');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /^The auth mode comes from `config->cert_set` at run time\./);
  });
  it('a server not asking for client certificates is fine', async () => {
    const src = 'void s(void) { mbedtls_ssl_config_defaults(&srv_conf, MBEDTLS_SSL_IS_SERVER, 0, 0); mbedtls_ssl_conf_authmode(&srv_conf, MBEDTLS_SSL_VERIFY_NONE); }';
    assert.deepEqual(await findingsOf(src), []);
  });
  it('a client handshaking without a host name, or with the sample placeholder', async () => {
    const [missing] = await findingsOf(client('MBEDTLS_SSL_VERIFY_REQUIRED'), undefined, 'mbedtls-hostname-missing');
    assert.match(missing.message, /-0x5D80/);
    const [v4] = await findingsOf(client('MBEDTLS_SSL_VERIFY_REQUIRED'), v44(), 'mbedtls-hostname-missing');
    assert.match(v4.message, /Mbed TLS 2\.28 \(ESP-IDF v4\.4\)/);
    const [placeholder] = await findingsOf(client('MBEDTLS_SSL_VERIFY_REQUIRED', 'mbedtls_ssl_set_hostname(&ssl, "mbed TLS Server 1");'), undefined, 'mbedtls-hostname-missing');
    assert.match(placeholder.message, /"mbed TLS Server 1" is a placeholder/);
    assert.deepEqual(await findingsOf(client('MBEDTLS_SSL_VERIFY_REQUIRED', 'mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);')), []);
  });
  it('the https_mbedtls example pattern is clean', async () => {
    const src = client('MBEDTLS_SSL_VERIFY_REQUIRED', 'esp_crt_bundle_attach(&conf);\n    mbedtls_ssl_set_hostname(&ssl, WEB_SERVER);');
    assert.deepEqual(await findingsOf(src), []);
  });
});

describe('#if branches the configuration cannot decide', () => {
  it('the skip is reported with the builds it applies to', async () => {
    const src = 'void f(void) {\n  esp_http_client_config_t c = {\n    .url = "https://a.example.com", .cert_pem = ca,\n#ifdef CONFIG_APP_LAB_SERVER\n    .skip_cert_common_name_check = true,\n#endif\n  };\n}';
    const [f] = await findingsOf(src, fakeProject({}, false), SKIP);
    assert.match(f.message, /\(In builds where CONFIG_APP_LAB_SERVER is set; the project's sdkconfig does not say\.\)$/);
    assert.deepEqual(await findingsOf(src, fakeProject({}, true), SKIP), [], 'a generated sdkconfig without the option: compiled out');
  });
});

describe('secure code in the ESP-IDF examples\' patterns (test/fixtures/c/secure)', () => {
  it('produces no finding at all', async () => {
    const dir = path.resolve(__dirname, '../fixtures/c/secure');
    const files = Object.fromEntries(readdirSync(dir).map((f) => [path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')]));
    assert.ok(Object.keys(files).length >= 5);
    for (const project of [fakeProject({}, false), fakeProject({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_EXAMPLE_USE_CERT_BUNDLE: 'y' })]) {
      assert.deepEqual((await findingsOfFiles(files, project)).map((f) => `${path.basename(f.file)}:${f.range.start.line + 1} ${f.rule}`), []);
    }
  });
});

describe('edge cases found in review', () => {
  it('a config reached through a pointer member gets the fix with ->', async () => {
    const src = 'typedef struct { esp_tls_cfg_t tls; } app_ctx_t;\nvoid start(app_ctx_t *ctx)\n{\n    ctx->tls.timeout_ms = 1000;\n}\n';
    const [f] = await findingsOf(src, undefined, NO_VERIFY);
    assert.match(await fixed(src, f), /    ctx->tls\.timeout_ms = 1000;\n    ctx->tls\.crt_bundle_attach = esp_crt_bundle_attach;\n/);
  });
  it('an extern declaration is not a config to judge', async () => {
    assert.deepEqual(await findingsOf('extern esp_tls_cfg_t g_tls_cfg;\n'), []);
  });
  it('OTA with ALLOW_HTTP: esp_https_ota carries on, esp-tls refuses', async () => {
    const src = 'void t(void) {\n  esp_http_client_config_t config = { .url = "https://fw.example.com/a.bin" };\n  esp_https_ota_config_t o = { .http_config = &config };\n}';
    const [f] = await findingsOf(src, fakeProject({ CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP: 'y' }), NO_VERIFY);
    assert.match(f.message, /Every handshake fails with ESP_ERR_MBEDTLS_SSL_SETUP_FAILED/);
  });
  it('no bundle fix when a bundle field already sits in an undecided #if branch', async () => {
    const src = 'void f(void) {\n  esp_tls_cfg_t c = {\n#if CONFIG_X\n    .crt_bundle_attach = esp_crt_bundle_attach,\n#endif\n  };\n}';
    const [f] = await findingsOf(src, fakeProject({}, false), NO_VERIFY);
    assert.deepEqual(f.fixes, []);
  });
});

describe('configs handed to a helper', () => {
  const src = `static void tls_defaults(esp_tls_cfg_t *cfg)
{
    cfg->crt_bundle_attach = esp_crt_bundle_attach;
}
void connect(esp_tls_t *tls)
{
    esp_tls_cfg_t cfg = { .timeout_ms = 5000 };
    tls_defaults(&cfg);
    esp_tls_conn_http_new_sync("https://example.com", &cfg, tls);
}`;
  it('are not judged here: the helper may set the CA', async () => {
    assert.deepEqual(await findingsOf(src), []);
  });
  it('the clients themselves and memset do not count as helpers', async () => {
    assert.equal((await findingsOf(src.replace('tls_defaults(&cfg);', 'memset(&cfg, 0, sizeof(cfg));'), undefined, NO_VERIFY)).length, 1);
  });
});

describe('reading URL expressions', () => {
  it('joins literals, #defines and sdkconfig strings, and marks where it had to stop', async () => {
    const { readString } = await import('../../server/src/rules/clients');
    const { extractC } = await import('../../server/src/c/extract');
    const facts = await extractC('#define HOST "api.example.com"\n#define BASE "https://" HOST\nvoid f(void) { esp_tls_init(); }');
    const ctx = { project: fakeProject({ CONFIG_OTA_URL: '"https://fw.example.com/a.bin"' }) };
    assert.equal(readString('BASE "/v1"', facts, ctx), 'https://api.example.com/v1');
    assert.equal(readString('CONFIG_OTA_URL', facts, ctx), 'https://fw.example.com/a.bin');
    assert.equal(readString('"https://" runtime_host "/x"', facts, ctx), 'https://…');
    assert.equal(readString('url', facts, ctx), undefined);
    assert.equal(readString('"a\\\\tb"', facts, ctx), 'a\\tb');
  });
});
