/**
 * Ancestral sampling from a `ChainProgram` (an HMM) with given params (`emforge sample`). Per
 * sequence s, per step t in order, from one seeded stream:
 *
 *   h[s][0] ~ Categorical(init),  h[s][t] ~ Categorical(trans[h[s][t-1]])   t ≥ 1
 *
 * and right after each state, that step's emissions (and the other per-step latents) given it:
 * the emission part is a FitProgram over every step back to back, drawn by the mixture sampler
 * (sample/sample-program.ts `prepareItemDraws`) with the chain latent given. The sequence
 * lengths: one length for all (`sizes[T]`), or, for a ragged `T[S]`, one length per sequence
 * (`raggedSizes[T]`, or the lengths of the `inputs`). The data come back as nested (ragged)
 * arrays in the binder's format, with the drawn paths per sequence.
 */
import type { DataSchema, DataVariableSchema } from '../data/data-schema.js';
import { nestValues, type ParamValue } from '../em/fit-result.js';
import { sampleCategorical } from '../random/discrete.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams, SampleError } from '../sample/sample-params.js';
import {
  dimOf,
  itemSizeOf,
  prepareItemDraws,
  type SampleData,
  type SampleOptions,
  sampledVariables,
} from '../sample/sample-program.js';
import type { ChainProgram } from './chain-program.js';

export interface ChainSampleResult {
  /** Every scalar size used (a ragged steps size is in `lengths`). */
  readonly sizes: Readonly<Record<string, number>>;
  /** The number of steps of each sequence. */
  readonly lengths: readonly number[];
  /** The data set, keyed by data name, per-step variables nested [S][T[s]]… (the binder's format). */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The drawn paths of the chain latent (and of the other per-step latents): [S][T[s]]. */
  readonly latents: Readonly<Record<string, number[][]>>;
}

/** Whether a data variable is indexed by sequence, then step (`y[S][T]…`). */
function isPerStep(program: ChainProgram, v: DataVariableSchema): boolean {
  return v.dims[0] === program.sequences.size && v.dims[1] === program.steps.size;
}

/**
 * The sequence lengths: `raggedSizes[T]`, else one length `sizes[T]` for all (the declared
 * default of a rectangular T among them), else the lengths of the inputs' per-step data.
 */
function sequenceLengths(
  program: ChainProgram,
  schema: DataSchema,
  sizes: Record<string, number>,
  options: SampleOptions,
): number[] {
  const T = program.steps.size;
  const ragged = schema.sizes.find((s) => s.name === T)?.over !== undefined;
  const given = options.raggedSizes?.[T];
  const S = program.sequences.size;
  let lengths: number[];
  if (given !== undefined) {
    lengths = [...given];
  } else {
    const uniform = options.sizes?.[T] ?? (ragged ? undefined : sizes[T]);
    const measured = options.inputs?.raggedSizes[T];
    if (uniform === undefined && measured !== undefined) {
      lengths = [...measured];
      if (typeof S === 'string') sizes[S] ??= lengths.length;
    } else {
      if (uniform === undefined) {
        throw new SampleError([
          `the length of the sequences is not known: give it with --size ${T}=100` +
            (ragged ? `, or one length per sequence with --size ${T}=50,80,120` : ''),
        ]);
      }
      lengths = new Array<number>(dimOf(S, sizes)).fill(uniform);
    }
  }
  const nSeq = dimOf(S, sizes);
  const problems: string[] = [];
  if (lengths.length !== nSeq) problems.push(`${T} has ${lengths.length} lengths for ${nSeq} sequences`);
  lengths.forEach((l, s) => {
    if (!Number.isInteger(l) || l < 1) problems.push(`${T}[${s}] is ${l}: every sequence needs at least one step`);
  });
  if (!ragged && lengths.some((l) => l !== lengths[0])) {
    problems.push(`${T} is one length shared by all sequences (declare 'size ${T}[${S}]' for ragged sequences)`);
  }
  if (problems.length > 0) throw new SampleError(problems);
  return lengths;
}

/**
 * Draws one data set from the chain program with `params` (nested arrays in the declared shapes,
 * as in a fit result). Throws a SampleError for params or sizes that do not fit the model.
 */
export function sampleChainProgram(
  program: ChainProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): ChainSampleResult {
  const emission = program.emission;
  const sizes: Record<string, number> = {};
  for (const [name, v] of Object.entries(options.sizes ?? {})) if (name !== program.steps.size) sizes[name] = v;
  const flat = checkSampleParams(program, params, sizes);
  for (const [name, v] of Object.entries(options.inputs?.sizes ?? {})) sizes[name] ??= v;
  const given = options.raggedSizes?.[program.steps.size];
  if (given !== undefined && typeof program.sequences.size === 'string') sizes[program.sequences.size] ??= given.length;
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  const lengths = sequenceLengths(program, schema, sizes, options);
  const nSeq = lengths.length;
  const start = new Int32Array(nSeq + 1);
  for (let s = 0; s < nSeq; s++) start[s + 1] = start[s]! + lengths[s]!;
  const n = start[nSeq]!;
  const T = program.steps.size;
  const ragged = schema.sizes.find((s) => s.name === T)?.over !== undefined;
  if (!ragged) sizes[T] = lengths[0]!;

  const drawn = sampledVariables(emission);
  const data: SampleData = {};
  for (const v of schema.data) {
    if (drawn.has(v.name)) {
      const itemSize = itemSizeOf(v, sizes);
      data[v.name] = { values: new Float64Array(n * itemSize), itemSize, atItem: true };
      continue;
    }
    const bound = options.inputs?.variables[v.name];
    if (!bound) continue;
    if (!isPerStep(program, v)) {
      data[v.name] = { values: bound.values, itemSize: bound.itemSize, atItem: false };
      continue;
    }
    const itemSize = bound.offsets ? bound.itemSize : itemSizeOf(v, sizes);
    if (bound.values.length !== n * itemSize) {
      throw new SampleError([
        `data '${v.name}' has ${bound.values.length / Math.max(1, itemSize)} steps, but the sequences drawn have ${n}`,
      ]);
    }
    data[v.name] = { values: bound.values, itemSize, atItem: true };
  }

  const K = dimOf(program.latent.states, sizes);
  const init = flat[program.init.name]!;
  const trans = flat[program.trans.name]!;
  const chainAt = emission.latents.findIndex((l) => l.name === program.latent.name);
  if (chainAt < 0) throw new Error(`the chain latent ${program.latent.name} is not a per-step latent`);
  const draw = prepareItemDraws(emission, schema, sizes, flat, data, [program.latent.name]);
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  const states = new Int32Array(emission.latents.length);
  const paths = emission.latents.map(() => lengths.map((l) => new Array<number>(l)));
  for (let s = 0; s < nSeq; s++) {
    let previous = -1;
    for (let t = 0; t < lengths[s]!; t++) {
      const h = t === 0 ? sampleCategorical(rng, init, K, 0) : sampleCategorical(rng, trans, K, previous * K);
      states[chainAt] = h;
      draw(rng, start[s]! + t, states);
      for (let j = 0; j < states.length; j++) paths[j]![s]![t] = states[j]!;
      previous = h;
    }
  }

  const out: Record<string, ParamValue> = {};
  for (const v of schema.data) {
    const d = data[v.name];
    if (!d) continue;
    if (!d.atItem) {
      out[v.name] = nestValues(d.values, options.inputs?.variables[v.name]?.shape ?? []);
      continue;
    }
    const shape = v.shape.map((e) => dimOf(e, sizes));
    out[v.name] = lengths.map((l, s) => nestValues(d.values, [l, ...shape], start[s]! * d.itemSize));
  }
  const latents = Object.fromEntries(emission.latents.map((l, j) => [l.name, paths[j]!]));
  return { sizes, lengths, data: out, latents };
}
