/**
 * Degenerate data (issue 4): duplicate points, a constant column, K larger than the number of
 * distinct points, one point per component. Every covariance form of a Gaussian mixture and a
 * Poisson mixture must fit without a NaN or an infinity anywhere in the result, and say with a
 * warning what happened (a collapsed or empty component, a regularised scale) and what to do.
 */
import { describe, expect, it } from 'vitest';
import { fitModel } from './fit-helpers.js';

const gmm = (scale: string, observe: string) => `model gmm {
  size N, D, K
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  ${scale}
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    ${observe}
  }
}`;

const forms: Record<string, string> = {
  full: gmm('param  Sigma[K]: cov[D]', 'x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])'),
  diagonal: gmm('param  s[K]: positive[D]', 'x[n] ~ Normal(mu[z[n]], s[z[n]])'),
  spherical: gmm('param  s[K]: positive', 'x[n] ~ Normal(mu[z[n]], s[z[n]])'),
};

const poisson = `model poisson_mixture {
  size N, K
  data   y[N]: count
  param  weights: simplex[K]
  param  rate[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    y[n] ~ Poisson(rate[z[n]])
  }
}`;

const repeat = <T>(rows: T[], times: number): T[] => Array.from({ length: times }, () => rows).flat();
const spread = Array.from({ length: 10 }, (_, i) => [Math.sin(i) * 3 + (i % 2) * 6, Math.cos(i * 1.7) * 2 + i / 3]);

/** The data sets: rows for the Gaussian forms, counts for the Poisson mixture, and K. */
const gaussianCases: Record<string, { x: number[][]; K: number }> = {
  'all rows identical': { x: repeat([[1, 2]], 12), K: 3 },
  'half the rows duplicated': { x: [...spread, ...repeat([[5, 5]], 10)], K: 3 },
  'a constant column': { x: spread.map(([a]) => [a!, 3]), K: 2 },
  'K larger than the distinct points': {
    x: repeat(
      [
        [0, 0],
        [4, 1],
        [1, 5],
      ],
      4,
    ),
    K: 5,
  },
  'one point per component': {
    x: [
      [0, 0],
      [4, 1],
      [1, 5],
    ],
    K: 3,
  },
};

/** Repeated counts are ordinary count data: only too few distinct counts for K warrant a warning. */
const poissonCases: Record<string, { y: number[]; K: number; warns?: false }> = {
  'all counts identical': { y: repeat([4], 12), K: 3 },
  'all counts zero': { y: repeat([0], 12), K: 2 },
  'half the counts duplicated': { y: [...[0, 1, 3, 5, 8, 12, 2, 9, 15, 4], ...repeat([6], 10)], K: 3, warns: false },
  'K larger than the distinct counts': { y: repeat([0, 3, 7], 4), K: 5 },
  'one count per component': { y: [0, 3, 7], K: 3 },
};

/** Every number in a nested value, with its path. */
function numbers(value: unknown, path = '$'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

function expectClean(result: ReturnType<typeof fitModel>): void {
  const bad = numbers({
    params: result.params,
    logLik: result.logLik,
    objective: result.objective,
    history: result.history,
    aic: result.aic,
    bic: result.bic,
    icl: result.icl,
  }).filter(([, v]) => !Number.isFinite(v));
  expect(bad).toEqual([]);
  expect(Number.isFinite(result.objective)).toBe(true);
  expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
}

/** A warning that says what happened and what to do about it. */
function expectDegenerateWarning(warnings: readonly string[]): void {
  const clear = warnings.filter(
    (w) =>
      /collapsed|empty|identical|constant|re-seeded/i.test(w) &&
      /regCovar|lower (K|the number of components)|restarts/.test(w),
  );
  expect(clear, warnings.join('\n')).not.toEqual([]);
}

describe.each(Object.entries(forms))('Gaussian mixture, %s covariance, on degenerate data', (_form, model) => {
  it.each(Object.entries(gaussianCases))('%s: fits without NaN, with a warning', (_name, { x, K }) => {
    for (const seed of [1, 2]) {
      for (const initMethod of ['kmeans++', 'random'] as const) {
        const result = fitModel(model, { x }, { seed, restarts: 2, maxIter: 200, initMethod }, { K });
        expectClean(result);
        expectDegenerateWarning(result.warnings);
      }
    }
  });
});

describe('Poisson mixture on degenerate data', () => {
  it.each(Object.entries(poissonCases))('%s: fits without NaN, with a warning', (_name, { y, K, warns }) => {
    for (const seed of [1, 2]) {
      for (const initMethod of ['kmeans++', 'random'] as const) {
        const result = fitModel(poisson, { y }, { seed, restarts: 2, maxIter: 200, initMethod }, { K });
        expectClean(result);
        if (warns !== false) expectDegenerateWarning(result.warnings);
      }
    }
  });
});
