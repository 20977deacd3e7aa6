// The certificate rules of DESIGN.md, over what the firmware really holds (rules/certSites.ts).
// Messages say what the date or the role means on this device: with CONFIG_MBEDTLS_HAVE_TIME_DATE off
// (the ESP-IDF default) mbedTLS checks no dates at all; a non-CA certificate is never a trust anchor
// unless it is self-signed and is exactly the server's certificate.
import { daysSince, daysUntil } from '../x509/days';
import path from 'node:path';
import { describeUndecided } from '../c/conditions';
import type { CertInfo } from '../x509/certificate';
import type { DeviceRejection } from '../x509/deviceParse';
import { keyMatchesCertificate } from '../x509/privateKey';
import { formatMbedtlsCode } from '../mbedtls/catalogue';
import { shippedMbedtls } from '../mbedtls/shipped';
import type { MbedtlsVersion } from '../sdkconfig/ciphersuites';
import { fullBundleText, idfCommonBundleNames, isMozillaRoot } from '../x509/trustStores';
import { ruleInfo } from './catalogue';
import { configOf } from './sdkconfig';
import { certOf, eapSites, firmwareSites, nameOf, usedSites, type CertSite, type UsedSite } from './certSites';
import { issuerBeside, rootAbove, trustSet } from './trustSets';
import type { Rule, RuleContext } from './context';
import type { Finding, RelatedLocation } from './finding';

const day = (d: Date) => d.toISOString().slice(0, 10);

function finding(rule: string, site: { file: string; range: Finding['range'] }, message: string, extra: Partial<Finding> = {}): Finding {
  return { rule, severity: ruleInfo(rule)!.severity, file: site.file, range: site.range, message, ...extra };
}

/** A capital first letter and a full stop, so messages joined to it read as sentences. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');


/** "trusted by `cfg` (main/client.c:12)", for the related location of a trust anchor's finding. */
function related(uses: UsedSite[], what: string): RelatedLocation[] {
  return uses.map((u) => ({ file: u.file, range: u.setting.range, message: `${what} by ${u.client?.name ? `\`${u.client.name}\`` : u.setting.path}` }));
}

function timeChecked(ctx: RuleContext): boolean {
  return ctx.macros.lookup('CONFIG_MBEDTLS_HAVE_TIME_DATE') === 1;
}

export const certMalformed: Rule = {
  id: 'cert-malformed',
  run(ctx) {
    const out: Finding[] = [];
    for (const site of firmwareSites(ctx)) {
      const b = site.block;
      const device = deviceVerdict(ctx, site);
      if (b.problem?.fatal) {
        out.push(finding('cert-malformed', { file: site.file, range: b.problem.range }, `${sentence(b.problem.message)}${b.problem.pemError ? ` mbedTLS fails to read it (${b.problem.pemError}).` : ''}`));
      } else if (b.certError && device !== 'accepts') {
        const how = device ? `the device's Mbed TLS ${device.version} refuses it: ${device.call} returns ${formatMbedtlsCode(device.code)} (${device.text})` : 'mbedtls_x509_crt_parse fails on it';
        out.push(finding('cert-malformed', site, `This ${b.label} block does not decode as an X.509 certificate (${b.certError}); ${how}.`));
      } else if (device && device !== 'accepts') {
        // Read without complaint here (a certificate or key OpenSSL would load), refused by the device's own parser.
        out.push(finding('cert-malformed', site, `The device's Mbed TLS ${device.version} refuses this ${b.cert ? 'certificate' : 'private key'}: ${device.call} returns ${formatMbedtlsCode(device.code)} (${device.text}). It reads as valid elsewhere, but the device cannot load it.`));
      }
      for (const join of 'joins' in b ? b.joins : []) {
        out.push(join.afterBegin
          ? finding('cert-malformed', { file: site.file, range: join.range }, 'The BEGIN line ends without "\\n": mbedTLS needs a newline right after it and rejects the certificate (-0x1080, then -0x2780 from mbedtls_x509_crt_parse).')
          : finding('cert-malformed', { file: site.file, range: join.range }, 'This literal piece ends without "\\n", so two base64 lines run together. mbedTLS still decodes it, but it is how a pasted certificate loses a line; tools such as gen_crt_bundle.py and openssl do not accept it.', { severity: 'warning' }));
      }
    }
    return out;
  },
};

/** What the project's Mbed TLS made of a block: its rejection, 'accepts', or undefined when unknown (not
 *  judged, or an ESP-IDF release whose Mbed TLS is neither 3.6 nor 2.28). */
function deviceVerdict(ctx: RuleContext, site: CertSite): DeviceRejection | 'accepts' | undefined {
  const series = deviceSeries(ctx);
  if (!series || !site.block.device) return undefined;
  return site.block.device.find((d) => d.series === series) ?? 'accepts';
}

/** The Mbed TLS series the project's ESP-IDF ships, when every release it may be is one we build. */
function deviceSeries(ctx: RuleContext): MbedtlsVersion | undefined {
  const idf = ctx.project?.idfVersion;
  const shipped = idf && shippedMbedtls(idf);
  const versions = shipped?.match(/\d+\.\d+\.\d+/g) ?? [];
  if (!versions.length) return undefined;
  if (versions.every((v) => v.startsWith('3.6.'))) return '3.6';
  if (versions.every((v) => v.startsWith('2.28.'))) return '2.28';
  return undefined;
}

/** cert-expired, cert-not-yet-valid, cert-expires-soon: what the dates mean for each certificate's use. */
export const certValidity: Rule = {
  id: 'cert-expired',
  run(ctx) {
    const anchors = usedSites(ctx, 'ca');
    const presented = usedSites(ctx, 'clientCert');
    const out: Finding[] = [];
    for (const site of firmwareSites(ctx)) {
      const cert = certOf(site);
      if (!cert) continue;
      const asAnchor = anchors.filter((u) => u.site === site);
      const asClient = presented.filter((u) => u.site === site);
      const rel = [...related(asAnchor, 'trusted'), ...related(asClient, 'presented')];
      const use = asClient.length ? 'client' : asAnchor.length ? 'anchor' : site.origin === 'bundle' ? 'bundle' : 'unused';
      const issuer = use === 'anchor' && cert.role === 'leaf' ? issuerBeside(ctx, asAnchor) : undefined;
      if (issuer && cert.notAfter < ctx.now) {
        out.push(finding('cert-expired', site, `${nameOf(cert)} expired on ${day(cert.notAfter)}, but it is unused: the same CA buffer holds its issuer ${issuer}, which mbedTLS anchors on. Remove it.`, { related: rel, severity: 'info' }));
        continue;
      }
      const days = daysUntil(cert.notAfter, ctx.now);
      if (cert.notAfter < ctx.now) {
        out.push(finding('cert-expired', site, `${nameOf(cert)} expired on ${day(cert.notAfter)} (${daysSince(cert.notAfter, ctx.now)} days ago). ${expiredMeaning(ctx, use)}`, { related: rel }));
      } else if (cert.notBefore > ctx.now) {
        out.push(finding('cert-not-yet-valid', site, `${nameOf(cert)} is valid only from ${day(cert.notBefore)}. ${notYetMeaning(ctx, use)}`, { related: rel }));
      } else if (days <= ctx.expiryWarningDays) {
        out.push(finding('cert-expires-soon', site, `${nameOf(cert)} expires on ${day(cert.notAfter)}, in ${days} days (warning at ${ctx.expiryWarningDays}, espTlsLens.expiryWarningDays). ${soonMeaning(ctx, use)}`, { related: rel }));
      }
    }
    return out;
  },
};

type Use = 'client' | 'anchor' | 'bundle' | 'unused';

function expiredMeaning(ctx: RuleContext, use: Use): string {
  if (use === 'client') return 'Servers that check client certificates reject it: the handshake ends with a fatal alert (-0x7780).';
  if (use === 'bundle') return 'The certificate bundle keeps only its name and key, so the device never checks its dates; but servers no longer build chains to an expired root. Replace it in the custom bundle.';
  if (use === 'unused') return 'No TLS configuration was traced to it, but it is compiled in: remove it, or replace it if some code does use it.';
  if (timeChecked(ctx)) return 'With CONFIG_MBEDTLS_HAVE_TIME_DATE on, the device rejects chains through it (flag EXPIRED, -0x2700) once its clock is set.';
  return 'This build does not check dates (CONFIG_MBEDTLS_HAVE_TIME_DATE is off, the ESP-IDF default), so the device still accepts it, '
    + 'but only while the server keeps presenting a chain that leads to it; CAs retire expired roots and intermediates, and then every handshake fails with -0x2700 (NOT_TRUSTED).';
}

function notYetMeaning(ctx: RuleContext, use: Use): string {
  if (use === 'client') return 'Servers that check client certificates reject it until then.';
  return timeChecked(ctx)
    ? 'With CONFIG_MBEDTLS_HAVE_TIME_DATE on, the device rejects it until then (flag FUTURE, "The certificate validity starts in the future").'
    : 'This build does not check dates, so the device accepts it, but a certificate that is not valid yet is usually the wrong file.';
}

function soonMeaning(ctx: RuleContext, use: Use): string {
  if (use === 'bundle') return 'The bundle never checks its dates, but servers move to the successor around then: add it to the custom bundle.';
  if (use === 'client') return 'Plan the renewal and an OTA before then: servers reject an expired client certificate.';
  return timeChecked(ctx)
    ? 'With CONFIG_MBEDTLS_HAVE_TIME_DATE on, the device stops trusting it that day: ship its successor (or add the next root) by OTA before then.'
    : 'This build does not check dates, but the server will move to a new chain around then: add the successor before devices lose contact.';
}

/** cert-leaf-as-trust-anchor, cert-intermediate-as-trust-anchor, cert-single-trust-anchor. */
export const trustAnchorRoles: Rule = {
  id: 'cert-leaf-as-trust-anchor',
  run(ctx) {
    const out: Finding[] = [];
    const anchors = usedSites(ctx, 'ca');
    const bySite = new Map<CertSite, UsedSite[]>();
    for (const u of anchors) bySite.set(u.site, [...(bySite.get(u.site) ?? []), u]);
    for (const [site, uses] of bySite) {
      const cert = certOf(site);
      if (!cert || site.block.rootKeyOf) continue; // a cross-signed root carries the root's own key: it anchors like the root
      const rel = related(uses, 'trusted');
      const host = uses.map((u) => u.client?.host).find(Boolean);
      // mbedTLS loads every block of the buffer and anchors on any CA in it that signed the chain's next certificate.
      const beside = issuerBeside(ctx, uses);
      if (cert.role === 'leaf') {
        out.push(beside
          ? finding('cert-leaf-as-trust-anchor', site, `${nameOf(cert)} is a server's own certificate, beside its issuer ${beside} in the same CA buffer. mbedTLS anchors on that CA, so this entry is unused. `
            + 'Remove it; it only costs flash and looks like a pin that it is not.', { related: rel, severity: 'info' })
          : finding('cert-leaf-as-trust-anchor', site, `${nameOf(cert)} is a server's own certificate (not a CA, issued by ${cert.issuerCN ?? cert.issuer}, valid until ${day(cert.notAfter)}), given as the CA to trust. `
            + 'mbedTLS accepts a non-CA certificate as a trust anchor only when it is self-signed and is exactly the server\'s certificate, so every handshake fails with -0x2700 (NOT_TRUSTED); '
            + `and servers replace such certificates every few months. Trust its root: ${rootAdvice(ctx, site, host)}${inBuilds(ctx, uses)}`, { related: rel }));
      } else if (cert.role === 'intermediate') {
        const root = uses.map((u) => rootAbove(cert, trustSet(ctx, u))).find(Boolean);
        out.push(root
          ? finding('cert-intermediate-as-trust-anchor', site, `${nameOf(cert)} is an intermediate CA beside its root ${root} in the same CA buffer. A new intermediate from that root still validates, so this entry is harmless.`, { related: rel, severity: 'info' })
          : finding('cert-intermediate-as-trust-anchor', site, `${nameOf(cert)} is an intermediate CA (issued by ${cert.issuerCN ?? cert.issuer}). It works until the CA signs the server's next certificate from another intermediate, which CAs do without notice. `
            + `Trust its root: ${rootAdvice(ctx, site, host)}${inBuilds(ctx, uses)}`, { related: rel }));
      }
    }
    out.push(...singleAnchor(anchors));
    return out;
  },
};

/** " (In builds where CONFIG_APP_LAB is set; ...)" when every use goes through `#define`s or sits in `#if` branches
 *  the configuration cannot decide: the finding applies to those builds only. */
function inBuilds(ctx: RuleContext, uses: UsedSite[]): string {
  const each = uses.map((u) => describeUndecided([...('conditions' in u.setting ? u.setting.conditions : []), ...(u.site.literal?.conditions ?? []), ...(u.via ?? [])], ctx.macros));
  return each.length && each.every(Boolean) ? ` (In builds where ${each[0]}; the project's sdkconfig does not say.)` : '';
}

function rootAdvice(ctx: RuleContext, site: CertSite, host: string | undefined): string {
  const root = site.block.knownIssuer;
  if (root) {
    const idf = ctx.project?.idfVersion ?? { major: 5, minor: 5 };
    const cmn = idfCommonBundleNames(idf)?.includes(root);
    // The release's own full bundle, exactly, when the table has it (Mozilla removes roots; so does ESP-IDF).
    const fullText = site.block.knownIssuerSha256 && fullBundleText(site.block.knownIssuerSha256, idf);
    if (fullText && !/has it$/.test(fullText)) return `use ${root} instead (a Mozilla root, but ${fullText}: embed it as the CA).`;
    const bundles = cmn === undefined ? fullText ?? "ESP-IDF's full certificate bundle has it"
      : cmn ? `ESP-IDF's certificate bundle has it, the common (CMN) list of v${idf.major}.${idf.minor} too`
      : `${fullText ?? "ESP-IDF's full certificate bundle has it"}, but not the common (CMN) list of v${idf.major}.${idf.minor}`;
    return `use ${root} instead (a Mozilla root: ${bundles}).`;
  }
  return `it is not among the roots known offline. Look at the chain the server sends (\`esp-tls-lens chain ${host ?? 'host'}\`, or \`openssl s_client -showcerts -connect ${host ?? 'host'}:443\`) and trust the root CA that issued its last certificate; servers seldom send the root itself.`;
}

/** One root only: a CA change at the server needs an OTA first (seed 000: keep a transition period). */
function singleAnchor(anchors: UsedSite[]): Finding[] {
  const out: Finding[] = [];
  const byClient = new Map<unknown, UsedSite[]>();
  for (const u of anchors) if (u.client) byClient.set(u.client, [...(byClient.get(u.client) ?? []), u]);
  for (const [, uses] of byClient) {
    const roots = uses.filter((u) => certOf(u.site)?.role === 'root');
    if (uses.length !== 1 || roots.length !== 1) continue;
    const u = roots[0];
    if (u.client!.settings.some((s) => s.role === 'bundle' || s.role === 'global')) continue;
    const root = certOf(u.site)!;
    // A private CA is not in the public bundle: the bundle is no way out for its servers.
    const advice = isMozillaRoot(root)
      ? 'put the next root next to it in the same PEM buffer (mbedTLS tries each), or attach the certificate bundle.'
      : 'put its successor next to it in the same PEM buffer (mbedTLS tries each) before the CA changes (a private CA: the bundle cannot stand in).';
    out.push(finding('cert-single-trust-anchor', { file: u.file, range: u.setting.range },
      `\`${u.client!.name ?? u.client!.api.struct}\` trusts one root only (${nameOf(root)}). If the server moves to another CA, devices lose contact until an OTA reaches them. Fix: ${advice}`));
  }
  return out;
}

export const certWeak: Rule = {
  id: 'cert-weak',
  run(ctx) {
    const out: Finding[] = [];
    // ESP-IDF's supplicant verifies EAP-TLS with its own profile, not mbedTLS's default: SHA-1 and up, RSA from
    // 1024 bits (eap_mbedtls_x509_crt_profile, components/wpa_supplicant/esp_supplicant/src/crypto/tls_mbedtls.c).
    const eap = eapSites(ctx);
    const tls = new Set(usedSites(ctx, 'ca').map((u) => u.site));
    const eapOnly = (site: CertSite) => eap.has(site) && !tls.has(site);
    for (const site of firmwareSites(ctx)) {
      const cert = certOf(site);
      if (!cert) continue;
      if (cert.key.type === 'RSA' && cert.key.bits && cert.key.bits < 2048) {
        out.push(eapOnly(site) && cert.key.bits >= 1024
          ? finding('cert-weak', site, `${nameOf(cert)} has a ${cert.key.bits}-bit RSA key. The Wi-Fi enterprise (EAP) client that loads it accepts 1024 bits, so it works, but such keys are breakable: ask for a 2048-bit CA.`, { severity: 'info' })
          : finding('cert-weak', site, `${nameOf(cert)} has a ${cert.key.bits}-bit RSA key. Mbed TLS's default verification profile requires 2048 bits, so a chain through it fails (flag BAD_KEY); such keys are breakable.`));
      }
      const hash = cert.signature.hash;
      if (cert.role !== 'root' && hash === 'SHA-1' && eapOnly(site)) {
        out.push(finding('cert-weak', site, `${nameOf(cert)} is signed with SHA-1. The Wi-Fi enterprise (EAP) client that loads it accepts SHA-1, so it works, but SHA-1 collisions are practical: ask for a SHA-256 certificate.`, { severity: 'info' }));
      } else if (cert.role !== 'root' && (hash === 'MD5' || hash === 'SHA-1')) {
        out.push(finding('cert-weak', site, `${nameOf(cert)} is signed with ${hash}. Mbed TLS's default profile rejects it (flag BAD_MD, "The certificate is signed with an unacceptable hash"), and ${hash} collisions are practical.`));
      }
    }
    return out;
  },
};

export const privateKeyInFirmware: Rule = {
  id: 'private-key-in-firmware',
  run(ctx) {
    if (ctx.macros.lookup('CONFIG_SECURE_FLASH_ENC_ENABLED') === 1) return [];
    return firmwareSites(ctx).filter((s) => s.block.key && s.block.key.format !== 'unknown').map((site) =>
      finding('private-key-in-firmware', site, `A private key (${keyName(site)}) is compiled into the firmware while flash encryption is off. `
        + 'Anyone with the device can read it (esptool read_flash) and impersonate it. Enable flash encryption (CONFIG_SECURE_FLASH_ENC_ENABLED), keep the key in an encrypted NVS partition, or use the DS peripheral / a secure element.'));
  },
};

function keyName(site: CertSite): string {
  const k = site.block.key!;
  const where = site.origin === 'file' ? path.basename(site.file) : 'a C literal';
  const size = k.curve ? ` ${k.curve}` : k.bits ? ` ${k.bits}` : '';
  return `${k.type ?? 'unknown type'}${size}${k.encrypted ? ', encrypted' : ''}, in ${where}`;
}

export const clientCertKeyMismatch: Rule = {
  id: 'client-cert-key-mismatch',
  run(ctx) {
    const out: Finding[] = [];
    const certs = usedSites(ctx, 'clientCert');
    for (const k of usedSites(ctx, 'clientKey')) {
      const c = certs.find((x) => x.client && x.client === k.client);
      const cert = c && certOf(c.site);
      const key = k.site.block.key;
      if (!cert || !key || keyMatchesCertificate(key, cert) !== false) continue;
      out.push(finding('client-cert-key-mismatch', { file: k.file, range: k.setting.range },
        `This private key does not belong to the client certificate ${nameOf(cert)}: the server rejects the handshake (CertificateVerify fails; usually a fatal alert, -0x7780).`,
        { related: [{ file: c!.file, range: c!.setting.range, message: 'the client certificate' }] }));
    }
    return out;
  },
};

const CURVE_OPTIONS: Record<string, string> = {
  'P-192': 'CONFIG_MBEDTLS_ECP_DP_SECP192R1_ENABLED', 'P-224': 'CONFIG_MBEDTLS_ECP_DP_SECP224R1_ENABLED',
  'P-256': 'CONFIG_MBEDTLS_ECP_DP_SECP256R1_ENABLED', 'P-384': 'CONFIG_MBEDTLS_ECP_DP_SECP384R1_ENABLED',
  'P-521': 'CONFIG_MBEDTLS_ECP_DP_SECP521R1_ENABLED', secp256k1: 'CONFIG_MBEDTLS_ECP_DP_SECP256K1_ENABLED',
  brainpoolP256r1: 'CONFIG_MBEDTLS_ECP_DP_BP256R1_ENABLED', brainpoolP384r1: 'CONFIG_MBEDTLS_ECP_DP_BP384R1_ENABLED',
  brainpoolP512r1: 'CONFIG_MBEDTLS_ECP_DP_BP512R1_ENABLED',
};

/** The options mbedTLS needs to use this certificate's key; [] when it has no way at all (Ed25519). */
function keyOptions(cert: CertInfo): string[] | undefined {
  if (cert.key.type === 'RSA') return ['CONFIG_MBEDTLS_RSA_C'];
  if (cert.key.type === 'EC') return ['CONFIG_MBEDTLS_ECP_C', 'CONFIG_MBEDTLS_ECDSA_C', ...(cert.key.curve && CURVE_OPTIONS[cert.key.curve] ? [CURVE_OPTIONS[cert.key.curve]] : [])];
  if (cert.key.type === 'Ed25519' || cert.key.type === 'Ed448') return [];
  return undefined;
}

/** cert-algorithm-disabled: a trust anchor or client certificate whose key this build cannot use. */
export const certAlgorithmDisabled: Rule = {
  id: 'cert-algorithm-disabled',
  run(ctx) {
    const config = configOf(ctx);
    const out: Finding[] = [];
    const seen = new Set<CertSite>();
    const uses = [...usedSites(ctx, 'ca').map((u) => ({ u, what: 'verify with' })), ...usedSites(ctx, 'clientCert').map((u) => ({ u, what: 'sign with' }))];
    for (const { u, what } of uses) {
      const cert = certOf(u.site);
      const needed = cert && keyOptions(cert);
      if (!cert || !needed || seen.has(u.site)) continue;
      const off = needed.filter((n) => config?.get(n)?.value === 'n');
      if (!needed.length) {
        seen.add(u.site);
        out.push(finding('cert-algorithm-disabled', u.site, `${nameOf(cert)} has an ${cert.key.type} key, which mbedTLS cannot ${what} at all: the handshake fails. Use an RSA or ECDSA (P-256/P-384) certificate.`, { related: related([u], 'used') }));
      } else if (off.length) {
        seen.add(u.site);
        out.push(finding('cert-algorithm-disabled', u.site, `${nameOf(cert)} has an ${keyText(cert)} key, but this build turns off ${off.join(', ')}: the device cannot ${what} it, and the handshake fails. Turn ${off.length > 1 ? 'them' : 'it'} back on in sdkconfig.`, { related: related([u], 'used') }));
      }
    }
    return out;
  },
};

const keyText = (c: CertInfo) => (c.key.type === 'EC' ? `EC ${c.key.curve ?? ''}`.trim() : `${c.key.type}${c.key.bits ? ` ${c.key.bits}` : ''}`);

export const CERTIFICATE_RULES: readonly Rule[] = [certMalformed, certValidity, trustAnchorRoles, certWeak, privateKeyInFirmware, clientCertKeyMismatch, certAlgorithmDisabled];
