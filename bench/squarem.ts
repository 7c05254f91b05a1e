/**
 * Benchmark (not part of the test suite): SQUAREM against plain EM on a slowly converging
 * mixture — the heavily overlapping 2-D, K = 4 GMM of the peer fixtures
 * (test/peers/gmm/sim_d2_k4_n800_overlapping.sklearn.json, 800 points, full covariances), from
 * the fixture's initial parameters. For each tolerance (1e-8, and 1e-10 as in
 * packages/runtime/test/em/variants.test.ts) it runs plain EM and `accelerate: 'squarem'` to
 * convergence and prints one JSON line: iterations (SQUAREM cycles), EM maps (M-steps) spent,
 * final objective, converged, and the median fit time over `--repeats` runs.
 *
 *   pnpm exec tsx bench/squarem.ts [--repeats 3]
 */
import { readFileSync } from 'node:fs';
// The compiler's modules directly, not its index: the index also loads the code generator
// (ts-morph and the TypeScript compiler), ~100 MB of RSS a fit does not need.
import { lowerDataSchema } from '../packages/compiler/dist/lower/data-schema.js';
import { lowerProgram } from '../packages/compiler/dist/lower/lower-program.js';
import { planSource } from '../packages/compiler/dist/pipeline.js';
import { SourceFile } from '../packages/dsl/dist/index.js';
import { bindData, type EmFitOptions, fitAnyProgram, type Program } from '../packages/runtime/dist/index.js';

const root = new URL('../', import.meta.url);
const repeatsAt = process.argv.indexOf('--repeats');
const repeats = repeatsAt > 0 ? Number(process.argv[repeatsAt + 1]) : 3;

// biome-ignore lint/suspicious/noExplicitAny: the fixture is plain JSON
const fixture: any = JSON.parse(
  readFileSync(new URL('test/peers/gmm/sim_d2_k4_n800_overlapping.sklearn.json', root), 'utf8'),
);
const source = readFileSync(new URL('bench/models/gmm-full.em', root), 'utf8');
const outcome = planSource(new SourceFile('gmm-full.em', source));
const program = lowerProgram(outcome).value as Program;
const schema = lowerDataSchema(outcome.checked!);
const sizes = { K: fixture.k as number };
const bound = bindData(schema, { x: fixture.data.x }, sizes);
if (!bound.value) throw new Error(JSON.stringify(bound.problems));
const data = bound.value;
const init = {
  weights: fixture.forms.full.initial.weights,
  mu: fixture.forms.full.initial.means,
  Sigma: fixture.forms.full.initial.covariances_compact,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function run(options: EmFitOptions) {
  const seconds: number[] = [];
  let result = fitAnyProgram(program, data, options).result;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    result = fitAnyProgram(program, data, options).result;
    seconds.push((performance.now() - t0) / 1000);
  }
  const decreases = result.history.filter((v, t) => t > 0 && v < result.history[t - 1]! - 1e-10 * Math.abs(v)).length;
  return {
    iterations: result.iterations,
    em_maps: result.emSteps,
    objective: result.objective,
    converged: result.converged,
    seconds: median(seconds),
    decreases,
    warnings: result.warnings,
  };
}

const rows = [1e-8, 1e-10].map((tol) => {
  const base: EmFitOptions = { init, tol, maxIter: 100000, restarts: 1, seed: 1, regCovar: 1e-6 };
  return { tol, plain: run(base), squarem: run({ ...base, accelerate: 'squarem' }) };
});
process.stdout.write(
  `${JSON.stringify({ section: 'squarem', dataset: fixture.dataset, n: fixture.data.x.length, d: 2, k: fixture.k, rows })}\n`,
);
