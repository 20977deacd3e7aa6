// tls-no-server-verification: a TLS client config that sets none of the options esp-tls uses to
// verify the server. esp-tls then fails every handshake ("No server verification option set in
// esp_tls_cfg_t structure", ESP_ERR_MBEDTLS_SSL_SETUP_FAILED), or, with
// CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY, talks to whoever answers (shared/reference/esp_tls_behaviour.md §2).
import { allHold } from '../c/conditions';
import type { CFileFacts, FieldFact, TlsConfigFact } from '../c/facts';
import type { Condition } from '../c/mask';
import type { RuleContext, Rule } from './context';
import type { Finding, Fix, TextEdit } from './finding';
import { ruleInfo } from './catalogue';

const ID = 'tls-no-server-verification';

/** Per struct: the fields whose presence makes esp-tls verify the server, in its order of precedence. */
const VERIFY_FIELDS: Record<string, readonly string[]> = {
  esp_tls_cfg_t: ['crt_bundle_attach', 'use_global_ca_store', 'cacert_buf', 'cacert_pem_buf', 'psk_hint_key'],
};

/** Values that leave a field unset: NULL pointers, false flags. */
const UNSET = /^\(?\s*(NULL|0|false|\(\s*void\s*\*\s*\)\s*0|nullptr)\s*\)?$/;

export const BUNDLE_FIX_TITLE = 'Attach the ESP-IDF certificate bundle (crt_bundle_attach)';

export const tlsNoServerVerification: Rule = {
  id: ID,
  run(ctx) {
    const findings: Finding[] = [];
    for (const f of ctx.files) {
      if (!f.c) continue;
      for (const config of f.c.configs) {
        const finding = check(ctx, f.file, f.c, config);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};

interface Setting { field: string; value: string; conditions: readonly Condition[]; line: number }

function check(ctx: RuleContext, file: string, facts: CFileFacts, config: TlsConfigFact): Finding | undefined {
  const verifyFields = VERIFY_FIELDS[config.structType];
  if (!verifyFields) return undefined;
  if (allHold(config.conditions, ctx.macros) === false) return undefined; // compiled out
  const settings = settingsOf(facts, config);
  if (settings.some((s) => s.field === 'is_plain_tcp' && !UNSET.test(s.value))) return undefined; // not TLS at all

  const verifying = settings.filter((s) => verifyFields.includes(s.field) && !UNSET.test(s.value));
  // A verification field counts unless the project's configuration compiles it out for certain.
  if (verifying.some((s) => allHold(s.conditions, ctx.macros) !== false)) return undefined;

  return {
    rule: ID,
    severity: ruleInfo(ID)!.severity,
    file,
    range: config.nameRange,
    message: message(ctx, config, verifying),
    related: relatedSkipVerify(ctx),
    fixes: [bundleFix(file, facts, config)],
  };
}

/** Fields set in the initializer plus later `cfg.x = ...` / `cfg->x = ...` in the same function (or file, for globals). */
function settingsOf(facts: CFileFacts, config: TlsConfigFact): Setting[] {
  const fromInit = config.fields.map((f: FieldFact) => ({ field: f.path, value: f.value, conditions: f.conditions, line: f.range.start.line }));
  if (!config.variable) return fromInit;
  const fromAssignments = facts.assignments
    .filter((a) => a.target === config.variable && sameFunction(a.functionRange, config.functionRange))
    .filter((a) => config.scope === 'global' || a.range.start.line > config.range.start.line)
    .map((a) => ({ field: a.field, value: a.value, conditions: a.conditions, line: a.range.start.line }));
  return [...fromInit, ...fromAssignments];
}

function sameFunction(a: TlsConfigFact['functionRange'], b: TlsConfigFact['functionRange']): boolean {
  if (!b) return true; // a global config can be filled in from any function
  return !!a && a.start.line === b.start.line && a.start.character === b.start.character;
}

function message(ctx: RuleContext, config: TlsConfigFact, compiledOut: Setting[]): string {
  const name = config.variable ? `\`${config.variable}\` (${config.structType})` : `This ${config.structType} literal`;
  const head = `${name} verifies no server: no CA certificate (cacert_buf), no certificate bundle (crt_bundle_attach), no global CA store (use_global_ca_store).`;
  const why = compiledOut.length
    ? ` The ${compiledOut.map((s) => s.field).join(', ')} set at line ${compiledOut.map((s) => s.line + 1).join(', ')} is compiled out by the project's sdkconfig.`
    : '';
  const skip = ctx.project?.sdkconfig.get('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY');
  const effect = skip?.value === 'y'
    ? ' With CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY set, the device accepts any server, including an attacker on the network path.'
    : ' esp-tls refuses every handshake with "No server verification option set in esp_tls_cfg_t structure" (ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, 0x8017).';
  return head + why + effect;
}

function relatedSkipVerify(ctx: RuleContext): Finding['related'] {
  const skip = ctx.project?.sdkconfig.get('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY');
  if (skip?.value !== 'y') return undefined;
  const line = { line: skip.line, character: 0 };
  return [{ file: skip.file, range: { start: line, end: { line: skip.line, character: skip.name.length } }, message: 'server verification is switched off here' }];
}

/** Inserts `.crt_bundle_attach = esp_crt_bundle_attach` in the user's layout, and the include if missing. */
function bundleFix(file: string, facts: CFileFacts, config: TlsConfigFact): Fix {
  const edits: TextEdit[] = [fieldEdit(config)];
  if (!facts.includes.some((i) => i.path.endsWith('esp_crt_bundle.h'))) edits.push(includeEdit(facts));
  return { title: BUNDLE_FIX_TITLE, preferred: true, edits: [{ file, edits }] };
}

const FIELD = '.crt_bundle_attach = esp_crt_bundle_attach';

function fieldEdit(config: TlsConfigFact): TextEdit {
  const s = config.initializer;
  if (!s.lastItemEnd || s.zeroOnly) return { range: { start: s.open, end: s.close }, newText: ` ${FIELD} ` };
  if (s.multiline && s.trailingComma) {
    // A new line just above the closing brace: stays outside any `#if` block around the last field.
    const at = { line: s.close.line, character: 0 };
    return { range: { start: at, end: at }, newText: `${s.itemIndent}${FIELD},\n` };
  }
  const sep = s.multiline ? `,\n${s.itemIndent}` : ', ';
  return { range: { start: s.lastItemEnd, end: s.lastItemEnd }, newText: `${sep}${FIELD}` };
}

function includeEdit(facts: CFileFacts): TextEdit {
  const last = facts.includes.reduce<number>((max, i) => Math.max(max, i.range.start.line), -1);
  const at = { line: last + 1, character: 0 };
  return { range: { start: at, end: at }, newText: '#include "esp_crt_bundle.h"\n' };
}
