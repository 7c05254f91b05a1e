/**
 * Benchmark (not part of the test suite): time per EM iteration of the generated GMM and HMM
 * fitters (`emforge compile`, both forms) against the runtime's own executors (the mixture
 * executor; the chain executor, `fitAnyProgram`) on the same data, with the same seed and options
 * (tol 0: every run does exactly maxIter iterations, and the fitters give the same bits, so the
 * work is the same). Data: Old Faithful (N = 272, D = 2, K = 2), a larger synthetic GMM drawn by
 * the fitter's own `sample` (N = 20000, D = 5, K = 4); the dishonest casino (8 sequences, 1864
 * rolls, K = 2, M = 6) and the Gaussian HMM example (20 sequences, 2707 steps, D = 2, K = 3), each
 * also with its sequences repeated 10 times.
 *
 *   pnpm bench:codegen
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitFitter, lowerDataSchema, lowerProgram, planSource } from '../../packages/compiler/src/index.js';
import { SourceFile } from '../../packages/dsl/src/index.js';
import { bindData, type FitProgram, fitAnyProgram, fitProgram } from '../../packages/runtime/src/index.js';

type Fitter = {
  fit: (data: unknown, options: object) => { logLik: number; iterations: number };
  sample: (params: unknown, sizes: object, seed: number) => { data: unknown };
};

const gmm = readFileSync(new URL('../../examples/old-faithful-gmm/model.em', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'emforge-bench-'));

const example = (name: string, file: string) =>
  readFileSync(new URL(`../../examples/${name}/${file}`, import.meta.url), 'utf8');

function plan(text: string) {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value as FitProgram;
  return { outcome, program, schema: lowerDataSchema(outcome.checked!) };
}

/** The generated fitter, loaded through tsx; the import form resolves @emforge/runtime to its sources. */
async function load(text: string, standalone: boolean, tag = 'gmm'): Promise<Fitter> {
  const { outcome, program, schema } = plan(text);
  const source = emitFitter(outcome, program, schema, { standalone }).value!;
  const runtime = pathToFileURL(new URL('../../packages/runtime/src/index.js', import.meta.url).pathname).href;
  const path = join(dir, `fitter-${tag}-${standalone ? 'standalone' : 'import'}.ts`);
  writeFileSync(path, source.replace("from '@emforge/runtime'", `from '${runtime}'`));
  return (await import(pathToFileURL(path).href)) as Fitter;
}

function time(label: string, run: () => { logLik: number; iterations: number }, repeats: number): number {
  run(); // warm-up
  const start = performance.now();
  let iterations = 0;
  let logLik = 0;
  for (let r = 0; r < repeats; r++) ({ iterations, logLik } = run());
  const perIteration = (performance.now() - start) / (repeats * iterations);
  console.log(
    `  ${label.padEnd(24)} ${(perIteration * 1000).toFixed(1).padStart(9)} µs/iteration   (logLik ${logLik})`,
  );
  return perIteration;
}

async function main() {
  const imported = await load(gmm, false);
  const standalone = await load(gmm, true);
  const { program, schema } = plan(gmm);
  const faithful = JSON.parse(
    readFileSync(new URL('../../examples/old-faithful-gmm/data.json', import.meta.url), 'utf8'),
  );
  const synthetic = imported.sample(
    {
      weights: [0.1, 0.2, 0.3, 0.4],
      mu: Array.from({ length: 4 }, (_, k) => Array.from({ length: 5 }, (_, j) => 3 * k + j)),
      Sigma: Array.from({ length: 4 }, (_, k) =>
        Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 1 + k : 0.3))),
      ),
    },
    { N: 20000, K: 4 },
    1,
  ).data;
  for (const [name, data, sizes, maxIter, repeats] of [
    ['old faithful (N=272, D=2, K=2)', faithful, {}, 200, 20],
    ['synthetic (N=20000, D=5, K=4)', synthetic, { K: 4 }, 20, 3],
  ] as const) {
    const options = { seed: 1, restarts: 1, maxIter, tol: 0, sizes };
    const bound = bindData(schema, data, sizes).value!;
    console.log(name);
    const runtime = time('runtime (fitProgram)', () => fitProgram(program, bound, options), repeats);
    const a = time('generated (import)', () => imported.fit(data, options), repeats);
    const b = time('generated (standalone)', () => standalone.fit(data, options), repeats);
    console.log(
      `  runtime / generated: ${(runtime / a).toFixed(2)}× (import), ${(runtime / b).toFixed(2)}× (standalone)`,
    );
  }
  for (const name of ['hmm-dishonest-casino', 'hmm-gaussian']) {
    const text = example(name, 'model.em');
    const hmmImported = await load(text, false, name);
    const hmmStandalone = await load(text, true, name);
    const hmm = plan(text);
    const data = JSON.parse(example(name, 'data.json')) as { y: unknown[] };
    const repeated = { y: Array.from({ length: 10 }, () => data.y).flat() };
    for (const [label, d, maxIter, repeats] of [
      [`${name} (${data.y.length} sequences)`, data, 100, 10],
      [`${name} ×10 (${repeated.y.length} sequences)`, repeated, 20, 5],
    ] as const) {
      const options = { seed: 1, restarts: 1, maxIter, tol: 0 };
      const bound = bindData(hmm.schema, d, {}).value!;
      console.log(label);
      const runtime = time('runtime (fitAnyProgram)', () => fitAnyProgram(hmm.program, bound, options).result, repeats);
      const a = time('generated (import)', () => hmmImported.fit(d, options), repeats);
      const b = time('generated (standalone)', () => hmmStandalone.fit(d, options), repeats);
      console.log(
        `  runtime / generated: ${(runtime / a).toFixed(2)}× (import), ${(runtime / b).toFixed(2)}× (standalone)`,
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
