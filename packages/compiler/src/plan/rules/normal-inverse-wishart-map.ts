/**
 * Normal-inverse-Wishart prior on a Gaussian component, written as the pair
 *
 *   Sigma[k] ~ InvWishart(nu, Psi)
 *   mu[k] ~ MvNormal(m0, Sigma[k] / kappa)
 *
 * where mu and Sigma are the mean and covariance of the same MvNormal likelihood factors,
 * selected by the same latents (or both tied). Both params get the joint posterior mode in
 * closed form, from N = Σ_n r[n,k], x̄ = Σ_n r[n,k] x[n] / N, S = Σ_n r[n,k] (x[n] − x̄)(x[n] − x̄)ᵀ:
 *
 *   mu[k]    = (kappa m0 + N x̄) / (kappa + N)
 *   Sigma[k] = (Psi + S + kappa N / (kappa + N) (x̄ − m0)(x̄ − m0)ᵀ) / (nu + N + D + 2)
 *
 * This is the mode of the JOINT log posterior in (mu, Sigma), which is what EM maximises: its
 * log|Sigma| coefficient is −(N + 1 + nu + D + 1)/2 — N from the likelihood, 1 from the
 * MvNormal prior on mu (its covariance is Sigma / kappa), nu + D + 1 from the InvWishart — so
 * the denominator is nu + N + D + 2. (The mode of Sigma's marginal posterior, with mu
 * integrated out, would have nu + N + D + 1 instead.) Neither update needs the other's
 * current value, so the pair is an exact joint maximiser of Q + log prior.
 */
import { printExpr } from '@emforge/dsl';
import type { Occurrence } from '../../analysis/graph-queries.js';
import { formatDim } from '../../check/value-type.js';
import type { Factor } from '../../graph/model-graph.js';
import { element, isTopLevelSum, weightedSum, weightTotal } from './notation.js';
import type { ParamContext, UpdateRule } from './update-rule.js';

interface NiwPair {
  /** The MvNormal likelihood factors' occurrences of the param being planned. */
  readonly likelihood: readonly Occurrence[];
  readonly muPrior: Factor;
  readonly sigmaPrior: Factor;
  readonly mu: string;
  readonly sigma: string;
}

const selectorKey = (o: Occurrence) => (o.use.kind === 'selected' ? o.use.selectors.join(',') : '');

/** Whether `cov` is `Sigma[indices] / divisor`, the divisor free of params and latents (data or constants). */
function covOverConstant(ctx: ParamContext, prior: Factor, sigma: string): boolean {
  const cov = prior.args.find((a) => a.name === 'cov');
  if (cov?.expr.kind !== 'Binary' || cov.expr.op !== '/') return false;
  const indexed = prior.indices.length > 0 ? `${sigma}${prior.indices.map((i) => `[${i}]`).join('')}` : sigma;
  if (printExpr(cov.expr.left) !== indexed) return false;
  const others = cov.uses.filter((u) => u.variable !== sigma);
  if (others.some((u) => ctx.graph.variables.get(u.variable)?.role !== 'data')) return false;
  // Sigma appears only as the numerator.
  return cov.uses.filter((u) => u.variable === sigma).every((u) => u.text === cov.text || u.text === indexed);
}

/** The size each index of a prior's target runs over (`mu[k]` in `for k in K` → ['K']). */
const indexSizes = (f: Factor) => f.indices.map((i) => f.plates.find((p) => p.index === i)?.size ?? `?${i}`);

function findPair(ctx: ParamContext): NiwPair | undefined {
  const prior = ctx.prior;
  if (!prior) return undefined;
  const name = ctx.param.name;
  const priorOf = (v: string) => [...ctx.graph.factors.values()].find((f) => f.prior && f.child === v);
  let mu: string;
  let sigma: string;
  if (prior.family === 'InvWishart') {
    sigma = name;
    const inPrior = ctx.occurrences.filter((o) => o.factor.prior);
    if (inPrior.length !== 1 || inPrior[0]!.factor.family !== 'MvNormal' || inPrior[0]!.arg.name !== 'cov')
      return undefined;
    mu = inPrior[0]!.factor.child;
  } else if (prior.family === 'MvNormal') {
    mu = name;
    const cov = prior.args.find((a) => a.name === 'cov');
    const params = (cov?.uses ?? []).filter((u) => ctx.graph.variables.get(u.variable)?.role === 'param');
    if (params.length !== 1) return undefined;
    sigma = params[0]!.variable;
  } else return undefined;
  const muPrior = priorOf(mu);
  const sigmaPrior = priorOf(sigma);
  if (muPrior?.family !== 'MvNormal' || sigmaPrior?.family !== 'InvWishart') return undefined;
  // One prior per element of both, over the same sizes (the loop names may differ).
  if (indexSizes(muPrior).join(',') !== indexSizes(sigmaPrior).join(',')) return undefined;
  if (!covOverConstant(ctx, muPrior, sigma)) return undefined;
  if (
    (muPrior.args.find((a) => a.name === 'mean')?.uses ?? []).some(
      (u) => ctx.graph.variables.get(u.variable)?.role !== 'data',
    )
  )
    return undefined;
  // The likelihood: every factor with mu or Sigma is an MvNormal with mu[sel] as its mean and Sigma[sel] as its cov.
  const likelihood = [...ctx.graph.factors.values()].filter(
    (f) => !f.prior && f.args.some((a) => a.uses.some((u) => u.variable === mu || u.variable === sigma)),
  );
  if (likelihood.length === 0) return undefined;
  for (const f of likelihood) {
    if (f.family !== 'MvNormal') return undefined;
    const slot = (arg: string, v: string) => {
      const a = f.args.find((x) => x.name === arg);
      const uses = a?.uses.filter((u) => u.variable === v) ?? [];
      const use = uses[0];
      if (!a || uses.length !== 1 || !use || use.text !== a.text) return undefined;
      return use.kind === 'selected' ? use.selectors.join(',') : use.kind === 'direct' ? '' : undefined;
    };
    const m = slot('mean', mu);
    const s = slot('cov', sigma);
    if (m === undefined || s === undefined || m !== s) return undefined;
    if (f.args.some((a) => a.name !== 'mean' && a.uses.some((u) => u.variable === mu))) return undefined;
    if (f.args.some((a) => a.name !== 'cov' && a.uses.some((u) => u.variable === sigma))) return undefined;
  }
  const own = ctx.occurrences.filter((o) => !o.factor.prior);
  if (own.length !== likelihood.length) return undefined;
  if (new Set(own.map(selectorKey)).size !== 1) return undefined;
  return { likelihood: own, muPrior, sigmaPrior, mu, sigma };
}

const wrap = (text: string) => (isTopLevelSum(text) ? `(${text})` : text);

export const normalInverseWishartMap: UpdateRule = {
  id: 'normal-inverse-wishart-map',
  update: 'closed-form-map',
  matches:
    'the mean and covariance of MvNormal factors with a normal-inverse-Wishart prior: Sigma ~ InvWishart(nu, Psi), mu ~ MvNormal(m0, Sigma / kappa)',
  match(ctx) {
    const pair = findPair(ctx);
    const first = pair?.likelihood[0];
    if (!pair || !first) return undefined;
    const arg = (f: Factor, n: string) => wrap(f.args.find((a) => a.name === n)?.text ?? n);
    const m0 = arg(pair.muPrior, 'mean');
    const covText = pair.muPrior.args.find((a) => a.name === 'cov')?.expr;
    const kappa = covText?.kind === 'Binary' ? wrap(printExpr(covText.right)) : 'kappa';
    const nu = arg(pair.sigmaPrior, 'nu');
    const psi = arg(pair.sigmaPrior, 'scale');
    const child = ctx.graph.variables.get(first.factor.child)?.type;
    const last = child?.shape[child.shape.length - 1];
    const d = last ? formatDim(last) : 'D';
    const k = first.use.kind === 'selected' ? '[k]' : '';
    const total = weightTotal(first);
    const sum = weightedSum(first, first.factor.target);
    const isMu = ctx.param.name === pair.mu;
    const where = `N${k} = ${total}, x̄${k} = ${sum} / N${k}`;
    const formula = isMu
      ? `${element(first, pair.mu)} = (${kappa} · ${m0} + ${sum}) / (${kappa} + N${k}), where N${k} = ${total}`
      : `${element(first, pair.sigma)} = (${psi} + S${k} + ${kappa} N${k} / (${kappa} + N${k}) (x̄${k} − ${m0})(x̄${k} − ${m0})ᵀ) / (${nu} + N${k} + ${d} + 2), where ${where}, S${k} = ${weightedSum(first, `(${first.factor.target} − x̄${k})(${first.factor.target} − x̄${k})ᵀ`)}`;
    return {
      reason: `${isMu ? 'mean' : 'covariance'} of MvNormal with the normal-inverse-Wishart prior on (${pair.mu}, ${pair.sigma}): the joint posterior mode in closed form`,
      formula,
      statistics: [
        { name: 'total weight', formula: total },
        { name: 'weighted sum', formula: sum },
        {
          name: 'weighted scatter',
          formula: weightedSum(first, `(${first.factor.target} − x̄${k})(${first.factor.target} − x̄${k})ᵀ`),
        },
        {
          name: 'prior pseudo-statistics',
          formula: `${pair.sigmaPrior.target} ~ InvWishart(${pair.sigmaPrior.args.map((a) => a.text).join(', ')}), ${pair.muPrior.target} ~ MvNormal(${pair.muPrior.args.map((a) => a.text).join(', ')})`,
        },
      ],
    };
  },
};
