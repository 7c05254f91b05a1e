/** Gamma prior on a Poisson or Exponential rate: MAP adds shape − 1 to the numerator and the prior rate to the exposure. */
import { exponentialRate } from './exponential-rate.js';
import { makeMapRule } from './map-rule.js';
import { poissonRate } from './poisson-rate.js';

export const gammaMap = makeMapRule({
  id: 'gamma-map',
  prior: 'Gamma',
  bases: [poissonRate, exponentialRate],
  adds: 'adds shape − 1 to the numerator and rate to the denominator (Poisson: count total over total weight, Exponential: total weight over value total)',
});
