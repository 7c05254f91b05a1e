/**
 * A matrix as a heatmap with its values written in the cells: transition and emission
 * probabilities of an HMM (sequential colours over [0, 1]) and factor loadings (diverging
 * colours centred at 0).
 */
import type { PlotKind, ReportPlot } from './report-input.js';

export interface HeatmapOptions {
  readonly kind: PlotKind;
  readonly title: string;
  readonly caption: string;
  readonly rowTitle: string;
  readonly columnTitle: string;
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
  /** `probability`: 0 … 1, sequential; `signed`: symmetric around 0, diverging. */
  readonly scale: 'probability' | 'signed';
  readonly valueTitle: string;
}

export function matrixHeatmap(matrix: readonly (readonly number[])[], options: HeatmapOptions): ReportPlot {
  const values = matrix.flatMap((row, i) =>
    row.map((value, j) => ({
      row: options.rowLabels[i] ?? String(i),
      column: options.columnLabels[j] ?? String(j),
      value,
    })),
  );
  const bound = Math.max(1e-12, ...values.map((v) => Math.abs(v.value)).filter(Number.isFinite));
  const color =
    options.scale === 'probability'
      ? { scheme: 'blues', domain: [0, 1] }
      : { scheme: 'redblue', domain: [-bound, bound], reverse: true };
  const cell = Math.max(22, Math.min(56, Math.floor(420 / Math.max(matrix.length, matrix[0]?.length ?? 1))));
  const light = options.scale === 'probability' ? 'datum.value > 0.6' : `abs(datum.value) > ${0.6 * bound}`;
  return {
    kind: options.kind,
    title: options.title,
    caption: options.caption,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      width: { step: cell },
      height: { step: cell },
      encoding: {
        x: {
          field: 'column',
          type: 'ordinal',
          title: options.columnTitle,
          sort: [...options.columnLabels],
          axis: { labelAngle: 0 },
        },
        y: { field: 'row', type: 'ordinal', title: options.rowTitle, sort: [...options.rowLabels] },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: { field: 'value', type: 'quantitative', title: options.valueTitle, scale: color },
            tooltip: [
              { field: 'row', type: 'ordinal' },
              { field: 'column', type: 'ordinal' },
              { field: 'value', type: 'quantitative', format: '.4~g' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: cell >= 40 ? 11 : 9 },
          encoding: {
            text: { field: 'value', type: 'quantitative', format: cell >= 40 ? '.2f' : '.1f' },
            color: { condition: { test: light, value: 'white' }, value: 'black' },
          },
        },
      ],
    },
    marks: ['rect', 'text'],
  };
}
