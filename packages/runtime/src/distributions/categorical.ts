/** The Categorical distribution (metadata): a category 0 … K−1 drawn with the probabilities of a simplex. */
import type { DistributionSpec } from './spec.js';

export const categorical: DistributionSpec = {
  name: 'Categorical',
  description: 'A category 0 … K−1 drawn with the probabilities of a simplex.',
  parameters: [{ name: 'p', type: 'simplex[K]', description: 'probability of each category' }],
  support: 'cat[K]',
  elementwise: false,
  conjugatePriors: [{ parameter: 'p', prior: 'Dirichlet', as: 'value' }],
};
