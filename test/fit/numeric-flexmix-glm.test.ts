/**
 * A mixture of Poisson regressions (`y[n] ~ Poisson(exp(dot(X[n], beta[z[n]])))`, numeric M-step
 * for beta) against R flexmix on the same simulated data: the fixture
 * test/peers/flexmix-glm/poisson_glm_k2.json (written by make_flexmix_glm.R: stepFlexmix with 50
 * restarts, continued to tolerance 1e-14). The observed-data log-likelihood must agree to 1e-6
 * relative, weights and coefficients to 1e-4 up to label switching; the log-likelihood is also
 * recomputed here from the fitted parameters, and the objective must never decrease.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

interface Fixture {
  data: { X: number[][]; y: number[] };
  best: { weights: number[]; beta: number[][]; loglik: number; peer_loglik: number };
}

const fixture: Fixture = JSON.parse(readFileSync(new URL('test/peers/flexmix-glm/poisson_glm_k2.json', root), 'utf8'));

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** The full observed-data log-likelihood of the mixture (all constants), by log-sum-exp per item. */
function mixtureLogLik(X: number[][], y: number[], w: number[], beta: number[][]): number {
  let total = 0;
  for (let n = 0; n < y.length; n++) {
    const terms = w.map((wk, k) => {
      const eta = X[n]!.reduce((s, x, j) => s + x * beta[k]![j]!, 0);
      return Math.log(wk) + y[n]! * eta - Math.exp(eta) - logFactorial(y[n]!);
    });
    const m = Math.max(...terms);
    total += m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
  }
  return total;
}

describe('mixture of Poisson regressions vs R flexmix', () => {
  const { model, data } = readExample('poisson-regression-mixture');

  test('the example data are the fixture data', () => {
    expect(data).toEqual({ X: fixture.data.X, y: fixture.data.y });
  });

  test('the fixture log-likelihood recomputes from its parameters', () => {
    const { X, y } = fixture.data;
    const ll = mixtureLogLik(X, y, fixture.best.weights, fixture.best.beta);
    expect(Math.abs(ll - fixture.best.loglik)).toBeLessThan(1e-9 * Math.abs(ll));
    expect(Math.abs(ll - fixture.best.peer_loglik)).toBeLessThan(1e-9 * Math.abs(ll));
  });

  test('log-likelihood to 1e-6 relative, weights and coefficients to 1e-4 up to labels', () => {
    const { result } = fitAny(model, data, { seed: 1, restarts: 5, tol: 1e-12, maxIter: 500 });
    expect(result.strategy).toBe('enumerate');
    const ref = fixture.best;
    expect(Math.abs(result.logLik - ref.loglik) / Math.abs(ref.loglik)).toBeLessThan(1e-6);
    const w = result.params.w as number[];
    const beta = result.params.beta as number[][];
    // The fixture sorts components by intercept; do the same here.
    const order = [0, 1].sort((a, b) => beta[a]![0]! - beta[b]![0]!);
    order.forEach((k, kRef) => {
      expect(Math.abs(w[k]! - ref.weights[kRef]!)).toBeLessThan(1e-4);
      for (let j = 0; j < 3; j++) expect(Math.abs(beta[k]![j]! - ref.beta[kRef]![j]!)).toBeLessThan(1e-4);
    });
    // emforge's reported objective is the same full log-likelihood, recomputed independently.
    const { X, y } = fixture.data;
    expect(Math.abs(mixtureLogLik(X, y, w, beta) - result.logLik)).toBeLessThan(1e-9 * Math.abs(result.logLik));
  });

  test('the objective never decreases (three seeds), same seed → same bits', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(model, data, { seed, maxIter: 100 });
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++) {
        expect(result.history[t]!).toBeGreaterThanOrEqual(
          result.history[t - 1]! - 1e-9 * Math.abs(result.history[t - 1]!),
        );
      }
    }
    const a = fitAny(model, data, { seed: 7, maxIter: 30 }).result;
    const b = fitAny(model, data, { seed: 7, maxIter: 30 }).result;
    expect(b.params).toEqual(a.params);
    expect(b.history).toEqual(a.history);
  });
});
