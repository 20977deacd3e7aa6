// tls-no-server-verification: a TLS client that sets none of the options esp-tls verifies the server
// with. esp-tls then fails every handshake ("No server verification option set in esp_tls_cfg_t
// structure", ESP_ERR_MBEDTLS_SSL_SETUP_FAILED), esp_https_ota refuses to start, or, with
// CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY, the device talks to whoever answers
// (shared/reference/esp_tls_behaviour.md §2, component_tls_configs.md).
import { allHold, describeConfiguration, findUncovered } from '../c/conditions';
import { ruleInfo } from './catalogue';
import { isVerifying, tlsClients, type TlsClient } from './clients';
import type { Rule, RuleContext } from './context';
import { addLineAfter, includeEdit, indentAt, setFieldEdit } from './edits';
import type { Finding, Fix, RelatedLocation, TextEdit } from './finding';
import type { SdkconfigEntry } from '../project/model';

const ID = 'tls-no-server-verification';

export const BUNDLE_FIX_TITLE = 'Attach the ESP-IDF certificate bundle (crt_bundle_attach)';

export const tlsNoServerVerification: Rule = {
  id: ID,
  run(ctx) {
    return tlsClients(ctx).flatMap((c) => {
      const f = check(ctx, c);
      return f ? [f] : [];
    });
  },
};

function check(ctx: RuleContext, client: TlsClient): Finding | undefined {
  // Filled in elsewhere, or a parameter whose caller sets the rest: not ours to judge.
  if (client.tls !== 'yes' || client.filledBy || client.config?.form === 'parameter') return undefined;
  const verifying = client.settings.filter(isVerifying);
  if (verifying.some((s) => allHold(s.conditions, ctx.macros) === true)) return undefined;
  // Verification only inside #if branches the configuration cannot decide: find a configuration without it.
  const own = client.config?.conditions ?? client.initCall?.conditions ?? [];
  const uncovered = verifying.length ? findUncovered(verifying.map((s) => s.conditions), ctx.macros, own) : undefined;
  if (verifying.length && !uncovered) return undefined;
  const skip = ctx.project?.sdkconfig.get('CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY');
  return {
    rule: ID,
    severity: uncovered ? 'warning' : ruleInfo(ID)!.severity, // only some configurations are affected
    file: client.file,
    range: client.anchor,
    message: [
      `${subject(client)} verifies no server${uncovered ? ` when ${describeConfiguration(uncovered)}` : ''}.`,
      `It sets ${client.api.verificationList(client.layout)}${uncovered ? ' in that build (the project\'s sdkconfig does not say which is made)' : ''}.`,
      compiledOutNote(client),
      effect(ctx, client, skip?.value === 'y'),
    ].filter(Boolean).join(' '),
    related: relatedOf(client, skip),
    // With a verification field in an undecided #if branch, adding another would duplicate it: the user picks.
    fixes: verifying.length ? [] : bundleFix(ctx, client),
  };
}

/** Where verification is switched off for every client, and the call site that handed in the URL. */
function relatedOf(client: TlsClient, skip: SdkconfigEntry | undefined): RelatedLocation[] | undefined {
  const out: RelatedLocation[] = [];
  if (skip?.value === 'y') out.push({ file: skip.file, range: { start: { line: skip.line, character: 0 }, end: { line: skip.line, character: skip.name.length } }, message: 'server verification is switched off here' });
  if (client.urlFrom) out.push({ ...client.urlFrom, message: `called with ${client.url} here` });
  return out.length ? out : undefined;
}

function subject(c: TlsClient): string {
  const what = c.api.struct === 'esp_transport_handle_t' ? 'esp_transport_ssl handle' : c.api.struct;
  const name = c.name ? `\`${c.name}\` (${what})` : `This ${what} literal`;
  const url = c.url && c.api.alwaysTls !== true ? ` for ${c.url}` : '';
  return name + url;
}

function compiledOutNote(c: TlsClient): string | undefined {
  if (!c.compiledOut.length) return undefined;
  return `The ${c.compiledOut.map((s) => `${s.path} set at line ${s.range.start.line + 1}`).join(', ')} is compiled out by the project's sdkconfig.`;
}

function effect(ctx: RuleContext, c: TlsClient, skipVerify: boolean): string {
  // With ALLOW_HTTP, esp_https_ota only warns and carries on; esp-tls then decides.
  const otaAllowsHttp = ['CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP', 'CONFIG_OTA_ALLOW_HTTP'].some((n) => ctx.macros.lookup(n) === 1);
  if (c.ota && !otaAllowsHttp) return 'esp_https_ota refuses to start: "No option for server verification is enabled in esp_http_client config." (ESP_ERR_INVALID_ARG).';
  if (skipVerify) return 'With CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY set, the device accepts any server, including an attacker on the network path.';
  return 'Every handshake fails with ESP_ERR_MBEDTLS_SSL_SETUP_FAILED (0x8017; esp-tls logs "No server verification option set").';
}

/** Adds the bundle (field or transport call) in the user's layout, plus `#include "esp_crt_bundle.h"`. */
export function bundleFix(ctx: RuleContext, c: TlsClient): Fix[] {
  const idf = ctx.project?.idfVersion ?? { major: 5, minor: 5, source: 'assumed' as const };
  let edit: TextEdit | undefined;
  if (c.initCall && c.name) {
    edit = addLineAfter(c.initCall.statementRange, `esp_transport_ssl_crt_bundle_attach(${c.name}, esp_crt_bundle_attach);`, indentAt(c.initCall.statementRange));
  } else if (c.config) {
    const field = c.api.bundleField(c.layout, idf);
    edit = field ? setFieldEdit(c.config, field, 'esp_crt_bundle_attach', c.lastWrite) : undefined;
  }
  if (!edit) return [];
  const include = includeEdit(c.facts, 'esp_crt_bundle.h');
  return [{ title: BUNDLE_FIX_TITLE, preferred: true, edits: [{ file: c.file, edits: include ? [edit, include] : [edit] }] }];
}
