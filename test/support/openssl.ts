// `openssl s_server` and `openssl s_client` for tests: real OpenSSL peers on 127.0.0.1, started with the
// port the OS chooses, polled until they accept (no fixed sleep), all ended by stopOpenssl().
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GeneratedCert } from './certs';

export const OPENSSL = existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';
export const SNI = 'device.example.com';

let tmp: string | undefined;
const children: ChildProcess[] = [];

/** Ends every OpenSSL process started here and removes their files; call it from after(). */
export async function stopOpenssl(): Promise<void> {
  await Promise.all(children.splice(0).map(stopChild));
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resolves once `port` accepts a TCP connection; polls (no fixed sleep) until `deadline`. */
async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`openssl s_server never accepted connections on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ServerSetup {
  leaf: GeneratedCert;
  /** The -cert_chain file, in this order; absent: no -cert_chain (and no CA store to build one from). */
  chain?: GeneratedCert[];
  args?: string[];
}

/** Starts `openssl s_server -www` on 127.0.0.1 (port chosen by the OS, read from its "ACCEPT" line) and returns the port. */
export async function startSServer(name: string, setup: ServerSetup): Promise<number> {
  tmp ??= await mkdtemp(path.join(tmpdir(), 'tls-lens-openssl-'));
  const dir = await mkdtemp(path.join(tmp, name));
  const files = { cert: path.join(dir, 'leaf.pem'), key: path.join(dir, 'leaf.key'), chain: path.join(dir, 'chain.pem') };
  await writeFile(files.cert, setup.leaf.pem);
  await writeFile(files.key, setup.leaf.keyPem);
  const args = ['s_server', '-accept', '127.0.0.1:0', '-www', '-cert', files.cert, '-key', files.key, '-no-CAfile', '-no-CApath', '-no-CAstore'];
  if (setup.chain) {
    await writeFile(files.chain, setup.chain.map((c) => c.pem).join(''));
    args.push('-cert_chain', files.chain);
  }
  args.push(...(setup.args ?? []));
  const child = spawn(OPENSSL, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`openssl s_server could not be started (${why}): ${OPENSSL} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail('no ACCEPT line within 10 s'), 10_000);
    child.stdout!.on('data', (d: string) => {
      stdout += d;
      const m = /^ACCEPT\s+\S*:(\d+)\s*$/m.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.stderr!.on('data', (d: string) => { stderr += d; });
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? code}`));
  });
  await waitForPort(port, Date.now() + 10_000);
  return port;
}

/** `openssl s_client -showcerts` (stdin closed): the DER of every PEM block in its "Certificate chain" section. */
export function sClientChain(port: number, args: string[] = [], servername = SNI): Promise<Buffer[]> {
  const all = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-showcerts', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(OPENSSL, all, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', (e) => reject(new Error(`openssl s_client could not be run: ${e.message}`)));
    child.once('close', (code, signal) => {
      const section = /^Certificate chain\n([\s\S]*?)^---$/m.exec(stdout);
      if (!section) {
        reject(new Error(`openssl s_client printed no certificate chain (exit ${signal ?? code}): ${OPENSSL} ${all.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      const pems = [...section[1].matchAll(/-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=\n]+?)-----END CERTIFICATE-----/g)];
      resolve(pems.map((m) => Buffer.from(m[1].replace(/\n/g, ''), 'base64')));
    });
  });
}
