// The bundle writers against ESP-IDF's own gen_crt_bundle.py output (test/data/bundle/README.md says
// how the expected files were made), the reader on both layouts, and the PEM and C-array forms.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findPemBlocks } from '../../server/src/x509/pem';
import { decodeCStrings } from '../../server/src/c/cStrings';
import {
  BundleFormatError, bundleLayout, cArrayText, espBundle, espBundleSize, isEspBundle, pemBundleText, readEspBundle, type BundleLayout,
} from '../../server/src/x509/bundle';
import { readBundleInputs } from '../../server/src/x509/bundleInputs';
import { extractCertFile } from '../../server/src/x509/certFile';
import { decodeCertificate } from '../../server/src/x509/certificate';
import { makeChain, makeSelfSigned } from '../support/certs';

const data = path.join(__dirname, '..', 'data', 'bundle');
const input = (...names: string[]) => names.map((n) => path.join(data, 'input', n));
const expected = (name: string) => new Uint8Array(readFileSync(path.join(data, 'expected', name)));
const ASSORTED = ['rsa-root.pem', 'ec-roots.pem', 'crlf.pem', 'renewed.der', 'assorted.pem'];

async function written(names: string[], layout: BundleLayout): Promise<Uint8Array> {
  const { certs } = await readBundleInputs(input(...names));
  return espBundle(certs.map((c) => c.cert), layout);
}

describe('espBundle is byte-identical to gen_crt_bundle.py', () => {
  for (const [idf, layout] of [['5.3', 'A'], ['5.5', 'B']] as const) {
    it(`assorted inputs (RSA, P-256, P-384, CRLF, DER, multi-valued RDN, UTF-8, a leaf), IDF ${idf}`, async () => {
      const ours = await written(ASSORTED, layout);
      assert.deepEqual(Buffer.from(ours), Buffer.from(expected(`assorted-idf${idf}.bin`)));
    });
    it(`144 Mozilla roots, IDF ${idf}`, async () => {
      const ours = await written(['mozilla-node20.pem'], layout);
      assert.equal(ours.length, expected(`mozilla-node20-idf${idf}.bin`).length);
      assert.ok(Buffer.from(ours).equals(expected(`mozilla-node20-idf${idf}.bin`)));
    });
    it(`equal subjects keep their input order (stable sort), IDF ${idf}`, async () => {
      const ours = await written(['renewed.der', 'rsa-root.pem'], layout);
      assert.ok(Buffer.from(ours).equals(expected(`renewed-first-idf${idf}.bin`)));
      assert.ok(!Buffer.from(ours).equals(await written(['rsa-root.pem', 'renewed.der'], layout)), 'the other order gives other bytes');
    });
  }

  it('espBundleSize agrees with what is written, and the layout follows the IDF version', async () => {
    const { certs } = await readBundleInputs(input(...ASSORTED));
    for (const layout of ['A', 'B'] as const) assert.equal(espBundleSize(certs.map((c) => c.cert), layout), espBundle(certs.map((c) => c.cert), layout).length);
    assert.equal(bundleLayout({ major: 4, minor: 4 }), 'A');
    assert.equal(bundleLayout({ major: 5, minor: 3 }), 'A');
    assert.equal(bundleLayout({ major: 5, minor: 4 }), 'B');
    assert.equal(bundleLayout({ major: 6, minor: 0 }), 'B');
  });
});

describe('readEspBundle', () => {
  for (const [idf, layout] of [['5.3', 'A'], ['5.5', 'B']] as const) {
    it(`reads gen_crt_bundle.py's layout ${layout} (IDF ${idf}): count, subjects in sorted order, keys`, () => {
      const bytes = expected(`assorted-idf${idf}.bin`);
      const read = readEspBundle(bytes);
      assert.equal(read.layout, layout);
      assert.equal(read.size, bytes.length);
      assert.equal(read.records.length, 8);
      assert.ok(read.records.some((r) => r.subject === 'CN=Kořenová autorita, O=Zkouška s.r.o., C=CZ'));
      assert.ok(read.records.some((r) => r.subject === 'CN=Lens Multi-valued RDN, O=Zeta+OU=Alpha, C=US'));
      assert.equal(read.records.filter((r) => r.subject === 'CN=Lens Bundle Test RSA Root, O=ESP TLS Lens, C=CZ').length, 2);
      assert.deepEqual(read.records.map((r) => r.key?.type).sort(), ['EC', 'EC', 'EC', 'EC', 'EC', 'RSA', 'RSA', 'RSA']);
      for (let i = 1; i < read.records.length; i++) assert.ok(Buffer.compare(read.records[i - 1].subjectDer, read.records[i].subjectDer) <= 0, 'sorted by subject DER');
      // What was read writes back to the same bytes.
      assert.ok(Buffer.from(espBundle(read.records, layout)).equals(bytes));
    });
  }

  it('refuses what is not a bundle, saying why, and never throws anything else', () => {
    const good = expected('assorted-idf5.5.bin');
    const cases: Uint8Array[] = [
      new Uint8Array(0), new Uint8Array([0, 1]), Buffer.from('-----BEGIN CERTIFICATE-----\n'), good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.from([0])]), expected('assorted-idf5.3.bin').subarray(0, 300),
    ];
    for (let seed = 1; seed <= 200; seed++) cases.push(new Uint8Array(Array.from({ length: 40 + seed }, (_, i) => (i * 7919 + seed * 104729) & 0xff)));
    for (const bytes of cases) {
      assert.equal(isEspBundle(bytes), false);
      assert.throws(() => readEspBundle(bytes), BundleFormatError);
    }
    assert.match((() => { try { readEspBundle(good.subarray(0, 100)); return ''; } catch (e) { return (e as Error).message; } })(), /v5\.4\+ layout.*v4\.4-v5\.3 layout/);
  });
});

describe('pemBundleText and cArrayText', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('sorts by name, drops exact duplicates, names subject and expiry above each block, ends with a newline', async () => {
    const b = await decodeCertificate((await makeSelfSigned(now, { cn: 'Bravo Root', key: 'p256', notAfter: 3000 })).der);
    const a = await decodeCertificate((await makeSelfSigned(now, { cn: 'alpha Root', key: 'p256', notAfter: 2000 })).der);
    const text = pemBundleText([{ cert: b }, { cert: a }, { cert: b }]);
    assert.ok(text.endsWith('-----END CERTIFICATE-----\n'));
    assert.ok(!text.includes('\r'));
    const blocks = findPemBlocks(text);
    assert.equal(blocks.length, 2);
    assert.match(text.split('\n')[0], /^# CN=alpha Root, O=ESP TLS Lens Tests, C=US \(valid until 2031-06-24\)$/);
    assert.ok(text.includes('# CN=Bravo Root, O=ESP TLS Lens Tests, C=US (valid until 2034-03-20)\n-----BEGIN CERTIFICATE-----\n'));
    // Every block is one gen_crt_bundle.py takes, and it reads back to the same certificates.
    const facts = await extractCertFile(Buffer.from(text));
    assert.deepEqual(facts.blocks.map((x) => x.bundleSkip), [undefined, undefined]);
    assert.deepEqual(facts.blocks.map((x) => x.cert?.sha256), [a.sha256, b.sha256]);
  });

  it('a subject holding a newline or a BEGIN line cannot forge a block', async () => {
    const cert = await decodeCertificate((await makeSelfSigned(now, { cn: 'x', key: 'p256' })).der);
    const text = pemBundleText([{ cert: { ...cert, subject: 'CN=x\n-----BEGIN CERTIFICATE-----' } }]);
    assert.equal(findPemBlocks(text).length, 1);
    assert.match(text.split('\n')[0], /^# CN=x\?-BEGIN CERTIFICATE- \(valid until/);
  });

  it('the C array decodes to the same PEM, one literal a line, \\n line ends, sizeof counting the NUL', async () => {
    const chain = await makeChain({ now, key: 'p256' });
    const items = [{ cert: await decodeCertificate(chain.root.der) }, { cert: await decodeCertificate(chain.intermediate.der) }];
    const c = cArrayText(items, 'server_roots_pem');
    assert.match(c, /^\/\* Trust anchors \(PEM\)/);
    assert.match(c, /\nconst char server_roots_pem\[\] =\n {4}"-----BEGIN CERTIFICATE-----\\n"\n/);
    assert.ok(c.trimEnd().endsWith('"-----END CERTIFICATE-----\\n";'));
    const body = c.slice(c.indexOf('[] =') + 4, c.lastIndexOf(';'));
    const decoded = decodeCStrings(body, 0, body.length).text;
    assert.equal(decoded, pemBundleText(items).split('\n').filter((l) => !l.startsWith('#') && l !== '').join('\n') + '\n');
    assert.match(cArrayText(items, 'x', true), /\nstatic const char x\[\] =\n/);
    assert.throws(() => cArrayText(items, '1bad'), /not a C identifier/);
  });
});
