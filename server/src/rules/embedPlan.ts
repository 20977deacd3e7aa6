// "Embed Certificates / Build Bundle": the edits that give a project its trust anchors in one of the
// three forms ESP-IDF takes (shared/reference/embedding.md, crt_bundle_format.md), with the flash each
// costs next to the default bundle. Nothing is written here: the plan goes back as one WorkspaceEdit.
// - pem-file: <component>/certs/<name>.pem in EMBED_TXTFILES (text mode adds the NUL mbedTLS's PEM
//   parser needs), extern _binary_* declarations, the config's CA buffer pointed at it;
// - custom-bundle: <project>/certs/<name>.pem as CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH (the build
//   runs gen_crt_bundle.py on it), replacing the default FULL/CMN list unless asked to keep it; the
//   config attaches the bundle;
// - c-array: `static const char <name>[] = "...\n"...;` in the config's C file (or a new header), the
//   config pointed at it with sizeof() (the literal's NUL included).
import path from 'node:path';
import { embedSymbol } from '../project/embeds';
import type { EspIdfProject } from '../project/model';
import type { EmbedForm } from '../protocol';
import { defaultBundleOf, fullBundleOf, type DefaultBundle } from '../sdkconfig/bundleFlash';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { DEFAULT_BUNDLE_MAX_CERTS, bundleLayout, cArrayText, espBundleSize, pemBundleText, pemOf, sortedUnique } from '../x509/bundle';
import type { TlsClient } from './clients';
import type { RuleContext } from './context';
import { afterIncludes } from './edits';
import { bundleUses, setOptionsEdits } from './sdkconfig';
import {
  add, bundlePlan, componentDirOf, embedPemFile, embedRootPlan, newPlan, pointAt, rel, slugOf, writePemFile, type ReadFile, type RootToEmbed, type TrustEditPlan,
} from './trustEdits';


export interface EmbedRequest {
  ctx: RuleContext;
  project: EspIdfProject;
  /** The TLS config to point at the result; without one the C to write is shown as a snippet. */
  client?: TlsClient;
  /** A file of the project: its component receives pem-file and c-array results. */
  near: string;
  certs: RootToEmbed[];
  form: EmbedForm;
  /** File stem or C name; made safe. */
  name: string;
  /** custom-bundle: keep the default FULL/CMN list and add these to it. */
  keepDefaultBundle?: boolean;
  read: ReadFile;
}

export interface FlashCost {
  /** Bytes the new trust anchors occupy in flash. */
  bytes: number;
  /** Change of the firmware's flash use, in bytes (negative: smaller). */
  change: number;
  current: DefaultBundle;
  /** The FULL default bundle of the release, the usual point of comparison. */
  full: { certs: number; bytes: number; measuredAt: string };
  text: string;
}

export interface EmbedPlan extends TrustEditPlan {
  /** C to add by hand when no config was chosen (or to read), and the form's name. */
  snippet?: string;
  flash: FlashCost;
  warnings: string[];
}

export function embedPlan(r: EmbedRequest): EmbedPlan | string {
  const { kept } = sortedUnique(r.certs);
  if (!kept.length) return 'no certificate chosen';
  const req = { ...r, certs: kept };
  if (r.form === 'pem-file') return pemFilePlan(req);
  if (r.form === 'c-array') return cArrayPlan(req);
  return customBundlePlan(req);
}

function pemFilePlan(r: EmbedRequest): EmbedPlan | string {
  const bytes = Buffer.byteLength(pemBundleText(r.certs)) + 1; // EMBED_TXTFILES appends a NUL
  if (r.client) {
    const plan = embedRootPlan(r.ctx, r.client, r.certs, r.name, r.read);
    return typeof plan === 'string' ? plan : { ...plan, flash: addedCost(r, bytes, 'the embedded PEM file (with its NUL)'), warnings: [] };
  }
  const embedded = embedPemFile(r.ctx, componentDirOf(r.ctx, r.near), r.certs, r.name, r.read);
  if (typeof embedded === 'string') return embedded;
  const symbol = embedSymbol(embedded.file);
  const snippet = [
    `extern const char ${symbol}_start[] asm("_binary_${symbol}_start");`,
    `extern const char ${symbol}_end[] asm("_binary_${symbol}_end");`,
    '',
    '/* esp_tls_cfg_t */',
    `.cacert_pem_buf = (const unsigned char *)${symbol}_start,`,
    `.cacert_pem_bytes = ${symbol}_end - ${symbol}_start,  /* the NUL EMBED_TXTFILES adds is counted */`,
    '/* esp_http_client_config_t: .cert_pem = ' + `${symbol}_start,  esp_mqtt_client_config_t (v5): .broker.verification.certificate = ${symbol}_start, */`,
  ].join('\n');
  return { ...embedded.plan, snippet, flash: addedCost(r, bytes, 'the embedded PEM file (with its NUL)'), warnings: [] };
}

function cArrayPlan(r: EmbedRequest): EmbedPlan | string {
  const plan = newPlan();
  const bytes = r.certs.reduce((n, c) => n + pemOf(c.cert.der).length, 0) + 1; // the literal's text and its NUL
  const source = r.client ? r.read(r.client.file) ?? '' : '';
  const taken = (n: string) => new RegExp(`\\b${n}\\s*\\[`).test(source);
  let name = slugOf(r.name, 'ca_certs').replace(/^(\d)/, '_$1');
  if (!name.endsWith('_pem')) name += '_pem';
  for (let n = 2; taken(name); n++) name = `${name.replace(/_\d+$/, '')}_${n}`;
  const array = cArrayText(r.certs, name, true);
  if (r.client) {
    add(plan, r.client.file, afterIncludes(r.client.facts, `\n${array}`));
    plan.summary.push(`define ${name}[] (${r.certs.length} certificate(s)) in ${rel(r.ctx, r.client.file)}`);
    const point = pointAt(r.client, { value: name, bytes: `sizeof(${name})`, strlen: `strlen(${name})` });
    if (typeof point === 'string') return point;
    for (const e of point.edits) add(plan, r.client.file, e);
    plan.summary.push(...point.summary);
    return { ...plan, flash: addedCost(r, bytes, `the C array ${name}[] (with its NUL)`), warnings: [] };
  }
  const header = path.join(componentDirOf(r.ctx, r.near), `${name}.h`);
  if (r.read(header) !== undefined) return `${rel(r.ctx, header)} already exists; choose another name`;
  const guard = `${name.toUpperCase()}_H`;
  plan.creates.push({ file: header, text: `#ifndef ${guard}\n#define ${guard}\n\n${array}\n#endif /* ${guard} */\n` });
  plan.summary.push(`create ${rel(r.ctx, header)} defining ${name}[] (${r.certs.length} certificate(s))`);
  const snippet = [`#include "${name}.h"`, '', '/* esp_tls_cfg_t */', `.cacert_pem_buf = (const unsigned char *)${name},`, `.cacert_pem_bytes = sizeof(${name}),  /* counts the NUL mbedTLS needs */`,
    `/* esp_http_client_config_t: .cert_pem = ${name},  esp_mqtt_client_config_t (v5): .broker.verification.certificate = ${name}, */`].join('\n');
  return { ...plan, snippet, flash: addedCost(r, bytes, `the C array ${name}[] (with its NUL)`), warnings: [] };
}

function customBundlePlan(r: EmbedRequest): EmbedPlan | string {
  const plan = newPlan();
  const config = ProjectConfig.of(r.project);
  const file = writePemFile(r.ctx, plan, path.join(r.project.root, 'certs'), r.certs, r.name, r.read);
  const relPath = path.relative(r.project.root, file).split(path.sep).join('/');
  const keep = r.keepDefaultBundle === true;
  const set: [string, string][] = [
    ['CONFIG_MBEDTLS_CERTIFICATE_BUNDLE', 'y'],
    ...(keep ? [] : [['CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE', 'y'] as [string, string]]),
    ['CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE', 'y'],
    ['CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH', `"${relPath}"`],
  ];
  const clear = keep ? ['CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE'] : ['CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL', 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN', 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEPRECATED_LIST'];
  const warnings: string[] = [];
  const options = setOptionsEdits(r.project, set, clear);
  plan.creates.push(...options.creates);
  for (const f of options.edits) for (const e of f.edits) add(plan, f.file, e);
  plan.summary.push(`${options.creates.length ? 'create sdkconfig.defaults with' : 'set'} ${set.map(([n, v]) => `${n}=${v}`).join(', ')}${options.edits.some((f) => path.basename(f.file) === 'sdkconfig') ? ' (in sdkconfig too: it wins over the defaults once it exists)' : ''}`);

  if (r.client && !r.client.settings.some((x) => x.role === 'bundle')) {
    const attach = bundlePlan(r.ctx, r.client, undefined);
    if (typeof attach === 'string') return attach;
    for (const f of attach.edits) for (const e of f.edits) add(plan, f.file, e);
    plan.summary.push(...attach.summary);
  }

  if (!keep) {
    // Replacing the default list takes the public roots away from every other client attaching the bundle.
    const own = new Set((r.client?.settings ?? []).filter((x) => x.role === 'bundle').map((x) => `${r.client!.file}:${x.range.start.line}`));
    const others = bundleUses(r.ctx).filter((u) => !own.has(`${u.file}:${u.range.start.line}`));
    if (others.length) warnings.push(`${others.length} other place(s) attach the certificate bundle (${others.slice(0, 3).map((u) => `${rel(r.ctx, u.file)}:${u.range.start.line + 1}`).join(', ')}): with DEFAULT_NONE they trust only these ${r.certs.length} certificate(s). Keep the default list if they talk to public servers.`);
  }
  const layout = bundleLayout(config.idf);
  const current = defaultBundleOf(config);
  const custom = espBundleSize(r.certs.map((c) => c.cert), layout);
  const maxCerts = config.int('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS') ?? DEFAULT_BUNDLE_MAX_CERTS;
  const total = r.certs.length + (keep ? current.certs : 0);
  if (total > maxCerts) warnings.push(`${total} certificates exceed CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS (${maxCerts}): the device refuses the bundle`);
  // Kept: one bundle holds both lists, so the custom entries add their bytes without a second header.
  const bytes = keep ? current.bytes + custom - (layout === 'A' ? 2 : 0) : custom;
  const flash = cost(r, bytes, bytes - current.bytes, current, `the x509_crt_bundle (${keep && current.certs ? `${current.list} list plus ` : ''}${r.certs.length} certificate(s), layout ${layout})`);
  return { ...plan, flash, warnings };
}

function addedCost(r: EmbedRequest, bytes: number, what: string): FlashCost {
  return cost(r, bytes, bytes, defaultBundleOf(ProjectConfig.of(r.project)), what);
}

function cost(r: EmbedRequest, bytes: number, change: number, current: DefaultBundle, what: string): FlashCost {
  const full = fullBundleOf(ProjectConfig.of(r.project));
  const now = current.list === 'FULL' || current.list === 'CMN'
    ? `The project now embeds the default ${current.list} bundle${current.deprecated ? ' with the deprecated list' : ''}: ${current.bytes} bytes (${current.certs} certificates, measured at ESP-IDF ${current.measuredAt}).`
    : current.list === 'none' ? 'The project embeds no default bundle (DEFAULT_NONE).' : 'The certificate bundle is off in this project.';
  const vsFull = `The FULL default bundle is ${full.bytes} bytes (${full.certs} certificates).`;
  const sign = change > 0 ? `+${change}` : `${change}`;
  const text = `${what}: ${bytes} bytes of flash. ${now} ${vsFull} Change in firmware size: ${sign} bytes.`
    + (r.form !== 'custom-bundle' && (current.list === 'FULL' || current.list === 'CMN') ? ' If no client attaches the bundle any more, CONFIG_MBEDTLS_CERTIFICATE_BUNDLE=n saves its bytes too.' : '');
  return { bytes, change, current, full, text };
}
