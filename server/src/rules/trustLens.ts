// The code lens above each TLS client: what it trusts, as esp-tls will pick it (bundle, global store,
// CA buffer, PSK), or that it verifies no server.
import { withoutCast } from '../c/cStrings';
import { allHold } from '../c/conditions';
import type { CertInfo } from '../x509/certificate';
import { sitesOfExpression } from './certSites';
import { serverOf, tlsClients, type Setting } from './clients';
import type { RuleContext } from './context';
import type { Range } from './finding';
import type { Role } from './tlsApis';

export interface TrustLens {
  file: string;
  range: Range;
  title: string;
  /** The server the client connects to, when the code names it (host and port from the URL). */
  server?: { host: string; port: number };
  /** A logged failure's lens (rules/reproduceLens.ts): its one click checks the server. */
  reproduce?: boolean;
}

/** esp-tls and esp_http_client try the bundle first; esp-mqtt tries the global store first. */
const PRECEDENCE: Record<string, Role[]> = {
  default: ['bundle', 'global', 'ca', 'psk', 'session'],
  esp_mqtt_client_config_t: ['global', 'bundle', 'ca', 'psk'],
};

/** The order in which a component picks its trust option. */
export function trustPrecedence(struct: string): Role[] {
  return PRECEDENCE[struct] ?? PRECEDENCE.default;
}

export function trustLenses(ctx: RuleContext): TrustLens[] {
  return tlsClients(ctx).filter((c) => c.tls !== 'no' && c.config?.form !== 'parameter').map((c) => {
    const order = trustPrecedence(c.api.struct);
    const active = c.settings.filter((s) => allHold(s.conditions, ctx.macros) !== false);
    const used = order.map((role) => active.find((s) => s.role === role)).find((s): s is Setting => !!s);
    const prefix = c.tls === 'unknown' ? 'If TLS: ' : 'TLS: ';
    const where = c.host ? ` · ${c.host}` : '';
    const what = !used && c.filledBy ? `set up by ${c.filledBy}()` : used?.role === 'ca' ? caText(ctx, c.file, used) : describe(used);
    const server = serverOf(c);
    return { file: c.file, range: c.anchor, title: `${prefix}${what}${where}`, ...(server ? { server } : {}) };
  });
}

/** "CA: ISRG Root X1 (until 2035-06-04)", or the symbol when the certificate cannot be read. */
function caText(ctx: RuleContext, file: string, s: Setting): string {
  const facts = ctx.files.find((f) => f.file === file);
  const expr = s.origin === 'call' ? s.value.split(',')[0] : s.value;
  const certs = facts ? sitesOfExpression(ctx, facts, expr, s.valueRange).map((x) => x.block.cert).filter((x): x is CertInfo => !!x) : [];
  if (!certs.length) return describe(s);
  const one = (c: CertInfo) => `${c.subjectCN ?? c.subject} (until ${c.notAfter.toISOString().slice(0, 10)})`;
  return certs.length === 1 ? `CA: ${one(certs[0])}` : `${certs.length} CAs: ${certs.map(one).join(', ')}`;
}

function describe(s: Setting | undefined): string {
  if (!s) return 'verifies no server';
  switch (s.role) {
    case 'bundle': return 'trusts the ESP-IDF certificate bundle';
    case 'global': return 'trusts the global CA store';
    case 'psk': return 'pre-shared key';
    case 'session': return 'resumes a saved session';
    default: return `trusts the CA in ${withoutCast(s.value)}`;
  }
}
