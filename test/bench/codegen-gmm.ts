/**
 * Benchmark (not part of the test suite): time per EM iteration of the generated GMM fitter
 * (`emforge compile`, both forms) against the runtime's own mixture executor on the same data,
 * with the same seed and options (tol 0: every run does exactly maxIter iterations, and the
 * fitters give the same bits, so the work is the same). Data: Old Faithful (N = 272, D = 2,
 * K = 2), and a larger synthetic GMM drawn by the fitter's own `sample` (N = 20000, D = 5, K = 4).
 *
 *   pnpm bench:codegen
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitFitter, lowerDataSchema, lowerProgram, planSource } from '../../packages/compiler/src/index.ts';
import { SourceFile } from '../../packages/dsl/src/index.ts';
import { bindData, type FitProgram, fitProgram } from '../../packages/runtime/src/index.ts';

type Fitter = {
  fit: (data: unknown, options: object) => { logLik: number; iterations: number };
  sample: (params: unknown, sizes: object, seed: number) => { data: unknown };
};

const gmm = readFileSync(new URL('../../examples/old-faithful-gmm/model.em', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'emforge-bench-'));

function plan(text: string) {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value as FitProgram;
  return { outcome, program, schema: lowerDataSchema(outcome.checked!) };
}

/** The generated fitter, loaded through tsx; the import form resolves @emforge/runtime to its sources. */
async function load(text: string, standalone: boolean): Promise<Fitter> {
  const { outcome, program, schema } = plan(text);
  const source = emitFitter(outcome, program, schema, { standalone }).value!;
  const runtime = pathToFileURL(new URL('../../packages/runtime/src/index.ts', import.meta.url).pathname).href;
  const path = join(dir, `fitter-${standalone ? 'standalone' : 'import'}.ts`);
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
    `  ${label.padEnd(22)} ${(perIteration * 1000).toFixed(1).padStart(9)} µs/iteration   (logLik ${logLik})`,
  );
  return perIteration;
}

async function main() {
  const imported = await load(gmm, false);
  const standalone = await load(gmm, true);
  const { program, schema } = plan(gmm);
  const faithful = JSON.parse(readFileSync(new URL('../../examples/old-faithful-gmm/data.json', import.meta.url), 'utf8'));
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
  rmSync(dir, { recursive: true, force: true });
}

await main();
