/**
 * The Newton / IRLS numeric M-step against R: a binomial regression (no latents: the numeric
 * M-step alone is direct maximum likelihood) against glm's IRLS, and a mixture of two binomial
 * regressions against flexmix, on the data of the fixture test/peers/glm-newton/binomial_glm.json
 * (written by make_glm_newton.R). The regression's coefficients must agree to 1e-8 and its
 * log-likelihood to 1e-12 relative; the mixture's log-likelihood to 1e-9 relative and its weights
 * and coefficients to 1e-5 up to label switching (flexmix was continued to tolerance 1e-14). Both
 * log-likelihoods are also recomputed here from the fitted parameters.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fitAny, root } from './fit-helpers.js';

interface Fixture {
  data: { X: number[][]; m: number[]; y: number[] };
  glm: { beta: number[]; loglik: number; peer_loglik: number };
  mixture: { weights: number[]; beta: number[][]; loglik: number; peer_loglik: number };
}

const fixture: Fixture = JSON.parse(readFileSync(new URL('test/peers/glm-newton/binomial_glm.json', root), 'utf8'));

const regression = `
model binomial_regression {
  size N, P
  data   X[N]: real[P]
  data   m[N]: count
  data   y[N]: count
  param  beta: real[P]
  for n in N {
    y[n] ~ Binomial(m[n], logistic(dot(X[n], beta)))
  }
}`;

const mixture = `
model binomial_regression_mixture {
  size N, P
  size K = 2
  data   X[N]: real[P]
  data   m[N]: count
  data   y[N]: count
  param  w: simplex[K]
  param  beta[K]: real[P]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Binomial(m[n], logistic(dot(X[n], beta[z[n]])))
  }
}`;

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** log Binomial(y | m, logistic(x·b)), all constants. */
function logBinomial(x: number[], b: number[], m: number, y: number): number {
  const eta = x.reduce((s, v, j) => s + v * b[j]!, 0);
  const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
  return logChoose(m, y) + y * eta - m * softplus;
}

const { X, m, y } = fixture.data;

describe('Newton / IRLS against R (binomial regressions)', () => {
  test('a binomial regression is R glm (IRLS): coefficients to 1e-8, log-likelihood to 1e-12', () => {
    const { result } = fitAny(regression, fixture.data, { seed: 1 });
    const beta = result.params.beta as number[];
    for (const [j, b] of beta.entries()) expect(Math.abs(b - fixture.glm.beta[j]!)).toBeLessThan(1e-8);
    const ll = y.reduce((s, yi, n) => s + logBinomial(X[n]!, beta, m[n]!, yi), 0);
    expect(Math.abs(ll - result.logLik)).toBeLessThan(1e-12 * Math.abs(ll));
    expect(Math.abs(result.logLik - fixture.glm.loglik)).toBeLessThan(1e-12 * Math.abs(fixture.glm.loglik));
    expect(Math.abs(fixture.glm.loglik - fixture.glm.peer_loglik)).toBeLessThan(1e-9 * Math.abs(fixture.glm.loglik));
  });

  test('a mixture of two binomial regressions is flexmix: log-likelihood to 1e-9, parameters to 1e-5', () => {
    const { result } = fitAny(mixture, fixture.data, { seed: 1, restarts: 2, tol: 0, maxIter: 100 });
    const ref = fixture.mixture;
    expect(Math.abs(result.logLik - ref.loglik)).toBeLessThan(1e-9 * Math.abs(ref.loglik));
    const w = result.params.w as number[];
    const beta = result.params.beta as number[][];
    const order = [0, 1].sort((a, b) => beta[a]![0]! - beta[b]![0]!);
    order.forEach((k, kr) => {
      expect(Math.abs(w[k]! - ref.weights[kr]!)).toBeLessThan(1e-5);
      for (let j = 0; j < 3; j++) expect(Math.abs(beta[k]![j]! - ref.beta[kr]![j]!)).toBeLessThan(1e-5);
    });
    let ll = 0;
    for (const [n, yi] of y.entries()) {
      const t = w.map((wk, k) => Math.log(wk) + logBinomial(X[n]!, beta[k]!, m[n]!, yi));
      const mx = Math.max(...t);
      ll += mx + Math.log(t.reduce((s, v) => s + Math.exp(v - mx), 0));
    }
    expect(Math.abs(ll - result.logLik)).toBeLessThan(1e-12 * Math.abs(ll));
    expect(result.warnings.filter((x) => x.includes('decreased'))).toEqual([]);
  });
});
