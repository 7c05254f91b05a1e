/**
 * `sample(params, sizes, seed[, inputs])` of generated scale-mixture fitters
 * (lower-scale-mixture-sample.ts), both forms, against the runtime's sampler
 * (scale-mixture/sample-scale-mixture.ts, what `emforge sample` runs): the same observations,
 * components and precisions, bit for bit, for the same seed — the t-mixture (ν per component
 * as data), the explicit Student-t (ν as data) and a univariate Student-t whose ν is a param.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { bindData, type ScaleMixtureProgram, sampleInputSchema, sampleScaleMixture } from '@emforge/runtime';
import { describeGeneratedSample, readExample } from './compile-helpers.js';

const tNuModel = `model t_nu {
  size N
  data   y[N]: real
  param  mu: real
  param  sigma: positive
  param  nu: positive
  for n in N { y[n] ~ StudentT(nu, mu, sigma) }
}
`;

interface Case {
  readonly model: string;
  readonly params: object;
  readonly sizes: Record<string, number>;
  readonly inputs?: object;
  readonly seed: number;
}

const cases: Record<string, Case> = {
  't-mixture': {
    model: 't-mixture',
    params: {
      w: [0.35, 0.65],
      mu: [
        [0, 0],
        [4, -2],
      ],
      Sigma: [
        [
          [1, 0.3],
          [0.3, 0.5],
        ],
        [
          [2, -0.4],
          [-0.4, 1],
        ],
      ],
    },
    sizes: { N: 200 },
    inputs: { nu: [4, 12] },
    seed: 3,
  },
  'student-t-scale-mixture': {
    model: 'student-t-scale-mixture',
    params: {
      mu: [1, -1, 0.5],
      Sigma: [
        [1, 0.2, 0],
        [0.2, 0.7, -0.1],
        [0, -0.1, 1.5],
      ],
    },
    sizes: { N: 150 },
    inputs: { nu: 6 },
    seed: 8,
  },
  't-nu': { model: 't-nu', params: { mu: 2, sigma: 0.5, nu: 7 }, sizes: { N: 120 }, seed: 2 },
};

const modelText = (name: string) => (name === 't-nu' ? tNuModel : readExample(name).model);

function runtimeSample(c: Case): unknown {
  const outcome = planSource(new SourceFile('model.em', modelText(c.model)));
  const program = lowerProgram(outcome).value as ScaleMixtureProgram;
  const schema = lowerDataSchema(outcome.checked!);
  const inputs = c.inputs ? bindData(sampleInputSchema(program, schema), c.inputs, {}).value : undefined;
  const r = sampleScaleMixture(program, schema, c.params as Record<string, unknown>, {
    seed: c.seed,
    sizes: c.sizes,
    ...(inputs ? { inputs } : {}),
  });
  return JSON.parse(JSON.stringify({ data: { [program.observed]: r.data[program.observed] }, latents: r.latents }));
}

describeGeneratedSample('sample of generated scale-mixture fitters', cases, modelText, (_key, c) => runtimeSample(c));
