/**
 * Lowers a plan to the runtime's `FitProgram` (packages/runtime/src/em/fit-program.ts): the
 * item plate, the finite latents enumerated jointly per item, each factor's child and
 * arguments as value sources (expressions of params and data too: lower-expression.ts), and
 * each param's declared shape, rule and prior. A param without a closed form the runtime runs
 * (planned `numeric`, a closed-form rule whose statement has an expression argument, a prior no
 * conjugate rule takes) gets the `numeric` rule when the families of its statements and prior
 * have derivatives (packages/runtime/src/numeric/). Plans the runtime cannot execute yet
 * (non-enumerate E-steps, unexecutable M-steps, …) get one E5001 diagnostic that names the obstacle.
 */
import { type Expr, type NameRef, type PhaseResult, printExpr, type Span } from '@emforge/dsl';
import {
  argumentGradients,
  type ConstantValue,
  childGradients,
  type DimEntry,
  type FitFactor,
  type FitLatent,
  type FitParam,
  type FitPrior,
  type FitProgram,
  familyMleRule,
  familyMleUpdates,
  isScalarConstant,
  isTypeBase,
  logDensityKernels,
  mixtureRules,
  mixtureScaleRules,
  numericRule,
  type ValueSource,
  vectorChildGradients,
} from '@emforge/runtime';
import type { Dim } from '../check/value-type.js';
import type { Factor } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import { paramsOf } from './lower-expression.js';
import { type ItemContext, lowerConstant, lowerValueSource, sizeNames, wholeDataOf } from './lower-value-source.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

function dimEntry(d: Dim | undefined, what: string): DimEntry {
  if (d?.kind === 'size') return d.name;
  if (d?.kind === 'const') return d.value;
  throw new Unsupported(`${what} has no known number of states`);
}

function exprDim(e: Expr, what: string): DimEntry {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'NumberLit') return e.value;
  throw new Unsupported(`${what} has a dimension the runtime cannot resolve`, e.span);
}

function lowerFactor(f: Factor, ctx: ItemContext): FitFactor {
  if (!logDensityKernels[f.family])
    throw new Unsupported(`${f.family} has no log-density kernel yet ('${f.target}')`, f.stmt.span);
  const source = (e: Expr, what: string): ValueSource => {
    const lowered = lowerValueSource(e, ctx);
    if ('obstacle' in lowered)
      throw new Unsupported(`${what} of '${f.target} ~ ${f.family}': ${lowered.obstacle}`, e.span);
    return lowered.value;
  };
  const child = source(f.stmt.target, 'the left-hand side');
  if (!(child.kind === 'state' || (child.kind === 'data' && child.atItem))) {
    throw new Unsupported(`'${f.target}' is not an observation or a latent at the item`, f.stmt.span);
  }
  const args = f.args.map((a) => ({ name: a.name, source: source(a.expr, `argument '${a.name}'`) }));
  const constant = args.find((a) => a.source.kind === 'constant');
  if ((ctx.inner ?? []).length > 0 && constant) {
    throw new Unsupported(
      `argument '${constant.name}' of '${f.target}' does not depend on the inner loop index`,
      f.stmt.span,
    );
  }
  return { family: f.family, child, args, text: `${f.target} ~ ${f.family}(${f.args.map((a) => a.text).join(', ')})` };
}

type PlanParam = Required<Pick<PlanOutcome, 'plan'>>['plan']['params'][number];

/** True when the runtime has a closed-form rule for the param as planned. */
function closedForm(pp: PlanParam): boolean {
  return (pp.update === 'closed-form' || pp.update === 'closed-form-map') && mixtureRules.has(pp.rule);
}

/** True when a statement has an expression argument: its params are then updated numerically. */
function numericFactor(f: FitFactor): boolean {
  return f.args.some((a) => a.source.kind === 'expression');
}

/** The params a value source reads. */
function sourceParams(source: ValueSource): string[] {
  if (source.kind === 'param') return [source.name];
  if (source.kind === 'expression') return paramsOf(source.expr);
  return [];
}

/**
 * The param as a `numeric` param (the numeric M-step: L-BFGS on the expected complete-data log
 * posterior), or throws why it cannot be: a family without derivatives, a prior without a
 * derivative or with non-scalar arguments (other than a multivariate prior's vector and matrix).
 */
function numericParam(
  pp: PlanParam,
  decl: ParamDecl,
  factorIds: readonly number[],
  factors: readonly FitFactor[],
  prior: (base: FitParam) => FitParam,
): FitParam {
  const span = pp.at ?? decl.span;
  const why = (reason: string) =>
    new Unsupported(`param '${pp.name}' needs a numeric M-step (${pp.reason ?? pp.rule}), and ${reason}`, span);
  const uses = pp.factors.map((id) => factors[factorIds.indexOf(id)]);
  for (const fit of uses) {
    if (!fit) throw why('it appears in a statement that is not a likelihood of the items');
    if (!argumentGradients[fit.family]) throw why(`the numeric M-step has no derivative of ${fit.family} yet`);
  }
  const declared = declaredShape(pp.name, decl);
  const factor = factorIds.indexOf(pp.factors[0]!);
  const argument = factors[factor]?.args.find((a) => sourceParams(a.source).includes(pp.name));
  if (!argument) throw why(`it is not an argument of '${factors[factor]?.text ?? 'its statement'}'`);
  const out = prior({ ...declared, rule: numericRule, factor, argument: argument.name });
  if (out.prior) {
    const vector = vectorChildGradients[out.prior.family] !== undefined;
    if (!childGradients[out.prior.family] && !vector)
      throw why(`the numeric M-step has no derivative of the prior family ${out.prior.family} yet`);
    if ((!vector && !out.prior.args.every(isScalarConstant)) || out.prior.covarianceOf)
      throw why(`the prior '${out.prior.text}' has arguments that are not numbers`);
  }
  return out;
}

/**
 * The factors (indices into `factors`) whose params are all updated jointly by the family's
 * exact weighted MLE: those with a param the closed-form rules cannot update. Throws the reason
 * when such a factor does not qualify (an argument that is not a param, a param shared with
 * another statement or with a prior, arguments selected by different latents).
 */
function familyMleFactors(
  params: readonly PlanParam[],
  factorIds: readonly number[],
  factors: readonly FitFactor[],
  spanOf: (name: string) => Span | undefined,
): Set<number> {
  const out = new Set<number>();
  for (const pp of params) {
    if (closedForm(pp) || pp.factors.length !== 1) continue;
    const index = factorIds.indexOf(pp.factors[0]!);
    const fit = factors[index];
    if (!fit || out.has(index) || numericFactor(fit)) continue;
    const why = (reason: string) =>
      new Unsupported(
        `param '${pp.name}' needs a ${pp.update} M-step (${pp.rule}), and the weighted MLE of ${fit.family} cannot replace it: ${reason}`,
        pp.at ?? spanOf(pp.name),
      );
    if (!familyMleUpdates.has(familyMleRule(fit.family))) throw why(`${fit.family} has no exact weighted MLE`);
    const names: string[] = [];
    for (const a of fit.args) {
      if (a.source.kind !== 'param') throw why(`its argument '${a.name}' in '${fit.text}' is not a param`);
      names.push(a.source.name);
    }
    if (new Set(names).size !== names.length) throw why(`a param is more than one argument of '${fit.text}'`);
    for (const name of names) {
      const other = params.find((q) => q.name === name);
      if (!other) throw why(`'${name}' is not a param of the plan`);
      if (other.prior) throw why(`'${name}' has a prior`);
      if (other.factors.length !== 1) throw why(`'${name}' appears in ${other.factors.length} likelihood statements`);
    }
    const selectors = fit.args.map((a) => (a.source.kind === 'param' ? a.source.selectors.join(',') : ''));
    if (selectors.some((s) => s !== selectors[0])) {
      const how = fit.args
        .map((a, k) => `'${a.name}' ${selectors[k] ? `selected by ${selectors[k]}` : 'tied'}`)
        .join(', ');
      throw why(
        `the joint fit needs every argument of '${fit.text}' tied, or every one selected by the same latents (here ${how})`,
      );
    }
    out.add(index);
  }
  return out;
}

function lowerParams(
  outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>,
  factorIds: readonly number[],
  factors: readonly FitFactor[],
): FitParam[] {
  const { plan, graph, checked } = outcome;
  const joint = familyMleFactors(plan.params, factorIds, factors, (name) => checked.symbols.vars.get(name)?.decl.span);
  return plan.params.map((planned): FitParam => {
    // A normal-inverse-Wishart covariance also appears in its mean's prior: only the likelihood counts here.
    const pp =
      planned.rule === 'normal-inverse-wishart-map'
        ? { ...planned, factors: planned.factors.filter((id) => !graph.factors.get(id)?.prior) }
        : planned;
    const symbol = checked.symbols.vars.get(pp.name);
    if (!symbol) throw new Unsupported(`param '${pp.name}' has no declaration`);
    const span = symbol.decl.span;
    const jointIndex = pp.factors.length === 1 ? factorIds.indexOf(pp.factors[0]!) : -1;
    if (joint.has(jointIndex)) return familyMleParam(pp, symbol.decl, jointIndex, factors[jointIndex]!);
    const withPrior = (base: FitParam) => lowerPrior(pp, base, outcome, symbol.arrayRank, span);
    const inExpression = pp.factors.some((id) => {
      const fit = factors[factorIds.indexOf(id)];
      return fit !== undefined && numericFactor(fit);
    });
    if (pp.update === 'numeric' || inExpression) return numericParam(pp, symbol.decl, factorIds, factors, withPrior);
    if (pp.update !== 'closed-form' && pp.update !== 'closed-form-map') {
      throw new Unsupported(`param '${pp.name}' needs a ${pp.update} M-step (${pp.rule})`, pp.at ?? span);
    }
    if (!mixtureRules.has(pp.rule)) throw new Unsupported(`param '${pp.name}' uses the update rule '${pp.rule}'`, span);
    const pooled = pp.rule === 'categorical-probabilities' || pp.rule === 'dirichlet-map';
    if (pp.factors.length !== 1 && !pooled)
      throw new Unsupported(`param '${pp.name}' appears in ${pp.factors.length} likelihood statements`, span);
    const uses = pp.factors.map((id) => {
      const index = factorIds.indexOf(id);
      const fit = factors[index];
      const args = fit?.args.filter((a) => a.source.kind === 'param' && a.source.name === pp.name) ?? [];
      if (!fit || args.length !== 1 || fit.family !== factors[factorIds.indexOf(pp.factors[0]!)]?.family)
        throw new Unsupported(`param '${pp.name}' is not exactly one argument of its statement`, span);
      return { factor: index, argument: args[0]!.name };
    });
    const factor = uses[0]!.factor;
    const fit = factors[factor]!;
    if (uses.length > 1) {
      // Pooled counts need the same element layout in every statement: equal selectors, no inner loops.
      const selectorsOf = (u: { factor: number; argument: string }) => {
        const source = factors[u.factor]?.args.find((a) => a.name === u.argument)?.source;
        return source?.kind === 'param' ? source.selectors.join(',') : undefined;
      };
      const inner = pp.factors.some((id) => (graph.factors.get(id)?.plates.length ?? 1) > 1);
      if (fit.family !== 'Categorical' || inner || uses.some((u) => selectorsOf(u) !== selectorsOf(uses[0]!)))
        throw new Unsupported(`param '${pp.name}' appears in ${uses.length} ${fit.family} statements`, span);
    }
    const mean = fit.args[0]?.source;
    if (mixtureScaleRules.has(pp.rule) && mean?.kind === 'data' && mean.atItem) {
      throw new Unsupported(`the scale '${pp.name}' has a mean that varies per item`, span);
    }
    const base: FitParam = {
      ...declaredShape(pp.name, symbol.decl),
      rule: pp.rule,
      factor,
      argument: uses[0]!.argument,
      ...(uses.length > 1 ? { alsoIn: uses.slice(1) } : {}),
    };
    return withPrior(base);
  });
}

/** The param with its prior (constant arguments) when the plan gives it one. */
function lowerPrior(
  pp: PlanParam,
  base: FitParam,
  outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>,
  arrayRank: number,
  span: Span,
): FitParam {
  const { graph, checked } = outcome;
  if (!pp.prior) return base;
  const prior = graph.factors.get(pp.prior.factor);
  if (!prior) throw new Unsupported(`the prior of '${pp.name}' has no statement`, span);
  if (prior.indices.length !== arrayRank) {
    throw new Unsupported(`the prior '${pp.prior.text}' covers only part of '${pp.name}'`, prior.stmt.span);
  }
  if (pp.rule === 'normal-inverse-wishart-map' && prior.family === 'MvNormal')
    return { ...base, prior: niwMeanPrior(prior, pp.prior.text, sizeNames(checked), wholeDataOf(checked), span) };
  const priorArgs = prior.args.map((a) => {
    const c = lowerConstant(a.expr, sizeNames(checked), wholeDataOf(checked));
    if (!c) throw new Unsupported(`the prior argument '${a.text}' is not a constant`, a.expr.span);
    return c;
  });
  return { ...base, prior: { family: prior.family, args: priorArgs, text: pp.prior.text } };
}

/**
 * The mean's prior of a normal-inverse-Wishart pair, `mu[k] ~ MvNormal(m0, Sigma[k] / kappa)`:
 * args [m0, kappa] and the covariance param it scales (the planner checked the shape).
 */
function niwMeanPrior(
  prior: Factor,
  text: string,
  isSize: (e: NameRef) => boolean,
  wholeData: (e: NameRef) => ConstantValue | undefined,
  span: Span,
): FitPrior {
  const [mean, cov] = prior.args;
  const m0 = mean && lowerConstant(mean.expr, isSize, wholeData);
  if (!mean || !m0) throw new Unsupported(`the prior argument '${mean?.text ?? 'mean'}' is not a constant`, span);
  if (cov?.expr.kind !== 'Binary' || cov.expr.op !== '/')
    throw new Unsupported(`the prior covariance '${cov?.text ?? 'cov'}' is not a covariance over a constant`, span);
  let sigma: Expr = cov.expr.left;
  while (sigma.kind === 'Index') sigma = sigma.target;
  if (sigma.kind !== 'NameRef') throw new Unsupported(`the prior covariance '${cov.text}' is not a param`, span);
  const kappa = lowerConstant(cov.expr.right, isSize, wholeData);
  if (!kappa || !isScalarConstant(kappa))
    throw new Unsupported(`the prior argument '${printExpr(cov.expr.right)}' is not a constant number`, cov.expr.span);
  return { family: prior.family, args: [m0, kappa], text, covarianceOf: sigma.name };
}

type ParamDecl = NonNullable<ReturnType<Required<PlanOutcome>['checked']['symbols']['vars']['get']>>['decl'];

/** The param's name, dims, element type and shape as declared. */
function declaredShape(name: string, decl: ParamDecl): Pick<FitParam, 'name' | 'dims' | 'element' | 'shape'> {
  const element = decl.type.name.name;
  if (!isTypeBase(element)) throw new Unsupported(`param '${name}' has the unknown type '${element}'`, decl.span);
  const typeArgs = decl.type.args.map((e) => exprDim(e, `param '${name}'`));
  const shape = element === 'cov' && typeArgs.length === 1 ? [typeArgs[0]!, typeArgs[0]!] : typeArgs;
  return { name, dims: decl.dims.map((e) => exprDim(e, `param '${name}'`)), element, shape };
}

/** A param of a factor fitted by the family's joint weighted MLE (checked by `familyMleFactors`). */
function familyMleParam(pp: PlanParam, decl: ParamDecl, factor: number, fit: FitFactor): FitParam {
  const rule = familyMleRule(fit.family);
  const arg = fit.args.find((a) => a.source.kind === 'param' && a.source.name === pp.name);
  if (!arg) throw new Unsupported(`param '${pp.name}' is not an argument of '${fit.text}'`, decl.span);
  const declared = declaredShape(pp.name, decl);
  if (familyMleUpdates.get(rule)?.event === 'vector' && declared.shape.length !== 1) {
    throw new Unsupported(
      `param '${pp.name}' of '${fit.text}' needs one entry per coordinate for the weighted MLE of ${fit.family}`,
      decl.span,
    );
  }
  return { ...declared, rule, factor, argument: arg.name };
}

function lower(outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>): FitProgram {
  const { plan, graph, checked } = outcome;
  for (const l of plan.latents) {
    if (l.strategy !== 'enumerate') {
      throw new Unsupported(`latent '${l.name}' needs the ${l.strategy} E-step`, graph.variables.get(l.name)?.span);
    }
  }
  for (const v of graph.variables.values()) {
    if (v.role === 'data' && v.optional) throw new Unsupported(`data '${v.name}' may have missing entries`, v.span);
  }
  const likelihood = [...graph.factors.values()].filter((f) => !f.prior);
  const plate = likelihood[0]?.plates[0];
  if (!plate?.size) throw new Unsupported('the model has no plate of independent items', likelihood[0]?.stmt.span);
  for (const f of likelihood) {
    const p = f.plates[0];
    const inner = f.plates.slice(1);
    if (
      p?.size !== plate.size ||
      f.plates.some((q) => q.ragged || q.offset || !q.size) ||
      f.indices.length !== f.plates.length ||
      f.indices.some((index, m) => index !== f.plates[m]!.index)
    ) {
      throw new Unsupported(`'${f.target}' is not one item of the plate over '${plate.size}'`, f.stmt.span);
    }
    if (inner.length > 0 && f.family !== 'Categorical') {
      throw new Unsupported(
        `'${f.target} ~ ${f.family}' sits in an inner loop; only Categorical observations can (write a vector observation instead)`,
        f.stmt.span,
      );
    }
  }
  const latents = plan.latents.map((l): FitLatent => {
    const v = graph.variables.get(l.name);
    if (v?.arrayRank !== 1) throw new Unsupported(`latent '${l.name}' is not one value per item`, v?.span);
    return { name: l.name, states: dimEntry(v.type?.categories, `latent '${l.name}'`) };
  });
  const latentNames = new Set(latents.map((l) => l.name));
  const factors = likelihood.map((f) =>
    lowerFactor(f, {
      checked,
      index: f.plates[0]!.index,
      latents: latentNames,
      inner: f.plates.slice(1).map((q) => ({ index: q.index, size: q.size! })),
    }),
  );
  const params = lowerParams(
    outcome,
    likelihood.map((f) => f.id),
    factors,
  );
  return {
    model: plan.model,
    plate: { index: plate.index, size: plate.size },
    latents,
    factors,
    params,
    objective: plan.objective === 'log-posterior' ? 'log-posterior' : 'log-likelihood',
    strategy: latents.length > 0 ? 'enumerate' : 'direct',
  };
}

/** The FitProgram of a planned model, or E5001 naming why the runtime cannot run it yet. */
export function lowerFitProgram(outcome: PlanOutcome): PhaseResult<FitProgram> {
  return lowerOrReport(outcome, (planned) => ({ value: lower(planned), diagnostics: [] }));
}
