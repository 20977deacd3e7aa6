// Certificates and keys as the device reads them: mbedtls_x509_crt_parse_der and mbedtls_pk_parse_key of
// the Mbed TLS each ESP-IDF generation ships (mbedtls/device/module.ts), with every curve compiled in (a
// curve the sdkconfig leaves out is cert-algorithm-disabled's finding). Only rejections are kept: a block
// both versions accept carries nothing, and a block that could not be judged carries nothing either.
import { mbedtls, MbedtlsUnavailable } from '../mbedtls/device/module';
import type { MbedtlsVersion } from '../sdkconfig/ciphersuites';

export interface DeviceRejection { series: MbedtlsVersion; version: string; code: number; text: string; call: 'mbedtls_x509_crt_parse' | 'mbedtls_pk_parse_key' }

const SERIES: MbedtlsVersion[] = ['3.6', '2.28'];
let unavailable = false;

/** Why each Mbed TLS series refuses a CERTIFICATE or private key block (its DER), if it does. */
export async function deviceRejections(kind: 'certificate' | 'key', der: Uint8Array): Promise<DeviceRejection[] | undefined> {
  if (unavailable) return undefined;
  const out: DeviceRejection[] = [];
  for (const series of SERIES) {
    let m;
    try {
      m = await mbedtls(series);
    } catch (e) {
      if (!(e instanceof MbedtlsUnavailable)) throw e;
      unavailable = true; // a build without the modules (sources not built yet): say nothing rather than guess
      return undefined;
    }
    const code = m.with((a) => {
      if (kind === 'key') return m.x.lens_pk_parse(a.bytes(der), der.length, 0, 0);
      const crt = m.x.lens_crt_new();
      try { return m.x.lens_crt_parse_der(crt, a.bytes(der), der.length); } finally { m.x.lens_crt_free(crt); }
    });
    if (code !== 0) out.push({ series, version: m.version, code, text: m.strerror(code), call: kind === 'key' ? 'mbedtls_pk_parse_key' : 'mbedtls_x509_crt_parse' });
  }
  return out;
}
