/**
 * The Student-t's degrees of freedom ν as a param (the scale-mixture runtime's one-dimensional
 * numeric update, scale-mixture/student-t-nu.ts): at N = 5,000 drawn with the runtime's
 * StudentT / MvStudentT samplers, ν (and every other entry) is recovered against the standard
 * errors of the numerical observed information of the exact observed-data log-likelihood (the
 * E-step's objective), ν itself within 3 of them, and the runtime's `--se` standard error of ν
 * equals that central-difference one (2%); the fitted ν is a stationary point of that log-likelihood (central
 * difference); the objective never decreases; the explicit `Gamma(nu / 2, nu / 2)` form gives
 * the same bits as StudentT / MvStudentT; the 1-D solver is checked against a golden-section
 * maximisation of its objective; and `emforge check` says ν gets a numeric 1-D update.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  eStepScaleMixture,
  findDistribution,
  flattenValue,
  makeStreams,
  NU_MAX,
  NU_MIN,
  nuObjective,
  type ParamValue,
  prepareScaleMixture,
  type ScaleMixtureProgram,
  solveDegreesOfFreedom,
  standardErrorsOf,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { fitAny, prepareAny } from './fit-helpers.js';
import { observedCovariance, RECOVERY_LIMIT } from './recovery-helpers.js';
import { mvtExplicit, mvtImplicit, tExplicit, tImplicit, tmixExplicit, tmixImplicit } from './student-t-models.js';

type Params = Record<string, ParamValue>;

/** The same models with ν a param (`data nu` → `param nu`). */
const withNuParam = (model: string) => model.replace(/data {3}nu(\[K\])?: positive/, 'param  nu$1: positive');

/** x[n] ~ Σ_k w_k t(ν_k, μ_k, Σ_k) with the runtime's samplers (one component when w is absent). */
function simulate(truth: Params, n: number, seed: number, univariate: boolean): (number | number[])[] {
  const rng = makeStreams(seed, 1)[0]!;
  const family = findDistribution(univariate ? 'StudentT' : 'MvStudentT')!;
  const w = (truth.w as number[] | undefined) ?? [1];
  const nus = truth.w ? (truth.nu as number[]) : [truth.nu as number];
  const mus = (truth.w ? truth.mu : [truth.mu]) as ParamValue[];
  const scales = (truth.w ? truth.Sigma : [truth.Sigma ?? truth.s]) as ParamValue[];
  const rows: (number | number[])[] = [];
  for (let i = 0; i < n; i++) {
    let k = 0;
    let u = rng.uniform();
    while (k < w.length - 1 && u >= w[k]!) u -= w[k++]!;
    if (univariate) rows.push(family.numerics.sample(rng, [nus[k]!, mus[k] as number, scales[k] as number]) as number);
    else {
      const args = [nus[k]!, Float64Array.from(flattenValue(mus[k]!)), Float64Array.from(flattenValue(scales[k]!))];
      rows.push(Array.from(family.numerics.sample(rng, args) as Float64Array));
    }
  }
  return rows;
}

/** A free coordinate of the params: (param, [(flat index, coefficient)]); symmetric matrices by their lower triangle, w by its first K − 1 log-free differences. */
type Direction = readonly [string, readonly (readonly [number, number])[]];

function directions(est: Params): Direction[] {
  const out: Direction[] = [];
  for (const [name, value] of Object.entries(est)) {
    const v = flattenValue(value);
    if (name === 'w') {
      for (let j = 0; j < v.length - 1; j++)
        out.push([
          name,
          [
            [j, 1],
            [v.length - 1, -1],
          ],
        ]);
    } else if (name === 'Sigma') {
      const blocks = Array.isArray(((value as ParamValue[])[0] as ParamValue[])[0])
        ? (value as ParamValue[]).length
        : 1;
      const d = Math.round(Math.sqrt(v.length / blocks));
      for (let b = 0; b < blocks; b++)
        for (let i = 0; i < d; i++)
          for (let j = 0; j <= i; j++) {
            const at = b * d * d;
            const entries: [number, number][] =
              i === j
                ? [[at + i * d + i, 1]]
                : [
                    [at + i * d + j, 1],
                    [at + j * d + i, 1],
                  ];
            out.push([name, entries]);
          }
    } else for (let j = 0; j < v.length; j++) out.push([name, [[j, 1]]]);
  }
  return out;
}

/** The exact observed-data log-likelihood as a function of steps along the free coordinates. */
function logLikelihood(model: string, data: Record<string, unknown>, sizes: Record<string, number>, est: Params) {
  const outcome = planSource(new SourceFile('model.em', model));
  const program = lowerProgram(outcome).value as ScaleMixtureProgram;
  const sm = prepareScaleMixture(program, bindData(lowerDataSchema(outcome.checked!), data, sizes).value!);
  const flat: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(est)) flat[name] = Float64Array.from(flattenValue(v));
  const dirs = directions(est);
  const f = (steps: readonly (readonly [number, number])[]) => {
    const v: Record<string, Float64Array> = {};
    for (const [name, x] of Object.entries(flat)) v[name] = x.slice();
    for (const [c, s] of steps) for (const [e, coef] of dirs[c]![1]) v[dirs[c]![0]]![e]! += coef * s;
    return eStepScaleMixture(sm, v).objective;
  };
  return { f, dirs, flat };
}

/** Standard errors of every flat entry from the numerical observed information (central second differences). */
function standardErrors(
  model: string,
  data: Record<string, unknown>,
  sizes: Record<string, number>,
  est: Params,
  h = 1e-4,
) {
  const { f, dirs, flat } = logLikelihood(model, data, sizes, est);
  const m = dirs.length;
  const cov = observedCovariance(f, m, h);
  const se: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(flat)) {
    se[name] = Array.from(v, (_, e) => {
      const g = dirs.map(([n, entries]) => (n === name ? (entries.find(([i]) => i === e)?.[1] ?? 0) : 0));
      let s = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) s += g[a]! * cov[a]![b]! * g[b]!;
      return Math.sqrt(s);
    });
  }
  return se;
}

/** Relabels a two-component estimate to the truth (by the means). */
function matched(est: Params, truth: Params): Params {
  const mu = est.mu as number[][];
  const t = truth.mu as number[][];
  const cost = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
  const swap = cost(mu[0]!, t[1]!) + cost(mu[1]!, t[0]!) < cost(mu[0]!, t[0]!) + cost(mu[1]!, t[1]!);
  if (!swap) return est;
  const flip = (v: ParamValue) => [...(v as ParamValue[])].reverse();
  return { w: flip(est.w!), mu: flip(est.mu!), Sigma: flip(est.Sigma!), nu: flip(est.nu!) };
}

const N = 5000;

interface Case {
  readonly name: string;
  readonly models: readonly [string, string];
  readonly truth: Params;
  readonly univariate: boolean;
  readonly seed: number;
}

const cases: readonly Case[] = [
  {
    name: 'StudentT, ν = 4',
    models: [withNuParam(tExplicit), withNuParam(tImplicit)],
    truth: { nu: 4, mu: 0.5, s: 2 },
    univariate: true,
    seed: 611,
  },
  {
    name: 'MvStudentT, D = 3, ν = 6',
    models: [withNuParam(mvtExplicit), withNuParam(mvtImplicit)],
    truth: {
      nu: 6,
      mu: [1, -2, 0.5],
      Sigma: [
        [2, 0.8, 0.3],
        [0.8, 1, -0.2],
        [0.3, -0.2, 0.5],
      ],
    },
    univariate: false,
    seed: 612,
  },
  {
    name: 'two-component bivariate t mixture, ν = (3, 10) per component',
    models: [withNuParam(tmixExplicit), withNuParam(tmixImplicit)],
    truth: {
      nu: [3, 10],
      w: [0.35, 0.65],
      mu: [
        [-2, 1],
        [2, -0.5],
      ],
      Sigma: [
        [
          [1, 0.3],
          [0.3, 0.6],
        ],
        [
          [0.8, -0.25],
          [-0.25, 1.2],
        ],
      ],
    },
    univariate: false,
    seed: 613,
  },
];

describe.each(cases)('$name as a param: recovery at N = 5,000', (c) => {
  const rows = simulate(c.truth, N, c.seed, c.univariate);
  const data = c.univariate ? { y: rows } : { x: rows };
  const sizes: Record<string, number> = c.truth.w ? { K: 2 } : {};
  const fits = c.models.map((m) => fitAny(m, data, { seed: c.seed, restarts: 2, tol: 1e-10 }, sizes));
  const fit = fits[1]!.result;
  const est = c.truth.w ? matched(fit.params as Params, c.truth) : (fit.params as Params);

  it('converges without warnings, never decreasing the log-likelihood', () => {
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    for (let t = 1; t < fit.history.length; t++) expect(fit.history[t]!).toBeGreaterThanOrEqual(fit.history[t - 1]!);
  });

  it('recovers ν and every other entry within 4.5 standard errors', () => {
    const se = standardErrors(c.models[1], data, sizes, est);
    const truthNu = flattenValue(c.truth.nu!);
    flattenValue(est.nu!).forEach((nu, k) => {
      const ratio = Math.abs(nu - truthNu[k]!) / se.nu![k]!;
      expect(ratio, `ν[${k}] = ${nu.toFixed(3)} ± ${se.nu![k]!.toFixed(3)}, truth ${truthNu[k]}`).toBeLessThanOrEqual(
        RECOVERY_LIMIT,
      );
    });
    for (const [name, v] of Object.entries(est)) {
      if (name === 'nu') continue;
      const t = flattenValue(c.truth[name]!);
      flattenValue(v).forEach((x, e) => {
        const r = Math.abs(x - t[e]!) / se[name]![e]!;
        expect(r, `${name}[${e}] is ${r.toFixed(2)} SE from the truth`).toBeLessThanOrEqual(RECOVERY_LIMIT);
      });
    }
  });

  it('ν within 3 standard errors; the --se standard error of ν is the central-difference one', () => {
    // Within ONE SE is a 68% event per ν (all four ν of these three data sets: ~20%), so a single
    // data set cannot assert it; the calibration of the SEs (68% / 95% within 1 / 2 SE over 40
    // replicates per model) is test/se/nu-coverage.test.ts. Here: 3 SE (a 0.3% event per ν), and
    // the runtime's standard error (Richardson-extrapolated Hessian over all free params,
    // standardErrorsOf) against this file's own central differences.
    const se = standardErrors(c.models[1], data, sizes, est);
    const { program, data: bound } = prepareAny(c.models[1], data, sizes);
    const runtime = standardErrorsOf(program, bound, fits[1]!);
    if ('unavailable' in runtime) throw new Error(runtime.unavailable);
    const estNu = flattenValue(est.nu!);
    const fitNu = flattenValue(fit.params.nu!);
    const runtimeNu = flattenValue(runtime.standardErrors.nu as ParamValue);
    const truthNu = flattenValue(c.truth.nu!);
    estNu.forEach((nu, k) => {
      const ratio = Math.abs(nu - truthNu[k]!) / se.nu![k]!;
      expect(ratio, `ν[${k}] = ${nu.toFixed(3)} ± ${se.nu![k]!.toFixed(3)}, truth ${truthNu[k]}`).toBeLessThanOrEqual(
        3,
      );
      const r = runtimeNu[fitNu.indexOf(nu)]!;
      expect(Math.abs(r / se.nu![k]! - 1), `--se ${r} vs ${se.nu![k]}`).toBeLessThan(0.02);
    });
  });

  it('ν is a stationary point of the observed-data log-likelihood (central difference)', () => {
    const { f, dirs } = logLikelihood(c.models[1], data, sizes, est);
    dirs.forEach(([name], a) => {
      if (name !== 'nu') return;
      const h = 1e-3;
      const slope = (f([[a, h]]) - f([[a, -h]])) / (2 * h);
      const curvature = -(f([[a, h]]) - 2 * f([]) + f([[a, -h]])) / (h * h);
      // The Newton step to the maximum in ν is under 5% of ν's standard error 1/√curvature
      // (EM converges slowly in ν; tol 1e-10 leaves a few thousandths of ν).
      expect(Math.abs(slope / curvature)).toBeLessThan(0.05 / Math.sqrt(curvature));
    });
  });

  it('the explicit Gamma(nu / 2, nu / 2) form gives the same fit, bit for bit', () => {
    const [a, b] = fits.map((x) => x.result);
    expect(b!.params).toEqual(a!.params);
    expect(b!.history).toEqual(a!.history);
  });
});

describe('the one-dimensional ν solver', () => {
  /** Golden-section maximisation of the concave objective in log ν. */
  function golden(c: number): number {
    let lo = Math.log(NU_MIN);
    let hi = Math.log(NU_MAX);
    const g = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 200; i++) {
      const a = hi - g * (hi - lo);
      const b = lo + g * (hi - lo);
      if (nuObjective(Math.exp(a), c) > nuObjective(Math.exp(b), c)) hi = b;
      else lo = a;
    }
    return Math.exp((lo + hi) / 2);
  }

  it.each([-1.003, -1.01, -1.1, -1.3, -2, -5, -20])('c = %s: the maximiser of Q in ν', (c) => {
    const nu = solveDegreesOfFreedom(c);
    expect(Math.abs(Math.log(nu) - Math.log(golden(c)))).toBeLessThan(1e-6);
    expect(nu).toBeLessThan(NU_MAX);
    expect(nuObjective(nu, c)).toBeGreaterThanOrEqual(nuObjective(nu * (1 + 1e-4), c));
    expect(nuObjective(nu, c)).toBeGreaterThanOrEqual(nuObjective(nu * (1 - 1e-4), c));
  });

  it('beyond the bounds: the bound (Q is concave, so the bound maximises it on the interval)', () => {
    expect(solveDegreesOfFreedom(-1)).toBe(NU_MAX);
    expect(solveDegreesOfFreedom(-1.00001)).toBe(NU_MAX);
    expect(solveDegreesOfFreedom(-1e4)).toBe(NU_MIN);
  });
});

describe('what emforge check says about ν', () => {
  it.each([
    ['StudentT', withNuParam(tImplicit)],
    ['the explicit scale mixture', withNuParam(mvtExplicit)],
    ['a mixture with ν per component', withNuParam(tmixImplicit)],
  ])('%s: a numeric one-dimensional update', (_, model) => {
    const outcome = planSource(new SourceFile('model.em', model));
    const nu = outcome.plan!.params.find((p) => p.name === 'nu')!;
    expect(nu.update).toBe('numeric');
    expect(nu.reason).toContain('one-dimensional numeric update');
    expect(lowerProgram(outcome).value?.kind).toBe('scale-mixture');
  });
});
