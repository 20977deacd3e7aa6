// The project model on fixtures written in the shapes the field test found (docs/FIELD-TEST.md): version
// clues, project Kconfig defaults, local components from idf_component.yml, files the build uses though
// .gitignore'd, managed examples, legacy component.mk, compiled sources and the build folder. Each tree is
// our own, never a copy of an upstream file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { readBuildFolder } from '../../server/src/project/build/buildFolder';
import { readTopLevel } from '../../server/src/project/cmake/topLevel';
import { isCompiled } from '../../server/src/project/compiled';
import { discoverProjects } from '../../server/src/project/discover';
import { resolveIdfVersion, versionFromOptions } from '../../server/src/project/idfVersion';
import { macroEnvFor } from '../../server/src/sdkconfig/macros';
import { Analyzer } from '../../server/src/analyzer';

const made: string[] = [];
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const TOP = 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-model-'));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function discover(root: string, over: { env?: NodeJS.ProcessEnv; buildDir?: string } = {}) {
  const { projects } = await discoverProjects([root], { exclude: [], idfVersionSetting: '', env: over.env ?? {}, buildDir: over.buildDir });
  return projects;
}

describe('IDF version clues', () => {
  const none = { setting: '', env: {} };
  test('dependencies.lock names the idf dependency (shape: component manager v2 lock)', async () => {
    const lock = 'dependencies:\n  espressif/mdns:\n    version: 1.2.3\n  idf:\n    source:\n      type: idf\n    version: 5.1.2\ndirect_dependencies:\n- idf\nversion: 2.0.0\n';
    const v = await resolveIdfVersion({ sdkconfigs: [], lock: { file: 'dependencies.lock', text: lock }, ...none });
    assert.deepEqual([v.major, v.minor, v.patch, v.source], [5, 1, 2, 'dependencies.lock']);
  });

  test('the build folder comes before IDF_PATH; the sdkconfig header before both', async () => {
    const build = { file: 'build/project_description.json', version: { major: 5, minor: 4 }, revision: 'v5.4-dirty' };
    const v = await resolveIdfVersion({ sdkconfigs: [], build, setting: '', env: { IDF_PATH: '/nowhere' } });
    assert.deepEqual([v.major, v.minor, v.source], [5, 4, 'build']);
    assert.match(v.why!, /git_revision v5\.4-dirty/);
    const header = { file: 'sdkconfig', text: '#\n# Espressif IoT Development Framework (ESP-IDF) 5.2.1 Project Configuration\n#\n' };
    assert.equal((await resolveIdfVersion({ sdkconfigs: [header], build, ...none })).source, 'sdkconfig');
  });

  test('a v4 header has no number: v4.4; two options only some releases have pin the range; one stale option does not', () => {
    const v4 = versionFromOptions([{ file: 'sdkconfig', text: '#\n# Espressif IoT Development Framework (ESP-IDF) Project Configuration\n#\nCONFIG_IDF_TARGET="esp32"\n' }]);
    assert.deepEqual([v4?.major, v4?.minor, v4?.source], [4, 4, 'options']);
    const twoV4 = versionFromOptions([{ file: 'sdkconfig.defaults', text: 'CONFIG_MBEDTLS_SSL_PROTO_TLS1=y\nCONFIG_MBEDTLS_SSL_PROTO_TLS1_1=y\n' }]);
    assert.deepEqual([twoV4?.major, twoV4?.minor], [4, 4]);
    assert.match(twoV4!.why!, /CONFIG_MBEDTLS_SSL_PROTO_TLS1 \(only in v4\.4\)/);
    assert.equal(versionFromOptions([{ file: 'sdkconfig.defaults', text: 'CONFIG_MBEDTLS_SSL_PROTO_TLS1=y\n' }]), undefined);
    assert.equal(versionFromOptions([{ file: 'sdkconfig.defaults', text: 'CONFIG_MBEDTLS_TLS_ENABLED=y\n' }]), undefined, 'an option of every release says nothing');
  });
});

describe('project Kconfig defaults', () => {
  test('a Kconfig.projbuild default decides #if CONFIG_X when no sdkconfig names it; menu depends and choices apply', async () => {
    const root = tree({
      'CMakeLists.txt': TOP,
      'sdkconfig.defaults': 'CONFIG_IDF_TARGET="esp32"\nCONFIG_APP_BROKER_MOSQUITTO=y\n',
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'main/Kconfig.projbuild': [
        'menu "App"', '  config APP_USE_TLS', '    bool "Use TLS"', '    default n',
        '  config APP_PORT', '    int "Port"', '    default 8883 if APP_USE_TLS', '    default 1883',
        '  choice APP_BROKER', '    prompt "Broker"', '    default APP_BROKER_LOCAL',
        '    config APP_BROKER_LOCAL', '      bool "local"', '    config APP_BROKER_MOSQUITTO', '      bool "mosquitto"', '  endchoice',
        '  config APP_VERIFY', '    bool "Verify"', '    default APP_USE_TLS',
        '  config APP_TLS_OTA', '    bool "OTA over TLS"', '    default true',
        '  config APP_CA_OVERRIDE', '    string "CA text"', '    default ""',
        '  config APP_CA_OVERRIDDEN', '    bool', '    default y if APP_CA_OVERRIDE != ""',
        '  config APP_NAME', '    string "Name"', '    default "probe"',
        '  config APP_IS_PROBE', '    bool', '    default y if APP_NAME = "probe"',
        'endmenu', 'menu "Debug"', '  depends on APP_USE_TLS', '  config APP_TLS_DEBUG', '    bool "TLS debug"', '    default y', 'endmenu', '',
      ].join('\n'),
      'main/app.c': 'void app_main(void) {}\n',
    });
    const [p] = await discover(root);
    const env = macroEnvFor(p);
    assert.equal(env.lookup('CONFIG_APP_USE_TLS'), null, 'default n: the #if branch is compiled out');
    assert.equal(env.lookup('CONFIG_APP_PORT'), 1883);
    assert.equal(env.lookup('CONFIG_APP_TLS_DEBUG'), null, 'the menu depends on APP_USE_TLS, which is off');
    assert.equal(env.lookup('CONFIG_APP_BROKER_MOSQUITTO'), 1);
    assert.equal(env.lookup('CONFIG_APP_BROKER_LOCAL'), null, 'another member of the choice is chosen');
    assert.equal(env.lookup('CONFIG_NOT_DEFINED_ANYWHERE'), undefined, 'an option nothing defines stays unknown');
    assert.equal(env.lookup('CONFIG_APP_VERIFY'), null, 'a bool default that is an expression is evaluated');
    assert.equal(env.lookup('CONFIG_APP_TLS_OTA'), undefined, '`default true` names no symbol we know: unknown, not "true"');
    assert.equal(env.lookup('CONFIG_APP_CA_OVERRIDDEN'), null, 'string comparison (shape: the MQTT examples\' certificate override)');
    assert.equal(env.lookup('CONFIG_APP_IS_PROBE'), 1);
  });

  test('a symbol defined twice under opposite ifs keeps both definitions (shape: the wifi enterprise examples\' VALIDATE_SERVER_CERT)', async () => {
    const root = tree({
      'CMakeLists.txt': TOP,
      'sdkconfig.defaults': 'CONFIG_IDF_TARGET="esp32"\n',
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'main/Kconfig.projbuild': [
        'menu "App"', '  config APP_ENTERPRISE', '    bool "Enterprise"', '    default n',
        '  if APP_ENTERPRISE', '    config APP_VALIDATE', '      bool "Validate server"', '      default y', '  endif',
        '  if !APP_ENTERPRISE', '    config APP_VALIDATE', '      default y', '  endif',
        '  if APP_ENTERPRISE', '    config APP_ONLY_ENTERPRISE', '      bool "x"', '      default y', '  endif',
        '  if !APP_ENTERPRISE', '    config APP_ONLY_ENTERPRISE', '      default n', '  endif',
        'endmenu', '',
      ].join('\n'),
      'main/app.c': 'void app_main(void) {}\n',
    });
    const [p] = await discover(root);
    const env = macroEnvFor(p);
    assert.equal(env.lookup('CONFIG_APP_VALIDATE'), 1, 'the second definition\'s default applies when the first is hidden');
    assert.equal(env.lookup('CONFIG_APP_ONLY_ENTERPRISE'), null);
  });
});

describe('Kconfig strings in C', () => {
  test('a URI from a Kconfig string default decides whether a client speaks TLS (shape: CONFIG_..._BROKER_URI defaulting to mqtt://)', async () => {
    const client = (uriDefault: string) => tree({
      'CMakeLists.txt': TOP,
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'main/Kconfig.projbuild': `menu "App"\n  config APP_BROKER_URI\n    string "Broker"\n    default "${uriDefault}"\nendmenu\n`,
      'main/app.c': '#include "mqtt_client.h"\nvoid start(void) {\n    esp_mqtt_client_config_t cfg = { .broker.address.uri = CONFIG_APP_BROKER_URI };\n    esp_mqtt_client_init(&cfg);\n}\n',
    });
    const rulesOf = async (root: string) => {
      const analyzer = new Analyzer({ env: {} });
      await analyzer.index([root]);
      return [...analyzer.findings().values()].flat().filter((f) => f.rule === 'tls-no-server-verification').map((f) => f.severity);
    };
    assert.deepEqual(await rulesOf(client('mqtt://broker.example.com')), [], 'plain MQTT: nothing to verify');
    assert.deepEqual(await rulesOf(client('mqtts://broker.example.com')), ['error']);
  });
});

describe('components and files of the build', () => {
  test('idf_component.yml path: and override_path: bring outside components into the build (shape: a repo of examples sharing components)', async () => {
    const repo = tree({
      'examples/app/CMakeLists.txt': TOP,
      'examples/app/main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'examples/app/main/app.c': 'void app_main(void) {}\n',
      'examples/app/main/idf_component.yml': 'dependencies:\n  my_tls:\n    path: ../../../components/my_tls\n  espressif/mdns:\n    version: "^1.0"\n    override_path: "../../../vendor/mdns"\n',
      'components/my_tls/CMakeLists.txt': 'idf_component_register(SRCS "tls.c" EMBED_TXTFILES certs/ca.pem)\n',
      'components/my_tls/tls.c': '#include "esp_tls.h"\n',
      'components/my_tls/certs/ca.pem': '-----BEGIN CERTIFICATE-----\n',
      'vendor/mdns/CMakeLists.txt': 'idf_component_register(SRCS "mdns.c")\n',
      'vendor/mdns/mdns.c': 'int mdns;\n',
    });
    const [p] = await discover(repo);
    assert.deepEqual(p.externalDirs, [path.join(repo, 'components/my_tls'), path.join(repo, 'vendor/mdns')]);
    assert.deepEqual(p.components.map((c) => c.name).sort(), ['main', 'mdns', 'my_tls']);
    assert.ok(p.files.includes(path.join(repo, 'components/my_tls/certs/ca.pem')), 'the outside component was walked');
    assert.equal(isCompiled(p, path.join(repo, 'components/my_tls/tls.c')), true);
    // Issue 19: with only examples/ open, the shared components lie outside the workspace: named, not read.
    const { projects: [q], skipped } = await discoverProjects([path.join(repo, 'examples')], { exclude: [], idfVersionSetting: '', env: {} });
    assert.equal(q.externalDirs, undefined);
    assert.ok(!q.files.some((f) => f.startsWith(path.join(repo, 'components'))));
    assert.ok(skipped.some((s) => s.file === path.join(repo, 'components/my_tls') && /outside the workspace: not read/.test(s.reason)));
  });

  test('sources a port component names beyond its own folder are this build\'s (shape: an SDK whose ESP-IDF port compiles ../../src/*.c)', async () => {
    const repo = tree({
      'examples/app/CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\nset(EXTRA_COMPONENT_DIRS ../../port/components)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n',
      'examples/app/main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'examples/app/main/app.c': 'void app_main(void) {}\n',
      'port/components/sdk/CMakeLists.txt': 'set(sdk_src ../../../src)\nidf_component_register(SRCS "${sdk_src}/client.c")\n',
      'src/client.c': 'void connect(void) {\n    esp_http_client_config_t c = { .url = "https://api.example.com" };\n    esp_http_client_init(&c);\n}\n',
      'src/unused.c': 'int unused;\n',
    });
    const [p] = await discover(repo);
    const client = path.join(repo, 'src/client.c');
    assert.deepEqual([...p.externalFiles ?? []], [client]);
    assert.ok(p.files.includes(client) && !p.files.includes(path.join(repo, 'src/unused.c')));
    const analyzer = new Analyzer({ env: {} });
    await analyzer.index([repo]);
    assert.deepEqual(analyzer.findingsFor(client).map((f) => f.rule), ['tls-no-server-verification'], 'judged with the project that compiles it');
  });

  test('a .gitignored certificate the build embeds is analysed; an ignored one it does not embed is not', async () => {
    const root = tree({
      'CMakeLists.txt': TOP,
      '.gitignore': 'main/certs/\n',
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c" EMBED_TXTFILES certs/ota_ca.pem)\n',
      'main/app.c': 'void app_main(void) {}\n',
      'main/certs/ota_ca.pem': '-----BEGIN CERTIFICATE-----\n',
      'main/certs/old_ca.pem': '-----BEGIN CERTIFICATE-----\n',
    });
    const [p] = await discover(root);
    assert.ok(p.files.includes(path.join(root, 'main/certs/ota_ca.pem')));
    assert.ok(!p.files.includes(path.join(root, 'main/certs/old_ca.pem')));
  });

  test("a managed component's examples are not projects; component.mk counts only in a GNU Make project", async () => {
    const files = {
      'CMakeLists.txt': TOP,
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'main/component.mk': 'COMPONENT_EMBED_TXTFILES := ca.pem\n',
      'main/app.c': 'void app_main(void) {}\n',
      'managed_components/espressif__esp_tls_demo/CMakeLists.txt': 'idf_component_register()\n',
      'managed_components/espressif__esp_tls_demo/examples/demo/CMakeLists.txt': TOP,
      'managed_components/espressif__esp_tls_demo/examples/demo/main/demo.c': 'int demo;\n',
    };
    const cmakeOnly = tree(files);
    const projects = await discover(cmakeOnly);
    assert.deepEqual(projects.map((p) => p.root), [cmakeOnly]);
    assert.ok(!projects[0].files.some((f) => f.includes(`${path.sep}examples${path.sep}`)));
    assert.deepEqual(projects[0].cmakeFacts?.get(path.join(cmakeOnly, 'main/component.mk')), undefined, 'a CMake build never reads component.mk');
    const make = tree({ ...files, Makefile: 'PROJECT_NAME := app\ninclude $(IDF_PATH)/make/project.mk\n' });
    const [m] = await discover(make);
    assert.deepEqual(m.cmakeFacts?.get(path.join(make, 'main/component.mk'))?.embeds.map((e) => [e.symbol, e.maybe]), [['ca_pem', true]],
      'with CMake beside it, the Make build may not be the one made');
  });

  test('only compiled sources are firmware: SRCS decide, tests and old copies are not compiled, headers and unreadable components are unknown', async () => {
    const root = tree({
      'CMakeLists.txt': TOP,
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n',
      'main/app.c': '', 'main/app_old.c': '', 'main/app.h': '', 'main/test/test_app.c': '',
      'components/opaque/CMakeLists.txt': 'idf_component_register(SRCS ${OPAQUE_SRCS})\n',
      'components/opaque/x.c': '',
      'components/globbed/CMakeLists.txt': 'idf_component_register(SRC_DIRS "src")\n',
      'components/globbed/src/a.c': '',
      'tools/gen.c': '',
    });
    const [p] = await discover(root);
    const at = (rel: string) => isCompiled(p, path.join(root, rel));
    assert.deepEqual([at('main/app.c'), at('main/app_old.c'), at('main/test/test_app.c'), at('main/app.h'), at('components/opaque/x.c'), at('tools/gen.c')],
      [true, false, false, undefined, undefined, false]);
    assert.equal(at('components/globbed/src/created_later.c'), true, 'SRC_DIRS compiles every source of its folder, also one made after discovery');
    assert.equal(at('components/globbed/other/b.c'), false);
  });
});

describe('top-level CMakeLists.txt', () => {
  test('SDKCONFIG_DEFAULTS through list(APPEND) and CACHE, IDF folders skipped, outside variables reported', () => {
    const text = [
      'set(SDKCONFIG_DEFAULTS "sdkconfig.defaults")', 'list(APPEND SDKCONFIG_DEFAULTS sdkconfig.prod)',
      'set(EXTRA_COMPONENT_DIRS $ENV{IDF_PATH}/examples/common_components/protocol_examples_common ../shared $ENV{MY_COMPONENTS})',
      'set(IDF_TARGET esp32s3 CACHE STRING "")', TOP,
    ].join('\n');
    const top = readTopLevel('/w/app/CMakeLists.txt', text, '/w/app', {});
    assert.deepEqual(top.sdkconfigDefaults, ['/w/app/sdkconfig.defaults', '/w/app/sdkconfig.prod']);
    assert.deepEqual(top.extraComponentDirs, ['/w/shared']);
    assert.deepEqual(top.unknowns, ['EXTRA_COMPONENT_DIRS $ENV{MY_COMPONENTS} could not be read (outside variable)']);
    assert.equal(top.target, 'esp32s3');
    assert.equal(top.name, 'app');
  });
});

describe('build folder', () => {
  test('is read as ground truth, and marked stale when the sdkconfig is newer than it', async () => {
    const root = tree({
      'CMakeLists.txt': TOP,
      'sdkconfig': 'CONFIG_IDF_TARGET="esp32c3"\n',
      'main/CMakeLists.txt': 'idf_component_register(SRCS ${SRCS_FROM_SCRIPT})\n',
      'main/app.c': '', 'main/spare.c': '',
      'out/project_description.json': JSON.stringify({ git_revision: 'v5.3.1', target: 'esp32c3', idf_path: '/opt/idf' }),
      'out/compile_commands.json': JSON.stringify([{ directory: '/tmp', file: 'PLACEHOLDER' }]),
      'out/config/sdkconfig.json': JSON.stringify({ MBEDTLS_SSL_IN_CONTENT_LEN: 4096, MBEDTLS_HAVE_TIME_DATE: false, APP_NAME: 'demo' }),
    });
    writeFileSync(path.join(root, 'out/compile_commands.json'), JSON.stringify([{ directory: path.join(root, 'out'), file: path.join(root, 'main/app.c') }]));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(path.join(root, 'out/project_description.json'), old, old);
    const build = readBuildFolder(path.join(root, 'out'), (ms) => (ms < Date.now() - 60_000 ? 'sdkconfig' : undefined));
    assert.match(build!.stale!, /older than sdkconfig/);
    const [p] = await discover(root, { buildDir: 'out' });
    const other = tree({ 'CMakeLists.txt': TOP, 'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n' });
    writeFileSync(path.join(root, 'out/project_description.json'), JSON.stringify({ git_revision: 'v5.3.1', target: 'esp32c3', project_path: root }));
    const [q] = await discover(other, { buildDir: path.join(root, 'out') });
    assert.equal(q.build, undefined, 'a build folder of another project (project_path) is not this one\'s');
    assert.deepEqual([p.idfVersion.source, p.idfVersion.major, p.idfVersion.minor, p.target], ['build', 5, 3, 'esp32c3']);
    assert.match(p.build!.stale!, /older than .*(CMakeLists\.txt|sdkconfig) \(its view holds until the next build\)/);
    assert.equal(isCompiled(p, path.join(root, 'main/app.c')), true, 'compile_commands.json lists it');
    assert.equal(isCompiled(p, path.join(root, 'main/spare.c')), undefined, 'the CMake list is unreadable and the build does not list it: unknown');
    assert.equal(macroEnvFor(p).lookup('CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN'), 4096);
    assert.equal(macroEnvFor(p).lookup('CONFIG_MBEDTLS_HAVE_TIME_DATE'), null);
  });

  test('compile_commands.json\'s -D flags decide #if in the file they compile (shape: target_compile_definitions(-DAPP_USE_TLS=1))', async () => {
    const src = '#if APP_USE_TLS\n#define SCHEME "mqtts"\n#else\n#define SCHEME "mqtt"\n#endif\n'
      + 'void start(void) {\n    esp_mqtt_client_config_t cfg = {};\n    cfg.broker.address.uri = SCHEME "://broker.example.com";\n    esp_mqtt_client_init(&cfg);\n}\n';
    const root = tree({
      'CMakeLists.txt': TOP, 'sdkconfig': 'CONFIG_IDF_TARGET="esp32"\n',
      'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n', 'main/app.c': src,
      'build/project_description.json': JSON.stringify({ git_revision: 'v5.3.1', target: 'esp32' }),
    });
    const app = path.join(root, 'main/app.c');
    const commands = (flags: string) => writeFileSync(path.join(root, 'build/compile_commands.json'),
      JSON.stringify([{ directory: path.join(root, 'build'), file: app, command: `xtensa-esp32-elf-gcc ${flags} -DIDF_VER=\\"v5.3.1\\" -DESP_PLATFORM -o app.o -c ${app}` }]));
    const verdict = async () => {
      const analyzer = new Analyzer({ env: {} });
      await analyzer.index([root]);
      return analyzer.findingsFor(app).filter((f) => f.rule === 'tls-no-server-verification').map((f) => f.severity);
    };
    commands('-DAPP_USE_TLS=1');
    const build = readBuildFolder(path.join(root, 'build'), () => undefined)!;
    assert.equal(build.defines!.get(app)!.get('APP_USE_TLS'), '1');
    assert.equal(build.defines!.get(app)!.get('IDF_VER'), '"v5.3.1"');
    assert.equal(build.defines!.get(app)!.get('ESP_PLATFORM'), '1');
    assert.deepEqual(await verdict(), ['error'], 'mqtts:// in the build, no verification');
    commands('-DAPP_USE_TLS=0');
    assert.deepEqual(await verdict(), [], 'mqtt:// in the build');
  });
});

describe('the guarded reader (issue 19)', () => {
  test('a workspace opened through a symlinked folder still reads its own configuration', async () => {
    const real = tree({ 'CMakeLists.txt': TOP, 'sdkconfig': 'CONFIG_IDF_TARGET="esp32s3"\n', 'main/CMakeLists.txt': 'idf_component_register(SRCS "app.c")\n', 'main/app.c': '' });
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'tls-lens-link-')), 'ws');
    symlinkSync(real, link);
    try {
      const { projects: [p], skipped } = await discoverProjects([link], { exclude: [], idfVersionSetting: '', env: {} });
      assert.equal(p.target, 'esp32s3');
      assert.deepEqual(skipped, []);
    } finally {
      rmSync(path.dirname(link), { recursive: true, force: true });
    }
  });
});
