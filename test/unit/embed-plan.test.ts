// The Embed Certificates plans on projects written to disk and analysed as the editor does: the variants
// the LSP round trips do not cover (a generated sdkconfig, no sdkconfig.defaults, IDF 5.5's layout B
// and CMN list, no TLS config under the cursor, an HTTP client, the max-certs limit), each applied and
// re-analysed, and the default-bundle sizes read from the measured table.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Analyzer } from '../../server/src/analyzer';
import { embedPlan, type EmbedPlan, type EmbedRequest } from '../../server/src/rules/embedPlan';
import { defaultBundleOf } from '../../server/src/sdkconfig/bundleFlash';
import { ProjectConfig } from '../../server/src/sdkconfig/kconfig';
import { bundleLayout, espBundle } from '../../server/src/x509/bundle';
import { decodeCertificate, type CertInfo } from '../../server/src/x509/certificate';
import { fakeProject } from '../support/analyse';
import { makeSelfSigned } from '../support/certs';
import { applyEdits } from '../support/edits';

const NOW = new Date('2026-01-01T00:00:00Z');
const dirs: string[] = [];
let roots: { cert: CertInfo }[];

const ESP_TLS = `#include <string.h>
#include "esp_tls.h"

void connect_task(void *arg)
{
    esp_tls_cfg_t cfg = {
        .timeout_ms = 5000,
    };
    esp_tls_t *tls = esp_tls_init();
    esp_tls_conn_http_new_sync("https://backend.example.com/", &cfg, tls);
}
`;

const HTTP = `#include "esp_http_client.h"

void post_task(void *arg)
{
    esp_http_client_config_t config = {
        .url = "https://backend.example.com/upload",
    };
    esp_http_client_handle_t client = esp_http_client_init(&config);
    esp_http_client_perform(client);
}
`;

interface Project { dir: string; file: string; analyzer: Analyzer }

async function project(files: Record<string, string>): Promise<Project> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-embed-'));
  dirs.push(dir);
  const all = {
    'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(device)\n',
    'main/CMakeLists.txt': 'idf_component_register(SRCS "client.c"\n                       INCLUDE_DIRS ".")\n',
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) { mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); writeFileSync(path.join(dir, rel), text); }
  const analyzer = new Analyzer({ now: () => NOW, env: {} });
  await analyzer.index([dir]);
  return { dir, file: path.join(dir, 'main/client.c'), analyzer };
}

const read = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return undefined; } };

function plan(p: Project, form: EmbedRequest['form'], opts: { at?: { line: number; character: number }; near?: string; certs?: { cert: CertInfo }[]; keep?: boolean; name?: string } = {}): EmbedPlan {
  const near = opts.near ?? p.file;
  const found = opts.at ? p.analyzer.clientAt(near, opts.at) : undefined;
  if (opts.at) assert.ok(found, 'no TLS client at the position');
  const r = embedPlan({
    ctx: found?.ctx ?? p.analyzer.contextFor(near), project: p.analyzer.projectOf(near)!, client: found?.client, near,
    certs: opts.certs ?? roots, form, name: opts.name ?? 'device roots', keepDefaultBundle: opts.keep, read,
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

/** Applies the plan as the editor does, then analyses the project afresh: findings at warning or above. */
async function applyAndCheck(p: Project, r: EmbedPlan): Promise<string[]> {
  for (const c of r.creates) { mkdirSync(path.dirname(c.file), { recursive: true }); writeFileSync(c.file, c.text, { flag: 'wx' }); }
  for (const e of r.edits) writeFileSync(e.file, applyEdits(readFileSync(e.file, 'utf8'), e.edits));
  const again = new Analyzer({ now: () => NOW, env: {} });
  await again.index([p.dir]);
  return [...again.findings().values()].flat().filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${path.relative(p.dir, f.file)}: ${f.rule}: ${f.message}`);
}

describe('Embed Certificates plans', { timeout: 60_000 }, () => {
  before(async () => {
    roots = [
      { cert: await decodeCertificate((await makeSelfSigned(NOW, { cn: 'Backend Root 2024', key: 'p256', slot: 'root' })).der) },
      { cert: await decodeCertificate((await makeSelfSigned(NOW, { cn: 'Backend Root 2026', key: 'p384', slot: 'other' })).der) },
    ];
  });
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('custom bundle in a project with a generated sdkconfig (IDF 5.5, CMN): both files set, defaults created, layout B size, checks clean', async () => {
    const sdkconfig = '# Espressif IoT Development Framework (ESP-IDF) 5.5.1 Project Configuration\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\n# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL is not set\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN=y\n# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE is not set\n# CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE is not set\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS=200\nCONFIG_MBEDTLS_HAVE_TIME_DATE=n';
    const p = await project({ 'sdkconfig': sdkconfig, 'main/client.c': ESP_TLS });
    const r = plan(p, 'custom-bundle', { at: { line: 6, character: 8 } });
    const expected = espBundle(roots.map((x) => x.cert), bundleLayout({ major: 5, minor: 5 })).length;
    assert.equal(r.flash.bytes, expected);
    assert.equal(r.flash.change, expected - 17924, 'replaces the v5.5.5 CMN bundle (17924 bytes)');
    assert.equal(r.flash.current.list, 'CMN');
    assert.equal(r.creates.map((c) => path.relative(p.dir, c.file)).join(), 'certs/device_roots.pem,sdkconfig.defaults');
    assert.deepEqual(await applyAndCheck(p, r), []);
    const generated = readFileSync(path.join(p.dir, 'sdkconfig'), 'utf8');
    assert.match(generated, /^# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN is not set$/m);
    assert.match(generated, /^CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y$/m);
    assert.match(generated, /^CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y$/m);
    assert.match(generated, /CONFIG_MBEDTLS_HAVE_TIME_DATE=n\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs\/device_roots\.pem"\n$/, 'a missing final newline is mended before appending');
    assert.equal(readFileSync(path.join(p.dir, 'sdkconfig.defaults'), 'utf8'),
      'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs/device_roots.pem"\n');
    assert.match(readFileSync(p.file, 'utf8'), /\.crt_bundle_attach = esp_crt_bundle_attach,/);
  });

  it('custom bundle kept beside the default list: one header (layout A), FULL counted; more than MAX_CERTS is a warning', async () => {
    const p = await project({ 'sdkconfig.defaults': '# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Minimal Configuration\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS=149\n', 'main/client.c': ESP_TLS });
    const r = plan(p, 'custom-bundle', { at: { line: 6, character: 8 }, keep: true });
    const custom = espBundle(roots.map((x) => x.cert), 'A').length;
    assert.equal(r.flash.bytes, 67806 + custom - 2, 'v5.3.5 FULL (67806 bytes) plus the entries, one count header');
    assert.equal(r.flash.change, custom - 2);
    assert.deepEqual(r.warnings, ['150 certificates exceed CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS (149): the device refuses the bundle']);
    assert.match(readFileSync(path.join(p.dir, 'sdkconfig.defaults'), 'utf8') + r.edits.flatMap((e) => e.edits.map((x) => x.newText)).join(''), /CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y/);
    assert.ok(!r.edits.some((e) => e.edits.some((x) => /DEFAULT_NONE=y/.test(x.newText))), 'the default list stays');
  });

  it('no TLS config under the cursor: PEM file embedded in the component, the C shown as a snippet', async () => {
    const p = await project({ 'sdkconfig.defaults': '', 'main/client.c': ESP_TLS });
    const r = plan(p, 'pem-file', { near: path.join(p.dir, 'main/CMakeLists.txt') });
    assert.equal(r.creates[0].file, path.join(p.dir, 'main/certs/device_roots.pem'));
    assert.match(r.snippet ?? '', /extern const char device_roots_pem_start\[\] asm\("_binary_device_roots_pem_start"\);/);
    assert.match(r.snippet ?? '', /\.cacert_pem_bytes = device_roots_pem_end - device_roots_pem_start,/);
    const problems = await applyAndCheck(p, r);
    assert.deepEqual(problems.filter((x) => !x.includes('tls-no-server-verification')), [], 'nothing new; the config itself was not touched');
    assert.match(readFileSync(path.join(p.dir, 'main/CMakeLists.txt'), 'utf8'), /EMBED_TXTFILES "certs\/device_roots\.pem"\)/);
  });

  it('no TLS config: a C array goes into a new header with a guard', async () => {
    const p = await project({ 'sdkconfig.defaults': '', 'main/client.c': ESP_TLS });
    const r = plan(p, 'c-array', { near: path.join(p.dir, 'main/CMakeLists.txt'), name: 'Backend CAs' });
    assert.equal(r.creates[0].file, path.join(p.dir, 'main/backend_cas_pem.h'));
    assert.match(r.creates[0].text, /^#ifndef BACKEND_CAS_PEM_H\n#define BACKEND_CAS_PEM_H\n\n\/\* Trust anchors[\s\S]*static const char backend_cas_pem\[\] =\n[\s\S]*#endif \/\* BACKEND_CAS_PEM_H \*\/\n$/);
    assert.match(r.snippet ?? '', /\.cacert_pem_bytes = sizeof\(backend_cas_pem\),/);
    assert.deepEqual((await applyAndCheck(p, r)).filter((x) => !x.includes('tls-no-server-verification')), []);
  });

  it('an HTTP client takes the C array as cert_pem (strlen when cert_len is 0): checks clean', async () => {
    const p = await project({ 'sdkconfig.defaults': '', 'main/client.c': HTTP });
    const r = plan(p, 'c-array', { at: { line: 4, character: 8 } });
    assert.deepEqual(await applyAndCheck(p, r), []);
    const c = readFileSync(p.file, 'utf8');
    assert.match(c, /\.cert_pem = device_roots_pem,/);
    assert.doesNotMatch(c, /cert_len/);
    // A second array for the same file takes another name.
    const again = new Analyzer({ now: () => NOW, env: {} });
    await again.index([p.dir]);
    const line = c.split('\n').findIndex((l) => l.includes('esp_http_client_config_t config'));
    const second = plan({ ...p, analyzer: again }, 'c-array', { at: { line, character: 8 }, certs: roots.slice(0, 1) });
    assert.match(second.summary[0], /^define device_roots_pem_2\[\] \(1 certificate\(s\)\) in main\/client\.c$/);
  });

  it('refuses an empty choice', async () => {
    const p = await project({ 'sdkconfig.defaults': '', 'main/client.c': ESP_TLS });
    assert.equal(embedPlan({ ctx: p.analyzer.contextFor(p.file), project: p.analyzer.projectOf(p.file)!, near: p.file, certs: [], form: 'pem-file', name: 'x', read }), 'no certificate chosen');
  });
});

describe('default bundle sizes (measured per release)', () => {
  const of = (values: Record<string, string>, major: number, minor: number) => {
    const p = fakeProject(values);
    p.idfVersion = { major, minor, source: 'sdkconfig' };
    return defaultBundleOf(ProjectConfig.of(p));
  };
  it('FULL, CMN, deprecated list, NONE and off; the nearest measured release', () => {
    assert.deepEqual(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL: 'y' }, 5, 5), { list: 'FULL', deprecated: false, certs: 150, bytes: 68983, measuredAt: 'v5.5.5' });
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN: 'y' }, 5, 5).bytes, 17924);
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEPRECATED_LIST: 'y' }, 5, 5).bytes, 75134);
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE: 'y' }, 5, 5).list, 'none');
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'n' }, 5, 5).list, 'off');
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL: 'y' }, 5, 7).measuredAt, 'v5.5.5', 'a newer minor takes the newest measured not above it');
    assert.equal(of({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y', CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL: 'y' }, 4, 3).measuredAt, 'v4.4.8', 'older than the table: the oldest');
  });
});
