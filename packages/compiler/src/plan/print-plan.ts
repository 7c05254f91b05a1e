/** The inference plan as text, for `emforge check --dump plan` and the plan goldens. */
import type { InferencePlan } from './inference-plan.js';

export function printPlan(plan: InferencePlan): string {
  const lines: string[] = [
    `plan ${plan.model}`,
    `objective ${plan.objective}${plan.exactEStep ? '' : ' (approximate E-step)'}`,
  ];
  lines.push('latents');
  if (plan.latents.length === 0) lines.push('  (none: direct maximum likelihood)');
  for (const l of plan.latents) {
    lines.push(`  ${l.name}: ${l.strategy}${l.exact ? '' : ' (approximate)'}`);
    lines.push(`    reason: ${l.reason}`);
    for (const p of l.posteriors) lines.push(`    posterior: ${p}`);
  }
  lines.push('params');
  if (plan.params.length === 0) lines.push('  (none)');
  for (const p of plan.params) {
    lines.push(`  ${p.name}: ${p.update} [${p.rule}]`);
    lines.push(`    reason: ${p.reason}`);
    if (p.prior) lines.push(`    prior: ${p.prior.text}${p.prior.conjugate ? ' (conjugate)' : ' (not conjugate)'}`);
    lines.push(`    update: ${p.formula}`);
    for (const s of p.statistics) lines.push(`    statistic: ${s.name} = ${s.formula}`);
  }
  if (plan.notes.length > 0) {
    lines.push('notes');
    for (const n of plan.notes) lines.push(`  ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
