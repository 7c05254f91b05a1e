/**
 * Ancestral sampling from a `ScaleMixtureProgram` (a Student-t, or a mixture of them) with given
 * params (`emforge sample`). Per item n, from one seeded stream:
 *
 *   z[n] ~ Categorical(w)                       (a mixture only)
 *   u[n] ~ Gamma(α_z, β_z)                      (shape and rate: ν/2 and ν/2 for a Student-t)
 *   x[n] = μ_z + L_z ε / √u[n],  ε ~ N(0, I)    (L_z L_zᵀ = Σ_z; for the univariate form L = σ)
 *
 * so x[n] | u[n], z[n] ~ N(μ_z, Σ_z / u[n]) and, u integrated out, x[n] | z[n] is t with ν
 * degrees of freedom. Known Gamma arguments from data (`nu` given as data) come from the
 * `inputs`, which are echoed into the output so that the sample fits as it is. The latents
 * returned: z (a mixture) and the precision u under the program's name for it.
 */
import type { DataSchema } from '../data/data-schema.js';
import { nestValues, type ParamValue } from '../em/fit-result.js';
import { cholesky } from '../math/cholesky.js';
import { sampleGamma, sampleStdNormal } from '../random/continuous.js';
import { sampleCategorical } from '../random/discrete.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams, SampleError } from '../sample/sample-params.js';
import { dimOf, inputSchemaWithout, type SampleOptions } from '../sample/sample-program.js';
import type { KnownValue, ScaleMixtureProgram } from './scale-mixture-program.js';

export interface ScaleMixtureSampleResult {
  readonly sizes: Readonly<Record<string, number>>;
  /** The observation (nested as declared) and the inputs echoed. */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** z per item (a mixture) and the precision u per item. */
  readonly latents: Readonly<Record<string, number[]>>;
}

/** The data a scale mixture reads but does not draw (ν given as data). */
export function scaleMixtureInputSchema(program: ScaleMixtureProgram, schema: DataSchema): DataSchema {
  return inputSchemaWithout(schema, new Set([program.observed]));
}

/** A Gamma argument of component k: a constant, the data (times its factor), or the ν param (times its factor). */
function gammaArgument(
  v: KnownValue,
  k: number,
  options: SampleOptions,
  flat: Readonly<Record<string, Float64Array>>,
): number {
  if (v.kind === 'constant') return v.value;
  const values = v.kind === 'param' ? flat[v.name] : options.inputs?.variables[v.name]?.values;
  if (!values) throw new SampleError([`data '${v.name}' is needed to sample: give it with --data FILE`]);
  const x = values[v.perComponent ? k : 0];
  if (x === undefined) throw new SampleError([`'${v.name}' has no entry for component ${k}`]);
  return x * v.factor;
}

/**
 * Draws one data set of `sizes[plate]` items from the scale mixture with `params` (nested arrays
 * in the declared shapes, as in a fit result). Throws a SampleError for params, sizes or inputs
 * that do not fit the model.
 */
export function sampleScaleMixture(
  program: ScaleMixtureProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): ScaleMixtureSampleResult {
  const sizes: Record<string, number> = { ...(options.sizes ?? {}) };
  const flat = checkSampleParams(program, params, sizes);
  for (const [name, v] of Object.entries(options.inputs?.sizes ?? {})) sizes[name] ??= v;
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  const n = dimOf(program.plate.size, sizes);
  const mv = program.form === 'mv';
  const location = flat[program.location.name]!;
  const scale = flat[program.scale.name]!;
  const K = program.component ? dimOf(program.component.states, sizes) : 1;
  const d = location.length / (program.location.perComponent ? K : 1);
  const weights = program.component ? flat[program.component.weights]! : Float64Array.of(1);
  // Per component: the mixing Gamma, and the Cholesky factor of the scale (σ for the univariate form).
  const alpha = new Float64Array(K);
  const beta = new Float64Array(K);
  const chol = new Float64Array(K * d * d);
  const problems: string[] = [];
  for (let k = 0; k < K; k++) {
    alpha[k] = gammaArgument(program.shape, k, options, flat);
    beta[k] = gammaArgument(program.rate, k, options, flat);
    if (!(alpha[k]! > 0 && beta[k]! > 0 && Number.isFinite(alpha[k]!) && Number.isFinite(beta[k]!)))
      problems.push(
        `component ${k} has Gamma(${alpha[k]}, ${beta[k]}) as its precision: ν must be positive and finite`,
      );
    const s = program.scale.perComponent ? k : 0;
    const L = chol.subarray(k * d * d, (k + 1) * d * d);
    if (mv) {
      L.set(scale.subarray(s * d * d, (s + 1) * d * d));
      cholesky(L, d);
    } else L[0] = scale[s]!;
  }
  if (problems.length > 0) throw new SampleError(problems);
  const x = new Float64Array(n * d);
  const z = new Array<number>(n);
  const u = new Array<number>(n);
  const eps = new Float64Array(d);
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  for (let i = 0; i < n; i++) {
    const k = program.component ? sampleCategorical(rng, weights, K, 0) : 0;
    const ui = sampleGamma(rng, alpha[k]!, beta[k]!);
    const m = (program.location.perComponent ? k : 0) * d;
    const L = k * d * d;
    for (let j = 0; j < d; j++) eps[j] = sampleStdNormal(rng);
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let l = 0; l <= j; l++) acc += chol[L + j * d + l]! * eps[l]!;
      x[i * d + j] = location[m + j]! + acc / Math.sqrt(ui);
    }
    z[i] = k;
    u[i] = ui;
  }
  const data: Record<string, ParamValue> = {};
  for (const v of schema.data) {
    if (v.name === program.observed) data[v.name] = nestValues(x, mv ? [n, d] : [n]);
    else {
      const bound = options.inputs?.variables[v.name];
      if (bound) data[v.name] = nestValues(bound.values, bound.shape);
    }
  }
  const latents: Record<string, number[]> = program.component ? { [program.component.latent]: z } : {};
  latents[program.precision] = u;
  return { sizes, data, latents };
}
