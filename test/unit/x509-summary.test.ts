import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAll, type CertInfo } from '../../server/src/x509/certificate';
import { certificateSummary, validityText } from '../../server/src/x509/summary';
import { makeChain, makeSelfSigned, type CertSpec, type ChainOptions } from '../support/certs';

const now = new Date('2026-01-01T12:00:00Z');

async function leafOf(leaf: CertSpec, opts: Partial<ChainOptions> = {}): Promise<CertInfo> {
  const chain = await makeChain({ now, ...opts, leaf });
  return (await decodeAll(chain.leaf.pem))[0].cert!;
}

describe('certificateSummary', () => {
  it('a leaf: subject CN, issuer, validity with days left, role, key, hash, SANs, fingerprint, sizes', async () => {
    const chain = await makeChain({ now, key: 'p256', leaf: { dns: ['device.example.com'], ip: ['192.0.2.1'] } });
    const leaf = (await decodeAll(chain.leaf.pem))[0].cert!;
    const { lines, markdown } = certificateSummary(leaf, now);
    assert.deepEqual(lines, [
      'Subject: device.example.com',
      'Issuer: Test Intermediate CA',
      'Valid: 2025-12-22 to 2026-04-01 (90 days left)',
      'Role: leaf',
      'Key: EC P-256',
      'Signature: ecdsa-with-SHA256 (SHA-256)',
      'SAN: device.example.com, 192.0.2.1',
      `SHA-256: ${leaf.sha256}`,
      `Size: ${leaf.derSize} bytes DER, ${chain.leaf.pem.trimEnd().length} bytes PEM`,
    ]);
    assert.ok(markdown.startsWith('**Subject:** device.example.com  \n**Issuer:** Test Intermediate CA  \n'));
  });

  it('roots and intermediates: role with pathlen, self-issued issuer, RSA key size, SHA-1', async () => {
    const chain = await makeChain({ now, key: 'rsa2048', hash: 'SHA-1', intermediate: { pathLength: 1 } });
    const [root, intermediate] = await Promise.all([chain.root.pem, chain.intermediate.pem].map(async (p) => (await decodeAll(p))[0].cert!));
    const r = certificateSummary(root, now).lines;
    assert.ok(r.includes('Issuer: Test Root CA (self-issued)'));
    assert.ok(r.includes('Role: root CA'));
    assert.ok(r.includes('Key: RSA 2048'));
    assert.ok(r.includes('Signature: sha1WithRSAEncryption (SHA-1)'));
    assert.ok(!r.some((l) => l.startsWith('SAN:')));
    assert.ok(certificateSummary(intermediate, now).lines.includes('Role: intermediate CA (pathlen 1)'));
  });

  it('a self-signed server certificate says so', async () => {
    const cert = (await decodeAll((await makeSelfSigned(now, { ca: false, key: 'ed25519', dns: ['a.local'] })).pem))[0].cert!;
    const lines = certificateSummary(cert, now).lines;
    assert.ok(lines.includes('Role: self-signed leaf (not a CA)'));
    assert.ok(lines.includes('Key: Ed25519'));
    assert.ok(lines.includes('Signature: Ed25519'));
  });

  it('expired, not yet valid, expiring within a day', async () => {
    assert.match(validityText(await leafOf({ notBefore: -400, notAfter: -5 }), now), /\(expired 5 days ago\)$/);
    assert.match(validityText(await leafOf({ notBefore: -400, notAfter: -1 }), now), /\(expired 1 day ago\)$/);
    assert.match(validityText(await leafOf({ notBefore: 3, notAfter: 300 }), now), /\(not valid yet: starts in 3 days\)$/);
    assert.match(validityText(await leafOf({ notBefore: -10, notAfter: 0.5 }), now), /\(expires within a day\)$/);
    assert.match(validityText(await leafOf({ notBefore: -10, notAfter: 30 }), new Date(now.getTime() + 86_400_000)), /\(29 days left\)$/);
  });

  it('lists the first SANs only, and escapes Markdown in names', async () => {
    const leaf = await leafOf({ dns: ['*.example.com', 'a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e_x.example.com'] });
    const { lines, markdown } = certificateSummary(leaf, now);
    assert.ok(lines.includes('SAN: *.example.com, a.example.com, b.example.com, c.example.com, +2 more'));
    assert.ok(markdown.includes('**SAN:** \\*.example.com, a.example.com'));
  });
});

describe('day counts (issue 20: one count everywhere)', () => {
  it('counts whole days: 29.6 days before the end is "29 days", in every view', async () => {
    const { daysUntil, daysSince, DAY_MS } = await import('../../server/src/x509/days');
    const now = new Date('2026-12-03T12:00:00Z');
    assert.equal(daysUntil(new Date(now.getTime() + 29.6 * DAY_MS), now), 29);
    assert.equal(daysUntil(new Date(now.getTime() + 0.4 * DAY_MS), now), 0);
    assert.equal(daysSince(new Date(now.getTime() - 3.9 * DAY_MS), now), 3);
  });
});
