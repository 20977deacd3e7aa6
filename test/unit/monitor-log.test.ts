// Issue 20: only ESP-IDF monitor output becomes "ESP-IDF Log" (server/src/logs/monitorLog.ts); other logs keep
// the editor's own Log language.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { looksLikeMonitorLog } from '../../server/src/logs/monitorLog';

const fixtures = path.resolve(__dirname, '../fixtures');
const read = (rel: string) => readFileSync(path.join(fixtures, rel), 'utf8');

describe('monitor log detection', () => {
  it('takes full monitor captures (ROM banner of the ESP32, of the S3)', () => {
    for (const f of readdirSync(path.join(fixtures, 'logs'))) assert.ok(looksLikeMonitorLog(read(`logs/${f}`)), f);
  });

  it('takes idf_monitor\'s header, and three log lines without a banner (a capture started late)', () => {
    assert.ok(looksLikeMonitorLog('--- idf_monitor on /dev/ttyUSB0 115200 ---\n--- Quit: Ctrl+] | Menu: Ctrl+T ---\n'));
    assert.ok(looksLikeMonitorLog('--- esp-idf-monitor 1.4.0 on /dev/ttyACM0 115200\n'));
    assert.ok(looksLikeMonitorLog('\x1b[0;32mI (325) wifi: mode : sta\x1b[0m\nI (1290) esp_netif_handlers: sta ip: 192.168.1.7\nE (5123) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n'));
  });

  it('takes most public failure reports in the replay set (excerpts of one or two lines may not say)', () => {
    const files = readdirSync(path.join(fixtures, 'replay')).filter((f) => f.endsWith('.log'));
    const taken = files.filter((f) => looksLikeMonitorLog(read(`replay/${f}`)));
    assert.ok(taken.length >= files.length * 0.7, `${taken.length} of ${files.length}`); // 24 of 30 today
  });

  it('leaves other programs\' logs alone', () => {
    const others = [
      '0 verbose cli /usr/bin/node /usr/bin/npm\n1 info using npm@10.8.2\n2 info using node@v20.20.2\n',
      '127.0.0.1 - - [03/Dec/2026:02:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"\n',
      'Dec  3 02:10:11 host systemd[1]: Started Session 3 of user root.\nDec  3 02:10:12 host kernel: [ 1.0] usb 1-1: new device\n',
      'INFO:root:starting\nWARNING:urllib3: retrying (1)\nERROR:app: failed\n',
      '2026-12-03 02:10:11.123 I (main) started\n',
      'E (12) only: one line that looks like ESP-IDF\n',
    ];
    for (const text of others) assert.equal(looksLikeMonitorLog(text), false, text);
  });
});
