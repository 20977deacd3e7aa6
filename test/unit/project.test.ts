import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { walk, fileKind, isSkippedDirName } from '../../server/src/project/walk';
import { readCandidate } from '../../server/src/project/read';
import {
  discoverProjects, projectForFile, isThirdParty, isProjectCMakeLists,
  type DiscoveryOptions,
} from '../../server/src/project/discover';
import {
  formatIdfVersion, parseIdfVersion, parseVersionCmake, resolveIdfVersion, versionFromSdkconfigHeader,
} from '../../server/src/project/idfVersion';
import type { EspIdfProject } from '../../server/src/project/model';

const includeLine = 'include($ENV{IDF_PATH}/tools/cmake/project.cmake)';
const maxFileBytes = 4096;

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

const rel = (root: string, files: string[]): string[] => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

// A workspace with three projects (one nested in a component's test_apps/), shared components
// outside any project, build output, ignored and excluded files, a huge file and a symlink loop.
let ws: string;
let idfPath: string;
const tree: Record<string, string> = {
  '.gitignore': 'secrets/\nmanaged_components/\n*.tmp.c\n',
  'proj/CMakeLists.txt': [
    '# the app',
    'cmake_minimum_required(VERSION 3.16)',
    'set(SDKCONFIG_DEFAULTS "sdkconfig.defaults;sdkconfig.prod")',
    'set(EXTRA_COMPONENT_DIRS ../shared_components',
    '    "extra/single")',
    '# set(EXTRA_COMPONENT_DIRS nowhere)',
    includeLine,
    'project(my_app)',
    '',
  ].join('\n'),
  'proj/sdkconfig.defaults': 'CONFIG_IDF_TARGET="esp32s3"\nCONFIG_A=y\nCONFIG_B=1\n',
  'proj/sdkconfig.defaults.esp32s3': 'CONFIG_B=2\n',
  'proj/sdkconfig.defaults.esp32': 'CONFIG_B=99\n',
  'proj/sdkconfig.prod': '# CONFIG_A is not set\n',
  'proj/sdkconfig.prod.esp32s3': 'CONFIG_C=y\n',
  'proj/sdkconfig.old': 'CONFIG_OLD=y\n',
  'proj/sdkconfig.ci.wifi': 'CONFIG_CI=y\n',
  'proj/README.md': '# not analysed\n',
  'proj/main/CMakeLists.txt': 'idf_component_register(SRCS "app.c" INCLUDE_DIRS ".")\n',
  'proj/main/app.c': 'int app_main(void) { return 0; }\n',
  'proj/main/certs/ca.pem': '-----BEGIN CERTIFICATE-----\n',
  'proj/main/.gitignore': 'generated_*.c\n!keep.tmp.c\n',
  'proj/main/generated_table.c': 'int t;\n',
  'proj/main/keep.tmp.c': 'int k;\n',
  'proj/main/drop.tmp.c': 'int d;\n',
  'proj/main/huge_table.c': 'x'.repeat(maxFileBytes + 1),
  'proj/components/foo/CMakeLists.txt': 'idf_component_register(SRCS "foo.c")\n',
  'proj/components/foo/foo.c': 'void foo(void) {}\n',
  'proj/components/foo/include/foo.h': 'void foo(void);\n',
  'proj/components/notacomp/notes.c': 'int n;\n',
  'proj/components/foo/test_apps/CMakeLists.txt': `cmake_minimum_required(VERSION 3.16)\n${includeLine}\nproject(foo_test)\n`,
  'proj/components/foo/test_apps/.gitignore': 'sdkconfig\n',
  'proj/components/foo/test_apps/sdkconfig':
    '#\n# Automatically generated file. DO NOT EDIT.\n# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project Configuration\n#\nCONFIG_IDF_TARGET="esp32c6"\n',
  'proj/components/foo/test_apps/sdkconfig.defaults':
    '# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Minimal Configuration\nCONFIG_IDF_TARGET="esp32"\n',
  'proj/components/foo/test_apps/sdkconfig.defaults.esp32c6': 'CONFIG_C6=y\n',
  'proj/components/foo/test_apps/main/CMakeLists.txt': 'idf_component_register(SRCS "test_main.c")\n',
  'proj/components/foo/test_apps/main/test_main.c': 'void app_main(void) {}\n',
  'proj/managed_components/espressif__mdns/CMakeLists.txt': 'idf_component_register(SRCS "mdns.c")\n',
  'proj/managed_components/espressif__mdns/mdns.c': 'int mdns;\n',
  'proj/extra/single/CMakeLists.txt': 'idf_component_register(SRCS "single.c")\n',
  'proj/extra/single/single.c': 'int s;\n',
  'proj/build/main/app.c': 'int built;\n',
  'proj/build/config/sdkconfig.h': '#define CONFIG_A 1\n',
  'proj/build-esp32s3/x.c': 'int x;\n',
  'proj/build_debug/y.c': 'int y;\n',
  'proj/buildtools/tool.c': 'int tool;\n',
  'proj/secrets/device.key': '-----BEGIN PRIVATE KEY-----\n',
  'proj/tmp/scratch.c': 'int scratch;\n',
  'proj/node_modules/pkg/a.c': 'int a;\n',
  'proj/.git/hooks/pre-commit.c': 'int hook;\n',
  'shared_components/bar/CMakeLists.txt': 'idf_component_register(SRCS "bar.c")\n',
  'shared_components/bar/bar.c': 'int bar;\n',
  'other/CMakeLists.txt': [
    'cmake_minimum_required(VERSION 3.16)',
    'set(IDF_TARGET esp32c3)',
    'list(APPEND EXTRA_COMPONENT_DIRS $ENV{IDF_PATH}/examples/common_components/protocol_examples_common)',
    'INCLUDE("${IDF_PATH}/tools/cmake/project.cmake")',
    'project("other_app")',
  ].join('\n'),
  'other/sdkconfig.defaults': 'CONFIG_X=y\n',
  'other/sdkconfig.defaults.esp32c3': 'CONFIG_X=n\n',
  'other/main/CMakeLists.txt': 'idf_component_register(SRCS "o.c")\n',
  'other/main/o.c': 'int o;\n',
  'notaproject/CMakeLists.txt': `# ${includeLine}\nproject(nope)\n`,
  'notaproject/n.c': 'int n;\n',
};

const options = (over: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
  exclude: ['**/tmp/**'],
  idfVersionSetting: '',
  env: { IDF_PATH: idfPath },
  ...over,
});

before(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), 'tls-lens-project-'));
  idfPath = await mkdtemp(path.join(os.tmpdir(), 'tls-lens-idf-'));
  await writeTree(ws, tree);
  await writeTree(idfPath, {
    'version.txt': 'v5.2.3\n',
    'examples/common_components/protocol_examples_common/CMakeLists.txt': 'idf_component_register()\n',
  });
  await symlink('..', path.join(ws, 'proj', 'loop')); // a directory symlink loop
  await symlink('certs/ca.pem', path.join(ws, 'proj', 'main', 'linked.pem')); // a file symlink
  await symlink('missing.pem', path.join(ws, 'proj', 'main', 'dangling.pem'));
});

after(async () => {
  await rm(ws, { recursive: true, force: true });
  await rm(idfPath, { recursive: true, force: true });
});

describe('walk', () => {
  test('returns candidate files, honouring build dirs, .gitignore and files.exclude (sizes are checked on reading)', async () => {
    const result = await walk(path.join(ws, 'proj'), { exclude: ['**/tmp/**'] });
    assert.deepEqual(rel(path.join(ws, 'proj'), result.files), [
      'CMakeLists.txt',
      'buildtools/tool.c',
      'components/foo/CMakeLists.txt',
      'components/foo/foo.c',
      'components/foo/include/foo.h',
      'components/foo/test_apps/CMakeLists.txt',
      'components/foo/test_apps/main/CMakeLists.txt',
      'components/foo/test_apps/main/test_main.c',
      'components/foo/test_apps/sdkconfig.defaults',
      'components/foo/test_apps/sdkconfig.defaults.esp32c6',
      'components/notacomp/notes.c',
      'extra/single/CMakeLists.txt',
      'extra/single/single.c',
      'main/CMakeLists.txt',
      'main/app.c',
      'main/certs/ca.pem',
      'main/drop.tmp.c', // the workspace's .gitignore is above this root, so not read
      'main/huge_table.c',
      'main/keep.tmp.c',
      'main/linked.pem',
      'managed_components/espressif__mdns/CMakeLists.txt',
      'managed_components/espressif__mdns/mdns.c',
      'sdkconfig.ci.wifi',
      'sdkconfig.defaults',
      'sdkconfig.defaults.esp32',
      'sdkconfig.defaults.esp32s3',
      'secrets/device.key',
    ]);
    assert.deepEqual(result.skipped, []);
  });

  test('readCandidate: a file over the limit is refused with the reason, before it is read whole', () => {
    const huge = path.join(ws, 'proj', 'main', 'huge_table.c');
    const refused = readCandidate(huge, maxFileBytes);
    assert.ok('skipped' in refused && /over the 4\.0 KB limit/.test(refused.skipped), JSON.stringify(refused));
    const read = readCandidate(huge, maxFileBytes + 1);
    assert.ok('content' in read && read.content.length === maxFileBytes + 1);
    assert.deepEqual(readCandidate(path.join(ws, 'proj', 'main', 'gone.c'), maxFileBytes), { missing: true });
    assert.deepEqual(readCandidate(path.join(ws, 'proj', 'main'), maxFileBytes), { missing: true }, 'a folder is not a file');
    assert.deepEqual(readCandidate(path.join(ws, 'proj', 'main', 'dangling.pem'), maxFileBytes), { missing: true });
  });

  test('readCandidate: files larger than its buffer are read whole (the buffer grows) or refused by their size', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-read-'));
    const big = path.join(dir, 'table.c');
    const bytes = Buffer.alloc(700 * 1024 + 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = 32 + ((i * 7) % 90);
    writeFileSync(big, bytes);
    const small = path.join(dir, 'small.c');
    writeFileSync(small, 'int x;\n');
    try {
      const refused = readCandidate(big, 500 * 1024);
      assert.ok('skipped' in refused && /700\.0 KB, over the 500\.0 KB limit/.test(refused.skipped), JSON.stringify(refused));
      const read = readCandidate(big, 1024 * 1024);
      assert.ok('content' in read && read.content.equals(bytes), 'every byte, in order, across the buffer growing');
      const next = readCandidate(small, 1024 * 1024);
      assert.ok('content' in next && next.content.toString() === 'int x;\n', 'the next read sees only its own bytes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('applies a parent .gitignore to nested folders, with patterns relative to its own folder', async () => {
    const result = await walk(ws, { exclude: [] });
    const files = rel(ws, result.files);
    assert.ok(!files.includes('proj/secrets/device.key'), 'secrets/ is ignored at any depth');
    assert.ok(!files.includes('proj/main/drop.tmp.c'), '*.tmp.c from the root .gitignore');
    assert.ok(files.includes('proj/main/keep.tmp.c'), 're-included by the nested .gitignore');
    assert.ok(!files.includes('proj/main/generated_table.c'), 'ignored by main/.gitignore');
    assert.ok(files.includes('proj/tmp/scratch.c'), 'no files.exclude given');
    assert.ok(files.includes('proj/managed_components/espressif__mdns/mdns.c'),
      'managed_components is analysed even when .gitignore lists it');
    assert.ok(!files.includes('proj/components/foo/test_apps/sdkconfig'), 'ignored by test_apps/.gitignore');
    assert.ok(!files.some((f) => f.startsWith('proj/loop/')), 'directory symlinks are not followed');
    assert.ok(!files.some((f) => /(^|\/)(build|build-esp32s3|build_debug|node_modules|\.git)\//.test(f)));
    assert.ok(!files.includes('proj/sdkconfig.old') && !files.includes('proj/README.md'));
    assert.ok(!files.includes('proj/main/dangling.pem'));
  });

  test('files.exclude globs match folders and files relative to the root', async () => {
    const result = await walk(ws, { exclude: ['**/components/foo/**', 'proj/main/*.pem', ''] });
    const files = rel(ws, result.files);
    assert.ok(!files.some((f) => f.startsWith('proj/components/foo/')));
    assert.ok(files.includes('proj/main/certs/ca.pem'), 'proj/main/*.pem does not reach into certs/');
    assert.ok(!files.includes('proj/main/linked.pem'));
    assert.ok(files.includes('proj/main/app.c'));
  });

  test('an unreadable root is reported, not thrown', async () => {
    const result = await walk(path.join(ws, 'does-not-exist'), { exclude: [] });
    assert.deepEqual(result.files, []);
    assert.match(result.skipped[0].reason, /ENOENT/);
  });

  test('fileKind and isSkippedDirName', () => {
    assert.equal(fileKind('a.C'), 'c');
    assert.equal(fileKind('sketch.ino'), 'c');
    assert.equal(fileKind('CMakeLists.txt'), 'cmake');
    assert.equal(fileKind('project_include.cmake'), 'cmake');
    assert.equal(fileKind('sdkconfig.defaults.esp32c3'), 'sdkconfig');
    assert.equal(fileKind('sdkconfig.ci'), 'sdkconfig');
    assert.equal(fileKind('sdkconfig.old'), undefined);
    assert.equal(fileKind('server.crt'), 'cert');
    assert.equal(fileKind('notes.txt'), undefined);
    assert.ok(isSkippedDirName('build') && isSkippedDirName('build-esp32s3') && isSkippedDirName('build.x'));
    assert.ok(!isSkippedDirName('buildtools') && !isSkippedDirName('builder'));
  });
});

describe('discoverProjects', () => {
  let projects: EspIdfProject[];
  let skipped: { file: string; reason: string }[];
  const byName = (name: string): EspIdfProject => {
    const p = projects.find((x) => x.name === name);
    assert.ok(p, `project ${name} found`);
    return p;
  };

  before(async () => {
    ({ projects, skipped } = await discoverProjects([ws, path.join(ws, 'proj')], options()));
  });

  test('finds every project, including a nested one, and nothing else', () => {
    assert.deepEqual(rel(ws, projects.map((p) => p.root)), ['other', 'proj', 'proj/components/foo/test_apps']);
    assert.deepEqual(projects.map((p) => p.name), ['other_app', 'my_app', 'foo_test']);
  });

  test('lists main, components/*, EXTRA_COMPONENT_DIRS and managed components', () => {
    const proj = byName('my_app');
    assert.deepEqual(proj.components.map((c) => [path.relative(ws, c.dir).split(path.sep).join('/'), c.name, c.thirdParty]), [
      ['proj/main', 'main', false],
      ['proj/components/foo', 'foo', false],
      ['shared_components/bar', 'bar', false],
      ['proj/extra/single', 'single', false],
      ['proj/managed_components/espressif__mdns', 'espressif__mdns', true],
    ]);
    const other = byName('other_app');
    assert.deepEqual(other.components.map((c) => [c.name, c.thirdParty]),
      [['main', false], ['protocol_examples_common', true]], 'a component from IDF_PATH is third-party');
  });

  test('builds the sdkconfig chain from SDKCONFIG_DEFAULTS with target twins, in merge order', () => {
    const proj = byName('my_app');
    assert.equal(proj.target, 'esp32s3');
    assert.deepEqual(rel(proj.root, proj.sdkconfigChain),
      ['sdkconfig.defaults', 'sdkconfig.defaults.esp32s3', 'sdkconfig.prod', 'sdkconfig.prod.esp32s3']);
    assert.equal(proj.sdkconfig.get('CONFIG_A')?.value, 'n');
    assert.equal(path.basename(proj.sdkconfig.get('CONFIG_A')?.file ?? ''), 'sdkconfig.prod');
    assert.equal(proj.sdkconfig.get('CONFIG_B')?.value, '2', 'the esp32 twin is not in the chain');
    assert.equal(proj.sdkconfig.get('CONFIG_C')?.value, 'y');
    assert.equal(proj.sdkconfig.has('CONFIG_OLD'), false);
    assert.equal(proj.sdkconfig.has('CONFIG_CI'), false);
  });

  test('the real sdkconfig decides the target and comes last, even when .gitignore hides it', () => {
    const t = byName('foo_test');
    assert.equal(t.target, 'esp32c6');
    assert.deepEqual(rel(t.root, t.sdkconfigChain), ['sdkconfig.defaults', 'sdkconfig.defaults.esp32c6', 'sdkconfig']);
    assert.equal(t.sdkconfig.get('CONFIG_IDF_TARGET')?.value, '"esp32c6"');
    assert.ok(t.files.includes(path.join(t.root, 'sdkconfig')), 'the build reads it, so it is analysed');
  });

  test('set(IDF_TARGET) is used when no sdkconfig names a target', () => {
    const other = byName('other_app');
    assert.equal(other.target, 'esp32c3');
    assert.deepEqual(rel(other.root, other.sdkconfigChain), ['sdkconfig.defaults', 'sdkconfig.defaults.esp32c3']);
    assert.equal(other.sdkconfig.get('CONFIG_X')?.value, 'n');
  });

  test('the IDF version comes from the sdkconfig header first, the real sdkconfig before defaults', () => {
    const t = byName('foo_test');
    assert.deepEqual([t.idfVersion.major, t.idfVersion.minor, t.idfVersion.patch, t.idfVersion.source],
      [5, 1, 2, 'sdkconfig']);
    assert.equal(t.idfVersion.file, path.join(t.root, 'sdkconfig'));
    const proj = byName('my_app');
    assert.deepEqual(withoutWhy(proj.idfVersion), { major: 5, minor: 2, patch: 3, source: 'IDF_PATH', file: path.join(idfPath, 'version.txt') });
  });

  test('files belong to the innermost project and exclude build output, ignored and excluded files', () => {
    const proj = byName('my_app');
    const files = rel(proj.root, proj.files);
    assert.ok(files.includes('main/app.c') && files.includes('components/foo/foo.c'));
    assert.ok(files.includes('managed_components/espressif__mdns/mdns.c'));
    assert.ok(!files.some((f) => f.startsWith('components/foo/test_apps/')), 'nested project files are its own');
    assert.ok(!files.some((f) => /^(build|build-esp32s3|build_debug|secrets|tmp|node_modules|\.git)\//.test(f)));
    assert.ok(files.includes('main/huge_table.c'), 'a file over the size limit is listed; the analyzer refuses it on reading');
    assert.ok(files.includes('sdkconfig.prod') && files.includes('sdkconfig.prod.esp32s3'),
      'SDKCONFIG_DEFAULTS files are analysed whatever their names');
    assert.ok(!files.includes('sdkconfig.old'));
    assert.deepEqual(rel(byName('foo_test').root, byName('foo_test').files), ['CMakeLists.txt', 'main/CMakeLists.txt',
      'main/test_main.c', 'sdkconfig', 'sdkconfig.defaults', 'sdkconfig.defaults.esp32c6']);
    const all = projects.flatMap((p) => p.files);
    assert.ok(!all.some((f) => f.includes(`${path.sep}notaproject${path.sep}`)));
    // EXTRA_COMPONENT_DIRS ../shared_components: outside the project folder, but built by it, so its files are the project's.
    assert.ok(proj.files.includes(path.join(ws, 'shared_components', 'bar', 'bar.c')));
    assert.equal(new Set(all).size, all.length, 'no file is listed twice, though proj/ was also given as a root');
  });

  test('nothing is skipped when every folder can be read', () => {
    assert.deepEqual(skipped, []);
  });

  test('projectForFile picks the innermost project; isThirdParty spots managed components', () => {
    const proj = byName('my_app');
    const t = byName('foo_test');
    assert.equal(projectForFile(projects, path.join(t.root, 'main', 'test_main.c')), t);
    assert.equal(projectForFile(projects, path.join(proj.root, 'components', 'foo', 'foo.c')), proj);
    assert.equal(projectForFile(projects, proj.root), proj);
    assert.equal(projectForFile(projects, path.join(ws, 'notaproject', 'n.c')), undefined);
    assert.equal(projectForFile(projects, `${proj.root}-sibling${path.sep}x.c`), undefined);
    assert.ok(isThirdParty(proj, path.join(proj.root, 'managed_components', 'espressif__mdns', 'mdns.c')));
    assert.ok(!isThirdParty(proj, path.join(proj.root, 'components', 'foo', 'foo.c')));
    assert.ok(!isThirdParty(proj, path.join(proj.root, 'main', 'app.c')));
  });

  test('a root that is itself a project works, and files.exclude can hide a whole project', async () => {
    const one = await discoverProjects([path.join(ws, 'other')], options());
    assert.deepEqual(one.projects.map((p) => p.name), ['other_app']);
    const hidden = await discoverProjects([ws], options({ exclude: ['other/**'] }));
    assert.ok(!hidden.projects.some((p) => p.name === 'other_app'));
  });

  test('discovers the demo fixture', async () => {
    const root = path.resolve(__dirname, '..', 'fixtures', 'demo-project');
    const { projects: found } = await discoverProjects([root], options({ env: {} }));
    assert.equal(found.length, 1);
    const demo = found[0];
    assert.equal(demo.root, root);
    assert.equal(demo.name, 'tls_lens_demo');
    assert.equal(demo.target, 'esp32');
    assert.deepEqual(demo.components.map((c) => [c.name, c.thirdParty]), [['main', false]]);
    assert.deepEqual(demo.sdkconfigChain, [path.join(root, 'sdkconfig.defaults')]);
    assert.deepEqual(withoutWhy(demo.idfVersion), { major: 5, minor: 3, patch: 1, source: 'sdkconfig', file: path.join(root, 'sdkconfig.defaults') });
    assert.equal(demo.sdkconfig.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE')?.value, 'y');
    assert.ok(demo.files.includes(path.join(root, 'main', 'weather_client.c')));
  });
});

describe('IDF version', () => {
  test('parseIdfVersion and formatIdfVersion', () => {
    assert.deepEqual(parseIdfVersion('5.1.2'), { major: 5, minor: 1, patch: 2 });
    assert.deepEqual(parseIdfVersion('v5.1'), { major: 5, minor: 1 });
    assert.deepEqual(parseIdfVersion('5.2-dev'), { major: 5, minor: 2 });
    assert.deepEqual(parseIdfVersion('v5.1.2-dirty\n'), { major: 5, minor: 1, patch: 2 });
    assert.deepEqual(parseIdfVersion('6.0.0'), { major: 6, minor: 0, patch: 0 });
    assert.deepEqual(parseIdfVersion('5.10'), { major: 5, minor: 10 });
    for (const bad of ['', 'latest', '5', 'master', '5.x']) assert.equal(parseIdfVersion(bad), undefined, bad);
    assert.equal(formatIdfVersion({ major: 5, minor: 1, patch: 2 }), '5.1.2');
    assert.equal(formatIdfVersion({ major: 5, minor: 1 }), '5.1');
  });

  test('reads the sdkconfig header, full or minimal, and ignores a v4 header without a number', () => {
    assert.deepEqual(versionFromSdkconfigHeader('#\n# Automatically generated file. DO NOT EDIT.\n# Espressif IoT Development Framework (ESP-IDF) 5.1.2 Project Configuration\n#\n'),
      { major: 5, minor: 1, patch: 2 });
    assert.deepEqual(versionFromSdkconfigHeader('# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Minimal Configuration\r\nCONFIG_A=y\r\n'),
      { major: 5, minor: 3, patch: 1 });
    assert.deepEqual(versionFromSdkconfigHeader('# Espressif IoT Development Framework (ESP-IDF) v5.2-dev Project Configuration\n'),
      { major: 5, minor: 2 });
    assert.equal(versionFromSdkconfigHeader('# Espressif IoT Development Framework (ESP-IDF) Project Configuration\n'), undefined);
    assert.equal(versionFromSdkconfigHeader('CONFIG_A=y\n'), undefined);
  });

  test('parses tools/cmake/version.cmake', () => {
    assert.deepEqual(parseVersionCmake('set(IDF_VERSION_MAJOR 5)\nset(IDF_VERSION_MINOR 4)\nset(IDF_VERSION_PATCH 1)\n'),
      { major: 5, minor: 4, patch: 1 });
    assert.equal(parseVersionCmake('set(IDF_VERSION_MAJOR 5)\n'), undefined);
  });

  test('falls back from sdkconfig to version.txt, version.cmake, the setting, then the newest (6.0)', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'tls-lens-ver-'));
    try {
      const withTxt = path.join(base, 'idf-txt');
      const withCmake = path.join(base, 'idf-cmake');
      await writeTree(withTxt, { 'version.txt': 'v5.1.4\n', 'tools/cmake/version.cmake': 'set(IDF_VERSION_MAJOR 9)\nset(IDF_VERSION_MINOR 9)\n' });
      await writeTree(withCmake, {
        'tools/cmake/version.cmake': 'set(IDF_VERSION_MAJOR 6)\nset(IDF_VERSION_MINOR 0)\nset(IDF_VERSION_PATCH 2)\n',
      });
      const header = { file: 'sdkconfig', text: '# Espressif IoT Development Framework (ESP-IDF) 5.0.9 Project Configuration\n' };
      const noHeader = { file: 'sdkconfig.defaults', text: 'CONFIG_A=y\n' };

      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [noHeader, header], setting: '4.4', env: { IDF_PATH: withTxt } })),
        { major: 5, minor: 0, patch: 9, source: 'sdkconfig', file: 'sdkconfig' });
      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [noHeader], setting: '4.4', env: { IDF_PATH: withTxt } })),
        { major: 5, minor: 1, patch: 4, source: 'IDF_PATH', file: path.join(withTxt, 'version.txt') });
      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [], setting: '', env: { IDF_PATH: withCmake } })),
        { major: 6, minor: 0, patch: 2, source: 'IDF_PATH', file: path.join(withCmake, 'tools', 'cmake', 'version.cmake') });
      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [], setting: '4.4.8', env: { IDF_PATH: path.join(base, 'nowhere') } })),
        { major: 4, minor: 4, patch: 8, source: 'setting' });
      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [], setting: '5.1', env: {} })),
        { major: 5, minor: 1, source: 'setting' });
      assert.deepEqual(withoutWhy(await resolveIdfVersion({ sdkconfigs: [noHeader], setting: 'latest', env: {} })),
        { major: 6, minor: 0, source: 'assumed' });
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  test('discovery without IDF_PATH falls back to the setting', async () => {
    const { projects } = await discoverProjects([path.join(ws, 'other')], options({ env: {}, idfVersionSetting: '5.0' }));
    assert.deepEqual(withoutWhy(projects[0].idfVersion), { major: 5, minor: 0, source: 'setting' });
  });
});

describe('CMake helpers', () => {
  test('recognises project.cmake includes in their usual spellings, not in comments', () => {
    assert.ok(isProjectCMakeLists('include($ENV{IDF_PATH}/tools/cmake/project.cmake)'));
    assert.ok(isProjectCMakeLists('include( "${IDF_PATH}/tools/cmake/project.cmake" )'));
    assert.ok(isProjectCMakeLists('INCLUDE($ENV{IDF_PATH}/tools/cmake/project.cmake)'));
    assert.ok(!isProjectCMakeLists('# include($ENV{IDF_PATH}/tools/cmake/project.cmake)'));
    assert.ok(!isProjectCMakeLists('idf_component_register(SRCS "a.c")'));
  });

});

/** The version fields without the explanation text (tested where the reason matters). */
function withoutWhy<T extends { why?: string }>(v: T): Omit<T, 'why'> {
  const { why: _why, ...rest } = v;
  return rest;
}
