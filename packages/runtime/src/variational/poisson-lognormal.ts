/**
 * The Poisson–lognormal model's variational E-step and M-step. Per item n, with
 * η_n ~ N(μ, σ²) and y_n ~ Poisson(exp η_n), the Gaussian family q(η_n) = N(m_n, v_n) gives the
 * closed-form ELBO term
 *
 *   L_n = y m − exp(m + v/2) − log y! − ½ log(2πσ²) − ((m − μ)² + v) / (2σ²) + ½ log(2πe v),
 *
 * jointly concave in (m, v), so its maximiser is the one stationary point. Writing
 * u = m + v/2 and w = e^u, stationarity in v gives v = σ² / (1 + σ² w) and in m gives
 * m = μ + σ² (y − w); together one increasing equation in u,
 *
 *   F(u) = u − μ − σ² (y − e^u) − ½ σ² / (1 + σ² e^u) = 0,
 *
 * solved by safeguarded Newton in the bracket [t, t + σ²/2], where t is the Laplace mode
 * (the root of y − e^t − (t − μ)/σ², found by Newton from the right, which converges
 * monotonically). Every item starts from the current params only, so the E-step is a function
 * of the params (no history), deterministic, and exact to round-off: the ELBO it returns is
 * the maximum over q, and with the closed-form M-step (μ = mean m, σ² = mean((m − μ)² + v))
 * the ELBO never decreases.
 */
import type { BoundData } from '../data/bind-data.js';
import { FitSetupError, resolveDim } from '../em/mixture.js';
import { lfactorial } from '../math/special.js';
import type { PoissonLognormalProgram } from './variational-program.js';

export interface PoissonLognormalModel {
  readonly program: PoissonLognormalProgram;
  readonly N: number;
  readonly y: Float64Array;
  /** Σ_n log y_n!, constant. */
  readonly logFactorials: number;
  /** The variational means and variances of η per item, set by each E-step. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Live params: [μ, σ]. */
  readonly theta: Float64Array;
}

/** Binds the data of a Poisson–lognormal program. */
export function preparePoissonLognormal(program: PoissonLognormalProgram, data: BoundData): PoissonLognormalModel {
  const N = resolveDim(program.items.size, data.sizes);
  const bound = data.variables[program.observed];
  if (!bound) throw new FitSetupError(`data '${program.observed}' is not bound`);
  if (bound.values.length !== N)
    throw new FitSetupError(`data '${program.observed}' has ${bound.values.length} entries, expected ${N}`);
  const y = bound.values.slice();
  let logFactorials = 0;
  for (let n = 0; n < N; n++) {
    const yn = y[n]!;
    if (!(yn >= 0) || !Number.isInteger(yn))
      throw new FitSetupError(`data '${program.observed}[${n}]' = ${yn} is not a count`);
    logFactorials += lfactorial(yn);
  }
  return {
    program,
    N,
    y,
    logFactorials,
    m: new Float64Array(N),
    v: new Float64Array(N),
    theta: new Float64Array(2),
  };
}

const maxNewton = 200;

/** The Laplace mode of η given y: the root of y − e^t − (t − μ)/σ², by Newton from the right. */
export function laplaceMode(y: number, mu: number, s2: number): number {
  // At t ≥ max(μ, log y) the derivative is ≤ 0: the root lies left; the derivative is concave
  // and decreasing in t, so Newton from there decreases monotonically to the root.
  let t = y > 0 ? Math.max(mu, Math.log(y)) : mu;
  for (let i = 0; i < maxNewton; i++) {
    const e = Math.exp(t);
    const step = (y - e - (t - mu) / s2) / (e + 1 / s2);
    const next = t + step;
    if (!(next < t) || t - next <= 1e-15 * (1 + Math.abs(t))) return Math.min(t, next);
    t = next;
  }
  return t;
}

/**
 * The optimal q(η) = N(m, v) of one item: writes m and v at index n. Safeguarded Newton on
 * F(u) (see the file comment), bisecting whenever a step leaves the bracket.
 */
export function optimiseItem(y: number, mu: number, s2: number, m: Float64Array, v: Float64Array, n: number): void {
  const t = laplaceMode(y, mu, s2);
  let lo = t;
  let hi = t + s2 / 2;
  let u = t;
  for (let i = 0; i < maxNewton; i++) {
    const w = Math.exp(u);
    const a = 1 + s2 * w;
    const F = u - mu - s2 * (y - w) - (0.5 * s2) / a;
    if (F === 0) break;
    if (F < 0) lo = u;
    else hi = u;
    const dF = 1 + s2 * w + (0.5 * s2 * s2 * w) / (a * a);
    let next = u - F / dF;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - u) <= 1e-14 * (1 + Math.abs(u))) {
      u = next;
      break;
    }
    u = next;
  }
  const vn = s2 / (1 + s2 * Math.exp(u));
  v[n] = vn;
  m[n] = u - vn / 2;
}

/** One item's ELBO term at q = N(m, v). */
export function itemElbo(y: number, mu: number, s2: number, m: number, v: number): number {
  const d = m - mu;
  return y * m - Math.exp(m + v / 2) - 0.5 * Math.log(s2) - (d * d + v) / (2 * s2) + 0.5 * Math.log(v) + 0.5;
}

/** The E-step at the live params: every item's optimal q; returns the ELBO. */
export function eStepPoissonLognormal(model: PoissonLognormalModel): number {
  const { N, y, m, v, theta } = model;
  const mu = theta[0]!;
  const s2 = theta[1]! * theta[1]!;
  let elbo = -model.logFactorials;
  for (let n = 0; n < N; n++) {
    optimiseItem(y[n]!, mu, s2, m, v, n);
    elbo += itemElbo(y[n]!, mu, s2, m[n]!, v[n]!);
  }
  return elbo;
}

/**
 * The M-step given q: μ = mean m (unless held) and σ² = mean((m − μ)² + v) (unless held), each
 * the exact maximiser of the ELBO's expected log N(η | μ, σ) terms.
 */
export function mStepPoissonLognormal(model: PoissonLognormalModel, held: ReadonlySet<string>): void {
  const { N, m, v, theta, program } = model;
  if (!held.has(program.location)) {
    let s = 0;
    for (let n = 0; n < N; n++) s += m[n]!;
    theta[0] = s / N;
  }
  if (!held.has(program.scale)) {
    const mu = theta[0]!;
    let s = 0;
    for (let n = 0; n < N; n++) {
      const d = m[n]! - mu;
      s += d * d + v[n]!;
    }
    theta[1] = Math.sqrt(s / N);
  }
}

/**
 * Moment starting values: E[y] = exp(μ + σ²/2) and Var[y] = E[y] + E[y]² (exp σ² − 1), with
 * the overdispersion floored so that σ² > 0 (σ² = 0.1 when the counts are not overdispersed).
 */
export function momentStart(model: PoissonLognormalModel): void {
  const { N, y, theta } = model;
  let mean = 0;
  for (let n = 0; n < N; n++) mean += y[n]!;
  mean /= N;
  let variance = 0;
  for (let n = 0; n < N; n++) variance += (y[n]! - mean) ** 2;
  variance /= Math.max(N - 1, 1);
  const safeMean = Math.max(mean, 0.5 / N);
  const excess = (variance - safeMean) / (safeMean * safeMean);
  const s2 = excess > 0 ? Math.log1p(excess) : 0.1;
  theta[0] = Math.log(safeMean) - s2 / 2;
  theta[1] = Math.sqrt(s2);
}
