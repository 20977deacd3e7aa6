// esp-tls-lens chain HOST[:PORT]: the certificate chain a TLS server presents, exactly as sent, checked
// like SSL Labs (net/analyzeChain.ts).
import { analyzeChain, type ChainReport } from '../net/analyzeChain';
import { FetchChainError, fetchChain } from '../net/fetchChain';
import { findPemBlocks } from '../x509/pem';
import { checkedIdfVersion, existsOrNot, parseCommand, parseHostPort, parseNow, parseTimeout, readOrThrow, UsageError, writeOut } from './args';

export async function chainCommand(args: string[]): Promise<number> {
  const parsed = parseCommand({
      args,
      allowPositionals: true,
      options: {
        servername: { type: 'string' },
        timeout: { type: 'string', default: '10000' },
        json: { type: 'boolean', default: false },
        'save-root': { type: 'string' },
        'save-chain': { type: 'string' },
        ca: { type: 'string' },
        now: { type: 'string' },
        'idf-version': { type: 'string', default: '' },
      },
    });
  const v = parsed.values;
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length) throw new UsageError('chain takes one HOST[:PORT]');
  const { host, port } = parseHostPort(target, 'chain');
  const timeoutMs = parseTimeout(v.timeout!);
  const now = parseNow(v.now);
  const idfVersion = checkedIdfVersion(v['idf-version']!);
  for (const f of [v['save-root'], v['save-chain']]) if (f !== undefined && existsOrNot(f)) throw new UsageError(`${f} already exists; not overwriting it`);
  const extraRoots = v.ca ? findPemBlocks(readOrThrow(v.ca).toString('latin1')).map((b) => b.der).filter((d): d is Uint8Array => d !== undefined) : [];
  if (v.ca && !extraRoots.length) throw new UsageError(`--ca: ${v.ca} holds no PEM certificate`);

  // --timeout bounds the whole command: the fetch, then the analysis in the time left.
  const deadline = Date.now() + timeoutMs;
  let report;
  try {
    const fetched = await fetchChain({ host, port, servername: v.servername, timeoutMs });
    report = await analyzeChain(fetched, { now, idfVersion: idfVersion || undefined, extraRoots, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
  } catch (e) {
    if (e instanceof FetchChainError) throw new UsageError(`${host}:${port}: ${e.message}`);
    throw e;
  }
  if (v['save-chain'] !== undefined) writeOut(v['save-chain'], report.presented.map((p) => p.pem).join(''));
  if (v['save-root'] !== undefined) {
    if (!report.anchor) throw new UsageError(`--save-root: no root anchors this chain; ${v['save-root']} not written`);
    writeOut(v['save-root'], report.anchor.pem);
  }
  process.stdout.write(v.json ? JSON.stringify(chainJson(report), null, 2) + '\n' : chainText(report, now));
  return report.trusted ? 0 : 1;
}

function chainJson(r: ChainReport) {
  const { host, port, servername, protocol, presented, anchor, problems, exactAsSent, trusted } = r;
  return { host, port, servername, protocol, presented, anchor, problems, exactAsSent, trusted };
}

function chainText(r: ChainReport, now: Date): string {
  const lines: string[] = [];
  lines.push(`${r.host}:${r.port}  ${r.protocol}  SNI ${r.servername ?? '(none)'}${r.exactAsSent ? '' : '  (chain as Node reports it, not necessarily as sent)'}`);
  lines.push(`presented (${r.presented.length}):`);
  r.presented.forEach((p, i) => {
    const expired = p.notAfter && new Date(p.notAfter) < now ? '  EXPIRED' : '';
    lines.push(`  #${i + 1} ${p.subject}`);
    lines.push(`      issuer ${p.issuer}`);
    lines.push(`      valid ${p.notBefore.slice(0, 10)} to ${p.notAfter.slice(0, 10)}${expired}  sha256 ${p.sha256}`);
  });
  lines.push(r.anchor ? `anchor: ${r.anchor.subject} (${r.anchor.source})` : 'anchor: none found');
  for (const p of r.problems) lines.push(`${p.severity}: ${p.message} [${p.id}]`);
  lines.push(r.trusted ? 'result: verifies to a trusted root' : 'result: does not verify to a trusted root without errors');
  return lines.join('\n') + '\n';
}
