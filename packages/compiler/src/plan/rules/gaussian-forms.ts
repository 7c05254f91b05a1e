/** Facts about Gaussian factors that several rules share: the covariance form of a scale param and the precision weights. */
import type { Occurrence } from '../../analysis/graph-queries.js';
import { formatDim } from '../../check/value-type.js';
import type { ParamContext } from './update-rule.js';

/** `spherical` (one sd for a vector), `diagonal` (one sd per entry), `full` or `tied` variants, in words. */
export function scaleForm(o: Occurrence, ctx: ParamContext): string {
  const type = ctx.param.type;
  const elementRank = type ? type.shape.length - ctx.param.arrayRank : 0;
  const tied = o.use.kind === 'selected' ? '' : 'tied, ';
  if (o.factor.distribution.gaussian?.scaleKind === 'cov') return `${tied}full covariance`;
  if (elementRank > 0) return `${tied}diagonal`;
  const child = ctx.graph.variables.get(o.factor.child)?.type;
  const childRank = child ? child.shape.length - (ctx.graph.variables.get(o.factor.child)?.arrayRank ?? 0) : 0;
  return childRank > 0 ? `${tied}spherical` : `${tied}scalar`;
}

/** The latent dividing a factor's scale (`u` in `Sigma / u[n]`), as an expected weight `E[u[n]]`. */
export function precisionWeight(o: Occurrence): string {
  const scale = o.factor.distribution.gaussian?.scale;
  const arg = o.factor.args.find((a) => a.name === scale);
  const divisor = arg?.uses.find((u) => u.kind === 'scale-divisor');
  if (!divisor) return '';
  const idx = o.factor.plates.map((p) => p.index).join('][');
  return `E[${divisor.variable}${idx ? `[${idx}]` : ''}] `;
}

/** Latents with a linear-Gaussian structure that the factor's mean depends on. */
export function gaussianLatentsInMean(o: Occurrence, ctx: ParamContext): string[] {
  const mean = o.factor.distribution.gaussian?.mean;
  const arg = o.factor.args.find((a) => a.name === mean);
  return (arg?.uses ?? [])
    .map((u) => u.variable)
    .filter((v) => ctx.structure.latents.get(v)?.structure === 'linear-gaussian');
}

/**
 * For a spherical sd (one scalar for a vector child): the child's length `D`, which divides
 * the summed squared norm; undefined for scalar and diagonal forms (elementwise squares).
 */
export function sphericalLength(o: Occurrence, ctx: ParamContext): string | undefined {
  if (!scaleForm(o, ctx).endsWith('spherical')) return undefined;
  const child = ctx.graph.variables.get(o.factor.child);
  const last = child?.type?.shape[child.type.shape.length - 1];
  return last ? formatDim(last) : 'D';
}

/** `(x[n] − mu[k])²` elementwise, or `‖x[n] − mu[k]‖²` for a spherical sd. */
export function squaredResidual(o: Occurrence, ctx: ParamContext, residualText: string): string {
  return sphericalLength(o, ctx) ? `‖${residualText}‖²` : `(${residualText})²`;
}

/** The denominator: the total weight, times D for a spherical sd. */
export function sdDenominator(o: Occurrence, ctx: ParamContext, total: string): string {
  const d = sphericalLength(o, ctx);
  return d ? `(${d} · ${total})` : total;
}
