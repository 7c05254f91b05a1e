/**
 * Ancestral sampling from a `LinearGaussianProgram` with given params (`emforge sample`). Every
 * statement is a Gaussian `child ~ N(offset + matrix · parent, noise)`; a draw is d standard
 * normals ε from the seeded stream, then child = mean + L ε with L L' = the covariance (full
 * noise), child_j = mean_j + sd_j ε_j (diagonal) or mean_j + sd ε_j (spherical).
 * - `factor` (FA, PPCA, mixtures of factor analysers), per item: the component z[n] ~
 *   Categorical(w) of a mixture, then f[n] from the prior, then x[n] given f[n] (and z[n]);
 * - `chain` (linear-Gaussian state space), per sequence, per step: f[s][0] from the initial
 *   statement or f[s][t] from the transition given f[s][t−1], then x[s][t] given f[s][t]. The
 *   lengths as for HMMs (chain/sample-chain.ts): `sizes[T]` one for all, or `raggedSizes[T]`
 *   for a ragged `T[S]`; a single sequence `x[T]` takes `sizes[T]`.
 * Constants (`zeros(L)`, `eye(L)`) are evaluated as the fit evaluates them (`constantValues`).
 */
import type { DataSchema } from '../data/data-schema.js';
import { nestValues, type ParamValue } from '../em/fit-result.js';
import { constantValues } from '../em/mixture.js';
import { cholesky } from '../math/cholesky.js';
import { sampleStdNormal } from '../random/continuous.js';
import { sampleCategorical } from '../random/discrete.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams, SampleError } from '../sample/sample-params.js';
import { dimOf, type SampleOptions } from '../sample/sample-program.js';
import type { LgTerm, LgValue, LinearGaussianProgram } from './program.js';

export interface LinearGaussianSampleResult {
  readonly sizes: Readonly<Record<string, number>>;
  /** The observation, nested as declared ([N][D], or per sequence [S][T[s]][D], or [T][D]). */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The latent vectors (nested like the data) and the component per item of a mixture. */
  readonly latents: Readonly<Record<string, ParamValue>>;
}

/** A statement ready to draw: per element k its mean offset, matrix and noise factor. */
interface PreparedTerm {
  /** Child and parent lengths. */
  readonly d: number;
  readonly q: number;
  readonly offset: (k: number) => Float64Array | undefined;
  readonly matrix: (k: number) => Float64Array | undefined;
  /** The lower Cholesky factor of the covariance (full), the sds (diagonal) or the sd (spherical). */
  readonly noise: (k: number) => Float64Array;
  readonly form: LgTerm['noise']['form'];
}

/** A model quantity per element k of the selector: a param (its element k when selected) or a constant. */
function elementsOf(
  v: LgValue,
  flat: Readonly<Record<string, Float64Array>>,
  sizes: Readonly<Record<string, number>>,
  elements: number,
): (k: number) => Float64Array {
  if (v.kind === 'constant') {
    const c = constantValues(v.value, sizes);
    return () => c;
  }
  const values = flat[v.name]!;
  if (!v.selected) return () => values;
  const size = values.length / elements;
  return (k) => values.subarray(k * size, (k + 1) * size);
}

function prepareTerm(
  term: LgTerm,
  d: number,
  q: number,
  flat: Readonly<Record<string, Float64Array>>,
  sizes: Readonly<Record<string, number>>,
  elements: number,
): PreparedTerm {
  const offset = term.offset ? elementsOf(term.offset, flat, sizes, elements) : () => undefined;
  const matrix = term.matrix ? elementsOf(term.matrix, flat, sizes, elements) : () => undefined;
  const raw = elementsOf(term.noise.value, flat, sizes, elements);
  const { form } = term.noise;
  // The Cholesky factor of each element's covariance, once.
  const factors = new Map<number, Float64Array>();
  const noise = (k: number) => {
    if (form !== 'full') return raw(k);
    let L = factors.get(k);
    if (!L) {
      L = Float64Array.from(raw(k));
      if (!cholesky(L, d)) throw new SampleError([`the noise of '${term.text}' is not positive definite`]);
      factors.set(k, L);
    }
    return L;
  };
  return { d, q, offset, matrix, noise, form };
}

/** out[0 … d) = offset + matrix · parent + noise, from d standard normals. */
function drawTerm(
  t: PreparedTerm,
  rng: RandomStream,
  k: number,
  parent: Float64Array | undefined,
  out: Float64Array,
  at: number,
  eps: Float64Array,
): void {
  const { d, q } = t;
  const offset = t.offset(k);
  const matrix = t.matrix(k);
  const L = t.noise(k);
  for (let j = 0; j < d; j++) eps[j] = sampleStdNormal(rng);
  for (let i = 0; i < d; i++) {
    let mean = offset ? offset[offset.length === 1 ? 0 : i]! : 0;
    if (parent) {
      if (matrix) for (let l = 0; l < q; l++) mean += matrix[i * q + l]! * parent[l]!;
      else mean += parent[i]!;
    }
    let e: number;
    if (t.form === 'full') {
      e = 0;
      for (let l = 0; l <= i; l++) e += L[i * d + l]! * eps[l]!;
    } else e = L[t.form === 'spherical' ? 0 : i]! * eps[i]!;
    out[at + i] = mean + e;
  }
}

/** Sizes from overrides, then params, then declared defaults. */
function resolveSizes(
  program: LinearGaussianProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions,
  skip?: string,
) {
  const sizes: Record<string, number> = {};
  for (const [name, v] of Object.entries(options.sizes ?? {})) if (name !== skip) sizes[name] = v;
  const flat = checkSampleParams(program, params, sizes);
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  return { sizes, flat };
}

/**
 * Draws one data set from the linear-Gaussian program with `params` (nested arrays in the
 * declared shapes, as in a fit result). Throws a SampleError for params or sizes that do not fit.
 */
export function sampleLinearGaussian(
  program: LinearGaussianProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): LinearGaussianSampleResult {
  const v = schema.data.find((x) => x.name === program.data);
  if (!v) throw new Error(`no data declaration for ${program.data}`);
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  if (program.form === 'factor') {
    const { sizes, flat } = resolveSizes(program, schema, params, options);
    const n = dimOf(program.plate.size, sizes);
    const q = dimOf(program.latent.size, sizes);
    const d = dimOf(v.shape[0] ?? 1, sizes);
    const K = program.mixture ? dimOf(program.mixture.states, sizes) : 1;
    const prior = prepareTerm(program.prior, q, 0, flat, sizes, K);
    const observation = prepareTerm(program.observation, d, q, flat, sizes, K);
    const weights = program.mixture ? elementsOf(program.mixture.weights, flat, sizes, K)(0) : undefined;
    const x = new Float64Array(n * d);
    const f = new Float64Array(n * q);
    const z = new Array<number>(n);
    const eps = new Float64Array(Math.max(d, q));
    for (let i = 0; i < n; i++) {
      const k = weights ? sampleCategorical(rng, weights, K, 0) : 0;
      drawTerm(prior, rng, k, undefined, f, i * q, eps);
      drawTerm(observation, rng, k, f.subarray(i * q, (i + 1) * q), x, i * d, eps);
      z[i] = k;
    }
    const latents: Record<string, ParamValue> = { [program.latent.name]: nestValues(f, [n, q]) };
    if (program.mixture) latents[program.mixture.latent] = z;
    return { sizes, data: { [program.data]: nestValues(x, [n, d]) }, latents };
  }
  // The chain: one sequence x[T], or several x[S][T] (ragged or not).
  const several = v.dims.length === 2;
  const T = String(v.dims[several ? 1 : 0]);
  const S = several ? v.dims[0]! : undefined;
  const ragged = schema.sizes.find((s) => s.name === T)?.over !== undefined;
  const { sizes, flat } = resolveSizes(program, schema, params, options, ragged ? T : undefined);
  const given = options.raggedSizes?.[T];
  if (given && typeof S === 'string') sizes[S] ??= given.length;
  const nSeq = S === undefined ? 1 : dimOf(S, sizes);
  const uniform = options.sizes?.[T] ?? (ragged ? undefined : sizes[T]);
  if (given === undefined && uniform === undefined) {
    throw new SampleError([
      `the length of the sequences is not known: give it with --size ${T}=100` +
        (ragged ? `, or one length per sequence with --size ${T}=50,80,120` : ''),
    ]);
  }
  const lengths = given ? [...given] : new Array<number>(nSeq).fill(uniform!);
  const problems: string[] = [];
  if (lengths.length !== nSeq) problems.push(`${T} has ${lengths.length} lengths for ${nSeq} sequences`);
  lengths.forEach((l, s) => {
    if (!Number.isInteger(l) || l < 1) problems.push(`${T}[${s}] is ${l}: every sequence needs at least one step`);
  });
  if (!ragged && lengths.some((l) => l !== lengths[0])) problems.push(`${T} is one length shared by all sequences`);
  if (problems.length > 0) throw new SampleError(problems);
  if (!ragged) sizes[T] = lengths[0]!;
  const q = dimOf(program.latent.size, sizes);
  const d = dimOf(v.shape[0] ?? 1, sizes);
  const initial = prepareTerm(program.initial, q, 0, flat, sizes, 1);
  const transition = prepareTerm(program.transition, q, q, flat, sizes, 1);
  const emission = prepareTerm(program.emission, d, q, flat, sizes, 1);
  const total = lengths.reduce((a, b) => a + b, 0);
  const x = new Float64Array(total * d);
  const f = new Float64Array(total * q);
  const eps = new Float64Array(Math.max(d, q));
  let step = 0;
  const starts: number[] = [];
  for (const length of lengths) {
    starts.push(step);
    for (let t = 0; t < length; t++, step++) {
      if (t === 0) drawTerm(initial, rng, 0, undefined, f, step * q, eps);
      else drawTerm(transition, rng, 0, f.subarray((step - 1) * q, step * q), f, step * q, eps);
      drawTerm(emission, rng, 0, f.subarray(step * q, (step + 1) * q), x, step * d, eps);
    }
  }
  const nest = (values: Float64Array, width: number): ParamValue =>
    several
      ? lengths.map((l, s) => nestValues(values, [l, width], starts[s]! * width))
      : nestValues(values, [lengths[0]!, width]);
  return {
    sizes,
    data: { [program.data]: nest(x, d) },
    latents: { [program.latent.name]: nest(f, q) },
  };
}
