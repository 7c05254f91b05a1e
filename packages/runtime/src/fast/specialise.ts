/**
 * Recognises the common mixture programs the fast executor runs (fit-fast.ts): one latent
 * `z[n] ~ Categorical(weights)` (weights by `categorical-probabilities`, or `dirichlet-map`
 * under a Dirichlet prior) and exactly one observation of item data selected by z:
 * - `MvNormal(mu[z], Sigma[z])` (full) or `MvNormal(mu[z], Sigma)` (tied);
 * - `Normal(mu[z], s[z])` over a vector or scalar child, `s` per coordinate (diagonal) or one
 *   per component (spherical);
 * - `Poisson(rate[z])`, `Bernoulli(p[z])` (scalar, or elementwise over a vector child with one
 *   value per coordinate or one shared by them);
 * - `Categorical(theta[z])` on a `cat` child.
 * Anything else (other priors, numeric rules, expressions, more factors or latents, the hard and
 * stochastic variants, missing or ragged data) gives `undefined`: the general executor runs it.
 */
import type { BoundData } from '../data/bind-data.js';
import type { EmFitOptions } from '../em/fit.js';
import type { FitParam, FitProgram, ValueSource } from '../em/fit-program.js';
import { constantValues, resolveDim } from '../em/mixture.js';

export type FastFamily =
  | 'gaussian-full'
  | 'gaussian-tied'
  | 'gaussian-diag'
  | 'gaussian-spherical'
  | 'poisson'
  | 'bernoulli'
  | 'categorical';

/** The kernel (fast/kernels.ts) each family runs. */
export const kernelOf: Readonly<Record<FastFamily, string>> = {
  'gaussian-full': 'gaussian-full',
  'gaussian-tied': 'gaussian-full',
  'gaussian-diag': 'gaussian-diag',
  'gaussian-spherical': 'gaussian-diag',
  poisson: 'poisson',
  bernoulli: 'bernoulli',
  categorical: 'categorical',
};

export interface FastSpec {
  readonly family: FastFamily;
  readonly program: FitProgram;
  /** Items, entries per item, components, categories (Categorical only, else 0). */
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly c: number;
  /** The latent's name and the size its states come from (`K`), for messages. */
  readonly latent: string;
  readonly statesName: string | undefined;
  readonly weights: FitParam;
  /** The Dirichlet prior's concentration per component, for `dirichlet-map`. */
  readonly alpha?: Float64Array;
  /** The mean, rate or probability param (selected by z). */
  readonly location: FitParam;
  /** The covariance or sd param (Gaussian families). */
  readonly scale?: FitParam;
  /** Poisson / Bernoulli: one value per component shared by all coordinates of a vector child. */
  readonly pooled: boolean;
  /** The child data's name and values (n × d, row-major). */
  readonly child: string;
  readonly x: Float64Array;
}

const isParam = (s: ValueSource | undefined, selectors: readonly string[]): s is ValueSource & { kind: 'param' } =>
  s?.kind === 'param' && s.selectors.length === selectors.length && s.selectors.every((x, i) => x === selectors[i]);

const size = (dims: readonly (string | number)[], sizes: Readonly<Record<string, number>>) =>
  dims.reduce<number>((a, d) => a * resolveDim(d, sizes), 1);

/** True when the general path is asked for (`specialise: false`, or `EMFORGE_GENERAL=1`). */
export function generalForced(options: EmFitOptions): boolean {
  return options.specialise === false || process.env.EMFORGE_GENERAL === '1';
}

/** The fast spec of `program` on `data`, or undefined when the general executor must run it. */
export function specialiseMixture(program: FitProgram, data: BoundData, options: EmFitOptions): FastSpec | undefined {
  if (generalForced(options) || (options.variant ?? 'em') !== 'em') return undefined;
  if (program.kind !== undefined && program.kind !== 'mixture') return undefined;
  if (program.latents.length !== 1 || program.factors.length !== 2) return undefined;
  const latent = program.latents[0]!;
  const [prior, obs] = program.factors as [FitProgram['factors'][0], FitProgram['factors'][0]];
  const sizes = data.sizes;
  let k: number;
  let n: number;
  try {
    k = resolveDim(latent.states, sizes);
    n = resolveDim(program.plate.size, sizes);
  } catch {
    return undefined;
  }
  // z[n] ~ Categorical(weights)
  if (prior.family !== 'Categorical' || prior.child.kind !== 'state' || prior.child.latent !== latent.name)
    return undefined;
  const wSource = prior.args[0]?.source;
  if (prior.args.length !== 1 || !isParam(wSource, [])) return undefined;
  const params = new Map(program.params.map((p) => [p.name, p]));
  const weights = params.get(wSource.name);
  if (weights?.dims.length !== 0 || weights.alsoIn || size(weights.shape, sizes) !== k) return undefined;
  let alpha: Float64Array | undefined;
  if (weights.rule === 'dirichlet-map') {
    const a = weights.prior;
    if (a?.family !== 'Dirichlet' || a.args.length !== 1 || a.covarianceOf !== undefined) return undefined;
    const v = constantValues(a.args[0]!, sizes, data.variables);
    if (v.length !== 1 && v.length !== k) return undefined;
    alpha = Float64Array.from({ length: k }, (_, j) => v[v.length === 1 ? 0 : j]!);
  } else if (weights.rule !== 'categorical-probabilities' || weights.prior) return undefined;
  // x[n] ~ Family(param[z[n]], …): item data, whole rows, nothing missing.
  const child = obs.child;
  if (child.kind !== 'data' || !child.atItem || child.selectors.length !== 0) return undefined;
  const v = data.variables[child.name];
  if (!v || v.offsets || v.missing || v.shape[0] !== n) return undefined;
  const d = v.shape.slice(1).reduce((a, b) => a * b, 1);
  if (v.shape.length > 2 || v.values.length !== n * d) return undefined;
  const arg = (i: number, selectors: readonly string[], rule: string, elementSize: number[]) => {
    const s = obs.args[i]?.source;
    if (!isParam(s, selectors)) return undefined;
    const p = params.get(s.name);
    if (!p || p.rule !== rule || p.prior || p.alsoIn || p.factor !== 1) return undefined;
    if (size(p.dims, sizes) !== (selectors.length === 0 ? 1 : k)) return undefined;
    return elementSize.includes(size(p.shape, sizes)) ? p : undefined;
  };
  const z = [latent.name];
  const base = {
    program,
    n,
    d,
    k,
    c: 0,
    latent: latent.name,
    statesName: typeof latent.states === 'string' ? latent.states : undefined,
    weights,
    ...(alpha ? { alpha } : {}),
    pooled: false,
    child: child.name,
    x: v.values,
  };
  let spec: FastSpec | undefined;
  switch (obs.family) {
    case 'MvNormal': {
      const location = arg(0, z, 'mv-normal-mean', [d]);
      const full = arg(1, z, 'mv-normal-covariance', [d * d]);
      const tied = full ? undefined : arg(1, [], 'mv-normal-covariance', [d * d]);
      if (location && (full || tied) && obs.args.length === 2)
        spec = { ...base, family: full ? 'gaussian-full' : 'gaussian-tied', location, scale: full ?? tied };
      break;
    }
    case 'Normal': {
      const location = arg(0, z, 'normal-mean', [d]);
      const diag = arg(1, z, 'normal-sd', [d]);
      const spherical = diag ? undefined : arg(1, z, 'normal-sd', [1]);
      if (location && (diag || spherical) && obs.args.length === 2)
        spec = { ...base, family: diag ? 'gaussian-diag' : 'gaussian-spherical', location, scale: diag ?? spherical };
      break;
    }
    case 'Poisson':
    case 'Bernoulli': {
      const rule = obs.family === 'Poisson' ? 'poisson-rate' : 'bernoulli-probability';
      const location = arg(0, z, rule, [d, 1]);
      if (location && obs.args.length === 1) {
        const family = obs.family === 'Poisson' ? 'poisson' : 'bernoulli';
        spec = { ...base, family, location, pooled: d > 1 && size(location.shape, sizes) === 1 };
      }
      break;
    }
    case 'Categorical': {
      const cats = v.schema.categories;
      const c = cats === undefined ? 0 : resolveDim(cats, sizes);
      const location = arg(0, z, 'categorical-probabilities', [c]);
      if (location && d === 1 && c > 0 && obs.args.length === 1) spec = { ...base, family: 'categorical', c, location };
      break;
    }
    default:
      break;
  }
  if (!spec) return undefined;
  // Every param is one of the matched ones (no stray params the general path would update).
  const used = new Set([weights.name, spec.location.name, spec.scale?.name]);
  return program.params.every((p) => used.has(p.name)) ? spec : undefined;
}
