/** The Dirichlet distribution (metadata): a probability vector with concentrations alpha (one per entry, or one shared). */
import type { DistributionSpec } from './spec.js';

export const dirichlet: DistributionSpec = {
  name: 'Dirichlet',
  description: 'A probability vector with concentrations alpha (one per entry, or one shared).',
  parameters: [
    {
      name: 'alpha',
      type: 'positive[K] | positive',
      description: 'concentration of each entry, or one symmetric concentration',
    },
  ],
  support: 'simplex[K]',
  elementwise: false,
};
