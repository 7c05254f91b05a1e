/** Beta prior on a Bernoulli or Binomial p: MAP adds a − 1 successes and b − 1 failures. */
import { bernoulliProbability } from './bernoulli-probability.js';
import { binomialProbability } from './binomial-probability.js';
import { makeMapRule } from './map-rule.js';

export const betaMap = makeMapRule({
  id: 'beta-map',
  prior: 'Beta',
  bases: [bernoulliProbability, binomialProbability],
  adds: 'adds a − 1 successes and b − 1 failures',
});
