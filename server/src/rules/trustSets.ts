// Trust as a set: mbedTLS loads every certificate of a CA buffer (or of the global store) and anchors on any
// CA in it that signed the chain's next certificate. So a leaf beside its issuer is never used, and an
// intermediate beside its root survives the CA's next intermediate. Buffers a `#define` picks per build are
// alternatives, not one set.
import { nameKey } from '../x509/names';
import type { CertInfo } from '../x509/certificate';
import { certOf, nameOf, usedSites, type CertSite, type UsedSite } from './certSites';
import type { RuleContext } from './context';


/** One CA buffer (or global store) as mbedTLS loads it: every certificate the same setting hands over in one
 *  build; buffers a `#define` picks per build (`SERVER_CA` -> lab_ca or prod_ca) are alternatives, not one set. */
const setKey = (u: UsedSite) => `${u.file}:${u.setting.range.start.line}:${u.setting.range.start.character}:${(u.via ?? []).map((c) => `${c.negated ? '!' : ''}${c.expr}@${c.line}`).join('&')}`;
const setsCache = new WeakMap<RuleContext, Map<string, CertSite[]>>();

export function trustSet(ctx: RuleContext, u: UsedSite): CertSite[] {
  let sets = setsCache.get(ctx);
  if (!sets) {
    sets = new Map();
    for (const a of usedSites(ctx, 'ca')) sets.set(setKey(a), [...(sets.get(setKey(a)) ?? []), a.site]);
    setsCache.set(ctx, sets);
  }
  return sets.get(setKey(u)) ?? [];
}

/** The CA that issued a certificate, when every buffer trusting the certificate holds it too: mbedTLS
 *  then anchors on that CA and never uses the certificate itself. */
export function issuerBeside(ctx: RuleContext, uses: UsedSite[]): string | undefined {
  const names = uses.map((u) => { const s = issuerIn(certOf(u.site)!, trustSet(ctx, u)); return s && nameOf(certOf(s)!); });
  return names.every(Boolean) ? names[0] : undefined;
}

/** A CA in the set that issued `cert` (same name as its issuer, and key id when both carry one). */
function issuerIn(cert: CertInfo, set: CertSite[]): CertSite | undefined {
  return set.find((s) => {
    const c = certOf(s);
    return c && c !== cert && c.role !== 'leaf' && nameKey(c.subject) === nameKey(cert.issuer) && (!cert.aki || !c.ski || c.ski === cert.aki);
  });
}

/** The root (self-signed, or a cross-signed copy with a root's key) reached from `cert` through issuers in the set. */
export function rootAbove(cert: CertInfo, set: CertSite[]): string | undefined {
  const seen = new Set<CertSite>();
  for (let s = issuerIn(cert, set); s && !seen.has(s); s = issuerIn(certOf(s)!, set)) {
    if (certOf(s)!.role === 'root' || s.block.rootKeyOf) return nameOf(certOf(s)!);
    seen.add(s);
  }
  return undefined;
}

