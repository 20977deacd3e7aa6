// The Mbed TLS version each ESP-IDF release really ships (data/idf-mbedtls.json, read from the
// components/mbedtls/mbedtls submodule at every tag v4.0 … v6.0.2). Error tables exist for 2.28 and 3.6
// only; this says when the device's library is another one, which matters for what a code can mean
// (2.16 matches no IP subjectAltName, 3.1-3.5 had TLS 1.3 unfinished, 4.x reports PSA status codes).
import data from '../data/idf-mbedtls.json';

export interface IdfVersionParts { major: number; minor: number; patch?: number }

const RELEASES: Record<string, { mbedtls: string }> = data.releases;

const key = (v: IdfVersionParts) => `${v.major}.${v.minor}${v.patch === undefined ? '' : `.${v.patch}`}`;
/** "5.1" is the tag v5.1, i.e. patch 0 of the release line. */
const patchOf = (tag: string) => Number(tag.split('.')[2] ?? 0);

/** The tags of one release line X.Y, in order. */
function line(major: number, minor: number): string[] {
  return Object.keys(RELEASES).filter((t) => t.startsWith(`${major}.${minor}`) && /^\d+\.\d+(\.\d+)?$/.test(t)
    && t.split('.')[0] === String(major) && t.split('.')[1] === String(minor)).sort((a, b) => patchOf(a) - patchOf(b));
}

/**
 * What `idf` ships: one version for a known tag ("3.5.0"), "3.6.6 or later" past the newest tag of a line,
 * and for a line without a patch the span of its tags ("3.4.0 (v5.1) … 3.6.5 (v5.1.7)"). Undefined for
 * releases the table does not reach.
 */
export function shippedMbedtls(idf: IdfVersionParts): string | undefined {
  const tags = line(idf.major, idf.minor);
  if (!tags.length) return undefined;
  if (idf.patch !== undefined) {
    const exact = RELEASES[key(idf)];
    if (exact) return exact.mbedtls;
    const last = tags[tags.length - 1];
    return idf.patch > patchOf(last) ? `${RELEASES[last].mbedtls} or later` : undefined;
  }
  const first = RELEASES[tags[0]].mbedtls;
  const last = RELEASES[tags[tags.length - 1]].mbedtls;
  return first === last ? first : `${first} (v${tags[0]}) … ${last} (v${tags[tags.length - 1]})`;
}

/** A note when the device's Mbed TLS is not the series whose table decoded the code (2.28.x or 3.6.x). */
export function shippedMbedtlsNote(idf: IdfVersionParts | undefined, table: string): string | undefined {
  const shipped = idf && shippedMbedtls(idf);
  if (!shipped || shipped.match(/(?<![v\d.])\d+\.\d+(?:\.\d+)?/g)!.every((v) => v.startsWith(`${table}.`))) return undefined;
  const why = idf!.major >= 6 ? ' (PSA first: many failures come as PSA status codes)' : '';
  return `ESP-IDF v${key(idf!)} ships Mbed TLS ${shipped}${why}; decoded with ${table}'s table`;
}
