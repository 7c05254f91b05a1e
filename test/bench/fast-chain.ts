/**
 * Benchmark (not a test): the chain executor's fast path (runtime/src/chain/fast-chain.ts)
 * against its general path on the two HMM workloads of issue 9, from the peers' shared initial
 * parameters (/work/benchdata/NAME.init.json), a fixed number of iterations (tol 0); the fast
 * path on `--threads N` (default 1: its E-step's block job on the worker pool when N > 1), the
 * general path (`specialise: false`) on one:
 *
 *   - Gaussian HMM K=4 D=3, 100 sequences × 1,000 steps (10 iterations; best peer numpy 70.8 ms/iter)
 *   - discrete HMM K=5 M=20, one sequence of 1,000,000 steps (4 iterations; pomegranate 2.41 s/iter)
 *
 * Seconds per iteration are the median of the per-iteration wall times (the driver's
 * `onIteration` ticks: one M-step plus one E-step each) over all repeats, and beside them the
 * median process CPU time per iteration (less disturbed when other processes share the cores);
 * `fit` is the whole `fitChain` call (set-up, the initial E-step, the iterations, the final posteriors and Viterbi
 * paths). The final log-likelihood is printed beside the peer's for the same start and the same
 * number of iterations (`--peer-gauss`, `--peer-disc`; defaults: the values measured by the peer
 * runners on this machine, /work/shared/bench/PEERS.md): agreement means the same EM path.
 *
 *     pnpm exec tsx test/bench/fast-chain.ts [--repeats 3] [--threads 1] [--only gauss|disc] [--no-old]
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '../../packages/compiler/src/index.js';
import { SourceFile } from '../../packages/dsl/src/index.js';
import type { ChainProgram } from '../../packages/runtime/src/chain/chain-program.js';
import { fitChain } from '../../packages/runtime/src/chain/fit-chain.js';
import { type BoundData, bindData } from '../../packages/runtime/src/data/bind-data.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repeats = Number(option('--repeats') ?? 3);
const only = option('--only');
const withOld = !args.includes('--no-old');
const threads = Number(option('--threads') ?? 1);
const dir = '/work/benchdata';

const gaussModel = `model hmm_gauss {
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

const discModel = `model hmm_disc {
  size S
  size T[S]
  size K
  size M
  data   y[S][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}`;

function prepare(
  model: string,
  raw: unknown,
  sizes: Record<string, number>,
): { program: ChainProgram; data: BoundData } {
  const outcome = planSource(new SourceFile('model.em', model));
  const lowered = lowerProgram(outcome);
  if (!lowered.value || !outcome.checked || lowered.value.kind !== 'chain') throw new Error('not a chain program');
  const bound = bindData(lowerDataSchema(outcome.checked), raw, sizes);
  if (!bound.value) throw new Error(JSON.stringify(bound.problems));
  return { program: lowered.value as ChainProgram, data: bound.value };
}

function read(name: string): { header: Record<string, unknown>; init: Record<string, unknown>; x: Float64Array } {
  const bytes = readFileSync(`${dir}/${name}.f64`);
  return {
    header: JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8')),
    init: JSON.parse(readFileSync(`${dir}/${name}.init.json`, 'utf8')),
    x: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Workload {
  readonly label: string;
  readonly program: ChainProgram;
  readonly data: BoundData;
  readonly init: Record<string, unknown>;
  readonly iterations: number;
  readonly peer: { readonly name: string; readonly secondsPerIter: number; readonly logLik: number };
}

function run(w: Workload, fast: boolean, times: number): void {
  const perIteration: number[] = [];
  const cpuPerIteration: number[] = [];
  const totals: number[] = [];
  let logLik = Number.NaN;
  for (let r = 0; r < times; r++) {
    let last = 0;
    let lastCpu = process.cpuUsage();
    const t0 = performance.now();
    const { result } = fitChain(w.program, w.data, {
      init: w.init as never,
      maxIter: w.iterations,
      tol: 0,
      specialise: fast,
      threads: fast ? threads : 1,
      onIteration: (info) => {
        const now = performance.now();
        const cpu = process.cpuUsage(lastCpu);
        if (info.iteration > 0) {
          perIteration.push((now - last) / 1000);
          cpuPerIteration.push((cpu.user + cpu.system) / 1e6);
        }
        last = now;
        lastCpu = process.cpuUsage();
      },
    });
    totals.push((performance.now() - t0) / 1000);
    logLik = result.logLik;
  }
  const s = median(perIteration);
  const rel = Math.abs(logLik - w.peer.logLik) / Math.abs(w.peer.logLik);
  console.log(
    `${w.label.padEnd(34)} ${fast ? `fast ${threads}t` : 'general'}  ${(s * 1000).toFixed(2).padStart(9)} ms/iter (cpu ${(median(cpuPerIteration) * 1000).toFixed(2)})` +
      `  (${(s / w.peer.secondsPerIter).toFixed(3)}× ${w.peer.name})  fit ${median(totals).toFixed(2)} s` +
      `  final logLik ${logLik.toFixed(6)}  peer ${w.peer.logLik.toFixed(6)}  rel.diff ${rel.toExponential(2)}`,
  );
}

const workloads: Workload[] = [];
if (only !== 'disc') {
  const { header, init, x } = read('hmm_gauss_k4_d3_s100x1000');
  const [S, T, D] = header.shape as [number, number, number];
  const y = Array.from({ length: S }, (_, s) =>
    Array.from({ length: T }, (_, t) => Array.from(x.subarray((s * T + t) * D, (s * T + t + 1) * D))),
  );
  const { program, data } = prepare(gaussModel, { y }, { D, K: header.k as number });
  workloads.push({
    label: 'Gaussian HMM K=4 D=3, 100x1000',
    program,
    data,
    init: { init: init.startprob, trans: init.transmat, mu: init.means, Sigma: init.covariances_full },
    iterations: 10,
    peer: { name: 'numpy', secondsPerIter: 0.0708, logLik: Number(option('--peer-gauss') ?? -406655.68701023527) },
  });
}
if (only !== 'gauss') {
  const { header, init, x } = read('hmm_disc_k5_m20_t1000000');
  const { program, data } = prepare(
    discModel,
    { y: [Array.from(x)] },
    { K: header.k as number, M: header.m as number },
  );
  workloads.push({
    label: 'Discrete HMM K=5 M=20, 1x1e6',
    program,
    data,
    init: { init: init.startprob, trans: init.transmat, emit: init.emissionprob },
    iterations: 4,
    peer: { name: 'pomegranate', secondsPerIter: 2.41, logLik: Number(option('--peer-disc') ?? -2769558.8040466234) },
  });
}

console.log(
  `node ${process.version}, ${repeats} repeats, fast path on ${threads} thread(s), general on 1; ms/iter = median over every iteration of every repeat (cpu: process CPU time, all threads)`,
);
for (const w of workloads) {
  run(w, true, repeats);
  if (withOld) run(w, false, Math.min(repeats, 2));
}
