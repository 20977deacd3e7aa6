// The mbedTLS and ESP-TLS options of an IDF version, and the value each one really has in a project:
// what the sdkconfig chain sets, else the Kconfig default for that version, with `depends on` and
// `default y if ...` evaluated against the rest of the configuration. This is what ESP-IDF's config
// tool does when it turns sdkconfig.defaults into a full sdkconfig, for the options we know.
import { evaluate, type MacroEnv } from '../c/conditions';
import catalogue from '../data/kconfig-mbedtls.json';
import type { EspIdfProject, IdfVersion, SdkconfigEntry } from '../project/model';

export interface KconfigSymbol {
  type: string;
  category: string;
  defaults: Partial<Record<'4.4' | '5.5' | '6.0', string>>;
  depends?: string;
  meaning: string;
  menu: string;
  range?: string;
  /** `select` lines: "MBEDTLS_TLS_ENABLED", "MBEDTLS_HKDF_C if MBEDTLS_DYNAMIC_BUFFER". */
  selects?: string[];
  present: string[];
}

const SYMBOLS = catalogue.symbols as Record<string, KconfigSymbol>;

/** ESP-TLS options (components/esp-tls/Kconfig; shared/reference/esp_tls_behaviour.md). Present in every checked release unless noted. */
const ESP_TLS: Record<string, { meaning: string; until?: string; since?: string }> = {
  CONFIG_ESP_TLS_USING_MBEDTLS: { meaning: 'esp-tls uses mbedTLS' },
  CONFIG_ESP_TLS_USING_WOLFSSL: { meaning: 'esp-tls uses wolfSSL', until: '5.5' },
  CONFIG_ESP_TLS_USE_SECURE_ELEMENT: { meaning: 'Use the ATECC608A secure element' },
  CONFIG_ESP_TLS_USE_DS_PERIPHERAL: { meaning: 'Use the Digital Signature peripheral' },
  CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS: { meaning: 'Client session tickets' },
  CONFIG_ESP_TLS_SERVER: { meaning: 'Enable the esp-tls server', until: '5.2' },
  CONFIG_ESP_TLS_SERVER_SESSION_TICKETS: { meaning: 'Server session tickets' },
  CONFIG_ESP_TLS_SERVER_SESSION_TICKET_TIMEOUT: { meaning: 'Server session ticket timeout' },
  CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK: { meaning: 'Certificate selection hook', since: '5.0' },
  CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL: { meaning: 'Server: client certificate optional' },
  CONFIG_ESP_TLS_PSK_VERIFICATION: { meaning: 'Enable PSK verification' },
  CONFIG_ESP_TLS_INSECURE: { meaning: 'Allow potentially insecure options' },
  CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY: { meaning: 'Skip server certificate verification by default (testing only)' },
  CONFIG_ESP_TLS_OCSP_CHECKALL: { meaning: 'Check all certificates with OCSP (wolfSSL)', since: '5.4' },
  CONFIG_ESP_TLS_DYN_BUF_STRATEGY_SUPPORTED: { meaning: 'Dynamic buffer strategy support (hidden)' },
};

const versionKey = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
const cmp = (a: string, b: string) => { const [x, y] = a.split('.').map(Number), [p, q] = b.split('.').map(Number); return x - p || y - q; };

/** Does this IDF version have the option? undefined for names outside the mbedTLS / ESP-TLS catalogues. */
export function optionExists(name: string, idf: { major: number; minor: number }): boolean | undefined {
  const sym = SYMBOLS[name];
  const v = versionKey(idf);
  if (sym) {
    const checked = sym.present.map((t) => t.split('.').slice(0, 2).join('.'));
    const known = catalogue.tags.map((t) => t.split('.').slice(0, 2).join('.'));
    // A minor release we have no column for: judge by the nearest checked release before it.
    const nearest = known.filter((k) => cmp(k, v) <= 0).at(-1) ?? known[0];
    return checked.includes(known.includes(v) ? v : nearest);
  }
  const tls = ESP_TLS[name];
  if (tls) return (!tls.since || cmp(v, tls.since) >= 0) && (!tls.until || cmp(v, tls.until) <= 0);
  return undefined;
}

/** A release newer than the newest the tables were read from (6.1 and later): it may have options they lack. */
export function beyondTables(idf: { major: number; minor: number }): boolean {
  const newest = catalogue.tags.at(-1)!;
  return cmp(versionKey(idf), newest.split('.').slice(0, 2).join('.')) > 0;
}

/** Every option name this IDF version has (for "did you mean"). */
export function optionNames(idf: { major: number; minor: number }): string[] {
  return [...Object.keys(SYMBOLS), ...Object.keys(ESP_TLS)].filter((n) => optionExists(n, idf));
}

export function symbolInfo(name: string): KconfigSymbol | undefined {
  return SYMBOLS[name];
}

export interface Effective {
  /** `y`, `n`, a number or a quoted string, as sdkconfig writes it. */
  value: string;
  /** Where it comes from: a file of the sdkconfig chain, the build folder's config/sdkconfig.json, or a Kconfig
   * default (of the project's IDF version, or of the project's own Kconfig files). */
  source: 'sdkconfig' | 'build' | 'default';
  entry?: SdkconfigEntry;
}

const perProject = new WeakMap<EspIdfProject, ProjectConfig>();

/** The configuration a project builds with, option by option (memoised; cycles end as unknown). */
export class ProjectConfig {
  /** One instance per project model: a project object is rebuilt whenever its sdkconfig chain changes. */
  static of(project: EspIdfProject): ProjectConfig {
    let c = perProject.get(project);
    if (!c) { c = new ProjectConfig(project); perProject.set(project, c); }
    return c;
  }

  private readonly memo = new Map<string, Effective | undefined>();
  private readonly pending = new Set<string>();
  readonly idf: IdfVersion;

  /** A generated sdkconfig lists every option, so an option it lacks is known to be unset. */
  readonly complete: boolean;
  /** Options and defaults come from the installed ESP-IDF's Kconfig when there is one, else the shipped table. */
  readonly source: 'installed' | 'shipped';

  constructor(private readonly project: EspIdfProject) {
    this.idf = project.idfVersion;
    this.complete = project.sdkconfigChain.some((f) => /(^|[\\/])sdkconfig$/.test(f)) || !!project.build?.config;
    this.source = project.installedKconfig ? 'installed' : 'shipped';
  }

  /** Does this build have the option? undefined for names outside the mbedTLS / ESP-TLS families. */
  exists(name: string): boolean | undefined {
    if (this.project.kconfig?.symbols.has(name)) return true;
    const installed = this.project.installedKconfig;
    if (!installed) return optionExists(name, this.idf);
    return installed.symbols.has(name) ? true : /^CONFIG_(MBEDTLS|ESP_TLS)_/.test(name) ? false : undefined;
  }

  names(): string[] {
    const installed = this.project.installedKconfig;
    return installed ? [...installed.symbols.keys()] : optionNames(this.idf);
  }

  /** The option's Kconfig entry, from the installed ESP-IDF or the shipped table. */
  symbol(name: string): KconfigSymbol | undefined {
    const installed = this.project.installedKconfig?.symbols.get(name) ?? (SYMBOLS[name] ? undefined : this.project.kconfig?.symbols.get(name));
    if (!installed) return this.project.installedKconfig ? undefined : SYMBOLS[name];
    const d = installed.default;
    return {
      type: installed.type, category: '', meaning: installed.prompt, menu: installed.choice ? `choice ${installed.choice}` : '', present: [], selects: installed.selects, depends: installed.depends,
      defaults: { '4.4': d, '5.5': d, '6.0': d },
    };
  }

  get(name: string): Effective | undefined {
    if (this.memo.has(name)) return this.memo.get(name);
    if (this.pending.has(name)) return undefined;
    this.pending.add(name);
    const value = this.compute(name);
    this.pending.delete(name);
    this.memo.set(name, value);
    return value;
  }

  bool(name: string): boolean | undefined {
    const v = this.get(name)?.value;
    return v === undefined ? undefined : v === 'y';
  }

  int(name: string): number | undefined {
    const v = this.get(name)?.value;
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  /** The option that sizes the incoming record buffer (IN_CONTENT_LEN with asymmetric buffers, else MAX_CONTENT_LEN) and its value. */
  incomingRecord(): { name: string; size: number | undefined } {
    const name = this.bool('CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN') ? 'CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN' : 'CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN';
    return { name, size: this.int(name) };
  }

  /** Kconfig expressions (`A && !B`, `X = y`) over this configuration. */
  readonly env: MacroEnv = {
    lookup: (name) => {
      if (name === 'y') return 1;
      if (name === 'n') return 0;
      if (name.startsWith('IDF_TARGET_')) return name === `IDF_TARGET_${this.project.target.toUpperCase()}` ? 1 : 0;
      const v = this.get(name.startsWith('CONFIG_') ? name : `CONFIG_${name}`)?.value;
      if (v === undefined) return name.startsWith('SOC_') || !this.complete ? undefined : null;
      if (v === 'y') return 1;
      if (v === 'n') return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : 1;
    },
  };

  private compute(name: string): Effective | undefined {
    const entry = this.project.sdkconfig.get(name);
    // The config tool drops a line for an option this version does not have (sdkconfig-unknown-option says so).
    if (entry && this.exists(name) !== false) return { value: entry.value, source: 'sdkconfig', entry };
    // The build folder's config/sdkconfig.json holds every option of that build: one it lacks is not set there.
    const built = this.project.build?.config;
    if (built) { const v = built.get(name); return v === undefined ? undefined : { value: v, source: 'build' }; }
    const sym = this.symbol(name);
    if (!sym || !this.exists(name)) return undefined;
    if (sym.depends && this.holds(sym.depends) === false) return sym.type === 'bool' ? { value: 'n', source: 'default' } : undefined;
    const text = this.idf.major < 5 ? sym.defaults['4.4'] : this.idf.major >= 6 ? sym.defaults['6.0'] ?? sym.defaults['5.5'] : sym.defaults['5.5'] ?? sym.defaults['4.4'];
    const value = text === undefined ? undefined : this.defaultValue(name, sym, text);
    return value === undefined ? undefined : { value, source: 'default' };
  }

  /** "y", "16384", "y (choice default)", "n (choice member)", "y if A && B ; n", "1 if X ; 2 if Y". */
  private defaultValue(name: string, sym: KconfigSymbol, text: string): string | undefined {
    if (/\(choice default\)/.test(text)) {
      // Another member of the same choice set explicitly to y wins over the default member.
      const other = this.siblings(name, sym).some((n) => this.project.sdkconfig.get(n)?.value === 'y');
      return other ? 'n' : 'y';
    }
    if (/^\(none/.test(text)) return sym.type === 'bool' ? (this.selected(name) ? 'y' : 'n') : undefined; // only `select` sets it
    if (/\(implicit\)|\(choice member\)/.test(text)) return text.startsWith('y') ? 'y' : 'n';
    for (const alternative of text.split(';').map((a) => a.trim())) {
      const m = /^(.*?)\s+if\s+(.*)$/.exec(alternative);
      if (!m) return this.boolValue(sym, alternative);
      if (this.holds(m[2]) !== false) return this.boolValue(sym, m[1]); // an undecidable SOC_ capability counts as present
    }
    return sym.type === 'bool' ? 'n' : undefined;
  }

  /** A bool's default may be an expression (`default FOO && BAR`, or `default true`, which names no symbol): its value, or unknown. */
  private boolValue(sym: KconfigSymbol, value: string): string | undefined {
    if (sym.type !== 'bool' || /^[ynm]$/.test(value)) return value;
    const h = this.holds(value);
    return h === undefined ? undefined : h ? 'y' : 'n';
  }

  /** Other members of the choice `name` belongs to (same menu in the shipped table; same default kind when installed). */
  private siblings(name: string, sym: KconfigSymbol): string[] {
    const own = this.project.kconfig?.symbols.get(name);
    if (own?.choice) return [...this.project.kconfig!.symbols].filter(([n, s]) => n !== name && s.choice === own.choice).map(([n]) => n);
    if (this.project.installedKconfig) {
      return [...this.project.installedKconfig.symbols].filter(([n, s]) => n !== name && /\(choice (default|member)\)/.test(s.default ?? '')).map(([n]) => n)
        .filter((n) => n.replace(/_[A-Z0-9]+$/, '') === name.replace(/_[A-Z0-9]+$/, ''));
    }
    return Object.entries(SYMBOLS).filter(([n, s]) => n !== name && s.menu === sym.menu).map(([n]) => n);
  }

  /** Whether an enabled option selects `name` (Kconfig `select name [if cond]`). */
  private selected(name: string): boolean {
    const short = name.replace(/^CONFIG_/, '');
    const all: [string, { selects?: string[] }][] = this.project.installedKconfig ? [...this.project.installedKconfig.symbols] : Object.entries(SYMBOLS);
    return all.some(([other, s]) => (s.selects ?? []).some((sel) => {
      const [target, cond] = sel.split(/\s+if\s+/);
      return target === short && this.bool(other) === true && (!cond || this.holds(cond) !== false);
    }));
  }

  private holds(expr: string): boolean | undefined {
    // `X != ""` and `X = "text"` compare a string option's value; the C-style evaluator below has no strings.
    let unknown = false;
    const strings = expr.replace(/\b(\w+)\s*(!=|=)\s*"([^"]*)"/g, (_, name: string, op: string, text: string) => {
      const v = this.get(name.startsWith('CONFIG_') ? name : `CONFIG_${name}`)?.value;
      if (v === undefined) { unknown = true; return '0'; }
      return (v.replace(/^"(.*)"$/, '$1') === text) === (op === '=') ? '1' : '0';
    });
    if (unknown) return undefined;
    const c = strings.replace(/(?<![!<>=])=(?!=)/g, '==');
    const v = evaluate(c, this.env);
    return v === undefined ? undefined : v !== 0;
  }
}
