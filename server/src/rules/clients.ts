// Resolves the C facts of a project into TLS clients: each config (or esp_transport_ssl handle) with
// every setting that reaches it (initializer fields, later assignments, transport calls), whether the
// connection is TLS at all, and where it sits. The rules of this family and the code lens read these.
import { ProjectConfig } from '../sdkconfig/kconfig';
import { activeDefines, allHold, fileMacros, type FileDefine, type MacroEnv } from '../c/conditions';
import { decodeCStrings, type MacroLookup } from '../c/cStrings';
import { accessPath, type CallFact, type CFileFacts, type FieldAssignmentFact, type Guard, type TlsConfigFact } from '../c/facts';
import type { Condition } from '../c/mask';
import { parseServerAddress } from '../net/address';
import type { EspIdfProject } from '../project/model';
import type { RuleContext } from './context';
import type { Range } from './finding';
import { clientApi, OTA_STRUCT, TRANSPORT_CALLS, transportApi, type ClientApi, type Layout, type Role } from './tlsApis';

export interface Setting {
  role?: Role;
  /** Field path (`broker.verification.certificate`) or call name. */
  path: string;
  value: string;
  range: Range;
  valueRange: Range;
  /** For assignments and calls: the statement. */
  statementRange?: Range;
  /** The left side as written: the designator (`verification.certificate`), `p->field`, or the call name. */
  written: string;
  /** What to delete to remove this setting cleanly. */
  removal: Range;
  conditions: readonly Condition[];
  origin: 'initializer' | 'assignment' | 'call';
  /** The setting takes effect only under a run-time condition (`if (config->skip_cn)`) or with a value read
   *  at run time (`= ctx->disableSni`): whether it is on cannot be known here. Says which, for messages. */
  runtime?: string;  /** The setting is the retry after a failed connection or OTA attempt (`if (err != ESP_OK)`): the condition. */
  fallback?: string;
}

export interface TlsClient {
  file: string;
  facts: CFileFacts;
  api: ClientApi;
  /** `cfg`, `s_app.tls`, the transport variable; undefined for a compound literal. */
  name?: string;
  config?: TlsConfigFact;
  /** The esp_transport_ssl_init() call, for transport handles. */
  initCall?: CallFact;
  anchor: Range;
  layout: Layout;
  /** Settings that are set to something (not NULL/false/0) and not compiled out for certain. */
  settings: Setting[];
  /** Verification settings the project's sdkconfig compiles out. */
  compiledOut: Setting[];
  tls: 'yes' | 'no' | 'unknown';
  /** The URL as far as it can be read (`https://` + an unresolved macro reads as `https://…`). */
  url?: string;
  /** The server's DNS name, when the URL names one. */
  host?: string;
  /** The port of an esp_tls_conn_new*(host, len, port, ...) call, when it is a number or a #define of one. */
  port?: number;
  /** An esp_https_ota config points at this http config: esp_https_ota insists on verification. */
  ota: boolean;
  /** The last statement that writes the config (assignment or memset): a new assignment goes after it. */
  lastWrite?: Range;
  /** A function the config's address is handed to, which may fill it in (`init_tls(&cfg)`). */
  filledBy?: string;
  /** The URL came from a call site (`start_client("https://...")` for `.url = url`, a parameter): where. */
  urlFrom?: { file: string; range: Range };
}

/** Values that leave a field unset: NULL pointers, false flags, zero. */
export const UNSET = /^\(?\s*(NULL|0|false|\(\s*void\s*\*\s*\)\s*0|nullptr)\s*\)?$/;

const cache = new WeakMap<RuleContext, TlsClient[]>();

/** The TLS clients of the files in `ctx`; computed once per context and shared by the rules. */
export function tlsClients(ctx: RuleContext): TlsClient[] {
  let clients = cache.get(ctx);
  if (!clients) {
    // Struct members of a TLS config type, from every file: a C++ class or C struct declared in a header and
    // filled in a source file (`config.skip_cert_common_name_check = true` inside a method).
    const memberTypes: Record<string, string> = Object.assign({}, ...ctx.files.map((f) => f.c?.memberTypes ?? {}));
    clients = ctx.files.flatMap((f) => (f.c ? clientsOfFile(f.file, f.c, ctx, memberTypes) : []));
    cache.set(ctx, clients);
  }
  return clients;
}

/** What the preprocessor knows in this file: the project's configuration and the file's own #defines. */
export const macrosOf = (facts: CFileFacts, ctx: { macros?: MacroEnv; project?: EspIdfProject }, file?: string): MacroEnv =>
  fileMacros(facts.defines, commandLine(ctx, file));
const UNKNOWN_MACROS: MacroEnv = { lookup: () => undefined };
const asDefines = new WeakMap<ReadonlyMap<string, string>, FileDefine[]>();

/** The build folder's `-D` flags for `file` (compile_commands.json) over the configuration: a file's #defines come after them. */
function commandLine(ctx: { macros?: MacroEnv; project?: EspIdfProject }, file: string | undefined): MacroEnv {
  const base = ctx.macros ?? UNKNOWN_MACROS;
  const flags = file ? ctx.project?.build?.defines?.get(file) : undefined;
  if (!flags) return base;
  let list = asDefines.get(flags);
  if (!list) { list = [...flags].map(([name, value]) => ({ name, value })); asDefines.set(flags, list); }
  return fileMacros(list, base);
}

/** The text of a file's `#define name`, from the branches that may be compiled; unknown when they disagree. */
export function defineValue(facts: CFileFacts, name: string, ctx: { macros?: MacroEnv; project?: EspIdfProject }, file?: string): string | undefined {
  const values = new Set(activeDefines(facts.defines, name, macrosOf(facts, ctx, file)).map((d) => d.value));
  return values.size === 1 ? [...values][0] : undefined;
}

function clientsOfFile(file: string, facts: CFileFacts, ctx: RuleContext, memberTypes: Record<string, string>): TlsClient[] {
  const otaConfigs = otaTargets(facts);
  const macros = macrosOf(facts, ctx, file);
  const clients: TlsClient[] = [];
  for (const config of [...facts.configs, ...memberConfigsFromAssignments(facts, memberTypes)]) {
    const api = clientApi(config.structType);
    if (!api || allHold(config.conditions, macros) === false) continue;
    const settings = settingsOfConfig(facts, config, api);
    const layout = layoutOf(api, settings, ctx.project);
    clients.push(resolve(ctx, {
      file, facts, api, config, name: config.variable, anchor: config.nameRange, layout,
      ota: !!config.variable && otaConfigs.has(accessPath(config.variable)), lastWrite: lastWriteOf(facts, config),
      filledBy: filledBy(facts, config),
    }, settings, connectTarget(facts, config)));
  }
  for (const call of facts.calls) {
    if (call.name !== 'esp_transport_ssl_init' || !call.assignedTo) continue;
    if (allHold(call.conditions, macros) === false) continue;
    const handle = accessPath(call.assignedTo);
    const settings = facts.calls
      .filter((c) => TRANSPORT_CALLS[c.name] && c.args[0] && accessPath(c.args[0].text) === handle)
      .map((c): Setting => ({
        role: TRANSPORT_CALLS[c.name], path: c.name, value: c.args.slice(1).map((a) => a.text).join(', ') || 'true',
        range: c.range, valueRange: c.range, statementRange: c.statementRange, conditions: c.conditions, origin: 'call',
        written: c.name, removal: wholeLines(c.statementRange), ...runtimeGuard(c.guards, facts, c.functionRange),
      }));
    clients.push(resolve(ctx, {
      file, facts, api: transportApi, name: call.assignedTo, initCall: call, anchor: call.range, layout: 'flat', ota: false,
    }, settings));
  }
  return clients;
}

type Partial = Omit<TlsClient, 'settings' | 'compiledOut' | 'tls' | 'url' | 'host' | 'port'>;

function resolve(ctx: RuleContext, c: Partial, all: Setting[], connect: { url?: string; host?: string; port?: string } = {}): TlsClient {
  const macros = macrosOf(c.facts, ctx, c.file);
  const set = all.filter((s) => !UNSET.test(s.value)).map((s) => withRuntimeValue(s, c.facts, ctx));
  const settings = set.filter((s) => allHold(s.conditions, macros) !== false);
  const compiledOut = set.filter((s) => allHold(s.conditions, macros) === false && isVerifying(s));
  const urlExpr = settings.find((s) => s.role === 'url')?.value ?? connect.url;
  const hostExpr = settings.find((s) => s.role === 'host')?.value ?? connect.host;
  const caller = urlExpr ? urlFromCallers(ctx, c.config, urlExpr) : undefined;
  const url = caller?.url ?? (urlExpr ? readString(urlExpr, c.facts, ctx, c.file) : undefined);
  const host = url ? hostOf(url, false) : hostExpr ? hostOf(readString(hostExpr, c.facts, ctx, c.file), true) : undefined;
  const port = connect.port ? readPort(connect.port, c.facts, ctx) : undefined;
  return { ...c, settings, compiledOut, url, host, ...(port ? { port } : {}), ...(caller ? { urlFrom: caller.at } : {}), tls: tlsOf(ctx, c, settings, url) };
}

/** `.url = url` where `url` is a parameter of the config's function: the first call site that passes a TLS URL. */
function urlFromCallers(ctx: RuleContext, config: TlsConfigFact | undefined, expr: string): { url: string; at: { file: string; range: Range } } | undefined {
  const index = config?.function?.parameters.indexOf(expr.trim()) ?? -1;
  if (index < 0) return undefined;
  for (const f of ctx.files) for (const call of f.c?.calls ?? []) {
    const arg = call.name === config!.function!.name ? call.args[index] : undefined;
    const url = arg && readString(arg.text, f.c!, ctx, f.file);
    if (url && /^(https|mqtts|wss):\/\//i.test(url)) return { url, at: { file: f.file, range: arg!.range } };
  }
  return undefined;
}

/** Calls whose failure a retry may follow: a connection or an OTA attempt. */
const ATTEMPT = /^(esp_tls_conn_|esp_https_ota|esp_http_client_(perform|open)$|esp_mqtt_client_start$)/;

/**
 * Under `if (cond)`, a setting applies only when cond holds at run time (a library passing its user's choice
 * on). Unless cond tests a connection or OTA attempt of the same function (`if (err != ESP_OK)`): then it is
 * the retry after a failure, which whoever makes the first attempt fail can force.
 */
function runtimeGuard(guards: readonly Guard[] | undefined, facts: CFileFacts, fn: Range | undefined): { runtime?: string; fallback?: string } {
  const guard = guards?.[0];
  if (!guard) return {};
  if ('words' in guard) return { runtime: `only when ${guard.words}` };
  const g = guard.code;
  const attempts = facts.calls.filter((c) => ATTEMPT.test(c.name) && sameFunction(c.functionRange, fn));
  const tested = (name: string) => new RegExp(`(^|[^\\w>.])${name.replace(/[^\w]/g, (ch) => `\\${ch}`)}\\b`).test(g);
  if (attempts.some((c) => g.includes(`${c.name}(`) || (c.assignedTo && tested(c.assignedTo)))) return { fallback: g };
  return { runtime: `only when \`${g}\` holds at run time` };
}

/** Flags whose value is read at run time, not written as a constant: on or off depends on the caller. */
const FLAG_ROLES: ReadonlySet<Role | undefined> = new Set(['skipHostname', 'global']);

function withRuntimeValue(s: Setting, facts: CFileFacts, ctx: RuleContext): Setting {
  if (s.runtime || s.origin === 'call' || !FLAG_ROLES.has(s.role) || isConstantFlag(s.value, facts, ctx)) return s;
  return { ...s, runtime: `only when \`${s.value.trim()}\` is true at run time` };
}

/** `true`, a number, or a macro (a #define of the file, a CONFIG_ option, or one from a header we do not read). */
function isConstantFlag(value: string, facts: CFileFacts, ctx: RuleContext, depth = 0): boolean {
  const v = value.trim().replace(/^\((.*)\)$/, '$1').trim();
  if (/^(true|\d+[uUlL]*)$/.test(v) || /^[A-Z_][A-Z0-9_]*$/.test(v)) return true;
  const define = depth < 4 ? defineValue(facts, v, ctx) : undefined; // defines naming each other end here
  return define !== undefined && define !== v && isConstantFlag(define, facts, ctx, depth + 1);
}

export const isVerifying = (s: Setting) => s.role === 'bundle' || s.role === 'global' || s.role === 'ca' || s.role === 'psk' || s.role === 'session';

/** The server a client connects to, when the code names it: host and port from the URL (IP addresses
 * included), else the connect call's host and port. */
export function serverOf(c: TlsClient): { host: string; port: number } | undefined {
  const fromUrl = c.url ? parseServerAddress(c.url) : undefined;
  if (fromUrl) return fromUrl;
  return c.host ? { host: c.host, port: c.port ?? 443 } : undefined;
}

/** A port written as a number or through a #define of one. */
function readPort(expr: string, facts: CFileFacts, ctx: RuleContext): number | undefined {
  const text = defineValue(facts, expr.trim(), ctx) ?? expr;
  const n = Number(text.trim().replace(/^\((.*)\)$/, '$1'));
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** Decides "is this a TLS connection" the way each component does. */
function tlsOf(ctx: RuleContext, c: Partial, settings: Setting[], url: string | undefined): TlsClient['tls'] {
  const has = (role: Role) => settings.some((s) => s.role === role);
  if (c.api.alwaysTls) return has('plain') ? 'no' : 'yes';
  const scheme = url ? /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1] : undefined;
  if (c.ota) {
    // esp_https_ota refuses to start without verification unless plain HTTP is explicitly allowed.
    const allowHttp = ['CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP', 'CONFIG_OTA_ALLOW_HTTP'].some((n) => ctx.macros.lookup(n) === 1);
    return scheme?.toLowerCase() === 'http' && allowHttp ? 'no' : 'yes';
  }
  if (scheme) return c.api.tlsScheme.test(scheme) ? 'yes' : 'no'; // the URL's scheme overrides transport fields
  const transport = settings.find((s) => s.role === 'transport');
  if (transport) return c.api.tlsTransport.test(transport.value) ? 'yes' : /_TCP|_WS\b/.test(transport.value) ? 'no' : 'unknown';
  if (!has('url') && has('host')) return tlsOnlyEvidence(settings) ? 'yes' : 'no'; // host alone: the default transport is plain TCP
  // A URL built at run time: TLS only shows in fields that mean nothing without it.
  return tlsOnlyEvidence(settings) ? 'yes' : 'unknown';
}

const tlsOnlyEvidence = (settings: Setting[]) =>
  settings.some((s) => s.role === 'tlsOnly' || s.role === 'clientCert' || s.role === 'clientKey' || s.role === 'skipHostname' || s.role === 'commonName' || isVerifying(s));

/** Fields from the initializer plus `cfg.x = ...` / `cfg->x = ...` in the same function (or anywhere, for globals). */
function settingsOfConfig(facts: CFileFacts, config: TlsConfigFact, api: ClientApi): Setting[] {
  const fromInit = config.fields.map((f): Setting => ({
    role: api.roles[f.path], path: f.path, value: f.value, range: f.range, valueRange: f.valueRange, conditions: f.conditions, origin: 'initializer',
    written: f.designator, removal: f.removal,
  }));
  if (!config.variable) return fromInit;
  const name = accessPath(config.variable);
  const fromAssignments = facts.assignments
    .filter((a) => config.scope === 'global' || config.form === 'member' || sameFunction(a.functionRange, config.functionRange))
    .filter((a) => config.scope === 'global' || config.form === 'member' || after(a.range.start, config.range.end))
    .map((a) => ({ a, path: pathWithin(name, a) }))
    .filter((x): x is { a: FieldAssignmentFact; path: string } => !!x.path)
    .map(({ a, path }): Setting => ({
      role: api.roles[path], path, value: a.value, range: a.range, valueRange: a.valueRange, statementRange: a.statementRange,
      conditions: a.conditions, origin: 'assignment', written: a.left, removal: wholeLines(a.statementRange), ...runtimeGuard(a.guards, facts, a.functionRange),
    }));
  return [...fromInit, ...fromAssignments];
}

/** esp-tls takes the server from the connect call: esp_tls_conn_http_new*(url, &cfg, ...) or esp_tls_conn_new*(host, len, port, &cfg, ...). */
function connectTarget(facts: CFileFacts, config: TlsConfigFact): { url?: string; host?: string; port?: string } {
  if (config.structType !== 'esp_tls_cfg_t' || !config.variable) return {};
  const name = accessPath(config.variable);
  const call = facts.calls.find((c) => c.name.startsWith('esp_tls_conn_') && c.args.some((a) => a.text.startsWith('&') && accessPath(a.text) === name));
  if (!call?.args[0]) return {};
  return call.name.startsWith('esp_tls_conn_http_new') ? { url: call.args[0].text } : { host: call.args[0].text, port: call.args[2]?.text };
}

/** Functions that only read a config (the clients themselves) or clear it; any other callee may write it. */
const READS_CONFIG = /^(esp_tls_conn_|esp_tls_init|esp_http_client_init$|esp_mqtt_client_init$|esp_websocket_client_init$|esp_https_ota|memset$)/;

function filledBy(facts: CFileFacts, config: TlsConfigFact): string | undefined {
  if (!config.variable) return undefined;
  const name = accessPath(config.variable);
  return facts.calls.find((c) => !READS_CONFIG.test(c.name) && sameFunction(c.functionRange, config.functionRange)
    && c.args.some((a) => a.text.trim().startsWith('&') && accessPath(a.text) === name))?.name;
}

function lastWriteOf(facts: CFileFacts, config: TlsConfigFact): Range | undefined {
  if (!config.variable) return undefined;
  const name = accessPath(config.variable);
  const writes = [
    ...facts.assignments.filter((a) => pathWithin(name, a) && sameFunction(a.functionRange, config.functionRange)).map((a) => a.statementRange),
    ...facts.calls.filter((c) => c.name === 'memset' && c.args[0] && accessPath(c.args[0].text) === name).map((c) => c.statementRange),
  ];
  return writes.reduce<Range | undefined>((last, r) => (!last || r.end.line > last.end.line ? r : last), undefined);
}

/** `cfg.broker.verification.certificate = x` is the path `broker.verification.certificate` of `cfg`. */
function pathWithin(config: string, a: FieldAssignmentFact): string | undefined {
  const target = accessPath(a.target);
  if (target === config) return a.field;
  if (target.startsWith(config + '.')) return `${target.slice(config.length + 1)}.${a.field}`;
  return undefined;
}

/**
 * `s_client.tls.x = ...` where `tls` is a member of a TLS config type and no initializer declares it; also a
 * bare `config.x = ...` in a method of the class that has the member, when `x` is a field the config's API
 * gives a meaning (a local of another type with the same name sets no such field).
 */
function memberConfigsFromAssignments(facts: CFileFacts, memberTypes: Record<string, string>): TlsConfigFact[] {
  const known = new Set(facts.configs.map((c) => c.variable && accessPath(c.variable)));
  const seen = new Map<string, TlsConfigFact>();
  for (const a of facts.assignments) {
    const target = accessPath(a.target).replace(/^this\./, '');
    const member = target.split('.').pop()!;
    const struct = facts.memberTypes[member] ?? memberTypes[member];
    if (!struct || known.has(target) || seen.has(target)) continue;
    if (target === member && !facts.assignments.some((x) => accessPath(x.target) === target && clientApi(struct)?.roles[x.field])) continue;
    seen.set(target, {
      // Named as written (`ctx->tls`), so a fix that adds an assignment uses the right operator.
      structType: struct, variable: a.target.replace(/\s+/g, ''), form: 'member', scope: a.functionRange ? 'local' : 'global',
      nameRange: a.range, range: a.range, fields: [], nested: [], conditions: a.conditions, functionRange: a.functionRange,
    });
  }
  return [...seen.values()];
}

/** Http configs an OTA config points at (`.http_config = &cfg`), or that IDF v4.4's esp_https_ota(&cfg) takes. */
function otaTargets(facts: CFileFacts): Set<string> {
  const targets = new Set<string>();
  for (const c of facts.configs) {
    if (c.structType !== OTA_STRUCT) continue;
    for (const f of c.fields) if (f.path === 'http_config') targets.add(accessPath(f.value));
  }
  for (const a of facts.assignments) if (a.field === 'http_config') targets.add(accessPath(a.value));
  const ownOta = new Set(facts.configs.filter((c) => c.structType === OTA_STRUCT).map((c) => c.variable));
  for (const call of facts.calls) {
    const arg = call.args[0]?.text.replace(/^&\s*/, '');
    if (call.name === 'esp_https_ota' && arg && !ownOta.has(arg)) targets.add(accessPath(arg));
  }
  return targets;
}

function layoutOf(api: ClientApi, settings: Setting[], project: EspIdfProject | undefined): Layout {
  if (api.struct !== 'esp_mqtt_client_config_t') return 'flat';
  if (settings.some((s) => s.path.startsWith('broker.') || s.path.startsWith('credentials.') || s.path.startsWith('network.'))) return 'nested';
  if (settings.some((s) => s.role !== undefined)) return 'flat';
  return (project?.idfVersion.major ?? 5) >= 5 ? 'nested' : 'flat';
}

/**
 * Reads a C string expression as far as it can: literals, adjacent literals, object-like macros of the
 * file and CONFIG_ strings of the sdkconfig. What cannot be read ends the string with `…`.
 */
export function readString(expr: string, facts: CFileFacts, ctx: { project?: EspIdfProject; macros?: MacroEnv }, file?: string): string | undefined {
  const decoded = decodeCStrings(expr, 0, expr.length, stringMacros(facts, ctx, file));
  if (!decoded.pieces.length) return undefined;
  const readTo = decoded.offsets[decoded.offsets.length - 1];
  return readTo < expr.trimEnd().length ? `${decoded.text}…` : decoded.text;
}

/** Macro values as C source, as the build gives them: the file's #defines (of the branches it compiles), else
 *  a CONFIG_ string from the sdkconfig chain, the build folder, or its Kconfig default. */
export function stringMacros(facts: CFileFacts, ctx: { project?: EspIdfProject; macros?: MacroEnv }, file?: string): MacroLookup {
  const config = ctx.project && ProjectConfig.of(ctx.project);
  return (name) => defineValue(facts, name, ctx, file) ?? config?.get(name)?.value;
}

/** The DNS name in a URL (or a bare host name); undefined for IP addresses and what cannot be read. */
function hostOf(text: string | undefined, bare: boolean): string | undefined {
  if (!text) return undefined;
  const host = bare ? text : /^[a-z][a-z0-9+.-]*:\/\/([^/:?#…]+)/i.exec(text)?.[1];
  if (!host || host.includes('…') || /^[\d.]+$/.test(host) || host.includes(':') || !/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  return host;
}

const after = (a: Range['start'], b: Range['start']) => a.line > b.line || (a.line === b.line && a.character >= b.character);

const wholeLines = (r: Range): Range => ({ start: { line: r.start.line, character: 0 }, end: { line: r.end.line + 1, character: 0 } });

function sameFunction(a: Range | undefined, b: Range | undefined): boolean {
  if (!b) return true;
  return !!a && a.start.line === b.start.line && a.start.character === b.start.character;
}
