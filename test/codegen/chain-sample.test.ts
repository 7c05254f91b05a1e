/**
 * `sample(params, sizes, seed)` of generated HMM fitters (lower-chain-sample.ts), both forms
 * (importing @emforge/runtime and `--standalone`), against the runtime's chain sampler
 * (chain/sample-chain.ts, what `emforge sample` runs): the same data and paths, bit for bit, for
 * the same seed — ragged lengths given one per sequence or one for all, and a model whose
 * sequences share one declared length, and a chain reading per-step trials it does not draw (the
 * `inputs` argument; the lengths from them or from `sizes`). Bad sizes are an Error naming the
 * problem.
 */
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type ChainProgram,
  type SampleOptions,
  sampleChainProgram,
  sampleInputSchema,
} from '@emforge/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casinoParams, hmmGaussianParams } from '../sample/params.js';
import { type CompiledFitters, compileFitters, generateFitter, readExample, runNode } from './compile-helpers.js';

/** A discrete HMM whose sequences all have T steps (a plain size), with a default. */
const fixedLengthModel = `model weather {
  size S
  size T = 12
  size K = 2
  size M = 3
  data   y[S][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}
`;

/** A discrete-count HMM whose trials per step are data it reads but does not draw. */
const trialsModel = `model hmm_trials {
  size S
  size T[S]
  size K = 2
  data   n[S][T]: count
  data   y[S][T]: count
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  p[K]: prob
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ Binomial(n[s][t], p[h[s][t]]) }
  }
}
`;
const trials = [[10, 3, 7], [1, 20, 5, 5, 8], [4]];

const weatherParams = {
  init: [0.3, 0.7],
  trans: [
    [0.8, 0.2],
    [0.25, 0.75],
  ],
  emit: [
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
  ],
};

interface Case {
  readonly model: string;
  readonly params: object;
  /** The generated `sample`'s sizes argument, and the same sizes for the runtime. */
  readonly sizes: object;
  readonly runtime: SampleOptions;
  /** Data the model reads but does not draw (the generated `sample`'s fourth argument). */
  readonly inputs?: object;
  readonly seed: number;
}

const cases: Record<string, Case> = {
  'gaussian-ragged': {
    model: 'hmm-gaussian',
    params: hmmGaussianParams,
    sizes: { T: [30, 1, 17, 45] },
    runtime: { raggedSizes: { T: [30, 1, 17, 45] } },
    seed: 4,
  },
  'gaussian-one-length': {
    model: 'hmm-gaussian',
    params: hmmGaussianParams,
    sizes: { S: 5, T: 20 },
    runtime: { sizes: { S: 5, T: 20 } },
    seed: 9,
  },
  'casino-long': {
    model: 'hmm-dishonest-casino',
    params: casinoParams,
    sizes: { S: 20, T: 300 },
    runtime: { sizes: { S: 20, T: 300 } },
    seed: 1,
  },
  'weather-default-length': {
    model: 'weather',
    params: weatherParams,
    sizes: { S: 6 },
    runtime: { sizes: { S: 6 } },
    seed: 3,
  },
  'trials-from-inputs': {
    model: 'trials',
    params: {
      init: [0.4, 0.6],
      trans: [
        [0.8, 0.2],
        [0.3, 0.7],
      ],
      p: [0.2, 0.9],
    },
    sizes: {},
    runtime: {},
    inputs: { n: trials },
    seed: 6,
  },
  'trials-given-lengths': {
    model: 'trials',
    params: {
      init: [0.4, 0.6],
      trans: [
        [0.8, 0.2],
        [0.3, 0.7],
      ],
      p: [0.2, 0.9],
    },
    sizes: { T: [3, 5, 1] },
    runtime: { raggedSizes: { T: [3, 5, 1] } },
    inputs: { n: trials },
    seed: 2,
  },
  'weather-given-length': {
    model: 'weather',
    params: weatherParams,
    sizes: { S: 2, T: 40 },
    runtime: { sizes: { S: 2, T: 40 } },
    seed: 5,
  },
};

function modelText(name: string): string {
  if (name === 'weather') return fixedLengthModel;
  return name === 'trials' ? trialsModel : readExample(name).model;
}

function runtimeSample(c: Case): unknown {
  const outcome = planSource(new SourceFile('model.em', modelText(c.model)));
  const program = lowerProgram(outcome).value as ChainProgram;
  const schema = lowerDataSchema(outcome.checked!);
  const inputs = c.inputs ? bindData(sampleInputSchema(program, schema), c.inputs, {}).value : undefined;
  const r = sampleChainProgram(program, schema, c.params as Record<string, unknown>, {
    ...c.runtime,
    seed: c.seed,
    ...(inputs ? { inputs } : {}),
  });
  const data = { ...r.data } as Record<string, unknown>;
  for (const name of Object.keys(c.inputs ?? {})) delete data[name];
  return JSON.parse(JSON.stringify({ data, latents: r.latents }));
}

let compiled: CompiledFitters;
let outcome: { samples: Record<string, unknown[]>; errors: string[]; exports: string[] };

beforeAll(() => {
  const files: Record<string, string> = {};
  for (const name of ['hmm-gaussian', 'hmm-dishonest-casino', 'weather', 'trials']) {
    files[name] = generateFitter(`${name}.em`, modelText(name), false);
    files[`${name}.standalone`] = generateFitter(`${name}.em`, modelText(name), true);
  }
  compiled = compileFitters(files);
  const script = [
    'const out = { samples: {}, errors: [], exports: [] };',
    ...Object.entries(cases).flatMap(([key, c]) => [
      '{',
      `  const imported = await import(${JSON.stringify(compiled.js(c.model))});`,
      `  const standalone = await import(${JSON.stringify(compiled.js(`${c.model}.standalone`))});`,
      `  const args = [${JSON.stringify(c.params)}, ${JSON.stringify(c.sizes)}, ${c.seed}${c.inputs ? `, ${JSON.stringify(c.inputs)}` : ''}];`,
      `  out.samples[${JSON.stringify(key)}] = [imported.sample(...args), standalone.sample(...args)];`,
      '}',
    ]),
    `const casino = await import(${JSON.stringify(compiled.js('hmm-dishonest-casino'))});`,
    'out.exports = Object.keys(casino).sort();',
    `const p = ${JSON.stringify(casinoParams)};`,
    'for (const sizes of [{ S: 3 }, { S: 3, T: [4, 5] }, { T: [4, 0] }, { S: 2, T: 3, K: 3 }]) {',
    '  try { casino.sample(p, sizes, 1); out.errors.push("no error"); } catch (e) { out.errors.push(e.message); }',
    '}',
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  if (compiled.errors.length === 0) outcome = runNode(compiled.dir, script) as typeof outcome;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('sample of generated HMM fitters', () => {
  it('type-checks under --strict, both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  it('is exported beside fit, logLik and posterior', () => {
    expect(outcome.exports).toEqual(['fit', 'logLik', 'posterior', 'sample']);
  });

  for (const [key, c] of Object.entries(cases)) {
    it(`${key}: draws what the runtime draws with the same seed (both forms)`, () => {
      const expected = runtimeSample(c);
      const [imported, standalone] = outcome.samples[key]!;
      expect(imported).toEqual(expected);
      expect(standalone).toEqual(expected);
    });
  }

  it('sizes that do not fit are an Error naming the problem', () => {
    expect(outcome.errors).toEqual([
      'the length of the sequences is not known: give it in sizes.T (one number, or one length per sequence)',
      'T has 2 lengths for 3 sequences',
      'T[1] is 0: every sequence needs at least one step',
      expect.stringMatching(/init/),
    ]);
  });
});
