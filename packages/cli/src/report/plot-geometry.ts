/**
 * The geometry behind the mixture scatter plot: a symmetric eigen-decomposition (cyclic Jacobi,
 * fine for the few dimensions a report plots), the first two principal components of the data,
 * projecting means and covariances onto them, and the points of a component's 2σ ellipse.
 * Matrices are plain row-major `number[][]`; nothing here is a hot loop.
 */

export interface SymmetricEigen {
  /** Eigenvalues in decreasing order. */
  readonly values: number[];
  /** `vectors[i]` is the unit eigenvector of `values[i]`. */
  readonly vectors: number[][];
}

/** Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): SymmetricEigen {
  const d = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < d; i++) {
      scale += a[i]![i]! ** 2;
      for (let j = i + 1; j < d; j++) off += a[i]![j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
}

/** A 2-D view of D-dimensional data: the centre and two orthonormal axes. */
export interface Projection {
  readonly center: readonly number[];
  /** Two unit vectors of length D (the first two principal directions, or the first two axes). */
  readonly axes: readonly [readonly number[], readonly number[]];
  /** Share of the total variance along each axis (PCA only). */
  readonly explained?: readonly [number, number];
}

/** Mean and covariance (divided by n) of the rows. */
export function meanAndCovariance(rows: readonly (readonly number[])[]): { mean: number[]; cov: number[][] } {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / rows.length;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of rows) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) cov[i]![j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / rows.length;
    }
  }
  return { mean, cov };
}

/** The first two principal components of the rows (D ≥ 2), with the share of variance of each. */
export function principalComponents(rows: readonly (readonly number[])[]): Projection {
  const { mean, cov } = meanAndCovariance(rows);
  const eig = symmetricEigen(cov);
  const total = eig.values.reduce((s, x) => s + Math.max(x, 0), 0) || 1;
  // A fixed sign (largest entry positive) so the same data always gives the same picture.
  const axis = (i: number) => {
    const v = eig.vectors[i]!;
    let big = 0;
    for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    return v[big]! < 0 ? v.map((x) => -x) : v;
  };
  return {
    center: mean,
    axes: [axis(0), axis(1)],
    explained: [Math.max(eig.values[0]!, 0) / total, Math.max(eig.values[1]!, 0) / total],
  };
}

/** The coordinates of a point in the projection's plane. */
export function projectPoint(p: Projection, x: readonly number[]): [number, number] {
  let a = 0;
  let b = 0;
  for (let j = 0; j < x.length; j++) {
    const c = x[j]! - p.center[j]!;
    a += c * p.axes[0][j]!;
    b += c * p.axes[1][j]!;
  }
  return [a, b];
}

/** P Σ Pᵀ: the 2×2 covariance of the projection of a vector with covariance Σ. */
export function projectCovariance(p: Projection, cov: readonly (readonly number[])[]): number[][] {
  const out = [
    [0, 0],
    [0, 0],
  ];
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let i = 0; i < cov.length; i++) {
        for (let j = 0; j < cov.length; j++) s += p.axes[r]![i]! * cov[i]![j]! * p.axes[c]![j]!;
      }
      out[r]![c] = s;
    }
  }
  return out;
}

/**
 * `count + 1` points (closed) on the ellipse {m + x : xᵀ Σ⁻¹ x = radius²} of a 2×2 covariance:
 * at radius 2 it is the 2σ contour of a bivariate normal.
 */
export function ellipsePoints(
  mean: readonly [number, number],
  cov: readonly (readonly number[])[],
  radius = 2,
  count = 64,
): [number, number][] {
  const eig = symmetricEigen(cov);
  const [u, v] = eig.vectors as [number[], number[]];
  const a = radius * Math.sqrt(Math.max(eig.values[0]!, 0));
  const b = radius * Math.sqrt(Math.max(eig.values[1]!, 0));
  return Array.from({ length: count + 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / count;
    const ca = a * Math.cos(t);
    const sb = b * Math.sin(t);
    return [mean[0] + ca * u[0]! + sb * v[0]!, mean[1] + ca * u[1]! + sb * v[1]!];
  });
}
