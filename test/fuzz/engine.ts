// The fuzzer (issue 19): mutations of real-shaped inputs (the test fixtures, and a few seeds of our own for
// the kinds the fixtures lack) fed to every reader the analysis has: C and C++ extraction with the rules
// over its facts, CMake, sdkconfig with the rules over the configuration, Kconfig, PEM/DER, monitor logs.
// An exception other than "too complex" is a crash; an input that takes over SLOW_MS is slow. Deterministic
// for a given seed, so a failure is replayed exactly; crashes are saved as regression fixtures.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { analyseFile, type Outcome } from '../../server/src/fileFacts';
import { findLogEvidence } from '../../server/src/logs/evidence';
import { findTlsLogLines } from '../../server/src/logs/tlsLines';
import { extractCMake } from '../../server/src/project/embeds';
import { parseKconfig } from '../../server/src/project/kconfig/parse';
import { explainLogExcerpt } from '../../server/src/rules/logTlsFailure';
import { runRules } from '../../server/src/rules/index';
import type { FileFacts } from '../../server/src/rules/context';
import { mergeSdkconfig, parseSdkconfig } from '../../server/src/sdkconfig/parse';
import { extractCertFile } from '../../server/src/x509/certFile';
import { contextOf, fakeProject } from '../support/analyse';
import { prng } from '../../scripts/bench/prng.mjs';

export { prng };

export type Kind = 'c' | 'cpp' | 'cmake' | 'sdkconfig' | 'kconfig' | 'pem' | 'der' | 'log';
export const EXTENSION: Record<Kind, string> = { c: 'c', cpp: 'cpp', cmake: 'txt', sdkconfig: 'sdkconfig', kconfig: 'kconfig', pem: 'pem', der: 'der', log: 'log' };
export const SLOW_MS = 1000;

const repo = path.resolve(__dirname, '../..');

/** Seeds of our own, in the shapes the field test met, for kinds the fixtures hold few of. */
const OWN_SEEDS: Partial<Record<Kind, string[]>> = {
  cmake: [
    'cmake_minimum_required(VERSION 3.16)\nset(EXTRA_COMPONENT_DIRS ../common)\nset(SDKCONFIG_DEFAULTS "sdkconfig.defaults;sdkconfig.prod")\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(app)\n',
    'set(srcs "app.c")\nif(CONFIG_APP_TLS)\n  list(APPEND srcs "tls.c")\nendif()\nidf_component_register(SRCS ${srcs} INCLUDE_DIRS "." EMBED_TXTFILES certs/ca.pem EMBED_FILES "certs/key.der")\ntarget_add_binary_data(${COMPONENT_TARGET} "certs/root.pem" TEXT)\n',
    'file(GLOB_RECURSE SOURCES src/*.c)\nforeach(f ${SOURCES})\n  message(STATUS "${f}")\nendforeach()\nidf_component_register(SRCS ${SOURCES} REQUIRES esp-tls mqtt PRIV_REQUIRES "esp_http_client")\n',
  ],
  sdkconfig: [
    '# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Configuration\nCONFIG_IDF_TARGET="esp32c3"\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN=y\n# CONFIG_MBEDTLS_HAVE_TIME_DATE is not set\nCONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y\nCONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=4096\nCONFIG_ESP_TLS_INSECURE=y\nCONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y\n',
    'CONFIG_MBEDTLS_TLS_CLIENT_ONLY=y\n# CONFIG_MBEDTLS_ECP_C is not set\n# CONFIG_MBEDTLS_ECDHE_C is not set\nCONFIG_MBEDTLS_SSL_PROTO_TLS1_3=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs"\n',
  ],
  kconfig: [
    'menu "App"\n  config APP_TLS\n    bool "Use TLS"\n    default y\n    depends on MBEDTLS_TLS_ENABLED && !APP_PLAIN\n  choice APP_CA\n    prompt "CA"\n    default APP_CA_BUNDLE\n    config APP_CA_BUNDLE\n      bool "bundle"\n    config APP_CA_PEM\n      bool "pem"\n  endchoice\n  config APP_URL\n    string "URL"\n    default "https://example.com"\nendmenu\nrsource "Kconfig.extra"\n',
  ],
};

const KIND_OF: [RegExp, Kind][] = [
  [/\.(c|h)$/, 'c'], [/\.(cpp|cc|ino|hpp)$/, 'cpp'], [/CMakeLists\.txt$/, 'cmake'], [/sdkconfig[^/]*$/, 'sdkconfig'],
  [/Kconfig[^/]*$/, 'kconfig'], [/\.(pem|crt)$/, 'pem'], [/\.der$/, 'der'], [/\.log$/, 'log'],
];

/** Every seed by kind: the fixtures' files, then our own. */
export function loadSeeds(): Record<Kind, Buffer[]> {
  const out = Object.fromEntries(Object.keys(EXTENSION).map((k) => [k, [] as Buffer[]])) as unknown as Record<Kind, Buffer[]>;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) { if (name !== 'crashes') walk(p); continue; }
      const kind = KIND_OF.find(([re]) => re.test(p))?.[1];
      if (kind && statSync(p).size < 512 * 1024) out[kind].push(readFileSync(p));
    }
  };
  walk(path.join(repo, 'test/fixtures'));
  walk(path.join(repo, 'test/data/bundle/input'));
  for (const [k, list] of Object.entries(OWN_SEEDS)) out[k as Kind].push(...list!.map((t) => Buffer.from(t)));
  return out;
}

const TOKENS = ['{', '}', '(', ')', '[', ']', '"', '\'', '\\', '\\"', '*', '/*', '*/', '//', '#if CONFIG_X\n', '#endif\n', '#define X ', '\n', '\r\n', '\0', ';', ',', '=',
  '-----BEGIN CERTIFICATE-----\n', '-----END CERTIFICATE-----\n', 'MIIB', '.crt_bundle_attach = ', '.cacert_pem_buf = ', '.skip_cert_common_name_check = true', 'esp_tls_cfg_t cfg = {',
  '${', '$ENV{', ')\n', 'set(', 'if(', 'CONFIG_', '=y\n', ' is not set\n', 'depends on ', 'choice', 'endchoice', 'E (1234) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n',
  'https://', 'ws://', ':1883', '\x1b[0;31m', '-0x', '0xffffff73', 'verification info:   ! ', 'issuer name       : CN='];

/** Structural shapes that once defeated the analysis, at random sizes. */
function structural(r: () => number): string {
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  const shapes = [
    () => '('.repeat(n(200, 3000)) + '1' + ')'.repeat(n(0, 3000)),
    () => '{ .a = '.repeat(n(200, 3000)) + '1' + ' }'.repeat(n(0, 3000)),
    () => '1' + ' + 1'.repeat(n(1000, 8000)),
    () => '#if CONFIG_X\n'.repeat(n(50, 3000)) + '#endif\n'.repeat(n(0, 3000)),
    () => ' '.repeat(n(10000, 100000)) + 'x',
    () => 'w'.repeat(n(10000, 100000)),
    () => '\\"'.repeat(n(5000, 50000)),
    () => '*'.repeat(n(1000, 50000)),
    () => '{ x = 1;\n'.repeat(n(100, 1500)),
  ];
  return shapes[Math.floor(r() * shapes.length)]();
}

/** One mutation of `input` (sometimes spliced with `other`), at most ~300 KB. */
export function mutate(input: Buffer, other: Buffer, r: () => number): Buffer {
  let b = Buffer.from(input);
  const at = () => Math.floor(r() * (b.length + 1));
  const rounds = 1 + Math.floor(r() * 4);
  for (let i = 0; i < rounds; i++) {
    const op = Math.floor(r() * 8);
    if (op === 0 && b.length) { const p = at() % b.length; b[p] = Math.floor(r() * 256); }
    else if (op === 1) { const p = at(); b = Buffer.concat([b.subarray(0, p), Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)]), b.subarray(p)]); }
    else if (op === 2) { const p = at(); const q = Math.min(b.length, p + Math.floor(r() * 200)); b = Buffer.concat([b.subarray(0, p), b.subarray(q)]); }
    else if (op === 3) { const p = at(); const q = Math.min(b.length, p + Math.floor(r() * 100)); const piece = b.subarray(p, q); b = Buffer.concat([b.subarray(0, q), ...Array(Math.floor(r() * 50)).fill(piece), b.subarray(q)]); }
    else if (op === 4) { const p = at(); b = Buffer.concat([b.subarray(0, p), other.subarray(Math.floor(r() * other.length))]); }
    else if (op === 5) b = b.subarray(0, at());
    else if (op === 6) { const p = at(); b = Buffer.concat([b.subarray(0, p), Buffer.from(structural(r)), b.subarray(p)]); }
    else { const p = at(); b = Buffer.concat([b.subarray(0, p), Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)].repeat(1 + Math.floor(r() * 2000))), b.subarray(p)]); }
  }
  return b.length > 300 * 1024 ? b.subarray(0, 300 * 1024) : b;
}

const ctxFile = (kind: Kind) => `/work/fuzz/main/input.${kind === 'cmake' ? 'txt' : EXTENSION[kind]}`;

/** Runs one input through the readers of its kind (and the rules over what they found); throws on a crash. */
export async function runInput(kind: Kind, input: Buffer): Promise<void> {
  const text = input.toString('utf8');
  if (kind === 'c' || kind === 'cpp' || kind === 'log') {
    const file = ctxFile(kind);
    const outcome = await analyseFile(kind === 'log' ? '/work/fuzz/monitor.log' : file, { text, maxBytes: 4 << 20, known: () => false });
    if (outcome.kind === 'skipped' && /^analysis failed/.test(outcome.reason)) throw new Error(outcome.reason);
    const facts = factsOf(file, outcome);
    if (facts) runRules(contextOf([facts], fakeProject({ CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'y' })));
    if (kind === 'log') { findTlsLogLines(text); findLogEvidence(text); explainLogExcerpt(contextOf([]), text); }
  } else if (kind === 'cmake') {
    const facts = extractCMake('/work/fuzz/main/CMakeLists.txt', text);
    runRules(contextOf([{ file: '/work/fuzz/main/CMakeLists.txt', hash: 'f', cmake: facts }]));
  } else if (kind === 'sdkconfig') {
    parseSdkconfig(text, 'sdkconfig');
    const merged = mergeSdkconfig([{ file: '/work/fuzz/sdkconfig', text }]);
    runRules(contextOf([], fakeProject(Object.fromEntries([...merged].map(([k, e]) => [k, e.value])))));
  } else if (kind === 'kconfig') {
    parseKconfig(text);
  } else {
    const facts = await extractCertFile(input);
    runRules(contextOf([{ file: `/work/fuzz/input.${EXTENSION[kind]}`, hash: 'p', certFile: facts }]));
  }
}

function factsOf(file: string, o: Outcome): FileFacts | undefined {
  return o.kind === 'facts' && o.facts ? { file, hash: o.hash, ...o.facts } : undefined;
}

export interface FuzzFinding { kind: Kind; input: Buffer; error?: string; ms: number }
export interface FuzzReport { inputs: number; seconds: number; crashes: FuzzFinding[]; slow: FuzzFinding[]; worst?: FuzzFinding; peakRssMb: number; perKind: Record<string, number> }

/** `count` mutated inputs from `seed`; `onInput` sees each result as it comes (progress, saving crashes). */
export async function fuzz(count: number, seed: number, onInput?: (f: FuzzFinding, i: number) => void): Promise<FuzzReport> {
  const seeds = loadSeeds();
  const kinds = (Object.keys(seeds) as Kind[]).filter((k) => seeds[k].length);
  const r = prng(seed);
  const report: FuzzReport = { inputs: 0, seconds: 0, crashes: [], slow: [], peakRssMb: 0, perKind: {} };
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(r() * kinds.length)];
    const pick = () => seeds[kind][Math.floor(r() * seeds[kind].length)];
    const input = mutate(pick(), pick(), r);
    const start = performance.now();
    let error: string | undefined;
    try { await runInput(kind, input); } catch (e) { error = e instanceof Error ? `${e.name}: ${e.message}` : String(e); }
    const found: FuzzFinding = { kind, input, error, ms: performance.now() - start };
    report.inputs++;
    report.perKind[kind] = (report.perKind[kind] ?? 0) + 1;
    if (error) report.crashes.push(found);
    if (found.ms > SLOW_MS) report.slow.push(found);
    if (!report.worst || found.ms > report.worst.ms) report.worst = found;
    if (i % 50 === 0) report.peakRssMb = Math.max(report.peakRssMb, process.memoryUsage().rss / 2 ** 20);
    onInput?.(found, i);
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}

/** A stable name for a saved input. */
export const inputName = (f: FuzzFinding) => `${f.kind}-${createHash('sha1').update(f.input).digest('hex').slice(0, 12)}.${EXTENSION[f.kind]}`;
