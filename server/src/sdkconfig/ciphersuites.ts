// The cipher-suite model behind `sdkconfig-no-common-ciphersuite` and `sdkconfig-legacy-protocol`:
// which TLS 1.2 / TLS 1.3 cipher suites an ESP-IDF device's mbedTLS offers as a client, given its
// sdkconfig, and whether a common server would accept any of them.
//
// Data: server/src/data/mbedtls-ciphersuites.json (scripts/gen-ciphersuites.mjs), read from Mbed TLS
// 2.28.8 / 3.6.6 library/ssl_ciphersuites.c and from ESP-IDF v4.4.8 / v5.5.5 esp_config.h + Kconfig.
// For each IDF release the JSON holds a small preprocessor "program": the chain of configuration
// headers (mbedtls config.h / mbedtls_config.h defaults, then esp_config.h's CONFIG_* -> MBEDTLS_*
// mapping, then Mbed TLS's config_adjust_*.h derivations) reduced to the macros that decide which
// suites compile. Running it against the project's CONFIG_* values gives the MBEDTLS_* macros the
// build has; a suite is compiled in when every macro of its #if guard is defined.
//
// On top of "compiled in" a suite is only offered by default when mbedTLS's client would put it in
// the ClientHello: it is in the default preference list (and not dropped by 2.28's
// MBEDTLS_REMOVE_ARC4/3DES_CIPHERSUITES), its version range meets the enabled protocol versions,
// PSK suites need a configured pre-shared key (mbedtls_ssl_validate_ciphersuite / 2.28
// ssl_validate_ciphersuite), EC-JPAKE needs a password, and ECDHE/ECDH suites and TLS 1.3 need at
// least one enabled key-exchange group (ECDHE curve, or FFDHE for TLS 1.3).
//
// "Common servers" are modelled by Mozilla's server-side TLS guidelines 5.8 (the last version with
// both profiles; https://ssl-config.mozilla.org/guidelines/5.8.json):
//  - intermediate (what a typical, well-configured server accepts): TLS 1.2 ECDHE-ECDSA/ECDHE-RSA with
//    AES-128-GCM, AES-256-GCM and CHACHA20-POLY1305, DHE-RSA with the same three ciphers; TLS 1.3
//    TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256; groups X25519,
//    prime256v1 (secp256r1), secp384r1.
//  - old (only servers kept compatible with very old clients): adds ECDHE CBC with SHA-1/SHA-256/
//    SHA-384, DHE-RSA CBC-SHA256, static-RSA key exchange (GCM, CBC-SHA256, CBC-SHA) and RSA 3DES.
// A suite only the old profile lists is "weak". Guidelines 6.0 (2025) drop DHE from intermediate and
// drop the old profile altogether, so a device left with DHE-RSA suites alone gets a note.
import { applyBinary } from '../c/conditions';
import raw from '../data/mbedtls-ciphersuites.json';

const BINARY_OPS = new Set(['==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>']);

export type MbedtlsVersion = '2.28' | '3.6';
/** Final value of a CONFIG_* option (defaults already applied by the caller); undefined = not set. */
export type ConfigLookup = (configName: string) => boolean | undefined;
export type ProtocolVersion = 'SSL3.0' | 'TLS1.0' | 'TLS1.1' | 'TLS1.2' | 'TLS1.3';
export type ServerKeyType = 'rsa' | 'ecdsa';

/** One cipher suite as Mbed TLS defines it (a row of the generated table). */
export interface SuiteDefinition {
  /** IANA cipher suite number, e.g. 0xC02F. */
  id: number;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_AES_128_GCM_SHA256. */
  iana: string;
  /** mbedTLS's own name (what mbedtls_ssl_get_ciphersuite() returns), e.g. TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256. */
  name: string;
  minVersion: ProtocolVersion;
  maxVersion: ProtocolVersion;
  /** ECDHE_RSA, ECDHE_ECDSA, DHE_RSA, RSA, PSK, ..., or TLS1_3 (TLS 1.3 suites carry no key exchange). */
  keyExchange: string;
  /** AES_128_GCM, CHACHA20_POLY1305, AES_256_CBC, 3DES_EDE_CBC, RC4_128, NULL, ... */
  cipher: string;
  bulk: string;
  keyBits: number;
  /** GCM, CCM, CCM_8, CBC, POLY1305, STREAM, NONE. */
  mode: string;
  aead: boolean;
  /** The suite's hash: the record MAC for CBC/stream suites, the PRF/HKDF hash for AEAD suites. */
  hash: string;
  /** The mbedtls_cipher_type_t name without MBEDTLS_CIPHER_ (ARC4_128, DES_EDE3_CBC, AES_128_GCM, ...). */
  mbedtlsCipher: string;
  /** MBEDTLS_CIPHERSUITE_* flags (WEAK, SHORT_TAG, NODTLS) without the prefix. */
  flags: string[];
  /** Macros the #if guards around the definition need (a leading "!" means must not be defined). */
  requires: string[];
  /** Position in mbedTLS's default preference list, or null when not in it. */
  preference: number | null;
  /** Line of the definition in library/ssl_ciphersuites.c. */
  line: number;
}

/** A suite the device offers. */
export interface Suite extends SuiteDefinition {
  idHex: string;
  mbedtls: MbedtlsVersion;
  /** Enabled key-exchange groups the suite can use (ECDHE/ECDH suites, TLS 1.3); [] for the others. */
  groups: string[];
  /** Server key types this suite can work with ([] for PSK suites). */
  serverKeys: ServerKeyType[];
  /** Mozilla profile that lists the suite: intermediate (common), old (weak), or null (neither). */
  profile: 'intermediate' | 'old' | null;
}

export interface SuiteAssessment {
  /** Offered suites an intermediate-profile server accepts (with a common group where one is needed). */
  common: Suite[];
  /** Offered suites only an old-profile server accepts (CBC, static RSA, 3DES, ...). */
  weakOnly: Suite[];
  verdict: 'ok' | 'weak-only' | 'none';
  /** What to enable to regain a common suite: the smallest set found, sorted. [] when verdict is ok. */
  missing: string[];
  /** Other sets that would also work (smallest first, at most three). */
  alternatives: string[][];
  /** The IANA name of the suite `missing` brings back. */
  regains?: string;
  /** Whether common suites exist for servers with RSA and with ECDSA certificates. */
  coverage: Record<ServerKeyType, boolean>;
  notes: string[];
}

export interface Protocols {
  /** Versions compiled in (MBEDTLS_SSL_PROTO_*). */
  enabled: ProtocolVersion[];
  /** Versions a client offers with mbedtls_ssl_config_defaults() (2.28 never offers SSL 3.0 by default). */
  offered: ProtocolVersion[];
  /** Compiled-in versions older than TLS 1.2. */
  legacy: ProtocolVersion[];
  /** The CONFIG_ option that turns each version on. */
  options: Partial<Record<ProtocolVersion, string>>;
  dtls: boolean;
  /** MBEDTLS_SSL_CLI_C: the build can act as a TLS client at all. */
  client: boolean;
}

export interface OfferOptions {
  /** The application configures a pre-shared key (esp_tls_cfg_t.psk_hint_key): PSK suites are offered too. */
  psk?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The generated data

type Expr = readonly unknown[];
type ProgramNode = readonly unknown[];
interface GroupDefinition { name: string; tlsId: number; requires: string[]; line: number }
interface MbedtlsTable {
  tag: string;
  commit: string;
  suites: SuiteDefinition[];
  removedFromDefaultList: { macro: string; ciphers: string[] }[];
  pskKeyExchanges: string[];
  ecKeyExchanges: string[];
  groups: GroupDefinition[];
  signatureAlgorithms?: { name: string; requires: string[]; line: number }[];
}
interface KconfigEntry { type: string; choice?: string; depends: Expr | null }
interface IdfTable {
  tag: string;
  commit: string;
  mbedtls: MbedtlsVersion;
  inputs: string[];
  program: ProgramNode[];
  kconfigToMacros: Record<string, { y: string[]; n: string[] }>;
  espConfigUnconditional: string[];
  kconfig: Record<string, KconfigEntry>;
}
interface Data { mbedtls: Record<MbedtlsVersion, MbedtlsTable>; idf: Record<string, IdfTable> }

const DATA = raw as unknown as Data;
/** The ESP-IDF release whose esp_config.h / Kconfig stand for each Mbed TLS version. */
const IDF_FOR: Record<MbedtlsVersion, string> = { '2.28': '4.4', '3.6': '5.5' };

const table = (v: MbedtlsVersion): MbedtlsTable => DATA.mbedtls[v];
const idfTable = (v: MbedtlsVersion): IdfTable => DATA.idf[IDF_FOR[v]];

/** Every suite Mbed TLS `mbedtls` can compile, in definition order. */
export function suiteTable(mbedtls: MbedtlsVersion): readonly SuiteDefinition[] {
  return table(mbedtls).suites;
}

/** Where the data of a version was read (for messages and hovers). */
export function sourcesOf(mbedtls: MbedtlsVersion): { mbedtls: string; idf: string } {
  const t = table(mbedtls);
  const i = idfTable(mbedtls);
  return { mbedtls: `Mbed TLS ${t.tag} (${t.commit.slice(0, 12)})`, idf: `ESP-IDF ${i.tag} (${i.commit.slice(0, 12)})` };
}

// ---------------------------------------------------------------------------------------------
// Running the configuration program

type MacroState = Map<string, string | null>;

function isConfig(name: string): boolean {
  return name.startsWith('CONFIG_');
}

function numeric(v: string | null | undefined): number {
  if (v == null) return 0;
  const m = /^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$/.exec(v.trim());
  return m ? Number(m[1]) : 0;
}

function evalExpr(e: Expr, state: MacroState, lookup: ConfigLookup): number {
  const op = e[0] as string;
  const arg = (i: number) => evalExpr(e[i] as Expr, state, lookup);
  switch (op) {
    case 'n':
      return e[1] as number;
    case 'call':
      return 0;
    case 'def': {
      const name = e[1] as string;
      return isConfig(name) ? (lookup(name) === true ? 1 : 0) : state.has(name) ? 1 : 0;
    }
    case 'id': {
      const name = e[1] as string;
      if (isConfig(name)) return lookup(name) === true ? 1 : 0;
      return numeric(state.get(name));
    }
    case '!':
      return arg(1) ? 0 : 1;
    case '~':
      return ~arg(1);
    case '&&':
      return e.slice(1).every((_, i) => arg(i + 1) !== 0) ? 1 : 0;
    case '||':
      return e.slice(1).some((_, i) => arg(i + 1) !== 0) ? 1 : 0;
    case '?:':
      return arg(1) ? arg(2) : arg(3);
    default: {
      const a = arg(1);
      const b = arg(2);
      if (!BINARY_OPS.has(op)) throw new Error(`ciphersuites: unknown operator ${op}`);
      return applyBinary(op, a, b) ?? 0; // only division by zero is unknown: C's preprocessor calls that an error
    }
  }
}

function runProgram(nodes: readonly ProgramNode[], state: MacroState, lookup: ConfigLookup): void {
  for (const n of nodes) {
    switch (n[0]) {
      case 'f':
        runProgram(n[2] as ProgramNode[], state, lookup);
        break;
      case 'd':
        state.set(n[1] as string, (n[3] as string | undefined) ?? null);
        break;
      case 'u':
        state.delete(n[1] as string);
        break;
      case 'if': {
        const branches = n[1] as [Expr, ProgramNode[]][];
        const taken = branches.find(([cond]) => evalExpr(cond, state, lookup) !== 0);
        if (taken) runProgram(taken[1], state, lookup);
        else if (n[2]) runProgram(n[2] as ProgramNode[], state, lookup);
        break;
      }
      default:
        throw new Error(`ciphersuites: unknown program node ${String(n[0])}`);
    }
  }
}

/** The MBEDTLS_* macros (among those the model tracks) the build defines with this configuration. */
export function mbedtlsMacros(lookup: ConfigLookup, mbedtls: MbedtlsVersion): ReadonlySet<string> {
  return new Set(macroState(lookup, mbedtls).keys());
}

function macroState(lookup: ConfigLookup, mbedtls: MbedtlsVersion): MacroState {
  const state: MacroState = new Map([['MBEDTLS_CONFIG_FILE', '"mbedtls/esp_config.h"']]);
  runProgram(idfTable(mbedtls).program, state, lookup);
  return state;
}

function holds(requirement: string, state: MacroState): boolean {
  return requirement.startsWith('!') ? !state.has(requirement.slice(1)) : state.has(requirement);
}

// ---------------------------------------------------------------------------------------------
// Protocol versions

const ORDER: ProtocolVersion[] = ['SSL3.0', 'TLS1.0', 'TLS1.1', 'TLS1.2', 'TLS1.3'];
const PROTOCOL_MACRO: Record<ProtocolVersion, string> = {
  'SSL3.0': 'MBEDTLS_SSL_PROTO_SSL3',
  'TLS1.0': 'MBEDTLS_SSL_PROTO_TLS1',
  'TLS1.1': 'MBEDTLS_SSL_PROTO_TLS1_1',
  'TLS1.2': 'MBEDTLS_SSL_PROTO_TLS1_2',
  'TLS1.3': 'MBEDTLS_SSL_PROTO_TLS1_3',
};

function protocolsFrom(state: MacroState, mbedtls: MbedtlsVersion): Protocols {
  const enabled = ORDER.filter((v) => state.has(PROTOCOL_MACRO[v]));
  // mbedtls_ssl_config_defaults(): 2.28 offers from max(lowest compiled, TLS 1.0) to the highest
  // compiled (ssl_tls.c, MBEDTLS_SSL_MIN_VALID_MINOR_VERSION is TLS 1.0); 3.6 offers TLS 1.2 to 1.3.
  const floor = mbedtls === '2.28' ? 'TLS1.0' : 'TLS1.2';
  const lo = enabled.find((v) => ORDER.indexOf(v) >= ORDER.indexOf(floor));
  const hi = enabled.at(-1);
  const offered = lo && hi ? ORDER.slice(ORDER.indexOf(lo), ORDER.indexOf(hi) + 1).filter((v) => enabled.includes(v)) : [];
  const options: Partial<Record<ProtocolVersion, string>> = {};
  for (const v of ORDER) {
    const opt = configFor(PROTOCOL_MACRO[v], mbedtls);
    if (opt) options[v] = opt;
  }
  return {
    enabled,
    offered,
    legacy: enabled.filter((v) => ORDER.indexOf(v) < ORDER.indexOf('TLS1.2')),
    options,
    dtls: state.has('MBEDTLS_SSL_PROTO_DTLS'),
    client: state.has('MBEDTLS_SSL_CLI_C'),
  };
}

/** Which protocol versions the build has, which a client offers by default, and the legacy ones. */
export function protocolVersions(lookup: ConfigLookup, mbedtls: MbedtlsVersion = '3.6'): Protocols {
  return protocolsFrom(macroState(lookup, mbedtls), mbedtls);
}

/** The CONFIG_ option whose `y` defines `macro` in esp_config.h (e.g. MBEDTLS_GCM_C -> CONFIG_MBEDTLS_GCM_C). */
export function configFor(macro: string, mbedtls: MbedtlsVersion): string | undefined {
  const map = idfTable(mbedtls).kconfigToMacros;
  return Object.keys(map).find((k) => map[k].y.includes(`+${macro}`));
}

// ---------------------------------------------------------------------------------------------
// Offered suites

const contexts = new WeakMap<readonly Suite[], { lookup: ConfigLookup; mbedtls: MbedtlsVersion; options: OfferOptions }>();

function serverKeysOf(kex: string, sigAlgs: string[] | null): ServerKeyType[] {
  switch (kex) {
    case 'RSA':
    case 'DHE_RSA':
    case 'ECDHE_RSA':
    case 'RSA_PSK':
      return ['rsa'];
    case 'ECDHE_ECDSA':
    case 'ECDH_ECDSA':
    case 'ECDH_RSA':
      return ['ecdsa'];
    case 'TLS1_3': {
      // TLS 1.3 signs the handshake with the server key: RSA keys need rsa_pss_rsae_*, EC keys ecdsa_*.
      if (!sigAlgs) return ['rsa', 'ecdsa'];
      const out: ServerKeyType[] = [];
      if (sigAlgs.some((s) => s.startsWith('rsa_pss_rsae_'))) out.push('rsa');
      if (sigAlgs.some((s) => s.startsWith('ecdsa_'))) out.push('ecdsa');
      return out;
    }
    default:
      return [];
  }
}

function offeredFrom(state: MacroState, mbedtls: MbedtlsVersion, options: OfferOptions): Suite[] {
  const t = table(mbedtls);
  const protocols = protocolsFrom(state, mbedtls);
  const offeredVersions = protocols.offered;
  const groups = t.groups.filter((g) => g.requires.every((r) => holds(r, state))).map((g) => g.name);
  const ecGroups = groups.filter((g) => !g.startsWith('ffdhe'));
  const sigAlgs = t.signatureAlgorithms ? t.signatureAlgorithms.filter((s) => s.requires.every((r) => holds(r, state))).map((s) => s.name) : null;
  const removed = new Set(t.removedFromDefaultList.filter((r) => state.has(r.macro)).flatMap((r) => r.ciphers));
  const tls13 = {
    ephemeral: state.has('MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED'),
    psk: state.has('MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED') || state.has('MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED'),
  };
  const out: Suite[] = [];
  for (const s of t.suites) {
    if (!s.requires.every((r) => holds(r, state))) continue;
    if (s.preference === null || removed.has(s.mbedtlsCipher)) continue;
    const lo = ORDER.indexOf(s.minVersion);
    const hi = ORDER.indexOf(s.maxVersion);
    if (!offeredVersions.some((v) => ORDER.indexOf(v) >= lo && ORDER.indexOf(v) <= hi)) continue;
    if (t.pskKeyExchanges.includes(s.keyExchange) && !options.psk) continue;
    if (s.keyExchange === 'ECJPAKE') continue; // needs mbedtls_ssl_set_hs_ecjpake_password()
    let suiteGroups: string[] = [];
    if (s.keyExchange === 'TLS1_3') {
      // Certificate handshakes need the ephemeral mode and a key_share group; PSK-only modes need a PSK.
      if (tls13.ephemeral && groups.length) suiteGroups = groups;
      else if (!(tls13.psk && options.psk)) continue;
    } else if (t.ecKeyExchanges.includes(s.keyExchange)) {
      if (ecGroups.length === 0) continue;
      suiteGroups = ecGroups;
    }
    out.push({
      ...s,
      idHex: `0x${s.id.toString(16).toUpperCase().padStart(4, '0')}`,
      mbedtls,
      groups: suiteGroups,
      serverKeys: serverKeysOf(s.keyExchange, sigAlgs),
      profile: INTERMEDIATE.has(s.iana) ? 'intermediate' : OLD.has(s.iana) ? 'old' : null,
    });
  }
  return out.sort((a, b) => (a.preference ?? 0) - (b.preference ?? 0));
}

/**
 * The cipher suites the device offers as a TLS client, in mbedTLS's preference order. `lookup`
 * returns the final value of each CONFIG_* option (Kconfig defaults applied by the caller; undefined
 * counts as not set).
 */
export function offeredSuites(lookup: ConfigLookup, mbedtls: MbedtlsVersion, options: OfferOptions = {}): Suite[] {
  const out = offeredFrom(macroState(lookup, mbedtls), mbedtls, options);
  contexts.set(out, { lookup, mbedtls, options });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Assessment against common servers (Mozilla server-side TLS guidelines 5.8)

/** Mozilla "intermediate": TLS 1.2 ciphers (IANA names) and TLS 1.3 ciphersuites. */
export const MOZILLA_INTERMEDIATE: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];
/** Mozilla "old" beyond intermediate: what only backward-compatible servers still accept. */
export const MOZILLA_OLD_ONLY: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
];
/** Mozilla tls_curves (prime256v1 is secp256r1). */
export const MOZILLA_GROUPS: readonly string[] = ['x25519', 'secp256r1', 'secp384r1'];

const INTERMEDIATE = new Set(MOZILLA_INTERMEDIATE);
const OLD = new Set(MOZILLA_OLD_ONLY);
const COMMON_GROUPS = new Set(MOZILLA_GROUPS);

function needsGroup(s: SuiteDefinition, mbedtls: MbedtlsVersion): boolean {
  return s.keyExchange === 'TLS1_3' || table(mbedtls).ecKeyExchanges.includes(s.keyExchange);
}

function accepted(s: Suite, list: Set<string>): boolean {
  return list.has(s.iana) && (!needsGroup(s, s.mbedtls) || s.groups.some((g) => COMMON_GROUPS.has(g)));
}

/**
 * Compares the offered suites with what common servers accept. `missing` (what to enable) needs the
 * configuration: it is taken from `context`, or remembered from the offeredSuites() call that
 * produced `offered` (a filtered copy loses it; then `missing` is empty).
 */
export function assessSuites(
  offered: readonly Suite[],
  context?: { lookup: ConfigLookup; mbedtls: MbedtlsVersion; options?: OfferOptions },
): SuiteAssessment {
  const common = offered.filter((s) => accepted(s, INTERMEDIATE));
  const weakOnly = offered.filter((s) => !common.includes(s) && accepted(s, OLD));
  const verdict = common.length ? 'ok' : weakOnly.length ? 'weak-only' : 'none';
  const coverage = {
    rsa: common.some((s) => s.serverKeys.includes('rsa')),
    ecdsa: common.some((s) => s.serverKeys.includes('ecdsa')),
  };
  const notes: string[] = [];
  if (common.length && common.every((s) => s.keyExchange === 'DHE_RSA')) {
    notes.push('Only DHE-RSA suites are common: Mozilla guidelines 6.0 dropped DHE, and many servers and CDNs offer only ECDHE.');
  }
  if (common.length && (!coverage.rsa || !coverage.ecdsa)) {
    notes.push(`Common suites only work with servers that have ${coverage.rsa ? 'an RSA' : 'an ECDSA'} certificate.`);
  }
  const ctx = context ? { lookup: context.lookup, mbedtls: context.mbedtls, options: context.options ?? {} } : contexts.get(offered);
  if (ctx && !protocolVersions(ctx.lookup, ctx.mbedtls).client) notes.push('The build has no TLS client (MBEDTLS_SSL_CLI_C is off: CONFIG_MBEDTLS_TLS_SERVER_ONLY).');
  let missing: string[] = [];
  let alternatives: string[][] = [];
  let regains: string | undefined;
  if (verdict !== 'ok' && ctx) {
    const found = regainCommon(ctx.lookup, ctx.mbedtls, ctx.options);
    if (found.length) {
      missing = found[0].enable;
      regains = found[0].suite;
      alternatives = found.slice(1, 4).map((f) => f.enable);
    } else notes.push('No set of CONFIG_MBEDTLS_* options found that brings back a common cipher suite.');
  }
  return { common, weakOnly, verdict, missing, alternatives, ...(regains ? { regains } : {}), coverage, notes };
}

// ---------------------------------------------------------------------------------------------
// What to enable: for each common suite, the options that bring it back, smallest set first.

/** Suites tried in this order; ties in size go to the first (RSA certificates are the most common). */
const CANDIDATES = [
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

const guardCache = new Map<MbedtlsVersion, Map<string, Expr[]>>();
const sourceCache = new Map<string, string[]>();

/** The #if conditions around every #define / #undef of each macro in a version's program. */
function guardsOf(mbedtls: MbedtlsVersion): Map<string, Expr[]> {
  const cached = guardCache.get(mbedtls);
  if (cached) return cached;
  const guards = new Map<string, Expr[]>();
  const visit = (nodes: readonly ProgramNode[], conds: Expr[]) => {
    for (const n of nodes) {
      if (n[0] === 'f') visit(n[2] as ProgramNode[], conds);
      else if (n[0] === 'd' || n[0] === 'u') {
        const list = guards.get(n[1] as string) ?? [];
        list.push(...conds);
        guards.set(n[1] as string, list);
      } else if (n[0] === 'if') {
        const branches = n[1] as [Expr, ProgramNode[]][];
        branches.forEach(([c, body]) => visit(body, [...conds, c]));
        if (n[2]) visit(n[2] as ProgramNode[], [...conds, ...branches.map(([c]) => c)]);
      }
    }
  };
  visit(idfTable(mbedtls).program, []);
  guardCache.set(mbedtls, guards);
  return guards;
}

/** CONFIG_ options that can change whether `macro` is defined (through the program's conditions). */
function configSources(macro: string, mbedtls: MbedtlsVersion): string[] {
  const key = `${mbedtls}:${macro}`;
  const cached = sourceCache.get(key);
  if (cached) return cached;
  const guards = guardsOf(mbedtls);
  const identifiers = (e: Expr, out: string[]) => {
    if (e[0] === 'def' || e[0] === 'id') out.push(e[1] as string);
    else if (e[0] !== 'n' && e[0] !== 'call') for (const x of e.slice(1)) identifiers(x as Expr, out);
  };
  const resolve = (m: string, seen: Set<string>): string[] => {
    if (seen.has(m)) return [];
    seen.add(m);
    const ids: string[] = [];
    for (const c of guards.get(m) ?? []) identifiers(c, ids);
    return [...new Set(ids.flatMap((id) => (isConfig(id) ? [id] : resolve(id, seen))))];
  };
  const result = resolve(macro, new Set());
  sourceCache.set(key, result);
  return result;
}

function kexprHolds(e: Expr, value: (name: string) => boolean): boolean {
  switch (e[0]) {
    case 'sym':
      return value(e[1] as string);
    case 'n':
      return e[1] !== 0;
    case 'cmp':
      return true; // comparisons with target / SOC settings: not ours to change
    case '!':
      return !kexprHolds(e[1] as Expr, value);
    case '&&':
      return e.slice(1).every((x) => kexprHolds(x as Expr, value));
    case '||':
      return e.slice(1).some((x) => kexprHolds(x as Expr, value));
    default:
      return true;
  }
}

/** Adds what `name`'s Kconfig "depends on" needs (positive dependencies only). */
function addDependencies(name: string, enable: Set<string>, value: (n: string) => boolean, mbedtls: MbedtlsVersion, depth = 0): void {
  const entry = idfTable(mbedtls).kconfig[name];
  if (!entry?.depends || depth > 8) return;
  const satisfy = (e: Expr): void => {
    if (kexprHolds(e, value)) return;
    if (e[0] === 'sym') {
      const sym = e[1] as string;
      if (!idfTable(mbedtls).kconfig[sym]) return; // SOC_ / target options: outside the mbedTLS menu
      enable.add(sym);
      addDependencies(sym, enable, value, mbedtls, depth + 1);
    } else if (e[0] === '&&') e.slice(1).forEach((x) => satisfy(x as Expr));
    else if (e[0] === '||') {
      const first = e.slice(1).find((x) => (x as Expr)[0] === 'sym' && idfTable(mbedtls).kconfig[(x as Expr)[1] as string]);
      if (first) satisfy(first as Expr);
    }
  };
  satisfy(entry.depends);
}

function regainCommon(lookup: ConfigLookup, mbedtls: MbedtlsVersion, options: OfferOptions): { suite: string; enable: string[] }[] {
  const t = table(mbedtls);
  const results: { suite: string; enable: string[] }[] = [];
  for (const iana of CANDIDATES) {
    const def = t.suites.find((s) => s.iana === iana);
    if (!def) continue;
    const enable = new Set<string>();
    const value = (name: string) => enable.has(name) || lookup(name) === true;
    let ok = false;
    for (let step = 0; step < 12 && !ok; step++) {
      const state = macroState(value, mbedtls);
      const offered = offeredFrom(state, mbedtls, options);
      const mine = offered.find((s) => s.iana === iana);
      if (mine && accepted(mine, INTERMEDIATE)) {
        ok = true;
        break;
      }
      const need = unmet(def, state, mbedtls);
      if (!need) break;
      const option = need.flatMap((m) => configSources(m, mbedtls)).find((k) => {
        if (value(k)) return false;
        const trial = macroState((n) => n === k || value(n), mbedtls);
        return need.some((m) => trial.has(m));
      });
      if (!option) break;
      enable.add(option);
    }
    if (!ok) continue;
    for (const k of [...enable]) addDependencies(k, enable, value, mbedtls);
    results.push({ suite: iana, enable: [...enable].sort() });
  }
  // smallest first; ties keep the candidate order; drop repeated sets
  const seen = new Set<string>();
  return results
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => a.enable.length - b.enable.length || a.i - b.i)
    .filter((r) => {
      const key = r.enable.join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ suite, enable }) => ({ suite, enable }));
}

/** The first missing piece for `def` (macros, any one of which would do), or null if nothing is missing. */
function unmet(def: SuiteDefinition, state: MacroState, mbedtls: MbedtlsVersion): string[] | null {
  const version = def.maxVersion === 'TLS1.3' ? 'MBEDTLS_SSL_PROTO_TLS1_3' : 'MBEDTLS_SSL_PROTO_TLS1_2';
  if (!state.has(version)) return [version];
  const missing = def.requires.find((r) => !r.startsWith('!') && !state.has(r));
  if (missing) return [missing];
  if (def.keyExchange === 'TLS1_3' && !state.has('MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED')) {
    return ['MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED'];
  }
  if (needsGroup(def, mbedtls)) {
    const groups = table(mbedtls).groups;
    const usable = groups.filter((g) => COMMON_GROUPS.has(g.name) && g.requires.every((r) => holds(r, state)));
    if (usable.length === 0) {
      // secp256r1 first: the group every server supports (and the one ESP chips with an ECC peripheral accelerate)
      const order = ['secp256r1', 'x25519', 'secp384r1'];
      return order.flatMap((n) => groups.find((g) => g.name === n)?.requires.filter((r) => !r.startsWith('!') && !state.has(r)) ?? []);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Groups and signature algorithms the device offers (for a device-like ClientHello)

/** The key-exchange groups the build offers, in mbedTLS's preference order, with their TLS ids. */
export function offeredGroups(lookup: ConfigLookup, mbedtls: MbedtlsVersion): { name: string; tlsId: number }[] {
  const state = macroState(lookup, mbedtls);
  return table(mbedtls).groups.filter((g) => g.requires.every((r) => holds(r, state))).map((g) => ({ name: g.name, tlsId: g.tlsId }));
}

/** The signature algorithms (TLS 1.3 names) the build offers; undefined when the table does not model them (2.28). */
export function offeredSignatureAlgorithms(lookup: ConfigLookup, mbedtls: MbedtlsVersion): string[] | undefined {
  const algs = table(mbedtls).signatureAlgorithms;
  if (!algs) return undefined;
  const state = macroState(lookup, mbedtls);
  return algs.filter((s) => s.requires.every((r) => holds(r, state))).map((s) => s.name);
}
