/**
 * The generated fitters of the Student-t models of the fit tests (test/fit/student-t-models.ts:
 * the multivariate and univariate t, explicit and as StudentT / MvStudentT, and the mixture of
 * t's), with ν known (data) and with ν a param (the numeric ν update): each is compiled in both
 * forms in one --strict program, run under node on heavy-tailed data drawn here, and must give
 * `emforge fit`'s FitResult bit for bit, and the runtime's logLik and posterior at its params.
 */
import { compile, type FitOptions } from '@emforge/cli';
import { fitAnyProgram, makeStreams, sampleGamma, sampleStdNormal } from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAny } from '../fit/fit-helpers.js';
import { mvtExplicit, mvtImplicit, tExplicit, tImplicit, tmixExplicit, tmixImplicit } from '../fit/student-t-models.js';
import { type CompiledFitters, compileFitters, generateFitter, programKind, runNode } from './compile-helpers.js';

/** The same models with ν a param (`data nu` → `param nu`), as in student-t-nu-recovery.test.ts. */
const withNuParam = (model: string) => model.replace(/data {3}nu(\[K\])?: positive/, 'param  nu$1: positive');

/** t-distributed rows (ν = 4): component k centred at (4k, −2k), 60 items, D = 2 (or 1 for `univariate`). */
function heavyTailed(univariate: boolean, components: number): number[][] | number[] {
  const [rng] = makeStreams(11, 1);
  const rows: number[][] = [];
  for (let i = 0; i < 60; i++) {
    const k = i % components;
    const u = sampleGamma(rng!, 2, 2);
    const s = 1 / Math.sqrt(u);
    rows.push([4 * k + s * sampleStdNormal(rng!), -2 * k + 0.5 * s * sampleStdNormal(rng!)]);
  }
  return univariate ? rows.map((r) => r[0]!) : rows;
}

interface Case {
  readonly id: string;
  readonly model: string;
  readonly data: Record<string, unknown>;
  readonly options: FitOptions[];
}

function makeCases(): Case[] {
  const out: Case[] = [];
  const base = [
    { id: 'mvt-explicit', model: mvtExplicit, univariate: false, K: 1 },
    { id: 'mvt-implicit', model: mvtImplicit, univariate: false, K: 1 },
    { id: 't-explicit', model: tExplicit, univariate: true, K: 1 },
    { id: 't-implicit', model: tImplicit, univariate: true, K: 1 },
    { id: 'tmix-explicit', model: tmixExplicit, univariate: false, K: 2 },
    { id: 'tmix-implicit', model: tmixImplicit, univariate: false, K: 2 },
  ];
  for (const b of base) {
    const x = heavyTailed(b.univariate, b.K);
    const observed = b.univariate ? { y: x } : { x };
    const nu = b.K === 1 ? 4 : [3, 10];
    const sizes = b.K === 1 ? {} : { sizes: { K: 2 } };
    out.push({
      id: `${b.id}-nu-data`,
      model: b.model,
      data: { nu, ...observed },
      options: [
        { seed: 1, restarts: 2, ...sizes },
        { seed: 2, restarts: 1, maxIter: 30, init: 'random', ...sizes },
      ],
    });
    out.push({
      id: `${b.id}-nu-param`,
      model: withNuParam(b.model),
      data: observed,
      options: [
        { seed: 1, restarts: 2, maxIter: 300, ...sizes },
        { seed: 3, restarts: 1, maxIter: 40, init: 'random-points', ...sizes, fixed: { nu: b.K === 1 ? 5 : [5, 5] } },
      ],
    });
  }
  return out;
}

const cases = makeCases();
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
      const sizes = JSON.stringify(c.options[0]!.sizes ?? {});
      return [
        '{',
        `  const data = ${JSON.stringify(c.data)};`,
        `  const forms = [await import(${JSON.stringify(compiled.js(c.id))}), await import(${JSON.stringify(compiled.js(`${c.id}.standalone`))})];`,
        `  out[${JSON.stringify(c.id)}] = {`,
        `    fits: ${JSON.stringify(c.options)}.flatMap((o) => forms.map((f) => f.fit(data, o))),`,
        `    logLik: forms.map((f) => f.logLik(data, ${params}, ${sizes})),`,
        `    posterior: forms.map((f) => f.posterior(data, ${params}, ${sizes})),`,
        '  };',
        '}',
      ];
    }),
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  outcome = runNode(compiled.dir, script) as typeof outcome;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('generated fitters of the Student-t models', () => {
  it('are all scale-mixture programs', () => {
    for (const c of cases) expect(programKind(c.model), c.id).toBe('scale-mixture');
  });

  it('type-check under --strict, in both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.id}: fit, logLik and posterior reproduce the runtime bit for bit (both forms)`, () => {
      const got = outcome[c.id]!;
      c.options.forEach((o, k) => {
        const reference = JSON.parse(JSON.stringify(compile(c.model).fit(c.data as object, o)));
        for (const form of [0, 1]) expect(JSON.stringify(got.fits[2 * k + form])).toBe(JSON.stringify(reference));
      });
      // The runtime's own E-step at the first fit's params: its log-likelihood and posteriors.
      const { program, data } = prepareAny(c.model, c.data, c.options[0]!.sizes ?? {});
      const { seed, restarts, maxIter } = c.options[0]!;
      const fit = fitAnyProgram(program, data, {
        seed: seed ?? 1,
        restarts: restarts ?? 10,
        maxIter: maxIter ?? 1000,
        tol: 1e-8,
      });
      expect(got.logLik).toEqual([fit.result.logLik, fit.result.logLik]);
      const posterior = JSON.parse(JSON.stringify(fit.posteriors));
      for (const p of got.posterior) expect(p).toEqual(posterior);
    });
  }
});
