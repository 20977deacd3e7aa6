// fetchChain checked byte for byte against OpenSSL (a real `openssl s_server`, read back with
// `openssl s_client -showcerts`), and against hostile servers that stall, hang up, send garbage or
// absurdly large chains. Loopback only; every server and child process is ended in after().
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { analyzeChain, type ChainReport } from '../../server/src/net/analyzeChain';
import { FetchChainError, fetchChain, type FetchedChain } from '../../server/src/net/fetchChain';
import { makeChain, makeCrossSigned, makeSelfSigned, type Chain, type GeneratedCert } from '../support/certs';
import { sClientChain, SNI, startSServer, stopOpenssl, type ServerSetup } from '../support/openssl';
import { closeAll, listen } from '../support/servers';

const NOW = new Date('2026-03-01T00:00:00Z');

after(async () => {
  await stopOpenssl();
  await closeAll();
});

const ders = (chain: FetchedChain): Buffer[] => chain.presented.map((d) => Buffer.from(d));

function describeDers(list: Buffer[], names: Map<string, string>): string {
  return '[' + list.map((d) => names.get(d.toString('hex')) ?? `? (${d.length} bytes)`).join(', ') + ']';
}

/** Same count, same order, byte for byte. */
function assertSameDers(got: Buffer[], want: Buffer[], what: string, names: Map<string, string>): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} certificates, expected ${want.length}: ${describeDers(got, names)} vs ${describeDers(want, names)}`);
  got.forEach((d, i) => assert.ok(d.equals(want[i]), `${what}: certificate #${i + 1} differs: ${describeDers(got, names)} vs ${describeDers(want, names)}`));
}

const ids = (r: ChainReport): string[] => r.problems.map((p) => p.id);

// ---------------------------------------------------------------------------------------------
// A. Byte for byte against OpenSSL

interface Scenario {
  name: string;
  server: () => ServerSetup;
  /** What the server is configured to send, leaf first; what fetchChain and s_client must both show. */
  expected: () => GeneratedCert[];
  /** Extra s_client arguments (TLS 1.2 scenarios pin TLS 1.2 like fetchChain). */
  client?: string[];
  /** A TLS 1.3-only server: read by the Mbed TLS module's handshake, byte for byte as s_client shows it. */
  tls13?: boolean;
  check?: (report: ChainReport, got: FetchedChain) => void | Promise<void>;
}

describe('fetchChain matches openssl s_client byte for byte', { timeout: 120_000 }, () => {
  let c: Chain; // RSA-2048 leaf, intermediate and root
  let expiredInt: Chain; // same names and keys, intermediate expired the day before NOW
  let cross: { root: GeneratedCert; intermediate: GeneratedCert };
  let ec: Chain; // P-256 throughout
  const names = new Map<string, string>();

  before(async () => {
    c = await makeChain({ now: NOW, key: 'rsa2048' });
    expiredInt = await makeChain({ now: NOW, key: 'rsa2048', intermediate: { notBefore: -400, notAfter: -1, serial: '22' }, leaf: { serial: '23' } });
    cross = await makeCrossSigned({ now: NOW, key: 'rsa2048', crossRoot: { key: 'p256' } });
    ec = await makeChain({ now: NOW, key: 'p256', leaf: { serial: '33' } });
    const label = (prefix: string, ch: Record<string, GeneratedCert>): void => {
      for (const [k, v] of Object.entries(ch)) names.set(Buffer.from(v.der).toString('hex'), `${prefix}.${k}`);
    };
    label('rsa', { leaf: c.leaf, intermediate: c.intermediate, root: c.root });
    label('expired', { leaf: expiredInt.leaf, intermediate: expiredInt.intermediate });
    label('cross', { root: cross.root, intermediate: cross.intermediate });
    label('ec', { leaf: ec.leaf, intermediate: ec.intermediate });
  });

  const tls12 = ['-tls1_2'];
  const scenarios: Scenario[] = [
    {
      name: 'complete chain (leaf + intermediate)',
      server: () => ({ leaf: c.leaf, chain: [c.intermediate] }),
      expected: () => [c.leaf, c.intermediate],
      client: tls12,
      check: (r) => {
        assert.ok(ids(r).includes('untrusted-root'), JSON.stringify(r.problems));
        for (const id of ['chain-order', 'missing-intermediate', 'root-sent', 'expired', 'hostname-mismatch']) assert.ok(!ids(r).includes(id), `unexpected ${id}: ${JSON.stringify(r.problems)}`);
        assert.deepEqual(r.path, [0, 1]);
      },
    },
    {
      name: 'missing intermediate (leaf only)',
      server: () => ({ leaf: c.leaf }),
      expected: () => [c.leaf],
      client: tls12,
      check: (r) => assert.ok(ids(r).includes('missing-intermediate') || ids(r).includes('untrusted-root'), JSON.stringify(r.problems)),
    },
    {
      name: 'root included (leaf + intermediate + root)',
      server: () => ({ leaf: c.leaf, chain: [c.intermediate, c.root] }),
      expected: () => [c.leaf, c.intermediate, c.root],
      client: tls12,
      check: (r) => {
        assert.ok(ids(r).includes('root-sent'), JSON.stringify(r.problems));
        assert.ok(!ids(r).includes('chain-order'), JSON.stringify(r.problems));
      },
    },
    {
      name: 'wrong order (leaf, root, intermediate)',
      server: () => ({ leaf: c.leaf, chain: [c.root, c.intermediate] }),
      expected: () => [c.leaf, c.root, c.intermediate],
      client: tls12,
      check: (r) => assert.ok(r.problems.some((p) => p.id === 'chain-order' && /#1 → #3 → #2/.test(p.message)), JSON.stringify(r.problems)),
    },
    {
      name: 'expired intermediate',
      server: () => ({ leaf: expiredInt.leaf, chain: [expiredInt.intermediate] }),
      expected: () => [expiredInt.leaf, expiredInt.intermediate],
      client: tls12,
      check: (r) => assert.ok(r.problems.some((p) => p.id === 'expired' && p.severity === 'error' && /#2/.test(p.message)), JSON.stringify(r.problems)),
    },
    {
      name: 'cross-signed intermediate (both copies sent)',
      server: () => ({ leaf: c.leaf, chain: [c.intermediate, cross.intermediate] }),
      expected: () => [c.leaf, c.intermediate, cross.intermediate],
      client: tls12,
      check: async (r, got) => {
        assert.deepEqual(r.path.slice(0, 2), [0, 1], JSON.stringify(r));
        assert.ok(ids(r).includes('untrusted-root'), JSON.stringify(r.problems));
        assert.ok(r.problems.some((p) => p.id === 'cross-signed' && /#3/.test(p.message)), 'the second copy is a cross-sign, not a stray certificate');
        assert.ok(!r.problems.some((p) => p.id === 'chain-order'), JSON.stringify(r.problems));
        // A device that holds the cross-signing root: the path through the second copy is the trusted one.
        const viaCross = await analyzeChain(got, { now: NOW, extraRoots: [cross.root.der] });
        assert.deepEqual(viaCross.path, [0, 2]);
        assert.equal(viaCross.anchor?.source, 'extra');
        assert.equal(viaCross.trusted, true, JSON.stringify(viaCross.problems));
      },
    },
    {
      name: 'ECDSA only (P-256 leaf, ECDHE-ECDSA-AES128-GCM-SHA256)',
      server: () => ({ leaf: ec.leaf, chain: [ec.intermediate], args: ['-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', '-tls1_2'] }),
      expected: () => [ec.leaf, ec.intermediate],
      client: tls12,
      check: (r, got) => {
        assert.equal(got.flight?.suite, 0xc02b, 'the ServerHello chose TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
        assert.ok(!ids(r).includes('chain-order') && !ids(r).includes('missing-intermediate'), JSON.stringify(r.problems));
      },
    },
    {
      // Issue 21: read by the Mbed TLS module's own TLS 1.3 handshake, so exactly as sent.
      name: 'TLS 1.3 only, as sent (Mbed TLS handshake)',
      server: () => ({ leaf: c.leaf, chain: [c.intermediate], args: ['-tls1_3'] }),
      expected: () => [c.leaf, c.intermediate],
      client: ['-tls1_3'],
      tls13: true,
      check: (r) => assert.ok(!ids(r).includes('not-as-sent') && ids(r).includes('tls13-only'), JSON.stringify(r.problems)),
    },
    {
      // Node's getPeerCertificate reported only leaf, intermediate here; the real handshake keeps the order and the root.
      name: 'TLS 1.3 only, wrong order, as sent',
      server: () => ({ leaf: c.leaf, chain: [c.root, c.intermediate], args: ['-tls1_3'] }),
      expected: () => [c.leaf, c.root, c.intermediate],
      client: ['-tls1_3'],
      tls13: true,
      check: (r) => assert.ok(ids(r).includes('chain-order'), JSON.stringify(r.problems)),
    },
  ];

  for (const [n, s] of scenarios.entries()) {
    it(s.name, async () => {
      const port = await startSServer(`s${n}-`, s.server());
      const started = Date.now();
      const got = await fetchChain({ host: '127.0.0.1', port, servername: SNI, timeoutMs: 5000 });
      assert.ok(Date.now() - started < 6500, `fetchChain took ${Date.now() - started} ms`);
      const shown = await sClientChain(port, s.client);
      const want = s.expected().map((x) => Buffer.from(x.der));
      assert.equal(got.servername, SNI);
      // s_client itself must show what the server was configured to send, or the comparison proves nothing.
      assertSameDers(shown, want, 's_client vs configured', names);
      assert.equal(got.protocol, s.tls13 ? 'TLSv1.3' : 'TLSv1.2');
      assert.equal(got.exactAsSent, true);
      assert.deepEqual(got.problems.map((p) => p.id), s.tls13 ? ['tls13-only'] : []);
      assertSameDers(ders(got), shown, 'fetchChain vs s_client', names);
      const report = await analyzeChain(got, { now: NOW });
      assert.equal(report.presented.length, got.presented.length);
      await s.check?.(report, got);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// B. Hostile servers

function u24(n: number): Buffer { return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]); }
function record(fragment: Buffer): Buffer { return Buffer.concat([Buffer.from([22, 3, 3, fragment.length >> 8, fragment.length & 0xff]), fragment]); }
/** Handshake bytes as TLS records of at most 16384 bytes each. */
function records(hs: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < hs.length; i += 16384) out.push(record(hs.subarray(i, i + 16384)));
  return Buffer.concat(out);
}
/** ServerHello: version(2) random(32) session_id_len(1)=0 cipher(2)=ECDHE-ECDSA-AES128-GCM compression(1). */
const SERVER_HELLO = Buffer.concat([Buffer.from([2, 0, 0, 38, 3, 3]), Buffer.alloc(32, 7), Buffer.from([0, 0xc0, 0x2b, 0])]);
function certificateMessage(certs: Uint8Array[]): Buffer {
  const list = Buffer.concat(certs.map((d) => Buffer.concat([u24(d.length), Buffer.from(d)])));
  return Buffer.concat([Buffer.from([11]), u24(list.length + 3), u24(list.length), list]);
}

/** A plain TCP server on 127.0.0.1 that runs `onHello` once the ClientHello arrives; socket errors
 *  (the client hanging up mid-write) are expected, not failures. */
async function hostile(onHello: (s: net.Socket, hello: Buffer) => void): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', (hello: Buffer) => onHello(s, hello));
  });
  return listen(server);
}

/** fetchChain must reject with `code` and a message matching `message`, within timeoutMs + 1500 ms. */
async function expectFailure(port: number, timeoutMs: number, code: FetchChainError['code'], message: RegExp): Promise<FetchChainError> {
  const started = Date.now();
  let caught: unknown;
  try {
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs });
    assert.fail(`expected ${code}, got a chain of ${got.presented.length}`);
  } catch (e) {
    caught = e;
  }
  const elapsed = Date.now() - started;
  assert.ok(caught instanceof FetchChainError, `not a FetchChainError: ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  assert.ok(elapsed < timeoutMs + 1500, `took ${elapsed} ms with a ${timeoutMs} ms timeout`);
  return caught;
}

describe('fetchChain against hostile servers', { timeout: 60_000 }, () => {
  let c: Chain;
  let fillers: GeneratedCert[];

  before(async () => {
    c = await makeChain({ now: NOW });
    fillers = await Promise.all([0, 1, 2, 3, 4].map((i) => makeSelfSigned(NOW, { cn: `Filler CA ${i}`, serial: `7${i}` })));
  });

  it('times out on a server that sends half a record header and stalls', async () => {
    const p1 = await hostile((s) => s.write(Buffer.from([0x16, 0x03, 0x03])));
    await expectFailure(p1, 500, 'timeout', /no certificate from 127\.0\.0\.1:\d+ within 500 ms/);
    // A whole header announcing 100 bytes, then only 10 of them.
    const p2 = await hostile((s) => s.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x00, 100]), Buffer.alloc(10, 1)])));
    await expectFailure(p2, 500, 'timeout', /within 500 ms/);
  });

  it('reports a server that closes after its ServerHello, with the bytes received', async () => {
    const hello = record(SERVER_HELLO);
    const port = await hostile((s) => s.write(hello, () => s.destroy()));
    const e = await expectFailure(port, 3000, 'closed', /closed the connection before sending its certificates/);
    assert.match(e.message, new RegExp(`after ${hello.length} bytes`));
  });

  it('rejects a record header announcing 0xFFFF bytes', async () => {
    const port = await hostile((s) => s.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0xff, 0xff]), randomBytes(2000)])));
    await expectFailure(port, 3000, 'protocol', /record of 65535 bytes is longer than allowed/);
  });

  it('says pure random bytes are not TLS', async () => {
    const junk = randomBytes(512);
    if (junk[0] >= 20 && junk[0] <= 24) junk[0] = 0xa5; // never a TLS content type by chance
    const port = await hostile((s) => s.write(junk));
    await expectFailure(port, 3000, 'not-tls', /did not answer with TLS \(first bytes: /);
  });

  it('rejects a handshake message announcing 0xFFFFFF bytes', async () => {
    const hs = Buffer.concat([SERVER_HELLO, Buffer.from([11, 0xff, 0xff, 0xff]), randomBytes(1000)]);
    const port = await hostile((s) => s.write(record(hs)));
    await expectFailure(port, 3000, 'protocol', /announced a handshake message of 16777215 bytes/);
  });

  it('reads a 200-certificate chain and analyzeChain calls it too long, quickly', async () => {
    const certs = [c.leaf.der, ...Array.from({ length: 199 }, (_, i) => fillers[i % fillers.length].der)];
    const certMsg = certificateMessage(certs);
    const wire = records(Buffer.concat([SERVER_HELLO, certMsg]));
    const port = await hostile((s) => s.write(wire));
    const timeoutMs = 5000;
    let started = Date.now();
    const got = await fetchChain({ host: '127.0.0.1', port, timeoutMs });
    const fetchMs = Date.now() - started;
    assert.ok(fetchMs < timeoutMs + 1500, `fetchChain took ${fetchMs} ms`);
    assert.equal(got.presented.length, 200);
    got.presented.forEach((d, i) => assert.ok(Buffer.from(d).equals(Buffer.from(certs[i])), `certificate #${i + 1} differs`));
    assert.equal(got.flight?.certificateBytes, certMsg.length - 4);
    assert.equal(got.flight?.maxRecord, 16384);
    started = Date.now();
    const report = await analyzeChain(got, { now: NOW });
    const analyzeMs = Date.now() - started;
    assert.ok(analyzeMs < timeoutMs / 2, `analyzeChain took ${analyzeMs} ms`);
    const tooLong = report.problems.find((p) => p.id === 'chain-too-long');
    assert.ok(tooLong, JSON.stringify(report.problems));
    assert.match(tooLong.message, /sent 200 certificates/);
    assert.match(tooLong.message, /16 KB input buffer/);
  });
});
