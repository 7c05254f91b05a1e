/**
 * The plots of a linear-Gaussian model (plan strategy `gaussian`). For a factor model (FA,
 * PPCA, a mixture of factor analysers): the loading matrix as a heatmap (observed variables by
 * factors; one per component when the loadings are per component) and, when the fit returns the
 * posterior means of the factors, the items' factor scores E[f[n] | x[n]] on the first two
 * factors. For a state-space chain (Kalman): the observation matrix as a heatmap and the
 * smoothed state E[f[t] | data] along the first sequence.
 */
import type { ParamValue } from '@emforge/runtime';
import { firstSequence, shapeOf, thinIndices } from './data-views.js';
import { matrixHeatmap } from './matrix-heatmap.js';
import type { ReportInput, ReportPlot } from './report-input.js';

/** What a linear-Gaussian program records of its observation matrix, read structurally. */
interface LinearGaussianLike {
  readonly kind: 'linear-gaussian';
  readonly form: 'factor' | 'chain';
  readonly data: string;
  readonly observation?: { readonly matrix?: { readonly kind: string; readonly name?: string } };
  readonly emission?: { readonly matrix?: { readonly kind: string; readonly name?: string } };
}

function asLinearGaussian(program: ReportInput['program']): LinearGaussianLike | undefined {
  const p = program as unknown as Partial<LinearGaussianLike> & { kind?: string };
  return p.kind === 'linear-gaussian' && (p.form === 'factor' || p.form === 'chain') && typeof p.data === 'string'
    ? (p as LinearGaussianLike)
    : undefined;
}

function factorLatent(input: ReportInput): string | undefined {
  return input.plan.latents.find((l) => l.strategy === 'gaussian')?.name;
}

/** True when the program is a linear-Gaussian chain (a state-space model). */
function isStateSpace(input: ReportInput): boolean {
  return asLinearGaussian(input.program)?.form === 'chain';
}

/** D×L matrices of a value: one ([D, L]) or one per component ([K, D, L]). */
function matricesOf(value: ParamValue | undefined): number[][][] | undefined {
  if (value === undefined) return undefined;
  const shape = shapeOf(value);
  if (shape.length === 2) return [value as number[][]];
  if (shape.length === 3) return value as number[][][];
  return undefined;
}

/**
 * The loading (observation) matrix param and the data it loads: the program's, else `W`, else a
 * real matrix param with one row per entry of a vector data variable.
 */
export function loadingParam(input: ReportInput): { name: string; data?: string } | undefined {
  const lg = asLinearGaussian(input.program);
  const matrix = lg?.form === 'chain' ? lg.emission?.matrix : lg?.observation?.matrix;
  if (lg && matrix?.kind === 'param' && matrix.name) return { name: matrix.name, data: lg.data };
  const dims = new Set(
    Object.values(input.data.variables)
      .filter((v) => v.schema.shape.length === 1)
      .map((v) => v.itemSize),
  );
  const rows = (name: string) => matricesOf(input.result.params[name])?.[0]?.length ?? 0;
  const named = input.program.params.find((p) => p.name === 'W' && rows(p.name) > 0);
  const any = input.program.params.find((p) => p.element === 'real' && p.shape.length === 2 && dims.has(rows(p.name)));
  const found = named ?? any;
  return found ? { name: found.name } : undefined;
}

export function loadingsPlots(input: ReportInput): ReportPlot[] {
  const latent = factorLatent(input);
  if (!latent) return [];
  const param = loadingParam(input);
  const matrices = param ? matricesOf(input.result.params[param.name]) : undefined;
  if (!param || !matrices || matrices.length === 0 || (matrices[0]?.length ?? 0) === 0) return [];
  const d = matrices[0]!.length;
  const data =
    param.data ??
    Object.values(input.data.variables).find((v) => v.itemSize === d && v.schema.shape.length === 1)?.name;
  const rowName = data ?? 'x';
  const stateSpace = isStateSpace(input);
  return matrices.map((w, k) =>
    matrixHeatmap(w, {
      kind: 'loadings',
      title: `${stateSpace ? 'Observation matrix' : 'Loadings'} ${param.name}${matrices.length > 1 ? `[${k}]` : ''}`,
      caption: stateSpace
        ? `Row i, column j is how much ${rowName}[i] moves with one unit of state ${latent}[j]; red is positive, blue negative.`
        : `Row i, column j is how much ${rowName}[i] moves with one unit of factor ${latent}[j]${matrices.length > 1 ? ` in component ${k}` : ''}; red is positive, blue negative. Factors are identified only up to rotation and sign.`,
      rowTitle: rowName,
      columnTitle: latent,
      rowLabels: w.map((_, i) => `${rowName}[${i}]`),
      columnLabels: w[0]!.map((_, j) => `${latent}[${j}]`),
      scale: 'signed',
      valueTitle: stateSpace ? 'coefficient' : 'loading',
    }),
  );
}

/** The posterior means of the latent as vectors, one per item (or per step of every sequence). */
function latentMeans(input: ReportInput, latent: string): (readonly number[])[] | undefined {
  const means = input.posteriors.means?.[latent];
  if (!means || means.length === 0) return undefined;
  const rows = means.filter((m): m is readonly number[] => Array.isArray(m));
  return rows.length === means.length ? rows : undefined;
}

export function factorScoresPlot(input: ReportInput): ReportPlot | undefined {
  const latent = factorLatent(input);
  const rows = latent && !isStateSpace(input) ? latentMeans(input, latent) : undefined;
  if (!latent || !rows || rows.some((r) => r.length < 2)) return undefined;
  const values = thinIndices(rows.length, 5000).map((i) => ({ item: i, a: rows[i]![0]!, b: rows[i]![1]! }));
  return {
    kind: 'factor-scores',
    title: `Factor scores E[${latent}[n] | data]`,
    caption: `Each item's posterior mean on the first two factors ${latent}[0] and ${latent}[1].`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 380,
      height: 320,
      data: { values },
      mark: { type: 'circle', size: 20, opacity: 0.6 },
      encoding: {
        x: { field: 'a', type: 'quantitative', title: `${latent}[0]` },
        y: { field: 'b', type: 'quantitative', title: `${latent}[1]` },
        tooltip: [{ field: 'item', type: 'quantitative' }],
      },
    },
    marks: ['symbol'],
  };
}

/** The smoothed state E[f[t] | data] of a state-space model along its first sequence, one line per coordinate. */
export function smoothedStatePlot(input: ReportInput): ReportPlot | undefined {
  const latent = factorLatent(input);
  const lg = asLinearGaussian(input.program);
  if (!latent || lg?.form !== 'chain') return undefined;
  const rows = latentMeans(input, latent);
  const observed = input.data.variables[lg.data];
  const range = observed ? firstSequence(observed) : undefined;
  if (!rows || !range || rows.length < range.end) return undefined;
  const steps = Math.min(range.end - range.start, 2000);
  const values = Array.from({ length: steps }, (_, t) =>
    rows[range.start + t]!.map((mean, j) => ({ t, mean, coordinate: `${latent}[${j}]` })),
  ).flat();
  return {
    kind: 'state-sequence',
    title: `Smoothed ${latent} along the first sequence`,
    caption: `The posterior mean E[${latent}[t] | all data] of each state coordinate (Kalman smoother).`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 620,
      height: 220,
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 't' },
        y: { field: 'mean', type: 'quantitative', title: `E[${latent}[t] | data]` },
        color: { field: 'coordinate', type: 'nominal', title: 'coordinate' },
      },
    },
    marks: ['line'],
  };
}
