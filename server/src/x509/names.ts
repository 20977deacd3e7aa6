// Distinguished names: a readable RFC 4514 string (most specific first, as OpenSSL's -nameopt RFC2253
// and most tools show it: "CN=ISRG Root X1, O=Internet Security Research Group, C=US"), and equality
// the way the device decides it.
import { EXTRA_NAME_ATTRIBUTES } from './oids';
import { peculiarX509 } from './peculiar';

export interface ReadableName {
  text: string;
  /** The (last) common name, the one mbedTLS matches a host name against when there is no SAN. */
  cn?: string;
}

/** Formats the DER of a Name. Throws when the DER is not a Name. */
export function readName(der: Uint8Array): ReadableName {
  const rdns = new (peculiarX509().Name)(der, EXTRA_NAME_ATTRIBUTES).toJSON();
  let cn: string | undefined;
  const parts = rdns.map((rdn) =>
    Object.entries(rdn)
      .flatMap(([type, values]) => values.map((v) => `${type}=${escapeValue(v)}`))
      .join('+'),
  );
  for (const rdn of rdns) for (const v of rdn.CN ?? []) cn = v;
  return { text: parts.reverse().join(', '), cn };
}

/** RFC 4514 section 2.4 escaping. A value starting with "#" from the library is hex (non-string
 * attribute) and stays as it is. */
export function escapeValue(value: string): string {
  if (/^#[0-9A-Fa-f]*$/.test(value)) return value;
  return value
    .replace(/([\\,+"<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ')
    .replace(/\0/g, '\\00');
}

/** The key for comparing readable names: mbedTLS compares DN strings case-insensitively
 * (x509_name_cmp), and so does this. */
export function nameKey(text: string): string {
  return text.toLowerCase();
}

/** Same DN: byte-equal DER (what the ESP-IDF bundle's memcmp needs) or equal ignoring case. */
export function sameName(aDer: Uint8Array, aText: string, bDer: Uint8Array, bText: string): boolean {
  return bytesEqual(aDer, bDer) || nameKey(aText) === nameKey(bText);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
