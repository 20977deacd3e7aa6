// The causes of a logged TLS failure, ranked by the evidence: the same code means different things after
// "Connecting to ws://", after memory ran out, under the HTTPS server's tag, after the bundle's own
// lookup line, with the verification info that follows it, or for a cloud whose root is well known. Each
// cause names the lines it rests on; the open project adds its own (rules/logProject.ts).
import type { TlsAttempt } from '../logs/attempts';
import type { LogEvidence } from '../logs/evidence';
import type { TlsLogLine } from '../logs/tlsLines';
import { FLAG_EXPLANATIONS } from '../mbedtls/explain';
import { VERIFY_FLAGS } from '../mbedtls/catalogue';
import { shippedMbedtls } from '../mbedtls/shipped';
import { parseIdfVersionText } from '../mbedtls/decode';
import { idfFullBundleReleaseCount, idfFullBundleReleasesByName } from '../x509/trustStores';
import type { RuleContext } from './context';
import { projectCauses } from './logProject';

/** One cause: the sentence that names it, the log lines it rests on, what to do. */
export interface LogCause {
  cause: string;
  evidence: { line: number; text: string }[];
  fix?: string;
}

/** Codes a TLS handshake with a server that does not speak TLS ends with (record too long, EOF, alert, bad input). */
const PLAIN_PEER = new Set([0x7200, 0x7280, 0x7780, 0x7100, 0x7080]);
const PLAIN_SCHEMES = new Set(['ws', 'http', 'mqtt', 'coap']);

/** esp_crt_bundle's verify callback looks up only the issuer of the last certificate the server sends. */
export const BUNDLE_NO_ISSUER = {
  cause: 'No root in the certificate bundle issued the last certificate the server sent. Either the bundle in use lacks the server\'s root (the CMN list, a custom bundle, or a root the release dropped), or the server sends a chain whose top certificate is cross-signed by an old root the bundle does not have (e.g. ISRG Root X1 signed by DST Root CA X3, GTS Root R4 signed by GlobalSign Root CA): the bundle looks only at that issuer.',
  fix: 'Have the server send the chain that ends at a current root, or add the root the chain names to a custom bundle; from ESP-IDF v6.0, CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY also looks up the issuers inside the chain, so a cross-signed root the bundle holds anchors it.',
};

/**
 * Clouds whose server roots are fixed and often mixed up. AWS IoT: "Server authentication in AWS IoT Core"
 * (ATS endpoints `-ats.iot.<region>.amazonaws.com` chain to Amazon Root CA 1 (RSA) or 3 (ECC); the legacy
 * endpoints to the Symantec/VeriSign Class 3 G5 root). Azure IoT Hub: "Azure IoT TLS: critical changes"
 * (servers moved from Baltimore CyberTrust Root, which expired in May 2025, to DigiCert Global Root G2 in 2023).
 */
const CLOUDS: { name: string; host: RegExp; tag: RegExp; cause: string; fix: string }[] = [
  {
    name: 'AWS IoT', host: /\.iot\.[\w-]+\.amazonaws\.com(\.cn)?$/i, tag: /^aws/i,
    cause: 'The device talks to AWS IoT, whose server certificate chains to Amazon Root CA 1 (RSA) or Amazon Root CA 3 (ECC) on the ATS endpoints (…-ats.iot.<region>.amazonaws.com): the CA given as the root is not that one. A common mix-up is the CA that signed the device\'s own certificate (it verifies the device, not the server) or the legacy VeriSign root of the old endpoints.',
    fix: 'Give the client Amazon Root CA 1 (AmazonRootCA1.pem) as its root CA, or attach the certificate bundle, which has it.',
  },
  {
    name: 'Azure IoT Hub', host: /\.azure-devices\.net$/i, tag: /azure|iothub/i,
    cause: 'The device talks to Azure IoT Hub, whose servers moved from the Baltimore CyberTrust Root (expired May 2025) to DigiCert Global Root G2 in 2023: firmware that still pins Baltimore no longer verifies them.',
    fix: 'Trust DigiCert Global Root G2 (Microsoft also lists Microsoft RSA Root Certificate Authority 2017), or attach the certificate bundle.',
  },
];

const line = (e: { line: number; text: string }) => ({ line: e.line, text: e.text });
const near = (attempt: TlsAttempt, failure: TlsLogLine, kinds: LogEvidence['kind'][], span: number) =>
  [...attempt.evidence].reverse().find((e) => kinds.includes(e.kind) && e.line < failure.line && e.line >= failure.line - span);

/** The causes of `failure` (code `code`) in `attempt`, the best supported first; empty when nothing around it says more than the code. */
export function causesInLog(ctx: RuleContext, attempt: TlsAttempt, failure: TlsLogLine, code: number | undefined): LogCause[] {
  const short = resourceCause(attempt, failure, code);
  if (short) return [short];
  if (code === undefined) return [];
  // A cloud's known root is more precise than the generic NOT_TRUSTED reading of the verification info.
  const fromLog = [peerCause(attempt, failure, code), bundleCause(ctx, attempt, failure, code), cloudCause(attempt, failure, code), verifyCause(attempt, failure, code)];
  return [...fromLog.filter((c): c is LogCause => !!c), ...projectCauses(ctx, attempt, code)];
}

/** Codes an allocation failure ends with: SSL, MPI, X.509, PK, ECP alloc failed. */
const ALLOC = new Set([0x7F00, 0x0010, 0x2880, 0x3F80, 0x4D80]);
/** Below this much free heap a TLS session rarely starts: the record buffers alone take IN + OUT content length. */
const LOW_HEAP = 40 * 1024;

/** Memory or PSA crypto failing right before, or little free heap before an allocation failure: nothing after that says anything about certificates. */
function resourceCause(attempt: TlsAttempt, failure: TlsLogLine, code: number | undefined): LogCause | undefined {
  const heap = code !== undefined && ALLOC.has(code) ? near(attempt, failure, ['heap'], 40) : undefined;
  if (heap && Number(heap.value) < LOW_HEAP) {
    return { cause: `Free heap was ${Math.round(Number(heap.value) / 1024)} KB shortly before: too little for a TLS session, whose record buffers alone take CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN + OUT_CONTENT_LEN (16 + 4 KB by default) before the handshake's own allocations.`, evidence: [line(heap)],
      fix: 'Free heap before connecting (fewer connections at once, CONFIG_MBEDTLS_DYNAMIC_BUFFER, mbedTLS in PSRAM with CONFIG_MBEDTLS_EXTERNAL_MEM_ALLOC).' };
  }
  const e = near(attempt, failure, ['memory', 'psa'], 20);
  if (e?.kind === 'memory') {
    return { cause: 'Memory ran out just before the failure: the failure is that, not the certificate or the server.', evidence: [line(e)],
      fix: 'Free heap before connecting (fewer connections at once, CONFIG_MBEDTLS_DYNAMIC_BUFFER, mbedTLS in PSRAM).' };
  }
  if (!e) return undefined;
  const tls13 = /tls13/i.test(e.text) ? ' in the TLS 1.3 code' : '';
  return { cause: `PSA crypto failed just before${tls13}.`, evidence: [line(e)],
    fix: 'On ESP-IDF v5.0/v5.1 code that runs TLS 1.3 must call psa_crypto_init() first (or turn CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 off, which those releases\' esp-tls does not support); otherwise check free heap.' };
}

/** TLS spoken to a plain server, or the ESP32 being the server. */
function peerCause(attempt: TlsAttempt, failure: TlsLogLine, code: number): LogCause | undefined {
  const url = attempt.url;
  const plainPort = url && !url.scheme && (url.port === 1883 || url.port === 80);
  if (PLAIN_PEER.has(code) && url && (plainPort || PLAIN_SCHEMES.has(url.scheme ?? ''))) {
    const what = plainPort ? `port ${url.port}, ${url.port === 1883 ? "MQTT's" : "HTTP's"} plain port` : `a plain ${url.scheme}:// URL`;
    return { cause: `The connection is to ${what}: TLS spoken to a server that does not speak it ends this way.`, evidence: [line(url)],
      fix: 'Use the TLS scheme and port (wss://, https://, mqtts:// on 443 or 8883), or the plain transport.' };
  }
  if (code === 0x7780 && attempt.role === 'server') {
    const e = attempt.evidence.find((x) => x.kind === 'server');
    return { cause: 'Here the ESP32 is the server: the client rejected the device\'s certificate (its CA does not trust it, or the name does not match the address it used) or offered nothing in common.',
      evidence: e ? [line(e)] : [{ line: failure.line, text: `tag ${failure.tag}` }],
      fix: 'Give the client the CA that signed the device\'s server certificate, and a certificate whose SAN names the address the client uses.' };
  }
  return undefined;
}

/** The bundle's own line right before a -0x3000 (or an Arduino -12288) says which lookup failed; mbedTLS's
 *  debug dump of the chain, when the log has it, names the issuer it looked for. */
function bundleCause(ctx: RuleContext, attempt: TlsAttempt, failure: TlsLogLine, code: number): LogCause | undefined {
  if (code !== 0x3000) return undefined;
  const bundle = attempt.lines.find((l) => l.kind === 'bundle-verify-failed' && l.line < failure.line && l.line >= failure.line - 5);
  if (!bundle) return undefined;
  const evidence = [{ line: bundle.line, text: bundle.message }];
  // The last certificate printed is the top of the chain the server sent; its issuer is what the bundle looked up.
  const issuer = [...attempt.evidence].reverse().find((e) => e.kind === 'cert-issuer' && e.line < bundle.line);
  const history = issuer && bundleHistory(issuer.value!, releaseOf(ctx, attempt));
  if (!issuer || !history) return { cause: `The certificate bundle rejected the chain. ${BUNDLE_NO_ISSUER.cause}`, evidence, fix: BUNDLE_NO_ISSUER.fix };
  return { cause: `The certificate bundle has no root "${history.name}", the issuer of the last certificate the server sent: ${history.text}.`,
    evidence: [...evidence, { line: issuer.line, text: `issuer name: ${issuer.value}` }], fix: BUNDLE_NO_ISSUER.fix };
}

/** "ESP-IDF v6.0's bundle no longer has it (v5.5 was the last release whose bundle did)", from the exact bundle of each release. */
function bundleHistory(dn: string, release: string | undefined): { name: string; text: string } | undefined {
  const releases = idfFullBundleReleasesByName(dn);
  const name = /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
  if (!releases.length) return undefined;
  if (!release) return { name, text: `ESP-IDF's full bundle had it in v${releases[0]} … v${releases[releases.length - 1]}${releases.length < idfFullBundleReleaseCount() ? ', not in the other releases' : ''}` };
  if (releases.includes(release)) return { name, text: `ESP-IDF v${release}'s full bundle has it, so the bundle in use (the common list or a custom one) leaves it out, or the server's CA signs under that name with another key` };
  const last = releases.filter((r) => Number(r) < Number(release)).pop();
  return { name, text: last ? `ESP-IDF v${release}'s bundle no longer has it (v${last} was the last release whose bundle did)` : `ESP-IDF v${release}'s bundle does not have it` };
}

/** The project's ESP-IDF release X.Y, else the one the boot banner named. */
function releaseOf(ctx: RuleContext, attempt: TlsAttempt): string | undefined {
  const v = ctx.project?.idfVersion;
  if (v && v.source !== 'assumed') return `${v.major}.${v.minor}`;
  return attempt.idfVersion?.split('.').slice(0, 2).join('.');
}

/** The "verification info" lines printed right after a -0x2700 say which check failed. */
function verifyCause(attempt: TlsAttempt, failure: TlsLogLine, code: number): LogCause | undefined {
  if (code !== 0x2700) return undefined;
  const info = attempt.lines.find((l) => l.kind === 'verify-info' && l.flag && l.line > failure.line && l.line <= failure.line + 6);
  const bit = info?.flag && VERIFY_FLAGS.find((f) => f.name === info.flag)?.value;
  const meaning = bit !== undefined ? FLAG_EXPLANATIONS[Number(bit)]?.explanation : undefined;
  if (!info || !meaning) return undefined;
  const evidence = [{ line: info.line, text: info.message }];
  if (info.flag === 'MBEDTLS_X509_BADCERT_FUTURE' && !attempt.evidence.some((e) => e.kind === 'clock-set' && e.line < failure.line)) {
    const when = attempt.sinceBootMs !== undefined ? `, ${(attempt.sinceBootMs / 1000).toFixed(1)} s after boot` : '';
    return { cause: `The device clock was not set when it connected${when}: no line before the failure shows SNTP setting it, and the certificate's validity starts "in the future" of 1970.`, evidence,
      fix: 'Start SNTP and wait for the first sync (esp_netif_sntp_sync_wait) before the first TLS connection.' };
  }
  const host = attempt.url?.host;
  if (info.flag === 'MBEDTLS_X509_BADCERT_CN_MISMATCH' && host && /^(\d{1,3}\.){3}\d{1,3}$|:/.test(host)) {
    const idf = parseIdfVersionText(attempt.idfVersion);
    const lib = idf && shippedMbedtls(idf);
    const old = lib && /^2\./.test(lib) ? ` ESP-IDF v${attempt.idfVersion} ships Mbed TLS ${lib}, which matches no IP address subjectAltName at all.` : '';
    return { cause: `The device connects by IP address (${host}) and the certificate does not name that address in a form this Mbed TLS matches.${old}`, evidence: [...evidence, line(attempt.url!)],
      fix: 'Connect by a DNS name the certificate carries, or issue the certificate with that name (set common_name to it when the URL must stay an address).' };
  }
  return { cause: `The verification info says why: ${meaning}`, evidence };
}

/** A cloud whose root is well known: the CA given is not it. Only when nothing says another check failed. */
function cloudCause(attempt: TlsAttempt, failure: TlsLogLine, code: number): LogCause | undefined {
  if (code !== 0x2700) return undefined;
  const flags = attempt.lines.filter((l) => l.kind === 'verify-info' && l.flag).map((l) => l.flag);
  if (flags.some((f) => f !== 'MBEDTLS_X509_BADCERT_NOT_TRUSTED')) return undefined;
  const host = attempt.url?.host;
  const cloud = CLOUDS.find((c) => (host && c.host.test(host)) || attempt.lines.some((l) => c.tag.test(l.tag)));
  if (!cloud) return undefined;
  const byHost = host && cloud.host.test(host);
  return { cause: cloud.cause, evidence: [byHost ? line(attempt.url!) : { line: failure.line, text: `tag ${failure.tag}` }], fix: cloud.fix };
}
