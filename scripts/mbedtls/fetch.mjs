// Fetches the Mbed TLS sources ESP-IDF's releases ship, from Debian's archive (issue 21): 3.6.x from trixie
// (ESP-IDF v5.x) and 2.28.x from bookworm (v4.4). Each suite's InRelease is checked with gpgv against
// Debian's archive keyring; the Sources index, the .dsc and the tarballs against the SHA-256 sums it chains
// to. The sources are unpacked into .cache/mbedtls/<version>/ (kept: a second run downloads nothing).
//   node scripts/mbedtls/fetch.mjs            (DEBIAN_MIRROR overrides http://deb.debian.org/debian)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dscFiles, findSource, releaseEntry, verify } from './debian-sources.mjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(REPO, '.cache/mbedtls');
const MIRROR = (process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian').replace(/\/$/, '');
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** The Mbed TLS series ESP-IDF ships (server/src/data/idf-mbedtls.json) and the Debian suite that carries each. */
export const WANTED = [{ suite: 'trixie', series: '3.6.' }, { suite: 'bookworm', series: '2.28.' }];

const log = (m) => console.log(`[mbedtls] ${m}`);

async function download(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

function need(tool, debianPackage) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${tool} is missing: install the Debian package ${debianPackage} (apt-get install ${debianPackage})`);
  }
}

/** The suite's InRelease, once its signature checks out against Debian's keyring. */
async function signedRelease(suite, scratch) {
  if (!existsSync(KEYRING)) throw new Error(`${KEYRING} is missing: install debian-archive-keyring`);
  const file = path.join(scratch, `${suite}-InRelease`);
  writeFileSync(file, await download(`${MIRROR}/dists/${suite}/InRelease`));
  const r = spawnSync('gpgv', ['--keyring', KEYRING, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the signature of ${suite}'s InRelease does not check out:\n${r.stderr.trim()}`);
  return readFileSync(file, 'utf8');
}

/** Downloads, verifies and unpacks one series; returns the folder of its sources. */
async function fetchSeries({ suite, series }, scratch) {
  const done = existsSync(CACHE) ? readdirSync(CACHE).find((v) => v.startsWith(series) && existsSync(path.join(CACHE, v, '.verified'))) : undefined;
  if (done) { log(`mbedtls ${done} (${suite}) already in ${path.relative(REPO, path.join(CACHE, done))}`); return path.join(CACHE, done); }
  const release = await signedRelease(suite, scratch);
  const indexEntry = releaseEntry(release, 'main/source/Sources.xz');
  if (!indexEntry) throw new Error(`${suite}'s InRelease lists no main/source/Sources.xz`);
  const index = await download(`${MIRROR}/dists/${suite}/main/source/Sources.xz`);
  verify(index, indexEntry);
  const sources = spawnSync('xz', ['-dc'], { input: index, maxBuffer: 512 * 1024 * 1024 }).stdout.toString('utf8');
  const pkg = findSource(sources, 'mbedtls', series);
  if (!pkg) throw new Error(`${suite} carries no mbedtls ${series}x source package`);
  const dir = path.join(CACHE, pkg.version);
  const marker = path.join(dir, '.verified');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fetched = new Map();
  for (const f of pkg.files) {
    const bytes = await download(`${MIRROR}/${pkg.directory}/${f.name}`);
    verify(bytes, f);
    fetched.set(f.name, bytes);
    writeFileSync(path.join(dir, f.name), bytes);
  }
  // The .dsc (verified above) names the tarballs too: both lists must agree with the bytes.
  const dsc = pkg.files.find((f) => f.name.endsWith('.dsc'));
  for (const f of dsc ? dscFiles(fetched.get(dsc.name).toString('utf8')) : []) verify(fetched.get(f.name) ?? Buffer.alloc(0), f);
  const orig = pkg.files.find((f) => /\.orig\.tar\./.test(f.name));
  if (!orig) throw new Error(`mbedtls ${pkg.version} has no .orig tarball`);
  mkdirSync(path.join(dir, 'src'));
  const untar = spawnSync('tar', ['-xf', path.join(dir, orig.name), '-C', path.join(dir, 'src'), '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`unpacking ${orig.name} failed: ${untar.stderr}`);
  writeFileSync(marker, `${pkg.version} from ${suite}: ${pkg.files.map((f) => `${f.name} ${f.sha256}`).join(', ')}\n`);
  log(`mbedtls ${pkg.version} (${suite}): ${pkg.files.length} files verified, sources in ${path.relative(REPO, dir)}/src`);
  return dir;
}

export async function fetchMbedtlsSources() {
  need('gpgv', 'gpgv');
  need('xz', 'xz-utils');
  need('bzip2', 'bzip2');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'esp-tls-lens-debian-'));
  try {
    const dirs = [];
    for (const w of WANTED) dirs.push(await fetchSeries(w, scratch));
    return dirs;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  fetchMbedtlsSources().catch((e) => { console.error(`[mbedtls] ${e.message}`); process.exit(1); });
}
