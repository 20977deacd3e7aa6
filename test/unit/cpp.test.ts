// C++ sources read with tree-sitter-cpp: the same facts and the same rules as C. Each snippet is our own,
// written in a shape the field test found in C++ firmware (esp-protocols examples, community .cc/.cpp apps).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Analyzer } from '../../server/src/analyzer';
import { extractC } from '../../server/src/c/extract';
import { fakeProject, findingsOfFiles } from '../support/analyse';

const CPP = '/work/proj/main/app.cpp';
const v55 = () => ({ ...fakeProject({}), idfVersion: { major: 5, minor: 5, patch: 1, source: 'sdkconfig' as const } });
const rulesOf = async (src: string, file = CPP) => (await findingsOfFiles({ [file]: src }, v55()))
  .filter((f) => /^(tls-|mbedtls-|global-ca)/.test(f.rule)).map((f) => `${f.rule}:${f.severity}`).sort();

describe('C++ sources', () => {
  it('a value-initialised config filled by member assignments inside a namespace (shape: esp-protocols C++ examples)', async () => {
    const src = `#include "mqtt_client.h"
namespace app {
static void start(void *ctx)
{
    esp_mqtt_client_config_t mqtt_config = {};
    mqtt_config.broker.address.uri = "mqtts://broker.example.com";
    auto client = esp_mqtt_client_init(&mqtt_config);
}
} // namespace app
`;
    assert.deepEqual(await rulesOf(src), ['tls-no-server-verification:error']);
    assert.deepEqual(await rulesOf(src.replace('"mqtts://', '"mqtt://')), []);
  });

  it('brace initialisation and C++20 designated initializers', async () => {
    const braces = 'void f() {\n    esp_http_client_config_t cfg{};\n    cfg.url = "https://api.example.com";\n    cfg.crt_bundle_attach = esp_crt_bundle_attach;\n    esp_http_client_init(&cfg);\n}';
    assert.deepEqual(await rulesOf(braces), []);
    const designated = 'void f() {\n    esp_http_client_config_t cfg = { .url = "https://api.example.com", .skip_cert_common_name_check = true };\n    esp_http_client_init(&cfg);\n}';
    assert.deepEqual(await rulesOf(designated), ['tls-hostname-check-skipped:warning', 'tls-no-server-verification:error']);
  });

  it('a reference parameter the function fills in, in a class method', async () => {
    const src = `class Connection {
public:
    void configure(esp_tls_cfg_t &cfg) { cfg.skip_common_name = true; }
};`;
    const facts = await extractC(src, { dialect: 'cpp' });
    assert.deepEqual(facts.configs.map((c) => [c.form, c.variable]), [['parameter', 'cfg']]);
    assert.deepEqual(await rulesOf(src), ['tls-hostname-check-skipped:warning']);
  });

  it('a compound literal written the C++ way: T{ ... } handed straight to the client', async () => {
    const src = 'void f() {\n    auto client = esp_http_client_init(std::addressof(esp_http_client_config_t{ .url = "https://api.example.com" }));\n}';
    const facts = await extractC(src, { dialect: 'cpp' });
    assert.deepEqual(facts.configs.map((c) => c.form), ['compound-literal']);
  });

  it('the same text in a .c file is still read with the C grammar', async () => {
    const src = 'void f(void) {\n    esp_http_client_config_t cfg = { .url = "https://api.example.com" };\n    esp_http_client_init(&cfg);\n}';
    assert.deepEqual(await rulesOf(src, '/work/proj/main/app.c'), await rulesOf(src));
  });

  it('the C++ wrappers: mbedtls_cxx do_verify{false} on a client, asio verify_none (shapes: esp-protocols examples)', async () => {
    const cxx = `class TlsClient : public Tls {
public:
    bool connect(const char *host, int port)
    {
        if (!init(is_server{false}, do_verify{false})) {
            return false;
        }
        return handshake() == 0;
    }
};`;
    assert.deepEqual(await rulesOf(cxx), ['mbedtls-verify-disabled:error']);
    assert.deepEqual(await rulesOf(cxx.replace('do_verify{false}', 'do_verify{true}')), []);
    assert.deepEqual(await rulesOf(cxx.replace('is_server{false}', 'is_server{true}')), [], 'a server not asking for client certificates');
    const asio = `Client::Client(asio::io_context &io, asio::ssl::context &context) : socket_(io, context)
{
#if CONFIG_EXAMPLE_CLIENT_VERIFY_PEER
    socket_.set_verify_mode(asio::ssl::verify_peer);
#else
    socket_.set_verify_mode(asio::ssl::verify_none);
#endif
}`;
    assert.deepEqual(await rulesOf(asio), ['mbedtls-verify-disabled:warning']);
  });

  it('library pass-through in C++: a lambda std::visit may run, a mode chosen from a parameter (shapes: esp-protocols esp_mqtt_cxx, mbedtls_cxx)', async () => {
    const visit = `void make_config(Broker const &broker)
{
    esp_mqtt_client_config_t mqtt_client_cfg{};
    mqtt_client_cfg.broker.address.uri = "mqtts://broker.example.com";
    std::visit(overloaded{
        [&mqtt_client_cfg](GlobalCAStore const &store) { mqtt_client_cfg.broker.verification.use_global_ca_store = true; },
        [&mqtt_client_cfg](Certificates const &c) { mqtt_client_cfg.broker.verification.certificate = c.ca; },
    }, broker.security);
}`;
    const findings = await findingsOfFiles({ [CPP]: visit }, v55());
    const store = findings.find((f) => f.rule === 'global-ca-store-empty')!;
    assert.equal(store.severity, 'info');
    assert.match(store.message, /only when the lambda around it runs/);
    const wrapper = 'bool Tls::init(is_server server, do_verify verify, TlsConfig *config)\n{\n    mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);\n    mbedtls_ssl_conf_authmode(&conf_, verify == do_verify{true} ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);\n    mbedtls_ssl_set_hostname(&ssl_, host);\n    return true;\n}';
    assert.deepEqual((await findingsOfFiles({ [CPP]: wrapper }, v55(), 'mbedtls-verify-disabled')).map((f) => f.severity), ['info']);
  });

  it('a class member declared in a header and filled in a method (shape: a C++ OTA class wrapping esp_https_ota)', async () => {
    const header = '/work/proj/main/ota.hpp';
    const files = {
      [header]: '#include "esp_https_ota.h"\nclass Otafw {\npublic:\n    void Init(const char *url, const char *cert);\n    void Check();\nprivate:\n    esp_http_client_config_t config;\n};\n',
      [CPP]: '#include "ota.h"\nvoid Otafw::Init(const char *url, const char *cert)\n{\n    config = {};\n    config.url = url;\n    config.cert_pem = cert;\n    config.skip_cert_common_name_check = true;\n}\nvoid Otafw::Check()\n{\n    esp_https_ota(&config);\n}\n',
    };
    const findings = (await findingsOfFiles(files, v55())).filter((f) => /^tls-/.test(f.rule));
    assert.deepEqual(findings.map((f) => `${f.rule}:${f.severity}:${f.range.start.line}`), ['tls-hostname-check-skipped:warning:6']);
    const other = { ...files, [CPP]: files[CPP].replace(/config\./g, 'settings.').replace('config = {};', 'settings = {};') };
    assert.deepEqual((await findingsOfFiles(other, v55())).filter((f) => /^tls-/.test(f.rule)), [], 'a variable of another name is not the member');
  });

  it('a .h that declares a class is read with the C++ grammar by the analyzer', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-cpp-'));
    try {
      const files: Record<string, string> = {
        'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n',
        'main/CMakeLists.txt': 'idf_component_register(SRCS "ota.cpp")\n',
        'main/ota.h': '#pragma once\n#include "esp_https_ota.h"\nclass Otafw {\npublic:\n    void Init(const char *url);\nprivate:\n    esp_http_client_config_t config;\n};\n',
        'main/ota.cpp': '#include "ota.h"\nvoid Otafw::Init(const char *url)\n{\n    config.url = url;\n    config.skip_cert_common_name_check = true;\n    esp_https_ota(&config);\n}\n',
      };
      for (const [rel, text] of Object.entries(files)) { mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); writeFileSync(path.join(root, rel), text); }
      const analyzer = new Analyzer({ env: {} });
      await analyzer.index([root]);
      assert.deepEqual(analyzer.factsOf(path.join(root, 'main/ota.h'))?.c?.memberTypes, { config: 'esp_http_client_config_t' });
      assert.deepEqual(analyzer.findingsFor(path.join(root, 'main/ota.cpp')).map((f) => f.rule).sort(), ['tls-hostname-check-skipped', 'tls-no-server-verification'], 'the OTA config names no CA either');
    } finally { rmSync(root, { recursive: true, force: true }); }
  });
});
