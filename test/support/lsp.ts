// A minimal LSP client for tests: spawns the bundled dist/server.js over stdio and records what it publishes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const serverPath = path.resolve(__dirname, '../../dist/server.js');
export const uri = (file: string) => pathToFileURL(file).href;

/** How long a server may take to answer `initialize` or `shutdown` before the test fails (or the process is killed). */
const START_MS = 20_000;
const STOP_MS = 5_000;

/** Every server a test file started: killed when the file's tests end, even when a hook failed before its own after() could stop it. */
const started = new Set<TestClient>();
after(() => { for (const c of started) c.kill(); });

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly proc: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  readonly log: string[] = [];
  /** workspace/codeLens/refresh requests received (the server sends them when initialize said refreshSupport). */
  lensRefreshes = 0;
  stderr = '';
  settings: Record<string, unknown> = {};
  /** Every espTlsLens/status notification, in order. */
  readonly statuses: { state: string; message?: string; projects?: number; findings?: number }[] = [];

  private readonly exit: Promise<number | null>;

  constructor(private readonly server = serverPath, private readonly startMs = START_MS) {
    this.proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    started.add(this);
    this.exit = new Promise((resolve) => this.proc.once('exit', (code) => { started.delete(this); resolve(code); }));
    this.proc.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.connection = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('espTlsLens/status', (p: { state: string; message?: string; projects?: number; findings?: number }) => {
      this.statuses.push(p);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => { this.log.push(p.message); });
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'espTlsLens' ? this.settings : i.section === 'files.exclude' ? {} : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/codeLens/refresh', () => { this.lensRefreshes++; return null; });
    this.connection.listen();
  }

  /** Fails at once when the server exits instead of answering (a missing or broken dist/server.js), and after `startMs` when it never answers. */
  async initialize(folder: string, capabilities: Record<string, unknown> = {}): Promise<void> {
    const answered = this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(folder),
      workspaceFolders: [{ uri: uri(folder), name: path.basename(folder) }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, ...capabilities } },
    });
    await this.within(answered, this.startMs, 'answer initialize');
    await this.connection.sendNotification('initialized', {});
  }

  /** `p`, unless the server exits first or `ms` pass: then the server is killed and the error says why, with its stderr. */
  private async within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.server} did not ${what} within ${ms / 1000} s\nstderr: ${this.stderr}`)), ms);
      void this.exit.then((code) => reject(new Error(`${this.server} exited (code ${code}) instead of being able to ${what}\nstderr: ${this.stderr}`)));
    });
    try {
      return await Promise.race([p, failed]);
    } catch (e) {
      this.kill();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
    this.connection.dispose();
  }

  diagnosticsFor(file: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri(file));
  }

  /** Resolves when what is published for `file` satisfies `ok`; fails with what was last seen. */
  async waitForDiagnostics(file: string, ok: (d: Diagnostic[]) => boolean, timeoutMs = 15000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.diagnosticsFor(file);
      if (d && ok(d)) return d;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for diagnostics of ${file}; last: ${JSON.stringify(d)}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Resolves when a status notification satisfies `ok`. */
  async waitForStatus(ok: (s: { state: string; message?: string }) => boolean, timeoutMs = 15000): Promise<{ state: string; message?: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.statuses.find(ok);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a status; seen: ${JSON.stringify(this.statuses)}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  get exited(): boolean { return this.proc.exitCode !== null || this.proc.signalCode !== null; }

  /** Asks the server to stop; kills it when it does not within STOP_MS. */
  async shutdown(): Promise<void> {
    if (this.exited) return this.connection.dispose();
    try {
      await this.within(this.connection.sendRequest('shutdown'), STOP_MS, 'answer shutdown');
      await this.connection.sendNotification('exit');
    } catch { /* killed by within() */ }
    const timer = setTimeout(() => this.kill(), STOP_MS);
    await this.exit;
    clearTimeout(timer);
    this.connection.dispose();
  }
}
