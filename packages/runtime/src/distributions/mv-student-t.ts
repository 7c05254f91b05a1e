/** The MvStudentT distribution (metadata): a heavy-tailed real vector with degrees of freedom nu, location and scale matrix. */
import type { DistributionSpec } from './spec.js';

export const mvStudentT: DistributionSpec = {
  name: 'MvStudentT',
  description: 'A heavy-tailed real vector with degrees of freedom nu, location and scale matrix.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom' },
    { name: 'mean', type: 'real[D]', description: 'location vector' },
    { name: 'scale', type: 'cov[D]', description: 'scale matrix' },
  ],
  support: 'real[D]',
  elementwise: false,
  scaleMixture: { of: 'MvNormal', mixing: 'Gamma', dof: 'nu' },
};
