/**
 * The common shape of the exponential-family rules: the param is exactly one argument of
 * factors of one family (possibly one element per state of a selecting latent), and its
 * update is a ratio of expected sufficient statistics. A rule file gives the family, the
 * argument, the formula and the statistics; this builds the `UpdateRule`.
 */
import type { Occurrence } from '../../analysis/graph-queries.js';
import type { SufficientStatistic } from '../inference-plan.js';
import { howIndexed, matchSlot } from './notation.js';
import type { ParamContext, UpdateRule } from './update-rule.js';

export interface SlotRuleSpec {
  readonly id: string;
  readonly family: string;
  readonly parameter: string;
  readonly matches: string;
  /** What the update is, in words (`weighted mean of the counts`). */
  readonly what: string | ((o: Occurrence, ctx: ParamContext) => string);
  readonly formula: (o: Occurrence, ctx: ParamContext) => string;
  readonly statistics: (o: Occurrence, ctx: ParamContext) => SufficientStatistic[];
}

export function makeSlotRule(spec: SlotRuleSpec): UpdateRule {
  return {
    id: spec.id,
    update: 'closed-form',
    matches: spec.matches,
    match(ctx) {
      const occurrences = matchSlot(ctx, spec.family, spec.parameter);
      const first = occurrences?.[0];
      if (!occurrences || !first) return undefined;
      return {
        reason: `${spec.parameter} of ${spec.family}, ${howIndexed(first)}: ${typeof spec.what === 'string' ? spec.what : spec.what(first, ctx)} in closed form`,
        formula: poolFormulas(occurrences.map((o) => spec.formula(o, ctx)).filter(unique)),
        statistics: occurrences
          .flatMap((o) => spec.statistics(o, ctx))
          .filter((s, i, all) => all.findIndex((t) => t.name === s.name) === i),
      };
    },
  };
}

function unique(s: string, i: number, all: readonly string[]): boolean {
  return all.indexOf(s) === i;
}

/**
 * One update from several statements that share the param (ABO's `p` in `a1[n] ~ Categorical(p)`
 * and `a2[n] ~ Categorical(p)`): the statistics add up, so `p[m] ∝ S1 + S2` and
 * `mu = (A1 + A2) / (B1 + B2)`. Formulas that do not share a left side and form are listed.
 */
export function poolFormulas(formulas: readonly string[]): string {
  if (formulas.length <= 1) return formulas[0] ?? '';
  const parts = formulas.map(splitFormula);
  const first = parts[0];
  const same = first && parts.every((p) => p && p.lhs === first.lhs && p.op === first.op);
  if (!first || !same) return formulas.join('; ');
  const ps = parts as { lhs: string; op: string; num: string; den?: string }[];
  if (ps.every((p) => p.den === undefined)) return `${first.lhs} ${first.op} ${ps.map((p) => p.num).join(' + ')}`;
  if (ps.every((p) => p.den !== undefined)) {
    return `${first.lhs} ${first.op} (${ps.map((p) => p.num).join(' + ')}) / (${ps.map((p) => p.den).join(' + ')})`;
  }
  return formulas.join('; ');
}

/** `lhs = num / den` or `lhs ∝ num`, split at the operator and at the last top-level ` / `. */
function splitFormula(formula: string): { lhs: string; op: string; num: string; den?: string } | undefined {
  const m = /^(.*?) (=|∝) (.*)$/.exec(formula);
  if (!m) return undefined;
  const [, lhs = '', op = '=', rhs = ''] = m;
  let depth = 0;
  let cut = -1;
  for (let i = 0; i < rhs.length; i++) {
    const c = rhs[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && rhs.startsWith(' / ', i)) cut = i;
  }
  return cut < 0 ? { lhs, op, num: rhs } : { lhs, op, num: rhs.slice(0, cut), den: rhs.slice(cut + 3) };
}
