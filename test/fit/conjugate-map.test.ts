/**
 * MAP with conjugate priors on Old Faithful: gmm-map (Dirichlet(2) on the weights, an
 * InvWishart(D + 2, eye(D)) prior on each covariance — a prior argument that is a constant
 * expression of a size). The log posterior never decreases, and at the fixed point the
 * params equal the closed-form MAP updates, recomputed here from the final responsibilities.
 * gmm-niw the same with a normal-inverse-Wishart pair; hyperparameters given as data fit exactly
 * as the same values written as literals, and so does the pair written in two loops.
 */
import { readFileSync } from 'node:fs';
import { fitWithPosteriors } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepare, root } from './fit-helpers.js';

const faithful = JSON.parse(readFileSync(new URL('examples/old-faithful-gmm/data.json', root), 'utf8')) as {
  x: number[][];
};
const readModel = (path: string) => readFileSync(new URL(path, root), 'utf8');
const options = { seed: 3, maxIter: 2000, tol: 1e-13, regCovar: 0 };

function nonDecreasing(history: readonly number[]): void {
  for (let t = 1; t < history.length; t++) {
    expect(history[t]!).toBeGreaterThanOrEqual(history[t - 1]! - 1e-9 * Math.abs(history[t - 1]!));
  }
}

/** Σ_n r_nk, Σ_n r_nk x_n, and the scatter about `centre` of each component. */
function componentStats(x: number[][], r: readonly (readonly number[])[], k: number, centre: number[]) {
  const d = x[0]!.length;
  let nk = 0;
  const sum = new Array<number>(d).fill(0);
  const scatter = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  x.forEach((xn, n) => {
    const w = r[n]![k]!;
    nk += w;
    for (let i = 0; i < d; i++) {
      sum[i]! += w * xn[i]!;
      for (let j = 0; j < d; j++) scatter[i]![j]! += w * (xn[i]! - centre[i]!) * (xn[j]! - centre[j]!);
    }
  });
  return { nk, sum, scatter };
}

function relClose(got: number, want: number, tol = 1e-6): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
}

describe('gmm-map on Old Faithful (Dirichlet + InvWishart(D + 2, eye(D)))', () => {
  const { program, data } = prepare(readModel('test/golden/good/gmm-map.em'), faithful);
  const { result, posteriors } = fitWithPosteriors(program, data, options);
  const r = posteriors.responsibilities;
  const x = faithful.x;
  const N = x.length;
  const D = 2;
  const K = 3;

  it('lowers the prior argument D + 2 as a size expression', () => {
    const sigma = program.params.find((p) => p.name === 'Sigma');
    expect(sigma?.prior?.args[0]).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'size', name: 'D' },
      right: { kind: 'number', value: 2 },
    });
    expect(program.objective).toBe('log-posterior');
  });

  it('converges with a log posterior that never decreases', () => {
    expect(result.converged).toBe(true);
    nonDecreasing(result.history);
    expect(result.objective).toBeLessThan(result.logLik);
  });

  it('weights are the Dirichlet(2) mode (N_k + 1) / (N + K)', () => {
    const weights = result.params.weights as number[];
    for (let k = 0; k < K; k++) relClose(weights[k]!, (componentStats(x, r, k, [0, 0]).nk + 1) / (N + K));
  });

  it('covariances are the InvWishart MAP (Ψ + S_k) / (Σ_n r_nk + ν + D + 1)', () => {
    const mu = result.params.mu as number[][];
    const sigma = result.params.Sigma as number[][][];
    const nu = D + 2;
    for (let k = 0; k < K; k++) {
      const { nk, sum, scatter } = componentStats(x, r, k, mu[k]!);
      for (let i = 0; i < D; i++) relClose(mu[k]![i]!, sum[i]! / nk);
      for (let i = 0; i < D; i++)
        for (let j = 0; j < D; j++) {
          const psi = i === j ? 1 : 0;
          relClose(sigma[k]![i]![j]!, (psi + scatter[i]![j]!) / (nk + nu + D + 1));
        }
    }
  });
});

describe('gmm-niw on Old Faithful (normal-inverse-Wishart on each component)', () => {
  const { program, data } = prepare(readModel('test/golden/good/gmm-niw.em'), faithful);
  const { result, posteriors } = fitWithPosteriors(program, data, options);
  const r = posteriors.responsibilities;
  const x = faithful.x;
  const N = x.length;
  const D = 2;
  const K = 3;
  // As written in gmm-niw.em: Sigma[k] ~ InvWishart(D + 2, eye(D)), mu[k] ~ MvNormal(zeros(D), Sigma[k] / 0.01).
  const nu = D + 2;
  const kappa = 0.01;
  const m0 = [0, 0];

  it('plans and lowers both params with the normal-inverse-Wishart rule', () => {
    const mu = program.params.find((p) => p.name === 'mu');
    const sigma = program.params.find((p) => p.name === 'Sigma');
    expect(mu?.rule).toBe('normal-inverse-wishart-map');
    expect(sigma?.rule).toBe('normal-inverse-wishart-map');
    expect(mu?.prior?.covarianceOf).toBe('Sigma');
    expect(program.objective).toBe('log-posterior');
  });

  it('converges with a log posterior that never decreases', () => {
    expect(result.converged).toBe(true);
    nonDecreasing(result.history);
  });

  it('the final params are the joint NIW posterior mode given the final responsibilities', () => {
    const weights = result.params.weights as number[];
    const mu = result.params.mu as number[][];
    const sigma = result.params.Sigma as number[][][];
    for (let k = 0; k < K; k++) {
      const { nk, sum } = componentStats(x, r, k, [0, 0]);
      relClose(weights[k]!, (nk + 1) / (N + K));
      const xbar = sum.map((s) => s / nk);
      const { scatter } = componentStats(x, r, k, xbar);
      // mu_k = (κ m0 + Σ_n r_nk x_n) / (κ + N_k)
      for (let i = 0; i < D; i++) relClose(mu[k]![i]!, (kappa * m0[i]! + sum[i]!) / (kappa + nk));
      // Sigma_k = (Ψ + S_k + κ N_k / (κ + N_k) (x̄_k − m0)(x̄_k − m0)ᵀ) / (ν + N_k + D + 2)
      for (let i = 0; i < D; i++)
        for (let j = 0; j < D; j++) {
          const psi = i === j ? 1 : 0;
          const shrink = ((kappa * nk) / (kappa + nk)) * (xbar[i]! - m0[i]!) * (xbar[j]! - m0[j]!);
          relClose(sigma[k]![i]![j]!, (psi + scatter[i]![j]! + shrink) / (nu + nk + D + 2));
        }
    }
  });

  it('the objective is the log-likelihood plus the log NIW and Dirichlet prior densities', () => {
    const mu = result.params.mu as number[][];
    const sigma = result.params.Sigma as number[][][];
    const weights = result.params.weights as number[];
    const logDet = (a: number[][]) => Math.log(a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!);
    const quad = (a: number[][], v: number[]) => {
      const det = a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!;
      return (a[1]![1]! * v[0]! ** 2 - 2 * a[0]![1]! * v[0]! * v[1]! + a[0]![0]! * v[1]! ** 2) / det;
    };
    const lgamma2 = (a: number) => Math.log(Math.PI) / 2 + lgamma(a) + lgamma(a - 0.5);
    let logPrior = lgamma(2 * K) - K * lgamma(2) + weights.reduce((t, w) => t + Math.log(w), 0);
    for (let k = 0; k < K; k++) {
      const s = sigma[k]!;
      const cov = s.map((row) => row.map((v) => v / kappa));
      logPrior +=
        -Math.log(2 * Math.PI) -
        logDet(cov) / 2 -
        quad(
          cov,
          mu[k]!.map((v, i) => v - m0[i]!),
        ) /
          2;
      // log InvWishart(S | nu, I) = (nu/2) log|I| − (nu D/2) log 2 − log Γ_2(nu/2) − (nu + D + 1)/2 log|S| − ½ tr(S⁻¹)
      const inv = [
        [s[1]![1]!, -s[0]![1]!],
        [-s[1]![0]!, s[0]![0]!],
      ].map((row) => row.map((v) => v / Math.exp(logDet(s))));
      logPrior +=
        -((nu * D) / 2) * Math.log(2) -
        lgamma2(nu / 2) -
        ((nu + D + 1) / 2) * logDet(s) -
        (inv[0]![0]! + inv[1]![1]!) / 2;
    }
    relClose(result.objective, result.logLik + logPrior, 1e-8);
  });
});

/** log Γ(a) by Lanczos (g = 7, n = 9). */
function lgamma(a: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - lgamma(1 - a);
  const z = a - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

describe('prior hyperparameters given as data', () => {
  // gmm-niw.em with every hyperparameter a data variable instead of a literal; m0 moved off zero.
  const withData = `
model gmm_niw_data {
  size N, D
  size K = 3
  data   x[N]: real[D]
  data   alpha: positive
  data   nu0: positive
  data   Psi: cov[D]
  data   m0: real[D]
  data   kappa: positive
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  weights ~ Dirichlet(alpha)
  for k in K {
    Sigma[k] ~ InvWishart(nu0, Psi)
    mu[k] ~ MvNormal(m0, Sigma[k] / kappa)
  }
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}`;
  const literal = readModel('test/golden/good/gmm-niw.em')
    .replace('MvNormal(zeros(D), Sigma[k] / 0.01)', 'MvNormal(3 * ones(D), Sigma[k] / 0.01)')
    .replace('InvWishart(D + 2, eye(D))', 'InvWishart(D + 2.5, 2 * eye(D))');

  it('fit exactly as the same values written as literals', () => {
    const hyper = {
      alpha: 2,
      nu0: 4.5,
      Psi: [
        [2, 0],
        [0, 2],
      ],
      m0: [3, 3],
      kappa: 0.01,
    };
    const a = prepare(withData, { ...faithful, ...hyper });
    const b = prepare(literal, faithful);
    expect(a.program.params.find((p) => p.name === 'mu')?.prior?.args[0]).toEqual({
      kind: 'data',
      name: 'm0',
      scalar: false,
    });
    const fa = fitWithPosteriors(a.program, a.data, { ...options, maxIter: 200 }).result;
    const fb = fitWithPosteriors(b.program, b.data, { ...options, maxIter: 200 }).result;
    expect({ ...fa, model: '' }).toEqual({ ...fb, model: '' });
    nonDecreasing(fa.history);
  });
});

describe('a normal-inverse-Wishart pair written in two loops with different index names', () => {
  const split = readModel('test/golden/good/gmm-niw.em').replace(
    '    mu[k] ~ MvNormal(zeros(D), Sigma[k] / 0.01)\n  }',
    '  }\n  for j in K {\n    mu[j] ~ MvNormal(zeros(D), Sigma[j] / 0.01)\n  }',
  );

  it('gets the joint MAP rule and fits exactly as the one-loop form', () => {
    expect(split).toContain('for j in K');
    const a = prepare(split, faithful);
    const b = prepare(readModel('test/golden/good/gmm-niw.em'), faithful);
    expect(a.program.params.map((p) => p.rule)).toEqual(b.program.params.map((p) => p.rule));
    const fa = fitWithPosteriors(a.program, a.data, { ...options, maxIter: 200 }).result;
    const fb = fitWithPosteriors(b.program, b.data, { ...options, maxIter: 200 }).result;
    expect(fa).toEqual(fb);
  });
});
