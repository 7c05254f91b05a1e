/**
 * The MvStudentT distribution: a heavy-tailed real vector with degrees of freedom nu, location
 * and scale matrix; an MvNormal whose precision is scaled by a Gamma(nu/2, nu/2) latent, which
 * is also how it is sampled. Not an exponential family: EM fits it through that scale mixture.
 */
import { mahalanobis } from '../math/cholesky.js';
import { lgamma } from '../math/special.js';
import { sampleGamma, sampleMvNormalChol } from '../random/continuous.js';
import { factorCovariance, num, vec } from './fit-helpers.js';
import type { NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const nu = num(params[0]);
  const mean = vec(params[1]);
  const d = mean.length;
  if (!(nu > 0) || nu === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (typeof x === 'number' || x.length !== d) return Number.NEGATIVE_INFINITY;
  const f = factorCovariance(vec(params[2]), d);
  if (!f) return Number.NEGATIVE_INFINITY;
  const q = mahalanobis(x, 0, mean, 0, f.chol, d, new Float64Array(d));
  if (!Number.isFinite(q)) return Number.NEGATIVE_INFINITY;
  return (
    lgamma((nu + d) / 2) -
    lgamma(nu / 2) -
    (d / 2) * Math.log(nu * Math.PI) -
    0.5 * f.logDet -
    ((nu + d) / 2) * Math.log1p(q / nu)
  );
}

export const mvStudentT: DistributionSpec = {
  name: 'MvStudentT',
  description: 'A heavy-tailed real vector with degrees of freedom nu, location and scale matrix.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom' },
    { name: 'mean', type: 'real[D]', description: 'location vector' },
    { name: 'scale', type: 'cov[D]', description: 'scale matrix' },
  ],
  support: 'real[D]',
  elementwise: false,
  scaleMixture: { of: 'MvNormal', mixing: 'Gamma', dof: 'nu' },
  numerics: {
    eventSize: (params) => vec(params[1]).length,
    logDensity,
    sample(rng, params, out) {
      const nu = num(params[0]);
      const mean = vec(params[1]);
      const d = mean.length;
      const f = factorCovariance(vec(params[2]), d);
      if (!f) throw new RangeError('MvStudentT: the scale is not symmetric positive definite');
      const x = out ?? new Float64Array(d);
      const u = sampleGamma(rng, nu / 2, nu / 2);
      sampleMvNormalChol(rng, new Float64Array(d), f.chol, d, x, new Float64Array(d));
      const r = 1 / Math.sqrt(u);
      for (let i = 0; i < d; i++) x[i] = mean[i]! + r * x[i]!;
      return x;
    },
  },
};
