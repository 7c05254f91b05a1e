/** The Exponential distribution (metadata): a positive value with the given rate (mean 1/rate). */
import type { DistributionSpec } from './spec.js';

export const exponential: DistributionSpec = {
  name: 'Exponential',
  description: 'A positive value with the given rate (mean 1/rate).',
  parameters: [{ name: 'rate', type: 'positive', description: 'rate, the inverse of the mean' }],
  support: 'positive',
  elementwise: true,
  conjugatePriors: [{ parameter: 'rate', prior: 'Gamma', as: 'value' }],
};
