/**
 * `sample(params, sizes, seed)` of generated linear-Gaussian fitters (lower-linear-gaussian-sample.ts),
 * both forms, against the runtime's sampler (linear-gaussian/sample-linear-gaussian.ts, what
 * `emforge sample` runs): the same data and latents, bit for bit, for the same seed — factor
 * analysis, PPCA, a mixture of factor analysers, and the linear-Gaussian chain with ragged
 * lengths given one per sequence or one for all.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { type LinearGaussianProgram, type SampleOptions, sampleLinearGaussian } from '@emforge/runtime';
import { linearGaussianChainParams } from '../sample/params.js';
import { describeGeneratedSample, readExample } from './compile-helpers.js';

const W = [
  [1, 0],
  [0.5, 1],
  [-0.5, 0.8],
  [0.3, -0.2],
];

interface Case {
  readonly model: string;
  readonly params: object;
  readonly sizes: object;
  readonly runtime: SampleOptions;
  readonly seed: number;
}

const cases: Record<string, Case> = {
  'factor-analysis': {
    model: 'factor-analysis',
    params: { W, mu: [1, 2, 3, 4], psi: [0.5, 0.3, 0.8, 0.4] },
    sizes: { N: 50 },
    runtime: { sizes: { N: 50 } },
    seed: 3,
  },
  ppca: {
    model: 'ppca',
    params: { W, mu: [0, 1, 0, -1], sigma: 0.6 },
    sizes: { N: 40 },
    runtime: { sizes: { N: 40 } },
    seed: 5,
  },
  'mixture-factor-analysers': {
    model: 'mixture-factor-analysers',
    params: {
      w: [0.5, 0.3, 0.2],
      mu: [
        [0, 0, 0, 0],
        [5, 5, 0, 0],
        [-5, 0, 5, 0],
      ],
      W: [W, W.map((r) => r.map((v) => -v)), W.map((r) => [r[1]!, r[0]!])],
      psi: [0.5, 0.4, 0.3, 0.6],
    },
    sizes: { N: 60 },
    runtime: { sizes: { N: 60 } },
    seed: 2,
  },
  'chain-ragged': {
    model: 'linear-gaussian-chain',
    params: linearGaussianChainParams,
    sizes: { T: [12, 1, 30] },
    runtime: { raggedSizes: { T: [12, 1, 30] } },
    seed: 1,
  },
  'chain-one-length': {
    model: 'linear-gaussian-chain',
    params: linearGaussianChainParams,
    sizes: { S: 4, T: 9 },
    runtime: { sizes: { S: 4, T: 9 } },
    seed: 7,
  },
};

function runtimeSample(c: Case): unknown {
  const outcome = planSource(new SourceFile('model.em', readExample(c.model).model));
  const program = lowerProgram(outcome).value as LinearGaussianProgram;
  const r = sampleLinearGaussian(program, lowerDataSchema(outcome.checked!), c.params as Record<string, unknown>, {
    ...c.runtime,
    seed: c.seed,
  });
  return JSON.parse(JSON.stringify({ data: r.data, latents: r.latents }));
}

describeGeneratedSample(
  'sample of generated linear-Gaussian fitters',
  cases,
  (model) => readExample(model).model,
  (_key, c) => runtimeSample(c),
);
