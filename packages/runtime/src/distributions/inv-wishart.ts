/** The InvWishart distribution (metadata): a covariance matrix, the conjugate prior of a Normal covariance. */
import type { DistributionSpec } from './spec.js';

export const invWishart: DistributionSpec = {
  name: 'InvWishart',
  description: 'A covariance matrix, the conjugate prior of a Normal covariance.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom (greater than D − 1)' },
    { name: 'scale', type: 'cov[D]', description: 'scale matrix' },
  ],
  support: 'cov[D]',
  elementwise: false,
};
