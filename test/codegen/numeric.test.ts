/**
 * `emforge compile` for models with expression arguments and numeric M-steps: the Dempster–Laird–
 * Rubin genetic-linkage model (direct, and as an EM over a latent sub-cell: θ by L-BFGS on Q with
 * its gradient written out by reverse mode), the mixtures of logistic and of Poisson regressions
 * (the coefficients by Newton / IRLS per component). The generated fitter in both forms
 * type-checks under --strict, runs under plain node, reproduces `emforge fit` to 1e-9 relative
 * log-likelihood and the runtime's general executor (EMFORGE_GENERAL=1) bit for bit; `logLik`,
 * `posterior` and `sample` agree with the runtime. The generated Q's gradient is checked against
 * central differences of the generated Q, and θ against its known value 0.6268 (DLR 1977).
 */
import { compile, type FitOptions } from '@emforge/cli';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { bindData, type FitProgram, fitAnyProgram, sampleProgram } from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAny } from '../fit/fit-helpers.js';
import { type CompiledFitters, compileFitters, generateFitter, readExample, runNode } from './compile-helpers.js';

const optionCases: Readonly<Record<string, readonly FitOptions[]>> = {
  'genetic-linkage': [{ seed: 1, restarts: 2 }],
  'genetic-linkage-em': [
    { seed: 1, restarts: 2 },
    { seed: 2, restarts: 1, maxIter: 5, init: { theta: 0.2 } },
  ],
  'mixture-logistic': [
    { seed: 1, restarts: 2, maxIter: 200 },
    { seed: 3, restarts: 1, maxIter: 30, fixed: { w: [0.5, 0.5] } },
  ],
  'poisson-regression-mixture': [{ seed: 1, restarts: 2, maxIter: 200 }],
};
const names = Object.keys(optionCases);
const sampleN = 25;

function general<T>(run: () => T): T {
  const before = process.env.EMFORGE_GENERAL;
  process.env.EMFORGE_GENERAL = '1';
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.EMFORGE_GENERAL;
    else process.env.EMFORGE_GENERAL = before;
  }
}

/** The sampler's inputs: the data besides the response y (covariates cut to `sampleN` rows), or none. */
function inputsOf(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const inputs = Object.entries(data).filter(([name]) => name !== 'y');
  if (inputs.length === 0) return undefined;
  return Object.fromEntries(inputs.map(([name, v]) => [name, name === 'X' ? (v as unknown[]).slice(0, sampleN) : v]));
}

interface Outcome {
  /** [the generated gradient dQ/du, central differences of the generated Q] at four values of θ. */
  gradient: [number, number][];
  fits: Record<string, unknown[]>;
  logLik: Record<string, number[]>;
  posterior: Record<string, unknown[]>;
  sample: Record<string, unknown[]>;
}

let compiled: CompiledFitters;
let outcome: Outcome;
const references: Record<string, ReturnType<ReturnType<typeof compile>['fit']>[]> = {};
const commands: Record<string, ReturnType<ReturnType<typeof compile>['fit']>[]> = {};

beforeAll(() => {
  const files: Record<string, string> = {};
  for (const name of names) {
    const { path, model } = readExample(name);
    files[name] = generateFitter(path, model, false);
    files[`${name}.standalone`] = generateFitter(path, model, true);
  }
  // The generated Q of θ and its written-out gradient, exposed for the finite-difference check.
  files.internals = `${files['genetic-linkage-em']}\nexport const internals = { qTheta, eStepZ, bind, allocateParams, allocateWork };\n`;
  compiled = compileFitters(files);
  for (const name of names) {
    const { model, data } = readExample(name);
    references[name] = general(() => optionCases[name]!.map((o) => compile(model).fit(data as object, o)));
    commands[name] = optionCases[name]!.map((o) => compile(model).fit(data as object, o));
  }
  const script = [
    'const out = { fits: {}, logLik: {}, posterior: {}, sample: {} };',
    ...names.flatMap((name) => {
      const { data } = readExample(name);
      const inputs = inputsOf(data as Record<string, unknown>);
      const args = `params, { N: ${sampleN} }, 7${inputs ? `, ${JSON.stringify(inputs)}` : ''}`;
      return [
        '{',
        `  const data = ${JSON.stringify(data)};`,
        `  const imported = await import(${JSON.stringify(compiled.js(name))});`,
        `  const standalone = await import(${JSON.stringify(compiled.js(`${name}.standalone`))});`,
        `  out.fits[${JSON.stringify(name)}] = ${JSON.stringify(optionCases[name])}.flatMap((o) => [imported.fit(data, o), standalone.fit(data, o)]);`,
        `  const params = ${JSON.stringify(references[name]![0]!.params)};`,
        `  out.logLik[${JSON.stringify(name)}] = [imported.logLik(data, params), standalone.logLik(data, params)];`,
        `  out.posterior[${JSON.stringify(name)}] = [imported.posterior(data, params), standalone.posterior(data, params)];`,
        `  out.sample[${JSON.stringify(name)}] = [imported.sample(${args}), standalone.sample(${args})];`,
        '}',
      ];
    }),
    '{',
    `  const { internals: t } = await import(${JSON.stringify(compiled.js('internals'))});`,
    `  const bound = t.bind(${JSON.stringify(readExample('genetic-linkage-em').data)});`,
    '  const params = t.allocateParams(bound);',
    '  const work = t.allocateWork(bound);',
    '  out.gradient = [];',
    '  for (const theta of [0.2, 0.5, 0.6268, 0.9]) {',
    '    params.theta[0] = theta;',
    '    t.eStepZ(bound, params, work);',
    '    const u = Math.log(theta / (1 - theta));',
    '    const grad = new Float64Array(1);',
    '    t.qTheta(bound, params, work, Float64Array.of(u), grad);',
    '    const h = 1e-5;',
    '    const central = (t.qTheta(bound, params, work, Float64Array.of(u + h)) - t.qTheta(bound, params, work, Float64Array.of(u - h))) / (2 * h);',
    '    out.gradient.push([grad[0], central]);',
    '  }',
    '}',
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  outcome = runNode(compiled.dir, script) as Outcome;
}, 240_000);

afterAll(() => compiled?.cleanup());

describe('generated fitters with numeric M-steps', () => {
  it('type-check under --strict, in both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  for (const name of names) {
    it(`${name}: fit reproduces emforge fit (1e-9), and the general executor bit for bit (both forms)`, () => {
      const fits = outcome.fits[name]!;
      optionCases[name]!.forEach((_, k) => {
        const reference = JSON.parse(JSON.stringify(references[name]![k]));
        const command = commands[name]![k]!;
        for (const form of [0, 1]) {
          const generated = fits[2 * k + form] as typeof reference;
          expect(Math.abs(generated.logLik - command.logLik)).toBeLessThanOrEqual(1e-9 * Math.abs(command.logLik));
          expect(generated.iterations).toBe(command.iterations);
          expect(JSON.stringify(generated)).toBe(JSON.stringify(reference));
          // Generalized EM never decreases the objective: the driver found no decrease.
          expect(generated.warnings.filter((w: string) => w.includes('decreased'))).toEqual([]);
        }
      });
    });

    it(`${name}: logLik, posterior and sample agree with the runtime`, () => {
      const { model, data } = readExample(name);
      const params = references[name]![0]!.params;
      const { program, data: bound } = prepareAny(model, data);
      const { seed, restarts, maxIter } = optionCases[name]![0]!;
      const fit = fitAnyProgram(program, bound, {
        specialise: false,
        seed: seed ?? 1,
        restarts: restarts ?? 10,
        maxIter: maxIter ?? 1000,
        tol: 1e-8,
      });
      expect(outcome.logLik[name]).toEqual([fit.result.logLik, fit.result.logLik]);
      const posterior = JSON.parse(JSON.stringify(fit.posteriors));
      for (const p of outcome.posterior[name]!) expect(p).toEqual(posterior);
      const planned = planSource(new SourceFile('model.em', model));
      const schema = lowerDataSchema(planned.checked!);
      const lowered = lowerProgram(planned).value as FitProgram;
      const inputs = inputsOf(data as Record<string, unknown>);
      const bind = inputs ? { inputs: bindData(schema, { ...inputs, y: new Array(sampleN).fill(0) }, {}).value! } : {};
      const drawn = sampleProgram(lowered, schema, params, { seed: 7, sizes: { N: sampleN }, ...bind });
      const expected = JSON.parse(JSON.stringify({ data: drawn.data, latents: drawn.latents }));
      // The runtime echoes its inputs into the drawn data; the generated sampler returns what it draws.
      for (const input of Object.keys(inputs ?? {})) delete expected.data[input];
      for (const s of outcome.sample[name]!) expect(s).toEqual(expected);
    });
  }

  it('the written-out gradient of Q agrees with central differences of Q (genetic-linkage-em)', () => {
    expect(outcome.gradient).toHaveLength(4);
    for (const [analytic, numeric] of outcome.gradient) {
      expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(analytic)));
    }
  });

  it('genetic linkage: θ = 0.6268 (Dempster, Laird & Rubin 1977), the same by direct ML and by EM over the sub-cell', () => {
    for (const name of ['genetic-linkage', 'genetic-linkage-em']) {
      const fit = outcome.fits[name]![0] as { params: { theta: number } };
      expect(fit.params.theta).toBeCloseTo(0.6268, 4);
    }
  });
});
