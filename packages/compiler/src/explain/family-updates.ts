/**
 * Fallback M-step formulas for `explain`, one entry per (family, argument): used only when the
 * plan carries no formula for a param (the update rules in plan/rules/ normally provide it).
 * Written with a posterior weight `w` (the responsibility of the param's state, or 1), the
 * child `x` and the sum over items `Σ`; `explain` fills in the model's names.
 */

export interface UpdateSlots {
  /** The element updated (`rate[k]`, `Sigma`). */
  readonly param: string;
  /** The weight of one item (`r[n,k]`, or empty). */
  readonly w: string;
  /** The sum over items (`Σ_n`). */
  readonly sum: string;
  /** The child of the factor (`y[n]`). */
  readonly x: string;
  /** The other arguments of the factor, printed, by parameter name. */
  readonly args: Readonly<Record<string, string>>;
}

type Template = (s: UpdateSlots) => string;

const total = (s: UpdateSlots) => `${s.sum} ${s.w || '1'}`;
const weighted = (s: UpdateSlots, of: string) => `${s.sum} ${s.w ? `${s.w} ` : ''}${of}`;

export const familyUpdates: ReadonlyMap<string, Template> = new Map<string, Template>([
  ['Categorical.p', (s) => `${s.param}[c] = ${weighted(s, `1{${s.x} = c}`)} / ${total(s)}`],
  ['Bernoulli.p', (s) => `${s.param} = ${weighted(s, s.x)} / ${total(s)}`],
  ['Binomial.p', (s) => `${s.param} = ${weighted(s, s.x)} / ${weighted(s, s.args.n ?? 'n')}`],
  ['Multinomial.p', (s) => `${s.param} = ${weighted(s, s.x)} / ${weighted(s, `sum(${s.x})`)}`],
  ['Poisson.rate', (s) => `${s.param} = ${weighted(s, s.x)} / ${total(s)}`],
  ['Exponential.rate', (s) => `${s.param} = ${total(s)} / ${weighted(s, s.x)}`],
  ['Gamma.rate', (s) => `${s.param} = ${s.args.shape ?? 'shape'} ${total(s)} / ${weighted(s, s.x)}`],
  ['Normal.mean', (s) => `${s.param} = ${weighted(s, s.x)} / ${total(s)}`],
  ['Normal.sd', (s) => `${s.param} = sqrt( ${weighted(s, `(${s.x} − ${s.args.mean ?? 'mean'})²`)} / ${total(s)} )`],
  ['MvNormal.mean', (s) => `${s.param} = ${weighted(s, s.x)} / ${total(s)}`],
  [
    'MvNormal.cov',
    (s) =>
      `${s.param} = ${weighted(s, `(${s.x} − ${s.args.mean ?? 'mean'})(${s.x} − ${s.args.mean ?? 'mean'})ᵀ`)} / ${total(s)}`,
  ],
]);
