// A certificate or key file of the project (.pem, .crt, .cer, .der, .key): PEM with one or several
// blocks, or a single DER certificate or key.
import { LineIndex } from '../positions';
import type { Range } from '../rules/finding';
import { readContents, type BlockContents } from './contents';
import { isDer } from './der';
import { findPemBlocks } from './pem';
import { derFormat } from './privateKey';

export interface CertFileBlock extends BlockContents {
  label: string;
  range: Range;
  problem?: { message: string; range: Range; fatal: boolean; pemError?: string };
  /** Why ESP-IDF's gen_crt_bundle.py would silently skip this block, if it would (it matches whole lines). */
  bundleSkip?: string;
}

export interface CertFileFacts {
  format: 'pem' | 'der' | 'unknown';
  blocks: CertFileBlock[];
  size: number;
}

export async function extractCertFile(bytes: Uint8Array): Promise<CertFileFacts> {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const lines = new LineIndex(text);
    const blocks = await Promise.all(findPemBlocks(text).map(async (b): Promise<CertFileBlock> => ({
      label: b.label,
      range: lines.range(b.start, b.end),
      problem: b.problem && { message: b.problem.message, range: lines.range(b.problem.offset, b.problem.offset + 1), fatal: b.problem.fatal, pemError: b.problem.pemError },
      bundleSkip: bundleSkip(text, b.start, b.end),
      ...(await readContents(b.label, b.der, b)),
    })));
    return { format: 'pem', blocks, size: bytes.length };
  }
  if (isDer(bytes)) {
    const whole: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    // DER carries no label: a key is recognised by its structure; anything else is judged as a certificate.
    const isKey = derFormat(bytes) !== 'unknown';
    const label = isKey ? 'PRIVATE KEY' : 'CERTIFICATE';
    return { format: 'der', blocks: [{ label, range: whole, ...(await readContents(label, bytes)) }], size: bytes.length };
  }
  return { format: 'unknown', blocks: [], size: bytes.length };
}

/**
 * gen_crt_bundle.py reads PEM line by line and only takes a certificate whose BEGIN and END lines are
 * exactly "-----BEGIN CERTIFICATE-----\n" and "-----END CERTIFICATE-----\n" (CRLF is fine: Python's
 * text mode turns it into \n). shared/reference/crt_bundle_format.md §4.
 */
function bundleSkip(text: string, start: number, end: number): string | undefined {
  const lineEnd = (from: number) => { const nl = text.indexOf('\n', from); return nl < 0 ? text.length : nl; };
  const beginRest = text.slice(start, lineEnd(start)).replace(/\r$/, '');
  if (/\s$/.test(beginRest)) return 'its BEGIN line ends with spaces';
  const endLineStart = text.lastIndexOf('\n', end - 1) + 1;
  const endLine = text.slice(endLineStart, lineEnd(end));
  if (/\s$/.test(endLine.replace(/\r$/, ''))) return 'its END line ends with spaces';
  if (lineEnd(end) === text.length) return 'its END line has no newline after it (the last line of the file)';
  return undefined;
}
