/**
 * The histogram of one-dimensional data with the fitted mixture density over it: the total
 * density p(x) = Σ_k p(z = k) p(x | z = k) and each component's weighted share. The density is
 * evaluated by the mixture executor itself — the program is bound to a grid of x values in place
 * of the data and one E-step gives log p(x) per grid point (`itemLogLik`) and the component
 * shares (the responsibilities) — so it holds for every family and parameterisation the
 * runtime fits, and is the density EM maximised. Counts and categories get bars per value and
 * the fitted pmf. A model with covariates (a regression mixture) shows the density of an item
 * drawn from the data: p(x | covariates) averaged over the items' covariates.
 */
import {
  type BoundData,
  type BoundVariable,
  eStepMixture,
  type FitProgram,
  flattenValue,
  type NumericExpr,
  type ParamValue,
  prepareMixture,
} from '@emforge/runtime';
import { scalarValues } from './data-views.js';
import type { ReportInput, ReportPlot } from './report-input.js';

/** Grid points for a continuous density. */
const gridSize = 240;

export interface MixtureDensity {
  readonly grid: Float64Array;
  /** p(x) at each grid point. */
  readonly total: Float64Array;
  /** shape [grid, S]: p(x, state s) at each grid point. */
  readonly components: Float64Array;
  readonly states: number;
}

/** Every data variable read at the item, anywhere: children, arguments, inside expressions. */
function itemVariables(program: FitProgram): Set<string> {
  const names = new Set<string>();
  const visit = (e: NumericExpr): void => {
    switch (e.kind) {
      case 'data':
        if (e.atItem) names.add(e.name);
        return;
      case 'unary':
      case 'sum':
      case 'softmax':
        visit(e.operand);
        return;
      case 'binary':
      case 'dot':
        visit(e.left);
        visit(e.right);
        return;
      case 'vector':
        for (const x of e.elements) visit(x);
        return;
      default:
        return;
    }
  };
  for (const f of program.factors) {
    for (const source of [f.child, ...f.args.map((a) => a.source)]) {
      if (source.kind === 'data' && source.atItem) names.add(source.name);
      if (source.kind === 'expression') visit(source.expr);
    }
  }
  return names;
}

/**
 * The one data variable observed per item (the child of the observations), and the other item
 * variables (covariates: a design row `X[n]`, trials `n[i]`, …), when there is exactly one child.
 */
function observedVariable(program: FitProgram): { name: string; covariates: string[] } | undefined {
  const children = new Set<string>();
  for (const f of program.factors) if (f.child.kind === 'data' && f.child.atItem) children.add(f.child.name);
  if (children.size !== 1) return undefined;
  const name = [...children][0]!;
  return { name, covariates: [...itemVariables(program)].filter((v) => v !== name) };
}

/** Items whose covariates the density averages over: all of them up to this many, else evenly spaced. */
const covariateItems = 200;

/**
 * The fitted marginal density of one item's value at `grid` (and its share per joint latent
 * state), by binding the program to the grid; undefined when the program is not a mixture of
 * one scalar variable. With covariates the density of an item drawn from the data set is the
 * average over items of p(x | covariates of the item), computed over up to `covariateItems`
 * evenly spaced items: the program is bound to every (grid point, item) pair.
 */
export function mixtureDensity(
  program: FitProgram,
  data: BoundData,
  params: Readonly<Record<string, ParamValue>>,
  grid: Float64Array,
): MixtureDensity | undefined {
  const observed = observedVariable(program);
  const v = observed === undefined ? undefined : data.variables[observed.name];
  if (!observed || !v || !scalarValues(v) || typeof program.plate.size !== 'string') return undefined;
  const n = data.sizes[program.plate.size] ?? 0;
  const covariates = observed.covariates.map((name) => data.variables[name]);
  if (covariates.some((c) => !c || c.offsets || c.missing)) return undefined;
  const m = covariates.length === 0 ? 1 : Math.min(n, covariateItems);
  const items = Array.from({ length: m }, (_, j) => Math.floor((j * n) / m));
  const G = grid.length;
  const variables: Record<string, BoundVariable> = { ...data.variables };
  variables[v.name] = {
    name: v.name,
    schema: v.schema,
    shape: [G * m],
    values: Float64Array.from({ length: G * m }, (_, i) => grid[Math.floor(i / m)]!),
    itemSize: 1,
  };
  for (const c of covariates) {
    const size = c!.itemSize;
    const values = new Float64Array(G * m * size);
    for (let i = 0; i < G * m; i++)
      values.set(c!.values.subarray(items[i % m]! * size, (items[i % m]! + 1) * size), i * size);
    variables[c!.name] = { ...c!, shape: [G * m, ...c!.shape.slice(1)], values };
  }
  const gridData: BoundData = { ...data, sizes: { ...data.sizes, [program.plate.size]: G * m }, variables };
  const mix = prepareMixture(program, gridData);
  const values = Object.fromEntries(
    program.params.map((p) => [p.name, Float64Array.from(flattenValue(params[p.name] ?? []))]),
  );
  eStepMixture(mix, values);
  const total = new Float64Array(G);
  const components = new Float64Array(G * mix.S);
  for (let g = 0; g < G; g++) {
    for (let j = 0; j < m; j++) {
      const i = g * m + j;
      const p = Math.exp(mix.itemLogLik[i]!) / m;
      total[g]! += p;
      for (let s = 0; s < mix.S; s++) components[g * mix.S + s]! += mix.resp[i * mix.S + s]! * p;
    }
  }
  return { grid, total, components, states: mix.S };
}

/** Equal-width bins over [lo, hi]: about √n of them, between 10 and 60. */
function histogram(values: readonly number[], lo: number, hi: number) {
  const bins = Math.min(60, Math.max(10, Math.round(Math.sqrt(values.length))));
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)))]! += 1;
  return counts.map((c, i) => ({ lo: lo + i * width, hi: lo + (i + 1) * width, height: c / (values.length * width) }));
}

export function mixtureDensityPlot(input: ReportInput): ReportPlot | undefined {
  const program = input.program;
  if (program.kind !== undefined && program.kind !== 'mixture') return undefined;
  const name = observedVariable(program)?.name;
  const v = name === undefined ? undefined : input.data.variables[name];
  const raw = v ? scalarValues(v) : undefined;
  if (!v || !raw) return undefined;
  const observed = Array.from(raw).filter(Number.isFinite);
  if (observed.length === 0) return undefined;
  const element = v.schema.element;
  const discrete = element === 'count' || element === 'cat';
  const k = v.schema.categories;
  const categories = typeof k === 'number' ? k : k === undefined ? undefined : input.data.sizes[k];
  if (element === 'cat' && categories === undefined) return undefined;
  if (!discrete && element !== 'real' && element !== 'positive' && element !== 'prob') return undefined;
  let min = observed.reduce((a, b) => Math.min(a, b));
  let max = observed.reduce((a, b) => Math.max(a, b));
  let grid: Float64Array;
  let bars: { lo: number; hi: number; height: number }[];
  if (discrete) {
    if (categories !== undefined) {
      // Every category, observed or not.
      min = 0;
      max = categories - 1;
    } else max = Math.min(max + Math.max(2, Math.ceil(0.1 * max)), min + 2000);
    grid = Float64Array.from({ length: max - min + 1 }, (_, i) => min + i);
    const counts = new Map<number, number>();
    for (const x of observed) counts.set(x, (counts.get(x) ?? 0) + 1);
    bars = [...grid].map((x) => ({ lo: x - 0.4, hi: x + 0.4, height: (counts.get(x) ?? 0) / observed.length }));
  } else {
    bars = histogram(observed, min, max);
    const pad = 0.08 * (max - min || 1);
    min -= pad;
    max += pad;
    if (element === 'positive' || element === 'prob') min = Math.max(min, (element === 'prob' ? 1e-6 : 0) + 1e-9 * max);
    if (element === 'prob') max = Math.min(max, 1 - 1e-6);
    grid = Float64Array.from({ length: gridSize }, (_, i) => min + ((max - min) * i) / (gridSize - 1));
  }
  let density: MixtureDensity | undefined;
  try {
    density = mixtureDensity(program, input.data, input.result.params, grid);
  } catch {
    density = undefined;
  }
  if (!density) return undefined;
  const curve: Record<string, unknown>[] = [];
  const several = density.states > 1;
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g]!;
    if (Number.isFinite(density.total[g]!))
      curve.push({ layer: 'curve', x, density: density.total[g]!, part: 'mixture' });
    if (!several) continue;
    for (let s = 0; s < density.states; s++) {
      const value = density.components[g * density.states + s]!;
      if (Number.isFinite(value)) {
        curve.push({ layer: 'curve', x, density: value, part: input.posteriors.states[s] ?? `state ${s}` });
      }
    }
  }
  const parts = ['mixture', ...(several ? input.posteriors.states.slice(0, density.states) : [])];
  return {
    kind: 'mixture-density',
    title: `${v.name}: histogram and fitted ${discrete ? 'probabilities' : 'density'}`,
    caption: discrete
      ? `Bars are the observed share of each value of ${v.name}; the black line is the fitted mixture's probability of it, the coloured lines each component's weighted share.`
      : `The histogram of ${v.name} on the density scale; the black curve is the fitted mixture density, the coloured curves each component's weighted density.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 560,
      height: 300,
      data: { values: [...bars.map((b) => ({ layer: 'bar', ...b })), ...curve] },
      layer: [
        {
          transform: [{ filter: "datum.layer === 'bar'" }],
          mark: { type: 'rect', color: '#c7d4e4', stroke: '#8fa6c2', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'lo', type: 'quantitative', title: v.name, scale: { zero: false } },
            x2: { field: 'hi' },
            y: { field: 'height', type: 'quantitative', title: discrete ? 'probability' : 'density' },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'curve'" }],
          mark: { type: 'line', point: discrete },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'density', type: 'quantitative' },
            color: {
              field: 'part',
              type: 'nominal',
              title: 'curve',
              scale: {
                domain: parts,
                range: [
                  '#222222',
                  '#4c78a8',
                  '#f58518',
                  '#54a24b',
                  '#e45756',
                  '#72b7b2',
                  '#b279a2',
                  '#ff9da6',
                  '#9d755d',
                ],
              },
            },
            strokeDash: {
              condition: { test: "datum.part === 'mixture'", value: [1, 0] },
              value: [5, 3],
            },
          },
        },
      ],
    },
    marks: discrete ? ['rect', 'line', 'symbol'] : ['rect', 'line'],
  };
}
