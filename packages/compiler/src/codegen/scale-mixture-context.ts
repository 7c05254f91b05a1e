/**
 * What the scale-mixture lowering (`lower-scale-mixture-*.ts`) knows about one model: the
 * program (a Student-t or a mixture of them), the names of its variables as they appear in the
 * generated code, and a mixture context over the declared params (`full`) whose public types,
 * `bind` and param conversions (lower-mixture-types.ts) the scale-mixture fitter reuses.
 */
import type { DataSchema, FitParam, FitProgram, KnownValue, ScaleMixtureProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code } from './fitter-source.js';
import { CodegenUnsupported, dim, id, type MixtureContext, makeMixtureContext, pascalCase } from './mixture-context.js';

export interface ScaleMixtureContext {
  readonly program: ScaleMixtureProgram;
  /** Public types, `bind` and param conversions over every declared param; its `helpers` are the fitter's. */
  readonly full: MixtureContext;
  /** Items (`N`), dimension (`D`, or `1` for the univariate form), components (`K`, or `1`). */
  readonly N: string;
  readonly D: string;
  readonly K: string;
  /** The observation, location, scale, weights and ν as identifiers (`x`, `mu`, `Sigma`, `w`, `nu`). */
  readonly x: string;
  readonly mu: string;
  readonly sigma: string;
  readonly w?: string;
  readonly nu?: string;
  /** Their names as fields of `bound` / `params` (the model's own). */
  readonly names: {
    readonly x: string;
    readonly mu: string;
    readonly sigma: string;
    readonly w?: string;
    readonly nu?: string;
  };
  /** The component latent (`z`) and the precision's name (`u`). */
  readonly z?: string;
  readonly u: string;
  readonly mv: boolean;
  /** Whether the components' mixing Gammas may differ (ν per component), so labels matter at init. */
  readonly distinctMixing: boolean;
}

/** Locals of the generated scale-mixture and missing-gaussian code: a model variable of the same name gets a `_`. */
const locals = new Set(
  'alpha beta logConst chol logDet resp eu elogu itemLogLik residual scatter next factor acc totals empty l mean a b b2 power ok base psi at i k j m q r s p e total sum outcome sd dx ra v size item centres label counts round changed best bestDistance dist seed perm candidate objective distinct reseeded why who row seeder lo hi t step g slope score fixed regCovar work bound params ctx settings given method means cov flat data sizes options logLik entropy free nParams c t f ll xAt rows pattern patterns observed missing members cm ja jb a2 j2 rj c1 c2 trace seeds count index weight marginal imputed variable responsibilities posterior delta s0 s1 s2 centre factors resid xhat logWeights patternWeight unseen nObs'.split(
    ' ',
  ),
);

/** A model variable's name as a local of the generated code. */
export function localName(name: string): string {
  const v = id(name);
  return locals.has(v) ? `${v}_` : v;
}

/** `{ mu }` or `{ s: s_ }`: destructuring a field into its local. */
export function pick(name: string): string {
  const local = localName(name);
  return local === name ? name : `${name}: ${local}`;
}

/** Lines of a template (its own indentation kept, blank edges dropped) as `Code`. */
export function lines(text: string): string[] {
  return text.replace(/^\n+|\s+$/g, '').split('\n');
}

/** `Mu`, `Sigma`: a variable's name as part of a function name. */
export function cap(name: string): string {
  return pascalCase(name) || name;
}

export function makeScaleMixtureContext(
  program: ScaleMixtureProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): ScaleMixtureContext {
  if (schema.sizes.some((s) => s.over !== undefined)) throw new CodegenUnsupported('ragged sizes');
  const observed = schema.data.find((v) => v.name === program.observed);
  if (!observed) throw new CodegenUnsupported(`the observation '${program.observed}' is not a data variable`);
  const mv = program.form === 'mv';
  const D = mv ? dim(observed.shape[0] ?? 1) : '1';
  const latents = program.component ? [{ name: program.component.latent, states: program.component.states }] : [];
  // Declared params as the mixture context's params (only their names, dims, element and shape are read).
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: program.plate,
    latents,
    factors: [],
    params: declared,
    objective: 'log-likelihood',
    strategy: program.strategy,
  } as unknown as FitProgram;
  const full = makeMixtureContext(asMixture, schema, plan, source);
  const perComponent = (v: KnownValue) => v.kind !== 'constant' && v.perComponent;
  return {
    program,
    full,
    N: dim(program.plate.size),
    D,
    K: program.component ? dim(program.component.states) : '1',
    x: localName(program.observed),
    mu: localName(program.location.name),
    sigma: localName(program.scale.name),
    ...(program.component ? { w: localName(program.component.weights), z: program.component.latent } : {}),
    ...(program.degreesOfFreedom ? { nu: localName(program.degreesOfFreedom.name) } : {}),
    names: {
      x: program.observed,
      mu: program.location.name,
      sigma: program.scale.name,
      ...(program.component ? { w: program.component.weights } : {}),
      ...(program.degreesOfFreedom ? { nu: program.degreesOfFreedom.name } : {}),
    },
    u: program.precision,
    mv,
    distinctMixing: program.component !== undefined && (perComponent(program.shape) || perComponent(program.rate)),
  };
}

/** The destructuring of the sizes a body uses (`const { N, D } = bound;`). */
export function sizesUsed(ctx: ScaleMixtureContext, body: readonly Code[], from = 'bound'): string[] {
  const text = JSON.stringify(body);
  const names = ctx.full.schema.sizes.map((s) => id(s.name)).filter((n) => new RegExp(`\\b${n}\\b`).test(text));
  return names.length === 0 ? [] : [`const { ${names.join(', ')} } = ${from};`];
}
