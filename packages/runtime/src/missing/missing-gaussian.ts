/**
 * The missing-data Gaussian executor: a `MissingGaussianProgram` bound to data, and its E-step.
 * Binding resolves the sizes, allocates each param as one flat Float64Array in its declared
 * shape and groups the rows by missingness pattern (missing-patterns.ts). The E-step, pattern by
 * pattern: each component's observed block is factored once (conditional-gaussian.ts); per row,
 * log w_k + log N(x_o | μ_k,o, Σ_k,oo) for every component, normalised by log-sum-exp into the
 * responsibilities and the row's observed-data log-likelihood; then, per component, the
 * completed row x̂ = (x_o, E[x_m | x_o, k]) is accumulated with weight r[n,k] into expected
 * sufficient statistics centred at the component's current mean, and the conditional
 * covariance C_k enters the second moment once per pattern, weighted by Σ_rows r[n,k]:
 *
 *   s0[k] = Σ_n r[n,k]
 *   s1[k] = Σ_n r[n,k] (x̂_nk − μ_k)
 *   s2[k] = Σ_n r[n,k] ((x̂_nk − μ_k)(x̂_nk − μ_k)ᵀ + C_nk)       (C_nk zero outside m × m)
 *
 * Without a latent there is one component with weight 1. Rows with every entry missing have no
 * observed-data likelihood and are left out (their posterior is the prior).
 */
import type { BoundData } from '../data/bind-data.js';
import type { DeclaredParam } from '../em/fit-program.js';
import { FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import { type AssignContext, assignResponsibilities } from '../em/variants.js';
import {
  conditionalMean,
  factorPattern,
  makePatternFactor,
  observedLogDensity,
  type PatternFactor,
} from './conditional-gaussian.js';
import { findMissingPatterns, type MissingPatterns } from './missing-patterns.js';
import type { MissingGaussianProgram } from './missing-program.js';

/** How a component's covariance is built from the scale param. */
export type ScaleForm = 'full' | 'diagonal' | 'spherical';

export interface MissingParam {
  readonly spec: DeclaredParam;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  /** Entries of one element (Π shape) and number of elements (Π dims). */
  readonly elementSize: number;
  readonly elements: number;
  /** The live values, row-major in the declared shape; updated in place. */
  readonly values: Float64Array;
}

export interface MissingModel {
  readonly program: MissingGaussianProgram;
  /** Items (rows), including those with every entry missing. */
  readonly n: number;
  /** Coordinates per row. */
  readonly d: number;
  /** Components: the latent's states, or 1 without a latent. */
  readonly k: number;
  /** shape [n, d]: the data, NaN where missing. */
  readonly x: Float64Array;
  /** The data variable's own shape: [n] for one value per item, [n, d] for a row. */
  readonly shape: readonly number[];
  readonly patterns: MissingPatterns;
  /** In declaration order. */
  readonly params: readonly MissingParam[];
  readonly mean: MissingParam;
  readonly scale: MissingParam;
  readonly weights?: MissingParam;
  readonly form: ScaleForm;
  /** shape [k, d, d]: every component's full covariance, rebuilt from the params each E-step. */
  readonly cov: Float64Array;
  /** shape [rows, k] over the compact rows (`patterns.rows`): responsibilities after the E-step. */
  readonly resp: Float64Array;
  /** shape [rows]: each compact row's observed-data log-likelihood. */
  readonly itemLogLik: Float64Array;
  readonly stats: MissingStats;
  readonly work: MissingWork;
}

/** The expected sufficient statistics of the last E-step (live buffers of the model). */
export interface MissingStats {
  /** shape [k] */
  readonly s0: Float64Array;
  /** shape [k, d]: centred at `centre`. */
  readonly s1: Float64Array;
  /** shape [k, d, d]: centred at `centre`, both triangles. */
  readonly s2: Float64Array;
  /** shape [k, d]: each component's mean in the E-step. */
  readonly centre: Float64Array;
  logLik: number;
  entropy: number;
}

interface MissingWork {
  readonly factors: readonly PatternFactor[];
  /** shape [k][d]: per component, the residual x_o − μ_o of the current row. */
  readonly resid: readonly Float64Array[];
  readonly scratch: Float64Array;
  readonly xhat: Float64Array;
  /** shape [k]: log w_k, then the current row's responsibilities during assignment. */
  readonly logWeights: Float64Array;
  readonly row: Float64Array;
  /** shape [k]: Σ r[n,k] over the rows of the current pattern. */
  readonly patternWeight: Float64Array;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

function makeParam(spec: DeclaredParam, sizes: Readonly<Record<string, number>>): MissingParam {
  const dims = spec.dims.map((e) => resolveDim(e, sizes));
  const shape = spec.shape.map((e) => resolveDim(e, sizes));
  const elementSize = product(shape);
  const elements = product(dims);
  return { spec, dims, shape, elementSize, elements, values: new Float64Array(elementSize * elements) };
}

function paramOf(params: readonly MissingParam[], name: string): MissingParam {
  const p = params.find((q) => q.spec.name === name);
  if (!p) throw new Error(`'${name}' is not a param of the program`);
  return p;
}

/** Binds a program to data: the params, the patterns and every buffer, allocated once. */
export function prepareMissing(program: MissingGaussianProgram, data: BoundData): MissingModel {
  const sizes = data.sizes;
  const n = resolveDim(program.plate.size, sizes);
  const v = data.variables[program.data];
  if (!v) throw new FitSetupError(`data '${program.data}' is missing`);
  if (v.offsets) throw new FitSetupError(`data '${program.data}' is ragged; its rows must all have the same length`);
  const d = v.itemSize;
  if (v.values.length !== n * d)
    throw new FitSetupError(`data '${program.data}' has ${v.values.length} entries, expected ${n} rows of ${d}`);
  const k = program.latent ? resolveDim(program.latent.states, sizes) : 1;
  const params = program.params.map((p) => makeParam(p, sizes));
  const mean = paramOf(params, program.mean.param);
  const scale = paramOf(params, program.scale.param);
  const weights = program.latent ? paramOf(params, program.latent.weights) : undefined;
  const elementsOf = (use: { selected: boolean }) => (use.selected ? k : 1);
  const expect = (p: MissingParam, elements: number, size: number, what: string) => {
    if (p.elements !== elements || p.elementSize !== size)
      throw new FitSetupError(
        `param '${p.spec.name}' has ${p.elements} element(s) of ${p.elementSize} entries; ${what} needs ${elements} of ${size}`,
      );
  };
  expect(mean, elementsOf(program.mean), d, `the mean of ${d}-dimensional rows`);
  const form: ScaleForm = program.family === 'MvNormal' ? 'full' : scale.elementSize === d ? 'diagonal' : 'spherical';
  expect(scale, elementsOf(program.scale), form === 'full' ? d * d : form === 'diagonal' ? d : 1, 'the scale');
  if (weights) expect(weights, 1, k, 'the component weights');
  const patterns = findMissingPatterns(v.missing, n, d);
  return {
    program,
    n,
    d,
    k,
    x: v.values,
    shape: v.shape,
    patterns,
    params,
    mean,
    scale,
    ...(weights ? { weights } : {}),
    form,
    cov: new Float64Array(k * d * d),
    resp: new Float64Array(patterns.rows.length * k),
    itemLogLik: new Float64Array(patterns.rows.length),
    stats: {
      s0: new Float64Array(k),
      s1: new Float64Array(k * d),
      s2: new Float64Array(k * d * d),
      centre: new Float64Array(k * d),
      logLik: 0,
      entropy: 0,
    },
    work: {
      factors: Array.from({ length: k }, () => makePatternFactor(d)),
      resid: Array.from({ length: k }, () => new Float64Array(d)),
      scratch: new Float64Array(d),
      xhat: new Float64Array(d),
      logWeights: new Float64Array(k),
      row: new Float64Array(k),
      patternWeight: new Float64Array(k),
    },
  };
}

/** Offset of component c's mean in the mean param's values. */
export function meanAt(model: MissingModel, c: number): number {
  return model.program.mean.selected ? c * model.d : 0;
}

/** The scale element component c uses. */
export function scaleElement(model: MissingModel, c: number): number {
  return model.program.scale.selected ? c : 0;
}

/** Copies param values into the live arrays. */
export function loadMissingParams(model: MissingModel, values: ParamValues): void {
  for (const p of model.params) {
    const v = values[p.spec.name];
    if (v) p.values.set(v);
  }
}

/** Copies of the live param values. */
export function saveMissingParams(model: MissingModel): Record<string, Float64Array> {
  return Object.fromEntries(model.params.map((p) => [p.spec.name, p.values.slice()]));
}

/** Rebuilds every component's full covariance from the scale param. */
function buildCovariances(model: MissingModel): void {
  const { d, k, cov, scale, form } = model;
  cov.fill(0);
  for (let c = 0; c < k; c++) {
    const e = scaleElement(model, c);
    const at = c * d * d;
    if (form === 'full') {
      cov.set(scale.values.subarray(e * d * d, (e + 1) * d * d), at);
      continue;
    }
    for (let j = 0; j < d; j++) {
      const sd = scale.values[form === 'diagonal' ? e * d + j : e]!;
      cov[at + j * d + j] = sd * sd;
    }
  }
}

/** One row of log densities into responsibilities (log-sum-exp); returns the row's log-likelihood. */
function normalizeRow(resp: Float64Array, at: number, k: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) if (resp[at + c]! > max) max = resp[at + c]!;
  if (max === Number.NEGATIVE_INFINITY || Number.isNaN(max)) {
    for (let c = 0; c < k; c++) resp[at + c] = 1 / k;
    return Number.NEGATIVE_INFINITY;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(resp[at + c]! - max);
    resp[at + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) resp[at + c]! /= sum;
  return max + Math.log(sum);
}

/**
 * The E-step at `values`: responsibilities in `model.resp`, the statistics in `model.stats`.
 * @param assign the variant's assignment (absent: soft)
 * @param imputed shape [n, d] (optional): receives the compact rows with each missing entry
 *   replaced by Σ_k r[n,k] E[x_m | x_o, k]; rows with everything missing are not touched
 * @returns the objective: the observed-data log-likelihood (plus, for hard EM, Σ log max_k r)
 */
export function eStepMissing(
  model: MissingModel,
  values: ParamValues,
  assign?: AssignContext,
  imputed?: Float64Array,
): { objective: number; stats: MissingStats } {
  loadMissingParams(model, values);
  buildCovariances(model);
  const { d, k, x, cov, resp, itemLogLik, stats, work, mean } = model;
  const { factors, resid, scratch, xhat, logWeights, row, patternWeight } = work;
  const { s0, s1, s2, centre } = stats;
  const soft = !assign || assign.assignment === 'soft';
  for (let c = 0; c < k; c++) {
    logWeights[c] = model.weights ? Math.log(model.weights.values[c]!) : 0;
    centre.set(mean.values.subarray(meanAt(model, c), meanAt(model, c) + d), c * d);
  }
  s0.fill(0);
  s1.fill(0);
  s2.fill(0);
  let logLik = 0;
  let gap = 0;
  const rows = model.patterns.rows;
  for (const pattern of model.patterns.patterns) {
    const { observed, missing, members } = pattern;
    const m = missing.length;
    for (let c = 0; c < k; c++) factorPattern(cov, c * d * d, d, observed, missing, factors[c]!);
    patternWeight.fill(0);
    for (let t = 0; t < members.length; t++) {
      const i = members[t]!;
      const xAt = rows[i]! * d;
      const at = i * k;
      for (let c = 0; c < k; c++) {
        const f = factors[c]!;
        resp[at + c] =
          f.logNorm === Number.NEGATIVE_INFINITY
            ? Number.NEGATIVE_INFINITY
            : logWeights[c]! +
              observedLogDensity(x, xAt, mean.values, meanAt(model, c), observed, f, resid[c]!, scratch);
      }
      const ll = normalizeRow(resp, at, k);
      itemLogLik[i] = ll;
      logLik += ll;
      if (!soft && assign) {
        for (let c = 0; c < k; c++) row[c] = resp[at + c]!;
        gap += assignResponsibilities(row, 1, k, assign.assignment, assign.rng);
        for (let c = 0; c < k; c++) resp[at + c] = row[c]!;
      }
      if (imputed) for (let a = 0; a < m; a++) imputed[xAt + missing[a]!] = 0;
      for (let c = 0; c < k; c++) {
        const r = resp[at + c]!;
        const f = factors[c]!;
        if (!(r > 0) || f.logNorm === Number.NEGATIVE_INFINITY) continue;
        const mAt = meanAt(model, c);
        conditionalMean(x, xAt, mean.values, mAt, observed, missing, f, resid[c]!, xhat);
        if (imputed) for (let a = 0; a < m; a++) imputed[xAt + missing[a]!]! += r * xhat[missing[a]!]!;
        s0[c]! += r;
        patternWeight[c]! += r;
        const c1 = c * d;
        const c2 = c * d * d;
        for (let j = 0; j < d; j++) xhat[j] = xhat[j]! - centre[c1 + j]!;
        for (let j = 0; j < d; j++) {
          const rj = r * xhat[j]!;
          s1[c1 + j]! += rj;
          for (let j2 = 0; j2 <= j; j2++) s2[c2 + j * d + j2]! += rj * xhat[j2]!;
        }
      }
    }
    // The conditional covariance is the same for every row of the pattern: added once, weighted.
    for (let c = 0; c < k && m > 0; c++) {
      const w = patternWeight[c]!;
      const cm = factors[c]!.c;
      const c2 = c * d * d;
      for (let a = 0; a < m; a++) {
        const ja = missing[a]!;
        for (let a2 = 0; a2 < m; a2++) {
          const jb = missing[a2]!;
          if (jb <= ja) s2[c2 + ja * d + jb]! += w * cm[a * m + a2]!;
        }
      }
    }
  }
  for (let c = 0; c < k; c++) {
    const c2 = c * d * d;
    for (let j = 0; j < d; j++) for (let j2 = 0; j2 < j; j2++) s2[c2 + j2 * d + j] = s2[c2 + j * d + j2]!;
  }
  let entropy = 0;
  for (let e = 0; e < resp.length; e++) if (resp[e]! > 0) entropy -= resp[e]! * Math.log(resp[e]!);
  stats.logLik = logLik;
  stats.entropy = entropy;
  const objective = logLik + gap;
  return { objective: Number.isNaN(objective) ? Number.NEGATIVE_INFINITY : objective, stats };
}
