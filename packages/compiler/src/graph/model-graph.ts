/**
 * The model IR (`ModelGraph`): the random variables of a checked model, one factor per `~`
 * statement, and the parent → child dependencies between variables, each labelled with HOW the
 * parent enters the child's distribution (selected by a latent, affine, through a link, as a
 * scale divisor, as the previous step of a chain …). Later phases read only this IR and the
 * checked model it points into; nothing here is mutated after `makeModelGraph` returns.
 */
import type { Expr, NodeId, SampleStmt, Span, VarRole } from '@emforge/dsl';
import type { DistributionSpec } from '@emforge/runtime';
import type { CheckedModel } from '../check/check-model.js';
import type { ValueType } from '../check/value-type.js';

/** A `for` loop a statement sits in. */
export interface Plate {
  /** The id of the `ForStmt`. */
  readonly id: NodeId;
  /** The loop variable (`n`). */
  readonly index: string;
  /** The size the loop runs up to (`N`, or `T` for `for t in 1..T[s]`), if it is a size. */
  readonly size?: string;
  /** The range as written (`N`, `1..T[s]`). */
  readonly range: string;
  /** True when the bound is a ragged size (`T[s]`). */
  readonly ragged: boolean;
  /** True when the loop starts after 0 (`1..T[s]`). */
  readonly offset: boolean;
}

/**
 * How a variable enters one argument of a factor.
 * - `direct`: the argument is the variable or an element of it by plate indices (`weights`, `rate[k]`).
 * - `selected`: an element chosen by a discrete latent (`mu[z[n]]`: mu selected by z).
 * - `selector`: a discrete latent choosing an element of another variable (`z` in `mu[z[n]]`).
 * - `previous-step`: the child's own chain at an earlier index selecting the element (`h` in `trans[h[s][t-1]]`).
 * - `affine`: the argument is affine in the variable (`mu + W * f[n]`: affine in mu, W and f).
 * - `linear-predictor`: enters through a dot/matrix product, optionally behind a link (`logistic(dot(X[n], beta[z[n]]))`).
 * - `scale-divisor`: divides (or multiplies) a scale or covariance (`u` in `Sigma / u[n]`).
 * - `scaled`: a scale or covariance divided or multiplied by another variable (`Sigma` in `Sigma / u[n]`).
 * - `expression`: any other expression of the variable (`[0.5 + theta/4, …]`, `nu / 2`, `exp(eta[n])`).
 */
export type UseKind =
  | 'direct'
  | 'selected'
  | 'selector'
  | 'previous-step'
  | 'affine'
  | 'linear-predictor'
  | 'scale-divisor'
  | 'scaled'
  | 'expression';

export interface VariableUse {
  readonly variable: string;
  readonly kind: UseKind;
  /** For `selected`: the latents choosing the element (`['z']` for `mu[z[n]]`). */
  readonly selectors: readonly string[];
  /** For `selector` / `previous-step`: the variable whose element is chosen. */
  readonly selects?: string;
  /** A link function the variable's contribution passes through (`logistic`, `exp`, `softmax`). */
  readonly link?: string;
  /** The smallest sub-expression that shows the use (`mu[z[n]]`, `W * f[n]`), printed and located. */
  readonly text: string;
  readonly span: Span;
}

/** One argument of a factor's distribution. */
export interface FactorArgument {
  /** The distribution's parameter name (`mean`, `cov`, `p`). */
  readonly name: string;
  readonly expr: Expr;
  readonly text: string;
  /** Every variable the argument depends on, with how; lets are looked through. */
  readonly uses: readonly VariableUse[];
}

/** One `~` statement. */
export interface Factor {
  /** The id of the `Sample` statement. */
  readonly id: NodeId;
  readonly stmt: SampleStmt;
  /** The variable on the left of `~`. */
  readonly child: string;
  readonly childRole: VarRole;
  /** The target as written (`h[s][t]`). */
  readonly target: string;
  /** The target's index expressions, outermost first, printed (`['s', 't']`). */
  readonly indices: readonly string[];
  readonly plates: readonly Plate[];
  /** The distribution's name (`MvNormal`). */
  readonly family: string;
  readonly distribution: DistributionSpec;
  readonly args: readonly FactorArgument[];
  /** True when the child is a param: the factor is a prior. */
  readonly prior: boolean;
}

/** A declared data, param or latent variable. */
export interface RandomVariable {
  readonly name: string;
  readonly role: VarRole;
  /** The declaration as written after the name (`[N]: real[D]?`). */
  readonly declared: string;
  /** The checker's type (array dims then element shape); absent after a type error. */
  readonly type?: ValueType;
  readonly arrayRank: number;
  /** For a discrete variable: its number of categories (`K`), printed. */
  readonly categories?: string;
  /** `TYPE?`: some entries may be missing. */
  readonly optional: boolean;
  /** The distinct plates the variable's `~` statements sit in, outermost first. */
  readonly plates: readonly Plate[];
  /** The ids of the factors whose child it is, in source order (the HMM's h has two). */
  readonly factors: readonly NodeId[];
  /** The families of those factors, in the same order. */
  readonly families: readonly string[];
  readonly span: Span;
}

/** A parent → child edge: the parent appears in an argument of a factor of the child. */
export interface Dependency {
  readonly parent: string;
  readonly child: string;
  readonly factor: NodeId;
  readonly kind: UseKind;
}

export interface ModelGraph {
  readonly name: string;
  /** Every declared variable, in declaration order. */
  readonly variables: ReadonlyMap<string, RandomVariable>;
  /** Every factor, in source order, by statement id. */
  readonly factors: ReadonlyMap<NodeId, Factor>;
  readonly dependencies: readonly Dependency[];
  /** The checked model the graph was built from (the AST and the side tables). */
  readonly checked: CheckedModel;
}
