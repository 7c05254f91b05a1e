/**
 * Benchmark (not part of the test suite): seconds per EM iteration of the generated GMM and
 * Gaussian-HMM fitters (`emforge compile`, both forms) against the runtime's own path as
 * `emforge fit` runs it (the specialised executors: the WebAssembly block kernels of runtime/src/fast
 * for the GMM, runtime/src/chain/fast-chain*.ts for the HMM), at 1 thread, on the shared peer
 * workloads of /work/benchdata: GMM full covariance D = 10, K = 8, N = 100,000, and the Gaussian HMM
 * K = 4, D = 3, 100 sequences of 1000 steps; the shared initial params (NAME.init.json), tol 0.
 * Seconds per iteration = (time of a fit with `maxIter` = 1 + m − time with 1) / m, so binding,
 * initialisation and the final E-step are not counted; median of the repeats (3 by default). The
 * machine is shared: noisy (the same row moves by up to ±30 % between runs minutes apart). Every
 * row runs in a fresh child process (per row and repeat) that loads only what it needs — the
 * standalone row its generated file alone, as an application shipping it does: in one process
 * with the compiler, the runtime and the import form, the standalone GMM fitter measured 35–44 %
 * slower than the runtime, with the same kernel time per iteration under the profiler.
 * Every fit is one run (`restarts: 1`: the generated `fit` defaults to `emforge fit`'s 10, the
 * runtime's `fitAnyProgram` to 1 — comparing those was comparing 10 runs with 1). The generated
 * fitters run the specialised path `emforge fit` runs (the same kernels, the same bits); the
 * `specialise: false` rows run their general E- and M-steps (the runtime's general executors).
 * The runtime rows skip the posteriors (`posteriors: false`: no per-item arrays after the fit,
 * less garbage to collect while the others run); the iterations are the same. Every row binds the
 * data inside its fit, as `emforge fit` and the generated `fit` do: with the data bound once
 * outside, the generated rows alone left the garbage of converting 100,000 nested rows to be
 * collected during their iterations, which the subtraction of a 1-iteration fit does not cancel
 * (profiled: the same kernel time per iteration in both, 15–25 % apart in wall time).
 *
 * Each row is also given as its ratio to the runtime's row of the same repeat (median and range).
 *
 *   pnpm bench:codegen-large [--iters m] [--repeats r] [--gmm | --hmm] [--fast]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Program } from '../../packages/runtime/src/index.js';

// The compiler and the runtime are imported where a row needs them (dynamically): a child timing
// the standalone fitter loads nothing else, as an application shipping it would.
const compiler = () => import('../../packages/compiler/src/index.js');
const runtime = () => import('../../packages/runtime/src/index.js');
const dsl = () => import('../../packages/dsl/src/index.js');

type Fitter = { fit: (data: unknown, options: object) => { logLik: number; iterations: number } };

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const iters = option('--iters', 5);
const repeats = option('--repeats', 3);
const childAt = args.indexOf('--child');
// The parent writes the generated fitters here; its children load them.
const dir = childAt >= 0 ? args[childAt + 3]! : mkdtempSync(join(tmpdir(), 'emforge-bench-'));
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

async function plan(text: string) {
  const { lowerDataSchema, lowerProgram, planSource } = await compiler();
  const { SourceFile } = await dsl();
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value as Program;
  return { outcome, program, schema: lowerDataSchema(outcome.checked!) };
}

const fitterPath = (tag: string, standalone: boolean) =>
  join(dir, `fitter-${tag}-${standalone ? 'standalone' : 'import'}.ts`);

/** Writes the generated fitter of `text` in both forms (the import form resolving @emforge/runtime to its sources). */
async function writeFitters(text: string, tag: string): Promise<void> {
  const { emitFitter } = await compiler();
  const { outcome, program, schema } = await plan(text);
  const runtimeUrl = pathToFileURL(new URL('../../packages/runtime/src/index.js', import.meta.url).pathname).href;
  for (const standalone of [false, true]) {
    const source = emitFitter(outcome, program, schema, { standalone }).value!;
    writeFileSync(fitterPath(tag, standalone), source.replace("from '@emforge/runtime'", `from '${runtimeUrl}'`));
  }
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
 * One row's seconds per iteration (in a child process of its own: see the header) and its
 * log-likelihood after 1 + iters, after a warm-up fit as long as the timed one (compilation,
 * WebAssembly instantiation: with a 1-iteration warm-up the hot functions were still being
 * optimised during the timed fits, at moments that differed from row to row).
 */
function timeRow(run: (maxIter: number) => number): { seconds: number; logLik: number } {
  run(1 + iters);
  run(1);
  const t0 = performance.now();
  run(1);
  const t1 = performance.now();
  const logLik = run(1 + iters);
  const t2 = performance.now();
  return { seconds: (t2 - t1 - (t1 - t0)) / 1000 / iters, logLik };
}

/**
 * Each row of `workload` timed `repeats` times, every time in a fresh child process, the rows
 * taking turns within each repeat (so a change in the machine's load falls on all of them
 * alike), in an order rotated from repeat to repeat; the median per row (a difference of two
 * fits' times: a minimum would pick outliers).
 */
function perIteration(workload: 'gmm' | 'hmm', count: number): void {
  const seconds = Array.from({ length: count }, () => [] as number[]);
  const results: { label: string; logLik: number }[] = [];
  const rows = Array.from({ length: count }, (_, i) => i).filter(runsRow);
  for (let r = 0; r < repeats; r++) {
    // The order of the rows rotates from repeat to repeat, so no row always runs first (or
    // right after another) in a repeat.
    for (let j = 0; j < rows.length; j++) {
      const i = rows[(j + r) % rows.length]!;
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          '--child',
          workload,
          String(i),
          dir,
          '--iters',
          String(iters),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      if (child.status !== 0) throw new Error(`row ${i} of ${workload} failed:\n${child.stderr}`);
      const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
        label: string;
        seconds: number;
        logLik: number;
      };
      seconds[i]!.push(out.seconds);
      results[i] = out;
    }
  }
  // Each row against the runtime's row of the same repeat (the rows of a repeat run minutes
  // apart at most, so the machine's drift mostly cancels in the ratio): the median ratio, its
  // range, a 90 % bootstrap interval of that median, and in how many repeats the row was faster.
  results.forEach(({ label, logLik }, i) => {
    const ratios = seconds[i]!.map((s, r) => s / seconds[0]![r]!);
    const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    const [lo, hi] = bootstrapMedian(ratios);
    const faster = ratios.filter((q) => q < 1).length;
    console.log(
      `  ${label.padEnd(34)} ${median(seconds[i]!).toFixed(4)} s/iteration   ×${median(ratios).toFixed(3)} the runtime's (${range}; median 90 % in ${lo!.toFixed(3)}–${hi!.toFixed(3)}; faster in ${faster} of ${ratios.length})   (logLik ${logLik})`,
    );
  });
}

/**
 * The 5 % and 95 % quantiles of the median of `xs` resampled with replacement (2,000 times, a
 * fixed-seed generator: the same interval for the same timings).
 */
function bootstrapMedian(xs: readonly number[]): [number, number] {
  let state = 12345;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) {
    medians.push(median(Array.from(xs, () => xs[Math.floor(next() * xs.length)]!)));
  }
  medians.sort((a, b) => a - b);
  return [medians[100]!, medians[1899]!];
}

/** `--fast`: only the specialised rows (0, 2 and 4: runtime, import form, standalone), the general ones take minutes. */
const fastOnly = args.includes('--fast');
const runsRow = (row: number) => !fastOnly || row % 2 === 0;

/**
 * Row `row` of one workload: 0 and 1 the runtime's two paths, 2 and 3 the generated import form
 * (specialised, general), 4 and 5 the standalone form.
 */
async function timedRow(
  row: number,
  text: string,
  data: unknown,
  sizes: Record<string, number>,
  options: (maxIter: number) => object,
  tag: string,
): Promise<Row> {
  if (row < 2) {
    const { bindData, fitAnyProgram } = await runtime();
    const { program, schema } = await plan(text);
    const bind = () => bindData(schema, data, sizes).value!;
    return row === 0
      ? [
          'runtime (emforge fit path, 1 thread)',
          (m) =>
            fitAnyProgram(program, bind(), { ...options(m), threads: 1, specialise: true, posteriors: false } as never)
              .result.logLik,
        ]
      : [
          'runtime (general executor)',
          (m) =>
            fitAnyProgram(program, bind(), { ...options(m), specialise: false, posteriors: false } as never).result
              .logLik,
        ];
  }
  const standalone = row >= 4;
  const fitter = (await import(pathToFileURL(fitterPath(tag, standalone)).href)) as Fitter;
  const form = standalone ? 'standalone' : 'import';
  return row % 2 === 0
    ? [`generated (${form})`, (m) => fitter.fit(data, options(m)).logLik]
    : [`generated (${form}, general)`, (m) => fitter.fit(data, { ...options(m), specialise: false }).logLik];
}

const only = args.includes('--hmm') ? 'hmm' : args.includes('--gmm') ? 'gmm' : undefined;

/** Row `row` of a workload (see `timedRow`), its data read here. */
async function workloadRow(workload: 'gmm' | 'hmm', row: number): Promise<Row> {
  if (workload === 'gmm') {
    const { header, init, x } = read('gmm_d10_k8_n100000');
    const [n, d] = header.shape as [number, number];
    const data = { x: rows(x, 0, n, d) };
    const start = { w: init.weights, mu: init.means, Sigma: init.covariances_full };
    const sizes = { K: (init.weights as number[]).length };
    const options = (maxIter: number) => ({ init: start, maxIter, tol: 0, sizes, restarts: 1 });
    return timedRow(row, gmmModel, data, sizes, options, 'gmm');
  }
  const { header, init, x } = read('hmm_gauss_k4_d3_s100x1000');
  const [S, T, d] = header.shape as [number, number, number];
  const data = { y: Array.from({ length: S }, (_, s) => rows(x, s * T, T, d)) };
  const start = { init: init.startprob, trans: init.transmat, mu: init.means, Sigma: init.covariances_full };
  const sizes = { K: (init.startprob as number[]).length, D: d };
  const options = (maxIter: number) => ({ init: start, maxIter, tol: 0, sizes, restarts: 1 });
  return timedRow(row, hmmModel, data, sizes, options, 'hmm');
}

/** Rows per workload (see `workloadRows`). */
const ROWS = 6;

async function main() {
  if (childAt >= 0) {
    const [label, run] = await workloadRow(args[childAt + 1] as 'gmm' | 'hmm', Number(args[childAt + 2]));
    console.log(JSON.stringify({ label, ...timeRow(run) }));
    return;
  }
  console.log(
    `(${iters} iterations counted, median of ${repeats}, 1 thread, each row in its own process; machine shared)`,
  );
  try {
    if (only !== 'hmm') {
      await writeFitters(gmmModel, 'gmm');
      console.log('GMM full, N=100000, D=10, K=8');
      perIteration('gmm', ROWS);
    }
    if (only !== 'gmm') {
      await writeFitters(hmmModel, 'hmm');
      console.log('Gaussian HMM, 100 sequences × 1000 steps, D=3, K=4');
      perIteration('hmm', ROWS);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
