/**
 * The plots of a discrete chain (an HMM, plan strategy `forward-backward`): the first sequence
 * over time — its observations coloured by the most probable state path (Viterbi), that path
 * as a strip, and the smoothed state probabilities p(h[t] = k | data) — and heatmaps of the
 * transition matrix and of simplex-valued emission params.
 */
import type { ParamValue } from '@emforge/runtime';
import { asMatrix, firstSequence, latentStateCount, latentStateMap, marginalOf } from './data-views.js';
import { matrixHeatmap } from './matrix-heatmap.js';
import type { ReportInput, ReportPlot } from './report-input.js';

/** The longest stretch of the first sequence drawn. */
const maxSteps = 2000;

/** What a chain program records of its transition param, read structurally (any program kind). */
interface ChainLike {
  readonly kind: 'chain';
  readonly trans: { readonly name: string };
  readonly init?: { readonly name: string };
}

function asChain(program: ReportInput['program']): ChainLike | undefined {
  const p = program as unknown as Partial<ChainLike> & { kind?: string };
  return p.kind === 'chain' && typeof p.trans?.name === 'string' ? (p as ChainLike) : undefined;
}

/** The chain latent of the plan and its number of states. */
export function chainLatent(input: ReportInput): { name: string; states: number } | undefined {
  const latent = input.plan.latents.find((l) => l.strategy === 'forward-backward');
  if (!latent) return undefined;
  const fromPosteriors = latentStateCount(input.posteriors, latent.name);
  const path = input.posteriors.paths?.[latent.name]?.[0];
  const states = fromPosteriors || (path ? Math.max(...path) + 1 : 0);
  return states > 0 ? { name: latent.name, states } : undefined;
}

function isSquare(value: ParamValue | undefined, k: number): boolean {
  const m = asMatrix(value);
  return m !== undefined && m.length === k && m.every((row) => row.length === k);
}

/** The transition param: the chain program's, else a K×K simplex-rows param (preferring the name `trans`). */
export function transitionParam(input: ReportInput, states: number): string | undefined {
  const chain = asChain(input.program);
  if (chain) return chain.trans.name;
  const candidates = input.program.params.filter(
    (p) => p.element === 'simplex' && p.dims.length === 1 && isSquare(input.result.params[p.name], states),
  );
  return (candidates.find((p) => /^trans|^A$/i.test(p.name)) ?? candidates[0])?.name;
}

export function stateSequencePlot(input: ReportInput): ReportPlot | undefined {
  const latent = chainLatent(input);
  if (!latent) return undefined;
  const path = input.posteriors.paths?.[latent.name]?.[0];
  const map = latentStateMap(input.posteriors, latent.name);
  // The observed sequence variable: the first with sequences whose first one matches the path.
  let observed: { name: string; values?: Float64Array; start: number; end: number } | undefined;
  for (const v of Object.values(input.data.variables)) {
    const range = firstSequence(v);
    if (!range || v.schema.dims.length < 1 || (path && range.end - range.start !== path.length)) continue;
    const scalar = v.itemSize === 1 && v.schema.shape.length === 0;
    observed = { name: v.name, start: range.start, end: range.end, ...(scalar ? { values: v.values } : {}) };
    break;
  }
  const length = path?.length ?? (observed ? observed.end - observed.start : 0);
  if (length === 0) return undefined;
  const steps = Math.min(length, maxSteps);
  const label = (k: number) => `${latent.name}=${k}`;
  const domain = Array.from({ length: latent.states }, (_, k) => label(k));
  const rows: Record<string, unknown>[] = [];
  const resp = input.posteriors.responsibilities;
  const smoothed = map !== undefined && observed !== undefined && resp.length >= observed.end;
  // The path as runs of one state (one rect each: no seams between equal neighbours).
  for (let t = 0; path && t < steps; ) {
    let end = t + 1;
    while (end < steps && path[end] === path[t]) end++;
    rows.push({ layer: 'path', t, t1: end, state: label(path[t]!) });
    t = end;
  }
  for (let t = 0; t < steps; t++) {
    if (observed?.values) {
      const y = observed.values[observed.start + t]!;
      if (Number.isFinite(y)) rows.push({ layer: 'obs', t, y, state: path ? label(path[t]!) : 'observed' });
    }
    if (smoothed && observed) {
      const m = marginalOf(resp[observed.start + t]!, map, latent.states);
      for (let k = 0; k < latent.states; k++) rows.push({ layer: 'gamma', t, p: m[k]!, state: label(k), k });
    }
  }
  if (!path && !smoothed) return undefined;
  const color = {
    field: 'state',
    type: 'nominal',
    title: latent.name,
    scale: { domain: observed?.values && !path ? [...domain, 'observed'] : domain },
  };
  const x = { field: 't', type: 'quantitative', title: 't', scale: { domain: [0, steps] } };
  const panels: Record<string, unknown>[] = [];
  if (observed?.values) {
    panels.push({
      height: 110,
      transform: [{ filter: "datum.layer === 'obs'" }],
      mark: { type: 'point', filled: true, size: steps > 400 ? 12 : 24 },
      encoding: { x, y: { field: 'y', type: 'quantitative', title: observed.name, scale: { zero: false } }, color },
    });
  }
  if (path) {
    panels.push({
      height: 24,
      transform: [{ filter: "datum.layer === 'path'" }],
      mark: 'rect',
      encoding: { x, x2: { field: 't1' }, color },
    });
  }
  if (smoothed) {
    panels.push({
      height: 130,
      transform: [{ filter: "datum.layer === 'gamma'" }],
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
      encoding: {
        x,
        y: { field: 'p', type: 'quantitative', stack: 'zero', title: 'p(state | data)', scale: { domain: [0, 1] } },
        color,
        order: { field: 'k', type: 'quantitative' },
      },
    });
  }
  const marks = [...(observed?.values ? ['symbol'] : []), ...(path ? ['rect'] : []), ...(smoothed ? ['area'] : [])];
  const truncated = length > steps ? ` Only the first ${steps} of its ${length} steps are drawn.` : '';
  return {
    kind: 'state-sequence',
    title: `${latent.name} along the first sequence`,
    caption:
      [
        observed?.values
          ? `Top: ${observed.name} at each step${path ? ', coloured by the most probable state' : ''}.`
          : '',
        path ? 'The strip is the most probable state path (Viterbi).' : '',
        smoothed ? 'Bottom: the smoothed state probabilities p(state at t | all data) from forward–backward.' : '',
      ]
        .filter((s) => s !== '')
        .join(' ') + truncated,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values: rows },
      vconcat: panels.map((p) => ({ width: 620, ...p })),
      resolve: { scale: { color: 'shared', x: 'shared' } },
    },
    marks,
  };
}

export function chainMatrixPlots(input: ReportInput): ReportPlot[] {
  const latent = chainLatent(input);
  if (!latent) return [];
  const plots: ReportPlot[] = [];
  const trans = transitionParam(input, latent.states);
  const labels = Array.from({ length: latent.states }, (_, k) => String(k));
  const transMatrix = trans ? asMatrix(input.result.params[trans]) : undefined;
  if (trans && transMatrix && transMatrix.length === latent.states) {
    plots.push(
      matrixHeatmap(transMatrix, {
        kind: 'transition-matrix',
        title: `Transition matrix ${trans}`,
        caption: `Row j is p(${latent.name}[t] = k | ${latent.name}[t−1] = j): each row sums to one.`,
        rowTitle: `from ${latent.name}[t−1]`,
        columnTitle: `to ${latent.name}[t]`,
        rowLabels: labels,
        columnLabels: labels,
        scale: 'probability',
        valueTitle: 'probability',
      }),
    );
  }
  const init = asChain(input.program)?.init?.name;
  for (const p of input.program.params) {
    if (p.name === trans || p.name === init || p.element !== 'simplex' || p.dims.length !== 1) continue;
    const m = asMatrix(input.result.params[p.name]);
    if (!m || m.length !== latent.states) continue;
    plots.push(
      matrixHeatmap(m, {
        kind: 'emission-matrix',
        title: `Emission probabilities ${p.name}`,
        caption: `Row k is the distribution ${p.name}[k] in state ${latent.name} = k.`,
        rowTitle: latent.name,
        columnTitle: 'value',
        rowLabels: labels,
        columnLabels: m[0]!.map((_, j) => String(j)),
        scale: 'probability',
        valueTitle: 'probability',
      }),
    );
  }
  return plots;
}
