/**
 * The generic distribution table: every registry family is checked against hand-derived values,
 * SciPy values (fixtures/density-fixture.json), total mass by summation or integration, sample
 * moments (n = 200,000, 5 SE), and — for exponential families — weighted-MLE recovery within
 * 5 SE, stationarity of the weighted log-likelihood at the MLE, and stationarity of the MAP
 * objective under each conjugate prior.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choleskyInto, distributions, type NumericValue, RandomStream, solveCholesky } from '../../src/index.js';
import { columnMoments, coordinatesOf, scores } from './checks.js';
import { type FamilyRow, invGammaLogDensity, rows } from './family-rows.js';

type Raw = number | number[];
interface DensityFixture {
  densities: { family: string; params: Raw[]; value: Raw; logDensity: number }[];
}
const fixture: DensityFixture = JSON.parse(
  readFileSync(new URL('../fixtures/density-fixture.json', import.meta.url), 'utf8'),
);
const toNumeric = (v: Raw): NumericValue => (typeof v === 'number' ? v : Float64Array.from(v));
const spec = (name: string) => distributions.get(name)!;
const F = (...v: number[]) => Float64Array.from(v);

/** Draws n values into a [n, dim] batch; Categorical and scalar families have dim 1. */
function drawBatch(row: FamilyRow, params: NumericValue[], n: number, seed: number) {
  const s = spec(row.name).numerics;
  const rng = RandomStream.fromSeed(seed);
  const dim = typeof s.sample(rng, params) === 'number' ? 1 : s.eventSize(params);
  const values = new Float64Array(n * dim);
  const items: NumericValue[] = [];
  for (let i = 0; i < n; i++) {
    if (dim === 1) {
      values[i] = s.sample(rng, params) as number;
      items.push(values[i]!);
    } else {
      const out = values.subarray(i * dim, (i + 1) * dim);
      s.sample(rng, params, out);
      items.push(out);
    }
  }
  return { values, items, dim };
}

function expectClose(actual: number, expected: number, tol: number, what: string): void {
  if (expected === Number.NEGATIVE_INFINITY) {
    expect(actual, what).toBe(Number.NEGATIVE_INFINITY);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('the family table', () => {
  it('has exactly one row per registry entry', () => {
    expect(rows.map((r) => r.name).sort()).toEqual([...distributions.keys()].sort());
  });
});

describe.each(rows.map((r) => [r.name, r] as const))('%s', (name, row) => {
  const numerics = spec(name).numerics;

  it('has the hand-derived log densities', () => {
    for (const [params, x, expected] of row.analytic) {
      expectClose(
        numerics.logDensity(x, params),
        expected,
        1e-13 * (1 + Math.abs(expected)),
        `${name}(${params}) at ${x}`,
      );
    }
  });

  it('matches SciPy', () => {
    const cases = fixture.densities.filter((d) => d.family === name);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const got = numerics.logDensity(toNumeric(c.value), c.params.map(toNumeric));
      expectClose(got, c.logDensity, 1e-12 * (1 + Math.abs(c.logDensity)), `${name}(${c.params}) at ${c.value}`);
    }
  });

  it('never returns NaN, even for values off the support or impossible parameters', () => {
    const params = row.moments[0]!.params;
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, -1, 0.5, 1e300, F(), F(Number.NaN, 1, 0, 0)]) {
      expect(Number.isNaN(numerics.logDensity(x, params)), `${name} at ${x}`).toBe(false);
      expect(
        Number.isNaN(
          numerics.logDensity(
            x,
            params.map(() => Number.NaN),
          ),
        ),
        `${name} NaN params`,
      ).toBe(false);
    }
  });

  it(row.discrete ? 'sums to one over its support' : 'integrates to one over its support', () => {
    expect(Math.abs(row.mass() - 1)).toBeLessThan(row.discrete ? 1e-10 : 1e-7);
  });

  it.each(row.moments.map((m, i) => [i, m] as const))('has the analytic sample moments (case %i)', (i, m) => {
    const n = 200_000;
    const { values, dim } = drawBatch(row, m.params, n, 1000 + i);
    const sample = columnMoments(values, dim);
    for (let j = 0; j < dim; j++) {
      const seMean = Math.sqrt(sample.variance[j]! / n);
      expect(Math.abs(sample.mean[j]! - m.mean[j]!), `${name} mean[${j}]`).toBeLessThan(5 * seMean);
      expect(Math.abs(sample.variance[j]! - m.variance[j]!), `${name} variance[${j}]`).toBeLessThan(
        5 * sample.seVar[j]!,
      );
    }
  });

  const ef = numerics.exponentialFamily;
  const truth = row.truth;
  if (!ef || !truth) return;

  const n = 4000;
  const { values, items, dim: stride } = drawBatch(row, truth, n, 77);
  const dim = name === 'Categorical' ? (truth[0] as Float64Array).length : stride;
  const wrng = RandomStream.fromSeed(78);
  const weights = Float64Array.from({ length: n }, () => 0.1 + 1.9 * wrng.uniform());
  const fitted = ef.weightedMle(values, weights, dim, row.fit);
  const coords = coordinatesOf(spec(name), truth);
  const sc = scores(numerics.logDensity, items, fitted, coords);

  it('recovers the parameters by weighted MLE within 5 SE (sandwich from per-item scores)', () => {
    const p = coords.length;
    let w1 = 0;
    let w2 = 0;
    for (const w of weights) {
      w1 += w;
      w2 += w * w;
    }
    // Fisher information per unit weight by outer products; Var(θ̂) ≈ (Σw² / (Σw)²) I⁻¹.
    const info = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i]! * sc[a]![i]! * sc[b]![i]!;
        info[a * p + b] = s / w1;
      }
    }
    const l = new Float64Array(p * p);
    expect(choleskyInto(info, l, p)).toBe(true);
    coords.forEach((coord, a) => {
      const e = new Float64Array(p);
      e[a] = 1;
      solveCholesky(l, p, e);
      const se = Math.sqrt((e[a]! * w2) / (w1 * w1));
      const probe = (ps: readonly NumericValue[]) => coordinateValue(ps, coord(ps, 1));
      expect(Math.abs(probe(fitted) - probe(truth)), `${name} coordinate ${a} (SE ${se})`).toBeLessThan(5 * se);
    });
  });

  it('puts the weighted MLE at a stationary point of the weighted log-likelihood', () => {
    coords.forEach((_, a) => {
      let g = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        g += weights[i]! * sc[a]![i]!;
        scale += (weights[i]! * sc[a]![i]!) ** 2;
      }
      expect(Math.abs(g), `${name} gradient ${a}`).toBeLessThan(1e-5 * Math.sqrt(scale));
    });
  });

  it('gives the same MLE from accumulated statistics as from the batch', () => {
    const stats = new Float64Array(ef.statSize(dim));
    let w = 0;
    for (let i = 0; i < n; i++) {
      ef.accumulate(stats, values, i * stride, dim, weights[i]!);
      w += weights[i]!;
    }
    const fromStats = flatten(ef.mleFromStats(stats, w, dim, row.fit));
    for (const [k, v] of flatten(fitted).entries()) {
      expect(Math.abs(fromStats[k]! - v)).toBeLessThan(1e-8 * (1 + Math.abs(v)));
    }
  });

  it.each((row.maps ?? []).map((m) => [m.label, m] as const))(
    'puts the MAP under a %s prior at a stationary point',
    (_, m) => {
      const small = 60;
      const stats = new Float64Array(ef.statSize(dim));
      let w = 0;
      for (let i = 0; i < small; i++) {
        ef.accumulate(stats, values, i * stride, dim, weights[i]!);
        w += weights[i]!;
      }
      let current = ef.mleFromStats(stats, w, dim, row.fit);
      for (let iter = 0; iter < 300; iter++) current = ef.mapUpdate!(stats, w, dim, m.priors, { ...row.fit, current });
      const objective = (ps: readonly NumericValue[]) => {
        let s = m.logPrior(ps);
        for (let i = 0; i < small; i++) s += weights[i]! * numerics.logDensity(items[i]!, ps);
        return s;
      };
      const h = 1e-6;
      for (const coord of coords) {
        const g = (objective(coord(current, h)) - objective(coord(current, -h))) / (2 * h);
        expect(Math.abs(g), `${name} MAP gradient`).toBeLessThan(1e-5 * small);
      }
    },
  );
});

describe('multivariate families reduce to their univariate cases', () => {
  const ld = (name: string) => spec(name).numerics.logDensity;
  it('MvNormal in 1-D is Normal, and with a diagonal covariance a product of Normals', () => {
    for (const x of [-2, 0.3, 4]) expect(ld('MvNormal')(F(x), [F(1), F(4)])).toBeCloseTo(ld('Normal')(x, [1, 2]), 13);
    const both = ld('Normal')(0.5, [1, 2]) + ld('Normal')(-1, [0, 0.5]);
    expect(ld('MvNormal')(F(0.5, -1), [F(1, 0), F(4, 0, 0, 0.25)])).toBeCloseTo(both, 13);
  });
  it('MvStudentT in 1-D is StudentT; Dirichlet with K = 2 is Beta; Multinomial with K = 2 is Binomial', () => {
    for (const x of [-2, 0.3, 4]) {
      expect(ld('MvStudentT')(F(x), [3.5, F(1), F(4)])).toBeCloseTo(ld('StudentT')(x, [3.5, 1, 2]), 13);
    }
    expect(ld('Dirichlet')(F(0.3, 0.7), [F(2, 3.5)])).toBeCloseTo(ld('Beta')(0.3, [2, 3.5]), 13);
    expect(ld('Multinomial')(F(4, 6), [10, F(0.3, 0.7)])).toBeCloseTo(ld('Binomial')(4, [10, 0.3]), 13);
  });
  it('InvWishart in 1-D is the inverse gamma with shape ν/2 and scale ψ/2', () => {
    for (const x of [0.2, 1, 7]) {
      expect(ld('InvWishart')(F(x), [4.5, F(3)])).toBeCloseTo(invGammaLogDensity(x, 2.25, 1.5), 13);
    }
  });
});

function flatten(ps: readonly NumericValue[]): number[] {
  return ps.flatMap((p) => (typeof p === 'number' ? [p] : [...p]));
}

/** The value of the coordinate that `up` moved: the first entry that changed, read from ps. */
function coordinateValue(ps: readonly NumericValue[], up: readonly NumericValue[]): number {
  const a = flatten(ps);
  const b = flatten(up);
  const k = a.findIndex((v, i) => v !== b[i]);
  return a[k]!;
}
