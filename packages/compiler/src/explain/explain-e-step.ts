/**
 * The "E-step" section: one subsection per latent (or per group of latents explained together:
 * the product space of an item's enumerated latents, a mean-field group), chosen by the
 * plan's strategy through the table below.
 */
import type { EStepStrategy, LatentPlan } from '../plan/inference-plan.js';
import { explainConjugate, explainMeanField, explainVariational } from './e-step-approximate.js';
import { explainEnumerate, explainForwardBackward } from './e-step-discrete.js';
import { explainGaussian, explainMissingGaussian } from './e-step-gaussian.js';
import type { ExplainContext } from './explain-context.js';

const titles: Record<EStepStrategy, string> = {
  enumerate: 'exact enumeration',
  'forward-backward': 'forward–backward',
  gaussian: 'Gaussian posterior in closed form',
  'missing-gaussian': 'conditional Gaussian of the missing entries',
  conjugate: 'conjugate posterior',
  'mean-field': 'mean-field variational (approximate)',
  variational: 'Gaussian variational family (approximate)',
};

/** How each strategy explains a group of latents (a group has one member except where noted). */
const explainers: Record<EStepStrategy, (ctx: ExplainContext, group: readonly string[]) => string> = {
  enumerate: explainEnumerate,
  'forward-backward': (ctx, g) => explainForwardBackward(ctx, g[0] ?? ''),
  gaussian: (ctx, g) => explainGaussian(ctx, g[0] ?? ''),
  'missing-gaussian': (ctx, g) => explainMissingGaussian(ctx, g[0] ?? ''),
  conjugate: (ctx, g) => explainConjugate(ctx, g[0] ?? ''),
  'mean-field': explainMeanField,
  variational: (ctx, g) => explainVariational(ctx, g[0] ?? ''),
};

/** Groups latents: enumerated ones with their `jointWith`, all mean-field ones together. */
function groups(latents: readonly LatentPlan[]): LatentPlan[][] {
  const out: LatentPlan[][] = [];
  const placed = new Set<string>();
  for (const l of latents) {
    if (placed.has(l.name)) continue;
    const members =
      l.strategy === 'mean-field'
        ? latents.filter((m) => m.strategy === 'mean-field')
        : l.strategy === 'enumerate'
          ? latents.filter((m) => m.name === l.name || (m.strategy === 'enumerate' && l.jointWith.includes(m.name)))
          : [l];
    for (const m of members) placed.add(m.name);
    out.push(members);
  }
  return out;
}

export function explainEStep(ctx: ExplainContext): string {
  const lines = ['## E-step', ''];
  if (ctx.plan.latents.length === 0) {
    lines.push(
      'The model has no latent variables: there is no E-step, and the parameters are estimated by direct maximum likelihood (the M-step below, iterated only where it is numeric).',
    );
    return lines.join('\n');
  }
  for (const group of groups(ctx.plan.latents)) {
    const first = group[0] as LatentPlan;
    const names = group.map((g) => `\`${g.name}\``).join(', ');
    lines.push(`### ${names} — ${titles[first.strategy]}`, '');
    for (const g of group) lines.push(`*${g.name}*: ${g.reason}`, '');
    lines.push(
      explainers[first.strategy](
        ctx,
        group.map((g) => g.name),
      ),
      '',
    );
  }
  return lines.join('\n').trimEnd();
}
