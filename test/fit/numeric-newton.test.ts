/**
 * Newton / IRLS for the GLM blocks of the numeric M-step (packages/runtime/src/numeric/newton.ts):
 * which params get it (canonical-link Bernoulli, Binomial, Poisson on `dot(X[n], beta[…])`) and
 * which keep L-BFGS; the same fitted params as L-BFGS (the same program with `dot(…) + 0`, which
 * is the same Q but no GLM block) to 1e-6 on the Poisson-regression example, a simulated mixlogit
 * and a simulated mixture of binomial regressions, both run to their fixed point; Q (the kernels'
 * expected complete-data log-likelihood, independent of Newton's own formulas) never decreases
 * within a Newton M-step, step by step; at Newton's fixed point the gradient of Q by central
 * differences is zero; with latents the executor's M-step is ONE Newton step (Lange's EM gradient
 * algorithm), whose EM fixed point is the full Newton M-step's. Iterations and time of both to the same tolerance are printed, not asserted.
 */
import { lowerDataSchema, lowerFitProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  bindData,
  type EmFitOptions,
  eStepMixture,
  type FitProgram,
  fitAnyProgram,
  glmBlocks,
  inputSchema,
  lbfgsMaximize,
  makeStreams,
  type NumericExpr,
  newtonGlm,
  newtonStepsWithLatents,
  numericMStep,
  numericObjective,
  prepareMixture,
  sampleProgram,
  sampleStdNormal,
  saveParams,
} from '@emforge/runtime';
import { describe, expect, test } from 'vitest';
import { prepareAny, readExample } from './fit-helpers.js';

/** The same program with every `dot` written as `dot + 0`: the same Q, but not a GLM block (L-BFGS). */
function withoutNewton(program: FitProgram): FitProgram {
  const rewrite = (e: NumericExpr): NumericExpr => {
    switch (e.kind) {
      case 'dot':
        return { kind: 'binary', op: '+', left: e, right: { kind: 'constant', value: { kind: 'number', value: 0 } } };
      case 'unary':
        return { ...e, operand: rewrite(e.operand) };
      default:
        return e;
    }
  };
  return {
    ...program,
    factors: program.factors.map((f) => ({
      ...f,
      args: f.args.map((a) =>
        a.source.kind === 'expression' ? { ...a, source: { ...a.source, expr: rewrite(a.source.expr) } } : a,
      ),
    })),
  };
}

const mixlogit = readExample('mixture-logistic').model;

const binomialModel = `
model binomial_regression_mixture {
  size N, P
  size K = 2
  data   X[N]: real[P]
  data   m[N]: count
  data   y[N]: count
  param  w: simplex[K]
  param  beta[K]: real[P]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Binomial(m[n], logistic(dot(X[n], beta[z[n]])))
  }
}`;

/** Data simulated by the runtime's sampler at `truth`, covariates [1, x1, x2] from a seeded stream. */
function simulate(
  model: string,
  N: number,
  truth: Record<string, unknown>,
  extra: (i: number) => Record<string, number> = () => ({}),
) {
  const outcome = planSource(new SourceFile('model.em', model));
  const program = lowerFitProgram(outcome).value!;
  const schema = lowerDataSchema(outcome.checked!);
  const [rng] = makeStreams(2026, 1);
  const X = Array.from({ length: N }, () => [1, sampleStdNormal(rng!), sampleStdNormal(rng!)]);
  const more = Array.from({ length: N }, (_, i) => extra(i));
  const given: Record<string, unknown> = { X };
  for (const key of Object.keys(more[0] ?? {})) given[key] = more.map((r) => r[key]);
  const inputs = bindData(inputSchema(program, schema), given, { N }).value!;
  const drawn = sampleProgram(program, schema, truth, { seed: 7, inputs });
  return { program, data: bindData(schema, drawn.data, {}).value! as BoundData };
}

const logitTruth = {
  w: [0.4, 0.6],
  beta: [
    [-1, 2, -1],
    [1, -1.5, 2],
  ],
};
const binomialTruth = {
  w: [0.5, 0.5],
  beta: [
    [-1, 1, 0.5],
    [1, -0.5, 1],
  ],
};

interface Case {
  readonly name: string;
  readonly program: FitProgram;
  readonly data: BoundData;
  readonly init?: EmFitOptions['init'];
}

const example = (name: string): Case => ({
  name,
  ...(prepareAny(readExample(name).model, readExample(name).data) as { program: FitProgram; data: BoundData }),
});
const poisson = (): Case => example('poisson-regression-mixture');
const logit = (): Case => ({ name: 'mixlogit (N = 800)', ...simulate(mixlogit, 800, logitTruth), init: logitTruth });
const binomial = (): Case => ({
  name: 'binomial regressions (N = 400)',
  ...simulate(binomialModel, 400, binomialTruth, (i) => ({ m: 5 + (i % 6) })),
  init: binomialTruth,
});

/** w then the rows of beta, flat. */
const flat = (params: Record<string, unknown>) => [params.w as number[], ...(params.beta as number[][])].flat();

describe('Newton / IRLS for GLM blocks', () => {
  test('GLM params get Newton; every other numeric param keeps L-BFGS, with the reason', () => {
    for (const [{ program, data }, family] of [
      [poisson(), 'Poisson'],
      [logit(), 'Bernoulli'],
      [example('mixture-logistic'), 'Bernoulli'],
      [binomial(), 'Binomial'],
    ] as const) {
      const plan = glmBlocks(prepareMixture(program, data));
      expect(plan.blocks.map((b) => [b.param.spec.name, b.family])).toEqual([['beta', family]]);
      expect(plan.lbfgs.size).toBe(0);
    }
    for (const name of ['genetic-linkage-em', 'genetic-linkage']) {
      const { program, data } = example(name);
      const plan = glmBlocks(prepareMixture(program, data));
      expect(plan.blocks).toEqual([]);
      expect(plan.lbfgs.get('theta')).toMatch(/Categorical is not a GLM family/);
    }
    // The rewritten program is not a GLM block (that is how the comparisons below run L-BFGS).
    const { program, data } = poisson();
    const plan = glmBlocks(prepareMixture(withoutNewton(program), data));
    expect(plan.blocks).toEqual([]);
    expect(plan.lbfgs.get('beta')).toMatch(/canonical inverse link/);
  });

  test('EM with Newton reaches the same fixed point as EM with L-BFGS (to 1e-6); iterations and time printed', () => {
    for (const { name, program, data, init } of [poisson(), binomial()]) {
      // Both to the fixed point: no tolerance, a fixed number of iterations (both converge in < 30).
      const options = { seed: 1, tol: 0, maxIter: 40, ...(init ? { init } : {}) };
      const t0 = performance.now();
      const a = fitAnyProgram(program, data, options).result;
      const t1 = performance.now();
      const b = fitAnyProgram(withoutNewton(program), data, options).result;
      const t2 = performance.now();
      expect(Math.abs(a.logLik - b.logLik)).toBeLessThan(1e-12 * Math.abs(a.logLik));
      const [fa, fb] = [flat(a.params), flat(b.params)];
      for (const [j, v] of fa.entries()) expect(Math.abs(v - fb[j]!), `${name} entry ${j}`).toBeLessThan(1e-6);
      for (const r of [a, b]) expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      // EM iterations to a relative change below 1e-10, and the time of the 40 iterations (one run: noisy).
      const to = (h: readonly number[]) =>
        h.findIndex((v, t) => t > 0 && Math.abs(v - h[t - 1]!) <= 1e-10 * Math.abs(v));
      console.log(
        `${name}: EM iterations to 1e-10: Newton ${to(a.history)}, L-BFGS ${to(b.history)}; 40 iterations: Newton ${(t1 - t0).toFixed(0)} ms, L-BFGS ${(t2 - t1).toFixed(0)} ms`,
      );
    }
  });

  test('one M-step: Newton and L-BFGS find the same maximiser of Q to 1e-6 (mixlogit, example and simulated)', () => {
    for (const { name, program, data } of [example('mixture-logistic'), logit()]) {
      // Responsibilities from a few EM iterations (a point on an EM path), then one M-step each way.
      const start = fitAnyProgram(program, data, { seed: 3, tol: 0, maxIter: 5 }).result;
      const mix = prepareMixture(program, data);
      const values = saveParams(mix);
      values.w!.set(start.params.w as number[]);
      values.beta!.set((start.params.beta as number[][]).flat());
      eStepMixture(mix, values);
      const block = glmBlocks(mix).blocks[0]!;
      const t0 = performance.now();
      const outcome = newtonGlm(mix, block);
      const t1 = performance.now();
      expect(outcome.converged).toBe(true);
      const newton = block.param.values.slice();
      block.param.values.set(values.beta!);
      const objective = numericObjective(mix, new Set(['w']));
      const t2 = performance.now();
      const result = lbfgsMaximize((u, g) => objective.evaluate(u, g), objective.current(), { maxIter: 1000 });
      const t3 = performance.now();
      for (const [j, v] of newton.entries())
        expect(Math.abs(v - result.x[j]!), `${name} entry ${j}`).toBeLessThan(1e-6);
      console.log(
        `${name}, one M-step to convergence: Newton ${outcome.steps} steps ${(t1 - t0).toFixed(1)} ms, L-BFGS ${result.iterations} iterations ${(t3 - t2).toFixed(1)} ms`,
      );
    }
  });

  test('with latents an M-step takes one Newton step (EM gradient); its EM fixed point is the full Newton M-step maximiser', () => {
    const { program, data } = example('mixture-logistic');
    expect(newtonStepsWithLatents).toBe(1);
    // One M-step of the executor equals one Newton step by hand from the same state.
    const start = fitAnyProgram(program, data, { seed: 3, tol: 0, maxIter: 5 }).result;
    const mix = prepareMixture(program, data);
    const values = saveParams(mix);
    values.w!.set(start.params.w as number[]);
    values.beta!.set((start.params.beta as number[][]).flat());
    eStepMixture(mix, values);
    const block = glmBlocks(mix).blocks[0]!;
    const ctx = { rng: makeStreams(1, 1)[0]!, iteration: 6, warn: () => {}, perturb: () => {} };
    numericMStep(mix, ctx);
    const executor = block.param.values.slice();
    block.param.values.set(values.beta!);
    expect(newtonGlm(mix, block, { maxIter: 1 }).steps).toBe(2);
    expect(Array.from(block.param.values)).toEqual(Array.from(executor));
    // At the converged fit, Newton to convergence on Q (after an E-step) moves beta by < 1e-6:
    // the one-step EM's fixed point is the same as the full-M-step EM's.
    const fit = fitAnyProgram(program, data, { seed: 1, restarts: 1, tol: 0, maxIter: 1500 }).result;
    values.w!.set(fit.params.w as number[]);
    values.beta!.set((fit.params.beta as number[][]).flat());
    eStepMixture(mix, values);
    block.param.values.set(values.beta!);
    expect(newtonGlm(mix, block).converged).toBe(true);
    for (const [j, v] of block.param.values.entries())
      expect(Math.abs(v - values.beta![j]!), `beta entry ${j}`).toBeLessThan(1e-6 * (1 + Math.abs(v)));
  });

  test('Q never decreases within a Newton M-step (per step), and the fixed point has zero gradient', () => {
    const { program, data } = logit();
    const mix = prepareMixture(program, data);
    const block = glmBlocks(mix).blocks[0]!;
    const [rng] = makeStreams(5, 1);
    // Start from random coefficients; run a few EM iterations by hand with Newton M-steps.
    const values = saveParams(mix);
    values.w!.set([0.5, 0.5]);
    for (let j = 0; j < values.beta!.length; j++) values.beta![j] = sampleStdNormal(rng!);
    let steps = 0;
    for (let t = 0; t < 5; t++) {
      eStepMixture(mix, values);
      const objective = numericObjective(mix, new Set(['w']));
      let before = objective.evaluate(objective.current());
      newtonGlm(mix, block, {
        trace: (_e, q0, q1) => {
          expect(q1).toBeGreaterThanOrEqual(q0);
          // The kernels' Q (all constants, all elements) after this step, independently.
          const q = objective.evaluate(objective.current());
          expect(q).toBeGreaterThanOrEqual(before - 1e-12 * Math.abs(before));
          before = q;
          steps++;
        },
      });
      values.beta!.set(block.param.values);
    }
    expect(steps).toBeGreaterThan(5);
    // Newton's fixed point at the last responsibilities: central differences of the kernels' Q.
    const objective = numericObjective(mix, new Set(['w']));
    const u = objective.current();
    const h = 1e-5;
    const scale = Math.abs(objective.evaluate(u));
    for (let j = 0; j < u.length; j++) {
      const up = u.slice();
      const down = u.slice();
      up[j]! += h;
      down[j]! -= h;
      const derivative = (objective.evaluate(up) - objective.evaluate(down)) / (2 * h);
      expect(Math.abs(derivative), `coordinate ${j}`).toBeLessThan(1e-8 * scale);
    }
  });
});
