// Reads one candidate file for analysis. Synchronous on purpose: thousands of small files read through
// fs/promises cost a thread-pool round trip per open, fstat, read and close (most of a cold check's I/O
// time); the analyzer reads in slices and yields to the event loop between them instead.
// Every read lands in one buffer kept between calls: nineteen files in twenty are dropped by the
// prefilter a moment later, and a fresh buffer for each cost as much as reading it (allocation, then
// garbage collection). Only a file that fills the buffer is measured (fstat), so one over the limit is
// refused before it is read whole, and the walk need not stat.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { tooLargeReason } from './walk';

export type ReadOutcome =
  /** `content` is a view of the shared buffer: valid until the next call. Copy what must be kept. */
  | { content: Buffer }
  | { skipped: string }
  /** Gone since the walk (or never there, or a folder): nothing to say. */
  | { missing: true };

const INITIAL_BYTES = 256 * 1024;
let shared = Buffer.allocUnsafe(INITIAL_BYTES);

export function readCandidate(file: string, maxBytes: number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { missing: true } : { skipped: `unreadable: ${code ?? String(e)}` };
  }
  try {
    let got = 0;
    for (;;) {
      if (got === shared.length) {
        const size = fstatSync(fd).size;
        if (size > maxBytes) return { skipped: tooLargeReason(size, maxBytes) };
        grow(Math.max(size + 1, shared.length * 2), got); // +1: the read that finds the end needs room
      }
      // A regular file gives fewer bytes than asked only at its end: no extra read to see 0 bytes.
      const want = shared.length - got;
      const n = readSync(fd, shared, got, want, null);
      got += n;
      if (n < want) break;
    }
    // Grown while we read past what fstat said: still over the limit.
    if (got > maxBytes) return { skipped: tooLargeReason(got, maxBytes) };
    return { content: shared.subarray(0, got) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EISDIR' ? { missing: true } : { skipped: `unreadable: ${code ?? String(e)}` };
  } finally {
    closeSync(fd);
  }
}

function grow(bytes: number, keep: number): void {
  const bigger = Buffer.allocUnsafe(bytes);
  shared.copy(bigger, 0, 0, keep);
  shared = bigger;
}
