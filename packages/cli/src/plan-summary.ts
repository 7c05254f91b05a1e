/**
 * The inference-plan part of `emforge check`'s output for a clean file: per latent its E-step
 * strategy and per param its M-step update, each with the reason.
 *
 *       E-step   z: enumerate — finite latent z[n] with K states …
 *       M-step   weights: closed-form — p of Categorical …
 */
import { executedParam, type InferencePlan } from '@emforge/compiler';

/** The `plan` object of `emforge check --json`. */
export interface PlanSummary {
  readonly latents: readonly { readonly name: string; readonly strategy: string; readonly reason: string }[];
  readonly params: readonly { readonly name: string; readonly update: string; readonly reason: string }[];
}

export function summarizePlan(plan: InferencePlan): PlanSummary {
  return {
    latents: plan.latents.map((l) => ({ name: l.name, strategy: l.strategy, reason: l.reason })),
    // As the executor runs them: the same decision the fit follows (`executedParam`).
    params: plan.params.map(executedParam).map((p) => ({ name: p.name, update: p.update, reason: p.reason })),
  };
}

export function formatPlanSummaryLines(plan: PlanSummary, label: (s: string) => string = (s) => s): string[] {
  const lines: string[] = [];
  const block = (title: string, rows: readonly string[]) => {
    for (const [i, row] of rows.entries()) lines.push(`  ${i === 0 ? label(title) : ' '.repeat(title.length)}  ${row}`);
  };
  block(
    'E-step ',
    plan.latents.length === 0
      ? ['none: direct maximum likelihood']
      : plan.latents.map((l) => `${l.name}: ${l.strategy} — ${l.reason}`),
  );
  block(
    'M-step ',
    plan.params.map((p) => `${p.name}: ${p.update} — ${p.reason}`),
  );
  return lines;
}
