// Finds the TLS failure (and verification) lines in ESP-IDF monitor output.
//
// The messages are the ESP_LOGx format strings in /work/shared/reference/tls_log_strings.tsv,
// extracted from espressif/esp-idf v4.4.8 (e499576e) and v5.5.5 (b774170f) and the esp-mqtt
// submodule commits of those releases (bb9c8af, 0e9ec17): esp_tls.c, esp_tls_mbedtls.c,
// esp_crt_bundle.c, transport_ssl.c, esp_http_client.c, esp_https_ota.c, mqtt_client.c. The order
// of the handshake-failure lines and the verify-info format are from esp_tls_behaviour.md §3 (same
// folder). The "Last error ..." lines are not ESP-IDF's own: the mqtt and esp_http_client examples
// print them from the error handle (esp_tls_behaviour.md §3 names them), so they are matched by
// message under any tag.
//
// Tags differ between releases: v4.4 "TRANSPORT_BASE" / "MQTT_CLIENT", v5.x "transport_base" /
// "mqtt_client". The certificate bundle logs under "esp-x509-crt-bundle" in both.
//
// The ESP_LOG line format is `<L> (<time>) <tag>: <message>`, time being milliseconds since boot or,
// with CONFIG_LOG_TIMESTAMP_SOURCE_SYSTEM, `HH:MM:SS.mmm`. Lines may carry CONFIG_LOG_COLORS escapes
// (`\x1b[0;31m` ... `\x1b[0m`, or the same without the ESC byte when a capture dropped it) and the
// `YYYY-MM-DD HH:MM:SS ` prefix of `idf.py monitor --timestamps`.
import { VERIFY_FLAGS } from '../mbedtls/catalogue';
import type { Range } from '../rules/finding';

export type LogLevel = 'E' | 'W' | 'I' | 'D' | 'V';

export type TlsLogKind =
  | 'handshake-failed'          // mbedtls_ssl_handshake returned -0x%04X
  | 'mbedtls-strerror'          // (%04X): %s  (mbedtls_print_error_msg, debug builds)
  | 'verify-failed'             // Failed to verify peer certificate!
  | 'verify-info'               // one "  ! <reason>" item of "verification info: %s"
  | 'verify-ok'                 // Certificate verified. / (bundle) Certificate validated
  | 'verify-skipped'            // Skipping certificate verification - no peer certificate received
  | 'bundle-verify-failed'      // (bundle) Failed to verify certificate: no bundle root issued the chain's top certificate
  | 'bundle-signature-failed'   // (bundle) Certificate matched [with ...] but signature verification failed
  | 'bundle-no-matching-root'   // (bundle) No matching trusted root certificate found
  | 'bundle-error'              // (bundle) invalid bundle, PK parse/verify failed, attach failed, ...
  | 'no-verification-option'    // No server verification option set ... / (OTA) No option for server verification ... / Server certificate not found ...
  | 'global-store-empty'        // global_cacert is NULL (use_global_ca_store without esp_tls_set_global_ca_store)
  | 'insecure-ota'              // Continuing with insecure option because CONFIG_(ESP_HTTPS_)OTA_ALLOW_HTTP is set.
  | 'client-config-failed'      // Failed to set client configurations, returned [0x%04X] (%s)
  | 'create-ssl-handle-failed'  // create_ssl_handle failed[, returned [0x%04X] (%s)]
  | 'ca-parse-failed'           // mbedtls_x509_crt_parse [of CA cert | of global CA cert] returned -0x%04X (v4.4: any certificate)
  | 'cert-parse-failed'         // mbedtls_x509_crt_parse of public cert / of client cert returned -0x%04X (v5.x)
  | 'ca-parse-partial'          // mbedtls_x509_crt_parse was partly successful. No. of failed certificates: %d
  | 'mbedtls-call-failed'       // any other mbedtls_xxx returned -0x%04X
  | 'feature-not-enabled'       // ... configured but not enabled in menuconfig / Certificate bundle is not enabled ...
  | 'mutual-auth-incomplete'    // You have to provide both clientcert_buf and clientkey_buf for mutual authentication
  | 'tls-version'               // TLS 1.3 is not enabled in config ... / Unsupported protocol version
  | 'io-error'                  // read error :-0x%04X: / write error :-0x%04X:
  | 'dns-failed'                // couldn't get hostname for :%s: getaddrinfo() returns %d, addrinfo=%p
  | 'socket-error'              // [sock=%d] connect() error / select() timeout / delayed connect error
  | 'connect-timeout'           // Failed to open new connection in specified timeout
  | 'connect-failed'            // esp-tls / transport / HTTP_CLIENT / MQTT / OTA "could not connect" lines
  | 'mqtt-last-error'           // Last error code reported from esp-tls / Last tls stack error number / Last captured errno / Last error %s: 0x%x
  | 'http-last-error'           // Last esp error code: 0x%x / Last mbedtls failure: 0x%x (esp_http_client example)
  | 'bundle-build-failed';      // (build output) gen_crt_bundle.py: Invalid certificate in ... / No certificate found / ... exceeds

export interface TlsLogLine {
  /** 0-based line (LSP numbering: `\r\n`, `\n` and `\r` end a line). */
  line: number;
  /** The interesting part in the original line (ANSI escapes included in the column count): the first code, else the message. */
  range: Range;
  /** The ESP_LOG level letter; undefined for continuation lines (verify-info items after the first). */
  level: LogLevel | undefined;
  tag: string;
  kind: TlsLogKind;
  /** Error codes and names as written: "-0x2700", "0x8017", "ESP_ERR_MBEDTLS_SSL_SETUP_FAILED", "0x801a", "113". */
  codes: string[];
  /** The log message (after "tag: ", without colour escapes). For verify-info: the reason text without "  ! ". */
  message: string;
  /** verify-info only: the MBEDTLS_X509_BADCERT_* / BADCRL_* flag the reason names (prefix match: the text may be cut at 100 bytes). */
  flag?: string;
  /** Milliseconds since boot, when the line prints them (`E (5100) tag: ...`, Arduino's `[  5100]`). */
  ms?: number;
}

const ESP_TLS = ['esp-tls'];
// Before v4.2 esp-tls logged its mbedTLS calls under its own tag.
const MBEDTLS = ['esp-tls-mbedtls', 'esp-tls'];
const BUNDLE = ['esp-x509-crt-bundle'];
const TRANSPORT = ['TRANSPORT_BASE', 'transport_base'];
const HTTP = ['HTTP_CLIENT'];
const MQTT = ['MQTT_CLIENT', 'mqtt_client'];
const OTA = ['esp_https_ota'];

const HEX = '-?0[xX][0-9A-Fa-f]+';
const NAME = '(?:ESP_ERR_[A-Z0-9_]+|MBEDTLS_ERR_[A-Z0-9_]+|ESP_FAIL)';

interface Rule {
  kind: TlsLogKind;
  /** Tags the message is logged under; undefined: any tag (example code). */
  tags?: readonly string[];
  /** Matched against the whole message; groups named c1, c2 ... are the codes. */
  re: RegExp;
}

const rule = (kind: TlsLogKind, tags: readonly string[] | undefined, source: string): Rule =>
  ({ kind, tags, re: new RegExp(`^(?:${source})\\s*$`, 'd') });

// Order matters where two patterns could match the same message (the specific one comes first).
const RULES: readonly Rule[] = [
  // Any component's own report of a failed handshake ("aws_iot: failed! mbedtls_ssl_handshake returned -0x10").
  rule('handshake-failed', undefined, `(?:.*?[\\s:!])?mbedtls_ssl_handshake(?:\\(\\))? returned (?<c1>${HEX})(?:[\\s,.].*)?`),
  // mbedTLS's own debug output (CONFIG_MBEDTLS_DEBUG, tag "mbedtls"): "ssl_tls.c:8765 x509_verify_cert() returned -12288 (-0x3000)".
  rule('mbedtls-call-failed', undefined, `(?:\\S+\\.c:\\d+:? )?\\w+\\(\\) returned -?\\d+ \\((?<c1>${HEX})\\)`),
  // Arduino-ESP32's ssl_client: "[start_ssl_client():273]: (-12288) X509 - Certificate verification failed, ...".
  rule('mbedtls-strerror', undefined, `\\[\\w+\\(\\):\\d+\\]: \\((?<c1>-\\d+)\\) .*`),
  // An application's own report with the code twice ("mbedtls_pk_parse_key failed: -15616 (-0x3d00)").
  rule('mbedtls-call-failed', undefined, `(?:.*?[\\s:!])?mbedtls_\\w+(?:\\(\\))? failed[:!]? -?\\d+ \\((?<c1>${HEX})\\)`),
  // Components that print the code in decimal ("Dynamic Impl: mbedtls_ssl_fetch_input error=29312").
  rule('mbedtls-call-failed', undefined, `(?:.*?\\s)?mbedtls_\\w+ error=(?<c1>-?\\d+)`),
  rule('mbedtls-strerror', MBEDTLS, `\\((?<c1>[0-9A-Fa-f]{4,8})\\): .*`),
  rule('verify-failed', MBEDTLS, 'Failed to verify peer certificate!'),
  rule('verify-ok', MBEDTLS, 'Certificate verified\\.'),
  rule('verify-skipped', MBEDTLS, 'Skipping certificate verification - no peer certificate received'),
  rule('no-verification-option', MBEDTLS, 'No server verification option set in esp_tls_cfg_t structure\\. Check esp_tls API reference'),
  rule('client-config-failed', MBEDTLS, `Failed to set client configurations, returned \\[(?<c1>0x[0-9A-Fa-f]+)\\] \\((?:(?<c2>${NAME})|[^)]*)\\)`),
  rule('create-ssl-handle-failed', MBEDTLS, `create_ssl_handle failed, returned \\[(?<c1>0x[0-9A-Fa-f]+)\\] \\((?:(?<c2>${NAME})|[^)]*)\\)`),
  rule('create-ssl-handle-failed', ESP_TLS, 'create_ssl_handle failed'),
  rule('ca-parse-failed', MBEDTLS, `mbedtls_x509_crt_parse(?: of (?:global )?CA cert)? returned (?<c1>${HEX})`),
  rule('cert-parse-failed', MBEDTLS, `mbedtls_x509_crt_parse of (?:public|client) cert returned (?<c1>${HEX})`),
  rule('ca-parse-partial', MBEDTLS, 'mbedtls_x509_crt_parse was partly successful\\. No\\. of failed certificates: (?<c1>\\d+)'),
  rule('mbedtls-call-failed', undefined, `(?:.*?[\\s:!])?(?:Error in )?mbedtls_\\w+(?:\\(\\))?,? returned (?<c1>${HEX})(?:[\\s,.].*)?`),
  rule('feature-not-enabled', [...MBEDTLS, ...HTTP, ...MQTT], '.* configured but not enabled in menuconfig: Please enable \\w+(?: or \\w+)? option'),
  rule('feature-not-enabled', MQTT, 'Certificate bundle is not enabled for mbedTLS in menuconfig'),
  rule('mutual-auth-incomplete', MBEDTLS, 'You have to provide both clientcert_buf and clientkey_buf for mutual authentication'),
  rule('tls-version', MBEDTLS, 'TLS 1\\.3 is not enabled in config, continuing with default TLS protocol|Unsupported protocol version'),
  rule('io-error', MBEDTLS, `(?:read|write) error :(?<c1>${HEX}):?`),
  rule('verify-ok', BUNDLE, 'Certificate validated'),
  rule('bundle-signature-failed', BUNDLE, 'Certificate matched(?: with .*)? but signature verification failed'),
  rule('bundle-verify-failed', [...BUNDLE, 'esp_crt_bundle.c'], 'Failed to verify certificate'),
  rule('bundle-no-matching-root', BUNDLE, 'No matching trusted root certificate found'),
  rule('bundle-error', BUNDLE, `(?:PK parse|PK verify|MD) failed with error (?<c1>(?:0x)?[0-9A-Fa-f]+)|Internal mbedTLS error (?<c2>[0-9A-Fa-f]+)|Invalid certificate bundle|No certificates in bundle|Failed to attach bundle|Unable to allocate memory for bundle|Cert bundle certificates exceed max allowed certificates|No\\. of certs in the certificate bundle = .*|Unsuitable public key|Unknown message digest|Simple compare failed`),
  rule('dns-failed', ESP_TLS, "couldn't get hostname for :.*: getaddrinfo\\(\\) returns (?<c1>-?\\d+), addrinfo=\\S*"),
  rule('socket-error', ESP_TLS, '\\[sock=\\d+\\] (?:connect\\(\\) error|delayed connect error|select\\(\\) error|getsockopt\\(\\) error): .*|\\[sock=\\d+\\] select\\(\\) timeout'),
  rule('connect-timeout', ESP_TLS, 'Failed to open new connection in specified timeout'),
  rule('connect-failed', ESP_TLS, '[Ff]ailed to open (?:a )?new connection'),
  rule('connect-failed', TRANSPORT, 'Failed to open a new connection(?:: (?<c1>-?\\d+))?'),
  rule('connect-failed', HTTP, 'Connection failed, sock < 0|Connection failed'),
  rule('connect-failed', MQTT, 'Error transport connect'),
  rule('connect-failed', OTA, `Failed to open HTTP connection: (?<c1>${NAME}|${HEX}|\\S+)|Failed to establish HTTP connection`),
  rule('no-verification-option', OTA, 'No option for server verification is enabled in esp_http_client config\\.|Server certificate not found in esp_http_client config'),
  rule('global-store-empty', MBEDTLS, 'global_cacert is NULL'),
  rule('insecure-ota', OTA, 'Continuing with insecure option because CONFIG_(?:ESP_HTTPS_)?OTA_ALLOW_HTTP is set\\.'),
  rule('mqtt-last-error', undefined, `Last error code reported from esp-tls: (?<c1>${HEX})`),
  rule('mqtt-last-error', undefined, `Last tls stack error number: (?<c1>${HEX})`),
  rule('mqtt-last-error', undefined, 'Last captured errno : (?<c1>-?\\d+) \\(.*\\)'),
  rule('mqtt-last-error', undefined, `Last error (?:reported from esp-tls|reported from tls stack|captured as transport's socket errno): (?<c1>${HEX})`),
  rule('http-last-error', undefined, `Last (?:esp error code|mbedtls failure): (?<c1>${HEX})`),
  // The build's bundle generator (components/mbedtls/esp_crt_bundle/gen_crt_bundle.py), in build output.
  rule('bundle-build-failed', undefined, '(?:gen_crt_bundle\\.py: )?(?:Invalid certificate in .*|No certificate found|No valid x509 certificates found in .*|Invalid --input=.*, is neither file nor folder|No\\. of certs in the certificate bundle = \\d+ exceeds.*)'),
];

/** mbedtls_x509_crt_verify_info() strings (identical in Mbed TLS 2.28.8 and 3.6.6; x509_verify_flags.tsv). */
/** The lines mbedtls_x509_crt_verify_info prints, one per flag (server/src/data/x509-verify-flags.json). */
const VERIFY_LINES: readonly (readonly [string, string])[] = VERIFY_FLAGS.map((f) => [f.name, f.text] as const);

/** The flag a (possibly truncated) verify-info reason names; undefined when it is too short to tell. */
export function verifyInfoFlag(reason: string): string | undefined {
  const text = reason.trimEnd();
  if (!text) return undefined;
  const hits = VERIFY_LINES.filter(([, s]) => s.startsWith(text) || text === s);
  return hits.length === 1 ? hits[0][0] : undefined;
}

// CONFIG_LOG_COLORS escapes; the second form is the same with the ESC byte lost.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\[0(?:;[0-9]+)?m/g;

/** `line` without colour escapes, and for each character of the result its column in `line`. */
function stripAnsi(line: string): { text: string; cols: number[] } {
  let text = '';
  const cols: number[] = [];
  let at = 0;
  for (const m of line.matchAll(ANSI)) {
    for (let i = at; i < m.index; i++) { text += line[i]; cols.push(i); }
    at = m.index + m[0].length;
  }
  for (let i = at; i < line.length; i++) { text += line[i]; cols.push(i); }
  cols.push(line.length);
  return { text, cols };
}

const HEADER = new RegExp(
  '^(?:\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? )?' + // idf.py monitor --timestamps
  '(?<level>[EWIDV]) \\((?:(?<ms>\\d+)|(?:\\d{2,4}-\\d{2}-\\d{2} )?\\d{1,2}:\\d{2}:\\d{2}\\.\\d{3})\\) ' +
  '(?<tag>[^:]+?): ?(?<message>.*)$');
/** Arduino-ESP32's log_x(): `[E][ssl_client.cpp:37] _handle_error(): ...`, optionally with `[  1234]` millis first. */
const ARDUINO = /^(?:\[\s*(?<ms>\d+)\])?\[(?<level>[EWIDV])\]\[(?<tag>[^\]:]+):\d+\] \w+\(\): (?<message>.*)$/;

const VERIFY_INFO = /^verification info: ?/;
const VERIFY_ITEM = /^ {2}! (.*)$/;

/** The TLS lines of ESP-IDF monitor output `text`, in order. Lines of other shapes (Arduino-ESP32's log, or a
 *  message pasted without its prefix) are read too; without a tag, only messages any component may print count. */
export function findTlsLogLines(text: string): TlsLogLine[] {
  const out: TlsLogLine[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  // Set after a "verification info:" line: the tag its "  ! " continuation lines belong to.
  let verifyInfo: { tag: string } | undefined;

  lines.forEach((raw, line) => {
    const { text: plain, cols } = stripAnsi(raw);
    const range = (start: number, end: number): Range => ({
      start: { line, character: cols[start] },
      end: { line, character: end > start ? cols[end - 1] + 1 : cols[start] },
    });

    const h = (HEADER.exec(plain) ?? ARDUINO.exec(plain))?.groups;
    if (!h) {
      const item = verifyInfo && VERIFY_ITEM.exec(plain);
      if (verifyInfo && item) {
        const start = plain.length - item[1].length;
        out.push(verifyItem(line, range(start, start + item[1].trimEnd().length), undefined, verifyInfo.tag, item[1]));
        return;
      }
      verifyInfo = undefined;
      const message = plain.trim();
      const found = message && matchRules(message, undefined);
      if (found) out.push(toLine(found, line, range, plain.indexOf(message), undefined, '', message));
      return;
    }
    verifyInfo = undefined;
    const level = h.level as LogLevel;
    const tag = h.tag;
    const message = h.message;
    const ms = h.ms === undefined ? undefined : Number(h.ms);
    const msgStart = plain.length - message.length;

    if (MBEDTLS.includes(tag) && VERIFY_INFO.test(message)) {
      verifyInfo = { tag };
      const rest = message.replace(VERIFY_INFO, '');
      const item = VERIFY_ITEM.exec(rest);
      if (item) {
        const start = plain.length - item[1].length;
        out.push(verifyItem(line, range(start, start + item[1].trimEnd().length), level, tag, item[1]));
      } else {
        out.push({ line, range: range(msgStart, plain.length), level, tag, kind: 'verify-info', codes: [], message: rest.trim() });
      }
      return;
    }
    const found = matchRules(message, tag);
    if (found) out.push({ ...toLine(found, line, range, msgStart, level, tag, message), ...(ms === undefined ? {} : { ms }) });
  });
  return out;
}

interface Match { kind: TlsLogKind; codes: string[]; span?: [number, number] }

/** The first rule for `tag` (undefined: a line without one, where only any-tag rules apply) that matches. */
function matchRules(message: string, tag: string | undefined): Match | undefined {
  for (const r of RULES) {
    if (r.tags && (tag === undefined || !r.tags.includes(tag))) continue;
    const m = r.re.exec(message);
    if (!m) continue;
    const codes: string[] = [];
    let span: [number, number] | undefined;
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      if (!/^c\d+$/.test(name) || value === undefined) continue;
      codes.push(value);
      span ??= m.indices?.groups?.[name];
    }
    // Names esp_err_to_name() printed in the message that no group took ("Failed to open HTTP connection: ...").
    for (const n of message.matchAll(new RegExp(`\\b${NAME}\\b`, 'g'))) if (!codes.includes(n[0])) codes.push(n[0]);
    return { kind: r.kind, codes, span };
  }
  return undefined;
}

function toLine(m: Match, line: number, range: (s: number, e: number) => Range, msgStart: number, level: LogLevel | undefined, tag: string, message: string): TlsLogLine {
  const [s, e] = m.span ?? [0, message.trimEnd().length];
  return { line, range: range(msgStart + s, msgStart + e), level, tag, kind: m.kind, codes: m.codes, message: message.trimEnd() };
}

function verifyItem(line: number, range: Range, level: LogLevel | undefined, tag: string, reason: string): TlsLogLine {
  const flag = verifyInfoFlag(reason);
  const item: TlsLogLine = { line, range, level, tag, kind: 'verify-info', codes: [], message: reason.trimEnd() };
  if (flag) item.flag = flag;
  return item;
}
