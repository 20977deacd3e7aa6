// Fetches a server's certificate chain exactly as the server presents it. Node's TLS API cannot do
// that (getPeerCertificate reorders, drops unrelated certificates and adds roots from its own store:
// shared/recipes/dependency-notes.md §3), so we send a TLS 1.2 ClientHello of our own and read the
// ServerHello and Certificate messages from the raw records, then hang up before any key exchange.
// A server that only speaks TLS 1.3 encrypts its certificates; for those we fall back to node:tls and
// say that the order and content are what Node reports.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { socketErrorText } from './socketError';
import { tls13Chain } from './tls13Chain';

export interface FetchChainOptions {
  host: string;
  port?: number;
  /** SNI name; defaults to host unless host is an IP address (then no SNI is sent). */
  servername?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What the ClientHello offers (IANA numbers); the defaults offer what common clients do. */
export interface HelloOptions {
  suites?: number[];
  groups?: number[];
  signatureAlgorithms?: number[];
}

/** The part of the server's first flight the device cares about. */
export interface ServerFlight {
  presented: Uint8Array[];
  /** The cipher suite the ServerHello chose. */
  suite: number;
  /** The longest record the server sent (bytes of plaintext): a device with a smaller input buffer cannot read it. */
  maxRecord: number;
  /** Length of the Certificate handshake message. */
  certificateBytes: number;
}

export interface FetchProblem {
  id: string;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

export interface FetchedChain {
  host: string;
  port: number;
  /** The SNI name sent, or null when none was sent. */
  servername: string | null;
  protocol: 'TLSv1.2' | 'TLSv1.3';
  /** DER certificates in the order the server sent them (or Node reported them: see exactAsSent). */
  presented: Uint8Array[];
  exactAsSent: boolean;
  problems: FetchProblem[];
  /** The chosen suite and record sizes, when the chain was read from a TLS 1.2 handshake. */
  flight?: Omit<ServerFlight, 'presented'>;
}


export type FetchErrorCode = 'timeout' | 'aborted' | 'network' | 'not-tls' | 'alert' | 'closed' | 'protocol';

export class FetchChainError extends Error {
  constructor(readonly code: FetchErrorCode, message: string, readonly alert?: number) {
    super(message);
    this.name = 'FetchChainError';
  }
}

/** TLS alert descriptions (RFC 5246 §7.2, RFC 8446 §6). */
export const ALERTS: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 109: 'missing_extension', 110: 'unsupported_extension',
  112: 'unrecognized_name', 116: 'certificate_required', 120: 'no_application_protocol',
};

const ALERT_PROTOCOL_VERSION = 70;
const ALERT_HANDSHAKE_FAILURE = 40;

export async function fetchChain(opts: FetchChainOptions): Promise<FetchedChain> {
  const port = opts.port ?? 443;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const servername = opts.servername ?? (net.isIP(opts.host) ? null : opts.host);
  const deadline = Date.now() + timeoutMs;
  try {
    const { presented, ...flight } = await serverFlight({ host: opts.host, port, servername, timeoutMs, signal: opts.signal });
    return { host: opts.host, port, servername, protocol: 'TLSv1.2', presented, exactAsSent: true, problems: [], flight };
  } catch (e) {
    if (!(e instanceof FetchChainError) || e.code !== 'alert' || (e.alert !== ALERT_PROTOCOL_VERSION && e.alert !== ALERT_HANDSHAKE_FAILURE)) throw e;
    const left = Math.max(1, deadline - Date.now());
    const exact = await tls13Chain(opts.host, port, servername, left, opts.signal).catch(() => undefined);
    const tls13Only: FetchProblem = { id: 'tls13-only', severity: 'info', message: 'the server accepts only TLS 1.3: ESP-IDF needs CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 (IDF v5.1+) to connect to it' };
    if (exact?.presented.length) return { host: opts.host, port, servername, protocol: 'TLSv1.3', presented: exact.presented, exactAsSent: true, problems: [tls13Only] };
    const viaNode = await nodeTlsChain(opts.host, port, servername, Math.max(1, deadline - Date.now()), opts.signal).catch((e2: unknown) => {
      // The TLS 1.3 attempt failed too: the original alert is the better explanation.
      throw e2 instanceof FetchChainError && (e2.code === 'timeout' || e2.code === 'aborted') ? e2 : e;
    });
    const problems: FetchProblem[] = [{
      id: 'not-as-sent',
      severity: 'info',
      message: `the server refused a TLS 1.2 handshake (alert ${ALERTS[e.alert!] ?? e.alert}) and negotiated ${viaNode.protocol}, which encrypts the certificates; ` +
        `Mbed TLS could not read them, so the chain shown is what Node reports (getPeerCertificate), which may be reordered, miss certificates the server sent, or add roots it did not send`,
    }];
    if (viaNode.protocol === 'TLSv1.3') problems.push(tls13Only);
    return { host: opts.host, port, servername, protocol: viaNode.protocol, presented: viaNode.presented, exactAsSent: false, problems };
  }
}

// ---------------------------------------------------------------------------------------------
// The ClientHello

const CIPHER_SUITES = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, // ECDHE-ECDSA/RSA AES-128/256-GCM
  0xcca9, 0xcca8, // ECDHE-ECDSA/RSA CHACHA20-POLY1305
  0xc023, 0xc027, 0xc024, 0xc028, // ECDHE CBC SHA-256/384
  0xc009, 0xc013, 0xc00a, 0xc014, // ECDHE CBC SHA-1
  0x009e, 0x009f, // DHE-RSA GCM
  0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, // RSA key exchange
  0x00ff, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
];
const GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101];
const SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

function u16(n: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }
function u24(n: number): Buffer { return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]); }
function list16(items: number[]): Buffer { return Buffer.concat([u16(items.length * 2), ...items.map(u16)]); }
function ext(type: number, body: Buffer): Buffer { return Buffer.concat([u16(type), u16(body.length), body]); }

export function buildClientHello(servername: string | null, hello: HelloOptions = {}): Buffer {
  const extensions: Buffer[] = [];
  if (servername) {
    const name = Buffer.from(servername, 'ascii');
    const entry = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
    extensions.push(ext(0x0000, Buffer.concat([u16(entry.length), entry])));
  }
  const groups = hello.groups ?? GROUPS;
  if (groups.length) extensions.push(ext(0x000a, list16(groups)));
  extensions.push(ext(0x000b, Buffer.from([1, 0])));
  extensions.push(ext(0x000d, list16(hello.signatureAlgorithms ?? SIGNATURE_ALGORITHMS)));
  extensions.push(ext(0x0017, Buffer.alloc(0))); // extended_master_secret
  extensions.push(ext(0xff01, Buffer.from([0]))); // renegotiation_info
  const exts = Buffer.concat(extensions);
  const body = Buffer.concat([
    Buffer.from([3, 3]), randomBytes(32),
    Buffer.from([0]), // no session id
    list16(hello.suites ? [...hello.suites, 0x00ff] : CIPHER_SUITES),
    Buffer.from([1, 0]), // compression: null
    u16(exts.length), exts,
  ]);
  const handshake = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1]), u16(handshake.length), handshake]);
}

// ---------------------------------------------------------------------------------------------
// Reading the server's flight

/** More than any real chain (a few KB; 16 KB is what mbedTLS can receive); protects against hostile servers. */
const MAX_HANDSHAKE_BYTES = 1 << 20;

/** Incremental parser of the server's records; `push` returns the chain once the Certificate message is complete. */
export class ServerFlightParser {
  private records = Buffer.alloc(0);
  private handshake = Buffer.alloc(0);
  private sawServerHello = false;
  private firstBytes = true;
  /** The suite the ServerHello chose, the longest record and the Certificate message's length. */
  suite = 0;
  maxRecord = 0;
  certificateBytes = 0;

  received = 0;

  push(chunk: Buffer): Uint8Array[] | undefined {
    this.received += chunk.length;
    this.records = Buffer.concat([this.records, chunk]);
    if (this.firstBytes && this.records.length >= 3) {
      this.firstBytes = false;
      const [type, major] = this.records;
      if (type < 20 || type > 24 || major !== 3) throw notTls(this.records);
    }
    while (this.records.length >= 5) {
      const type = this.records[0];
      if (type < 20 || type > 24 || this.records[1] !== 3) throw new FetchChainError('protocol', `malformed TLS record (type ${type})`);
      const len = this.records.readUInt16BE(3);
      if (len > 16384 + 2048) throw new FetchChainError('protocol', `TLS record of ${len} bytes is longer than allowed`);
      if (this.records.length < 5 + len) break;
      this.maxRecord = Math.max(this.maxRecord, len);
      const fragment = this.records.subarray(5, 5 + len);
      this.records = this.records.subarray(5 + len);
      if (type === 21) {
        if (fragment.length < 2) throw new FetchChainError('protocol', 'truncated TLS alert');
        const desc = fragment[1];
        throw new FetchChainError('alert', `the server sent TLS alert ${ALERTS[desc] ?? 'unknown'} (${desc})${fragment[0] === 2 ? '' : ' as a warning'} before sending its certificates`, desc);
      }
      if (type !== 22) throw new FetchChainError('protocol', `unexpected TLS record type ${type} before the server's certificates`);
      this.handshake = Buffer.concat([this.handshake, fragment]);
      if (this.handshake.length > MAX_HANDSHAKE_BYTES) throw new FetchChainError('protocol', `the server sent more than ${MAX_HANDSHAKE_BYTES >> 10} KB of handshake without completing its Certificate message`);
      const chain = this.readMessages();
      if (chain) return chain;
    }
    return undefined;
  }

  private readMessages(): Uint8Array[] | undefined {
    while (this.handshake.length >= 4) {
      const type = this.handshake[0];
      const len = this.handshake.readUIntBE(1, 3);
      if (len > MAX_HANDSHAKE_BYTES) throw new FetchChainError('protocol', `the server announced a handshake message of ${len} bytes; no TLS client accepts that`);
      if (this.handshake.length < 4 + len) return undefined;
      const body = this.handshake.subarray(4, 4 + len);
      this.handshake = this.handshake.subarray(4 + len);
      if (type === 2) {
        if (body.length < 2 || body[0] !== 3) throw new FetchChainError('protocol', 'malformed ServerHello');
        if (body[1] < 3) throw new FetchChainError('protocol', `the server chose TLS 1.${body[1] - 1}, older than TLS 1.2`);
        const sessionIdEnd = 35 + (body[34] ?? 0);
        if (body.length < sessionIdEnd + 2) throw new FetchChainError('protocol', 'malformed ServerHello');
        this.suite = body.readUInt16BE(sessionIdEnd);
        this.sawServerHello = true;
      } else if (type === 11) {
        if (!this.sawServerHello) throw new FetchChainError('protocol', 'Certificate message before ServerHello');
        this.certificateBytes = len;
        return parseCertificateList(body);
      } else if (type === 12 || type === 13 || type === 14) {
        throw new FetchChainError('protocol', 'the server sent no Certificate message (anonymous or PSK cipher suite)');
      }
    }
    return undefined;
  }
}

function parseCertificateList(body: Buffer): Uint8Array[] {
  if (body.length < 3) throw new FetchChainError('protocol', 'truncated Certificate message');
  const total = body.readUIntBE(0, 3);
  if (total + 3 !== body.length) throw new FetchChainError('protocol', 'Certificate message length does not match its contents');
  const out: Uint8Array[] = [];
  let at = 3;
  while (at < body.length) {
    if (at + 3 > body.length) throw new FetchChainError('protocol', 'truncated certificate in the Certificate message');
    const len = body.readUIntBE(at, 3);
    at += 3;
    if (at + len > body.length) throw new FetchChainError('protocol', 'truncated certificate in the Certificate message');
    out.push(new Uint8Array(body.subarray(at, at + len)));
    at += len;
  }
  return out;
}

function notTls(bytes: Buffer): FetchChainError {
  const head = bytes.subarray(0, 24);
  const text = head.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  const looksHttp = /^HTTP\/|^<|^SSH-|^220 /.test(text);
  return new FetchChainError('not-tls', `the server did not answer with TLS (first bytes: "${text}"${looksHttp ? ': a plain-text protocol on this port' : ''})`);
}

export interface FlightRequest {
  host: string;
  port: number;
  servername: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
  hello?: HelloOptions;
}

/** Sends a TLS 1.2 ClientHello and reads the server's flight up to its Certificate message; then hangs up. */
export function serverFlight({ host, port, servername, timeoutMs, signal, hello }: FlightRequest): Promise<ServerFlight> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new FetchChainError('aborted', 'cancelled')); return; }
    const socket = net.connect({ host, port });
    const parser = new ServerFlightParser();
    let settled = false;
    const finish = (err: Error | undefined, chain?: Uint8Array[]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      if (err) reject(err);
      else resolve({ presented: chain!, suite: parser.suite, maxRecord: parser.maxRecord, certificateBytes: parser.certificateBytes });
    };
    const onAbort = (): void => finish(new FetchChainError('aborted', 'cancelled'));
    const timer = setTimeout(() => finish(new FetchChainError('timeout', `no certificate from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write(buildClientHello(servername, hello)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const chain = parser.push(chunk);
        if (chain) finish(undefined, chain);
      } catch (e) {
        finish(e as Error);
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(new FetchChainError('network', `cannot connect: ${socketErrorText(e)}`)));
    socket.on('close', () => finish(new FetchChainError('closed', `${host}:${port} closed the connection before sending its certificates${parser.received ? ` (after ${parser.received} bytes)` : ' (without answering)'}`)));
  });
}

// ---------------------------------------------------------------------------------------------
// Fallback for TLS 1.3-only servers

/** The chain as Node reports it after a handshake (getPeerCertificate's issuer links; not necessarily as sent). */
function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

function nodeTlsChain(host: string, port: number, servername: string | null, timeoutMs: number, signal?: AbortSignal): Promise<{ protocol: 'TLSv1.2' | 'TLSv1.3'; presented: Uint8Array[] }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new FetchChainError('aborted', 'cancelled')); return; }
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}), minVersion: 'TLSv1.2' });
    let settled = false;
    const finish = (err: Error | undefined, value?: { protocol: 'TLSv1.2' | 'TLSv1.3'; presented: Uint8Array[] }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.on('error', () => undefined);
      socket.destroy();
      if (err) reject(err); else resolve(value!);
    };
    const onAbort = (): void => finish(new FetchChainError('aborted', 'cancelled'));
    const timer = setTimeout(() => finish(new FetchChainError('timeout', `no certificate from ${host}:${port} within the time left`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const presented = peerChain(socket);
      const protocol = socket.getProtocol() === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2';
      finish(undefined, { protocol, presented });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(new FetchChainError('network', `the TLS 1.3 handshake failed: ${socketErrorText(e)}`)));
    socket.on('close', () => finish(new FetchChainError('closed', `${host}:${port} closed the connection during the TLS handshake`)));
  });
}
