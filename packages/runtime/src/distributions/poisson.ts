/** The Poisson distribution (metadata): a count with the given mean rate. */
import type { DistributionSpec } from './spec.js';

export const poisson: DistributionSpec = {
  name: 'Poisson',
  description: 'A count with the given mean rate.',
  parameters: [{ name: 'rate', type: 'positive', description: 'expected count' }],
  support: 'count',
  elementwise: true,
  conjugatePriors: [{ parameter: 'rate', prior: 'Gamma', as: 'value' }],
};
