// Where C facts are extracted: in this thread (unit tests, from sources), or in one worker thread (the
// bundled server and command line, which call useExtractWorker). The worker keeps the language server
// answering while a file is parsed, and a file that outlasts its budget, faults the parser's wasm runtime or
// kills the thread is reported as that file's problem: the worker is replaced and the next file is unaffected.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TooComplex } from './budget';
import { extractC } from './extract';
import type { ExtractFailure, ExtractRequest, ExtractResponse, IdleNotice } from './extractProtocol';
import type { CFileFacts } from './facts';
import { GrammarUnavailable, parseBudgetMs, type Dialect } from './parser';

/** Time for a fresh worker to start and compile a grammar's wasm, added to a file's first budget in that dialect. */
const STARTUP_MS = 5000;
/** A runaway allocation ends the worker (a clear "analysis failed"), not the process. */
const WORKER_HEAP_MB = 512;

interface Job extends ExtractRequest { resolve(f: CFileFacts): void; reject(e: Error): void; limitMs?: number; timer?: NodeJS.Timeout }

export interface PoolOptions {
  /** How long one file may take in the worker before it is abandoned; default twice its parse budget. */
  limitMs?: (textLength: number) => number;
}

export class ExtractPool {
  private worker?: Worker;
  /** The dialects whose grammar the current worker has loaded. */
  private loaded = new Set<Dialect>();
  private readonly queue: Job[] = [];
  private current?: Job;
  private nextId = 1;
  private readonly limitMs: (textLength: number) => number;

  constructor(private readonly script: string, opts: PoolOptions = {}) {
    this.limitMs = opts.limitMs ?? ((n) => Math.round(2 * parseBudgetMs(n)));
  }

  extract(text: string, dialect: Dialect): Promise<CFileFacts> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, text, dialect, resolve, reject });
      this.pump();
    });
  }

  /** Ends the worker; jobs still waiting fail. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('the analysis was stopped'));
    const exited = this.discard();
    if (this.current) this.settle(new Error('the analysis was stopped'));
    await exited;
  }

  private pump(): void {
    if (this.current || !this.queue.length) return;
    const job = this.queue.shift()!;
    const worker = this.worker ?? this.start();
    worker.ref(); // idle, the worker must not keep the command line's process alive
    job.limitMs = this.limitMs(job.text.length) + (this.loaded.has(job.dialect) ? 0 : STARTUP_MS);
    job.timer = setTimeout(() => {
      void this.discard(); // before settle() hands the next job to a worker: not to this one
      this.settle(new TooComplex(`the analysis did not finish within ${job.limitMs} ms`));
    }, job.limitMs);
    this.current = job;
    const { id, text, dialect } = job;
    worker.postMessage({ id, text, dialect } satisfies ExtractRequest);
  }

  private start(): Worker {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (msg: ExtractResponse) => this.answered(msg));
    worker.on('error', (e) => this.stopped(worker, `the analysis worker failed: ${e.message}`));
    worker.on('exit', (code) => this.stopped(worker, `the analysis worker exited (code ${code})`));
    this.worker = worker;
    this.loaded = new Set();
    return worker;
  }

  private answered(msg: ExtractResponse): void {
    const job = this.current;
    if (!job || msg.id !== job.id) return; // the answer to a job already abandoned
    this.loaded.add(job.dialect);
    if ('facts' in msg) return this.settle(undefined, msg.facts);
    if (msg.failure.kind === 'fault') void this.discard(); // its runtime is unusable: the next file gets a new worker
    this.settle(errorOf(msg.failure));
  }

  private stopped(worker: Worker, reason: string): void {
    if (worker !== this.worker) return; // a worker already discarded
    this.worker = undefined;
    if (this.current) this.settle(new Error(reason));
  }

  /** Ends the current job with `error`, or with `facts`, and starts the next. */
  private settle(error: Error | undefined, facts?: CFileFacts): void {
    const job = this.current!;
    this.current = undefined;
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(facts!);
    if (!this.queue.length && this.worker) {
      this.worker.postMessage({ idle: true } satisfies IdleNotice);
      this.worker.unref();
    }
    this.pump();
  }

  /** Ends the current worker at once (its events are ignored from now on); the promise is its exit. */
  private async discard(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

function errorOf(f: ExtractFailure): Error {
  switch (f.kind) {
    case 'too-complex': return new TooComplex(f.message);
    case 'grammar': return new GrammarUnavailable(f.message);
    default: return new Error(f.message);
  }
}

let pool: ExtractPool | undefined;

/** From now on C facts are extracted by the worker bundled at `script`. */
export function useExtractWorker(script: string, opts?: PoolOptions): ExtractPool {
  pool = new ExtractPool(script, opts);
  return pool;
}

/** The bundles (dist/server.js, dist/cli.js) extract in dist/cWorker.js; from sources there is none, and extraction stays in this thread. */
export function useBundledWorker(): boolean {
  const script = path.join(__dirname, 'cWorker.js');
  if (existsSync(script)) useExtractWorker(script);
  return !!pool;
}

/** The facts of one C or C++ source: in the worker when there is one, else in this thread. */
export function extractCFacts(text: string, dialect: Dialect): Promise<CFileFacts> {
  return pool ? pool.extract(text, dialect) : extractC(text, { dialect });
}
