// esp-tls-lens check-server HOST[:PORT] [PROJECT]: connects to the server with the device's own Mbed TLS,
// configured from the project's sdkconfig and TLS client, and prints the return code and verify flags the
// device would log, the lines esp-tls would print, and the fix (net/deviceCheck.ts, net/realCheck.ts).
import path from 'node:path';
import { Analyzer } from '../analyzer';
import { formatServerAddress } from '../net/address';
import { checkLikeDevice, type DeviceCheck } from '../net/deviceCheck';
import { clientForHost, deviceProfile } from '../net/deviceProfile';
import type { TlsClient } from '../rules/clients';
import { defaultSettings } from '../settings';
import { checkedIdfVersion, parseCommand, parseHostPort, parseNow, parseTimeout, UsageError } from './args';

export async function checkServerCommand(args: string[]): Promise<number> {
  const parsed = parseCommand({
    args,
    allowPositionals: true,
    options: {
      client: { type: 'string' },
      timeout: { type: 'string', default: '10000' },
      json: { type: 'boolean', default: false },
      now: { type: 'string' },
      'idf-version': { type: 'string', default: '' },
    },
  });
  const v = parsed.values;
  const [target, folder = '.', ...extra] = parsed.positionals;
  if (!target || extra.length) throw new UsageError('check-server takes HOST[:PORT] and at most one PROJECT folder');
  const { host, port } = parseHostPort(target, 'check-server');
  const timeoutMs = parseTimeout(v.timeout!);
  const now = parseNow(v.now);
  const idfVersion = checkedIdfVersion(v['idf-version']!);

  const root = path.resolve(folder);
  const analyzer = new Analyzer({ settings: { ...defaultSettings, idfVersion }, now: () => now });
  await analyzer.index([root]);
  const project = analyzer.allProjects().find((p) => p.root === root) ?? analyzer.allProjects()[0];
  if (!project) throw new UsageError(`${folder}: no ESP-IDF project here (no CMakeLists.txt with project())`);
  const ctx = analyzer.contextFor(path.join(project.root, 'CMakeLists.txt'));
  const client = v.client ? clientAt(analyzer, v.client) : clientForHost(ctx, host);
  const profile = await deviceProfile(ctx, project, client.client, host);
  const r = await checkLikeDevice(profile, { host, port: port ?? 443, timeoutMs, now });
  if (r.error && !r.expected) throw new UsageError(`${formatServerAddress({ host, port })}: ${r.error}`);
  const out = v.json ? JSON.stringify({ host, port: port ?? 443, client: profile.client ?? null, note: client.note ?? null, ...r }, null, 2) + '\n' : text(r, profile.client, client.note);
  process.stdout.write(out);
  return r.ok ? 0 : 1;
}

/** --client FILE:LINE, the config at that line (as the editor's code lens would pick it). */
function clientAt(analyzer: Analyzer, spec: string): { client?: TlsClient; note?: string } {
  const m = /^(.*):(\d+)$/.exec(spec);
  if (!m) throw new UsageError(`--client: '${spec}' is not FILE:LINE`);
  const found = analyzer.clientAt(path.resolve(m[1]), { line: Number(m[2]) - 1, character: 0 });
  if (!found) throw new UsageError(`--client: no TLS client config in ${m[1]}`);
  return { client: found.client };
}

function text(r: DeviceCheck, client: string | undefined, note: string | undefined): string {
  const lines: string[] = [];
  if (r.ok) lines.push(`connects: ${r.protocol}, ${r.suite}`);
  else if (r.expected) lines.push(`fails: ${r.expected.code} (${r.expected.name})`, `  ${r.expected.reason}`);
  if (r.expected?.flags?.length) lines.push(`  verify flags: ${r.expected.flags.join(', ')}`);
  lines.push(`client: ${client ?? 'none found (the certificate bundle is assumed)'}`);
  if (note) lines.push(`note: ${note}`);
  for (const s of r.steps) lines.push(`${s.ok === true ? 'ok  ' : s.ok === false ? 'FAIL' : '    '} ${s.step}: ${s.detail}`);
  if (r.expected?.log.length) lines.push('monitor:', ...r.expected.log.map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}
