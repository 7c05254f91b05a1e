/**
 * Lowers a Gaussian scale mixture to the runtime's `ScaleMixtureProgram`: a Student-t written
 * explicitly (`u[n] ~ Gamma(nu / 2, nu / 2)` with `x[n] ~ MvNormal(mu, Sigma / u[n])` or
 * `x[n] ~ Normal(mu, s / sqrt(u[n]))`) or as `StudentT` / `MvStudentT` with ν known (data or a
 * constant) or a param (whole or per component: then ν gets the runtime's one-dimensional
 * numeric update, and the explicit form must be `Gamma(nu / 2, nu / 2)`), optionally in a
 * finite mixture (`z[n] ~ Categorical(w)` choosing the location, the scale and ν). Anything
 * else of such a plan — another statement, a prior, a location that is not a param — is one
 * E5001 naming the obstacle.
 * `takesScaleMixture` says which plans come here; a plan whose conjugate latent turns out not
 * to be a Gamma precision is handed back to the mixture lowering (which reports it).
 */
import { type Expr, type PhaseResult, printExpr, type Span } from '@emforge/dsl';
import {
  type ComponentParam,
  type DeclaredParam,
  type DimEntry,
  isTypeBase,
  type KnownValue,
  type Program,
  type ScaleMixtureProgram,
} from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';
import type { Factor, ModelGraph } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { lowerFitProgram } from './lower-fit-program.js';
import { lowerValueSource } from './lower-value-source.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

/** The planner's rules for StudentT / MvStudentT location and scale (plan/rules/student-t-scale-mixture.ts). */
const studentTRules = new Set(['student-t-location', 'student-t-scale']);

/**
 * The plans of scale mixtures: every latent enumerated or conjugate, and a conjugate latent or
 * a StudentT / MvStudentT location or scale update.
 */
export function takesScaleMixture(plan: InferencePlan): boolean {
  if (plan.latents.some((l) => l.strategy !== 'enumerate' && l.strategy !== 'conjugate')) return false;
  return plan.latents.some((l) => l.strategy === 'conjugate') || plan.params.some((p) => studentTRules.has(p.rule));
}

const observationFamilies: Readonly<Record<string, { form: 'mv' | 'univariate'; implicit: boolean; scale: string }>> = {
  MvNormal: { form: 'mv', implicit: false, scale: 'cov' },
  Normal: { form: 'univariate', implicit: false, scale: 'sd' },
  MvStudentT: { form: 'mv', implicit: true, scale: 'scale' },
  StudentT: { form: 'univariate', implicit: true, scale: 'sd' },
};

interface Context {
  readonly checked: CheckedModel;
  readonly graph: ModelGraph;
  readonly index: string;
  /** The component latent, if any. */
  readonly component?: string;
}

function argument(f: Factor, name: string): Expr {
  const a = f.args.find((x) => x.name === name);
  if (!a) throw new Unsupported(`'${f.target} ~ ${f.family}' has no argument '${name}'`, f.stmt.span);
  return a.expr;
}

/** A param, whole or chosen by the component latent (`mu`, `mu[z[n]]`). */
function componentParam(e: Expr, ctx: Context, what: string): ComponentParam {
  const lowered = lowerValueSource(e, {
    checked: ctx.checked,
    index: ctx.index,
    latents: new Set(ctx.component ? [ctx.component] : []),
  });
  const text = printExpr(e);
  if ('obstacle' in lowered) throw new Unsupported(`the ${what} '${text}': ${lowered.obstacle}`, e.span);
  const v = lowered.value;
  if (v.kind !== 'param' || v.selectors.length > 1)
    throw new Unsupported(`the ${what} '${text}' must be a param, whole or chosen by the component latent`, e.span);
  return { name: v.name, perComponent: v.selectors.length === 1 };
}

/** `u[n]` of the precision latent, at the item. */
function isPrecisionAtItem(e: Expr, u: string, ctx: Context): boolean {
  return (
    e.kind === 'Index' &&
    e.target.kind === 'NameRef' &&
    e.target.name === u &&
    e.indices.length === 1 &&
    e.indices[0]?.kind === 'NameRef' &&
    e.indices[0].name === ctx.index
  );
}

/**
 * The scale of the explicit form: `Sigma / u[n]` for MvNormal, `s / sqrt(u[n])` for Normal
 * (u scales the precision, so the sd is divided by its square root).
 */
function dividedScale(f: Factor, u: string, ctx: Context): ComponentParam {
  const family = observationFamilies[f.family]!;
  const e = argument(f, family.scale);
  const text = printExpr(e);
  const want = family.form === 'mv' ? `Sigma / ${u}[${ctx.index}]` : `s / sqrt(${u}[${ctx.index}])`;
  if (e.kind !== 'Binary' || e.op !== '/')
    throw new Unsupported(`the ${family.scale} '${text}' must be divided by the precision, as in '${want}'`, e.span);
  const divisor = e.right;
  const ok =
    family.form === 'mv'
      ? isPrecisionAtItem(divisor, u, ctx)
      : divisor.kind === 'Call' &&
        divisor.callee.name === 'sqrt' &&
        divisor.args.length === 1 &&
        isPrecisionAtItem(divisor.args[0]!, u, ctx);
  if (!ok)
    throw new Unsupported(
      `the ${family.scale} '${text}' is not a scale divided by the precision as '${want}' (u[n] is a precision: it divides ${family.form === 'mv' ? 'the covariance' : 'the variance, so the sd by its square root'})`,
      e.span,
    );
  return componentParam(e.left, ctx, family.scale);
}

/**
 * A Gamma argument: a number, data (whole, or chosen by the component latent) or the ν param
 * (whole or chosen by the component latent), times a constant (`nu / 2`, `0.5 * nu`, `nu`).
 */
function knownValue(e: Expr, ctx: Context, factor = 1): KnownValue {
  if (e.kind === 'NumberLit') return { kind: 'constant', value: e.value * factor };
  if (e.kind === 'Binary' && (e.op === '/' || e.op === '*')) {
    if (e.right.kind === 'NumberLit')
      return knownValue(e.left, ctx, e.op === '/' ? factor / e.right.value : factor * e.right.value);
    if (e.op === '*' && e.left.kind === 'NumberLit') return knownValue(e.right, ctx, factor * e.left.value);
  }
  const lowered = lowerValueSource(e, {
    checked: ctx.checked,
    index: ctx.index,
    latents: new Set(ctx.component ? [ctx.component] : []),
  });
  if (!('obstacle' in lowered) && lowered.value.kind === 'data' && !lowered.value.atItem) {
    const v = lowered.value;
    if (v.selectors.length <= 1) return { kind: 'data', name: v.name, perComponent: v.selectors.length === 1, factor };
  }
  if (!('obstacle' in lowered) && lowered.value.kind === 'param' && lowered.value.selectors.length <= 1) {
    const v = lowered.value;
    return { kind: 'param', name: v.name, perComponent: v.selectors.length === 1, factor };
  }
  throw new Unsupported(
    `'${printExpr(e)}' must be a number, data or the degrees-of-freedom param (whole or one value per component), possibly times a constant as in 'nu / 2'`,
    e.span,
  );
}

function exprDim(e: Expr, what: string): DimEntry {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'NumberLit') return e.value;
  throw new Unsupported(`${what} has a dimension the runtime cannot resolve`, e.span);
}

function declaredParam(name: string, checked: CheckedModel): DeclaredParam {
  const symbol = checked.symbols.vars.get(name);
  if (!symbol) throw new Unsupported(`param '${name}' has no declaration`);
  const decl = symbol.decl;
  const element = decl.type.name.name;
  if (!isTypeBase(element)) throw new Unsupported(`param '${name}' has the unknown type '${element}'`, decl.span);
  const typeArgs = decl.type.args.map((e) => exprDim(e, `param '${name}'`));
  const shape = element === 'cov' && typeArgs.length === 1 ? [typeArgs[0]!, typeArgs[0]!] : typeArgs;
  return { name, dims: decl.dims.map((e) => exprDim(e, `param '${name}'`)), element, shape };
}

/** The factors of the model, by role; anything else is an obstacle. */
function classify(plan: InferencePlan, graph: ModelGraph) {
  const conjugate = plan.latents.filter((l) => l.strategy === 'conjugate');
  const enumerated = plan.latents.filter((l) => l.strategy === 'enumerate');
  const variable = (name: string) => graph.variables.get(name);
  if (conjugate.length > 1)
    throw new Unsupported(
      `latents ${conjugate.map((l) => `'${l.name}'`).join(' and ')} are both continuous: one precision per item is supported`,
      variable(conjugate[1]!.name)?.span,
    );
  if (enumerated.length > 1)
    throw new Unsupported(
      `latents ${enumerated.map((l) => `'${l.name}'`).join(' and ')} are both finite: one component latent is supported with a scale mixture`,
      variable(enumerated[1]!.name)?.span,
    );
  const u = conjugate[0]?.name;
  const z = enumerated[0]?.name;
  let uFactor: Factor | undefined;
  let zFactor: Factor | undefined;
  let observation: Factor | undefined;
  for (const f of graph.factors.values()) {
    if (f.prior)
      throw new Unsupported(
        `the prior '${f.target} ~ ${f.family}(…)' (MAP) is not supported with a scale mixture`,
        f.stmt.span,
      );
    if (f.child === u) uFactor = f;
    else if (f.child === z) zFactor = f;
    else if (f.childRole === 'data' && observationFamilies[f.family] && !observation) observation = f;
    else
      throw new Unsupported(
        `the statement '${f.target} ~ ${f.family}(…)' is not part of a Student-t scale mixture`,
        f.stmt.span,
      );
  }
  if (!observation) throw new Unsupported('the model has no Normal, MvNormal, StudentT or MvStudentT observation');
  return { u, z, uFactor, zFactor, observation };
}

function lower(outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>): ScaleMixtureProgram | undefined {
  const { plan, graph, checked } = outcome;
  const { u, z, uFactor, zFactor, observation } = classify(plan, graph);
  const family = observationFamilies[observation.family]!;
  // A conjugate latent that is not a Gamma precision (Normal–Normal, …) is not this lowering's.
  if (u !== undefined && (family.implicit || uFactor?.family !== 'Gamma')) return undefined;
  if (u === undefined && !family.implicit) return undefined;
  const plate = observation.plates[0];
  if (!plate?.size || observation.plates.length !== 1 || plate.ragged || plate.offset)
    throw new Unsupported(`'${observation.target}' is not one item of a plate over a size`, observation.stmt.span);
  for (const f of [observation, uFactor, zFactor]) {
    if (!f) continue;
    if (f.plates.length !== 1 || f.plates[0]?.size !== plate.size || f.indices.join() !== plate.index)
      throw new Unsupported(`'${f.target}' is not one item of the plate over '${plate.size}'`, f.stmt.span);
  }
  const ctx: Context = z
    ? { checked, graph, index: plate.index, component: z }
    : { checked, graph, index: plate.index };
  const data = graph.variables.get(observation.child)!;
  if (data.optional) throw new Unsupported(`data '${data.name}' may have missing entries`, data.span);
  const elementRank = (data.type?.shape.length ?? 0) - data.arrayRank;
  if (data.arrayRank !== 1 || elementRank !== (family.form === 'mv' ? 1 : 0)) {
    throw new Unsupported(
      family.form === 'mv'
        ? `'${observation.target}' must be one real[D] vector per item`
        : `'${observation.target}' must be one real per item (a vector with ${observation.family} would have one precision per coordinate: write ${observation.family === 'StudentT' ? 'MvStudentT' : 'MvNormal with Sigma / u[n]'} instead)`,
      observation.stmt.span,
    );
  }

  let component: ScaleMixtureProgram['component'];
  if (z) {
    const zv = graph.variables.get(z)!;
    const states = zv.type?.categories;
    if (zFactor?.family !== 'Categorical' || !states || (states.kind !== 'size' && states.kind !== 'const'))
      throw new Unsupported(
        `the component latent '${z}' must be 'z[n] ~ Categorical(w)' with a known number of states`,
        zv.span,
      );
    const weights = componentParam(argument(zFactor, 'p'), { checked, graph, index: plate.index }, 'weights');
    component = { latent: z, states: states.kind === 'size' ? states.name : states.value, weights: weights.name };
  }

  const location = componentParam(argument(observation, 'mean'), ctx, 'mean');
  let shape: KnownValue;
  let rate: KnownValue;
  let scale: ComponentParam;
  let degreesOfFreedom: ComponentParam | undefined;
  if (family.implicit) {
    const nu = argument(observation, 'nu');
    shape = knownValue(nu, ctx, 0.5);
    rate = shape;
    scale = componentParam(argument(observation, family.scale), ctx, family.scale);
  } else {
    const gamma = uFactor!;
    const uv = graph.variables.get(u!)!;
    if (uv.arrayRank !== 1 || (uv.type?.shape.length ?? 0) !== 1)
      throw new Unsupported(`the precision '${u}' must be one positive value per item`, uv.span);
    shape = knownValue(argument(gamma, 'shape'), ctx);
    rate = knownValue(argument(gamma, 'rate'), ctx);
    scale = dividedScale(observation, u!, ctx);
    if (shape.kind === 'param' || rate.kind === 'param') {
      const same =
        shape.kind === 'param' &&
        rate.kind === 'param' &&
        shape.name === rate.name &&
        shape.perComponent === rate.perComponent &&
        shape.factor === 0.5 &&
        rate.factor === 0.5;
      if (!same)
        throw new Unsupported(
          `the precision's Gamma has a param argument: the degrees of freedom are updated numerically only for a Student-t's 'Gamma(nu / 2, nu / 2)' (shape = rate = ν/2)`,
          gamma.stmt.span,
        );
    }
  }
  if (shape.kind === 'param') {
    if (shape.factor !== 0.5)
      throw new Unsupported(`the degrees of freedom '${shape.name}' must enter as ν / 2`, observation.stmt.span);
    degreesOfFreedom = { name: shape.name, perComponent: shape.perComponent };
  }

  const roles = new Set([
    location.name,
    scale.name,
    ...(component ? [component.weights] : []),
    ...(degreesOfFreedom ? [degreesOfFreedom.name] : []),
  ]);
  if (roles.size !== (component ? 3 : 2) + (degreesOfFreedom ? 1 : 0))
    throw new Unsupported(
      'the weights, the location, the scale and the degrees of freedom must be different params',
      observation.stmt.span,
    );
  for (const p of plan.params) {
    if (!roles.has(p.name))
      throw new Unsupported(
        `param '${p.name}' is not the weights, location, scale or degrees of freedom of the Student-t`,
        checked.symbols.vars.get(p.name)?.decl.span,
      );
  }
  const params = plan.params.map((p) => declaredParam(p.name, checked));
  const expect = (name: string, element: string, rank: number, span?: Span) => {
    const p = params.find((q) => q.name === name);
    if (p && (p.element !== element || p.shape.length !== rank))
      throw new Unsupported(`param '${name}' must be declared ${element}${rank > 0 ? '[…]' : ''} for this role`, span);
  };
  const spanOf = (name: string) => checked.symbols.vars.get(name)?.decl.span;
  expect(location.name, 'real', family.form === 'mv' ? 1 : 0, spanOf(location.name));
  expect(scale.name, family.form === 'mv' ? 'cov' : 'positive', family.form === 'mv' ? 2 : 0, spanOf(scale.name));
  if (component) expect(component.weights, 'simplex', 1, spanOf(component.weights));
  if (degreesOfFreedom) expect(degreesOfFreedom.name, 'positive', 0, spanOf(degreesOfFreedom.name));

  const statements = [zFactor, uFactor, observation]
    .filter((f): f is Factor => f !== undefined)
    .map((f) => `${f.target} ~ ${f.family}(${f.args.map((a) => a.text).join(', ')})`);
  return {
    kind: 'scale-mixture',
    model: plan.model,
    plate: { index: plate.index, size: plate.size },
    observed: data.name,
    form: family.form,
    precision: u ?? 'u',
    shape,
    rate,
    ...(component ? { component } : {}),
    location,
    scale,
    ...(degreesOfFreedom ? { degreesOfFreedom } : {}),
    params,
    objective: 'log-likelihood',
    strategy: component ? 'enumerate+conjugate' : 'conjugate',
    statements,
  };
}

/** The ScaleMixtureProgram of a planned model, or E5001 naming why the runtime cannot run it. */
export function lowerScaleMixtureProgram(outcome: PlanOutcome): PhaseResult<Program> {
  return lowerOrReport<Program>(outcome, (planned) => {
    const program = lower(planned);
    return program ? { value: program, diagnostics: [] } : lowerFitProgram(outcome);
  });
}
