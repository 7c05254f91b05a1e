/** The Normal distribution (metadata): a real value with the given mean and standard deviation. */
import type { DistributionSpec } from './spec.js';

export const normal: DistributionSpec = {
  name: 'Normal',
  description: 'A real value with the given mean and standard deviation.',
  parameters: [
    { name: 'mean', type: 'real', description: 'mean' },
    { name: 'sd', type: 'positive', description: 'standard deviation' },
  ],
  support: 'real',
  elementwise: true,
  gaussian: { mean: 'mean', scale: 'sd', scaleKind: 'sd' },
  conjugatePriors: [
    { parameter: 'mean', prior: 'Normal', as: 'value' },
    { parameter: 'sd', prior: 'Gamma', as: 'precision' },
  ],
};
