/** The Binomial distribution (metadata): the number of successes in n independent trials with success probability p. */
import type { DistributionSpec } from './spec.js';

export const binomial: DistributionSpec = {
  name: 'Binomial',
  description: 'The number of successes in n independent trials with success probability p.',
  parameters: [
    { name: 'n', type: 'count', description: 'number of trials' },
    { name: 'p', type: 'prob', description: 'success probability of each trial' },
  ],
  support: 'count',
  elementwise: true,
  conjugatePriors: [{ parameter: 'p', prior: 'Beta', as: 'value' }],
};
