// Finds PEM blocks in text and checks each one the way Mbed TLS reads it (mbedtls_pem_read_buffer and
// mbedtls_base64_decode, 2.28 and 3.6), so that what we call broken is what the device rejects:
// - the BEGIN line may be followed by one space and "\r", but then needs "\n";
// - base64 lines may end in spaces and "\r\n" or "\n"; a space before or inside the data, a tab or a
//   lone "\r" is MBEDTLS_ERR_BASE64_INVALID_CHARACTER;
// - "=" only at the end, at most two; 3.6 also rejects a length that is not a multiple of 4;
// - the END line need not end in a newline (ESP-IDF's gen_crt_bundle.py does care: another rule).
// Long lines are fine for Mbed TLS; we still flag one that looks like two lines run together, because
// in a C literal that is the sign of a missing "\n" (harmless there, fatal on the BEGIN line).

export type PemProblemCode =
  | 'malformed-delimiter'
  | 'missing-end'
  | 'missing-begin'
  | 'label-mismatch'
  | 'begin-no-newline'
  | 'invalid-character'
  | 'bad-length'
  | 'empty-body'
  | 'joined-lines';

export interface PemProblem {
  code: PemProblemCode;
  message: string;
  /** UTF-16 offset in the text given to findPemBlocks. */
  offset: number;
  /** Mbed TLS rejects the block. When false (joined lines) `der` is still decoded. */
  fatal: boolean;
  /** What mbedtls_pem_read_buffer returns, e.g. "-0x112C". mbedtls_x509_crt_parse reports -0x1080 as
   * -0x2780 (X509_CERT_UNKNOWN_FORMAT) when no certificate parsed; key parsing reports -0x3D00. */
  pemError?: string;
}

export interface PemBlock {
  /** The label of the BEGIN line, e.g. "CERTIFICATE", "PRIVATE KEY". */
  label: string;
  /** UTF-16 offsets of the whole block, from the first "-" of BEGIN to after the last "-" of END. */
  start: number;
  end: number;
  /** Where the text after the BEGIN line starts, and where the END line starts. */
  bodyStart: number;
  bodyEnd: number;
  /** RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED" and "DEK-Info" (legacy encrypted keys). */
  headers?: Record<string, string>;
  /** The decoded body; absent when a fatal problem stops decoding. */
  der?: Uint8Array;
  problem?: PemProblem;
}

const ERR_NO_HEADER_FOOTER = '-0x1080';
const ERR_INVALID_DATA = '-0x1100';
const ERR_INVALID_CHARACTER = '-0x112C'; // MBEDTLS_ERR_PEM_INVALID_DATA + MBEDTLS_ERR_BASE64_INVALID_CHARACTER

// Loose on purpose (3 to 5 dashes) so that a delimiter with a dash too few is reported, not ignored;
// at most 5 so that "-----END X----------BEGIN Y-----" still splits into two delimiters.
const DELIMITER = /(-{3,5})(BEGIN|END) ([A-Za-z0-9 ]*?[A-Za-z0-9])(-{3,5})/g;

interface Delimiter {
  kind: 'BEGIN' | 'END';
  label: string;
  start: number;
  end: number;
  wellFormed: boolean;
}

/** Every BEGIN…END block in `text`, in order. Never throws; problems are reported per block. */
export function findPemBlocks(text: string): PemBlock[] {
  const delimiters = scanDelimiters(text);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < delimiters.length; i++) {
    const begin = delimiters[i];
    if (begin.kind === 'END') {
      // An END that closes nothing: the BEGIN line was lost (or the block has two END lines).
      if (delimiters[i - 1]?.kind !== 'BEGIN') blocks.push(orphanEnd(begin));
      continue;
    }
    const next = delimiters[i + 1];
    blocks.push(next?.kind === 'END' ? readBlock(text, begin, next) : unterminated(text, begin, next?.start ?? text.length));
  }
  return blocks;
}

function scanDelimiters(text: string): Delimiter[] {
  const found: Delimiter[] = [];
  for (const m of text.matchAll(DELIMITER)) {
    const start = m.index ?? 0;
    found.push({
      kind: m[2] as 'BEGIN' | 'END',
      label: m[3],
      start,
      end: start + m[0].length,
      wellFormed: m[1].length === 5 && m[4].length === 5,
    });
  }
  return found;
}

function line(begin: Delimiter): string {
  return `-----BEGIN ${begin.label}-----`;
}

function unterminated(text: string, begin: Delimiter, limit: number): PemBlock {
  const end = text.slice(0, limit).trimEnd().length;
  return {
    label: begin.label,
    start: begin.start,
    end: Math.max(end, begin.end),
    bodyStart: begin.end,
    bodyEnd: Math.max(end, begin.end),
    problem: {
      code: 'missing-end',
      message: `${line(begin)} without a matching END line`,
      offset: begin.start,
      fatal: true,
      pemError: ERR_NO_HEADER_FOOTER,
    },
  };
}

function orphanEnd(endLine: Delimiter): PemBlock {
  return {
    label: endLine.label,
    start: endLine.start,
    end: endLine.end,
    bodyStart: endLine.start,
    bodyEnd: endLine.start,
    problem: {
      code: 'missing-begin',
      message: `-----END ${endLine.label}----- without a BEGIN line`,
      offset: endLine.start,
      fatal: true,
      pemError: ERR_NO_HEADER_FOOTER,
    },
  };
}

function readBlock(text: string, begin: Delimiter, endLine: Delimiter): PemBlock {
  const bodyStart = afterBeginLine(text, begin.end);
  const block: PemBlock = {
    label: begin.label,
    start: begin.start,
    end: endLine.end,
    bodyStart: bodyStart ?? begin.end,
    bodyEnd: endLine.start,
  };
  const problem = delimiterProblem(begin, endLine) ?? (bodyStart === undefined ? noNewline(begin) : undefined);
  if (problem) return { ...block, problem };
  const { headers, dataStart } = readHeaders(text, block.bodyStart, block.bodyEnd);
  if (headers) block.headers = headers;
  const body = readBase64(text, dataStart, block.bodyEnd);
  if ('problem' in body) return { ...block, problem: body.problem };
  block.der = body.der;
  const joined = joinedLine(body.lines);
  if (joined) block.problem = joined;
  return block;
}

function delimiterProblem(begin: Delimiter, endLine: Delimiter): PemProblem | undefined {
  for (const d of [begin, endLine]) {
    if (!d.wellFormed) {
      return {
        code: 'malformed-delimiter',
        message: `the ${d.kind} line needs exactly five dashes on each side: "-----${d.kind} ${d.label}-----"`,
        offset: d.start,
        fatal: true,
        pemError: ERR_NO_HEADER_FOOTER,
      };
    }
  }
  if (begin.label === endLine.label) return undefined;
  return {
    code: 'label-mismatch',
    message: `${line(begin)} ends with -----END ${endLine.label}----- (the labels must match)`,
    offset: endLine.start,
    fatal: true,
    pemError: ERR_NO_HEADER_FOOTER,
  };
}

/** mbedTLS skips one space and one "\r" after the BEGIN line and then insists on "\n". */
function afterBeginLine(text: string, at: number): number | undefined {
  let p = at;
  if (text[p] === ' ') p++;
  if (text[p] === '\r') p++;
  return text[p] === '\n' ? p + 1 : undefined;
}

function noNewline(begin: Delimiter): PemProblem {
  return {
    code: 'begin-no-newline',
    message: `${line(begin)} must be followed by a line break; the data starts on the same line (a C string piece missing its "\\n"?)`,
    offset: begin.end,
    fatal: true,
    pemError: ERR_NO_HEADER_FOOTER,
  };
}

/** RFC 1421 "Name: value" lines up to a blank line, as legacy encrypted keys carry (Proc-Type, DEK-Info). */
function readHeaders(text: string, from: number, to: number): { headers?: Record<string, string>; dataStart: number } {
  const headers: Record<string, string> = {};
  let p = from;
  let any = false;
  for (;;) {
    const eol = text.indexOf('\n', p);
    if (eol < 0 || eol >= to) break;
    const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)\r?$/.exec(text.slice(p, eol));
    if (!m) break;
    headers[m[1]] = m[2];
    any = true;
    p = eol + 1;
  }
  if (!any) return { dataStart: from };
  // The headers end at a blank line; mbedTLS expects it after DEK-Info.
  const blank = /^[ \t]*\r?\n/.exec(text.slice(p, to));
  return { headers, dataStart: blank ? p + blank[0].length : p };
}

interface Base64Line {
  start: number;
  length: number;
}

const BASE64_CHAR = /[A-Za-z0-9+/]/;

/** Decodes the base64 between `from` and `to` with mbedtls_base64_decode's rules. */
function readBase64(text: string, from: number, to: number): { der: Uint8Array; lines: Base64Line[] } | { problem: PemProblem } {
  let data = '';
  let equals = 0;
  const lines: Base64Line[] = [];
  let lineStart = -1;
  let lastDataOffset = from;
  for (let i = from; i < to; i++) {
    const spacesFrom = i;
    while (i < to && text[i] === ' ') i++;
    if (i >= to) break;
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n' && i + 1 < to)) {
      if (c === '\r') i++;
      lineStart = -1;
      continue;
    }
    if (i > spacesFrom) return invalid(spacesFrom, 'a space before or inside a base64 line (only trailing spaces are allowed)');
    if (c === '=') {
      if (++equals > 2) return invalid(i, 'more than two "=" padding characters');
    } else if (!BASE64_CHAR.test(c)) {
      return invalid(i, `${describeChar(c)} is not a base64 character`);
    } else if (equals > 0) {
      return invalid(i, 'base64 data after the "=" padding (two blocks run together?)');
    }
    if (lineStart < 0) {
      lineStart = i;
      lines.push({ start: i, length: 0 });
    }
    lines[lines.length - 1].length++;
    data += c;
    lastDataOffset = i;
  }
  if (data.length === 0) {
    return { problem: { code: 'empty-body', message: 'the PEM block has no base64 data', offset: from, fatal: true, pemError: ERR_INVALID_DATA } };
  }
  if (data.length % 4 !== 0) {
    const message = `the base64 data has ${data.length} characters, not a multiple of 4 (characters lost or added, or bad "=" padding)`;
    return { problem: { code: 'bad-length', message, offset: lastDataOffset, fatal: true, pemError: ERR_INVALID_CHARACTER } };
  }
  return { der: new Uint8Array(Buffer.from(data, 'base64')), lines };
}

function invalid(offset: number, what: string): { problem: PemProblem } {
  return { problem: { code: 'invalid-character', message: `invalid base64: ${what}`, offset, fatal: true, pemError: ERR_INVALID_CHARACTER } };
}

function describeChar(c: string): string {
  if (c === '\t') return 'a tab';
  if (c === '\r') return 'a carriage return without a line feed';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${c}"`;
}

/** A line longer than the block's line length: two lines whose separating "\n" went missing. Mbed TLS
 * still accepts it, so this is not fatal. With a single long line we can only guess the width (64). */
function joinedLine(lines: Base64Line[]): PemProblem | undefined {
  if (lines.length === 0) return undefined;
  const width = lineWidth(lines);
  for (const l of lines) {
    if (l.length > width && (lines.length > 1 || l.length > 76)) {
      return {
        code: 'joined-lines',
        message: `a base64 line of ${l.length} characters where lines are ${width} long: two lines run together (a C string piece missing its "\\n"?)`,
        offset: l.start + width,
        fatal: false,
      };
    }
  }
  return undefined;
}

/** The usual line length: the most common length among all lines but the last (which is shorter);
 * 64 (what OpenSSL writes) when that is implausibly long because most lines were joined. */
function lineWidth(lines: Base64Line[]): number {
  if (lines.length === 1) return 64;
  const counts = new Map<number, number>();
  for (const l of lines.slice(0, -1)) counts.set(l.length, (counts.get(l.length) ?? 0) + 1);
  let best = 64;
  let bestCount = 0;
  for (const [length, count] of counts) {
    if (count > bestCount || (count === bestCount && length < best)) [best, bestCount] = [length, count];
  }
  return best > 76 ? 64 : best;
}

export { isDer } from './der';
