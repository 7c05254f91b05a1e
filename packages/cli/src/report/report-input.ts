/**
 * What a fit report is made from (everything `emforge fit` has at hand after fitting), and the
 * description of one plot: a Vega-Lite spec plus what the report and its tests expect of it.
 */
import type { InferencePlan } from '@emforge/compiler';
import type { BoundData, FitResult, ParamValue, Posteriors, Program } from '@emforge/runtime';

/** One restart's objective trace: the objective at the initial params, then after each EM step. */
export interface RestartTrace {
  /** A label for the legend (`restart 3`); defaults to `restart k`. */
  readonly label?: string;
  readonly objective: readonly number[];
  /** True for the run whose params the result holds. */
  readonly kept?: boolean;
}

export interface ReportInput {
  /** The model's source text, as written. */
  readonly source: string;
  /** The path or name shown in the title (`examples/old-faithful-gmm/model.em`). */
  readonly sourceName?: string;
  readonly plan: InferencePlan;
  /** `explainPlan(outcome)`: the derivation as markdown. */
  readonly derivation?: string;
  readonly result: FitResult;
  readonly posteriors: Posteriors;
  /** The objective trace of every restart; without it the report shows `result.history`. */
  readonly traces?: readonly RestartTrace[];
  readonly data: BoundData;
  readonly program: Program;
  /** Standard errors in each param's shape, where available: a column appears only for these. */
  readonly standardErrors?: Readonly<Record<string, ParamValue>>;
  /** The command line or other provenance shown under the title. */
  readonly command?: string;
}

/** The plots the report can draw. */
export type PlotKind =
  | 'trace'
  | 'mixture-scatter'
  | 'mixture-density'
  | 'state-sequence'
  | 'transition-matrix'
  | 'emission-matrix'
  | 'loadings'
  | 'factor-scores'
  | 'category-probabilities'
  | 'top-words'
  | 'count-pmf';

export interface ReportPlot {
  readonly kind: PlotKind;
  readonly title: string;
  /** One or two sentences under the plot saying what it shows. */
  readonly caption: string;
  /** A Vega-Lite (v5) spec with its data inlined. */
  readonly spec: Readonly<Record<string, unknown>>;
  /**
   * The Vega mark types the rendered plot must contain (`symbol`, `line`, `rect`, `area`,
   * `rule`, `text`): the browser test checks each is drawn with at least one item.
   */
  readonly marks: readonly string[];
}
