/**
 * Sampling a `MissingGaussianProgram` (`emforge sample`): complete rows, no entry missing. The
 * model without its missing entries is a plain mixture — `z[n] ~ Categorical(w)` if it has a
 * latent, then `x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])` (or `Normal(mean, sd)` per coordinate)
 * — so `missingAsFitProgram` writes it as the `FitProgram` it is and the mixture sampler
 * (sample/sample-program.ts) draws it: the same order and samplers, and the generated fitters'
 * `sample` reuses the mixture's lowering over the same program.
 */
import type { DataSchema } from '../data/data-schema.js';
import type { FitFactor, FitParam, FitProgram } from '../em/fit-program.js';
import { type SampleOptions, type SampleResult, sampleProgram } from '../sample/sample-program.js';
import type { MissingGaussianProgram } from './missing-program.js';

/** The program without its missing entries: a mixture (or a single Gaussian) FitProgram. */
export function missingAsFitProgram(program: MissingGaussianProgram): FitProgram {
  const { latent } = program;
  const selectors = (selected: boolean) => (selected && latent ? [latent.name] : []);
  const factors: FitFactor[] = [];
  if (latent) {
    factors.push({
      family: 'Categorical',
      child: { kind: 'state', latent: latent.name },
      args: [{ name: 'p', source: { kind: 'param', name: latent.weights, selectors: [] } }],
      text: `${latent.name}[${program.plate.index}] ~ Categorical(${latent.weights})`,
    });
  }
  factors.push({
    family: program.family,
    child: { kind: 'data', name: program.data, atItem: true, selectors: [] },
    args: [
      {
        name: 'mean',
        source: { kind: 'param', name: program.mean.param, selectors: selectors(program.mean.selected) },
      },
      {
        name: program.family === 'MvNormal' ? 'cov' : 'sd',
        source: { kind: 'param', name: program.scale.param, selectors: selectors(program.scale.selected) },
      },
    ],
    text: program.text,
  });
  // Only the declared shapes of the params are read when sampling; the M-step fields are placeholders.
  const params = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  return {
    kind: 'mixture',
    model: program.model,
    plate: program.plate,
    latents: latent ? [{ name: latent.name, states: latent.states }] : [],
    factors,
    params,
    objective: 'log-likelihood',
    strategy: program.strategy,
  };
}

/** Draws one data set of complete rows from the program with `params` (a SampleError for bad params or sizes). */
export function sampleMissingGaussian(
  program: MissingGaussianProgram,
  schema: DataSchema,
  params: Readonly<Record<string, unknown>>,
  options: SampleOptions = {},
): SampleResult {
  return sampleProgram(missingAsFitProgram(program), schema, params, options);
}
