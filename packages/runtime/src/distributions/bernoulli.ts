/** The Bernoulli distribution (metadata): a 0/1 outcome that is 1 with probability p. */
import type { DistributionSpec } from './spec.js';

export const bernoulli: DistributionSpec = {
  name: 'Bernoulli',
  description: 'A 0/1 outcome that is 1 with probability p.',
  parameters: [{ name: 'p', type: 'prob', description: 'probability of a 1' }],
  support: 'count',
  accepts: ['count', 'int'],
  elementwise: true,
  conjugatePriors: [{ parameter: 'p', prior: 'Beta', as: 'value' }],
};
