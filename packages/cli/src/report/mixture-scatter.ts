/**
 * The scatter plot of vector data with the fitted Gaussian components: points coloured by their
 * most probable component, each component's mean and its 2σ ellipse (the contour at Mahalanobis
 * distance 2 of its covariance). Two-dimensional data is drawn as is; for D > 2 the points,
 * means and covariances are projected onto the data's first two principal components.
 *
 * The components come from the program's Gaussian observation factor (`x[n] ~ MvNormal(mu[z[n]],
 * Sigma[z[n]])`, or `Normal` with a vector of sds: a diagonal covariance); for program kinds
 * without factors, from the declared params (a `real[D]` mean, a `cov[D]` covariance).
 */
import { type FitProgram, findDistribution, type ParamValue } from '@emforge/runtime';
import {
  argmax,
  latentStateCount,
  latentStateMap,
  marginalOf,
  shapeOf,
  thinIndices,
  vectorRows,
} from './data-views.js';
import {
  ellipsePoints,
  type Projection,
  principalComponents,
  projectCovariance,
  projectPoint,
} from './plot-geometry.js';
import type { ReportInput, ReportPlot } from './report-input.js';

/** At most this many points are drawn (every k-th item beyond it). */
const maxPoints = 5000;

export interface GaussianComponents {
  /** The data variable the components describe. */
  readonly data: string;
  /** The latent whose state picks the component, when there are several. */
  readonly latent?: string;
  readonly means: readonly (readonly number[])[];
  /** One covariance per mean (a tied one repeated); absent when the model gives none. */
  readonly covs?: readonly (readonly (readonly number[])[])[];
}

function isMixtureProgram(program: ReportInput['program']): program is FitProgram {
  return program.kind === undefined || program.kind === 'mixture';
}

/** A value of shape [D] (one) or [K, D] (per component) as a list of vectors. */
function vectorsOf(value: ParamValue | undefined, d: number): number[][] | undefined {
  if (value === undefined) return undefined;
  const shape = shapeOf(value);
  if (shape.length === 1 && shape[0] === d) return [value as number[]];
  if (shape.length === 2 && shape[1] === d) return value as number[][];
  return undefined;
}

/** A covariance value [D, D] or [K, D, D] as a list of matrices. */
function matricesOf(value: ParamValue | undefined, d: number): number[][][] | undefined {
  if (value === undefined) return undefined;
  const shape = shapeOf(value);
  if (shape.length === 2 && shape[0] === d && shape[1] === d) return [value as number[][]];
  if (shape.length === 3 && shape[1] === d && shape[2] === d) return value as number[][][];
  return undefined;
}

/** sds as diagonal covariances: a number, [D], [K] (one per component) or [K, D]. */
function diagonalsOf(value: ParamValue | undefined, d: number, k: number): number[][][] | undefined {
  if (value === undefined) return undefined;
  const diag = (sds: readonly number[]) =>
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? sds[i]! ** 2 : 0)));
  const shape = shapeOf(value);
  if (shape.length === 0) return [diag(new Array<number>(d).fill(value as number))];
  if (shape.length === 1 && shape[0] === d && k === 1) return [diag(value as number[])];
  if (shape.length === 1 && shape[0] === k) return (value as number[]).map((s) => diag(new Array<number>(d).fill(s)));
  if (shape.length === 2 && shape[1] === d) return (value as number[][]).map(diag);
  return undefined;
}

/** The Gaussian components of a mixture program's observation of a vector variable. */
function componentsFromFactors(input: ReportInput, program: FitProgram, d: number): GaussianComponents | undefined {
  for (const factor of program.factors) {
    const gaussian = findDistribution(factor.family)?.gaussian;
    if (!gaussian || factor.child.kind !== 'data' || !factor.child.atItem) continue;
    const mean = factor.args.find((a) => a.name === gaussian.mean)?.source;
    const scale = factor.args.find((a) => a.name === gaussian.scale)?.source;
    if (mean?.kind !== 'param') continue;
    const means = vectorsOf(input.result.params[mean.name], d);
    if (!means) continue;
    const latent = mean.selectors[0];
    let covs: number[][][] | undefined;
    if (scale?.kind === 'param') {
      const value = input.result.params[scale.name];
      covs = gaussian.scaleKind === 'cov' ? matricesOf(value, d) : diagonalsOf(value, d, means.length);
    }
    const k = means.length;
    const fitted = covs && (covs.length === k || covs.length === 1) ? covs : undefined;
    return {
      data: factor.child.name,
      ...(latent ? { latent } : {}),
      means,
      ...(fitted ? { covs: Array.from({ length: k }, (_, i) => fitted[fitted.length === 1 ? 0 : i]!) } : {}),
    };
  }
  return undefined;
}

/** From the declared params: a `real[D]` mean (per component or one) and a `cov[D]` covariance. */
function componentsFromParams(input: ReportInput, data: string, d: number): GaussianComponents | undefined {
  const program = input.program;
  const meanParam = program.params.find(
    (p) =>
      p.element === 'real' && p.shape.length === 1 && p.dims.length <= 1 && vectorsOf(input.result.params[p.name], d),
  );
  if (!meanParam) return undefined;
  const means = vectorsOf(input.result.params[meanParam.name], d)!;
  const covParam = program.params.find((p) => p.element === 'cov' && matricesOf(input.result.params[p.name], d));
  const covs = covParam ? matricesOf(input.result.params[covParam.name], d) : undefined;
  const latent =
    meanParam.dims.length === 1 ? input.plan.latents.find((l) => l.strategy === 'enumerate')?.name : undefined;
  const fitted = covs && (covs.length === means.length || covs.length === 1) ? covs : undefined;
  return {
    data,
    ...(latent ? { latent } : {}),
    means,
    ...(fitted ? { covs: means.map((_, i) => fitted[fitted.length === 1 ? 0 : i]!) } : {}),
  };
}

/** The vector data variable to scatter and its fitted components (means without covariances possible). */
export function findGaussianComponents(input: ReportInput): GaussianComponents | undefined {
  for (const v of Object.values(input.data.variables)) {
    const rows = vectorRows(v);
    if (!rows || v.itemSize < 2 || (v.schema.element !== 'real' && v.schema.element !== 'positive')) continue;
    const program = input.program;
    const found = isMixtureProgram(program)
      ? componentsFromFactors(input, program, v.itemSize)
      : componentsFromParams(input, v.name, v.itemSize);
    if (found && found.data === v.name) return found;
  }
  return undefined;
}

/** The rows to draw: imputed where the fit filled missing entries, else the complete rows only. */
function drawnRows(
  input: ReportInput,
  name: string,
): { rows: number[][]; items: number[]; imputed: (item: number) => boolean } | undefined {
  const v = input.data.variables[name];
  if (!v) return undefined;
  const imputed = input.posteriors.imputed?.[name];
  const filled = imputed && shapeOf(imputed).length === 2 ? (imputed as number[][]) : undefined;
  const rows = filled ?? vectorRows(v);
  if (!rows) return undefined;
  const items = thinIndices(rows.length, maxPoints).filter((i) => rows[i]!.every(Number.isFinite));
  const incomplete = (i: number) => {
    for (let j = 0; j < v.itemSize; j++) if (Number.isNaN(v.values[i * v.itemSize + j]!)) return true;
    return false;
  };
  return { rows, items, imputed: filled ? incomplete : () => false };
}

export function mixtureScatterPlot(input: ReportInput): ReportPlot | undefined {
  const found = findGaussianComponents(input);
  if (!found) return undefined;
  const drawn = drawnRows(input, found.data);
  if (!drawn || drawn.items.length === 0) return undefined;
  const { rows, items, imputed } = drawn;
  const d = rows[0]!.length;
  const projection: Projection =
    d === 2
      ? {
          center: [0, 0],
          axes: [
            [1, 0],
            [0, 1],
          ],
        }
      : principalComponents(items.map((i) => rows[i]!));
  const k = found.means.length;
  const label = (c: number) => (found.latent ? `${found.latent}=${c}` : 'fit');
  const domain = Array.from({ length: k }, (_, c) => label(c));

  // Each point's most probable component, when the responsibilities are per item of this variable.
  const resp = input.posteriors.responsibilities;
  const map = found.latent ? latentStateMap(input.posteriors, found.latent) : undefined;
  const states = found.latent ? latentStateCount(input.posteriors, found.latent) : 0;
  const colored = map !== undefined && resp.length === rows.length && states === k;
  const points = items.map((i) => {
    const [x, y] = projectPoint(projection, rows[i]!);
    const c = colored ? argmax(marginalOf(resp[i]!, map, states)) : undefined;
    return { layer: 'point', x, y, component: c === undefined ? 'data' : label(c), item: i, imputed: imputed(i) };
  });
  const means = found.means.map((m, c) => {
    const [x, y] = projectPoint(projection, m);
    return { layer: 'mean', x, y, component: label(c) };
  });
  const ellipses = (found.covs ?? []).flatMap((cov, c) =>
    ellipsePoints([means[c]!.x, means[c]!.y], projectCovariance(projection, cov)).map(([x, y], order) => ({
      layer: 'ellipse',
      x,
      y,
      order,
      component: label(c),
    })),
  );
  const pc = projection.explained;
  const axisTitle = (i: 0 | 1) =>
    pc ? `PC${i + 1} of ${found.data} (${(100 * pc[i]).toFixed(1)}% of variance)` : `${found.data}[${i}]`;
  const colorDomain = colored ? domain : [...domain, 'data'];
  const color = {
    field: 'component',
    type: 'nominal',
    title: found.latent ?? 'component',
    scale: { domain: colorDomain },
  };
  const layers: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.layer === 'point'" }],
      mark: { type: 'circle', size: 22 },
      encoding: {
        color,
        opacity: { condition: { test: 'datum.imputed', value: 0.25 }, value: 0.65 },
        tooltip: [
          { field: 'item', type: 'quantitative' },
          { field: 'component', type: 'nominal' },
        ],
      },
    },
  ];
  if (ellipses.length > 0) {
    layers.push({
      transform: [{ filter: "datum.layer === 'ellipse'" }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { color, order: { field: 'order', type: 'quantitative' }, detail: { field: 'component' } },
    });
  }
  layers.push({
    transform: [{ filter: "datum.layer === 'mean'" }],
    mark: { type: 'point', shape: 'cross', size: 160, filled: true, stroke: '#222', strokeWidth: 1 },
    encoding: { color, tooltip: [{ field: 'component', type: 'nominal' }] },
  });
  const thinned = items.length < rows.length ? ` Every ${Math.ceil(rows.length / maxPoints)}-th item is drawn.` : '';
  return {
    kind: 'mixture-scatter',
    title: d === 2 ? `${found.data} with the fitted components` : `${found.data} on its first two principal components`,
    caption:
      `${colored ? 'Points are coloured by their most probable component; c' : 'C'}rosses are the component means` +
      `${ellipses.length > 0 ? ', ellipses their 2σ contours (Mahalanobis distance 2)' : ''}.` +
      `${d > 2 ? ' Means and covariances are projected onto the same two principal components as the data.' : ''}` +
      (items.some(imputed)
        ? ' Items with missing entries are drawn faint, at their conditional means (imputed).'
        : '') +
      thinned,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 460,
      height: 380,
      data: { values: [...points, ...ellipses, ...means] },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: axisTitle(0), scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: axisTitle(1), scale: { zero: false } },
      },
      layer: layers,
    },
    marks: ellipses.length > 0 ? ['symbol', 'line'] : ['symbol'],
  };
}
