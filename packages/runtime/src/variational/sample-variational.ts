/**
 * Ancestral sampling from a `VariationalProgram` with given params (`emforge sample`): the
 * Poisson–lognormal model, per item n from one seeded stream the log-rate
 * eta[n] ~ Normal(mu, sigma), then the count y[n] ~ Poisson(exp(eta[n])), with the samplers of
 * the Normal and Poisson families (distributions/normal.ts, poisson.ts).
 */
import type { DataSchema } from '../data/data-schema.js';
import type { ParamValue } from '../em/fit-result.js';
import { sampleNormal } from '../random/continuous.js';
import { samplePoisson } from '../random/discrete.js';
import { RandomStream } from '../random/stream.js';
import { checkSampleParams } from '../sample/sample-params.js';
import { dimOf, type SampleOptions } from '../sample/sample-program.js';
import type { VariationalProgram } from './variational-program.js';

export interface VariationalSampleResult {
  readonly sizes: Readonly<Record<string, number>>;
  /** The counts, one per item. */
  readonly data: Readonly<Record<string, ParamValue>>;
  /** The log-rates drawn for them. */
  readonly latents: Readonly<Record<string, number[]>>;
}

/** Draws one data set of `sizes[N]` items (a SampleError for params or sizes that do not fit). */
export function sampleVariational(
  program: VariationalProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): VariationalSampleResult {
  const sizes: Record<string, number> = { ...(options.sizes ?? {}) };
  const flat = checkSampleParams(program, params, sizes);
  for (const s of schema.sizes) if (s.default !== undefined) sizes[s.name] ??= s.default;
  const n = dimOf(program.items.size, sizes);
  const mu = flat[program.location]![0]!;
  const sigma = flat[program.scale]![0]!;
  const rng = RandomStream.fromSeed(options.seed ?? 1);
  const y = new Array<number>(n);
  const eta = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    eta[i] = sampleNormal(rng, mu, sigma);
    y[i] = samplePoisson(rng, Math.exp(eta[i]!));
  }
  return { sizes, data: { [program.observed]: y }, latents: { [program.latent]: eta } };
}
