import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embedSymbol, extractEmbeds } from '../../server/src/project/embeds';

describe('CMake embeds', () => {
  it('names symbols from the basename only, as CMake MAKE_C_IDENTIFIER does', () => {
    assert.equal(embedSymbol('certs/servercert.pem'), 'servercert_pem');
    assert.equal(embedSymbol('mosquitto.org.crt'), 'mosquitto_org_crt');
    assert.equal(embedSymbol('${project_dir}/server_certs/ca_cert.pem'), 'ca_cert_pem');
    assert.equal(embedSymbol('1st-ca.der'), '_1st_ca_der');
  });

  it('reads idf_component_register lists, target_add_binary_data and the legacy variables', () => {
    const cmake = `# TLS assets
set(CERTS "certs/root_ca.pem" certs/backup_root.pem)
idf_component_register(SRCS "app_main.c" "client.c"
                    INCLUDE_DIRS "."
                    EMBED_TXTFILES \${CERTS} "client.key" # keys too
                    EMBED_FILES "ota_key.der" \${CMAKE_CURRENT_LIST_DIR}/blob.pem
                    REQUIRES esp-tls)
target_add_binary_data(app.elf "main/mqtt_eclipseprojects_io.pem" TEXT)
target_add_binary_data(app.elf "\${project_dir}/bundle.bin" BINARY RENAME_TO x509_crt_bundle)
set(COMPONENT_EMBED_TXTFILES legacy.pem)
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
      ['legacy.pem', '/p/main/legacy.pem', 'text', 'legacy_pem', 'COMPONENT_EMBED_TXTFILES'],
    ]);
    const ota = embeds[3];
    assert.deepEqual(ota.range, { start: { line: 5, character: 33 }, end: { line: 5, character: 44 } });
    assert.equal(cmake.split('\n')[ota.modeRange.start.line].slice(ota.modeRange.start.character, ota.modeRange.end.character), 'EMBED_FILES');
    assert.equal(ota.listSize, 2);
  });

  it('leaves paths with unknown variables unresolved and never throws on broken CMake', () => {
    const [e] = extractEmbeds('/p/main/CMakeLists.txt', 'idf_component_register(EMBED_TXTFILES ${MY_CERT_DIR}/ca.pem)', '/p');
    assert.equal(e.file, undefined);
    assert.equal(e.symbol, 'ca_pem');
    assert.deepEqual(extractEmbeds('/p/CMakeLists.txt', 'idf_component_register(EMBED_TXTFILES "unterminated', '/p').map((x) => x.written), ['unterminated']);
    assert.deepEqual(extractEmbeds('/p/CMakeLists.txt', ')))(((#', '/p'), []);
  });
});
