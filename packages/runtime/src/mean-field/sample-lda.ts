/**
 * Ancestral sampling from a `MeanFieldProgram` (LDA) with given params (`emforge sample`). Per
 * document d, from one seeded stream: the topic proportions theta[d] ~ Dirichlet(alpha), then
 * per word i the topic z[d][i] ~ Categorical(theta[d]) and the word w[d][i] ~
 * Categorical(topics[z[d][i]]). The document lengths: `sizes[Len]` one for all, or
 * `raggedSizes[Len]` one per document (`--size Len=50,80,120`). The concentration: a number, the
 * `alpha` data (from the inputs, echoed into the output so the sample fits as it is), or the
 * param. The output also holds the number of topics and the vocabulary size (the words alone do
 * not measure V), as examples/lda/data.json does.
 */
import type { DataSchema } from '../data/data-schema.js';
import { nestValues, type ParamValue } from '../em/fit-result.js';
import { sampleDirichlet } from '../random/continuous.js';
import { sampleCategorical } from '../random/discrete.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams, SampleError } from '../sample/sample-params.js';
import { dimOf, inputSchemaWithout, type SampleOptions } from '../sample/sample-program.js';
import type { MeanFieldProgram } from './mean-field-program.js';

export interface LdaSampleResult {
  readonly sizes: Readonly<Record<string, number>>;
  /** The sizes K and V, the documents (ragged, [Docs][Len[d]]) and the inputs echoed. */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The topic proportions [Docs][K] and the topic of every word [Docs][Len[d]]. */
  readonly latents: Readonly<Record<string, ParamValue>>;
}

/** The data LDA reads but does not draw (the concentration given as data). */
export function meanFieldInputSchema(program: MeanFieldProgram, schema: DataSchema): DataSchema {
  return inputSchemaWithout(schema, new Set([program.observed]));
}

/** Draws one corpus from the program with `params` (a SampleError for params, sizes or inputs that do not fit). */
export function sampleMeanField(
  program: MeanFieldProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): LdaSampleResult {
  const Len = program.words.lengths;
  const sizes: Record<string, number> = {};
  for (const [name, v] of Object.entries(options.sizes ?? {})) if (name !== Len) sizes[name] = v;
  const flat = checkSampleParams(program, params, sizes);
  for (const [name, v] of Object.entries(options.inputs?.sizes ?? {})) sizes[name] ??= v;
  const given = options.raggedSizes?.[Len];
  const Docs = program.documents.size;
  if (given && typeof Docs === 'string') sizes[Docs] ??= given.length;
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  const nDocs = dimOf(Docs, sizes);
  const uniform = options.sizes?.[Len];
  if (given === undefined && uniform === undefined) {
    throw new SampleError([
      `the length of the documents is not known: give it with --size ${Len}=100, or one length per document with --size ${Len}=50,80,120`,
    ]);
  }
  const lengths = given ? [...given] : new Array<number>(nDocs).fill(uniform!);
  const problems: string[] = [];
  if (lengths.length !== nDocs) problems.push(`${Len} has ${lengths.length} lengths for ${nDocs} documents`);
  lengths.forEach((l, d) => {
    if (!Number.isInteger(l) || l < 0) problems.push(`${Len}[${d}] is ${l}: a length is a whole number`);
  });
  const K = dimOf(program.topics, sizes);
  const V = dimOf(program.vocabulary, sizes);
  let alpha: number | Float64Array;
  const a = program.alpha;
  if (a.kind === 'constant') alpha = a.value;
  else if (a.kind === 'param') alpha = flat[a.name]!;
  else {
    const bound = options.inputs?.variables[a.name]?.values;
    if (!bound) throw new SampleError([`data '${a.name}' is needed to sample: give it with --data FILE`]);
    alpha = bound.length === 1 ? bound[0]! : bound;
  }
  const alphas = typeof alpha === 'number' ? [alpha] : Array.from(alpha);
  if (typeof alpha !== 'number' && alpha.length !== K)
    problems.push(`the concentration has ${alpha.length} values for ${K} topics`);
  if (alphas.some((v) => !(v > 0 && Number.isFinite(v))))
    problems.push('the concentration must be positive and finite');
  if (problems.length > 0) throw new SampleError(problems);
  const topics = flat[program.topicWord]!;
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  const words: number[][] = [];
  const thetas: number[][] = [];
  const z: number[][] = [];
  const theta = new Float64Array(K);
  for (let d = 0; d < nDocs; d++) {
    sampleDirichlet(rng, alpha, theta);
    const doc = new Array<number>(lengths[d]!);
    const topicsOf = new Array<number>(lengths[d]!);
    for (let i = 0; i < doc.length; i++) {
      const k = sampleCategorical(rng, theta, K, 0);
      topicsOf[i] = k;
      doc[i] = sampleCategorical(rng, topics, V, k * V);
    }
    thetas.push(Array.from(theta));
    words.push(doc);
    z.push(topicsOf);
  }
  // The vocabulary and topic counts, which the words alone do not measure, as data.json gives them.
  const data: Record<string, ParamValue> = {};
  for (const size of [program.topics, program.vocabulary]) if (typeof size === 'string') data[size] = sizes[size]!;
  for (const v of schema.data) {
    if (v.name === program.observed) data[v.name] = words;
    else {
      const bound = options.inputs?.variables[v.name];
      if (bound) data[v.name] = nestValues(bound.values, bound.shape);
    }
  }
  return { sizes, data, latents: { [program.proportions]: thetas, [program.topic]: z } };
}
