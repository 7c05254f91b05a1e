/**
 * The M-step of the mixture executor: for each param, the responsibilities are marginalised
 * onto the latents that select it (all-ones when none select it: tied), turned into the inputs
 * the rule expects, and handed to `closedFormUpdates[rule]`. Location and probability updates
 * run first, scale updates (sd, covariance) after them with the new means, as in ECM. An
 * element with no weight is re-seeded (from a random item, or the pooled scale) with a warning,
 * once per run (a component whose mixing weight is zero stays empty, and re-seeding it every
 * iteration would only keep the run from converging). A scale that regCovar alone keeps off
 * zero (a component collapsed onto one point, a constant column) is kept, with a warning.
 * Params of the `numeric` rule are updated last, as one block (numeric/numeric-m-step.ts: ECM).
 */
import { closedFormUpdates, priorPrecision as priorPrecisionOf } from '../mstep/index.js';
import type { SdForm } from '../mstep/normal-sd.js';
import type { GaussianComponent } from '../mstep/types.js';
import { numericMStep } from '../numeric/numeric-m-step.js';
import type { RandomStream } from '../random/stream.js';
import type { EmStepContext } from './em-driver.js';
import { familyMleStep, familyMleUpdates } from './family-mle-m-step.js';
import { numericRule } from './fit-program.js';
import {
  constantValues,
  elementOf,
  FitSetupError,
  type Mixture,
  type MixtureParam,
  type ParamValues,
  saveParams,
} from './mixture.js';

export interface MStepOptions {
  /** Added to covariance diagonals and to variances (default 1e-6, as scikit-learn). */
  readonly regCovar: number;
  /** Params held at their current values: their update is skipped (`fixed`). */
  readonly fixed?: ReadonlySet<string>;
}

/** A total weight below this is an empty element. */
const EMPTY = 1e-12;

const scaleRules = new Set(['normal-sd', 'mv-normal-covariance', 'inv-wishart-map']);

/** The closed-form rules this M-step can execute (the lowering refuses plans with any other). */
export const mixtureRules: ReadonlySet<string> = new Set([
  'categorical-probabilities',
  'dirichlet-map',
  'multinomial-probabilities',
  'mv-normal-mean',
  'poisson-rate',
  'bernoulli-probability',
  'exponential-rate',
  'normal-mean',
  'binomial-probability',
  'gamma-rate',
  'beta-map',
  'gamma-map',
  'normal-mean-map',
  'mv-normal-mean-map',
  'normal-inverse-wishart-map',
  ...scaleRules,
  ...familyMleUpdates.keys(),
]);

/** Rules whose update reads the factor's mean argument (which must then not vary per item). */
export const mixtureScaleRules: ReadonlySet<string> = scaleRules;

/** The value of a constant prior argument (a number, or a vector / matrix). */
function priorArg(mix: Mixture, p: MixtureParam, k: number): Float64Array {
  const a = p.spec.prior?.args[k];
  if (!a) throw new Error(`param ${p.spec.name}: its prior has no argument ${k}`);
  return constantValues(a, mix.sizes, mix.inputs);
}

/** w[e][i] = Σ_{s: element(s) = e} r[i, s] for the selectors of the param's argument. */
function elementWeights(mix: Mixture, p: MixtureParam, selectors: readonly string[]): number[][] {
  const { n, S, resp } = mix;
  const w = Array.from({ length: p.elements }, () => new Array<number>(n).fill(0));
  for (let s = 0; s < S; s++) {
    const we = w[elementOf(mix.latents, selectors, s)]!;
    for (let i = 0; i < n; i++) we[i]! += resp[i * S + s]!;
  }
  return w;
}

function argumentOf(mix: Mixture, p: MixtureParam) {
  const factor = mix.factors[p.spec.factor]!;
  const k = factor.spec.args.findIndex((a) => a.name === p.spec.argument);
  const source = factor.spec.args[k]?.source;
  if (source?.kind !== 'param') throw new Error(`param ${p.spec.name} is not argument ${p.spec.argument}`);
  return { factor, k, selectors: source.selectors };
}

/** Rows of the factor's child, one per item (plain arrays, as the update rules take them). */
const rowCache = new WeakMap<object, number[][]>();

function childRows(mix: Mixture, p: MixtureParam): number[][] {
  const factor = mix.factors[p.spec.factor]!;
  const cached = rowCache.get(factor);
  if (cached) return cached;
  const view = factor.child[0]!;
  const rows = Array.from({ length: mix.n }, (_, i) =>
    Array.from(view.values.subarray(i * view.step + view.offset, i * view.step + view.offset + view.size)),
  );
  rowCache.set(factor, rows);
  return rows;
}

/** A per-item scalar argument of the factor (Binomial's trials, Gamma's shape), by name. */
function itemArgument(mix: Mixture, p: MixtureParam, name: string): number[] {
  const f = mix.factors[p.spec.factor]!;
  const k = f.spec.args.findIndex((a) => a.name === name);
  const v = f.args[0]![k]!;
  return Array.from({ length: mix.n }, (_, i) => v.values[v.offset + i * v.step]!);
}

type ScalarInput = { x: number[]; w: number[]; trials?: number[]; shape?: number[] };

/**
 * The scalar rules see one coordinate j of a vector child when the param has one entry per
 * coordinate, or all coordinates pooled when it is a scalar shared by them.
 */
function scalarInput(
  rows: number[][],
  w: number[],
  j: number | undefined,
  extra: Record<string, number[]>,
): ScalarInput {
  const out: ScalarInput = { x: [], w: [] };
  const keys = Object.keys(extra) as ('trials' | 'shape')[];
  for (const key of keys) out[key] = [];
  rows.forEach((row, i) => {
    const coords = j === undefined ? row.keys() : [j];
    for (const c of coords) {
      out.x.push(row[c]!);
      out.w.push(w[i]!);
      for (const key of keys) out[key]!.push(extra[key]![i]!);
    }
  });
  return out;
}

/**
 * Adds the expected category counts of param element e in Categorical factor `factor` (where the
 * param is argument `argument`) to `counts`. Element e = (the element the selectors choose,
 * entry j of an inner loop's child) for `x[n][j] ~ Categorical(prob[z[n]][j])`; j = 0 otherwise.
 */
function categoricalCounts(mix: Mixture, factor: number, argument: string, e: number, counts: number[]): void {
  const f = mix.factors[factor]!;
  const source = f.spec.args.find((a) => a.name === argument)?.source;
  if (source?.kind !== 'param') throw new Error(`argument ${argument} of ${f.spec.text} is not a param`);
  const sub = f.child[0]!.size;
  const j = e % sub;
  const selected = Math.floor(e / sub);
  for (let s = 0; s < mix.S; s++) {
    if (elementOf(mix.latents, source.selectors, s) !== selected) continue;
    const c = f.child[s]!;
    for (let i = 0; i < mix.n; i++) counts[c.values[c.offset + i * c.step + j]!]! += mix.resp[i * mix.S + s]!;
  }
}

/** One element's update for a non-scale rule; `w` are its weights per item. */
function updateElement(
  mix: Mixture,
  p: MixtureParam,
  e: number,
  w: number[],
  rows: number[][],
): ArrayLike<number> | number {
  const rule = p.spec.rule;
  const f = mix.factors[p.spec.factor]!;
  const family = f.spec.family;
  switch (rule) {
    case 'categorical-probabilities':
    case 'dirichlet-map': {
      const counts = new Array<number>(p.elementSize).fill(0);
      if (family === 'Multinomial') {
        rows.forEach((row, i) => {
          for (let m = 0; m < row.length; m++) counts[m]! += w[i]! * row[m]!;
        });
      } else {
        categoricalCounts(mix, p.spec.factor, p.spec.argument, e, counts);
        for (const also of p.spec.alsoIn ?? []) categoricalCounts(mix, also.factor, also.argument, e, counts);
      }
      if (rule === 'categorical-probabilities') return closedFormUpdates[rule]({ counts });
      const alpha = priorArg(mix, p, 0);
      return closedFormUpdates[rule]({ counts, alpha: counts.map((_, m) => alpha[alpha.length === 1 ? 0 : m]!) });
    }
    case 'multinomial-probabilities':
      return closedFormUpdates[rule]({ x: rows, w });
    case 'mv-normal-mean':
      return closedFormUpdates[rule]({ x: rows, w });
    case 'mv-normal-mean-map': {
      // The covariance the items of element e use (one matrix for all of them: the plan checks it).
      const covView = f.args[firstStateOf(mix, p, e)]![1]!;
      const d = p.elementSize;
      const cov = covView.values.subarray(covView.offset, covView.offset + d * d);
      return closedFormUpdates[rule]({ x: rows, w, cov, ...gaussianPrior(mix, p, d) });
    }
    case 'normal-inverse-wishart-map': {
      // The pair: mu's prior is MvNormal(m0, Sigma / kappa), Sigma's is InvWishart(nu, Psi).
      const mean = p.spec.prior?.covarianceOf !== undefined ? p : niwPartner(mix, p, 'mean');
      const cov = mean === p ? niwPartner(mix, p, 'cov') : p;
      const update = closedFormUpdates[rule]({
        x: rows,
        w,
        m0: priorArg(mix, mean, 0),
        kappa: priorArg(mix, mean, 1)[0]!,
        nu: priorArg(mix, cov, 0)[0]!,
        scale: priorArg(mix, cov, 1),
      });
      return mean === p ? update.mean : update.cov;
    }
    default:
      break;
  }
  const d = rows[0]?.length ?? 1;
  const perCoordinate = p.elementSize === d && d > 1;
  const extra: Record<string, number[]> = {};
  if (family === 'Binomial') extra.trials = itemArgument(mix, p, 'n');
  if (rule === 'gamma-rate') extra.shape = itemArgument(mix, p, 'shape');
  const out = new Float64Array(p.elementSize);
  for (let j = 0; j < p.elementSize; j++) {
    const input = scalarInput(rows, w, perCoordinate ? j : undefined, extra);
    out[j] = scalarUpdate(mix, p, e, j, input);
  }
  return out;
}

/** A Gaussian prior on a D-vector as mean and precision: MvNormal(m0, S0), or Normal(m0, s0) elementwise. */
function gaussianPrior(
  mix: Mixture,
  p: MixtureParam,
  d: number,
): { priorMean: Float64Array; priorPrecision: Float64Array } {
  const m0 = priorArg(mix, p, 0);
  const s0 = priorArg(mix, p, 1);
  const priorMean = m0.length === 1 ? new Float64Array(d).fill(m0[0]!) : m0;
  if (p.spec.prior?.family === 'MvNormal') return { priorMean, priorPrecision: priorPrecisionOf(s0, d) };
  const precision = new Float64Array(d * d);
  for (let j = 0; j < d; j++) precision[j * d + j] = 1 / s0[s0.length === 1 ? 0 : j]! ** 2;
  return { priorMean, priorPrecision: precision };
}

/** The other param of a normal-inverse-Wishart pair: the mean (whose prior names `p`) or the covariance `p`'s prior names. */
function niwPartner(mix: Mixture, p: MixtureParam, want: 'mean' | 'cov'): MixtureParam {
  const partner =
    want === 'mean'
      ? mix.params.find((q) => q.spec.prior?.covarianceOf === p.spec.name)
      : mix.params.find((q) => q.spec.name === p.spec.prior?.covarianceOf);
  if (!partner) throw new Error(`param ${p.spec.name}: no ${want} param of its normal-inverse-Wishart pair`);
  return partner;
}

function scalarUpdate(mix: Mixture, p: MixtureParam, e: number, j: number, input: ScalarInput): number {
  const rule = p.spec.rule;
  const family = mix.factors[p.spec.factor]!.spec.family;
  switch (rule) {
    case 'poisson-rate':
    case 'bernoulli-probability':
    case 'exponential-rate':
    case 'normal-mean':
      return closedFormUpdates[rule](input);
    case 'binomial-probability':
      return closedFormUpdates[rule]({ ...input, trials: input.trials ?? [] });
    case 'gamma-rate':
      return closedFormUpdates[rule]({ ...input, shape: input.shape ?? [] });
    case 'beta-map':
      return closedFormUpdates[rule]({ ...input, a: priorArg(mix, p, 0)[0]!, b: priorArg(mix, p, 1)[0]! });
    case 'gamma-map':
      if (family !== 'Poisson' && family !== 'Exponential') throw new Error(`gamma-map on ${family}`);
      return closedFormUpdates[rule]({
        ...input,
        likelihood: family,
        a: priorArg(mix, p, 0)[0]!,
        b: priorArg(mix, p, 1)[0]!,
      });
    case 'normal-mean-map': {
      const { factor } = argumentOf(mix, p);
      const sdView = factor.args[firstStateOf(mix, p, e)]![1]!;
      const sd = sdView.values[sdView.offset + (sdView.size === 1 ? 0 : j)]!;
      const priorMean = priorArg(mix, p, 0);
      const priorSd = priorArg(mix, p, 1);
      const pick = (v: Float64Array) => v[v.length === 1 ? 0 : j]!;
      return closedFormUpdates[rule]({ ...input, sd, priorMean: pick(priorMean), priorSd: pick(priorSd) });
    }
    default:
      throw new Error(`rule ${rule} is not executable by the mixture runtime`);
  }
}

function firstStateOf(mix: Mixture, p: MixtureParam, e: number): number {
  const { selectors } = argumentOf(mix, p);
  for (let s = 0; s < mix.S; s++) if (elementOf(mix.latents, selectors, s) === e) return s;
  return 0;
}

/**
 * A scale element's Gaussian components: the states that share this scale element, grouped by
 * the mean element they use, each with its summed weights and the (updated) mean.
 */
function scaleComponents(mix: Mixture, p: MixtureParam, e: number, pooled: boolean): GaussianComponent[] {
  const { factor, selectors } = argumentOf(mix, p);
  const d = factor.child[0]!.size;
  const groups = new Map<string, { w: number[]; mean: number[] }>();
  for (let s = 0; s < mix.S; s++) {
    if (elementOf(mix.latents, selectors, s) !== e) continue;
    const mv = factor.args[s]![0]!;
    const key = `${mix.factors.indexOf(factor)}:${mv.offset}:${mv.values.length}`;
    let g = groups.get(key);
    if (!g) {
      const mean = Array.from({ length: d }, (_, j) => mv.values[mv.offset + (mv.size === 1 ? 0 : j)]!);
      g = { w: new Array<number>(mix.n).fill(0), mean };
      groups.set(key, g);
    }
    for (let i = 0; i < mix.n; i++) g.w[i]! += pooled ? 1 / mix.S : mix.resp[i * mix.S + s]!;
  }
  return [...groups.values()];
}

/** A scale update and, when regCovar alone keeps it off zero, what collapsed. */
interface ScaleUpdate {
  readonly value: Float64Array;
  readonly collapse?: string;
}

/** Pivots of the elimination of a symmetric PSD matrix: the conditional variances, in order. */
export function pivots(cov: Float64Array, d: number): number[] {
  const a = cov.slice();
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const piv = a[k * d + k]!;
    out.push(piv);
    if (!(piv > 0)) continue;
    for (let i = k + 1; i < d; i++) {
      const f = a[i * d + k]! / piv;
      for (let j = k + 1; j < d; j++) a[i * d + j]! -= f * a[k * d + j]!;
    }
  }
  return out;
}

/** What a scale with these variances (before regCovar) collapsed onto, if anything. */
export function describeCollapse(
  variances: readonly number[],
  singular: boolean,
  regCovar: number,
): string | undefined {
  const flat = variances.map((v, j) => (v <= regCovar ? j : -1)).filter((j) => j >= 0);
  if (flat.length === variances.length) return 'collapsed onto a single point (zero variance)';
  if (flat.length > 0)
    return `collapsed in coordinate${flat.length > 1 ? 's' : ''} ${flat.join(', ')} (zero variance there: a constant column, or duplicate points)`;
  if (singular) return 'collapsed onto a line or plane (a singular covariance: duplicate or collinear points)';
  return undefined;
}

function updateScale(
  mix: Mixture,
  p: MixtureParam,
  e: number,
  rows: number[][],
  options: MStepOptions,
  pooled: boolean,
): ScaleUpdate {
  const components = scaleComponents(mix, p, e, pooled);
  const rule = p.spec.rule;
  if (rule === 'normal-sd') {
    const d = rows[0]?.length ?? 1;
    const form: SdForm = d === 1 ? 'scalar' : p.elementSize === 1 ? 'spherical' : 'diagonal';
    const sd = closedFormUpdates[rule]({ x: rows, components, form });
    const sds = typeof sd === 'number' ? [sd] : sd;
    return {
      value: Float64Array.from(sds, (v) => Math.sqrt(v * v + options.regCovar)),
      collapse: describeCollapse(
        sds.map((v) => v * v),
        false,
        options.regCovar,
      ),
    };
  }
  const cov =
    rule === 'inv-wishart-map'
      ? closedFormUpdates[rule]({ x: rows, components, nu: priorArg(mix, p, 0)[0]!, scale: priorArg(mix, p, 1) })
      : closedFormUpdates['mv-normal-covariance']({ x: rows, components });
  const d = Math.round(Math.sqrt(cov.length));
  const variances = Array.from({ length: d }, (_, j) => cov[j * d + j]!);
  const singular = pivots(cov, d).some((v) => !(v > options.regCovar));
  for (let j = 0; j < d; j++) cov[j * d + j]! += options.regCovar;
  return { value: cov, collapse: describeCollapse(variances, singular, options.regCovar) };
}

/** Warnings already given in a run (keyed by the run's stream): each degenerate element is reported once. */
const reported = new WeakMap<RandomStream, Set<string>>();

/** True the first time `key` is seen in this run. */
function firstTime(ctx: EmStepContext, key: string): boolean {
  if (ctx.once) return ctx.once(key); // the driver's per-run memory, kept in checkpoints
  let seen = reported.get(ctx.rng);
  if (!seen) {
    seen = new Set();
    reported.set(ctx.rng, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** `component 2 of 'mu'`, or `'Sigma'` for a tied param; and the size to lower (`K`). */
function whoAndSize(mix: Mixture, p: MixtureParam, e: number): { who: string; size: string } {
  const { selectors } = argumentOf(mix, p);
  const latent = selectors.length === 1 ? mix.program.latents.find((l) => l.name === selectors[0]) : undefined;
  const size = typeof latent?.states === 'string' ? latent.states : 'the number of components';
  return { who: selectors.length > 0 ? `component ${e} of '${p.spec.name}'` : `'${p.spec.name}'`, size };
}

const isFiniteAll = (v: ArrayLike<number> | number) =>
  typeof v === 'number' ? Number.isFinite(v) : Array.prototype.every.call(v, Number.isFinite);
const sum = (w: readonly number[]) => w.reduce((a, b) => a + b, 0);

/** One M-step from the responsibilities in `mix.resp`; returns copies of the new values. */
export function mStepMixture(mix: Mixture, ctx: EmStepContext, options: MStepOptions): ParamValues {
  const ordered = [
    ...mix.params.filter((p) => !scaleRules.has(p.spec.rule)),
    ...mix.params.filter((p) => scaleRules.has(p.spec.rule)),
  ];
  const jointDone = new Set<number>();
  for (const p of ordered) {
    if (familyMleUpdates.has(p.spec.rule)) {
      // One joint update per factor: every argument of the statement at once.
      const fi = p.spec.factor;
      if (jointDone.has(fi)) continue;
      jointDone.add(fi);
      const members = mix.params.filter((q) => q.spec.factor === fi && familyMleUpdates.has(q.spec.rule));
      const fixed = members.filter((q) => options.fixed?.has(q.spec.name));
      if (fixed.length === members.length) continue;
      if (fixed.length > 0)
        throw new FitSetupError(
          `'${fixed[0]!.spec.name}' is fixed but ${members.length > 2 ? 'the other arguments' : `'${members.find((q) => !fixed.includes(q))!.spec.name}'`} of '${mix.factors[fi]!.spec.text}' are fitted jointly with it: fix all of them or none`,
        );
      familyMleStep(mix, fi, ctx, {
        firstTime: (key) => firstTime(ctx, key),
        describe: (q, e) => whoAndSize(mix, q, e),
      });
      continue;
    }
    if (options.fixed?.has(p.spec.name) || p.spec.rule === numericRule) continue;
    const { selectors } = argumentOf(mix, p);
    const rows = childRows(mix, p);
    const weights = elementWeights(mix, p, selectors);
    const probability = p.spec.rule === 'categorical-probabilities' || p.spec.rule === 'dirichlet-map';
    for (let e = 0; e < p.elements; e++) {
      const w = weights[e]!;
      const empty = !probability && sum(w) < EMPTY;
      let value: ArrayLike<number> | number;
      if (scaleRules.has(p.spec.rule)) {
        const update = updateScale(mix, p, e, rows, options, empty);
        value = update.value;
        if (update.collapse && !empty && ctx.iteration > 0 && firstTime(ctx, `collapse:${p.spec.name}:${e}`)) {
          const { who, size } = whoAndSize(mix, p, e);
          ctx.warn(
            `iteration ${ctx.iteration}: ${who} ${update.collapse}; only regCovar = ${options.regCovar} keeps it positive definite, so the likelihood there is as large as regCovar lets it be: raise regCovar, or lower ${size}`,
          );
        }
      } else if (empty) {
        const { who, size } = whoAndSize(mix, p, e);
        if (!firstTime(ctx, `empty:${p.spec.name}:${e}`)) continue;
        const item = ctx.rng.uniformInt(mix.n);
        value = updateElement(
          mix,
          p,
          e,
          w.map((_, i) => (i === item ? 1 : 0)),
          rows,
        );
        ctx.perturb(
          `iteration ${ctx.iteration}: ${who} is empty (no item has weight on it): re-seeded from item ${item}; lower ${size}, or use more restarts`,
        );
      } else {
        value = updateElement(mix, p, e, w, rows);
      }
      if (!isFiniteAll(value)) {
        ctx.warn(
          `iteration ${ctx.iteration}: the update of element ${e} of '${p.spec.name}' is not finite; kept its previous value (raise regCovar or lower the number of components)`,
        );
        continue;
      }
      if (typeof value === 'number') p.values[e * p.elementSize] = value;
      else p.values.set(value, e * p.elementSize);
    }
  }
  if (mix.grads) numericMStep(mix, ctx, options.fixed);
  return saveParams(mix);
}
