// Analyses a chain as a server presented it, in the manner of SSL Labs: order, missing intermediates,
// root sent, which known root anchors it (Node's Mozilla list; ESP-IDF's CMN bundle per release),
// validity against `now`, cross-signs by expired roots (the DST Root CA X3 pattern), SHA-1 and weak
// keys, and the host name against the leaf's SANs (RFC 6125). Output: DESIGN.md §3 `chain --json`.
import { pemOf } from '../x509/bundle';
import { DAY_MS, daysUntil } from '../x509/days';
import net from 'node:net';
import { decodeCertificate, verifySignedBy, type CertInfo } from '../x509/certificate';
import { nameKey } from '../x509/names';
import { caName, findKnownIssuer, idfCommonBundleReleases, inIdfCommonBundle, isMozillaRoot } from '../x509/trustStores';
import { FetchChainError, type FetchedChain, type FetchProblem } from './fetchChain';

export type ChainProblem = FetchProblem;

export interface PresentedCert {
  pem: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

export interface ChainReport {
  host: string;
  port: number;
  servername: string | null;
  protocol: string;
  presented: PresentedCert[];
  anchor: { subject: string; source: 'mozilla' | 'presented' | 'extra'; pem: string } | null;
  problems: ChainProblem[];
  /** Beyond the contract: */
  exactAsSent: boolean;
  /** The chain reaches a trusted root (Mozilla or an extra root) and no problem is an error. */
  trusted: boolean;
  /** Indices of the presented certificates on the leaf's path, leaf first (the others are unrelated). */
  path: number[];
  /** The presented certificates decoded (undefined where one cannot be), and the anchor's: for views, not JSON. */
  decoded: (CertInfo | undefined)[];
  anchorCert?: CertInfo;
}

export interface AnalyzeOptions {
  now: Date;
  /** "5.3" or "5.3.1"; when absent the newest release in the CMN table is used. */
  idfVersion?: string;
  expiresSoonDays?: number;
  /** Roots the caller trusts besides Mozilla's (e.g. a private CA the device holds). */
  extraRoots?: Uint8Array[];
  /** Cancels the analysis (the editor's cancellation, the command's --timeout): it throws FetchChainError 'aborted'. */
  signal?: AbortSignal;
}

/** Leaf + MBEDTLS_X509_MAX_INTERMEDIATE_CA (8) + root. */
const MAX_SENSIBLE_CHAIN = 10;
/**
 * Certificates examined at most: a device reads a Certificate message of 16 KB at most (about a dozen
 * certificates), and a hostile server sending hundreds with the same name would otherwise cost a
 * signature check per pair.
 */
const MAX_EXAMINED = 32;

/** Roots that expired while still cross-signing widely used CAs. */
const EXPIRED_ROOTS: Array<{ subject: string; notAfter: Date; name: string }> = [
  { subject: 'CN=DST Root CA X3, O=Digital Signature Trust Co.', notAfter: new Date('2021-09-30T14:01:15Z'), name: 'DST Root CA X3' },
  { subject: 'CN=AddTrust External CA Root, OU=AddTrust External TTP Network, O=AddTrust AB, C=SE', notAfter: new Date('2020-05-30T10:48:38Z'), name: 'AddTrust External CA Root' },
];

/** A certificate as PEM (x509/bundle.ts writes it the one way). */
export const toPem = pemOf;

function label(c: CertInfo): string {
  return `"${c.subjectCN ?? c.subject}"`;
}

export async function analyzeChain(chain: FetchedChain, opts: AnalyzeOptions): Promise<ChainReport> {
  const problems: ChainProblem[] = [...chain.problems];
  const add = (id: string, severity: ChainProblem['severity'], message: string): void => { problems.push({ id, severity, message }); };
  const certs: CertInfo[] = [];
  const presented: PresentedCert[] = [];
  const decoded: (CertInfo | undefined)[] = [];
  const examined = chain.presented.slice(0, MAX_EXAMINED);
  if (chain.presented.length > MAX_EXAMINED) {
    add('chain-too-long', 'error', `the server sent ${chain.presented.length} certificates; only the first ${MAX_EXAMINED} were examined. mbedTLS follows at most ${MAX_SENSIBLE_CHAIN - 2} intermediates ` +
      '(MBEDTLS_X509_MAX_INTERMEDIATE_CA) and reads a Certificate message of at most its 16 KB input buffer; send only the leaf and its intermediates');
  }
  for (const [i, der] of examined.entries()) {
    stopIf(opts.signal);
    try {
      const c = await decodeCertificate(der);
      certs.push(c);
      decoded[i] = c;
      presented.push({ pem: toPem(der), subject: c.subject, issuer: c.issuer, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), sha256: c.sha256 });
    } catch (e) {
      add('malformed', 'error', `certificate #${i + 1} cannot be decoded: ${(e as Error).message}`);
      presented.push({ pem: toPem(der), subject: '', issuer: '', notBefore: '', notAfter: '', sha256: '' });
    }
  }
  const base = { host: chain.host, port: chain.port, servername: chain.servername, protocol: chain.protocol, presented, exactAsSent: chain.exactAsSent, decoded };
  if (certs.length === 0 || certs.length !== examined.length) {
    if (certs.length === 0) add('no-certificate', 'error', 'the server sent no certificate');
    return { ...base, anchor: null, problems, trusted: false, path: [] };
  }

  const extra = await Promise.all((opts.extraRoots ?? []).map((d) => decodeCertificate(d).catch(() => undefined)));
  const extraRoots = extra.filter((r): r is CertInfo => !!r);
  // The path from the leaf: each step is the presented certificate whose key verifies the current one.
  // With two candidates (a cross-signed copy of an intermediate), the one that reaches a trusted root wins.
  const path: number[] = [0];
  const alternatives: number[] = [];
  // No longer than a device would follow: the same name repeated cannot make this quadratic in the chain.
  while (path.length <= MAX_SENSIBLE_CHAIN) {
    stopIf(opts.signal);
    const cur = certs[path[path.length - 1]];
    if (cur.selfSigned) break;
    const candidates: number[] = [];
    for (let j = 0; j < certs.length; j++) {
      if (path.includes(j) || nameKey(certs[j].subject) !== nameKey(cur.issuer)) continue;
      if (await verifySignedBy(cur, certs[j])) candidates.push(j);
    }
    if (!candidates.length) break;
    let next = candidates[0];
    if (candidates.length > 1) {
      for (const j of candidates) if (await reachesTrust(certs[j], extraRoots)) { next = j; break; }
    }
    alternatives.push(...candidates.filter((j) => j !== next));
    path.push(next);
  }
  const top = certs[path[path.length - 1]];

  // Order: certificate i must be issued by certificate i+1.
  const inOrder = path.every((idx, k) => idx === k);
  const unrelated = certs.map((_, i) => i).filter((i) => !path.includes(i) && !alternatives.includes(i));
  for (const i of alternatives) {
    add('cross-signed', 'info', `certificate #${i + 1} ${label(certs[i])} is a second copy of an issuer on the path, signed by "${certs[i].issuerCN ?? certs[i].issuer}" (cross-signed): ` +
      'clients may build either path, and mbedTLS takes the first one it finds after the child');
  }
  if (!inOrder) {
    add('chain-order', 'warning', `the certificates are not in order (leaf first, each issued by the next): the path is #${path.map((i) => i + 1).join(' → #')}; ` +
      'mbedTLS (ESP-IDF) expects each certificate to be followed by its issuer');
  }
  if (unrelated.length > 3) {
    add('chain-order', 'warning', `${unrelated.length} certificates (#${unrelated[0] + 1} to #${unrelated.at(-1)! + 1}) are not part of the leaf's chain (extra or stale certificates the server should not send)`);
  } else for (const i of unrelated) {
    add('chain-order', 'warning', `certificate #${i + 1} ${label(certs[i])} is not part of the leaf's chain (an extra or stale certificate the server should not send)`);
  }
  if (certs.length > MAX_SENSIBLE_CHAIN && chain.presented.length <= MAX_EXAMINED) {
    const bytes = chain.flight?.certificateBytes;
    add('chain-too-long', 'error', `the server sent ${certs.length} certificates${bytes ? ` (${bytes} bytes)` : ''}: mbedTLS follows at most ${MAX_SENSIBLE_CHAIN - 2} intermediates ` +
      `(MBEDTLS_X509_MAX_INTERMEDIATE_CA)${bytes && bytes > 16384 ? ' and the Certificate message does not fit the device\'s 16 KB input buffer' : ''}; send only the leaf and its intermediates`);
  }

  // The anchor.
  let anchor: ChainReport['anchor'] = null;
  let anchorCert: CertInfo | undefined;
  let anchorIsMozilla = false;
  // A presented certificate that is itself (or shares subject and key with) a known root ends the path there.
  let cut = path.length;
  for (let k = 0; k < path.length; k++) {
    const c = certs[path[k]];
    if (c.selfSigned && isMozillaRoot(c)) { anchorCert = c; anchorIsMozilla = true; cut = k + 1; break; }
    const known = k > 0 ? await findKnownIssuer(certs[path[k - 1]]) : undefined;
    if (known && !c.selfSigned && nameKey(known.root.subject) === nameKey(c.subject)) {
      // A cross-signed copy of a Mozilla root: the device can stop at the root it holds.
      anchorCert = known.root; anchorIsMozilla = true; cut = k; break;
    }
  }
  if (!anchorCert) {
    const known = await findKnownIssuer(top);
    if (known) { anchorCert = known.root; anchorIsMozilla = true; }
  }
  if (anchorCert) {
    anchor = { subject: anchorCert.subject, source: 'mozilla', pem: toPem(anchorCert.der) };
  } else {
    for (const r of extra) {
      if (!r) continue;
      if ((top.selfSigned && r.sha256 === top.sha256) || (nameKey(r.subject) === nameKey(top.issuer) && await verifySignedBy(top, r))) {
        anchorCert = r; anchor = { subject: r.subject, source: 'extra', pem: toPem(r.der) }; break;
      }
    }
  }
  if (!anchorCert) {
    if (top.selfSigned) {
      anchor = { subject: top.subject, source: 'presented', pem: toPem(top.der) };
      add('untrusted-root', 'error', `the chain ends at the self-signed ${label(top)}, which is not a known public root: the device must hold it (or its private CA) as the trust anchor`);
    } else if (top.isCA) {
      add('untrusted-root', 'error', `the chain ends at ${label(top)}, issued by "${top.issuerCN ?? top.issuer}", which the server did not send and which is not a known public root: ` +
        'either an intermediate is missing or the issuer is a private CA the device must hold');
    } else {
      add('missing-intermediate', 'error', `the server sent no issuer for ${label(top)}: "${top.issuerCN ?? top.issuer}" is missing from the chain and is not a known root; ` +
        'browsers may fetch it (AIA) but mbedTLS on the device cannot');
    }
  }

  const rootIdx = path.slice(0, cut).find((i) => certs[i].selfSigned);
  if (rootIdx !== undefined && path.length > 1) {
    add('root-sent', 'info', `the server sends the root ${label(certs[rootIdx])} (#${rootIdx + 1}); harmless, but the device already holds its roots and it costs ${certs[rootIdx].derSize} bytes of handshake`);
  }

  // ESP-IDF CMN bundle.
  if (anchorCert && anchorIsMozilla) {
    const versions = idfCommonBundleReleases();
    const asked = opts.idfVersion?.replace(/^v/, '').match(/^(\d+)\.(\d+)/);
    const idf = asked ? { major: Number(asked[1]), minor: Number(asked[2]) } : newestIdf(versions);
    if (idf) {
      const inCmn = inIdfCommonBundle(anchorCert, idf);
      if (inCmn === false) {
        add('not-in-cmn-bundle', 'warning', `the root ${caName(anchorCert)} is not in ESP-IDF ${idf.major}.${idf.minor}'s common (CMN) certificate bundle: ` +
          'with CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN the device cannot verify this server; use the full bundle or add the root');
      } else if (inCmn === undefined && asked) {
        add('not-in-cmn-bundle', 'info', `ESP-IDF ${idf.major}.${idf.minor} is not in the CMN bundle table; bundle membership was not checked`);
      }
    }
  }

  // Validity, algorithms and keys of every presented certificate.
  const soonMs = (opts.expiresSoonDays ?? 30) * DAY_MS;
  const now = opts.now;
  for (const [i, c] of certs.entries()) {
    const onPath = path.slice(0, cut).includes(i);
    const where = `#${i + 1} ${label(c)}`;
    if (now > c.notAfter) add('expired', onPath ? 'error' : 'warning', `${where} expired on ${c.notAfter.toISOString().slice(0, 10)}`);
    else if (now < c.notBefore) add('not-yet-valid', onPath ? 'error' : 'warning', `${where} is not valid until ${c.notBefore.toISOString().slice(0, 10)}`);
    else if (c.notAfter.getTime() - now.getTime() < soonMs) add('expires-soon', 'warning', `${where} expires on ${c.notAfter.toISOString().slice(0, 10)} (${daysUntil(c.notAfter, now)} days left)`);
    if (!c.selfSigned && (c.signature.hash === 'SHA-1' || c.signature.hash === 'MD5')) {
      add('sha1', c.signature.hash === 'MD5' ? 'error' : 'warning', `${where} is signed with ${c.signature.algorithm}; mbedTLS rejects ${c.signature.hash} signatures unless the default X.509 profile is relaxed`);
    }
    const bits = c.key.bits ?? 0;
    if ((c.key.type === 'RSA' && bits < 2048) || (c.key.type === 'EC' && bits > 0 && bits < 224)) {
      add('weak-key', c.key.type === 'RSA' && bits < 1024 ? 'error' : 'warning', `${where} has a weak ${c.key.type} ${bits}-bit key`);
    }
    // Cross-signed by an expired root.
    const expiredRoot = EXPIRED_ROOTS.find((r) => nameKey(r.subject) === nameKey(c.issuer) && now > r.notAfter);
    const expiredPresented = certs.find((p) => p !== c && p.selfSigned && now > p.notAfter && nameKey(p.subject) === nameKey(c.issuer));
    if (!c.selfSigned && (expiredRoot || expiredPresented)) {
      const rootName = expiredRoot?.name ?? expiredPresented!.subjectCN ?? expiredPresented!.subject;
      const expiredOn = (expiredRoot?.notAfter ?? expiredPresented!.notAfter).toISOString().slice(0, 10);
      add('cross-signed-by-expired-root', 'warning', `${where} is issued by ${rootName}, which expired on ${expiredOn}: clients that follow the chain as sent ` +
        `(older mbedTLS, ESP-IDF's bundle callback) end at the expired root; stop sending ${label(c)} or serve the chain to a current root`);
    }
  }

  // Host name.
  const name = chain.servername ?? chain.host;
  const mismatch = hostnameMismatch(certs[0], name);
  if (mismatch) add('hostname-mismatch', 'error', mismatch);

  const trusted = anchor !== null && (anchor.source === 'mozilla' || anchor.source === 'extra') && !problems.some((p) => p.severity === 'error');
  // A self-signed top that is no known root is still the anchor a device would have to hold.
  return { ...base, anchor, problems, trusted, path: path.slice(0, cut), anchorCert: anchorCert ?? (anchor?.source === 'presented' ? top : undefined) };
}

/** Does `c` end at a root we trust: a Mozilla root itself, issued by one, or by (or equal to) an extra root? */
function stopIf(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FetchChainError('aborted', signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? 'the chain could not be analysed within the time allowed' : 'cancelled');
}

async function reachesTrust(c: CertInfo, extra: CertInfo[]): Promise<boolean> {
  if (isMozillaRoot(c) || await findKnownIssuer(c)) return true;
  for (const r of extra) {
    if (r.sha256 === c.sha256 || (nameKey(r.subject) === nameKey(c.issuer) && await verifySignedBy(c, r))) return true;
  }
  return false;
}

function newestIdf(versions: string[]): { major: number; minor: number } | undefined {
  const parsed = versions.map((v) => v.split('.').map(Number)).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  return parsed[0] ? { major: parsed[0][0], minor: parsed[0][1] } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Host names (RFC 6125)

/** Undefined when the leaf is valid for `host`, else why not. */
export function hostnameMismatch(leaf: CertInfo, host: string): string | undefined {
  const names = [...leaf.san.dns, ...leaf.san.ip];
  if (net.isIP(host)) {
    const want = normalizeIp(host);
    if (leaf.san.ip.some((ip) => normalizeIp(ip) === want)) return undefined;
    return `the leaf has no IP SAN ${host} (${names.length ? `it names ${names.join(', ')}` : 'it has no SAN'}); mbedTLS and browsers ignore the CN for IP addresses`;
  }
  const h = host.toLowerCase().replace(/\.$/, '');
  if (leaf.san.dns.length === 0) {
    // mbedTLS falls back to the CN when there is no SAN; browsers do not.
    if (leaf.subjectCN && dnsMatches(leaf.subjectCN, h)) return `the leaf has no SAN and names ${host} only in its CN: mbedTLS accepts it, browsers and newer clients do not`;
    return `the leaf is not valid for ${host}: it has no DNS SAN${leaf.subjectCN ? ` (CN "${leaf.subjectCN}")` : ''}`;
  }
  if (leaf.san.dns.some((p) => dnsMatches(p, h))) return undefined;
  return `the leaf is not valid for ${host}: it names ${names.join(', ')}`;
}

/** RFC 6125 §6.4.3: a "*" only as the whole left-most label, matching exactly one label; never for IP
 * addresses or public-suffix-like two-label patterns ("*.com"). */
export function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (!p.includes('*')) return p === host;
  const [first, ...rest] = p.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((l) => l.includes('*'))) return false;
  const hostLabels = host.split('.');
  if (hostLabels.length !== rest.length + 1 || !hostLabels[0]) return false;
  return hostLabels.slice(1).join('.') === rest.join('.');
}

function normalizeIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  try {
    return new URL(`http://[${ip.replace(/^\[|\]$/g, '')}]/`).hostname;
  } catch {
    return ip.toLowerCase();
  }
}
