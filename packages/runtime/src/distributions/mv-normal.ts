/** The MvNormal distribution (metadata): a real vector with the given mean vector and covariance matrix. */
import type { DistributionSpec } from './spec.js';

export const mvNormal: DistributionSpec = {
  name: 'MvNormal',
  description: 'A real vector with the given mean vector and covariance matrix.',
  parameters: [
    { name: 'mean', type: 'real[D]', description: 'mean vector' },
    { name: 'cov', type: 'cov[D]', description: 'covariance matrix' },
  ],
  support: 'real[D]',
  elementwise: false,
  gaussian: { mean: 'mean', scale: 'cov', scaleKind: 'cov' },
  conjugatePriors: [
    { parameter: 'mean', prior: 'MvNormal', as: 'value' },
    { parameter: 'cov', prior: 'InvWishart', as: 'value' },
    { parameter: 'cov', prior: 'Gamma', as: 'precision' },
  ],
};
