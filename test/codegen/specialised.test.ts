/**
 * The specialised path of a generated mixture fitter for the family the example and corpus
 * models do not reach: a Categorical observation (`x[n] ~ Categorical(theta[z[n]])`, the
 * runtime's `categorical` block kernel). The runtime must recognise the model; the generated
 * fitter, in both forms, must give the FitResult of the runtime's default path (the specialised
 * executor) bit for bit, and with `specialise: false` the general executor's bit for bit, over
 * the default seeding, random responsibilities and a fixed param; the objective never decreases.
 * Data: drawn by the runtime's `sampleProgram` from two well-separated components.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { bindData, type FitProgram, fitProgram, sampleProgram, specialiseMixture } from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledFitters, compileFitters, generateFitter, runNode } from './compile-helpers.js';

const model = `model cat_mix {
  size N
  size K = 2
  size M = 4
  data x[N]: cat[M]
  param w: simplex[K]
  param theta[K]: simplex[M]
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ Categorical(theta[z[n]])
  }
}`;

const cases = [
  { seed: 3, restarts: 2, maxIter: 80 },
  { seed: 1, restarts: 1, init: 'random', maxIter: 30 },
  { seed: 2, restarts: 2, maxIter: 40, fixed: { w: [0.3, 0.7] } },
] as const;

let compiled: CompiledFitters;
let data: Record<string, unknown>;
let family: string | undefined;
let out: { fits: unknown[]; general: unknown[] };
const command: unknown[] = [];
const general: unknown[] = [];

beforeAll(() => {
  const plan = planSource(new SourceFile('cat-mix.em', model));
  const program = lowerProgram(plan).value as FitProgram;
  const schema = lowerDataSchema(plan.checked!);
  const params = {
    w: [0.4, 0.6],
    theta: [
      [0.7, 0.1, 0.1, 0.1],
      [0.05, 0.15, 0.3, 0.5],
    ],
  };
  data = { ...sampleProgram(program, schema, params, { seed: 5, sizes: { N: 400 } }).data };
  const bound = bindData(schema, data, {}).value!;
  family = specialiseMixture(program, bound, {})?.family;
  for (const o of cases) {
    const { init, ...rest } = o as { init?: 'random' } & Record<string, unknown>;
    const options = { ...rest, ...(init ? { initMethod: init } : {}) };
    command.push(JSON.parse(JSON.stringify(fitProgram(program, bound, options))));
    general.push(JSON.parse(JSON.stringify(fitProgram(program, bound, { ...options, specialise: false }))));
  }
  compiled = compileFitters({
    cat: generateFitter('cat-mix.em', model, false),
    'cat.standalone': generateFitter('cat-mix.em', model, true),
  });
  const script = [
    `const data = ${JSON.stringify(data)};`,
    `const cases = ${JSON.stringify(cases)};`,
    `const forms = [await import(${JSON.stringify(compiled.js('cat'))}), await import(${JSON.stringify(compiled.js('cat.standalone'))})];`,
    'const fits = cases.flatMap((o) => forms.map((f) => f.fit(data, o)));',
    'const general = cases.flatMap((o) => forms.map((f) => f.fit(data, { ...o, specialise: false })));',
    'process.stdout.write(JSON.stringify({ fits, general }));',
  ].join('\n');
  out = runNode(compiled.dir, script) as typeof out;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('the specialised path of a Categorical-observation mixture', () => {
  it('is one the runtime specialises, and the fitter type-checks in both forms', () => {
    expect(family).toBe('categorical');
    expect(compiled.errors).toEqual([]);
  });

  it('gives the default path bit for bit, and the general executor with specialise: false (both forms)', () => {
    cases.forEach((_, k) => {
      for (const form of [0, 1]) {
        const fit = out.fits[2 * k + form] as { warnings: string[]; history: number[] };
        expect(JSON.stringify(fit), `case ${k}, form ${form}`).toBe(JSON.stringify(command[k]));
        expect(JSON.stringify(out.general[2 * k + form]), `case ${k}, form ${form}`).toBe(JSON.stringify(general[k]));
        expect(fit.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
        for (let t = 1; t < fit.history.length; t++)
          expect(fit.history[t]!).toBeGreaterThanOrEqual(fit.history[t - 1]!);
      }
    });
  });
});
