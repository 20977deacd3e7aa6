import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findPemBlocks, isDer, type PemBlock } from '../../server/src/x509/pem';
import { makeSelfSigned } from '../support/certs';

const now = new Date('2026-01-01T00:00:00Z');
let pem: string;
let der: Uint8Array;

/** The lines of the test certificate: BEGIN, base64 lines, END. */
const lines = () => pem.trimEnd().split('\n');
const only = (text: string): PemBlock => {
  const blocks = findPemBlocks(text);
  assert.equal(blocks.length, 1, `one block in ${JSON.stringify(text.slice(0, 80))}`);
  return blocks[0];
};

before(async () => {
  const cert = await makeSelfSigned(now, { cn: 'PEM Test' });
  pem = cert.pem;
  der = cert.der;
});

describe('findPemBlocks: well-formed input', () => {
  it('decodes a certificate with offsets of the whole block and its body', () => {
    const text = `junk before\n${pem}trailing junk`;
    const b = only(text);
    assert.equal(b.label, 'CERTIFICATE');
    assert.equal(b.problem, undefined);
    assert.deepEqual(b.der, der);
    assert.equal(b.start, 'junk before\n'.length);
    assert.equal(text.slice(b.start, b.end), pem.trimEnd());
    assert.equal(text.slice(b.bodyStart, b.bodyStart + 4), 'MII'.concat(text[b.bodyStart + 3]));
    assert.ok(text.slice(b.bodyEnd).startsWith('-----END CERTIFICATE-----'));
  });

  it('finds several blocks of different kinds, in order, with junk between them', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';
    const text = `# bundle\n${pem}\nsome words\n${key}${pem}`;
    const blocks = findPemBlocks(text);
    assert.deepEqual(blocks.map((b) => b.label), ['CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE']);
    assert.ok(blocks.every((b) => !b.problem && b.der));
    assert.ok(blocks[0].end < blocks[1].start && blocks[1].end < blocks[2].start);
    assert.deepEqual(blocks[2].der, der);
  });

  it('accepts CRLF, trailing spaces, one space after BEGIN, no newline after END', () => {
    const crlf = pem.replace(/\n/g, '\r\n');
    assert.deepEqual(only(crlf).der, der);
    const spaced = lines().map((l, i) => (i === 0 ? `${l} ` : i < lines().length - 1 ? `${l}   ` : l)).join('\n');
    const b = only(spaced);
    assert.equal(b.problem, undefined);
    assert.deepEqual(b.der, der);
    assert.deepEqual(only(pem.trimEnd()).der, der);
  });

  it('counts offsets in UTF-16 code units', () => {
    const text = `😀 é ${pem}`;
    assert.equal(only(text).start, text.indexOf('-----BEGIN'));
  });

  it('reads RFC 1421 headers of legacy encrypted keys', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n';
    const b = only(text);
    assert.deepEqual(b.headers, { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,00112233445566778899AABBCCDDEEFF' });
    assert.deepEqual(b.der, new Uint8Array([0, 0, 0]));
  });
});

describe('findPemBlocks: problems, never exceptions', () => {
  it('reports a missing END line', () => {
    const text = `x\n${lines().slice(0, -1).join('\n')}\n`;
    const b = only(text);
    assert.equal(b.problem?.code, 'missing-end');
    assert.equal(b.problem?.message, '-----BEGIN CERTIFICATE----- without a matching END line');
    assert.equal(b.problem?.offset, 2);
    assert.equal(b.problem?.fatal, true);
    assert.equal(b.der, undefined);
  });

  it('reports a missing END before the next block, which still decodes', () => {
    const text = lines().slice(0, -1).join('\n') + '\n' + pem;
    const [first, second] = findPemBlocks(text);
    assert.equal(first.problem?.code, 'missing-end');
    assert.ok(first.end <= second.start);
    assert.deepEqual(second.der, der);
  });

  it('reports an END line without BEGIN', () => {
    const b = only(lines().slice(1).join('\n'));
    assert.equal(b.problem?.code, 'missing-begin');
    assert.match(b.problem?.message ?? '', /-----END CERTIFICATE----- without a BEGIN line/);
  });

  it('reports a label mismatch at the END line', () => {
    const text = pem.replace('END CERTIFICATE', 'END PRIVATE KEY');
    const b = only(text);
    assert.equal(b.problem?.code, 'label-mismatch');
    assert.equal(b.problem?.offset, text.indexOf('-----END'));
    assert.match(b.problem?.message ?? '', /-----BEGIN CERTIFICATE----- ends with -----END PRIVATE KEY-----/);
  });

  it('reports a delimiter with four dashes', () => {
    const b = only(pem.replace('-----BEGIN', '----BEGIN'));
    assert.equal(b.problem?.code, 'malformed-delimiter');
    assert.equal(b.problem?.offset, 0);
  });

  it('reports BEGIN not followed by a newline (a C literal missing "\\n")', () => {
    const text = pem.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----');
    const b = only(text);
    assert.equal(b.problem?.code, 'begin-no-newline');
    assert.equal(b.problem?.offset, '-----BEGIN CERTIFICATE-----'.length);
    assert.equal(b.problem?.pemError, '-0x1080');
    assert.equal(b.der, undefined);
  });

  it('reports the offset of the first invalid base64 character', () => {
    const l = lines();
    l[2] = l[2].slice(0, 10) + '!' + l[2].slice(11);
    const text = l.join('\n');
    const b = only(text);
    assert.equal(b.problem?.code, 'invalid-character');
    assert.equal(b.problem?.offset, text.indexOf('!'));
    assert.equal(b.problem?.pemError, '-0x112C');
    assert.match(b.problem?.message ?? '', /"!" is not a base64 character/);
  });

  it('rejects what mbedTLS rejects: indentation, tabs, lone CR, data after padding', () => {
    const l = lines();
    const cases: Array<[string, string, RegExp]> = [
      [[l[0], `  ${l[1]}`, ...l.slice(2)].join('\n'), '  ', /space/],
      [[l[0], `${l[1]}\t`, ...l.slice(2)].join('\n'), '\t', /a tab/],
      [[l[0], `${l[1].slice(0, 8)}\r${l[1].slice(8)}`, ...l.slice(2)].join('\n'), '\r', /carriage return/],
    ];
    for (const [text, bad, message] of cases) {
      const b = only(text);
      assert.equal(b.problem?.code, 'invalid-character', JSON.stringify(bad));
      assert.equal(b.problem?.offset, text.indexOf(bad, l[0].length));
      assert.match(b.problem?.message ?? '', message);
    }
    const padded = only('-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n');
    assert.equal(padded.problem?.code, 'invalid-character');
    assert.match(padded.problem?.message ?? '', /after the "=" padding/);
    assert.equal(only('-----BEGIN X-----\nA===\n-----END X-----').problem?.code, 'invalid-character');
  });

  it('reports a body whose length is not a multiple of 4', () => {
    const l = lines();
    l[3] = l[3].slice(1);
    const b = only(l.join('\n'));
    assert.equal(b.problem?.code, 'bad-length');
    assert.equal(b.problem?.fatal, true);
  });

  it('reports an empty body', () => {
    for (const text of ['-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\n  \n\n-----END CERTIFICATE-----']) {
      const b = only(text);
      assert.equal(b.problem?.code, 'empty-body');
      assert.equal(b.problem?.pemError, '-0x1100');
    }
  });

  it('flags two lines run together (non-fatal: mbedTLS still reads it) at the join', () => {
    const l = lines();
    const text = [l[0], l[1], l[2] + l[3], ...l.slice(4)].join('\n');
    const b = only(text);
    assert.equal(b.problem?.code, 'joined-lines');
    assert.equal(b.problem?.fatal, false);
    assert.equal(b.problem?.offset, text.indexOf(l[3]));
    assert.deepEqual(b.der, der);
  });

  it('flags a body that is one long line (every piece missing its "\\n")', () => {
    const l = lines();
    const text = `${l[0]}\n${l.slice(1, -1).join('')}\n${l[l.length - 1]}`;
    const b = only(text);
    assert.equal(b.problem?.code, 'joined-lines');
    assert.equal(b.problem?.offset, l[0].length + 1 + 64);
    assert.deepEqual(b.der, der);
  });

  it('returns nothing for text without PEM, and survives random text', () => {
    assert.deepEqual(findPemBlocks('no certificates here\n-----\n'), []);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
    const alphabet = 'AZaz09+/=- \n\r\t!-----BEGIN CERTIFICATE----------END CERTIFICATE-----';
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: Math.floor(rand() * 400) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      for (const b of findPemBlocks(text)) {
        assert.ok(b.der || b.problem, 'a block has DER or a problem');
        assert.ok(b.start <= b.end && b.end <= text.length);
      }
    }
  });
});

describe('isDer', () => {
  it('accepts a DER certificate, with a trailing NUL, or truncated', () => {
    assert.equal(isDer(der), true);
    assert.equal(isDer(new Uint8Array([...der, 0])), true);
    assert.equal(isDer(der.subarray(0, 100)), true);
  });

  it('rejects PEM text, short text starting with "0" and empty input', () => {
    assert.equal(isDer(new TextEncoder().encode(pem)), false);
    assert.equal(isDer(new TextEncoder().encode('0\nabc')), false);
    assert.equal(isDer(new Uint8Array()), false);
    assert.equal(isDer(new Uint8Array([0x30, 0x80, 1, 2])), false);
  });
});
