/**
 * Sampling Gaussians fitted with missing entries (missing/sample-missing.ts): complete rows from
 * the model without its missing entries. Statistical checks on a long sample with a fixed seed,
 * each within 4 standard errors derived from the sample: the component frequencies vs the
 * weights (SE sqrt(w (1 − w) / N)); per component, each coordinate's mean vs μ (SE
 * sqrt(Σ_jj / n_k)) and variance vs Σ_jj (SE Σ_jj sqrt(2 / (n_k − 1))), and the covariance of the
 * first two coordinates vs Σ_01 (SE sqrt((Σ_00 Σ_11 + Σ_01²) / n_k)). Also: no entry is missing,
 * the same seed gives the same bits, and the sample binds and fits.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DataSchema,
  fitAnyProgram,
  type MissingGaussianProgram,
  sampleAnyProgram,
  sampleMissingGaussian,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { gmmMissingParams } from './params.js';

const root = new URL('../../', import.meta.url);

function load(text: string): { program: MissingGaussianProgram; schema: DataSchema } {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  if (program?.kind !== 'missing-gaussian' || !outcome.checked) throw new Error('not a missing-gaussian program');
  return { program, schema: lowerDataSchema(outcome.checked) };
}

const example = (name: string) => readFileSync(new URL(`examples/${name}/model.em`, root), 'utf8');

const within = (value: number, expected: number, se: number, what: string) =>
  expect(Math.abs(value - expected), `${what}: ${value} vs ${expected} (4 SE = ${4 * se})`).toBeLessThanOrEqual(4 * se);

/** Means, variances and the first covariance of `rows` vs μ and Σ. */
function expectMoments(rows: number[][], mu: number[], sigma: number[][]): void {
  const n = rows.length;
  const d = mu.length;
  const mean = mu.map((_, j) => rows.reduce((a, r) => a + r[j]!, 0) / n);
  for (let j = 0; j < d; j++) {
    const v = sigma[j]![j]!;
    const s2 = rows.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / (n - 1);
    within(mean[j]!, mu[j]!, Math.sqrt(v / n), `mean[${j}]`);
    within(s2, v, v * Math.sqrt(2 / (n - 1)), `variance[${j}]`);
  }
  if (d >= 2) {
    const c = rows.reduce((a, r) => a + (r[0]! - mu[0]!) * (r[1]! - mu[1]!), 0) / n;
    const s = sigma as [[number, number], [number, number]];
    within(c, s[0][1], Math.sqrt((s[0][0] * s[1][1] + s[0][1] ** 2) / n), 'covariance[0, 1]');
  }
}

describe('sampling a Gaussian mixture with missing entries (examples/gmm-missing)', () => {
  const { program, schema } = load(example('gmm-missing'));
  const params = gmmMissingParams;

  const sample = sampleMissingGaussian(program, schema, params, { seed: 6, sizes: { N: 9000 } });
  const x = sample.data.x as number[][];
  const z = sample.latents.z!;

  it('complete rows; frequencies and moments per component match the params (4 SEs)', () => {
    expect(x).toHaveLength(9000);
    expect(x.every((row) => row.length === 2 && row.every(Number.isFinite))).toBe(true);
    for (let k = 0; k < 3; k++) {
      const rows = x.filter((_, i) => z[i] === k);
      const w = params.weights[k]!;
      within(rows.length / 9000, w, Math.sqrt((w * (1 - w)) / 9000), `weights[${k}]`);
      expectMoments(rows, params.mu[k]!, params.Sigma[k]!);
    }
  });

  it('the same seed gives the same bits (sampleAnyProgram too); the sample binds and fits', () => {
    expect(sampleAnyProgram(program, schema, params, { seed: 6, sizes: { N: 9000 } })).toEqual(sample);
    const small = sampleMissingGaussian(program, schema, params, { seed: 2, sizes: { N: 300 } });
    const bound = bindData(schema, JSON.parse(JSON.stringify(small.data)), {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 20 });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
  });
});

describe('sampling a multivariate normal with missing entries (examples/mvn-missing)', () => {
  it('moments match mu and Sigma (4 SEs); no latents', () => {
    const { program, schema } = load(example('mvn-missing'));
    const params = {
      mu: [1, 2, 3],
      Sigma: [
        [1, 0.3, 0.1],
        [0.3, 2, -0.4],
        [0.1, -0.4, 1.5],
      ],
    };
    const s = sampleMissingGaussian(program, schema, params, { seed: 4, sizes: { N: 5000 } });
    expect(s.latents).toEqual({});
    expectMoments(s.data.x as number[][], params.mu, params.Sigma);
  });
});

describe('sampling diagonal Normal rows with missing entries', () => {
  it('per-coordinate means and standard deviations match (4 SEs)', () => {
    const { program, schema } = load(`model diag_missing {
  size N, D
  data   x[N]: real[D]?
  param  mu: real[D]
  param  sigma: positive[D]
  for n in N { x[n] ~ Normal(mu, sigma) }
}
`);
    const params = { mu: [-1, 0.5, 4], sigma: [0.5, 1.5, 3] };
    const s = sampleMissingGaussian(program, schema, params, { seed: 9, sizes: { N: 5000 } });
    const sigma = params.sigma.map((a, i) => params.sigma.map((b, j) => (i === j ? a * b : 0)));
    expectMoments(s.data.x as number[][], params.mu, sigma);
  });
});
