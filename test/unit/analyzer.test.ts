import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Analyzer } from '../../server/src/analyzer';
import { defaultSettings } from '../../server/src/settings';

const insecure = (name: string) => `#include "esp_tls.h"\nvoid ${name}(void)\n{\n    esp_tls_cfg_t cfg = { .timeout_ms = 1 };\n}\n`;

const made: string[] = [];
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

function project(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'tls-lens-analyzer-'));
  made.push(root);
  const all: Record<string, string | Buffer> = {
    'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(t)\n',
    'main/CMakeLists.txt': 'idf_component_register(SRCS "main.c")\n',
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('Analyzer', () => {
  it('analyses managed_components for facts but shows their findings only when asked', async () => {
    const root = project({
      'main/main.c': insecure('app'),
      'managed_components/espressif__esp_foo/foo.c': insecure('foo'),
      'managed_components/espressif__esp_foo/CMakeLists.txt': 'idf_component_register(SRCS "foo.c")\n',
    });
    const hidden = new Analyzer({ env: {} });
    await hidden.index([root]);
    assert.deepEqual([...hidden.findings().keys()], [path.join(root, 'main/main.c')]);
    assert.equal(hidden.analysedFileCount(), 5, "two C files and three CMakeLists.txt");

    const shown = new Analyzer({ env: {}, settings: { ...defaultSettings, showManagedComponentFindings: true } });
    await shown.index([root]);
    assert.deepEqual([...shown.findings().keys()].sort(), [path.join(root, 'main/main.c'), path.join(root, 'managed_components/espressif__esp_foo/foo.c')]);
  });

  it('never reads build output, and skips binary and oversized files with a reason', async () => {
    const root = project({
      'main/main.c': '// nothing TLS here\n',
      'build/esp-idf/main/generated.c': insecure('generated'),
      'main/blob.c': Buffer.from([0x65, 0x73, 0x70, 0x00, 0x01, 0x02]),
      'main/table.c': insecure('table') + '/*' + 'x'.repeat(4096) + '*/\n',
    });
    const a = new Analyzer({ env: {}, settings: { ...defaultSettings, maxFileSizeKB: 2 } });
    await a.index([root]);
    assert.deepEqual([...a.findings().keys()], []);
    const skipped = Object.fromEntries(a.skippedFiles().map((s) => [path.relative(root, s.file), s.reason]));
    assert.match(skipped['main/blob.c'], /binary file/);
    assert.match(skipped['main/table.c'], /over the 2.0 KB limit/);
    assert.equal(skipped['build/esp-idf/main/generated.c'], undefined, 'build output is not even looked at');
  });

  it('follows editor buffers and reports which files changed', async () => {
    const root = project({ 'main/main.c': insecure('app') });
    const file = path.join(root, 'main/main.c');
    const a = new Analyzer({ env: {} });
    await a.index([root]);
    assert.equal(a.findingsFor(file).length, 1);
    const fixed = insecure('app').replace('.timeout_ms = 1', '.crt_bundle_attach = esp_crt_bundle_attach');
    assert.deepEqual(await a.setOverlay(file, fixed), [file]);
    assert.deepEqual(a.findingsFor(file), []);
    assert.deepEqual(await a.setOverlay(file, fixed), [], 'same content: nothing changed');
    assert.deepEqual(await a.dropOverlay(file), [file], 'closing the buffer goes back to the file on disk');
    assert.equal(a.findingsFor(file).length, 1);
  });

  it('re-runs only the edited file\'s project and reports only what changed', async () => {
    const a = project({ 'main/main.c': insecure('a') });
    const b = project({ 'main/main.c': insecure('b') });
    const analyzer = new Analyzer({ env: {} });
    await analyzer.index([a, b]);
    const inB = analyzer.findingsFor(path.join(b, 'main/main.c'));
    assert.equal(inB.length, 1);
    const fileA = path.join(a, 'main/main.c');
    assert.deepEqual(await analyzer.setOverlay(fileA, '// emptied\n'), [fileA]);
    assert.equal(analyzer.findingsFor(path.join(b, 'main/main.c')), inB, 'project b was not re-run');
  });

  it('reads the project sdkconfig: a verification field compiled out by it does not count', async () => {
    const root = project({
      'main/main.c': '#include "esp_tls.h"\nvoid f(void) {\n  esp_tls_cfg_t cfg = {\n#if CONFIG_APP_USE_BUNDLE\n    .crt_bundle_attach = esp_crt_bundle_attach,\n#endif\n  };\n}\n',
      'sdkconfig': '# Espressif IoT Development Framework (ESP-IDF) 5.2.1 Project Configuration\n# CONFIG_APP_USE_BUNDLE is not set\n',
    });
    const a = new Analyzer({ env: {} });
    await a.index([root]);
    const [f] = a.findingsFor(path.join(root, 'main/main.c'));
    assert.match(f.message, /compiled out/);
    assert.equal(a.allProjects()[0].idfVersion.minor, 2);
  });
});
