// The network requests of the editor (protocol.ts): which server a TLS client talks to, its chain as a
// view, the edits that make the client trust it, and the device-like check. Each runs only because a
// person asked (a command or a code-lens click); server.ts hands over the LSP cancellation as a signal.
import type { Analyzer } from '../analyzer';
import { fileOf, uriOf } from '../diagnostics';
import type {
  CheckServerParams, CheckServerResult, ClientAtResult, FetchChainParams, FetchChainResult, TrustEditParams, TrustEditResult,
} from '../protocol';
import { serverOf, type TlsClient } from '../rules/clients';
import type { RuleContext } from '../rules/context';
import { bundlePlan, embedRootPlan } from '../rules/trustEdits';
import { readIfExists, workspaceEditOf } from '../editRequests';
import { decodePem, type CertInfo } from '../x509/certificate';
import { caName } from '../x509/trustStores';
import { formatServerAddress } from './address';
import { analyzeChain } from './analyzeChain';
import { chainView } from './chainView';
import { checkMarkdown } from './checkMarkdown';
import { checkLikeDevice } from './deviceCheck';
import { caCertsOf, clientForHost, deviceProfile } from './deviceProfile';
import { FetchChainError, fetchChain } from './fetchChain';

const DEFAULT_TIMEOUT_MS = 10_000;
type Position = { line: number; character: number };

export function clientAtResult(analyzer: Analyzer, uri: string, position: Position): ClientAtResult | null {
  const file = fileOf(uri);
  const found = file ? analyzer.clientAt(file, position) : undefined;
  return found ? describeClient(found.client) : null;
}

function describeClient(c: TlsClient): ClientAtResult {
  const server = serverOf(c);
  return { name: c.name ?? c.api.struct, struct: c.api.struct, position: c.anchor.start, host: server?.host, port: server?.port, url: c.url };
}

export async function fetchChainRequest(analyzer: Analyzer, p: FetchChainParams, signal: AbortSignal): Promise<FetchChainResult> {
  const file = p.uri ? fileOf(p.uri) : undefined;
  const found = file && p.position ? analyzer.clientAt(file, p.position) : undefined;
  const project = file ? analyzer.projectOf(file) : undefined;
  const idf = project?.idfVersion;
  try {
    const timeoutMs = p.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // The timeout bounds the whole request, analysis included; the editor's cancellation stops either part.
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const chain = await fetchChain({ host: p.host, port: p.port, servername: p.servername, timeoutMs, signal });
    const now = new Date();
    // A private CA the config already holds, or a root among the project's certificate files, counts as an
    // anchor of the fetched chain: the panel then offers to embed it (it said "no root to embed" before).
    const ctx = found?.ctx ?? (file ? analyzer.contextFor(file) : undefined);
    const extraRoots = [...(found ? caCertsOf(found.ctx, found.client) : []), ...(ctx ? projectRoots(ctx) : [])].map((c) => c.der);
    const report = await analyzeChain(chain, { now, idfVersion: idf && `${idf.major}.${idf.minor}`, expiresSoonDays: analyzer.currentSettings.expiryWarningDays, extraRoots, signal: bounded });
    const view = await chainView(report, {
      now,
      idf: idf ?? { major: 5, minor: 5 },
      idfLabel: idf ? `${idf.major}.${idf.minor}${idf.source === 'assumed' ? ' (assumed)' : ''}` : 'newest release in the table',
      expiresSoonDays: analyzer.currentSettings.expiryWarningDays,
      client: found && p.uri ? { ...describeClient(found.client), uri: uriOf(found.client.file) } : undefined,
    });
    return { ok: true, view };
  } catch (e) {
    if (e instanceof FetchChainError) return { ok: false, error: e.message, code: e.code };
    throw e;
  }
}

export async function trustEditRequest(analyzer: Analyzer, p: TrustEditParams): Promise<TrustEditResult> {
  const file = fileOf(p.uri);
  const found = file ? analyzer.clientAt(file, p.position) : undefined;
  if (!found) return { ok: false, error: 'no TLS client config at that place any more (the file changed?): run the command again from the config' };
  const roots = await decodeRoots(p.pems ?? []);
  if (typeof roots === 'string') return { ok: false, error: roots };
  const plan = p.action === 'embed'
    ? embedRootPlan(found.ctx, found.client, roots, p.name ?? (roots[0] ? caName(roots[0].cert) : 'server_root'), readIfExists)
    : bundlePlan(found.ctx, found.client, roots[0]?.cert);
  if (typeof plan === 'string') return { ok: false, error: plan };
  return { ok: true, edit: workspaceEditOf(plan), summary: plan.summary };
}

async function decodeRoots(pems: string[]): Promise<{ cert: CertInfo }[] | string> {
  const out: { cert: CertInfo }[] = [];
  for (const pem of pems) {
    const cert = await decodePem(pem);
    if (!cert) return 'a certificate to embed cannot be decoded';
    out.push({ cert });
  }
  return out;
}

export async function checkServerRequest(analyzer: Analyzer, p: CheckServerParams, signal: AbortSignal): Promise<CheckServerResult> {
  const target = formatServerAddress({ host: p.host, port: p.port ?? 443 });
  const file = p.uri ? fileOf(p.uri) : undefined;
  const project = file ? analyzer.projectOf(file) : undefined;
  if (!file || !project) {
    const error = 'open a file of the ESP-IDF project (the check uses its sdkconfig and sources)';
    return { ok: false, error, steps: [], markdown: `# ${target}\n\nCould not check: ${error}.\n` };
  }
  const found = p.position ? analyzer.clientAt(file, p.position) : undefined;
  const ctx = found?.ctx ?? analyzer.contextFor(file);
  // From a log's Reproduce lens (or a file without a config): the client that connects to this host.
  const client = found?.client ?? clientForHost(ctx, p.host).client;
  const profile = await deviceProfile(ctx, project, client, p.servername ?? p.host);
  const r = await checkLikeDevice(profile, { host: p.host, port: p.port ?? 443, timeoutMs: p.timeoutMs ?? DEFAULT_TIMEOUT_MS, now: new Date(), signal });
  return {
    ok: r.ok,
    error: r.error,
    expected: r.expected,
    steps: r.steps,
    engine: r.engine,
    markdown: checkMarkdown(target, profile.client, r),
  };
}

/** The self-signed CA certificates in the project's certificate files (a private PKI's root, kept in the repository). */
function projectRoots(ctx: RuleContext): CertInfo[] {
  return [...ctx.files, ...(ctx.notCompiled ?? [])].flatMap((f) => f.certFile?.blocks ?? []).map((b) => b.cert).filter((c): c is CertInfo => !!c && c.selfSigned && c.isCA !== false);
}
