// Issue 19: C facts are extracted in a worker thread (server/src/c/extractPool.ts). A file that outlasts its
// budget, faults the parser's runtime or kills the thread is that file's problem only: it is reported, the
// worker is replaced, and the files after it are analysed. The worker here is a stand-in that misbehaves on
// request (test/fixtures/workers/misbehaving.mjs); test/cli/extract-worker.test.ts runs the real one.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TooComplex } from '../../server/src/c/budget';
import { ExtractPool } from '../../server/src/c/extractPool';

const script = path.resolve(__dirname, '../fixtures/workers/misbehaving.mjs');
const answer = async (pool: ExtractPool, text: string) => (await pool.extract(text, 'c')) as unknown as { text: string; threadId: number };

describe('the C extraction worker pool', () => {
  let pool: ExtractPool;
  beforeEach(() => { pool = new ExtractPool(script, { limitMs: () => 300 }); });
  afterEach(() => pool.close());

  it('answers in order from one worker', async () => {
    const [a, b] = await Promise.all([answer(pool, 'one'), answer(pool, 'two')]);
    assert.deepEqual([a.text, b.text], ['one', 'two']);
    assert.equal(a.threadId, b.threadId);
  });

  it('abandons a file that outlasts its limit as too complex, and the next file gets a new worker', async () => {
    const first = await answer(pool, 'warm'); // the worker's first file also has time to start it
    const t0 = Date.now();
    const hung = pool.extract('hang', 'c');
    const next = answer(pool, 'after'); // queued behind the hung file
    await assert.rejects(hung, (e: Error) => e instanceof TooComplex && /did not finish within 300 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 3000, `abandoned after ${Date.now() - t0} ms`);
    const after = await next;
    assert.equal(after.text, 'after');
    assert.notEqual(after.threadId, first.threadId);
  });

  for (const [text, reason] of [['exit', /exited \(code 3\)/], ['throw', /worker failed: boom/]] as const) {
    it(`reports a worker that dies (${text}) as that file's failure, then goes on`, async () => {
      const first = await answer(pool, 'warm');
      await assert.rejects(pool.extract(text, 'c'), (e: Error) => !(e instanceof TooComplex) && reason.test(e.message));
      const after = await answer(pool, 'after');
      assert.notEqual(after.threadId, first.threadId);
    });
  }

  it('replaces the worker after a fault in the parser runtime, but not after a file over budget', async () => {
    const first = await answer(pool, 'warm');
    await assert.rejects(pool.extract('complex', 'c'), (e: Error) => e instanceof TooComplex && /nested 300 deep/.test(e.message));
    assert.equal((await answer(pool, 'same')).threadId, first.threadId);
    await assert.rejects(pool.extract('fault', 'c'), /memory access out of bounds/);
    assert.notEqual((await answer(pool, 'new')).threadId, first.threadId);
  });

  it('fails the jobs still waiting when closed', async () => {
    const failed = [assert.rejects(pool.extract('hang', 'c'), /stopped/), assert.rejects(pool.extract('never', 'c'), /stopped/)];
    await pool.close();
    await Promise.all(failed);
  });
});
