/** Normal (or MvNormal) prior on a Gaussian mean: MAP is the precision-weighted average of the prior mean and the data mean. */
import { makeMapRule } from './map-rule.js';
import { normalMean } from './normal-mean.js';

export const normalMeanMap = makeMapRule({
  id: 'normal-mean-map',
  prior: 'Normal',
  bases: [normalMean],
  adds: 'adds mean as a pseudo-observation weighted by σ² / sd², σ being the likelihood sd',
});
