// Issue 19: every crash the fuzzer ever found stays fixed (test/fixtures/fuzz/crashes/, replayed here), and
// a short fuzz run with a fixed seed finds no new one. `npm run fuzz` runs the fuzzer for as long as asked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EXTENSION, fuzz, runInput, type Kind } from '../fuzz/engine';

const crashes = path.resolve(__dirname, '../fixtures/fuzz/crashes');
const kindOf = (name: string): Kind => (Object.keys(EXTENSION) as Kind[]).find((k) => name.startsWith(`${k}-`))!;

describe('fuzzing', () => {
  for (const name of readdirSync(crashes).filter((n) => n !== 'README.md')) {
    it(`regression: ${name}`, async () => {
      await runInput(kindOf(name), readFileSync(path.join(crashes, name)));
    });
  }

  it('300 mutated inputs of every kind (seed 1): no crash', async () => {
    const report = await fuzz(300, 1);
    assert.deepEqual(report.crashes.map((c) => `${c.kind}: ${c.error}`), []);
    assert.equal(report.inputs, 300);
    assert.ok(Object.keys(report.perKind).length >= 7, JSON.stringify(report.perKind));
  });
});
