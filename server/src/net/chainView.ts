// Turns a chain report into what the chain panel shows (protocol.ts ChainView): each presented
// certificate with its role on the path, its key, validity and SANs; the anchor; whether ESP-IDF's
// default bundle (FULL, CMN of the project's release) holds it; and the roots "embed" would write.
import { daysUntil } from '../x509/days';
import type { ChainCertView, ChainView, ClientAtResult } from '../protocol';
import type { CertInfo } from '../x509/certificate';
import { caName, findKnownIssuer, inIdfCommonBundle, knownRootBySubject } from '../x509/trustStores';
import { toPem, type ChainReport } from './analyzeChain';


export interface ViewOptions {
  now: Date;
  idf: { major: number; minor: number };
  idfLabel: string;
  expiresSoonDays: number;
  client?: ClientAtResult & { uri: string };
}

export async function chainView(report: ChainReport, o: ViewOptions): Promise<ChainView> {
  const certs = report.decoded;
  const certificates = report.presented.map((p, i) => certView(p.pem, certs[i], i, report, o));
  const anchorCert = report.anchorCert;
  const roots = await embeddableRoots(report, certs, anchorCert, o.now);
  return {
    host: report.host,
    port: report.port,
    servername: report.servername,
    protocol: report.protocol,
    exactAsSent: report.exactAsSent,
    trusted: report.trusted,
    certificates,
    anchor: report.anchor && anchorCert
      ? { subject: report.anchor.subject, name: caName(anchorCert), source: report.anchor.source, pem: report.anchor.pem, notAfter: anchorCert.notAfter.toISOString() }
      : null,
    problems: report.problems.map((p) => ({ id: p.id, severity: p.severity, message: p.message })),
    idf: o.idfLabel,
    bundle: anchorCert && report.anchor?.source === 'mozilla' ? { full: true, cmn: inIdfCommonBundle(anchorCert, o.idf) } : anchorCert ? { full: false, cmn: false } : null,
    client: o.client,
    embeddable: roots.map((r) => ({ name: caName(r), pem: toPem(r.der) })),
  };
}

function certView(pem: string, c: CertInfo | undefined, i: number, r: ChainReport, o: ViewOptions): ChainCertView {
  const p = r.presented[i];
  const base = { pem, subject: p.subject, issuer: p.issuer, notBefore: p.notBefore, notAfter: p.notAfter, sha256: p.sha256 };
  if (!c) return { ...base, role: 'unrelated', key: '?', signature: '?', san: [], validity: 'cannot be decoded', validityState: 'error' };
  const onPath = r.path.includes(i);
  const role = !onPath ? 'unrelated' : i === 0 ? 'leaf' : c.selfSigned ? 'root' : 'intermediate';
  const key = c.key.type === 'EC' ? `EC ${c.key.curve ?? ''}`.trim() : `${c.key.type}${c.key.bits ? ` ${c.key.bits}` : ''}`;
  return { ...base, subjectCN: c.subjectCN, role, key, signature: c.signature.algorithm, san: [...c.san.dns, ...c.san.ip], ...validity(c, o) };
}

function validity(c: CertInfo, o: ViewOptions): Pick<ChainCertView, 'validity' | 'validityState'> {
  const left = daysUntil(c.notAfter, o.now);
  if (o.now > c.notAfter) return { validity: `expired on ${c.notAfter.toISOString().slice(0, 10)}`, validityState: 'error' };
  if (o.now < c.notBefore) return { validity: `not valid before ${c.notBefore.toISOString().slice(0, 10)}`, validityState: 'error' };
  if (left < o.expiresSoonDays) return { validity: `expires in ${left} days (${c.notAfter.toISOString().slice(0, 10)})`, validityState: 'warning' };
  return { validity: `valid until ${c.notAfter.toISOString().slice(0, 10)} (${left} days)`, validityState: 'ok' };
}

/**
 * The roots a device should hold for this server: the anchor, plus every other public root that a
 * presented certificate names or is issued by (the cross-sign case: ISRG Root X1 and X2 during a
 * transition), so that the device survives the server switching between them.
 */
async function embeddableRoots(r: ChainReport, certs: (CertInfo | undefined)[], anchor: CertInfo | undefined, now: Date): Promise<CertInfo[]> {
  const out: CertInfo[] = anchor ? [anchor] : [];
  const have = (c: CertInfo) => out.some((x) => x.sha256 === c.sha256);
  for (const i of r.path) {
    const c = certs[i];
    if (!c || c.selfSigned) continue;
    const sameName = await knownRootBySubject(c.subject);
    if (sameName && !have(sameName) && sameName.notAfter > now) out.push(sameName);
    const issuer = await findKnownIssuer(c);
    if (issuer && !have(issuer.root) && issuer.root.notAfter > now) out.push(issuer.root);
  }
  return out;
}
