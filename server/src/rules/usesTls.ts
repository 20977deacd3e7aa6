// Whether anything the project compiles (its sources, its components, managed ones included) uses TLS:
// a TLS client config that may speak TLS, or a call into mbedTLS's SSL layer, esp-tls, the SSL transport
// or the certificate bundle. sdkconfig findings about TLS are warnings only in such a project.
import { allHold } from '../c/conditions';
import { tlsClients } from './clients';
import type { RuleContext } from './context';

const TLS_CALL = /^(mbedtls_ssl_|esp_tls_|esp_transport_ssl_|esp_https_ota|esp_crt_bundle_|httpd_ssl_start$)/;

export function usesTls(ctx: RuleContext): boolean {
  if (tlsClients(ctx).some((c) => c.tls !== 'no')) return true;
  return ctx.files.some((f) => f.c?.calls.some((call) => TLS_CALL.test(call.name) && allHold(call.conditions, ctx.macros) !== false));
}
