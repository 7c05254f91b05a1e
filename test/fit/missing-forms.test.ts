/**
 * The other covariance forms of Gaussian data with missing entries — a tied covariance, a
 * diagonal `Normal` sd (per component and tied), one sd per component (spherical), scalar data
 * with and without a latent — on small simulated data sets with 20% of the entries missing:
 * the log-likelihood at the fitted params equals the brute-force reference of
 * missing-helpers.ts, the fitted params are a stationary point of that brute-force
 * log-likelihood (central differences along every free direction), the objective never
 * decreases over seeds, and the same seed gives the same bits. Also the E5001 obstacles of the
 * lowering and the JSON round trip of the program.
 */
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { fitAnyProgram, flattenValue, type ParamValue } from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { prepareAny } from './fit-helpers.js';
import { mixtureLogLik, type Row, simulateRows } from './missing-helpers.js';

type Params = Record<string, ParamValue>;

interface Case {
  readonly name: string;
  readonly model: string;
  readonly rows: Row[];
  /** The params as mixture weights, means and full covariances, for the brute force. */
  readonly toMixture: (p: Params) => { weights: number[]; mus: number[][]; sigmas: number[][][] };
  /** Free directions: [param, entries with coefficients]. */
  readonly directions: readonly (readonly [string, readonly (readonly [number, number])[]])[];
}

const mix2 = {
  weights: [0.6, 0.4],
  mus: [
    [0, 0, 0],
    [3, 2, -2],
  ],
  sigmas: [
    [
      [1, 0.3, 0.1],
      [0.3, 0.8, -0.2],
      [0.1, -0.2, 0.6],
    ],
    [
      [0.7, -0.2, 0],
      [-0.2, 1.1, 0.3],
      [0, 0.3, 0.9],
    ],
  ],
};

const diagonal = (sd: readonly number[]) => sd.map((s, i) => sd.map((_, j) => (i === j ? s * s : 0)));
const entries = (n: number, at = 0) => Array.from({ length: n }, (_, e) => [[at + e, 1]] as const);
const simplexDirections = (k: number) =>
  Array.from(
    { length: k - 1 },
    (_, j) =>
      [
        [j, 1],
        [k - 1, -1],
      ] as const,
  );
const covDirections = (k: number, d: number) =>
  Array.from({ length: k }, (_, c) =>
    Array.from({ length: d }, (_, i) =>
      Array.from({ length: i + 1 }, (_, j) =>
        i === j
          ? ([[c * d * d + i * d + i, 1]] as const)
          : ([
              [c * d * d + i * d + j, 1],
              [c * d * d + j * d + i, 1],
            ] as const),
      ),
    ).flat(),
  ).flat();

const cases: Case[] = [
  {
    name: 'tied covariance',
    model: `model tied { size N, D
      size K = 2
      data x[N]: real[D]?
      param w: simplex[K]
      param mu[K]: real[D]
      param Sigma: cov[D]
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        x[n] ~ MvNormal(mu[z[n]], Sigma) } }`,
    rows: simulateRows(11, 400, mix2.weights, mix2.mus, [mix2.sigmas[0]!, mix2.sigmas[0]!], 0.2),
    toMixture: (p) => ({
      weights: p.w as number[],
      mus: p.mu as number[][],
      sigmas: [p.Sigma as number[][], p.Sigma as number[][]],
    }),
    directions: [
      ...simplexDirections(2).map((e) => ['w', e] as const),
      ...entries(6).map((e) => ['mu', e] as const),
      ...covDirections(1, 3).map((e) => ['Sigma', e] as const),
    ],
  },
  {
    name: 'diagonal sd per component',
    model: `model diag { size N, D
      size K = 2
      data x[N]: real[D]?
      param w: simplex[K]
      param mu[K]: real[D]
      param s[K]: positive[D]
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        x[n] ~ Normal(mu[z[n]], s[z[n]]) } }`,
    rows: simulateRows(12, 400, mix2.weights, mix2.mus, [diagonal([1, 0.7, 0.5]), diagonal([0.6, 1.2, 0.9])], 0.2),
    toMixture: (p) => ({
      weights: p.w as number[],
      mus: p.mu as number[][],
      sigmas: (p.s as number[][]).map(diagonal),
    }),
    directions: [
      ...simplexDirections(2).map((e) => ['w', e] as const),
      ...entries(6).map((e) => ['mu', e] as const),
      ...entries(6).map((e) => ['s', e] as const),
    ],
  },
  {
    name: 'tied diagonal sd',
    model: `model tied_diag { size N, D
      size K = 2
      data x[N]: real[D]?
      param w: simplex[K]
      param mu[K]: real[D]
      param s: positive[D]
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        x[n] ~ Normal(mu[z[n]], s) } }`,
    rows: simulateRows(13, 400, mix2.weights, mix2.mus, [diagonal([1, 0.7, 0.5]), diagonal([1, 0.7, 0.5])], 0.2),
    toMixture: (p) => ({
      weights: p.w as number[],
      mus: p.mu as number[][],
      sigmas: [diagonal(p.s as number[]), diagonal(p.s as number[])],
    }),
    directions: [
      ...simplexDirections(2).map((e) => ['w', e] as const),
      ...entries(6).map((e) => ['mu', e] as const),
      ...entries(3).map((e) => ['s', e] as const),
    ],
  },
  {
    name: 'one sd per component (spherical)',
    model: `model spherical { size N, D
      size K = 2
      data x[N]: real[D]?
      param w: simplex[K]
      param mu[K]: real[D]
      param s[K]: positive
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        x[n] ~ Normal(mu[z[n]], s[z[n]]) } }`,
    rows: simulateRows(14, 400, mix2.weights, mix2.mus, [diagonal([0.8, 0.8, 0.8]), diagonal([1.2, 1.2, 1.2])], 0.2),
    toMixture: (p) => ({
      weights: p.w as number[],
      mus: p.mu as number[][],
      sigmas: (p.s as number[]).map((s) => diagonal([s, s, s])),
    }),
    directions: [
      ...simplexDirections(2).map((e) => ['w', e] as const),
      ...entries(6).map((e) => ['mu', e] as const),
      ...entries(2).map((e) => ['s', e] as const),
    ],
  },
  {
    name: 'diagonal sd without a latent',
    model: `model mvn_diag { size N, D
      data x[N]: real[D]?
      param mu: real[D]
      param s: positive[D]
      for n in N { x[n] ~ Normal(mu, s) } }`,
    rows: simulateRows(15, 300, [1], [[1, -1, 2]], [diagonal([1, 2, 0.5])], 0.2),
    toMixture: (p) => ({ weights: [1], mus: [p.mu as number[]], sigmas: [diagonal(p.s as number[])] }),
    directions: [...entries(3).map((e) => ['mu', e] as const), ...entries(3).map((e) => ['s', e] as const)],
  },
  {
    name: 'scalar data in a mixture',
    model: `model normal_mix { size N
      size K = 2
      data y[N]: real?
      param w: simplex[K]
      param m[K]: real
      param s[K]: positive
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        y[n] ~ Normal(m[z[n]], s[z[n]]) } }`,
    rows: simulateRows(16, 400, [0.5, 0.5], [[-2], [2]], [[[1]], [[0.5]]], 0.2),
    toMixture: (p) => ({
      weights: p.w as number[],
      mus: (p.m as number[]).map((m) => [m]),
      sigmas: (p.s as number[]).map((s) => [[s * s]]),
    }),
    directions: [
      ...simplexDirections(2).map((e) => ['w', e] as const),
      ...entries(2).map((e) => ['m', e] as const),
      ...entries(2).map((e) => ['s', e] as const),
    ],
  },
];

/** The data file of a case: rows, or one value per item for scalar data. */
const dataOf = (c: Case) => (c.model.includes('y[N]') ? { y: c.rows.map((r) => r[0]) } : { x: c.rows });

describe('covariance forms of Gaussian data with missing entries', () => {
  it.each(cases)('$name: brute-force log-likelihood, stationary point, monotone, reproducible', (c) => {
    const { program, data } = prepareAny(c.model, dataOf(c));
    expect(program.kind).toBe('missing-gaussian');
    const run = (options: Parameters<typeof fitAnyProgram>[2]) => fitAnyProgram(program, data, options);
    // No tolerance stop: 500 EM steps reach the fixed point to round-off on these data.
    const { result } = run({ seed: 1, tol: 0, maxIter: 500, regCovar: 0 });
    const brute = (p: Params) => {
      const m = c.toMixture(p);
      return mixtureLogLik(c.rows, m.weights, m.mus, m.sigmas);
    };
    const params = result.params as Params;
    expect(Math.abs(result.logLik - brute(params)) / Math.abs(result.logLik)).toBeLessThan(1e-12);
    // At a maximum the gradient vanishes: central differences of the brute force, h = 1e-5, whose
    // round-off here is ~1e-7 (|ℓ| ~ 1e3 × 1e-16 / h); a wrong update would leave O(1) gradients.
    const h = 1e-5;
    for (const [name, dir] of c.directions) {
      const moved = (step: number): Params => {
        const flat = flattenValue(params[name]!);
        for (const [e, coef] of dir) flat[e]! += coef * step;
        const shape = params[name]!;
        let k = 0;
        const refill = (v: ParamValue): ParamValue => (typeof v === 'number' ? flat[k++]! : v.map(refill));
        return { ...params, [name]: refill(shape) };
      };
      const gradient = (brute(moved(h)) - brute(moved(-h))) / (2 * h);
      if (process.env.SHOW_GRADIENTS) console.log(c.name, name, JSON.stringify(dir), gradient);
      expect(Math.abs(gradient), `${c.name}: ∂ℓ/∂${name} along ${JSON.stringify(dir)}`).toBeLessThan(1e-5);
    }
    for (const seed of [1, 2, 3]) {
      const r = run({ seed, restarts: 2, tol: 0, maxIter: 30 }).result;
      expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < r.history.length; t++)
        expect(r.history[t]! - r.history[t - 1]!).toBeGreaterThanOrEqual(-1e-10 * Math.abs(r.history[t - 1]!));
    }
    const short = { seed: 4, restarts: 2, maxIter: 30 };
    expect(run(short)).toEqual(run(short));
  });
});

describe('lowering of missing-data plans', () => {
  const lower = (text: string) => lowerProgram(planSource(new SourceFile('model.em', text)));
  const head = `size N, D
    size K = 2
    data x[N]: real[D]?
    param w: simplex[K]`;

  it.each([
    [
      'a prior',
      `model m { size N, D
        data x[N]: real[D]?
        param mu: real[D]
        param Sigma: cov[D]
        Sigma ~ InvWishart(D + 2, eye(D))
        for n in N { x[n] ~ MvNormal(mu, Sigma) } }`,
      "param 'Sigma' has a prior",
    ],
    [
      'a mean shared by components',
      `model m { ${head}
        param mu: real[D]
        param Sigma[K]: cov[D]
        latent z[N]: cat[K]
        for n in N { z[n] ~ Categorical(w)
          x[n] ~ MvNormal(mu, Sigma[z[n]]) } }`,
      'needs one mean per component',
    ],
    [
      'another observation',
      `model m { ${head}
        data y[N]: count
        param mu[K]: real[D]
        param Sigma[K]: cov[D]
        param rate[K]: positive
        latent z[N]: cat[K]
        for n in N { z[n] ~ Categorical(w)
          x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
          y[n] ~ Poisson(rate[z[n]]) } }`,
      "'y[n] ~ Poisson'",
    ],
  ])('refuses %s with E5001', (_, text, why) => {
    const lowered = lower(text);
    expect(lowered.value).toBeUndefined();
    expect(lowered.diagnostics.map((d) => d.code)).toEqual(['E5001']);
    expect(lowered.diagnostics[0]?.message).toContain(why);
  });

  it('gives a plain JSON program', () => {
    const lowered = lower(`model m { ${head}
      param mu[K]: real[D]
      param Sigma: cov[D]
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        x[n] ~ MvNormal(mu[z[n]], Sigma) } }`);
    expect(lowered.value).toMatchObject({
      kind: 'missing-gaussian',
      data: 'x',
      family: 'MvNormal',
      latent: { name: 'z', states: 'K', weights: 'w' },
      mean: { param: 'mu', selected: true },
      scale: { param: 'Sigma', selected: false },
      strategy: 'enumerate+missing-gaussian',
    });
    expect(JSON.parse(JSON.stringify(lowered.value))).toEqual(lowered.value);
  });
});
