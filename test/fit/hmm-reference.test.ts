/**
 * The chain executor against the independent log-space reference of test/peers/hmm
 * (make_hmm.py): the log-likelihood at given parameters to 1e-9 relative, and Baum–Welch from
 * the same initial parameters — every iterate's log-likelihood to 1e-9 relative, the parameters
 * after 20 iterations to 1e-6 — for categorical, Normal, MvNormal, Poisson and per-state
 * mixture emissions, and with missing steps.
 */
import { fitAnyProgram, flattenValue } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { hmmFixtureNames, prepareChainModel, readHmmFixture } from './hmm-fixtures.js';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe.each(hmmFixtureNames)('HMM %s against the log-space reference', (name) => {
  const fixture = readHmmFixture(name);
  const { program, data } = prepareChainModel(fixture.model, fixture.data);

  it('log-likelihood at the generating and at the initial parameters, to 1e-9 relative', () => {
    for (const [params, expected] of [
      [fixture.truth, fixture.loglik_truth],
      [fixture.initial, fixture.loglik_initial],
    ] as const) {
      const { result } = fitAnyProgram(program, data, { fixed: params, maxIter: 0 });
      expect(relative(result.logLik, expected)).toBeLessThan(1e-9);
    }
  });

  it('20 Baum–Welch iterations from the same start: every log-likelihood to 1e-9, the params to 1e-6', () => {
    const bw = fixture.baum_welch;
    const { result } = fitAnyProgram(program, data, {
      init: fixture.initial,
      maxIter: bw.iterations,
      tol: 0,
      regCovar: 0,
    });
    expect(result.iterations).toBe(bw.iterations);
    expect(result.history).toHaveLength(bw.loglik.length);
    result.history.forEach((ll, t) => {
      expect(relative(ll, bw.loglik[t]!), `iteration ${t}`).toBeLessThan(1e-9);
    });
    for (const [param, expected] of Object.entries(bw.params)) {
      const got = flattenValue(result.params[param]!);
      const want = flattenValue(expected);
      expect(got).toHaveLength(want.length);
      const worst = Math.max(...got.map((v, i) => relative(v, want[i]!)));
      expect(worst, param).toBeLessThan(1e-6);
    }
  });
});
