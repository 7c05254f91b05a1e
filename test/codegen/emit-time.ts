/**
 * Benchmark (not part of the test suite): the time `emitFitter` takes to generate the Old
 * Faithful GMM's fitter (lower the plan to structures, print them), both forms. The first call
 * (cold: module initialisation, ts-morph's first source file) and the median and minimum of 40
 * more. Timings on a shared machine are noisy: run it a few times.
 *
 *   pnpm exec tsx test/codegen/emit-time.ts
 */
import { readFileSync } from 'node:fs';
import { emitFitter, lowerDataSchema, lowerProgram, planSource } from '../../packages/compiler/src/index.js';
import { SourceFile } from '../../packages/dsl/src/index.js';

const path = new URL('../../examples/old-faithful-gmm/model.em', import.meta.url);
const outcome = planSource(new SourceFile('model.em', readFileSync(path, 'utf8')));
const program = lowerProgram(outcome).value;
if (!program || !outcome.checked) throw new Error('the GMM example does not lower');
const schema = lowerDataSchema(outcome.checked);

for (const standalone of [false, true]) {
  const times: number[] = [];
  for (let i = 0; i < 41; i++) {
    const start = performance.now();
    const out = emitFitter(outcome, program, schema, { standalone });
    times.push(performance.now() - start);
    if (!out.value) throw new Error('no fitter generated');
  }
  const first = times.shift() ?? 0;
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1] ?? 0;
  console.log(
    `GMM fitter${standalone ? ' (--standalone)' : ''}: first ${first.toFixed(1)} ms, median ${median.toFixed(2)} ms, min ${(times[0] ?? 0).toFixed(2)} ms`,
  );
}
