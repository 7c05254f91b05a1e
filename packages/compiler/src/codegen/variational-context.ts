/**
 * What the variational lowering (`lower-variational-*.ts`) knows about one model: the program
 * (the Poisson–lognormal form: `eta[n] ~ Normal(mu, sigma)`, `y[n] ~ Poisson(exp(eta[n]))`),
 * the names of its variables as they appear in the generated code, and a mixture context over
 * the declared params (`full`) whose public types, `bind` and param conversions
 * (lower-mixture-types.ts) the variational fitter reuses.
 */
import type { DataSchema, FitParam, FitProgram, VariationalProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code } from './fitter-source.js';
import { CodegenUnsupported, dim, id, type MixtureContext, makeMixtureContext, pascalCase } from './mixture-context.js';

export interface VariationalContext {
  readonly program: VariationalProgram;
  /** Public types, `bind` and param conversions over the declared params; its `helpers` are the fitter's. */
  readonly full: MixtureContext;
  /** The number of items (`N`) as an expression. */
  readonly N: string;
  /** The counts, the latent, the location and the sd as locals of the generated code (`y`, `eta`, `mu`, `sigma`). */
  readonly y: string;
  readonly eta: string;
  readonly mu: string;
  readonly sigma: string;
  /** Their names as the model writes them (fields of `bound` / `params`). */
  readonly names: { readonly y: string; readonly eta: string; readonly mu: string; readonly sigma: string };
  /** `Eta`: the latent's name as part of a function name. */
  readonly cap: string;
}

/** Locals of the generated variational code: a model variable of the same name gets a `_`. */
const locals = new Set(
  'n i t lo hi u e a f df next step s d mean variance safeMean excess s2 m v vn w logFactorials elbo free nParams best bound params work ctx settings given fixed data sizes options flat logLik objective name count means variances problems'.split(
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

export function makeVariationalContext(
  program: VariationalProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): VariationalContext {
  if (program.form !== 'poisson-lognormal')
    throw new CodegenUnsupported(`the variational form '${String(program.form)}'`);
  if (schema.sizes.some((s) => s.over !== undefined)) throw new CodegenUnsupported('ragged sizes');
  if (!schema.data.some((v) => v.name === program.observed))
    throw new CodegenUnsupported(`the observation '${program.observed}' is not a data variable`);
  // Declared params as the mixture context's params (only their names, dims, element and shape are read).
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: program.items,
    latents: [],
    factors: [],
    params: declared,
    objective: 'elbo',
    strategy: program.strategy,
  } as unknown as FitProgram;
  const full = makeMixtureContext(asMixture, schema, plan, source);
  return {
    program,
    full,
    N: dim(program.items.size),
    y: localName(program.observed),
    eta: localName(program.latent),
    mu: localName(program.location),
    sigma: localName(program.scale),
    names: { y: program.observed, eta: program.latent, mu: program.location, sigma: program.scale },
    cap: pascalCase(program.latent) || program.latent,
  };
}

/** The destructuring of the sizes a body uses (`const { N } = bound;`). */
export function sizesUsed(ctx: VariationalContext, body: readonly Code[], from = 'bound'): string[] {
  const text = JSON.stringify(body);
  const names = ctx.full.schema.sizes.map((s) => id(s.name)).filter((n) => new RegExp(`\\b${n}\\b`).test(text));
  return names.length === 0 ? [] : [`const { ${names.join(', ')} } = ${from};`];
}
