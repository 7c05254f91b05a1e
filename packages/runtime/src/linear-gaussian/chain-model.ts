/**
 * The executor of the `chain` form: a linear-Gaussian state-space model over one or several
 * (ragged) sequences. The E-step runs the Kalman filter (the innovations log-likelihood, the
 * objective) and the RTS smoother per sequence and accumulates, per statement, the expected
 * statistics of its child on (parent, 1):
 *   initial     f[0] on (1):            E[f0 f0ᵀ], E[f0]
 *   transition  f[t] on (f[t−1], 1):    E[f_t f_tᵀ], E[f_t f_{t−1}ᵀ], E[f_{t−1} f_{t−1}ᵀ], means
 *   emission    x[t] on (f[t], 1):      x xᵀ, x E[f_t]ᵀ, E[f_t f_tᵀ], means
 * with E[f_t f_{t−1}ᵀ] = Cov(f_t, f_{t−1} | x) + m_t m_{t−1}ᵀ from the smoother's lag-one
 * cross-covariances. The M-step is term-update.ts on each: A = S10 S00⁻¹ and
 * Q = (S11 − A S10ᵀ − S10 Aᵀ + A S00 Aᵀ) / Σ(T − 1), C and R likewise, m0 and P0 from the
 * initial states (Shumway & Stoffer 1982; Ghahramani & Hinton 1996).
 */
import type { BoundData } from '../data/bind-data.js';
import type { EmStepContext } from '../em/em-driver.js';
import { FitSetupError, type ParamValues, resolveDim } from '../em/mixture.js';
import { floored, type LgMStepOptions } from './factor-model.js';
import { type KalmanParams, KalmanWorkspace } from './kalman.js';
import { copyValues, freeColumns, isFree, ModelValues, termMatrix, writeTermMatrix } from './model-values.js';
import type { LgTerm, LinearGaussianChainProgram } from './program.js';
import { addResidualScatter, noiseCovariance, noiseFromScatter, regressFreeColumns, TermStats } from './term-update.js';

export interface ChainModel {
  readonly program: LinearGaussianChainProgram;
  readonly values: ModelValues;
  readonly l: number;
  readonly d: number;
  /** The data, time steps of every sequence back to back, shape [Σ T, d]. */
  readonly x: Float64Array;
  /** Sequence s covers time steps starts[s] … starts[s + 1] − 1. */
  readonly starts: readonly number[];
  readonly workspace: KalmanWorkspace;
  readonly initial: TermStats;
  readonly transition: TermStats;
  readonly emission: TermStats;
  /** Smoothed means of every time step of every sequence, shape [Σ T, l]. */
  readonly means: Float64Array;
  logLik: number;
}

export interface ChainStats {
  readonly values: ParamValues;
}

/** The sequences of the data: one for `x[T]`, one per row for `x[S][T]` (ragged or not). */
function sequenceStarts(data: BoundData, name: string, d: number): number[] {
  const v = data.variables[name];
  if (!v) throw new FitSetupError(`data '${name}' is missing`);
  if (v.offsets) return Array.from(v.offsets);
  const steps = v.values.length / d;
  const arrayDims = v.shape.length - v.schema.shape.length;
  if (arrayDims === 1) return [0, steps];
  if (arrayDims === 2) {
    const [s, t] = v.shape as [number, number];
    return Array.from({ length: s + 1 }, (_, i) => i * t);
  }
  throw new FitSetupError(`data '${name}' is not one or several sequences`);
}

function expectTerm(mv: ModelValues, term: LgTerm, d: number, q: number): void {
  if (term.matrix) mv.expect(term.matrix, d * q, `the matrix in '${term.text}'`);
  else if (q !== 0 && q !== d) throw new FitSetupError(`'${term.text}' needs a ${d} × ${q} matrix`);
  if (term.offset) mv.expect(term.offset, d, `the mean in '${term.text}'`, true);
  const form = term.noise.form;
  const length = form === 'full' ? d * d : form === 'diagonal' ? d : 1;
  mv.expect(term.noise.value, length, `the noise in '${term.text}'`, form === 'diagonal');
}

export function prepareChainModel(program: LinearGaussianChainProgram, data: BoundData): ChainModel {
  const x = data.variables[program.data];
  if (!x) throw new FitSetupError(`data '${program.data}' is missing`);
  const l = resolveDim(program.latent.size, data.sizes);
  const d = x.itemSize;
  const mv = new ModelValues(program.params, data, 1);
  expectTerm(mv, program.initial, l, 0);
  expectTerm(mv, program.transition, l, l);
  expectTerm(mv, program.emission, d, l);
  const starts = sequenceStarts(data, program.data, d);
  let maxT = 0;
  for (let s = 0; s + 1 < starts.length; s++) {
    const T = starts[s + 1]! - starts[s]!;
    if (T < 1) throw new FitSetupError(`sequence ${s} of '${program.data}' is empty`);
    maxT = Math.max(maxT, T);
  }
  return {
    program,
    values: mv,
    l,
    d,
    x: x.values,
    starts,
    workspace: new KalmanWorkspace(l, d, maxT),
    initial: new TermStats(l, 0),
    transition: new TermStats(l, l),
    emission: new TermStats(d, l),
    means: new Float64Array(starts[starts.length - 1]! * l),
    logLik: Number.NaN,
  };
}

/** The matrices of the model at `values`, as full covariances. */
export function kalmanParams(m: ChainModel, values: ParamValues): KalmanParams {
  const { l, d, program } = m;
  const split = (term: LgTerm, rows: number, q: number) => {
    const z = termMatrix(m.values, values, term, rows, q);
    const p = q + 1;
    const matrix = new Float64Array(rows * q);
    const offset = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < q; j++) matrix[i * q + j] = z[i * p + j]!;
      offset[i] = z[i * p + q]!;
    }
    const cov = new Float64Array(rows * rows);
    noiseCovariance(term.noise.form, m.values.read(values, term.noise.value), rows, cov);
    return { matrix, offset, cov };
  };
  const init = split(program.initial, l, 0);
  const tr = split(program.transition, l, l);
  const em = split(program.emission, d, l);
  return {
    m0: init.offset,
    p0: init.cov,
    a: tr.matrix,
    aOffset: tr.offset,
    q: tr.cov,
    c: em.matrix,
    cOffset: em.offset,
    r: em.cov,
  };
}

/** Adds one smoothed sequence's moments to the three statements' statistics. */
function accumulateSequence(m: ChainModel, start: number, T: number): void {
  const { l, d, x, workspace: ws } = m;
  const ll = l * l;
  const p = l + 1;
  const { initial, transition, emission } = m;
  // Initial state: y = f0, regressor (1).
  for (let i = 0; i < l; i++) {
    for (let k = 0; k < l; k++) initial.syy[i * l + k]! += ws.ps[i * l + k]! + ws.ms[i]! * ws.ms[k]!;
    initial.syz[i]! += ws.ms[i]!;
  }
  initial.szz[0]! += 1;
  initial.n += 1;
  for (let t = 0; t < T; t++) {
    const mt = t * l;
    const pt = t * ll;
    const row = (start + t) * d;
    for (let i = 0; i < l; i++) m.means[(start + t) * l + i] = ws.ms[mt + i]!;
    // Emission: y = x[t], regressor (f[t], 1).
    for (let i = 0; i < d; i++) {
      const xi = x[row + i]!;
      for (let k = 0; k < d; k++) emission.syy[i * d + k]! += xi * x[row + k]!;
      for (let k = 0; k < l; k++) emission.syz[i * p + k]! += xi * ws.ms[mt + k]!;
      emission.syz[i * p + l]! += xi;
    }
    for (let i = 0; i < l; i++) {
      for (let k = 0; k < l; k++) emission.szz[i * p + k]! += ws.ps[pt + i * l + k]! + ws.ms[mt + i]! * ws.ms[mt + k]!;
      emission.szz[i * p + l]! += ws.ms[mt + i]!;
      emission.szz[l * p + i]! += ws.ms[mt + i]!;
    }
    emission.szz[l * p + l]! += 1;
    emission.n += 1;
    if (t === 0) continue;
    // Transition: y = f[t], regressor (f[t-1], 1).
    const mq = (t - 1) * l;
    const pq = (t - 1) * ll;
    for (let i = 0; i < l; i++) {
      for (let k = 0; k < l; k++) {
        transition.syy[i * l + k]! += ws.ps[pt + i * l + k]! + ws.ms[mt + i]! * ws.ms[mt + k]!;
        transition.syz[i * p + k]! += ws.cross[pt + i * l + k]! + ws.ms[mt + i]! * ws.ms[mq + k]!;
        transition.szz[i * p + k]! += ws.ps[pq + i * l + k]! + ws.ms[mq + i]! * ws.ms[mq + k]!;
      }
      transition.syz[i * p + l]! += ws.ms[mt + i]!;
      transition.szz[i * p + l]! += ws.ms[mq + i]!;
      transition.szz[l * p + i]! += ws.ms[mq + i]!;
    }
    transition.szz[l * p + l]! += 1;
    transition.n += 1;
  }
}

export function eStepChain(m: ChainModel, values: ParamValues): { objective: number; stats: ChainStats } {
  const params = kalmanParams(m, values);
  m.initial.reset();
  m.transition.reset();
  m.emission.reset();
  let logLik = 0;
  for (let s = 0; s + 1 < m.starts.length; s++) {
    const start = m.starts[s]!;
    const T = m.starts[s + 1]! - start;
    logLik += m.workspace.filter(params, m.x, start * m.d, T);
    if (!Number.isFinite(logLik)) break;
    m.workspace.smooth(params, T);
    accumulateSequence(m, start, T);
  }
  m.logLik = logLik;
  return { objective: Number.isFinite(logLik) ? logLik : Number.NEGATIVE_INFINITY, stats: { values } };
}

/** The closed-form update of one statement's matrix, offset and noise from its statistics. */
function updateTerm(
  m: ChainModel,
  values: Record<string, Float64Array>,
  term: LgTerm,
  stats: TermStats,
  d: number,
  q: number,
  ctx: EmStepContext,
  options: LgMStepOptions,
): void {
  const z = termMatrix(m.values, values, term, d, q);
  regressFreeColumns(stats, z, freeColumns(term, q, options.fixed));
  writeTermMatrix(m.values, values, term, z, d, q, options.fixed);
  if (!isFree(term.noise.value, options.fixed)) return;
  const scatter = new Float64Array(d * d);
  addResidualScatter(stats, z, scatter);
  const out = m.values.read(values, term.noise.value);
  if (noiseFromScatter(term.noise.form, scatter, stats.n, d, out, options.regCovar, options.regCovar))
    floored(ctx, options.regCovar);
}

export function mStepChain(m: ChainModel, stats: ChainStats, ctx: EmStepContext, options: LgMStepOptions) {
  const values = copyValues(stats.values);
  const { l, d } = m;
  updateTerm(m, values, m.program.initial, m.initial, l, 0, ctx, options);
  if (m.transition.n > 0) updateTerm(m, values, m.program.transition, m.transition, l, l, ctx, options);
  updateTerm(m, values, m.program.emission, m.emission, d, l, ctx, options);
  return values;
}
