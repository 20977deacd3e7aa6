// Whether a text is an ESP-IDF monitor's output, from its first lines: the editor gives such a file the
// "ESP-IDF Log" language whatever its name (client/src/logLanguage.ts), and leaves every other log alone.

/** A boot banner or idf_monitor's header: one is enough. */
const BANNER = /^(--- (idf_monitor|esp-idf-monitor)\b|ESP-ROM:esp32|ets [A-Z][a-z]{2} [ \d]\d \d{4}|rst:0x[0-9a-f]+ \()/m;
/** An ESP-IDF log line (colour codes allowed): `I (325) wifi: ...`, `E (1234) esp-tls-mbedtls: ...`. */
const LOG_LINE = /^(\x1b\[[0-9;]*m)?[EWIDV] \(\d+\) [\w.-]+: /gm;
/** Log lines that decide without a banner: one could be any program's, three in the head are ESP-IDF's. */
const MIN_LOG_LINES = 3;
const HEAD_CHARS = 32 * 1024;

export function looksLikeMonitorLog(text: string): boolean {
  const head = text.slice(0, HEAD_CHARS);
  return BANNER.test(head) || (head.match(LOG_LINE)?.length ?? 0) >= MIN_LOG_LINES;
}
