/** Normal (or MvNormal) prior on a Gaussian mean: MAP is the precision-weighted average of the prior mean and the data mean. */
import { makeMapRule } from './map-rule.js';
import { normalMean } from './normal-mean.js';

export const normalMeanMap = makeMapRule({
  id: 'normal-mean-map',
  prior: 'Normal',
  bases: [normalMean],
  adds: 'adds its mean weighted by sd² / prior sd² as pseudo-observations',
});
