/** InvWishart prior on a covariance: MAP adds the scale matrix to the scatter and nu + D + 1 to the weight. */
import { makeMapRule } from './map-rule.js';
import { mvNormalCovariance } from './mv-normal-covariance.js';

export const invWishartMap = makeMapRule({
  id: 'inv-wishart-map',
  prior: 'InvWishart',
  bases: [mvNormalCovariance],
  adds: 'adds scale to the scatter and nu + D + 1 to the total weight',
});
