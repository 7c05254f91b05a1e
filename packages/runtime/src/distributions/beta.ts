/** The Beta distribution (metadata): a probability with shape parameters a and b (mean a/(a+b)). */
import type { DistributionSpec } from './spec.js';

export const beta: DistributionSpec = {
  name: 'Beta',
  description: 'A probability with shape parameters a and b (mean a/(a+b)).',
  parameters: [
    { name: 'a', type: 'positive', description: 'first shape parameter' },
    { name: 'b', type: 'positive', description: 'second shape parameter' },
  ],
  support: 'prob',
  elementwise: true,
};
