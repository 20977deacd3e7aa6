// PSA Crypto status codes (server/src/data/psa-status.json): ESP-IDF v5.x prints them where mbedTLS 3.x's
// PSA layer fails, in decimal (-141) or as an unsigned 32-bit value (0xffffff73). No mbedTLS error code
// lies in -0x80..-0xFF (-128..-255), so a value there is a PSA status, never a composite mbedTLS code.
import table from '../data/psa-status.json';

export interface PsaStatus { name: string; value: number; text: string }

const BY_VALUE = new Map<number, PsaStatus>((table.codes as PsaStatus[]).map((c) => [c.value, c]));
const BY_NAME = new Map<string, PsaStatus>((table.codes as PsaStatus[]).map((c) => [c.name, c]));

/** The PSA status `input` names: -141, 0xffffff73, ffffff73, PSA_ERROR_INSUFFICIENT_MEMORY. */
export function psaStatus(input: string): PsaStatus | undefined {
  const t = input.trim();
  if (/^PSA_ERROR_\w+$/.test(t)) return BY_NAME.get(t);
  if (/^-1[2-5]\d$/.test(t)) return BY_VALUE.get(Number(t));
  const unsigned = /^(?:0[xX])?[fF]{6}([0-9A-Fa-f]{2})$/.exec(t);
  return unsigned ? BY_VALUE.get(parseInt(unsigned[1], 16) - 256) : undefined;
}

/** What the status usually means on an ESP32, and what to do. */
export function explainPsa(s: PsaStatus): string {
  const base = `${s.name} (${s.value}): ${s.text}.`;
  switch (s.name) {
    case 'PSA_ERROR_INSUFFICIENT_MEMORY':
      return `${base} The TLS handshake's crypto ran out of heap: free memory before connecting, open fewer connections at once, or let mbedTLS use PSRAM (CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC).`;
    case 'PSA_ERROR_BAD_STATE':
      return `${base} On ESP-IDF v5.x code that drives mbedTLS 3.x with TLS 1.3 (or PSA directly) must call psa_crypto_init() first; esp-tls does it for its own connections.`;
    case 'PSA_ERROR_NOT_SUPPORTED':
      return `${base} The algorithm, curve or key size is turned off in sdkconfig (CONFIG_MBEDTLS_*), or the server's certificate uses one this build lacks.`;
    case 'PSA_ERROR_INVALID_SIGNATURE':
      return `${base} In a handshake: the server's key exchange or certificate signature did not verify (a wrong or re-keyed CA, or damaged data).`;
    case 'PSA_ERROR_INSUFFICIENT_ENTROPY':
      return `${base} The random number generator had no entropy: on an ESP32 that happens before Wi-Fi or Bluetooth is up without bootloader_random_enable().`;
    default:
      return base;
  }
}
