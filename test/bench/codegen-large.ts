/**
 * Benchmark (not part of the test suite): seconds per EM iteration of the generated GMM and
 * Gaussian-HMM fitters (`emforge compile`, both forms) against the runtime's own path as
 * `emforge fit` runs it (the specialised executors: the WebAssembly block kernels of runtime/src/fast
 * for the GMM, runtime/src/chain/fast-chain*.ts for the HMM), at 1 thread, on the shared peer
 * workloads of /work/benchdata: GMM full covariance D = 10, K = 8, N = 100,000, and the Gaussian HMM
 * K = 4, D = 3, 100 sequences of 1000 steps; the shared initial params (NAME.init.json), tol 0.
 * Seconds per iteration = (time of a fit with `maxIter` = 1 + m − time with 1) / m, so binding,
 * initialisation and the final E-step are not counted; median of 3. The machine is shared: noisy.
 * Every fit is one run (`restarts: 1`: the generated `fit` defaults to `emforge fit`'s 10, the
 * runtime's `fitAnyProgram` to 1 — comparing those was comparing 10 runs with 1). The generated
 * fitters run the specialised path `emforge fit` runs (the same kernels, the same bits); the
 * `specialise: false` rows run their general E- and M-steps (the runtime's general executors).
 * The runtime rows skip the posteriors (`posteriors: false`: no per-item arrays after the fit,
 * less garbage to collect while the others run); the iterations are the same.
 *
 *   pnpm bench:codegen-large [--iters m] [--repeats r] [--gmm | --hmm]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emitFitter, lowerDataSchema, lowerProgram, planSource } from '../../packages/compiler/src/index.js';
import { SourceFile } from '../../packages/dsl/src/index.js';
import { type BoundData, bindData, fitAnyProgram, type Program } from '../../packages/runtime/src/index.js';

type Fitter = { fit: (data: unknown, options: object) => { logLik: number; iterations: number } };

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const iters = option('--iters', 5);
const repeats = option('--repeats', 3);
const dir = mkdtempSync(join(tmpdir(), 'emforge-bench-'));
const bench = '/work/benchdata';

const gmmModel = `model gmm {
  size N, D
  size K
  data x[N]: real[D]
  param w: simplex[K]
  param mu[K]: real[D]
  param Sigma[K]: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}`;

const hmmModel = `model hmm_gauss {
  size S
  size T[S]
  size D
  size K
  data   y[S][T]: real[D]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ MvNormal(mu[h[s][t]], Sigma[h[s][t]]) }
  }
}`;

function plan(text: string) {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value as Program;
  return { outcome, program, schema: lowerDataSchema(outcome.checked!) };
}

/** The generated fitter, loaded through tsx; the import form resolves @emforge/runtime to its sources. */
async function load(text: string, standalone: boolean, tag: string): Promise<Fitter> {
  const { outcome, program, schema } = plan(text);
  const source = emitFitter(outcome, program, schema, { standalone }).value!;
  const runtime = pathToFileURL(new URL('../../packages/runtime/src/index.js', import.meta.url).pathname).href;
  const path = join(dir, `fitter-${tag}-${standalone ? 'standalone' : 'import'}.ts`);
  writeFileSync(path, source.replace("from '@emforge/runtime'", `from '${runtime}'`));
  return (await import(pathToFileURL(path).href)) as Fitter;
}

function read(name: string) {
  const bytes = readFileSync(`${bench}/${name}.f64`);
  return {
    header: JSON.parse(readFileSync(`${bench}/${name}.json`, 'utf8')) as { shape: number[] },
    init: JSON.parse(readFileSync(`${bench}/${name}.init.json`, 'utf8')) as Record<string, unknown>,
    x: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8),
  };
}

/** Row-major values as nested arrays of rows of length d. */
function rows(x: Float64Array, from: number, count: number, d: number): number[][] {
  return Array.from({ length: count }, (_, i) => Array.from(x.subarray((from + i) * d, (from + i + 1) * d)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

type Row = readonly [label: string, run: (maxIter: number) => number];

/**
 * Seconds per iteration of each row's `run(maxIter)` (a fit), median over repeats, and its
 * log-likelihood after 1 + iters. The rows take turns within each repeat (interleaved), so a
 * change in the machine's load falls on all of them alike.
 */
function perIteration(rowsToTime: readonly Row[]): void {
  const seconds = rowsToTime.map(() => [] as number[]);
  const logLiks = rowsToTime.map(([, run]) => run(1)); // warm-up (compilation, WebAssembly instantiation)
  for (let r = 0; r < repeats; r++) {
    rowsToTime.forEach(([, run], i) => {
      const t0 = performance.now();
      run(1);
      const t1 = performance.now();
      logLiks[i] = run(1 + iters);
      const t2 = performance.now();
      seconds[i]!.push((t2 - t1 - (t1 - t0)) / 1000 / iters);
    });
  }
  rowsToTime.forEach(([label], i) => {
    console.log(`  ${label.padEnd(34)} ${median(seconds[i]!).toFixed(4)} s/iteration   (logLik ${logLiks[i]})`);
  });
}

/** The rows of one workload: the runtime's two paths, and the generated fitter's in both forms. */
async function timedRows(
  program: Program,
  bound: BoundData,
  data: unknown,
  options: (maxIter: number) => object,
  model: string,
  tag: string,
): Promise<Row[]> {
  const rowsToTime: Row[] = [
    [
      'runtime (emforge fit path, 1 thread)',
      (m) =>
        fitAnyProgram(program, bound, { ...options(m), threads: 1, specialise: true, posteriors: false } as never)
          .result.logLik,
    ],
    [
      'runtime (general executor)',
      (m) =>
        fitAnyProgram(program, bound, { ...options(m), specialise: false, posteriors: false } as never).result.logLik,
    ],
  ];
  for (const standalone of [false, true]) {
    const fitter = await load(model, standalone, tag);
    const form = standalone ? 'standalone' : 'import';
    rowsToTime.push([`generated (${form})`, (m) => fitter.fit(data, options(m)).logLik]);
    rowsToTime.push([
      `generated (${form}, general)`,
      (m) => fitter.fit(data, { ...options(m), specialise: false }).logLik,
    ]);
  }
  return rowsToTime;
}

const only = args.includes('--hmm') ? 'hmm' : args.includes('--gmm') ? 'gmm' : undefined;

async function main() {
  console.log(`(${iters} iterations counted, median of ${repeats}, 1 thread; machine shared)`);
  if (only !== 'hmm') {
    const { header, init, x } = read('gmm_d10_k8_n100000');
    const [n, d] = header.shape as [number, number];
    const data = { x: rows(x, 0, n, d) };
    const start = { w: init.weights, mu: init.means, Sigma: init.covariances_full };
    const { program, schema } = plan(gmmModel);
    const sizes = { K: (init.weights as number[]).length };
    const bound = bindData(schema, data, sizes).value!;
    console.log(`GMM full, N=${n}, D=${d}, K=8`);
    const options = (maxIter: number) => ({ init: start, maxIter, tol: 0, sizes, restarts: 1 });
    perIteration(await timedRows(program, bound, data, options, gmmModel, 'gmm'));
  }
  if (only !== 'gmm') {
    const { header, init, x } = read('hmm_gauss_k4_d3_s100x1000');
    const [S, T, d] = header.shape as [number, number, number];
    const data = { y: Array.from({ length: S }, (_, s) => rows(x, s * T, T, d)) };
    const start = { init: init.startprob, trans: init.transmat, mu: init.means, Sigma: init.covariances_full };
    const { program, schema } = plan(hmmModel);
    const sizes = { K: (init.startprob as number[]).length, D: d };
    const bound = bindData(schema, data, sizes).value!;
    console.log(`Gaussian HMM, ${S} sequences × ${T} steps, D=${d}, K=4`);
    const options = (maxIter: number) => ({ init: start, maxIter, tol: 0, sizes, restarts: 1 });
    perIteration(await timedRows(program, bound, data, options, hmmModel, 'hmm'));
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
