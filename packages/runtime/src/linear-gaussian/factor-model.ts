/**
 * The executor of the `factor` form: factor analysis, PPCA and mixtures of factor analysers.
 * Per item n and selector state k (one state without a mixture), with f = m0 + Lp g
 * (P0 = Lp Lpᵀ, g ~ N(0, I)), W' = W Lp and mu' = mu + W m0, the posterior of g given x is
 * Gaussian with covariance M⁻¹, M = I + W'ᵀ R⁻¹ W' (L × L), and mean M⁻¹ W'ᵀ R⁻¹ (x − mu');
 * the marginal x ~ N(mu', W'W'ᵀ + R) is evaluated through the same M (Woodbury and the
 * determinant lemma: log|C| = log|R| + log|M|, rᵀC⁻¹r = rᵀR⁻¹r − uᵀM⁻¹u with u = W'ᵀR⁻¹r),
 * so nothing D × D is inverted per item and, for diagonal or spherical noise, nothing at all.
 * The E-step yields the observed-data log-likelihood, the responsibilities of the selector and
 * per state the expected statistics of x on (f, 1) that term-update.ts turns into W, mu and
 * the noise (the M-step), and weights w_k = Σ_n r[n,k] / N.
 */
import type { BoundData } from '../data/bind-data.js';
import type { EmStepContext } from '../em/em-driver.js';
import { FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import { type AssignContext, assignResponsibilities } from '../em/variants.js';
import { logDetFromCholesky, solveCholesky, solveLower } from '../math/cholesky.js';
import { choleskyWithRidge } from './dense.js';
import { copyValues, freeColumns, isFree, ModelValues, termMatrix, writeTermMatrix } from './model-values.js';
import type { LinearGaussianFactorProgram } from './program.js';
import { addResidualScatter, noiseCovariance, noiseFromScatter, regressFreeColumns, TermStats } from './term-update.js';

const LOG_2PI = Math.log(2 * Math.PI);

export interface FactorModel {
  readonly program: LinearGaussianFactorProgram;
  readonly values: ModelValues;
  /** Items, observed dimension, latent dimension, selector states. */
  readonly n: number;
  readonly d: number;
  readonly l: number;
  readonly k: number;
  /** The data, shape [n, d]. */
  readonly x: Float64Array;
  /** log w_k + log N(x[n]; mu'_k, C_k), then the responsibilities, shape [n, k]. */
  readonly resp: Float64Array;
  /** E[f[n] | x[n], z = k], shape [n, k, l]. */
  readonly ef: Float64Array;
  /** Cov[f[n] | x[n], z = k], the same for every n, shape [k, l, l]. */
  readonly vf: Float64Array;
  /** The statistics of x on (f, 1) per state. */
  readonly stats: readonly TermStats[];
  /** The prior's mean m0 and Cholesky factor Lp of its covariance. */
  readonly m0: Float64Array;
  readonly lp: Float64Array;
  entropy: number;
  logLik: number;
}

/** The params the E-step ran at, handed to the M-step. */
export interface FactorStats {
  readonly values: ParamValues;
}

export function prepareFactorModel(program: LinearGaussianFactorProgram, data: BoundData): FactorModel {
  const x = data.variables[program.data];
  if (!x) throw new FitSetupError(`data '${program.data}' is missing`);
  const n = resolveDim(program.plate.size, data.sizes);
  const l = resolveDim(program.latent.size, data.sizes);
  const d = x.itemSize;
  if (x.values.length !== n * d) throw new FitSetupError(`data '${program.data}' does not have ${n} rows of ${d}`);
  const k = program.mixture ? resolveDim(program.mixture.states, data.sizes) : 1;
  const mv = new ModelValues(program.params, data, k);
  const obs = program.observation;
  if (!obs.matrix) throw new FitSetupError(`'${obs.text}' has no loadings`);
  mv.expect(obs.matrix, d * l, `the loadings in '${obs.text}'`);
  if (obs.offset) mv.expect(obs.offset, d, `the mean in '${obs.text}'`, true);
  expectNoise(mv, obs.noise, d, obs.text);
  const prior = program.prior;
  if (prior.offset) mv.expect(prior.offset, l, `the mean in '${prior.text}'`, true);
  expectNoise(mv, prior.noise, l, prior.text);
  if (program.mixture) mv.expect(program.mixture.weights, k, `the weights of '${program.mixture.latent}'`);
  // The prior is constant (the lowering checks): factor its covariance once.
  const empty: ParamValues = {};
  const m0 = new Float64Array(l);
  if (prior.offset) {
    const v = mv.read(empty, prior.offset);
    for (let i = 0; i < l; i++) m0[i] = v.length === 1 ? v[0]! : v[i]!;
  }
  const p0 = new Float64Array(l * l);
  noiseCovariance(prior.noise.form, mv.read(empty, prior.noise.value), l, p0);
  const lp = new Float64Array(l * l);
  if (choleskyWithRidge(p0, lp, l, 0) !== 0)
    throw new FitSetupError(`the covariance in '${prior.text}' is not positive definite`);
  return {
    program,
    values: mv,
    n,
    d,
    l,
    k,
    x: x.values,
    resp: new Float64Array(n * k),
    ef: new Float64Array(n * k * l),
    vf: new Float64Array(k * l * l),
    stats: Array.from({ length: k }, () => new TermStats(d, l)),
    m0,
    lp,
    entropy: 0,
    logLik: Number.NaN,
  };
}

function expectNoise(mv: ModelValues, noise: LinearGaussianFactorProgram['prior']['noise'], d: number, text: string) {
  const length = noise.form === 'full' ? d * d : noise.form === 'diagonal' ? d : 1;
  mv.expect(noise.value, length, `the noise in '${text}'`, noise.form === 'diagonal');
}

/** Per-state scratch of the E-step. */
interface StateScratch {
  readonly weff: Float64Array; // [d, l]
  readonly mueff: Float64Array; // [d]
  readonly cov: Float64Array; // [d, d]
  readonly lr: Float64Array; // [d, d]
  readonly b: Float64Array; // R⁻¹ W', [d, l]
  readonly lm: Float64Array; // [l, l]
  readonly work: Float64Array; // [max(d, l)]
  readonly r: Float64Array; // [d]
  readonly u: Float64Array; // [l]
}

const scratchOf = new WeakMap<FactorModel, StateScratch>();

function scratch(m: FactorModel): StateScratch {
  let s = scratchOf.get(m);
  if (!s) {
    const { d, l } = m;
    s = {
      weff: new Float64Array(d * l),
      mueff: new Float64Array(d),
      cov: new Float64Array(d * d),
      lr: new Float64Array(d * d),
      b: new Float64Array(d * l),
      lm: new Float64Array(l * l),
      work: new Float64Array(Math.max(d, l)),
      r: new Float64Array(d),
      u: new Float64Array(l),
    };
    scratchOf.set(m, s);
  }
  return s;
}

/**
 * Log-densities, posterior means and covariance of f for state k, into `resp` (plus log w_k),
 * `ef` and `vf`.
 */
function stateEStep(m: FactorModel, values: ParamValues, k: number, logWeight: number): void {
  const { d, l, n, x, lp, m0 } = m;
  const obs = m.program.observation;
  const s = scratch(m);
  const W = m.values.read(values, obs.matrix!, k);
  const mu = obs.offset ? m.values.read(values, obs.offset, k) : undefined;
  // W' = W Lp, mu' = mu + W m0.
  for (let i = 0; i < d; i++) {
    let shift = mu ? (mu.length === 1 ? mu[0]! : mu[i]!) : 0;
    for (let a = 0; a < l; a++) {
      shift += W[i * l + a]! * m0[a]!;
      let t = 0;
      for (let c = a; c < l; c++) t += W[i * l + c]! * lp[c * l + a]!;
      s.weff[i * l + a] = t;
    }
    s.mueff[i] = shift;
  }
  const form = obs.noise.form;
  noiseCovariance(form, m.values.read(values, obs.noise.value, k), d, s.cov);
  let logDetR = 0;
  if (form === 'full') {
    if (choleskyWithRidge(s.cov, s.lr, d, 1e-10) < 0) {
      for (let i = 0; i < n; i++) m.resp[i * m.k + k] = Number.NEGATIVE_INFINITY;
      m.ef.fill(0);
      return;
    }
    logDetR = logDetFromCholesky(s.lr, d);
    // B = R⁻¹ W', column by column.
    for (let a = 0; a < l; a++) {
      for (let i = 0; i < d; i++) s.work[i] = s.weff[i * l + a]!;
      solveCholesky(s.lr, d, s.work);
      for (let i = 0; i < d; i++) s.b[i * l + a] = s.work[i]!;
    }
  } else {
    for (let i = 0; i < d; i++) {
      const v = s.cov[i * d + i]!;
      logDetR += Math.log(v);
      for (let a = 0; a < l; a++) s.b[i * l + a] = s.weff[i * l + a]! / v;
    }
  }
  // M = I + W'ᵀ B.
  for (let a = 0; a < l; a++)
    for (let c = 0; c < l; c++) {
      let t = a === c ? 1 : 0;
      for (let i = 0; i < d; i++) t += s.weff[i * l + a]! * s.b[i * l + c]!;
      s.lm[a * l + c] = t;
    }
  if (choleskyWithRidge(Float64Array.from(s.lm), s.lm, l, 1e-12) < 0)
    throw new Error('factor model: I + WᵀR⁻¹W is not positive definite');
  const c0 = -0.5 * (d * LOG_2PI + logDetR + logDetFromCholesky(s.lm, l)) + logWeight;
  // Cov f = Lp M⁻¹ Lpᵀ.
  const vf = m.vf.subarray(k * l * l, (k + 1) * l * l);
  for (let a = 0; a < l; a++) {
    s.work.fill(0, 0, l);
    for (let c = 0; c < l; c++) s.work[c] = lp[a * l + c]!; // row a of Lp = column a of Lpᵀ
    solveCholesky(s.lm, l, s.work); // M⁻¹ Lpᵀ[:, a]
    for (let b = 0; b < l; b++) {
      let t = 0;
      for (let c = 0; c <= b; c++) t += lp[b * l + c]! * s.work[c]!;
      vf[b * l + a] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let q1 = 0;
    for (let j = 0; j < d; j++) s.r[j] = x[row + j]! - s.mueff[j]!;
    if (form === 'full') {
      for (let j = 0; j < d; j++) s.work[j] = s.r[j]!;
      solveLower(s.lr, d, s.work);
      for (let j = 0; j < d; j++) q1 += s.work[j]! * s.work[j]!;
    } else {
      for (let j = 0; j < d; j++) q1 += (s.r[j]! * s.r[j]!) / s.cov[j * d + j]!;
    }
    for (let a = 0; a < l; a++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += s.b[j * l + a]! * s.r[j]!;
      s.u[a] = t;
      s.work[a] = t;
    }
    solveCholesky(s.lm, l, s.work);
    let q2 = 0;
    for (let a = 0; a < l; a++) q2 += s.u[a]! * s.work[a]!;
    m.resp[i * m.k + k] = c0 - 0.5 * (q1 - q2);
    // E[f] = m0 + Lp E[g].
    const ef = (i * m.k + k) * l;
    for (let a = 0; a < l; a++) {
      let t = m0[a]!;
      for (let c = 0; c <= a; c++) t += lp[a * l + c]! * s.work[c]!;
      m.ef[ef + a] = t;
    }
  }
}

/** Accumulates the statistics of x on (f, 1) per state, weighted by the responsibilities. */
function accumulate(m: FactorModel): void {
  const { d, l, n, x } = m;
  const p = l + 1;
  for (let k = 0; k < m.k; k++) {
    const st = m.stats[k]!;
    st.reset();
    for (let i = 0; i < n; i++) {
      const w = m.resp[i * m.k + k]!;
      if (w === 0) continue;
      st.n += w;
      const row = i * d;
      const ef = (i * m.k + k) * l;
      for (let a = 0; a < d; a++) {
        const wx = w * x[row + a]!;
        for (let b = 0; b <= a; b++) st.syy[a * d + b]! += wx * x[row + b]!;
        for (let c = 0; c < l; c++) st.syz[a * p + c]! += wx * m.ef[ef + c]!;
        st.syz[a * p + l]! += wx;
      }
      for (let a = 0; a < l; a++) {
        const wf = w * m.ef[ef + a]!;
        for (let c = 0; c <= a; c++) st.szz[a * p + c]! += wf * m.ef[ef + c]!;
        st.szz[l * p + a]! += wf;
      }
    }
    st.szz[l * p + l] = st.n;
    const vf = m.vf.subarray(k * l * l, (k + 1) * l * l);
    for (let a = 0; a < l; a++) for (let c = 0; c <= a; c++) st.szz[a * p + c]! += st.n * vf[a * l + c]!;
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) st.syy[b * d + a] = st.syy[a * d + b]!;
    for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) st.szz[c * p + a] = st.szz[a * p + c]!;
  }
}

export function eStepFactor(
  m: FactorModel,
  values: ParamValues,
  assign?: AssignContext,
): { objective: number; stats: FactorStats } {
  const mixture = m.program.mixture;
  const weights = mixture ? m.values.read(values, mixture.weights) : undefined;
  for (let k = 0; k < m.k; k++) stateEStep(m, values, k, weights ? Math.log(weights[k]!) : 0);
  let logLik = 0;
  let entropy = 0;
  for (let i = 0; i < m.n; i++) {
    const row = i * m.k;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < m.k; k++) max = Math.max(max, m.resp[row + k]!);
    let sum = 0;
    for (let k = 0; k < m.k; k++) sum += Math.exp(m.resp[row + k]! - max);
    const lse = max + Math.log(sum);
    logLik += lse;
    for (let k = 0; k < m.k; k++) {
      const r = Math.exp(m.resp[row + k]! - lse);
      m.resp[row + k] = r;
      if (r > 0) entropy -= r * Math.log(r);
    }
  }
  m.logLik = logLik;
  m.entropy = entropy;
  let objective = Number.isFinite(logLik) ? logLik : Number.NEGATIVE_INFINITY;
  if (assign && assign.assignment !== 'soft' && m.k > 1) {
    const gap = assignResponsibilities(m.resp, m.n, m.k, assign.assignment, assign.rng);
    objective = Number.isNaN(objective + gap) ? Number.NEGATIVE_INFINITY : objective + gap;
  }
  accumulate(m);
  return { objective, stats: { values } };
}

export interface LgMStepOptions {
  readonly fixed: ReadonlySet<string>;
  /** The smallest variance a noise sd may imply, and the ridge for a singular noise covariance. */
  readonly regCovar: number;
}

export function mStepFactor(m: FactorModel, stats: FactorStats, ctx: EmStepContext, options: LgMStepOptions) {
  const values = copyValues(stats.values);
  const { d, l, fixed } = { ...m, fixed: options.fixed };
  const obs = m.program.observation;
  const mixture = m.program.mixture;
  // States with (nearly) no items keep their params: their statistics determine nothing.
  const alive = m.stats.map((s) => s.n > 1e-8 * m.n);
  if (alive.some((a) => !a)) ctx.warn(`iteration ${ctx.iteration}: a component has no items; its params are kept`);
  if (mixture && isFree(mixture.weights, fixed)) {
    const w = m.values.read(values, mixture.weights);
    for (let k = 0; k < m.k; k++) w[k] = m.stats[k]!.n / m.n;
  }
  const selected = (v: typeof obs.matrix) => v?.kind === 'param' && v.selected;
  const free = freeColumns(obs, l, fixed);
  if (selected(obs.matrix) || selected(obs.offset)) {
    for (let k = 0; k < m.k; k++) {
      if (!alive[k]) continue;
      const z = termMatrix(m.values, values, obs, d, l, k);
      regressFreeColumns(m.stats[k]!, z, free);
      writeTermMatrix(m.values, values, obs, z, d, l, fixed, k);
    }
  } else if (free.some((f) => f)) {
    const pooled = new TermStats(d, l);
    for (const s of m.stats) pooled.add(s);
    const z = termMatrix(m.values, values, obs, d, l);
    regressFreeColumns(pooled, z, free);
    writeTermMatrix(m.values, values, obs, z, d, l, fixed);
  }
  if (isFree(obs.noise.value, fixed)) {
    const perState = selected(obs.noise.value);
    const scatter = new Float64Array(d * d);
    let weight = 0;
    const floor = options.regCovar;
    for (let k = 0; k < m.k; k++) {
      if (!alive[k]) continue;
      addResidualScatter(m.stats[k]!, termMatrix(m.values, values, obs, d, l, k), scatter);
      weight += m.stats[k]!.n;
      if (perState) {
        const out = m.values.read(values, obs.noise.value, k);
        if (noiseFromScatter(obs.noise.form, scatter, weight, d, out, floor, floor)) floored(ctx, floor);
        scatter.fill(0);
        weight = 0;
      }
    }
    if (
      !perState &&
      noiseFromScatter(obs.noise.form, scatter, weight, d, m.values.read(values, obs.noise.value), floor, floor)
    )
      floored(ctx, floor);
  }
  return values;
}

const warnedFloor = new WeakSet<object>();

/** Warns once per run that a noise variance hit the floor (a Heywood case in factor analysis). */
export function floored(ctx: EmStepContext, floor: number): void {
  // Once per run: each run has its own stream.
  if (warnedFloor.has(ctx.rng)) return;
  warnedFloor.add(ctx.rng);
  ctx.warn(
    `iteration ${ctx.iteration}: a noise variance reached the floor regCovar = ${floor} (a Heywood case): ` +
      'the variable is explained by the factors alone; consider fewer factors',
  );
}

/** E[f[n] | x[n]] = Σ_k r[n,k] E[f[n] | x[n], k], per item. */
export function factorMeans(m: FactorModel): number[][] {
  return Array.from({ length: m.n }, (_, i) =>
    Array.from({ length: m.l }, (_, a) => {
      let t = 0;
      for (let k = 0; k < m.k; k++) t += m.resp[i * m.k + k]! * m.ef[(i * m.k + k) * m.l + a]!;
      return t;
    }),
  );
}
