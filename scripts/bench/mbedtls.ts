// The device's Mbed TLS in the editor (issue 21), measured: module sizes, the first call (compile,
// instantiate, first parse) and the steady parse time of a certificate, and full handshakes against a
// local `openssl s_server` next to OpenSSL's client on the same server: `openssl s_client` as a person
// runs it (one process, one handshake) and `openssl s_time -new` (OpenSSL's warm in-process handshake). Run by scripts/bench/run.mjs; prints one JSON object.
//   node --import tsx scripts/bench/mbedtls.ts
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mbedtls, modulePath } from '../../server/src/mbedtls/device/module';
import { deviceHandshake, type DeviceTls } from '../../server/src/net/deviceHandshake';

const SERIES = ['3.6', '2.28'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function parseTimes(series: (typeof SERIES)[number], der: Uint8Array) {
  const t0 = performance.now();
  const m = await Mbedtls.load(series);
  const loaded = performance.now();
  const parse = () => m.with((a) => {
    const crt = m.x.lens_crt_new();
    try { return m.x.lens_crt_parse_der(crt, a.bytes(der), der.length); } finally { m.x.lens_crt_free(crt); }
  });
  if (parse() !== 0) throw new Error(`Mbed TLS ${series} refused the benchmark certificate`);
  const first = performance.now();
  const steady: number[] = [];
  for (let i = 0; i < 500; i++) { const s = performance.now(); parse(); steady.push(performance.now() - s); }
  return { series, bytes: statSync(modulePath(series)).size, loadMs: loaded - t0, firstParseMs: first - loaded, steadyParseMs: median(steady) };
}

function sServer(dir: string, version: string): Promise<{ port: number; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', path.join(dir, 'cert.pem'), '-key', path.join(dir, 'key.pem'), version, '-www'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ACCEPT\s+\S*:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`openssl s_server exited with ${code}`)));
  });
}

/** `openssl s_client` as a person runs it: one process, one handshake (median wall time of `n`). */
function sClient(port: number, version: string, n: number): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, version, '-servername', 'localhost'], { input: '', stdio: ['pipe', 'ignore', 'ignore'] });
    times.push(performance.now() - t);
  }
  return median(times);
}

/** OpenSSL's own client, handshakes per second without session reuse, over `seconds`. */
function sTime(port: number, version: string, seconds: number): number {
  const out = execFileSync('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(seconds), version], { encoding: 'utf8' });
  const m = /(\d+) connections in (\d+) real seconds/.exec(out);
  if (!m) throw new Error(`openssl s_time printed no figure:\n${out}`);
  return (Number(m[2]) * 1000) / Number(m[1]);
}

async function handshakes(port: number, tls13: boolean, n: number): Promise<number> {
  const cfg: DeviceTls = {
    series: '3.6', minVersion: tls13 ? 0x0304 : 0x0303, maxVersion: tls13 ? 0x0304 : 0x0303,
    suites: tls13 ? [0x1301, 0x1302] : [0xc02f, 0xc030], groups: [0x001d, 0x0017], sigAlgs: [0x0804, 0x0401, 0x0403],
    curvesOff: 0, inContentLen: 16384, checkDates: false, trust: { kind: 'none' }, authmode: 0, bundleFatal: false, hostname: 'localhost',
  };
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await deviceHandshake(cfg, { host: '127.0.0.1', port, timeoutMs: 5000, now: new Date() });
    if (r.code !== 0) throw new Error(`handshake failed: ${r.code}`);
    times.push(r.ms);
  }
  return median(times);
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-bench-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-days', '30'], { stdio: 'ignore' });
    const der = Buffer.from(readFileSync(path.join(dir, 'cert.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const parse = [];
    for (const s of SERIES) parse.push(await parseTimes(s, der));
    const handshake = [];
    for (const [label, flag, tls13] of [['TLS 1.2', '-tls1_2', false], ['TLS 1.3', '-tls1_3', true]] as const) {
      const server = await sServer(dir, flag);
      try {
        const ours = await handshakes(server.port, tls13, 40);
        handshake.push({ label, mbedtlsMs: ours, sClientMs: sClient(server.port, flag, 20), sTimeMs: sTime(server.port, flag, 2) });
      } finally { server.stop(); }
    }
    console.log(JSON.stringify({ parse, handshake }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
