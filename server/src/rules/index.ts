// Runs the rules over a context and applies the user's severity overrides.
import { embedFileMissing, embedSymbolMissing } from './embeds';
import { globalCaStoreEmpty } from './globalCaStoreEmpty';
import type { Rule, RuleContext } from './context';
import type { Finding, SeverityOrOff } from './finding';
import { mbedtlsHostnameMissing, mbedtlsVerifyDisabled } from './mbedtlsClient';
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
];

export function runRules(ctx: RuleContext, overrides: Readonly<Record<string, SeverityOrOff>> = {}): Finding[] {
  const out: Finding[] = [];
  for (const rule of ALL_RULES) {
    if (overrides[rule.id] === 'off') continue;
    for (const f of rule.run(ctx)) {
      const o = overrides[f.rule];
      out.push(o && o !== 'off' ? { ...f, severity: o } : f);
    }
  }
  return out;
}
