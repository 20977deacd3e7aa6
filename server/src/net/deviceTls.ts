// The device profile (net/deviceProfile.ts: what the project's sdkconfig and TLS client decide) as the
// settings the real Mbed TLS module applies through its API (net/deviceHandshake.ts). What only the
// compiler can decide on the device is emulated: curves left out (the parser refuses them), the input
// buffer size (measured at the socket), and HAVE_TIME_DATE (date flags cleared in the verify callback).
import type { DeviceTls } from './deviceHandshake';
import type { DeviceProfile } from './deviceProfile';

/** The handshake settings (a PSK client is not checked: checkLikeDevice stops before). */
export function deviceTls(p: DeviceProfile): DeviceTls {
  const t = p.trust;
  const trust: DeviceTls['trust'] = t.kind === 'bundle' ? { kind: 'bundle', roots: t.roots.map((r) => r.der) }
    : t.kind === 'ca' || t.kind === 'global' ? { kind: 'ca', buffers: t.roots.map((r) => r.der) }
      : { kind: 'none' };
  return {
    series: p.mbedtls,
    minVersion: p.tls12 ? 0x0303 : 0x0304,
    maxVersion: p.tls13 && p.mbedtls === '3.6' ? 0x0304 : 0x0303,
    // mbedTLS 3.6's default list puts the TLS 1.3 suites first; each version takes its own from the one list.
    suites: [...p.suites13, ...p.suites12].map((s) => s.id),
    groups: p.groups.map((g) => g.tlsId),
    sigAlgs: p.signatureAlgorithms,
    curvesOff: p.curvesOff.reduce((mask, id) => mask | (1 << id), 0),
    inContentLen: p.inContentLen,
    checkDates: p.checksDates,
    trust,
    // esp-tls: VERIFY_REQUIRED with a CA, bundle or global store; VERIFY_NONE under CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY.
    // A CA the project does not let us read: OPTIONAL, so that the handshake is still judged (realCheck says the chain was not).
    authmode: t.kind === 'none' ? 0 : unreadable(p) ? 1 : 2,
    bundleFatal: t.kind === 'bundle' && (p.idf.major < 5 || (p.idf.major === 5 && p.idf.minor < 4)),
    hostname: p.sni,
    ...(p.clientCert ? { clientCert: p.clientCert } : {}),
  };
}

/** Why the client's CA (buffer or global store) could not be read from the project, if it could not. */
export function unreadable(p: DeviceProfile): string | undefined {
  return p.trust.kind === 'ca' || p.trust.kind === 'global' ? p.trust.unreadable : undefined;
}
