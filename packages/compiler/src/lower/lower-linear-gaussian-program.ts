/**
 * Lowers a plan whose continuous latent is linear-Gaussian (strategy `gaussian`) to the
 * runtime's `LinearGaussianProgram` (packages/runtime/src/linear-gaussian/program.ts):
 * - `factor` form: `f[n] ~ MvNormal(m0, P0)` with constant arguments, one observation
 *   `x[n] ~ Normal(mu + W * f[n], psi)` (or `MvNormal(…, Sigma)`), and optionally
 *   `z[n] ~ Categorical(w)` selecting `mu[z[n]]`, `W[z[n]]` and possibly the noise (MFA);
 * - `chain` form: `f[0] ~ …(m0, P0)`, `f[t] ~ …(A * f[t-1], Q)` over `t in 1..T`,
 *   `x[t] ~ …(C * f[t], R)`, for one sequence `f[T]` or several `f[S][T]` (ragged or not).
 * A Gaussian mean is split at its top-level `+` into one latent term (`W * f[n]`, or `f[n]`
 * alone for the identity) and at most one offset; every quantity is a param (whole, or chosen
 * by the selector) or a constant of sizes. Anything else gets one E5001 naming the obstacle.
 */
import { type Expr, type PhaseResult, printExpr } from '@emforge/dsl';
import {
  type DeclaredParam,
  type DimEntry,
  isScalarConstant,
  isTypeBase,
  type LgNoise,
  type LgTerm,
  type LgValue,
  type LinearGaussianChainProgram,
  type LinearGaussianFactorProgram,
  type LinearGaussianProgram,
} from '@emforge/runtime';
import type { Factor, RandomVariable } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { lowerConstant, sizeNames } from './lower-value-source.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

type Outcome = Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>;

/** True for a plan this lowering is for: a linear-Gaussian latent, alone or under finite selectors. */
export function takesLinearGaussian(plan: InferencePlan): boolean {
  return (
    plan.latents.some((l) => l.strategy === 'gaussian') &&
    plan.latents.every((l) => l.strategy === 'gaussian' || l.strategy === 'enumerate')
  );
}

/** What lowering an expression needs: the model, the item index and the selector (`z[n]`). */
interface Scope {
  readonly outcome: Outcome;
  /** The loop index a selector is indexed by (`n`). */
  readonly item?: string;
  readonly selector?: string;
}

function dimOf(e: Expr | undefined, what: string): DimEntry {
  if (e?.kind === 'NameRef') return e.name;
  if (e?.kind === 'NumberLit') return e.value;
  throw new Unsupported(`${what} has a dimension the runtime cannot resolve`, e?.span);
}

/** True for `z[n]`: the selector at the item. */
function isSelector(e: Expr, scope: Scope): boolean {
  return (
    e.kind === 'Index' &&
    e.target.kind === 'NameRef' &&
    e.target.name === scope.selector &&
    e.indices.length === 1 &&
    e.indices[0]?.kind === 'NameRef' &&
    e.indices[0].name === scope.item
  );
}

/** A param (whole, or `P[z[n]]`) or a constant. */
function lowerValue(e: Expr, scope: Scope, what: string): LgValue {
  const { checked } = scope.outcome;
  const constant = lowerConstant(e, sizeNames(checked));
  if (constant) return { kind: 'constant', value: constant };
  const selected = e.kind === 'Index' && e.indices.length === 1 && isSelector(e.indices[0]!, scope);
  const base = selected && e.kind === 'Index' ? e.target : e;
  const symbol = base.kind === 'NameRef' ? checked.references.get(base.id) : undefined;
  if (base.kind !== 'NameRef' || symbol?.kind !== 'var' || symbol.role !== 'param')
    throw new Unsupported(`${what} '${printExpr(e)}' is not a param or a constant`, e.span);
  if (symbol.arrayRank !== (selected ? 1 : 0))
    throw new Unsupported(
      `${what} '${printExpr(e)}' must be the whole param${scope.selector ? ` or one element chosen by ${scope.selector}[${scope.item}]` : ''}`,
      e.span,
    );
  return { kind: 'param', name: base.name, selected };
}

/** The terms of a top-level sum. */
function sumTerms(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === '+' ? [...sumTerms(e.left), ...sumTerms(e.right)] : [e];
}

function refersTo(e: Expr, name: string): boolean {
  let base = e;
  while (base.kind === 'Index') base = base.target;
  return base.kind === 'NameRef' && base.name === name;
}

/**
 * Splits a Gaussian mean into `matrix * latentRef` (or `latentRef` alone) and an offset.
 * @returns the latent reference as written, or undefined when the mean has no latent term
 */
function splitMean(mean: Expr, latent: string, scope: Scope): { matrix?: LgValue; offset?: LgValue; latentRef?: Expr } {
  let matrix: LgValue | undefined;
  let offset: LgValue | undefined;
  let latentRef: Expr | undefined;
  for (const term of sumTerms(mean)) {
    const product = term.kind === 'Binary' && term.op === '*' && refersTo(term.right, latent);
    if (product || refersTo(term, latent)) {
      if (latentRef) throw new Unsupported(`'${printExpr(mean)}' has more than one term in '${latent}'`, mean.span);
      latentRef = product && term.kind === 'Binary' ? term.right : term;
      if (product && term.kind === 'Binary') matrix = lowerValue(term.left, scope, 'the matrix');
      continue;
    }
    if (offset) throw new Unsupported(`'${printExpr(mean)}' has more than one offset term`, mean.span);
    offset = lowerValue(term, scope, 'the offset');
  }
  return { ...(matrix ? { matrix } : {}), ...(offset ? { offset } : {}), ...(latentRef ? { latentRef } : {}) };
}

/** The noise of a Normal or MvNormal statement. */
function lowerNoise(f: Factor, scope: Scope): LgNoise {
  const arg = f.args[1];
  if (!arg) throw new Unsupported(`'${f.target} ~ ${f.family}' has no scale argument`, f.stmt.span);
  const value = lowerValue(arg.expr, scope, `the ${arg.name}`);
  if (f.family === 'MvNormal') return { form: 'full', value };
  const scalar =
    value.kind === 'constant'
      ? isScalarConstant(value.value)
      : (scope.outcome.checked.symbols.vars.get(value.name)?.decl.type.args.length ?? 0) === 0;
  return { form: scalar ? 'spherical' : 'diagonal', value };
}

function gaussianFactor(f: Factor): void {
  if (f.family !== 'Normal' && f.family !== 'MvNormal')
    throw new Unsupported(`'${f.target} ~ ${f.family}' is not a Normal or MvNormal statement`, f.stmt.span);
}

/** A statement `child ~ N(matrix * latent + offset, noise)` with the latent term where `needsLatent` says. */
function lowerTerm(f: Factor, latent: string, scope: Scope, needsLatent: boolean): { term: LgTerm; latentRef?: Expr } {
  gaussianFactor(f);
  const mean = f.args[0]!;
  const split = splitMean(mean.expr, latent, scope);
  if (needsLatent !== (split.latentRef !== undefined))
    throw new Unsupported(
      needsLatent
        ? `the mean '${mean.text}' is not affine in '${latent}'`
        : `the mean '${mean.text}' of the initial state depends on '${latent}'`,
      mean.expr.span,
    );
  const text = `${f.target} ~ ${f.family}(${f.args.map((a) => a.text).join(', ')})`;
  const term: LgTerm = {
    text,
    ...(split.matrix ? { matrix: split.matrix } : {}),
    ...(split.offset ? { offset: split.offset } : {}),
    noise: lowerNoise(f, scope),
  };
  return split.latentRef ? { term, latentRef: split.latentRef } : { term };
}

/** The declared params (all of them must have a role, none a prior). */
function declaredParams(outcome: Outcome, used: ReadonlySet<string>): DeclaredParam[] {
  const { plan, checked } = outcome;
  return plan.params.map((pp) => {
    const symbol = checked.symbols.vars.get(pp.name);
    const decl = symbol?.decl;
    if (!decl) throw new Unsupported(`param '${pp.name}' has no declaration`);
    if (pp.prior) throw new Unsupported(`param '${pp.name}' has a prior (MAP is not available here yet)`, decl.span);
    if (!used.has(pp.name))
      throw new Unsupported(`param '${pp.name}' has no role in the linear-Gaussian model`, decl.span);
    const element = decl.type.name.name;
    if (!isTypeBase(element)) throw new Unsupported(`param '${pp.name}' has the unknown type '${element}'`, decl.span);
    const typeArgs = decl.type.args.map((e) => dimOf(e, `param '${pp.name}'`));
    const shape = element === 'cov' && typeArgs.length === 1 ? [typeArgs[0]!, typeArgs[0]!] : typeArgs;
    return { name: pp.name, dims: decl.dims.map((e) => dimOf(e, `param '${pp.name}'`)), element, shape };
  });
}

function paramsOf(...values: (LgValue | undefined)[]): string[] {
  return values.flatMap((v) => (v?.kind === 'param' ? [v.name] : []));
}

function termParams(t: LgTerm): string[] {
  return paramsOf(t.matrix, t.offset, t.noise.value);
}

/** The latent's vector length: `real[L]` → L, `real` → 1. */
function latentSize(v: RandomVariable, outcome: Outcome): DimEntry {
  const decl = outcome.checked.symbols.vars.get(v.name)?.decl;
  const [size, ...rest] = decl?.type.args ?? [];
  if (rest.length > 0 || decl?.type.name.name !== 'real')
    throw new Unsupported(`latent '${v.name}' is not a real vector`, v.span);
  return size ? dimOf(size, `latent '${v.name}'`) : 1;
}

function lowerFactorForm(outcome: Outcome, latent: RandomVariable, likelihood: Factor[]): LinearGaussianFactorProgram {
  const { plan, graph } = outcome;
  const own = graph.factors.get(latent.factors[0]!)!;
  const plate = own.plates[0];
  if (latent.arrayRank !== 1 || own.plates.length !== 1 || !plate?.size || own.indices[0] !== plate.index)
    throw new Unsupported(`latent '${latent.name}' is not one vector per item of a plate`, latent.span);
  const selectors = plan.latents.filter((l) => l.strategy === 'enumerate');
  if (selectors.length > 1)
    throw new Unsupported(`more than one finite latent (${selectors.map((l) => l.name).join(', ')})`, latent.span);
  const selector = selectors[0]?.name;
  const scope: Scope = { outcome, item: plate.index, ...(selector ? { selector } : {}) };
  for (const f of likelihood) {
    if (f.plates.length !== 1 || f.plates[0]?.size !== plate.size || f.indices.join() !== plate.index)
      throw new Unsupported(`'${f.target}' is not one item of the plate over '${plate.size}'`, f.stmt.span);
  }
  // The prior: constant mean and noise.
  const prior = lowerTerm(own, latent.name, { outcome }, false).term;
  if ([prior.offset, prior.noise.value].some((v) => v?.kind === 'param'))
    throw new Unsupported(`the prior '${prior.text}' must have constant arguments (zeros(L), eye(L))`, own.stmt.span);
  let mixture: LinearGaussianFactorProgram['mixture'];
  if (selector) {
    const z = graph.variables.get(selector)!;
    const zf = graph.factors.get(z.factors[0]!)!;
    if (z.factors.length !== 1 || zf.family !== 'Categorical')
      throw new Unsupported(`latent '${selector}' is not one Categorical draw per item`, z.span);
    const states = outcome.checked.symbols.vars.get(selector)?.decl.type.args[0];
    mixture = {
      latent: selector,
      states: dimOf(states, `latent '${selector}'`),
      weights: lowerValue(zf.args[0]!.expr, { outcome }, 'the weights'),
    };
  }
  const observations = likelihood.filter((f) => f.childRole === 'data');
  const obsFactor = observations[0];
  if (observations.length !== 1 || !obsFactor)
    throw new Unsupported(`the model needs exactly one observation statement of '${latent.name}'`, latent.span);
  const others = likelihood.filter((f) => f !== own && f !== obsFactor && f.child !== selector);
  if (others[0])
    throw new Unsupported(`'${others[0].target}' is a statement the executor has no place for`, others[0].stmt.span);
  const { term: observation, latentRef } = lowerTerm(obsFactor, latent.name, scope, true);
  if (!observation.matrix || latentRef?.kind !== 'Index' || printExpr(latentRef) !== `${latent.name}[${plate.index}]`)
    throw new Unsupported(
      `the mean of '${observation.text}' must be 'W * ${latent.name}[${plate.index}]' plus an offset`,
      obsFactor.stmt.span,
    );
  const sel = (v?: LgValue) => v?.kind === 'param' && v.selected;
  if (observation.offset && sel(observation.matrix) !== sel(observation.offset))
    throw new Unsupported(
      `in '${observation.text}' the loadings and the offset must both be chosen by '${selector}' or both be shared`,
      obsFactor.stmt.span,
    );
  // Shared loadings under per-state noise would need a regression weighted by each state's
  // noise, which the executor does not do.
  if (sel(observation.noise.value) && !sel(observation.matrix))
    throw new Unsupported(
      `in '${observation.text}' the noise is chosen by '${selector}' but the loadings are shared`,
      obsFactor.stmt.span,
    );
  const used = new Set([...termParams(observation), ...paramsOf(mixture?.weights)]);
  return {
    kind: 'linear-gaussian',
    form: 'factor',
    model: plan.model,
    params: declaredParams(outcome, used),
    objective: 'log-likelihood',
    strategy: selector ? 'enumerate+gaussian' : 'gaussian',
    plate: { index: plate.index, size: plate.size },
    data: obsFactor.child,
    latent: { name: latent.name, size: latentSize(latent, outcome) },
    prior,
    observation,
    ...(mixture ? { mixture } : {}),
  };
}

function lowerChainForm(outcome: Outcome, latent: RandomVariable, likelihood: Factor[]): LinearGaussianChainProgram {
  const { plan, graph } = outcome;
  const own = latent.factors.map((id) => graph.factors.get(id)!);
  const initial = own.find((f) => f.indices[f.indices.length - 1] === '0');
  const transition = own.find((f) => f.plates[f.plates.length - 1]?.offset);
  if (own.length !== 2 || !initial || !transition)
    throw new Unsupported(
      `latent '${latent.name}' needs one initial statement '${latent.name}[0] ~ …' and one transition over 1..T`,
      latent.span,
    );
  const emissions = likelihood.filter((f) => !own.includes(f));
  const emission = emissions[0];
  if (emissions.length !== 1 || !emission || emission.childRole !== 'data')
    throw new Unsupported(
      `the chain needs exactly one observation statement per step`,
      emissions[1]?.stmt.span ?? latent.span,
    );
  const data = graph.variables.get(emission.child)!;
  if (data.arrayRank !== latent.arrayRank || latent.arrayRank > 2)
    throw new Unsupported(
      `data '${data.name}' and latent '${latent.name}' must be indexed alike ([T] or [S][T])`,
      data.span,
    );
  const scope: Scope = { outcome };
  const init = lowerTerm(initial, latent.name, scope, false).term;
  const step = lowerTerm(transition, latent.name, scope, true);
  const t = transition.indices[transition.indices.length - 1]!;
  const previous = [...transition.indices.slice(0, -1), `${t} - 1`].map((i) => `[${i}]`).join('');
  if (printExpr(step.latentRef!) !== `${latent.name}${previous}`)
    throw new Unsupported(`the transition's mean must use '${latent.name}${previous}'`, transition.stmt.span);
  const emit = lowerTerm(emission, latent.name, scope, true);
  const same = emission.indices.map((i) => `[${i}]`).join('');
  if (printExpr(emit.latentRef!) !== `${latent.name}${same}`)
    throw new Unsupported(`the observation's mean must use '${latent.name}${same}'`, emission.stmt.span);
  const used = new Set([...termParams(init), ...termParams(step.term), ...termParams(emit.term)]);
  return {
    kind: 'linear-gaussian',
    form: 'chain',
    model: plan.model,
    params: declaredParams(outcome, used),
    objective: 'log-likelihood',
    strategy: 'gaussian',
    data: emission.child,
    latent: { name: latent.name, size: latentSize(latent, outcome) },
    initial: init,
    transition: step.term,
    emission: emit.term,
  };
}

function lower(outcome: Outcome): LinearGaussianProgram {
  const { plan, graph } = outcome;
  const gaussian = plan.latents.filter((l) => l.strategy === 'gaussian');
  if (gaussian.length !== 1)
    throw new Unsupported(`the model has ${gaussian.length} linear-Gaussian latents; the executor runs one`);
  const latent = graph.variables.get(gaussian[0]!.name)!;
  if (plan.objective !== 'log-likelihood')
    throw new Unsupported(`the objective is the ${plan.objective}; only maximum likelihood is available here`);
  for (const v of graph.variables.values()) {
    if (v.role === 'data' && v.optional) throw new Unsupported(`data '${v.name}' may have missing entries`, v.span);
  }
  const likelihood = [...graph.factors.values()].filter((f) => !f.prior);
  return latent.factors.length === 1
    ? lowerFactorForm(outcome, latent, likelihood)
    : lowerChainForm(outcome, latent, likelihood);
}

/** The LinearGaussianProgram of a planned model, or E5001 naming why the runtime cannot run it. */
export function lowerLinearGaussianProgram(outcome: PlanOutcome): PhaseResult<LinearGaussianProgram> {
  return lowerOrReport(outcome, (planned) => ({ value: lower(planned), diagnostics: [] }));
}
