/** The LogNormal distribution (metadata): a positive value whose logarithm is Normal(mu, sd). */
import type { DistributionSpec } from './spec.js';

export const logNormal: DistributionSpec = {
  name: 'LogNormal',
  description: 'A positive value whose logarithm is Normal(mu, sd).',
  parameters: [
    { name: 'mu', type: 'real', description: 'mean of the logarithm' },
    { name: 'sd', type: 'positive', description: 'standard deviation of the logarithm' },
  ],
  support: 'positive',
  elementwise: true,
};
