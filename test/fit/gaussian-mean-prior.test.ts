/**
 * MAP-EM for a Gaussian mixture with a Gaussian prior on the component means that does not
 * involve the covariances (`mu[k] ~ Normal(m0, s0)` elementwise, or `MvNormal(m0, S0)`): the
 * mean's update is the closed-form conditional mode given the current covariance
 * (mv-normal-mean-map; ECM). On the Old Faithful data: the reported objective equals the
 * log-likelihood plus the log prior, both recomputed here; the fit is a stationary point of that
 * log posterior in every mean and covariance coordinate (central differences); the objective never
 * decreases; and the elementwise Normal prior is the MvNormal prior with a diagonal covariance.
 */
import { describe, expect, test } from 'vitest';
import { fitAny, readExample } from './fit-helpers.js';

const withPrior = (prior: string) => `
model faithful_map {
  size N, D
  size K = 2
  data   x[N]: real[D]
  data   m0: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  for k in K {
    mu[k] ~ ${prior}
  }
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}
`;

// A prior that matters: means pulled towards (3, 60) with sd 2 per coordinate.
const m0 = [3, 60];
const data = { ...(readExample('old-faithful-gmm').data as { x: number[][] }), m0 };
const s0 = 2;

interface Params {
  weights: number[];
  mu: number[][];
  Sigma: number[][][];
}

/** log N(x | m, S) for D = 2, written out. */
function logMvn2(x: readonly number[], m: readonly number[], s: readonly (readonly number[])[]): number {
  const det = s[0]![0]! * s[1]![1]! - s[0]![1]! * s[1]![0]!;
  const a = x[0]! - m[0]!;
  const b = x[1]! - m[1]!;
  const quad = (s[1]![1]! * a * a - (s[0]![1]! + s[1]![0]!) * a * b + s[0]![0]! * b * b) / det;
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad;
}

function logLik(p: Params): number {
  let total = 0;
  for (const x of data.x) {
    const terms = p.weights.map((w, k) => Math.log(w) + logMvn2(x, p.mu[k]!, p.Sigma[k]!));
    const m = Math.max(...terms);
    total += m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
  }
  return total;
}

const logPrior = (p: Params) =>
  p.mu.flat().reduce((s, v, i) => s - 0.5 * Math.log(2 * Math.PI * s0 * s0) - (v - m0[i % 2]!) ** 2 / (2 * s0 * s0), 0);

describe('Gaussian prior on mixture means (closed-form conditional mode, ECM)', () => {
  // regCovar 0: the 1e-6 added to the variances would move Σ off the exact stationary point.
  const options = { seed: 1, restarts: 3, tol: 1e-12, maxIter: 5000, regCovar: 0 };

  test('objective = log-likelihood + log prior, at a stationary point of the log posterior', () => {
    const { result } = fitAny(withPrior('Normal(m0, 2)'), data, options);
    const p = result.params as unknown as Params;
    const ll = logLik(p);
    const lp = logPrior(p);
    expect(Math.abs(result.logLik - ll)).toBeLessThan(1e-9 * Math.abs(ll));
    expect(Math.abs(result.objective - (ll + lp))).toBeLessThan(1e-9 * Math.abs(ll + lp));
    const post = (q: Params) => logLik(q) + logPrior(q);
    // The prior moves the means: the log-likelihood alone is not stationary there.
    let steepestLogLik = 0;
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 2; j++) {
        const h = 1e-5 * Math.max(1, Math.abs(p.mu[k]![j]!));
        const up = structuredClone(p);
        const down = structuredClone(p);
        up.mu[k]![j]! += h;
        down.mu[k]![j]! -= h;
        expect(Math.abs((post(up) - post(down)) / (2 * h)), `mu[${k}][${j}]`).toBeLessThan(1e-3);
        steepestLogLik = Math.max(steepestLogLik, Math.abs((logLik(up) - logLik(down)) / (2 * h)));
      }
      for (const [a, b] of [
        [0, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const h = 1e-4 * Math.abs(p.Sigma[k]![a]![a]!);
        const up = structuredClone(p);
        const down = structuredClone(p);
        up.Sigma[k]![a]![b]! += h;
        down.Sigma[k]![a]![b]! -= h;
        if (a !== b) {
          up.Sigma[k]![b]![a]! += h;
          down.Sigma[k]![b]![a]! -= h;
        }
        // Scaled by the entry's size (the variances differ by 10³ between the two coordinates).
        const scaled = (Math.abs(post(up) - post(down)) / (2 * h)) * Math.abs(p.Sigma[k]![a]![a]!);
        expect(scaled, `Sigma[${k}][${a}][${b}]`).toBeLessThan(1e-4);
      }
    }
    expect(steepestLogLik).toBeGreaterThan(0.01);
  });

  test('the objective never decreases (three seeds)', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(withPrior('Normal(m0, 2)'), data, { seed, maxIter: 200 });
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++) {
        expect(result.history[t]!).toBeGreaterThanOrEqual(
          result.history[t - 1]! - 1e-10 * Math.abs(result.history[t - 1]!),
        );
      }
    }
  });

  test('Normal(m0, s0) elementwise is MvNormal(m0, s0² I)', () => {
    const a = fitAny(withPrior('Normal(m0, 2)'), data, { seed: 4, maxIter: 100 }).result;
    const b = fitAny(withPrior('MvNormal(m0, 4 * eye(D))'), data, { seed: 4, maxIter: 100 }).result;
    expect(b.iterations).toBe(a.iterations);
    expect(Math.abs(a.objective - b.objective)).toBeLessThan(1e-10 * Math.abs(b.objective));
  });
});
