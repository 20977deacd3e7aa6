// The tables behind the decoder (server/src/data/*.json, written by scripts/gen-mbedtls-errors.mjs), and
// the two functions of Mbed TLS whose output the decoder reproduces: mbedtls_strerror (library/error.c)
// and mbedtls_x509_crt_verify_info (library/x509_crt.c). Both are checked against the real 2.28 and 3.6
// libraries by test/unit/mbedtls-decode.test.ts.
import errorsJson from '../data/mbedtls-errors.json';
import espJson from '../data/esp-tls-errors.json';
import flagsJson from '../data/x509-verify-flags.json';

export type MbedtlsVersion = '2.28' | '3.6';
export const MBEDTLS_VERSIONS: readonly MbedtlsVersion[] = ['2.28', '3.6'];
/** The release each table was read from. */
export const MBEDTLS_SOURCES: Record<MbedtlsVersion, string> = errorsJson.sources;

export interface MbedtlsErrorEntry {
  /** Every macro with this value; the first is the one mbedtls_strerror describes. */
  names: string[];
  module: string;
  level: 'high' | 'low';
  /** The header's doc comment (3.6) or the strerror text without the module (2.28-only codes). */
  description: string;
  /** The piece mbedtls_strerror prints for this part, e.g. "X509 - The CRT/CRL/CSR format is invalid, e.g. different type expected". */
  text: string;
}

const ERRORS: Record<MbedtlsVersion, Map<number, MbedtlsErrorEntry>> = {
  '2.28': new Map(Object.entries(errorsJson.errors['2.28']).map(([k, v]) => [parseInt(k, 16), v as MbedtlsErrorEntry])),
  '3.6': new Map(Object.entries(errorsJson.errors['3.6']).map(([k, v]) => [parseInt(k, 16), v as MbedtlsErrorEntry])),
};

const NAMES: Map<string, Partial<Record<MbedtlsVersion, number>>> = new Map();
for (const version of MBEDTLS_VERSIONS) {
  for (const [magnitude, entry] of ERRORS[version]) {
    for (const name of entry.names) {
      const values = NAMES.get(name) ?? {};
      values[version] = -magnitude;
      NAMES.set(name, values);
    }
  }
}

/** The catalogue entry for one part (high or low) of a code; `magnitude` is positive, e.g. 0x2700. */
export function mbedtlsErrorEntry(magnitude: number, version: MbedtlsVersion): MbedtlsErrorEntry | undefined {
  return ERRORS[version].get(magnitude);
}

/** MBEDTLS_ERR_* name → its (negative) value in each version that has it. */
export function mbedtlsErrorValues(name: string): Partial<Record<MbedtlsVersion, number>> | undefined {
  return NAMES.get(name);
}

export const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
/** "-0x2700" for -9984 (and for 9984, as ESP-TLS stores it). */
export const formatMbedtlsCode = (code: number): string => `-0x${hex4(Math.abs(code))}`;

export interface StrerrorOptions {
  /** Error macros the build does not compile in (their module's *_C is off): strerror says UNKNOWN for them. */
  omit?: (name: string) => boolean;
}

/** The high (code & 0xFF80) and low (code & 0x7F) parts, as mbedtls_strerror splits them. Positive magnitudes. */
export function splitMbedtlsCode(code: number): { high: number; low: number } {
  const ret = Math.abs(code);
  return { high: ret & 0xff80, low: ret & ~0xff80 & 0xffff };
}

/**
 * Exactly what mbedtls_strerror(code, buf, large enough) prints for `code` (either sign) with every
 * module compiled in. Mirrors library/error.c of 2.28 and 3.6: the high-level text, " : ", the
 * low-level text; "UNKNOWN ERROR CODE (%04X)" for a part it does not know; nothing after
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE.
 */
export function mbedtlsStrerror(code: number, version: MbedtlsVersion, options: StrerrorOptions = {}): string {
  const lookup = (magnitude: number): string | undefined => {
    const e = ERRORS[version].get(magnitude);
    if (!e || !e.text || (options.omit && options.omit(e.names[0]))) return undefined;
    return e.text;
  };
  const { high, low } = splitMbedtlsCode(code);
  let out = '';
  if (high) {
    out = lookup(high) ?? `UNKNOWN ERROR CODE (${hex4(high)})`;
    // "Early return in case of a fatal error - do not try to translate low level code."
    if (high === 0x7780) return out;
  }
  if (!low) return out;
  if (out) out += ' : ';
  return out + (lookup(low) ?? `UNKNOWN ERROR CODE (${hex4(low)})`);
}

// --- X.509 verify flags ------------------------------------------------------------------------------

export interface VerifyFlagEntry { name: string; value: number; kind: string; text: string; doc: string }
export const VERIFY_FLAGS: readonly VerifyFlagEntry[] = flagsJson.flags;
export const VERIFY_UNKNOWN_TEXT: string = flagsJson.unknown;
const FLAG_BY_NAME = new Map(VERIFY_FLAGS.map((f) => [f.name, f]));

export function verifyFlagByName(name: string): VerifyFlagEntry | undefined {
  return FLAG_BY_NAME.get(name);
}

/**
 * Exactly what mbedtls_x509_crt_verify_info(buf, size, prefix, flags) writes (2.28 and 3.6 agree):
 * one line per known flag in table order, then one "Unknown reason" line if any other bit is set.
 */
export function x509VerifyInfo(flags: number, prefix = ''): string {
  let rest = flags >>> 0;
  let out = '';
  for (const f of VERIFY_FLAGS) {
    if (rest & f.value) {
      out += `${prefix}${f.text}\n`;
      rest = (rest ^ f.value) >>> 0;
    }
  }
  if (rest) out += `${prefix}${VERIFY_UNKNOWN_TEXT}\n`;
  return out;
}

// --- ESP-TLS esp_err_t codes ---------------------------------------------------------------------------

export interface EspErrorEntry {
  name: string;
  value: number;
  kind: string;
  description: string;
  /** "all", or the checked ESP-IDF tags ("5.5.2") that have the code. */
  presentIn: 'all' | string[];
}
export const ESP_TLS_ERRORS: readonly EspErrorEntry[] = espJson.codes as EspErrorEntry[];
/** The ESP-IDF tags esp_tls_errors.h was read at. */
export const ESP_CHECKED_TAGS: readonly string[] = espJson.checkedTags;

export function espErrorByValue(value: number): EspErrorEntry | undefined {
  return ESP_TLS_ERRORS.find((e) => e.value === value);
}
export function espErrorByName(name: string): EspErrorEntry | undefined {
  return ESP_TLS_ERRORS.find((e) => e.name === name);
}

/**
 * Whether an ESP-IDF release X.Y (or X.Y.Z) has the code: "all", or a checked tag of the same X.Y at or
 * below the given patch (no patch: any tag of that X.Y). Undefined when no checked tag of that X.Y exists.
 */
export function espErrorPresent(entry: EspErrorEntry, idf: { major: number; minor: number; patch?: number }): boolean | undefined {
  if (entry.presentIn === 'all') return true;
  const key = `${idf.major}.${idf.minor}`;
  const sameMinor = ESP_CHECKED_TAGS.filter((t) => t === key || t.startsWith(key + '.'));
  if (!sameMinor.length) {
    // Outside the checked minors: present if present in every checked tag below and above it.
    const tags = entry.presentIn;
    const cmp = (t: string) => { const [a, b] = t.split('.').map(Number); return a !== idf.major ? a - idf.major : b - idf.minor; };
    const below = ESP_CHECKED_TAGS.filter((t) => cmp(t) < 0).at(-1);
    const above = ESP_CHECKED_TAGS.find((t) => cmp(t) > 0);
    if (below && above) return tags.includes(below) && tags.includes(above);
    return undefined;
  }
  const patchOf = (t: string) => Number(t.split('.')[2] ?? 0);
  const candidates = idf.patch === undefined ? sameMinor : sameMinor.filter((t) => patchOf(t) <= idf.patch!);
  if (!candidates.length) return entry.presentIn.includes(sameMinor[0]);
  return idf.patch === undefined
    ? candidates.some((t) => (entry.presentIn as string[]).includes(t))
    : (entry.presentIn as string[]).includes(candidates.at(-1)!);
}
