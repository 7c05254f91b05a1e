/**
 * Parameter recovery for the Student-t scale mixture at N = 5,000: data drawn with the
 * runtime's MvStudentT / StudentT samplers from known params (ν known), fitted, and every
 * entry within RECOVERY_LIMIT (4.5) standard errors of the truth, the standard errors from the
 * numerical observed information of the exact observed-data log-likelihood (the E-step's
 * objective), as in recovery-helpers.ts. The explicit Gamma scale-mixture form and the
 * StudentT / MvStudentT form of the same model give the same fit bit for bit.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  eStepScaleMixture,
  findDistribution,
  flattenValue,
  makeStreams,
  type ParamValue,
  prepareScaleMixture,
  type ScaleMixtureProgram,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { fitAny } from './fit-helpers.js';
import { observedCovariance, RECOVERY_LIMIT } from './recovery-helpers.js';
import { mvtExplicit, mvtImplicit, tExplicit, tImplicit, tmixExplicit, tmixImplicit } from './student-t-models.js';

type Params = Record<string, ParamValue>;

/** x[n] ~ Σ_k w_k t(ν_k, μ_k, Σ_k) with the runtime's samplers (one component when w is absent). */
function simulate(truth: Params, nu: number[], n: number, seed: number, univariate: boolean) {
  const rng = makeStreams(seed, 1)[0]!;
  const family = findDistribution(univariate ? 'StudentT' : 'MvStudentT')!;
  const w = (truth.w as number[] | undefined) ?? [1];
  const mus = (truth.w ? truth.mu : [truth.mu]) as ParamValue[];
  const scales = (truth.w ? truth.Sigma : [truth.Sigma ?? truth.s]) as ParamValue[];
  const rows: (number | number[])[] = [];
  for (let i = 0; i < n; i++) {
    let k = 0;
    let u = rng.uniform();
    while (k < w.length - 1 && u >= w[k]!) u -= w[k++]!;
    const mean = mus[k]!;
    const scale = scales[k]!;
    if (univariate) rows.push(family.numerics.sample(rng, [nu[k]!, mean as number, scale as number]) as number);
    else {
      const v = family.numerics.sample(rng, [
        nu[k]!,
        Float64Array.from(flattenValue(mean)),
        Float64Array.from(flattenValue(scale)),
      ]);
      rows.push(Array.from(v as Float64Array));
    }
  }
  return rows;
}

/** A free coordinate: (param, [(flat index, coefficient)]). */
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
      const blocks =
        Array.isArray((value as ParamValue[])[0]) && Array.isArray(((value as ParamValue[])[0] as ParamValue[])[0])
          ? (value as ParamValue[]).length
          : 1;
      const d = Math.round(Math.sqrt(v.length / blocks));
      for (let b = 0; b < blocks; b++)
        for (let i = 0; i < d; i++)
          for (let j = 0; j <= i; j++) {
            const at = b * d * d;
            out.push([
              name,
              i === j
                ? [[at + i * d + i, 1]]
                : [
                    [at + i * d + j, 1],
                    [at + j * d + i, 1],
                  ],
            ]);
          }
    } else for (let j = 0; j < v.length; j++) out.push([name, [[j, 1]]]);
  }
  return out;
}

/** |estimate − truth| / SE for every flat entry, SE from the numerical observed information. */
function seRatios(model: string, data: Record<string, unknown>, est: Params, truth: Params, h = 1e-4) {
  const outcome = planSource(new SourceFile('model.em', model));
  const program = lowerProgram(outcome).value as ScaleMixtureProgram;
  const sm = prepareScaleMixture(program, bindData(lowerDataSchema(outcome.checked!), data, {}).value!);
  const flat: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(est)) flat[name] = Float64Array.from(flattenValue(v));
  const dirs = directions(est);
  const f = (steps: readonly (readonly [number, number])[]) => {
    const v: Record<string, Float64Array> = {};
    for (const [name, x] of Object.entries(flat)) v[name] = x.slice();
    for (const [c, s] of steps) for (const [e, coef] of dirs[c]![1]) v[dirs[c]![0]]![e]! += coef * s;
    return eStepScaleMixture(sm, v).objective;
  };
  const m = dirs.length;
  const cov = observedCovariance(f, m, h);
  const ratios: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(flat)) {
    const t = flattenValue(truth[name]!);
    ratios[name] = Array.from(v, (x, e) => {
      const g = dirs.map(([n, entries]) => (n === name ? (entries.find(([i]) => i === e)?.[1] ?? 0) : 0));
      let s = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) s += g[a]! * cov[a]![b]! * g[b]!;
      return Math.abs(x - t[e]!) / Math.sqrt(s);
    });
  }
  return ratios;
}

/** Relabels a two-component estimate to the truth (by the means). */
function matched(est: Params, truth: Params): Params {
  const mu = est.mu as number[][];
  const t = truth.mu as number[][];
  const cost = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
  const swap = cost(mu[0]!, t[1]!) + cost(mu[1]!, t[0]!) < cost(mu[0]!, t[0]!) + cost(mu[1]!, t[1]!);
  if (!swap) return est;
  const flip = (v: ParamValue) => [...(v as ParamValue[])].reverse();
  return { w: flip(est.w!), mu: flip(est.mu!), Sigma: flip(est.Sigma!) };
}

const N = 5000;

interface Case {
  readonly name: string;
  readonly models: readonly [string, string];
  readonly truth: Params;
  readonly nu: number[];
  readonly univariate: boolean;
  readonly seed: number;
}

const cases: readonly Case[] = [
  {
    name: 'multivariate t, D = 3, ν = 5',
    models: [mvtExplicit, mvtImplicit],
    truth: {
      mu: [1, -2, 0.5],
      Sigma: [
        [2, 0.8, 0.3],
        [0.8, 1, -0.2],
        [0.3, -0.2, 0.5],
      ],
    },
    nu: [5],
    univariate: false,
    seed: 501,
  },
  {
    name: 'univariate t, ν = 3',
    models: [tExplicit, tImplicit],
    truth: { mu: 0.5, s: 2 },
    nu: [3],
    univariate: true,
    seed: 502,
  },
  {
    name: 'two-component bivariate t mixture, ν = (3, 8)',
    models: [tmixExplicit, tmixImplicit],
    truth: {
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
    nu: [3, 8],
    univariate: false,
    seed: 503,
  },
];

describe.each(cases)('$name: recovery at N = 5,000', (c) => {
  const rows = simulate(c.truth, c.nu, N, c.seed, c.univariate);
  const data = c.univariate ? { y: rows, nu: c.nu[0] } : { x: rows, nu: c.nu.length > 1 ? c.nu : c.nu[0] };
  const fits = c.models.map((m) => fitAny(m, data, { seed: c.seed, restarts: 2, tol: 1e-10 }));

  it('recovers every entry within 4.5 standard errors, without warnings', () => {
    const fit = fits[1]!.result;
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    const est = c.truth.w ? matched(fit.params as Params, c.truth) : (fit.params as Params);
    const ratios = seRatios(c.models[1], data, est, c.truth);
    for (const [name, rs] of Object.entries(ratios)) {
      rs.forEach((r, i) => {
        expect(r, `${name}[${i}] is ${r.toFixed(2)} SE from the truth`).toBeLessThanOrEqual(RECOVERY_LIMIT);
      });
    }
  });

  it('the explicit scale mixture and StudentT / MvStudentT give the same fit, bit for bit', () => {
    const [a, b] = fits.map((f) => f.result);
    expect(b!.params).toEqual(a!.params);
    expect(b!.history).toEqual(a!.history);
    expect(b!.logLik).toBe(a!.logLik);
    expect(fits[1]!.posteriors.responsibilities).toEqual(fits[0]!.posteriors.responsibilities);
    expect(Object.values(fits[1]!.posteriors.means!)).toEqual(Object.values(fits[0]!.posteriors.means!));
  });
});
