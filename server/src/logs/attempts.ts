// A monitor log as a series of connection attempts: the TLS lines of one attempt (the failure, the
// verification info, the components' follow-up lines), the URL it was for, whether the ESP32 was the
// client or the server, when it happened, whether it is a retry, and the evidence lines around it.
// The log rule judges each failure inside its attempt (rules/logCauses.ts), so a URL or an out-of-memory
// line from an earlier attempt never explains a later one.
import type { LogEvidence } from './evidence';
import type { TlsLogLine } from './tlsLines';

export interface AttemptUrl {
  /** 0-based line that names it, and that line. */
  line: number;
  text: string;
  scheme?: string;
  host?: string;
  port?: number;
}

export interface TlsAttempt {
  /** The attempt's TLS lines, in order (never empty). */
  lines: TlsLogLine[];
  /** The URL (or host:port) it connects to, from the nearest line before it that names one. */
  url?: AttemptUrl;
  /** The ESP32 is the server when the lines around it are esp_https_server's or httpd's. */
  role: 'client' | 'server';
  /** Milliseconds since boot at the first failure line, when the log prints them. */
  sinceBootMs?: number;
  /** Earlier attempts in the log that ended with the same first code: this one is a retry. */
  retries: number;
  /** The evidence lines that belong to it: from the end of the previous attempt (at most WINDOW lines back) to a few lines after its last line. */
  evidence: LogEvidence[];
  /** The ESP-IDF version and chip of the boot banner before it. */
  idfVersion?: string;
  chip?: string;
}

/** TLS lines further apart than this are separate attempts. */
const GAP = 12;
/** How far back a line still belongs to an attempt. */
const WINDOW = 40;
/** Lines after the last TLS line that still belong (verification info, "esp_tls_create_server_session failed"). */
const AFTER = 6;

const PORTS: Record<string, number> = { https: 443, wss: 443, mqtts: 8883, coaps: 5684, http: 80, ws: 80, mqtt: 1883, coap: 5683 };

/** The attempts of a log whose TLS lines are `lines` and evidence lines `evidence`, in order. */
export function tlsAttempts(lines: readonly TlsLogLine[], evidence: readonly LogEvidence[]): TlsAttempt[] {
  const groups: TlsLogLine[][] = [];
  for (const l of lines) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    // A new URL or a reboot between two TLS lines starts a new attempt even when they are close.
    const between = last && evidence.some((e) => e.line > last.line && e.line < l.line && (e.kind === 'url' || e.kind === 'plain-port' || e.kind === 'idf-version'));
    if (!last || l.line - last.line > GAP || between) groups.push([l]);
    else group.push(l);
  }
  const seen = new Map<string, number>();
  return groups.map((group, i) => {
    const first = group[0].line;
    const lastLine = group[group.length - 1].line;
    const from = Math.max(i > 0 ? groups[i - 1][groups[i - 1].length - 1].line + 1 : 0, first - WINDOW);
    const to = Math.min(i + 1 < groups.length ? groups[i + 1][0].line - 1 : Infinity, lastLine + AFTER);
    const own = evidence.filter((e) => e.line >= from && e.line <= to);
    const before = evidence.filter((e) => e.line < first);
    const key = group.find((l) => l.codes.length)?.codes[0] ?? group[0].kind;
    const retries = seen.get(key) ?? 0;
    seen.set(key, retries + 1);
    const attempt: TlsAttempt = {
      lines: group,
      role: own.some((e) => e.kind === 'server') || group.some((l) => /https_server|httpd/i.test(l.tag)) ? 'server' : 'client',
      retries,
      evidence: own,
    };
    const url = [...own].reverse().find((e) => (e.kind === 'url' || e.kind === 'plain-port') && e.line <= lastLine);
    if (url) attempt.url = parseUrl(url);
    const ms = group.find((l) => l.ms !== undefined)?.ms;
    if (ms !== undefined) attempt.sinceBootMs = ms;
    const idf = before.filter((e) => e.kind === 'idf-version').pop()?.value;
    if (idf) attempt.idfVersion = idf;
    const chip = before.filter((e) => e.kind === 'chip').pop()?.value;
    if (chip) attempt.chip = chip;
    return attempt;
  });
}

/** The attempt a TLS line (0-based line number) belongs to: attempts are in order, so a binary search. */
export function attemptOf(attempts: readonly TlsAttempt[], line: number): TlsAttempt | undefined {
  let lo = 0, hi = attempts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const a = attempts[mid];
    if (line < a.lines[0].line) hi = mid - 1;
    else if (line > a.lines[a.lines.length - 1].line) lo = mid + 1;
    else return a.lines.some((l) => l.line === line) ? a : undefined;
  }
  return undefined;
}

function parseUrl(e: LogEvidence): AttemptUrl {
  const out: AttemptUrl = { line: e.line, text: e.text };
  if (e.kind === 'plain-port') {
    out.port = Number(e.value);
    out.host = /([\w.-]{1,253}):(?:1883|80)(?![\d/])/.exec(e.text)?.[1];
    return out;
  }
  try {
    const u = new URL(e.value!);
    out.scheme = u.protocol.replace(/:$/, '').toLowerCase();
    out.host = u.hostname.replace(/^\[|\]$/g, '');
    out.port = u.port ? Number(u.port) : PORTS[out.scheme];
  } catch {
    // A URL cut by the log ("https://host:port/…" with odd characters): the scheme still counts.
    out.scheme = /^(\w+):/.exec(e.value ?? '')?.[1]?.toLowerCase();
  }
  return out;
}
