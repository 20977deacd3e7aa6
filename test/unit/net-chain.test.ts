// fetchChain against local servers (loopback only) and analyzeChain on generated chains.
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { analyzeChain, dnsMatches } from '../../server/src/net/analyzeChain';
import { FetchChainError, fetchChain, type FetchedChain, ServerFlightParser } from '../../server/src/net/fetchChain';
import { makeChain, makeSelfSigned, type Chain, type GeneratedCert } from '../support/certs';
import { closeAll, listen, tlsServer } from '../support/servers';

const NOW = new Date('2026-03-01T00:00:00Z');


const pems = (certs: GeneratedCert[]) => certs.map((c) => c.pem).join('');

function ders(chain: FetchedChain): Buffer[] {
  return chain.presented.map((d) => Buffer.from(d));
}

function expectDers(chain: FetchedChain, certs: GeneratedCert[]): void {
  assert.equal(chain.presented.length, certs.length);
  ders(chain).forEach((d, i) => assert.ok(d.equals(Buffer.from(certs[i].der)), `certificate #${i + 1} differs`));
}

let ipv6 = false;
let c: Chain;
let other: Chain;
let unrelated: GeneratedCert;

before(async () => {
  c = await makeChain({ now: NOW, leaf: { dns: ['device.example.com', '*.wild.example.com'], ip: ['127.0.0.1', '::1'] } });
  other = await makeChain({ now: NOW, leaf: { cn: 'other.example.com', dns: ['other.example.com'], serial: '33' } });
  unrelated = await makeSelfSigned(NOW, { cn: 'Unrelated CA' });
  ipv6 = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
});

after(async () => {
  await closeAll();
});

describe('fetchChain (raw TLS 1.2)', { timeout: 20_000 }, () => {
  it('returns leaf + intermediate byte for byte', async () => {
    const port = await listen(tlsServer(pems([c.leaf, c.intermediate]), c.leafKeyPem));
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 });
    assert.equal(got.protocol, 'TLSv1.2');
    assert.equal(got.exactAsSent, true);
    assert.equal(got.servername, null, 'no SNI for an IP host');
    expectDers(got, [c.leaf, c.intermediate]);
  });

  it('keeps the exact order, unrelated certificate included', async () => {
    const port = await listen(tlsServer(pems([c.leaf, unrelated, c.intermediate]), c.leafKeyPem));
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 });
    expectDers(got, [c.leaf, unrelated, c.intermediate]);
    const report = await analyzeChain(got, { now: NOW });
    assert.ok(report.problems.some((p) => p.id === 'chain-order' && /not part/.test(p.message)), JSON.stringify(report.problems));
  });

  it('leaf only, and leaf + intermediate + root', async () => {
    const p1 = await listen(tlsServer(pems([c.leaf]), c.leafKeyPem));
    expectDers(await fetchChain({ host: '127.0.0.1', port: p1, timeoutMs: 3000 }), [c.leaf]);
    const p2 = await listen(tlsServer(pems([c.leaf, c.intermediate, c.root]), c.leafKeyPem));
    expectDers(await fetchChain({ host: '127.0.0.1', port: p2, timeoutMs: 3000 }), [c.leaf, c.intermediate, c.root]);
  });

  it('works over IPv6 (::1) when available', async (t) => {
    if (!ipv6) { t.skip('no ::1 on this machine'); return; }
    const port = await listen(tlsServer(pems([c.leaf, c.intermediate]), c.leafKeyPem), '::1');
    expectDers(await fetchChain({ host: '::1', port, timeoutMs: 3000 }), [c.leaf, c.intermediate]);
  });

  it('sends SNI: the server picks the certificate by servername', async () => {
    const seen: string[] = [];
    const ctxA = tls.createSecureContext({ key: c.leafKeyPem, cert: c.serverChainPem });
    const ctxB = tls.createSecureContext({ key: other.leafKeyPem, cert: other.serverChainPem });
    const server = tlsServer(pems([c.leaf, c.intermediate]), c.leafKeyPem, {
      SNICallback: (name, cb) => { seen.push(name); cb(null, name === 'other.example.com' ? ctxB : ctxA); },
    });
    const port = await listen(server);
    const b = await fetchChain({ host: '127.0.0.1', port, servername: 'other.example.com', timeoutMs: 3000 });
    assert.equal(b.servername, 'other.example.com');
    expectDers(b, [other.leaf, other.intermediate]);
    const a = await fetchChain({ host: '127.0.0.1', port, servername: 'device.example.com', timeoutMs: 3000 });
    expectDers(a, [c.leaf, c.intermediate]);
    const none = await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 });
    expectDers(none, [c.leaf, c.intermediate]);
    assert.deepEqual(seen, ['other.example.com', 'device.example.com'], 'an IP host sends no SNI');
  });

  it('reads a TLS 1.3-only server\'s chain as sent, with the Mbed TLS module\'s handshake', async () => {
    const port = await listen(tlsServer(pems([c.leaf, c.intermediate]), c.leafKeyPem, { minVersion: 'TLSv1.3' }));
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 });
    assert.equal(got.protocol, 'TLSv1.3');
    assert.equal(got.exactAsSent, true);
    assert.deepEqual(got.problems.map((p) => p.id), ['tls13-only']);
    expectDers(got, [c.leaf, c.intermediate]);
  });

  it('falls back to node:tls when Mbed TLS cannot read a TLS 1.3 server (an Ed25519 certificate) and says so', async () => {
    const ed = await makeChain({ now: NOW, key: 'ed25519' });
    const port = await listen(tlsServer(pems([ed.leaf, ed.intermediate]), ed.leafKeyPem, { minVersion: 'TLSv1.3' }));
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 });
    assert.equal(got.protocol, 'TLSv1.3');
    assert.equal(got.exactAsSent, false);
    assert.ok(got.problems.some((p) => p.id === 'not-as-sent' && /Mbed TLS could not read them.*what Node reports/.test(p.message)), JSON.stringify(got.problems));
    expectDers(got, [ed.leaf, ed.intermediate]);
  });

  it('reports a non-TLS reply clearly', async () => {
    const server = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const port = await listen(server);
    await assert.rejects(fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 }), (e: unknown) => {
      assert.ok(e instanceof FetchChainError);
      assert.equal(e.code, 'not-tls');
      assert.match(e.message, /did not answer with TLS.*HTTP\/1\.1 400/);
      return true;
    });
  });

  it('times out on a server that never answers', async () => {
    const server = net.createServer(() => undefined);
    const port = await listen(server);
    const started = Date.now();
    await assert.rejects(fetchChain({ host: '127.0.0.1', port, timeoutMs: 300 }), (e: unknown) => e instanceof FetchChainError && e.code === 'timeout' && /within 300 ms/.test(e.message));
    assert.ok(Date.now() - started < 2000);
  });

  it('can be cancelled with an AbortSignal', async () => {
    const server = net.createServer(() => undefined);
    const port = await listen(server);
    const ac = new AbortController();
    const p = fetchChain({ host: '127.0.0.1', port, timeoutMs: 5000, signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(p, (e: unknown) => e instanceof FetchChainError && e.code === 'aborted');
  });

  it('reports an alert', async () => {
    // A server that answers every hello with a fatal internal_error alert.
    const server = net.createServer((s) => s.once('data', () => s.end(Buffer.from([21, 3, 3, 0, 2, 2, 80]))));
    const port = await listen(server);
    await assert.rejects(fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 }), /alert internal_error \(80\)/);
  });

  it('reassembles records split across reads and messages split across records', async () => {
    const serverHello = Buffer.concat([Buffer.from([2, 0, 0, 38, 3, 3]), Buffer.alloc(32, 7), Buffer.from([0, 0xc0, 0x2b, 0])]);
    const list = Buffer.concat([c.leaf.der, c.intermediate.der].map((d) => Buffer.concat([u24(d.length), Buffer.from(d)])));
    const certMsg = Buffer.concat([Buffer.from([11]), u24(list.length + 3), u24(list.length), list]);
    const hs = Buffer.concat([serverHello, certMsg]);
    const cut = serverHello.length + 7;
    const records = Buffer.concat([record(hs.subarray(0, cut)), record(hs.subarray(cut))]);
    const parser = new ServerFlightParser();
    let out: Uint8Array[] | undefined;
    for (let i = 0; i < records.length && !out; i += 5) out = parser.push(records.subarray(i, i + 5));
    assert.ok(out);
    assert.deepEqual(out.map((d) => Buffer.from(d)), [Buffer.from(c.leaf.der), Buffer.from(c.intermediate.der)]);
    // And over a socket, written in small pieces.
    const server = net.createServer((s) => s.once('data', () => {
      for (let i = 0; i < records.length; i += 100) s.write(records.subarray(i, i + 100));
    }));
    const port = await listen(server);
    expectDers(await fetchChain({ host: '127.0.0.1', port, timeoutMs: 3000 }), [c.leaf, c.intermediate]);
  });
});

function u24(n: number): Buffer { return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]); }
function record(fragment: Buffer): Buffer { return Buffer.concat([Buffer.from([22, 3, 3, fragment.length >> 8, fragment.length & 0xff]), fragment]); }

function fetched(certs: GeneratedCert[], host = 'device.example.com'): FetchedChain {
  return { host, port: 443, servername: host, protocol: 'TLSv1.2', presented: certs.map((x) => x.der), exactAsSent: true, problems: [] };
}

describe('analyzeChain', { timeout: 20_000 }, () => {
  it('a complete chain to a private root: no order problem, untrusted-root, anchored with --ca', async () => {
    const r = await analyzeChain(fetched([c.leaf, c.intermediate]), { now: NOW });
    assert.equal(r.presented.length, 2);
    assert.ok(!r.problems.some((p) => p.id === 'chain-order' || p.id === 'missing-intermediate' || p.id === 'hostname-mismatch'), JSON.stringify(r.problems));
    assert.ok(r.problems.some((p) => p.id === 'untrusted-root'));
    assert.equal(r.anchor, null);
    assert.equal(r.trusted, false);
    const withCa = await analyzeChain(fetched([c.leaf, c.intermediate]), { now: NOW, extraRoots: [c.root.der] });
    assert.equal(withCa.anchor?.source, 'extra');
    assert.equal(withCa.trusted, true, JSON.stringify(withCa.problems));
  });

  it('flags wrong order', async () => {
    const r = await analyzeChain(fetched([c.leaf, c.root, c.intermediate]), { now: NOW });
    assert.ok(r.problems.some((p) => p.id === 'chain-order' && /#1 → #3 → #2/.test(p.message)), JSON.stringify(r.problems));
    assert.ok(r.problems.some((p) => p.id === 'root-sent'));
  });

  it('flags a missing intermediate', async () => {
    const r = await analyzeChain(fetched([c.leaf]), { now: NOW });
    assert.ok(r.problems.some((p) => p.id === 'missing-intermediate' && p.severity === 'error'));
  });

  it('flags the root being sent and reports it as the presented anchor', async () => {
    const r = await analyzeChain(fetched([c.leaf, c.intermediate, c.root]), { now: NOW });
    assert.ok(r.problems.some((p) => p.id === 'root-sent'));
    assert.equal(r.anchor?.source, 'presented');
    assert.ok(r.problems.some((p) => p.id === 'untrusted-root'));
  });

  it('flags expired and soon-expiring certificates', async () => {
    const expired = await analyzeChain(fetched([c.leaf, c.intermediate]), { now: new Date(NOW.getTime() + 100 * 86_400_000) });
    assert.ok(expired.problems.some((p) => p.id === 'expired' && p.severity === 'error' && /#1/.test(p.message)));
    const soon = await analyzeChain(fetched([c.leaf, c.intermediate]), { now: new Date(NOW.getTime() + 80 * 86_400_000) });
    assert.ok(soon.problems.some((p) => p.id === 'expires-soon'));
  });

  it('flags a cross-sign by an expired presented root', async () => {
    const old = await makeChain({ now: NOW, root: { notAfter: -5, cn: 'Old Root' }, intermediate: { notAfter: 300 } });
    const r = await analyzeChain(fetched([old.leaf, old.intermediate, old.root]), { now: NOW });
    assert.ok(r.problems.some((p) => p.id === 'cross-signed-by-expired-root'), JSON.stringify(r.problems));
  });

  it('checks the host name against DNS and IP SANs', async () => {
    assert.ok((await analyzeChain(fetched([c.leaf, c.intermediate], 'evil.example.com'), { now: NOW })).problems.some((p) => p.id === 'hostname-mismatch'));
    assert.ok(!(await analyzeChain(fetched([c.leaf, c.intermediate], 'a.wild.example.com'), { now: NOW })).problems.some((p) => p.id === 'hostname-mismatch'));
    const ip = fetched([c.leaf, c.intermediate], '::1');
    ip.servername = null;
    assert.ok(!(await analyzeChain(ip, { now: NOW })).problems.some((p) => p.id === 'hostname-mismatch'));
    ip.host = '10.0.0.1';
    assert.ok((await analyzeChain(ip, { now: NOW })).problems.some((p) => p.id === 'hostname-mismatch'));
    assert.equal(dnsMatches('*.example.com', 'a.b.example.com'), false);
    assert.equal(dnsMatches('*.example.com', 'example.com'), false);
    assert.equal(dnsMatches('*.com', 'example.com'), false);
    assert.equal(dnsMatches('a*.example.com', 'ab.example.com'), false);
    assert.equal(dnsMatches('*.Example.com', 'x.example.com'), true);
  });
});
