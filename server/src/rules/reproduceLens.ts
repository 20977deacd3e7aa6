// "Reproduce with this project's TLS": a lens on a logged TLS failure whose URL names the server, in a log
// that belongs to an ESP-IDF project. Clicking it runs Check Server Against Project (the device's own
// Mbed TLS, net/realCheck.ts) against that server; nothing connects until a person clicks.
import { tlsAttempts } from '../logs/attempts';
import type { RuleContext } from './context';
import type { TrustLens } from './trustLens';

/** Schemes that are TLS over TCP: what the device's handshake can reproduce (coaps is DTLS). */
const TLS_SCHEMES = new Set(['https', 'wss', 'mqtts']);

export function reproduceLenses(ctx: RuleContext): TrustLens[] {
  if (!ctx.project) return [];
  const out: TrustLens[] = [];
  for (const f of ctx.files) {
    if (!f.logLines?.length) continue;
    for (const attempt of tlsAttempts(f.logLines, f.logEvidence ?? [])) {
      const url = attempt.url;
      // One lens per failure, not per retry; only where the device was the client of a TLS server the log names.
      if (attempt.role !== 'client' || attempt.retries > 0 || !url?.host || !url.port || !TLS_SCHEMES.has(url.scheme ?? '')) continue;
      const failure = attempt.lines.find((l) => l.codes.length);
      if (!failure) continue;
      const server = { host: url.host, port: url.port };
      out.push({ file: f.file, range: failure.range, title: `Reproduce with this project's TLS (${url.host}:${url.port})`, server, reproduce: true });
    }
  }
  return out;
}
