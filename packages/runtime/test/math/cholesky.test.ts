/** The hand-written Cholesky kernels against reconstruction, solves and determinants computed directly. */
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyInto,
  inverseFromCholesky,
  logDetFromCholesky,
  mahalanobis,
  solveCholesky,
  solveLower,
  solveLowerTransposed,
} from '../../src/math/cholesky.js';

const d = 3;
const a = new Float64Array([4, 2, 0.6, 2, 5, 1.2, 0.6, 1.2, 3]);

function matVec(m: Float64Array, x: Float64Array): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] = out[i]! + m[i * d + j]! * x[j]!;
  return out;
}

describe('cholesky', () => {
  it('factors A = L Lᵀ with a zeroed upper triangle', () => {
    const l = new Float64Array(9);
    expect(choleskyInto(a, l, d)).toBe(true);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += l[i * d + k]! * l[j * d + k]!;
        expect(s).toBeCloseTo(a[i * d + j]!, 13);
        if (j > i) expect(l[i * d + j]).toBe(0);
      }
    }
    // det by cofactor expansion
    const det = 4 * (5 * 3 - 1.2 * 1.2) - 2 * (2 * 3 - 1.2 * 0.6) + 0.6 * (2 * 1.2 - 5 * 0.6);
    expect(logDetFromCholesky(l, d)).toBeCloseTo(Math.log(det), 13);
  });
  it('reports failure on an indefinite matrix, and the ridge rescues a singular one', () => {
    expect(cholesky(new Float64Array([1, 2, 2, 1]), 2)).toBe(false);
    expect(cholesky(new Float64Array([1, 1, 1, 1]), 2)).toBe(false);
    const s = new Float64Array([1, 1, 1, 1]);
    expect(cholesky(s, 2, 1e-6)).toBe(true);
    expect(cholesky(new Float64Array([Number.NaN, 0, 0, 1]), 2)).toBe(false);
  });
  it('solves, inverts and gives the Mahalanobis form', () => {
    const l = new Float64Array(9);
    choleskyInto(a, l, d);
    const b = new Float64Array([1, -2, 0.5]);
    const x = new Float64Array(b);
    solveCholesky(l, d, x);
    const back = matVec(a, x);
    for (let i = 0; i < d; i++) expect(back[i]).toBeCloseTo(b[i]!, 13);
    const y = new Float64Array(b);
    solveLower(l, d, y);
    solveLowerTransposed(l, d, y);
    for (let i = 0; i < d; i++) expect(y[i]).toBeCloseTo(x[i]!, 14);
    const inv = new Float64Array(9);
    inverseFromCholesky(l, d, inv, new Float64Array(d));
    const q = b.reduce((s, bi, i) => s + bi * matVec(inv, b)[i]!, 0);
    expect(mahalanobis(b, 0, new Float64Array(d), 0, l, d, new Float64Array(d))).toBeCloseTo(q, 12);
    expect(q).toBeCloseTo(
      b.reduce((s, bi, i) => s + bi * x[i]!, 0),
      12,
    );
  });
});
