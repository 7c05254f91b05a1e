/**
 * Lowers a plan whose latent is a discrete chain (strategy `forward-backward`) to the runtime's
 * `ChainProgram` (packages/runtime/src/chain/chain-program.ts). The chain's two statements must
 * be `h[s][0] ~ Categorical(init)` and `h[s][t] ~ Categorical(trans[h[s][t - 1]])` over
 * `t in 1..T[s]`, with `init` and `trans` params; every other likelihood statement is a
 * per-step one (`for t in T[s]`, indexed `[s][t]`). Those are lowered by the mixture lowering:
 * in a copy of the graph each `X[s][t]` reads `X[t]` and the step plate is a plain plate, so
 * the per-step part becomes a `FitProgram` whose items are the steps (the chain latent first
 * among its latents, enumerated jointly with the other per-step latents). Whatever does not fit
 * gets one E5001 diagnostic naming the obstacle.
 */
import type { Expr, PhaseResult } from '@emforge/dsl';
import {
  type ChainParam,
  type ChainProgram,
  type DeclaredParam,
  type FitPrior,
  type FitProgram,
  isTypeBase,
} from '@emforge/runtime';
import type { Factor, ModelGraph, Plate, RandomVariable } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan, LatentPlan } from '../plan/inference-plan.js';
import { lowerFitProgram } from './lower-fit-program.js';
import { lowerConstant, sizeNames } from './lower-value-source.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

type Outcome = PlanOutcome & Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>;

/** True for a plan this lowering is for: some latent runs forward–backward. */
export function isChainPlan(plan: InferencePlan): boolean {
  return plan.latents.some((l) => l.strategy === 'forward-backward');
}

const isName = (e: Expr | undefined, name: string) => e?.kind === 'NameRef' && e.name === name;

/** `X[s][t]` → `X[t]` everywhere in an expression; node ids (and so the checker's references) are kept. */
function collapseSteps(e: Expr, s: string, t: string): Expr {
  switch (e.kind) {
    case 'Index': {
      const inner = e.target;
      if (
        inner.kind === 'Index' &&
        inner.target.kind === 'NameRef' &&
        inner.indices.length === 1 &&
        isName(inner.indices[0], s) &&
        e.indices.length === 1 &&
        isName(e.indices[0], t)
      ) {
        return { ...e, target: inner.target };
      }
      return { ...e, target: collapseSteps(e.target, s, t), indices: e.indices.map((i) => collapseSteps(i, s, t)) };
    }
    case 'Binary':
      return { ...e, left: collapseSteps(e.left, s, t), right: collapseSteps(e.right, s, t) };
    case 'Unary':
      return { ...e, operand: collapseSteps(e.operand, s, t) };
    case 'Call':
      return { ...e, args: e.args.map((a) => collapseSteps(a, s, t)) };
    case 'VectorLit':
      return { ...e, elements: e.elements.map((x) => collapseSteps(x, s, t)) };
    default:
      return e;
  }
}

/** The param a chain argument names: `init` (whole), or `trans` in `trans[h[s][t - 1]]`. */
function chainArgument(f: Factor, h: string, seq: Plate, step: Plate | undefined): string {
  const p = f.args[0]?.expr;
  if (f.family !== 'Categorical' || !p)
    throw new Unsupported(`'${f.target}' is not a Categorical statement`, f.stmt.span);
  if (!step) {
    if (p.kind === 'NameRef') return p.name;
    throw new Unsupported(
      `the initial state '${f.target}' needs a whole simplex param, not '${f.args[0]!.text}'`,
      p.span,
    );
  }
  const previous = p.kind === 'Index' && p.indices.length === 1 ? p.indices[0] : undefined;
  const ok =
    p.kind === 'Index' &&
    p.target.kind === 'NameRef' &&
    previous?.kind === 'Index' &&
    previous.indices.length === 1 &&
    previous.indices[0]?.kind === 'Binary' &&
    previous.indices[0].op === '-' &&
    isName(previous.indices[0].left, step.index) &&
    previous.indices[0].right.kind === 'NumberLit' &&
    previous.indices[0].right.value === 1 &&
    previous.target.kind === 'Index' &&
    isName(previous.target.target, h) &&
    previous.target.indices.length === 1 &&
    isName(previous.target.indices[0], seq.index);
  if (!ok || p.kind !== 'Index' || p.target.kind !== 'NameRef') {
    throw new Unsupported(
      `the transition '${f.target} ~ Categorical(${f.args[0]!.text})' is not 'Categorical(trans[${h}[${seq.index}][${step.index} - 1]])' with a param 'trans'`,
      p.span,
    );
  }
  return p.target.name;
}

/** The chain's statements: initial state and transition, and the plates they run over. */
function chainStatements(outcome: Outcome, h: RandomVariable) {
  const own = h.factors.map((id) => outcome.graph.factors.get(id)!);
  const first = own.find((f) => f.plates.length === 1);
  const step = own.find((f) => f.plates.length === 2);
  if (own.length !== 2 || !first || !step) {
    throw new Unsupported(
      `the chain '${h.name}' needs exactly an initial statement '${h.name}[s][0] ~ …' and a transition '${h.name}[s][t] ~ …'`,
      h.span,
    );
  }
  const seq = first.plates[0]!;
  const [stepSeq, stepPlate] = step.plates as [Plate, Plate];
  if (first.indices.length !== 2 || first.indices[0] !== seq.index || first.indices[1] !== '0' || !seq.size) {
    throw new Unsupported(
      `the initial state '${first.target}' is not '${h.name}[${seq.index}][0]' in a plate over sequences`,
      first.stmt.span,
    );
  }
  if (
    stepSeq.id !== seq.id ||
    !stepPlate.size ||
    !stepPlate.offset ||
    stepPlate.range !== (stepPlate.ragged ? `1..${stepPlate.size}[${seq.index}]` : `1..${stepPlate.size}`) ||
    step.indices.join(',') !== `${seq.index},${stepPlate.index}`
  ) {
    throw new Unsupported(
      `the transition '${step.target}' must run over '${stepPlate.index} in 1..T[${seq.index}]' inside the sequences plate`,
      step.stmt.span,
    );
  }
  return {
    first,
    step,
    seq,
    stepPlate,
    init: chainArgument(first, h.name, seq, undefined),
    trans: chainArgument(step, h.name, seq, stepPlate),
  };
}

/** The plate the per-step statements run over: `t in T[s]`, inside the sequences plate. */
function isStepStatement(f: Factor, seq: Plate, size: string): boolean {
  const [a, b] = f.plates;
  return (
    a?.id === seq.id &&
    b !== undefined &&
    b.size === size &&
    !b.offset &&
    f.indices[0] === seq.index &&
    f.indices[1] === b.index
  );
}

/** The graph the mixture lowering sees: per-step statements over one plain plate of steps, `X[s][t]` read as `X[t]`. */
function stepGraph(outcome: Outcome, perStep: readonly Factor[], seq: Plate, latents: ReadonlySet<string>): ModelGraph {
  const { graph } = outcome;
  const factors = new Map<number, Factor>();
  for (const f of graph.factors.values()) {
    if (f.prior) {
      factors.set(f.id, f);
      continue;
    }
    if (!perStep.includes(f)) continue;
    const t = f.plates[1]!;
    const stepPlate: Plate = { ...t, ragged: false, offset: false, range: t.size! };
    factors.set(f.id, {
      ...f,
      plates: [stepPlate, ...f.plates.slice(2)],
      indices: f.indices.slice(1),
      stmt: { ...f.stmt, target: collapseSteps(f.stmt.target, seq.index, t.index) },
      args: f.args.map((a) => ({ ...a, expr: collapseSteps(a.expr, seq.index, t.index) })),
    });
  }
  const variables = new Map<string, RandomVariable>();
  for (const [name, v] of graph.variables) {
    if (latents.has(name)) variables.set(name, { ...v, arrayRank: 1 });
    else if (v.role === 'data') variables.set(name, { ...v, optional: false });
    else variables.set(name, v);
  }
  return { ...graph, factors, variables };
}

type PlanParam = InferencePlan['params'][number];

/** `init` or `trans` as the chain M-step runs it: normalised counts, or the Dirichlet MAP. */
function chainParam(outcome: Outcome, name: string, statement: Factor): ChainParam {
  const { plan, graph, checked } = outcome;
  const symbol = checked.symbols.vars.get(name);
  const pp: PlanParam | undefined = plan.params.find((p) => p.name === name);
  if (symbol?.role !== 'param' || !pp)
    throw new Unsupported(`'${name}' in '${statement.target}' is not a param`, statement.stmt.span);
  const span = symbol.decl.span;
  if (pp.factors.length !== 1 || pp.factors[0] !== statement.id) {
    throw new Unsupported(`param '${name}' of the chain also appears in other likelihood statements`, span);
  }
  if (pp.rule !== 'categorical-probabilities' && pp.rule !== 'dirichlet-map') {
    throw new Unsupported(`param '${name}' of the chain uses the update rule '${pp.rule}'`, span);
  }
  const decl = symbol.decl;
  const dim = (e: Expr) => {
    if (e.kind === 'NameRef') return e.name;
    if (e.kind === 'NumberLit') return e.value;
    throw new Unsupported(`param '${name}' has a dimension the runtime cannot resolve`, e.span);
  };
  const element = decl.type.name.name;
  if (element !== 'simplex' || !isTypeBase(element)) throw new Unsupported(`param '${name}' is not a simplex`, span);
  const text = `${statement.target} ~ Categorical(${statement.args[0]!.text})`;
  const base: ChainParam = {
    name,
    dims: decl.dims.map(dim),
    element,
    shape: decl.type.args.map(dim),
    rule: pp.rule,
    text,
  };
  if (!pp.prior) return base;
  const prior = graph.factors.get(pp.prior.factor);
  if (prior?.family !== 'Dirichlet' || pp.rule !== 'dirichlet-map') {
    throw new Unsupported(`the prior '${pp.prior.text}' of '${name}' is not a Dirichlet with constant arguments`, span);
  }
  if (prior.indices.length !== symbol.arrayRank) {
    throw new Unsupported(`the prior '${pp.prior.text}' covers only part of '${name}'`, prior.stmt.span);
  }
  const args = prior.args.map((a) => {
    const c = lowerConstant(a.expr, sizeNames(checked));
    if (!c) throw new Unsupported(`the prior argument '${a.text}' is not a constant`, a.expr.span);
    return c;
  });
  const fitPrior: FitPrior = { family: prior.family, args, text: pp.prior.text };
  return { ...base, prior: fitPrior };
}

function lower(outcome: Outcome): PhaseResult<ChainProgram> {
  const { plan, graph } = outcome;
  const chains = plan.latents.filter((l) => l.strategy === 'forward-backward');
  if (chains.length !== 1) {
    throw new Unsupported(
      `${chains.length} chains (${chains.map((l) => l.name).join(', ')}): the runtime runs one chain per model`,
    );
  }
  const chainPlan = chains[0]!;
  const h = graph.variables.get(chainPlan.name);
  if (!h) throw new Unsupported(`latent '${chainPlan.name}' has no declaration`);
  const perStepLatents: LatentPlan[] = [];
  for (const l of plan.latents) {
    if (l === chainPlan) continue;
    const v = graph.variables.get(l.name);
    // Gaussian data with missing entries: whole missing steps are dropped by the E-step itself.
    if (l.strategy === 'missing-gaussian' && v?.role === 'data') continue;
    if (l.strategy !== 'enumerate' || v?.role !== 'latent') {
      throw new Unsupported(`latent '${l.name}' needs the ${l.strategy} E-step beside the chain`, v?.span);
    }
    perStepLatents.push(l);
  }
  const { first, step, seq, stepPlate, init, trans } = chainStatements(outcome, h);
  const perStep = [...graph.factors.values()].filter((f) => !f.prior && f !== first && f !== step);
  for (const f of perStep) {
    if (!isStepStatement(f, seq, stepPlate.size!)) {
      throw new Unsupported(
        `'${f.target}' is not one step of a sequence ('for ${stepPlate.index} in ${stepPlate.size}[${seq.index}]' inside 'for ${seq.index} in ${seq.size}', indexed [${seq.index}][${stepPlate.index}])`,
        f.stmt.span,
      );
    }
  }
  for (const l of perStepLatents) {
    const v = graph.variables.get(l.name)!;
    const own = v.factors.map((id) => graph.factors.get(id)!);
    if (v.arrayRank !== 2 || own.some((f) => !perStep.includes(f))) {
      throw new Unsupported(`latent '${l.name}' is not one value per step of each sequence`, v.span);
    }
  }
  const latents = new Set([h.name, ...perStepLatents.map((l) => l.name)]);
  const stepPlan: InferencePlan = {
    ...plan,
    latents: [{ ...chainPlan, strategy: 'enumerate' }, ...perStepLatents],
    params: plan.params.filter((p) => p.name !== init && p.name !== trans),
  };
  const lowered = lowerFitProgram({ ...outcome, plan: stepPlan, graph: stepGraph(outcome, perStep, seq, latents) });
  if (!lowered.value) return { diagnostics: lowered.diagnostics };
  const emission: FitProgram = lowered.value;
  const initParam = chainParam(outcome, init, first);
  const transParam = chainParam(outcome, trans, step);
  const declared = (name: string): DeclaredParam => {
    const p = name === init ? initParam : name === trans ? transParam : emission.params.find((q) => q.name === name);
    if (!p) throw new Unsupported(`param '${name}' is not lowered`);
    return { name: p.name, dims: p.dims, element: p.element, shape: p.shape };
  };
  return {
    value: {
      kind: 'chain',
      model: plan.model,
      sequences: { index: seq.index, size: seq.size! },
      steps: { index: stepPlate.index, size: stepPlate.size! },
      latent: { name: h.name, states: emission.latents[0]!.states },
      init: initParam,
      trans: transParam,
      emission,
      params: plan.params.map((p) => declared(p.name)),
      objective: plan.objective === 'log-posterior' ? 'log-posterior' : 'log-likelihood',
      strategy: 'forward-backward',
    },
    diagnostics: [],
  };
}

/** The ChainProgram of a planned model with a discrete chain, or E5001 naming why the runtime cannot run it. */
export function lowerChainProgram(outcome: PlanOutcome): PhaseResult<ChainProgram> {
  return lowerOrReport(outcome, lower);
}
