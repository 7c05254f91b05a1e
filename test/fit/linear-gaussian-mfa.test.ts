/**
 * Mixture of factor analysers (enumerate × Gaussian): on the example's data, simulated from
 * known parameters (examples/mixture-factor-analysers/truth.json, N = 1200), EM recovers the
 * identifiable quantities — weights, means and the implied covariances Σ_k = W_k W_kᵀ + Ψ —
 * within four standard errors of the corresponding sample estimates (binomial for a weight;
 * √(Σ_ii / n_k) for a mean; √((Σ_ii Σ_jj + Σ_ij²) / n_k) for a covariance entry). The
 * log-likelihood the executor reports (computed through the L × L Woodbury form) equals a direct
 * evaluation Σ_n log Σ_k w_k N(x_n; mu_k, Σ_k) with a D × D Cholesky per component, written
 * here. A per-component-noise variant (psi[z[n]]) fits the same data; EM never decreases the
 * log-likelihood for either (several seeds).
 */
import { readFileSync } from 'node:fs';
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

type M = number[][];
const { model, data } = readExample('mixture-factor-analysers');
const x = (data as { x: M }).x;
const truth = JSON.parse(readFileSync(new URL('examples/mixture-factor-analysers/truth.json', root), 'utf8')) as {
  w: number[];
  mu: M;
  W: M[];
  psi: number[];
};
const perComponentNoise = model
  .replace('param  psi: positive[D]', 'param  psi[K]: positive[D]')
  .replace('Normal(mu[z[n]] + W[z[n]] * f[n], psi)', 'Normal(mu[z[n]] + W[z[n]] * f[n], psi[z[n]])');

const implied = (W: M, psi: number[]): M =>
  W.map((wi, i) => W.map((wj, j) => wi.reduce((s, v, a) => s + v * wj[a]!, 0) + (i === j ? psi[i]! ** 2 : 0)));

/** log N(x; mu, S) by a direct Cholesky of the D × D covariance. */
function logNormal(xs: number[], mu: number[], S: M): number {
  const d = xs.length;
  const L = S.map((r) => [...r]);
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) L[j]![j]! -= L[j]![k]! ** 2;
    L[j]![j] = Math.sqrt(L[j]![j]!);
    logDet += 2 * Math.log(L[j]![j]!);
    for (let i = j + 1; i < d; i++) {
      for (let k = 0; k < j; k++) L[i]![j]! -= L[i]![k]! * L[j]![k]!;
      L[i]![j]! /= L[j]![j]!;
    }
  }
  const y = xs.map((v, i) => v - mu[i]!);
  let q = 0;
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) y[i]! -= L[i]![k]! * y[k]!;
    y[i]! /= L[i]![i]!;
    q += y[i]! ** 2;
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + q);
}

/** Checks weights, means and Σ_k against the truth, components matched by nearest mean. */
function expectRecovered(p: { w: number[]; mu: M; W: M[] }, psiOf: (j: number) => number[]): void {
  const n = x.length;
  const match = truth.mu.map((m) => {
    const dist = p.mu.map((f) => f.reduce((s, v, i) => s + (v - m[i]!) ** 2, 0));
    return dist.indexOf(Math.min(...dist));
  });
  expect(new Set(match).size).toBe(truth.w.length);
  truth.w.forEach((w, k) => {
    const j = match[k]!;
    const nk = n * w;
    expect(Math.abs(p.w[j]! - w), `w[${k}]`).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / n));
    const S = implied(truth.W[k]!, truth.psi);
    const Sfit = implied(p.W[j]!, psiOf(j));
    S.forEach((row, a) => {
      expect(Math.abs(p.mu[j]![a]! - truth.mu[k]![a]!), `mu[${k}][${a}]`).toBeLessThan(4 * Math.sqrt(row[a]! / nk));
      for (const [b, v] of row.entries())
        expect(Math.abs(Sfit[a]![b]! - v), `Σ[${k}][${a}][${b}]`).toBeLessThan(
          4 * Math.sqrt((row[a]! * S[b]![b]! + v * v) / nk),
        );
    });
  });
}

describe('mixture of factor analysers', () => {
  it('recovers weights, means and W Wᵀ + Ψ of the simulation', () => {
    const { result, posteriors } = fitAny(model, data, { seed: 1, restarts: 2, maxIter: 500 });
    const p = result.params as { w: number[]; mu: M; W: M[]; psi: number[] };
    const n = x.length;
    expectRecovered(p, () => p.psi);
    // The reported log-likelihood against a direct evaluation of the mixture density.
    const direct = x.reduce((total, xn) => {
      const terms = p.w.map((w, k) => Math.log(w) + logNormal(xn, p.mu[k]!, implied(p.W[k]!, p.psi)));
      const max = Math.max(...terms);
      return total + max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
    }, 0);
    expect(Math.abs(result.logLik - direct) / Math.abs(direct)).toBeLessThan(1e-12);
    expect(posteriors.responsibilities).toHaveLength(n);
    expect(posteriors.means?.f).toHaveLength(n);
  });

  it('per-component noise: fits and recovers the same identifiable quantities', () => {
    const { result } = fitAny(perComponentNoise, data, { seed: 1, maxIter: 500 });
    const p = result.params as { w: number[]; mu: M; W: M[]; psi: M };
    expectRecovered(p, (j) => p.psi[j]!);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['shared noise', model],
    ['per-component noise', perComponentNoise],
  ])('EM never decreases the log-likelihood: %s', (_, text) => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(text, data, { seed, maxIter: 60, tol: 0 });
      for (let t = 1; t < result.history.length; t++)
        expect(result.history[t]! - result.history[t - 1]!, `seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(
          -1e-10 * Math.abs(result.history[t - 1]!),
        );
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
    }
  });
});

describe('mixtures of factor analysers the executor does not run', () => {
  it('shared loadings with per-component noise: E5001 naming the obstacle', () => {
    const text = perComponentNoise
      .replace('param  W[K]: real[D, L]', 'param  W: real[D, L]')
      .replace('param  mu[K]: real[D]', 'param  mu: real[D]')
      .replace('mu[z[n]] + W[z[n]] * f[n]', 'mu + W * f[n]');
    const lowered = lowerProgram(planSource(new SourceFile('model.em', text)));
    expect(lowered.diagnostics.map((d) => d.code)).toEqual(['E5001']);
    expect(lowered.diagnostics[0]?.message).toContain('the loadings are shared');
  });
});
