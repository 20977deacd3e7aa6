// The lines around a TLS failure that say what it was about: the URL being connected to, memory running
// out, PSA crypto failing, the clock being set, the ESP32 acting as a server, and the ESP-IDF version and
// chip the boot banner names. logs/tlsLines.ts finds the failures, logs/attempts.ts groups both into
// connection attempts, and the log rule weighs them (rules/logCauses.ts).

export type EvidenceKind = 'url' | 'plain-port' | 'memory' | 'psa' | 'idf-version' | 'chip' | 'clock-set' | 'server' | 'cert-issuer' | 'cert-subject' | 'heap';

export interface LogEvidence {
  /** 0-based line. */
  line: number;
  kind: EvidenceKind;
  /** The line as printed (colour codes removed, trimmed). */
  text: string;
  /** url: the URL; plain-port: "1883"; idf-version: "5.3.1"; chip: "ESP32-C3"; cert-issuer / cert-subject: the DN; heap: free bytes. */
  value?: string;
}

const URL = /\b((?:wss?|https?|mqtts?|coaps?):\/\/[^\s"'<>,)]{1,2048})/i; // longer is no URL a device prints (and new URL() of 100 KB takes seconds)
/** host:1883 or host:80 (MQTT's and HTTP's plain ports) without a scheme: "Connecting to 192.168.1.10:1883". */
const PLAIN_PORT = /\b[\w.-]{1,253}:(1883|80)(?![\d/])/; // a host name is at most 253 characters: bounded, so never quadratic on a long word
const MEMORY = /out of memory|not enough memory|insufficient memory|(?:alloc(?:ation)?|malloc|calloc)\w* failed|failed to allocate|MBEDTLS_ERR_SSL_ALLOC_FAILED|-0x7F00\b|PSA_ERROR_INSUFFICIENT_MEMORY/i;
const PSA = /\bpsa_\w+\(?\)? (?:failed|returned)|PSA_ERROR_[A-Z_]+|psa_crypto_init/;
/** "boot: ESP-IDF v5.3.1 2nd stage bootloader", "app_init: ESP-IDF: v5.3.1-dirty", "cpu_start: ESP-IDF: v4.4.4". */
const IDF_VERSION = /\bESP-IDF:? v(\d+\.\d+(?:\.\d+)?)/;
/** The chip: the ROM banner ("ESP-ROM:esp32c3-api1-20210207"), v5's bootloader tag ("boot.esp32s3: chip revision"),
 *  esptool before the monitor ("Chip is ESP32-D0WD-V3 (revision v3.1)", "Connected to ESP32-C3 on /dev/ttyUSB0"). */
const CHIP = /\bESP-ROM:(esp32\w*?)(?:-|\s|$)|\bboot\.(esp32\w*):|\bChip is (ESP32(?:-[CSHP]\d+)?)|\bConnected to (ESP32(?:-[CSHP]\d+)?) on\b/i;
/** The clock was set: lwIP's SNTP, the examples' time-sync callback, or a date printed after syncing. */
const CLOCK_SET = /time synchroni[sz]ation event|\bsntp\b.*\b(?:sync(?:hroni[sz]ed)?|adjust(?:ed)?|set)\b|Time is set|The current date\/time (?:in .* )?is:? \w+ \w+ +\d+ .*20[2-9]\d/i;
/** The ESP32 serves TLS: esp_https_server's and httpd's tags, the server session call. */
const SERVER = /\b(?:esp_https_server|httpd(?:_\w+)?|https_server)\b:|esp_tls_(?:create_)?server_session/;
/** The application printing its free heap ("Free heap: 23456", "free heap size = 23456 bytes", "min free heap 10 KB"). */
const HEAP = /\bfree (?:internal )?heap(?: size)?\b[^\d\n]{0,12}(\d{3,9})\s*(KB|kB|K|bytes?)?/i;
/** A certificate printed by mbedTLS's debug output (mbedtls_x509_crt_info under "peer certificate #N"). */
const CERT_NAME = /\b(issuer|subject) name\s*: (\S.*)$/;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\[0(?:;[0-9]+)?m/g;

/** The evidence lines of a monitor log, in order. */
export function findLogEvidence(text: string): LogEvidence[] {
  const out: LogEvidence[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, line) => {
    const plain = raw.replace(ANSI, '').trim();
    if (!plain) return;
    const version = IDF_VERSION.exec(plain);
    if (version) { out.push({ line, kind: 'idf-version', text: plain, value: version[1] }); return; }
    const chip = CHIP.exec(plain);
    if (chip) { out.push({ line, kind: 'chip', text: plain, value: chipName(chip.slice(1).find(Boolean)!) }); return; }
    const name = CERT_NAME.exec(plain);
    if (name) { out.push({ line, kind: name[1] === 'issuer' ? 'cert-issuer' : 'cert-subject', text: plain, value: name[2].trim() }); return; }
    if (CLOCK_SET.test(plain)) out.push({ line, kind: 'clock-set', text: plain });
    if (SERVER.test(plain)) out.push({ line, kind: 'server', text: plain });
    const heap = HEAP.exec(plain);
    if (heap) out.push({ line, kind: 'heap', text: plain, value: String(Number(heap[1]) * (/^k/i.test(heap[2] ?? '') ? 1024 : 1)) });
    if (MEMORY.test(plain)) out.push({ line, kind: 'memory', text: plain });
    else if (PSA.test(plain)) out.push({ line, kind: 'psa', text: plain });
    const url = URL.exec(plain);
    if (url) out.push({ line, kind: 'url', text: plain, value: url[1] });
    else if (PLAIN_PORT.test(plain)) out.push({ line, kind: 'plain-port', text: plain, value: PLAIN_PORT.exec(plain)![1] });
  });
  return out;
}

/** "esp32c3" / "ESP32-C3" → "ESP32-C3". */
function chipName(raw: string): string {
  const m = /^esp32-?([cshp]\d+)?/i.exec(raw)!;
  return m[1] ? `ESP32-${m[1].toUpperCase()}` : 'ESP32';
}
