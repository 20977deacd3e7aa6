// Check Server Against Project: what esp-tls refuses before it connects, then the device's own Mbed TLS
// (net/realCheck.ts) for the handshake, and here the words for its verdicts: the error, the monitor lines,
// and why. The chain model below (x509_crt_verify_chain and ESP-IDF's bundle callback, esp_crt_bundle.c)
// only explains a failed verification, and only where its flags equal the stack's
// (test/unit/device-verify.test.ts keeps the two in step).
import net from 'node:net';
import { formatMbedtlsCode } from '../mbedtls/catalogue';
import { decodeVerifyFlags, mbedtlsParts } from '../mbedtls/decode';
import { suiteTable } from '../sdkconfig/ciphersuites';
import { decodeCertificate, verifySignedBy, type CertInfo } from '../x509/certificate';
import { nameKey } from '../x509/names';
import { caName, findKnownIssuer } from '../x509/trustStores';
import { dnsMatches } from './analyzeChain';
import type { DeviceProfile } from './deviceProfile';
import { deviceTls } from './deviceTls';
import { realCheck } from './realCheck';
import { ALERTS, serverFlight } from './fetchChain';

export interface DeviceCheckOptions {
  host: string;
  port: number;
  timeoutMs: number;
  now: Date;
  signal?: AbortSignal;
}

export interface Step { step: string; ok: boolean | null; detail: string }

export interface DeviceCheck {
  ok: boolean;
  /** The connection could not be made at all (network, timeout, cancelled). */
  error?: string;
  expected?: { code: string; name: string; flags?: string[]; log: string[]; reason: string };
  steps: Step[];
  protocol?: string;
  suite?: string;
  /** The device's Mbed TLS that ran the handshake ("Mbed TLS 3.6.6"); absent when it was modelled. */
  engine?: string;
}

const F = { EXPIRED: 0x01, CN_MISMATCH: 0x04, NOT_TRUSTED: 0x08, FUTURE: 0x200, BAD_MD: 0x4000, BAD_KEY: 0x10000 } as const;
/** MBEDTLS_X509_MAX_INTERMEDIATE_CA, unchanged by ESP-IDF. */
const MAX_INTERMEDIATE_CA = 8;
export const ERR = { FATAL_ALERT: -0x7780, CONN_EOF: -0x7280, INVALID_RECORD: -0x7200, CERT_VERIFY_FAILED: -0x2700, X509_FATAL: -0x3000 };

export async function checkLikeDevice(profile: DeviceProfile, opts: DeviceCheckOptions): Promise<DeviceCheck> {
  const steps: Step[] = [];
  const step = (name: string, ok: boolean | null, detail: string) => { steps.push({ step: name, ok, detail }); };
  step('Device', null, `${profile.notes.join('; ')}. Trusts ${profile.trust.label}. SNI ${profile.sni ?? '(none)'}; name checked: ${profile.checkName ?? '(none)'}.`);

  const early = beforeConnecting(profile);
  if (early) { step('Setup', false, early.reason); return { ok: false, expected: early, steps }; }
  if (profile.trust.kind === 'psk') {
    const error = 'the client authenticates with a pre-shared key (psk_hint_key), which this check does not read: nothing was checked';
    step('Trust', null, error);
    return { ok: false, error, steps };
  }
  // The device's own Mbed TLS answers (net/realCheck.ts); this file words its verdicts.
  return realCheck(profile, deviceTls(profile), opts, steps);
}

export type Expected = NonNullable<DeviceCheck['expected']>;

/** What esp-tls refuses before any packet is sent. */
function beforeConnecting(p: DeviceProfile): Expected | undefined {
  const t = p.trust;
  if (t.kind === 'none' && !t.skipVerify) {
    return espError('ESP_ERR_MBEDTLS_SSL_SETUP_FAILED', '0x8017', ['E esp-tls-mbedtls: No server verification option set in esp_tls_cfg_t structure. Check esp_tls API reference'],
      'the client sets no CA, bundle or global store, so esp-tls refuses to start the handshake');
  }
  if (t.kind === 'bundle' && !t.enabled) {
    return espError('ESP_ERR_INVALID_STATE', '0x103', ['E esp-tls-mbedtls: use_crt_bundle configured but not enabled in menuconfig: Please enable MBEDTLS_CERTIFICATE_BUNDLE option'],
      'the client attaches the certificate bundle, but CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is off');
  }
  if (!p.tls12 && !p.tls13) return espError('ESP_ERR_MBEDTLS_SSL_SETUP_FAILED', '0x8017', [], 'the sdkconfig enables neither TLS 1.2 nor TLS 1.3');
  return undefined;
}

function espError(name: string, code: string, log: string[], reason: string): Expected {
  return { code, name, log, reason };
}

/** The mbedTLS error, its name in this version, and the lines the monitor would show. */
export function expectation(p: DeviceProfile, code: number, reason: string, flags = 0, extraLog: string[] = []): Expected {
  const hex = formatMbedtlsCode(code);
  const name = mbedtlsParts(code, p.mbedtls).map((x) => x.name).filter(Boolean).join(' + ') || 'unknown';
  const decoded = flags ? decodeVerifyFlags(flags) : [];
  const log = [...extraLog, `E esp-tls-mbedtls: mbedtls_ssl_handshake returned ${hex}`];
  if (flags) log.push('I esp-tls-mbedtls: Failed to verify peer certificate!', ...decoded.map((f) => `D esp-tls-mbedtls: verification info:   ! ${f.text}`));
  return { code: hex, name, reason, log, ...(flags ? { flags: decoded.map((f) => f.name) } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Why the handshake failed, in words

/** Why the server sent a fatal alert: asked again with a common client's list, what it picks tells what the sdkconfig lacks. */
export async function alertReason(p: DeviceProfile, o: Pick<DeviceCheckOptions, 'host' | 'port' | 'signal'>, servername: string | null, alertCode: number, offered: string, timeoutMs: number): Promise<string> {
  const alert = ALERTS[alertCode] ?? String(alertCode);
  const refusal = alertCode === 40 || alertCode === 70 || alertCode === 71;
  const probe = refusal ? await serverFlight({ host: o.host, port: o.port, servername, timeoutMs, signal: o.signal }).catch(() => undefined) : undefined;
  let why: string;
  if (alertCode === 70 && !p.tls13) why = 'the server does not accept TLS 1.2 (TLS 1.3 only), and this sdkconfig does not enable CONFIG_MBEDTLS_SSL_PROTO_TLS1_3';
  else if (probe && [...p.suites12, ...p.suites13].some((s) => s.id === probe.suite)) why = groupsRefused(p, suiteName(probe.suite, p));
  else if (probe) why = `the server shares no cipher suite or group with the device: offered a common client's list, it picks ${suiteName(probe.suite, p)}, which this sdkconfig leaves out`;
  else if (alertCode === 40 || alertCode === 71) why = 'the server shares no cipher suite or group with the device (it refuses a common client\'s list too: it may accept only TLS 1.3)';
  else if (alertCode === 116 || alertCode === 42) why = 'the server requires a client certificate, and the device sent none (set clientcert_buf and clientkey_buf)';
  else why = `the server ended the handshake with alert ${alert}`;
  return `offered ${offered}; the server answered with the fatal alert ${alert}: ${why}`;
}

/** The server takes a suite the device offers, so what it refused is the device's groups. */
function groupsRefused(p: DeviceProfile, suite: string): string {
  const off = p.curvesOff.length ? `; this build leaves out ${p.curvesOff.map((id) => CURVE_NAMES[id]).join(', ')}` : '';
  return `the server accepts ${suite}, which the device offers, so it refused the device's groups (${p.groups.map((g) => g.name).join(', ') || 'none'})${off}: `
    + 'its certificate\'s curve or its key exchange needs a curve the device does not have (CONFIG_MBEDTLS_ECP_DP_*_ENABLED)';
}

/** mbedtls_ecp_group_id → the curve's name (ecp.h). */
export const CURVE_NAMES = ['', 'secp192r1', 'secp224r1', 'secp256r1', 'secp384r1', 'secp521r1', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1', 'x25519', 'secp192k1', 'secp224k1', 'secp256k1', 'x448'];

export function suiteName(id: number, p: DeviceProfile): string {
  const s = suiteTable(p.mbedtls).find((x) => x.id === id) ?? suiteTable('3.6').find((x) => x.id === id);
  return s ? s.iana : `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function recordTooLongText(p: DeviceProfile, length: number): string {
  return `the server sent a ${length}-byte record, but the device's input buffer holds ${p.inContentLen} bytes ` +
    '(CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN): mbedTLS drops the record as invalid. Raise it to 16384 or make the server send smaller records';
}

export async function decodeAll(ders: Uint8Array[]): Promise<CertInfo[] | string> {
  if (!ders.length) return 'the server sent no certificate';
  const out: CertInfo[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      out.push(await decodeCertificate(der));
    } catch (e) {
      return `certificate #${i + 1} cannot be parsed (${(e as Error).message}): mbedTLS fails the handshake on it`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The chain, as x509_crt_verify_chain walks it

interface Link { cert: CertInfo; flags: number; trusted: boolean }

export async function verifyChain(certs: CertInfo[], p: DeviceProfile, now: Date): Promise<{ steps: Step[]; expected?: Expected; flags?: number }> {
  const steps: Step[] = [];
  const t = p.trust;
  if (t.kind === 'psk') return { steps: [{ step: 'Trust', ok: null, detail: 'the client authenticates with a pre-shared key; the certificate is not what the device checks' }] };
  if (t.kind === 'none') return { steps: [{ step: 'Trust', ok: null, detail: 'CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY: the device accepts any server, this one included (and any attacker)' }] };
  if ((t.kind === 'ca' || t.kind === 'global') && t.unreadable) {
    return { steps: [{ step: 'Trust', ok: null, detail: `${t.unreadable}; the chain was not verified` }] };
  }
  const anchors = t.kind === 'bundle' ? [] : t.roots;
  const walk = await walkChain(certs, anchors, p, now);
  if (walk.fatal) {
    const reason = `the chain has more than ${MAX_INTERMEDIATE_CA} intermediates (MBEDTLS_X509_MAX_INTERMEDIATE_CA)`;
    steps.push({ step: 'Trust', ok: false, detail: reason });
    return { steps, expected: expectation(p, ERR.X509_FATAL, reason) };
  }
  const top = walk.links[walk.links.length - 1];
  let callbackFailed = false;
  let anchorName: string | undefined = top.trusted ? top.cert.subjectCN ?? top.cert.subject : undefined;
  if (t.kind === 'bundle' && (top.flags & ~F.BAD_MD) === F.NOT_TRUSTED) {
    // esp_crt_verify_callback: the issuer of the topmost certificate, looked up in the bundle by name, its key checked.
    const root = await bundleIssuer(top.cert, t.roots);
    if (root) { top.flags = 0; anchorName = caName(root); } else callbackFailed = true;
  }
  steps.push(...await describeTrust(walk.links, p, anchorName, callbackFailed));
  const flags = walk.links.reduce((m, l) => m | l.flags, 0) | nameFlags(certs[0], p, steps);
  const datesNote = !p.checksDates ? datesIgnored(certs, now) : undefined;
  if (datesNote) steps.push({ step: 'Dates', ok: null, detail: datesNote });
  if (!flags) return { steps };
  // esp_crt_bundle.c's callback fails the verification when no root of the bundle verifies the chain (with
  // MBEDTLS_ERR_X509_FATAL_ERROR before v5.4, CERT_VERIFY_FAILED since), and mbedTLS turns any failing callback
  // into MBEDTLS_ERR_X509_FATAL_ERROR (x509_crt.c, "prevent misuse of the vrfy callback"): -0x3000 in every
  // release, as the device's Mbed TLS shows (test/unit/device-check.test.ts) and IDF 6 monitor logs print.
  const bundleCode = t.kind === 'bundle' && callbackFailed ? ERR.X509_FATAL : ERR.CERT_VERIFY_FAILED;
  const reason = steps.filter((s) => s.ok === false).map((s) => s.detail).join('; ');
  const extra = callbackFailed ? ['E esp-x509-crt-bundle: Failed to verify certificate'] : [];
  return { steps, flags, expected: expectation(p, bundleCode, reason, flags, extra) };
}

async function walkChain(certs: CertInfo[], anchors: CertInfo[], p: DeviceProfile, now: Date): Promise<{ links: Link[]; fatal: boolean }> {
  const links: Link[] = [];
  let child = certs[0];
  let at = 0;
  let trusted = false;
  for (;;) {
    const link: Link = { cert: child, flags: dateFlags(child, p, now), trusted };
    links.push(link);
    if (trusted) return { links, fatal: false };
    if (child.signature.hash === 'SHA-1' || child.signature.hash === 'MD5') link.flags |= F.BAD_MD;
    // A self-signed server certificate that is itself in the trusted list is accepted as is.
    if (links.length === 1 && child.selfSigned && anchors.some((a) => a.sha256 === child.sha256)) { link.trusted = true; return { links, fatal: false }; }
    const fromAnchors = await parentIn(child, anchors, p, now);
    let parent = fromAnchors;
    if (!parent) {
      // Only certificates after the child in the list are candidates (x509_crt_find_parent_in walks child->next).
      for (let j = at + 1; j < certs.length && !parent; j++) {
        if (certs[j].isCA !== false && nameKey(certs[j].subject) === nameKey(child.issuer) && !child.selfSigned && await verifySignedBy(child, certs[j])) { parent = certs[j]; at = j; }
      }
    }
    if (!parent) { link.flags |= F.NOT_TRUSTED; return { links, fatal: false }; }
    if (!fromAnchors && links.length > MAX_INTERMEDIATE_CA) return { links, fatal: true };
    if (parent.key.type === 'RSA' && (parent.key.bits ?? 0) < 2048) link.flags |= F.BAD_KEY;
    child = parent;
    trusted = !!fromAnchors;
  }
}

/** A trusted certificate named as `child`'s issuer whose key verifies it; an unexpired one first, as mbedTLS prefers. */
async function parentIn(child: CertInfo, anchors: CertInfo[], p: DeviceProfile, now: Date): Promise<CertInfo | undefined> {
  const named = anchors.filter((a) => nameKey(a.subject) === nameKey(child.issuer));
  named.sort((a, b) => dateFlags(a, p, now) - dateFlags(b, p, now));
  for (const a of named) if (await verifySignedBy(child, a)) return a;
  return undefined;
}

async function bundleIssuer(cert: CertInfo, roots: CertInfo[]): Promise<CertInfo | undefined> {
  for (const r of roots) if (nameKey(r.subject) === nameKey(cert.issuer) && await verifySignedBy(cert, r)) return r;
  return undefined;
}

function dateFlags(c: CertInfo, p: DeviceProfile, now: Date): number {
  if (!p.checksDates) return 0;
  return (now > c.notAfter ? F.EXPIRED : 0) | (now < c.notBefore ? F.FUTURE : 0);
}

function datesIgnored(certs: CertInfo[], now: Date): string | undefined {
  const bad = certs.filter((c) => now > c.notAfter || now < c.notBefore);
  if (!bad.length) return undefined;
  return `${bad.map((c) => `"${c.subjectCN ?? c.subject}"`).join(', ')} is outside its validity period, but this build does not check dates ` +
    '(CONFIG_MBEDTLS_HAVE_TIME_DATE is off), so the device accepts it';
}

/** The Trust and Dates steps in words: which anchor, or why none was found. */
async function describeTrust(links: Link[], p: DeviceProfile, anchorName: string | undefined, callbackFailed: boolean): Promise<Step[]> {
  const steps: Step[] = [];
  const top = links[links.length - 1];
  const path = links.map((l) => `"${l.cert.subjectCN ?? l.cert.subject}"`).join(' → ');
  if (top.flags & F.NOT_TRUSTED || callbackFailed) {
    steps.push({ step: 'Trust', ok: false, detail: `${path}: ${await untrustedReason(top.cert, links, p)}` });
  } else {
    steps.push({ step: 'Trust', ok: true, detail: `${path} → anchored at "${anchorName ?? top.cert.subjectCN ?? top.cert.subject}" (${p.trust.label})` });
  }
  for (const l of links) {
    const name = `"${l.cert.subjectCN ?? l.cert.subject}"`;
    if (l.flags & F.EXPIRED) steps.push({ step: 'Dates', ok: false, detail: `${name} expired on ${l.cert.notAfter.toISOString().slice(0, 10)} (EXPIRED)` });
    if (l.flags & F.FUTURE) steps.push({ step: 'Dates', ok: false, detail: `${name} is not valid before ${l.cert.notBefore.toISOString().slice(0, 10)} (FUTURE)` });
    if (l.flags & F.BAD_MD) steps.push({ step: 'Algorithms', ok: false, detail: `${name} is signed with ${l.cert.signature.algorithm}, which mbedTLS's default X.509 profile refuses (BAD_MD)` });
    if (l.flags & F.BAD_KEY) steps.push({ step: 'Algorithms', ok: false, detail: `the issuer of ${name} has a key below 2048 bits (BAD_KEY)` });
  }
  return steps;
}

async function untrustedReason(top: CertInfo, links: Link[], p: DeviceProfile): Promise<string> {
  const t = p.trust;
  const issuer = `"${top.issuerCN ?? top.issuer}"`;
  const known = await findKnownIssuer(top);
  if (t.kind === 'bundle') {
    if (known) return `the chain ends at ${issuer}, which is not in ${t.label}; it is in Mozilla's list, so the full bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL) or an embedded "${known.name}" would verify it`;
    return `nothing in ${t.label} issued ${issuer}: the server's root is private or the server leaves out an intermediate; embed the server's root instead`;
  }
  const roots = t.kind === 'ca' || t.kind === 'global' ? t.roots : [];
  const leaf = links[0].cert;
  if (roots.some((r) => r.sha256 === leaf.sha256)) {
    return `${t.label} holds the server's own (leaf) certificate; mbedTLS trusts only the CA that issued the chain${known ? `: "${known.name}"` : ''}`;
  }
  const held = roots.map((r) => `"${r.subjectCN ?? r.subject}"`).join(', ') || 'no certificate';
  return `the chain ends at ${issuer}, but ${t.label} holds ${held}${known ? `; the root the server chains to is "${known.name}"` : ''}`;
}

/** mbedtls_x509_crt_verify's name check: SAN dNSName (wildcards in the first label), IP SANs from 3.x, the CN only when there are no SANs. */
function nameFlags(leaf: CertInfo, p: DeviceProfile, steps: Step[]): number {
  const name = p.checkName;
  if (!name) { steps.push({ step: 'Name', ok: null, detail: 'not checked (skip_common_name)' }); return 0; }
  const h = name.toLowerCase();
  const isIp = net.isIP(name) !== 0;
  const sans = [...leaf.san.dns, ...leaf.san.ip];
  const ok = sans.length
    ? leaf.san.dns.some((d) => dnsMatches(d, h)) || (isIp && p.mbedtls === '3.6' && leaf.san.ip.some((ip) => ip === name))
    : !!leaf.subjectCN && dnsMatches(leaf.subjectCN, h);
  if (ok) { steps.push({ step: 'Name', ok: true, detail: `${name} matches the certificate` }); return 0; }
  const names = sans.length ? sans.join(', ') : `CN "${leaf.subjectCN ?? ''}" (no SAN)`;
  const ipNote = isIp && p.mbedtls === '2.28' && leaf.san.ip.includes(name) ? '; Mbed TLS 2.28 does not match IP SANs' : '';
  steps.push({ step: 'Name', ok: false, detail: `${name} is not a name of the certificate (${names})${ipNote} (CN_MISMATCH)` });
  return F.CN_MISMATCH;
}
