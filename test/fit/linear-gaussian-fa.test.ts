/**
 * Factor analysis against R's factanal (maximum likelihood; fixture test/peers/factanal/,
 * made by make_factanal.R on R's built-in `attitude` and `swiss` data). factanal fits the
 * correlation matrix, and the ML solution is scale-equivariant, so our fit on the raw data is
 * converted with the maximum-likelihood moments of each column (dividing by N):
 *   uniqueness[d] = psi[d]² / var[d],   loadings = diag(1 / sd) W,
 * and loadings are compared up to rotation through L Lᵀ. The minimised ML discrepancy
 *   F = log|Σ| + tr(Σ⁻¹ S) − log|S| − D  (scale-free)
 * follows from our log-likelihood as F = −2ℓ/N − D log 2π − log|S| − D.
 */
import { readFileSync } from 'node:fs';
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

interface FactanalCase {
  readonly name: string;
  readonly factors: number;
  readonly uniquenesses: number[];
  readonly LLt: number[][];
  readonly objective: number;
  readonly x: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('test/peers/factanal/factanal.json', root), 'utf8')) as {
  cases: FactanalCase[];
};
const model = readExample('factor-analysis').model;

/** log |S| of the ML covariance, by Cholesky (S is small and positive definite here). */
function logDet(s: number[][]): number {
  const d = s.length;
  const l = s.map((r) => [...r]);
  let out = 0;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) l[j]![j]! -= l[j]![k]! ** 2;
    const ljj = Math.sqrt(l[j]![j]!);
    out += 2 * Math.log(ljj);
    l[j]![j] = ljj;
    for (let i = j + 1; i < d; i++) {
      for (let k = 0; k < j; k++) l[i]![j]! -= l[i]![k]! * l[j]![k]!;
      l[i]![j]! /= ljj;
    }
  }
  return out;
}

/**
 * The likelihood is very flat along some uniquenesses (attitude_2's `advance` moves by 1e-5 for
 * a change of 1e-10 in ℓ), so a stop on the relative change of ℓ can end far from the optimum:
 * the fits run a fixed number of iterations instead (tol 0), SQUAREM-accelerated, or plain EM
 * where it converges quickly (and SQUAREM never lowers ℓ, so the fit is still monotone).
 */
const runs = fixture.cases.map((c) => ({
  ...c,
  options: c.name === 'swiss_1' ? { maxIter: 3000 } : { maxIter: 400, accelerate: 'squarem' as const },
}));

describe('factor analysis against R factanal (ML)', () => {
  it.each(runs)('$name', (c) => {
    const { result } = fitAny(model, { x: c.x }, { seed: 1, tol: 0, ...c.options }, { L: c.factors });
    const n = c.x.length;
    const d = c.x[0]!.length;
    const mean = Array.from({ length: d }, (_, j) => c.x.reduce((s, r) => s + r[j]!, 0) / n);
    const cov = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => c.x.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / n),
    );
    const sd = cov.map((r, i) => Math.sqrt(r[i]!));
    const W = result.params.W as number[][];
    const psi = result.params.psi as number[];
    const uniq = psi.map((p, i) => (p * p) / cov[i]![i]!);
    for (let i = 0; i < d; i++) expect(uniq[i]!, `uniqueness ${i}`).toBeCloseTo(c.uniquenesses[i]!, 7);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let llt = 0;
        for (let a = 0; a < c.factors; a++) llt += (W[i]![a]! / sd[i]!) * (W[j]![a]! / sd[j]!);
        expect(llt, `L Lᵀ[${i}][${j}]`).toBeCloseTo(c.LLt[i]![j]!, 7);
      }
    const F = (-2 * result.logLik) / n - d * Math.log(2 * Math.PI) - logDet(cov) - d;
    expect(F).toBeCloseTo(c.objective, 9);
    expect(F).toBeLessThanOrEqual(c.objective + 1e-12);
    expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
  });
});

describe('factor analysis: EM never decreases the log-likelihood', () => {
  it.each(fixture.cases)('$name, several seeds', (c) => {
    for (const seed of [1, 2, 3, 4]) {
      const { result } = fitAny(model, { x: c.x }, { seed, maxIter: 200, tol: 0 }, { L: c.factors });
      for (let t = 1; t < result.history.length; t++)
        expect(result.history[t]! - result.history[t - 1]!, `seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(
          -1e-12 * Math.abs(result.history[t - 1]!),
        );
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
    }
  });
});

describe('linear-Gaussian models the executor does not run', () => {
  it.each([
    ['a param in the prior of the factors', 'f[n] ~ MvNormal(m, eye(L))', 'param  m: real[L]'],
    ['two latent terms', 'x[n] ~ Normal(W * f[n] + W * f[n], psi)', ''],
  ])('%s: E5001 naming the obstacle', (_, statement, extra) => {
    const text = model
      .replace(/f\[n\] ~ MvNormal\(zeros\(L\), eye\(L\)\)/, statement.startsWith('f') ? statement : '$&')
      .replace(/x\[n\] ~ Normal\(mu \+ W \* f\[n\], psi\)/, statement.startsWith('x') ? statement : '$&')
      .replace('param  psi: positive[D]', `param  psi: positive[D]\n  ${extra}`);
    const outcome = planSource(new SourceFile('model.em', text));
    expect(outcome.plan?.latents.map((l) => l.strategy)).toEqual(['gaussian']);
    const lowered = lowerProgram(outcome);
    expect(lowered.value).toBeUndefined();
    expect(lowered.diagnostics.map((d) => d.code)).toEqual(['E5001']);
  });
});
