/**
 * The never-decreasing-objective test for the chain executor: Baum–Welch from the executor's own
 * initialisation, three seeds, on categorical, Normal, MvNormal, Poisson and
 * per-state-mixture emissions, with missing steps, and under Dirichlet priors on `init` and
 * `trans` (MAP: the objective is then the log posterior). The first 8 sequences of each
 * reference data set (test/peers/hmm) keep it quick.
 */

import { fitAnyProgram, type ParamValue } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { hmmFixtureNames, prepareChainModel, readHmmFixture } from './hmm-fixtures.js';

function expectMonotone(history: readonly number[], what: string): void {
  for (let t = 1; t < history.length; t++) {
    const prev = history[t - 1]!;
    expect(history[t]! - prev, `${what} iteration ${t}`).toBeGreaterThanOrEqual(-1e-10 * Math.abs(prev));
  }
}

const withPriors = (model: string) =>
  model.replace('  for s in S {', '  init ~ Dirichlet(2)\n  for k in K { trans[k] ~ Dirichlet(3) }\n  for s in S {');

/** log Dirichlet(init | 2) + Σ_k log Dirichlet(trans[k] | 3), for K = 2 or 3 states (Γ(n) = (n − 1)!). */
function logPrior(params: Readonly<Record<string, ParamValue>>): number {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const dirichlet = (x: readonly number[], a: number) =>
    Math.log(factorial(a * x.length - 1) / factorial(a - 1) ** x.length) +
    (a - 1) * x.reduce((acc, v) => acc + Math.log(v), 0);
  const trans = params.trans as number[][];
  return dirichlet(params.init as number[], 2) + trans.reduce((acc, row) => acc + dirichlet(row, 3), 0);
}

describe.each(hmmFixtureNames)('HMM %s: the objective never decreases', (name) => {
  const fixture = readHmmFixture(name);
  const raw = { y: fixture.data.y.slice(0, 8) };

  it.each([
    ['maximum likelihood', fixture.model],
    ['Dirichlet priors on init and trans', withPriors(fixture.model)],
  ])('%s, seeds 1–3', (_what, model) => {
    const { program, data } = prepareChainModel(model, raw);
    for (const seed of [1, 2, 3]) {
      const r = fitAnyProgram(program, data, { seed, restarts: 1, maxIter: 30, tol: 0 }).result;
      expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      expect(r.history).toHaveLength(31);
      expectMonotone(r.history, `seed ${seed}`);
      expect(Number.isFinite(r.objective)).toBe(true);
      if (model !== fixture.model) expect(r.objective - r.logLik).toBeCloseTo(logPrior(r.params), 9);
    }
  });
});
