/**
 * The scatter plot's geometry: the Jacobi eigen-decomposition (against the definition and a
 * closed form), the principal components of the example data against scikit-learn's PCA
 * (test/peers/report/pca.json, made by make_pca.py), projected covariances against the sample
 * covariance of the projected data, and 2σ ellipse points at Mahalanobis distance exactly 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ellipsePoints,
  meanAndCovariance,
  principalComponents,
  projectCovariance,
  projectPoint,
  symmetricEigen,
} from '../../packages/cli/src/report/plot-geometry.js';

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

interface PeerPca {
  readonly data: string;
  readonly explainedVarianceRatio: number[];
  readonly components: number[][];
  readonly firstProjected: number[][];
}
const peer = readJson('test/peers/report/pca.json') as { datasets: Record<string, PeerPca> };

describe('symmetricEigen', () => {
  it('finds 3 and 1 for [[2, 1], [1, 2]], with axes along the diagonals', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]![0]! * vectors[0]![1]!).toBeGreaterThan(0);
  });

  it('satisfies A v = λ v with orthonormal v for a 5×5 matrix', () => {
    // B Bᵀ of a fixed B: symmetric positive semi-definite.
    const b = [
      [1, 2, 0, -1, 3],
      [0.5, -1, 2, 1, 0],
      [2, 0, 1, 1, -2],
      [-1, 1, 1, 0, 1],
      [0, 3, -1, 2, 1],
    ];
    const a = b.map((r) => b.map((s) => r.reduce((acc, x, k) => acc + x * s[k]!, 0)));
    const { values, vectors } = symmetricEigen(a);
    for (let i = 0; i < 5; i++) {
      const v = vectors[i]!;
      for (let r = 0; r < 5; r++) {
        const av = a[r]!.reduce((acc, x, k) => acc + x * v[k]!, 0);
        expect(av).toBeCloseTo(values[i]! * v[r]!, 10);
      }
      for (let j = 0; j < 5; j++) {
        const dot = v.reduce((acc, x, k) => acc + x * vectors[j]![k]!, 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    for (let i = 1; i < 5; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    // The trace is the sum of the eigenvalues.
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(
      a.reduce((s, r, i) => s + r[i]!, 0),
      10,
    );
  });
});

describe('principalComponents against scikit-learn', () => {
  for (const [name, ref] of Object.entries(peer.datasets)) {
    it(`${name}: explained variance, axes (up to sign) and projected points`, () => {
      const x = (readJson(ref.data) as { x: number[][] }).x;
      const pca = principalComponents(x);
      for (const i of [0, 1] as const) {
        expect(pca.explained![i]).toBeCloseTo(ref.explainedVarianceRatio[i]!, 12);
        const sign = Math.sign(pca.axes[i].reduce((s, v, j) => s + v * ref.components[i]![j]!, 0));
        for (let j = 0; j < x[0]!.length; j++) expect(sign * pca.axes[i][j]!).toBeCloseTo(ref.components[i]![j]!, 10);
        for (let n = 0; n < 5; n++)
          expect(sign * projectPoint(pca, x[n]!)[i]).toBeCloseTo(ref.firstProjected[n]![i]!, 9);
      }
    });
  }

  it('projects the data covariance to the covariance of the projected data', () => {
    const x = (readJson('examples/iris-gmm/data.json') as { x: number[][] }).x;
    const pca = principalComponents(x);
    const projected = projectCovariance(pca, meanAndCovariance(x).cov);
    const direct = meanAndCovariance(x.map((r) => projectPoint(pca, r))).cov;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(projected[i]![j]).toBeCloseTo(direct[i]![j]!, 10);
    expect(projected[0]![1]).toBeCloseTo(0, 10);
  });
});

describe('ellipsePoints', () => {
  it('puts every point at Mahalanobis distance 2 from the mean, and closes the curve', () => {
    const cov = [
      [0.0692, 0.4351],
      [0.4351, 33.697],
    ];
    const mean: [number, number] = [2.04, 54.5];
    const points = ellipsePoints(mean, cov, 2, 64);
    expect(points).toHaveLength(65);
    const det = cov[0]![0]! * cov[1]![1]! - cov[0]![1]! * cov[1]![0]!;
    for (const [x, y] of points) {
      const dx = x - mean[0];
      const dy = y - mean[1];
      const d2 = (cov[1]![1]! * dx * dx - 2 * cov[0]![1]! * dx * dy + cov[0]![0]! * dy * dy) / det;
      expect(d2).toBeCloseTo(4, 9);
    }
    expect(points[64]![0]).toBeCloseTo(points[0]![0], 12);
    expect(points[64]![1]).toBeCloseTo(points[0]![1], 12);
  });
});
