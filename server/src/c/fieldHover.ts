// Hover on a TLS config field (`.skip_common_name`, `cfg.cert_pem`, `.broker.verification.certificate`):
// its declaration and documentation, what it does for server verification, and which ESP-IDF releases
// have it, against the project's own version. Data: server/src/data/tls-fields.json.
import fields from '../data/tls-fields.json';
import type { IdfVersion } from '../project/model';
import { rangeContains } from '../positions';
import type { Position, Range } from '../rules/finding';
import { clientApi, type Role } from '../rules/tlsApis';
import { accessPath, type CFileFacts } from './facts';

interface FieldInfo { declaration: string; doc: string; guard?: string; present: { idf: string[]; note?: string; component?: string }; source: string }
const structs = fields.structs as Record<string, Record<string, FieldInfo>>;

const ROLE_TEXT: Record<Role, string> = {
  bundle: 'Verifies the server against the ESP-IDF certificate bundle (needs CONFIG_MBEDTLS_CERTIFICATE_BUNDLE).',
  global: 'Verifies the server against the global CA store; something must fill it with esp_tls_set_global_ca_store().',
  ca: 'Verifies the server against these CA certificates. A PEM buffer must end with its NUL byte.',
  psk: 'Authenticates with a pre-shared key instead of certificates.',
  session: 'A saved TLS session to resume (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS); esp-tls accepts it in place of a CA, since the session was verified when it was made.',
  skipHostname: 'Skips the check that the certificate names the server: any certificate of a trusted CA is accepted.',
  commonName: 'The name the server certificate must carry, when it differs from the host connected to.',
  url: 'Its scheme decides whether the connection uses TLS.',
  host: 'The server to connect to.',
  transport: 'Chooses plain TCP or TLS when no URL scheme says.',
  plain: 'When true, esp-tls connects without TLS at all.',
  httpConfig: 'The esp_http_client configuration the OTA download uses; its verification settings apply.',
  tlsOnly: 'Only used on a TLS connection.',
  clientCert: 'The certificate the device presents to servers that ask for one (mutual TLS).',
  clientKey: 'The private key of the client certificate. Compiled into the image: protect it with flash encryption.',
  caLength: 'Size of the CA buffer; for PEM it must count the terminating NUL byte.',
  clientCertLength: 'Size of the client certificate buffer; for PEM it must count the terminating NUL byte.',
  clientKeyLength: 'Size of the client key buffer; for PEM it must count the terminating NUL byte.',
};

/** Fields whose meaning changed between releases (shared/reference/component_tls_configs.md). */
const VERSION_NOTES: Record<string, (idf: IdfVersion | undefined) => string> = {
  'httpd_ssl_config_t.cacert_pem': (idf) => `**Changed meaning in v5.0:** in ESP-IDF v4.4 this field holds the server's own certificate; from v5.0 it is the CA that verifies client certificates, and the server certificate moved to \`servercert\`.${idf ? ` Your project (v${idf.major}.${idf.minor}): ${idf.major >= 5 ? 'the client CA' : "the server's certificate"}.` : ''}`,
  'httpd_ssl_config_t.client_verify_cert_pem': () => 'ESP-IDF v4.4 only: the CA that verifies client certificates. From v5.0 that is `cacert_pem`.',
};

export interface FieldHover { markdown: string; range: Range }

/** `explained`: a diagnostic at the position already says what the field does to the connection, so the
 *  hover leaves that sentence out and adds only what the diagnostic does not (declaration, docs, releases). */
export function fieldHover(facts: CFileFacts, text: string, position: Position, idf: IdfVersion | undefined, explained = false): FieldHover | undefined {
  const word = wordAt(text, position);
  if (!word || !/(\.|->)\s*$/.test(word.before)) return undefined;
  const owner = ownerOf(facts, position);
  const candidates = owner
    ? [{ struct: owner.struct, path: owner.path }]
    : Object.entries(structs).flatMap(([struct, f]) => Object.keys(f).filter((p) => p.split('.').pop() === word.text).map((path) => ({ struct, path })));
  const found = candidates.filter((c) => structs[c.struct]?.[c.path]);
  if (!found.length) return undefined;
  return { markdown: found.slice(0, 3).map((c) => describe(c.struct, c.path, structs[c.struct][c.path], idf, explained)).join('\n\n---\n\n'), range: word.range };
}

function describe(struct: string, path: string, f: FieldInfo, idf: IdfVersion | undefined, explained: boolean): string {
  const role = clientApi(struct)?.roles[path] ?? (path === 'http_config' ? 'httpConfig' : undefined);
  const lines = [
    `**\`.${path}\`** in \`${struct}\``,
    '```c\n' + f.declaration + '\n```',
    f.doc,
    role && !explained ? `**TLS:** ${ROLE_TEXT[role]}` : undefined,
    VERSION_NOTES[`${struct}.${path}`]?.(idf),
    f.guard ? `Only compiled with \`${f.guard}\`.` : undefined,
    availability(f, idf),
  ];
  return lines.filter(Boolean).join('\n\n');
}

/** Where the field exists, and whether the project's IDF version has it. */
function availability(f: FieldInfo, idf: IdfVersion | undefined): string {
  const tags = f.present.idf;
  if (f.present.component && !tags.length) return `Exists in ${f.present.component}; not in ESP-IDF v4.4's built-in client.`;
  if (!tags.length) return `Source: ${f.source}.`;
  const all = fields.checkedTags;
  const span = tags.length === all.length ? `every checked release (v${tags[0]} to v${tags.at(-1)})` : `v${tags.join(', v')}`;
  const since = tags[0] !== all[0] ? ` Since v${tags[0]}.` : '';
  const until = tags.at(-1) !== all.at(-1) ? ` Not in v${all[all.indexOf(tags.at(-1)!) + 1]} and later.` : '';
  const own = idf ? projectNote(tags, idf) : '';
  return `ESP-IDF: ${span}.${since}${until}${own}${f.present.note ? ` (${f.present.note})` : ''}`;
}

function projectNote(tags: string[], idf: IdfVersion): string {
  const minor = `${idf.major}.${idf.minor}`;
  const checked = fields.checkedTags.filter((t) => t.startsWith(minor + '.'));
  if (!checked.length) return ` Your project: v${minor}${idf.source === 'assumed' ? ' (assumed)' : ''}, not among the checked releases.`;
  const has = checked.some((t) => tags.includes(t));
  return has ? ` Your project (v${minor}) has it.` : ` **Your project (v${minor}) does not have this field.**`;
}

/** The struct and full field path at `position`: a field of a config initializer, or an assignment to one. */
function ownerOf(facts: CFileFacts, position: Position): { struct: string; path: string } | undefined {
  for (const c of facts.configs) {
    const field = c.fields.find((f) => rangeContains(f.range, position));
    if (field && rangeContains(designatorRange(field.range, field.designator), position)) return { struct: c.structType, path: field.path };
  }
  const a = facts.assignments.find((x) => rangeContains(x.range, position));
  if (!a) return undefined;
  const target = accessPath(a.target);
  for (const c of facts.configs) {
    const name = c.variable && accessPath(c.variable);
    if (!name) continue;
    if (target === name) return { struct: c.structType, path: a.field };
    if (target.startsWith(name + '.')) return { struct: c.structType, path: `${target.slice(name.length + 1)}.${a.field}` };
  }
  const member = facts.memberTypes[target.split('.').pop()!];
  return member ? { struct: member, path: a.field } : undefined;
}

/** The designator part of `.a.b = value` (a field's range starts at its first dot). */
const designatorRange = (r: Range, designator: string): Range => ({ start: r.start, end: { line: r.start.line, character: r.start.character + designator.length + 1 } });

export function wordAt(text: string, p: Position): { text: string; before: string; range: Range } | undefined {
  const line = lineAt(text, p.line);
  if (line === undefined) return undefined;
  let s = p.character, e = p.character;
  while (s > 0 && /\w/.test(line[s - 1])) s--;
  while (e < line.length && /\w/.test(line[e])) e++;
  if (s === e) return undefined;
  return { text: line.slice(s, e), before: line.slice(0, s), range: { start: { line: p.line, character: s }, end: { line: p.line, character: e } } };
}

function lineAt(text: string, line: number): string | undefined {
  let start = 0;
  for (let i = 0; i < line; i++) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}
