// A minimal LSP client for tests: spawns the bundled dist/server.js over stdio and records what it publishes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const serverPath = path.resolve(__dirname, '../../dist/server.js');
export const uri = (file: string) => pathToFileURL(file).href;

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly proc: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  readonly log: string[] = [];
  stderr = '';
  settings: Record<string, unknown> = {};
  /** Every espTlsLens/status notification, in order. */
  readonly statuses: { state: string; message?: string }[] = [];

  constructor(server = serverPath) {
    this.proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.connection = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('espTlsLens/status', (p: { state: string; message?: string }) => {
      this.statuses.push(p);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => { this.log.push(p.message); });
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'espTlsLens' ? this.settings : i.section === 'files.exclude' ? {} : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  async initialize(folder: string): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(folder),
      workspaceFolders: [{ uri: uri(folder), name: path.basename(folder) }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    });
    await this.connection.sendNotification('initialized', {});
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

  get exited(): boolean { return this.proc.exitCode !== null; }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await new Promise((r) => (this.proc.exitCode !== null ? r(null) : this.proc.once('exit', r)));
    this.connection.dispose();
  }
}
