/**
 * A fast HMM fit without posteriors takes its log-likelihood and path entropy from the last
 * E-step's summed statistics (chain/fast-chain-entropy.ts) instead of a general E-step: the same
 * log-likelihood, entropy and ICL as the general forward–backward's (which sums −Σ q log q
 * through the recursion), for Gaussian and categorical emissions on ragged random data.
 */
import { fitAnyProgram } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { bind, categoricalData, categoricalHmm, gaussianData, gaussianHmm } from './fast-chain-helpers.js';

const cases = [
  ['Gaussian, D = 3, K = 4', gaussianHmm(3, 4), gaussianData(5, 3, 4, 12)],
  ['Gaussian, D = 1, K = 2', gaussianHmm(1, 2), gaussianData(6, 1, 2, 9)],
  ['categorical, M = 6, K = 3', categoricalHmm(6, 3), categoricalData(7, 6, 3, 10)],
] as const;

describe('the fast HMM path without posteriors', () => {
  for (const [label, model, raw] of cases) {
    it(`${label}: entropy and ICL from the statistics equal the forward–backward ones`, () => {
      const { program, data } = bind(model, raw);
      const options = { seed: 3, restarts: 2, maxIter: 30, tol: 0 };
      const withPosteriors = fitAnyProgram(program, data, options);
      const without = fitAnyProgram(program, data, { ...options, posteriors: false });
      const a = withPosteriors.result;
      const b = without.result;
      expect(b.iterations).toBe(a.iterations);
      expect(Math.abs(b.logLik - a.logLik)).toBeLessThanOrEqual(1e-10 * Math.abs(a.logLik));
      const entropyA = (a.icl - a.bic) / 2;
      const entropyB = (b.icl - b.bic) / 2;
      expect(entropyA).toBeGreaterThan(1);
      expect(Math.abs(entropyB - entropyA)).toBeLessThanOrEqual(1e-8 * entropyA);
      expect(without.posteriors.responsibilities).toEqual([]);
    });
  }
});
