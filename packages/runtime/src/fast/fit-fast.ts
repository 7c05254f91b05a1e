/**
 * The fast mixture executor: the EM driver's hooks for a recognised mixture (specialise.ts) run
 * over one arena with fused, blocked kernels (fast/kernels.ts) — never an n × K matrix unless the
 * posteriors are asked for. Initialisation makes the general path's draws (em/init.ts: k-means++
 * or random-points seeds on Gaussian data with nearest-seed assignment, else Dirichlet(1)
 * responsibilities per item, then an M-step; given `init` and `fixed` values override), so both
 * paths give the same fit to rounding.
 */
import type { BoundData } from '../data/bind-data.js';
import { findDistribution } from '../distributions/registry.js';
import { countParams } from '../em/criteria.js';
import { type EmHooks, type EmRun, runEm, runEmShared } from '../em/em-driver.js';
import { type EmFitOptions, flatValues, type ProgramFit } from '../em/fit.js';
import { isScalarConstant } from '../em/fit-program.js';
import { nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { randomPoints } from '../em/init.js';
import { constantValues, FitSetupError, type MixtureParam, resolveDim } from '../em/mixture.js';
import { makeUnconstrained } from '../em/unconstrained.js';
import { releaseArena } from '../parallel/run-blocks.js';
import { defaultThreads, passThreads } from '../parallel/threads.js';
import { sampleDirichlet } from '../random/continuous.js';
import { type FastStats, mStepFast } from './fast-m-step.js';
import { type FastMixture, prepareFast, writeConstants } from './fast-mixture.js';
import { type BlockFill, type MixtureRows, memoryRows, warnFewDistinct } from './mixture-rows.js';
import { restartShare, shareRestarts } from './restart-threads.js';
import type { FastSpec } from './specialise.js';

type Values = Readonly<Record<string, Float64Array>>;

/** The params as the general executor allocates them (for sizes, AIC/BIC and SQUAREM's transforms). */
export function mixtureParams(spec: FastSpec, data: BoundData): MixtureParam[] {
  return spec.program.params.map((p) => {
    const dims = p.dims.map((d) => resolveDim(d, data.sizes));
    const shape = p.shape.map((d) => resolveDim(d, data.sizes));
    const elementSize = shape.reduce((a, b) => a * b, 1);
    const elements = dims.reduce((a, b) => a * b, 1);
    return { spec: p, dims, shape, elementSize, elements, values: new Float64Array(elementSize * elements) };
  });
}

/** The Dirichlet log prior of the weights (MAP), as the general path evaluates it; 0 without a prior. */
function makeLogPrior(spec: FastSpec, data: BoundData): (values: Values) => number {
  const prior = spec.weights.prior;
  if (!prior) return () => 0;
  const family = findDistribution(prior.family);
  if (!family) throw new Error(`unknown prior family ${prior.family}`);
  const args = prior.args.map((a) => {
    const v = constantValues(a, data.sizes, data.variables);
    return v.length === 1 && isScalarConstant(a) ? v[0]! : v;
  });
  return (values) => family.numerics.logDensity(values[spec.weights.name]!, args);
}

/**
 * The EM hooks of the fast executor over `rows` (the arena's, or streamed ones); `stats.totals`
 * are copies, so any E-step order is safe.
 */
export function fastHooks(
  fm: FastMixture,
  data: BoundData,
  options: EmFitOptions,
  rows: MixtureRows = memoryRows(fm),
): EmHooks<Values, FastStats> {
  const { spec } = fm;
  const params = mixtureParams(spec, data);
  const fixed = flatValues(spec.program, options.fixed ?? {}, 'fixed');
  const given = { ...flatValues(spec.program, options.init ?? {}, 'init'), ...fixed };
  for (const p of params) {
    const v = given[p.spec.name];
    if (v && v.length !== p.values.length)
      throw new FitSetupError(`'${p.spec.name}' has ${v.length} values, expected ${p.values.length}`);
  }
  const mOptions = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(fixed)) };
  const unconstrained = makeUnconstrained({ params }, fixed);
  const logPrior = makeLogPrior(spec, data);
  const gaussian = spec.family.startsWith('gaussian');
  const statsOf = (values: Values) => {
    const { total, statSize } = fm.job;
    // A plain array, not a typed slice: a Float64Array over 8 entries has its store allocated
    // outside the heap, ~1 µs each time, and this runs every iteration.
    const { f64 } = fm.arena;
    const totals = new Array<number>(statSize);
    for (let j = 0; j < statSize; j++) totals[j] = f64[total + j]!;
    const logLik = totals[0]! + fm.logLikConstant;
    const prior = logPrior(values);
    const objective = logLik + prior;
    const stats = {
      values,
      totals,
      centres: values[spec.location.name]!.slice(),
      logLik,
      logPrior: prior,
      entropy: totals[1]!,
    };
    return { objective: Number.isNaN(objective) ? Number.NEGATIVE_INFINITY : objective, stats };
  };
  return {
    initialize: (ctx) => {
      warnFewDistinct(spec, rows, ctx);
      const current: Record<string, Float64Array> = {};
      for (const p of params) current[p.spec.name] = given[p.spec.name]?.slice() ?? new Float64Array(p.values.length);
      if (params.every((p) => given[p.spec.name] !== undefined)) return current;
      const { n, d, k } = spec;
      const method = options.initMethod ?? 'kmeans++';
      let fill: BlockFill;
      // Centres the moments are taken at: each component's seed, or the first item.
      const centres = new Float64Array(k * d);
      if ((method === 'kmeans++' || method === 'random-points') && gaussian && n >= k) {
        const seeds = method === 'kmeans++' ? rows.kmeansPlusPlus(ctx) : randomPoints(spec.x, n, d, k, ctx.rng);
        const seedRows = seeds.map((s) => rows.row(s).slice());
        for (let j = 0; j < k; j++) centres.set(seedRows[j]!, j * d);
        const { f64 } = fm.arena;
        // Each item to its nearest seed (the first of equal distances), as em/init.ts assigns them.
        fill = (i0, i1, out, rowsAt) => {
          out.fill(0);
          for (let i = i0; i < i1; i++) {
            const at = rowsAt + (i - i0) * d;
            let best = 0;
            let bestDistance = Number.POSITIVE_INFINITY;
            for (let s = 0; s < seedRows.length; s++) {
              const seed = seedRows[s]!;
              let dist = 0;
              for (let j = 0; j < d; j++) dist += (f64[at + j]! - seed[j]!) ** 2;
              if (dist < bestDistance) {
                bestDistance = dist;
                best = s;
              }
            }
            out[(i - i0) * k + best] = 1;
          }
        };
      } else {
        if (gaussian) {
          const row0 = rows.row(0);
          for (let j = 0; j < k; j++) centres.set(row0, j * d);
        }
        const row = new Float64Array(k);
        fill = (i0, i1, out) => {
          for (let i = i0; i < i1; i++) {
            sampleDirichlet(ctx.rng, 1, row);
            out.set(row, (i - i0) * k);
          }
        };
      }
      // The kernels read the means (centres) from the constants; the rest is not read in mode 1.
      const start: Record<string, Float64Array> = { ...current };
      if (gaussian) {
        start[spec.location.name] = centres;
        start[spec.weights.name] = new Float64Array(k).fill(1 / k);
        if (spec.scale) start[spec.scale.name] = identityScale(spec, params);
      } else {
        start[spec.weights.name] = new Float64Array(k).fill(1 / k);
        start[spec.location.name] = new Float64Array(current[spec.location.name]!.length).fill(0.5);
      }
      writeConstants(fm, start);
      rows.serialPass(fill);
      const { stats } = statsOf(start);
      const next = mStepFast(fm, { ...stats, centres: gaussian ? centres : stats.centres }, current, ctx, mOptions);
      for (const [name, v] of Object.entries(given)) next[name] = v.slice();
      return next;
    },
    eStep: (values) => {
      writeConstants(fm, values);
      rows.pass();
      return statsOf(values);
    },
    mStep: (stats, ctx) => mStepFast(fm, stats, stats.values, ctx, mOptions),
    unconstrain: (values) => unconstrained.unconstrain(values),
    constrain: (u) => unconstrained.constrain(u),
  };
}

function identityScale(spec: FastSpec, params: readonly MixtureParam[]): Float64Array {
  const p = params.find((q) => q.spec.name === spec.scale?.name)!;
  const out = new Float64Array(p.values.length);
  if (spec.family === 'gaussian-full' || spec.family === 'gaussian-tied') {
    const d = spec.d;
    for (let e = 0; e < p.elements; e++) for (let j = 0; j < d; j++) out[e * d * d + j * d + j] = 1;
  } else out.fill(1);
  return out;
}

/** Operations per row of one E-step pass (a multiply-add each, an exp or log as 10), for `passThreads`. */
export function workPerRow(spec: FastSpec): number {
  const { d, k } = spec;
  switch (spec.family) {
    case 'gaussian-full':
    case 'gaussian-tied':
      return k * (d * d + 3 * d + 10);
    case 'gaussian-diag':
    case 'gaussian-spherical':
      return k * (4 * d + 10);
    default:
      return k * (2 * d + 12);
  }
}

/** Fits a recognised mixture with the fast executor; same result and posteriors as the general path. */
export function fitFast(spec: FastSpec, data: BoundData, options: EmFitOptions = {}): ProgramFit {
  const fm = prepareFast(spec, passThreads(options.threads, spec.n, workPerRow(spec)));
  try {
    return fitPrepared(fm, spec, data, options);
  } finally {
    releaseArena(fm.arena);
  }
}

function fitPrepared(fm: FastMixture, spec: FastSpec, data: BoundData, options: EmFitOptions): ProgramFit {
  const hooks = fastHooks(fm, data, options);
  // A pass too small for the parallel E-step: the restarts are shared between two threads instead.
  const threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
  const share =
    fm.threads === 1 && shareRestarts(options, threads, spec.n * workPerRow(spec))
      ? restartShare<Values, FastStats>(spec.program, data, options)
      : undefined;
  let best: EmRun<Values, FastStats>;
  try {
    ({ best } = share ? runEmShared(hooks, options, share) : runEm(hooks, options));
  } finally {
    share?.close();
  }
  return fastFitResult(fm, data, options, best, memoryRows(fm), true);
}

/**
 * The fit's result from the best run: with posteriors, one more serial pass at its params (the
 * responsibilities, kept when `keepResponsibilities`, and the log-likelihood from that pass's
 * sums); without, the best run's last E-step (at exactly its params) already holds the sums.
 */
export function fastFitResult(
  fm: FastMixture,
  data: BoundData,
  options: EmFitOptions,
  best: EmRun<Values, FastStats>,
  rows: MixtureRows,
  keepResponsibilities: boolean,
): ProgramFit {
  const { spec } = fm;
  const params = mixtureParams(spec, data);
  const free = params.filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  const k = spec.k;
  const responsibilities: number[][] = [];
  let totals: ArrayLike<number> = best.stats.totals;
  if (options.posteriors !== false) {
    writeConstants(fm, best.params);
    rows.serialPass(
      undefined,
      keepResponsibilities
        ? (i0, i1, resp) => {
            for (let i = i0; i < i1; i++)
              responsibilities.push(Array.from(resp.subarray((i - i0) * k, (i - i0 + 1) * k)));
          }
        : undefined,
    );
    totals = fm.arena.f64.slice(fm.job.total, fm.job.total + fm.job.statSize);
  }
  const nested: Record<string, ParamValue> = {};
  for (const p of params) nested[p.spec.name] = nestValues(best.params[p.spec.name]!, [...p.dims, ...p.shape]);
  const result = runResult(spec.program, best, {
    logLik: totals[0]! + fm.logLikConstant,
    params: nested,
    nParams,
    nObs: spec.n,
    entropy: totals[1]!,
  });
  return {
    result,
    posteriors: {
      latents: [spec.latent],
      states: Array.from({ length: k }, (_, s) => `${spec.latent}=${s}`),
      responsibilities,
    },
  };
}
