/**
 * Lowers a variational plan (a continuous latent in a non-conjugate factor) to the runtime's
 * `VariationalProgram` (runtime/src/variational/). The one form so far is the Poisson–lognormal
 * model:
 *
 *   for n in N {
 *     eta[n] ~ Normal(mu, sigma)        // mu: real param, sigma: positive param
 *     y[n] ~ Poisson(exp(eta[n]))       // y: count data, no missing entries
 *   }
 *
 * Anything else of a variational plan — another statement, a prior, a location or scale that
 * is not a whole param, another link — is one E5001 naming the obstacle.
 */
import { type Expr, type PhaseResult, printExpr } from '@emforge/dsl';
import { type DeclaredParam, isTypeBase, type Program, type VariationalProgram } from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';
import type { Factor } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

/** The plans with a latent whose E-step is a Gaussian variational family. */
export function takesVariational(plan: InferencePlan): boolean {
  return plan.latents.some((l) => l.strategy === 'variational');
}

const shape = "Poisson–lognormal: 'eta[n] ~ Normal(mu, sigma)', 'y[n] ~ Poisson(exp(eta[n]))'";

function argument(f: Factor, name: string): Expr {
  const a = f.args.find((x) => x.name === name);
  if (!a) throw new Unsupported(`'${f.target} ~ ${f.family}' has no argument '${name}'`, f.stmt.span);
  return a.expr;
}

/** `name[index]`, exactly. */
function isItem(e: Expr, name: string, index: string): boolean {
  return (
    e.kind === 'Index' &&
    e.target.kind === 'NameRef' &&
    e.target.name === name &&
    e.indices.length === 1 &&
    e.indices[0]?.kind === 'NameRef' &&
    e.indices[0].name === index
  );
}

/** A whole scalar param of the given element type, by name. */
function scalarParam(e: Expr, element: string, what: string, checked: CheckedModel): DeclaredParam {
  const symbol = e.kind === 'NameRef' ? checked.references.get(e.id) : undefined;
  if (symbol?.kind !== 'var' || symbol.role !== 'param')
    throw new Unsupported(`the ${what} '${printExpr(e)}' must be a param, whole (not an expression)`, e.span);
  const decl = checked.symbols.vars.get(symbol.name)!.decl;
  const base = decl.type.name.name;
  if (base !== element || decl.dims.length !== 0 || decl.type.args.length !== 0 || !isTypeBase(base))
    throw new Unsupported(`param '${symbol.name}' must be declared '${symbol.name}: ${element}'`, decl.span);
  return { name: symbol.name, dims: [], element: base, shape: [] };
}

function lower(outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>): VariationalProgram {
  const { plan, graph, checked } = outcome;
  const latents = new Set(plan.latents.map((l) => l.name));
  if (latents.size !== 1) throw new Unsupported(`the variational runtime runs ${shape}, with one latent`);
  let prior: Factor | undefined;
  let obs: Factor | undefined;
  for (const f of graph.factors.values()) {
    if (f.prior)
      throw new Unsupported(
        `the prior '${f.target} ~ ${f.family}(…)' (MAP) is not supported with variational EM`,
        f.stmt.span,
      );
    if (f.family === 'Normal' && latents.has(f.child) && !prior) prior = f;
    else if (f.family === 'Poisson' && f.childRole === 'data' && !obs) obs = f;
    else throw new Unsupported(`the statement '${f.target} ~ ${f.family}(…)' is not part of ${shape}`, f.stmt.span);
  }
  if (!prior || !obs) throw new Unsupported(`the variational runtime runs ${shape}; this model is not of that form`);
  const plate = prior.plates[0];
  if (!plate?.size || prior.plates.length !== 1 || plate.ragged || plate.offset)
    throw new Unsupported(`'${prior.target}' must be one item of a plate: for n in N { … }`, prior.stmt.span);
  const n = plate.index;
  if (obs.plates.length !== 1 || obs.plates[0]?.id !== plate.id)
    throw new Unsupported(`'${obs.target}' must be in the same loop as '${prior.target}'`, obs.stmt.span);
  const eta = prior.child;
  if (prior.indices.length !== 1 || prior.indices[0] !== n)
    throw new Unsupported(`the latent must be '${eta}[${n}]'`, prior.stmt.span);
  if (obs.indices.length !== 1 || obs.indices[0] !== n)
    throw new Unsupported(`the count must be '${obs.child}[${n}]'`, obs.stmt.span);
  const rate = argument(obs, 'rate');
  const arg = rate.kind === 'Call' ? rate.args[0] : undefined;
  if (rate.kind !== 'Call' || rate.callee.name !== 'exp' || rate.args.length !== 1 || !arg || !isItem(arg, eta, n))
    throw new Unsupported(`the Poisson rate '${printExpr(rate)}' must be 'exp(${eta}[${n}])'`, rate.span);
  const location = scalarParam(argument(prior, 'mean'), 'real', 'location', checked);
  const scale = scalarParam(argument(prior, 'sd'), 'positive', 'sd', checked);
  for (const q of plan.params) {
    if (q.name !== location.name && q.name !== scale.name)
      throw new Unsupported(
        `param '${q.name}' is not the location or the sd of '${prior.target}'`,
        checked.symbols.vars.get(q.name)?.decl.span,
      );
  }
  const data = graph.variables.get(obs.child)!;
  if (data.optional) throw new Unsupported(`data '${data.name}' may have missing entries`, data.span);
  const byName = new Map([location, scale].map((p) => [p.name, p]));
  const params = plan.params.map((q) => byName.get(q.name)!);
  const statements = [prior, obs].map((f) => `${f.target} ~ ${f.family}(${f.args.map((a) => a.text).join(', ')})`);
  return {
    kind: 'variational',
    form: 'poisson-lognormal',
    model: plan.model,
    items: { index: n, size: plate.size },
    observed: obs.child,
    latent: eta,
    location: location.name,
    scale: scale.name,
    params,
    objective: 'elbo',
    strategy: 'variational',
    statements,
  };
}

/** The VariationalProgram of a planned model, or E5001 naming why the runtime cannot run it. */
export function lowerVariationalProgram(outcome: PlanOutcome): PhaseResult<Program> {
  return lowerOrReport(outcome, (planned) => ({ value: lower(planned), diagnostics: [] }));
}
