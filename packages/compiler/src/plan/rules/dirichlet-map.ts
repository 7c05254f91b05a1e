/** Dirichlet prior on a simplex (Categorical or Multinomial p): MAP adds alpha − 1 to the expected counts. */
import { categoricalProbabilities } from './categorical-probabilities.js';
import { makeMapRule } from './map-rule.js';
import { multinomialProbabilities } from './multinomial-probabilities.js';

export const dirichletMap = makeMapRule({
  id: 'dirichlet-map',
  prior: 'Dirichlet',
  bases: [categoricalProbabilities, multinomialProbabilities],
  adds: 'adds alpha − 1 to each expected count',
});
