// Reads one candidate file for analysis. Synchronous on purpose: thousands of small files read through
// fs/promises cost a thread-pool round trip per open, fstat, read and close (most of a cold check's I/O
// time); the analyzer reads in slices and yields to the event loop between them instead. The size is
// taken from the open descriptor, so a file over the limit is never read, and the walk need not stat.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { tooLargeReason } from './walk';

export type ReadOutcome =
  | { content: Buffer }
  | { skipped: string }
  /** Gone since the walk (or never there): nothing to say. */
  | { missing: true };

export function readCandidate(file: string, maxBytes: number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { missing: true } : { skipped: `unreadable: ${code ?? String(e)}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { missing: true }; // a symlink to a folder, a socket...
    if (st.size > maxBytes) return { skipped: tooLargeReason(st.size, maxBytes) };
    const content = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, content, got, st.size - got, got);
      if (n === 0) break; // truncated while we read
      got += n;
    }
    return { content: got === st.size ? content : content.subarray(0, got) };
  } catch (e) {
    return { skipped: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  } finally {
    closeSync(fd);
  }
}
