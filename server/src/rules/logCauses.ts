// The cause of a logged TLS failure, weighed against the lines around it and the open project: the same
// code means different things after "Connecting to ws://", after memory ran out, under the HTTPS server's
// tag, or in a project that already uses the full bundle. Each cause names the line it rests on.
import type { LogEvidence } from '../logs/evidence';
import type { TlsLogLine } from '../logs/tlsLines';
import { FLAG_EXPLANATIONS } from '../mbedtls/explain';
import { VERIFY_FLAGS } from '../mbedtls/catalogue';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { nameOf, usedSites } from './certSites';
import { tlsClients } from './clients';
import type { RuleContext } from './context';

/** Codes a TLS handshake with a server that does not speak TLS ends with (record too long, EOF, alert, bad input). */
const PLAIN_PEER = new Set([0x7200, 0x7280, 0x7780, 0x7100, 0x7080]);
const PLAIN_SCHEME = /^(ws|http|mqtt|coap):\/\//i;

/** esp_crt_bundle's verify callback looks up only the issuer of the last certificate the server sends. */
export const BUNDLE_NO_ISSUER = 'No root in the certificate bundle issued the last certificate the server sent. Either the bundle in use lacks the server\'s root (the CMN list, a custom bundle, or a root the release dropped), or the server sends a chain whose top certificate is cross-signed by an old root the bundle does not have (e.g. ISRG Root X1 signed by DST Root CA X3, GTS Root R4 signed by GlobalSign Root CA): the bundle looks only at that issuer. Have the server send the chain that ends at a current root, or add the root the chain names to a custom bundle.';

/** How far back a line still belongs to the same attempt. */
const WINDOW = 40;

/** One sentence (or two) that puts the cause first, with the evidence line numbers (1-based, as editors show them). */
export function causeInLog(ctx: RuleContext, failure: TlsLogLine, code: number | undefined, evidence: readonly LogEvidence[], lines: readonly TlsLogLine[]): string | undefined {
  const before = evidence.filter((e) => e.line < failure.line && e.line >= failure.line - WINDOW).reverse(); // nearest first
  const memory = before.find((e) => (e.kind === 'memory' || e.kind === 'psa') && e.line >= failure.line - 20);
  if (memory?.kind === 'memory') {
    return `Memory ran out just before (${at(memory)}): the failure is that, not the certificate or the server. `
      + 'Free heap before connecting (fewer connections at once, CONFIG_MBEDTLS_DYNAMIC_BUFFER, mbedTLS in PSRAM).';
  }
  if (memory) {
    const tls13 = /tls13/i.test(memory.text) ? ' in the TLS 1.3 code' : '';
    return `PSA crypto failed just before${tls13} (${at(memory)}): on ESP-IDF v5.0/v5.1 code that runs TLS 1.3 must call psa_crypto_init() first `
      + '(or turn CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 off, which those releases\' esp-tls does not support); otherwise check free heap.';
  }
  if (code === undefined) return undefined;
  const url = before.find((e) => e.kind === 'url' || e.kind === 'plain-port');
  if (PLAIN_PEER.has(code) && url && (url.kind === 'plain-port' || PLAIN_SCHEME.test(url.value ?? ''))) {
    const what = url.kind === 'plain-port' ? `port ${url.value}, ${url.value === '1883' ? "MQTT's" : "HTTP's"} plain port` : 'a plain URL';
    return `The connection is to ${what} (${at(url)}): TLS spoken to a server that does not speak it ends this way. `
      + 'Use the TLS scheme and port (wss://, https://, mqtts:// on 443 or 8883), or the plain transport.';
  }
  if (code === 0x7780 && /https_server|httpd/i.test(failure.tag)) {
    return 'Here the ESP32 is the server (tag ' + failure.tag + '): the client rejected the device\'s certificate (its CA does not trust it, or the name does not match the address it used) or offered nothing in common.';
  }
  // The bundle's own line right before a -0x3000 (or an Arduino -12288) says which lookup failed.
  const bundle = code === 0x3000 ? lines.find((l) => l.kind === 'bundle-verify-failed' && l.line < failure.line && l.line >= failure.line - 5) : undefined;
  if (bundle) return `The certificate bundle rejected the chain (line ${bundle.line + 1}: "${bundle.message}"). ${BUNDLE_NO_ISSUER}`;
  return (code === 0x2700 ? verifyReason(failure, lines) : undefined) ?? projectCause(ctx, code);
}

const at = (e: { line: number; text: string }) => `line ${e.line + 1}: \`${e.text.length > 90 ? `${e.text.slice(0, 87)}...` : e.text}\``;

/** The "verification info" line printed right after a -0x2700 says which check failed: that is the cause. */
function verifyReason(failure: TlsLogLine, lines: readonly TlsLogLine[]): string | undefined {
  const info = lines.find((l) => l.kind === 'verify-info' && l.flag && l.line > failure.line && l.line <= failure.line + 6);
  const bit = info?.flag && VERIFY_FLAGS.find((f) => f.name === info.flag)?.value;
  const meaning = bit !== undefined ? FLAG_EXPLANATIONS[Number(bit)]?.explanation : undefined;
  return info && meaning ? `The verification info (line ${info.line + 1}: "${info.message}") says why: ${meaning}` : undefined;
}

/** What the open project adds: the name check skipped (no SNI either), the full bundle already in use. */
function projectCause(ctx: RuleContext, code: number): string | undefined {
  if (!ctx.project) return undefined;
  if (code === 0x2700) {
    // The CA the project trusts is the server's own certificate or an intermediate: NOT_TRUSTED as soon as the server renews.
    const pinned = usedSites(ctx, 'ca').find((u) => u.site.block.cert && u.site.block.cert.role !== 'root' && !u.site.block.rootKeyOf);
    const cert = pinned?.site.block.cert;
    if (pinned && cert) {
      return `In this project, \`${pinned.client?.name ?? pinned.setting.path}\` trusts ${nameOf(cert)}, ${cert.role === 'leaf' ? "a server's own certificate" : 'an intermediate CA'}, not a root: `
        + 'once the server presents a renewed certificate (or one from another intermediate), verification fails with NOT_TRUSTED. Trust the root CA instead (see cert-leaf-as-trust-anchor / cert-intermediate-as-trust-anchor).';
    }
  }
  if (code === 0x3000 || code === 0x2700 || code === 0x7780) {
    const skipping = tlsClients(ctx).find((c) => c.settings.some((s) => s.role === 'skipHostname' && !s.runtime));
    if (skipping) {
      return `In this project, \`${skipping.name ?? skipping.api.struct}\` skips the server name check, which also stops SNI: a server that hosts several names then presents its default certificate, which may not chain to your CA.`;
    }
  }
  if (code === 0x3000 && ProjectConfig.of(ctx.project).bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL')) {
    return 'This project already uses the full certificate bundle: the server\'s root is not one of Mozilla\'s (a private CA: add it to a custom bundle), or the server sends an incomplete chain.';
  }
  return undefined;
}

/** The ESP-IDF version the log's boot banner names, when the project does not state one. */
export function logIdfVersion(evidence: readonly LogEvidence[]): string | undefined {
  return evidence.find((e) => e.kind === 'idf-version')?.value;
}
