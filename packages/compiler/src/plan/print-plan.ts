/**
 * The inference plan as text, for `emforge check --dump plan` and the plan goldens: each param
 * as the executor runs it (`executedParam`), with the decision table's rule beside it where the
 * two differ.
 */
import { executedParam, type InferencePlan } from './inference-plan.js';

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
  for (const planned of plan.params) {
    // What the executor runs (its `runs`), with the decision table's answer beside it when different.
    const p = executedParam(planned);
    lines.push(`  ${p.name}: ${p.update} [${p.rule}]`);
    lines.push(`    reason: ${p.reason}`);
    if (planned.runs) lines.push(`    rule on paper: ${planned.update} [${planned.rule}] — ${planned.reason}`);
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
