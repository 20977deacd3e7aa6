// `npm run bench`: speed and memory of the analysis against the I/O floor (issue 9). For each workspace
// size (generated once into .cache/bench/<MB>mb-v<generator version> by generate.mjs) it prints:
// - the cold `esp-tls-lens check` wall time and peak RSS next to `grep -rlE` of the prefilter's trigger
//   words over the same tree, with the ratio and the target (both run once first to warm the page cache,
//   so the ratio compares work, not disk);
// - for the language server (lsp.mjs): indexing time and RSS after indexing, the time from a didChange of
//   the 5,000-line C file to its diagnostics (p50/p95 over 200 edits), hover latency (p50/p95) on an error
//   code and on a certificate;
// then the extension's activation time, the sizes of the minified bundles, and the device's Mbed TLS module
// (sizes, parse times, handshakes against openssl s_server). Every figure has its target and PASS or MISS beside it.
//
//   npm run bench [-- --sizes 5,50,200]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATOR_VERSION, generate } from './generate.mjs';
import { measureActivation, measureEditMemory, measureLsp, percentile } from './lsp.mjs';
import { activationEventFor, plainFolders } from './activation.mjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(REPO, '.cache', 'bench');
const CLI = path.join(REPO, 'dist', 'cli.js');
const SERVER = path.join(REPO, 'dist', 'server.js');
const CLIENT = path.join(REPO, 'dist', 'client.js');
const DEMO = path.join(REPO, 'test', 'fixtures', 'demo-project');
// The words server/src/c/extract.ts's prefilter looks for (server/src/data/c-prefilter.json), plus what marks sdkconfig.
const TRIGGERS = [...JSON.parse(readFileSync(path.join(REPO, 'server/src/data/c-prefilter.json'), 'utf8')).words, 'CONFIG_'];
const TARGET_RATIO = { 50: 5, 200: 3 };
const TARGETS = { changeP95: 50, hoverP95: 10, rssMb: 200 };
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '5,50,200' } } });
const sizes = values.sizes.split(',').map(Number).filter((n) => n > 0);

console.log(`esp-tls-lens benchmark · ${new Date().toISOString()} · node ${process.version} · ${machine()}`);
console.log('building minified bundles (node esbuild.mjs --production) ...');
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO, stdio: 'ignore' });

const rows = [];
const lspRows = [];
for (const mb of sizes) {
  const dir = path.join(CACHE, `${mb}mb-v${GENERATOR_VERSION}`);
  const statsFile = path.join(dir, '.bench.json');
  if (!existsSync(statsFile)) {
    rmSync(dir, { recursive: true, force: true });
    const t = performance.now();
    const stats = await generate(dir, mb);
    writeFileSync(statsFile, JSON.stringify(stats));
    console.log(`generated ${dir}: ${(stats.bytes / 1048576).toFixed(1)} MB, ${stats.cFiles} C files, ${stats.tlsConfigs} TLS configs, ${stats.pemLiterals} PEM literals, ${stats.certFiles} certificate files, ${stats.components} components (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  const grepArgs = ['-rlE', TRIGGERS.map(escape).join('|'), dir];
  const checkArgs = [CLI, 'check', dir, '--format', 'json', '--fail-on', 'never'];
  await run(process.execPath, checkArgs); // warm the page cache
  await run('grep', grepArgs);
  // The best of three runs of each: this is a shared machine, and the floor must not be a slow run either.
  const check = best(await repeat(3, () => run(process.execPath, checkArgs)));
  const grep = best(await repeat(3, () => run('grep', grepArgs)));
  const ratio = check.seconds / grep.seconds;
  const target = TARGET_RATIO[mb];
  rows.push([`${mb} MB`, `${check.seconds.toFixed(2)} s`, `${(check.peakKb / 1024).toFixed(0)} MB`, `${grep.seconds.toFixed(3)} s`, `${ratio.toFixed(1)}x`, target ? `≤${target}x ${ratio <= target ? 'PASS' : 'MISS'}` : '(no target)']);

  const lsp = await measureLsp(SERVER, dir, stats.bigFile, stats.pemFile);
  const rssMb = lsp.rssKb / 1024;
  const ms = (v) => `${v.toFixed(1)} ms`;
  const pair = (list, limit) => `${ms(percentile(list, 50))} / ${ms(percentile(list, 95))} (p95 <${limit} ms ${percentile(list, 95) < limit ? 'PASS' : 'MISS'})`;
  lspRows.push([`${mb} MB`, `${(lsp.indexedMs / 1000).toFixed(2)} s`,
    `${rssMb.toFixed(0)} MB${mb === 200 ? ` (<${TARGETS.rssMb} MB ${rssMb < TARGETS.rssMb ? 'PASS' : 'MISS'})` : ''}`,
    pair(lsp.change, TARGETS.changeP95), `${ms(percentile(lsp.shift, 50))} / ${ms(percentile(lsp.shift, 95))} (no target)`,
    pair(lsp.codeHover, TARGETS.hoverP95), pair(lsp.certHover, TARGETS.hoverP95)]);
}
table(['workspace', 'check (cold)', 'peak RSS', 'grep floor', 'ratio', 'target'], rows);
table(['workspace', 'server indexing', 'server RSS after indexing', 'didChange → diagnostics p50 / p95', 'edit moving all facts p50 / p95', 'hover on error code p50 / p95', 'hover on certificate p50 / p95'], lspRows);

// A long editing session (issue 19): memory after 10,000 edits within 20% of memory after the first 100.
const small = sizes.includes(5) ? 5 : sizes[0];
const smallDir = path.join(CACHE, `${small}mb-v${GENERATOR_VERSION}`);
const session = await measureEditMemory(SERVER, smallDir, JSON.parse(readFileSync(path.join(smallDir, '.bench.json'), 'utf8')).bigFile);
const growth = session.afterAllKb / session.after100Kb - 1;
table(['server memory over a session', 'RSS'], [
  [`after 100 edits (${small} MB workspace)`, `${(session.after100Kb / 1024).toFixed(0)} MB`],
  [`after ${session.edits.toLocaleString('en')} edits (${session.seconds.toFixed(0)} s)`, `${(session.afterAllKb / 1024).toFixed(0)} MB (${(growth * 100).toFixed(0)}%, ≤20% ${growth <= 0.2 ? 'PASS' : 'MISS'})`],
]);

const activationIn = async (folder) => best(await repeat(3, async () => {
  const a = await measureActivation(CLIENT, SERVER, folder);
  return { ...a, seconds: (a.loadMs + a.initializeMs) / 1000 };
}));
const activation = await activationIn(DEMO);
table(['activation (outside VS Code)', 'time'], [
  ['load dist/client.js', `${activation.loadMs.toFixed(0)} ms`],
  ['start dist/server.js until it answers initialize', `${activation.initializeMs.toFixed(0)} ms`],
  ['activation', `${(activation.seconds * 1000).toFixed(0)} ms (no target set)`],
]);

// Issue 20: where the extension activates at all. A folder no activation event matches costs nothing.
const plain = plainFolders();
try {
  const rows = [];
  for (const [label, folder] of [['demo project (ESP-IDF)', DEMO], ['plain CMake project', plain.cmake], ['plain CMake project with main/ (server silent)', plain.cmakeWithMain]]) {
    const event = activationEventFor(folder);
    const cost = event ? `${((await activationIn(folder)).seconds * 1000).toFixed(0)} ms` : '0 ms';
    rows.push([label, event ?? 'none: not activated', cost]);
  }
  table(['workspace', 'activation event', 'activation cost'], rows);
} finally {
  for (const dir of Object.values(plain)) rmSync(dir, { recursive: true, force: true });
}

const kb = (f) => statSync(path.join(REPO, 'dist', f)).size / 1024;
table(['bundle', 'size', 'target'], [
  ['dist/client.js', `${kb('client.js').toFixed(0)} KB`, `<100 KB ${kb('client.js') < 100 ? 'PASS' : 'MISS'}`],
  ['dist/server.js', `${(kb('server.js') / 1024).toFixed(2)} MB`, `<2 MB ${kb('server.js') < 2048 ? 'PASS' : 'MISS'}`],
]);

// Issue 21: the device's Mbed TLS as WebAssembly (scripts/bench/mbedtls.ts, run from the sources with tsx).
const device = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts/bench/mbedtls.ts')], { cwd: REPO, encoding: 'utf8' }));
table(['Mbed TLS module', 'size', 'load (compile + instantiate)', 'first parse', 'steady parse (median of 500)', 'target'], device.parse.map((p) => [
  `dist/mbedtls-${p.series}.wasm`, `${(p.bytes / 1024).toFixed(0)} KB`, `${p.loadMs.toFixed(1)} ms`, `${p.firstParseMs.toFixed(2)} ms`, `${(p.steadyParseMs * 1000).toFixed(1)} µs`,
  `<1 MB ${p.bytes < 1048576 ? 'PASS' : 'MISS'}`,
]));
table(['full handshake, RSA-2048 openssl s_server', 'Mbed TLS 3.6 module (median of 40)', 'openssl s_client (one process)', 'ratio', 'target', 'OpenSSL in-process (s_time -new)'], device.handshake.map((h) => [
  h.label, `${h.mbedtlsMs.toFixed(1)} ms`, `${h.sClientMs.toFixed(1)} ms`, `${(h.mbedtlsMs / h.sClientMs).toFixed(2)}x`,
  `≤1.5x ${h.mbedtlsMs / h.sClientMs <= 1.5 ? 'PASS' : 'MISS'}`, `${h.sTimeMs.toFixed(1)} ms (${(h.mbedtlsMs / h.sTimeMs).toFixed(1)}x)`,
]));

async function repeat(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

function best(runs) {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** Wall time and peak RSS (VmHWM, polled from /proc every 10 ms) of a command. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let peakKb = 0;
    let stderr = '';
    const poll = setInterval(() => { peakKb = Math.max(peakKb, hwm(child.pid)); }, 10);
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0 && code !== 1) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve({ seconds: (performance.now() - started) / 1000, peakKb });
    });
  });
}

function hwm(pid) {
  try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}

function escape(word) { return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** CPU model and memory, for the record of where the figures were taken. */
function machine() {
  try { return `${readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU'}, ${(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) / 1048576).toFixed(0)} GiB`; } catch { return process.platform; }
}

function table(head, body) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}`);
}
