/**
 * Sampling a discrete chain (HMM) in the runtime (chain/sample-chain.ts). Statistical checks on a
 * long sample with a fixed seed against the params it was drawn from, each within 4 standard
 * errors derived from the sample itself:
 *   - initial states: the frequency of h[s][0] = k over S sequences is Binomial(S, init[k]) / S,
 *     SE = sqrt(init[k] (1 − init[k]) / S);
 *   - transitions: given the n_j steps leaving state j, the count of j → k is Binomial(n_j,
 *     trans[j][k]) (the Markov property: each transition is a fresh draw from row j), SE =
 *     sqrt(trans[j][k] (1 − trans[j][k]) / n_j);
 *   - emissions given the drawn path: a categorical emission's frequency per state as above; a
 *     Gaussian one's mean per state and coordinate, SE = sqrt(Σ[k][d][d] / n_k), and its variance,
 *     SE = Σ[k][d][d] sqrt(2 / (n_k − 1)) (the normal sampling variance of s²).
 * Also: the same seed gives the same bits (another seed differs), ragged lengths as given, the
 * sample round-trips through JSON and binds as data for a fit of the same model, and sizes or
 * params that do not fit are a SampleError naming the problem. A second per-step latent (a
 * mixture per state) and a per-step covariate read from the inputs (lengths from them too) are
 * checked the same way (component frequencies given the state; residuals N(0, sd²)).
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type ChainProgram,
  type ChainSampleResult,
  type DataSchema,
  fitAnyProgram,
  formatSampleJson,
  SampleError,
  sampleAnyProgram,
  sampleChainProgram,
  sampleInputSchema,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { casinoParams, hmmGaussianParams } from './params.js';

const root = new URL('../../', import.meta.url);

function loadChain(example: string): { program: ChainProgram; schema: DataSchema } {
  const text = readFileSync(new URL(`examples/${example}/model.em`, root), 'utf8');
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  if (program?.kind !== 'chain' || !outcome.checked) throw new Error(`${example} is not a chain`);
  return { program, schema: lowerDataSchema(outcome.checked) };
}

/** Expects a frequency `count / n` within 4 binomial standard errors of `p`. */
function expectFrequency(count: number, n: number, p: number, what: string): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p), `${what}: ${count}/${n} vs ${p} (4 SE = ${4 * se})`).toBeLessThanOrEqual(4 * se);
}

/** Initial-state and transition frequencies of the drawn paths vs init and trans. */
function expectChainFrequencies(paths: number[][], init: number[], trans: number[][]): void {
  const K = init.length;
  const first = new Array<number>(K).fill(0);
  const counts = trans.map(() => new Array<number>(K).fill(0));
  for (const path of paths) {
    first[path[0]!]! += 1;
    for (let t = 1; t < path.length; t++) counts[path[t - 1]!]![path[t]!]! += 1;
  }
  for (let k = 0; k < K; k++) expectFrequency(first[k]!, paths.length, init[k]!, `init[${k}]`);
  for (let j = 0; j < K; j++) {
    const leaving = counts[j]!.reduce((a, b) => a + b, 0);
    expect(leaving).toBeGreaterThan(500);
    for (let k = 0; k < K; k++) expectFrequency(counts[j]![k]!, leaving, trans[j]![k]!, `trans[${j}][${k}]`);
  }
}

describe('sampling a Gaussian HMM (examples/hmm-gaussian)', () => {
  const { program, schema } = loadChain('hmm-gaussian');
  const sample = sampleChainProgram(program, schema, hmmGaussianParams, { seed: 11, sizes: { S: 400, T: 50 } });
  const paths = sample.latents.regime!;
  const y = sample.data.y as number[][][];

  it('draws S sequences of the given length, with their paths', () => {
    expect(sample.lengths).toEqual(new Array(400).fill(50));
    expect(y).toHaveLength(400);
    expect(paths).toHaveLength(400);
    expect(y.every((seq) => seq.length === 50 && seq.every((row) => row.length === 2))).toBe(true);
    expect(paths.every((p) => p.length === 50 && p.every((h) => Number.isInteger(h) && h >= 0 && h < 3))).toBe(true);
  });

  it('initial-state and transition frequencies match init and trans (4 binomial SEs)', () => {
    expectChainFrequencies(paths, hmmGaussianParams.init, hmmGaussianParams.trans);
  });

  it('emission means and variances per drawn state match mu and Sigma (4 SEs)', () => {
    for (let k = 0; k < 3; k++) {
      const rows = y.flatMap((seq, s) => seq.filter((_, t) => paths[s]![t] === k));
      const n = rows.length;
      expect(n).toBeGreaterThan(500);
      for (let d = 0; d < 2; d++) {
        const v = hmmGaussianParams.Sigma[k]![d]![d]!;
        const mean = rows.reduce((a, r) => a + r[d]!, 0) / n;
        const s2 = rows.reduce((a, r) => a + (r[d]! - mean) ** 2, 0) / (n - 1);
        expect(Math.abs(mean - hmmGaussianParams.mu[k]![d]!)).toBeLessThanOrEqual(4 * Math.sqrt(v / n));
        expect(Math.abs(s2 - v)).toBeLessThanOrEqual(4 * v * Math.sqrt(2 / (n - 1)));
      }
    }
  });

  it('the same seed gives the same bits; another seed differs', () => {
    const again = sampleChainProgram(program, schema, hmmGaussianParams, { seed: 11, sizes: { S: 400, T: 50 } });
    expect(again).toEqual(sample);
    const other = sampleChainProgram(program, schema, hmmGaussianParams, { seed: 12, sizes: { S: 400, T: 50 } });
    expect(other.data).not.toEqual(sample.data);
  });

  it('ragged lengths: one per sequence, S measured from them', () => {
    const r = sampleChainProgram(program, schema, hmmGaussianParams, { seed: 3, raggedSizes: { T: [3, 7, 1, 5] } });
    expect(r.sizes.S).toBe(4);
    expect((r.data.y as number[][][]).map((seq) => seq.length)).toEqual([3, 7, 1, 5]);
    expect(r.latents.regime!.map((p) => p.length)).toEqual([3, 7, 1, 5]);
  });

  it('round trip: the JSON output binds as data and fits the same model', () => {
    const small = sampleChainProgram(program, schema, hmmGaussianParams, { seed: 5, raggedSizes: { T: [40, 25, 60] } });
    const raw = JSON.parse(formatSampleJson(small.data));
    expect(raw).toEqual(small.data);
    const bound = bindData(schema, raw, {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    expect(bound.value!.raggedSizes.T).toEqual([40, 25, 60]);
    expect(Array.from(bound.value!.variables.y!.values)).toEqual((small.data.y as number[][][]).flat(2));
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 5, init: hmmGaussianParams });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
  });

  it('sizes and params that do not fit are a SampleError naming the problem', () => {
    const problem = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(SampleError);
        return (error as SampleError).message;
      }
      throw new Error('expected a SampleError');
    };
    expect(problem(() => sampleChainProgram(program, schema, hmmGaussianParams, { sizes: { S: 3 } }))).toMatch(
      /length of the sequences is not known: give it with --size T=100, or one length per sequence/,
    );
    expect(
      problem(() =>
        sampleChainProgram(program, schema, hmmGaussianParams, { sizes: { S: 3 }, raggedSizes: { T: [2, 2] } }),
      ),
    ).toMatch(/T has 2 lengths for 3 sequences/);
    expect(
      problem(() => sampleChainProgram(program, schema, hmmGaussianParams, { raggedSizes: { T: [2, 0] } })),
    ).toMatch(/T\[1\] is 0/);
    const { trans: _trans, ...noTrans } = hmmGaussianParams;
    expect(problem(() => sampleChainProgram(program, schema, noTrans, { sizes: { S: 2, T: 3 } }))).toMatch(
      /param 'trans' is missing/,
    );
    const badTrans = { ...hmmGaussianParams, trans: [[0.5, 0.5, 0.5], ...hmmGaussianParams.trans.slice(1)] };
    expect(problem(() => sampleChainProgram(program, schema, badTrans, { sizes: { S: 2, T: 3 } }))).toMatch(
      /trans\[0\] must be a simplex/,
    );
  });
});

describe('sampling an HMM with a second per-step latent (a mixture per state)', () => {
  const text = `model hmm_mix {
  size S
  size T[S]
  size K = 2
  size C = 2
  data   y[S][T]: real
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  w[K]: simplex[C]
  param  mu[K][C]: real
  param  sd: positive
  latent h[S][T]: cat[K]
  latent m[S][T]: cat[C]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] {
      m[s][t] ~ Categorical(w[h[s][t]])
      y[s][t] ~ Normal(mu[h[s][t]][m[s][t]], sd)
    }
  }
}
`;
  it('the chain, the per-step component given the state (4 binomial SEs) and y given both (4 SEs)', () => {
    const outcome = planSource(new SourceFile('model.em', text));
    const program = lowerProgram(outcome).value as ChainProgram;
    const schema = lowerDataSchema(outcome.checked!);
    const params = {
      init: [0.5, 0.5],
      trans: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
      w: [
        [0.3, 0.7],
        [0.6, 0.4],
      ],
      mu: [
        [0, 5],
        [10, 15],
      ],
      sd: 0.5,
    };
    const s = sampleChainProgram(program, schema, params, { seed: 6, sizes: { S: 500, T: 30 } });
    const h = s.latents.h!;
    const m = s.latents.m!;
    const y = s.data.y as number[][];
    expectChainFrequencies(h, params.init, params.trans);
    for (let k = 0; k < 2; k++) {
      const components = m.flatMap((seq, q) => seq.filter((_, t) => h[q]![t] === k));
      expectFrequency(components.filter((c) => c === 1).length, components.length, params.w[k]![1]!, `w[${k}][1]`);
    }
    const residuals = y.flatMap((seq, q) => seq.map((v, t) => v - params.mu[h[q]![t]!]![m[q]![t]!]!));
    const n = residuals.length;
    const mean = residuals.reduce((a, b) => a + b, 0) / n;
    const s2 = residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThanOrEqual(4 * Math.sqrt(0.25 / n));
    expect(Math.abs(s2 - 0.25)).toBeLessThanOrEqual(4 * 0.25 * Math.sqrt(2 / (n - 1)));
  });
});

describe('sampling an HMM that reads a per-step covariate it does not draw', () => {
  it('takes the covariate and the lengths from the inputs, echoes it, and draws y given it', () => {
    const text = `model hmm_regression {
  size S
  size T[S]
  size K = 2
  data   x[S][T]: real
  data   y[S][T]: real
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  a[K]: real
  param  b[K]: real
  param  sd: positive
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t - 1]]) }
    for t in T[s] { y[s][t] ~ Normal(a[h[s][t]] + b[h[s][t]] * x[s][t], sd) }
  }
}
`;
    const outcome = planSource(new SourceFile('model.em', text));
    const program = lowerProgram(outcome).value as ChainProgram;
    const schema = lowerDataSchema(outcome.checked!);
    const x = Array.from({ length: 200 }, (_, s) => Array.from({ length: 5 + (s % 7) }, (_, t) => Math.sin(s + t)));
    const inputs = bindData(sampleInputSchema(program, schema), { x }, {}).value!;
    const params = {
      init: [0.5, 0.5],
      trans: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
      a: [0, 10],
      b: [1, -1],
      sd: 0.5,
    };
    const s = sampleChainProgram(program, schema, params, { seed: 3, inputs });
    expect(s.data.x).toEqual(x);
    expect(s.lengths).toEqual(x.map((row) => row.length));
    const h = s.latents.h!;
    const residuals = (s.data.y as number[][]).flatMap((seq, q) =>
      seq.map((v, t) => v - params.a[h[q]![t]!]! - params.b[h[q]![t]!]! * x[q]![t]!),
    );
    const n = residuals.length;
    const mean = residuals.reduce((a, b) => a + b, 0) / n;
    const s2 = residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThanOrEqual(4 * Math.sqrt(0.25 / n));
    expect(Math.abs(s2 - 0.25)).toBeLessThanOrEqual(4 * 0.25 * Math.sqrt(2 / (n - 1)));
    expect(() => sampleChainProgram(program, schema, params, { seed: 3, inputs, raggedSizes: { T: [3, 3] } })).toThrow(
      /T has 2 lengths for 200 sequences/,
    );
  });
});

describe('sampling a discrete HMM (examples/hmm-dishonest-casino)', () => {
  const { program, schema } = loadChain('hmm-dishonest-casino');
  const sample: ChainSampleResult = sampleChainProgram(program, schema, casinoParams, {
    seed: 2,
    sizes: { S: 300, T: 60 },
  });

  it('initial-state, transition and emission frequencies match the params (4 binomial SEs)', () => {
    const paths = sample.latents.die!;
    expectChainFrequencies(paths, casinoParams.init, casinoParams.trans);
    const y = sample.data.y as number[][];
    for (let k = 0; k < 2; k++) {
      const faces = y.flatMap((seq, s) => seq.filter((_, t) => paths[s]![t] === k));
      for (let m = 0; m < 6; m++) {
        expectFrequency(
          faces.filter((f) => f === m).length,
          faces.length,
          casinoParams.emit[k]![m]!,
          `emit[${k}][${m}]`,
        );
      }
    }
  });

  it('sampleAnyProgram dispatches to the chain sampler (same bits)', () => {
    expect(sampleAnyProgram(program, schema, casinoParams, { seed: 2, sizes: { S: 300, T: 60 } })).toEqual(sample);
  });
});
