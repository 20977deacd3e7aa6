// Builds the real Mbed TLS of each ESP-IDF generation to WebAssembly (issue 21): dist/mbedtls-3.6.wasm
// (ESP-IDF v5.x) and dist/mbedtls-2.28.wasm (v4.4), from Debian's verified source packages
// (scripts/mbedtls/fetch.mjs), our configuration (native/mbedtls/lens_config.h) and glue
// (native/mbedtls/lens*.c), with Debian's clang, lld and wasi-libc.
//
// Cached: the module is rebuilt only when its inputs changed (a key over the compiler, the flags, the
// source package and our C files), and `npm run build` runs this first, in well under a second when
// nothing changed. The Debian packages are installed when running as root; otherwise the script says
// which to install.
//   node scripts/mbedtls/build.mjs [--force]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { aptInstall, dpkgInstalled, seconds } from '../lib/system.mjs';
import { fetchMbedtlsSources } from './fetch.mjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(REPO, '.cache/mbedtls');
const NATIVE = path.join(REPO, 'native/mbedtls');
const DIST = path.join(REPO, 'dist');
const LLVM = '/usr/lib/llvm-14/bin';
const WASI_LIBC = '/usr/lib/wasm32-wasi/libc.a';
/** clang and lld 14 with the wasm32 builtins, and wasi-libc: Debian 12's toolchain for wasm32-wasi. */
const PACKAGES = ['clang-14', 'lld-14', 'wasi-libc', 'libclang-rt-14-dev-wasm32'];
const GLUE = ['lens.c', 'lens_ssl.c'];
/** Per-file flags: the curve lookup is renamed so that lens.c can turn off what the sdkconfig leaves out. */
const FILE_FLAGS = { 'oid.c': ['-Dmbedtls_oid_get_ec_grp=lens_builtin_oid_get_ec_grp'] };
const CFLAGS = [
  '--target=wasm32-wasi', '-O2', '-flto=thin', '-ffunction-sections', '-fdata-sections', '-Wall', '-Wno-unused-function',
  `-I${NATIVE}`, '-DMBEDTLS_USER_CONFIG_FILE="lens_config.h"',
];
// A reactor: no main(), the host calls _initialize() once and then the exported functions.
const LDFLAGS = ['--target=wasm32-wasi', '-mexec-model=reactor', '-flto=thin', '-Wl,--gc-sections', '-Wl,--strip-all', '-Wl,-z,stack-size=262144'];

const log = (m) => console.log(`[mbedtls] ${m}`);

class BuildError extends Error {}

function ensureToolchain() {
  const missing = existsSync('/usr/bin/dpkg') ? PACKAGES.filter((p) => !dpkgInstalled(p)) : [];
  const present = existsSync(path.join(LLVM, 'clang')) && existsSync(path.join(LLVM, 'wasm-ld')) && existsSync(WASI_LIBC);
  if (!missing.length && present) return;
  if (process.getuid?.() !== 0) {
    throw new BuildError(`the WebAssembly toolchain is missing: install the Debian packages ${PACKAGES.join(' ')} (sudo apt-get install -y ${PACKAGES.join(' ')}), or run this build as root`);
  }
  const failed = aptInstall(missing.length ? missing : PACKAGES, { logFile: path.join(CACHE, 'logs', 'apt.log'), label: '[mbedtls]', log, recommends: false });
  if (failed) throw new BuildError(failed);
}

const sha = (data) => createHash('sha256').update(data).digest('hex');

/** The inputs that decide the module's bytes: a different key means a rebuild. */
function buildKey(srcDir) {
  const clang = spawnSync(path.join(LLVM, 'clang'), ['--version'], { encoding: 'utf8' }).stdout;
  const ours = readdirSync(NATIVE).sort().map((f) => `${f}:${sha(readFileSync(path.join(NATIVE, f)))}`);
  const verified = readFileSync(path.join(srcDir, '..', '.verified'), 'utf8');
  return sha(JSON.stringify({ clang, CFLAGS, LDFLAGS, FILE_FLAGS, ours, verified, wasi: statSync(WASI_LIBC).size }));
}

/** Runs the commands with as many in flight as there are cores. */
async function runAll(commands) {
  const jobs = Math.max(1, os.availableParallelism());
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const argv = commands[next++];
      await new Promise((resolve, reject) => {
        const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => { err += d; });
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new BuildError(`${path.basename(argv.at(-1))}: ${argv[0]} exited with ${code}\n${err.trim().slice(-3000)}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
}

/** Compiles one Mbed TLS version; returns the module's path in the cache. */
async function buildModule(srcDir, series) {
  const out = path.join(path.dirname(srcDir), `mbedtls-${series}.wasm`);
  const keyFile = `${out}.key`;
  const key = buildKey(srcDir);
  if (!process.argv.includes('--force') && existsSync(out) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return out;
  const t0 = Date.now();
  const objDir = path.join(path.dirname(srcDir), 'obj');
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const sources = [
    ...readdirSync(path.join(srcDir, 'library')).filter((f) => f.endsWith('.c')).map((f) => path.join(srcDir, 'library', f)),
    ...GLUE.map((f) => path.join(NATIVE, f)),
  ];
  const includes = [`-I${path.join(srcDir, 'include')}`, `-I${path.join(srcDir, 'library')}`];
  const objects = sources.map((s) => path.join(objDir, `${path.basename(s, '.c')}.o`));
  log(`compiling Mbed TLS ${series} (${sources.length} files) ...`);
  await runAll(sources.map((s, i) => [path.join(LLVM, 'clang'), ...CFLAGS, ...includes, ...(FILE_FLAGS[path.basename(s)] ?? []), '-c', '-o', objects[i], s]));
  await runAll([[path.join(LLVM, 'clang'), ...LDFLAGS, '-o', out, ...objects]]);
  writeFileSync(keyFile, key);
  rmSync(objDir, { recursive: true, force: true });
  log(`mbedtls-${series}.wasm: ${(statSync(out).size / 1024).toFixed(0)} KB (${seconds(t0)})`);
  return out;
}

export async function buildMbedtls() {
  const dirs = await fetchMbedtlsSources();
  ensureToolchain();
  mkdirSync(DIST, { recursive: true });
  for (const dir of dirs) {
    const version = path.basename(dir);
    const series = version.split('.').slice(0, 2).join('.');
    const module = await buildModule(path.join(dir, 'src'), series);
    copyFileSync(module, path.join(DIST, path.basename(module)));
  }
  // Apache-2.0 asks that the licence travel with the work (section 4).
  const licence = readFileSync(path.join(dirs[0], 'src', 'LICENSE'));
  writeFileSync(path.join(DIST, 'MBEDTLS-LICENSE.txt'), Buffer.concat([Buffer.from(notice(dirs)), licence]));
}

function notice(dirs) {
  const versions = dirs.map((d) => path.basename(d)).join(' and ');
  return `dist/mbedtls-*.wasm are Mbed TLS (https://github.com/Mbed-TLS/mbedtls), Debian source packages ${versions},\n`
    + 'compiled unmodified to WebAssembly with ESP-IDF TLS Lens\'s configuration and glue (native/mbedtls/).\n'
    + 'Mbed TLS is Copyright The Mbed TLS Contributors, licensed under the Apache License 2.0:\n\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  buildMbedtls().then(() => log(`ready (${seconds(t0)})`), (e) => { console.error(`[mbedtls] ${e.message}`); process.exit(1); });
}
