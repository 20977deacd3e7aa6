// The language-server half of `npm run bench`: drives dist/server.js over JSON-RPC (stdio) the way the
// editor does, and times what a person feels: the time from an edit to its diagnostics, hovers, the
// memory the server keeps after indexing, and what activating the extension waits for.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

const uri = (file) => pathToFileURL(file).href;

/** A server process and what it publishes; `next*` resolve on the next matching notification. */
class Session {
  constructor(serverPath) {
    this.proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.waiters = [];
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => this.emit('diagnostics', p));
    this.conn.onNotification('espTlsLens/status', (p) => this.emit('status', p));
    this.conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  emit(kind, params) {
    this.waiters = this.waiters.filter((w) => !(w.kind === kind && w.ok(params) && (w.resolve(params), true)));
  }

  /** The next notification of `kind` satisfying `ok`, or an error after `ms`. */
  next(kind, ok, ms = 120_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} within ${ms} ms; server stderr: ${this.stderr.slice(-2000)}`)), ms);
      this.waiters.push({ kind, ok, resolve: (p) => { clearTimeout(timer); resolve(p); } });
    });
  }

  async initialize(folder) {
    const ready = this.next('status', (s) => s.state === 'ready');
    const started = performance.now();
    await this.conn.sendRequest('initialize', {
      processId: process.pid, rootUri: uri(folder), workspaceFolders: [{ uri: uri(folder), name: path.basename(folder) }],
      capabilities: { workspace: { configuration: true } },
    });
    const initialized = performance.now() - started;
    await this.conn.sendNotification('initialized', {});
    await ready;
    return { initializeMs: initialized, indexedMs: performance.now() - started };
  }

  rssKb() {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'))?.[1] ?? 0);
  }

  async close() {
    try { await this.conn.sendRequest('shutdown'); await this.conn.sendNotification('exit'); } catch { /* already gone */ }
    this.conn.dispose();
    this.proc.kill();
  }
}

/**
 * Opens the workspace `dir`, then: RSS after indexing; 200 edits of `bigFile` (a character typed and
 * removed again, at lines spread over the file), each timed from didChange to the diagnostics published
 * for it; hovers on an error code and on a certificate inside a C string literal.
 */
export async function measureLsp(serverPath, dir, bigFile, pemFile, edits = 200, hovers = 100) {
  const s = new Session(serverPath);
  try {
    const { indexedMs } = await s.initialize(dir);
    const rssKb = s.rssKb();
    const big = path.join(dir, bigFile);
    const text = readFileSync(big, 'utf8');
    const lines = text.split('\n');
    const opened = s.next('diagnostics', (p) => p.uri === uri(big));
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(big), languageId: 'c', version: 1, text } });
    await opened;
    const change = [];
    for (let i = 0; i < edits; i++) {
      const line = Math.floor((i * 7919) % (lines.length - 1));
      const typed = i % 2 === 0; // type a space at the start of a line, then take it away again
      const range = { start: { line, character: 0 }, end: { line, character: typed ? 0 : 1 } };
      const published = s.next('diagnostics', (p) => p.uri === uri(big));
      const t = performance.now();
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(big), version: i + 2 }, contentChanges: [{ range, text: typed ? ' ' : '' }] });
      await published;
      change.push(performance.now() - t);
    }
    // Edits that move every fact of the file (a line added at the top, then removed): the rules run again
    // over the whole project, where a keystroke inside a function usually changes no fact at all.
    const shift = [];
    for (let i = 0; i < 20; i++) {
      const added = i % 2 === 0;
      const range = { start: { line: 1, character: 0 }, end: { line: added ? 1 : 2, character: 0 } };
      const published = s.next('diagnostics', (p) => p.uri === uri(big));
      const t = performance.now();
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(big), version: edits + i + 2 }, contentChanges: [{ range, text: added ? '\n' : '' }] });
      await published;
      shift.push(performance.now() - t);
    }
    // An error code as the monitor prints it, in a buffer of its own; a certificate in a PEM literal.
    const codeFile = path.join(dir, 'main', 'bench_hover.c');
    const codeText = '// I (5123) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700\n';
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(codeFile), languageId: 'c', version: 1, text: codeText } });
    const pem = path.join(dir, pemFile);
    const pemText = readFileSync(pem, 'utf8');
    const pemLine = pemText.split('\n').findIndex((l) => l.includes('-----BEGIN CERTIFICATE')) + 2;
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(pem), languageId: 'c', version: 1, text: pemText } });
    const hover = async (file, position, expect) => {
      const out = [];
      for (let i = 0; i < hovers; i++) {
        const t = performance.now();
        const h = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: uri(file) }, position });
        out.push(performance.now() - t);
        if (!h || !expect.test(JSON.stringify(h.contents))) throw new Error(`hover at ${file}:${position.line} gave ${JSON.stringify(h)?.slice(0, 300)}`);
      }
      return out;
    };
    const codeHover = await hover(codeFile, { line: 0, character: codeText.indexOf('0x2700') + 2 }, /X509 - Certificate verification failed|CERT_VERIFY_FAILED/i);
    const certHover = await hover(pem, { line: pemLine, character: 10 }, /Bench Root CA/);
    return { indexedMs, rssKb, change, shift, codeHover, certHover };
  } finally {
    await s.close();
  }
}

/**
 * The server's memory over a long session (issue 19): `edits` edits of one file (a character typed and
 * removed), RSS after the first 100 and after all of them. Each edit waits for its diagnostics.
 */
export async function measureEditMemory(serverPath, dir, file, edits = 10_000) {
  const s = new Session(serverPath);
  try {
    await s.initialize(dir);
    const target = path.join(dir, file);
    const text = readFileSync(target, 'utf8');
    const lines = text.split('\n').length;
    const opened = s.next('diagnostics', (p) => p.uri === uri(target));
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(target), languageId: 'c', version: 1, text } });
    await opened;
    let after100 = 0;
    const started = performance.now();
    for (let i = 0; i < edits; i++) {
      // The space typed by edit i is taken away by edit i + 1, on the same line: the text stays sound.
      const line = Math.floor((Math.floor(i / 2) * 7919) % (lines - 1));
      const typed = i % 2 === 0;
      const range = { start: { line, character: 0 }, end: { line, character: typed ? 0 : 1 } };
      const published = s.next('diagnostics', (p) => p.uri === uri(target));
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(target), version: i + 2 }, contentChanges: [{ range, text: typed ? ' ' : '' }] });
      await published;
      if (i === 99) after100 = s.rssKb();
      if (process.env.BENCH_TRACE && i % 250 === 249) console.log(`  ${i + 1} edits, ${((performance.now() - started) / 1000).toFixed(1)} s, RSS ${(s.rssKb() / 1024).toFixed(0)} MB`);
    }
    return { edits, after100Kb: after100, afterAllKb: s.rssKb(), seconds: (performance.now() - started) / 1000 };
  } finally {
    await s.close();
  }
}

/**
 * What activating the extension waits for, measured outside VS Code: loading dist/client.js (with a stand-in
 * for the `vscode` module, which only the editor provides) plus starting dist/server.js until it answers
 * `initialize` (activate() awaits the language client's start). Registering commands and the status item
 * are synchronous editor calls and are not counted.
 */
export async function measureActivation(clientPath, serverPath, folder) {
  const standIn = () => new Proxy(function () {}, {
    get: (_t, k) => (k === 'prototype' ? {} : standIn()),
    construct: () => standIn(),
    apply: () => standIn(),
  });
  const vscode = standIn();
  const load = Module._load;
  Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
  const require = Module.createRequire(import.meta.url);
  delete require.cache[require.resolve(clientPath)]; // a fresh load every time
  const t = performance.now();
  try {
    require(clientPath);
  } finally {
    Module._load = load;
  }
  const loadMs = performance.now() - t;
  const s = new Session(serverPath);
  try {
    const { initializeMs } = await s.initialize(folder);
    return { loadMs, initializeMs };
  } finally {
    await s.close();
  }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
