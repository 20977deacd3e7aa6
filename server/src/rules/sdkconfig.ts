// The sdkconfig rules: each finding sits on the line that causes it (or, for a Kconfig default, at the
// top of the project's sdkconfig), with a related location into C where the cause is cross-file.
import path from 'node:path';
import { allHold } from '../c/conditions';
import { assessSuites, offeredSuites, type Suite, type SuiteAssessment } from '../sdkconfig/ciphersuites';
import { beyondTables, ProjectConfig, symbolInfo, type Effective } from '../sdkconfig/kconfig';
import { isStatedVersion } from '../project/idfVersion';
import { ruleInfo } from './catalogue';
import { customBundleInputs } from './certSites';
import { tlsClients } from './clients';
import type { Rule, RuleContext } from './context';
import type { Finding, Fix, Range, RelatedLocation, TextEdit } from './finding';
import type { EspIdfProject } from '../project/model';
import type { ParsedSdkconfig } from '../sdkconfig/parse';

/** The project's effective configuration; undefined for files outside any ESP-IDF project. */
export function configOf(ctx: RuleContext): ProjectConfig | undefined {
  return ctx.project && ProjectConfig.of(ctx.project);
}

const suiteVerdicts = new WeakMap<ProjectConfig, { offered: Suite[]; verdict: SuiteAssessment }>();

/** The cipher-suite verdict depends on the configuration only: computed once per project model, not per keystroke. */
function suitesOf(c: ProjectConfig): { offered: Suite[]; verdict: SuiteAssessment } {
  let v = suiteVerdicts.get(c);
  if (!v) {
    const offered = offeredSuites((n) => c.bool(n), c.idf.major < 5 ? '2.28' : '3.6');
    v = { offered, verdict: assessSuites(offered) };
    suiteVerdicts.set(c, v);
  }
  return v;
}

interface Where { file: string; range: Range }

/** The line that sets `name`, or the top of the file that decides the build (sdkconfig, else the last defaults file). */
function where(ctx: RuleContext, e: Effective | undefined): Where | undefined {
  if (e?.entry) {
    const line = e.entry.line;
    return { file: e.entry.file, range: { start: { line, character: 0 }, end: { line, character: e.entry.name.length } } };
  }
  const file = ctx.project?.sdkconfigChain.at(-1);
  return file ? { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : undefined;
}

const render = (name: string, value: string) => (value === 'n' ? `# ${name} is not set` : `${name}=${value}`);

/** Sets an option where its value comes from: that line, or a new line at the end of sdkconfig.defaults. */
export function setOptionFix(ctx: RuleContext, name: string, value: string, title: string): Fix | undefined {
  const e = configOf(ctx)?.get(name);
  if (e?.entry) {
    const line = e.entry.line;
    return { title, preferred: true, edits: [{ file: e.entry.file, edits: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: `${render(name, value)}\n` }] }] };
  }
  const defaults = ctx.project?.sdkconfigFiles?.find((f) => path.basename(f.file) === 'sdkconfig.defaults');
  if (!defaults) return undefined;
  return { title, preferred: true, edits: [{ file: defaults.file, edits: [appendLines(defaults, [render(name, value)])] }] };
}

/** Lines added at the end of an sdkconfig file, after a newline the last line may lack. */
function appendLines(f: ParsedSdkconfig, lines: string[]): TextEdit {
  const last = f.lines.at(-1);
  const at = !last ? { line: 0, character: 0 } : last.eol ? { line: last.line + 1, character: 0 } : { line: last.line, character: last.raw.length };
  return { range: { start: at, end: at }, newText: `${last && !last.eol ? '\n' : ''}${lines.join('\n')}\n` };
}

export interface OptionEdits {
  creates: { file: string; text: string }[];
  edits: { file: string; edits: TextEdit[] }[];
}

/**
 * Sets options the way a person would for the build to see them: in sdkconfig.defaults (created when
 * the project has none) and, when the project already has an sdkconfig, there too, because an existing
 * sdkconfig wins over the defaults. `clear` options are turned off only where a file sets them (the other
 * members of a choice). Existing lines are replaced in place; new ones go at the end.
 */
export function setOptionsEdits(project: EspIdfProject, set: [string, string][], clear: string[] = []): OptionEdits {
  const out: OptionEdits = { creates: [], edits: [] };
  const files = project.sdkconfigFiles ?? [];
  const defaults = files.find((f) => path.basename(f.file) === 'sdkconfig.defaults');
  if (!defaults) out.creates.push({ file: path.join(project.root, 'sdkconfig.defaults'), text: set.map(([n, v]) => `${render(n, v)}\n`).join('') });
  for (const f of [defaults, files.find((x) => path.basename(x.file) === 'sdkconfig')]) {
    if (!f) continue;
    const edits: TextEdit[] = [];
    const appended: string[] = [];
    for (const [name, value] of [...set, ...clear.map((n): [string, string] => [n, 'n'])]) {
      const line = f.lines.find((l) => l.name === name);
      if (line) edits.push({ range: { start: { line: line.line, character: 0 }, end: { line: line.line, character: line.raw.length } }, newText: render(name, value) });
      else if (!clear.includes(name)) appended.push(render(name, value));
    }
    if (appended.length) edits.push(appendLines(f, appended));
    if (edits.length) out.edits.push({ file: f.file, edits });
  }
  return out;
}

function finding(rule: string, at: Where, message: string, extra: Partial<Finding> = {}): Finding {
  return { rule, severity: ruleInfo(rule)!.severity, file: at.file, range: at.range, message, ...extra };
}

const defaultNote = (e: Effective | undefined, idf: { major: number; minor: number }) =>
  e?.source === 'default' ? ` (the default in ESP-IDF v${idf.major}.${idf.minor})` : '';

export const sdkconfigVerificationDisabled: Rule = {
  id: 'sdkconfig-verification-disabled',
  run(ctx) {
    const c = configOf(ctx);
    if (!c || !c.bool('CONFIG_ESP_TLS_INSECURE') || !c.bool('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY')) return [];
    const at = where(ctx, c.get('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY'));
    if (!at) return [];
    const fix = setOptionFix(ctx, 'CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY', 'n', 'Verify servers again (CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY off)');
    return [finding('sdkconfig-verification-disabled', at,
      'CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY with CONFIG_ESP_TLS_INSECURE switches server verification off. Every esp-tls client without a CA, bundle or global store '
      + 'silently accepts any server (MBEDTLS_SSL_VERIFY_NONE), so anyone on the network can impersonate it. Testing only.', { fixes: fix && [fix] })];
  },
};

/** Where the code attaches the certificate bundle: client fields, transport calls, esp_crt_bundle_attach(&conf). */
export function bundleUses(ctx: RuleContext): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  for (const client of tlsClients(ctx)) {
    for (const s of client.settings) if (s.role === 'bundle') out.push({ file: client.file, range: s.range, message: 'attaches the certificate bundle' });
  }
  for (const f of ctx.files) for (const call of f.c?.calls ?? []) {
    if (call.name === 'esp_crt_bundle_attach' && allHold(call.conditions, ctx.macros) !== false) out.push({ file: f.file, range: call.range, message: 'attaches the certificate bundle' });
  }
  return out;
}

export const sdkconfigBundleUnavailable: Rule = {
  id: 'sdkconfig-bundle-unavailable',
  run(ctx) {
    const c = configOf(ctx);
    if (!c) return [];
    const uses = bundleUses(ctx);
    if (!uses.length) return [];
    const bundle = c.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE');
    if (bundle?.value === 'n') {
      const at = where(ctx, bundle);
      const fix = setOptionFix(ctx, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE', 'y', 'Enable the certificate bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=y)');
      return at ? [finding('sdkconfig-bundle-unavailable', at, `The code attaches the certificate bundle, but CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is off: esp_crt_bundle_attach does not exist in this build (the link fails), or esp-tls logs "use_crt_bundle configured but not enabled in menuconfig" and fails with ESP_ERR_INVALID_STATE.`, { related: uses, fixes: fix && [fix] })] : [];
    }
    const none = c.get('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE');
    if (none?.value === 'y' && !c.bool('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE')) {
      const at = where(ctx, none);
      // A choice: NONE off and FULL on, each where its value comes from.
      const parts = [setOptionFix(ctx, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE', 'n', ''), setOptionFix(ctx, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL', 'y', '')];
      const fix: Fix | undefined = parts.every(Boolean) ? { title: 'Use the full default bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL)', preferred: true, edits: mergeEdits(parts as Fix[]) } : undefined;
      return at ? [finding('sdkconfig-bundle-unavailable', at, 'The code attaches the certificate bundle, but the bundle is empty: CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE without a custom bundle (CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE), so no server verifies (-0x2700, NOT_TRUSTED).', { related: uses, fixes: fix && [fix] })] : [];
    }
    return [];
  },
};

const LEGACY: [string, string][] = [['CONFIG_MBEDTLS_SSL_PROTO_SSL3', 'SSL 3.0'], ['CONFIG_MBEDTLS_SSL_PROTO_TLS1', 'TLS 1.0'], ['CONFIG_MBEDTLS_SSL_PROTO_TLS1_1', 'TLS 1.1']];

export const sdkconfigLegacyProtocol: Rule = {
  id: 'sdkconfig-legacy-protocol',
  run(ctx) {
    const c = configOf(ctx);
    if (!c) return [];
    const out: Finding[] = [];
    for (const [name, label] of LEGACY) {
      const e = c.get(name);
      // A default is only that version's default: on a guessed version it says nothing about this build.
      if (e?.source === 'default' && !isStatedVersion(c.idf)) continue;
      const at = e?.value === 'y' ? where(ctx, e) : undefined;
      if (!at) continue;
      const fix = setOptionFix(ctx, name, 'n', `Turn ${label} off (${name})`);
      out.push(finding('sdkconfig-legacy-protocol', at, `${label} is enabled${defaultNote(e, c.idf)}: it is deprecated (RFC 8996${label === 'SSL 3.0' ? ', RFC 7568' : ''}), common servers refuse it, and a downgrade to it weakens every connection. Turning it off also saves flash.`, { fixes: fix && [fix] }));
    }
    return out;
  },
};

export const sdkconfigRecordSizeTooSmall: Rule = {
  id: 'sdkconfig-record-size-too-small',
  run(ctx) {
    const c = configOf(ctx);
    if (!c) return [];
    const { name, size } = c.incomingRecord();
    const e = c.get(name);
    if (size === undefined || size >= 16384) return [];
    const at = where(ctx, e);
    const fix = setOptionFix(ctx, name, '16384', `Accept full records (${name}=16384)`);
    return at ? [finding('sdkconfig-record-size-too-small', at, `${name}=${size}: a server that sends a full 16 KB TLS record (most do, unless they honour the max_fragment_length extension) makes the handshake or a read fail with -0x7200 (MBEDTLS_ERR_SSL_INVALID_RECORD). Lower it only for servers you control.`, { fixes: fix && [fix] })] : [];
  },
};

/** Calls that set the clock: SNTP in all its ESP-IDF spellings, or settimeofday. */
const CLOCK_SETTERS = /^(esp_sntp_init|sntp_init|esp_netif_sntp_init|esp_netif_sntp_start|settimeofday)$/;

/** Whether code the build compiles sets the clock. */
export function setsClock(ctx: RuleContext): boolean {
  return ctx.files.some((f) => f.c?.calls.some((call) => CLOCK_SETTERS.test(call.name) && allHold(call.conditions, ctx.macros) !== false));
}

export const sdkconfigClockNeverSet: Rule = {
  id: 'sdkconfig-clock-never-set',
  run(ctx) {
    const c = configOf(ctx);
    if (!c || !c.bool('CONFIG_MBEDTLS_HAVE_TIME_DATE')) return [];
    if (setsClock(ctx)) return [];
    const at = where(ctx, c.get('CONFIG_MBEDTLS_HAVE_TIME_DATE'));
    return at ? [finding('sdkconfig-clock-never-set', at, 'CONFIG_MBEDTLS_HAVE_TIME_DATE makes mbedTLS check certificate dates, but nothing in the project sets the clock (no SNTP, no settimeofday): the device starts in 1970, so every certificate "validity starts in the future" and handshakes fail with -0x2700 (flag FUTURE). Start SNTP before connecting, or turn the option off.')] : [];
  },
};

export const sdkconfigUnusedDtls: Rule = {
  id: 'sdkconfig-unused-dtls',
  run(ctx) {
    const c = configOf(ctx);
    const e = c?.get('CONFIG_MBEDTLS_SSL_PROTO_DTLS');
    if (!c || e?.value !== 'y') return [];
    const at = usesDtls(ctx, c) ? undefined : where(ctx, e);
    const fix = setOptionFix(ctx, 'CONFIG_MBEDTLS_SSL_PROTO_DTLS', 'n', 'Turn DTLS off (CONFIG_MBEDTLS_SSL_PROTO_DTLS)');
    return at ? [finding('sdkconfig-unused-dtls', at, 'DTLS is compiled in but nothing in the project uses a datagram transport: turning it off saves flash (several KB) and RAM.', { fixes: fix && [fix] })] : [];
  },
};

/** OpenThread runs DTLS over mbedTLS (joiner, commissioner, CoAP secure). libcoap's CONFIG_COAP_MBEDTLS_* options are
 *  no evidence: IDF v4's coap component sets them in every full sdkconfig, used or not. */
const DTLS_OPTIONS = ['CONFIG_OPENTHREAD_ENABLED', 'CONFIG_OPENTHREAD_JOINER', 'CONFIG_OPENTHREAD_COMMISSIONER'];
/** Calls that set up DTLS: names with `dtls` as a word (`mbedtls` is not one), and libcoap's secure sessions. */
const DTLS_CALL = /(^|_)dtls(_|$)|^coap_(new_client_session_(psk|pki)|context_set_(psk|pki))/i;

function usesDtls(ctx: RuleContext, c: ProjectConfig): boolean {
  if (DTLS_OPTIONS.some((n) => c.bool(n))) return true;
  return ctx.files.some((f) => f.c?.calls.some((call) => allHold(call.conditions, ctx.macros) !== false
    && (call.args.some((a) => /MBEDTLS_SSL_TRANSPORT_DATAGRAM/.test(a.text)) || DTLS_CALL.test(call.name))));
}

const ACCELERATORS: [string, string][] = [['CONFIG_MBEDTLS_HARDWARE_AES', 'AES'], ['CONFIG_MBEDTLS_HARDWARE_SHA', 'SHA'], ['CONFIG_MBEDTLS_HARDWARE_MPI', 'RSA/bignum (MPI)']];

export const sdkconfigHardwareAccelerationOff: Rule = {
  id: 'sdkconfig-hardware-acceleration-off',
  run(ctx) {
    const c = configOf(ctx);
    if (!c) return [];
    const out: Finding[] = [];
    for (const [name, what] of ACCELERATORS) {
      const e = c.get(name);
      if (e?.source !== 'sdkconfig' || e.value !== 'n') continue; // only an explicit choice; some chips lack the unit
      const fix = setOptionFix(ctx, name, 'y', `Use the ${what} accelerator (${name}=y)`);
      out.push(finding('sdkconfig-hardware-acceleration-off', where(ctx, e)!, `${what} hardware acceleration is off. Handshakes and bulk encryption run in software: slower, and with more CPU time, on chips that have the unit.`, { fixes: fix && [fix] }));
    }
    return out;
  },
};

export const sdkconfigUnknownOption: Rule = {
  id: 'sdkconfig-unknown-option',
  run(ctx) {
    const p = ctx.project;
    const config = configOf(ctx);
    if (!p?.sdkconfigFiles || !config) return [];
    const idf = p.idfVersion;
    // A release newer than the shipped tables (6.1 and later) may have options they do not list: say nothing.
    if (config.source !== 'installed' && beyondTables(idf)) return [];
    const names = config.names();
    const out: Finding[] = [];
    for (const f of p.sdkconfigFiles) {
      for (const line of f.lines) {
        // The mbedTLS and ESP-TLS families are catalogued completely: a name there that this version lacks is dead.
        if (!line.name || !isOurs(line.name) || config.exists(line.name) === true) continue;
        // An option other releases have was removed or added, not misspelt: say which releases, suggest no rename.
        const elsewhere = symbolInfo(line.name)?.present;
        // When nothing in the project names its version, an option some release has is no evidence of a mistake.
        if (elsewhere && !isStatedVersion(idf)) continue;
        const nearest = elsewhere ? undefined : closest(line.name, names);
        // A name no tabulated release has may be one of a release we have no table for (v3.x, 6.1+): only a near
        // miss of a known name is a typo, unless the project states its version.
        if (!nearest && !isStatedVersion(idf)) continue;
        const range = { start: { line: line.line, character: line.raw.indexOf(line.name) }, end: { line: line.line, character: line.raw.indexOf(line.name) + line.name.length } };
        const why = elsewhere ? `. It exists in ESP-IDF v${elsewhere.join(', v')}` : nearest ? `. Did you mean ${nearest}?` : '.';
        out.push(finding('sdkconfig-unknown-option', { file: f.file, range },
          `${config.source === 'installed' ? 'The installed ESP-IDF' : `ESP-IDF v${idf.major}.${idf.minor}`} has no option ${line.name}: the config tool ignores this line${why}`,
          { fixes: nearest ? [{ title: `Use ${nearest}`, edits: [{ file: f.file, edits: [{ range, newText: nearest }] }] }] : undefined }));
      }
    }
    return out;
  },
};

/** Names in the families we catalogue completely (every mbedTLS and ESP-TLS option). */
const isOurs = (name: string) => /^CONFIG_(MBEDTLS|ESP_TLS)_/.test(name);

/** The option name with the smallest edit distance, when it is close enough to be a typo or a rename. */
function closest(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestD) { bestD = d; best = n; }
  }
  return best && bestD <= 2 ? best : undefined; // a typo, not a different option
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

const HARDENING: [string, string][] = [['CONFIG_SECURE_BOOT', 'secure boot'], ['CONFIG_SECURE_FLASH_ENC_ENABLED', 'flash encryption'], ['CONFIG_NVS_ENCRYPTION', 'NVS encryption']];

export const sdkconfigProductionHardening: Rule = {
  id: 'sdkconfig-production-hardening',
  run(ctx) {
    const p = ctx.project;
    const c = configOf(ctx);
    if (!p || !c || !p.sdkconfigChain.length) return [];
    const on = (name: string): boolean => ctx.macros.lookup(name) === 1
      // nvs_flash's Kconfig: NVS_ENCRYPTION defaults to y when flash encryption is on; only an explicit "not set" turns it off.
      || (name === 'CONFIG_NVS_ENCRYPTION' && ctx.macros.lookup(name) === undefined && on('CONFIG_SECURE_FLASH_ENC_ENABLED'));
    const off = HARDENING.filter(([name]) => !on(name)).map(([, what]) => what);
    if (!off.length) return [];
    const at = where(ctx, undefined)!;
    return [finding('sdkconfig-production-hardening', at, `For production: ${off.join(', ')} ${off.length > 1 ? 'are' : 'is'} off. Without them anyone with the board can read keys and certificates from flash or run modified firmware.`)];
  },
};

/** The custom bundle gen_crt_bundle.py builds at compile time: its path must exist and hold certificates it reads. */
export const sdkconfigCustomBundleInvalid: Rule = {
  id: 'sdkconfig-custom-bundle-invalid',
  run(ctx) {
    const c = configOf(ctx);
    const p = ctx.project;
    if (!c || !p || !c.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE') || !c.bool('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE')) return [];
    const pathSetting = c.get('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH');
    const at = where(ctx, pathSetting ?? c.get('CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE'));
    if (!at) return [];
    const raw = pathSetting?.value.replace(/^"|"$/g, '') ?? '';
    const rule = 'sdkconfig-custom-bundle-invalid';
    const buildEffect = c.idf.major > 5 || (c.idf.major === 5 && c.idf.minor >= 5)
      ? 'gen_crt_bundle.py then writes an empty bundle and every handshake through the bundle fails (-0x2700)'
      : 'the build stops in gen_crt_bundle.py ("No certificate found")';
    if (!raw) return [finding(rule, at, `A custom certificate bundle is enabled but CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH is empty: ${buildEffect}.`)];
    const target = path.resolve(p.root, raw);
    if (!ctx.exists(target)) return [finding(rule, at, `CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH names ${raw}, which does not exist (relative to the project folder): the build stops.`)];
    const inputs = customBundleInputs(ctx).map((f) => ({ file: f, blocks: ctx.files.find((x) => x.file === f)?.certFile?.blocks ?? [] }));
    const out: Finding[] = [];
    for (const input of inputs) for (const b of input.blocks) {
      if (b.label !== 'CERTIFICATE' || !b.bundleSkip) continue;
      out.push(finding(rule, { file: input.file, range: b.range }, `gen_crt_bundle.py silently leaves this certificate out of the custom bundle: ${b.bundleSkip}.`, { related: [{ file: at.file, range: at.range, message: 'the custom bundle path' }] }));
    }
    const read = inputs.flatMap((i) => i.blocks).filter((b) => b.label === 'CERTIFICATE' && b.cert && !b.bundleSkip);
    if (!read.length) out.push(finding(rule, at, `${raw} holds no certificate gen_crt_bundle.py can read (it takes .pem and .der files of a folder, and PEM blocks whose BEGIN and END lines end with a newline): ${buildEffect}.`));
    return out;
  },
};

/**
 * sdkconfig-no-common-ciphersuite: the suites this mbedTLS build offers, against what common servers
 * accept (Mozilla's intermediate profile; sdkconfig/ciphersuites.ts). IDF v6.0 (Mbed TLS 4) is not modelled.
 */
export const sdkconfigNoCommonCiphersuite: Rule = {
  id: 'sdkconfig-no-common-ciphersuite',
  run(ctx) {
    const c = configOf(ctx);
    if (!c || c.idf.major >= 6 || !ctx.project?.sdkconfigChain.length) return [];
    const { offered, verdict } = suitesOf(c);
    if (verdict.verdict === 'ok') return [];
    // The finding sits on the first line that turned a needed option off, else at the top of the file.
    const cause = verdict.missing.map((n) => c.get(n)).find((e) => e?.source === 'sdkconfig');
    const at = where(ctx, cause);
    if (!at) return [];
    const enable = verdict.missing.map((n) => setOptionFix(ctx, n, 'y', '')).filter((f): f is Fix => !!f);
    const fix: Fix | undefined = enable.length === verdict.missing.length && enable.length
      ? { title: `Enable ${verdict.missing.join(', ')}`, preferred: true, edits: mergeEdits(enable) }
      : undefined;
    const kept = offered.length ? ` It still offers ${offered.length} suite(s), e.g. ${offered.slice(0, 2).map((x) => x.iana).join(', ')}.` : '';
    const message = verdict.verdict === 'none'
      ? `This mbedTLS build offers no cipher suite that common servers accept (TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305, or TLS 1.3): handshakes fail with a handshake_failure alert (-0x7780) or "no shared cipher".${kept} Enable ${verdict.missing.join(' and ') || 'AES-GCM with an ECDHE key exchange'}.`
      : `Only weak cipher suites are left (${verdict.weakOnly.slice(0, 3).map((x) => x.iana).join(', ')}${verdict.weakOnly.length > 3 ? ', ...' : ''}): servers configured to current guidelines refuse them (-0x7780). Enable ${verdict.missing.join(' and ')}.`;
    return [{ rule: 'sdkconfig-no-common-ciphersuite', severity: verdict.verdict === 'none' ? 'error' : 'warning', file: at.file, range: at.range, message, fixes: fix && [fix] }];
  },
};

/** One fix out of several single-option fixes: their edits, grouped by file. */
function mergeEdits(fixes: Fix[]): Fix['edits'] {
  const byFile = new Map<string, Fix['edits'][number]['edits']>();
  for (const f of fixes) for (const e of f.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), ...e.edits]);
  return [...byFile].map(([file, edits]) => ({ file, edits }));
}

export const SDKCONFIG_RULES: readonly Rule[] = [
  sdkconfigNoCommonCiphersuite,
  sdkconfigCustomBundleInvalid,
  sdkconfigVerificationDisabled, sdkconfigBundleUnavailable, sdkconfigLegacyProtocol, sdkconfigRecordSizeTooSmall,
  sdkconfigClockNeverSet, sdkconfigUnusedDtls, sdkconfigHardwareAccelerationOff, sdkconfigUnknownOption, sdkconfigProductionHardening,
];
