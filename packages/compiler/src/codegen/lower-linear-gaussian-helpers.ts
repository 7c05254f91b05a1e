// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * The helpers a generated linear-Gaussian factor fitter (FA, PPCA, mixtures of factor analysers)
 * inlines in both forms, as verbatim source: the runtime's own code (linear-gaussian/dense.ts,
 * term-update.ts, initialize.ts, factor-model.ts) and the two ml-matrix routines it calls
 * (the symmetric eigendecomposition tred2 + tql2 behind `EigenvalueDecomposition`, the LU
 * solve behind `solve`), ported operation for operation — ml-matrix's storage order included —
 * so that a generated fitter starts from and updates to the same bits as `emforge fit`, and a
 * standalone one still imports nothing.
 */
import type { StatementStructure } from './fitter-source.js';

const eigen = `/**
 * Eigenvalues and eigenvectors of a symmetric matrix: ml-matrix's \`EigenvalueDecomposition\`
 * (Householder tridiagonalisation tred2, then the QL iteration tql2, from JAMA), the same
 * operations in the same order. The vectors stay in the storage ml-matrix works in:
 * \`vectors[j * n + i]\` is entry i of the eigenvector of \`values[j]\`.
 * @param a shape [n, n], symmetric (read only)
 */
function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v[j * n + i] = a[i * n + j]!;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, e, d, v);
  tql2(n, e, d, v);
  return { values: d, vectors: v };
}

/** sqrt(a² + b²) without overflow (ml-matrix's \`hypotenuse\`). */
function hypotenuse(a: number, b: number): number {
  let r = 0;
  if (Math.abs(a) > Math.abs(b)) {
    r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}

/** Householder reduction of the symmetric matrix in v to tridiagonal form (d: diagonal, e: off-diagonal). */
function tred2(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  let f = 0, g = 0, h = 0, i = 0, j = 0, k = 0, hh = 0, scale = 0;
  for (j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1]!;
  }
  for (i = n - 1; i > 0; i--) {
    scale = 0;
    h = 0;
    for (k = 0; k < i; k++) {
      scale = scale + Math.abs(d[k]!);
    }
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      f = d[i - 1]!;
      g = Math.sqrt(h);
      if (f > 0) {
        g = -g;
      }
      e[i] = scale * g;
      h = h - f * g;
      d[i - 1] = f - g;
      for (j = 0; j < i; j++) {
        e[j] = 0;
      }
      for (j = 0; j < i; j++) {
        f = d[j]!;
        v[i * n + j] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (k = j + 1; k <= i - 1; k++) {
          g += v[j * n + k]! * d[k]!;
          e[k]! += v[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      hh = f / (h + h);
      for (j = 0; j < i; j++) {
        e[j]! -= hh * d[j]!;
      }
      for (j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (k = j; k <= i - 1; k++) {
          v[j * n + k] = v[j * n + k]! - (f * e[k]! + g * d[k]!);
        }
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i]!;
    v[i * n + i] = 1;
    h = d[i + 1]!;
    if (h !== 0) {
      for (k = 0; k <= i; k++) {
        d[k] = v[(i + 1) * n + k]! / h;
      }
      for (j = 0; j <= i; j++) {
        g = 0;
        for (k = 0; k <= i; k++) {
          g += v[(i + 1) * n + k]! * v[j * n + k]!;
        }
        for (k = 0; k <= i; k++) {
          v[j * n + k] = v[j * n + k]! - g * d[k]!;
        }
      }
    }
    for (k = 0; k <= i; k++) {
      v[(i + 1) * n + k] = 0;
    }
  }
  for (j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1]!;
    v[j * n + n - 1] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Eigenvalues (d) and eigenvectors (v) of the tridiagonal matrix by the implicit QL method, sorted ascending. */
function tql2(n: number, e: Float64Array, d: Float64Array, v: Float64Array): void {
  let g = 0, h = 0, i = 0, j = 0, k = 0, l = 0, m = 0, p = 0, r = 0, dl1 = 0, c = 0, c2 = 0, c3 = 0, el1 = 0, s = 0, s2 = 0, iter = 0;
  for (i = 1; i < n; i++) {
    e[i - 1] = e[i]!;
  }
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) {
        break;
      }
      m++;
    }
    if (m > l) {
      iter = 0;
      do {
        iter = iter + 1;
        g = d[l]!;
        p = (d[l + 1]! - g) / (2 * e[l]!);
        r = hypotenuse(p, 1);
        if (p < 0) {
          r = -r;
        }
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        dl1 = d[l + 1]!;
        h = g - d[l]!;
        for (i = l + 2; i < n; i++) {
          d[i]! -= h;
        }
        f = f + h;
        p = d[m]!;
        c = 1;
        c2 = c;
        c3 = c;
        el1 = e[l + 1]!;
        s = 0;
        s2 = 0;
        for (i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypotenuse(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (k = 0; k < n; k++) {
            h = v[(i + 1) * n + k]!;
            v[(i + 1) * n + k] = s * v[i * n + k]! + c * h;
            v[i * n + k] = c * v[i * n + k]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  for (i = 0; i < n - 1; i++) {
    k = i;
    p = d[i]!;
    for (j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      for (j = 0; j < n; j++) {
        p = v[i * n + j]!;
        v[i * n + j] = v[k * n + j]!;
        v[k * n + j] = p;
      }
    }
  }
}
`;

const solveRight = `/**
 * X with X A = B for a symmetric A (p × p) and B (r × p): Aᵀ Xᵀ = Bᵀ solved by ml-matrix's
 * \`LuDecomposition\` (partial pivoting), the same operations as the runtime's mstep/linalg.ts.
 * @param a shape [p, p]
 * @param b shape [r, p]
 * @returns shape [r, p]
 */
function solveRight(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const r = b.length / p;
  const lu = a.slice();
  const pivot = new Float64Array(p);
  for (let i = 0; i < p; i++) pivot[i] = i;
  const column = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < p; i++) column[i] = lu[i * p + j]!;
    for (let i = 0; i < p; i++) {
      const kmax = Math.min(i, j);
      let s = 0;
      for (let k = 0; k < kmax; k++) s += lu[i * p + k]! * column[k]!;
      column[i]! -= s;
      lu[i * p + j] = column[i]!;
    }
    let q = j;
    for (let i = j + 1; i < p; i++) if (Math.abs(column[i]!) > Math.abs(column[q]!)) q = i;
    if (q !== j) {
      for (let k = 0; k < p; k++) {
        const t = lu[q * p + k]!;
        lu[q * p + k] = lu[j * p + k]!;
        lu[j * p + k] = t;
      }
      const v = pivot[q]!;
      pivot[q] = pivot[j]!;
      pivot[j] = v;
    }
    if (j < p && lu[j * p + j]! !== 0) for (let i = j + 1; i < p; i++) lu[i * p + j] = lu[i * p + j]! / lu[j * p + j]!;
  }
  for (let j = 0; j < p; j++) if (lu[j * p + j] === 0) throw new Error('LU matrix is singular');
  // X (p × r) = the rows of Bᵀ in pivot order
  const x = new Float64Array(p * r);
  for (let i = 0; i < p; i++) for (let j = 0; j < r; j++) x[i * r + j] = b[j * p + pivot[i]!]!;
  for (let k = 0; k < p; k++)
    for (let i = k + 1; i < p; i++) for (let j = 0; j < r; j++) x[i * r + j] = x[i * r + j]! - x[k * r + j]! * lu[i * p + k]!;
  for (let k = p - 1; k >= 0; k--) {
    for (let j = 0; j < r; j++) x[k * r + j] = x[k * r + j]! / lu[k * p + k]!;
    for (let i = 0; i < k; i++) for (let j = 0; j < r; j++) x[i * r + j] = x[i * r + j]! - x[k * r + j]! * lu[i * p + k]!;
  }
  const out = new Float64Array(r * p);
  for (let i = 0; i < r; i++) for (let j = 0; j < p; j++) out[i * p + j] = x[j * r + i]!;
  return out;
}`;

const choleskyWithRidge = `/**
 * Factors a copy of a symmetric positive-definite A into \`chol\`, adding a growing ridge to the
 * diagonal (from \`ridge\`, ×10 up to 12 times) when A is not numerically positive definite.
 * @returns the ridge that was needed (0 when none), or -1 when no ridge helped
 */
function choleskyWithRidge(a: ArrayLike<number>, chol: Float64Array, d: number, ridge: number): number {
  let added = 0;
  for (let attempt = 0; attempt < 13; attempt++) {
    for (let i = 0; i < d * d; i++) chol[i] = a[i]!;
    if (cholesky(chol, d, added)) return added;
    added = attempt === 0 ? Math.max(ridge, 1e-12) : added * 10;
  }
  return -1;
}`;

const termStats = `/**
 * Expected sufficient statistics of x on the augmented regressor ẑ = (f, 1) for one state:
 * syy = Σ r E[x xᵀ] [d, d], syz = Σ r x E[ẑ]ᵀ [d, p], szz = Σ r E[ẑ ẑᵀ] [p, p] (p = l + 1), n = Σ r.
 */
interface TermStats {
  readonly syy: Float64Array;
  readonly syz: Float64Array;
  readonly szz: Float64Array;
  n: number;
}

/**
 * The free columns of Z = [B b] (shape [d, p]) regressed on the statistics, in place:
 *   Z_F = (Syz_F − Z_K Szz_KF) Szz_FF⁻¹ (both free: [B b] = Syz Szz⁻¹).
 */
function regressFreeColumns(stats: TermStats, z: Float64Array, free: readonly boolean[], d: number, p: number): void {
  const F = free.flatMap((f, j) => (f ? [j] : []));
  const K = free.flatMap((f, j) => (f ? [] : [j]));
  if (F.length === 0) return;
  const f = F.length;
  const a = new Float64Array(f * f);
  const rhs = new Float64Array(d * f);
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) a[i * f + j] = stats.szz[F[i]! * p + F[j]!]!;
  for (let r = 0; r < d; r++)
    for (let j = 0; j < f; j++) {
      let s = stats.syz[r * p + F[j]!]!;
      for (const k of K) s -= z[r * p + k]! * stats.szz[k * p + F[j]!]!;
      rhs[r * f + j] = s;
    }
  const solved = solveRight(a, rhs, f);
  for (let r = 0; r < d; r++) for (let j = 0; j < f; j++) z[r * p + F[j]!] = solved[r * f + j]!;
}

/** The expected residual scatter S = Syy − Syz Zᵀ − Z Syzᵀ + Z Szz Zᵀ at Z (shape [d, p]), added into \`out\` [d, d]. */
function addResidualScatter(stats: TermStats, z: Float64Array, out: Float64Array, d: number, p: number): void {
  const zs = new Float64Array(d * p); // Z Szz
  for (let i = 0; i < d; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += z[i * p + k]! * stats.szz[k * p + j]!;
      zs[i * p + j] = s;
    }
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = stats.syy[i * d + j]!;
      for (let k = 0; k < p; k++)
        s +=
          -stats.syz[i * p + k]! * z[j * p + k]! -
          z[i * p + k]! * stats.syz[j * p + k]! +
          zs[i * p + k]! * z[j * p + k]!;
      out[i * d + j]! += s;
    }
}`;

const initHelpers = `/** Mean and covariance (divided by the total weight) of the rows of x whose weight is non-zero. */
function moments(x: Float64Array, d: number, rows: number, weight: (i: number) => number) {
  const mean = new Float64Array(d);
  const cov = new Float64Array(d * d);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weight(i);
    if (w === 0) continue;
    total += w;
    for (let a = 0; a < d; a++) mean[a]! += w * x[i * d + a]!;
  }
  for (let a = 0; a < d; a++) mean[a]! /= total;
  for (let i = 0; i < rows; i++) {
    const w = weight(i);
    if (w === 0) continue;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        cov[a * d + b]! += (w * (x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!)) / total;
  }
  return { mean, cov, total };
}

/**
 * Loadings from the leading eigenvectors of a covariance, as the PPCA solution
 * W = U_L (Λ_L − σ² I)^½ with σ² the mean of the other eigenvalues (a tenth of the mean when
 * none), each entry jittered by the run's stream so that restarts start apart.
 */
function leadingLoadings(cov: Float64Array, d: number, l: number, rng: RandomStream) {
  const evd = symmetricEigen(cov, d);
  const order = Array.from(evd.values, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const rest = order.slice(l).map(([v]) => v);
  const meanAll = order.reduce((s, [v]) => s + Math.max(v, 0), 0) / d;
  const sigma2 = Math.max(
    rest.length > 0 ? rest.reduce((a, b) => a + b, 0) / rest.length : 0.1 * meanAll,
    1e-3 * meanAll,
    1e-12,
  );
  const w = new Float64Array(d * l);
  for (let j = 0; j < Math.min(l, d); j++) {
    const [value, index] = order[j]!;
    const scale = Math.sqrt(Math.max(value - sigma2, 0.1 * sigma2));
    for (let i = 0; i < d; i++)
      w[i * l + j] = evd.vectors[index * d + i]! * scale + (0.1 * scale * sampleStdNormal(rng)) / Math.sqrt(d);
  }
  return { w, sigma2 };
}

/** The variance of coordinate i that loadings w leave unexplained in cov (at least a tenth of it). */
function unexplained(cov: Float64Array, w: Float64Array, d: number, l: number, i: number): number {
  let s = 0;
  for (let j = 0; j < l; j++) s += w[i * l + j]! ** 2;
  return Math.max(cov[i * d + i]! - s, 0.1 * cov[i * d + i]!, 1e-12);
}`;

const floored = `const warnedFloor = new WeakSet<object>();

/** Warns once per run (each run has its own stream) that a noise variance hit the floor: a Heywood case. */
function floored(ctx: EmStepContext, floor: number): void {
  if (warnedFloor.has(ctx.rng)) return;
  warnedFloor.add(ctx.rng);
  ctx.warn(
    \`iteration \${ctx.iteration}: a noise variance reached the floor regCovar = \${floor} (a Heywood case): \` +
      'the variable is explained by the factors alone; consider fewer factors',
  );
}`;

/** The helpers, as raw statements, for the features a factor fitter has. */
export function factorHelpers(): StatementStructure[] {
  return [
    { kind: 'raw', name: 'symmetricEigen', text: eigen },
    { kind: 'raw', name: 'solveRight', text: solveRight },
    { kind: 'raw', name: 'choleskyWithRidge', text: choleskyWithRidge },
    { kind: 'raw', name: 'termStats', text: termStats },
    { kind: 'raw', name: 'initHelpers', text: initHelpers },
    { kind: 'raw', name: 'floored', text: floored },
  ];
}
