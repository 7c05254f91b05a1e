/**
 * A `ScaleMixtureProgram` bound to data: sizes resolved, the observation as one flat [n, d]
 * Float64Array, the mixing Gamma's shape and rate per component (recomputed from ν whenever
 * ν is a param and its values are loaded), every param as one flat array in its declared
 * shape, and every buffer the E- and M-steps use, allocated once.
 */
import type { BoundData } from '../data/bind-data.js';
import type { ParamValues } from '../em/mixture.js';
import { FitSetupError, resolveDim } from '../em/mixture.js';
import { lgamma } from '../math/special.js';
import type { KnownValue, ScaleMixtureProgram } from './scale-mixture-program.js';

export interface ScaleMixtureModel {
  readonly program: ScaleMixtureProgram;
  /** Items, dimension, components (1 without a component latent). */
  readonly n: number;
  readonly d: number;
  readonly K: number;
  /** shape [n, d] */
  readonly x: Float64Array;
  /** The mixing Gamma(shape, rate) of component k; shape [K] (from `nu` when ν is a param). */
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** lgamma(α + d/2) − lgamma(α) − (d/2) log(2πβ), the constant of the marginal t density; shape [K]. */
  readonly logConst: Float64Array;
  /** The live params: weights [K] (all ones / K without a component latent), location [Kl, d], scale [Ks, d, d] or sd [Ks]. */
  readonly weights: Float64Array;
  readonly location: Float64Array;
  readonly scale: Float64Array;
  /** ν when it is a param: shape [K] per component, [1] shared; empty when ν is known. */
  readonly nu: Float64Array;
  /** Element of the ν param that component k uses. */
  readonly nuOf: (k: number) => number;
  /** Element of the location / scale param that component k uses. */
  readonly locationOf: (k: number) => number;
  readonly scaleOf: (k: number) => number;
  /** Elements of the location and scale params (K or 1). */
  readonly locationElements: number;
  readonly scaleElements: number;
  /** Cholesky factor of component k's scale matrix (sd for the univariate form); shape [K, d, d]. */
  readonly chol: Float64Array;
  readonly cholViews: readonly Float64Array[];
  /** log |scale| per component; NaN when the scale is not positive definite. */
  readonly logDet: Float64Array;
  /** shape [n, K]: log densities, then responsibilities after the E-step. */
  readonly resp: Float64Array;
  /** E[u[n] | x[n], component k]; shape [n, K]. */
  readonly eu: Float64Array;
  /** E[log u[n] | x[n], component k], filled only when ν is a param; shape [n, K] (else empty). */
  readonly elogu: Float64Array;
  /** shape [n] */
  readonly itemLogLik: Float64Array;
  /** Scratch: shape [d] and [d, d]. */
  readonly work: Float64Array;
  readonly scatter: Float64Array;
}

/** The starting ν of every component when ν is a param and no init value is given. */
export const DEFAULT_NU = 10;

/**
 * The value of a known Gamma argument for component k (the data checked once at binding); an
 * argument from the ν param is filled later (`applyMixing`), NaN here.
 */
function knownValues(v: KnownValue, K: number, data: BoundData, what: string): Float64Array {
  const out = new Float64Array(K);
  if (v.kind === 'constant') return out.fill(v.value);
  if (v.kind === 'param') return out.fill(Number.NaN);
  const bound = data.variables[v.name];
  if (!bound) throw new FitSetupError(`data '${v.name}' is missing`);
  const want = v.perComponent ? K : 1;
  if (bound.values.length !== want)
    throw new FitSetupError(`data '${v.name}' has ${bound.values.length} values, expected ${want} (${what})`);
  for (let k = 0; k < K; k++) out[k] = bound.values[v.perComponent ? k : 0]! * v.factor;
  return out;
}

function paramSize(program: ScaleMixtureProgram, name: string, sizes: Readonly<Record<string, number>>): number {
  const p = program.params.find((q) => q.name === name);
  if (!p) throw new Error(`scale mixture: '${name}' is not a param of ${program.model}`);
  return [...p.dims, ...p.shape].reduce<number>((a, dim) => a * resolveDim(dim, sizes), 1);
}

/** Binds a program to data: everything the E- and M-steps need, allocated once. */
export function prepareScaleMixture(program: ScaleMixtureProgram, data: BoundData): ScaleMixtureModel {
  const sizes = data.sizes;
  const n = resolveDim(program.plate.size, sizes);
  const observed = data.variables[program.observed];
  if (!observed) throw new FitSetupError(`data '${program.observed}' is missing`);
  const d = program.form === 'univariate' ? 1 : observed.itemSize;
  if (observed.values.length !== n * d)
    throw new FitSetupError(`data '${program.observed}' has ${observed.values.length} values, expected ${n} × ${d}`);
  for (let i = 0; i < observed.values.length; i++) {
    if (!Number.isFinite(observed.values[i]!))
      throw new FitSetupError(
        `data '${program.observed}' has a missing or non-finite entry (item ${Math.floor(i / d)})`,
      );
  }
  const K = program.component ? resolveDim(program.component.states, sizes) : 1;
  const check = (name: string, want: number) => {
    const got = paramSize(program, name, sizes);
    if (got !== want) throw new FitSetupError(`param '${name}' has ${got} values, expected ${want}`);
  };
  const alpha = knownValues(program.shape, K, data, 'the shape of the precision Gamma');
  const beta = knownValues(program.rate, K, data, 'the rate of the precision Gamma');
  const dof = program.degreesOfFreedom;
  const nu = new Float64Array(dof ? (dof.perComponent ? K : 1) : 0).fill(DEFAULT_NU);
  if (dof) check(dof.name, nu.length);
  const nuOf = (k: number) => (dof?.perComponent ? k : 0);
  fillMixing(program, nu, nuOf, alpha, beta);
  for (let k = 0; k < K; k++) {
    if (!(alpha[k]! > 0 && beta[k]! > 0 && Number.isFinite(alpha[k]!) && Number.isFinite(beta[k]!)))
      throw new FitSetupError(
        `the degrees of freedom must be positive and finite: component ${k} has Gamma(${alpha[k]}, ${beta[k]}) as its precision`,
      );
  }
  const logConst = new Float64Array(K);
  fillLogConst(d, alpha, beta, logConst);
  const locationElements = program.location.perComponent ? K : 1;
  const scaleElements = program.scale.perComponent ? K : 1;
  const scaleSize = program.form === 'mv' ? d * d : 1;
  check(program.location.name, locationElements * d);
  check(program.scale.name, scaleElements * scaleSize);
  if (program.component) check(program.component.weights, K);
  const chol = new Float64Array(K * d * d);
  return {
    program,
    n,
    d,
    K,
    x: observed.values,
    alpha,
    beta,
    logConst,
    weights: new Float64Array(K).fill(1 / K),
    location: new Float64Array(locationElements * d),
    scale: new Float64Array(scaleElements * scaleSize),
    nu,
    nuOf,
    locationOf: (k) => (program.location.perComponent ? k : 0),
    scaleOf: (k) => (program.scale.perComponent ? k : 0),
    locationElements,
    scaleElements,
    chol,
    cholViews: Array.from({ length: K }, (_, k) => chol.subarray(k * d * d, (k + 1) * d * d)),
    logDet: new Float64Array(K),
    resp: new Float64Array(n * K),
    eu: new Float64Array(n * K),
    elogu: new Float64Array(dof ? n * K : 0),
    itemLogLik: new Float64Array(n),
    work: new Float64Array(d),
    scatter: new Float64Array(d * d),
  };
}

/** Gamma shape and rate per component from the ν param (arguments of kind `param` only). */
function fillMixing(
  program: ScaleMixtureProgram,
  nu: Float64Array,
  nuOf: (k: number) => number,
  alpha: Float64Array,
  beta: Float64Array,
): void {
  for (let k = 0; k < alpha.length; k++) {
    if (program.shape.kind === 'param') alpha[k] = nu[nuOf(k)]! * program.shape.factor;
    if (program.rate.kind === 'param') beta[k] = nu[nuOf(k)]! * program.rate.factor;
  }
}

/** lgamma(α + d/2) − lgamma(α) − (d/2) log(2πβ) per component. */
function fillLogConst(d: number, alpha: Float64Array, beta: Float64Array, out: Float64Array): void {
  for (let k = 0; k < out.length; k++) {
    out[k] = lgamma(alpha[k]! + d / 2) - lgamma(alpha[k]!) - (d / 2) * Math.log(2 * Math.PI * beta[k]!);
  }
}

/** After ν changed: the mixing Gammas and the density constants from the live ν. */
export function applyDegreesOfFreedom(model: ScaleMixtureModel): void {
  if (!model.program.degreesOfFreedom) return;
  fillMixing(model.program, model.nu, model.nuOf, model.alpha, model.beta);
  fillLogConst(model.d, model.alpha, model.beta, model.logConst);
}

/** The live array of a param by name (its role in the model). */
function liveArray(model: ScaleMixtureModel, name: string): Float64Array | undefined {
  const { program } = model;
  if (name === program.degreesOfFreedom?.name) return model.nu;
  if (name === program.location.name) return model.location;
  if (name === program.scale.name) return model.scale;
  if (name === program.component?.weights) return model.weights;
  return undefined;
}

/** Copies param values into the live arrays. */
export function loadScaleMixtureParams(model: ScaleMixtureModel, values: ParamValues): void {
  for (const [name, v] of Object.entries(values)) liveArray(model, name)?.set(v);
  if (model.program.degreesOfFreedom && values[model.program.degreesOfFreedom.name]) applyDegreesOfFreedom(model);
}

/** Copies of the live param values, by name. */
export function saveScaleMixtureParams(model: ScaleMixtureModel): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const p of model.program.params) {
    const live = liveArray(model, p.name);
    if (live) out[p.name] = live.slice();
  }
  return out;
}

/** The number of values of each param, by name (for checking init / fixed values). */
export function scaleMixtureParamSizes(model: ScaleMixtureModel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of model.program.params) out[p.name] = liveArray(model, p.name)?.length ?? 0;
  return out;
}
