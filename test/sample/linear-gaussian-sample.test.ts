/**
 * Sampling linear-Gaussian models in the runtime (linear-gaussian/sample-linear-gaussian.ts):
 * factor analysis, PPCA, a mixture of factor analysers and the linear-Gaussian chain of
 * examples/. Each statement is checked on its own draws from a long sample with a fixed seed:
 * the residual of child − offset − matrix · parent must be N(0, noise), so per coordinate its
 * mean vs 0 (SE sqrt(σ²_j / n)) and variance vs σ²_j (SE σ²_j sqrt(2 / (n − 1))), and the
 * covariance of the first two coordinates vs Σ_01 (SE sqrt((Σ_00 Σ_11 + Σ_01²) / n)), each within
 * 4 standard errors; for FA also the marginal covariance of x against W Wᵀ + Ψ. Also: the same
 * seed gives the same bits, ragged chain lengths as given, and the samples bind and fit.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DataSchema,
  fitAnyProgram,
  type LinearGaussianProgram,
  sampleAnyProgram,
  sampleLinearGaussian,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { linearGaussianChainParams } from './params.js';

const root = new URL('../../', import.meta.url);

function load(name: string): { program: LinearGaussianProgram; schema: DataSchema } {
  const text = readFileSync(new URL(`examples/${name}/model.em`, root), 'utf8');
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  if (program?.kind !== 'linear-gaussian' || !outcome.checked) throw new Error(`${name} is not linear-Gaussian`);
  return { program, schema: lowerDataSchema(outcome.checked) };
}

const within = (value: number, expected: number, se: number, what: string) =>
  expect(Math.abs(value - expected), `${what}: ${value} vs ${expected} (4 SE = ${4 * se})`).toBeLessThanOrEqual(4 * se);

/** rows ~ N(mean, cov): per-coordinate means and variances, and the [0, 1] covariance. */
function expectGaussian(rows: number[][], mean: number[], cov: number[][], what: string): void {
  const n = rows.length;
  const d = mean.length;
  for (let j = 0; j < d; j++) {
    const v = cov[j]![j]!;
    const m = rows.reduce((a, r) => a + r[j]!, 0) / n;
    const s2 = rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / (n - 1);
    within(m, mean[j]!, Math.sqrt(v / n), `${what}: mean[${j}]`);
    within(s2, v, v * Math.sqrt(2 / (n - 1)), `${what}: variance[${j}]`);
  }
  if (d >= 2) {
    const c = rows.reduce((a, r) => a + (r[0]! - mean[0]!) * (r[1]! - mean[1]!), 0) / n;
    const s = cov as [[number, number], [number, number]];
    within(c, s[0][1], Math.sqrt((s[0][0] * s[1][1] + s[0][1] ** 2) / n), `${what}: covariance[0, 1]`);
  }
}

const matVec = (m: number[][], v: number[]) => m.map((row) => row.reduce((a, w, l) => a + w * v[l]!, 0));
const minus = (a: number[], b: number[]) => a.map((x, i) => x - b[i]!);
const diag = (sd: number[]) => sd.map((a, i) => sd.map((_, j) => (i === j ? a * a : 0)));
const eye = (n: number) => diag(new Array(n).fill(1));

const W = [
  [1, 0],
  [0.5, 1],
  [-0.5, 0.8],
  [0.3, -0.2],
];

describe('sampling factor analysis and PPCA', () => {
  it('FA: f ~ N(0, I), x − mu − W f ~ N(0, Ψ), and cov(x) = W Wᵀ + Ψ (4 SEs)', () => {
    const { program, schema } = load('factor-analysis');
    const params = { W, mu: [1, 2, 3, 4], psi: [0.5, 0.3, 0.8, 0.4] };
    const s = sampleLinearGaussian(program, schema, params, { seed: 3, sizes: { N: 6000 } });
    const x = s.data.x as number[][];
    const f = s.latents.f as number[][];
    expect(x[0]).toHaveLength(4);
    expectGaussian(f, [0, 0], eye(2), 'f');
    expectGaussian(
      x.map((row, i) => minus(minus(row, params.mu), matVec(W, f[i]!))),
      [0, 0, 0, 0],
      diag(params.psi),
      'x − mu − W f',
    );
    const marginal = W.map((a, i) =>
      W.map((b, j) => a[0]! * b[0]! + a[1]! * b[1]! + (i === j ? params.psi[i]! ** 2 : 0)),
    );
    expectGaussian(x, params.mu, marginal, 'x');
    expect(sampleAnyProgram(program, schema, params, { seed: 3, sizes: { N: 6000 } })).toEqual(s);
  });

  it('PPCA: one noise sd for every coordinate; the sample binds and fits', () => {
    const { program, schema } = load('ppca');
    const params = { W, mu: [0, 1, 0, -1], sigma: 0.6 };
    const s = sampleLinearGaussian(program, schema, params, { seed: 5, sizes: { N: 5000 } });
    const x = s.data.x as number[][];
    const f = s.latents.f as number[][];
    expectGaussian(
      x.map((row, i) => minus(minus(row, params.mu), matVec(W, f[i]!))),
      [0, 0, 0, 0],
      diag([0.6, 0.6, 0.6, 0.6]),
      'x − mu − W f',
    );
    const small = sampleLinearGaussian(program, schema, params, { seed: 1, sizes: { N: 200 } });
    const bound = bindData(schema, JSON.parse(JSON.stringify(small.data)), {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    expect(
      Number.isFinite(fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 20 }).result.logLik),
    ).toBe(true);
  });
});

describe('sampling a mixture of factor analysers', () => {
  it('component frequencies vs w (binomial, 4 SEs); per component x − mu_k − W_k f ~ N(0, Ψ)', () => {
    const { program, schema } = load('mixture-factor-analysers');
    const Wk = [W, W.map((r) => r.map((v) => -v)), W.map((r) => [r[1]!, r[0]!])];
    const params = {
      w: [0.5, 0.3, 0.2],
      mu: [
        [0, 0, 0, 0],
        [5, 5, 0, 0],
        [-5, 0, 5, 0],
      ],
      W: Wk,
      psi: [0.5, 0.4, 0.3, 0.6],
    };
    const s = sampleLinearGaussian(program, schema, params, { seed: 2, sizes: { N: 9000 } });
    const x = s.data.x as number[][];
    const f = s.latents.f as number[][];
    const z = s.latents.z as number[];
    for (let k = 0; k < 3; k++) {
      const items = z.flatMap((c, i) => (c === k ? [i] : []));
      const w = params.w[k]!;
      within(items.length / 9000, w, Math.sqrt((w * (1 - w)) / 9000), `w[${k}]`);
      expectGaussian(
        items.map((i) => minus(minus(x[i]!, params.mu[k]!), matVec(Wk[k]!, f[i]!))),
        [0, 0, 0, 0],
        diag(params.psi),
        `component ${k}`,
      );
    }
  });
});

describe('sampling a linear-Gaussian chain (examples/linear-gaussian-chain)', () => {
  const { program, schema } = load('linear-gaussian-chain');
  const params = linearGaussianChainParams;

  it('initial states, transitions and emissions have their Gaussians (4 SEs)', () => {
    const s = sampleLinearGaussian(program, schema, params, { seed: 7, sizes: { S: 2000, T: 5 } });
    const x = s.data.x as number[][][];
    const f = s.latents.f as number[][][];
    expect(x).toHaveLength(2000);
    expectGaussian(
      f.map((seq) => seq[0]!),
      params.m0,
      params.P0,
      'f[s][0]',
    );
    expectGaussian(
      f.flatMap((seq) => seq.slice(1).map((ft, t) => minus(ft, matVec(params.A, seq[t]!)))),
      [0, 0],
      params.Q,
      'f[t] − A f[t−1]',
    );
    expectGaussian(
      x.flatMap((seq, s) => seq.map((xt, t) => minus(xt, matVec(params.C, f[s]![t]!)))),
      [0, 0, 0],
      params.R,
      'x[t] − C f[t]',
    );
  });

  it('ragged lengths as given; the same seed gives the same bits; the sample binds and fits', () => {
    const options = { seed: 1, raggedSizes: { T: [12, 1, 30] } };
    const s = sampleLinearGaussian(program, schema, params, options);
    expect((s.data.x as number[][][]).map((seq) => seq.length)).toEqual([12, 1, 30]);
    expect((s.latents.f as number[][][]).map((seq) => seq.length)).toEqual([12, 1, 30]);
    expect(sampleAnyProgram(program, schema, params, options)).toEqual(s);
    const bound = bindData(schema, JSON.parse(JSON.stringify(s.data)), {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 10 });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
    expect(() => sampleLinearGaussian(program, schema, params, { sizes: { S: 2 } })).toThrow(
      /length of the sequences is not known/,
    );
  });
});
