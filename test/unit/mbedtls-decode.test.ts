// The decoder against the real libraries: test/data/strerror/ holds what mbedtls_strerror and
// mbedtls_x509_crt_verify_info of Debian's Mbed TLS 2.28.3 and 3.6.6 print (gen.c, verify_info.c, README.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  EXPLAINED_MBEDTLS_CODES, ESP_TLS_ERRORS, decodeCode, decodeVerifyFlags, espErrorByValue, espErrorPresent, mbedtlsErrorEntry,
  mbedtlsStrerror, mbedtlsVersionForIdf, parseCode, x509VerifyInfo, type DecodedCode, type MbedtlsVersion,
} from '../../server/src/mbedtls';
import { ruleInfo } from '../../server/src/rules/catalogue';

const dataDir = path.resolve(__dirname, '../data/strerror');
interface Table { mbedtls: string; entries: Record<string, string>; listed: number; all: number; fnv1a64_all: string }
const table = (v: MbedtlsVersion): Table => JSON.parse(readFileSync(path.join(dataDir, `mbedtls-${v}.json`), 'utf8'));

// Debian builds without some modules ESP-IDF can enable, so its strerror says UNKNOWN for their codes:
// 2.28.3 without MBEDTLS_ARIA_C, MBEDTLS_HKDF_C and MBEDTLS_SSL_CACHE_C; 3.6.6 without MBEDTLS_HKDF_C.
const DEBIAN_OMITS: Record<MbedtlsVersion, (name: string) => boolean> = {
  '2.28': (n) => /^MBEDTLS_ERR_(ARIA|HKDF)_/.test(n) || n === 'MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND',
  '3.6': (n) => /^MBEDTLS_ERR_HKDF_/.test(n),
};

function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const key = (code: number) => `-0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
const only = (input: string, idfVersion?: string, extra: { flags?: number; hex?: boolean } = {}): DecodedCode[] => {
  const r = decodeCode(input, { idfVersion, ...extra });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.results;
};

describe('mbedtls_strerror, every code -0x0001..-0x7FFF, against the real libraries', () => {
  for (const version of ['2.28', '3.6'] as const) {
    it(`matches Debian's Mbed TLS ${version} for all 32767 codes`, () => {
      const t = table(version);
      assert.equal(t.mbedtls.slice(0, version.length), version);
      let lines = '';
      const wrong: string[] = [];
      for (let code = 1; code <= 0x7fff; code++) {
        const ours = mbedtlsStrerror(-code, version, { omit: DEBIAN_OMITS[version] });
        lines += `${key(code)}\t${ours}\n`;
        const theirs = t.entries[key(code)];
        if (theirs === undefined ? !ours.includes('UNKNOWN ERROR CODE') : theirs !== ours) wrong.push(`${key(code)}: ${JSON.stringify(theirs)} vs ours ${JSON.stringify(ours)}`);
      }
      assert.deepEqual(wrong.slice(0, 10), []);
      // The digest covers the texts the table leaves out (those with UNKNOWN ERROR CODE) too.
      assert.equal(fnv1a64(lines), t.fnv1a64_all);
    });

    it(`${version}: the decoder's strerror is the full-build text, differing from Debian only in the omitted modules`, () => {
      const t = table(version);
      for (let code = 1; code <= 0x7fff; code++) {
        const full = mbedtlsStrerror(-code, version);
        const theirs = t.entries[key(code)];
        if (theirs !== undefined && theirs !== full) assert.fail(`${key(code)} differs without an omitted module`);
      }
      const [r] = only(key(0x2700), version === '2.28' ? '4.4' : '5.5');
      assert.equal(r.strerror, t.entries['-0x2700']);
    });
  }

  it('ARIA, HKDF and the 2.28 SSL cache are the only modules Debian leaves out', () => {
    const t = table('2.28');
    assert.equal(t.entries['-0x005C'], undefined);
    assert.equal(mbedtlsStrerror(-0x5c, '2.28'), 'ARIA - Bad input data');
    assert.equal(mbedtlsStrerror(-0x5e00, '2.28'), 'SSL - Cache entry not found');
    assert.equal(mbedtlsStrerror(-0x7e80, '3.6'), 'SSL - Cache entry not found');
  });
});

describe('composite codes and versions', () => {
  it('splits -0x262E into -0x2600 + -0x002E, with the DESIGN example text', () => {
    const [r] = only('-0x262E', '5.1');
    assert.equal(r.strerror, 'X509 - Signature algorithm (oid) is unsupported : OID - OID is not found');
    assert.deepEqual(r.parts.map((p) => [p.value, p.name, p.module, p.level]), [
      ['-0x2600', 'MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG', 'X509', 'high'],
      ['-0x002E', 'MBEDTLS_ERR_OID_NOT_FOUND', 'OID', 'low'],
    ]);
  });

  it('stops after a fatal alert, as mbedtls_strerror does', () => {
    assert.equal(mbedtlsStrerror(-0x77ae, '3.6'), 'SSL - A fatal alert message was received from our peer');
    assert.equal(only('-0x77AE', '5.0')[0].parts.length, 2);
  });

  it('chooses 2.28 for IDF v4.x and 3.6 for v5.x', () => {
    assert.equal(mbedtlsVersionForIdf('4.4'), '2.28');
    assert.equal(mbedtlsVersionForIdf('v4.4.8'), '2.28');
    assert.equal(mbedtlsVersionForIdf('5.0'), '3.6');
    assert.equal(mbedtlsVersionForIdf('5.5.5'), '3.6');
    assert.equal(mbedtlsVersionForIdf(''), undefined);
    assert.equal(only('-0x6E00', '4.4')[0].strerror, 'SSL - Processing of the NewSessionTicket handshake message failed');
    assert.equal(only('-0x6E00', '5.3')[0].strerror, 'SSL - The handshake negotiation failed');
  });

  it('lists both versions when the IDF version is unknown and they differ, one object when they agree', () => {
    const both = only('-0x6E00');
    assert.deepEqual(both.map((r) => r.mbedtls), ['2.28', '3.6']);
    assert.notEqual(both[0].strerror, both[1].strerror);
    const one = only('-0x2700');
    assert.equal(one.length, 1);
    assert.deepEqual(one[0].versions, ['2.28', '3.6']);
    const fiveD = only('-0x5D80');
    assert.equal(fiveD.length, 2);
    assert.equal(fiveD[0].strerror, 'UNKNOWN ERROR CODE (5D80)');
    assert.match(fiveD[1].strerror!, /^SSL - Attempt to verify a certificate without an expected hostname/);
  });

  it('every colliding value of mbedtls_error_value_collisions decodes differently per version', () => {
    for (const v of [0x11, 0x3880, 0x6600, 0x7300, 0x7500, 0x7800, 0x7e80]) {
      assert.notEqual(mbedtlsErrorEntry(v, '2.28')?.names[0], mbedtlsErrorEntry(v, '3.6')?.names[0]);
      assert.equal(only(key(v)).length, 2, key(v));
    }
  });
});

describe('input forms', () => {
  const value = (input: string, opts: { hex?: boolean; idf?: string } = {}) => only(input, opts.idf ?? '5.5', { hex: opts.hex })[0].value;
  it('reads -0x2700, 0x2700, -9984, 9984, 2700 (hex context) and names', () => {
    for (const input of ['-0x2700', '0x2700', '-9984', '9984', '-0X2700', ' -0x2700 ', 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', 'mbedtls_err_x509_cert_verify_failed']) {
      assert.equal(value(input), '-0x2700', input);
    }
    assert.equal(value('2700', { hex: true }), '-0x2700');
    assert.equal(value('262E'), '-0x262E');
  });

  it('says how it read positive and bare-hex codes', () => {
    assert.match(only('9984', '5.5')[0].notes.join(), /ESP-TLS stores mbedTLS errors as -ret/);
    assert.match(only('2700', '5.5')[0].notes.join(), /hexadecimal/);
    assert.deepEqual(only('-0x2700', '5.5')[0].notes, []);
  });

  it('reads esp_err_t codes and names', () => {
    for (const input of ['0x801A', '0x801a', '32794', 'ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED']) {
      const [r] = only(input, '5.5');
      assert.equal(r.kind, 'esp', input);
      assert.deepEqual(r.esp, { name: 'ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED', value: '0x801A' });
      assert.equal(r.strerror, null);
    }
  });

  it('reads names whose value changed between versions', () => {
    assert.deepEqual(only('MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND').map((r) => `${r.mbedtls} ${r.value}`), ['2.28 -0x5E00', '3.6 -0x7E80']);
    const [r] = only('MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE', '4.4');
    assert.equal(r.mbedtls, '3.6');
    assert.match(r.notes.join(), /does not exist in Mbed TLS 2.28/);
  });

  it('rejects what is not a code with a one-line reason', () => {
    for (const input of ['foo', '', '0', '-0x8017', '0x12345', 'MBEDTLS_ERR_NOPE', 'ESP_ERR_NOPE', '-0x', '12.5']) {
      const r = decodeCode(input);
      assert.equal(r.ok, false, input);
      if (!r.ok) assert.doesNotMatch(r.error, /\n/);
    }
    assert.equal(typeof parseCode('flags=zz'), 'string');
  });
});

describe('X.509 verify flags', () => {
  const verify = JSON.parse(readFileSync(path.join(dataDir, 'verify-info-3.6.json'), 'utf8')).masks as Record<string, string>;
  const verify228 = JSON.parse(readFileSync(path.join(dataDir, 'verify-info-2.28.json'), 'utf8')).masks as Record<string, string>;

  it('reproduces mbedtls_x509_crt_verify_info of both libraries for every bit and a few masks', () => {
    for (const [mask, text] of Object.entries(verify)) {
      assert.equal(x509VerifyInfo(parseInt(mask, 16)), text, mask);
      assert.equal(verify228[mask], text, mask);
    }
  });

  it('decodes masks into flags with the verify_info strings', () => {
    const flags = decodeVerifyFlags(0x0c);
    assert.deepEqual(flags.map((f) => f.name), ['MBEDTLS_X509_BADCERT_CN_MISMATCH', 'MBEDTLS_X509_BADCERT_NOT_TRUSTED']);
    assert.equal(flags.map((f) => f.text + '\n').join(''), verify['0xC']);
    assert.equal(decodeVerifyFlags(0x100000)[0].text, 'Unknown reason (this should not happen)');
  });

  it('reads flag masks given as flags=, names and with -0x2700', () => {
    for (const input of ['flags=0x8', 'flags:8', 'MBEDTLS_X509_BADCERT_NOT_TRUSTED']) {
      const [r] = only(input, '5.5');
      assert.equal(r.kind, 'flags', input);
      assert.equal(r.value, '0x00000008');
      assert.equal(r.flags![0].name, 'MBEDTLS_X509_BADCERT_NOT_TRUSTED');
    }
    const [r] = only('MBEDTLS_X509_BADCERT_EXPIRED|MBEDTLS_X509_BADCERT_FUTURE', '5.5');
    assert.equal(r.value, '0x00000201');
  });
});

describe('ESP-TLS codes by IDF version', () => {
  it('has every code of esp_tls_errors.tsv', () => {
    assert.equal(ESP_TLS_ERRORS.length, 32);
    assert.equal(espErrorByValue(0x8017)?.name, 'ESP_ERR_MBEDTLS_SSL_SETUP_FAILED');
  });
  it('knows which releases have which code', () => {
    const read = espErrorByValue(0x801d)!;
    assert.equal(espErrorPresent(read, { major: 5, minor: 5, patch: 2 }), true);
    assert.equal(espErrorPresent(read, { major: 5, minor: 5, patch: 0 }), false);
    assert.equal(espErrorPresent(read, { major: 4, minor: 4 }), false);
    const wolf = espErrorByValue(0x8035)!;
    assert.equal(espErrorPresent(wolf, { major: 4, minor: 4 }), true);
    assert.equal(espErrorPresent(wolf, { major: 6, minor: 0 }), false);
    assert.match(only('0x8035', '6.0')[0].explanation, /does not have ESP_ERR_WOLFSSL_SSL_HANDSHAKE_FAILED/);
    assert.doesNotMatch(only('0x8035', '5.1')[0].explanation, /does not have/);
    assert.match(only('0x801D')[0].notes.join(), /exists only in ESP-IDF v5.5.2/);
  });
});

describe('explanations of the codes people hit', () => {
  const rulesOf = (r: DecodedCode) => r.hints.map((h) => h.rule).filter(Boolean);
  const cases: [string, { flags?: number; idf?: string }, string[]][] = [
    ['-0x2700', { flags: 0x08 }, ['cert-leaf-as-trust-anchor', 'tls-no-server-verification']],
    ['-0x2700', { flags: 0x04 }, ['mbedtls-hostname-missing']],
    ['-0x2700', { flags: 0x01 }, ['cert-expired', 'sdkconfig-clock-never-set']],
    ['-0x2700', { flags: 0x200 }, ['sdkconfig-clock-never-set']],
    ['-0x2700', { flags: 0x4000 }, ['cert-algorithm-disabled']],
    ['-0x2700', { flags: 0x10000 }, ['cert-algorithm-disabled']],
    ['-0x2700', {}, ['cert-leaf-as-trust-anchor']],
    ['-0x2180', {}, ['pem-not-nul-terminated']],
    ['-0x3000', {}, ['sdkconfig-bundle-unavailable']],
    ['-0x7780', {}, ['sdkconfig-no-common-ciphersuite']],
    ['-0x7880', {}, []],
    ['-0x7F00', {}, ['sdkconfig-record-size-too-small']],
    ['-0x7200', {}, ['sdkconfig-record-size-too-small']],
    ['-0x6E00', { idf: '5.5' }, ['sdkconfig-no-common-ciphersuite']],
    ['-0x6E00', { idf: '4.4' }, []],
    ['-0x5D80', { idf: '5.5' }, ['mbedtls-hostname-missing']],
    ['-0x5D80', { idf: '4.4' }, ['mbedtls-hostname-missing']],
    ['-0x2080', {}, ['cert-algorithm-disabled']],
    ['-0x0050', {}, ['sdkconfig-no-common-ciphersuite']],
    ['-0x004C', {}, []],
    ['0x8017', {}, ['tls-no-server-verification']],
    ['0x801A', {}, []],
  ];
  for (const [input, opts, rules] of cases) {
    it(`${input}${opts.flags !== undefined ? ` flags 0x${opts.flags.toString(16)}` : ''}${opts.idf ? ` (IDF ${opts.idf})` : ''}`, () => {
      for (const r of only(input, opts.idf, { flags: opts.flags })) {
        assert.ok(r.explanation.length > 60, r.explanation);
        assert.doesNotMatch(r.explanation, /^MBEDTLS_ERR_|^A composite code/, 'a hand-written explanation');
        for (const rule of rules) assert.ok(rulesOf(r).includes(rule), `${input}: ${rule} in ${rulesOf(r).join(', ')}`);
        for (const rule of rulesOf(r)) assert.ok(ruleInfo(rule!), `unknown rule ${rule}`);
        if (opts.flags !== undefined) assert.equal(r.flags?.length, 1);
      }
    });
  }

  it('-0x2700 NOT_TRUSTED says to look at the chain the server sends', () => {
    const [r] = only('-0x2700', '5.5', { flags: 8 });
    assert.ok(r.hints.some((h) => h.text.includes('openssl s_client -showcerts -connect host:443')));
  });

  it('every hint of every explained code names a real rule', () => {
    for (const code of EXPLAINED_MBEDTLS_CODES) {
      for (const r of only(key(code))) for (const h of r.hints) if (h.rule) assert.ok(ruleInfo(h.rule), `${key(code)}: ${h.rule}`);
    }
  });

  it('codes without a written explanation get one from their parts', () => {
    const [r] = only('-0x4080', '5.5');
    assert.match(r.explanation, /MBEDTLS_ERR_RSA_BAD_INPUT_DATA/);
  });
});

describe('issue 18: the codes people hit, and PSA status codes', () => {
  it('explains -0x7280, -0x7100, -0x7180, -0x6C00, -0x0010, -0x2780, -0x1280, -0x1F00 in ESP32 terms, not only the library string', () => {
    const cases: [string, RegExp][] = [
      ['-0x7280', /does not speak TLS/], ['-0x7100', /host name longer than 255 bytes/], ['-0x7180', /integrity check/],
      ['-0x0010', /ran out of heap during RSA or ECC/], ['-0x2780', /neither PEM nor DER/], ['-0x1280', /encrypted with an algorithm/],
      ['-0x1F00', /encryption scheme this build lacks/],
    ];
    for (const [code, re] of cases) {
      const r = decodeCode(code, { idfVersion: '5.3' });
      assert.ok(r.ok, code);
      assert.match(r.results[0].explanation, re, code);
    }
    const v5 = decodeCode('-0x6C00', { idfVersion: '5.1' });
    assert.ok(v5.ok);
    assert.match(v5.results[0].explanation, /TLS 1\.3 in a release whose esp-tls does not support it/);
  });

  it('reads PSA status codes in decimal, as unsigned 32-bit hex and by name; a value there is never a composite mbedTLS code', () => {
    for (const input of ['-141', '0xffffff73', 'FFFFFF73', 'PSA_ERROR_INSUFFICIENT_MEMORY']) {
      const r = decodeCode(input);
      assert.ok(r.ok, input);
      assert.equal(r.results[0].kind, 'psa', input);
      assert.equal(r.results[0].value, '-141', input);
      assert.match(r.results[0].explanation, /ran out of heap/, input);
    }
    const bad = decodeCode('-137');
    assert.ok(bad.ok);
    assert.match(bad.results[0].explanation, /psa_crypto_init\(\)/);
    const mbed = decodeCode('-0x2700');
    assert.ok(mbed.ok);
    assert.equal(mbed.results[0].kind, 'mbedtls', 'hex codes stay mbedTLS codes');
  });
});

describe('issue 18: the Mbed TLS a release really ships (data/idf-mbedtls.json, read at each tag)', () => {
  const note = (idf: string) => { const r = decodeCode('-0x2700', { idfVersion: idf }); assert.ok(r.ok); return r.results[0].notes.join(' '); };
  it('names the exact version for a tag, and says the table is another series\'', () => {
    assert.match(note('4.0.4'), /ESP-IDF v4\.0\.4 ships Mbed TLS 2\.16\.11; decoded with 2\.28's table/);
    assert.match(note('5.0.4'), /ships Mbed TLS 3\.4\.1;/);
    assert.match(note('5.2.1'), /ships Mbed TLS 3\.5\.2;/);
    assert.match(note('6.0.2'), /ships Mbed TLS 4\.1\.1 \(PSA first/);
  });
  it('spans a release line given without its patch, and stays silent when the table is the shipped series', () => {
    assert.match(note('5.1'), /Mbed TLS 3\.4\.0 \(v5\.1\) … 3\.6\.5 \(v5\.1\.7\)/);
    assert.match(note('4.4'), /2\.16\.12 \(v4\.4\) … 2\.28\.8 \(v4\.4\.8\)/, 'v4.4 itself still shipped 2.16; 2.28 came with v4.4.1');
    assert.equal(note('4.4.8'), '');
    assert.equal(note('5.3.5'), '');
    assert.equal(note('5.5.9'), '', 'past the newest tag: 3.6.6 or later, still the 3.6 series');
    assert.equal(note('7.2'), '', 'a release the table does not reach says nothing');
  });
});

describe('issue 18: codes the ESP-IDF tracker shows often get an ESP32 reading, not only the library string', () => {
  const explanation = (code: string) => { const r = decodeCode(code, { idfVersion: '5.3' }); assert.ok(r.ok); return r.results[0].explanation; };
  it('network codes say the failure is before TLS, non-blocking codes say they are not errors', () => {
    assert.match(explanation('-0x0052'), /^DNS failed/);
    assert.match(explanation('-0x0044'), /before TLS began.*Not a certificate or TLS problem/);
    assert.match(explanation('-0x6900'), /^Not an error on a non-blocking connection/);
  });
  it('handshake codes name what to check on the device', () => {
    assert.match(explanation('-0x6E80'), /TLS 1\.0\/1\.1/);
    assert.match(explanation('-0x6D00'), /client key \(clientkey_buf\) does not belong to the client certificate/);
    assert.match(explanation('-0x7A00'), /Certificate message/);
    assert.match(explanation('-0x3C80'), /Ed25519/);
  });
});
