// The CMake shapes ESP-IDF components write, read through the evaluator (project/cmake/). Each fixture
// is written here in the shape found in public code bases (docs/FIELD-TEST.md), never copied from them.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { embedSymbol, extractCMake } from '../../server/src/project/embeds';

const extractEmbeds = (file: string, text: string, projectDir?: string) => extractCMake(file, text, projectDir).embeds;

const cfg = (values: Record<string, string>, complete = true) => ({ projectDir: '/p', target: 'esp32', config: (n: string) => values[n] ?? (complete ? '' : undefined) });

describe('CMake embeds', () => {
  it('names symbols from the basename only, as CMake MAKE_C_IDENTIFIER does', () => {
    assert.equal(embedSymbol('certs/servercert.pem'), 'servercert_pem');
    assert.equal(embedSymbol('mosquitto.org.crt'), 'mosquitto_org_crt');
    assert.equal(embedSymbol('${project_dir}/server_certs/ca_cert.pem'), 'ca_cert_pem');
    assert.equal(embedSymbol('1st-ca.der'), '_1st_ca_der');
  });

  it('reads idf_component_register lists, target_add_binary_data and register_component variables', () => {
    const cmake = `# TLS assets
set(CERTS "certs/root_ca.pem" certs/backup_root.pem)
idf_component_register(SRCS "app_main.c" "client.c"
                    INCLUDE_DIRS "."
                    EMBED_TXTFILES \${CERTS} "client.key" # keys too
                    EMBED_FILES "ota_key.der" \${CMAKE_CURRENT_LIST_DIR}/blob.pem
                    REQUIRES esp-tls)
target_add_binary_data(app.elf "main/mqtt_eclipseprojects_io.pem" TEXT)
target_add_binary_data(app.elf "\${project_dir}/bundle.bin" BINARY RENAME_TO x509_crt_bundle)
`;
    const embeds = extractEmbeds('/p/main/CMakeLists.txt', cmake, '/p');
    assert.deepEqual(embeds.map((e) => [e.written, e.file, e.mode, e.symbol, e.via]), [
      ['certs/root_ca.pem', '/p/main/certs/root_ca.pem', 'text', 'root_ca_pem', 'EMBED_TXTFILES'],
      ['certs/backup_root.pem', '/p/main/certs/backup_root.pem', 'text', 'backup_root_pem', 'EMBED_TXTFILES'],
      ['client.key', '/p/main/client.key', 'text', 'client_key', 'EMBED_TXTFILES'],
      ['ota_key.der', '/p/main/ota_key.der', 'binary', 'ota_key_der', 'EMBED_FILES'],
      ['/p/main/blob.pem', '/p/main/blob.pem', 'binary', 'blob_pem', 'EMBED_FILES'],
      ['main/mqtt_eclipseprojects_io.pem', '/p/main/main/mqtt_eclipseprojects_io.pem', 'text', 'mqtt_eclipseprojects_io_pem', 'target_add_binary_data'],
      ['/p/bundle.bin', '/p/bundle.bin', 'binary', 'x509_crt_bundle', 'target_add_binary_data'],
    ]);
    const root = embeds[0];
    assert.equal(cmake.split('\n')[root.range.start.line].slice(root.range.start.character, root.range.end.character), 'certs/root_ca.pem',
      'an embed through a variable points at the set() that wrote the path');
    assert.equal(root.fromVariable, true);
    const ota = embeds[3];
    assert.deepEqual(ota.range, { start: { line: 5, character: 33 }, end: { line: 5, character: 44 } });
    assert.equal(cmake.split('\n')[ota.modeRange.start.line].slice(ota.modeRange.start.character, ota.modeRange.end.character), 'EMBED_FILES');
    assert.equal(ota.listSize, 2);
  });

  it('follows list(APPEND) into a quoted list variable (shape: EMBED_TXTFILES "${EMBED_FILES}")', () => {
    const cmake = 'list(APPEND EMBED_FILES "certs/ca.pem")\nlist(APPEND EMBED_FILES certs/client.crt)\nidf_component_register(SRCS main.c EMBED_TXTFILES "${EMBED_FILES}")\n';
    assert.deepEqual(extractEmbeds('/p/main/CMakeLists.txt', cmake, '/p').map((e) => e.symbol), ['ca_pem', 'client_crt']);
  });

  it('decides if(CONFIG_...) with the configuration, and takes both ways when it cannot (shape: a cert chosen by Kconfig)', () => {
    const cmake = 'if(CONFIG_USE_STAGING)\n  set(cert_file "staging_ca.pem")\nelse()\n  set(cert_file "prod_ca.pem")\nendif()\nidf_component_register(SRCS main.c EMBED_TXTFILES ${cert_file})\n';
    const file = '/p/main/CMakeLists.txt';
    assert.deepEqual(extractCMake(file, cmake, cfg({ CONFIG_USE_STAGING: 'y' })).embeds.map((e) => e.written), ['staging_ca.pem']);
    assert.deepEqual(extractCMake(file, cmake, cfg({})).embeds.map((e) => e.written), ['prod_ca.pem']);
    const both = extractCMake(file, cmake, cfg({}, false)).embeds;
    assert.deepEqual(both.map((e) => [e.written, e.maybe]), [['staging_ca.pem', true], ['prod_ca.pem', true]]);
  });

  it('evaluates NOT/AND/OR, STREQUAL, DEFINED, IDF_TARGET and elseif', () => {
    const cmake = [
      'set(certs "")',
      'if(NOT CONFIG_A AND (IDF_TARGET STREQUAL "esp32s3" OR CONFIG_B))', '  list(APPEND certs s3.pem)',
      'elseif(DEFINED certs)', '  list(APPEND certs other.pem)', 'endif()',
      'idf_component_register(EMBED_TXTFILES ${certs})',
    ].join('\n');
    assert.deepEqual(extractCMake('/p/main/CMakeLists.txt', cmake, cfg({})).embeds.map((e) => e.written), ['other.pem']);
    assert.deepEqual(extractEmbeds('/p/main/CMakeLists.txt', cmake).map((e) => [e.written, e.maybe]), [['s3.pem', true], ['other.pem', true]],
      'without a configuration neither branch is decided');
    assert.deepEqual(extractCMake('/p/main/CMakeLists.txt', cmake, cfg({ CONFIG_B: 'y' })).embeds.map((e) => e.written), ['s3.pem']);
  });

  it('runs foreach over lists and ranges', () => {
    const cmake = 'set(names a b)\nforeach(n IN LISTS names)\n  list(APPEND certs "${n}_ca.pem")\nendforeach()\nforeach(x c.pem)\n  list(APPEND certs ${x})\nendforeach()\nidf_component_register(EMBED_FILES ${certs})\n';
    assert.deepEqual(extractEmbeds('/p/main/CMakeLists.txt', cmake).map((e) => e.written), ['a_ca.pem', 'b_ca.pem', 'c.pem']);
  });

  it('keeps a name it cannot read as unknown, and never throws on broken CMake', () => {
    const facts = extractCMake('/p/main/CMakeLists.txt', 'idf_component_register(EMBED_TXTFILES ${MY_CERT_DIR}/ca.pem ${OUTSIDE_CERT})', '/p');
    assert.deepEqual(facts.embeds.map((e) => [e.file, e.symbol]), [[undefined, 'ca_pem']], 'the basename still names the symbol');
    assert.deepEqual(facts.unknownEmbeds!.map((u) => u.written), ['${OUTSIDE_CERT}']);
    assert.deepEqual(extractEmbeds('/p/CMakeLists.txt', 'idf_component_register(EMBED_TXTFILES "unterminated', '/p').map((x) => x.written), ['unterminated']);
    assert.deepEqual(extractEmbeds('/p/CMakeLists.txt', ')))(((#', '/p'), []);
    assert.deepEqual(extractEmbeds('/p/CMakeLists.txt', 'while(1)\nset(x y)\nendwhile()\nif(\nendif(', '/p'), []);
  });

  it('ulp_embed_binary names a generated binary, never a TLS embed', () => {
    const facts = extractCMake('/p/main/CMakeLists.txt', 'idf_component_register(SRCS main.c)\nset(ulp_app_name ulp_${COMPONENT_NAME})\nulp_embed_binary(${ulp_app_name} "ulp/main.S" "main.c")\n', '/p');
    assert.deepEqual(facts.embeds, []);
    assert.deepEqual(facts.generatedSymbols, ['ulp_main_bin']);
  });

  it('register_component (v4) embeds from its COMPONENT_EMBED_ variables; a component.mk from its own lines', () => {
    const legacy = extractCMake('/p/main/CMakeLists.txt', 'set(COMPONENT_SRCS "app.c")\nset(COMPONENT_EMBED_TXTFILES ca.pem)\nregister_component()\n', '/p');
    assert.deepEqual(legacy.embeds.map((e) => [e.symbol, e.via]), [['ca_pem', 'COMPONENT_EMBED_TXTFILES']]);
    assert.deepEqual(legacy.sources, { files: ['/p/main/app.c'], dirs: [], complete: true });
    assert.deepEqual(extractCMake('/p/main/CMakeLists.txt', 'set(COMPONENT_EMBED_TXTFILES ca.pem)\n', '/p').embeds, [], 'no register_component: nothing is embedded');
    const mk = extractCMake('/p/main/component.mk', 'COMPONENT_EMBED_TXTFILES := server_root_cert.pem\nCOMPONENT_EMBED_FILES += $(COMPONENT_PATH)/key.der\n');
    assert.deepEqual(mk.embeds.map((e) => [e.written, e.mode, e.via]), [['server_root_cert.pem', 'text', 'component.mk'], ['key.der', 'binary', 'component.mk']]);
  });
});

describe('CMake sources', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-cmake-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text = '') => { mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); writeFileSync(path.join(dir, rel), text); };
  write('main/app.c'); write('main/net/tls.c'); write('main/net/old_tls.c'); write('main/net/notes.txt'); write('main/test/test_tls.c');

  it('SRCS, SRC_DIRS and EXCLUDE_SRCS give the compiled files; file(GLOB) is read from disk', () => {
    const cmakeFile = path.join(dir, 'main', 'CMakeLists.txt');
    const facts = extractCMake(cmakeFile, 'idf_component_register(SRCS "app.c" SRC_DIRS "net" EXCLUDE_SRCS "net/old_tls.c")\n', dir);
    assert.deepEqual(facts.sources, { files: [path.join(dir, 'main/app.c'), path.join(dir, 'main/net/tls.c')], dirs: [path.join(dir, 'main/net')], complete: true });
    const glob = extractCMake(cmakeFile, 'file(GLOB srcs "${CMAKE_CURRENT_SOURCE_DIR}/net/*.c")\nidf_component_register(SRCS ${srcs})\n', dir);
    assert.deepEqual(glob.sources!.files, [path.join(dir, 'main/net/old_tls.c'), path.join(dir, 'main/net/tls.c')]);
  });

  it('a source list it cannot read is marked incomplete', () => {
    const cmakeFile = path.join(dir, 'main', 'CMakeLists.txt');
    assert.equal(extractCMake(cmakeFile, 'idf_component_register(SRCS ${SOURCES_FROM_OUTSIDE})\n', dir).sources!.complete, false);
    assert.equal(extractCMake(cmakeFile, 'idf_component_register(SRCS app.c)\nadd_subdirectory(lib)\n', dir).sources!.complete, false);
  });
});
