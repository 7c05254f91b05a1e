/**
 * `sample` of the generated LDA (mean-field) and Poisson–lognormal (variational) fitters
 * (lower-mean-field-sample.ts), both forms, against the runtime's samplers (mean-field/sample-lda.ts,
 * variational/sample-variational.ts: what `emforge sample` runs): the same corpus or counts and
 * latents, bit for bit, for the same seed — LDA with one length per document and with one length
 * for all, and with a constant concentration.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { bindData, type Program, type SampleOptions, sampleAnyProgram, sampleInputSchema } from '@emforge/runtime';
import { describeGeneratedSample, readExample } from './compile-helpers.js';

const ldaConstant = `model lda_constant {
  size Docs, V, K
  size Len[Docs]
  data   w[Docs][Len]: cat[V]
  param  topics[K]: simplex[V]
  latent theta[Docs]: simplex[K]
  latent z[Docs][Len]: cat[K]
  for d in Docs {
    theta[d] ~ Dirichlet(0.7)
    for i in Len[d] {
      z[d][i] ~ Categorical(theta[d])
      w[d][i] ~ Categorical(topics[z[d][i]])
    }
  }
}
`;

const topics = [
  [0.4, 0.3, 0.2, 0.05, 0.05, 0],
  [0, 0, 0.1, 0.1, 0.4, 0.4],
];

interface Case {
  readonly model: string;
  readonly params: object;
  readonly sizes: object;
  readonly runtime: SampleOptions;
  readonly inputs?: object;
  readonly seed: number;
}

const cases: Record<string, Case> = {
  'lda-ragged': {
    model: 'lda',
    params: { topics },
    sizes: { Len: [7, 0, 15, 3] },
    runtime: { raggedSizes: { Len: [7, 0, 15, 3] } },
    inputs: { alpha: [0.5, 1.5] },
    seed: 4,
  },
  'lda-one-length': {
    model: 'lda',
    params: { topics },
    sizes: { Docs: 5, Len: 12 },
    runtime: { sizes: { Docs: 5, Len: 12 } },
    inputs: { alpha: [0.5, 1.5] },
    seed: 8,
  },
  'lda-constant': {
    model: 'lda-constant',
    params: { topics },
    sizes: { Docs: 4, Len: 9 },
    runtime: { sizes: { Docs: 4, Len: 9 } },
    seed: 2,
  },
  'poisson-lognormal': {
    model: 'poisson-lognormal',
    params: { mu: 1.2, sigma: 0.7 },
    sizes: { N: 150 },
    runtime: { sizes: { N: 150 } },
    seed: 3,
  },
};

const modelText = (name: string) => (name === 'lda-constant' ? ldaConstant : readExample(name).model);

function runtimeSample(c: Case): unknown {
  const outcome = planSource(new SourceFile('model.em', modelText(c.model)));
  const program = lowerProgram(outcome).value as Program;
  const schema = lowerDataSchema(outcome.checked!);
  const inputs = c.inputs ? bindData(sampleInputSchema(program, schema), c.inputs, {}).value : undefined;
  const r = sampleAnyProgram(program, schema, c.params as Record<string, unknown>, {
    ...c.runtime,
    seed: c.seed,
    ...(inputs ? { inputs } : {}),
  });
  const data = { ...r.data } as Record<string, unknown>;
  for (const name of Object.keys(c.inputs ?? {})) delete data[name];
  return JSON.parse(JSON.stringify({ data, latents: r.latents }));
}

describeGeneratedSample('sample of generated LDA and Poisson–lognormal fitters', cases, modelText, (_key, c) =>
  runtimeSample(c),
);
