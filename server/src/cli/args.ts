// What every esp-tls-lens command shares: usage errors (exit 2, one line), argument parsing, and the
// reading and writing of files and times given on the command line.
import { statSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseServerAddress, type ServerAddress } from '../net/address';
import { readBytes } from '../project/read';
import { printable } from '../report/format';

/** A mistake in the command line or its inputs: printed as one line, exit code 2. */
export class UsageError extends Error {}

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** node:util parseArgs with its complaints turned into usage errors (exit 2, one line). */
export function parseCommand<T extends ParseArgsConfig>(config: T): ParsedResults<T> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: '${value}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** "host", "host:port", "[v6]:port", a bare IPv6 address, or a URL (https://, mqtts://, wss://). */
export function parseHostPort(text: string, command: string): ServerAddress {
  const address = parseServerAddress(text);
  if (!address) throw new UsageError(`${command}: '${text}' is not HOST[:PORT] or a TLS URL (port 1-65535)`);
  return address;
}

/** --idf-version as given ('' when absent); a usage error unless it is X.Y or X.Y.Z (a leading v allowed). */
export function checkedIdfVersion(text: string): string {
  if (text && !/^v?\d+\.\d+(\.\d+)?$/.test(text)) throw new UsageError(`--idf-version: '${text}' is not X.Y or X.Y.Z`);
  return text;
}

export function existsOrNot(file: string): boolean {
  try { statSync(file); return true; } catch { return false; }
}

/** Writes a new file (or replaces one with `force`); any failure (a folder, a full disk, no permission) is one line. */
export function writeOut(file: string, text: string | Uint8Array, force = false): void {
  try {
    writeFileSync(file, text, { flag: force ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'it already exists; not overwriting it' : code === 'EISDIR' ? 'it is a folder' : code === 'ENOSPC' ? 'no space left on the device' : code ?? String(e);
    throw new UsageError(`cannot write ${printable(file)}: ${why}`);
  }
}

export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function parseNow(text: string | undefined): Date {
  const now = text ? new Date(text) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now: '${text}' is not an ISO-8601 date`);
  return now;
}

/** Certificates, keys and C files a command is pointed at: nothing near this size is one. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function readOrThrow(file: string): Buffer {
  const read = readBytes(file, MAX_INPUT_BYTES);
  if ('error' in read) throw new UsageError(`cannot read ${printable(file)}: ${read.error}`);
  return read.bytes;
}

/** --timeout MS: a whole number of milliseconds a Node timer can wait. */
export function parseTimeout(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--timeout: '${text}' is not a number of milliseconds`);
  // Node's timers hold 32 bits: a larger value would silently become 1 ms.
  if (Number(text) > MAX_TIMEOUT_MS) throw new UsageError(`--timeout: ${text} ms is more than the ${MAX_TIMEOUT_MS} ms (24 days) a timer can wait`);
  return Number(text);
}
