/**
 * The Student-t scale mixture against an independent reference: test/peers/student-t holds a
 * numpy EM written from Liu & Rubin (1995, the multivariate t with ν known) and McLachlan &
 * Peel (2000, §7.5, mixtures of t) with scipy's t log densities (make_student_t.py). From the
 * SAME initial parameters, with no covariance regularisation and no early stop, emforge's
 * parameters and log-likelihood after 1 and 20 iterations agree to 1e-9 relative, and at
 * convergence (1000 iterations, past the fixed point in double precision: the reference stops
 * when no parameter moves by 1e-14) to 1e-6; the E-step's per-item log density equals scipy's multivariate_t / t
 * logpdf, and E[u[n] | x[n]] the reference's. Every model is run in both forms: the explicit
 * Gamma scale mixture and StudentT / MvStudentT.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  eStepScaleMixture,
  type ParamValue,
  prepareScaleMixture,
  type ScaleMixtureProgram,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { fitAny, root } from './fit-helpers.js';
import { mvtExplicit, mvtImplicit, tExplicit, tImplicit, tmixExplicit, tmixImplicit } from './student-t-models.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
type Json = any;
type Nested = number | Nested[];

const readFixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`test/peers/student-t/${name}.json`, root), 'utf8'));

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
/** max |a − b| / max |b| over whole arrays (the measure of the other peer tests). */
function relDiff(got: Nested, want: Nested): number {
  const a = flat(got);
  const b = flat(want);
  expect(a.length).toBe(b.length);
  const scale = Math.max(...b.map(Math.abs), 1e-300);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}

interface Case {
  readonly fixture: string;
  readonly models: readonly string[];
  /** The data object of the emforge model. */
  readonly data: (fx: Json) => Record<string, unknown>;
  /** The fixture's params (weights, mu, sigma) in emforge's names and shapes. */
  readonly params: (p: Json) => Record<string, ParamValue>;
}

const cases: readonly Case[] = [
  {
    fixture: 'mvt_d3',
    models: [mvtExplicit, mvtImplicit],
    data: (fx) => ({ x: fx.data.x, nu: fx.data.nu[0] }),
    params: (p) => ({ mu: p.mu[0], Sigma: p.sigma[0] }),
  },
  {
    fixture: 't_univariate',
    models: [tExplicit, tImplicit],
    data: (fx) => ({ y: fx.data.x.map((r: number[]) => r[0]), nu: fx.data.nu[0] }),
    params: (p) => ({ mu: p.mu[0][0], s: Math.sqrt(p.sigma[0][0][0]) }),
  },
  {
    fixture: 'tmix_k2_d2',
    models: [tmixExplicit, tmixImplicit],
    data: (fx) => ({ x: fx.data.x, nu: fx.data.nu }),
    params: (p) => ({ w: p.weights, mu: p.mu, Sigma: p.sigma }),
  },
];

const ITER_TOL = 1e-9;
const CONVERGED_TOL = 1e-6;

describe.each(cases)('$fixture against the numpy reference', (c) => {
  const fx = readFixture(c.fixture);
  const data = c.data(fx);
  const init = c.params(fx.initial);

  it.each(c.models.map((m, i) => [i === 0 ? 'explicit' : 'StudentT', m] as const))(
    '%s form: same path for 1 and 20 iterations (1e-9), same optimum (1e-6)',
    (_form, model) => {
      for (const checkpoint of fx.checkpoints) {
        const r = fitAny(model, data, { regCovar: 0, maxIter: checkpoint.n_iter, tol: 0, init }).result;
        expect(r.iterations).toBe(checkpoint.n_iter);
        const want = c.params(checkpoint);
        for (const [name, value] of Object.entries(want)) {
          expect(relDiff(r.params[name] as Nested, value as Nested), `${name} after ${checkpoint.n_iter}`).toBeLessThan(
            ITER_TOL,
          );
        }
        expect(Math.abs(r.logLik - checkpoint.loglik) / Math.abs(checkpoint.loglik)).toBeLessThan(ITER_TOL);
      }
      const { result, posteriors } = fitAny(model, data, { regCovar: 0, maxIter: 1000, tol: 0, init });
      const end = fx.converged;
      for (const [name, value] of Object.entries(c.params(end))) {
        expect(relDiff(result.params[name] as Nested, value as Nested), `${name} at convergence`).toBeLessThan(
          CONVERGED_TOL,
        );
      }
      expect(Math.abs(result.logLik - end.loglik) / Math.abs(end.loglik)).toBeLessThan(1e-12);
      const precision = Object.values(posteriors.means ?? {})[0] as number[];
      expect(relDiff(precision, end.expected_u)).toBeLessThan(CONVERGED_TOL);
      if (fx.data.nu.length > 1)
        expect(relDiff(posteriors.responsibilities as Nested, end.responsibilities)).toBeLessThan(CONVERGED_TOL);
    },
  );

  it.each(c.models)('per-item log density equals scipy at the initial params (%#)', (model) => {
    const outcome = planSource(new SourceFile('model.em', model));
    const program = lowerProgram(outcome).value as ScaleMixtureProgram;
    expect(program.kind).toBe('scale-mixture');
    const bound = bindData(lowerDataSchema(outcome.checked!), data, {});
    const sm = prepareScaleMixture(program, bound.value!);
    // Component 0 alone (the other weights zero): the item log-likelihood is log t_0(x[n]).
    const values: Record<string, Float64Array> = {};
    for (const [name, v] of Object.entries(init)) values[name] = Float64Array.from(flat(v as Nested));
    if (program.component)
      values[program.component.weights] = Float64Array.from(init[program.component.weights] as number[], (_, k) =>
        k === 0 ? 1 : 0,
      );
    eStepScaleMixture(sm, values);
    const want: number[] = fx.logpdf_initial_component0;
    want.forEach((v, i) => {
      expect(Math.abs(sm.itemLogLik[i]! - v), `item ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
    });
  });
});
