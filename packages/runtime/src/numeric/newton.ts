/**
 * Newton / IRLS for the numeric M-step of a GLM block: a `numeric` param β (`beta[K]: real[P]`)
 * that enters the likelihood only through one statement of a GLM family with its canonical link
 * on a linear predictor of a data row and a row of β,
 *   y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))
 *   y[n] ~ Binomial(m[n], logistic(dot(X[n], beta[z[n]])))
 *   y[n] ~ Poisson(exp(dot(X[n], beta[z[n]])))
 * optionally with a Normal (scalar constants) or MvNormal (constant mean and covariance) prior on
 * its elements. Q(β) then separates over β's elements (components), and for each element e
 *   Q_e(β) = Σ_{s → e} Σ_i r[i, s] (y_i η_is − t_i b(η_is)) + log prior(β),   η_is = x_iᵀ β,
 * with b the log-partition (softplus, or exp), is concave with the cheap Hessian
 *   −H = −Σ r[i, s] Var(y_i | η_is) x_i x_iᵀ − Λ_prior,   Var = t μ(1 − μ) or μ,
 * so each Newton step (IRLS) β ← β + (Xᵀ W X + Λ)⁻¹ (Xᵀ (r ⊙ (y − μ)) − Λ (β − m)) is one P×P
 * Cholesky solve (a small ridge is added if the weighted Hessian is singular). Every step is
 * halved until Q_e does not decrease, so the generalized-EM acceptance holds step by step; the
 * iteration runs to convergence (a Newton step below round-off of β) or a cap.
 * `glmBlocks` recognises such params from the FitProgram's expressions (anything else keeps
 * L-BFGS, with the reason); the result is cached per mixture. Hot loops allocate nothing.
 */
import { type NumericExpr, numericRule } from '../em/fit-program.js';
import { constantValues, type Mixture, type MixtureParam } from '../em/mixture.js';
import type { ArgView } from '../kernels/arg-view.js';
import { cholesky, inverseFromCholesky, solveCholesky } from '../math/cholesky.js';
import type { TapeNode } from './tape.js';

/** The GLM families with the argument that carries the mean and its canonical inverse link. */
const glmFamilies: Readonly<Record<string, { readonly arg: number; readonly link: 'logistic' | 'exp' }>> = {
  Bernoulli: { arg: 0, link: 'logistic' },
  Binomial: { arg: 1, link: 'logistic' },
  Poisson: { arg: 0, link: 'exp' },
};

/** One joint latent state's contribution to one element of β. */
interface GlmState {
  readonly s: number;
  readonly x: ArgView;
  readonly y: ArgView;
  /** The number of trials (Binomial). */
  readonly trials?: ArgView;
}

/** A param updated by Newton: its family, its states per element, its prior as mean and precision. */
export interface GlmBlock {
  readonly param: MixtureParam;
  readonly family: 'Bernoulli' | 'Binomial' | 'Poisson';
  /** Per element of the param: the states whose linear predictor reads it. */
  readonly elements: readonly (readonly GlmState[])[];
  /** A Gaussian prior: its mean (P) and precision (P×P), the same for every element. */
  readonly prior?: { readonly mean: Float64Array; readonly precision: Float64Array };
  /** Scratch: gradient, negative Hessian, its factor, the step, the trial value. */
  readonly work: {
    readonly g: Float64Array;
    readonly h: Float64Array;
    readonly l: Float64Array;
    readonly d: Float64Array;
    readonly trial: Float64Array;
    readonly start: Float64Array;
  };
}

export interface GlmPlan {
  /** The numeric params Newton updates. */
  readonly blocks: readonly GlmBlock[];
  /** For every other numeric param: why it keeps L-BFGS. */
  readonly lbfgs: ReadonlyMap<string, string>;
}

const planned = new WeakMap<Mixture, GlmPlan>();

/** The params a numeric expression reads. */
function exprParams(e: NumericExpr, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'param':
      out.add(e.name);
      break;
    case 'unary':
      exprParams(e.operand, out);
      break;
    case 'sum':
    case 'softmax':
      exprParams(e.operand, out);
      break;
    case 'binary':
    case 'dot':
      exprParams(e.left, out);
      exprParams(e.right, out);
      break;
    case 'vector':
      for (const x of e.elements) exprParams(x, out);
      break;
    default:
  }
  return out;
}

/**
 * Why the param is not a GLM block, or undefined when it is: `link(dot(data row, param row))` (either
 * order) as the mean argument of a GLM family with the canonical link, in no other statement.
 */
function glmObstacle(mix: Mixture, p: MixtureParam): string | undefined {
  const name = p.spec.name;
  const uses: { f: number; a: number }[] = [];
  for (const [fi, f] of mix.program.factors.entries()) {
    for (const [ai, a] of f.args.entries()) {
      const reads =
        a.source.kind === 'param'
          ? a.source.name === name
          : a.source.kind === 'expression' && exprParams(a.source.expr).has(name);
      if (reads) uses.push({ f: fi, a: ai });
    }
  }
  if (uses.length !== 1) return `it appears in ${uses.length} arguments, not in one linear predictor`;
  const { f, a } = uses[0]!;
  const factor = mix.program.factors[f]!;
  const glm = glmFamilies[factor.family];
  if (!glm) return `${factor.family} is not a GLM family with a canonical link (Bernoulli, Binomial, Poisson)`;
  if (a !== glm.arg) return `it is not in the mean argument of ${factor.family}`;
  if (p.spec.element !== 'real' || p.shape.length !== 1) return 'it is not a vector of reals';
  if (factor.child.kind !== 'data' || !factor.child.atItem) return 'the response is not data at the item';
  const source = factor.args[a]!.source;
  const text = `${glm.link}(dot(X[n], ${name}[…]))`;
  if (source.kind !== 'expression') return `the argument is not ${text}`;
  const e = source.expr;
  if (e.kind !== 'unary' || e.op !== glm.link || e.operand.kind !== 'dot')
    return `the argument is not the canonical inverse link ${glm.link} of a dot product`;
  const { left, right } = e.operand;
  const [param, data] = left.kind === 'param' ? [left, right] : [right, left];
  if (
    param.kind !== 'param' ||
    param.name !== name ||
    data.kind !== 'data' ||
    !data.atItem ||
    data.selectors.length > 0
  )
    return `the linear predictor is not dot(a data row, a row of ${name})`;
  for (const [k, other] of factor.args.entries()) {
    if (k === a) continue;
    if (other.source.kind === 'param' || other.source.kind === 'expression')
      return `another argument of ${factor.family} depends on params`;
  }
  const prior = p.spec.prior;
  if (prior && prior.family !== 'Normal' && prior.family !== 'MvNormal')
    return `its ${prior.family} prior is not Gaussian`;
  if (prior?.covarianceOf) return 'its prior covariance is another param';
  return undefined;
}

/** The prior's mean and precision, for a Normal (scalar) or MvNormal (vector, matrix) prior. */
function gaussianPrior(mix: Mixture, p: MixtureParam): GlmBlock['prior'] {
  const prior = p.spec.prior;
  if (!prior) return undefined;
  const P = p.elementSize;
  const args = prior.args.map((a) => constantValues(a, mix.sizes, mix.inputs));
  const mean = new Float64Array(P);
  const precision = new Float64Array(P * P);
  if (prior.family === 'Normal') {
    const m = args[0]!;
    const sd = args[1]!;
    for (let j = 0; j < P; j++) {
      mean[j] = m[m.length === 1 ? 0 : j]!;
      precision[j * P + j] = 1 / sd[sd.length === 1 ? 0 : j]! ** 2;
    }
    return { mean, precision };
  }
  mean.set(args[0]!.length === 1 ? new Float64Array(P).fill(args[0]![0]!) : args[0]!);
  const l = args[1]!.slice();
  if (l.length !== P * P || !cholesky(l, P))
    throw new Error(`the prior covariance of '${p.spec.name}' is not positive definite`);
  inverseFromCholesky(l, P, precision, new Float64Array(P));
  return { mean, precision };
}

/** The Newton blocks of a mixture (cached): which numeric params Newton updates, why the others not. */
export function glmBlocks(mix: Mixture): GlmPlan {
  const cached = planned.get(mix);
  if (cached) return cached;
  const blocks: GlmBlock[] = [];
  const lbfgs = new Map<string, string>();
  for (const p of mix.params) {
    if (p.spec.rule !== numericRule) continue;
    const obstacle = glmObstacle(mix, p);
    if (obstacle) {
      lbfgs.set(p.spec.name, obstacle);
      continue;
    }
    const fi = mix.program.factors.findIndex((f) =>
      f.args.some((a) => a.source.kind === 'expression' && exprParams(a.source.expr).has(p.spec.name)),
    );
    const f = mix.factors[fi]!;
    const family = f.spec.family as GlmBlock['family'];
    const arg = glmFamilies[family]!.arg;
    const elements: GlmState[][] = Array.from({ length: p.elements }, () => []);
    let bad: string | undefined;
    for (let s = 0; s < mix.S; s++) {
      const tape = f.tapes?.[s]?.[arg];
      const leaf = tape?.nodes.find((v): v is TapeNode => v.op === 'leaf' && v.grad !== undefined);
      const x = tape?.nodes.find((v) => v.op === 'leaf' && v.step > 0);
      if (!leaf || !x || leaf.size !== p.elementSize || x.size !== p.elementSize) {
        bad = 'its linear predictor does not read one element of it per state';
        break;
      }
      const y = f.child[s]!;
      if (y.size !== 1) {
        bad = 'the response is not one number per item';
        break;
      }
      const state: GlmState = family === 'Binomial' ? { s, x, y, trials: f.args[s]![0]! } : { s, x, y };
      elements[leaf.offset / p.elementSize]!.push(state);
    }
    if (bad) {
      lbfgs.set(p.spec.name, bad);
      continue;
    }
    const P = p.elementSize;
    const prior = gaussianPrior(mix, p);
    blocks.push({
      param: p,
      family,
      elements,
      ...(prior ? { prior } : {}),
      work: {
        g: new Float64Array(P),
        h: new Float64Array(P * P),
        l: new Float64Array(P * P),
        d: new Float64Array(P),
        trial: new Float64Array(P),
        start: new Float64Array(P),
      },
    });
  }
  const plan = { blocks, lbfgs };
  planned.set(mix, plan);
  return plan;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const logistic = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * Q_e at β (without the constants of the family: log m!/(y!(m−y)!), log y!), and when `g` is given
 * its gradient into g and the negative Hessian into h (lower triangle and upper, symmetric).
 */
function elementQ(
  mix: Mixture,
  block: GlmBlock,
  e: number,
  beta: Float64Array,
  g?: Float64Array,
  h?: Float64Array,
): number {
  const { n, S, resp } = mix;
  const P = beta.length;
  const bernoulli = block.family !== 'Poisson';
  let q = 0;
  if (g && h) {
    g.fill(0);
    h.fill(0);
  }
  for (const { s, x, y, trials } of block.elements[e]!) {
    for (let i = 0; i < n; i++) {
      const r = resp[i * S + s]!;
      if (r === 0) continue;
      const yi = y.values[y.offset + i * y.step]!;
      if (Number.isNaN(yi)) continue;
      const xo = x.offset + i * x.step;
      let eta = 0;
      for (let j = 0; j < P; j++) eta += x.values[xo + j]! * beta[j]!;
      const t = trials ? trials.values[trials.offset + i * trials.step]! : 1;
      q += r * (yi * eta - (bernoulli ? t * softplus(eta) : Math.exp(eta)));
      if (!g || !h) continue;
      let mu: number;
      let v: number;
      if (bernoulli) {
        const pi = logistic(eta);
        mu = t * pi;
        v = t * pi * (1 - pi);
      } else {
        mu = Math.exp(eta);
        v = mu;
      }
      const gr = r * (yi - mu);
      const w = r * v;
      for (let j = 0; j < P; j++) {
        const xj = x.values[xo + j]!;
        g[j]! += gr * xj;
        const wx = w * xj;
        for (let k = 0; k <= j; k++) h[j * P + k]! += wx * x.values[xo + k]!;
      }
    }
  }
  const prior = block.param.prior;
  if (prior) q += prior.logDensity(beta, e);
  if (g && h) {
    const pr = block.prior;
    if (pr) {
      for (let j = 0; j < P; j++) {
        let s = 0;
        for (let k = 0; k < P; k++) s += pr.precision[j * P + k]! * (beta[k]! - pr.mean[k]!);
        g[j]! -= s;
        for (let k = 0; k <= j; k++) h[j * P + k]! += pr.precision[j * P + k]!;
      }
    }
    for (let j = 0; j < P; j++) for (let k = 0; k < j; k++) h[k * P + j] = h[j * P + k]!;
  }
  return Number.isNaN(q) ? Number.NEGATIVE_INFINITY : q;
}

export interface NewtonOptions {
  /** Newton iterations per element and M-step (default 50; it usually converges in a handful). */
  readonly maxIter?: number;
  /** Called after every accepted step with the element and Q_e before and after (for tests). */
  readonly trace?: (e: number, before: number, after: number) => void;
}

export interface NewtonOutcome {
  /** Newton steps taken, summed over elements. */
  readonly steps: number;
  /** True when every element reached the decrement tolerance. */
  readonly converged: boolean;
}

/**
 * Newton / IRLS on every element of a GLM block from its live value, at the responsibilities in
 * `mix.resp`; updates the live values in place. Q never decreases: a step is halved until it does
 * not lower Q_e, and the element stays where it is when 40 halvings do not help.
 */
export function newtonGlm(mix: Mixture, block: GlmBlock, options: NewtonOptions = {}): NewtonOutcome {
  const { param: p, work } = block;
  const { g, h, l, d, trial, start } = work;
  const P = p.elementSize;
  const maxIter = options.maxIter ?? 50;
  let steps = 0;
  let converged = true;
  for (let e = 0; e < p.elements; e++) {
    const beta = p.values.subarray(e * P, (e + 1) * P);
    let done = false;
    for (let iter = 0; iter < maxIter && !done; iter++) {
      const q0 = elementQ(mix, block, e, beta, g, h);
      if (!Number.isFinite(q0)) break;
      // Solve H d = g; a ridge (relative to the diagonal) when H is singular (an empty component).
      let scale = 0;
      for (let j = 0; j < P; j++) scale = Math.max(scale, h[j * P + j]!);
      let ok = false;
      for (let ridge = 0, tries = 0; tries < 20 && !ok; tries++) {
        l.set(h);
        ok = cholesky(l, P, ridge);
        ridge = ridge === 0 ? 1e-12 * Math.max(scale, 1) : ridge * 10;
      }
      if (!ok) break;
      d.set(g);
      solveCholesky(l, P, d);
      // Converged when the Newton step is below round-off of β; a small step (well inside the
      // quadratic regime) that does not raise Q only meets round-off of Q: stop there too.
      let size = 0;
      for (let j = 0; j < P; j++) size = Math.max(size, Math.abs(d[j]!) / (1 + Math.abs(beta[j]!)));
      if (!(size > 1e-14)) {
        done = true;
        break;
      }
      const small = size < 1e-8;
      start.set(beta);
      let step = 1;
      let accepted = false;
      for (let halvings = 0; halvings < (small ? 1 : 40); halvings++) {
        for (let j = 0; j < P; j++) trial[j] = start[j]! + step * d[j]!;
        const q1 = elementQ(mix, block, e, trial);
        if (q1 >= q0) {
          beta.set(trial);
          accepted = true;
          steps++;
          options.trace?.(e, q0, q1);
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        done = small;
        break;
      }
    }
    if (!done) converged = false;
  }
  return { steps, converged };
}

/** Q summed over a block's elements (without the family constants), for tests and diagnostics. */
export function glmBlockQ(mix: Mixture, block: GlmBlock): number {
  const P = block.param.elementSize;
  let q = 0;
  for (let e = 0; e < block.param.elements; e++)
    q += elementQ(mix, block, e, block.param.values.subarray(e * P, (e + 1) * P));
  return q;
}
