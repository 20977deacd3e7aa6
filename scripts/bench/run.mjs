// `npm run bench`: speed and memory of the analysis against the I/O floor (issue 9). For each workspace
// size (generated once into .cache/bench/<MB>mb-v<generator version> by generate.mjs) it prints the cold `esp-tls-lens check`
// wall time and peak RSS next to `grep -rlE` of the prefilter's trigger words over the same tree, with
// the ratio and the target; then the sizes of the minified bundles. Both commands run once to warm the
// page cache first, so the ratio compares CPU work, not disk.
// Not measured yet (the rest of issue 9): LSP didChange→publishDiagnostics and hover latencies, server
// RSS after indexing, activation time.
//
//   npm run bench [-- --sizes 5,50,200]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATOR_VERSION, generate } from './generate.mjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(REPO, '.cache', 'bench');
const CLI = path.join(REPO, 'dist', 'cli.js');
// The words server/src/c/extract.ts's prefilter looks for, plus what marks sdkconfig and embeds.
const TRIGGERS = ['esp_tls_cfg_t', 'esp_http_client_config_t', 'esp_https_ota_config_t', 'esp_mqtt_client_config_t', 'esp_websocket_client_config_t', 'httpd_ssl_config_t',
  'esp_transport_ssl_', 'mbedtls_ssl_', 'esp_tls_', '_binary_', '-----BEGIN ', 'sntp_', 'settimeofday', 'esp_crt_bundle_attach', 'CONFIG_'];
const TARGET_RATIO = { 50: 5, 200: 3 };

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '5,50,200' } } });
const sizes = values.sizes.split(',').map(Number).filter((n) => n > 0);

console.log(`esp-tls-lens benchmark · ${new Date().toISOString()} · node ${process.version} · ${machine()}`);
console.log('building minified bundles (node esbuild.mjs --production) ...');
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO, stdio: 'ignore' });

const rows = [];
for (const mb of sizes) {
  const dir = path.join(CACHE, `${mb}mb-v${GENERATOR_VERSION}`);
  if (!existsSync(path.join(dir, 'sdkconfig'))) {
    const t = performance.now();
    const stats = await generate(dir, mb);
    console.log(`generated ${dir}: ${(stats.bytes / 1048576).toFixed(1)} MB, ${stats.cFiles} C files, ${stats.tlsConfigs} TLS configs, ${stats.pemLiterals} PEM literals, ${stats.certFiles} certificate files, ${stats.components} components (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  await run(process.execPath, [CLI, 'check', dir, '--format', 'json', '--fail-on', 'never']); // warm the page cache
  const check = await run(process.execPath, [CLI, 'check', dir, '--format', 'json', '--fail-on', 'never']);
  await run('grep', ['-rlE', TRIGGERS.map(escape).join('|'), dir]);
  const grep = await run('grep', ['-rlE', TRIGGERS.map(escape).join('|'), dir]);
  const ratio = check.seconds / grep.seconds;
  const target = TARGET_RATIO[mb];
  rows.push([`${mb} MB`, `${check.seconds.toFixed(2)} s`, `${(check.peakKb / 1024).toFixed(0)} MB`, `${grep.seconds.toFixed(3)} s`, `${ratio.toFixed(1)}x`, target ? `≤${target}x ${ratio <= target ? 'PASS' : 'MISS'}` : '(no target)']);
}
table(['workspace', 'check (cold)', 'peak RSS', 'grep floor', 'ratio', 'target'], rows);

const kb = (f) => statSync(path.join(REPO, 'dist', f)).size / 1024;
table(['bundle', 'size', 'target'], [
  ['dist/client.js', `${kb('client.js').toFixed(0)} KB`, `<100 KB ${kb('client.js') < 100 ? 'PASS' : 'MISS'}`],
  ['dist/server.js', `${(kb('server.js') / 1024).toFixed(2)} MB`, `<2 MB ${kb('server.js') < 2048 ? 'PASS' : 'MISS'}`],
]);
console.log('\nnot measured yet: LSP incremental diagnostics and hover latency, server RSS after indexing, activation time (issue 9 remains open)');

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
