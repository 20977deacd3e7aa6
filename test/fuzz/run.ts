// `npm run fuzz -- --count 100000 [--seed N]`: runs the fuzzer (test/fuzz/engine.ts) and prints the figures
// docs/BENCHMARKS.md records (inputs, time, worst input, peak RSS). Every crash and every slow input is
// saved in test/fixtures/fuzz/crashes/, where test/unit/fuzz.test.ts replays it from then on.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz, inputName, SLOW_MS } from './engine';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: String(Date.now() % 100000) } } });
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) {
  console.error('fuzz: --count and --seed take whole numbers');
  process.exit(2);
}
const crashes = path.resolve(__dirname, '../fixtures/fuzz/crashes');

(async () => {
  console.log(`fuzz: ${count} inputs, seed ${seed}`);
  const report = await fuzz(count, seed, (f, i) => {
    if (f.error || f.ms > SLOW_MS) {
      mkdirSync(crashes, { recursive: true });
      const file = path.join(crashes, inputName(f));
      writeFileSync(file, f.input);
      console.log(`fuzz: input ${i} (${f.kind}) ${f.error ? `crashed: ${f.error}` : `took ${Math.round(f.ms)} ms`}; saved ${path.relative(process.cwd(), file)}`);
    }
    if ((i + 1) % 5000 === 0) console.log(`fuzz: ${i + 1} inputs`);
  });
  const w = report.worst;
  console.log(`fuzz: ${report.inputs} inputs in ${report.seconds.toFixed(0)} s; ${report.crashes.length} crashes, ${report.slow.length} over ${SLOW_MS} ms; ` +
    `worst ${w ? `${Math.round(w.ms)} ms (${w.kind}, ${w.input.length} bytes)` : '-'}; peak RSS ${Math.round(report.peakRssMb)} MB; by kind ${JSON.stringify(report.perKind)}`);
  process.exit(report.crashes.length || report.slow.length ? 1 : 0);
})();
