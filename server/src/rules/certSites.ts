// Where the firmware's certificates and keys are, and which client trusts or presents which:
// PEM blocks in C literals, and files the build embeds (EMBED_TXTFILES/EMBED_FILES/target_add_binary_data)
// reached through their `_binary_<name>_start` symbols. Files the build does not embed are not firmware.
import path from 'node:path';
import { activeDefines, allHold } from '../c/conditions';
import type { BinaryRefFact } from '../c/facts';
import type { Condition } from '../c/mask';
import { resolvePemLiteral, type PemLiteralBlock, type PemLiteralFact } from '../c/pemLiterals';
import type { EmbedFact } from '../project/embeds';
import type { CertFileBlock } from '../x509/certFile';
import type { CertInfo } from '../x509/certificate';
import { macrosOf, stringMacros, tlsClients, type Setting, type TlsClient } from './clients';
import type { FileFacts, RuleContext } from './context';
import { rangeContains } from '../positions';
import type { Range } from './finding';

export interface CertSite {
  /** The file holding the PEM/DER text, and the block's range in it. */
  file: string;
  range: Range;
  block: PemLiteralBlock | CertFileBlock;
  /** literal: PEM in C; file: a file the build embeds; bundle: an input of the custom certificate bundle. */
  origin: 'literal' | 'file' | 'bundle';
  /** For a literal: who holds it. For a file: how the build embeds it. */
  literal?: PemLiteralFact;
  embeds: { embed: EmbedFact; cmakeFile: string }[];
}

/** A certificate (or key) a client uses, the setting that hands it over, and the `#if` branches of the
 *  `#define`s between them (`.cert_pem = SERVER_CA` chosen per build). */
export interface UsedSite { site: CertSite; client?: TlsClient; setting: Setting | { range: Range; path: string; file: string }; file: string; via?: readonly Condition[] }

/** The certificate a site holds, and the name a person knows it by (its CN, else the whole subject). */
export const certOf = (s: CertSite): CertInfo | undefined => s.block.cert;
export const nameOf = (c: CertInfo): string => c.subjectCN ?? c.subject;

const cache = new WeakMap<RuleContext, CertSite[]>();

/** Every certificate and key compiled into the firmware. */
export function firmwareSites(ctx: RuleContext): CertSite[] {
  let sites = cache.get(ctx);
  if (sites) return sites;
  sites = [];
  const byFile = new Map(ctx.files.map((f) => [f.file, f]));
  for (const f of ctx.files) {
    for (const literal of f.c?.pems ?? []) {
      if (allHold(literal.conditions ?? [], macrosOf(f.c!, ctx, f.file)) === false) continue; // compiled out: not firmware
      // A Kconfig string between the markers (the MQTT examples' certificate override): the configuration completes it.
      const blocks = resolvePemLiteral(literal, stringMacros(f.c!, ctx, f.file)) ?? literal.blocks;
      for (const block of blocks) sites.push({ file: f.file, range: block.range, block, origin: 'literal', literal, embeds: [] });
    }
  }
  const embedsByFile = new Map<string, { embed: EmbedFact; cmakeFile: string }[]>();
  for (const f of ctx.files) for (const embed of f.cmake?.embeds ?? []) {
    if (!embed.file) continue;
    embedsByFile.set(embed.file, [...(embedsByFile.get(embed.file) ?? []), { embed, cmakeFile: f.file }]);
  }
  for (const [file, embeds] of embedsByFile) {
    for (const block of byFile.get(file)?.certFile?.blocks ?? []) sites.push({ file, range: block.range, block, origin: 'file', embeds });
  }
  for (const file of customBundleInputs(ctx)) {
    for (const block of byFile.get(file)?.certFile?.blocks ?? []) sites.push({ file, range: block.range, block, origin: 'bundle', embeds: [] });
  }
  cache.set(ctx, sites);
  return sites;
}

/**
 * The files gen_crt_bundle.py turns into the custom x509 bundle: CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH,
 * a file or a folder (whose .pem and .der files it reads), relative to the project.
 */
export function customBundleInputs(ctx: RuleContext): string[] {
  const p = ctx.project;
  if (!p || p.sdkconfig.get('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE')?.value !== 'y') return [];
  const raw = p.sdkconfig.get('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH')?.value.replace(/^"|"$/g, '');
  if (!raw) return [];
  const target = path.resolve(p.root, raw);
  return ctx.files.map((f) => f.file).filter((f) => f === target || (path.dirname(f) === target && /\.(pem|der)$/i.test(f)));
}

/** The sites a C expression names: a literal variable or macro, an embedded file's symbol, or a literal written in place. */
export function sitesOfExpression(ctx: RuleContext, file: FileFacts, expr: string, at: Range): CertSite[] {
  return [...new Set(reachedSites(ctx, file, expr, at).map((r) => r.site))];
}

/** A site an expression reaches, and the `#if` branches of the `#define`s on the way (`SERVER_CA` -> `lab_ca`). */
export interface Reached { site: CertSite; via: readonly Condition[] }

export function reachedSites(ctx: RuleContext, file: FileFacts, expr: string, at: Range, via: readonly Condition[] = [], depth = 0): Reached[] {
  const sites = firmwareSites(ctx);
  const reach = (list: CertSite[]) => list.map((site) => ({ site, via }));
  const inPlace = sites.filter((s) => s.origin === 'literal' && s.file === file.file && within(s.literal!.range, at));
  if (inPlace.length) return reach(inPlace);
  const name = trailingName(expr.replace(/^\(.*?\)\s*/, '').replace(/^&\s*/, ''));
  if (!name) return [];
  const literal = sites.filter((s) => s.origin === 'literal' && s.file === file.file && (s.literal!.owner.variable === name || s.literal!.owner.macro === name));
  if (literal.length) return reach(literal);
  const ref = file.c?.binaryRefs.find((r: BinaryRefFact) => r.cName === name);
  if (ref) return reach(sites.filter((s) => s.embeds.some((e) => e.embed.symbol === ref.symbol)));
  // `#if A / #define SERVER_CA ca_a / #else / #define SERVER_CA ca_b`: every branch the build may take, each judged.
  if (depth >= 4 || !file.c) return []; // `#define A B` / `#define B A` ends here
  const defines = activeDefines(file.c.defines, name, macrosOf(file.c, ctx, file.file)).filter((d) => d.value !== name);
  return defines.flatMap((d) => reachedSites(ctx, file, d.value, d.range, [...via, ...(d.conditions ?? [])], depth + 1));
}

const usedCache = new WeakMap<RuleContext, Map<string, UsedSite[]>>();

/** What each TLS client trusts (role 'ca'), presents ('clientCert') or signs with ('clientKey'); computed once per context. */
export function usedSites(ctx: RuleContext, role: 'ca' | 'clientCert' | 'clientKey'): UsedSite[] {
  let byRole = usedCache.get(ctx);
  if (!byRole) { byRole = new Map(); usedCache.set(ctx, byRole); }
  let list = byRole.get(role);
  if (!list) { list = computeUsedSites(ctx, role); byRole.set(role, list); }
  return list;
}

function computeUsedSites(ctx: RuleContext, role: 'ca' | 'clientCert' | 'clientKey'): UsedSite[] {
  const out: UsedSite[] = [];
  const files = new Map(ctx.files.map((f) => [f.file, f]));
  for (const client of tlsClients(ctx)) {
    const file = files.get(client.file)!;
    // The CA buffer is ignored when the component picks the bundle or the global store first (every component does).
    if (role === 'ca' && client.settings.some((s) => s.role === 'bundle' || s.role === 'global')) continue;
    for (const setting of client.settings.filter((s) => s.role === role)) {
      // A transport call's value is its argument list; the buffer is the first argument.
      const expr = setting.origin === 'call' ? setting.value.split(',')[0] : setting.value;
      for (const { site, via } of reachedSites(ctx, file, expr, setting.valueRange)) {
        out.push({ site, client, setting, file: client.file, ...(via.length ? { via } : {}) });
      }
    }
  }
  if (role === 'ca') out.push(...globalStoreSites(ctx, files.values()));
  return out;
}

/** esp_tls_set_global_ca_store(buf, len): what every client with use_global_ca_store trusts. */
export function globalStoreSites(ctx: RuleContext, files: Iterable<FileFacts> = ctx.files): UsedSite[] {
  const out: UsedSite[] = [];
  for (const f of files) for (const call of f.c?.calls ?? []) {
    if (call.name !== 'esp_tls_set_global_ca_store' || !call.args[0]) continue;
    for (const site of sitesOfExpression(ctx, f, call.args[0].text, call.args[0].range)) {
      out.push({ site, setting: { range: call.range, path: 'esp_tls_set_global_ca_store', file: f.file }, file: f.file });
    }
  }
  return out;
}

/** The literal sits in the setting's value (or is the value). */
const within = (outer: Range, inner: Range) => rangeContains(outer, inner.start) || rangeContains(inner, outer.start);

/** Certificates the Wi-Fi enterprise (EAP) client loads: esp_eap_client_set_ca_cert / _certificate_and_key,
 *  and their v4 names esp_wifi_sta_wpa2_ent_set_*. The supplicant verifies with its own profile, not mbedTLS's default. */
const EAP_CALLS = /^(esp_eap_client_set_(ca_cert|certificate_and_key)|esp_wifi_sta_wpa2_ent_set_(ca_cert|cert_key))$/;
/** Calls that hand their buffer to mbedTLS's parsers as it is (length included). */
const PARSE_CALLS = /^(mbedtls_x509_crt_parse|mbedtls_pk_parse_key|esp_tls_set_global_ca_store)$/;

export const eapSites = (ctx: RuleContext): Set<CertSite> => sitesPassedTo(ctx, EAP_CALLS);

/** Sites mbedTLS parses straight from the firmware image: what a TLS client or the global store trusts or
 *  presents, and what a parse or EAP call is given. A buffer copied elsewhere first (NVS, a heap copy) is not. */
export function parsedSites(ctx: RuleContext): Set<CertSite> {
  const out = sitesPassedTo(ctx, PARSE_CALLS);
  for (const s of eapSites(ctx)) out.add(s);
  for (const role of ['ca', 'clientCert', 'clientKey'] as const) for (const u of usedSites(ctx, role)) out.add(u.site);
  return out;
}

function sitesPassedTo(ctx: RuleContext, calls: RegExp): Set<CertSite> {
  const out = new Set<CertSite>();
  for (const f of ctx.files) for (const call of f.c?.calls ?? []) {
    if (!calls.test(call.name) || allHold(call.conditions, macrosOf(f.c!, ctx, f.file)) === false) continue;
    for (const arg of call.args) for (const site of sitesOfExpression(ctx, f, arg.text, arg.range)) out.add(site);
  }
  return out;
}

/**
 * The identifier an expression ends with, past a trailing `[0]`: `ca_pem`, `s_certs.root[0]` → `root`.
 * By hand, not with /(\w+)\s*$/: V8 retries such a pattern at every character of a long word (quadratic).
 */
function trailingName(expr: string): string | undefined {
  const text = expr.trimEnd().replace(/\[\s*0\s*\]$/, '').trimEnd();
  let start = text.length;
  while (start > 0 && /\w/.test(text[start - 1])) start--;
  const name = text.slice(start);
  return /^[A-Za-z_]/.test(name) ? name : undefined;
}
