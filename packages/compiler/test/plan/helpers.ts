/** Plans a model from text, for the plan and graph tests. */
import { SourceFile } from '@emforge/dsl';
import { type PlanOutcome, planSource } from '../../src/index.js';

export function plan(text: string): PlanOutcome {
  return planSource(new SourceFile('test.em', text));
}

/** `name: strategy` / `name: update` lines of a plan, or the diagnostics' codes when there is none. */
export function planLines(text: string): string[] {
  const outcome = plan(text);
  if (!outcome.plan) return outcome.diagnostics.map((d) => `${d.code} ${d.message}`);
  return [
    ...outcome.plan.latents.map((l) => `${l.name}: ${l.strategy}`),
    ...outcome.plan.params.map((p) => `${p.name}: ${p.update} ${p.rule}`),
  ];
}

export function mixture(component: string, dataType: string, params: string, prior = ''): string {
  return `model m {
  size N
  size K = 2
  data x[N]: ${dataType}
  param w: simplex[K]
  ${params}
  latent z[N]: cat[K]
  ${prior}
  for n in N {
    z[n] ~ Categorical(w)
    x[n] ~ ${component}
  }
}`;
}
