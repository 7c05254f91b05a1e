/**
 * Standard errors (`standardErrors: true`) against analytic ones: models without latents whose
 * observed information has a closed form at the MLE. Poisson rate √(λ̂/N); Bernoulli
 * √(p̂(1 − p̂)/N); every entry of a categorical simplex √(p̂_k(1 − p̂_k)/N) (through the
 * log-ratio Jacobian); Normal mean σ̂/√N and sd σ̂/√(2N); MvNormal mean √(Σ̂_jj/N) and covariance
 * √((Σ̂_ij² + Σ̂_ii Σ̂_jj)/N) (through the log-Cholesky Jacobian); MAP Poisson rate under a
 * Gamma(a, b) prior √(λ̂/(N + b)) with λ̂ = (Σy + a − 1)/(N + b), from the log posterior. Also:
 * fixed params get none, an MLE on the boundary gets `null` and a warning (never NaN), the
 * transform Jacobians match numeric differentiation, and the result round-trips through JSON.
 */
import { fitAnyProgram, transformJacobians, transforms } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareAny } from './fit-helpers.js';

/** Deterministic pseudo-random draws (a small LCG), enough for test data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

function fitSe(model: string, data: unknown, options: Record<string, unknown> = {}) {
  const { program, data: bound } = prepareAny(model, data);
  return fitAnyProgram(program, bound, { seed: 1, restarts: 1, tol: 1e-12, ...options, standardErrors: true }).result;
}

const close = (actual: unknown, expected: number, rel = 1e-6) => {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected) / expected).toBeLessThan(rel);
};

describe('standard errors against analytic ones', () => {
  it('Poisson MLE: √(λ̂/N)', () => {
    const rand = lcg(7);
    const y = Array.from({ length: 400 }, () => Math.floor(-Math.log(rand()) * 6));
    const r = fitSe(
      `model pois { size N
        data y[N]: count
        param rate: positive
        for n in N { y[n] ~ Poisson(rate) } }`,
      { y },
    );
    const rate = r.params.rate as number;
    close(rate, y.reduce((a, b) => a + b, 0) / y.length, 1e-12);
    close(r.standardErrors?.rate, Math.sqrt(rate / y.length));
    expect(r.seMethod).toBe(
      'observed information: Hessian of the observed-data log-likelihood by Richardson-extrapolated central differences',
    );
    expect(r.warnings).toEqual([]);
  });

  it('MAP Poisson rate under a Gamma prior: the Hessian of the log posterior', () => {
    const rand = lcg(8);
    const y = Array.from({ length: 50 }, () => Math.floor(-Math.log(rand()) * 3));
    const [a, b] = [3, 2];
    const r = fitSe(
      `model pois_map { size N
        data y[N]: count
        param rate: positive
        rate ~ Gamma(${a}, ${b})
        for n in N { y[n] ~ Poisson(rate) } }`,
      { y },
    );
    const n = y.length;
    const rate = (y.reduce((s, v) => s + v, 0) + a - 1) / (n + b);
    close(r.params.rate, rate, 1e-10);
    close(r.standardErrors?.rate, Math.sqrt(rate / (n + b)));
    expect(r.seMethod).toContain('Hessian of the log posterior');
  });

  it('Bernoulli probability: √(p̂(1 − p̂)/N)', () => {
    const rand = lcg(9);
    const y = Array.from({ length: 300 }, () => (rand() < 0.3 ? 1 : 0));
    const r = fitSe(
      `model bern { size N
        data y[N]: count
        param p: prob
        for n in N { y[n] ~ Bernoulli(p) } }`,
      { y },
    );
    const p = r.params.p as number;
    close(r.standardErrors?.p, Math.sqrt((p * (1 - p)) / y.length));
  });

  it('categorical simplex: every entry √(p̂_k(1 − p̂_k)/N)', () => {
    const rand = lcg(10);
    const y = Array.from({ length: 500 }, () => {
      const u = rand();
      return u < 0.2 ? 0 : u < 0.5 ? 1 : u < 0.9 ? 2 : 3;
    });
    const r = fitSe(
      `model cat { size N
        size K = 4
        data y[N]: cat[K]
        param p: simplex[K]
        for n in N { y[n] ~ Categorical(p) } }`,
      { y },
    );
    const p = r.params.p as number[];
    const se = r.standardErrors?.p as number[];
    expect(se).toHaveLength(4);
    for (const [k, pk] of p.entries()) close(se[k], Math.sqrt((pk * (1 - pk)) / y.length));
  });

  it('Normal mean and sd: σ̂/√N and σ̂/√(2N); a fixed sd gets none', () => {
    const rand = lcg(11);
    const x = Array.from(
      { length: 250 },
      () => 10 + 2 * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()),
    );
    const model = `model norm { size N
        data x[N]: real
        param mu: real
        param sd: positive
        for n in N { x[n] ~ Normal(mu, sd) } }`;
    const r = fitSe(model, { x });
    const n = x.length;
    const sd = r.params.sd as number;
    close(r.standardErrors?.mu, sd / Math.sqrt(n));
    close(r.standardErrors?.sd, sd / Math.sqrt(2 * n));
    const fixed = fitSe(model, { x }, { fixed: { sd: 2 } });
    close(fixed.standardErrors?.mu, 2 / Math.sqrt(n));
    expect(fixed.standardErrors).not.toHaveProperty('sd');
  });

  it('MvNormal mean and full covariance: √(Σ̂_jj/N) and √((Σ̂_ij² + Σ̂_ii Σ̂_jj)/N)', () => {
    const rand = lcg(12);
    const normal = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    const x = Array.from({ length: 300 }, () => {
      const [a, b, c] = [normal(), normal(), normal()];
      return [1 + a, -2 + 0.6 * a + 0.8 * b, 3 + 0.5 * b + 2 * c];
    });
    const r = fitSe(
      `model mvn { size N, D
        data x[N]: real[D]
        param mu: real[D]
        param Sigma: cov[D]
        for n in N { x[n] ~ MvNormal(mu, Sigma) } }`,
      { x },
      { regCovar: 0 },
    );
    const n = x.length;
    const sigma = r.params.Sigma as number[][];
    const seMu = r.standardErrors?.mu as number[];
    const seSigma = r.standardErrors?.Sigma as number[][];
    for (let i = 0; i < 3; i++) {
      close(seMu[i], Math.sqrt(sigma[i]![i]! / n));
      for (let j = 0; j < 3; j++) {
        close(seSigma[i]![j], Math.sqrt((sigma[i]![j]! ** 2 + sigma[i]![i]! * sigma[j]![j]!) / n));
      }
    }
  });

  it('an MLE on the boundary gets null and a warning, never NaN; the result round-trips through JSON', () => {
    const r = fitSe(
      `model bern0 { size N
        data y[N]: count
        data x[N]: real
        param p: prob
        param mu: real
        for n in N {
          y[n] ~ Bernoulli(p)
          x[n] ~ Normal(mu, 1)
        } }`,
      { y: [0, 0, 0, 0], x: [1, 2, 3, 5] },
    );
    expect(r.params.p).toBe(0);
    expect(r.standardErrors?.p).toBeNull();
    close(r.standardErrors?.mu, 1 / 2);
    expect(r.warnings.some((w) => w.includes('standard errors of p are null') && w.includes('boundary'))).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('transform Jacobians', () => {
  const cases = [
    { element: 'positive', x: [0.7, 3.2] },
    { element: 'prob', x: [0.2, 0.9] },
    { element: 'simplex', x: [0.1, 0.25, 0.4, 0.25] },
    { element: 'cov', x: [2, 0.3, -0.4, 0.3, 1.5, 0.2, -0.4, 0.2, 1.1] },
  ] as const;
  for (const { element, x } of cases) {
    it(`${element}: the closed form matches central differences of the inverse transform`, () => {
      const t = transforms[element];
      const size = x.length;
      const free = t.free(size);
      const u = new Float64Array(free);
      t.forward(Float64Array.from(x), u);
      const jac = new Float64Array(size * free);
      transformJacobians[element](Float64Array.from(x), jac);
      const h = 1e-6;
      const up = new Float64Array(size);
      const down = new Float64Array(size);
      for (let c = 0; c < free; c++) {
        const uu = u.slice();
        uu[c]! += h;
        t.inverse(uu, up);
        uu[c]! -= 2 * h;
        t.inverse(uu, down);
        for (let r = 0; r < size; r++) {
          expect(Math.abs(jac[r * free + c]! - (up[r]! - down[r]!) / (2 * h))).toBeLessThan(1e-8);
        }
      }
    });
  }
});
