/** Binomial p: weighted successes over weighted trials. */
import { element, weightedSum } from './notation.js';
import { makeSlotRule } from './slot-rule.js';

export const binomialProbability = makeSlotRule({
  id: 'binomial-probability',
  family: 'Binomial',
  parameter: 'p',
  matches: 'a prob param that is the p of Binomial factors',
  what: 'weighted successes over weighted trials',
  formula: (o, ctx) => {
    const trials = o.factor.args[0]?.text ?? 'n';
    return `${element(o, ctx.param.name)} = ${weightedSum(o, o.factor.target)} / ${weightedSum(o, trials)}`;
  },
  statistics: (o) => [
    { name: 'weighted successes', formula: weightedSum(o, o.factor.target) },
    { name: 'weighted trials', formula: weightedSum(o, o.factor.args[0]?.text ?? 'n') },
  ],
});
