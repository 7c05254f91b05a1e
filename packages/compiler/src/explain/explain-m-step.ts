/**
 * The "expected sufficient statistics" and "M-step" sections: for each param, the update as a
 * formula in the model's own names (from the plan's update rule, or from the family table
 * when the plan has none), the rule used, whether it is exact, and its prior if any.
 */
import { printExpr } from '@emforge/dsl';
import type { MStepUpdate, ParamPlan } from '../plan/inference-plan.js';
import type { ExplainContext } from './explain-context.js';
import { familyUpdates } from './family-updates.js';
import { numericMethodLines, numericObjectiveLines } from './numeric-objective.js';

const kinds: Record<MStepUpdate, string> = {
  'closed-form': 'closed form (weighted maximum likelihood)',
  'closed-form-map': 'closed form, MAP with a conjugate prior',
  'weighted-least-squares': 'weighted least squares',
  numeric: 'numeric (generalized-EM step)',
};

/** The formula from the family table when the plan gives none. */
function fallbackFormula(ctx: ExplainContext, p: ParamPlan): string | undefined {
  const f = ctx.factors.find((x) => p.factors.includes(x.id));
  if (!f) return undefined;
  const arg = f.args.find((a) => a.uses.some((u) => u.variable === p.name));
  const template = arg ? familyUpdates.get(`${f.family}.${arg.name}`) : undefined;
  if (!arg || !template) return undefined;
  const sum = f.plates.length > 0 ? `Σ_{${f.plates.map((pl) => pl.index).join(',')}}` : '';
  const selected = arg.uses.find((u) => u.variable === p.name && u.kind === 'selected');
  const args = Object.fromEntries(f.args.map((a) => [a.name, a.text]));
  return template({
    param: selected ? `${p.name}[k]` : p.name,
    w: selected ? `E[1{${selected.selectors.join(',')} = k}]` : '',
    sum,
    x: printExpr(f.stmt.target),
    args,
  });
}

function formulaOf(ctx: ExplainContext, p: ParamPlan): string {
  if (p.update === 'numeric') {
    const q = numericObjectiveLines(ctx, p);
    if (q.length > 0) return [`${p.name} = argmax Q(${p.name}), with`, ...q].join('; ');
  }
  if (p.formula.trim() !== '') return p.formula;
  if (p.update === 'numeric') return `${p.name} = argmax Q(${p.name}) by L-BFGS with gradients from the model`;
  return fallbackFormula(ctx, p) ?? `${p.name} = argmax Q(${p.name})`;
}

export function explainStatistics(ctx: ExplainContext): string {
  const stats = new Map<string, string>();
  for (const p of ctx.plan.params)
    for (const s of p.statistics) if (!stats.has(s.formula)) stats.set(s.formula, s.name);
  const lines = ['## Expected sufficient statistics', ''];
  if (stats.size === 0) {
    lines.push("The updates below use the E-step's posterior quantities directly.");
    return lines.join('\n');
  }
  lines.push('Accumulated over the data in each E-step (E[·] under the current posterior of the latents):', '');
  for (const [formula, name] of stats) lines.push(`- ${name}: \`${formula}\``);
  if ([...stats.keys()].some((f) => f.includes('q('))) {
    lines.push(
      '',
      'Here q(z)[n,k] is the posterior probability E[1{z[n] = k}] that the E-step computed for the latent z (r for enumeration, γ for a chain, φ for mean-field).',
    );
  }
  return lines.join('\n');
}

export function explainMStep(ctx: ExplainContext): string {
  const lines = [
    '## M-step',
    '',
    'Each param maximises the expected complete-data log-likelihood Q(θ) = E[log p(data, latents | θ)]' +
      (ctx.plan.params.some((p) => p.prior) ? ' plus its log prior' : '') +
      ', given the E-step:',
    '',
  ];
  for (const p of ctx.plan.params) {
    const kind = p.update === 'numeric' && p.exact ? 'numeric (exact weighted MLE of its family)' : kinds[p.update];
    lines.push(`### \`${p.name}\` — ${kind}`, '');
    lines.push('```', ...formulaOf(ctx, p).split('; '), '```', '');
    lines.push(`- rule: \`${p.rule}\` — ${p.reason}`);
    if (p.prior) lines.push(`- prior: \`${p.prior.text}\` (${p.prior.conjugate ? 'conjugate' : 'not conjugate'})`);
    if (p.update === 'numeric') lines.push(...numericMethodLines(ctx, p));
    lines.push(
      `- ${
        p.exact
          ? 'exact: this is the maximiser of Q given the E-step'
          : 'not exact: a numeric step that increases Q without necessarily maximising it (generalized EM)'
      }`,
      '',
    );
  }
  return lines.join('\n').trimEnd();
}
