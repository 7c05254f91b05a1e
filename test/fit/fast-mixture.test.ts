/**
 * The fast mixture executor (runtime/src/fast/) against the general one: every recognised family
 * and covariance form, several seeds, fitted through both paths — the same log-likelihood,
 * params, iterations, warnings and posteriors — plus fixed params, given init, restarts,
 * SQUAREM, monotonicity, determinism, and what falls back to the general path.
 */
import {
  type BoundData,
  type EmFitOptions,
  type FitProgram,
  fitWithPosteriors,
  specialiseMixture,
} from '@emforge/runtime';
import { describe, expect, test } from 'vitest';
import { prepare, readExample } from './fit-helpers.js';

const header = (obs: string, params: string, data: string, sizes = 'size N, D') =>
  `model m {\n ${sizes}\n size K = 3\n data x[N]: ${data}\n param w: simplex[K]\n ${params}\n latent z[N]: cat[K]\n for n in N {\n z[n] ~ Categorical(w)\n x[n] ~ ${obs}\n }\n}`;

/** A small deterministic generator (LCG) so the data need no fixture. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}
function gaussRows(n: number, d: number, seed: number): number[][] {
  const u = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => (i % 3) * 3 + j * (i % 3) + normal() * (1 + j / 2)),
  );
}

const rows = gaussRows(240, 3, 7);
const models: Record<string, { model: string; data: unknown; family: string }> = {
  full: {
    model: header('MvNormal(mu[z[n]], Sigma[z[n]])', 'param mu[K]: real[D]\n param Sigma[K]: cov[D]', 'real[D]'),
    data: { x: rows },
    family: 'gaussian-full',
  },
  tied: {
    model: header('MvNormal(mu[z[n]], Sigma)', 'param mu[K]: real[D]\n param Sigma: cov[D]', 'real[D]'),
    data: { x: rows },
    family: 'gaussian-tied',
  },
  diag: {
    model: header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real[D]\n param s[K]: positive[D]', 'real[D]'),
    data: { x: rows },
    family: 'gaussian-diag',
  },
  spherical: {
    model: header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real[D]\n param s[K]: positive', 'real[D]'),
    data: { x: rows },
    family: 'gaussian-spherical',
  },
  scalar: {
    model: header('Normal(mu[z[n]], s[z[n]])', 'param mu[K]: real\n param s[K]: positive', 'real', 'size N'),
    data: { x: rows.map((r) => r[0]) },
    family: 'gaussian-diag',
  },
  poisson: {
    model: header('Poisson(rate[z[n]])', 'param rate[K]: positive', 'count', 'size N'),
    data: { x: rows.map((r) => Math.floor(Math.abs(r[0]! * 3))) },
    family: 'poisson',
  },
  poissonVector: {
    model: header('Poisson(rate[z[n]])', 'param rate[K]: positive[D]', 'count[D]'),
    data: { x: rows.map((r) => r.map((v) => Math.floor(Math.abs(v * 2)))) },
    family: 'poisson',
  },
  bernoulli: {
    model: header('Bernoulli(p[z[n]])', 'param p[K]: prob[D]', 'int[D]'),
    data: { x: rows.map((r) => r.map((v) => (v > 2 ? 1 : 0))) },
    family: 'bernoulli',
  },
  categorical: {
    model: header('Categorical(theta[z[n]])', 'param theta[K]: simplex[C]', 'cat[C]', 'size N, C'),
    data: { x: rows.map((r) => Math.min(3, Math.floor(Math.abs(r[1]!)))), C: 4 },
    family: 'categorical',
  },
};

function both(program: FitProgram, data: BoundData, options: EmFitOptions) {
  return {
    fast: fitWithPosteriors(program, data, options),
    general: fitWithPosteriors(program, data, { ...options, specialise: false }),
  };
}

function expectClose(a: unknown, b: unknown, tol: number, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > tol * Math.max(1, Math.abs(b))) throw new Error(`${path}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, path).toBe(b.length);
    a.forEach((v, i) => {
      expectClose(v, b[i], tol, `${path}[${i}]`);
    });
    return;
  }
  if (a && b && typeof a === 'object') {
    for (const key of Object.keys(b as object))
      expectClose((a as never)[key], (b as never)[key], tol, `${path}.${key}`);
    return;
  }
  expect(a, path).toEqual(b);
}

describe.each(Object.entries(models))('fast executor, %s', (_name, { model, data, family }) => {
  const { program, data: bound } = prepare(model, data);
  test('is recognised', () => {
    expect(specialiseMixture(program, bound, {})?.family).toBe(family);
  });
  test.each([1, 2, 3])('matches the general path (seed %i, tol 0)', (seed) => {
    const options = { seed, maxIter: 25, tol: 0 };
    const { fast, general } = both(program, bound, options);
    expect(fast.result.iterations).toBe(general.result.iterations);
    expect(Math.abs(fast.result.logLik - general.result.logLik)).toBeLessThan(1e-10 * Math.abs(general.result.logLik));
    expectClose(fast.result.params, general.result.params, 1e-8, 'params');
    expectClose(fast.result.history, general.result.history, 1e-10, 'history');
    expect(fast.result.warnings).toEqual(general.result.warnings);
    expect(fast.result.nParams).toBe(general.result.nParams);
    expectClose(fast.result.icl, general.result.icl, 1e-9, 'icl');
    expectClose(fast.posteriors.responsibilities, general.posteriors.responsibilities, 1e-8, 'resp');
    expect(fast.posteriors.states).toEqual(general.posteriors.states);
    const h = fast.result.history;
    for (let i = 1; i < h.length; i++) expect(h[i]! - h[i - 1]!).toBeGreaterThan(-1e-10 * Math.abs(h[i - 1]!));
  });
  test('converges like the general path, with restarts and random init', () => {
    const options: EmFitOptions = { seed: 4, restarts: 3, initMethod: 'random' };
    const { fast, general } = both(program, bound, options);
    expect(fast.result.iterations).toBe(general.result.iterations);
    expectClose(fast.result.params, general.result.params, 1e-8, 'params');
    expect(fast.result.warnings).toEqual(general.result.warnings);
  });
  test('same seed, same bits; posteriors can be left out', () => {
    const a = fitWithPosteriors(program, bound, { seed: 9, maxIter: 30 });
    const b = fitWithPosteriors(program, bound, { seed: 9, maxIter: 30, posteriors: false });
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    expect(b.posteriors.responsibilities).toEqual([]);
    // Without posteriors the result comes from the best run's last E-step: also after SQUAREM and restarts.
    const options: EmFitOptions = { seed: 5, restarts: 3, accelerate: 'squarem', tol: 1e-8 };
    const c = fitWithPosteriors(program, bound, options);
    const d = fitWithPosteriors(program, bound, { ...options, posteriors: false });
    expect(JSON.stringify(d.result)).toBe(JSON.stringify(c.result));
  });
});

describe('fast executor options', () => {
  const { program, data } = prepare(models.full!.model, models.full!.data);
  test('fixed and given params', () => {
    const init = fitWithPosteriors(program, data, { seed: 1, maxIter: 2 }).result.params;
    const options: EmFitOptions = { seed: 2, maxIter: 20, tol: 0, fixed: { mu: init.mu! }, init: { w: init.w! } };
    const { fast, general } = both(program, data, options);
    expectClose(fast.result.params, general.result.params, 1e-8, 'params');
    expect(fast.result.params.mu).toEqual(init.mu);
    expect(fast.result.nParams).toBe(general.result.nParams);
  });
  test('SQUAREM', () => {
    const { fast, general } = both(program, data, { seed: 3, accelerate: 'squarem', tol: 1e-10 });
    expect(fast.result.iterations).toBe(general.result.iterations);
    expect(fast.result.emSteps).toBe(general.result.emSteps);
    expectClose(fast.result.params, general.result.params, 1e-7, 'params');
  });
  test('an empty component and a collapsed one: the same warnings', () => {
    // Two distinct points for three components: one component empties, the others collapse.
    const deg = prepare(models.full!.model, {
      x: Array.from({ length: 30 }, (_, i) => (i % 2 ? [1, 2, 3] : [4, 1, 0])),
    });
    const { fast, general } = both(deg.program, deg.data, { seed: 1, maxIter: 10, tol: 0 });
    expect(general.result.warnings.length).toBeGreaterThan(0);
    expect(fast.result.warnings).toEqual(general.result.warnings);
    expectClose(fast.result.params, general.result.params, 1e-8, 'params');
  });
  test('falls back for what it does not match', () => {
    expect(specialiseMixture(program, data, { variant: 'hard' })).toBeUndefined();
    expect(specialiseMixture(program, data, { specialise: false })).toBeUndefined();
    const ex = readExample('poisson-mixture-map');
    const map = prepare(ex.model, ex.data);
    expect(specialiseMixture(map.program, map.data, {})?.family).toBe('poisson');
    const { fast, general } = both(map.program, map.data, { seed: 1 });
    expectClose(fast.result, general.result, 1e-8, 'result');
  });
});
