// The messages between the analysis and the C extraction worker (extractPool.ts ↔ extractWorker.ts), typed once.
import type { CFileFacts } from './facts';
import type { Dialect } from './parser';

export interface ExtractRequest { id: number; text: string; dialect: Dialect }

/** No file is waiting: a moment to collect garbage (not between the files of a batch, where it only slows it). */
export interface IdleNotice { idle: true }

/**
 * How an extraction failed: `too-complex` (over the file's budget), `fault` (the wasm runtime faulted: the
 * worker must be replaced), `grammar` (the grammar cannot load: no file's fault), `failed` (any other error).
 */
export type ExtractFailure = { kind: 'too-complex' | 'fault' | 'grammar' | 'failed'; message: string };

export type ExtractResponse = { id: number; facts: CFileFacts } | { id: number; failure: ExtractFailure };
