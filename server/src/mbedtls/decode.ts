// Decodes what people paste or hover: mbedTLS error codes in any form, ESP-TLS esp_err_t codes and
// X.509 verify-flag masks, for the Mbed TLS version of the project's ESP-IDF (v4.x → 2.28, v5.x → 3.6).
// The result objects are the `decode --json` contract of DESIGN.md §3.
import { explainPsa, psaStatus } from './psa';
import { shippedMbedtlsNote, type IdfVersionParts } from './shipped';
import {
  MBEDTLS_VERSIONS, VERIFY_FLAGS, espErrorByName, espErrorByValue, espErrorPresent, formatMbedtlsCode,
  mbedtlsErrorEntry, mbedtlsErrorValues, mbedtlsStrerror, splitMbedtlsCode, verifyFlagByName, type MbedtlsVersion,
} from './catalogue';
import { explainEsp, explainFlags, explainMbedtls, type Hint } from './explain';

export interface ErrorPart {
  /** "-0x2600" */
  value: string;
  /** The MBEDTLS_ERR_* macro ("" when this version has no code with that value). */
  name: string;
  module: string;
  level: 'high' | 'low';
  description: string;
}

export interface VerifyFlag {
  name: string;
  /** "0x00000008" */
  value: string;
  /** The line mbedtls_x509_crt_verify_info prints for the flag. */
  text: string;
}

export interface DecodedCode {
  input: string;
  kind: 'mbedtls' | 'esp' | 'flags' | 'psa';
  /** "-0x262E" (mbedTLS), "0x8017" (esp_err_t), "0x00000008" (verify flags), "-141" (PSA status). */
  value: string;
  mbedtls: MbedtlsVersion;
  /** Every Mbed TLS version this object is true for (both when the IDF version is unknown and they agree). */
  versions: MbedtlsVersion[];
  /** Exactly what mbedtls_strerror of that version prints; null for esp_err_t codes and flag masks. */
  strerror: string | null;
  parts: ErrorPart[];
  esp: { name: string; value: string } | null;
  flags: VerifyFlag[] | null;
  explanation: string;
  hints: Hint[];
  /** How the input was read, when that needs saying ("read as hexadecimal", "positive, as ESP-TLS stores it"). */
  notes: string[];
}

export interface DecodeOptions {
  /** The project's ESP-IDF version ("4.4", "v5.1.2"); empty or undefined: unknown (both Mbed TLS versions). */
  idfVersion?: string;
  /** The context says bare digits are hexadecimal (e.g. a log line printing "%x"). */
  hex?: boolean;
  /** X.509 verify flags to explain -0x2700 with. */
  flags?: number;
}

export type DecodeResult = { ok: true; results: DecodedCode[] } | { ok: false; error: string };


export function parseIdfVersionText(text: string | undefined): IdfVersionParts | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec((text ?? '').trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

/** The Mbed TLS version an ESP-IDF release ships: v4.x → 2.28, v5.x → 3.6 (v6 ships 4.x; 3.6 is the nearest table). */
export function mbedtlsVersionForIdf(idfVersion: string | IdfVersionParts | undefined): MbedtlsVersion | undefined {
  const v = typeof idfVersion === 'string' || idfVersion === undefined ? parseIdfVersionText(idfVersion) : idfVersion;
  if (!v) return undefined;
  return v.major <= 4 ? '2.28' : '3.6';
}

type Parsed =
  | { kind: 'mbedtls'; code: number | Partial<Record<MbedtlsVersion, number>>; notes: string[] }
  | { kind: 'esp'; value: number; notes: string[] }
  | { kind: 'flags'; mask: number; notes: string[] };

/**
 * Reads one code: -0x2700, 0x2700, -9984, 9984 (positive: as ESP-TLS stores mbedTLS errors), 2700 or
 * 262E (hex when `hex` is set or the digits need it), 0x8017 / 32791 (esp_err_t), MBEDTLS_ERR_* and
 * ESP_ERR_* names, verify-flag names (MBEDTLS_X509_BADCERT_*, joined with |) and `flags=0x8` / `flags:8`.
 * Returns a one-line reason when the input is not a code.
 */
export function parseCode(input: string, options: { hex?: boolean } = {}): Parsed | string {
  const text = input.trim().replace(/[,;.]$/, '');
  if (!text) return 'empty input';

  const flagsMatch = /^(?:flags?)\s*[=:]\s*(\S+)$/i.exec(text);
  if (flagsMatch) {
    const mask = parseNumber(flagsMatch[1], true);
    if (mask === undefined || mask < 0 || mask > 0xffffffff) return `'${input}': '${flagsMatch[1]}' is not a flag mask`;
    return { kind: 'flags', mask, notes: [] };
  }
  if (/^MBEDTLS_X509_BAD(CERT|CRL)_/i.test(text)) {
    let mask = 0;
    for (const name of text.split(/\s*\|\s*/)) {
      const f = verifyFlagByName(name.toUpperCase());
      if (!f) return `'${name}' is not an MBEDTLS_X509_BADCERT_/BADCRL_ flag`;
      mask |= f.value;
    }
    return { kind: 'flags', mask: mask >>> 0, notes: [] };
  }
  if (/^MBEDTLS_ERR_/i.test(text)) {
    const values = mbedtlsErrorValues(text.toUpperCase());
    return values ? { kind: 'mbedtls', code: values, notes: [] } : `'${input}' is not an MBEDTLS_ERR_ name of Mbed TLS 2.28 or 3.6`;
  }
  if (/^ESP_ERR_/i.test(text)) {
    const e = espErrorByName(text.toUpperCase());
    return e ? { kind: 'esp', value: e.value, notes: [] } : `'${input}' is not an ESP-TLS error name (ESP_ERR_ESP_TLS_*, ESP_ERR_MBEDTLS_*, ESP_ERR_WOLFSSL_*)`;
  }

  const m = /^([+-]?)\s*(0x[0-9a-f]+|[0-9a-f]+)$/i.exec(text);
  if (!m) return `'${input}' is not an error code (try -0x2700, 9984, 0x801A or MBEDTLS_ERR_...)`;
  const [, sign, digits] = m;
  const notes: string[] = [];
  let magnitude: number;
  if (/^0x/i.test(digits)) magnitude = parseInt(digits.slice(2), 16);
  else if (/[a-f]/i.test(digits) || options.hex) {
    magnitude = parseInt(digits, 16);
    if (!options.hex) notes.push(`read '${digits}' as hexadecimal`);
  } else {
    magnitude = parseInt(digits, 10);
    // Without context, bare digits are decimal; if that is no known code but the hex reading is, take hex.
    const hexMagnitude = parseInt(digits, 16);
    if (!knownMbedtls(magnitude) && !espErrorByValue(magnitude) && (knownMbedtls(hexMagnitude) || espErrorByValue(hexMagnitude))) {
      magnitude = hexMagnitude;
      notes.push(`read '${digits}' as hexadecimal (as decimal it is no known code)`);
    }
  }
  if (!Number.isFinite(magnitude)) return `'${input}' is not an error code`;
  if (magnitude === 0) return `'${input}' is 0: success, not an error`;
  if (sign !== '-' && magnitude >= 0x8000 && magnitude <= 0x80ff) return { kind: 'esp', value: magnitude, notes };
  if (magnitude > 0x7fff) return `'${input}' is out of range: mbedTLS codes are -0x0001..-0x7FFF, ESP-TLS codes 0x8000..0x80FF`;
  if (sign !== '-') notes.push('positive: read as the negated mbedTLS code (ESP-TLS stores mbedTLS errors as -ret)');
  return { kind: 'mbedtls', code: -magnitude, notes };
}

function parseNumber(text: string, hexDefault: boolean): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^[0-9a-f]+$/i.test(text)) return hexDefault || /[a-f]/i.test(text) ? parseInt(text, 16) : parseInt(text, 10);
  return undefined;
}

function knownMbedtls(magnitude: number): boolean {
  if (magnitude < 1 || magnitude > 0x7fff) return false;
  const { high, low } = splitMbedtlsCode(magnitude);
  return MBEDTLS_VERSIONS.some((v) => (!high || !!mbedtlsErrorEntry(high, v)) && (!low || !!mbedtlsErrorEntry(low, v)));
}

/** The parts of an mbedTLS code, high first, as mbedtls_strerror splits them. */
export function mbedtlsParts(code: number, version: MbedtlsVersion): ErrorPart[] {
  const { high, low } = splitMbedtlsCode(code);
  const parts: ErrorPart[] = [];
  for (const [magnitude, level] of [[high, 'high'], [low, 'low']] as const) {
    if (!magnitude) continue;
    const e = mbedtlsErrorEntry(magnitude, version);
    parts.push(e
      ? { value: formatMbedtlsCode(magnitude), name: e.names[0], module: e.module, level, description: e.description }
      : { value: formatMbedtlsCode(magnitude), name: '', module: '', level, description: `not an error code of Mbed TLS ${version}` });
  }
  return parts;
}

/** The flags set in a verify mask, in the order mbedtls_x509_crt_verify_info prints them. */
export function decodeVerifyFlags(mask: number): VerifyFlag[] {
  const out: VerifyFlag[] = [];
  let rest = mask >>> 0;
  for (const f of VERIFY_FLAGS) {
    if (!(rest & f.value)) continue;
    out.push({ name: f.name, value: formatMask(f.value), text: f.text });
    rest = (rest ^ f.value) >>> 0;
  }
  if (rest) out.push({ name: '', value: formatMask(rest), text: 'Unknown reason (this should not happen)' });
  return out;
}

const formatMask = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** Decodes one input for the project's IDF version (both Mbed TLS versions when unknown and they differ). */
export function decodeCode(input: string, options: DecodeOptions = {}): DecodeResult {
  const psa = psaStatus(input);
  if (psa) {
    const version = mbedtlsVersionForIdf(parseIdfVersionText(options.idfVersion)) ?? '3.6'; // PSA arrived with Mbed TLS 3.x
    return { ok: true, results: [{
      input, kind: 'psa', value: String(psa.value), mbedtls: version, versions: [version], strerror: `${psa.name}: ${psa.text}`, parts: [],
      esp: null, flags: null, explanation: explainPsa(psa), hints: [], notes: [],
    }] };
  }
  const parsed = parseCode(input, { hex: options.hex });
  if (typeof parsed === 'string') return { ok: false, error: parsed };
  const idf = parseIdfVersionText(options.idfVersion);
  const chosen = mbedtlsVersionForIdf(idf);
  const versions: MbedtlsVersion[] = chosen ? [chosen] : [...MBEDTLS_VERSIONS];
  const flagsMask = options.flags;

  const one = (version: MbedtlsVersion): DecodedCode | undefined => {
    const notes = [...parsed.notes];
    const shipped = parsed.kind === 'mbedtls' ? shippedMbedtlsNote(idf, version) : undefined;
    if (shipped) notes.push(shipped);
    if (parsed.kind === 'flags') {
      const ex = explainFlags(parsed.mask);
      return {
        input, kind: 'flags', value: formatMask(parsed.mask), mbedtls: version, versions: [version], strerror: null, parts: [],
        esp: null, flags: decodeVerifyFlags(parsed.mask), explanation: ex.explanation, hints: ex.hints, notes,
      };
    }
    if (parsed.kind === 'esp') {
      const e = espErrorByValue(parsed.value);
      const ex = explainEsp(parsed.value);
      // The name heads every view already: the explanation starts with what it means, not the name again.
      let explanation = ex?.explanation ?? (e ? `${e.description.charAt(0).toUpperCase()}${e.description.slice(1)}.` : `0x${parsed.value.toString(16).toUpperCase()} is in the ESP-TLS range (0x8000-0x80FF) but no ESP-IDF release names it.`);
      if (e && idf) {
        const present = espErrorPresent(e, idf);
        if (present === false) explanation += ` Note: ESP-IDF ${options.idfVersion!.replace(/^v/, '')} does not have ${e.name} (present in: ${(e.presentIn as string[]).map((t) => 'v' + t).join(', ')}).`;
      } else if (e && e.presentIn !== 'all') {
        notes.push(`${e.name} exists only in ESP-IDF ${(e.presentIn as string[]).map((t) => 'v' + t).join(', ')}`);
      }
      return {
        input, kind: 'esp', value: '0x' + parsed.value.toString(16).toUpperCase(), mbedtls: version, versions: [version], strerror: null, parts: [],
        esp: e ? { name: e.name, value: '0x' + e.value.toString(16).toUpperCase() } : null,
        flags: null, explanation, hints: ex?.hints ?? [], notes,
      };
    }
    let code: number;
    if (typeof parsed.code === 'number') code = parsed.code;
    else {
      const v = parsed.code[version];
      if (v === undefined) return undefined;
      code = v;
    }
    const magnitude = Math.abs(code);
    const strerror = mbedtlsStrerror(code, version);
    const parts = mbedtlsParts(code, version);
    const withFlags = magnitude === 0x2700 && flagsMask !== undefined;
    const ex = explainMbedtls(magnitude, { version, flags: withFlags ? flagsMask : undefined });
    const explanation = ex?.explanation ?? genericExplanation(parts, version);
    return {
      input, kind: 'mbedtls', value: formatMbedtlsCode(code), mbedtls: version, versions: [version], strerror, parts, esp: null,
      flags: withFlags ? decodeVerifyFlags(flagsMask!) : null, explanation, hints: ex?.hints ?? [], notes,
    };
  };

  let results = versions.map(one).filter((r): r is DecodedCode => !!r);
  if (!results.length && parsed.kind === 'mbedtls' && typeof parsed.code !== 'number') {
    // A name the chosen version does not have: show the versions that do, and say so.
    const have = MBEDTLS_VERSIONS.filter((v) => (parsed.code as Partial<Record<MbedtlsVersion, number>>)[v] !== undefined);
    results = have.map(one).filter((r): r is DecodedCode => !!r);
    for (const r of results) r.notes.push(`${input.trim()} does not exist in Mbed TLS ${versions.join('/')} (ESP-IDF ${options.idfVersion}); shown for ${r.mbedtls}`);
  }
  if (results.length === 2 && same(results[0], results[1])) {
    // Unknown IDF version but the versions agree: one object, labelled with the newest.
    results = [{ ...results[1], versions: [...MBEDTLS_VERSIONS] }];
  }
  return { ok: true, results };
}

function same(a: DecodedCode, b: DecodedCode): boolean {
  const strip = (r: DecodedCode) => JSON.stringify({ ...r, mbedtls: '', versions: [] });
  return strip(a) === strip(b);
}

function genericExplanation(parts: ErrorPart[], version: MbedtlsVersion): string {
  const known = parts.filter((p) => p.name);
  if (!known.length) return `Mbed TLS ${version} has no error code ${parts.map((p) => p.value).join(' + ')}.`;
  const words = parts.map((p) => p.name ? `${p.name} (${p.value}, ${p.level}-level ${p.module}): ${p.description}` : `${p.value}: ${p.description}`);
  return parts.length > 1
    ? `A composite code: ${words.join('; ')}. The high-level module reports the failure, the low-level one says what went wrong underneath.`
    : words[0];
}

/** All ESP-TLS esp_err_t codes (for completion or listing). */
