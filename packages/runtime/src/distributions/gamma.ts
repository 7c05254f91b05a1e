/** The Gamma distribution (metadata): a positive value with the given shape and rate (mean shape/rate). */
import type { DistributionSpec } from './spec.js';

export const gamma: DistributionSpec = {
  name: 'Gamma',
  description: 'A positive value with the given shape and rate (mean shape/rate).',
  parameters: [
    { name: 'shape', type: 'positive', description: 'shape' },
    { name: 'rate', type: 'positive', description: 'rate, the inverse scale' },
  ],
  support: 'positive',
  elementwise: true,
};
