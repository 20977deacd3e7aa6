// The few WASI calls the Mbed TLS module makes (wasi-libc's time(), getentropy() and its stdio stubs),
// answered by the host. Our own, not node:wasi: that API is still experimental and asks for a
// file-system sandbox the module never needs. The module's clock is the one the caller gives, so a
// check "as of" another date sees certificates as the device would on that date.
import { randomFillSync } from 'node:crypto';

const ESUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;

export interface WasiHost {
  imports: WebAssembly.Imports;
  /** The module's memory, once instantiated. */
  bind(memory: WebAssembly.Memory): void;
}

export function wasiHost(now: () => Date): WasiHost {
  let memory: WebAssembly.Memory | undefined;
  const view = () => new DataView(memory!.buffer);
  const wasi = {
    clock_time_get(_clock: number, _precision: bigint, out: number): number {
      view().setBigUint64(out, BigInt(now().getTime()) * 1_000_000n, true);
      return ESUCCESS;
    },
    random_get(buf: number, len: number): number {
      randomFillSync(new Uint8Array(memory!.buffer, buf, len));
      return ESUCCESS;
    },
    // Mbed TLS prints nothing in this configuration; wasi-libc's stdio may still flush: accepted, dropped.
    fd_write(fd: number, iovs: number, count: number, written: number): number {
      const v = view();
      let total = 0;
      for (let i = 0; i < count; i++) total += v.getUint32(iovs + i * 8 + 4, true);
      v.setUint32(written, total, true);
      return fd === 1 || fd === 2 ? ESUCCESS : EBADF;
    },
    fd_close: () => EBADF,
    fd_seek: () => EBADF,
    fd_fdstat_get: () => EBADF,
    proc_exit(code: number): never { throw new Error(`the Mbed TLS module exited with ${code}`); },
  };
  // Anything else the module might import answers "not supported" rather than failing to link.
  const imports = new Proxy(wasi as Record<string, unknown>, { get: (t, k: string) => (k in t ? t[k] : () => ENOSYS) });
  return { imports: { wasi_snapshot_preview1: imports as WebAssembly.ModuleImports }, bind: (m) => { memory = m; } };
}
