// ESP-IDF projects on disk for the Check Server tests: sdkconfig.defaults (with the IDF version header),
// main/ with CMake and a client.c whose esp_tls_cfg_t the test writes, and the device profile read
// from them as the editor would. Every folder made here is removed by cleanup().
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Analyzer } from '../../server/src/analyzer';
import { checkLikeDevice, type DeviceCheck } from '../../server/src/net/deviceCheck';
import { deviceProfile, type DeviceProfile } from '../../server/src/net/deviceProfile';

export interface Project { dir: string; file: string; analyzer: Analyzer }

const dirs: string[] = [];
export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}



/** client.c: an esp_tls_cfg_t with `verification` among its fields; `externs` declares more embedded files. */
export const CLIENT = (verification: string, externs = '') => `#include <string.h>
#include "esp_tls.h"
#include "esp_crt_bundle.h"

extern const char root_pem_start[] asm("_binary_root_pem_start");
extern const char root_pem_end[] asm("_binary_root_pem_end");
${externs}
void connect_device(void)
{
    esp_tls_cfg_t cfg = {
        .timeout_ms = 5000,
        .common_name = "device.example.com",
${verification}    };
    esp_tls_t *tls = esp_tls_init();
    esp_tls_conn_new_sync("device.example.com", 18, 443, &cfg, tls);
}
`;

/** A project on disk: sdkconfig.defaults (with the IDF version header), main/ with CMake and client.c, optional files. */
export async function project(now: Date, sdkconfig: string, c: string, files: Record<string, string> = {}, idf = '5.5.1'): Promise<Project> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-device-'));
  dirs.push(dir);
  const write = (rel: string, text: string) => { mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); writeFileSync(path.join(dir, rel), text); };
  write('CMakeLists.txt', 'cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(device)\n');
  write('sdkconfig.defaults', `# Espressif IoT Development Framework (ESP-IDF) ${idf} Project Minimal Configuration\n${sdkconfig}`);
  write('main/CMakeLists.txt', files['main/CMakeLists.txt'] ?? 'idf_component_register(SRCS "client.c"\n                       INCLUDE_DIRS ".")\n');
  write('main/client.c', c);
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const analyzer = new Analyzer({ now: () => now, env: {} });
  await analyzer.index([dir]);
  return { dir, file: path.join(dir, 'main/client.c'), analyzer };
}

export async function profileOf(p: Project): Promise<DeviceProfile> {
  const found = p.analyzer.clientAt(p.file, { line: 10, character: 8 });
  assert.ok(found, 'no TLS client found in client.c');
  return deviceProfile(found.ctx, p.analyzer.projectOf(p.file)!, found.client, '127.0.0.1');
}

export async function check(now: Date, p: Project, port: number): Promise<DeviceCheck> {
  return checkLikeDevice(await profileOf(p), { host: '127.0.0.1', port, timeoutMs: 5000, now });
}

export const EMBED_ROOT = { 'main/CMakeLists.txt': 'idf_component_register(SRCS "client.c"\n                       INCLUDE_DIRS "."\n                       EMBED_TXTFILES "root.pem")\n' };
export const CA_FIELDS = '        .cacert_pem_buf = (const unsigned char *)root_pem_start,\n        .cacert_pem_bytes = root_pem_end - root_pem_start,\n';
