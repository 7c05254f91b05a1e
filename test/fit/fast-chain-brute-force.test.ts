/**
 * The fast chain E-step's statistics (runtime/src/chain/fast-chain-blocks.ts via the hooks of
 * fast-chain.ts) against brute-force enumeration of every state path of short sequences, with
 * the emission densities written out independently here: log p(y) summed over sequences, Σγ₀,
 * the expected transition counts Σξ, and the emission statistics (Gaussian: Σγ, Σγ(x − μ),
 * Σγ(x − μ)(x − μ)ᵀ; categorical: expected symbol counts), all to 1e-12 relative. Also: the
 * E-step of a covariance that is not positive definite goes to the general hooks.
 */
import { type ChainStats, type EmHooks, type ParamValues, prepareChain } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { type FastChainStats, fastChainHooks } from '../../packages/runtime/src/chain/fast-chain.js';
import { bind, categoricalHmm, gaussianHmm, uniforms } from './fast-chain-helpers.js';

/** General hooks that must not be reached, except where a test says so. */
function generalHooks(onEStep?: () => void): EmHooks<ParamValues, ChainStats> {
  const fail = (): never => {
    throw new Error('the general path was taken');
  };
  return {
    initialize: fail,
    eStep: () => {
      if (!onEStep) return fail();
      onEStep();
      return { objective: 0, stats: { logLik: 0, logPrior: 0, entropy: 0 } };
    },
    mStep: fail,
  };
}

/** Every path of length L over K states, as arrays. */
function allPaths(K: number, L: number): number[][] {
  let paths: number[][] = [[]];
  for (let t = 0; t < L; t++) paths = paths.flatMap((p) => Array.from({ length: K }, (_, k) => [...p, k]));
  return paths;
}

interface Enumerated {
  logLik: number;
  gamma0: number[];
  xi: number[];
  /** Per sequence, per step: p(h_t = k | y). */
  gamma: number[][][];
}

/** Enumerates the posterior over paths of each sequence given the emission densities dens[s][t][k]. */
function enumerate(init: number[], trans: number[], dens: number[][][]): Enumerated {
  const K = init.length;
  const out: Enumerated = { logLik: 0, gamma0: new Array(K).fill(0), xi: new Array(K * K).fill(0), gamma: [] };
  for (const seq of dens) {
    const L = seq.length;
    const weights = allPaths(K, L).map((path) => {
      let p = init[path[0]!]! * seq[0]![path[0]!]!;
      for (let t = 1; t < L; t++) p *= trans[path[t - 1]! * K + path[t]!]! * seq[t]![path[t]!]!;
      return { path, p };
    });
    const Z = weights.reduce((a, w) => a + w.p, 0);
    out.logLik += Math.log(Z);
    const gamma = Array.from({ length: L }, () => new Array<number>(K).fill(0));
    for (const { path, p } of weights) {
      const q = p / Z;
      for (let t = 0; t < L; t++) gamma[t]![path[t]!]! += q;
      for (let t = 1; t < L; t++) out.xi[path[t - 1]! * K + path[t]!]! += q;
    }
    for (let k = 0; k < K; k++) out.gamma0[k]! += gamma[0]![k]!;
    out.gamma.push(gamma);
  }
  return out;
}

const close = (got: number, want: number, what: string) =>
  expect(Math.abs(got - want) / Math.max(1, Math.abs(want)), what).toBeLessThan(1e-12);

function expectChainStats(totals: Float64Array, e: Enumerated, K: number): void {
  close(totals[0]!, e.logLik, 'log-likelihood');
  e.gamma0.forEach((g, k) => {
    close(totals[1 + k]!, g, `gamma0[${k}]`);
  });
  e.xi.forEach((x, jk) => {
    close(totals[1 + K + jk]!, x, `xi[${jk}]`);
  });
}

const lengths = [1, 3, 6, 2];

describe('fast chain E-step statistics against enumeration of every path', () => {
  it('Gaussian emissions, K=3, D=2', () => {
    const K = 3;
    const D = 2;
    const u = uniforms(5);
    const y = lengths.map((L) => Array.from({ length: L }, () => [3 * u() - 1.5, 3 * u() - 1.5]));
    const { program, data } = bind(gaussianHmm(D, K), { y });
    const chain = prepareChain(program, data);
    const hooks = fastChainHooks(chain, generalHooks(), { regCovar: 1e-6, fixed: new Set() });
    expect(hooks).toBeDefined();
    const init = [0.5, 0.3, 0.2];
    const trans = [0.7, 0.2, 0.1, 0.25, 0.6, 0.15, 0.05, 0.35, 0.6];
    const mu = [-1, 0.5, 0.8, -0.3, 0.2, 1.1];
    const Sigma = [0.8, 0.3, 0.3, 0.6, 1.5, -0.4, -0.4, 0.5, 0.3, 0.05, 0.05, 0.9];
    const values: ParamValues = {
      init: Float64Array.from(init),
      trans: Float64Array.from(trans),
      mu: Float64Array.from(mu),
      Sigma: Float64Array.from(Sigma),
    };
    // log N(x | m, S) in 2-D, written out: −log 2π − ½ log|S| − ½ rᵀ S⁻¹ r.
    const logNormal2 = (x: number[], k: number) => {
      const [a, b, , d] = Sigma.slice(4 * k, 4 * k + 4) as [number, number, number, number];
      const det = a * d - b * b;
      const r0 = x[0]! - mu[2 * k]!;
      const r1 = x[1]! - mu[2 * k + 1]!;
      const q = (d * r0 * r0 - 2 * b * r0 * r1 + a * r1 * r1) / det;
      return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
    };
    const e = enumerate(
      init,
      trans,
      y.map((seq) => seq.map((x) => Array.from({ length: K }, (_, k) => Math.exp(logNormal2(x, k))))),
    );
    const { stats } = hooks!.eStep(values);
    const totals = (stats as FastChainStats).fast!.totals;
    expectChainStats(totals, e, K);
    const at = 1 + K + K * K;
    for (let k = 0; k < K; k++) {
      let n = 0;
      const s1 = [0, 0];
      const s2 = [0, 0, 0, 0];
      y.forEach((seq, s) => {
        seq.forEach((x, t) => {
          const g = e.gamma[s]![t]![k]!;
          const r = [x[0]! - mu[2 * k]!, x[1]! - mu[2 * k + 1]!];
          n += g;
          for (let i = 0; i < D; i++) {
            s1[i]! += g * r[i]!;
            for (let j = 0; j < D; j++) s2[i * D + j]! += g * r[i]! * r[j]!;
          }
        });
      });
      close(totals[at + k]!, n, `N[${k}]`);
      for (let i = 0; i < D; i++) {
        close(totals[at + K + k * D + i]!, s1[i]!, `S1[${k}][${i}]`);
        for (let j = i; j < D; j++) close(totals[at + K + K * D + k * D * D + i * D + j]!, s2[i * D + j]!, `S2[${k}]`);
      }
    }
  });

  it('categorical emissions, K=2, M=4', () => {
    const K = 2;
    const M = 4;
    const u = uniforms(6);
    const y = lengths.map((L) => Array.from({ length: L }, () => Math.floor(u() * M)));
    const { program, data } = bind(categoricalHmm(M, K), { y });
    const hooks = fastChainHooks(prepareChain(program, data), generalHooks(), { regCovar: 1e-6, fixed: new Set() });
    const init = [0.35, 0.65];
    const trans = [0.9, 0.1, 0.3, 0.7];
    const emit = [0.1, 0.2, 0.3, 0.4, 0.5, 0.05, 0.05, 0.4];
    const values: ParamValues = {
      init: Float64Array.from(init),
      trans: Float64Array.from(trans),
      emit: Float64Array.from(emit),
    };
    const e = enumerate(
      init,
      trans,
      y.map((seq) => seq.map((c) => Array.from({ length: K }, (_, k) => emit[k * M + c]!))),
    );
    const totals = (hooks!.eStep(values).stats as FastChainStats).fast!.totals;
    expectChainStats(totals, e, K);
    const at = 1 + K + K * K;
    for (let m = 0; m < M; m++) {
      for (let k = 0; k < K; k++) {
        let c = 0;
        y.forEach((seq, s) => {
          seq.forEach((v, t) => {
            if (v === m) c += e.gamma[s]![t]![k]!;
          });
        });
        close(totals[at + m * K + k]!, c, `counts[${m}][${k}]`);
      }
    }
  });

  it('a covariance that is not positive definite goes to the general E-step', () => {
    const u = uniforms(7);
    const y = lengths.map((L) => Array.from({ length: L }, () => [u(), u()]));
    const { program, data } = bind(gaussianHmm(2, 2), { y });
    let general = 0;
    const hooks = fastChainHooks(
      prepareChain(program, data),
      generalHooks(() => {
        general++;
      }),
      { regCovar: 1e-6, fixed: new Set() },
    );
    hooks!.eStep({
      init: Float64Array.of(0.5, 0.5),
      trans: Float64Array.of(0.5, 0.5, 0.5, 0.5),
      mu: Float64Array.of(0, 0, 1, 1),
      Sigma: Float64Array.of(1, 0, 0, 1, 1, 2, 2, 1),
    });
    expect(general).toBe(1);
  });
});
