import tls from 'node:tls'; import { X509Certificate } from 'node:crypto'; import fs from 'node:fs';
const roots = tls.rootCertificates.map(p => new X509Certificate(p));
const rows = fs.readFileSync('/work/shared/reference/cmn_crt_authorities_by_version.tsv','utf8').trim().split('\n').slice(1).map(l=>l.split('\t'));
const names = [...new Set(rows.map(r=>r[2]))];
for (const n of names) {
  const m = roots.filter(r => r.subject.split('\n').some(l => l.endsWith('=' + n)));
  console.log(JSON.stringify(n), m.length ? m.map(r=>r.subject.replace(/\n/g,' | ')).join(' ;; ') : 'MISSING');
}
