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
];

export function runRules(ctx: RuleContext, overrides: Readonly<Record<string, SeverityOrOff>> = {}): Finding[] {
  const out: Finding[] = [];
  for (const rule of ALL_RULES) {
    // One rule module may report several ids (cert-expired / -not-yet-valid / -expires-soon): overrides go by finding.
    for (const f of rule.run(ctx)) {
      const o = overrides[f.rule];
      if (o === 'off') continue;
      out.push(o ? { ...f, severity: o } : f);
    }
  }
  return out;
}
