// Embed Certificates / Build Bundle over JSON-RPC against dist/server.js: the certificates offered, then
// each form's WorkspaceEdit applied to a copy of the demo project as an editor would, after which the
// project must check clean (no pem-not-nul-terminated, sdkconfig-custom-bundle-invalid,
// embed-symbol-missing, tls-no-server-verification; nothing at warning or above).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import type { CertificateChoicesResult, CertificateRef, EmbedForm, EmbedPlanResult } from '../../server/src/protocol';
import { bundleLayout, espBundle } from '../../server/src/x509/bundle';
import { decodeCertificate } from '../../server/src/x509/certificate';
import { makeSelfSigned } from '../support/certs';
import { applyEdits } from '../support/edits';
import { serverPath, TestClient, uri } from '../support/lsp';

const demo = path.resolve(__dirname, '../fixtures/demo-project');
// The server judges dates by its own clock: these roots are valid today.
const NOW = new Date();
const TELEMETRY_CFG = { line: 16, character: 8 };

type Change = { kind: 'create'; uri: string; options: object } | { textDocument: { uri: string; version: null }; edits: TextEdit[] };

interface Workspace { dir: string; client: TestClient; telemetry: string; request<T>(method: string, params: unknown): Promise<T> }

async function openWorkspace(): Promise<Workspace> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-lsp-embed-'));
  cpSync(demo, dir, { recursive: true });
  // Two private roots in one file (a CA transition), for the "files in the workspace" source.
  const a = await makeSelfSigned(NOW, { cn: 'Backend Root 2024', key: 'p256', slot: 'root' });
  const b = await makeSelfSigned(NOW, { cn: 'Backend Root 2026', key: 'p384', slot: 'other' });
  mkdirSync(path.join(dir, 'pki'));
  writeFileSync(path.join(dir, 'pki/backend_roots.pem'), a.pem + b.pem);
  const client = new TestClient();
  await client.initialize(dir);
  const telemetry = path.join(dir, 'main/telemetry_client.c');
  await client.waitForDiagnostics(telemetry, (l) => l.some((d) => d.code === 'tls-no-server-verification'));
  return { dir, client, telemetry, request: <T>(m: string, p: unknown) => client.connection.sendRequest(m, p) as Promise<T> };
}

/** Applies documentChanges as VS Code does (CreateFile fails on an existing file), then says what changed. */
async function apply(ws: Workspace, changes: Change[]): Promise<string[]> {
  const touched: string[] = [];
  for (const change of changes) {
    if ('kind' in change) {
      const file = fileURLToPath(change.uri);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '', { flag: 'wx' });
      touched.push(file);
      continue;
    }
    const file = fileURLToPath(change.textDocument.uri);
    writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), change.edits));
    touched.push(file);
  }
  await ws.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [...new Set(touched)].map((f) => ({ uri: uri(f), type: 2 })) });
  return [...new Set(touched)];
}

/** Waits until the telemetry client is fixed, then returns every diagnostic at warning or above in the workspace's files. */
async function serious(ws: Workspace, files: string[]): Promise<string[]> {
  await ws.client.waitForDiagnostics(ws.telemetry, (l) => !l.some((d) => d.code === 'tls-no-server-verification'));
  const all = [...new Set([...files, ws.telemetry, path.join(ws.dir, 'main/weather_client.c'), path.join(ws.dir, 'main/CMakeLists.txt'), path.join(ws.dir, 'sdkconfig.defaults')])];
  const out: string[] = [];
  for (const f of all) for (const d of ws.client.diagnosticsFor(f) ?? [] as Diagnostic[]) if (d.severity! <= 2) out.push(`${path.relative(ws.dir, f)}: ${d.code}: ${d.message}`);
  return out;
}

describe('language server: Embed Certificates / Build Bundle', { timeout: 90_000 }, () => {
  before(() => assert.ok(existsSync(serverPath), 'dist/server.js is missing: run `npm run build` first'));

  // Each form gets its own copy of the demo project (and server), so each round trip starts from the same state.
  let ws: Workspace;
  let choices: CertificateChoicesResult;
  const fresh = async () => {
    if (ws) await close();
    ws = await openWorkspace();
    choices = await ws.request<CertificateChoicesResult>('espTlsLens/certificateChoices', { uri: uri(ws.telemetry) });
  };
  const close = async () => {
    if (!ws) return; // openWorkspace failed: its server is killed by test/support/lsp.ts
    await ws.client.shutdown();
    rmSync(ws.dir, { recursive: true, force: true });
  };
  before(fresh);
  after(close);

  const backend = () => choices.files.filter((c) => c.label.startsWith('Backend Root')).map((c) => c.ref);
  const isrg = () => choices.mozilla.find((c) => c.label === 'ISRG Root X1')!;

  it('offers the workspace certificates and the Mozilla roots, marking the CMN bundle of the project release', () => {
    assert.equal(choices.project, ws.dir);
    assert.equal(choices.idf, '5.3');
    assert.deepEqual(choices.files.map((c) => [c.label, c.description]), [['Backend Root 2024', 'pki/backend_roots.pem #1'], ['Backend Root 2026', 'pki/backend_roots.pem #2']]);
    assert.ok(choices.mozilla.length > 100);
    assert.equal(isrg().inCmn, true);
    assert.match(isrg().description, /ESP-IDF CMN bundle/);
    assert.ok(choices.mozilla.some((c) => c.inCmn === false));
  });

  it('refuses an empty choice and a file outside any project, with a reason', async () => {
    const none = await ws.request<EmbedPlanResult>('espTlsLens/embedPlan', { uri: uri(ws.telemetry), certs: [], form: 'pem-file' });
    assert.deepEqual(none, { ok: false, error: 'no certificate chosen' });
    const outside = await ws.request<EmbedPlanResult>('espTlsLens/embedPlan', { uri: uri(path.join(tmpdir(), 'elsewhere.c')), certs: backend(), form: 'pem-file' });
    assert.equal(outside.ok, false);
    const stale = await ws.request<EmbedPlanResult>('espTlsLens/embedPlan', { uri: uri(ws.telemetry), certs: [{ kind: 'mozilla', sha256: 'AA:BB' }], form: 'pem-file' });
    assert.match(stale.ok ? '' : stale.error, /cannot be read any more/);
  });

  const plan = async (form: EmbedForm, certs: CertificateRef[], extra: object = {}) => {
    const r = await ws.request<EmbedPlanResult>('espTlsLens/embedPlan', { uri: uri(ws.telemetry), position: TELEMETRY_CFG, certs, form, ...extra });
    assert.ok(r.ok, JSON.stringify(r));
    return r;
  };

  it('custom bundle: PEM input, sdkconfig.defaults lines, bundle attached, exact flash against the FULL bundle; checks clean', async () => {
    const certs = [...backend(), isrg().ref];
    const r = await plan('custom-bundle', certs, { name: 'backend bundle' });
    // The exact size the build's gen_crt_bundle.py would make for these three (layout A: IDF 5.3).
    const decoded = await Promise.all([...backendPems(ws.dir), isrgPem(choices)].map(async (p) => decodeCertificate(await p)));
    const expectedBytes = espBundle(decoded, bundleLayout({ major: 5, minor: 3 })).length;
    assert.equal(r.flash.bytes, expectedBytes);
    assert.equal(r.flash.change, expectedBytes - 67806, 'against v5.3.5 FULL (67806 bytes)');
    assert.match(r.flash.text, /default FULL bundle: 67806 bytes \(148 certificates, measured at ESP-IDF v5\.3\.5\)/);
    assert.match(r.warnings.join('\n'), /1 other place\(s\) attach the certificate bundle \(main\/weather_client\.c:18\)/);
    assert.match(r.preview, /### New file `certs\/backend_bundle\.pem`/);
    assert.match(r.preview, /CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs\/backend_bundle\.pem"/);
    assert.match(r.preview, /### Flash/);

    const touched = await apply(ws, r.edit.documentChanges as Change[]);
    const defaults = readFileSync(path.join(ws.dir, 'sdkconfig.defaults'), 'utf8');
    assert.match(defaults, /^# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL is not set$/m);
    assert.match(defaults, /^CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=y\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH="certs\/backend_bundle\.pem"\n$/m);
    assert.match(readFileSync(ws.telemetry, 'utf8'), /\.crt_bundle_attach = esp_crt_bundle_attach,/);
    const pem = readFileSync(path.join(ws.dir, 'certs/backend_bundle.pem'), 'utf8');
    assert.equal((pem.match(/-----BEGIN CERTIFICATE-----\n/g) ?? []).length, 3);
    assert.deepEqual(await serious(ws, touched), []);
  });

  it('PEM file: EMBED_TXTFILES, extern symbols, cacert_pem_buf/bytes; checks clean', async () => {
    await fresh();
    const r = await plan('pem-file', backend(), { name: 'backend roots' });
    const touched = await apply(ws, r.edit.documentChanges as Change[]);
    assert.match(readFileSync(path.join(ws.dir, 'main/CMakeLists.txt'), 'utf8'), /EMBED_TXTFILES "certs\/backend_roots\.pem"/);
    const c = readFileSync(ws.telemetry, 'utf8');
    assert.match(c, /\.cacert_pem_buf = \(const unsigned char \*\)backend_roots_pem_start,/);
    assert.match(c, /\.cacert_pem_bytes = backend_roots_pem_end - backend_roots_pem_start,/);
    assert.doesNotMatch(c, /crt_bundle_attach/, 'the bundle would take precedence over the embedded CA');
    assert.equal(r.flash.bytes, readFileSync(path.join(ws.dir, 'main/certs/backend_roots.pem')).length + 1);
    assert.deepEqual(await serious(ws, touched), []);
  });

  it('C array: a static const char array in the source, sizeof as the length; checks clean', async () => {
    await fresh();
    const r = await plan('c-array', backend(), { name: 'backend roots' });
    const touched = await apply(ws, r.edit.documentChanges as Change[]);
    const c = readFileSync(ws.telemetry, 'utf8');
    assert.match(c, /\nstatic const char backend_roots_pem\[\] =\n {4}"-----BEGIN CERTIFICATE-----\\n"\n/);
    assert.match(c, /\.cacert_pem_buf = \(const unsigned char \*\)backend_roots_pem,/);
    assert.match(c, /\.cacert_pem_bytes = sizeof\(backend_roots_pem\),/);
    assert.deepEqual(await serious(ws, touched), []);
    // The hover on the array's name reads the certificates back.
    const line = c.split('\n').findIndex((l) => l.startsWith('static const char backend_roots_pem[]'));
    await ws.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(ws.telemetry), languageId: 'c', version: 1, text: c } });
    const hover = await ws.client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(ws.telemetry) }, position: { line: line + 1, character: 8 } }) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /Backend Root 202[46]/);
  });
});

function backendPems(dir: string): Promise<Uint8Array>[] {
  const text = readFileSync(path.join(dir, 'pki/backend_roots.pem'), 'utf8');
  return text.split(/(?<=-----END CERTIFICATE-----\n)/).filter((p) => p.includes('BEGIN')).map(async (p) => derOf(p));
}

async function isrgPem(choices: CertificateChoicesResult): Promise<Uint8Array> {
  const tls = await import('node:tls');
  const { X509Certificate } = await import('node:crypto');
  const sha = choices.mozilla.find((c) => c.label === 'ISRG Root X1')!.ref as { sha256: string };
  const pem = tls.rootCertificates.find((p) => new X509Certificate(p).fingerprint256 === sha.sha256)!;
  return derOf(pem);
}

function derOf(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}
