/** The StudentT distribution (metadata): a heavy-tailed real value: a Normal whose precision is Gamma-distributed. */
import type { DistributionSpec } from './spec.js';

export const studentT: DistributionSpec = {
  name: 'StudentT',
  description: 'A heavy-tailed real value: a Normal whose precision is Gamma-distributed.',
  parameters: [
    { name: 'nu', type: 'positive', description: 'degrees of freedom' },
    { name: 'mean', type: 'real', description: 'location' },
    { name: 'sd', type: 'positive', description: 'scale' },
  ],
  support: 'real',
  elementwise: true,
  scaleMixture: { of: 'Normal', mixing: 'Gamma', dof: 'nu' },
};
