// Short human summaries of a certificate or a private key, for hovers, the CLI's `inspect` and
// finding messages. `now` is an input so that tests (and the CLI's --now) are reproducible.
import { DAY_MS, daysSince, daysUntil } from './days';
import type { CertInfo, PublicKeyFacts } from './certificate';
import type { KeyInfo } from './privateKey';

export interface Summary {
  lines: string[];
  markdown: string;
}

const MAX_SANS = 4;

export function certificateSummary(cert: CertInfo, now: Date): Summary {
  const rows: Array<[string, string]> = [
    ['Subject', cert.subjectCN ?? cert.subject],
    ['Issuer', cert.selfIssued ? `${cert.issuerCN ?? cert.issuer} (self-issued)` : (cert.issuerCN ?? cert.issuer)],
    ['Valid', validityText(cert, now)],
    ['Role', roleText(cert)],
    ['Key', keyText(cert.key)],
    ['Signature', cert.signature.hash ? `${cert.signature.algorithm} (${cert.signature.hash})` : cert.signature.algorithm],
  ];
  const sans = sanText(cert);
  if (sans) rows.push(['SAN', sans]);
  rows.push(['SHA-256', cert.sha256], ['Size', sizeText(cert)]);
  return render(rows);
}

export function keySummary(key: KeyInfo): Summary {
  const rows: Array<[string, string]> = [['Private key', privateKeyText(key)]];
  if (key.encrypted) rows.push(['Encrypted', key.encryption ? `yes (${key.encryption})` : 'yes']);
  if (key.problem) rows.push(['Problem', key.problem]);
  return render(rows);
}

/** "2025-01-01 to 2026-01-01 (30 days left)", "(expired 3 days ago)", "(not valid for 2 more days)". */
export function validityText(cert: CertInfo, now: Date): string {
  const range = `${day(cert.notBefore)} to ${day(cert.notAfter)}`;
  if (now < cert.notBefore) return `${range} (not valid yet: starts in ${count(Math.ceil((cert.notBefore.getTime() - now.getTime()) / DAY_MS), 'day')})`;
  if (now > cert.notAfter) {
    const ago = daysSince(cert.notAfter, now);
    return `${range} (${ago === 0 ? 'expired today' : `expired ${count(ago, 'day')} ago`})`;
  }
  const left = daysUntil(cert.notAfter, now);
  return `${range} (${left === 0 ? 'expires within a day' : `${count(left, 'day')} left`})`;
}

/** "root CA", "intermediate CA (pathlen 0)", "leaf", "self-signed leaf (not a CA)". */
export function roleText(cert: CertInfo): string {
  const pathlen = cert.pathLength !== undefined ? ` (pathlen ${cert.pathLength})` : '';
  if (cert.role === 'root') return cert.isCA === false ? 'self-signed leaf (not a CA)' : `root CA${pathlen}`;
  if (cert.role === 'intermediate') return `intermediate CA${pathlen}`;
  return 'leaf';
}

/** "RSA 2048", "EC P-256", "Ed25519". */
export function keyText(key: PublicKeyFacts | KeyInfo): string {
  const type = key.type ?? 'unknown';
  if (type === 'EC') return `EC ${key.curve ?? (key.bits ? `${key.bits} bits` : '')}`.trim();
  if (type === 'RSA' || type === 'DSA') return key.bits ? `${type} ${key.bits}` : type;
  return type === 'unknown' ? 'unknown key type' : type;
}

const FORMAT_TEXT: Record<KeyInfo['format'], string> = {
  pkcs8: 'PKCS#8',
  pkcs1: 'PKCS#1',
  sec1: 'SEC1',
  'pkcs8-encrypted': 'encrypted PKCS#8',
  'pem-encrypted': 'encrypted PEM (Proc-Type)',
  openssh: 'OpenSSH (mbedTLS cannot read it)',
  unknown: 'unrecognised format',
};

function privateKeyText(key: KeyInfo): string {
  const format = FORMAT_TEXT[key.format];
  return key.type ? `${format}, ${keyText(key)}` : format;
}

function sanText(cert: CertInfo): string | undefined {
  const all = [...cert.san.dns, ...cert.san.ip];
  if (all.length === 0) return undefined;
  const shown = all.slice(0, MAX_SANS).join(', ');
  return all.length > MAX_SANS ? `${shown}, +${all.length - MAX_SANS} more` : shown;
}

function sizeText(cert: CertInfo): string {
  return cert.pemSize !== undefined ? `${cert.derSize} bytes DER, ${cert.pemSize} bytes PEM` : `${cert.derSize} bytes DER`;
}

function day(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().slice(0, 10);
}

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function render(rows: Array<[string, string]>): Summary {
  return {
    lines: rows.map(([k, v]) => `${k}: ${v}`),
    // Two trailing spaces: a Markdown line break, so the hover stays one compact block.
    markdown: rows.map(([k, v]) => `**${k}:** ${escapeMarkdown(v)}`).join('  \n'),
  };
}

/** Names and SANs can hold *, _, [ and friends ("*.example.com"); values never start a line, so
 * list and heading markers need no escape. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|~])/g, '\\$1');
}
