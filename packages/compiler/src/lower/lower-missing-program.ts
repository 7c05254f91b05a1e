/**
 * Lowers a plan whose E-step treats missing entries of Gaussian data as latent (strategy
 * `missing-gaussian`) to the runtime's `MissingGaussianProgram`: one `real[D]?` (or `real?`)
 * data variable observed once per item by `MvNormal(mean, cov)` or `Normal(mean, sd)`, with
 * the mean and the scale params tied or chosen by one finite latent `z[n] ~ Categorical(w)`.
 * Anything else (other observations, priors, a mean shared by components of different scales,
 * expressions in arguments, …) gets one E5001 diagnostic naming the obstacle.
 */
import type { PhaseResult, Span } from '@emforge/dsl';
import {
  type DeclaredParam,
  type DimEntry,
  isTypeBase,
  type MissingGaussianProgram,
  type MissingParamUse,
  type ValueSource,
} from '@emforge/runtime';
import type { Factor } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { lowerValueSource } from './lower-value-source.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

/** E-steps this lowering cannot combine with the missing-data one (other executors' chains and continuous latents). */
const otherExecutors = new Set(['forward-backward', 'gaussian', 'conjugate']);

/** Whether the plan is this lowering's: missing Gaussian entries, and no chain or continuous latent. */
export function takesMissingPlan(plan: InferencePlan): boolean {
  return (
    plan.latents.some((l) => l.strategy === 'missing-gaussian') &&
    !plan.latents.some((l) => otherExecutors.has(l.strategy))
  );
}

/** The M-step rules the executor implements, by the role of the param. */
const rules: Readonly<Record<'mean' | 'scale' | 'weights', ReadonlySet<string>>> = {
  mean: new Set(['mv-normal-mean', 'normal-mean']),
  scale: new Set(['mv-normal-covariance', 'normal-sd']),
  weights: new Set(['categorical-probabilities']),
};

type Outcome = Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>;

function dimEntry(e: { kind: string; name?: string; value?: number; span: Span }, what: string): DimEntry {
  if (e.kind === 'NameRef' && e.name !== undefined) return e.name;
  if (e.kind === 'NumberLit' && e.value !== undefined) return e.value;
  throw new Unsupported(`${what} has a dimension the runtime cannot resolve`, e.span);
}

/** The param's name, dims, element type and shape as declared. */
function declared(outcome: Outcome, name: string): DeclaredParam {
  const symbol = outcome.checked.symbols.vars.get(name);
  if (!symbol) throw new Unsupported(`param '${name}' has no declaration`);
  const decl = symbol.decl;
  const element = decl.type.name.name;
  if (!isTypeBase(element)) throw new Unsupported(`param '${name}' has the unknown type '${element}'`, decl.span);
  const typeArgs = decl.type.args.map((e) => dimEntry(e, `param '${name}'`));
  const shape = element === 'cov' && typeArgs.length === 1 ? [typeArgs[0]!, typeArgs[0]!] : typeArgs;
  return { name, dims: decl.dims.map((e) => dimEntry(e, `param '${name}'`)), element, shape };
}

/** A param argument tied or chosen by the latent: what the executor reads. */
function paramUse(source: ValueSource, latent: string | undefined, what: string, span: Span): MissingParamUse {
  if (source.kind !== 'param')
    throw new Unsupported(`${what} is not a param (the missing-data E-step needs the mean and scale as params)`, span);
  const selected = source.selectors.length === 1 && source.selectors[0] === latent;
  if (source.selectors.length > 0 && !selected)
    throw new Unsupported(`${what} is chosen by something other than the latent '${latent}'`, span);
  return { param: source.name, selected };
}

function isItemFactor(f: Factor, plate: { index: string; size?: string }): boolean {
  const p = f.plates[0];
  return (
    f.plates.length === 1 &&
    p !== undefined &&
    !p.ragged &&
    !p.offset &&
    p.size === plate.size &&
    f.indices.length === 1 &&
    f.indices[0] === p.index
  );
}

function lower(outcome: Outcome): MissingGaussianProgram {
  const { plan, graph, checked } = outcome;
  const missing = plan.latents.filter((l) => l.strategy === 'missing-gaussian');
  if (missing.length !== 1) {
    const second = graph.variables.get(missing[1]?.name ?? '');
    throw new Unsupported(
      `more than one data variable has missing entries (${missing.map((l) => l.name).join(', ')})`,
      second?.span,
    );
  }
  const dataName = missing[0]!.name;
  const others = plan.latents.filter((l) => l.strategy !== 'missing-gaussian');
  for (const l of others) {
    if (l.strategy !== 'enumerate')
      throw new Unsupported(`latent '${l.name}' needs the ${l.strategy} E-step`, graph.variables.get(l.name)?.span);
  }
  if (others.length > 1)
    throw new Unsupported(
      `the missing-data E-step takes one finite latent per item, not ${others.length} (${others.map((l) => l.name).join(', ')})`,
      graph.variables.get(others[1]!.name)?.span,
    );
  for (const p of plan.params) {
    if (p.prior)
      throw new Unsupported(
        `param '${p.name}' has a prior; the missing-data E-step supports maximum likelihood only`,
        checked.symbols.vars.get(p.name)?.decl.span,
      );
  }
  const dataVar = graph.variables.get(dataName);
  if (dataVar?.arrayRank !== 1)
    throw new Unsupported(`data '${dataName}' is not one value or row per item`, dataVar?.span);
  const likelihood = [...graph.factors.values()].filter((f) => !f.prior);
  const observation = likelihood.find((f) => f.child === dataName);
  if (!observation || dataVar.factors.length !== 1)
    throw new Unsupported(`data '${dataName}' is not observed by exactly one statement`, dataVar.span);
  if (observation.family !== 'MvNormal' && observation.family !== 'Normal')
    throw new Unsupported(
      `missing entries of '${dataName}' need a Normal or MvNormal observation, not ${observation.family}`,
      observation.stmt.span,
    );
  const plate = observation.plates[0];
  if (!plate?.size || !isItemFactor(observation, plate))
    throw new Unsupported(`'${observation.target}' is not one item of a plate over a size`, observation.stmt.span);
  const latentPlan = others[0];
  const latentName = latentPlan?.name;
  const ctx = { checked, index: plate.index, latents: new Set(latentName ? [latentName] : []) };
  const source = (f: Factor, k: number): ValueSource => {
    const a = f.args[k];
    if (!a) throw new Unsupported(`'${f.target} ~ ${f.family}' lacks argument ${k + 1}`, f.stmt.span);
    const lowered = lowerValueSource(a.expr, ctx);
    if ('obstacle' in lowered)
      throw new Unsupported(`argument '${a.name}' of '${f.target} ~ ${f.family}': ${lowered.obstacle}`, a.expr.span);
    return lowered.value;
  };
  const mean = paramUse(
    source(observation, 0),
    latentName,
    `the mean of '${observation.target}'`,
    observation.stmt.span,
  );
  const scale = paramUse(
    source(observation, 1),
    latentName,
    `the scale of '${observation.target}'`,
    observation.stmt.span,
  );
  let latent: MissingGaussianProgram['latent'];
  if (latentPlan && latentName) {
    const v = graph.variables.get(latentName);
    const own = likelihood.find((f) => f.child === latentName);
    if (
      v?.arrayRank !== 1 ||
      !own ||
      v.factors.length !== 1 ||
      own.family !== 'Categorical' ||
      !isItemFactor(own, plate)
    )
      throw new Unsupported(`latent '${latentName}' is not one Categorical value per item of the plate`, v?.span);
    const weights = source(own, 0);
    if (weights.kind !== 'param' || weights.selectors.length > 0)
      throw new Unsupported(`the probabilities of '${own.target}' are not one tied param`, own.stmt.span);
    const categories = v.type?.categories;
    const states =
      categories?.kind === 'size' ? categories.name : categories?.kind === 'const' ? categories.value : undefined;
    if (states === undefined) throw new Unsupported(`latent '${latentName}' has no known number of states`, v.span);
    if (!mean.selected)
      throw new Unsupported(
        `the mean of '${observation.target}' is shared by every state of '${latentName}'; the missing-data E-step needs one mean per component`,
        observation.stmt.span,
      );
    latent = { name: latentName, states, weights: weights.name };
  }
  const extra = likelihood.find((f) => f !== observation && f.child !== latentName);
  if (extra)
    throw new Unsupported(
      `'${extra.target} ~ ${extra.family}': the missing-data E-step runs models with only the Gaussian observation of '${dataName}'${latentName ? ` and the Categorical of '${latentName}'` : ''}`,
      extra.stmt.span,
    );
  const roles: Record<string, keyof typeof rules> = { [mean.param]: 'mean', [scale.param]: 'scale' };
  if (latent) roles[latent.weights] = 'weights';
  for (const p of plan.params) {
    const role = roles[p.name];
    const span = checked.symbols.vars.get(p.name)?.decl.span;
    if (!role) throw new Unsupported(`param '${p.name}' is not an argument of the observation or of the latent`, span);
    if (p.update !== 'closed-form' || !rules[role].has(p.rule))
      throw new Unsupported(`param '${p.name}' needs the ${p.update} M-step '${p.rule}'`, p.at ?? span);
  }
  if (mean.param === scale.param)
    throw new Unsupported(
      `'${mean.param}' is both the mean and the scale of '${observation.target}'`,
      observation.stmt.span,
    );
  const args = observation.args.map((a) => a.text).join(', ');
  return {
    kind: 'missing-gaussian',
    model: plan.model,
    plate: { index: plate.index, size: plate.size },
    data: dataName,
    family: observation.family,
    text: `${observation.target} ~ ${observation.family}(${args})`,
    ...(latent ? { latent } : {}),
    mean,
    scale,
    params: plan.params.map((p) => declared(outcome, p.name)),
    objective: 'log-likelihood',
    strategy: latent ? 'enumerate+missing-gaussian' : 'missing-gaussian',
  };
}

/** The MissingGaussianProgram of a planned model, or E5001 naming why the runtime cannot run it yet. */
export function lowerMissingProgram(outcome: PlanOutcome): PhaseResult<MissingGaussianProgram> {
  return lowerOrReport(outcome, (planned) => ({ value: lower(planned), diagnostics: [] }));
}
