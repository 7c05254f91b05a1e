/**
 * Shared by the fast-chain tests: the two HMMs the fast path covers (Gaussian with full
 * covariances, categorical), random data drawn from them with a small seeded generator (ragged
 * sequences), and their chain programs bound to data.
 */
import type { BoundData, ChainProgram } from '@emforge/runtime';
import { prepareChainModel } from './hmm-fixtures.js';

export const gaussianHmm = (D: number, K: number) => `model gauss_hmm {
  size S
  size T[S]
  size D = ${D}
  size K = ${K}
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

export const categoricalHmm = (M: number, K: number) => `model cat_hmm {
  size S
  size T[S]
  size M = ${M}
  size K = ${K}
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

/** mulberry32: a small seeded uniform generator on [0, 1). */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(u: () => number, p: readonly number[]): number {
  let r = u();
  for (let k = 0; k < p.length - 1; k++) {
    r -= p[k]!;
    if (r < 0) return k;
  }
  return p.length - 1;
}

/** A sticky random transition matrix (diagonal ≈ 0.8) and a random state path per sequence. */
function paths(u: () => number, K: number, lengths: readonly number[]): number[][] {
  const trans = Array.from({ length: K }, (_, j) => {
    const row = Array.from({ length: K }, (_, k) => (k === j ? 8 * K : 1) * (0.5 + u()));
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / sum);
  });
  return lengths.map((L) => {
    const h = [Math.floor(u() * K)];
    for (let t = 1; t < L; t++) h.push(draw(u, trans[h[t - 1]!]!));
    return h;
  });
}

const lengthsOf = (u: () => number, S: number, min: number, max: number) =>
  Array.from({ length: S }, () => min + Math.floor(u() * (max - min + 1)));

/** Gaussian HMM data: state means spread over [−3, 3]^D, random correlated covariances. */
export function gaussianData(seed: number, D: number, K: number, S: number, min = 20, max = 80): { y: number[][][] } {
  const u = uniforms(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const means = Array.from({ length: K }, () => Array.from({ length: D }, () => 6 * u() - 3));
  // A lower-triangular factor per state: Sigma = L Lᵀ.
  const factors = Array.from({ length: K }, () =>
    Array.from({ length: D }, (_, i) =>
      Array.from({ length: D }, (_, j) => (j < i ? 0.4 * normal() : j === i ? 0.5 + u() : 0)),
    ),
  );
  const y = paths(u, K, lengthsOf(u, S, min, max)).map((h) =>
    h.map((k) => {
      const z = Array.from({ length: D }, normal);
      return means[k]!.map((m, i) => m + factors[k]![i]!.reduce((acc, l, j) => acc + l * z[j]!, 0));
    }),
  );
  return { y };
}

/** Categorical HMM data: per-state symbol probabilities drawn at random. */
export function categoricalData(seed: number, M: number, K: number, S: number, min = 20, max = 80): { y: number[][] } {
  const u = uniforms(seed);
  const emit = Array.from({ length: K }, () => {
    const row = Array.from({ length: M }, () => u() ** 2 + 0.02);
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / sum);
  });
  return { y: paths(u, K, lengthsOf(u, S, min, max)).map((h) => h.map((k) => draw(u, emit[k]!))) };
}

export function bind(model: string, raw: unknown): { program: ChainProgram; data: BoundData } {
  return prepareChainModel(model, raw);
}
