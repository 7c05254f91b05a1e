/**
 * What the mean-field lowering (`lower-mean-field-*.ts`) knows about one model: the program
 * (latent Dirichlet allocation: `theta[d] ~ Dirichlet(alpha)`, `z[d][i] ~ Categorical(theta[d])`,
 * `w[d][i] ~ Categorical(topics[z[d][i]])` over ragged documents), the names of its variables
 * as they appear in the generated code, and a mixture context over the declared params and the
 * plain (not ragged) sizes (`full`) whose param types and conversions (lower-mixture-types.ts)
 * the mean-field fitter reuses.
 */
import type { DataSchema, DataVariableSchema, FitParam, FitProgram, MeanFieldProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code } from './fitter-source.js';
import { CodegenUnsupported, dim, id, type MixtureContext, makeMixtureContext, pascalCase } from './mixture-context.js';

export interface MeanFieldContext {
  readonly program: MeanFieldProgram;
  /** The whole data schema (`full.schema` keeps only the plain sizes and no data). */
  readonly schema: DataSchema;
  /** Param types and conversions over the declared params; its `helpers` are the fitter's. */
  readonly full: MixtureContext;
  /** Documents, topics and vocabulary sizes as expressions (`Docs`, `K`, `V`). */
  readonly D: string;
  readonly K: string;
  readonly V: string;
  /** The words, the topic–word param as locals of the generated code (`w`, `topics`). */
  readonly w: string;
  readonly topics: string;
  /** Names as the model writes them. */
  readonly names: {
    readonly w: string;
    readonly topics: string;
    readonly theta: string;
    readonly z: string;
    /** The concentration: the data or param name, or undefined for a constant. */
    readonly alpha?: string;
  };
  /** Where α lives: `params.alpha` (a param) or `bound.alpha` / `bound.concentration` (data or a constant). */
  readonly alphaAt: string;
  /** The Bound field of α when it is not a param. */
  readonly alphaField?: string;
  /** The data variable α, when α is data. */
  readonly alphaData?: DataVariableSchema;
  /** `ThetaZ`: the latents' names as part of a function name. */
  readonly capTheta: string;
  readonly capZ: string;
}

/** Fields of `Bound` besides the model's: a model variable with one of these names is not generated. */
export const boundFields = ['tokens', 'docStart', 'word', 'count', 'entryOfToken', 'concentration'];

/** Locals of the generated mean-field code: a model variable of the same name gets a `_`. */
const locals = new Set([
  ...boundFields,
  ...'alpha d e k v j i t x at c p g h z doc elbo prior gammaSum alphaSum lgammaAlpha psiSum sum total max length sweep change next gamma phi elog logBeta counts sumElogTheta trial step scale halving ok value current gain accepted gh hInv seen row rows raw problems bound params work ctx fixed given held free nParams best name data sizes options flat'.split(
    ' ',
  ),
]);

/** A model variable's name as a local of the generated code. */
export function localName(name: string): string {
  const v = id(name);
  return locals.has(v) ? `${v}_` : v;
}

/** `{ K }` or `{ d: d_ }`: destructuring a field into its local. */
export function pick(name: string): string {
  const local = localName(name);
  return local === name ? name : `${name}: ${local}`;
}

/** Lines of a template (its own indentation kept, blank edges dropped) as `Code`. */
export function lines(text: string): string[] {
  return text.replace(/^\n+|\s+$/g, '').split('\n');
}

export function cap(name: string): string {
  return pascalCase(name) || name;
}

export function makeMeanFieldContext(
  program: MeanFieldProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): MeanFieldContext {
  if (program.form !== 'lda') throw new CodegenUnsupported(`the mean-field form '${String(program.form)}'`);
  const modelNames = [...schema.sizes.map((s) => s.name), ...schema.data.map((v) => v.name)];
  for (const name of modelNames)
    if (boundFields.includes(name)) throw new CodegenUnsupported(`a size or data variable named '${name}'`);
  const alpha = program.alpha;
  const alphaData = alpha.kind === 'data' ? schema.data.find((v) => v.name === alpha.name) : undefined;
  for (const v of schema.data)
    if (v.name !== program.observed && v !== alphaData)
      throw new CodegenUnsupported(`data '${v.name}' besides the words and the concentration`);
  const plainSizes = schema.sizes.filter((s) => s.over === undefined);
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: { index: program.documents.index, size: program.documents.size },
    latents: [],
    factors: [],
    params: declared,
    objective: 'elbo',
    strategy: program.strategy,
  } as unknown as FitProgram;
  const full = makeMixtureContext(asMixture, { ...schema, sizes: plainSizes, data: [] }, plan, source);
  const alphaField = alpha.kind === 'param' ? undefined : alpha.kind === 'data' ? alpha.name : 'concentration';
  return {
    program,
    schema,
    full,
    D: localName(dim(program.documents.size)),
    K: localName(dim(program.topics)),
    V: localName(dim(program.vocabulary)),
    w: localName(program.observed),
    topics: localName(program.topicWord),
    names: {
      w: program.observed,
      topics: program.topicWord,
      theta: program.proportions,
      z: program.topic,
      ...(alpha.kind === 'constant' ? {} : { alpha: alpha.name }),
    },
    alphaAt: alpha.kind === 'param' ? `params.${alpha.name}` : `bound.${alphaField}`,
    ...(alphaField ? { alphaField } : {}),
    ...(alphaData ? { alphaData } : {}),
    capTheta: cap(program.proportions),
    capZ: cap(program.topic),
  };
}

/** The destructuring of the sizes a body uses (`const { Docs, K } = bound;`). */
export function sizesUsed(ctx: MeanFieldContext, body: readonly Code[], from = 'bound'): string[] {
  const text = JSON.stringify(body);
  const names = ctx.full.schema.sizes
    .map((s) => s.name)
    .filter((n) => new RegExp(`(?<![.\\w])${localName(n)}\\b`).test(text));
  return names.length === 0 ? [] : [`const { ${names.map(pick).join(', ')} } = ${from};`];
}
