/**
 * Initialisation of the missing-data Gaussian executor. For seeding only, each missing entry
 * is replaced by its column's observed mean; with a latent the seeds come from k-means++ (or
 * distinct random rows, `random-points`) on those rows, each row is assigned to its nearest
 * seed, or (`random`) every row gets Dirichlet(1) responsibilities; then one M-step on the
 * imputed rows (no conditional covariance) gives the first weights, means and scales. Without
 * a latent that is the column means and the covariance of the mean-imputed rows. User-given
 * values override what they name. Rows and columns without any observed entry are warned about.
 */
import type { EmStepContext } from '../em/em-driver.js';
import { type InitMethod, kmeansPlusPlus, randomPoints } from '../em/init.js';
import type { ParamValues } from '../em/mixture.js';
import { sampleDirichlet } from '../random/continuous.js';
import { type MissingModel, saveMissingParams } from './missing-gaussian.js';
import { type MissingMStepOptions, mStepMissing } from './missing-m-step.js';

export interface MissingInitOptions extends MissingMStepOptions {
  readonly method?: InitMethod;
  /** Initial values by param name, flat row-major in the declared shape; override the method's. */
  readonly values?: ParamValues;
}

/** Warnings about rows and columns that carry no observed entry. */
function warnUnobserved(model: MissingModel, ctx: EmStepContext): void {
  const { empty, observedPerColumn } = model.patterns;
  const name = model.program.data;
  if (empty.length > 0) {
    ctx.warn(
      `${empty.length} of the ${model.n} rows of '${name}' have every entry missing: they carry no information and are left out of the fit (their imputed values are the fitted mean)`,
    );
  }
  const unseen = [...observedPerColumn.keys()].filter((j) => observedPerColumn[j] === 0);
  if (unseen.length > 0 && model.n > empty.length) {
    ctx.warn(
      `column${unseen.length > 1 ? 's' : ''} ${unseen.join(', ')} of '${name}' ${unseen.length > 1 ? 'are' : 'is'} missing in every row: ` +
        'its mean and variance are not identified by the data (they stay near their initial values); drop the column, or give its values with --fix',
    );
  }
}

/**
 * The compact rows with each missing entry replaced by its column's observed mean (0 for a
 * column never observed), and those means.
 * @returns rows shape [rows, d], means shape [d]
 */
function meanImputed(model: MissingModel): { rows: Float64Array; means: Float64Array } {
  const { d, x } = model;
  const index = model.patterns.rows;
  const means = new Float64Array(d);
  const counts = new Float64Array(d);
  for (let i = 0; i < index.length; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[index[i]! * d + j]!;
      if (Number.isNaN(v)) continue;
      means[j]! += v;
      counts[j]!++;
    }
  }
  for (let j = 0; j < d; j++) means[j] = counts[j]! > 0 ? means[j]! / counts[j]! : 0;
  const rows = new Float64Array(index.length * d);
  for (let i = 0; i < index.length; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[index[i]! * d + j]!;
      rows[i * d + j] = Number.isNaN(v) ? means[j]! : v;
    }
  }
  return { rows, means };
}

/** Responsibilities for seeding: one component, hard assignment to seeds, or Dirichlet(1) rows. */
function seedResponsibilities(model: MissingModel, rows: Float64Array, ctx: EmStepContext, method: InitMethod): void {
  const { d, k, resp } = model;
  const count = model.patterns.rows.length;
  if (k === 1) {
    resp.fill(1);
    return;
  }
  const seeder = method === 'kmeans++' ? kmeansPlusPlus : method === 'random-points' ? randomPoints : undefined;
  if (!seeder || count < k) {
    const row = new Float64Array(k);
    for (let i = 0; i < count; i++) {
      sampleDirichlet(ctx.rng, 1, row);
      resp.set(row, i * k);
    }
    return;
  }
  const seeds = seeder(rows, count, d, k, ctx.rng);
  resp.fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < seeds.length; c++) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (rows[i * d + j]! - rows[seeds[c]! * d + j]!) ** 2;
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    resp[i * k + best] = 1;
  }
}

/** The statistics of the imputed rows under `model.resp`, centred at the column means. */
function imputedStatistics(model: MissingModel, rows: Float64Array, means: Float64Array): void {
  const { d, k, resp, stats } = model;
  const { s0, s1, s2, centre } = stats;
  s0.fill(0);
  s1.fill(0);
  s2.fill(0);
  for (let c = 0; c < k; c++) centre.set(means, c * d);
  const count = model.patterns.rows.length;
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < k; c++) {
      const r = resp[i * k + c]!;
      if (!(r > 0)) continue;
      s0[c]! += r;
      for (let j = 0; j < d; j++) {
        const rj = r * (rows[i * d + j]! - means[j]!);
        s1[c * d + j]! += rj;
        for (let j2 = 0; j2 < d; j2++) s2[c * d * d + j * d + j2]! += rj * (rows[i * d + j2]! - means[j2]!);
      }
    }
  }
}

/** Initial param values for one restart. */
export function initializeMissing(model: MissingModel, ctx: EmStepContext, options: MissingInitOptions): ParamValues {
  warnUnobserved(model, ctx);
  const given = options.values ?? {};
  if (!model.params.every((p) => given[p.spec.name] !== undefined)) {
    const { rows, means } = meanImputed(model);
    seedResponsibilities(model, rows, ctx, options.method ?? 'kmeans++');
    imputedStatistics(model, rows, means);
    mStepMissing(model, ctx, options);
  }
  const out = saveMissingParams(model);
  for (const p of model.params) {
    const v = given[p.spec.name];
    if (v === undefined) continue;
    if (v.length !== p.values.length)
      throw new Error(`initial value of '${p.spec.name}' has ${v.length} entries, expected ${p.values.length}`);
    out[p.spec.name] = Float64Array.from(v);
  }
  return out;
}
