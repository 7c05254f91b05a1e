/**
 * The numeric M-step (generalized EM / ECM) on the models whose params have no closed form:
 * reverse-mode gradients of the expected complete-data log-likelihood against central finite
 * differences, the Dempster–Laird–Rubin genetic-linkage θ̂ (analytic: the root of
 * 197θ² − 15θ − 68 = 0) both as direct maximum likelihood and as EM over the latent sub-cell,
 * the mixture of logistic regressions against its simulation truth, and the never-decreasing
 * objective over several seeds for every numeric model.
 */
import { readFileSync } from 'node:fs';
import {
  type EmStepContext,
  eStepMixture,
  type FitProgram,
  initializeMixture,
  numericObjective,
  prepareMixture,
  RandomStream,
  resetNumericParams,
} from '@emforge/runtime';
import { describe, expect, test } from 'vitest';
import { fitAny, prepare, readExample, root } from './fit-helpers.js';

/** The ML estimate of Rao's linkage data (125, 18, 20, 34): the positive root of 197θ² − 15θ − 68. */
const thetaHat = (15 + Math.sqrt(15 * 15 + 4 * 197 * 68)) / (2 * 197);

const numericExamples = ['genetic-linkage', 'genetic-linkage-em', 'mixture-logistic'];

function context(seed: number): EmStepContext {
  return { rng: RandomStream.fromSeed(seed), iteration: 1, warn: () => {}, perturb: () => {} };
}

describe('gradients of Q by reverse-mode AD', () => {
  test.each(numericExamples)('%s: matches central finite differences', (name) => {
    const { model, data } = readExample(name);
    const { program, data: bound } = prepare(model, data);
    const mix = prepareMixture(program as FitProgram, bound);
    const ctx = { ...context(3), iteration: 0 };
    resetNumericParams(mix, ctx.rng);
    const init = initializeMixture(mix, ctx, { regCovar: 1e-6 });
    eStepMixture(mix, init);
    const q = numericObjective(mix);
    const rng = RandomStream.fromSeed(11);
    const u = q.current().map((x) => x + 0.3 * (rng.uniform() - 0.5));
    const grad = new Float64Array(q.length);
    q.evaluate(u, grad);
    for (let k = 0; k < q.length; k++) {
      const h = 1e-5;
      const up = u.slice();
      const down = u.slice();
      up[k]! += h;
      down[k]! -= h;
      const fd = (q.evaluate(up) - q.evaluate(down)) / (2 * h);
      expect(Math.abs(grad[k]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('genetic linkage (Dempster, Laird & Rubin 1977)', () => {
  test('θ̂ = 0.6268214980 as direct numeric ML', () => {
    expect(thetaHat).toBeCloseTo(0.626821498, 9);
    const { model, data } = readExample('genetic-linkage');
    const { result } = fitAny(model, data, { seed: 1 });
    expect(result.strategy).toBe('direct');
    expect(Math.abs((result.params.theta as number) - thetaHat)).toBeLessThan(1e-8);
  });

  test('θ̂ = 0.6268214980 as EM over the latent sub-cell', () => {
    const { model, data } = readExample('genetic-linkage-em');
    const { result } = fitAny(model, data, { seed: 1, tol: 1e-15, maxIter: 200 });
    expect(result.strategy).toBe('enumerate');
    expect(Math.abs((result.params.theta as number) - thetaHat)).toBeLessThan(1e-8);
    // Both forms have the same observed-data log-likelihood at θ̂.
    const direct = fitAny(readExample('genetic-linkage').model, data, { seed: 1 }).result;
    expect(result.logLik).toBeCloseTo(direct.logLik, 9);
  });
});

describe('mixture of logistic regressions (LANGUAGE.md mixlogit)', () => {
  test('reaches a likelihood at least that of the simulation truth, with the truth’s weights and signs', () => {
    const { model, data } = readExample('mixture-logistic');
    const truth = JSON.parse(readFileSync(new URL('examples/mixture-logistic/truth.json', root), 'utf8'));
    const atTruth = fitAny(model, data, { seed: 1, maxIter: 1, fixed: { w: truth.w, beta: truth.beta } }).result;
    const { result } = fitAny(model, data, { seed: 1 });
    expect(result.logLik).toBeGreaterThanOrEqual(atTruth.logLik);
    const w = result.params.w as number[];
    const beta = result.params.beta as number[][];
    // Label switching: match component 0 of the truth to the fitted component of the same sign pattern.
    const k0 = Math.sign(beta[0]![1]!) === Math.sign(truth.beta[0][1]) ? 0 : 1;
    for (const [k, kt] of [
      [k0, 0],
      [1 - k0, 1],
    ] as const) {
      expect(Math.abs(w[k]! - truth.w[kt])).toBeLessThan(0.05);
      for (let j = 0; j < 3; j++) expect(Math.sign(beta[k]![j]!)).toBe(Math.sign(truth.beta[kt][j]));
    }
  });
});

describe('the objective never decreases', () => {
  test.each(numericExamples)('%s over three seeds', (name) => {
    const { model, data } = readExample(name);
    for (const seed of [1, 2, 3]) {
      const { result } = fitAny(model, data, { seed, maxIter: name === 'mixture-logistic' ? 60 : 200 });
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++) {
        expect(result.history[t]!).toBeGreaterThanOrEqual(
          result.history[t - 1]! - 1e-9 * Math.abs(result.history[t - 1]!),
        );
      }
    }
  });
});
