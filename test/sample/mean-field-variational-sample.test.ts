/**
 * Sampling LDA (mean-field/sample-lda.ts) and the Poisson–lognormal model
 * (variational/sample-variational.ts) in the runtime. Statistical checks on a long sample with a
 * fixed seed, each within 4 standard errors derived from the sample:
 *   - LDA: theta[d][k] ~ Beta(α_k, α0 − α_k) marginally, so its mean over documents vs α_k / α0
 *     (SE sqrt(α_k (α0 − α_k) / (α0² (α0 + 1)) / Docs)); given theta, the count of topic k in a
 *     document is Binomial(Len, θ_dk), so Σ_d (count_dk − Len θ_dk) vs 0 (SE sqrt(Σ_d Len θ_dk
 *     (1 − θ_dk))); given the topic, the word frequencies vs topics[k] (binomial SE);
 *   - Poisson–lognormal: eta's mean and variance vs mu and sigma² (normal SEs); given eta, y − λ
 *     (λ = exp(eta)) has mean 0 and variance λ, so Σ (y − λ) vs 0 (SE sqrt(Σ λ)) and
 *     Σ ((y − λ)² − λ) vs 0 (SE sqrt(Σ (λ + 2λ²)), the Poisson's fourth central moment).
 * Also: ragged document lengths as given, the same seed gives the same bits, the samples bind and
 * fit, and a missing document length is a SampleError.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DataSchema,
  fitAnyProgram,
  type MeanFieldProgram,
  type Program,
  SampleError,
  sampleAnyProgram,
  sampleInputSchema,
  sampleMeanField,
  sampleUnsupported,
  sampleVariational,
  type VariationalProgram,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

function load<P extends Program>(name: string): { program: P; schema: DataSchema } {
  const text = readFileSync(new URL(`examples/${name}/model.em`, root), 'utf8');
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  if (!program || !outcome.checked) throw new Error(`${name} does not lower`);
  return { program: program as P, schema: lowerDataSchema(outcome.checked) };
}

const within = (value: number, expected: number, se: number, what: string) =>
  expect(Math.abs(value - expected), `${what}: ${value} vs ${expected} (4 SE = ${4 * se})`).toBeLessThanOrEqual(4 * se);

describe('sampling LDA (examples/lda)', () => {
  const { program, schema } = load<MeanFieldProgram>('lda');
  const topics = [
    [0.4, 0.3, 0.2, 0.05, 0.05, 0, 0, 0],
    [0, 0, 0.1, 0.1, 0.4, 0.4, 0, 0],
    [0.05, 0, 0, 0, 0.05, 0.1, 0.4, 0.4],
  ];
  const alpha = [0.5, 1, 2];
  const inputs = bindData(sampleInputSchema(program, schema), { alpha }, {}).value!;
  const sample = sampleMeanField(program, schema, { topics }, { seed: 4, sizes: { Docs: 1500, Len: 40 }, inputs });
  const theta = sample.latents.theta as number[][];
  const z = sample.latents.z as number[][];
  const w = sample.data.w as number[][];

  it('proportions, topics given proportions and words given topics match (4 SEs)', () => {
    expect(w).toHaveLength(1500);
    expect(sample.data.alpha).toEqual(alpha);
    expect([sample.data.K, sample.data.V]).toEqual([3, 8]);
    const a0 = alpha.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 3; k++) {
      const a = alpha[k]!;
      const mean = theta.reduce((s, t) => s + t[k]!, 0) / 1500;
      within(mean, a / a0, Math.sqrt((a * (a0 - a)) / (a0 * a0 * (a0 + 1)) / 1500), `E[theta[${k}]]`);
      let excess = 0;
      let variance = 0;
      z.forEach((doc, d) => {
        const t = theta[d]![k]!;
        excess += doc.filter((c) => c === k).length - doc.length * t;
        variance += doc.length * t * (1 - t);
      });
      within(excess, 0, Math.sqrt(variance), `topic ${k} counts given theta`);
      const words = w.flatMap((doc, d) => doc.filter((_, i) => z[d]![i] === k));
      for (let v = 0; v < 8; v++) {
        const p = topics[k]![v]!;
        const count = words.filter((x) => x === v).length;
        if (p === 0) expect(count).toBe(0);
        else within(count / words.length, p, Math.sqrt((p * (1 - p)) / words.length), `topics[${k}][${v}]`);
      }
    }
  });

  it('ragged lengths as given; the same seed gives the same bits; the corpus binds and fits', () => {
    const options = { seed: 2, raggedSizes: { Len: [5, 0, 12] }, inputs };
    const s = sampleMeanField(program, schema, { topics }, options);
    expect((s.data.w as number[][]).map((doc) => doc.length)).toEqual([5, 0, 12]);
    expect(sampleAnyProgram(program, schema, { topics }, options)).toEqual(s);
    const small = sampleMeanField(program, schema, { topics }, { seed: 1, sizes: { Docs: 30, Len: 20 }, inputs });
    const bound = bindData(schema, JSON.parse(JSON.stringify(small.data)), {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 10 });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
    expect(() => sampleMeanField(program, schema, { topics }, { sizes: { Docs: 3 }, inputs })).toThrow(SampleError);
    expect(() => sampleMeanField(program, schema, { topics }, { sizes: { Docs: 3 }, inputs })).toThrow(
      /length of the documents is not known: give it with --size Len=100, or one length per document/,
    );
  });
});

describe('sampling the Poisson–lognormal model (examples/poisson-lognormal)', () => {
  const { program, schema } = load<VariationalProgram>('poisson-lognormal');
  const params = { mu: 1.2, sigma: 0.7 };

  it('log-rates and counts given them match (4 SEs); the same seed gives the same bits', () => {
    const s = sampleVariational(program, schema, params, { seed: 3, sizes: { N: 8000 } });
    const eta = s.latents.eta!;
    const y = s.data.y as number[];
    const n = eta.length;
    const mean = eta.reduce((a, b) => a + b, 0) / n;
    const s2 = eta.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    within(mean, 1.2, Math.sqrt(0.49 / n), 'mean of eta');
    within(s2, 0.49, 0.49 * Math.sqrt(2 / (n - 1)), 'variance of eta');
    const lambda = eta.map(Math.exp);
    expect(y.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const sumLambda = lambda.reduce((a, b) => a + b, 0);
    within(
      y.reduce((a, v, i) => a + v - lambda[i]!, 0),
      0,
      Math.sqrt(sumLambda),
      'Σ (y − λ)',
    );
    within(
      y.reduce((a, v, i) => a + (v - lambda[i]!) ** 2 - lambda[i]!, 0),
      0,
      Math.sqrt(lambda.reduce((a, l) => a + l + 2 * l * l, 0)),
      'Σ ((y − λ)² − λ)',
    );
    expect(sampleAnyProgram(program, schema, params, { seed: 3, sizes: { N: 8000 } })).toEqual(s);
    const small = sampleVariational(program, schema, params, { seed: 1, sizes: { N: 200 } });
    const bound = bindData(schema, JSON.parse(JSON.stringify(small.data)), {});
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 10 });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
  });
});

describe('every example the runtime lowers can be sampled', () => {
  it('sampleUnsupported is undefined for each', () => {
    const names = ['lda', 'poisson-lognormal', 'hmm-gaussian', 't-mixture', 'gmm-missing', 'ppca', 'iris-gmm'];
    for (const name of names) expect(sampleUnsupported(load(name).program), name).toBeUndefined();
  });
});
