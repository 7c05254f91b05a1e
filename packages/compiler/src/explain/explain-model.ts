/**
 * `explain`: the derivation of a model's EM as markdown — the model, its complete-data
 * log-likelihood, the E-step per latent, the expected sufficient statistics, the M-step per
 * param, and what EM maximises and when it stops. Sections live in the files beside this one;
 * this file orders them.
 */
import type { PlanOutcome } from '../pipeline.js';
import { executedPlan } from '../plan/inference-plan.js';
import { type ExplainContext, makeExplainContext } from './explain-context.js';
import { explainEStep } from './explain-e-step.js';
import { explainLikelihood } from './explain-likelihood.js';
import { explainMStep, explainStatistics } from './explain-m-step.js';

function explainSource(ctx: ExplainContext): string {
  return ['## Model', '', '```', ctx.outcome.source.text.trimEnd(), '```'].join('\n');
}

function explainApproximations(ctx: ExplainContext): string | undefined {
  const warnings = ctx.outcome.diagnostics.filter((d) => d.severity === 'warning' && d.code.startsWith('W4'));
  if (warnings.length === 0) return undefined;
  const lines = ['## Approximations', ''];
  for (const w of warnings) {
    const at =
      w.span && w.span.start >= 0 ? ` (at \`${ctx.outcome.source.text.slice(w.span.start, w.span.end)}\`)` : '';
    lines.push(`- ${w.code}${at}: ${w.message}`);
  }
  return lines.join('\n');
}

function explainObjective(ctx: ExplainContext): string {
  const plan = ctx.plan;
  const what =
    plan.objective === 'elbo'
      ? 'the evidence lower bound (ELBO) — the E-step is approximate, so this is a lower bound on the log-likelihood, not the log-likelihood itself'
      : plan.objective === 'log-posterior'
        ? 'the log posterior: the observed-data log-likelihood plus the log prior densities (normalising constants included)'
        : 'the observed-data log-likelihood, with the latent variables summed or integrated out';
  const monotone =
    plan.objective === 'elbo'
      ? 'Each coordinate update must not decrease the ELBO.'
      : plan.params.every((p) => p.exact) && plan.exactEStep
        ? 'Every step is exact, so the objective never decreases; a decrease beyond round-off is reported as a diagnostic (it would mean a wrong derivation).'
        : 'Numeric M-steps only increase Q (generalized EM), so the objective still never decreases; a decrease beyond round-off is reported as a diagnostic.';
  const noLatent = plan.latents.length === 0 ? ' With no latent variables this is plain maximum likelihood.' : '';
  return [
    '## Objective and convergence',
    '',
    `EM maximises ${what}.${noLatent} ${monotone}`,
    '',
    'It stops when the relative change of the objective between iterations, |ℓ(t) − ℓ(t−1)| / |ℓ(t)|, falls below the tolerance (`--tol`), or after the maximum number of iterations (`--max-iter`); the run that reaches the highest objective over the restarts is kept.',
  ].join('\n');
}

/** The markdown derivation of a planned model, or a short note when there is no plan. */
export function explainPlan(outcome: PlanOutcome): string {
  const name = outcome.graph?.name ?? outcome.ast?.name.name ?? outcome.source.path;
  if (!outcome.plan || !outcome.graph) {
    return `# ${name}\n\nNo inference plan: the model has errors (see \`emforge check\`).\n`;
  }
  // Every param as the executor runs it (a closed form in an expression statement runs numerically, …).
  const ctx = makeExplainContext(outcome, outcome.graph, executedPlan(outcome.plan));
  const sections = [
    `# EM for \`${name}\``,
    explainSource(ctx),
    explainLikelihood(ctx),
    explainEStep(ctx),
    explainStatistics(ctx),
    explainMStep(ctx),
    explainApproximations(ctx),
    explainObjective(ctx),
  ];
  return `${sections.filter((s) => s !== undefined).join('\n\n')}\n`;
}
