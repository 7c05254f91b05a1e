/**
 * The generated fitters of Poisson–lognormal models (the variational kind: a Gaussian q per
 * item): the example, and the same model with every variable renamed to names the generated
 * code uses for itself (`m`, `v`, `s`, `d`). Each is compiled in both forms in one --strict
 * program and run under node; each must give `emforge fit`'s FitResult bit for bit (default,
 * fixed and init options), the runtime's ELBO and variational means at its params, and
 * variances that make each item's q the ELBO's maximiser — checked here independently: the
 * ELBO term written out in this file has a vanishing numeric gradient in (m, v) at every
 * item's (mean, variance). The ELBO never decreases (no "decreased" warning, monotone history).
 */
import { compile, type FitOptions } from '@emforge/cli';
import { fitAnyProgram } from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAny } from '../fit/fit-helpers.js';
import {
  type CompiledFitters,
  compileFitters,
  generateFitter,
  programKind,
  readExample,
  runNode,
} from './compile-helpers.js';

const example = readExample('poisson-lognormal');
const counts = (example.data as { y: number[] }).y;

/** The example with its variables renamed onto the generated code's own locals. */
const renamed = `model counts {
  size M
  data   m[M]: count
  param  s: real
  param  d: positive
  latent v[M]: real
  for n in M {
    v[n] ~ Normal(s, d)
    m[n] ~ Poisson(exp(v[n]))
  }
}`;

interface Case {
  readonly id: string;
  readonly model: string;
  readonly data: Record<string, unknown>;
  readonly latent: string;
  readonly y: number[];
  readonly options: FitOptions[];
}

const cases: Case[] = [
  {
    id: 'poisson-lognormal',
    model: example.model,
    data: example.data as Record<string, unknown>,
    latent: 'eta',
    y: counts,
    options: [
      { seed: 1, restarts: 2 },
      { seed: 3, restarts: 1, maxIter: 20, fixed: { mu: 1 } },
      { seed: 2, restarts: 1, init: { sigma: 0.3 }, tol: 1e-10 },
    ],
  },
  {
    id: 'renamed',
    model: renamed,
    data: { m: counts.slice(0, 300) },
    latent: 'v',
    y: counts.slice(0, 300),
    options: [
      { seed: 1, restarts: 1 },
      { seed: 1, restarts: 1, maxIter: 30, fixed: { d: 0.4 } },
    ],
  },
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
      const params = JSON.stringify(compile(c.model).fit(c.data as object, c.options[0]!).params);
      return [
        '{',
        `  const data = ${JSON.stringify(c.data)};`,
        `  const forms = [await import(${JSON.stringify(compiled.js(c.id))}), await import(${JSON.stringify(compiled.js(`${c.id}.standalone`))})];`,
        `  out[${JSON.stringify(c.id)}] = {`,
        `    fits: ${JSON.stringify(c.options)}.flatMap((o) => forms.map((f) => f.fit(data, o))),`,
        `    logLik: forms.map((f) => f.logLik(data, ${params})),`,
        `    posterior: forms.map((f) => f.posterior(data, ${params})),`,
        '  };',
        '}',
      ];
    }),
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  outcome = runNode(compiled.dir, script) as typeof outcome;
}, 180_000);

afterAll(() => compiled?.cleanup());

/** One item's ELBO term at q = N(m, v) (constants dropped), written out independently of the fitter. */
function itemElbo(y: number, mu: number, sigma: number, m: number, v: number): number {
  return y * m - Math.exp(m + v / 2) - ((m - mu) ** 2 + v) / (2 * sigma * sigma) + 0.5 * Math.log(v);
}

describe('generated fitters of Poisson–lognormal models', () => {
  it('are variational programs', () => {
    for (const c of cases) expect(programKind(c.model), c.id).toBe('variational');
  });

  it('type-check under --strict, in both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.id}: fit reproduces emforge fit bit for bit (both forms), and the ELBO never decreases`, () => {
      const got = outcome[c.id]!;
      c.options.forEach((o, k) => {
        const reference = JSON.parse(JSON.stringify(compile(c.model).fit(c.data as object, o)));
        expect(reference.approximate).toBe(true);
        for (const form of [0, 1]) {
          const fit = got.fits[2 * k + form] as typeof reference;
          expect(JSON.stringify(fit)).toBe(JSON.stringify(reference));
          expect(fit.warnings.filter((w: string) => w.includes('decreased'))).toEqual([]);
          const history = fit.history as number[];
          for (let t = 1; t < history.length; t++)
            expect(history[t]!).toBeGreaterThanOrEqual(history[t - 1]! - 1e-10 * Math.abs(history[t - 1]!));
        }
      });
    });

    it(`${c.id}: logLik is the runtime's ELBO, posterior its variational means, and each q maximises the ELBO`, () => {
      const got = outcome[c.id]!;
      const { program, data } = prepareAny(c.model, c.data);
      const { seed, restarts } = c.options[0]!;
      const fit = fitAnyProgram(program, data, { seed: seed ?? 1, restarts: restarts ?? 10, maxIter: 1000, tol: 1e-8 });
      expect(got.logLik).toEqual([fit.result.logLik, fit.result.logLik]);
      const expected = JSON.parse(JSON.stringify(fit.posteriors));
      const [mu, sigma] = Object.values(fit.result.params) as [number, number];
      for (const p of got.posterior as { means: Record<string, number[]>; variances: Record<string, number[]> }[]) {
        const { variances, ...rest } = p;
        expect(rest).toEqual(expected);
        const means = p.means[c.latent]!;
        const vars = variances[c.latent]!;
        expect(vars).toHaveLength(c.y.length);
        // Central differences of the item's ELBO in m and in v vanish at its q (relative to the terms' scale).
        for (let n = 0; n < c.y.length; n += 7) {
          const m = means[n]!;
          const v = vars[n]!;
          expect(v).toBeGreaterThan(0);
          const hm = 1e-5 * (1 + Math.abs(m));
          const hv = 1e-5 * v;
          const f = (a: number, b: number) => itemElbo(c.y[n]!, mu, sigma, a, b);
          const dm = (f(m + hm, v) - f(m - hm, v)) / (2 * hm);
          const dv = (f(m, v + hv) - f(m, v - hv)) / (2 * hv);
          const scale = 1 + c.y[n]! + Math.exp(m + v / 2) + 1 / (sigma * sigma);
          expect(Math.abs(dm)).toBeLessThan(1e-6 * scale);
          expect(Math.abs(dv) * v).toBeLessThan(1e-6 * scale);
        }
      }
    });
  }
});
