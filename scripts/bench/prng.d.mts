// Types of prng.mjs for the fuzzer (test/fuzz/engine.ts).
/** mulberry32: a small deterministic PRNG. */
export declare function prng(seed: number): () => number;
