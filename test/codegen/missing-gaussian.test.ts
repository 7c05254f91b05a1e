/**
 * The generated fitters of Gaussian data with missing entries in the other covariance forms of
 * test/fit/missing-forms.test.ts — a tied covariance, a diagonal `Normal` sd per component and
 * tied, one sd per component (spherical), a diagonal Gaussian without a latent — on small
 * simulated data sets with 20% of the entries missing (and one row missing entirely): each is
 * compiled in both forms in one --strict program, run under node, and must give `emforge fit`'s
 * FitResult bit for bit, and the runtime's logLik and posterior (responsibilities, imputed data)
 * at its params; and scalar data (`real?`) in a mixture.
 */
import { compile, type FitOptions } from '@emforge/cli';
import { fitAnyProgram } from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAny } from '../fit/fit-helpers.js';
import { simulateRows } from '../fit/missing-helpers.js';
import { type CompiledFitters, compileFitters, generateFitter, programKind, runNode } from './compile-helpers.js';

const mus = [
  [0, 0, 0],
  [3, 2, -2],
];
const diagonal = (sd: readonly number[]) => sd.map((s, i) => sd.map((_, j) => (i === j ? s * s : 0)));
const mixture = (head: string, param: string, obs: string) => `model ${head} { size N, D
  size K = 2
  data x[N]: real[D]?
  param w: simplex[K]
  param mu[K]: real[D]
  ${param}
  latent z[N]: cat[K]
  for n in N { z[n] ~ Categorical(w)
    x[n] ~ ${obs} } }`;

function rows(seed: number, weights: number[], means: number[][], sigmas: number[][][]): { x: unknown } {
  const out = simulateRows(seed, 120, weights, means, sigmas, 0.2);
  out[5] = [null, null, null];
  return { x: out };
}

const cases = [
  {
    id: 'tied',
    model: mixture('tied', 'param Sigma: cov[D]', 'MvNormal(mu[z[n]], Sigma)'),
    data: rows(11, [0.6, 0.4], mus, [diagonal([1, 0.8, 0.6]), diagonal([1, 0.8, 0.6])]),
  },
  {
    id: 'diag',
    model: mixture('diag', 'param s[K]: positive[D]', 'Normal(mu[z[n]], s[z[n]])'),
    data: rows(12, [0.6, 0.4], mus, [diagonal([1, 0.7, 0.5]), diagonal([0.6, 1.2, 0.9])]),
  },
  {
    id: 'tied-diag',
    model: mixture('tied_diag', 'param s: positive[D]', 'Normal(mu[z[n]], s)'),
    data: rows(13, [0.6, 0.4], mus, [diagonal([1, 0.7, 0.5]), diagonal([1, 0.7, 0.5])]),
  },
  {
    id: 'spherical',
    model: mixture('spherical', 'param s[K]: positive', 'Normal(mu[z[n]], s[z[n]])'),
    data: rows(14, [0.6, 0.4], mus, [diagonal([0.8, 0.8, 0.8]), diagonal([1.2, 1.2, 1.2])]),
  },
  {
    id: 'mvn-diag',
    model: `model mvn_diag { size N, D
      data x[N]: real[D]?
      param mu: real[D]
      param s: positive[D]
      for n in N { x[n] ~ Normal(mu, s) } }`,
    data: rows(15, [1], [[1, -1, 2]], [diagonal([1, 2, 0.5])]),
  },
  {
    id: 'scalar-mixture',
    model: `model normal_mix { size N
      size K = 2
      data y[N]: real?
      param w: simplex[K]
      param m[K]: real
      param s[K]: positive
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(w)
        y[n] ~ Normal(m[z[n]], s[z[n]]) } }`,
    data: {
      y: simulateRows(16, 120, [0.5, 0.5], [[-2], [2]], [[[1]], [[0.5]]], 0.2).map((r, i) => (i === 5 ? null : r[0])),
    },
  },
];
const options: FitOptions[] = [
  { seed: 1, restarts: 2, maxIter: 200 },
  { seed: 2, restarts: 1, init: 'random-points', maxIter: 40 },
];

let compiled: CompiledFitters;
let outcome: Record<string, { fits: unknown[]; logLik: number[]; posterior: unknown[] }>;

beforeAll(() => {
  const files: Record<string, string> = {};
  for (const c of cases) {
    files[c.id] = generateFitter(`${c.id}.em`, c.model, false);
    files[`${c.id}.standalone`] = generateFitter(`${c.id}.em`, c.model, true);
  }
  compiled = compileFitters(files);
  const script = [
    'const out = {};',
    ...cases.flatMap((c) => {
      const params = JSON.stringify(compile(c.model).fit(c.data as object, options[0]!).params);
      return [
        '{',
        `  const data = ${JSON.stringify(c.data)};`,
        `  const forms = [await import(${JSON.stringify(compiled.js(c.id))}), await import(${JSON.stringify(compiled.js(`${c.id}.standalone`))})];`,
        `  out[${JSON.stringify(c.id)}] = {`,
        `    fits: ${JSON.stringify(options)}.flatMap((o) => forms.map((f) => f.fit(data, o))),`,
        `    logLik: forms.map((f) => f.logLik(data, ${params})),`,
        `    posterior: forms.map((f) => f.posterior(data, ${params})),`,
        '  };',
        '}',
      ];
    }),
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  outcome = runNode(compiled.dir, script) as typeof outcome;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('generated fitters of Gaussian data with missing entries', () => {
  it('are all missing-gaussian programs', () => {
    for (const c of cases) expect(programKind(c.model), c.id).toBe('missing-gaussian');
  });

  it('type-check under --strict, in both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.id}: fit, logLik and posterior reproduce the runtime bit for bit (both forms)`, () => {
      const got = outcome[c.id]!;
      options.forEach((o, k) => {
        const reference = JSON.stringify(compile(c.model).fit(c.data as object, o));
        for (const form of [0, 1]) expect(JSON.stringify(got.fits[2 * k + form])).toBe(reference);
      });
      const { program, data } = prepareAny(c.model, c.data);
      const fit = fitAnyProgram(program, data, { seed: 1, restarts: 2, maxIter: 200, tol: 1e-8 });
      expect(fit.result.warnings.some((w) => w.includes('every entry missing'))).toBe(true);
      expect(got.logLik).toEqual([fit.result.logLik, fit.result.logLik]);
      const posterior = JSON.parse(JSON.stringify(fit.posteriors));
      for (const p of got.posterior) expect(p).toEqual(posterior);
    });
  }
});
