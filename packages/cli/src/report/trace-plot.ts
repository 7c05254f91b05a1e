/**
 * The objective trace: the objective after each EM step, one line per restart (the kept run
 * drawn thicker), so a reader sees how fast EM converged and whether the restarts agreed.
 */
import type { ReportInput, ReportPlot, RestartTrace } from './report-input.js';

/** The traces to draw: the given ones, or the kept run's history. */
export function tracesOf(input: ReportInput): readonly RestartTrace[] {
  if (input.traces && input.traces.length > 0) return input.traces;
  return [{ label: 'kept run', objective: input.result.history, kept: true }];
}

export function tracePlot(input: ReportInput): ReportPlot | undefined {
  const traces = tracesOf(input);
  const values: { iteration: number; objective: number; run: string; kept: boolean }[] = [];
  for (const [k, trace] of traces.entries()) {
    const run = trace.label ?? `restart ${k + 1}`;
    for (const [i, objective] of trace.objective.entries()) {
      if (Number.isFinite(objective)) values.push({ iteration: i, objective, run, kept: trace.kept === true });
    }
  }
  if (values.length < 2) return undefined;
  const what = input.plan.objective === 'elbo' ? 'ELBO' : input.plan.objective;
  return {
    kind: 'trace',
    title: 'Objective per iteration',
    caption:
      traces.length > 1
        ? `The ${what} after each EM step, one line per restart; the thick line is the run kept.`
        : `The ${what} at the initial params and after each EM step of the kept run.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 560,
      height: 260,
      data: { values },
      mark: { type: 'line', point: values.length <= 200, interpolate: 'linear' },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'objective', type: 'quantitative', title: what, scale: { zero: false } },
        color: { field: 'run', type: 'nominal', title: 'run', legend: traces.length > 1 ? {} : null },
        strokeWidth: { condition: { test: 'datum.kept', value: 2.5 }, value: 1.2 },
        tooltip: [
          { field: 'run', type: 'nominal' },
          { field: 'iteration', type: 'quantitative' },
          { field: 'objective', type: 'quantitative', format: '.6~g' },
        ],
      },
    },
    marks: ['line'],
  };
}
