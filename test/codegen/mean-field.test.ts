/**
 * The generated fitters of LDA models (the mean-field kind): the example (α given as data),
 * and the same model with α a param (`param alpha: positive[K]`, Newton's method in the M-step)
 * on the example's first 30 documents. Each is compiled in both forms in one --strict program
 * and run under node; each must give `emforge fit`'s FitResult bit for bit (default, fixed and
 * init options), the runtime's ELBO and variational posteriors at its params; the ELBO never
 * decreases; and, checked here independently of both, the posteriors satisfy the coordinate
 * update of theta: E_q[theta[d]] ∝ α + Σ_i q(z[d][i]) for every document (to the inner tolerance).
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

const example = readExample('lda');
const corpus = example.data as { K: number; V: number; alpha: number[]; w: number[][] };
const withAlphaParam = example.model.replace(/data {3}alpha: positive\[K\]/, 'param  alpha: positive[K]');

interface Case {
  readonly id: string;
  readonly model: string;
  readonly data: Record<string, unknown>;
  readonly options: FitOptions[];
}

const cases: Case[] = [
  {
    id: 'lda',
    model: example.model,
    data: corpus as unknown as Record<string, unknown>,
    options: [
      { seed: 1, restarts: 2 },
      { seed: 4, restarts: 1, maxIter: 15 },
    ],
  },
  {
    id: 'lda-alpha-param',
    model: withAlphaParam,
    data: { K: corpus.K, V: corpus.V, w: corpus.w.slice(0, 30) },
    options: [
      { seed: 1, restarts: 2, maxIter: 200 },
      { seed: 2, restarts: 1, maxIter: 30, fixed: { alpha: [0.3, 0.3, 0.3] } },
      { seed: 3, restarts: 1, maxIter: 30, init: { alpha: [2, 2, 2] } },
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

describe('generated fitters of LDA models', () => {
  it('are mean-field programs', () => {
    for (const c of cases) expect(programKind(c.model), c.id).toBe('mean-field');
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

    it(`${c.id}: logLik and posterior are the runtime's ELBO and posteriors; E_q[theta] solves its update`, () => {
      const got = outcome[c.id]!;
      const { program, data } = prepareAny(c.model, c.data);
      const { seed, restarts, maxIter } = c.options[0]!;
      const fit = fitAnyProgram(program, data, {
        seed: seed ?? 1,
        restarts: restarts ?? 10,
        maxIter: maxIter ?? 1000,
        tol: 1e-8,
      });
      expect(got.logLik).toEqual([fit.result.logLik, fit.result.logLik]);
      const expected = JSON.parse(JSON.stringify(fit.posteriors));
      const params = fit.result.params as { alpha?: number[] };
      const alpha = params.alpha ?? corpus.alpha;
      const words = (c.data as { w: number[][] }).w;
      for (const p of got.posterior as { responsibilities: number[][]; means: { theta: number[][] } }[]) {
        expect(p).toEqual(expected);
        // γ_d = α + Σ_i φ_di (the coordinate update of theta), normalised: E_q[theta[d]].
        let token = 0;
        words.forEach((row, d) => {
          const gamma = [...alpha];
          for (let i = 0; i < row.length; i++, token++)
            p.responsibilities[token]!.forEach((r, k) => {
              gamma[k]! += r;
            });
          const total = gamma.reduce((a, b) => a + b, 0);
          gamma.forEach((g, k) => {
            expect(Math.abs(g / total - p.means.theta[d]![k]!)).toBeLessThan(1e-5);
          });
        });
        expect(token).toBe(p.responsibilities.length);
      }
    });
  }
});
