/** The Multinomial distribution (metadata): counts of K categories over n independent draws from a simplex. */
import type { DistributionSpec } from './spec.js';

export const multinomial: DistributionSpec = {
  name: 'Multinomial',
  description: 'Counts of K categories over n independent draws from a simplex.',
  parameters: [
    { name: 'n', type: 'count', description: 'number of draws' },
    { name: 'p', type: 'simplex[K]', description: 'probability of each category' },
  ],
  support: 'count[K]',
  elementwise: false,
  conjugatePriors: [{ parameter: 'p', prior: 'Dirichlet', as: 'value' }],
};
