// Check Server Against Project with the device's own Mbed TLS (mbedtls/device/): the handshake's return
// code and verify flags are the device's, not a model's. The model (deviceCheck.ts) still explains a
// verification failure in words, but only where its flags agree with the stack's; where they differ the
// device's own verify text is the explanation.
import net from 'node:net';
import { formatMbedtlsCode } from '../mbedtls/catalogue';
import { deviceHandshake, INVALID_RECORD, NetworkError, type DeviceTls, type HandshakeResult } from './deviceHandshake';
import { mbedtls, MbedtlsUnavailable, type Mbedtls } from '../mbedtls/device/module';
import { alertReason, CURVE_NAMES, decodeAll, ERR, expectation, recordTooLongText, verifyChain, type DeviceCheck, type DeviceCheckOptions, type Expected, type Step } from './deviceCheck';
import type { CertInfo } from '../x509/certificate';
import { nameKey } from '../x509/names';
import { ALERTS } from './fetchChain';
import type { DeviceProfile } from './deviceProfile';
import { unreadable } from './deviceTls';

const PK_UNKNOWN_NAMED_CURVE = -0x3a00;
/** Alerts a server sends about the certificate it was given: bad, unsupported, revoked, expired, unknown, unknown_ca. */
const CLIENT_CERT_ALERTS = new Set([42, 43, 44, 45, 46, 48]);

export async function realCheck(p: DeviceProfile, cfg: DeviceTls, o: DeviceCheckOptions, steps: Step[]): Promise<DeviceCheck> {
  const step = (name: string, ok: boolean | null, detail: string) => { steps.push({ step: name, ok, detail }); };
  let m: Mbedtls;
  try {
    m = await mbedtls(p.mbedtls);
  } catch (e) {
    // A build without the modules (sources not built with `npm run build`): say why, in the report.
    if (!(e instanceof MbedtlsUnavailable)) throw e;
    step('Setup', null, e.message);
    return { ok: false, error: e.message, steps };
  }
  let r: HandshakeResult;
  try {
    r = await deviceHandshake(cfg, { host: o.host, port: o.port, timeoutMs: o.timeoutMs, now: o.now, signal: o.signal });
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    step('Connect', false, e.message);
    return { ok: false, error: e.message, steps };
  }
  const offered = offeredText(p);
  if (r.setup) {
    const reason = `the device cannot load ${r.setup}: ${m.strerror(r.code)}`;
    step('Setup', false, reason);
    return { ok: false, expected: expectation(p, r.code, reason), steps, engine: `Mbed TLS ${m.version}` };
  }
  const hex = formatMbedtlsCode(r.code);
  step('Handshake', r.code === 0, r.code === 0
    ? `Mbed TLS ${m.version} offered ${offered}; negotiated ${r.version} with ${r.suite} (${Math.round(r.ms)} ms)`
    : `Mbed TLS ${m.version} offered ${offered}; mbedtls_ssl_handshake returned ${hex}`);
  const certs = r.presented.length ? await decodeAll(r.presented) : [];
  if (typeof certs !== 'string' && certs.length) {
    step('Certificates', true, `${certs.length} presented: ${certs.map((c, i) => `#${i + 1} "${c.subjectCN ?? c.subject}"`).join(', ')}`);
  }
  const result = { protocol: r.version, suite: r.suite, engine: `Mbed TLS ${m.version}` };
  const unread = unreadable(p);
  if (r.code === 0 && unread) {
    // The handshake works, but what the device would make of the chain is unknown: say so, not "connects".
    const error = `${unread}; the handshake itself works (${r.version}, ${r.suite}), but the server's certificate was not checked against it`;
    step('Trust', null, error);
    return { ok: false, error, steps, ...result };
  }
  if (r.code === 0) {
    if (typeof certs !== 'string' && certs.length) {
      const verdict = await verifyChain(certs, p, o.now);
      // Only the steps that agree with the device: it accepted the chain.
      for (const s of verdict.steps) if (s.ok !== false) steps.push(s);
    }
    return { ok: true, steps, ...result };
  }
  if (r.code === ERR.FATAL_ALERT && r.certificateRequested && p.clientCertUnread) {
    // The config sets a client certificate we could not read: the device would send it, so the outcome is unknown.
    const error = `the server asks for a client certificate; ${p.clientCertUnread}`;
    step('Client certificate', null, error);
    return { ok: false, error, steps, ...result };
  }
  const expected = await explain(p, cfg, m, r, o, offered, typeof certs === 'string' ? [] : certs, steps);
  return { ok: false, expected, steps, ...result };
}

function offeredText(p: DeviceProfile): string {
  const versions = [p.tls12 && 'TLS 1.2', p.tls13 && p.mbedtls === '3.6' && 'TLS 1.3'].filter(Boolean).join(' and ');
  return `${versions} with ${p.suites12.length + p.suites13.length} suites, groups ${p.groups.map((g) => g.name).join(', ') || '(none)'}`;
}

/** The reason in words for the device's error, and the lines its monitor would show. */
async function explain(p: DeviceProfile, cfg: DeviceTls, m: Mbedtls, r: HandshakeResult, o: DeviceCheckOptions, offered: string,
  certs: CertInfo[], steps: Step[]): Promise<Expected> {
  const step = (name: string, ok: boolean | null, detail: string) => { steps.push({ step: name, ok, detail }); };
  if (r.recordTooLong) {
    const reason = recordTooLongText(p, r.recordTooLong.length);
    step('Records', false, reason);
    return expectation(p, INVALID_RECORD, reason);
  }
  if (r.code === ERR.FATAL_ALERT && r.certificateRequested && !cfg.clientCert) {
    const alert = ALERTS[r.alert ?? -1] ?? r.alert;
    return expectation(p, r.code, `the server asked for a client certificate and the device has none, so the server ended the handshake with the fatal alert ${alert}. Give the client clientcert_buf and clientkey_buf (mutual TLS)`);
  }
  if (r.code === ERR.FATAL_ALERT && r.certificateRequested && cfg.clientCert && r.alert !== undefined && CLIENT_CERT_ALERTS.has(r.alert)) {
    return expectation(p, r.code, `the server refused the device's client certificate (alert ${ALERTS[r.alert] ?? r.alert}): it does not trust its issuer, or the certificate is expired or not for client authentication. Have the server trust the CA that issued clientcert_buf, or issue the device a certificate from the CA the server trusts`);
  }
  if (r.code === ERR.FATAL_ALERT && r.alert !== undefined) {
    const servername = p.sni && !net.isIP(p.sni) ? p.sni : null;
    return expectation(p, r.code, await alertReason(p, o, servername, r.alert, offered, o.timeoutMs));
  }
  if (r.code === PK_UNKNOWN_NAMED_CURVE && p.curvesOff.length) {
    const off = p.curvesOff.map((id) => CURVE_NAMES[id]).join(', ');
    return expectation(p, r.code, `the server's certificate uses an elliptic curve this build leaves out (${off} off in sdkconfig): mbedTLS cannot parse it. Enable the curve (CONFIG_MBEDTLS_ECP_DP_*_ENABLED) or use a server certificate on a curve the device has`);
  }
  if (r.code === ERR.CONN_EOF) return expectation(p, r.code, 'the server closed the connection during the handshake');
  if (p.trust.kind === 'bundle' && r.flags === ALL_FLAGS) return bundleFailure(p, m, r, o, certs, steps);
  if (r.flags || r.code === ERR.CERT_VERIFY_FAILED || r.code === ERR.X509_FATAL) {
    const model = certs.length ? await verifyChain(certs, p, o.now) : undefined;
    const agrees = model?.expected && (model.flags ?? 0) === r.flags;
    if (agrees) {
      steps.push(...model!.steps);
      return { ...expectation(p, r.code, model!.expected!.reason, r.flags) };
    }
    const info = m.verifyInfo(r.flags);
    const reason = info.length ? `the device's verification failed: ${info.join('; ')}` : `the device's verification failed: ${m.strerror(r.code)}`;
    step('Verification', false, reason);
    return expectation(p, r.code, reason, r.flags);
  }
  return expectation(p, r.code, `the device's Mbed TLS ended the handshake: ${m.strerror(r.code)}`);
}

/** What mbedTLS reports when a verify callback fails: every flag set. */
const ALL_FLAGS = 0xffffffff;

/**
 * ESP-IDF's bundle callback found no root for the chain (or one whose key does not verify it) and failed the
 * verification (esp_crt_bundle.c): its own lines, the handshake's, and esp-tls's certificate check, which
 * looks at a bundle client's flags only from v5.2 on.
 */
async function bundleFailure(p: DeviceProfile, m: Mbedtls, r: HandshakeResult, o: DeviceCheckOptions, certs: CertInfo[], steps: Step[]): Promise<Expected> {
  const model = certs.length ? await verifyChain(certs, p, o.now) : undefined;
  const agrees = model?.expected?.code === formatMbedtlsCode(r.code);
  if (agrees) steps.push(...model!.steps);
  const top = certs[certs.length - 1];
  const named = p.trust.kind === 'bundle' && !!top && p.trust.roots.some((root) => nameKey(root.subject) === nameKey(top.issuer));
  const since54 = p.idf.major > 5 || (p.idf.major === 5 && p.idf.minor >= 4);
  const bundleLines = since54
    ? [named ? 'E esp-x509-crt-bundle: Certificate matched but signature verification failed' : 'I esp-x509-crt-bundle: No matching trusted root certificate found', 'E esp-x509-crt-bundle: Failed to verify certificate']
    : ['E esp-x509-crt-bundle: Failed to verify certificate'];
  const checked = p.idf.major > 5 || (p.idf.major === 5 && p.idf.minor >= 2);
  const reason = `${agrees ? model!.expected!.reason : `the certificate bundle verifies no root of this chain (${m.strerror(r.code)})`}; `
    + 'the bundle callback fails the verification, so mbedTLS reports every verify flag (0xFFFFFFFF)';
  const e = expectation(p, r.code, reason);
  return { ...e, log: [...bundleLines, ...e.log, ...(checked ? ['I esp-tls-mbedtls: Failed to verify peer certificate!'] : [])] };
}
