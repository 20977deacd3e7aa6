// The C extraction worker (bundled as dist/cWorker.js): parses and reads facts off the main thread, so the
// language server answers requests while a file is parsed, and a file that hangs or faults the parser's
// wasm runtime costs only this thread, which extractPool.ts then replaces.
import { parentPort } from 'node:worker_threads';
import { collectIfGrown } from '../memory';
import { TooComplex } from './budget';
import { extractC } from './extract';
import type { ExtractFailure, ExtractRequest, ExtractResponse, IdleNotice } from './extractProtocol';
import { GrammarUnavailable, ParserFault } from './parser';

const port = parentPort;
if (!port) throw new Error('extractWorker.ts runs as a worker thread');

port.on('message', (req: ExtractRequest | IdleNotice) => {
  if ('idle' in req) return collectIfGrown();
  void extractC(req.text, { dialect: req.dialect }).then(
    (facts) => port.postMessage({ id: req.id, facts } satisfies ExtractResponse),
    (e: unknown) => port.postMessage({ id: req.id, failure: failureOf(e) } satisfies ExtractResponse),
  );
});

function failureOf(e: unknown): ExtractFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof TooComplex) return { kind: 'too-complex', message };
  if (e instanceof ParserFault) return { kind: 'fault', message };
  if (e instanceof GrammarUnavailable) return { kind: 'grammar', message };
  return { kind: 'failed', message };
}
