/**
 * A multivariate normal fitted to rows with entries missing completely at random, against the
 * independent numpy EM of test/peers/missing/make_missing.py (N=500, D=4, 20% missing): the EM
 * path from the same initial values (1, 2, 5 and 10 iterations) to 1e-9, the converged MLE to
 * 1e-6, and the log-likelihood at given params against scipy's (in the fixture) and against the
 * brute-force reference of missing-helpers.ts. Also the mvn-missing example against its own
 * peer MLE, the imputed values against brute-force conditional means, and the
 * never-decreasing objective over seeds.
 */
import { readFileSync } from 'node:fs';
import { fitAnyProgram } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareAny, readExample, root } from './fit-helpers.js';
import { conditionalMean, observedLogDensity, type Row, relativeDifference } from './missing-helpers.js';

interface MvnFixture {
  readonly data: { readonly x: Row[] };
  readonly empty_rows: number;
  readonly initial: { mu: number[]; Sigma: number[][]; loglik: number };
  readonly path: readonly { iterations: number; mu: number[]; Sigma: number[][]; loglik: number }[];
  readonly mle: { mu: number[]; Sigma: number[][]; loglik: number };
}

const readFixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`test/peers/missing/${name}`, root), 'utf8')) as MvnFixture;

const fixture = readFixture('mvn_mcar.json');
const example = readExample('mvn-missing');
const mvnModel = example.model;

const bruteLogLik = (rows: readonly Row[], mu: number[], sigma: number[][]) =>
  rows.reduce((s, row) => s + observedLogDensity(row, mu, sigma), 0);

describe('MVN with 20% of entries missing (MCAR) against an independent numpy EM', () => {
  const { program, data } = prepareAny(mvnModel, fixture.data);
  const init = { mu: fixture.initial.mu, Sigma: fixture.initial.Sigma };

  it('lowers to the missing-gaussian program', () => {
    expect(program.kind).toBe('missing-gaussian');
    expect(program.strategy).toBe('missing-gaussian');
  });

  it('has the log-likelihood of scipy and of the brute-force reference at given params', () => {
    for (const at of [fixture.initial, fixture.mle, ...fixture.path]) {
      const r = fitAnyProgram(program, data, { init: { mu: at.mu, Sigma: at.Sigma }, maxIter: 0 }).result;
      expect(Math.abs(r.logLik - at.loglik) / Math.abs(at.loglik)).toBeLessThan(1e-12);
      expect(Math.abs(r.logLik - bruteLogLik(fixture.data.x, at.mu, at.Sigma)) / Math.abs(at.loglik)).toBeLessThan(
        1e-12,
      );
    }
  });

  it('follows the reference EM path from the same initial values to 1e-9', () => {
    for (const step of fixture.path) {
      const r = fitAnyProgram(program, data, { init, maxIter: step.iterations, tol: 0, regCovar: 0 }).result;
      expect(r.iterations).toBe(step.iterations);
      expect(relativeDifference(r.params.mu, step.mu), `mu after ${step.iterations}`).toBeLessThan(1e-9);
      expect(relativeDifference(r.params.Sigma, step.Sigma), `Sigma after ${step.iterations}`).toBeLessThan(1e-9);
      expect(Math.abs(r.logLik - step.loglik) / Math.abs(step.loglik)).toBeLessThan(1e-9);
    }
  });

  it('reaches the same MLE with SQUAREM', () => {
    const r = fitAnyProgram(program, data, { tol: 1e-14, maxIter: 500, regCovar: 0, accelerate: 'squarem' }).result;
    expect(relativeDifference(r.params.Sigma, fixture.mle.Sigma)).toBeLessThan(1e-6);
    expect(Math.abs(r.logLik - fixture.mle.loglik) / Math.abs(fixture.mle.loglik)).toBeLessThan(1e-12);
  });

  it('converges to the reference MLE (mu, Sigma, log-likelihood to 1e-6 relative)', () => {
    const r = fitAnyProgram(program, data, { tol: 1e-14, maxIter: 500, regCovar: 0 }).result;
    expect(r.converged).toBe(true);
    expect(relativeDifference(r.params.mu, fixture.mle.mu)).toBeLessThan(1e-6);
    expect(relativeDifference(r.params.Sigma, fixture.mle.Sigma)).toBeLessThan(1e-6);
    expect(Math.abs(r.logLik - fixture.mle.loglik) / Math.abs(fixture.mle.loglik)).toBeLessThan(1e-6);
    expect(r.nObs).toBe(500 - fixture.empty_rows);
    expect(r.nParams).toBe(4 + 10);
    expect(r.warnings).toEqual([
      "1 of the 500 rows of 'x' have every entry missing: they carry no information and are left out of the fit (their imputed values are the fitted mean)",
    ]);
  });

  it('never decreases the objective (several seeds, restarts, init methods, SQUAREM)', () => {
    for (const seed of [1, 2, 3]) {
      for (const options of [{ initMethod: 'kmeans++' as const }, { accelerate: 'squarem' as const }]) {
        const r = fitAnyProgram(program, data, { seed, restarts: 2, tol: 0, maxIter: 40, ...options }).result;
        expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
        for (let t = 1; t < r.history.length; t++) {
          expect(r.history[t]! - r.history[t - 1]!).toBeGreaterThanOrEqual(-1e-10 * Math.abs(r.history[t - 1]!));
        }
      }
    }
  });
});

describe('a fixed mean', () => {
  it('gives the Sigma that maximises the brute-force log-likelihood with mu held', () => {
    const { program, data } = prepareAny(mvnModel, fixture.data);
    const mu = [1, -1, 0.5, 2];
    const r = fitAnyProgram(program, data, { fixed: { mu }, tol: 0, maxIter: 400, regCovar: 0 }).result;
    expect(r.params.mu).toEqual(mu);
    expect(r.nParams).toBe(10);
    const sigma = r.params.Sigma as number[][];
    const h = 1e-5;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j <= i; j++) {
        const moved = (step: number) =>
          sigma.map((row, a) => row.map((v, b) => v + ((a === i && b === j) || (a === j && b === i) ? step : 0)));
        const gradient =
          (bruteLogLik(fixture.data.x, mu, moved(h)) - bruteLogLik(fixture.data.x, mu, moved(-h))) / (2 * h);
        expect(Math.abs(gradient), `∂ℓ/∂Sigma[${i}][${j}]`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('the mvn-missing example', () => {
  const peer = readFixture('mvn_example.json');
  const rows = (example.data as { x: Row[] }).x;

  it('reaches the independent MLE, and imputes the conditional means', () => {
    const { program, data } = prepareAny(mvnModel, example.data);
    const { result, posteriors } = fitAnyProgram(program, data, { tol: 1e-13, maxIter: 500, regCovar: 0 });
    expect(relativeDifference(result.params.mu, peer.mle.mu)).toBeLessThan(1e-6);
    expect(relativeDifference(result.params.Sigma, peer.mle.Sigma)).toBeLessThan(1e-6);
    expect(Math.abs(result.logLik - peer.mle.loglik) / Math.abs(peer.mle.loglik)).toBeLessThan(1e-9);
    const mu = result.params.mu as number[];
    const sigma = result.params.Sigma as number[][];
    const imputed = posteriors.imputed?.x as number[][];
    expect(imputed).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      const expected = conditionalMean(row, mu, sigma);
      row.forEach((v, j) => {
        if (v !== null) expect(imputed[i]![j]).toBe(v);
        else expect(Math.abs(imputed[i]![j]! - expected[j]!), `x[${i}][${j}]`).toBeLessThan(1e-10);
      });
    });
    expect(posteriors.latents).toEqual([]);
  });
});
