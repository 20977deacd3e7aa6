// log-tls-failure: the TLS failure lines of an `idf.py monitor` capture (logs/tlsLines.ts), each with
// what its code means for the project's Mbed TLS version and what usually causes it on an ESP32.
// Not one of DESIGN.md's source rules: a log is evidence of a past run, so findings are informational.
import { decodeCode, parseIdfVersionText, type DecodedCode } from '../mbedtls/decode';
import { shippedMbedtls } from '../mbedtls/shipped';
import { decodedLine } from '../mbedtls/markdown';
import { attemptOf, tlsAttempts, type TlsAttempt } from '../logs/attempts';
import { findLogEvidence } from '../logs/evidence';
import { findTlsLogLines, type TlsLogLine } from '../logs/tlsLines';
import { formatIdfVersion } from '../project/idfVersion';
import { ruleInfo } from './catalogue';
import { BUNDLE_NO_ISSUER, causesInLog, type LogCause } from './logCauses';
import type { Rule, RuleContext } from './context';
import type { Finding } from './finding';

const ID = 'log-tls-failure';

/** What a line means when its code alone does not say it. */
const KIND_TEXT: Partial<Record<TlsLogLine['kind'], string>> = {
  'verify-failed': 'The server certificate did not verify; the verification info lines below say why.',
  'no-verification-option': 'The client config sets no CA, bundle or global store (rule tls-no-server-verification finds it in the code).',
  'bundle-no-matching-root': "No root in the certificate bundle issued the server's chain: the bundle in use (CMN?) lacks that root, or the server sends an incomplete chain.",
  'feature-not-enabled': 'The code asks for a feature sdkconfig leaves out (see the sdkconfig rules, e.g. sdkconfig-bundle-unavailable).',
  'ca-parse-failed': 'The CA buffer did not parse: often a PEM without its NUL byte (rule pem-not-nul-terminated) or a damaged certificate (cert-malformed).',
  'global-store-empty': 'The client trusts the global CA store (use_global_ca_store) but nothing filled it: call esp_tls_set_global_ca_store() with your CA certificates before connecting, or use the bundle or a CA instead (rule global-ca-store-empty finds it in the code).',
  'insecure-ota': 'OTA runs without verifying the server (CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP).',
  'bundle-verify-failed': `${BUNDLE_NO_ISSUER.cause} ${BUNDLE_NO_ISSUER.fix}`,
  'bundle-signature-failed': "A root in the certificate bundle has the name of the server chain's issuer, but its key does not verify the chain: the server's CA signs with another key under that name (a re-keyed or cross-signed CA). Look at the chain the server sends (`esp-tls-lens chain <host>`) and trust its real root; from ESP-IDF v6.0, CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY lets the bundle verify chains through cross-signed CAs.",
  'bundle-build-failed': 'The build\'s bundle generator (gen_crt_bundle.py) rejected the custom bundle input: a file that is not a PEM or DER certificate, a folder without certificates, or more certificates than CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS allows. Fix what CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH names (rule sdkconfig-custom-bundle-invalid checks it).',
  'bundle-error': 'The certificate bundle itself could not be used (invalid, empty, or out of memory); no server verifies through it until it is rebuilt (see sdkconfig-custom-bundle-invalid).',
};

export const logTlsFailure: Rule = { id: ID, run: (ctx) => run(ctx) };

function run(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const f of ctx.files) {
    const attempts = tlsAttempts(f.logLines ?? [], f.logEvidence ?? []);
    // A retry loop prints the same failure hundreds of times: each is explained once, the repeats point back.
    const explained = new Map<string, number>();
    for (const line of f.logLines ?? []) {
      const attempt = attemptOf(attempts, line.line)!;
      const key = [line.kind, line.codes.join(','), line.message, attempt.url?.text, attempt.role, ...new Set(attempt.evidence.map((e) => e.kind))].join('\0');
      const seen = explained.get(key);
      if (seen !== undefined) {
        out.push({ rule: ID, severity: ruleInfo(ID)!.severity, file: f.file, range: line.range, message: `The same failure as line ${seen + 1}; see the explanation there.` });
        continue;
      }
      const decoded = line.codes.flatMap((c) => decode(ctx, c, line, attempt.idfVersion));
      const text = KIND_TEXT[line.kind] ?? (line.kind === 'verify-info' ? `Verification: ${line.message}${line.flag ? ` (${line.flag})` : ''}.` : undefined);
      if (!decoded.length && !text) continue;
      const first = decoded[0];
      const code = first?.kind === 'mbedtls' ? Math.abs(parseInt(first.value, 16)) : undefined;
      // The cause first (from the lines around it and the project), then what the line means, the code's text last.
      const causes = causesInLog(ctx, attempt, line, code);
      // A cause the log or the project shows replaces the code's usual suspects (they would contradict it).
      const message = [causeText(causes), text, causes.length ? undefined : first?.explanation, first ? `(${decodedLine(first)})` : undefined].filter(Boolean).join(' ');
      out.push({ rule: ID, severity: ruleInfo(ID)!.severity, file: f.file, range: line.range, message });
      explained.set(key, line.line);
    }
  }
  return out;
}

/** The best supported cause with the lines it rests on and its fix; the others by their first sentence. */
function causeText(causes: readonly LogCause[]): string | undefined {
  if (!causes.length) return undefined;
  const [best, ...rest] = causes;
  const evidence = best.evidence.map((e) => `line ${e.line + 1}: \`${e.text.length > 90 ? `${e.text.slice(0, 87)}...` : e.text}\``);
  return [
    best.cause,
    evidence.length ? `Evidence: ${evidence.join('; ')}.` : undefined,
    best.fix,
    ...rest.map((c) => `Also: ${c.cause}`),
  ].filter(Boolean).join(' ');
}

function decode(ctx: RuleContext, code: string, line: TlsLogLine, bannerVersion: string | undefined): DecodedCode[] {
  if (/^\d+$/.test(code) && line.kind === 'socket-error') return []; // an errno, not an mbedTLS code
  const v = ctx.project?.idfVersion;
  // The project's stated version first; else the one the device printed at boot.
  const idfVersion = v && v.source !== 'assumed' ? formatIdfVersion(v) : bannerVersion;
  const r = decodeCode(code, { idfVersion, hex: line.kind === 'mqtt-last-error' || line.kind === 'http-last-error' });
  // Without a version, the 3.6 reading: most devices run ESP-IDF v5 or later.
  return r.ok ? [r.results.find((x) => x.mbedtls === '3.6') ?? r.results[0]] : [];
}

/**
 * A pasted log excerpt (the Decode command's input when it is not one code), explained line by line the way
 * the rule explains a log file: the cause first, weighed against the excerpt and `ctx`'s project. Markdown,
 * or undefined when the excerpt holds no TLS failure.
 */
export function explainLogExcerpt(ctx: RuleContext, text: string): string | undefined {
  const source = text.split(/\r\n|\n|\r/);
  const lines = findTlsLogLines(text);
  const evidence = findLogEvidence(text);
  const attempts = tlsAttempts(lines, evidence);
  const findings = run({ ...ctx, files: [...ctx.files, { file: '<excerpt>', hash: '', logLines: lines, logEvidence: evidence }] })
    .filter((f) => f.file === '<excerpt>');
  if (!findings.length) return undefined;
  // Repeats of an explained failure are counted under it, not listed.
  const repeats = new Map<number, number>();
  for (const f of findings) {
    const of = REPEAT.exec(f.message);
    if (of) repeats.set(Number(of[1]) - 1, (repeats.get(Number(of[1]) - 1) ?? 0) + 1);
  }
  const sections: string[] = [];
  let shown: TlsAttempt | undefined;
  for (const f of findings.filter((x) => !REPEAT.test(x.message))) {
    const at = f.range.start.line;
    const attempt = attemptOf(attempts, at);
    // Each attempt's context once, above its first line.
    const context = attempt && attempt !== shown ? attemptContext(attempt) : undefined;
    shown = attempt ?? shown;
    const times = repeats.get(at);
    sections.push(`${context ? `_${context}_\n\n` : ''}**Line ${at + 1}** \`${source[at].trim()}\`${times ? ` (and ${times} more time${times > 1 ? 's' : ''} later)` : ''}\n\n${f.message}`);
  }
  return sections.join('\n\n---\n\n');
}

const REPEAT = /^The same failure as line (\d+);/;

/** "ESP32-C3, ESP-IDF v5.1.2 (Mbed TLS 3.5.0), connecting to api.example.com:443, 5.1 s after boot, retry 2". */
function attemptContext(a: TlsAttempt): string | undefined {
  const idf = parseIdfVersionText(a.idfVersion);
  const lib = idf && shippedMbedtls(idf);
  const where = a.url?.host ? `${a.url.host}${a.url.port ? `:${a.url.port}` : ''}` : undefined;
  const parts = [
    a.chip,
    a.idfVersion && `ESP-IDF v${a.idfVersion}${lib ? ` (Mbed TLS ${lib})` : ''}`,
    a.role === 'server' ? 'the ESP32 serving TLS' : where && `connecting to ${where}`,
    a.sinceBootMs !== undefined && `${(a.sinceBootMs / 1000).toFixed(1)} s after boot`,
    a.retries > 0 && `retry ${a.retries}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}
