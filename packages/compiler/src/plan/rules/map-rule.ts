/**
 * The MAP variant of closed-form rules: when the param's prior is the conjugate family of the
 * argument it fills (per the registry's `conjugatePriors`), the base rule's statistics plus
 * the prior's pseudo-statistics give the posterior mode in closed form.
 */
import type { Factor } from '../../graph/model-graph.js';
import { isTopLevelSum } from './notation.js';
import type { UpdateRule } from './update-rule.js';

export interface MapRuleSpec {
  readonly id: string;
  readonly prior: string;
  readonly bases: readonly UpdateRule[];
  /** How the prior enters the update, in words (`adds alpha − 1 to each expected count`). */
  readonly adds: string;
}

export function makeMapRule(spec: MapRuleSpec): UpdateRule {
  return {
    id: spec.id,
    update: 'closed-form-map',
    matches: `a param with a conjugate ${spec.prior} prior whose likelihood update is ${spec.bases.map((b) => b.id).join(' or ')}`,
    match(ctx) {
      if (ctx.prior?.family !== spec.prior) return undefined;
      const conjugate = ctx.occurrences.every((o) =>
        o.factor.distribution.conjugatePriors?.some(
          (c) => c.parameter === o.arg.name && c.prior === spec.prior && c.as === 'value',
        ),
      );
      if (!conjugate) return undefined;
      for (const base of spec.bases) {
        const m = base.match(ctx);
        if (!m) continue;
        const prior = ctx.prior;
        return {
          reason: `${m.reason.replace(/ in closed form$/, '')}, with the conjugate ${spec.prior} prior: closed-form MAP`,
          formula: `${m.formula}, where the ${spec.prior} prior ${withPriorArguments(spec.adds, prior)}`,
          statistics: [
            ...m.statistics,
            {
              name: 'prior pseudo-statistics',
              formula: `${prior.target} ~ ${spec.prior}(${prior.args.map((a) => a.text).join(', ')})`,
            },
          ],
        };
      }
      return undefined;
    },
  };
}

/** The prior's parameter names in `text` replaced by its arguments as written: `alpha − 1` → `2 − 1`. */
function withPriorArguments(text: string, prior: Factor): string {
  let out = text;
  prior.args.forEach((arg, i) => {
    const name = prior.distribution.parameters[i]?.name ?? arg.name;
    const value = isTopLevelSum(arg.text) ? `(${arg.text})` : arg.text;
    out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), value);
  });
  return out;
}
