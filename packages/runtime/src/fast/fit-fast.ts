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
import { type EmHooks, type EmStepContext, runEm, runEmShared } from '../em/em-driver.js';
import { type EmFitOptions, flatValues, type ProgramFit } from '../em/fit.js';
import { isScalarConstant } from '../em/fit-program.js';
import { nestValues, type ParamValue, runResult } from '../em/fit-result.js';
import { kmeansPlusPlus, randomPoints } from '../em/init.js';
import { constantValues, FitSetupError, type MixtureParam, resolveDim } from '../em/mixture.js';
import { makeUnconstrained } from '../em/unconstrained.js';
import { releaseArena } from '../parallel/run-blocks.js';
import { defaultThreads, passThreads } from '../parallel/threads.js';
import { sampleDirichlet } from '../random/continuous.js';
import { type FastStats, mStepFast } from './fast-m-step.js';
import {
  type FastMixture,
  prepareFast,
  runPass,
  runSerialWithResponsibilities,
  writeConstants,
} from './fast-mixture.js';
import { restartShare, shareRestarts } from './restart-threads.js';
import type { FastSpec } from './specialise.js';

type Values = Readonly<Record<string, Float64Array>>;

/** The params as the general executor allocates them (for sizes, AIC/BIC and SQUAREM's transforms). */
function mixtureParams(spec: FastSpec, data: BoundData): MixtureParam[] {
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

/** The general path's degenerate-data warnings (em/init.ts), for the families it checks. */
function warnFewDistinct(spec: FastSpec, ctx: EmStepContext): void {
  if (spec.family === 'bernoulli' || spec.family === 'categorical' || spec.k < 2) return;
  const { n, d, k, x } = spec;
  const distinct = new Set<string>();
  for (let i = 0; i < n && distinct.size <= k; i++) distinct.add(x.subarray(i * d, (i + 1) * d).join(','));
  if (d >= 2 && n >= 2) {
    for (let j = 0; j < d; j++) {
      let i = 1;
      while (i < n && x[i * d + j] === x[j]) i++;
      if (i < n) continue;
      ctx.warn(
        `column ${j} of the data '${spec.child}' is constant (${x[j]}): it has zero variance in every component, so only ` +
          'regCovar keeps a per-coordinate or full covariance positive definite; drop the column, or raise regCovar',
      );
    }
  }
  if (distinct.size > k) return;
  const size = spec.statesName ?? 'the number of components';
  ctx.warn(
    `the data '${spec.child}' have only ${distinct.size} distinct ${distinct.size === 1 ? 'value' : 'values'} for ${k} components ` +
      `(${size === 'the number of components' ? '' : `${size} = ${k}; `}at most one per component): components will be empty, identical ` +
      `or collapsed onto single points; lower ${size}`,
  );
}

function nearestSeed(x: Float64Array, d: number, i: number, seeds: readonly number[]): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let s = 0; s < seeds.length; s++) {
    let dist = 0;
    for (let j = 0; j < d; j++) dist += (x[i * d + j]! - x[seeds[s]! * d + j]!) ** 2;
    if (dist < bestDistance) {
      bestDistance = dist;
      best = s;
    }
  }
  return best;
}

/** The EM hooks of the fast executor; `stats.totals` are copies, so any E-step order is safe. */
export function fastHooks(fm: FastMixture, data: BoundData, options: EmFitOptions): EmHooks<Values, FastStats> {
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
  const eStep = (values: Values) => {
    writeConstants(fm, values);
    runPass(fm);
    return statsOf(values);
  };
  const statsOf = (values: Values) => {
    const { total, statSize } = fm.job;
    const totals = fm.arena.f64.slice(total, total + statSize);
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
      warnFewDistinct(spec, ctx);
      const current: Record<string, Float64Array> = {};
      for (const p of params) current[p.spec.name] = given[p.spec.name]?.slice() ?? new Float64Array(p.values.length);
      if (params.every((p) => given[p.spec.name] !== undefined)) return current;
      const { n, d, k, x } = spec;
      const method = options.initMethod ?? 'kmeans++';
      const seeder = method === 'kmeans++' ? kmeansPlusPlus : method === 'random-points' ? randomPoints : undefined;
      let fill: (i0: number, i1: number, out: Float64Array) => void;
      // Centres the moments are taken at: each component's seed, or the first item.
      const centres = new Float64Array(k * d);
      if (seeder && gaussian && n >= k) {
        const seeds = seeder(x, n, d, k, ctx.rng);
        for (let j = 0; j < k; j++) centres.set(x.subarray(seeds[j]! * d, (seeds[j]! + 1) * d), j * d);
        fill = (i0, i1, out) => {
          out.fill(0);
          for (let i = i0; i < i1; i++) out[(i - i0) * k + nearestSeed(x, d, i, seeds)] = 1;
        };
      } else {
        if (gaussian) for (let j = 0; j < k; j++) centres.set(x.subarray(0, d), j * d);
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
      runSerialWithResponsibilities(fm, fill);
      const { stats } = statsOf(start);
      const next = mStepFast(fm, { ...stats, centres: gaussian ? centres : stats.centres }, current, ctx, mOptions);
      for (const [name, v] of Object.entries(given)) next[name] = v.slice();
      return next;
    },
    eStep: (values) => eStep(values),
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
function workPerRow(spec: FastSpec): number {
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
  let best: ReturnType<typeof runEm<Values, FastStats>>['best'];
  try {
    ({ best } = share ? runEmShared(hooks, options, share) : runEm(hooks, options));
  } finally {
    share?.close();
  }
  const params = mixtureParams(spec, data);
  const free = params.filter((p) => options.fixed?.[p.spec.name] === undefined);
  const nParams = countParams(free.map((p) => ({ element: p.spec.element, dims: p.dims, shape: p.shape })));
  const k = spec.k;
  const responsibilities: number[][] = [];
  // Without posteriors the best run's last E-step (at exactly its params) already holds the sums.
  let totals = best.stats.totals;
  if (options.posteriors !== false) {
    writeConstants(fm, best.params);
    runSerialWithResponsibilities(fm, undefined, (i0, i1, resp) => {
      for (let i = i0; i < i1; i++) responsibilities.push(Array.from(resp.subarray((i - i0) * k, (i - i0 + 1) * k)));
    });
    totals = fm.arena.f64.subarray(fm.job.total, fm.job.total + fm.job.statSize);
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
