/**
 * The report tests' inputs: an example planned, lowered, bound and fitted exactly as
 * `emforge fit` does, turned into a `ReportInput` (with one objective trace per seed, standing
 * in for per-restart traces). When the runtime cannot lower an example's plan yet, the case is
 * built from hand-made params in the model's declared shapes (the example's truth.json) and
 * posteriors computed here, so the report's plots for that model are still exercised.
 */
import { readFileSync } from 'node:fs';
import { explainPlan, lowerDataSchema, lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import {
  type BoundData,
  bindData,
  type DeclaredParam,
  type EmFitOptions,
  type FitResult,
  fitAnyProgram,
  type ParamValue,
  type Posteriors,
  type Program,
} from '@emforge/runtime';
import type { ReportInput, RestartTrace } from '../../packages/cli/src/report/report-input.js';

const root = new URL('../../', import.meta.url);

export interface ReportCase {
  readonly name: string;
  readonly input: ReportInput;
  /** True when the input comes from a real fit, false when from hand-made params. */
  readonly fitted: boolean;
}

/** Hand-made params and posteriors for a model the runtime cannot fit yet. */
type HandMade = (
  data: BoundData,
  truth: Record<string, ParamValue>,
) => {
  readonly params: readonly DeclaredParam[];
  readonly posteriors: Posteriors;
};

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, root), 'utf8'));
}

/** Builds the report input of `examples/<name>`: a real fit over `seeds`, or the hand-made fallback. */
export function reportCase(
  name: string,
  seeds: readonly number[],
  handMade: HandMade,
  options: EmFitOptions = {},
): ReportCase {
  const sourceName = `examples/${name}/model.em`;
  const text = readFileSync(new URL(sourceName, root), 'utf8');
  const outcome = planSource(new SourceFile(sourceName, text));
  if (!outcome.plan || !outcome.checked) throw new Error(`${name}: no plan`);
  const bound = bindData(lowerDataSchema(outcome.checked), readJson(`examples/${name}/data.json`));
  if (!bound.value) throw new Error(`${name}: ${JSON.stringify(bound.problems)}`);
  const data = bound.value;
  const common = { source: text, sourceName, plan: outcome.plan, derivation: explainPlan(outcome), data };
  const lowered = lowerProgram(outcome);
  if (lowered.value) {
    const program = lowered.value;
    const fits = seeds.map((seed) => fitAnyProgram(program, data, { ...options, seed, restarts: 1 }));
    let best = 0;
    for (let i = 1; i < fits.length; i++) if (fits[i]!.result.objective > fits[best]!.result.objective) best = i;
    const traces: RestartTrace[] = fits.map((f, i) => ({
      label: `seed ${seeds[i]}`,
      objective: f.result.history,
      kept: i === best,
    }));
    const kept = fits[best]!;
    return {
      name,
      fitted: true,
      input: {
        ...common,
        program,
        result: kept.result,
        posteriors: kept.posteriors,
        traces,
        command: `emforge fit ${sourceName} --data examples/${name}/data.json --seed ${seeds[best]}`,
      },
    };
  }
  const truth = readJson(`examples/${name}/truth.json`) as Record<string, ParamValue>;
  const made = handMade(data, truth);
  const values = Object.fromEntries(made.params.map((p) => [p.name, truth[p.name]!]));
  const result: FitResult = {
    model: outcome.plan.model,
    strategy: outcome.plan.latents[0]?.strategy ?? 'direct',
    logLik: Number.NaN,
    objective: Number.NaN,
    iterations: 0,
    emSteps: 0,
    converged: false,
    params: values,
    aic: Number.NaN,
    bic: Number.NaN,
    icl: Number.NaN,
    nParams: 0,
    nObs: 0,
    history: [],
    warnings: ['hand-made params (the runtime cannot fit this model yet)'],
  };
  const program = {
    model: outcome.plan.model,
    params: made.params,
    objective: outcome.plan.objective,
    strategy: result.strategy,
  } as unknown as Program;
  return { name, fitted: false, input: { ...common, program, result, posteriors: made.posteriors } };
}

const param = (name: string, dims: string[], element: DeclaredParam['element'], shape: string[]): DeclaredParam => ({
  name,
  dims,
  element,
  shape,
});

/**
 * The dishonest casino's params as declared, with the smoothed state probabilities of every step
 * by forward–backward at the true params and, per sequence, the most probable state at each step.
 */
export const handMadeHmm: HandMade = (data, truth) => {
  const init = truth.init as number[];
  const trans = truth.trans as number[][];
  const emit = truth.emit as number[][];
  const y = data.variables.y!;
  const offsets = y.offsets!;
  const k = init.length;
  const responsibilities: number[][] = [];
  const paths: number[][] = [];
  for (let s = 0; s + 1 < offsets.length; s++) {
    const steps = offsets[s + 1]! - offsets[s]!;
    const obs = (t: number) => y.values[offsets[s]! + t]!;
    const alpha: number[][] = [];
    for (let t = 0; t < steps; t++) {
      const a = Array.from({ length: k }, (_, j) =>
        t === 0
          ? init[j]! * emit[j]![obs(0)]!
          : alpha[t - 1]!.reduce((sum, p, i) => sum + p * trans[i]![j]!, 0) * emit[j]![obs(t)]!,
      );
      const c = a.reduce((x, z) => x + z, 0);
      alpha.push(a.map((v) => v / c));
    }
    let beta = new Array<number>(k).fill(1);
    const gamma: number[][] = new Array(steps);
    for (let t = steps - 1; t >= 0; t--) {
      const g = alpha[t]!.map((a, j) => a * beta[j]!);
      const c = g.reduce((x, z) => x + z, 0);
      gamma[t] = g.map((v) => v / c);
      const next = Array.from({ length: k }, (_, i) =>
        trans[i]!.reduce((sum, p, j) => sum + p * emit[j]![obs(t)]! * beta[j]!, 0),
      );
      const cn = next.reduce((x, z) => x + z, 0);
      beta = next.map((v) => v / cn);
    }
    responsibilities.push(...gamma);
    paths.push(gamma.map((g) => (g[1]! > g[0]! ? 1 : 0)));
  }
  return {
    params: [
      param('init', [], 'simplex', ['K']),
      param('trans', ['K'], 'simplex', ['K']),
      param('emit', ['K'], 'simplex', ['M']),
    ],
    posteriors: { latents: ['die'], states: ['die=0', 'die=1'], responsibilities, paths: { die: paths } },
  };
};

/** The factor model's params as declared; no posteriors (the loadings are what the report plots). */
export const handMadeFactorAnalysis: HandMade = () => ({
  params: [param('W', [], 'real', ['D', 'L']), param('mu', [], 'real', ['D']), param('psi', [], 'positive', ['D'])],
  posteriors: { latents: ['f'], states: [], responsibilities: [] },
});

/** A mixture example always lowers; its fallback is never used. */
export const noFallback: HandMade = () => {
  throw new Error('this example is expected to lower');
};
