// Runs the bundled dist/cli.js `chain` against local TLS servers (build first: node esbuild.mjs).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeChain, makeSameNameLoop, type Chain } from '../support/certs';
import { cliPath, runCli } from '../support/cli';
import { closeAll, listen, tlsServer } from '../support/servers';

const cli = cliPath;
const NOW = '2026-03-01T00:00:00Z';
const run = (args: string[]) => runCli(args, { timeout: 15_000 });

let c: Chain;
let port: number;
let port6: number | undefined;
let dir: string;

describe('esp-tls-lens chain', { timeout: 60_000 }, () => {
  before(async () => {
    assert.ok(existsSync(cli), 'dist/cli.js is missing: run `node esbuild.mjs` first');
    c = await makeChain({ now: new Date(NOW), leaf: { ip: ['127.0.0.1', '::1'] } });
    const make = () => tlsServer(c.serverChainPem, c.leafKeyPem);
    port = await listen(make());
    port6 = await listen(make(), '::1').catch(() => undefined);
    dir = mkdtempSync(path.join(os.tmpdir(), 'chain-cli-'));
  });

  after(async () => {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the JSON contract, chain exactly as sent; exit 1 for a private root', async () => {
    const r = await run(['chain', `127.0.0.1:${port}`, '--json', '--now', NOW, '--timeout', '3000']);
    assert.equal(r.code, 1, r.stderr);
    const o = JSON.parse(r.stdout);
    for (const k of ['host', 'port', 'servername', 'protocol', 'presented', 'anchor', 'problems']) assert.ok(k in o, k);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.port, port);
    assert.equal(o.servername, null);
    assert.equal(o.protocol, 'TLSv1.2');
    assert.deepEqual(o.presented.map((p: { pem: string }) => p.pem), [c.leaf.pem, c.intermediate.pem].map((p) => p.trim() + '\n'));
    for (const p of o.presented) for (const k of ['pem', 'subject', 'issuer', 'notBefore', 'notAfter', 'sha256']) assert.equal(typeof p[k], 'string', k);
    assert.equal(o.presented[0].subject, 'CN=device.example.com, O=ESP TLS Lens Tests, C=US');
    assert.equal(o.anchor, null);
    assert.ok(o.problems.some((p: { id: string }) => p.id === 'untrusted-root'));
    for (const p of o.problems) { assert.equal(typeof p.id, 'string'); assert.equal(typeof p.message, 'string'); }
  });

  it('exit 0 with --ca, saves chain and root, never overwrites', async () => {
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, c.root.pem);
    const chainFile = path.join(dir, 'chain.pem');
    const rootFile = path.join(dir, 'root.pem');
    const r = await run(['chain', `127.0.0.1:${port}`, '--ca', ca, '--now', NOW, '--save-chain', chainFile, '--save-root', rootFile]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /anchor: .*Test Root CA.*\(extra\)/);
    assert.equal(readFileSync(chainFile, 'utf8').replace(/\s+/g, ''), (c.leaf.pem + c.intermediate.pem).replace(/\s+/g, ''));
    assert.equal(readFileSync(rootFile, 'utf8').replace(/\s+/g, ''), c.root.pem.replace(/\s+/g, ''));
    const again = await run(['chain', `127.0.0.1:${port}`, '--save-chain', chainFile]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
  });

  it('parses [::1]:PORT', async (t) => {
    if (port6 === undefined) { t.skip('no ::1'); return; }
    const r = await run(['chain', `[::1]:${port6}`, '--json', '--now', NOW, '--timeout', '3000']);
    const o = JSON.parse(r.stdout);
    assert.equal(o.host, '::1');
    assert.equal(o.port, port6);
    assert.equal(o.presented.length, 2);
    assert.ok(!o.problems.some((p: { id: string }) => p.id === 'hostname-mismatch'));
  });

  it('a hostile server with 400 certificates of one name: answered within --timeout, only the first 32 examined (issue 19)', async () => {
    const loop = await makeSameNameLoop(new Date(NOW), 400);
    const hostile = await listen(tlsServer(loop.serverChainPem, loop.leafKeyPem));
    const t0 = Date.now();
    const r = await run(['chain', `127.0.0.1:${hostile}`, '--json', '--now', NOW, '--timeout', '3000']);
    const ms = Date.now() - t0;
    assert.ok(ms < 3000 + 2000, `took ${ms} ms past a 3000 ms timeout`);
    assert.ok(r.code === 1 || r.code === 2, r.stderr);
    if (r.code === 1) {
      const o = JSON.parse(r.stdout) as { presented: unknown[]; problems: { id: string; message: string }[] };
      assert.equal(o.presented.length, 32, 'the ones examined');
      assert.ok(o.problems.some((p) => p.id === 'chain-too-long' && /sent 401 certificates; only the first 32 were examined/.test(p.message)), JSON.stringify(o.problems));
    } else {
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('exit 2 with a one-line reason for network errors and bad arguments', async () => {
    const closed = await listen(net.createServer((s) => s.end('SSH-2.0-OpenSSH\r\n')));
    const r = await run(['chain', `127.0.0.1:${closed}`, '--timeout', '3000']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /did not answer with TLS/);
    const bad = await run(['chain', 'host:99999']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /port/);
  });
});
