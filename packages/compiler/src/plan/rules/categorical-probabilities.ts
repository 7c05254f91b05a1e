/** Categorical probabilities (mixture weights, HMM initial/transition/emission tables): normalised expected counts. */
import { element, expectedCount } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const categoricalProbabilities = makeSlotRule({
  id: 'categorical-probabilities',
  family: 'Categorical',
  parameter: 'p',
  matches: 'a simplex param that is the p of Categorical factors, tied or selected by a discrete latent',
  what: 'normalised expected counts',
  formula: (o, ctx) => `${element(o, ctx.param.name)}[m] ∝ ${expectedCount(ctx, o)}`,
  statistics: (o, ctx) => [{ name: 'expected counts', formula: expectedCount(ctx, o) }],
});
