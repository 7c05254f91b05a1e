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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledFitters, compileFitters, generateFitter, readExample, runNode } from './compile-helpers.js';

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
    params: {
      weights: [0.2, 0.5, 0.3],
      mu: [
        [0, 0],
        [5, 5],
        [-4, 3],
      ],
      Sigma: [
        [
          [1, 0.5],
          [0.5, 1],
        ],
        [
          [0.6, -0.2],
          [-0.2, 0.4],
        ],
        [
          [2, 0],
          [0, 0.3],
        ],
      ],
    },
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

let compiled: CompiledFitters;
let outcome: Record<string, unknown[]>;

beforeAll(() => {
  const files: Record<string, string> = {};
  for (const name of Object.keys(cases)) {
    files[name] = generateFitter(`${name}.em`, modelText(name), false);
    files[`${name}.standalone`] = generateFitter(`${name}.em`, modelText(name), true);
  }
  compiled = compileFitters(files);
  const script = [
    'const out = {};',
    ...Object.entries(cases).flatMap(([name, c]) => [
      '{',
      `  const imported = await import(${JSON.stringify(compiled.js(name))});`,
      `  const standalone = await import(${JSON.stringify(compiled.js(`${name}.standalone`))});`,
      `  const args = [${JSON.stringify(c.params)}, ${JSON.stringify(c.sizes)}, ${c.seed}];`,
      `  out[${JSON.stringify(name)}] = [imported.sample(...args), standalone.sample(...args)];`,
      '}',
    ]),
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  if (compiled.errors.length === 0) outcome = runNode(compiled.dir, script) as typeof outcome;
}, 120_000);

afterAll(() => compiled?.cleanup());

describe('sample of generated missing-gaussian fitters', () => {
  it('type-checks under --strict, both forms', () => {
    expect(compiled.errors).toEqual([]);
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: draws what the runtime draws with the same seed (both forms)`, () => {
      const expected = runtimeSample(name, c);
      const [imported, standalone] = outcome[name]!;
      expect(imported).toEqual(expected);
      expect(standalone).toEqual(expected);
    });
  }
});
