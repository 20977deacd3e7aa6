// A minimal DER reader. @peculiar/x509 decodes the certificate for us, but we still need the raw
// bytes of a few pieces (the subject and issuer Names, which the ESP-IDF bundle stores verbatim and
// mbedTLS compares byte-wise; the SubjectPublicKeyInfo; the algorithm OIDs, including ones the
// library does not know) and a structural check that fails with a message a person can act on.

/** One TLV: `start` is the tag byte, `contentStart`..`end` the value. */
export interface DerNode {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

export class DerError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads the TLV at `offset`; throws DerError when it does not fit in `limit` (default: the buffer). */
export function readNode(bytes: Uint8Array, offset: number, limit = bytes.length): DerNode {
  if (offset >= limit) throw new DerError(`expected a DER element at byte ${offset}, found the end of the data`, offset);
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte DER tag at byte ${offset} (not used in certificates)`, offset);
  if (offset + 1 >= limit) throw new DerError(`DER element at byte ${offset} is cut off before its length`, offset);
  const first = bytes[offset + 1];
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length, which DER (and mbedTLS) forbid; >4 length bytes is never a real certificate.
    if (count === 0 || count > 4) throw new DerError(`invalid DER length encoding at byte ${offset + 1}`, offset + 1);
    if (offset + 2 + count > limit) throw new DerError(`DER element at byte ${offset} is cut off inside its length`, offset);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i];
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) {
    throw new DerError(`truncated DER: the element at byte ${offset} claims ${length} bytes but only ${Math.max(0, limit - contentStart)} follow`, offset);
  }
  return { tag, start: offset, contentStart, end };
}

/** The TLVs directly inside a constructed node. */
export function children(bytes: Uint8Array, node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let at = node.contentStart; at < node.end; ) {
    const child = readNode(bytes, at, node.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Reads the node at `offset` and checks its tag; `what` names it in the error. */
export function expectNode(bytes: Uint8Array, offset: number, tag: number, what: string, limit?: number): DerNode {
  // The tag first: for text or random bytes "wrong tag" says more than "bad length".
  if (offset < bytes.length && bytes[offset] !== tag) {
    throw new DerError(`${what}: expected tag 0x${hex2(tag)} at byte ${offset}, found 0x${hex2(bytes[offset])}`, offset);
  }
  return readNode(bytes, offset, limit);
}

/** A copy of the whole TLV (copies keep CertInfo independent of the caller's buffer). */
export function slice(bytes: Uint8Array, node: DerNode): Uint8Array {
  return bytes.slice(node.start, node.end);
}

export function content(bytes: Uint8Array, node: DerNode): Uint8Array {
  return bytes.subarray(node.contentStart, node.end);
}

/** Dotted form of an OBJECT IDENTIFIER node. */
export function oidString(bytes: Uint8Array, node: DerNode): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = node.contentStart; i < node.end; i++) {
    value = value * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** True when the whole buffer (allowing a trailing NUL or newline or two) is one DER SEQUENCE, or a
 * SEQUENCE whose long-form header says it continues past the end (a truncated binary file: still DER,
 * and the decoder then says "truncated"). Short-form headers must fit exactly, so text is not mistaken. */
export function isDer(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== TAG.SEQUENCE) return false;
  const first = bytes[1];
  if (first < 0x80) return 2 + first <= bytes.length && bytes.length - (2 + first) <= 2 && first > 0;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes.length < 2 + count) return false;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[2 + i];
  // Minimal encoding: a long form is only used for lengths >= 128 (DER rule; text never looks like this).
  if (length < 128) return false;
  const end = 2 + count + length;
  return end >= bytes.length - 2;
}

export function toHex(bytes: Uint8Array, separator = ''): string {
  return Array.from(bytes, (b) => hex2(b)).join(separator);
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
