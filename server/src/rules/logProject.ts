// What the open project adds to a logged TLS failure: the config that connects to the log's host and the
// CA it pins, the name check skipped (no SNI either), the bundle in use, the incoming record buffer, and
// whether anything sets the clock. Each says "In this project, ..." so it is never taken for the log's
// own evidence.
import type { TlsAttempt } from '../logs/attempts';
import { ProjectConfig } from '../sdkconfig/kconfig';
import { nameOf, usedSites } from './certSites';
import { tlsClients, type TlsClient } from './clients';
import type { RuleContext } from './context';
import type { LogCause } from './logCauses';
import { setsClock } from './sdkconfig';

/** The project's causes for `code` in `attempt`, most specific first. */
export function projectCauses(ctx: RuleContext, attempt: TlsAttempt, code: number): LogCause[] {
  if (!ctx.project) return [];
  const config = ProjectConfig.of(ctx.project);
  const flags = attempt.lines.filter((l) => l.kind === 'verify-info' && l.flag).map((l) => l.flag!);
  const out: (LogCause | undefined)[] = [];
  if (code === 0x2700) out.push(pinnedCause(ctx, attempt.url?.host));
  if (code === 0x2700 && (!flags.length || flags.includes('MBEDTLS_X509_BADCERT_FUTURE'))) out.push(clockCause(ctx, config));
  if (code === 0x3000 || code === 0x2700 || code === 0x7780) out.push(skipNameCause(ctx, attempt.url?.host));
  if (code === 0x3000) out.push(bundleCause(config));
  if (code === 0x7200 && !attempt.url?.scheme?.match(/^(ws|http|mqtt|coap)$/)) out.push(recordCause(config));
  return out.filter((c): c is LogCause => !!c);
}

const none: LogCause['evidence'] = [];
/** Clients that connect to `host` first, then the rest. */
const byHost = <T extends { client?: TlsClient }>(list: T[], host: string | undefined) =>
  host ? [...list.filter((x) => x.client?.host === host), ...list.filter((x) => x.client?.host !== host)] : list;

/** The CA the project trusts is the server's own certificate or an intermediate: NOT_TRUSTED as soon as the server renews. */
function pinnedCause(ctx: RuleContext, host: string | undefined): LogCause | undefined {
  const pinned = byHost(usedSites(ctx, 'ca'), host)
    .find((u) => u.site.block.cert && u.site.block.cert.role !== 'root' && !u.site.block.rootKeyOf);
  const cert = pinned?.site.block.cert;
  if (!pinned || !cert) return undefined;
  return {
    cause: `In this project, \`${pinned.client?.name ?? pinned.setting.path}\` trusts ${nameOf(cert)}, ${cert.role === 'leaf' ? "a server's own certificate" : 'an intermediate CA'}, not a root: once the server presents a renewed certificate (or one from another intermediate), verification fails with NOT_TRUSTED.`,
    evidence: none,
    fix: 'Trust the root CA instead (see cert-leaf-as-trust-anchor / cert-intermediate-as-trust-anchor).',
  };
}

function clockCause(ctx: RuleContext, config: ProjectConfig): LogCause | undefined {
  if (!config.bool('CONFIG_MBEDTLS_HAVE_TIME_DATE') || setsClock(ctx)) return undefined;
  return {
    cause: 'In this project, CONFIG_MBEDTLS_HAVE_TIME_DATE checks certificate dates but no code sets the clock (no SNTP, no settimeofday): the device runs in 1970 and every certificate is "not yet valid".',
    evidence: none,
    fix: 'Start SNTP and wait for the first sync before connecting.',
  };
}

function skipNameCause(ctx: RuleContext, host: string | undefined): LogCause | undefined {
  const skipping = byHost(tlsClients(ctx).map((client) => ({ client })), host)
    .find(({ client }) => client.settings.some((s) => s.role === 'skipHostname' && !s.runtime))?.client;
  if (!skipping) return undefined;
  return {
    cause: `In this project, \`${skipping.name ?? skipping.api.struct}\` skips the server name check, which also stops SNI: a server that hosts several names then presents its default certificate, which may not chain to your CA.`,
    evidence: none,
    fix: 'Keep the name check (set common_name when the URL holds an address) so the server is asked for the right certificate.',
  };
}

function bundleCause(config: ProjectConfig): LogCause | undefined {
  if (config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE') === false) return undefined;
  if (config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL')) {
    return { cause: 'This project already uses the full certificate bundle: the server\'s root is not one of Mozilla\'s (a private CA), or the server sends an incomplete chain.', evidence: none,
      fix: 'Add a private CA to a custom bundle (CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE), or make the server send its intermediates.' };
  }
  if (config.bool('CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN')) {
    return { cause: 'In this project the bundle is the common one (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN), which keeps only the roots behind most of the web: the server\'s root may be one it leaves out.', evidence: none,
      fix: 'Switch to CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL, or add the root to a custom bundle.' };
  }
  return undefined;
}

function recordCause(config: ProjectConfig): LogCause | undefined {
  const { name, size } = config.incomingRecord();
  if (size === undefined) return undefined;
  if (size < 16384) {
    return { cause: `In this project ${name} is ${size}: a server that sends a full 16 KB record (most do; few honour max_fragment_length) overflows it.`, evidence: none,
      fix: `Set ${name}=16384, or lower it only for servers you control.` };
  }
  return { cause: `In this project ${name} is ${size}, so a record was not too large for the buffer: the peer sent something that is not TLS (a plain server or a proxy on that port).`, evidence: none,
    fix: 'Check the port and scheme the device connects to.' };
}
