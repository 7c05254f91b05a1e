/**
 * Lowers a mean-field plan to the runtime's `MeanFieldProgram` (runtime/src/mean-field/). The
 * one form so far is latent Dirichlet allocation:
 *
 *   for d in Docs {
 *     theta[d] ~ Dirichlet(alpha)                       // alpha: a number, data, or a positive[K] param
 *     for i in Len[d] {
 *       z[d][i] ~ Categorical(theta[d])
 *       w[d][i] ~ Categorical(topics[z[d][i]])          // topics[K]: simplex[V] param, w: cat[V] data
 *     }
 *   }
 *
 * with documents of any lengths (`Len[Docs]` ragged, or a plain size). Anything else of a
 * mean-field plan — another statement, a prior, a shape the runtime does not know — is one
 * E5001 naming the obstacle.
 */
import { type Expr, type PhaseResult, printExpr } from '@emforge/dsl';
import {
  type Concentration,
  type DeclaredParam,
  type DimEntry,
  isTypeBase,
  type MeanFieldProgram,
  type Program,
} from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';
import type { Factor, ModelGraph } from '../graph/model-graph.js';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { lowerOrReport, Unsupported } from './unsupported.js';

/** The plans of interacting conjugate-exponential latents: some latent is `mean-field`. */
export function takesMeanField(plan: InferencePlan): boolean {
  return plan.latents.some((l) => l.strategy === 'mean-field');
}

const ldaShape =
  "LDA: 'theta[d] ~ Dirichlet(alpha)', 'z[d][i] ~ Categorical(theta[d])', 'w[d][i] ~ Categorical(topics[z[d][i]])'";

function argument(f: Factor, name: string): Expr {
  const a = f.args.find((x) => x.name === name);
  if (!a) throw new Unsupported(`'${f.target} ~ ${f.family}' has no argument '${name}'`, f.stmt.span);
  return a.expr;
}

/** `name[i1][i2]…` with the given index names, exactly. */
function isIndexed(e: Expr, name: string, indices: readonly string[]): boolean {
  let node = e;
  const seen: string[] = [];
  while (node.kind === 'Index') {
    if (node.indices.length !== 1 || node.indices[0]?.kind !== 'NameRef') return false;
    seen.unshift(node.indices[0].name);
    node = node.target;
  }
  return node.kind === 'NameRef' && node.name === name && seen.join() === indices.join();
}

function exprDim(e: Expr, what: string): DimEntry {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'NumberLit') return e.value;
  throw new Unsupported(`${what} has a dimension the runtime cannot resolve`, e.span);
}

function declaredParam(name: string, checked: CheckedModel): DeclaredParam {
  const symbol = checked.symbols.vars.get(name);
  if (!symbol) throw new Unsupported(`param '${name}' has no declaration`);
  const decl = symbol.decl;
  const element = decl.type.name.name;
  if (!isTypeBase(element)) throw new Unsupported(`param '${name}' has the unknown type '${element}'`, decl.span);
  const shape = decl.type.args.map((e) => exprDim(e, `param '${name}'`));
  return { name, dims: decl.dims.map((e) => exprDim(e, `param '${name}'`)), element, shape };
}

/** The number of categories of a discrete variable (`cat[K]`). */
function categories(graph: ModelGraph, name: string): DimEntry {
  const v = graph.variables.get(name)!;
  const states = v.type?.categories;
  if (!states || (states.kind !== 'size' && states.kind !== 'const'))
    throw new Unsupported(`'${name}' must be cat[…] with a known number of categories`, v.span);
  return states.kind === 'size' ? states.name : states.value;
}

/** The Dirichlet concentration: a number, data, or a param (whole). */
function concentration(e: Expr, checked: CheckedModel): Concentration {
  if (e.kind === 'NumberLit') return { kind: 'constant', value: e.value };
  const symbol = e.kind === 'NameRef' ? checked.references.get(e.id) : undefined;
  if (symbol?.kind === 'var' && symbol.role === 'data') return { kind: 'data', name: symbol.name };
  if (symbol?.kind === 'var' && symbol.role === 'param') return { kind: 'param', name: symbol.name };
  throw new Unsupported(
    `the Dirichlet concentration '${printExpr(e)}' must be a number, data or a param, whole (not an expression)`,
    e.span,
  );
}

function lower(outcome: Required<Pick<PlanOutcome, 'plan' | 'graph' | 'checked'>>): MeanFieldProgram {
  const { plan, graph, checked } = outcome;
  const latents = new Set(plan.latents.map((l) => l.name));
  let thetaFactor: Factor | undefined;
  let zFactor: Factor | undefined;
  let wFactor: Factor | undefined;
  for (const f of graph.factors.values()) {
    if (f.prior)
      throw new Unsupported(
        `the prior '${f.target} ~ ${f.family}(…)' (MAP) is not supported with mean-field EM`,
        f.stmt.span,
      );
    if (f.family === 'Dirichlet' && latents.has(f.child) && !thetaFactor) thetaFactor = f;
    else if (f.family === 'Categorical' && latents.has(f.child) && !zFactor) zFactor = f;
    else if (f.family === 'Categorical' && f.childRole === 'data' && !wFactor) wFactor = f;
    else throw new Unsupported(`the statement '${f.target} ~ ${f.family}(…)' is not part of ${ldaShape}`, f.stmt.span);
  }
  if (!thetaFactor || !zFactor || !wFactor)
    throw new Unsupported(`the mean-field runtime runs ${ldaShape}; this model is not of that form`);
  if (latents.size !== 2) throw new Unsupported(`the mean-field runtime runs ${ldaShape}, with two latents`);
  const docPlate = thetaFactor.plates[0];
  if (!docPlate?.size || thetaFactor.plates.length !== 1 || docPlate.ragged || docPlate.offset)
    throw new Unsupported(`'${thetaFactor.target}' must be one item of a plate over documents`, thetaFactor.stmt.span);
  const d = docPlate.index;
  for (const f of [zFactor, wFactor]) {
    const [outer, inner] = f.plates;
    if (f.plates.length !== 2 || outer?.index !== d || !inner || inner.offset || !inner.size)
      throw new Unsupported(
        `'${f.target}' must be one word of a document: for ${d} in … { for i in Len[${d}] { … } }`,
        f.stmt.span,
      );
  }
  const wordPlate = zFactor.plates[1]!;
  const i = wordPlate.index;
  if (wFactor.plates[1]?.index !== i || wFactor.plates[1]?.size !== wordPlate.size)
    throw new Unsupported(
      `'${wFactor.target}' and '${zFactor.target}' must be in the same word loop`,
      wFactor.stmt.span,
    );
  const theta = thetaFactor.child;
  const z = zFactor.child;
  if (!isIndexed(argument(zFactor, 'p'), theta, [d]))
    throw new Unsupported(`the topic '${zFactor.target}' must be Categorical(${theta}[${d}])`, zFactor.stmt.span);
  if (!zFactor.indices.every((x, j) => x === [d, i][j]) || zFactor.indices.length !== 2)
    throw new Unsupported(`the topic latent must be '${z}[${d}][${i}]'`, zFactor.stmt.span);
  if (!wFactor.indices.every((x, j) => x === [d, i][j]) || wFactor.indices.length !== 2)
    throw new Unsupported(`the word must be '${wFactor.child}[${d}][${i}]'`, wFactor.stmt.span);
  const p = argument(wFactor, 'p');
  const selector = p.kind === 'Index' ? p.indices[0] : undefined;
  if (
    p.kind !== 'Index' ||
    p.indices.length !== 1 ||
    p.target.kind !== 'NameRef' ||
    !selector ||
    !isIndexed(selector, z, [d, i])
  )
    throw new Unsupported(
      `the word distribution '${printExpr(p)}' must be a param chosen by the topic, as in 'topics[${z}[${d}][${i}]]'`,
      p.span,
    );
  const topicWord = p.target.name;
  const alpha = concentration(argument(thetaFactor, 'alpha'), checked);
  const roles = new Set([topicWord, ...(alpha.kind === 'param' ? [alpha.name] : [])]);
  for (const q of plan.params) {
    if (!roles.has(q.name))
      throw new Unsupported(
        `param '${q.name}' is not the topic–word distributions or the Dirichlet concentration of LDA`,
        checked.symbols.vars.get(q.name)?.decl.span,
      );
  }
  const params = plan.params.map((q) => declaredParam(q.name, checked));
  const tw = params.find((q) => q.name === topicWord);
  if (tw?.element !== 'simplex' || tw.dims.length !== 1 || tw.shape.length !== 1)
    throw new Unsupported(
      `param '${topicWord}' must be declared '${topicWord}[K]: simplex[V]'`,
      checked.symbols.vars.get(topicWord)?.decl.span,
    );
  const K = categories(graph, z);
  const V = categories(graph, wFactor.child);
  if (alpha.kind === 'param') {
    const a = params.find((q) => q.name === alpha.name)!;
    if (a.element !== 'positive' || a.dims.length !== 0 || a.shape.length !== 1)
      throw new Unsupported(
        `param '${alpha.name}' must be declared '${alpha.name}: positive[K]'`,
        checked.symbols.vars.get(alpha.name)?.decl.span,
      );
  }
  const data = graph.variables.get(wFactor.child)!;
  if (data.optional) throw new Unsupported(`data '${data.name}' may have missing entries`, data.span);
  const statements = [thetaFactor, zFactor, wFactor].map(
    (f) => `${f.target} ~ ${f.family}(${f.args.map((a) => a.text).join(', ')})`,
  );
  return {
    kind: 'mean-field',
    form: 'lda',
    model: plan.model,
    documents: { index: d, size: docPlate.size },
    words: { index: i, lengths: wordPlate.size! },
    observed: data.name,
    vocabulary: V,
    proportions: theta,
    topic: z,
    topics: K,
    alpha,
    topicWord,
    params,
    objective: 'elbo',
    strategy: 'mean-field',
    statements,
  };
}

/** The MeanFieldProgram of a planned model, or E5001 naming why the runtime cannot run it. */
export function lowerMeanFieldProgram(outcome: PlanOutcome): PhaseResult<Program> {
  return lowerOrReport(outcome, (planned) => ({ value: lower(planned), diagnostics: [] }));
}
