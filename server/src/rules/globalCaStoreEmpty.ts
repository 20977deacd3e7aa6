// global-ca-store-empty: a client trusts the global CA store (use_global_ca_store,
// esp_transport_ssl_enable_global_ca_store) but nothing in the project ever fills it. esp-tls then
// fails with "global_cacert is NULL" (ESP_ERR_INVALID_STATE) (shared/reference/esp_tls_behaviour.md §1-2).
import { ruleInfo } from './catalogue';
import { tlsClients } from './clients';
import type { Rule } from './context';
import type { Finding } from './finding';

const ID = 'global-ca-store-empty';

/** Calls that put certificates into the global store (the getter hands it to mbedtls_x509_crt_parse). */
const FILLERS = new Set(['esp_tls_set_global_ca_store', 'esp_tls_get_global_ca_store']);

export const globalCaStoreEmpty: Rule = {
  id: ID,
  run(ctx) {
    const filled = ctx.files.some((f) => f.c?.calls.some((c) => FILLERS.has(c.name)));
    if (filled) return [];
    const out: Finding[] = [];
    for (const client of tlsClients(ctx)) {
      if (client.tls === 'no') continue;
      for (const s of client.settings) {
        if (s.role !== 'global') continue;
        out.push({
          rule: ID,
          // Behind a run-time flag (a library honouring its caller's use_global_ca_store) it is the caller's store to fill.
          severity: s.runtime ? 'info' : ruleInfo(ID)!.severity,
          file: client.file,
          range: s.range,
          message: `${s.path} trusts the global CA store, but nothing in this project fills it. Without an esp_tls_set_global_ca_store() call, `
            + 'every handshake fails with "global_cacert is NULL" (ESP_ERR_INVALID_STATE).'
            + (s.runtime ? ` This applies ${s.runtime}.` : ''),
        });
      }
    }
    return out;
  },
};
