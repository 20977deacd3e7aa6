// The real Mbed TLS of an ESP-IDF generation, built to WebAssembly by scripts/mbedtls/build.mjs from
// Debian's source packages with our glue (native/mbedtls/). Loaded on first use only: nothing here runs
// at activation. This file owns the module's memory; certs.ts and handshake.ts speak in bytes and numbers.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MbedtlsVersion } from '../../sdkconfig/ciphersuites';
import { wasiHost } from './wasi';

type Ptr = number;

/** The glue's exports (native/mbedtls/lens.c, lens_ssl.c). */
export interface LensExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  lens_alloc(n: number): Ptr;
  lens_free(p: Ptr): void;
  lens_version(): Ptr;
  lens_strerror(code: number): Ptr;
  lens_verify_info(flags: number): Ptr;
  lens_crt_new(): Ptr;
  lens_crt_free(c: Ptr): void;
  lens_crt_parse_der(c: Ptr, buf: Ptr, len: number): number;
  lens_crt_count(c: Ptr): number;
  lens_out_len(): number;
  lens_crt_der(c: Ptr, i: number): Ptr;
  lens_pk_parse(buf: Ptr, len: number, pwd: Ptr, pwdLen: number): number;
  lens_flags(): number;
  lens_crt_verify(chain: Ptr, trust: Ptr, cn: Ptr): number;
  lens_io_feed(c: Ptr, buf: Ptr, len: number): number;
  lens_io_eof(c: Ptr): void;
  lens_io_out_len(): number;
  lens_io_take(c: Ptr): Ptr;
  lens_conn_new(curvesOff: number): Ptr;
  lens_conn_free(c: Ptr): void;
  lens_conn_trust(c: Ptr, kind: number, buf: Ptr, len: number): number;
  lens_conn_own(c: Ptr, crt: Ptr, crtLen: number, key: Ptr, keyLen: number): number;
  lens_conn_setup(c: Ptr, min: number, max: number, suites: Ptr, groups: Ptr, sigAlgs: Ptr, options: number, authmode: number, host: Ptr): number;
  lens_conn_handshake(c: Ptr): number;
  lens_conn_verify_result(c: Ptr): number;
  lens_conn_version(c: Ptr): Ptr;
  lens_conn_suite(c: Ptr): Ptr;
  lens_conn_alert(c: Ptr): number;
  lens_conn_presented(c: Ptr): Ptr;
  lens_conn_cert_requested(c: Ptr): number;
}

export class MbedtlsUnavailable extends Error {}

/** Where the module is: next to the bundle in dist/, or the repository's dist/ when run from sources. */
export function modulePath(series: MbedtlsVersion): string {
  const name = `mbedtls-${series}.wasm`;
  const beside = path.join(__dirname, name);
  return existsSync(beside) ? beside : path.resolve(__dirname, '../../../../dist', name);
}

/** One Mbed TLS instance. Calls are synchronous; the clock is the `now` of the call in progress. */
export class Mbedtls {
  private now: Date | undefined;

  private constructor(readonly series: MbedtlsVersion, readonly x: LensExports) {}

  /** A new instance (the benchmark times this); everything else shares one per series through mbedtls(). */
  static async load(series: MbedtlsVersion): Promise<Mbedtls> {
    const file = modulePath(series);
    if (!existsSync(file)) throw new MbedtlsUnavailable(`${path.basename(file)} is missing: run npm run build (it builds Mbed TLS with scripts/mbedtls/build.mjs)`);
    let self: Mbedtls | undefined;
    const host = wasiHost(() => self?.now ?? new Date());
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(file)), host.imports);
    const x = instance.exports as unknown as LensExports;
    host.bind(x.memory);
    x._initialize();
    self = new Mbedtls(series, x);
    return self;
  }

  /** Runs `fn` with the module's clock at `now` (certificate dates are compared with it). */
  at<T>(now: Date | undefined, fn: () => T): T {
    const before = this.now;
    this.now = now;
    try { return fn(); } finally { this.now = before; }
  }

  get version(): string { return this.str(this.x.lens_version()); }
  strerror(code: number): string { return this.str(this.x.lens_strerror(code)); }
  /** mbedtls_x509_crt_verify_info(): one line per flag, as esp-tls logs them. */
  verifyInfo(flags: number): string[] { return this.str(this.x.lens_verify_info(flags)).split('\n').map((l) => l.trim()).filter(Boolean); }

  /** Copies bytes into the module; the caller frees the pointer (or uses `with`). */
  put(bytes: Uint8Array): Ptr {
    const p = this.x.lens_alloc(bytes.length);
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    return p;
  }
  /** A 0-terminated copy of a string, or of a list of numbers as int32. */
  putString(s: string): Ptr { return this.put(Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])])); }
  putInts(list: readonly number[]): Ptr { return this.put(new Uint8Array(Int32Array.from([...list, 0]).buffer)); }

  /** Runs `fn` and frees every pointer it allocated with `alloc`. */
  with<T>(fn: (alloc: { bytes(b: Uint8Array): Ptr; string(s: string): Ptr; ints(l: readonly number[]): Ptr }) => T): T {
    const owned: Ptr[] = [];
    const keep = (p: Ptr) => { owned.push(p); return p; };
    try {
      return fn({ bytes: (b) => keep(this.put(b)), string: (s) => keep(this.putString(s)), ints: (l) => keep(this.putInts(l)) });
    } finally {
      for (const p of owned) this.x.lens_free(p);
    }
  }

  read(ptr: Ptr, len: number): Uint8Array { return new Uint8Array(this.x.memory.buffer.slice(ptr, ptr + len)); }

  str(ptr: Ptr): string {
    if (!ptr) return '';
    const mem = new Uint8Array(this.x.memory.buffer);
    let end = ptr;
    while (mem[end] !== 0) end++;
    return Buffer.from(mem.subarray(ptr, end)).toString('utf8');
  }

  /** The DER of every certificate in a list (mbedtls_x509_crt chain), in its order. */
  certificates(list: Ptr): Uint8Array[] {
    const out: Uint8Array[] = [];
    const n = list ? this.x.lens_crt_count(list) : 0;
    for (let i = 0; i < n; i++) {
      const p = this.x.lens_crt_der(list, i);
      out.push(this.read(p, this.x.lens_out_len()));
    }
    return out;
  }
}

const loaded = new Map<MbedtlsVersion, Promise<Mbedtls>>();

/** The shared instance of a series, loaded on first use. */
export function mbedtls(series: MbedtlsVersion): Promise<Mbedtls> {
  let m = loaded.get(series);
  if (!m) {
    m = Mbedtls.load(series);
    loaded.set(series, m);
    m.catch(() => loaded.delete(series));
  }
  return m;
}
