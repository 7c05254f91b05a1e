/**
 * Covariance params and MvNormal priors in numeric M-steps (packages/runtime/src/numeric/): a
 * mixture of two bivariate normals with positive means exp(eta[k]) and a free shared covariance
 * (`x[n] ~ MvNormal(exp(eta[z[n]]), Sigma)`: eta and Sigma are numeric, Sigma through the
 * log-Cholesky transform) and the Poisson-regression mixture with an MvNormal prior on each
 * coefficient vector. Checks: the gradient of Q (reverse mode through the MvNormal derivatives
 * and the log-Cholesky chain rule, and of the MvNormal prior) against central differences; the fit
 * against an independent maximisation, a closed-form EM for the tied-covariance Gaussian mixture
 * written here (the same likelihood with mean = exp(eta), so the same maximiser), plus a zero
 * numerical gradient of the observed log-likelihood at the fit; Newton with the prior against
 * L-BFGS with the prior at the fixed point; never-decreasing objectives and same seed → same bits.
 */
import { lowerDataSchema, lowerFitProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  bindData,
  eStepMixture,
  type FitProgram,
  fitAnyProgram,
  glmBlocks,
  makeStreams,
  type NumericExpr,
  numericObjective,
  prepareMixture,
  sampleStdNormal,
  saveParams,
} from '@emforge/runtime';
import { describe, expect, test } from 'vitest';
import { readExample } from './fit-helpers.js';

const positiveMeans = `
model positive_means {
  size N
  size D = 2
  size K = 2
  data   x[N]: real[D]
  param  w: simplex[K]
  param  eta[K]: real[D]
  param  Sigma: cov[D]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ MvNormal(exp(eta[z[n]]), Sigma)
  }
}`;

const withPrior = readExample('poisson-regression-mixture').model.replace(
  '  for n in N {',
  '  for k in K {\n    beta[k] ~ MvNormal(zeros(P), 4 * eye(P))\n  }\n  for n in N {',
);

function prepare(model: string, raw: unknown): { program: FitProgram; data: BoundData } {
  const outcome = planSource(new SourceFile('model.em', model));
  const lowered = lowerFitProgram(outcome);
  if (!lowered.value) throw new Error(JSON.stringify(lowered.diagnostics));
  return { program: lowered.value, data: bindData(lowerDataSchema(outcome.checked!), raw, {}).value! };
}

/** N points from 0.35 · N([1, 3], C) + 0.65 · N([3, 1.5], C), C = L Lᵀ, L = [[0.8, 0], [0.3, 0.6]]. */
function simulate(N: number): number[][] {
  const [rng] = makeStreams(11, 1);
  return Array.from({ length: N }, () => {
    const first = rng!.uniform() < 0.35;
    const [a, b] = [sampleStdNormal(rng!), sampleStdNormal(rng!)];
    return [(first ? 1 : 3) + 0.8 * a, (first ? 3 : 1.5) + 0.3 * a + 0.6 * b];
  });
}

/** log N(x | mu, S) in 2-D. */
function logNormal2(x: readonly number[], mu: readonly number[], S: readonly number[]): number {
  const det = S[0]! * S[3]! - S[1]! * S[2]!;
  const [a, b] = [x[0]! - mu[0]!, x[1]! - mu[1]!];
  const q = (S[3]! * a * a - (S[1]! + S[2]!) * a * b + S[0]! * b * b) / det;
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
}

function observedLogLik(x: number[][], w: number[], mu: number[][], S: number[]): number {
  let total = 0;
  for (const xi of x) {
    const t = w.map((wk, k) => Math.log(wk) + logNormal2(xi, mu[k]!, S));
    const m = Math.max(...t);
    total += m + Math.log(t.reduce((s, v) => s + Math.exp(v - m), 0));
  }
  return total;
}

/** The independent reference: closed-form EM of the tied-covariance two-component mixture, to 1e-14. */
function tiedGmm(x: number[][], w0: number[], mu0: number[][], S0: number[]) {
  let [w, mu, S] = [w0, mu0, S0];
  let last = Number.NEGATIVE_INFINITY;
  for (let it = 0; it < 5000; it++) {
    const r = x.map((xi) => {
      const t = w.map((wk, k) => Math.log(wk) + logNormal2(xi, mu[k]!, S));
      const m = Math.max(...t);
      const e = t.map((v) => Math.exp(v - m));
      const z = e[0]! + e[1]!;
      return e.map((v) => v / z);
    });
    const nk = [0, 1].map((k) => r.reduce((s, ri) => s + ri[k]!, 0));
    w = nk.map((v) => v / x.length);
    mu = [0, 1].map((k) => [0, 1].map((j) => r.reduce((s, ri, i) => s + ri[k]! * x[i]![j]!, 0) / nk[k]!));
    S = [0, 0, 0, 0];
    for (const [i, xi] of x.entries()) {
      for (const k of [0, 1]) {
        const d = [xi[0]! - mu[k]![0]!, xi[1]! - mu[k]![1]!];
        for (const a of [0, 1]) for (const b of [0, 1]) S[2 * a + b]! += (r[i]![k]! * d[a]! * d[b]!) / x.length;
      }
    }
    const ll = observedLogLik(x, w, mu, S);
    if (Math.abs(ll - last) < 1e-14 * Math.abs(ll)) break;
    last = ll;
  }
  return { w, mu, S, logLik: observedLogLik(x, w, mu, S) };
}

/** Central differences of f at u against the gradient g, coordinate by coordinate. */
function expectGradient(f: (u: Float64Array) => number, u: Float64Array, g: Float64Array, h = 1e-5, rel = 1e-6) {
  for (let j = 0; j < u.length; j++) {
    const up = u.slice();
    const down = u.slice();
    up[j]! += h;
    down[j]! -= h;
    const numeric = (f(up) - f(down)) / (2 * h);
    expect(Math.abs(numeric - g[j]!), `coordinate ${j}: ${numeric} vs ${g[j]}`).toBeLessThan(
      rel * Math.max(1, Math.abs(numeric)),
    );
  }
}

describe('a numeric covariance param (log-Cholesky) and an MvNormal mean expression', () => {
  const x = simulate(400);
  const { program, data } = prepare(positiveMeans, { x });

  test('lowers: eta and Sigma are numeric params (Sigma as a covariance), w closed form', () => {
    expect(program.params.map((p) => [p.name, p.rule])).toEqual([
      ['w', 'categorical-probabilities'],
      ['eta', 'numeric'],
      ['Sigma', 'numeric'],
    ]);
  });

  test('the gradient of Q in (eta, log-Cholesky of Sigma) matches central differences', () => {
    const mix = prepareMixture(program, data);
    const values = saveParams(mix);
    values.w!.set([0.4, 0.6]);
    values.eta!.set([0.1, 1.0, 1.2, 0.3]);
    values.Sigma!.set([1.3, 0.4, 0.4, 0.9]);
    eStepMixture(mix, values);
    // Away from the responsibilities' own params, so Q's gradient is far from zero.
    values.eta!.set([0.3, 0.8, 0.9, 0.5]);
    values.Sigma!.set([0.7, -0.2, -0.2, 1.6]);
    for (const p of mix.params) p.values.set(values[p.spec.name]!);
    const objective = numericObjective(mix, new Set(['w']));
    const u = objective.current();
    expect(u).toHaveLength(4 + 3);
    const g = new Float64Array(u.length);
    objective.evaluate(u, g);
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1);
    expectGradient((v) => objective.evaluate(v), u, g);
  });

  test('the fit is the tied-covariance mixture MLE of an independent closed-form EM (mean = exp(eta))', () => {
    // To the fixed point: no tolerance, a fixed number of iterations (it is reached in < 150).
    const { result } = fitAnyProgram(program, data, { seed: 1, tol: 0, maxIter: 150 });
    const w = result.params.w as number[];
    const mu = (result.params.eta as number[][]).map((row) => row.map(Math.exp));
    const S = (result.params.Sigma as number[][]).flat();
    // The reference EM starts from a different point (the simulation truth).
    const ref = tiedGmm(
      x,
      [0.35, 0.65],
      [
        [1, 3],
        [3, 1.5],
      ],
      [0.64, 0.24, 0.24, 0.45],
    );
    const order = mu[0]![0]! < mu[1]![0]! ? [0, 1] : [1, 0];
    expect(Math.abs(result.logLik - ref.logLik)).toBeLessThan(1e-9 * Math.abs(ref.logLik));
    expect(Math.abs(observedLogLik(x, w, mu, S) - result.logLik)).toBeLessThan(1e-9 * Math.abs(ref.logLik));
    order.forEach((k, kr) => {
      expect(Math.abs(w[k]! - ref.w[kr]!)).toBeLessThan(1e-5);
      for (const j of [0, 1]) expect(Math.abs(mu[k]![j]! - ref.mu[kr]![j]!)).toBeLessThan(1e-5);
    });
    for (const j of [0, 1, 2, 3]) expect(Math.abs(S[j]! - ref.S[j]!)).toBeLessThan(1e-5);
    // The observed log-likelihood is stationary there: central differences in (w₀, eta, L).
    const L = [Math.sqrt(S[0]!), S[2]! / Math.sqrt(S[0]!)];
    L.push(Math.sqrt(S[3]! - L[1]! ** 2));
    const theta = [w[0]!, ...(result.params.eta as number[][]).flat(), ...L];
    const ll = (t: readonly number[]) =>
      observedLogLik(
        x,
        [t[0]!, 1 - t[0]!],
        [
          [Math.exp(t[1]!), Math.exp(t[2]!)],
          [Math.exp(t[3]!), Math.exp(t[4]!)],
        ],
        [t[5]! ** 2, t[5]! * t[6]!, t[5]! * t[6]!, t[6]! ** 2 + t[7]! ** 2],
      );
    for (let j = 0; j < theta.length; j++) {
      const up = theta.slice();
      const down = theta.slice();
      up[j]! += 1e-6;
      down[j]! -= 1e-6;
      expect(Math.abs((ll(up) - ll(down)) / 2e-6), `coordinate ${j}`).toBeLessThan(1e-6);
    }
  });

  test('the objective never decreases (three seeds); same seed → same bits', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitAnyProgram(program, data, { seed, maxIter: 60 });
      expect(result.warnings.filter((w) => w.includes('decreased') || w.includes('kept'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++)
        expect(result.history[t]!).toBeGreaterThanOrEqual(
          result.history[t - 1]! - 1e-9 * Math.abs(result.history[t - 1]!),
        );
    }
    const a = fitAnyProgram(program, data, { seed: 5, maxIter: 20 }).result;
    const b = fitAnyProgram(program, data, { seed: 5, maxIter: 20 }).result;
    expect(b.params).toEqual(a.params);
    expect(b.history).toEqual(a.history);
  });
});

/** The same program with every `dot` written as `dot + 0`: the same Q, not a GLM block (L-BFGS). */
function withoutNewton(program: FitProgram): FitProgram {
  const rewrite = (e: NumericExpr): NumericExpr =>
    e.kind === 'dot'
      ? { kind: 'binary', op: '+', left: e, right: { kind: 'constant', value: { kind: 'number', value: 0 } } }
      : e.kind === 'unary'
        ? { ...e, operand: rewrite(e.operand) }
        : e;
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

describe('an MvNormal prior on a numeric coefficient vector', () => {
  const { program, data } = prepare(withPrior, readExample('poisson-regression-mixture').data);

  test('Newton takes the prior; the log posterior gradient (L-BFGS path) matches central differences', () => {
    const mix = prepareMixture(program, data);
    expect(glmBlocks(mix).blocks.map((b) => [b.param.spec.name, b.prior !== undefined])).toEqual([['beta', true]]);
    const values = saveParams(mix);
    values.w!.set([0.5, 0.5]);
    values.beta!.set([0.5, 0.8, -0.3, 1.8, -0.2, 0.5]);
    eStepMixture(mix, values);
    const objective = numericObjective(mix, new Set(['w']));
    const u = objective.current();
    const g = new Float64Array(u.length);
    objective.evaluate(u, g);
    expectGradient((v) => objective.evaluate(v), u, g);
  });

  test('Newton and L-BFGS reach the same MAP fixed point (to 1e-6); the objective never decreases', () => {
    const options = { seed: 1, tol: 0, maxIter: 40 };
    const a = fitAnyProgram(program, data, options).result;
    const b = fitAnyProgram(withoutNewton(program), data, options).result;
    expect(a.objective).toBeDefined();
    expect(Math.abs(a.logLik - b.logLik)).toBeLessThan(1e-11 * Math.abs(a.logLik));
    const flat = (r: typeof a) => [r.params.w as number[], ...(r.params.beta as number[][])].flat();
    const [fa, fb] = [flat(a), flat(b)];
    for (const [j, v] of fa.entries()) expect(Math.abs(v - fb[j]!), `entry ${j}`).toBeLessThan(1e-6);
    for (const r of [a, b]) {
      expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < r.history.length; t++)
        expect(r.history[t]!).toBeGreaterThanOrEqual(r.history[t - 1]! - 1e-9 * Math.abs(r.history[t - 1]!));
    }
  });
});
