// `esp-tls-lens bundle` and `inspect` of a bundle, run from dist/cli.js as a user would, against the
// gen_crt_bundle.py outputs in test/data/bundle/.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliPath, repo, runCli } from '../support/cli';

const data = path.join(repo, 'test', 'data', 'bundle');
const inputs = ['rsa-root.pem', 'ec-roots.pem', 'crlf.pem', 'renewed.der', 'assorted.pem'].map((f) => path.join(data, 'input', f));
const expected = (name: string) => readFileSync(path.join(data, 'expected', name));
let dir: string;
const out = (name: string) => path.join(dir, name);

describe('esp-tls-lens bundle', () => {
  before(() => {
    assert.ok(existsSync(cliPath), 'dist/cli.js is missing: run `node esbuild.mjs` first');
    dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [idf, name] of [['5.3', 'assorted-idf5.3.bin'], ['5.3.5', 'assorted-idf5.3.bin'], ['5.5', 'assorted-idf5.5.bin'], ['6.0', 'assorted-idf5.5.bin']] as const) {
    it(`--format esp-bundle --idf-version ${idf} writes gen_crt_bundle.py's bytes`, async () => {
      const file = out(`b-${idf}.bin`);
      const r = await runCli(['bundle', ...inputs, '--format', 'esp-bundle', '--idf-version', idf, '-o', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(readFileSync(file).equals(expected(name)));
      assert.match(r.stderr, /8 certificate\(s\), \d+ bytes, ESP x509 certificate bundle, layout [AB]/);
    });
  }

  it('without --idf-version the newest layout is used and a folder reads like gen_crt_bundle.py reads one', async () => {
    const folder = out('certs');
    mkdirSync(folder);
    cpSync(path.join(data, 'input', 'mozilla-node20.pem'), path.join(folder, 'mozilla-node20.pem'));
    writeFileSync(path.join(folder, 'README.txt'), 'not a certificate');
    const file = out('moz.bin');
    const r = await runCli(['bundle', folder, '--format', 'esp-bundle', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(file).equals(expected('mozilla-node20-idf5.5.bin')));
    assert.match(r.stderr, /--idf-version not given/);
  });

  it('pem: sorted, one copy of a repeated certificate, comment lines, and it reads back', async () => {
    const file = out('roots.pem');
    const r = await runCli(['bundle', path.join(data, 'input', 'ec-roots.pem'), path.join(data, 'input', 'rsa-root.pem'), path.join(data, 'input', 'ec-roots.pem'), '--format', 'pem', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stderr.match(/the same certificate as an earlier input; stored once/g) ?? []).length, 2);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(text.split('\n').filter((l) => l.startsWith('# ')).map((l) => l.replace(/ \(valid until .*\)$/, '')), [
      '# CN=Lens Bundle Test EC Root P-256, O=ESP TLS Lens', '# CN=Lens Bundle Test EC Root P-384, O=ESP TLS Lens', '# CN=Lens Bundle Test RSA Root, O=ESP TLS Lens, C=CZ',
    ]);
    const back = await runCli(['inspect', '--json', file]);
    assert.equal(JSON.parse(back.stdout).length, 3);
  });

  it('c-array: a C definition under the name given', async () => {
    const file = out('roots.c');
    const r = await runCli(['bundle', path.join(data, 'input', 'rsa-root.pem'), '--format', 'c-array', '--name', 'server_roots', '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    const c = readFileSync(file, 'utf8');
    assert.match(c, /\nconst char server_roots\[\] =\n {4}"-----BEGIN CERTIFICATE-----\\n"\n/);
    // inspect reads the literal back as the certificate it holds.
    const back = await runCli(['inspect', '--json', file]);
    assert.equal(JSON.parse(back.stdout)[0].subject, 'CN=Lens Bundle Test RSA Root, O=ESP TLS Lens, C=CZ');
  });

  it('never overwrites without --force; usage errors exit 2 with a one-line reason', async () => {
    const file = out('exists.pem');
    writeFileSync(file, 'keep me');
    const r = await runCli(['bundle', inputs[0], '--format', 'pem', '-o', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already exists; not overwriting it/);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
    assert.equal((await runCli(['bundle', inputs[0], '--format', 'pem', '-o', file, '--force'])).code, 0);
    assert.match(readFileSync(file, 'utf8'), /^# CN=Lens Bundle Test RSA Root/);

    const cases: [string[], RegExp][] = [
      [['bundle', inputs[0], '-o', out('x')], /--format esp-bundle\|pem\|c-array is required/],
      [['bundle', inputs[0], '--format', 'zip', '-o', out('x')], /--format: 'zip' is not one of/],
      [['bundle', inputs[0], '--format', 'pem'], /-o OUT is required/],
      [['bundle', '--format', 'pem', '-o', out('x')], /at least one INPUT/],
      [['bundle', out('missing.pem'), '--format', 'pem', '-o', out('x')], /no such file or folder/],
      [['bundle', path.join(repo, 'package.json'), '--format', 'pem', '-o', out('x')], /no certificate in the inputs/],
      [['bundle', inputs[0], '--format', 'c-array', '--name', '9lives', '-o', out('x')], /not a C identifier/],
      [['bundle', inputs[0], '--format', 'esp-bundle', '--idf-version', 'five', '-o', out('x')], /--idf-version/],
      [['bundle', path.join(data, 'input', 'mozilla-node20.pem'), '--format', 'esp-bundle', '--max-certs', '100', '-o', out('x')], /144 certificates exceed --max-certs 100/],
    ];
    for (const [args, message] of cases) {
      const e = await runCli(args);
      assert.equal(e.code, 2, args.join(' '));
      assert.match(e.stderr, message);
      // The reason is one line, the last; notes about skipped inputs may come before it.
      assert.match(e.stderr.trim().split('\n').at(-1)!, message);
    }
    assert.equal(existsSync(out('x')), false, 'nothing written after a usage error');
  });
});

describe('esp-tls-lens inspect on an x509_crt_bundle', () => {
  for (const [name, layout, releases] of [['assorted-idf5.3.bin', 'A', 'v4.4 to v5.3'], ['mozilla-node20-idf5.5.bin', 'B', 'v5.4 and later']] as const) {
    it(`layout ${layout}: count, size, subjects`, async () => {
      const file = path.join(data, 'expected', name);
      const r = await runCli(['inspect', file]);
      assert.equal(r.code, 0, r.stderr);
      const count = name.startsWith('assorted') ? 8 : 144;
      assert.match(r.stdout, new RegExp(`layout ${layout} \\(ESP-IDF ${releases}\\): ${count} certificate\\(s\\), ${readFileSync(file).length} bytes`));
      const j = JSON.parse((await runCli(['inspect', '--json', file])).stdout)[0].bundle;
      assert.equal(j.layout, layout);
      assert.equal(j.count, count);
      assert.equal(j.certificates.length, count);
      if (layout === 'B') assert.ok(j.certificates.some((c: { subject: string }) => c.subject === 'CN=ISRG Root X1, O=Internet Security Research Group, C=US'));
    });
  }

  it('a damaged bundle is not taken for one', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'bundle-damaged-'));
    const file = path.join(tmp, 'x509_crt_bundle');
    writeFileSync(file, expected('assorted-idf5.5.bin').subarray(0, 1000));
    const r = await runCli(['inspect', file]);
    rmSync(tmp, { recursive: true });
    assert.doesNotMatch(r.stdout, /x509_crt_bundle/);
    assert.equal(r.code, 2);
  });
});
