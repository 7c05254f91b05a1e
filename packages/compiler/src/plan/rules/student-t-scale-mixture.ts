/**
 * StudentT / MvStudentT location and scale, fitted through the Student-t's Gaussian scale
 * mixture: with a latent precision u[n] ~ Gamma(ν/2, ν/2) per item (per item and component in
 * a mixture), E[u[n]] = (ν + D) / (ν + δ²[n]) in closed form, and given those expected
 * precisions the location is a weighted mean and the scale a weighted scatter divided by the
 * total responsibility (Liu & Rubin 1995; McLachlan & Peel 2000, §7.5). Closed form given ν:
 * when ν is a param its own update is numeric (ECM), which these rules do not claim.
 */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { atState, element, howIndexed, plateSum, residual, weight, weightedSum, weightTotal } from './notation.js';
import type { ParamContext, RuleMatch, UpdateRule } from './update-rule.js';

const families: Readonly<Record<string, { readonly scale: string; readonly mv: boolean }>> = {
  StudentT: { scale: 'sd', mv: false },
  MvStudentT: { scale: 'scale', mv: true },
};

/** The occurrences when the param is, in every likelihood factor, exactly the `role` argument of a StudentT / MvStudentT. */
function matchStudentT(ctx: ParamContext, role: 'location' | 'scale'): Occurrence[] | undefined {
  if (ctx.prior || ctx.occurrences.length === 0) return undefined;
  for (const o of ctx.occurrences) {
    const family = families[o.factor.family];
    if (!family || o.arg.name !== (role === 'location' ? 'mean' : family.scale)) return undefined;
    if (o.use.kind !== 'direct' && o.use.kind !== 'selected') return undefined;
    if (o.use.text !== o.arg.text) return undefined;
  }
  const first = ctx.occurrences[0]!;
  if (ctx.occurrences.some((o) => o.factor.family !== first.factor.family)) return undefined;
  return [...ctx.occurrences];
}

/** `E[u[n]]`, the expected precision of the item (given its component in a mixture). */
function precision(o: Occurrence): string {
  const idx = o.factor.plates.map((p) => p.index).join('][');
  return `E[u${idx ? `[${idx}]` : ''}]`;
}

/** How ν enters: known (data or a constant), or a param with its own numeric update. */
function nuNote(o: Occurrence, ctx: ParamContext): string {
  const nu = o.factor.args.find((a) => a.name === 'nu');
  const param = nu?.uses.find((u) => ctx.graph.variables.get(u.variable)?.role === 'param');
  return param ? `given ν (${param.variable} is updated numerically, ECM)` : `ν known (${nu?.text ?? 'nu'})`;
}

/** `E[u] = (ν + D) / (ν + δ²)`, the posterior mean of the latent precision (D = 1 for StudentT). */
function expectedPrecision(o: Occurrence): string {
  const d = families[o.factor.family]?.mv ? 'D' : '1';
  return `E[u] = (ν + ${d}) / (ν + δ²)`;
}

export const studentTLocation: UpdateRule = {
  id: 'student-t-location',
  update: 'closed-form',
  matches: 'a real or real[D] param that is the mean of StudentT / MvStudentT factors',
  match(ctx): RuleMatch | undefined {
    const o = matchStudentT(ctx, 'location')?.[0];
    if (!o) return undefined;
    const u = precision(o);
    const sum = weightedSum(o, `${u} ${o.factor.target}`);
    const w = weight(o).trim();
    const total = `${plateSum(o.factor)}${w ? `${w} ` : ''}${u}`.trim();
    return {
      reason: `mean of ${o.factor.family}, ${howIndexed(o)}, ${nuNote(o, ctx)}: mean weighted by the expected precisions ${expectedPrecision(o)} of the Student-t's Gaussian scale mixture, in closed form`,
      formula: `${element(o, ctx.param.name)} = ${sum} / ${total}`,
      statistics: [
        { name: 'weighted sum', formula: sum },
        { name: 'total weight', formula: total },
      ],
    };
  },
};

export const studentTScale: UpdateRule = {
  id: 'student-t-scale',
  update: 'closed-form',
  matches: 'a cov[D] or positive param that is the scale of MvStudentT or the sd of StudentT factors',
  match(ctx): RuleMatch | undefined {
    const o = matchStudentT(ctx, 'scale')?.[0];
    if (!o) return undefined;
    const mv = families[o.factor.family]!.mv;
    const mean = atState(o.factor.args.find((a) => a.name === 'mean')?.text ?? 'mean', o);
    const r = residual(o.factor.target, mean);
    const square = mv ? `(${r})(${r})ᵀ` : `(${r})²`;
    const scatter = weightedSum(o, `${precision(o)} ${square}`);
    const total = weightTotal(o);
    const lhs = element(o, ctx.param.name);
    return {
      reason: `${mv ? 'scale matrix of MvStudentT' : 'sd of StudentT'}, ${howIndexed(o)}, ${nuNote(o, ctx)}: scatter weighted by the expected precisions ${expectedPrecision(o)}, over the total weight, in closed form`,
      formula: `${mv ? lhs : `${lhs}²`} = ${scatter} / ${total}`,
      statistics: [
        { name: 'weighted scatter', formula: scatter },
        { name: 'total weight', formula: total },
      ],
    };
  },
};

/** Whether the occurrence is ν of a StudentT / MvStudentT, or `ν / 2` as a Gamma precision's shape or rate. */
function isDegreesOfFreedomUse(o: Occurrence, name: string): boolean {
  if (families[o.factor.family]) {
    return o.arg.name === 'nu' && (o.use.kind === 'direct' || o.use.kind === 'selected') && o.use.text === o.arg.text;
  }
  if (o.factor.family !== 'Gamma' || (o.arg.name !== 'shape' && o.arg.name !== 'rate')) return false;
  const text = o.arg.text.replace(/\s+/g, '');
  return text === `${name}/2` || (text.startsWith(`${name}[`) && /^\w+\[[^\]]*\]\/2$/.test(text));
}

/**
 * ν as a param: not a closed-form rule (it is not in the rules table); the numeric fallback
 * (plan/fallback/numeric-update.ts) asks it for the reason and formula of ν's 1-D update.
 */
export const studentTDegreesOfFreedom: UpdateRule = {
  id: 'student-t-nu',
  update: 'numeric',
  matches:
    'a positive param that is the ν of StudentT / MvStudentT factors, or ν / 2 as both shape and rate of a Gamma precision',
  match(ctx): RuleMatch | undefined {
    if (ctx.prior || ctx.occurrences.length === 0) return undefined;
    if (!ctx.occurrences.every((o) => isDegreesOfFreedomUse(o, ctx.param.name))) return undefined;
    const o = ctx.occurrences[0]!;
    const nu = element(o, ctx.param.name);
    const u = precision(o);
    const sum = weightedSum(o, `(E[log u] − ${u})`);
    const total = weightTotal(o);
    return {
      reason: `degrees of freedom of ${o.factor.family === 'Gamma' ? 'the Student-t scale mixture' : o.factor.family}, ${howIndexed(o)}: no closed form; one-dimensional numeric update (ECM): the root of −ψ(ν/2) + log(ν/2) + 1 + c = 0, with c the weighted mean of E[log u] − E[u] under the current posterior (E[log u] = ψ((ν + D)/2) − log((ν + δ²)/2)), by Newton steps on log ν safeguarded by bisection`,
      formula: `${nu} = root of −ψ(ν/2) + log(ν/2) + 1 + ${sum} / ${total}  (numeric, 1-D)`,
      statistics: [
        { name: 'weighted sum', formula: sum },
        { name: 'total weight', formula: total },
      ],
    };
  },
};
