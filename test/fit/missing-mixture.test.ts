/**
 * A Gaussian mixture (K=3, D=3, N=3000) fitted to rows with 20% of the entries missing
 * completely at random — the gmm-missing example, simulated by test/peers/missing/make_missing.py:
 * the EM path from given initial values against the independent numpy EM of that script (1, 2, 5
 * and 10 iterations to 1e-9, its limit to 1e-6), the log-likelihood, responsibilities and
 * imputed values at given params against the brute-force reference of missing-helpers.ts,
 * recovery of the generating params within 4.5 standard errors (observed information by
 * central differences of the observed-data log-likelihood, as recovery-helpers.ts does for
 * complete data), and the never-decreasing objective over seeds and variants.
 */
import { readFileSync } from 'node:fs';
import {
  eStepMissing,
  fitAnyProgram,
  flattenValue,
  type MissingGaussianProgram,
  type ParamValue,
  prepareMissing,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareAny, readExample, root } from './fit-helpers.js';
import { conditionalMean, mixtureLogLik, type Row, relativeDifference, responsibilities } from './missing-helpers.js';
import { invert, matchLabels } from './recovery-helpers.js';

interface MixtureParams {
  weights: number[];
  means: number[][];
  covariances: number[][][];
  loglik: number;
}

interface GmmFixture {
  readonly data: { n: number; empty_rows: number; missing_entries: number; column_sums: number[] };
  readonly generating: Omit<MixtureParams, 'loglik'>;
  readonly loglik_at_generating: number;
  readonly initial: MixtureParams;
  readonly path: readonly (MixtureParams & { iterations: number })[];
  readonly limit: MixtureParams;
}

const fixture = JSON.parse(readFileSync(new URL('test/peers/missing/gmm_mcar.json', root), 'utf8')) as GmmFixture;
const example = readExample('gmm-missing');
const rows = (example.data as { x: Row[] }).x;
const { program, data } = prepareAny(example.model, example.data);

const asInit = (p: Omit<MixtureParams, 'loglik'>) => ({ weights: p.weights, mu: p.means, Sigma: p.covariances });

describe('Gaussian mixture with 20% of entries missing (MCAR)', () => {
  it('reads the data the fixture was made from', () => {
    expect(rows).toHaveLength(fixture.data.n);
    const sums = [0, 0, 0];
    let missing = 0;
    for (const row of rows) {
      row.forEach((v, j) => {
        if (v === null) missing++;
        else sums[j]! += v;
      });
    }
    expect(missing).toBe(fixture.data.missing_entries);
    expect(relativeDifference(sums, fixture.data.column_sums)).toBeLessThan(1e-12);
    expect(program.kind).toBe('missing-gaussian');
    expect(program.strategy).toBe('enumerate+missing-gaussian');
  });

  it('has the brute-force log-likelihood, responsibilities and imputed values at given params', () => {
    for (const at of [fixture.initial, fixture.limit]) {
      const { result, posteriors } = fitAnyProgram(program, data, { init: asInit(at), maxIter: 0 });
      const brute = mixtureLogLik(rows, at.weights, at.means, at.covariances);
      expect(Math.abs(result.logLik - at.loglik) / Math.abs(at.loglik)).toBeLessThan(1e-12);
      expect(Math.abs(result.logLik - brute) / Math.abs(brute)).toBeLessThan(1e-12);
      const imputed = posteriors.imputed?.x as number[][];
      for (const i of [
        0,
        1,
        2,
        3,
        17,
        100,
        999,
        2999,
        ...rows.flatMap((r, n) => (r.every((v) => v === null) ? [n] : [])),
      ]) {
        const row = rows[i]!;
        const r = responsibilities(row, at.weights, at.means, at.covariances);
        const expected = row.every((v) => v === null) ? at.weights : r;
        expect(relativeDifference(posteriors.responsibilities[i], expected), `r[${i}]`).toBeLessThan(1e-10);
        const mean = [0, 0, 0];
        expected.forEach((w, k) => {
          conditionalMean(row, at.means[k]!, at.covariances[k]!).forEach((v, j) => {
            mean[j]! += w * v;
          });
        });
        row.forEach((v, j) => {
          expect(Math.abs(imputed[i]![j]! - (v ?? mean[j]!)), `x[${i}][${j}]`).toBeLessThan(1e-10);
        });
      }
    }
    expect(
      Math.abs(
        mixtureLogLik(rows, fixture.generating.weights, fixture.generating.means, fixture.generating.covariances) -
          fixture.loglik_at_generating,
      ),
    ).toBeLessThan(1e-8);
  });

  it('follows the reference EM path from the same initial values (1e-9) and reaches its limit (1e-6)', () => {
    const init = asInit(fixture.initial);
    for (const step of fixture.path) {
      const r = fitAnyProgram(program, data, { init, maxIter: step.iterations, tol: 0, regCovar: 0 }).result;
      expect(relativeDifference(r.params.weights, step.weights), `weights after ${step.iterations}`).toBeLessThan(1e-9);
      expect(relativeDifference(r.params.mu, step.means), `means after ${step.iterations}`).toBeLessThan(1e-9);
      expect(relativeDifference(r.params.Sigma, step.covariances)).toBeLessThan(1e-9);
      expect(Math.abs(r.logLik - step.loglik) / Math.abs(step.loglik)).toBeLessThan(1e-9);
    }
    const r = fitAnyProgram(program, data, { init, maxIter: 200, tol: 1e-14, regCovar: 0 }).result;
    expect(r.converged).toBe(true);
    expect(relativeDifference(r.params.weights, fixture.limit.weights)).toBeLessThan(1e-6);
    expect(relativeDifference(r.params.mu, fixture.limit.means)).toBeLessThan(1e-6);
    expect(relativeDifference(r.params.Sigma, fixture.limit.covariances)).toBeLessThan(1e-6);
    expect(Math.abs(r.logLik - fixture.limit.loglik) / Math.abs(fixture.limit.loglik)).toBeLessThan(1e-9);
  });

  it('recovers the generating params within 4.5 standard errors from its own initialisation', () => {
    const { result } = fitAnyProgram(program, data, { seed: 1, restarts: 3, tol: 1e-10 });
    expect(result.warnings).toEqual([
      `${fixture.data.empty_rows} of the 3000 rows of 'x' have every entry missing: they carry no information and are left out of the fit (their imputed values are the fitted mean)`,
    ]);
    expect(result.logLik).toBeGreaterThanOrEqual(fixture.limit.loglik - 1e-6);
    expect(result.nObs).toBe(3000 - fixture.data.empty_rows);
    expect(result.nParams).toBe(2 + 3 * 3 + 3 * 6);
    const truth = asInit(fixture.generating) as Record<string, ParamValue>;
    const est = matchLabels(result.params as Record<string, ParamValue>, truth, ['weights', 'mu', 'Sigma'], 3);
    const se = standardErrors(program as MissingGaussianProgram, est);
    for (const name of ['weights', 'mu', 'Sigma']) {
      const e = flattenValue(est[name]!);
      const t = flattenValue(truth[name]!);
      e.forEach((v, i) => {
        const ratio = Math.abs(v - t[i]!) / se[name]![i]!;
        expect(ratio, `${name}[${i}] is ${ratio.toFixed(2)} SE from the truth`).toBeLessThanOrEqual(4.5);
      });
    }
  });

  it('never decreases the objective (several seeds, init methods, hard EM)', () => {
    for (const seed of [1, 2, 3]) {
      for (const options of [
        { initMethod: 'kmeans++' as const },
        { initMethod: 'random' as const },
        { variant: 'hard' as const },
      ]) {
        const r = fitAnyProgram(program, data, { seed, restarts: 1, tol: 0, maxIter: 25, ...options }).result;
        expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
        for (let t = 1; t < r.history.length; t++) {
          expect(
            r.history[t]! - r.history[t - 1]!,
            `seed ${seed} ${JSON.stringify(options)} iteration ${t}`,
          ).toBeGreaterThanOrEqual(-1e-10 * Math.abs(r.history[t - 1]!));
        }
      }
    }
  });
});

/**
 * Standard errors from the observed information: minus the Hessian, by central differences,
 * of the observed-data log-likelihood (the executor's E-step objective, checked against the
 * brute force above) over the free coordinates — weights along e_k − e_K, covariances along
 * e_ij + e_ji, means entry by entry — then SE(θ_e) = √(g_eᵀ (−H)⁻¹ g_e). Central differences on
 * the diagonal, forward ones off it (a quarter of the E-steps of the four-point formula).
 */
function standardErrors(prog: MissingGaussianProgram, est: Record<string, ParamValue>): Record<string, number[]> {
  const model = prepareMissing(prog, data);
  const flat: Record<string, Float64Array> = {};
  for (const p of prog.params) flat[p.name] = Float64Array.from(flattenValue(est[p.name]!));
  const dirs: { name: string; entries: [number, number][] }[] = [];
  for (let j = 0; j < 2; j++)
    dirs.push({
      name: 'weights',
      entries: [
        [j, 1],
        [2, -1],
      ],
    });
  for (let e = 0; e < 9; e++) dirs.push({ name: 'mu', entries: [[e, 1]] });
  for (let k = 0; k < 3; k++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j <= i; j++)
        dirs.push({
          name: 'Sigma',
          entries:
            i === j
              ? [[k * 9 + i * 3 + i, 1]]
              : [
                  [k * 9 + i * 3 + j, 1],
                  [k * 9 + j * 3 + i, 1],
                ],
        });
  const h = 1e-4;
  const f = (steps: [number, number][]) => {
    const v: Record<string, Float64Array> = {};
    for (const [name, x] of Object.entries(flat)) v[name] = x.slice();
    for (const [c, s] of steps) for (const [e, coef] of dirs[c]!.entries) v[dirs[c]!.name]![e]! += coef * s;
    return eStepMissing(model, v).objective;
  };
  const m = dirs.length;
  const f0 = f([]);
  const up = dirs.map((_, a) => f([[a, h]]));
  const info = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let a = 0; a < m; a++) {
    info[a]![a] = -(up[a]! - 2 * f0 + f([[a, -h]])) / (h * h);
    for (let b = 0; b < a; b++) {
      // Forward differences off the diagonal: O(h) error, ~1e-4 relative here, ample for SEs.
      const v =
        (f([
          [a, h],
          [b, h],
        ]) -
          up[a]! -
          up[b]! +
          f0) /
        (h * h);
      info[a]![b] = -v;
      info[b]![a] = -v;
    }
  }
  const cov = invert(info);
  const out: Record<string, number[]> = {};
  for (const p of prog.params) {
    out[p.name] = Array.from(flat[p.name]!, (_, e) => {
      const g = dirs.map((d) => (d.name === p.name ? (d.entries.find(([i]) => i === e)?.[1] ?? 0) : 0));
      let v = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) v += g[a]! * cov[a]![b]! * g[b]!;
      return Math.sqrt(v);
    });
  }
  return out;
}
