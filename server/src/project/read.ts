// The one guarded reader: every file the analysis reads (sources, certificates, sdkconfig*, CMake files,
// Kconfig, .gitignore, manifests, build-folder JSON, logs) comes through here. Only regular files (a FIFO,
// a device or a socket would block or never end: symlinks are followed and the target is tested), only
// up to a size cap checked before the file is read whole, and only inside the folders the analysis was
// given (a workspace's CMake naming /etc/shadow as its SDKCONFIG is not read). What is refused is
// recorded with the reason, for the log and the status.
//
// Synchronous on purpose: thousands of small files read through fs/promises cost a thread-pool round
// trip per open, fstat, read and close (most of a cold check's I/O time); the analyzer reads in slices
// and yields to the event loop between them instead. Every read lands in one buffer kept between calls:
// nineteen files in twenty are dropped by the prefilter a moment later, and a fresh buffer for each cost
// as much as reading it. A file the walk already saw as a regular file is measured (fstat) only when it
// fills the buffer; any other file is tested before it is read.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isInside } from './components';
import { tooLargeReason } from './walk';

export type ReadOutcome =
  /** `content` is a view of the shared buffer: valid until the next call. Copy what must be kept. */
  | { content: Buffer }
  | { skipped: string }
  /** Gone since the walk (or never there, or a folder): nothing to say. */
  | { missing: true };

export interface SkippedRead { file: string; reason: string }

export interface Policy {
  /** Folders files may be read from (workspace folders, the checked paths, $IDF_PATH once trusted); undefined: anywhere. */
  roots?: string[];
  /** Cap for configuration files (sdkconfig, CMake, Kconfig, .gitignore, manifests). */
  configBytes: number;
}

/** Build-folder JSON (compile_commands.json of a large project) is generated, and larger than what people write. */
export const BUILD_JSON_BYTES = 64 * 1024 * 1024;
export const BUILD_JSON_LIMIT = 'the limit for build-folder files';

let policy: Policy = { configBytes: 2 * 1024 * 1024 };
const skips: SkippedRead[] = [];

/** Sets where files may be read from and the configuration-file cap, for one discovery; returns the policy to restore after it. */
export function configureReads(p: Policy): Policy {
  const before = policy;
  // Each root as written and as resolved: readText tests a file's real path, and a workspace opened
  // through a symlinked folder must still hold its own files.
  policy = { ...p, roots: p.roots?.flatMap((r) => [...new Set([path.resolve(r), realOrSelf(r)])]) };
  return before;
}

/** The configuration reads refused since the last call, with their reasons (drained by discovery). */
export function takeReadSkips(): SkippedRead[] {
  return skips.splice(0);
}

/** Whether `file` lies in a folder the analysis may read (lexically; readText also resolves symlinks). */
export function mayRead(file: string): boolean {
  return !policy.roots || policy.roots.some((r) => isInside(r, path.resolve(file)));
}

const OUTSIDE = 'outside the workspace: not read';
const INITIAL_BYTES = 256 * 1024;
let shared = Buffer.allocUnsafe(INITIAL_BYTES);
// Opening a FIFO for reading blocks until a writer appears; non-blocking, it opens at once and is refused by fstat.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads a file the analysis considers. `regular`: the walk saw a regular file (fstat only if it fills the buffer). */
export function readCandidate(file: string, maxBytes: number, regular = false, limit?: string, resolve = false): ReadOutcome {
  if (!mayRead(file)) return { skipped: OUTSIDE };
  let fd: number;
  try {
    // The walk saw a regular file: plain 'r' (Node's fast path); anything else opens non-blocking.
    fd = openSync(file, regular ? 'r' : OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' ? { missing: true } : { skipped: `unreadable: ${code ?? String(e)}` };
  }
  try {
    // A symlink inside the workspace may lead out of it: the real path decides (only for files that exist,
    // so the many probes for absent Kconfig and manifest files cost one failed open).
    if (resolve && policy.roots && !mayRead(realOrSelf(file))) return { skipped: OUTSIDE };
    if (!regular) {
      const st = fstatSync(fd);
      if (st.isDirectory()) return { missing: true };
      if (!st.isFile()) return { skipped: `not a regular file (${kindOf(st)}): not read` };
      if (st.size > maxBytes) return { skipped: tooLargeReason(st.size, maxBytes, limit) };
    }
    let got = 0;
    for (;;) {
      if (got === shared.length) {
        const st = fstatSync(fd);
        if (!st.isFile()) return { skipped: `not a regular file (${kindOf(st)}): not read` };
        if (st.size > maxBytes) return { skipped: tooLargeReason(st.size, maxBytes, limit) };
        grow(Math.max(st.size + 1, shared.length * 2), got); // +1: the read that finds the end needs room
      }
      // A regular file gives fewer bytes than asked only at its end: no extra read to see 0 bytes.
      const want = shared.length - got;
      const n = readSync(fd, shared, got, want, null);
      got += n;
      if (n < want) break;
      // Grown while we read past what fstat said (a file being written): stop at the cap.
      if (got > maxBytes) return { skipped: tooLargeReason(got, maxBytes, limit) };
    }
    if (got > maxBytes) return { skipped: tooLargeReason(got, maxBytes, limit) };
    return { content: shared.subarray(0, got) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EISDIR' ? { missing: true } : { skipped: `unreadable: ${code ?? String(e)}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * A configuration file's text, or undefined when it is missing or refused (the refusal is recorded, see
 * takeReadSkips). Symlinks are resolved for the folder test, so a link inside the workspace to a file
 * outside it is refused too.
 */
export function readText(file: string, maxBytes = policy.configBytes, limit?: string): string | undefined {
  const read = readCandidate(file, maxBytes, false, limit, true);
  if ('missing' in read) return undefined;
  if ('skipped' in read) { skips.push({ file, reason: read.skipped }); return undefined; }
  return read.content.toString('utf8');
}

function realOrSelf(p: string): string {
  try { return realpathSync.native(p); } catch { return path.resolve(p); } // one syscall, not a JS walk
}

function kindOf(st: ReturnType<typeof fstatSync>): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

function grow(bytes: number, keep: number): void {
  const bigger = Buffer.allocUnsafe(bytes);
  shared.copy(bigger, 0, 0, keep);
  shared = bigger;
}

/** A file a person named (a command's argument, a bundle input): its bytes (a copy), or one line saying why not. */
export function readBytes(file: string, maxBytes: number): { bytes: Buffer } | { error: string } {
  const read = readCandidate(file, maxBytes);
  if ('missing' in read) return { error: 'no such file' };
  if ('skipped' in read) return { error: read.skipped };
  return { bytes: Buffer.from(read.content) };
}
