/**
 * The chain executor's posteriors against brute-force enumeration of every state path on tiny
 * sequences: log p(y) = log Σ_paths p(path, y), the smoothed marginals (joint over the chain and
 * a per-step mixture component) and the Viterbi path (the argmax over chain paths, the per-step
 * latent summed out), at given parameters. Categorical emissions with K = 3, and a two-state
 * chain whose states are two-component Normal mixtures, with a missing step.
 */
import { fitAnyProgram } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareChainModel } from './hmm-fixtures.js';

const categorical = `model tiny_cat {
  size S
  size T[S]
  size K = 3
  size M = 4
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

const mixture = `model tiny_mix {
  size S
  size T[S]
  size K = 2
  size C = 2
  data   y[S][T]: real?
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  mixw[K]: simplex[C]
  param  mu[K][C]: real
  param  sd[K][C]: positive
  latent h[S][T]: cat[K]
  latent m[S][T]: cat[C]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] {
      m[s][t] ~ Categorical(mixw[h[s][t]])
      y[s][t] ~ Normal(mu[h[s][t]][m[s][t]], sd[h[s][t]][m[s][t]])
    }
  }
}`;

/** Every sequence of `length` values in 0 … states−1. */
function allPaths(length: number, states: number): number[][] {
  if (length === 0) return [[]];
  return allPaths(length - 1, states).flatMap((p) => Array.from({ length: states }, (_, k) => [...p, k]));
}

const logSumExp = (xs: readonly number[]) => {
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((a, x) => a + Math.exp(x - max), 0));
};

const logNormal = (x: number, mean: number, sd: number) =>
  -0.5 * Math.log(2 * Math.PI) - Math.log(sd) - 0.5 * ((x - mean) / sd) ** 2;

interface Enumerated {
  readonly logLik: number;
  /** Per sequence, per step: p(joint state | sequence) over the `states` joint states. */
  readonly marginals: number[][][];
  readonly viterbi: number[][];
}

/**
 * Enumerates joint paths (chain state k and per-step state c as one index k·C + c) of every
 * sequence. `logStep(s, t, k, c)` is log p(m_t = c, y_t | h_t = k) and the chain terms come from
 * `init` and `trans`. Viterbi: the chain path maximising Σ_c-paths p.
 */
function enumerate(
  lengths: readonly number[],
  K: number,
  C: number,
  init: readonly number[],
  trans: readonly (readonly number[])[],
  logStep: (s: number, t: number, k: number, c: number) => number,
): Enumerated {
  let logLik = 0;
  const marginals: number[][][] = [];
  const viterbi: number[][] = [];
  lengths.forEach((L, s) => {
    const joint = allPaths(L, K * C);
    const logp = joint.map((path) =>
      path.reduce((acc, state, t) => {
        const k = Math.floor(state / C);
        const prev = t === 0 ? undefined : Math.floor(path[t - 1]! / C);
        const chain = prev === undefined ? Math.log(init[k]!) : Math.log(trans[prev]![k]!);
        return acc + chain + logStep(s, t, k, state % C);
      }, 0),
    );
    const total = logSumExp(logp);
    logLik += total;
    marginals.push(
      Array.from({ length: L }, (_, t) => {
        const row = new Array<number>(K * C).fill(0);
        joint.forEach((path, j) => {
          row[path[t]!]! += Math.exp(logp[j]! - total);
        });
        return row;
      }),
    );
    // Chain paths, the per-step states summed out.
    const chainPaths = allPaths(L, K);
    const chainLogp = chainPaths.map((hp) =>
      logSumExp(
        joint.flatMap((path, j) => (path.every((state, t) => Math.floor(state / C) === hp[t]) ? [logp[j]!] : [])),
      ),
    );
    let best = 0;
    chainLogp.forEach((v, j) => {
      if (v > chainLogp[best]!) best = j;
    });
    viterbi.push(chainPaths[best]!);
  });
  return { logLik, marginals, viterbi };
}

function compare(model: string, raw: { y: unknown[][] }, params: Record<string, unknown>, expected: Enumerated) {
  const { program, data } = prepareChainModel(model, raw);
  const { result, posteriors } = fitAnyProgram(program, data, { fixed: params as never, maxIter: 0 });
  expect(Math.abs(result.logLik - expected.logLik)).toBeLessThan(1e-12 * Math.abs(expected.logLik));
  const rows = expected.marginals.flat();
  expect(posteriors.responsibilities).toHaveLength(rows.length);
  rows.forEach((row, i) => {
    row.forEach((p, s) => {
      expect(Math.abs(posteriors.responsibilities[i]![s]! - p), `step ${i} state ${s}`).toBeLessThan(1e-12);
    });
  });
  expect(posteriors.paths?.h).toEqual(expected.viterbi);
}

describe('HMM posteriors against brute-force enumeration', () => {
  it('categorical emissions, K = 3, sequences of 1, 4 and 6 steps', () => {
    const params = {
      init: [0.5, 0.3, 0.2],
      trans: [
        [0.7, 0.2, 0.1],
        [0.25, 0.5, 0.25],
        [0.15, 0.15, 0.7],
      ],
      emit: [
        [0.5, 0.2, 0.2, 0.1],
        [0.1, 0.6, 0.2, 0.1],
        [0.1, 0.1, 0.3, 0.5],
      ],
    };
    const y = [[2], [0, 1, 1, 3], [3, 3, 0, 2, 1, 3]];
    const expected = enumerate([1, 4, 6], 3, 1, params.init, params.trans, (s, t, k) =>
      Math.log(params.emit[k]![y[s]![t]!]!),
    );
    compare(categorical, { y }, params, expected);
  });

  it('two states, each a two-component Normal mixture, with a missing step', () => {
    const params = {
      init: [0.6, 0.4],
      trans: [
        [0.8, 0.2],
        [0.3, 0.7],
      ],
      mixw: [
        [0.7, 0.3],
        [0.4, 0.6],
      ],
      mu: [
        [-2, -0.5],
        [0.5, 2.5],
      ],
      sd: [
        [0.6, 0.9],
        [0.8, 0.5],
      ],
    };
    const y: (number | null)[][] = [
      [0.3, null, -2.1, 1.7, 2.2],
      [2.5, 2.9, -0.4],
    ];
    const expected = enumerate([5, 3], 2, 2, params.init, params.trans, (s, t, k, c) => {
      const x = y[s]![t];
      const emission = x === null || x === undefined ? 0 : logNormal(x, params.mu[k]![c]!, params.sd[k]![c]!);
      return Math.log(params.mixw[k]![c]!) + emission;
    });
    compare(mixture, { y }, params, expected);
  });
});
