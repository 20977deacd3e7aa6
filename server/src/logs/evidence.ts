// The lines around a TLS failure that say what it was about: the URL being connected to, memory running
// out, PSA crypto failing, and the ESP-IDF version the boot banner names. logs/tlsLines.ts finds the
// failures; the log rule weighs these beside them (rules/logCauses.ts).

export type EvidenceKind = 'url' | 'plain-port' | 'memory' | 'psa' | 'idf-version';

export interface LogEvidence {
  /** 0-based line. */
  line: number;
  kind: EvidenceKind;
  /** The line as printed (colour codes removed, trimmed). */
  text: string;
  /** url: the URL; idf-version: "5.3.1". */
  value?: string;
}

const URL = /\b((?:wss?|https?|mqtts?|coaps?):\/\/[^\s"'<>,)]+)/i;
/** host:1883 or host:80 (MQTT's and HTTP's plain ports) without a scheme: "Connecting to 192.168.1.10:1883". */
const PLAIN_PORT = /\b[\w.-]+:(1883|80)(?![\d/])/;
const MEMORY = /out of memory|not enough memory|insufficient memory|(?:alloc(?:ation)?|malloc|calloc)\w* failed|failed to allocate|MBEDTLS_ERR_SSL_ALLOC_FAILED|-0x7F00\b|PSA_ERROR_INSUFFICIENT_MEMORY/i;
const PSA = /\bpsa_\w+\(?\)? (?:failed|returned)|PSA_ERROR_[A-Z_]+|psa_crypto_init/;
/** "boot: ESP-IDF v5.3.1 2nd stage bootloader", "app_init: ESP-IDF: v5.3.1-dirty", "cpu_start: ESP-IDF: v4.4.4". */
const IDF_VERSION = /\bESP-IDF:? v(\d+\.\d+(?:\.\d+)?)/;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\[0(?:;[0-9]+)?m/g;

/** The evidence lines of a monitor log, in order. */
export function findLogEvidence(text: string): LogEvidence[] {
  const out: LogEvidence[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, line) => {
    const plain = raw.replace(ANSI, '').trim();
    if (!plain) return;
    const version = IDF_VERSION.exec(plain);
    if (version) { out.push({ line, kind: 'idf-version', text: plain, value: version[1] }); return; }
    if (MEMORY.test(plain)) out.push({ line, kind: 'memory', text: plain });
    else if (PSA.test(plain)) out.push({ line, kind: 'psa', text: plain });
    const url = URL.exec(plain);
    if (url) out.push({ line, kind: 'url', text: plain, value: url[1] });
    else if (PLAIN_PORT.test(plain)) out.push({ line, kind: 'plain-port', text: plain, value: PLAIN_PORT.exec(plain)![1] });
  });
  return out;
}
