/**
 * The StudentT distribution: a heavy-tailed real value, a Normal whose precision is
 * Gamma(nu/2, nu/2)-distributed (which is also how it is sampled). Not an exponential family: EM
 * fits it through that scale mixture, so it has no weighted MLE here.
 */
import { lgamma } from '../math/special.js';
import { sampleGamma, sampleStdNormal } from '../random/continuous.js';
import { num } from './fit-helpers.js';
import type { NumericValue } from './numerics.js';
import type { DistributionSpec } from './spec.js';

function logDensity(x: NumericValue, params: readonly NumericValue[]): number {
  const nu = num(params[0]);
  const mean = num(params[1]);
  const sd = num(params[2]);
  if (!(nu > 0) || !(sd > 0) || !Number.isFinite(mean) || sd === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (typeof x !== 'number' || !Number.isFinite(x)) return Number.NEGATIVE_INFINITY;
  const z = (x - mean) / sd;
  return (
    lgamma((nu + 1) / 2) -
    lgamma(nu / 2) -
    0.5 * Math.log(nu * Math.PI) -
    Math.log(sd) -
    ((nu + 1) / 2) * Math.log1p((z * z) / nu)
  );
}

export const studentT: DistributionSpec = {
  name: 'StudentT',
  description: 'A heavy-tailed real value: a Normal whose precision is Gamma-distributed.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom' },
    { name: 'mean', type: 'real', description: 'location' },
    { name: 'sd', type: 'positive', description: 'scale' },
  ],
  support: 'real',
  elementwise: true,
  scaleMixture: { of: 'Normal', mixing: 'Gamma', dof: 'nu' },
  numerics: {
    eventSize: () => 1,
    logDensity,
    sample(rng, params) {
      const nu = num(params[0]);
      const u = sampleGamma(rng, nu / 2, nu / 2);
      return num(params[1]) + (num(params[2]) * sampleStdNormal(rng)) / Math.sqrt(u);
    },
  },
};
