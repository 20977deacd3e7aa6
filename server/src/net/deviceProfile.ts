// What the device brings to a handshake, read from the project: the TLS versions, cipher suites, groups
// and signature algorithms the merged sdkconfig compiles in, the size of its input buffer, whether it
// checks dates, what the TLS client trusts (in the component's own order) and which name it sends and
// checks. net/deviceCheck.ts connects with exactly this.
import { withoutCast } from '../c/cStrings';
import { shippedMbedtls } from '../mbedtls/shipped';
import { allHold } from '../c/conditions';
import type { EspIdfProject } from '../project/model';
import { firmwareSites, globalStoreSites, usedSites, type UsedSite } from '../rules/certSites';
import { readString, tlsClients, type Setting, type TlsClient } from '../rules/clients';
import type { RuleContext } from '../rules/context';
import { trustPrecedence } from '../rules/trustLens';
import {
  mbedtlsMacros, offeredGroups, offeredSignatureAlgorithms, offeredSuites, protocolVersions, type MbedtlsVersion, type Suite,
} from '../sdkconfig/ciphersuites';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { pemOf } from '../x509/bundle';
import type { CertInfo } from '../x509/certificate';
import { idfCommonBundleNames, idfFullBundle, inIdfCommonBundle, mozillaRoots } from '../x509/trustStores';

export type Trust =
  /** The x509 bundle: its roots as this build has them (FULL, CMN, custom, or none at all). */
  | { kind: 'bundle'; roots: CertInfo[]; label: string; enabled: boolean }
  /** A CA buffer (cacert_buf, cert_pem, ...) or the global CA store: mbedTLS's own trusted list. */
  | { kind: 'ca' | 'global'; roots: CertInfo[]; label: string; unreadable?: string }
  | { kind: 'psk'; label: string }
  /** No verification option: esp-tls refuses to start, unless CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY. */
  | { kind: 'none'; label: string; skipVerify: boolean };

export interface DeviceProfile {
  idf: { major: number; minor: number };
  mbedtls: MbedtlsVersion;
  tls12: boolean;
  tls13: boolean;
  /** TLS 1.2 suites and TLS 1.3 suites, in the device's preference order. */
  suites12: Suite[];
  suites13: Suite[];
  groups: { name: string; tlsId: number }[];
  signatureAlgorithms: number[];
  /** Largest record the device can read (MBEDTLS_SSL_IN_CONTENT_LEN). */
  inContentLen: number;
  /** MBEDTLS_HAVE_TIME_DATE: only then are certificate dates checked. */
  checksDates: boolean;
  /** mbedtls_ecp_group_id numbers of the curves esp_config.h leaves out of this build (a certificate on one does not parse). */
  curvesOff: number[];
  trust: Trust;
  /** The SNI sent and the name checked against the certificate; null when none (skip_common_name). */
  sni: string | null;
  checkName: string | null;
  /** The client certificate and key the client presents (clientcert_buf, clientkey_buf, ...), when the project lets us read them. */
  clientCert?: { cert: Uint8Array; key: Uint8Array };
  /** Why the client certificate the config sets could not be read (the check then offers none). */
  clientCertUnread?: string;
  /** The client this profile is for, as the user names it. */
  client?: string;
  /** How each part was decided, for the report. */
  notes: string[];
}

/** TLS SignatureScheme numbers of the names mbedTLS 3.6 uses (RFC 8446 §4.2.3). */
const SIGNATURE_SCHEMES: Record<string, number> = {
  ecdsa_secp256r1_sha256: 0x0403, ecdsa_secp384r1_sha384: 0x0503, ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804, rsa_pss_rsae_sha384: 0x0805, rsa_pss_rsae_sha512: 0x0806,
  rsa_pkcs1_sha256: 0x0401, rsa_pkcs1_sha384: 0x0501, rsa_pkcs1_sha512: 0x0601,
};
/** Mbed TLS 2.28 sends (hash, signature) pairs for every hash it has; SHA-1 included. */
const SIGNATURE_SCHEMES_228 = [0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301, 0x0203, 0x0201];

export async function deviceProfile(ctx: RuleContext, project: EspIdfProject, client: TlsClient | undefined, host: string): Promise<DeviceProfile> {
  const c = ProjectConfig.of(project);
  const idf = { major: project.idfVersion.major, minor: project.idfVersion.minor };
  const mbedtls: MbedtlsVersion = idf.major < 5 ? '2.28' : '3.6';
  const lookup = (n: string) => c.bool(n);
  const protocols = protocolVersions(lookup, mbedtls);
  const psk = !!client?.settings.some((s) => s.role === 'psk');
  const suites = offeredSuites(lookup, mbedtls, { psk });
  const sigNames = offeredSignatureAlgorithms(lookup, mbedtls);
  const notes: string[] = [`ESP-IDF ${idf.major}.${idf.minor} (${project.idfVersion.source}), Mbed TLS ${mbedtls}`];
  const shipped = shippedMbedtls(project.idfVersion);
  if (shipped && !(shipped.match(/\d+\.\d+\.\d+/g) ?? []).every((v) => v.startsWith(`${mbedtls}.`))) {
    notes.push(`this ESP-IDF ships Mbed TLS ${shipped}; checked with ${mbedtls}, the nearest version built here`);
  }
  const names = serverNames(ctx, client, host);
  if (names.note) notes.push(names.note);
  if (!client) notes.push('no TLS client config in this file: assuming it attaches the certificate bundle');
  return {
    idf,
    mbedtls,
    tls12: protocols.offered.includes('TLS1.2'),
    tls13: protocols.offered.includes('TLS1.3'),
    suites12: suites.filter((s) => s.keyExchange !== 'TLS1_3'),
    suites13: suites.filter((s) => s.keyExchange === 'TLS1_3'),
    groups: offeredGroups(lookup, mbedtls),
    signatureAlgorithms: sigNames ? sigNames.map((n) => SIGNATURE_SCHEMES[n]).filter((n) => n !== undefined) : SIGNATURE_SCHEMES_228,
    inContentLen: c.incomingRecord().size ?? 16384,
    checksDates: c.bool('CONFIG_MBEDTLS_HAVE_TIME_DATE') === true,
    curvesOff: curvesOff(lookup, mbedtls),
    trust: await trustOf(ctx, project, client),
    sni: names.sni,
    checkName: names.check,
    ...clientCredentials(ctx, client),
    client: client && (client.name ? `\`${client.name}\` (${client.api.struct})` : client.api.struct),
    notes,
  };
}

/** mbedtls_ecp_group_id of each MBEDTLS_ECP_DP_*_ENABLED macro (ecp.h; the same in 2.28 and 3.6). */
const CURVES: [string, number][] = [
  ['SECP192R1', 1], ['SECP224R1', 2], ['SECP256R1', 3], ['SECP384R1', 4], ['SECP521R1', 5], ['BP256R1', 6], ['BP384R1', 7],
  ['BP512R1', 8], ['CURVE25519', 9], ['SECP192K1', 10], ['SECP224K1', 11], ['SECP256K1', 12], ['CURVE448', 13],
];

const tracked = new Map<MbedtlsVersion, ReadonlySet<string>>();
/** Every macro the esp_config.h table can define for a version (all options on): what the model knows of. */
function trackedMacros(mbedtls: MbedtlsVersion): ReadonlySet<string> {
  let set = tracked.get(mbedtls);
  if (!set) { set = mbedtlsMacros(() => true, mbedtls); tracked.set(mbedtls, set); }
  return set;
}

/** Curves the cipher-suite model tracks and this build leaves out; a curve the model does not track is assumed compiled in. */
function curvesOff(lookup: (n: string) => boolean | undefined, mbedtls: MbedtlsVersion): number[] {
  const built = mbedtlsMacros(lookup, mbedtls);
  const tracked = trackedMacros(mbedtls);
  return CURVES.filter(([name]) => tracked.has(`MBEDTLS_ECP_DP_${name}_ENABLED`) && !built.has(`MBEDTLS_ECP_DP_${name}_ENABLED`)).map(([, id]) => id);
}

/** The client that names HOST, else the only TLS client of the project, else none (the bundle is assumed). */
export function clientForHost(ctx: RuleContext, host: string): { client?: TlsClient; note?: string } {
  const all = tlsClients(ctx).filter((c) => c.tls !== 'no');
  const named = all.filter((c) => c.host === host);
  if (named.length) return { client: named[0], note: named.length > 1 ? `${named.length} clients name ${host}; the first is used` : undefined };
  if (all.length === 1) return { client: all[0] };
  return { note: all.length ? `${all.length} TLS clients and none names ${host}: pick one (the CLI's --client FILE:LINE, or the lens above its config)` : undefined };
}

/** esp-tls calls mbedtls_ssl_set_hostname(common_name ?: host) unless skip_common_name: that name is both SNI and the name checked. */
function serverNames(ctx: RuleContext, client: TlsClient | undefined, host: string): { sni: string | null; check: string | null; note?: string } {
  const active = client ? activeSettings(ctx, client) : [];
  if (active.some((s) => s.role === 'skipHostname')) {
    return { sni: null, check: null, note: 'skip_common_name: no SNI is sent and the certificate name is not checked' };
  }
  const cn = active.find((s) => s.role === 'commonName');
  const value = cn && client ? (cn.origin === 'call' ? cn.value.split(',').slice(1).join(',').trim() : cn.value) : undefined;
  const name = value && client ? readString(value, client.facts, ctx, client.file) : undefined;
  if (name) return { sni: name, check: name, note: `common_name "${name}" is sent as SNI and checked instead of the host` };
  return { sni: host, check: host };
}

function activeSettings(ctx: RuleContext, client: TlsClient): Setting[] {
  return client.settings.filter((s) => allHold(s.conditions, ctx.macros) !== false);
}

async function trustOf(ctx: RuleContext, project: EspIdfProject, client: TlsClient | undefined): Promise<Trust> {
  if (!client) return bundleTrust(ctx, project);
  const active = activeSettings(ctx, client);
  const used = trustPrecedence(client.api.struct).map((role) => active.find((s) => s.role === role)).find((s) => s);
  switch (used?.role) {
    case 'bundle': return bundleTrust(ctx, project);
    case 'psk': return { kind: 'psk', label: 'a pre-shared key (psk_hint_key)' };
    case 'global': {
      const roots = certsOf(globalStoreSites(ctx));
      return { kind: 'global', roots, label: 'the global CA store', ...(roots.length ? {} : { unreadable: 'nothing that esp_tls_set_global_ca_store() is given could be read from the project' }) };
    }
    case 'ca': {
      const roots = caCertsOf(ctx, client);
      const expr = withoutCast(used.origin === 'call' ? used.value.split(',')[0].trim() : used.value);
      return { kind: 'ca', roots, label: `the CA in ${expr}`, ...(roots.length ? {} : { unreadable: `the certificate in ${expr} could not be read from the project` }) };
    }
    default: {
      const skip = ProjectConfig.of(project).bool('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY') === true;
      return { kind: 'none', label: 'nothing (no CA, bundle or global store)', skipVerify: skip };
    }
  }
}

/** The certificate and key the client presents in mutual TLS, as the certificate rules read them. */
function clientCredentials(ctx: RuleContext, client: TlsClient | undefined): Pick<DeviceProfile, 'clientCert' | 'clientCertUnread'> {
  if (!client || !activeSettings(ctx, client).some((s) => s.role === 'clientCert')) return {};
  const blocks = (role: 'clientCert' | 'clientKey') => usedSites(ctx, role).filter((u) => u.client === client).map((u) => u.site.block);
  const certs = blocks('clientCert').map((b) => b.cert).filter((c): c is CertInfo => !!c);
  const key = blocks('clientKey')[0];
  // The buffer as clientcert_buf holds it: the certificate and the intermediates after it, PEM with its NUL.
  if (certs.length && key?.keyDer && !/ENCRYPTED/.test(key.label)) return { clientCert: { cert: Buffer.from(`${certs.map((c) => pemOf(c.der)).join('')}\0`), key: key.keyDer } };
  return { clientCertUnread: 'the client certificate or key the config sets could not be read from the project (or the key needs a password), so the check offers none' };
}

/** The certificates the client's own CA buffer holds (as the certificate rules read them). */
export function caCertsOf(ctx: RuleContext, client: TlsClient): CertInfo[] {
  return certsOf(usedSites(ctx, 'ca').filter((u) => u.client === client));
}

const certsOf = (sites: UsedSite[]) => sites.map((u) => u.site.block.cert).filter((x): x is CertInfo => !!x);

/** The bundle as this build makes it: default list (FULL or CMN of this IDF release) plus the custom bundle. */
async function bundleTrust(ctx: RuleContext, project: EspIdfProject): Promise<Trust> {
  const c = ProjectConfig.of(project);
  const idf = project.idfVersion;
  if (c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE') === false) {
    return { kind: 'bundle', roots: [], enabled: false, label: 'the certificate bundle, which CONFIG_MBEDTLS_CERTIFICATE_BUNDLE leaves out of this build' };
  }
  const custom = c.bool('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE')
    ? firmwareSites(ctx).filter((s) => s.origin === 'bundle').map((s) => s.block.cert).filter((x): x is CertInfo => !!x)
    : [];
  const customText = custom.length ? ` + ${custom.length} custom certificate(s)` : '';
  if (c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE') === true) {
    return { kind: 'bundle', roots: custom, enabled: true, label: `the custom certificate bundle only (DEFAULT_NONE)${customText}` };
  }
  const all = await mozillaRoots();
  if (c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN') === true && idfCommonBundleNames(idf)) {
    const cmn = all.filter((r) => inIdfCommonBundle(r, idf) === true);
    return { kind: 'bundle', roots: [...cmn, ...custom], enabled: true, label: `ESP-IDF ${idf.major}.${idf.minor}'s common (CMN) bundle, ${cmn.length} roots${customText}` };
  }
  // The release's full bundle exactly (cacrt_all.pem at its tag), as far as Node's Mozilla list still has the certificates.
  const listed = idfFullBundle(idf);
  if (listed) {
    const roots = all.filter((r) => listed.has(r.sha256));
    const gone = listed.size - roots.length;
    return { kind: 'bundle', roots: [...roots, ...custom], enabled: true, label: `ESP-IDF ${idf.major}.${idf.minor}'s full bundle, ${listed.size} roots${gone ? ` (${gone} since removed from Mozilla's list, not checked here)` : ''}${customText}` };
  }
  return { kind: 'bundle', roots: [...all, ...custom], enabled: true, label: `the full ESP-IDF bundle (Mozilla's list, ${all.length} roots)${customText}` };
}
