/**
 * MAP-EM with a numeric M-step: a mixture of logistic regressions (the mixture-logistic example's
 * data, coefficients as scalar params) with a non-conjugate Normal(0, 5) prior on every
 * coefficient. The reported objective must equal the observed-data log-likelihood plus the log
 * prior densities, normalising constants included, both recomputed here from the fitted params;
 * the fit must be a stationary point of that log posterior (central finite differences); and the
 * objective must never decrease (three seeds), the same seed giving the same bits.
 */
import { describe, expect, test } from 'vitest';
import { fitAny, readExample } from './fit-helpers.js';

const model = `
// A mixture of two logistic regressions with a Normal(0, 5) prior on each coefficient (MAP).
model mixlogit_map {
  size N
  size K = 2

  data   x1[N]: real
  data   x2[N]: real
  data   y[N]: count

  param  w: simplex[K]
  param  a[K]: real
  param  b1[K]: real
  param  b2[K]: real

  latent z[N]: cat[K]

  for k in K {
    a[k] ~ Normal(0, 5)
    b1[k] ~ Normal(0, 5)
    b2[k] ~ Normal(0, 5)
  }
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(logistic(a[z[n]] + b1[z[n]] * x1[n] + b2[z[n]] * x2[n]))
  }
}
`;

const raw = readExample('mixture-logistic').data as { X: number[][]; y: number[] };
const data = { x1: raw.X.map((r) => r[1]!), x2: raw.X.map((r) => r[2]!), y: raw.y };

interface Params {
  w: number[];
  a: number[];
  b1: number[];
  b2: number[];
}

/** Σ_n log Σ_k w[k] Bernoulli(y[n] | logistic(a[k] + b1[k] x1[n] + b2[k] x2[n])), in log space. */
function logLik(p: Params): number {
  let total = 0;
  for (let n = 0; n < data.y.length; n++) {
    const terms = p.w.map((wk, k) => {
      const eta = p.a[k]! + p.b1[k]! * data.x1[n]! + p.b2[k]! * data.x2[n]!;
      // log logistic(η) = −log(1 + e^{−η}); log(1 − logistic(η)) = −log(1 + e^{η}).
      const logp = data.y[n] === 1 ? -Math.log1p(Math.exp(-eta)) : -Math.log1p(Math.exp(eta));
      return Math.log(wk) + logp;
    });
    const m = Math.max(...terms);
    total += m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
  }
  return total;
}

/** Σ log Normal(θ | 0, 5) over every coefficient, with its normalising constant. */
function logPrior(p: Params): number {
  const sd = 5;
  return [...p.a, ...p.b1, ...p.b2].reduce(
    (s, x) => s - 0.5 * Math.log(2 * Math.PI * sd * sd) - (x * x) / (2 * sd * sd),
    0,
  );
}

describe('MAP-EM with a numeric M-step (Normal priors on logistic coefficients)', () => {
  test('objective = log-likelihood + log prior (constants included), at a stationary point of the log posterior', () => {
    const { result } = fitAny(model, data, { seed: 1, tol: 1e-10, maxIter: 1000 });
    const p = result.params as unknown as Params;
    const ll = logLik(p);
    const lp = logPrior(p);
    expect(Math.abs(result.logLik - ll)).toBeLessThan(1e-9 * Math.abs(ll));
    expect(Math.abs(result.objective - (ll + lp))).toBeLessThan(1e-9 * Math.abs(ll + lp));
    expect(result.history.at(-1)).toBe(result.objective);
    // The prior matters here: it is far from a constant offset of the ML fit.
    expect(lp).toBeLessThan(6 * -0.5 * Math.log(2 * Math.PI * 25) - 0.1);
    // Stationary point of the log posterior in every coefficient (w on the simplex: along w[0] − w[1]).
    const post = (q: Params) => logLik(q) + logPrior(q);
    // The log-likelihood alone is not stationary there (the prior pulls every coefficient by −θ/25).
    const h = 1e-5;
    let steepestLogLik = 0;
    for (const key of ['a', 'b1', 'b2'] as const) {
      for (let k = 0; k < 2; k++) {
        const up = structuredClone(p);
        const down = structuredClone(p);
        up[key][k]! += h;
        down[key][k]! -= h;
        expect(Math.abs((post(up) - post(down)) / (2 * h)), `${key}[${k}]`).toBeLessThan(1e-3);
        steepestLogLik = Math.max(steepestLogLik, Math.abs((logLik(up) - logLik(down)) / (2 * h)));
      }
    }
    expect(steepestLogLik).toBeGreaterThan(0.1);
    const up = structuredClone(p);
    const down = structuredClone(p);
    up.w = [p.w[0]! + h, p.w[1]! - h];
    down.w = [p.w[0]! - h, p.w[1]! + h];
    expect(Math.abs((post(up) - post(down)) / (2 * h))).toBeLessThan(1e-3);
  });

  test('the objective never decreases (three seeds); same seed, same bits', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(model, data, { seed, maxIter: 30 });
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++) {
        expect(result.history[t]!).toBeGreaterThanOrEqual(
          result.history[t - 1]! - 1e-9 * Math.abs(result.history[t - 1]!),
        );
      }
    }
    const a = fitAny(model, data, { seed: 5, maxIter: 20 }).result;
    const b = fitAny(model, data, { seed: 5, maxIter: 20 }).result;
    expect(b.params).toEqual(a.params);
    expect(b.history).toEqual(a.history);
  });
});

/** The same model with the coefficients as one vector per component and a scalar prior on it (elementwise). */
const vectorModel = (prior: string) => `
model mixlogit_vector_map {
  size N, P
  size K = 2
  data   X[N]: real[P]
  data   y[N]: count
  param  w: simplex[K]
  param  beta[K]: real[P]
  latent z[N]: cat[K]
  for k in K {
    beta[k] ~ ${prior}
  }
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
  }
}
`;

describe('a scalar prior on a vector param is elementwise (LANGUAGE.md: independent coordinates)', () => {
  test('beta[k] ~ Normal(0, 5) on real[P]: objective = log-likelihood + Σ coordinate log priors, at the log posterior maximum of the scalar-param model', () => {
    const { result } = fitAny(vectorModel('Normal(0, 5)'), raw, { seed: 1, tol: 1e-10, maxIter: 1000 });
    const beta = result.params.beta as number[][];
    const p: Params = {
      w: result.params.w as number[],
      a: beta.map((b) => b[0]!),
      b1: beta.map((b) => b[1]!),
      b2: beta.map((b) => b[2]!),
    };
    const ll = logLik(p);
    const lp = logPrior(p);
    expect(Number.isFinite(result.objective)).toBe(true);
    expect(Math.abs(result.logLik - ll)).toBeLessThan(1e-9 * Math.abs(ll));
    expect(Math.abs(result.objective - (ll + lp))).toBeLessThan(1e-9 * Math.abs(ll + lp));
    // The same maximum as the scalar-param model (up to the labelling of the components).
    const scalar = fitAny(model, data, { seed: 1, tol: 1e-10, maxIter: 1000 }).result;
    expect(Math.abs(result.objective - scalar.objective)).toBeLessThan(1e-6 * Math.abs(scalar.objective));
  });

  test('Normal(0, 5) on each coordinate and MvNormal(0, 25 I) on the vector give the same fit', () => {
    const elementwise = fitAny(vectorModel('Normal(0, 5)'), raw, { seed: 2, maxIter: 40 }).result;
    const mv = fitAny(vectorModel('MvNormal(zeros(P), 25 * eye(P))'), raw, { seed: 2, maxIter: 40 }).result;
    expect(Math.abs(elementwise.objective - mv.objective)).toBeLessThan(1e-9 * Math.abs(mv.objective));
    expect(elementwise.iterations).toBe(mv.iterations);
  });
});
