// tls-hostname-check-skipped: skip_common_name (esp-tls), skip_cert_common_name_check (esp_http_client,
// esp-mqtt, esp_websocket_client) or esp_transport_ssl_skip_common_name_check(). The certificate is
// still checked against the CA, but any certificate the CA ever issued, for any name, is accepted; in
// esp-tls the skip also drops SNI (shared/reference/esp_tls_behaviour.md §1).
import { describeUndecided } from '../c/conditions';
import { ruleInfo } from './catalogue';
import { tlsClients, type Setting, type TlsClient } from './clients';
import type { Rule, RuleContext } from './context';
import type { Finding, Fix, TextEdit } from './finding';

const ID = 'tls-hostname-check-skipped';

export const tlsHostnameCheckSkipped: Rule = {
  id: ID,
  run(ctx) {
    const out: Finding[] = [];
    for (const c of tlsClients(ctx)) {
      if (c.tls === 'no') continue;
      for (const s of c.settings) if (s.role === 'skipHostname') out.push(finding(ctx, c, s));
    }
    return out;
  },
};

function finding(ctx: RuleContext, c: TlsClient, s: Setting): Finding {
  const who = c.name ? `\`${c.name}\`` : `this ${c.api.struct}`;
  const sni = c.api.struct === 'esp_tls_cfg_t' ? ' esp-tls also stops sending SNI (a server of several names may answer with the wrong one).' : '';
  // A skip that a run-time value decides (a library passing its caller's flag on) is not known to be on.
  const runtime = s.runtime ? ` This applies ${s.runtime}: check what the callers pass.`
    : s.fallback ? ` It is the retry after a failed attempt (\`${s.fallback}\`): whoever makes the first attempt fail, as anyone on the path can, gets the connection without the check.` : '';
  return {
    rule: ID,
    severity: s.runtime ? 'info' : ruleInfo(ID)!.severity,
    file: c.file,
    range: s.range,
    message: `${s.path} skips the server name check for ${who}. Any certificate its CA issued for any host is accepted, so any other customer of that CA can impersonate the server.${sni}${when(ctx, s)}${runtime}`,
    fixes: fixes(ctx, c, s),
  };
}

/** Settings inside `#if` branches the configuration cannot decide apply only in some builds: say which. */
function when(ctx: RuleContext, s: Setting): string {
  const undecided = describeUndecided(s.conditions, ctx.macros);
  return undecided ? ` (In builds where ${undecided}; the project's sdkconfig does not say.)` : '';
}

function fixes(ctx: RuleContext, c: TlsClient, s: Setting): Fix[] {
  const idf = ctx.project?.idfVersion ?? { major: 5, minor: 5, source: 'assumed' as const };
  const remove: TextEdit = { range: s.removal, newText: '' };
  const out: Fix[] = [];
  const commonName = c.api.commonNameField(c.layout, idf);
  if (commonName) {
    const title = c.host
      ? `Check the server name "${c.host}" (${leaf(commonName)}) instead of skipping it`
      : `Check a server name (${leaf(commonName)}) instead of skipping it: edit the name`;
    out.push({ title, preferred: !!c.host, edits: [{ file: c.file, edits: [setName(c, s, commonName, c.host ?? 'server.example.com')] }] });
  }
  out.push({ title: `Remove ${leaf(s.path)}: check the server name given in the URL`, preferred: !commonName && !!c.host, edits: [{ file: c.file, edits: [remove] }] });
  return out;
}

/** Replaces the skip with the name to check, written the way the skip was (field, assignment or call). */
function setName(c: TlsClient, s: Setting, field: string, name: string): TextEdit {
  const newText = s.origin === 'call' ? `${field}(${c.name}, "${name}")`
    : s.origin === 'assignment' ? `${s.written.replace(/\w+$/, leaf(field))} = "${name}"`
    : `.${s.written.replace(/\w+$/, leaf(field))} = "${name}"`;
  return { range: s.range, newText };
}

const leaf = (path: string) => path.split('.').pop()!;
