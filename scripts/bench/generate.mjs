// Generates a synthetic ESP-IDF workspace of about SIZE megabytes of source for the benchmark:
// one project (CMakeLists.txt, sdkconfig, sdkconfig.defaults) with N components under components/,
// each with C files of realistic shape (includes, statics, functions with loops, logging, state
// machines), headers and a CMakeLists.txt. At rates seen in real firmware trees: about 1 C file in 25
// holds a TLS client config (esp_tls_cfg_t or esp_http_client_config_t; a few verify nothing), 1 in
// 80 a PEM literal, 1 component in 8 embeds a certificate file (EMBED_TXTFILES), and one C file per
// workspace is 5,000 lines long (the file the LSP benchmark edits). Deterministic for a given seed.
//
//   node scripts/bench/generate.mjs OUT_DIR SIZE_MB [--seed N]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { prng } from './prng.mjs';

x509.cryptoProvider.set(webcrypto);


async function makeRoot(cn) {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: `CN=${cn}, O=Bench`, notBefore: new Date('2025-01-01'), notAfter: new Date('2045-01-01'), signingAlgorithm: alg, keys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return cert.toString('pem') + '\n';
}

/** Bumped whenever the output changes, so that workspaces cached by `npm run bench` are made again. */
export const GENERATOR_VERSION = 2;

const WORDS = ['sensor', 'motor', 'valve', 'relay', 'display', 'button', 'uart', 'spi', 'i2c', 'adc', 'pwm', 'timer', 'queue', 'event', 'power', 'battery', 'storage', 'config', 'update', 'status'];

export async function generate(out, sizeMb, seed = 1) {
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const target = sizeMb * 1024 * 1024;
  const pem = await makeRoot('Bench Root CA');
  const stats = { bytes: 0, files: 0, cFiles: 0, tlsConfigs: 0, pemLiterals: 0, certFiles: 0, components: 0, bigFile: '', pemFile: '' };
  const write = (rel, text) => {
    const file = path.join(out, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    stats.bytes += Buffer.byteLength(text);
    stats.files++;
  };

  write('CMakeLists.txt', 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(bench)\n');
  write('sdkconfig.defaults', '# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Minimal Configuration\nCONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_HAVE_TIME_DATE=y\nCONFIG_LWIP_SNTP_MAX_SERVERS=1\n');
  write('sdkconfig', sdkconfigText(rnd));

  let n = 0;
  while (stats.bytes < target) {
    const name = `${pick(WORDS)}_${n++}`;
    stats.components++;
    const files = [];
    const embed = rnd() < 1 / 8;
    const count = 4 + Math.floor(rnd() * 10);
    for (let i = 0; i < count && stats.bytes < target; i++) {
      const file = `${name}_${pick(WORDS)}_${i}.c`;
      const big = !stats.bigFile;
      const kind = big ? 'tls' : rnd() < 1 / 25 ? 'tls' : rnd() < 1 / 80 ? 'pem' : 'plain';
      const text = cFile(rnd, pick, name, i, kind, big ? 5000 : 150 + Math.floor(rnd() * 700), pem, embed && i === 0 ? name : undefined);
      write(`components/${name}/${file}`, text);
      if (big) stats.bigFile = `components/${name}/${file}`;
      if (kind === 'tls') stats.tlsConfigs++;
      if (kind === 'pem' && !stats.pemLiterals++) stats.pemFile = `components/${name}/${file}`;
      stats.cFiles++;
      files.push(file);
    }
    write(`components/${name}/include/${name}.h`, headerText(name, rnd));
    if (embed) { write(`components/${name}/certs/${name}_ca.pem`, pem); stats.certFiles++; }
    write(`components/${name}/CMakeLists.txt`, `idf_component_register(SRCS ${files.map((f) => `"${f}"`).join(' ')}\n                       INCLUDE_DIRS "include"\n                       REQUIRES esp-tls esp_http_client mqtt${embed ? `\n                       EMBED_TXTFILES "certs/${name}_ca.pem"` : ''})\n`);
  }
  return stats;
}

function sdkconfigText(rnd) {
  const lines = ['# Espressif IoT Development Framework (ESP-IDF) 5.3.1 Project Configuration', 'CONFIG_IDF_TARGET="esp32"', 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y', 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL=y', 'CONFIG_MBEDTLS_HAVE_TIME_DATE=y'];
  // A generated sdkconfig lists ~1,500 options; most are not TLS ones.
  for (let i = 0; i < 1500; i++) lines.push(rnd() < 0.4 ? `# CONFIG_BENCH_OPTION_${i} is not set` : `CONFIG_BENCH_OPTION_${i}=${rnd() < 0.5 ? 'y' : Math.floor(rnd() * 4096)}`);
  return lines.join('\n') + '\n';
}

function headerText(name, rnd) {
  const fns = Array.from({ length: 5 + Math.floor(rnd() * 10) }, (_, i) => `esp_err_t ${name}_op_${i}(int arg, void *ctx);`);
  return `#pragma once\n#include "esp_err.h"\n\ntypedef struct {\n    int id;\n    int state;\n    uint32_t flags;\n} ${name}_t;\n\n${fns.join('\n')}\n`;
}

function cFile(rnd, pick, component, index, kind, lines, pem, embedded) {
  const out = ['#include <stdio.h>', '#include <string.h>', '#include "freertos/FreeRTOS.h"', '#include "freertos/task.h"', '#include "esp_log.h"', `#include "${component}.h"`];
  if (kind === 'tls') out.push('#include "esp_tls.h"', '#include "esp_crt_bundle.h"', '#include "esp_http_client.h"');
  out.push('', `static const char *TAG = "${component}_${index}";`, `static int s_counter_${index};`, '');
  if (embedded) out.push(`extern const char ${embedded}_ca_pem_start[] asm("_binary_${embedded}_ca_pem_start");`, `extern const char ${embedded}_ca_pem_end[] asm("_binary_${embedded}_ca_pem_end");`, '');
  if (kind === 'pem') {
    out.push('static const char server_root_pem[] =');
    const body = pem.trimEnd().split('\n');
    body.forEach((l, i) => out.push(`    "${l}\\n"${i === body.length - 1 ? ';' : ''}`));
    out.push('');
  }
  let f = 0;
  while (out.length < lines) {
    const fn = `${component}_${pick(WORDS)}_${index}_${f++}`;
    if (kind === 'tls' && f === 2) out.push(...tlsFunction(rnd, fn, embedded));
    else out.push(...plainFunction(rnd, pick, fn));
    out.push('');
  }
  return out.join('\n') + '\n';
}

function plainFunction(rnd, pick, fn) {
  const body = [`esp_err_t ${fn}(int arg, void *ctx)`, '{', `    int value = arg * ${1 + Math.floor(rnd() * 9)};`, '    uint32_t mask = 0;'];
  const steps = 4 + Math.floor(rnd() * 12);
  for (let i = 0; i < steps; i++) {
    const r = rnd();
    if (r < 0.3) body.push(`    for (int i = 0; i < ${2 + Math.floor(rnd() * 30)}; i++) {`, `        value += i * ${Math.floor(rnd() * 100)};`, `        mask |= (1u << (i % 32));`, '    }');
    else if (r < 0.55) body.push(`    if (value > ${Math.floor(rnd() * 1000)}) {`, `        ESP_LOGW(TAG, "${pick(WORDS)} value %d above limit", value);`, `        value = ${Math.floor(rnd() * 100)};`, '    }');
    else if (r < 0.75) body.push(`    switch (value % ${3 + Math.floor(rnd() * 4)}) {`, '    case 0:', '        value++;', '        break;', '    default:', '        mask ^= 0x5a5a;', '        break;', '    }');
    else body.push(`    ESP_LOGI(TAG, "${pick(WORDS)} step ${i}: %d (mask 0x%08x)", value, (unsigned)mask);`, `    vTaskDelay(pdMS_TO_TICKS(${1 + Math.floor(rnd() * 50)}));`);
  }
  body.push('    return value >= 0 ? ESP_OK : ESP_FAIL;', '}');
  return body;
}

function tlsFunction(rnd, fn, embedded) {
  const r = rnd();
  const bundle = !embedded && r < 0.85; // the rest verify nothing: the findings a real tree has
  if (r < 0.5) {
    const trust = embedded
      ? [`        .cacert_pem_buf = (const unsigned char *)${embedded}_ca_pem_start,`, `        .cacert_pem_bytes = ${embedded}_ca_pem_end - ${embedded}_ca_pem_start,`]
      : bundle ? ['        .crt_bundle_attach = esp_crt_bundle_attach,'] : [];
    return [`void ${fn}(void *arg)`, '{', '    esp_tls_cfg_t cfg = {', ...trust, '        .timeout_ms = 10000,', '    };', '    esp_tls_t *tls = esp_tls_init();',
      '    if (esp_tls_conn_http_new_sync("https://api.example.com/v1/data", &cfg, tls) != 1) {', '        ESP_LOGE(TAG, "connection failed");', '    }', '    esp_tls_conn_destroy(tls);', '}'];
  }
  const trust = embedded ? [`        .cert_pem = ${embedded}_ca_pem_start,`] : bundle ? ['        .crt_bundle_attach = esp_crt_bundle_attach,'] : [];
  return [`void ${fn}(void *arg)`, '{', '    esp_http_client_config_t config = {', '        .url = "https://api.example.com/upload",', ...trust, '    };',
    '    esp_http_client_handle_t client = esp_http_client_init(&config);', '    esp_http_client_perform(client);', '    esp_http_client_cleanup(client);', '}'];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string', default: '1' } } });
  const [out, size] = positionals;
  if (!out || !size || !(Number(size) > 0)) { console.error('usage: node scripts/bench/generate.mjs OUT_DIR SIZE_MB [--seed N]'); process.exit(2); }
  const stats = await generate(path.resolve(out), Number(size), Number(values.seed));
  console.log(JSON.stringify(stats));
}
