/**
 * The InvWishart distribution: a covariance matrix, the conjugate prior of a Normal covariance.
 * Density (nu > D − 1): |Ψ|^(ν/2) / (2^(νD/2) Γ_D(ν/2)) |X|^(−(ν+D+1)/2) exp(−½ tr(Ψ X⁻¹)).
 * Sampled as the inverse of a Wishart(ν, Ψ⁻¹) draw by the Bartlett decomposition:
 * X = (C A⁻ᵀ)(C A⁻ᵀ)ᵀ with Ψ = C Cᵀ and A the Bartlett factor.
 */
import { solveLower } from '../math/cholesky.js';
import { lmvgamma } from '../math/special.js';
import { sampleChiSquare, sampleStdNormal } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import { factorCovariance, num, vec } from './fit-helpers.js';
import type { NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

/** D from a D·D row-major matrix, or NaN when the length is not a square. */
function sideOf(m: Float64Array): number {
  const d = Math.round(Math.sqrt(m.length));
  return d * d === m.length && d > 0 ? d : Number.NaN;
}

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const nu = num(params[0]);
  const psi = vec(params[1]);
  const d = sideOf(psi);
  if (typeof x === 'number' || x.length !== psi.length || !(nu > d - 1)) return Number.NEGATIVE_INFINITY;
  const fx = factorCovariance(x, d);
  const fpsi = factorCovariance(psi, d);
  if (!fx || !fpsi) return Number.NEGATIVE_INFINITY;
  // tr(Ψ X⁻¹) = ‖L⁻¹ C‖²_F with X = L Lᵀ and Ψ = C Cᵀ.
  const col = new Float64Array(d);
  let trace = 0;
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) col[i] = fpsi.chol[i * d + j]!;
    solveLower(fx.chol, d, col);
    for (let i = 0; i < d; i++) trace += col[i]! * col[i]!;
  }
  return (
    (nu / 2) * fpsi.logDet -
    ((nu * d) / 2) * Math.LN2 -
    lmvgamma(nu / 2, d) -
    ((nu + d + 1) / 2) * fx.logDet -
    0.5 * trace
  );
}

function sample(rng: RandomStream, params: readonly NumericValue[], out?: Float64Array): Float64Array {
  const nu = num(params[0]);
  const psi = vec(params[1]);
  const d = sideOf(psi);
  const f = factorCovariance(psi, d);
  if (!f || !(nu > d - 1)) throw new RangeError('InvWishart: the scale is not positive definite or nu ≤ D − 1');
  // Bartlett factor A (lower), then its inverse column by column.
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    a[i * d + i] = Math.sqrt(sampleChiSquare(rng, nu - i));
    for (let j = 0; j < i; j++) a[i * d + j] = sampleStdNormal(rng);
  }
  const aInv = new Float64Array(d * d);
  const col = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    col.fill(0);
    col[j] = 1;
    solveLower(a, d, col);
    for (let i = 0; i < d; i++) aInv[i * d + j] = col[i]!;
  }
  // T = C A⁻ᵀ, X = T Tᵀ.
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += f.chol[i * d + k]! * aInv[j * d + k]!;
      t[i * d + j] = s;
    }
  }
  const x = out ?? new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += t[i * d + k]! * t[j * d + k]!;
      x[i * d + j] = s;
      x[j * d + i] = s;
    }
  }
  return x;
}

export const invWishart: DistributionSpec = {
  name: 'InvWishart',
  description: 'A covariance matrix, the conjugate prior of a Normal covariance.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom (greater than D − 1)' },
    { name: 'scale', type: 'cov[D]', description: 'scale matrix' },
  ],
  support: 'cov[D]',
  elementwise: false,
  numerics: {
    eventSize: (params) => vec(params[1]).length,
    logDensity,
    sample,
  },
};
