/**
 * The numeric M-step of the mixture executor (generalized EM / ECM): the params of the `numeric`
 * rule maximise
 *   Q(θ) = Σ_f Σ_s Σ_i r[i, s] · log p_f(x_i | args_{i,s}(θ)) + Σ log prior(θ)
 * over the factors f whose arguments depend on them, at the responsibilities of the last E-step
 * (all ones without latents: then this is direct maximum likelihood, or MAP with priors). The
 * closed-form params were updated before, with their own rules (ECM). A param that is a
 * canonical-link GLM in a linear predictor (newton.ts: Bernoulli / Binomial with logistic,
 * Poisson with exp, of `dot(X[n], beta[…])`) is updated first by Newton / IRLS; the others, as
 * one block, in an unconstrained parameterisation (em/unconstrained.ts: log for positive, logit
 * for prob, additive log-ratio for simplex, log-Cholesky for cov) with L-BFGS from the current
 * value; the gradient is reverse-mode AD over the argument tapes (tape.ts) seeded by the family
 * derivatives (family-gradients.ts, MvNormal included), chained through the transforms
 * (`chainElement`). Either step is accepted only if Q does not decrease (Newton halves its step
 * until it does not; the L-BFGS line search only takes ascent steps, and its result is checked
 * against the starting value, which is kept otherwise).
 */
import type { EmStepContext } from '../em/em-driver.js';
import { numericRule } from '../em/fit-program.js';
import { constantValues, type Mixture, type MixtureParam } from '../em/mixture.js';
import { transforms } from '../em/unconstrained.js';
import { cholesky } from '../math/cholesky.js';
import { sampleStdNormal } from '../random/continuous.js';
import type { RandomStream } from '../random/stream.js';
import { argumentGradients, childGradients, type Seed, vectorChildGradients } from './family-gradients.js';
import { lbfgsMaximize } from './lbfgs.js';
import { glmBlocks, newtonGlm } from './newton.js';
import { backward, clearAdjoints, forward } from './tape.js';

/** One numeric param's place in the unconstrained vector. */
interface Block {
  readonly p: MixtureParam;
  /** Unconstrained values per element. */
  readonly m: number;
  readonly start: number;
}

export interface NumericObjective {
  /** The free numeric params and their places in u. */
  readonly blocks: readonly Block[];
  readonly length: number;
  /** Q(θ(u)) (+ log prior); writes ∂Q/∂u into grad when given. Leaves θ(u) in the live values. */
  evaluate(u: Float64Array, grad?: Float64Array): number;
  /** The unconstrained coordinates of the live values. */
  current(): Float64Array;
}

/**
 * The value a numeric param starts each run from: an array of elements (one per component,
 * `beta[K]`) gets standard-normal unconstrained coordinates drawn from the run's stream, so the
 * components differ from the start (the first E-step then separates them; their initial M-step is
 * skipped, see `numericMStep`); a single element gets real 0, positive 1, prob ½, simplex uniform.
 */
export function resetNumericParams(mix: Mixture, rng: RandomStream): void {
  for (const p of mix.params) {
    if (p.spec.rule !== numericRule) continue;
    if (p.dims.length > 0 && p.spec.element !== 'cov') {
      const t = transforms[p.spec.element];
      const u = new Float64Array(t.free(p.elementSize));
      for (let e = 0; e < p.elements; e++) {
        for (let j = 0; j < u.length; j++) u[j] = sampleStdNormal(rng);
        t.inverse(u, p.values.subarray(e * p.elementSize, (e + 1) * p.elementSize));
      }
      continue;
    }
    switch (p.spec.element) {
      case 'positive':
        p.values.fill(1);
        break;
      case 'prob':
        p.values.fill(0.5);
        break;
      case 'simplex':
        p.values.fill(1 / p.elementSize);
        break;
      case 'cov':
        p.values.fill(0);
        for (let e = 0; e < p.elements; e++) {
          const d = p.shape[0]!;
          for (let i = 0; i < d; i++) p.values[e * p.elementSize + i * d + i] = 1;
        }
        break;
      default:
        p.values.fill(0);
    }
  }
}

/** ∂Q/∂u from ∂Q/∂x for one element (the inverse transform's Jacobian, transposed). */
function chainElement(element: string, x: Float64Array, gx: Float64Array, gu: Float64Array): void {
  switch (element) {
    case 'positive':
      for (let j = 0; j < gu.length; j++) gu[j] = gx[j]! * x[j]!;
      return;
    case 'prob':
      for (let j = 0; j < gu.length; j++) gu[j] = gx[j]! * x[j]! * (1 - x[j]!);
      return;
    case 'simplex': {
      let inner = 0;
      for (let k = 0; k < x.length; k++) inner += gx[k]! * x[k]!;
      for (let j = 0; j < gu.length; j++) gu[j] = x[j]! * (gx[j]! - inner);
      return;
    }
    case 'cov': {
      // Σ = L Lᵀ with u = (L_ij for j < i, log L_ii), row by row: dQ/dL = (G + Gᵀ) L, and the
      // diagonal's coordinate is log L_ii, so its derivative is multiplied by L_ii.
      const d = Math.round(Math.sqrt(x.length));
      const l = x.slice();
      if (!cholesky(l, d)) {
        gu.fill(Number.NaN);
        return;
      }
      let k = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let m = j; m < d; m++) s += (gx[i * d + m]! + gx[m * d + i]!) * l[m * d + j]!;
          gu[k++] = i === j ? s * l[i * d + i]! : s;
        }
      }
      return;
    }
    default:
      gu.set(gx.subarray(0, gu.length));
  }
}

/** A prior on a numeric param: its log density and its derivative (per entry, or per vector element). */
interface PriorTerm {
  readonly p: MixtureParam;
  readonly logDensity: (x: number | Float64Array, e: number) => number;
  /** Scalar arguments and ∂/∂x of a scalar family. */
  readonly args: readonly number[];
  readonly d?: (x: number, args: readonly number[]) => number;
  /** Vector arguments and the derivative of a multivariate family, added into `out`. */
  readonly values?: readonly Float64Array[];
  readonly vector?: (x: Float64Array, args: readonly Float64Array[], out: Float64Array) => void;
}

/** Q and its gradient over the free numeric params (`fixed` ones are held). */
export function numericObjective(mix: Mixture, fixed?: ReadonlySet<string>): NumericObjective {
  const grads = mix.grads ?? new Map<string, Float64Array>();
  let start = 0;
  const blocks: Block[] = [];
  for (const p of mix.params) {
    if (p.spec.rule !== numericRule || fixed?.has(p.spec.name)) continue;
    const m = transforms[p.spec.element].free(p.elementSize);
    blocks.push({ p, m, start });
    start += m * p.elements;
  }
  const free = new Set(blocks.map((b) => b.p.spec.name));
  const factors = mix.factors.filter((f) =>
    f.tapes?.some((row) => row.some((t) => t?.hasParam && t.nodes.some((v) => v.grad))),
  );
  const { n, S, resp } = mix;
  const scratch = new Float64Array(n * S);
  const priors = blocks.flatMap(({ p }): PriorTerm[] => {
    if (!p.prior || !p.spec.prior) return [];
    const values = p.spec.prior.args.map((a) => constantValues(a, mix.sizes, mix.inputs));
    const vector = vectorChildGradients[p.spec.prior.family];
    if (vector) return [{ p, args: [], values, vector, logDensity: p.prior.logDensity }];
    const args = values.map((v) => v[0]!);
    const d = childGradients[p.spec.prior.family];
    if (!d) throw new Error(`no derivative for the prior family ${p.spec.prior.family}`);
    return [{ p, args, d, logDensity: p.prior.logDensity }];
  });

  const setValues = (u: Float64Array): boolean => {
    for (const { p, m, start: at } of blocks) {
      const t = transforms[p.spec.element];
      for (let e = 0; e < p.elements; e++) {
        const uk = u.subarray(at + e * m, at + (e + 1) * m);
        if (!t.inverse(uk, p.values.subarray(e * p.elementSize, (e + 1) * p.elementSize))) return false;
      }
    }
    return true;
  };

  const evaluate = (u: Float64Array, grad?: Float64Array): number => {
    if (!setValues(u)) return Number.NEGATIVE_INFINITY;
    let q = 0;
    scratch.fill(0);
    for (const f of factors) {
      for (let s = 0; s < S; s++) {
        for (const tape of f.tapes![s]!) if (tape && tape.out.op !== 'leaf') forward(tape, n);
        f.kernel(scratch, S, s, n, f.child[s]!, f.args[s]!, mix.work);
      }
    }
    for (let i = 0; i < n * S; i++) {
      const r = resp[i]!;
      if (r > 0) q += r * scratch[i]!;
    }
    for (const { p, logDensity } of priors) {
      for (let e = 0; e < p.elements; e++) {
        const x =
          p.spec.shape.length === 0 ? p.values[e]! : p.values.subarray(e * p.elementSize, (e + 1) * p.elementSize);
        q += logDensity(x, e);
      }
    }
    if (Number.isNaN(q)) q = Number.NEGATIVE_INFINITY;
    if (!grad || !Number.isFinite(q)) return q;
    for (const name of free) grads.get(name)!.fill(0);
    for (const f of factors) {
      const gradient = argumentGradients[f.spec.family];
      if (!gradient) throw new Error(`no derivative for the family ${f.spec.family}`);
      for (let s = 0; s < S; s++) {
        const row = f.tapes![s]!;
        const seeds: (Seed | undefined)[] = row.map((tape) => {
          if (!tape?.hasParam) return undefined;
          clearAdjoints(tape);
          return { adj: tape.out.adj, perItem: tape.out.perItem, size: tape.out.size };
        });
        gradient(f.child[s]!, f.args[s]!, seeds, n, resp, S, s);
        for (const tape of row) if (tape?.hasParam) backward(tape, n);
      }
    }
    for (const prior of priors) {
      const { p } = prior;
      const g = grads.get(p.spec.name)!;
      if (prior.vector) {
        for (let e = 0; e < p.elements; e++) {
          const range = [e * p.elementSize, (e + 1) * p.elementSize] as const;
          prior.vector(p.values.subarray(...range), prior.values ?? [], g.subarray(...range));
        }
        continue;
      }
      for (let j = 0; j < p.values.length; j++) g[j]! += prior.d!(p.values[j]!, prior.args);
    }
    for (const { p, m, start: at } of blocks) {
      const g = grads.get(p.spec.name)!;
      for (let e = 0; e < p.elements; e++) {
        const range = [e * p.elementSize, (e + 1) * p.elementSize] as const;
        chainElement(
          p.spec.element,
          p.values.subarray(...range),
          g.subarray(...range),
          grad.subarray(at + e * m, at + (e + 1) * m),
        );
      }
    }
    return q;
  };

  const current = (): Float64Array => {
    const u = new Float64Array(start);
    for (const { p, m, start: at } of blocks) {
      const t = transforms[p.spec.element];
      for (let e = 0; e < p.elements; e++) {
        t.forward(
          p.values.subarray(e * p.elementSize, (e + 1) * p.elementSize),
          u.subarray(at + e * m, at + (e + 1) * m),
        );
      }
    }
    return u;
  };

  return { blocks, length: start, evaluate, current };
}

/** Newton steps per M-step for a GLM block when there are latents (a generalized-EM step). */
export const newtonStepsWithLatents = 1;

/**
 * The numeric block of one M-step. First every GLM param (newton.ts: canonical-link Bernoulli,
 * Binomial or Poisson on `dot(X[n], beta[…])`) by Newton / IRLS, each step halved until Q does
 * not decrease: with latents ONE Newton step per M-step (Lange's EM gradient algorithm, which
 * has the local convergence rate of EM itself: iterating Newton to round-off at responsibilities
 * the next E-step replaces cost a mixture of logistic regressions ~7 Newton steps per M-step for
 * the same number of EM iterations), without latents Newton to convergence (direct maximum
 * likelihood or MAP in one M-step). Then the remaining numeric params together by L-BFGS on Q
 * from the current values (the GLM params held: ECM), accepted only if Q does not decrease (else
 * the current values are kept, with a warning); L-BFGS runs to convergence. During
 * initialisation (iteration 0) only single-element params are optimised.
 */
export function numericMStep(mix: Mixture, ctx: EmStepContext, fixed?: ReadonlySet<string>): void {
  // At initialisation (random responsibilities) arrays of elements keep their random start.
  const held = new Set(fixed);
  if (ctx.iteration === 0) for (const p of mix.params) if (p.dims.length > 0) held.add(p.spec.name);
  for (const block of glmBlocks(mix).blocks) {
    const name = block.param.spec.name;
    if (!held.has(name)) newtonGlm(mix, block, mix.S > 1 ? { maxIter: newtonStepsWithLatents } : {});
    held.add(name);
  }
  const objective = numericObjective(mix, held);
  if (objective.length === 0) return;
  const saved = objective.blocks.map(({ p }) => p.values.slice());
  const u0 = objective.current();
  const q0 = objective.evaluate(u0);
  const result = lbfgsMaximize((u, g) => objective.evaluate(u, g), u0, { maxIter: 100 });
  const q1 = objective.evaluate(result.x);
  const restore = () => {
    for (const [k, { p }] of objective.blocks.entries()) p.values.set(saved[k]!);
  };
  if (!(q1 >= q0) && Number.isFinite(q0)) {
    restore();
    ctx.warn(
      `iteration ${ctx.iteration}: the numeric M-step of ${objective.blocks.map((b) => `'${b.p.spec.name}'`).join(', ')} found no increase of the expected complete-data log-likelihood; kept the current values`,
    );
    return;
  }
  if (!Number.isFinite(q1)) {
    restore();
    ctx.warn(
      `iteration ${ctx.iteration}: the numeric M-step of ${objective.blocks.map((b) => `'${b.p.spec.name}'`).join(', ')} reached no finite value; kept the current values`,
    );
  }
}
