// The chain a TLS 1.3 server sends, exactly as sent: TLS 1.3 encrypts the Certificate message, so it is
// read by a real handshake of the Mbed TLS module (net/deviceHandshake.ts) that verifies nothing and
// keeps the peer chain in the order of the message, byte for byte.
import { deviceHandshake, type DeviceTls } from './deviceHandshake';

/** Everything Mbed TLS 3.6 can speak in TLS 1.3, so that any server it can talk to answers. */
const READER: Omit<DeviceTls, 'hostname'> = {
  series: '3.6',
  minVersion: 0x0304,
  maxVersion: 0x0304,
  suites: [0x1301, 0x1302, 0x1303, 0x1304, 0x1305],
  groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104],
  sigAlgs: [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
  curvesOff: 0,
  inContentLen: 16384,
  checkDates: false,
  trust: { kind: 'none' },
  // OPTIONAL: the chain is verified (against nothing) so that the glue keeps it, and the handshake goes on.
  authmode: 1,
  bundleFatal: false,
};

export interface Tls13Chain { presented: Uint8Array[]; suite?: string; code: number }

export async function tls13Chain(host: string, port: number, servername: string | null, timeoutMs: number, signal?: AbortSignal): Promise<Tls13Chain> {
  const r = await deviceHandshake({ ...READER, hostname: servername }, { host, port, timeoutMs, now: new Date(), signal });
  return { presented: r.presented, suite: r.suite, code: r.code };
}
