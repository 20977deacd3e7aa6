// The edits behind the chain view's two actions, done the way ESP-IDF's examples do them:
// - embed: write the root(s) to <component>/certs/<name>.pem, add it to EMBED_TXTFILES (text mode: the
//   NUL that mbedTLS's PEM parser needs), declare `_binary_<name>_pem_start/_end`, and point the config
//   at it (taking out bundle/global-store options that would win over a CA buffer);
// - bundle: attach the ESP-IDF certificate bundle instead (and take out the CA buffer it replaces).
// The pieces (a PEM file in EMBED_TXTFILES, pointing a config at a CA buffer) also serve Embed
// Certificates / Build Bundle (embedPlan.ts). Nothing is written here: the plan goes back to the editor
// as one WorkspaceEdit.
import path from 'node:path';
import { embedSymbol } from '../project/embeds';
import { ProjectConfig } from '../sdkconfig/kconfig';
import type { CertInfo } from '../x509/certificate';
import { pemBundleText } from '../x509/bundle';
import { inIdfCommonBundle } from '../x509/trustStores';
import type { Setting, TlsClient } from './clients';
import type { RuleContext } from './context';
import { addLineAfter, afterIncludes, includeEdit, indentAt, setFieldsEdit } from './edits';
import { embedTxtEdit } from './embeds';
import type { Fix, TextEdit } from './finding';
import { setOptionFix } from './sdkconfig';
import { bundleFix } from './tlsNoServerVerification';

export interface TrustEditPlan {
  /** New files (never existing ones). */
  creates: { file: string; text: string }[];
  edits: { file: string; edits: TextEdit[] }[];
  summary: string[];
}

export interface RootToEmbed { cert: CertInfo }

/** A CA buffer as C expressions: the pointer, its size with the NUL (esp-tls *_bytes), its strlen. */
export interface CaBuffer { value: string; bytes: string; strlen: string }

/** A file read from disk, or undefined when it does not exist. */
export type ReadFile = (file: string) => string | undefined;

/** Makes `client` trust `roots` through an embedded PEM file. */
export function embedRootPlan(ctx: RuleContext, client: TlsClient, roots: RootToEmbed[], name: string, read: ReadFile): TrustEditPlan | string {
  const embedded = embedPemFile(ctx, componentDirOf(ctx, client.file), roots, name, read);
  if (typeof embedded === 'string') return embedded;
  const { plan, file } = embedded;
  const symbol = embedSymbol(file);
  const names = externNames(client, symbol);
  if (names.edit) { add(plan, client.file, names.edit); plan.summary.push(`declare ${names.start} and ${names.end} in ${rel(ctx, client.file)}`); }
  const point = pointAt(client, { value: names.start, bytes: `${names.end} - ${names.start}`, strlen: `strlen(${names.start})` });
  if (typeof point === 'string') return point;
  for (const e of point.edits) add(plan, client.file, e);
  plan.summary.push(...point.summary);
  return plan;
}

/** <dir>/certs/<name>.pem holding `roots`, listed in EMBED_TXTFILES of the component that holds `dir`. */
export function embedPemFile(ctx: RuleContext, dir: string, roots: RootToEmbed[], name: string, read: ReadFile): { plan: TrustEditPlan; file: string } | string {
  if (!roots.length) return 'no certificate to embed';
  const plan = newPlan();
  const file = writePemFile(ctx, plan, path.join(dir, 'certs'), roots, name, read);
  const embedded = ctx.files.some((f) => f.cmake?.embeds.some((e) => e.file === file && e.mode === 'text'));
  if (!embedded) {
    const e = embedTxtEdit(ctx, file, file);
    if (!e) return `no CMakeLists.txt with idf_component_register() in ${rel(ctx, dir) || 'the project folder'}: cannot embed ${rel(ctx, file)}`;
    add(plan, e.cmakeFile, e.edit);
    plan.summary.push(`add "${e.rel}" to EMBED_TXTFILES in ${rel(ctx, e.cmakeFile)}`);
  }
  return { plan, file };
}

/** Plans <dir>/<name>.pem (sorted, one comment line per certificate); an existing file with the same
 * text is reused, any other existing file is left alone and a new name is taken. Returns the file. */
export function writePemFile(ctx: RuleContext, plan: TrustEditPlan, dir: string, roots: RootToEmbed[], name: string, read: ReadFile): string {
  const text = pemBundleText(roots);
  const target = pemFileFor(dir, name, text, read);
  const relTarget = rel(ctx, target.file);
  if (target.exists) plan.summary.push(`${relTarget} already holds these certificates: reused`);
  else { plan.creates.push({ file: target.file, text }); plan.summary.push(`create ${relTarget} (${roots.map((r) => r.cert.subjectCN ?? r.cert.subject).join(', ')})`); }
  return target.file;
}

/** The directory of the component that holds `file` (the innermost), else the file's own directory. */
export function componentDirOf(ctx: RuleContext, file: string): string {
  const component = ctx.project?.components.filter((c) => !path.relative(c.dir, file).startsWith('..')).sort((a, b) => b.dir.length - a.dir.length)[0];
  return component?.dir ?? path.dirname(file);
}

/** Attaches the bundle to `client` (and switches CMN to FULL when the server's root is only in FULL). */
export function bundlePlan(ctx: RuleContext, client: TlsClient, root: CertInfo | undefined): TrustEditPlan | string {
  const settings = client.settings;
  if (settings.some((s) => s.role === 'bundle')) return `${who(client)} already attaches the certificate bundle`;
  const fix = bundleFix(ctx, client)[0];
  if (!fix) return `${who(client)} has no certificate-bundle option in ESP-IDF ${ctx.project?.idfVersion.major}.${ctx.project?.idfVersion.minor}`;
  const plan: TrustEditPlan = { ...newPlan(), summary: [`attach the ESP-IDF certificate bundle to ${who(client)}`] };
  for (const f of fix.edits) for (const e of f.edits) add(plan, f.file, e);
  for (const s of settings.filter((x) => x.role === 'ca' || x.role === 'caLength' || x.role === 'global')) {
    add(plan, client.file, { range: s.removal, newText: '' });
    plan.summary.push(`remove ${s.written} (the bundle replaces it)`);
  }
  const cmnGap = cmnSwitch(ctx, root);
  if (cmnGap) { for (const f of cmnGap.edits) for (const e of f.edits) add(plan, f.file, e); plan.summary.push(cmnGap.title); }
  return plan;
}

// ---------------------------------------------------------------------------------------------

export const newPlan = (): TrustEditPlan => ({ creates: [], edits: [], summary: [] });

/** A file-name stem (and C-identifier-safe) from a CA's name: "ISRG Root X1" → "isrg_root_x1". */
export function slugOf(name: string, fallback: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || fallback;
}

/** <dir>/<slug>.pem; an existing file with the same text is reused, any other existing file is left alone. */
function pemFileFor(dir: string, name: string, text: string, read: ReadFile): { file: string; exists: boolean } {
  const slug = slugOf(name, 'server_root');
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${slug}${n > 1 ? `_${n}` : ''}.pem`);
    const existing = read(file);
    if (existing === undefined) return { file, exists: false };
    if (existing.replace(/\r\n/g, '\n') === text) return { file, exists: true };
  }
}

/** The C names of the embedded file's start and end, declared once after the includes. */
function externNames(client: TlsClient, symbol: string): { start: string; end: string; edit?: TextEdit } {
  const refs = client.facts.binaryRefs.filter((r) => r.symbol === symbol);
  const start = refs.find((r) => r.edge === 'start')?.cName;
  const end = refs.find((r) => r.edge === 'end')?.cName;
  if (start && end) return { start, end };
  const s = start ?? `${symbol}_start`;
  const e = end ?? `${symbol}_end`;
  const lines = [
    ...(start ? [] : [`extern const char ${s}[] asm("_binary_${symbol}_start");`]),
    ...(end ? [] : [`extern const char ${e}[] asm("_binary_${symbol}_end");`]),
  ];
  return { start: s, end: e, edit: afterIncludes(client.facts, `\n${lines.join('\n')}\n`) };
}

/** Sets the CA buffer (and its length where the API wants one) and removes what would take precedence over it. */
export function pointAt(client: TlsClient, buf: CaBuffer): { edits: TextEdit[]; summary: string[] } | string {
  const edits: TextEdit[] = [];
  const summary: string[] = [];
  const esptls = client.api.struct === 'esp_tls_cfg_t';
  const value = esptls ? `(const unsigned char *)${buf.value}` : buf.value;
  const existing = client.settings.find((s) => s.role === 'ca');
  const length = client.settings.find((s) => s.role === 'caLength');
  for (const s of client.settings.filter((x) => x.role === 'bundle' || x.role === 'global')) {
    edits.push({ range: s.removal, newText: '' });
    summary.push(`remove ${s.written} (it would take precedence over the embedded CA)`);
  }
  if (client.initCall && client.name) {
    const call = `esp_transport_ssl_set_cert_data(${client.name}, ${buf.value}, ${buf.strlen})`;
    if (existing?.statementRange) edits.push({ range: existing.statementRange, newText: `${call};` });
    else edits.push(addLineAfter(client.initCall.statementRange, `${call};`, indentAt(client.initCall.statementRange)));
    const inc = includeEdit(client.facts, 'string.h');
    if (inc) edits.push(inc);
    summary.push(`hand ${buf.value} to ${client.name} with esp_transport_ssl_set_cert_data()`);
    return { edits, summary };
  }
  if (existing) {
    edits.push({ range: existing.valueRange, newText: value });
    summary.push(`point ${existing.written} at ${buf.value} (was ${existing.value})`);
    lengthEdit(edits, summary, length, esptls ? buf.bytes : undefined);
    if (esptls && !length) return withNewFields(client, edits, summary, [{ path: 'cacert_pem_bytes', value: buf.bytes }]);
    return { edits, summary };
  }
  const field = client.api.caField(client.layout);
  if (!field || !client.config) return `${who(client)} has no CA field to point at the certificate`;
  if (length) lengthEdit(edits, summary, length, esptls ? buf.bytes : undefined);
  const fields = [{ path: field, value }, ...(esptls && !length ? [{ path: 'cacert_pem_bytes', value: buf.bytes }] : [])];
  return withNewFields(client, edits, summary, fields);
}

/** esp-tls needs the byte count (the NUL included: end - start of an EMBED_TXTFILES file, sizeof of an array); the other APIs take strlen() when the length is 0. */
function lengthEdit(edits: TextEdit[], summary: string[], length: Setting | undefined, value: string | undefined): void {
  if (!length) return;
  if (value) { edits.push({ range: length.valueRange, newText: value }); summary.push(`set ${length.written} to ${value}`); return; }
  edits.push({ range: length.removal, newText: '' });
  summary.push(`remove ${length.written} (the text is NUL-terminated: its length is taken with strlen)`);
}

function withNewFields(client: TlsClient, edits: TextEdit[], summary: string[], fields: { path: string; value: string }[]): { edits: TextEdit[]; summary: string[] } | string {
  const edit = client.config && setFieldsEdit(client.config, fields, client.lastWrite);
  if (!edit) return `cannot add ${fields.map((f) => f.path).join(', ')} to ${who(client)}`;
  edits.push(edit);
  summary.push(`set ${fields.map((f) => `${f.path} = ${f.value}`).join(', ')}`);
  return { edits, summary };
}

/** CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN → FULL, when the root is in Mozilla's list but not in this release's CMN list. */
function cmnSwitch(ctx: RuleContext, root: CertInfo | undefined): Fix | undefined {
  const project = ctx.project;
  if (!project || !root || ProjectConfig.of(project).bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN') !== true) return undefined;
  if (inIdfCommonBundle(root, project.idfVersion) !== false) return undefined;
  const off = setOptionFix(ctx, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN', 'n', '');
  const on = setOptionFix(ctx, 'CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL', 'y', '');
  if (!off || !on) return undefined;
  return { title: `switch the bundle from CMN to FULL in sdkconfig ("${root.subjectCN ?? root.subject}" is not in the CMN list)`, edits: [...off.edits, ...on.edits] };
}

export function add(plan: TrustEditPlan, file: string, edit: TextEdit): void {
  const entry = plan.edits.find((e) => e.file === file);
  if (entry) entry.edits.push(edit); else plan.edits.push({ file, edits: [edit] });
}

export const who = (c: TlsClient) => (c.name ? `\`${c.name}\`` : `this ${c.api.struct}`);
export const rel = (ctx: RuleContext, file: string) => (ctx.project ? path.relative(ctx.project.root, file) : file).split(path.sep).join('/');
