// Issue 19: the bundled worker (dist/cWorker.js) gives the same facts as extraction in this thread, for every
// C and C++ source among the fixtures (the shapes of the field test, the demo project, and the fuzz crashes,
// which must fail the same way). Facts cross the thread by structured clone: a fact that is a class instance
// or holds a function would arrive changed, and this comparison would fail.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { extractC } from '../../server/src/c/extract';
import { ExtractPool } from '../../server/src/c/extractPool';
import type { Dialect } from '../../server/src/c/parser';
import { repo } from '../support/cli';

const workerScript = path.join(repo, 'dist/cWorker.js');
const fixtures = path.join(repo, 'test/fixtures');
const sources = (readdirSync(fixtures, { recursive: true }) as string[]).filter((f) => /\.(c|h|cpp|cc|ino)$/.test(f)).sort();

const outcome = <T>(p: Promise<T>) => p.then((facts) => ({ facts }), (e: Error) => ({ error: `${e.constructor.name}: ${e.message}` }));

describe('the bundled C extraction worker', () => {
  const pool = new ExtractPool(workerScript);
  after(() => pool.close());

  it('is built', () => assert.ok(existsSync(workerScript), 'dist/cWorker.js is missing: run `npm run build` first'));

  it(`gives the facts extraction in process gives, for the ${sources.length} C/C++ fixtures`, async () => {
    assert.ok(sources.length >= 20, `only ${sources.length} sources found`);
    for (const file of sources) {
      const text = readFileSync(path.join(fixtures, file), 'utf8');
      const dialect: Dialect = /\.(cpp|cc|ino)$/.test(file) ? 'cpp' : 'c';
      const here = await outcome(extractC(text, { dialect }));
      const there = await outcome(pool.extract(text, dialect));
      assert.deepStrictEqual(there, here, file);
    }
  });
});
