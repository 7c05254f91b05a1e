/**
 * PPCA against its closed-form maximum-likelihood solution (Tipping & Bishop 1999), computed
 * here independently with ml-matrix's symmetric eigendecomposition of the ML covariance S
 * (dividing by N): σ² = the mean of the D − L discarded eigenvalues, W Wᵀ = U_L (Λ_L − σ² I) U_Lᵀ,
 * mu = the sample mean, and ℓ = −N/2 (D log 2π + log|C| + tr(C⁻¹ S)) with C = W Wᵀ + σ² I,
 * where log|C| = Σ_{j≤L} log λ_j + (D − L) log σ² and tr(C⁻¹ S) = D. On the example's real data
 * (R's `swiss`) and on a simulated set with a smaller eigengap.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

/** ml-matrix is a dependency of the runtime package, not of the root: resolve it from there. */
const mlMatrix = createRequire(new URL('packages/runtime/package.json', root))('ml-matrix') as {
  Matrix: new (rows: number[][]) => unknown;
  EigenvalueDecomposition: new (
    m: unknown,
    options: { assumeSymmetric: boolean },
  ) => { realEigenvalues: number[]; eigenvectorMatrix: { getColumn(i: number): number[] } };
};
const { EigenvalueDecomposition, Matrix } = mlMatrix;

const { model, data } = readExample('ppca');

function closedForm(x: number[][], l: number) {
  const n = x.length;
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const S = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / n),
  );
  const evd = new EigenvalueDecomposition(new Matrix(S), { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const lambda = order.map(([v]) => v);
  const sigma2 = lambda.slice(l).reduce((a, b) => a + b, 0) / (d - l);
  const U = order.slice(0, l).map(([, i]) => evd.eigenvectorMatrix.getColumn(i));
  const WWt = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => U.reduce((s, u, a) => s + u[i]! * (lambda[a]! - sigma2) * u[j]!, 0)),
  );
  const logDet = lambda.slice(0, l).reduce((s, v) => s + Math.log(v), 0) + (d - l) * Math.log(sigma2);
  const logLik = (-n / 2) * (d * Math.log(2 * Math.PI) + logDet + d);
  return { mean, sigma2, WWt, logLik };
}

/** Rows of a D-dimensional Gaussian with a given spectrum, from a fixed LCG (no runtime code involved). */
function simulated(n: number): number[][] {
  let s = 12345;
  const u = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const scales = [3, 2.2, 1.3, 1.1, 1, 0.9, 0.8];
  return Array.from({ length: n }, () => {
    const z = scales.map((c) => c * normal());
    // A fixed rotation mixes the coordinates so the principal axes are not the coordinate axes.
    return z.map((_, i) => z.reduce((acc, zj, j) => acc + Math.cos(0.7 * (i + 1) * (j + 1)) * zj, 0) + i);
  });
}

const cases = [
  { name: 'swiss (example data), L = 2', x: (data as { x: number[][] }).x, l: 2 },
  { name: 'swiss, L = 3', x: (data as { x: number[][] }).x, l: 3 },
  { name: 'simulated D = 7, L = 2', x: simulated(400), l: 2 },
];

describe('PPCA matches the closed-form eigen solution', () => {
  it.each(cases)('$name', ({ x, l }) => {
    const ref = closedForm(x, l);
    const { result, posteriors } = fitAny(
      model,
      { x },
      { seed: 3, maxIter: 300, tol: 0, accelerate: 'squarem' },
      {
        L: l,
      },
    );
    const W = result.params.W as number[][];
    const sigma = result.params.sigma as number;
    const mu = result.params.mu as number[];
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    expect(rel(sigma * sigma, ref.sigma2)).toBeLessThan(1e-8);
    for (const [i, m] of mu.entries()) expect(rel(m, ref.mean[i]!)).toBeLessThan(1e-10);
    const scale = Math.max(...ref.WWt.map((r, i) => Math.abs(r[i]!)));
    for (const [i, row] of ref.WWt.entries())
      for (const [j, v] of row.entries()) {
        const wwt = W[i]!.reduce((s, w, a) => s + w * W[j]![a]!, 0);
        expect(Math.abs(wwt - v) / scale, `W Wᵀ[${i}][${j}]`).toBeLessThan(1e-7);
      }
    expect(rel(result.logLik, ref.logLik)).toBeLessThan(1e-12);
    expect(posteriors.means?.f).toHaveLength(x.length);
  });

  it('plain EM never decreases the log-likelihood (several seeds)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { result } = fitAny(model, data, { seed, maxIter: 200, tol: 0 });
      for (let t = 1; t < result.history.length; t++)
        expect(result.history[t]! - result.history[t - 1]!).toBeGreaterThanOrEqual(
          -1e-12 * Math.abs(result.history[t - 1]!),
        );
      expect(result.warnings).toEqual([]);
    }
  });
});
