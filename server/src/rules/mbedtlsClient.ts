// The raw mbedTLS client flow (ESP-IDF's https_mbedtls example and code ported from Mbed TLS's
// ssl_client1.c): verification switched off or made optional without looking at the result, and a
// handshake without the server's name (or with the sample's placeholder name).
//   mbedtls-verify-disabled: mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE | _OPTIONAL)
//   mbedtls-hostname-missing: no mbedtls_ssl_set_hostname() for a client's ssl context, or a placeholder
import { allHold } from '../c/conditions';
import { accessPath, type CallFact, type CFileFacts } from '../c/facts';
import { defineValue } from './clients';
import { ruleInfo } from './catalogue';
import type { FileFacts, Rule, RuleContext } from './context';
import type { Finding } from './finding';

interface Located { file: string; call: CallFact }

/** Every call of `name` in the context's files that the configuration does not compile out. */
function callsOf(ctx: RuleContext, name: string): Located[] {
  return ctx.files.flatMap((f: FileFacts) =>
    (f.c?.calls ?? []).filter((c) => c.name === name && allHold(c.conditions, ctx.macros) !== false).map((call) => ({ file: f.file, call })));
}

const arg = (c: CallFact, i: number) => c.args[i] && accessPath(c.args[i].text);

/** Which ssl configs are clients, from mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, ...). */
function endpoints(ctx: RuleContext): Map<string, 'client' | 'server'> {
  const out = new Map<string, 'client' | 'server'>();
  for (const { call } of callsOf(ctx, 'mbedtls_ssl_config_defaults')) {
    const endpoint = call.args[1]?.text ?? '';
    const conf = arg(call, 0);
    if (conf && /IS_CLIENT/.test(endpoint)) out.set(conf, 'client');
    else if (conf && /IS_SERVER/.test(endpoint)) out.set(conf, 'server');
  }
  return out;
}

export const mbedtlsVerifyDisabled: Rule = {
  id: 'mbedtls-verify-disabled',
  run(ctx) {
    const roles = endpoints(ctx);
    const checks = callsOf(ctx, 'mbedtls_ssl_get_verify_result');
    // OPTIONAL is safe only where a failed result stops the connection; a check that only logs accepts the certificate.
    const results = { loggedOnly: checks.filter(({ call }) => call.resultUse === 'logged-only'), acted: false };
    results.acted = checks.length > results.loggedOnly.length;
    const out: Finding[] = [];
    for (const { file, call } of callsOf(ctx, 'mbedtls_ssl_conf_authmode')) {
      if (!call.args[1] || roles.get(arg(call, 0) ?? '') === 'server') continue; // a server not asking for client certificates is normal
      const facts = ctx.files.find((f) => f.file === file)?.c;
      const f = facts && judgeMode(file, call, modeText(facts, call.args[1].text, ctx, file), results);
      if (f) out.push(f);
    }
    return [...out, ...cppWrappers(ctx)];
  },
};

/** The mode as the compiler sees it: through the file's `#define`s (`#define AUTH_MODE MBEDTLS_SSL_VERIFY_NONE`). */
function modeText(facts: CFileFacts, text: string, ctx: RuleContext, file: string): string {
  let t = text.trim();
  for (let i = 0; i < 4 && /^\w+$/.test(t) && !/^MBEDTLS_SSL_VERIFY_/.test(t); i++) {
    const next = defineValue(facts, t, ctx, file);
    if (next === undefined) break;
    t = next.trim();
  }
  return t;
}

const MODE_CONSTANT = /^(MBEDTLS_SSL_VERIFY_(NONE|OPTIONAL|REQUIRED|UNSET)|[0-3])$/;

function judgeMode(file: string, call: CallFact, text: string, results: { loggedOnly: Located[]; acted: boolean }): Finding | undefined {
  const mode = call.args[1];
  const fix = [{ title: 'Require a verified server certificate (MBEDTLS_SSL_VERIFY_REQUIRED)', preferred: true, edits: [{ file, edits: [{ range: mode.range, newText: 'MBEDTLS_SSL_VERIFY_REQUIRED' }] }] }];
  const base = { rule: 'mbedtls-verify-disabled', file, range: mode.range };
  const none = /VERIFY_NONE/.test(text) || text === '0';
  // `insecure ? MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_REQUIRED`: one value the code can choose at run time.
  const choice = /^([^?]+)\?\s*([^:]+):(.+)$/.exec(text.replace(/\s+/g, ' '));
  const cond = choice?.[1].trim().replace(/^\((.*)\)$/, '$1');
  // A mode read from the function's own parameter is its caller's choice (a wrapper's do_verify): judged at the call sites.
  const fromParameter = (expr: string) => call.parameters?.some((p) => new RegExp(`\\b${p}\\b`).test(expr));
  if (!choice && !MODE_CONSTANT.test(text)) {
    // `config->cert_set`: chosen at run time, from values we cannot follow; say so, claim nothing.
    return { ...base, severity: 'info', message: `The auth mode comes from \`${text}\` at run time. If any caller passes MBEDTLS_SSL_VERIFY_NONE (or OPTIONAL without acting on the verify result), the server is not verified; check the values that reach it${fromParameter(text) ? ' (a parameter of this function)' : ''}.` };
  }
  if (none) {
    const when = cond ? ` when \`${cond}\` is ${/VERIFY_NONE|^0$/.test(choice![2].trim()) ? 'true' : 'false'}` : '';
    return {
      ...base, severity: cond && fromParameter(cond) ? 'info' : !choice ? ruleInfo('mbedtls-verify-disabled')!.severity : 'warning', fixes: fix,
      message: `MBEDTLS_SSL_VERIFY_NONE${when}: the client accepts any certificate. Anyone on the network path can impersonate the server.`,
    };
  }
  if (!/VERIFY_OPTIONAL|^1$/.test(text) || results.acted) return undefined;
  return {
    ...base, severity: 'warning', fixes: fix,
    message: results.loggedOnly.length
      ? 'MBEDTLS_SSL_VERIFY_OPTIONAL, and a failed verify result is only logged. After mbedtls_ssl_get_verify_result() reports the failure, the connection goes on with that certificate.'
      : 'MBEDTLS_SSL_VERIFY_OPTIONAL, but nothing calls mbedtls_ssl_get_verify_result(): a certificate that fails verification is accepted without anyone noticing.',
    related: results.loggedOnly.map(({ file: f, call: c }) => ({ file: f, range: c.range, message: 'the result is logged; nothing stops the connection' })),
  };
}

/**
 * The C++ wrappers over mbedTLS: esp-protocols' mbedtls_cxx `init(is_server{false}, do_verify{false})` configures
 * MBEDTLS_SSL_VERIFY_NONE (mbedtls_wrap.cpp); asio's `set_verify_mode(asio::ssl::verify_none)` does the same for
 * its stream, which may also be a server's (a server not asking for client certificates is normal): a warning.
 */
function cppWrappers(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const { file, call } of callsOf(ctx, 'init')) {
    const args = call.args.map((a) => a.text.replace(/\s+/g, ''));
    const verify = call.args.find((a) => /^do_verify\{false\}$/.test(a.text.replace(/\s+/g, '')));
    if (!verify || !args.includes('is_server{false}')) continue;
    out.push({
      rule: 'mbedtls-verify-disabled', severity: ruleInfo('mbedtls-verify-disabled')!.severity, file, range: verify.range,
      message: 'do_verify{false}: this mbedtls_cxx client sets MBEDTLS_SSL_VERIFY_NONE and accepts any certificate. Anyone on the network path can impersonate the server.',
      fixes: [{ title: 'Verify the server (do_verify{true}) and give the wrapper its CA', preferred: true, edits: [{ file, edits: [{ range: verify.range, newText: 'do_verify{true}' }] }] }],
    });
  }
  for (const { file, call } of callsOf(ctx, 'set_verify_mode')) {
    const mode = call.args[0];
    if (!mode || !/(^|::)verify_none$/.test(mode.text.replace(/\s+/g, ''))) continue;
    out.push({
      rule: 'mbedtls-verify-disabled', severity: 'warning', file, range: mode.range,
      message: `${mode.text.trim()}: this TLS stream accepts any certificate. On a client, anyone on the network path can impersonate the server; use asio::ssl::verify_peer with the CA loaded into the context.`,
    });
  }
  return out;
}

/** Names copied from Mbed TLS's sample client that never match a real server. */
const PLACEHOLDERS = /^(mbed TLS Server 1|localhost|example\.com|www\.example\.com)$/i;

export const mbedtlsHostnameMissing: Rule = {
  id: 'mbedtls-hostname-missing',
  run(ctx) {
    const roles = endpoints(ctx);
    const named = callsOf(ctx, 'mbedtls_ssl_set_hostname');
    const namedContexts = new Set(named.map(({ call }) => arg(call, 0)));
    const out: Finding[] = [];
    const v = ctx.project?.idfVersion;
    const consequence = v && v.major < 5
      ? 'with Mbed TLS 2.28 (ESP-IDF v4.4) the certificate is then accepted for any host name'
      : 'Mbed TLS 3.6.3 and later (current ESP-IDF v5.x releases) fail the handshake with -0x5D80 (MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME); older versions accept the certificate for any host name';
    for (const { file, call } of callsOf(ctx, 'mbedtls_ssl_setup')) {
      const ssl = arg(call, 0);
      if (!ssl || roles.get(arg(call, 1) ?? '') !== 'client' || namedContexts.has(ssl)) continue;
      out.push(finding(file, call.range, `The client context \`${ssl}\` handshakes without mbedtls_ssl_set_hostname(): ${consequence}.`));
    }
    for (const { file, call } of named) {
      const nameArg = call.args[1];
      if (!nameArg) continue;
      const literal = /^"(.*)"$/.exec(nameArg.text)?.[1];
      if (nameArg.text === 'NULL') {
        out.push(finding(file, nameArg.range, 'mbedtls_ssl_set_hostname(..., NULL) switches the server name check off: any certificate the trusted CAs issued is accepted.'));
      } else if (literal !== undefined && (PLACEHOLDERS.test(literal) || /\s/.test(literal))) {
        out.push(finding(file, nameArg.range, `"${literal}" is a placeholder, not your server's name: the name check fails against the real server (-0x2700, "The certificate Common Name (CN) does not match with the expected CN"), or passes for the wrong one. Pass the host name the device connects to.`));
      }
    }
    return out;
  },
};

function finding(file: string, range: Finding['range'], message: string): Finding {
  return { rule: 'mbedtls-hostname-missing', severity: ruleInfo('mbedtls-hostname-missing')!.severity, file, range, message };
}
