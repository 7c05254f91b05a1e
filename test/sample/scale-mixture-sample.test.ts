/**
 * Sampling a Gaussian scale mixture in the runtime (scale-mixture/sample-scale-mixture.ts): the
 * t-mixture and the explicit Student-t of examples/, and a Student-t whose ν is a param.
 * Statistical checks on a long sample with a fixed seed against the params, each within 4
 * standard errors derived from the sample:
 *   - the component frequencies vs w: Binomial(N, w[k]) / N, SE = sqrt(w (1 − w) / N);
 *   - the precision given the component, u ~ Gamma(α, β): its mean vs α / β, SE = sqrt(α / β² / n_k);
 *   - the observation given u and the component: √u (x − μ) ~ N(0, Σ), so per coordinate its
 *     mean vs 0 (SE sqrt(Σ_jj / n_k)) and its variance vs Σ_jj (SE Σ_jj sqrt(2 / (n_k − 1))),
 *     and the covariance of the first two coordinates vs Σ_01 (SE sqrt((Σ_00 Σ_11 + Σ_01²) / n_k)).
 * Also: the same seed gives the same bits, the sample (with ν echoed) binds and fits, and a
 * missing ν is a SampleError.
 */
import { readFileSync } from 'node:fs';
import { lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  bindData,
  type DataSchema,
  fitAnyProgram,
  SampleError,
  type ScaleMixtureProgram,
  sampleAnyProgram,
  sampleInputSchema,
  sampleScaleMixture,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

function load(text: string): { program: ScaleMixtureProgram; schema: DataSchema } {
  const outcome = planSource(new SourceFile('model.em', text));
  const program = lowerProgram(outcome).value;
  if (program?.kind !== 'scale-mixture' || !outcome.checked) throw new Error('not a scale mixture');
  return { program, schema: lowerDataSchema(outcome.checked) };
}

const example = (name: string) => readFileSync(new URL(`examples/${name}/model.em`, root), 'utf8');

function inputsOf(program: ScaleMixtureProgram, schema: DataSchema, raw: object) {
  const bound = bindData(sampleInputSchema(program, schema), raw, {});
  if (!bound.value) throw new Error(JSON.stringify(bound.problems));
  return bound.value;
}

const within = (value: number, expected: number, se: number, what: string) =>
  expect(Math.abs(value - expected), `${what}: ${value} vs ${expected} (4 SE = ${4 * se})`).toBeLessThanOrEqual(4 * se);

/** Checks u | k ~ Gamma(α, β) and √u (x − μ) | k ~ N(0, Σ) on the items of component k. */
function expectConditionals(
  x: number[][],
  u: number[],
  items: number[],
  alpha: number,
  beta: number,
  mu: number[],
  sigma: number[][],
): void {
  const n = items.length;
  const meanU = items.reduce((a, i) => a + u[i]!, 0) / n;
  within(meanU, alpha / beta, Math.sqrt(alpha / beta ** 2 / n), 'E[u]');
  const d = mu.length;
  const r = items.map((i) => x[i]!.map((v, j) => Math.sqrt(u[i]!) * (v - mu[j]!)));
  for (let j = 0; j < d; j++) {
    const v = sigma[j]![j]!;
    const mean = r.reduce((a, row) => a + row[j]!, 0) / n;
    const s2 = r.reduce((a, row) => a + (row[j]! - mean) ** 2, 0) / (n - 1);
    within(mean, 0, Math.sqrt(v / n), `mean of √u (x − μ)[${j}]`);
    within(s2, v, v * Math.sqrt(2 / (n - 1)), `variance of √u (x − μ)[${j}]`);
  }
  if (d >= 2) {
    const c = r.reduce((a, row) => a + row[0]! * row[1]!, 0) / n;
    const s = sigma as [[number, number], [number, number]];
    within(c, s[0][1], Math.sqrt((s[0][0] * s[1][1] + s[0][1] ** 2) / n), 'covariance of √u (x − μ)[0, 1]');
  }
}

describe('sampling a mixture of Student-t (examples/t-mixture)', () => {
  const { program, schema } = load(example('t-mixture'));
  const params = {
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
  };
  const nu = [4, 12];
  const inputs = inputsOf(program, schema, { nu });
  const sample = sampleScaleMixture(program, schema, params, { seed: 3, sizes: { N: 8000 }, inputs });
  const x = sample.data.x as number[][];
  const z = sample.latents.z!;
  const u = sample.latents.u!;

  it('component frequencies, precisions and observations match the params (4 SEs)', () => {
    expect(x).toHaveLength(8000);
    expect(sample.data.nu).toEqual(nu);
    for (let k = 0; k < 2; k++) {
      const items = z.flatMap((zk, i) => (zk === k ? [i] : []));
      const w = params.w[k]!;
      within(items.length / 8000, w, Math.sqrt((w * (1 - w)) / 8000), `w[${k}]`);
      expectConditionals(x, u, items, nu[k]! / 2, nu[k]! / 2, params.mu[k]!, params.Sigma[k]!);
    }
  });

  it('the same seed gives the same bits; another seed differs; sampleAnyProgram is the same sampler', () => {
    const again = sampleAnyProgram(program, schema, params, { seed: 3, sizes: { N: 8000 }, inputs });
    expect(again).toEqual(sample);
    const other = sampleScaleMixture(program, schema, params, { seed: 4, sizes: { N: 8000 }, inputs });
    expect(other.data.x).not.toEqual(x);
  });

  it('round trip: the sample, ν echoed, binds as data and fits', () => {
    const small = sampleScaleMixture(program, schema, params, { seed: 1, sizes: { N: 300 }, inputs });
    const bound = bindData(schema, JSON.parse(JSON.stringify(small.data)), {});
    expect(bound.value, JSON.stringify(bound.problems)).toBeDefined();
    const fit = fitAnyProgram(program, bound.value!, { seed: 1, restarts: 1, maxIter: 20 });
    expect(Number.isFinite(fit.result.logLik)).toBe(true);
  });

  it('without ν (data it reads but does not draw) it is a SampleError', () => {
    expect(() => sampleScaleMixture(program, schema, params, { sizes: { N: 5 } })).toThrow(SampleError);
    expect(() => sampleScaleMixture(program, schema, params, { sizes: { N: 5 } })).toThrow(
      /data 'nu' is needed to sample: give it with --data FILE/,
    );
  });
});

describe('sampling a Student-t written as a scale mixture (examples/student-t-scale-mixture)', () => {
  const { program, schema } = load(example('student-t-scale-mixture'));
  const params = {
    mu: [1, -1, 0.5],
    Sigma: [
      [1, 0.2, 0],
      [0.2, 0.7, -0.1],
      [0, -0.1, 1.5],
    ],
  };
  it('precisions and observations match the params (4 SEs)', () => {
    const inputs = inputsOf(program, schema, { nu: 6 });
    const s = sampleScaleMixture(program, schema, params, { seed: 8, sizes: { N: 6000 }, inputs });
    expect(s.sizes.D).toBe(3);
    const u = s.latents.u!;
    expect(Object.keys(s.latents)).toEqual(['u']);
    expectConditionals(s.data.x as number[][], u, [...u.keys()], 3, 3, params.mu, params.Sigma);
  });
});

describe('sampling a Student-t whose ν is a param', () => {
  const { program, schema } = load(`model t_nu {
  size N
  data   y[N]: real
  param  mu: real
  param  sigma: positive
  param  nu: positive
  for n in N { y[n] ~ StudentT(nu, mu, sigma) }
}
`);
  it('draws u ~ Gamma(ν/2, ν/2) and y | u ~ N(μ, σ² / u) (4 SEs)', () => {
    const s = sampleScaleMixture(program, schema, { mu: 2, sigma: 0.5, nu: 7 }, { seed: 2, sizes: { N: 6000 } });
    const y = (s.data.y as number[]).map((v) => [v]);
    const u = s.latents[program.precision]!;
    expectConditionals(y, u, [...u.keys()], 3.5, 3.5, [2], [[0.25]]);
  });
});
