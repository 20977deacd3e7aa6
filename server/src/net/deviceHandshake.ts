// A TLS client handshake by the device's own Mbed TLS (mbedtls/device/module.ts), over a Node socket: the module reads
// and writes memory buffers (native/mbedtls/lens_ssl.c), this loop carries the bytes. Only a person's
// request starts one (Check Server, chain, Reproduce); nothing here runs on its own.
import net from 'node:net';
import { mbedtls, type Mbedtls } from '../mbedtls/device/module';
import type { MbedtlsVersion } from '../sdkconfig/ciphersuites';
import { socketErrorText } from './socketError';

const WANT_READ = -0x6900;
const WANT_WRITE = -0x6880;
/** MBEDTLS_ERR_SSL_INVALID_RECORD: "bad message length" (ssl_msg.c). */
export const INVALID_RECORD = -0x7200;

export type DeviceTrust =
  /** A CA buffer or the global store: PEM (with its NUL) or DER bytes, parsed as mbedtls_x509_crt_parse does. */
  | { kind: 'ca'; buffers: Uint8Array[] }
  /** The certificate bundle: its roots, searched by ESP-IDF's verify callback. */
  | { kind: 'bundle'; roots: Uint8Array[] }
  | { kind: 'none' };

/** What the project's sdkconfig and TLS client give the handshake (net/deviceTls.ts makes it). */
export interface DeviceTls {
  series: MbedtlsVersion;
  /** 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3). */
  minVersion: number;
  maxVersion: number;
  suites: number[];
  groups: number[];
  sigAlgs: number[];
  /** Bit n: mbedtls_ecp_group_id n is not compiled into the device's build. */
  curvesOff: number;
  /** CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN. */
  inContentLen: number;
  checkDates: boolean;
  trust: DeviceTrust;
  /** ESP-IDF before 5.4: the bundle callback returns MBEDTLS_ERR_X509_FATAL_ERROR when it finds no root (since: CERT_VERIFY_FAILED; mbedTLS makes both -0x3000). */
  bundleFatal: boolean;
  /** MBEDTLS_SSL_VERIFY_NONE 0, OPTIONAL 1, REQUIRED 2. */
  authmode: 0 | 1 | 2;
  /** mbedtls_ssl_set_hostname(): SNI and the name checked; null = set to NULL (skip_common_name). */
  hostname: string | null;
  clientCert?: { cert: Uint8Array; key: Uint8Array };
}

export interface Endpoint { host: string; port: number; timeoutMs: number; now: Date; signal?: AbortSignal }

export interface HandshakeResult {
  /** mbedtls_ssl_handshake()'s return: 0, or the error the device would log. */
  code: number;
  /** mbedtls_ssl_get_verify_result(). */
  flags: number;
  /** The fatal alert the server sent, when code is MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE. */
  alert?: number;
  version?: string;
  suite?: string;
  /** The server sent a CertificateRequest (it wants a client certificate). */
  certificateRequested?: boolean;
  /** The server's certificates in the order it sent them, byte for byte. */
  presented: Uint8Array[];
  /** A record longer than the device's input buffer, stopped at the socket (see Inbox). */
  recordTooLong?: { length: number; limit: number };
  /** Set up failed before any byte was sent (a CA buffer the device cannot parse, say). */
  setup?: string;
  ms: number;
}

/** The server could not be talked to: unreachable, refused, cancelled, timed out, or not speaking TLS. */
export class NetworkError extends Error {}

export async function deviceHandshake(cfg: DeviceTls, to: Endpoint): Promise<HandshakeResult> {
  const m = await mbedtls(cfg.series);
  const t0 = performance.now();
  const conn = m.x.lens_conn_new(cfg.curvesOff);
  try {
    const setup = m.at(to.now, () => configure(m, conn, cfg));
    if (setup) return { code: setup.code, flags: 0, presented: [], setup: setup.what, ms: performance.now() - t0 };
    const socket = await connect(to);
    try {
      const outcome = await run(m, conn, cfg, socket, to);
      return {
        ...outcome,
        flags: m.x.lens_conn_verify_result(conn) >>> 0,
        version: outcome.code === 0 ? m.str(m.x.lens_conn_version(conn)) : undefined,
        suite: outcome.code === 0 ? m.str(m.x.lens_conn_suite(conn)) : undefined,
        alert: alertOf(m, conn, outcome.code),
        presented: m.certificates(m.x.lens_conn_presented(conn)),
        certificateRequested: m.x.lens_conn_cert_requested(conn) !== 0,
        ms: performance.now() - t0,
      };
    } finally {
      socket.destroy();
    }
  } finally {
    m.x.lens_conn_free(conn);
  }
}

const FATAL_ALERT = -0x7780;
function alertOf(m: Mbedtls, conn: number, code: number): number | undefined {
  if (code !== FATAL_ALERT) return undefined;
  const a = m.x.lens_conn_alert(conn);
  return a >= 0 ? a : undefined;
}

/** Trust, client certificate and every sdkconfig-derived setting; then mbedtls_ssl_setup(). */
function configure(m: Mbedtls, conn: number, cfg: DeviceTls): { code: number; what: string } | undefined {
  return m.with((a) => {
    const t = cfg.trust;
    for (const b of t.kind === 'ca' ? t.buffers : t.kind === 'bundle' ? t.roots : []) {
      const ret = m.x.lens_conn_trust(conn, t.kind === 'bundle' ? 2 : 1, a.bytes(b), b.length);
      if (ret !== 0 && t.kind === 'ca') return { code: ret, what: 'the CA certificate' };
    }
    if (cfg.clientCert) {
      const { cert, key } = cfg.clientCert;
      const ret = m.x.lens_conn_own(conn, a.bytes(cert), cert.length, a.bytes(key), key.length);
      if (ret !== 0) return { code: ret, what: 'the client certificate or key' };
    }
    const host = cfg.hostname === null ? 0 : a.string(cfg.hostname);
    const ret = m.x.lens_conn_setup(conn, cfg.minVersion, cfg.maxVersion, a.ints(cfg.suites), a.ints(cfg.groups), a.ints(cfg.sigAlgs),
      (cfg.checkDates ? 1 : 0) | (cfg.bundleFatal ? 2 : 0), cfg.authmode, host);
    return ret === 0 ? undefined : { code: ret, what: 'the TLS configuration' };
  });
}

function connect(to: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (to.signal?.aborted) { reject(new NetworkError('cancelled')); return; }
    const socket = net.connect({ host: to.host, port: to.port });
    const abort = () => fail('cancelled');
    const fail = (why: string) => { clearTimeout(timer); to.signal?.removeEventListener('abort', abort); socket.destroy(); reject(new NetworkError(why)); };
    const timer = setTimeout(() => fail(`no connection to ${to.host}:${to.port} within ${to.timeoutMs / 1000} s`), to.timeoutMs);
    to.signal?.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => { clearTimeout(timer); to.signal?.removeEventListener('abort', abort); socket.removeAllListeners('error'); resolve(socket); });
    socket.once('error', (e: NodeJS.ErrnoException) => fail(`cannot connect: ${socketErrorText(e)}`));
  });
}

/** Feeds the socket's bytes to the module and the module's bytes to the socket until the handshake ends. */
async function run(m: Mbedtls, conn: number, cfg: DeviceTls, socket: net.Socket, to: Endpoint): Promise<{ code: number; recordTooLong?: { length: number; limit: number } }> {
  const inbox = new Inbox(socket, cfg.inContentLen);
  const deadline = Date.now() + to.timeoutMs;
  for (;;) {
    const code = m.at(to.now, () => m.x.lens_conn_handshake(conn));
    const out = m.x.lens_io_take(conn);
    const len = m.x.lens_io_out_len();
    if (len) socket.write(m.read(out, len));
    if (code !== WANT_READ && code !== WANT_WRITE) return { code };
    if (code === WANT_WRITE) continue;
    const got = await inbox.next(deadline - Date.now(), to.signal);
    if (got === 'timeout') throw new NetworkError(`${to.host}:${to.port} did not complete the handshake within ${to.timeoutMs / 1000} s`);
    if (got === 'cancelled') throw new NetworkError('cancelled');
    if (got.tooLong && inbox.broken) throw new NetworkError(inbox.broken);
    if (got.tooLong) return { code: INVALID_RECORD, recordTooLong: got.tooLong };
    if (got.data.length) m.with((a) => m.x.lens_io_feed(conn, a.bytes(got.data), got.data.length));
    if (got.eof) m.x.lens_io_eof(conn);
  }
}

/** TLS 1.3's AEAD overhead on a protected record: the tag (16) and the inner content type (1). */
const AEAD_OVERHEAD = 17;
/** The longest record TLS allows at all (2^14 + 2048, RFC 5246 6.2.3): beyond it the server is broken, not the device. */
const TLS_MAX_RECORD = 16384 + 2048;

type Arrival = { data: Buffer; eof: boolean; tooLong?: { length: number; limit: number } };

/**
 * The socket's bytes, with every TLS record header read as it passes. The device's input buffer holds
 * MBEDTLS_SSL_IN_CONTENT_LEN bytes of plaintext: a plaintext record longer than that, or a protected one
 * whose content must be (its length less the AEAD overhead), ends the handshake with
 * MBEDTLS_ERR_SSL_INVALID_RECORD ("bad message length", ssl_msg.c). The module is built with 16384;
 * this is where a smaller build is emulated: the bytes before such a record reach the module, and when
 * it asks for more, the handshake ends with the device's error.
 */
class Inbox {
  private chunks: Buffer[] = [];
  private eof = false;
  private waiter: (() => void) | undefined;
  private header = Buffer.alloc(0);
  private remaining = 0;
  private protectedRecords = false;
  private tooLong: { length: number; limit: number } | undefined;
  /** Set when the stream is not TLS at all. */
  broken: string | undefined;

  constructor(socket: net.Socket, private readonly limit: number) {
    const wake = () => { this.waiter?.(); };
    socket.on('data', (d: Buffer) => { if (!this.tooLong) this.chunks.push(d.subarray(0, this.scan(d))); wake(); });
    for (const e of ['end', 'close', 'error']) socket.on(e, () => { this.eof = true; wake(); });
  }

  /** Reads record headers across chunk boundaries; returns how many bytes of `d` may reach the device. */
  private scan(d: Buffer): number {
    let i = 0;
    while (i < d.length) {
      if (this.remaining > 0) { const n = Math.min(this.remaining, d.length - i); this.remaining -= n; i += n; continue; }
      const start = i - this.header.length;
      const need = 5 - this.header.length;
      this.header = Buffer.concat([this.header, d.subarray(i, i + need)]);
      i += Math.min(need, d.length - i);
      if (this.header.length < 5) return d.length;
      const type = this.header[0];
      const length = this.header.readUInt16BE(3);
      // Protected from the server's first application_data record (TLS 1.3) or after its ChangeCipherSpec (TLS 1.2).
      if (type === 23) this.protectedRecords = true;
      if (length > TLS_MAX_RECORD) this.broken = `the server broke the TLS protocol: it sent a record of ${length} bytes, longer than TLS allows (${TLS_MAX_RECORD}); it may not speak TLS on this port`;
      if ((this.protectedRecords ? length - AEAD_OVERHEAD : length) > this.limit) {
        this.tooLong = { length, limit: this.limit };
        return Math.max(0, start);
      }
      if (type === 20) this.protectedRecords = true;
      this.remaining = length;
      this.header = Buffer.alloc(0);
    }
    return d.length;
  }

  async next(ms: number, signal?: AbortSignal): Promise<Arrival | 'timeout' | 'cancelled'> {
    if (!this.chunks.length && !this.eof && !this.tooLong) {
      const woke = await new Promise<'data' | 'timeout' | 'cancelled'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
        const abort = () => resolve('cancelled');
        signal?.addEventListener('abort', abort, { once: true });
        this.waiter = () => { clearTimeout(timer); signal?.removeEventListener('abort', abort); resolve('data'); };
      });
      this.waiter = undefined;
      if (woke !== 'data') return woke;
    }
    const data = Buffer.concat(this.chunks);
    this.chunks = [];
    if (!data.length && this.tooLong) return { data, eof: false, tooLong: this.tooLong };
    return { data, eof: this.eof && !this.tooLong };
  }
}
