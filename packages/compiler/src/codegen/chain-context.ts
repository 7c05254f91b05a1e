/**
 * What every `lower-chain-*.ts` file shares while generating the fitter of a `ChainProgram` (an
 * HMM: runtime chain/): the per-step part is a mixture over every step of every sequence back to
 * back, so its E-step cells and M-step updates are the `lower-mixture-*.ts` ones, generated from
 * a `MixtureContext` whose plate is `steps` (all steps) and whose per-step data variables
 * (`y[S][T]…`) are seen as `y[steps]…`, flat in the same order as the runtime binds them. A
 * second context over every declared param (`init`, `trans` and the emission params, in
 * declaration order) serves the types and the param conversions. Both share the helper set and
 * the work buffers.
 */
import type { ChainProgram, DataSchema, DataVariableSchema, FitParam, FitProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import { destructureNames } from './lower-mixture-types.js';
import { CodegenUnsupported, dim, type MixtureContext, makeMixtureContext } from './mixture-context.js';

/** The size every per-step data variable is indexed by in the flat form: all steps of all sequences. */
export const STEPS = 'steps';

export interface ChainContext {
  readonly chain: ChainProgram;
  /** The per-step part: plate `steps`, latents [the chain's], the emission params only. */
  readonly step: MixtureContext;
  /** Every declared param (types, conversions, output), the public schema (the ragged size left out). */
  readonly full: MixtureContext;
  /** The chain latent's name and its number of states as an expression (`die`, `K`). */
  readonly latent: string;
  readonly K: string;
  /** The sequences' size as a local (`S_`), and the size of their steps (`T`), ragged or not. */
  readonly sequences: string;
  readonly stepsSize: string;
  readonly ragged: boolean;
  /** The data variables laid out per step (`y[S][T]…`). */
  readonly perStep: readonly DataVariableSchema[];
}

/** Whether a data variable is indexed by sequence, then step. */
function isPerStep(chain: ChainProgram, v: DataVariableSchema): boolean {
  return v.dims[0] === chain.sequences.size && v.dims[1] === chain.steps.size;
}

export function makeChainContext(
  chain: ChainProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): ChainContext {
  const emission = chain.emission;
  if (emission.latents.length !== 1) {
    throw new CodegenUnsupported(
      `per-step latents besides the chain's ${chain.latent.name} (${emission.latents
        .slice(1)
        .map((l) => l.name)
        .join(', ')})`,
    );
  }
  if (chain.init.rule !== 'categorical-probabilities' || chain.trans.rule !== 'categorical-probabilities') {
    throw new CodegenUnsupported(`a prior on ${chain.init.name} or ${chain.trans.name} (a Dirichlet MAP chain)`);
  }
  if (emission.params.some((p) => p.prior !== undefined)) {
    throw new CodegenUnsupported('priors on the emission params of a chain');
  }
  const names = [
    ...schema.sizes.map((s) => s.name),
    ...schema.data.map((v) => v.name),
    ...chain.params.map((p) => p.name),
  ];
  if (names.includes(STEPS) || names.includes('start')) {
    throw new CodegenUnsupported(`a model variable named '${STEPS}' or 'start' (the fitter's own names)`);
  }
  for (const v of schema.data) if (v.optional) throw new CodegenUnsupported(`data '${v.name}' with missing entries`);
  const stepsSize = schema.sizes.find((s) => s.name === chain.steps.size);
  const ragged = stepsSize?.over !== undefined;
  if (ragged && stepsSize?.over !== chain.sequences.size) {
    throw new CodegenUnsupported(`the ragged size ${chain.steps.size} is not over the sequences`);
  }
  if (schema.sizes.some((s) => s.over !== undefined && s.name !== chain.steps.size)) {
    throw new CodegenUnsupported('ragged sizes other than the steps of the sequences');
  }
  const perStep = schema.data.filter((v) => isPerStep(chain, v));
  for (const v of schema.data) {
    if (!isPerStep(chain, v) && [...v.dims, ...v.shape].includes(chain.steps.size)) {
      throw new CodegenUnsupported(`data '${v.name}' indexed by the steps but not per sequence and step`);
    }
  }
  if (perStep.length === 0) throw new CodegenUnsupported('a chain without per-step data');
  // The public sizes: the ragged one is measured from the data, per sequence.
  const publicSchema: DataSchema = { ...schema, sizes: schema.sizes.filter((s) => s.over === undefined) };
  const stepSchema: DataSchema = {
    ...schema,
    sizes: [...publicSchema.sizes.filter((s) => s.name !== chain.steps.size), { name: STEPS }],
    data: schema.data.map((v) => (isPerStep(chain, v) ? { ...v, dims: [STEPS] } : v)),
  };
  const stepProgram: FitProgram = { ...emission, plate: { index: emission.plate.index, size: STEPS } };
  const step = makeMixtureContext(stepProgram, stepSchema, plan, source);
  // Declared params as the mixture context's params (only their names, dims, element and shape are read).
  const declared = chain.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  const full: MixtureContext = {
    ...makeMixtureContext({ ...stepProgram, params: declared }, publicSchema, plan, source),
    helpers: step.helpers,
    work: step.work,
  };
  return {
    chain,
    step,
    full,
    latent: chain.latent.name,
    K: dim(chain.latent.states),
    sequences: dim(chain.sequences.size),
    stepsSize: chain.steps.size,
    ragged,
    perStep,
  };
}

/** `const { S: S_, K, steps, start, y } = bound;` and `const { init, trans, emit } = params;`. */
export function destructureChain(ctx: ChainContext): string[] {
  const { schema, program } = ctx.step;
  return [
    ...destructureNames([...schema.sizes.map((s) => s.name), 'start', ...schema.data.map((v) => v.name)], 'bound'),
    ...destructureNames([ctx.chain.init.name, ctx.chain.trans.name, ...program.params.map((p) => p.name)], 'params'),
  ];
}
