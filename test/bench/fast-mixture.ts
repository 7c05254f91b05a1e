/**
 * Benchmark (not a test) of the fast mixture executor against the general one on the generated
 * peer data in /work/benchdata (shared/bench gen_data.py), from the shared initial parameters,
 * a fixed number of iterations: seconds per iteration (median of the repeats) and the final
 * log-likelihood. `--memory` fits the 2,000,000 × 10 GMM from shared rows and prints the peak RSS.
 * Run: pnpm exec tsx test/bench/fast-mixture.ts [--memory]
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { lowerDataSchema, lowerFitProgram, planSource } from '../../packages/compiler/src/index.js';
import { SourceFile } from '../../packages/dsl/src/index.js';
import {
  bindRows,
  type FitProgram,
  fitWithPosteriors,
  type ParamValue,
  sharedRows,
} from '../../packages/runtime/src/index.js';

const dir = process.env.BENCHDATA ?? '/work/benchdata';
const gmm = (obs: string, scale: string) =>
  `model gmm {\n size N, D\n size K\n data x[N]: real[D]\n param w: simplex[K]\n param mu[K]: real[D]\n ${scale}\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ ${obs}\n }\n}`;
const full = gmm('MvNormal(mu[z[n]], Sigma[z[n]])', 'param Sigma[K]: cov[D]');
const diag = gmm('Normal(mu[z[n]], s[z[n]])', 'param s[K]: positive[D]');
const pois = `model pois {\n size N\n size K\n data x[N]: count\n param w: simplex[K]\n param rate[K]: positive\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ Poisson(rate[z[n]])\n }\n}`;

function lower(text: string): { program: FitProgram; schema: ReturnType<typeof lowerDataSchema> } {
  const outcome = planSource(new SourceFile('bench.em', text));
  const program = lowerFitProgram(outcome).value;
  if (!program || !outcome.checked) throw new Error('does not lower');
  return { program, schema: lowerDataSchema(outcome.checked) };
}

/** Reads NAME.f64 straight into its rows (in chunks: the file's bytes are never held twice). */
function load(name: string, shared: boolean) {
  const header = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
  const n = header.shape[0] as number;
  const d = (header.shape[1] ?? 1) as number;
  const values = shared ? sharedRows(n * d) : new Float64Array(n * d);
  const bytes = new Uint8Array(values.buffer, values.byteOffset, n * d * 8);
  const fd = openSync(`${dir}/${name}.f64`, 'r');
  for (let at = 0; at < bytes.length; ) at += readSync(fd, bytes, at, Math.min(1 << 24, bytes.length - at), at);
  closeSync(fd);
  return { n, d, values, init: JSON.parse(readFileSync(`${dir}/${name}.init.json`, 'utf8')) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function bench(
  label: string,
  text: string,
  name: string,
  init: (i: Record<string, unknown>) => Record<string, unknown>,
  iters: number,
  repeats: number,
  general: boolean,
) {
  const { program, schema } = lower(text);
  const { n, d, values, init: raw } = load(name, false);
  const k = (raw.weights as number[]).length;
  const variable = schema.data[0]!;
  const data = bindRows(variable, { shape: [n, d], values }, { K: k });
  const runs: number[] = [];
  let logLik = 0;
  for (const specialise of general ? [true, false] : [true]) {
    runs.length = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const fit = fitWithPosteriors(program, data, {
        init: init(raw) as Readonly<Record<string, ParamValue>>,
        maxIter: iters,
        tol: 0,
        posteriors: false,
        specialise,
      });
      runs.push((performance.now() - t0) / 1000 / iters);
      logLik = fit.result.logLik;
    }
    console.log(
      `${label}\t${specialise ? 'fast' : 'general'}\t${median(runs).toFixed(4)} s/iter (median of ${repeats})\tlogLik ${logLik}`,
    );
  }
}

if (process.argv.includes('--memory')) {
  const name = 'gmm_d10_k8_n2000000';
  const { program, schema } = lower(full);
  const mb = () =>
    `${(process.memoryUsage().rss / 1e6).toFixed(0)} MB now, peak ${((process.resourceUsage().maxRSS * 1024) / 1e6).toFixed(0)} MB`;
  console.log(`before the data: ${mb()}`);
  const { n, d, values, init } = load(name, true);
  console.log(`data loaded: ${mb()}`);
  const data = bindRows(schema.data[0]!, { shape: [n, d], values }, { K: 8 });
  const t0 = performance.now();
  const fit = fitWithPosteriors(program, data, {
    init: { w: init.weights, mu: init.means, Sigma: init.covariances_full },
    maxIter: 5,
    tol: 0,
    posteriors: false,
  });
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `GMM full N=${n} D=${d} K=8: ${((performance.now() - t0) / 5000).toFixed(3)} s/iter, logLik ${fit.result.logLik}, peak RSS ${(rss / 1e6).toFixed(0)} MB = ${(rss / (n * d * 8)).toFixed(2)} × the data (${((n * d * 8) / 1e6).toFixed(0)} MB)`,
  );
} else {
  const general = !process.argv.includes('--fast-only');
  bench(
    'GMM full N=100k D=10 K=8',
    full,
    'gmm_d10_k8_n100000',
    (i) => ({ w: i.weights, mu: i.means, Sigma: i.covariances_full }),
    10,
    5,
    general,
  );
  bench(
    'GMM diag N=100k D=10 K=8',
    diag,
    'gmm_d10_k8_n100000',
    (i) => ({ w: i.weights, mu: i.means, s: (i.covariances_diag as number[][]).map((r) => r.map(Math.sqrt)) }),
    10,
    5,
    general,
  );
  bench('Poisson N=1e6 K=4', pois, 'poismix_k4_n1000000', (i) => ({ w: i.weights, rate: i.rates }), 10, 5, general);
}
