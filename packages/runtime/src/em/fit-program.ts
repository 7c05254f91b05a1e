/**
 * The `FitProgram`: what the EM runtime executes for a model whose latents are all finite and
 * independent per item (plan strategy `enumerate`). Plain JSON-serialisable data, no closures:
 * the compiler lowers an inference plan to it (`lowerFitProgram`), the runtime runs it
 * (`fitProgram`), and the code generator will print the same structure. Sizes stay symbolic
 * (`'K'`, or a literal length) and are resolved against the bound data at fit time.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { TypeBase } from '../distributions/type-pattern.js';

/**
 * A constant argument: a number, a vector literal, `zeros(D)` / `ones(D)` / `eye(D)` of a size,
 * a size itself (`D`), a whole data variable (`m0`, `Psi`, `nu`: constant during the fit), or
 * arithmetic of those (`D + 2`, `0.5 * eye(D)`, `nu / 2`, `-1`): a small expression tree,
 * evaluated once the sizes and data are bound (`constantValues`). Arithmetic is elementwise; a
 * scalar operand broadcasts over a vector / matrix one.
 */
export type ConstantValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'vector'; readonly values: readonly number[] }
  | { readonly kind: 'fill'; readonly fn: 'zeros' | 'ones' | 'eye'; readonly size: DimEntry }
  | { readonly kind: 'size'; readonly name: string }
  /** A whole data variable; `scalar` when it is declared as one number (`data nu: positive`). */
  | { readonly kind: 'data'; readonly name: string; readonly scalar: boolean }
  | { readonly kind: 'neg'; readonly operand: ConstantValue }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '^';
      readonly left: ConstantValue;
      readonly right: ConstantValue;
    };

/** True when the constant is one number (not a vector or matrix, even of length one). */
export function isScalarConstant(c: ConstantValue): boolean {
  switch (c.kind) {
    case 'number':
    case 'size':
      return true;
    case 'data':
      return c.scalar;
    case 'neg':
      return isScalarConstant(c.operand);
    case 'binary':
      return isScalarConstant(c.left) && isScalarConstant(c.right);
    default:
      return false;
  }
}

/**
 * Where one distribution argument (or a factor's child) takes its value from, per item and
 * per joint latent state.
 * - `param`: a param; `selectors` are the latents choosing its element, in index order
 *   (`mu[z[n]]` → ['z']; none for a tied / unindexed param).
 * - `data`: a data variable, either at the item index (`X[n]`, `y[n]`: `atItem`) or whole
 *   (`nu`), optionally with elements chosen by latents (`merge[z[n]]`).
 * - `constant`: a literal.
 * - `state`: the state index of a latent of the group (`z[n]` itself).
 */
export type ValueSource =
  | { readonly kind: 'param'; readonly name: string; readonly selectors: readonly string[] }
  | { readonly kind: 'data'; readonly name: string; readonly atItem: boolean; readonly selectors: readonly string[] }
  | { readonly kind: 'constant'; readonly value: ConstantValue }
  | { readonly kind: 'state'; readonly latent: string }
  /** Arithmetic and functions of params, data and constants, evaluated per item and state (numeric/). */
  | { readonly kind: 'expression'; readonly expr: NumericExpr; readonly text: string };

/** The elementwise functions of a `NumericExpr` (`neg` is unary minus). */
export type NumericUnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'logistic' | 'softplus' | 'log1p';

/**
 * An expression of a factor's argument the runtime evaluates per item and per joint latent state,
 * vectorised over items, and differentiates in reverse mode (packages/runtime/src/numeric/).
 * Leaves are the value sources a plain argument can be; arithmetic is elementwise with a scalar
 * broadcasting over a vector; `dot` and `sum` reduce a vector to a scalar; `vector` stacks scalars.
 */
export type NumericExpr =
  | { readonly kind: 'constant'; readonly value: ConstantValue }
  | { readonly kind: 'param'; readonly name: string; readonly selectors: readonly string[] }
  | { readonly kind: 'data'; readonly name: string; readonly atItem: boolean; readonly selectors: readonly string[] }
  | { readonly kind: 'unary'; readonly op: NumericUnaryOp; readonly operand: NumericExpr }
  | {
      readonly kind: 'binary';
      readonly op: '+' | '-' | '*' | '/' | '^';
      readonly left: NumericExpr;
      readonly right: NumericExpr;
    }
  | { readonly kind: 'dot'; readonly left: NumericExpr; readonly right: NumericExpr }
  | { readonly kind: 'sum'; readonly operand: NumericExpr }
  | { readonly kind: 'softmax'; readonly operand: NumericExpr }
  | { readonly kind: 'vector'; readonly elements: readonly NumericExpr[] };

/** One `~` statement inside the item plate (a latent's own factor or an observation). */
export interface FitFactor {
  /** The distribution's name as written (`MvNormal`). */
  readonly family: string;
  /** The left of `~`: a data variable at the item (`atItem`) or a latent's state. */
  readonly child: ValueSource;
  /** The distribution's arguments, positional, with their parameter names (`mean`, `cov`). */
  readonly args: readonly { readonly name: string; readonly source: ValueSource }[];
  /** The statement as written, for messages (`x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])`). */
  readonly text: string;
}

/** A finite latent of the group: `z[N]: cat[K]` has `states: 'K'`. */
export interface FitLatent {
  readonly name: string;
  readonly states: DimEntry;
}

/** A prior statement on a param, applied to each of its elements: family and constant arguments. */
export interface FitPrior {
  readonly family: string;
  readonly args: readonly ConstantValue[];
  readonly text: string;
  /**
   * For the mean's prior of a normal-inverse-Wishart pair (`mu[k] ~ MvNormal(m0, Sigma[k] / kappa)`):
   * the covariance param (`Sigma`), whose same element divided by `args[1]` (kappa) is the prior's
   * covariance; `args` are then [m0, kappa].
   */
  readonly covarianceOf?: string;
}

export interface FitParam extends DeclaredParam {
  /**
   * The M-step rule id: a key of `closedFormUpdates`, or `family-mle:<Family>` (a key of
   * `familyMleUpdates`) when every argument of the param's factor is a param updated jointly by
   * the family's exact weighted MLE, or `numeric` (`numericRule`): no closed form, the expected
   * complete-data log-likelihood (plus log prior) is maximised numerically (numeric/numeric-m-step.ts).
   */
  readonly rule: string;
  /** The factor (index into `factors`) and argument whose value the param is. */
  readonly factor: number;
  readonly argument: string;
  /**
   * Further statements the param is an argument of (`a1[n] ~ Categorical(p)` and
   * `a2[n] ~ Categorical(p)`): their expected counts are pooled with the first one's. Only for
   * the categorical-probability rules.
   */
  readonly alsoIn?: readonly { readonly factor: number; readonly argument: string }[];
  readonly prior?: FitPrior;
}

/** The rule id of a param updated by the numeric M-step. */
export const numericRule = 'numeric';

/** A param as declared: what every program kind records of it (for init, fixed, AIC/BIC, output). */
export interface DeclaredParam {
  readonly name: string;
  /** Array dims (before the colon), outermost first: `mu[K]` → ['K']. */
  readonly dims: readonly DimEntry[];
  /** The element type's base and shape: `cov[D]` → 'cov', ['D', 'D']; `simplex[K]` → ['K']. */
  readonly element: TypeBase;
  readonly shape: readonly DimEntry[];
}

/**
 * What every executable program has, whatever its E-step: the runtime dispatches on `kind`
 * (program.ts); the CLI and the API read only these fields.
 */
export interface ProgramBase {
  /** Absent or `mixture` for a `FitProgram`; each other executor has its own kind. */
  readonly kind?: string;
  readonly model: string;
  readonly params: readonly DeclaredParam[];
  readonly objective: string;
  /** The E-step strategy, for the result. */
  readonly strategy: string;
}

export interface FitProgram extends ProgramBase {
  readonly kind?: 'mixture';
  /** The model's name. */
  readonly model: string;
  /** The item plate: the loop index and the size it runs over (`n` over `N`). */
  readonly plate: { readonly index: string; readonly size: DimEntry };
  /** The latents enumerated jointly per item; S = Π states. Empty for a model without latents. */
  readonly latents: readonly FitLatent[];
  readonly factors: readonly FitFactor[];
  /** In declaration order. */
  readonly params: readonly FitParam[];
  /** `log-likelihood`, or `log-posterior` when some param has a prior. */
  readonly objective: 'log-likelihood' | 'log-posterior';
  /** The E-step strategy, for the result (`enumerate`, or `direct` without latents). */
  readonly strategy: string;
}
