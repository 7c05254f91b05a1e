/**
 * Distributions for `m.sample(target, dist.Normal(mu, sd))`. A `Distribution` is the
 * right-hand side of `~`, not an expression, so it cannot be used in arithmetic. The typed
 * entries are the required set of LANGUAGE.md with their arities; `dist.named` reaches any
 * other distribution in the registry (the checker validates the name and arguments).
 */
import type { Span } from '../diagnostics/span.js';
import { callSite } from './call-site.js';
import { checkExprLike, type ExprLike } from './expressions.js';
import { checkName } from './names.js';

/** `Name(args)` on the right of `~`. */
export class Distribution {
  /** @internal */
  constructor(
    readonly name: string,
    readonly args: readonly ExprLike[],
    /** @internal */
    readonly site: Span,
  ) {}
}

function named(name: string, ...args: ExprLike[]): Distribution {
  const site = callSite();
  checkName(name, 'distribution');
  for (const a of args) checkExprLike(a);
  return new Distribution(name, args, site);
}

export const dist = {
  /** `Categorical(p)`: a category, p: simplex[K] */
  Categorical: (p: ExprLike): Distribution => named('Categorical', p),
  /** `Bernoulli(p)`: 0/1, p: prob */
  Bernoulli: (p: ExprLike): Distribution => named('Bernoulli', p),
  /** `Binomial(n, p)`: a count ≤ n */
  Binomial: (n: ExprLike, p: ExprLike): Distribution => named('Binomial', n, p),
  /** `Multinomial(n, p)`: counts summing to n, p: simplex[K] */
  Multinomial: (n: ExprLike, p: ExprLike): Distribution => named('Multinomial', n, p),
  /** `Poisson(rate)` */
  Poisson: (rate: ExprLike): Distribution => named('Poisson', rate),
  /** `Normal(mean, sd)`: sd is a standard deviation */
  Normal: (mean: ExprLike, sd: ExprLike): Distribution => named('Normal', mean, sd),
  /** `MvNormal(mean, cov)` */
  MvNormal: (mean: ExprLike, covariance: ExprLike): Distribution => named('MvNormal', mean, covariance),
  /** `Exponential(rate)` */
  Exponential: (rate: ExprLike): Distribution => named('Exponential', rate),
  /** `Gamma(shape, rate)` */
  Gamma: (shape: ExprLike, rate: ExprLike): Distribution => named('Gamma', shape, rate),
  /** `Beta(a, b)` */
  Beta: (a: ExprLike, b: ExprLike): Distribution => named('Beta', a, b),
  /** `Dirichlet(alpha)`: alpha a positive vector or a positive scalar (symmetric) */
  Dirichlet: (alpha: ExprLike): Distribution => named('Dirichlet', alpha),
  /** `StudentT(nu, mean, sd)` */
  StudentT: (nu: ExprLike, mean: ExprLike, sd: ExprLike): Distribution => named('StudentT', nu, mean, sd),
  /** `MvStudentT(nu, mean, scale)` */
  MvStudentT: (nu: ExprLike, mean: ExprLike, scale: ExprLike): Distribution => named('MvStudentT', nu, mean, scale),
  /** `LogNormal(mu, sd)` */
  LogNormal: (mu: ExprLike, sd: ExprLike): Distribution => named('LogNormal', mu, sd),
  /** `InvWishart(nu, scale)`: a prior for a covariance */
  InvWishart: (nu: ExprLike, scale: ExprLike): Distribution => named('InvWishart', nu, scale),
  /** Any other distribution of the registry, by the name written in models. */
  named,
} as const;
