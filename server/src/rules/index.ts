// Runs the rules over a context and applies the user's severity overrides.
import { CERTIFICATE_RULES } from './certificates';
import { embedFileMissing, embedSymbolMissing } from './embeds';
import { globalCaStoreEmpty } from './globalCaStoreEmpty';
import type { Rule, RuleContext } from './context';
import type { Finding, SeverityOrOff } from './finding';
import { mbedtlsHostnameMissing, mbedtlsVerifyDisabled } from './mbedtlsClient';
import { logTlsFailure } from './logTlsFailure';
import { pemNotNulTerminated } from './pemNotNulTerminated';
import { SDKCONFIG_RULES } from './sdkconfig';
import { tlsHostnameCheckSkipped } from './tlsHostnameCheckSkipped';
import { tlsNoServerVerification } from './tlsNoServerVerification';
import { usesTls } from './usesTls';
import { fileNotCompiled } from './notCompiled';

export const ALL_RULES: readonly Rule[] = [
  tlsNoServerVerification,
  tlsHostnameCheckSkipped,
  mbedtlsVerifyDisabled,
  mbedtlsHostnameMissing,
  globalCaStoreEmpty,
  embedSymbolMissing,
  embedFileMissing,
  pemNotNulTerminated,
  ...CERTIFICATE_RULES,
  ...SDKCONFIG_RULES,
  logTlsFailure,
  fileNotCompiled,
];

/** sdkconfig findings about how TLS behaves: they matter only to a project that uses TLS. */
const TLS_SCALED = new Set(['sdkconfig-legacy-protocol', 'sdkconfig-record-size-too-small', 'sdkconfig-no-common-ciphersuite', 'sdkconfig-clock-never-set']);

export function runRules(ctx: RuleContext, overrides: Readonly<Record<string, SeverityOrOff>> = {}): Finding[] {
  const out: Finding[] = [];
  let tls: boolean | undefined;
  for (const rule of ALL_RULES) {
    // One rule module may report several ids (cert-expired / -not-yet-valid / -expires-soon): overrides go by finding.
    for (const f of rule.run(ctx)) {
      const o = overrides[f.rule];
      if (o === 'off') continue;
      if (!o && f.severity !== 'hint' && TLS_SCALED.has(f.rule) && !(tls ??= usesTls(ctx))) {
        out.push({ ...f, severity: 'hint', message: `${f.message} (A hint only: nothing this project compiles uses TLS.)` });
        continue;
      }
      out.push(o ? { ...f, severity: o } : f);
    }
  }
  return out;
}
