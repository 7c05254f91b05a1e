/**
 * Which plots fit the model, decided from the plan's E-step strategies, the params and the data
 * shape: always the objective trace; for a chain (forward–backward) the state sequence and the
 * transition / emission heatmaps; for a linear-Gaussian latent the loadings and factor scores
 * (a factor model) or the observation matrix and the smoothed state (a state-space chain); for
 * mean-field LDA the topic–word distributions and top words; for the variational
 * Poisson–lognormal the count frequencies with the fitted pmf; otherwise the mixture plots
 * (scatter with ellipses for vector data, histogram with the fitted density or pmf for scalar
 * data, observed category shares against the fitted ones, grouped bars of per-component
 * probability tables). Each builder returns nothing when its inputs are not there;
 * one that throws is reported in the page instead of losing the whole report.
 */
import { chainMatrixPlots, stateSequencePlot } from './chain-plots.js';
import { categoryProbabilityPlots, poissonLognormalPlot, topWordsPlot } from './discrete-plots.js';
import { factorScoresPlot, loadingsPlots, smoothedStatePlot } from './factor-plots.js';
import { mixtureDensityPlot } from './mixture-density.js';
import { mixtureScatterPlot } from './mixture-scatter.js';
import type { ReportInput, ReportPlot } from './report-input.js';
import { tracePlot } from './trace-plot.js';

type PlotBuilder = (input: ReportInput) => ReportPlot | readonly ReportPlot[] | undefined;

/** The builders that apply to the plan, in the order the plots appear. */
function buildersFor(input: ReportInput): readonly [string, PlotBuilder][] {
  const strategies = new Set(input.plan.latents.map((l) => l.strategy));
  const model: [string, PlotBuilder][] = strategies.has('forward-backward')
    ? [
        ['state sequence', stateSequencePlot],
        ['transition and emission matrices', chainMatrixPlots],
      ]
    : strategies.has('gaussian')
      ? [
          ['smoothed state', smoothedStatePlot],
          ['loadings', loadingsPlots],
          ['factor scores', factorScoresPlot],
        ]
      : strategies.has('mean-field')
        ? [
            ['topic–word distributions', categoryProbabilityPlots],
            ['top words', topWordsPlot],
          ]
        : strategies.has('variational')
          ? [['count frequencies with pmf', poissonLognormalPlot]]
          : [
              ['scatter with components', mixtureScatterPlot],
              ['histogram with density', mixtureDensityPlot],
              ['probabilities per component', categoryProbabilityPlots],
            ];
  return [...model, ['objective trace', tracePlot]];
}

export interface ChosenPlots {
  readonly plots: readonly ReportPlot[];
  /** Plots whose builder failed, with the reason (shown in the report). */
  readonly failures: readonly string[];
}

export function choosePlots(input: ReportInput): ChosenPlots {
  const plots: ReportPlot[] = [];
  const failures: string[] = [];
  for (const [name, build] of buildersFor(input)) {
    try {
      const built = build(input);
      if (built === undefined) continue;
      plots.push(...(Array.isArray(built) ? (built as readonly ReportPlot[]) : [built as ReportPlot]));
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { plots, failures };
}
