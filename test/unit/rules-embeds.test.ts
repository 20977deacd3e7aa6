import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractC } from '../../server/src/c/extract';
import { extractCMake } from '../../server/src/project/embeds';
import type { FileFacts } from '../../server/src/rules/context';
import { runRules } from '../../server/src/rules/index';
import { contextOf, fakeProject } from '../support/analyse';
import { applyEdits } from '../support/edits';

const ROOT = '/work/proj';
const mainCmake = (embeds: string) => `idf_component_register(SRCS "app_main.c"\n                    INCLUDE_DIRS "."${embeds})\n`;
const client = `#include "esp_tls.h"
extern const uint8_t server_root_cert_pem_start[] asm("_binary_server_root_cert_pem_start");
extern const uint8_t server_root_cert_pem_end[]   asm("_binary_server_root_cert_pem_end");
void f(void) {
    esp_tls_cfg_t cfg = {
        .cacert_buf = server_root_cert_pem_start,
        .cacert_bytes = server_root_cert_pem_end - server_root_cert_pem_start,
    };
}
`;

async function run(cmake: string, existing: string[], projectFiles: string[] = existing) {
  const files: FileFacts[] = [
    { file: `${ROOT}/main/app_main.c`, hash: 'c', c: await extractC(client) },
    { file: `${ROOT}/main/CMakeLists.txt`, hash: 'm', cmake: extractCMake(`${ROOT}/main/CMakeLists.txt`, cmake, ROOT) },
  ];
  const project = { ...fakeProject({}), files: projectFiles };
  return runRules(contextOf(files, project, existing)).filter((f) => f.rule.startsWith('embed-'));
}

describe('embed-symbol-missing / embed-file-missing', () => {
  it('is quiet when the symbol is embedded and the file exists', async () => {
    assert.deepEqual(await run(mainCmake('\n                    EMBED_TXTFILES "certs/server_root_cert.pem"'), [`${ROOT}/main/certs/server_root_cert.pem`]), []);
  });

  it('reports a referenced symbol nothing embeds, once per file, and offers to embed the matching file', async () => {
    const cmake = mainCmake('');
    const findings = await run(cmake, [], [`${ROOT}/main/certs/server_root_cert.pem`]);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f.rule, 'embed-symbol-missing');
    assert.equal(f.range.start.line, 1);
    assert.match(f.message, /`_binary_server_root_cert_pem_start` is referenced, but no component embeds .*\(main\/certs\/server_root_cert\.pem would\)/);
    const fix = f.fixes![0];
    assert.equal(fix.title, 'Embed certs/server_root_cert.pem with EMBED_TXTFILES in main/CMakeLists.txt');
    const out = applyEdits(cmake, fix.edits[0].edits);
    assert.equal(out, 'idf_component_register(SRCS "app_main.c"\n                    INCLUDE_DIRS "."\n                    EMBED_TXTFILES "certs/server_root_cert.pem")\n');
    const fixedCmake = extractCMake(`${ROOT}/main/CMakeLists.txt`, out, ROOT);
    assert.deepEqual(fixedCmake.embeds.map((e) => e.symbol), ['server_root_cert_pem']);
  });

  it('appends to an existing EMBED_TXTFILES list', async () => {
    const cmake = mainCmake('\n                    EMBED_TXTFILES "client.crt"');
    const [f] = await run(cmake, [`${ROOT}/main/client.crt`], [`${ROOT}/main/client.crt`, `${ROOT}/main/server_root_cert.pem`]);
    assert.match(applyEdits(cmake, f.fixes![0].edits[0].edits), /EMBED_TXTFILES "server_root_cert\.pem" "client\.crt"\)/);
  });

  it('reports an embedded file that does not exist, pointing at a same-named file', async () => {
    const cmake = mainCmake('\n                    EMBED_TXTFILES "server_root_cert.pem"');
    const actual = `${ROOT}/main/certs/server_root_cert.pem`;
    const [f] = await run(cmake, [actual], [actual]);
    assert.equal(f.rule, 'embed-file-missing');
    assert.match(f.message, /^EMBED_TXTFILES names `server_root_cert\.pem`, which does not exist\. main\/server_root_cert\.pem is missing: the build stops here\. A file of that name is at main\/certs\/server_root_cert\.pem\./);
    assert.match(applyEdits(cmake, f.fixes![0].edits[0].edits), /EMBED_TXTFILES "certs\/server_root_cert\.pem"\)/);
  });

  it('a missing file in an if() branch the configuration does not decide is only an info (shape: staging or production CA by Kconfig)', async () => {
    const cmake = 'if(CONFIG_USE_STAGING)\n  set(ca certs/staging.pem)\nelse()\n  set(ca certs/server_root_cert.pem)\nendif()\nidf_component_register(SRCS "app_main.c" EMBED_TXTFILES ${ca})\n';
    const findings = await run(cmake, [`${ROOT}/main/certs/server_root_cert.pem`]);
    assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.range.start.line]), [['embed-file-missing', 'info', 1]]);
    assert.match(findings[0].message, /a build that takes this if\(\) branch stops here/);
  });

  it('knows the certificate bundle symbol comes from ESP-IDF itself', async () => {
    const c = await extractC('extern const uint8_t bundle_start[] asm("_binary_x509_crt_bundle_start");');
    const ctx = contextOf([{ file: `${ROOT}/main/a.c`, hash: 'x', c }], fakeProject({}));
    assert.deepEqual(runRules(ctx).filter((f) => f.rule.startsWith('embed-')), []);
  });
});
