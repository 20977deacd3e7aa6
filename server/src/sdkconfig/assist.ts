// Hover and completion for sdkconfig options (in sdkconfig files, and on CONFIG_ names in C): what the
// option means, its default in the project's IDF version, the value in effect and where it was set.
import path from 'node:path';
import type { EspIdfProject } from '../project/model';
import { assessSuites, offeredSuites } from './ciphersuites';
import { optionNames, ProjectConfig, symbolInfo } from './kconfig';

/** What an option does to TLS, where that is worth saying on top of its Kconfig prompt. */
const TLS_EFFECT: Record<string, string> = {
  CONFIG_MBEDTLS_CERTIFICATE_BUNDLE: 'Needed by `esp_crt_bundle_attach`; without it every `crt_bundle_attach` fails.',
  CONFIG_MBEDTLS_HAVE_TIME_DATE: 'Makes mbedTLS check certificate dates: the clock must be set (SNTP) before connecting.',
  CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN: 'Below 16384, a server that sends a full record breaks the connection (-0x7200).',
  CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN: 'Below 16384, a server that sends a full record breaks the connection (-0x7200).',
  CONFIG_MBEDTLS_SSL_PROTO_DTLS: 'DTLS for datagram transports; several KB of flash when unused.',
  CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY: 'Clients without a CA accept any server. Testing only.',
  CONFIG_MBEDTLS_GCM_C: 'AES-GCM: the cipher of most TLS 1.2 and TLS 1.3 suites servers accept.',
  CONFIG_MBEDTLS_SSL_PROTO_TLS1_3: 'TLS 1.3 (its suites need AES-GCM or ChaCha20-Poly1305).',
};

export function optionHover(name: string, project: EspIdfProject | undefined): string | undefined {
  const config = project && ProjectConfig.of(project);
  const info = config ? config.symbol(name) : symbolInfo(name);
  if (!info && !project?.sdkconfig.has(name)) return undefined;
  const lines = [`**${name}**${info ? ` (${info.type})` : ''}`];
  if (info) lines.push(info.meaning);
  if (TLS_EFFECT[name]) lines.push(`**TLS:** ${TLS_EFFECT[name]}`);
  if (project && config) {
    const idf = project.idfVersion;
    const effective = config.get(name);
    const exists = config.exists(name);
    if (exists === false) lines.push(`**ESP-IDF v${idf.major}.${idf.minor} has no such option.**`);
    const delta = suiteDelta(name, project, config);
    if (delta) lines.push(delta);
    if (effective?.source === 'sdkconfig' && effective.entry) {
      lines.push(`In effect: \`${effective.value}\`, set in ${path.relative(project.root, effective.entry.file)} line ${effective.entry.line + 1}.`);
    } else if (effective) {
      lines.push(`In effect: \`${effective.value}\`, the default in ESP-IDF v${idf.major}.${idf.minor} (no file of the sdkconfig chain sets it).`);
    }
  }
  if (info && config?.source === 'installed') {
    lines.push(`Default (installed ESP-IDF's Kconfig): \`${info.defaults['5.5'] ?? 'none'}\`${info.depends ? `; depends on \`${info.depends}\`` : ''}.`);
  } else if (info) {
    const d = info.defaults;
    lines.push(`Defaults: ${(['4.4', '5.5', '6.0'] as const).filter((v) => d[v]).map((v) => `v${v}: \`${d[v]}\``).join(', ')}${info.depends ? `; depends on \`${info.depends}\`` : ''}.`);
    lines.push(`Menu: ${info.menu}. In ESP-IDF v${info.present.join(', v')}.`);
  }
  return lines.join('\n\n');
}

/** "Turning it off drops 12 of the 58 cipher suites this build offers (2 of the 4 common servers accept)." */
function suiteDelta(name: string, project: EspIdfProject, config: ProjectConfig): string | undefined {
  const idf = project.idfVersion;
  if (idf.major >= 6 || symbolInfo(name)?.type !== 'bool') return undefined;
  const version = idf.major < 5 ? '2.28' : '3.6';
  const now = config.bool(name) === true;
  const lookup = (flip: boolean) => (n: string) => (n === name ? (flip ? !now : now) : config.bool(n));
  const before = offeredSuites(lookup(false), version);
  const after = offeredSuites(lookup(true), version);
  if (before.length === after.length && before.every((s, i) => s.id === after[i]?.id)) return undefined;
  const common = (list: typeof before) => assessSuites(list, { lookup: lookup(list === after), mbedtls: version }).common.length;
  const [c0, c1] = [common(before), common(after)];
  const verb = now ? 'Turning it off' : 'Turning it on';
  const diff = after.length - before.length;
  const change = diff < 0 ? `drops ${-diff} of the ${before.length} suites` : `adds ${diff} to the ${before.length} suites`;
  return `**Cipher suites:** ${verb} ${change} this build offers (suites common servers accept: ${c0} → ${c1}).`;
}

export interface OptionCompletion { label: string; detail?: string; documentation?: string; insertText?: string }

/** Option names at the start of a line, or values after `CONFIG_X=`. */
export function completeOption(lineText: string, project: EspIdfProject | undefined): OptionCompletion[] {
  const idf = project?.idfVersion ?? { major: 5, minor: 5 };
  const config = project && ProjectConfig.of(project);
  const value = /^(CONFIG_\w+)=(\S*)$/.exec(lineText);
  if (value) {
    const info = config ? config.symbol(value[1]) : symbolInfo(value[1]);
    if (!info) return [];
    if (info.type === 'bool') return [{ label: 'y', detail: 'enabled' }, { label: 'n', detail: 'disabled (writes `# CONFIG_X is not set` in a generated sdkconfig)' }];
    const def = (idf.major < 5 ? info.defaults['4.4'] : info.defaults['5.5']) ?? '';
    return /^[\d"]/.test(def) ? [{ label: def.split(' ')[0], detail: `default in v${idf.major}.${idf.minor}` }] : [];
  }
  if (!/^C?O?N?F?I?G?_?\w*$/.test(lineText)) return [];
  return (config ? config.names() : optionNames(idf)).map((n) => {
    const info = config ? config.symbol(n) : symbolInfo(n);
    return { label: n, detail: info?.meaning.split(' — ')[0], documentation: info?.meaning, insertText: `${n}=` };
  });
}

/** The code action on a yes/no option's line: set it the other way, keeping the file's layout. */
export function toggleOption(lineText: string): { title: string; newText: string } | undefined {
  const set = /^(CONFIG_\w+)=y\s*$/.exec(lineText);
  if (set) return { title: `Set ${set[1]} to n`, newText: `# ${set[1]} is not set` };
  const unset = /^# (CONFIG_\w+) is not set\s*$/.exec(lineText) ?? /^(CONFIG_\w+)=n\s*$/.exec(lineText);
  if (unset) return { title: `Set ${unset[1]} to y`, newText: `${unset[1]}=y` };
  return undefined;
}
