/**
 * The driver's variants and options on real mixtures: hard EM's classification objective never
 * decreases and stops at a fixed point; stochastic EM is reproducible from its seed and keeps
 * its best iterate; fixed params stay put and are not counted; initial values are used as
 * given; SQUAREM reaches plain EM's tolerance in fewer EM maps at an objective at least as good.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitModel, readExample, root } from '../../../../test/fit/fit-helpers.js';

const faithful = readExample('old-faithful-gmm');
// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
const overlapping: any = JSON.parse(
  readFileSync(new URL('test/peers/gmm/sim_d2_k4_n800_overlapping.sklearn.json', root), 'utf8'),
);
const gmm = faithful.model.replace('size K = 2', 'size K');
const overlappingData = { x: overlapping.data.x };
const overlappingInit = {
  weights: overlapping.forms.full.initial.weights,
  mu: overlapping.forms.full.initial.means,
  Sigma: overlapping.forms.full.initial.covariances_compact,
};

const nonDecreasing = (h: readonly number[]) =>
  h.every((v, t) => t === 0 || v >= h[t - 1]! - 1e-10 * Math.max(1, Math.abs(h[t - 1]!)));

describe('hard (classification) EM', () => {
  const result = fitModel(faithful.model, faithful.data, { variant: 'hard', restarts: 3, seed: 2 });

  it('never decreases the classification log-likelihood and converges', () => {
    expect(result.converged).toBe(true);
    expect(nonDecreasing(result.history)).toBe(true);
    expect(result.warnings).toEqual([]);
    // the classification likelihood is below the observed one
    expect(result.objective).toBeLessThan(result.logLik);
  });

  it('ends at a fixed point: one more C-step and M-step gives the same params and objective', () => {
    const again = fitModel(faithful.model, faithful.data, {
      variant: 'hard',
      init: result.params,
      maxIter: 1,
      tol: 0,
      restarts: 1,
    });
    expect(again.objective).toBeCloseTo(result.objective, 9);
    const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
    const a = flat(again.params.mu);
    for (const [i, v] of flat(result.params.mu).entries()) expect(a[i]).toBeCloseTo(v, 9);
  });
});

describe('stochastic EM', () => {
  const options = { variant: 'stochastic', restarts: 2, seed: 7, maxIter: 60 } as const;

  it('is reproducible from the seed, runs to maxIter without monotonicity warnings, keeps its best iterate', () => {
    const a = fitModel(faithful.model, faithful.data, options);
    const b = fitModel(faithful.model, faithful.data, options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.iterations).toBe(60);
    expect(a.converged).toBe(false);
    expect(a.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
    expect(a.objective).toBe(Math.max(...a.history));
    const c = fitModel(faithful.model, faithful.data, { ...options, seed: 8 });
    expect(c.history).not.toEqual(a.history);
  });
});

describe('fixed params', () => {
  it('are held at their values and not counted as free', () => {
    const free = fitModel(faithful.model, faithful.data, { restarts: 2 });
    const fixed = { weights: [0.5, 0.5] };
    const result = fitModel(faithful.model, faithful.data, { restarts: 2, fixed });
    expect(result.params.weights).toEqual([0.5, 0.5]);
    expect(result.nParams).toBe(free.nParams - 1);
    expect(result.warnings).toEqual([]);
    expect(nonDecreasing(result.history)).toBe(true);
  });
});

describe('initial values', () => {
  it('one iteration from given values is one EM step from them (sklearn checkpoint n = 1)', () => {
    const result = fitModel(
      gmm,
      overlappingData,
      { init: overlappingInit, maxIter: 1, tol: 0, regCovar: 0, restarts: 1 },
      { K: 4 },
    );
    const want = overlapping.forms.full.runs.find((r: { n_iter: number }) => r.n_iter === 1).loglik;
    expect(Math.abs(result.logLik - want) / Math.abs(want)).toBeLessThan(1e-9);
  });
});

describe('SQUAREM', () => {
  const base = { init: overlappingInit, tol: 1e-10, maxIter: 20000, restarts: 1 } as const;
  const plain = fitModel(gmm, overlappingData, base, { K: 4 });
  const fast = fitModel(gmm, overlappingData, { ...base, accelerate: 'squarem' }, { K: 4 });

  it('reaches the same tolerance in at least 2× fewer EM maps, at an equal or better objective', () => {
    console.log(
      `overlapping K=4: EM ${plain.iterations} iterations = ${plain.emSteps} EM maps, objective ${plain.objective}; ` +
        `SQUAREM ${fast.iterations} cycles = ${fast.emSteps} EM maps, objective ${fast.objective}`,
    );
    expect(plain.converged && fast.converged).toBe(true);
    expect(plain.emSteps).toBe(plain.iterations);
    expect(fast.emSteps).toBeLessThanOrEqual(3 * fast.iterations);
    expect(2 * fast.emSteps).toBeLessThanOrEqual(plain.emSteps);
    expect(fast.objective).toBeGreaterThanOrEqual(plain.objective - 1e-7 * Math.abs(plain.objective));
  });

  it('never decreases the objective (extrapolations that would are replaced by the EM step)', () => {
    expect(nonDecreasing(fast.history)).toBe(true);
    expect(fast.warnings).toEqual([]);
  });
});
