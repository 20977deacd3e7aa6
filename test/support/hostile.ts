// Hostile inputs (issue 19): each one a file shape that once crashed, hung or slowed the analysis, built
// inside an otherwise normal minimal ESP-IDF project. Shared by the CLI test and the fuzzer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk\n-----END CERTIFICATE-----\n';

/** A small, sound project: one https client with the bundle, an sdkconfig.defaults, the two CMakeLists. */
export function writeProject(dir: string): void {
  mkdirSync(path.join(dir, 'main'), { recursive: true });
  writeFileSync(path.join(dir, 'CMakeLists.txt'), 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(hostile)\n');
  writeFileSync(path.join(dir, 'main/CMakeLists.txt'), 'idf_component_register(SRC_DIRS "." INCLUDE_DIRS ".")\n');
  writeFileSync(path.join(dir, 'main/app.c'), [
    '#include "esp_http_client.h"',
    '#include "esp_crt_bundle.h"',
    'void app_main(void) {',
    '    esp_http_client_config_t cfg = { .url = "https://api.example.com", .crt_bundle_attach = esp_crt_bundle_attach };',
    '    esp_http_client_init(&cfg);',
    '}',
    '',
  ].join('\n'));
  writeFileSync(path.join(dir, 'sdkconfig.defaults'), 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y\n');
}

export interface HostileCase {
  name: string;
  /** Writes the hostile file(s) into the project at `dir`. */
  make(dir: string): void;
  /** Needs a POSIX system (FIFOs, /dev/zero). */
  posix?: boolean;
  /** The note the check prints on stderr for the refused file (undefined: the file is read normally). */
  note?: RegExp;
}

const w = (dir: string, file: string, text: string) => writeFileSync(path.join(dir, file), text);

export const HOSTILE: HostileCase[] = [
  { name: 'a TLS config with a PEM literal and a 6,000-term expression', note: /deep_expr\.c: too complex to analyse: an expression of 6002 operators/, make: (d) => w(d, 'main/deep_expr.c',
    `esp_tls_cfg_t cfg = { .cacert_buf = (const unsigned char *)"${PEM.replace(/\n/g, '\\n')}", .cacert_bytes = 1${' + 1'.repeat(6000)} };\n`) },
  { name: 'deeply nested designated initializers', note: /deep_init\.c: too complex to analyse: brackets nested 3000 deep/, make: (d) => w(d, 'main/deep_init.c',
    `esp_tls_cfg_t cfg = ${'{ .a = '.repeat(3000)}1${' }'.repeat(3000)};\n`) },
  { name: '#if nested 10,000 deep', note: /deep_if\.c: too complex to analyse: #if blocks nested 10000 deep/, make: (d) => w(d, 'main/deep_if.c',
    `${'#if CONFIG_X\n'.repeat(10000)}esp_tls_cfg_t cfg = { .skip_common_name = true };\n${'#endif\n'.repeat(10000)}`) },
  { name: '1,000 nested blocks with assignments', note: /deep_blocks\.c: too complex to analyse: brackets nested 1001 deep/, make: (d) => w(d, 'main/deep_blocks.c',
    `void f(void) { esp_tls_cfg_t cfg = {0};\n${'{ cfg.skip_common_name = true;\n'.repeat(1000)}${'}\n'.repeat(1000)}}\n`) },
  { name: 'an unclosed function with many *', note: /stars\.c: too complex to analyse: an expression of 100000 operators/, make: (d) => w(d, 'main/stars.c', `void f(void) { esp_tls_cfg_t cfg; ${'*'.repeat(100000)}\n`) },
  { name: 'top-level text that cuts into many pieces (300 KB)', make: (d) => w(d, 'main/pieces.c',
    `${'esp_tls_cfg_t x; } ) ; { ( '.repeat(12000)}\n`) },
  { name: 'sdkconfig.defaults with 100 KB of trailing spaces on a line', make: (d) => w(d, 'sdkconfig.defaults', `CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y${' '.repeat(100000)}x\n`) },
  { name: 'sdkconfig.defaults with a 100 KB option name', make: (d) => w(d, 'sdkconfig.defaults', `CONFIG_${'A'.repeat(100000)}=y\n`) },
  { name: 'CMakeLists.txt with many escaped quotes (120 KB)', make: (d) => w(d, 'main/CMakeLists.txt', `idf_component_register(SRCS "app.c" "${'\\"'.repeat(60000)}\n`) },
  { name: 'CMakeLists.txt with an unclosed set( (500 KB)', make: (d) => w(d, 'main/CMakeLists.txt', `idf_component_register(SRCS "app.c")\nset(X ${'a '.repeat(250000)}\n`) },
  { name: 'a 100,000-character word in main/CMakeLists.txt, inside a comment', make: (d) => w(d, 'main/CMakeLists.txt', `# ${'w'.repeat(100000)}\nidf_component_register(SRCS "app.c")\n`) },
  { name: 'a 50 MB .gitignore', note: /\.gitignore: file is 50\.1 MB, over the 256\.0 KB limit \(the limit for a \.gitignore\)/, make: (d) => w(d, '.gitignore', `${'build/\n'.repeat(7_500_000)}`) },
  { name: 'sdkconfig that is a FIFO', note: /sdkconfig: not a regular file \(a FIFO\): not read/, posix: true, make: (d) => execFileSync('mkfifo', [path.join(d, 'sdkconfig')]) },
  { name: '.gitignore that is a FIFO', note: /\.gitignore: not a regular file \(a FIFO\): not read/, posix: true, make: (d) => execFileSync('mkfifo', [path.join(d, '.gitignore')]) },
  { name: 'a C file that is a FIFO', note: /fifo\.c: not a regular file \(a FIFO, socket or device\): not read/, posix: true, make: (d) => execFileSync('mkfifo', [path.join(d, 'main/fifo.c')]) },
  { name: 'sdkconfig a symlink to /dev/zero', note: /sdkconfig: outside the workspace: not read/, posix: true, make: (d) => symlinkSync('/dev/zero', path.join(d, 'sdkconfig')) },
  { name: 'set(SDKCONFIG_DEFAULTS /dev/zero)', note: /dev\/zero: outside the workspace: not read/, posix: true, make: (d) => w(d, 'CMakeLists.txt',
    'cmake_minimum_required(VERSION 3.16)\nset(SDKCONFIG_DEFAULTS /dev/zero)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(hostile)\n') },
  { name: 'set(SDKCONFIG /etc/passwd): a file outside the workspace', note: /etc\/passwd: outside the workspace: not read/, posix: true, make: (d) => w(d, 'CMakeLists.txt',
    'cmake_minimum_required(VERSION 3.16)\nset(SDKCONFIG /etc/passwd)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(hostile)\n') },
];
