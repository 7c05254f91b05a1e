/**
 * `sample(params, sizes, seed)` of generated fitters of Gaussians with missing entries (the
 * mixture's `sample` over the program without its missing entries: emit-fitter.ts,
 * missing/sample-missing.ts), both forms, against the runtime's sampler (what `emforge sample`
 * runs): the same complete rows and components, bit for bit, for the same seed — a full-covariance
 * mixture, a single multivariate normal, diagonal rows, and values with one spherical sd.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { type MissingGaussianProgram, sampleMissingGaussian } from '@emforge/runtime';
import { gmmMissingParams } from '../sample/params.js';
import { describeGeneratedSample, readExample } from './compile-helpers.js';

const inline: Readonly<Record<string, string>> = {
  'diag-missing': `model diag_missing {
  size N, D
  data   x[N]: real[D]?
  param  mu: real[D]
  param  sigma: positive[D]
  for n in N { x[n] ~ Normal(mu, sigma) }
}
`,
  'values-missing': `model values_missing {
  size N
  size K = 2
  data   y[N]: real?
  param  w: simplex[K]
  param  mu[K]: real
  param  sd[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Normal(mu[z[n]], sd[z[n]])
  }
}
`,
};

interface Case {
  readonly params: object;
  readonly sizes: Record<string, number>;
  readonly seed: number;
}

const cases: Record<string, Case> = {
  'gmm-missing': {
    params: gmmMissingParams,
    sizes: { N: 120 },
    seed: 6,
  },
  'mvn-missing': {
    params: {
      mu: [1, 2, 3],
      Sigma: [
        [1, 0.3, 0.1],
        [0.3, 2, -0.4],
        [0.1, -0.4, 1.5],
      ],
    },
    sizes: { N: 80 },
    seed: 4,
  },
  'diag-missing': { params: { mu: [-1, 0.5, 4], sigma: [0.5, 1.5, 3] }, sizes: { N: 60 }, seed: 9 },
  'values-missing': { params: { w: [0.3, 0.7], mu: [-2, 2], sd: [0.5, 1] }, sizes: { N: 90 }, seed: 1 },
};

const modelText = (name: string) => inline[name] ?? readExample(name).model;

function runtimeSample(name: string, c: Case): unknown {
  const outcome = planSource(new SourceFile('model.em', modelText(name)));
  const program = lowerProgram(outcome).value as MissingGaussianProgram;
  const r = sampleMissingGaussian(program, lowerDataSchema(outcome.checked!), c.params as Record<string, unknown>, {
    seed: c.seed,
    sizes: c.sizes,
  });
  return JSON.parse(JSON.stringify({ data: r.data, latents: r.latents }));
}

// Each case's model is the one its key names.
const named = Object.fromEntries(Object.entries(cases).map(([key, c]) => [key, { ...c, model: key }]));

describeGeneratedSample('sample of generated missing-gaussian fitters', named, modelText, (key, c) =>
  runtimeSample(key, c),
);
