/**
 * Shared matching and notation for rules: "the param is exactly the `p` argument of
 * Categorical factors, possibly selected by latents", and how to write sums, posterior
 * weights and elements in the model's own names (`Σ_n r[n,k] x[n]`).
 */
import type { Occurrence } from '../../analysis/graph-queries.js';
import type { Factor } from '../../graph/model-graph.js';
import type { ParamContext } from './update-rule.js';

/**
 * The occurrences when the param is, in every likelihood factor, exactly the argument
 * `parameter` of a `family` factor (`rate[z[n]]`, `weights`), and no other argument of those
 * factors depends on it; otherwise undefined.
 */
export function matchSlot(ctx: ParamContext, family: string, parameter: string): Occurrence[] | undefined {
  if (ctx.occurrences.length === 0) return undefined;
  for (const o of ctx.occurrences) {
    if (o.factor.family !== family || o.arg.name !== parameter) return undefined;
    if (o.use.kind !== 'direct' && o.use.kind !== 'selected') return undefined;
    if (o.use.text !== o.arg.text) return undefined;
  }
  return [...ctx.occurrences];
}

/** The same, when the prior (if any) is ignored by the caller: no prior allowed. */
export function matchSlotWithoutPrior(ctx: ParamContext, family: string, parameter: string): Occurrence[] | undefined {
  return ctx.prior ? undefined : matchSlot(ctx, family, parameter);
}

/** `Σ_n`, `Σ_{s,t}`: the sum over a factor's plates. */
export function plateSum(f: Factor): string {
  const idx = f.plates.map((p) => p.index);
  if (idx.length === 0) return '';
  return idx.length === 1 ? `Σ_${idx[0]} ` : `Σ_{${idx.join(',')}} `;
}

/** The element of the param an occurrence updates: `mu[k]` when selected, else the name. */
export function element(o: Occurrence, name: string): string {
  return o.use.kind === 'selected' ? `${name}[k]` : name;
}

/**
 * The posterior weight of the factor's item for state k of the selecting latents:
 * `r[n,k]` (enumeration), `γ[s,t,k]` (a chain), or nothing (no latent selects).
 */
export function weight(o: Occurrence): string {
  if (o.use.kind !== 'selected') return '';
  const idx = o.factor.plates.map((p) => p.index).join(',');
  return `q(${o.use.selectors.join(',')})[${idx ? `${idx},` : ''}k] `;
}

/** `Σ_n q(z)[n,k] y[n]`: a weighted sum of some statistic of the child. */
export function weightedSum(o: Occurrence, statistic: string): string {
  return `${plateSum(o.factor)}${weight(o)}${statistic}`.trim();
}

/** `Σ_n q(z)[n,k]` (or the count of items when no latent selects). */
export function weightTotal(o: Occurrence): string {
  const w = weight(o).trim();
  return w ? `${plateSum(o.factor)}${w}`.trim() : `${plateSum(o.factor)}1`.trim();
}

/** The child as written, in expectation when it is latent: `y[n]`, `E[z[n]]`. */
export function childValue(ctx: ParamContext, o: Occurrence): string {
  return ctx.graph.variables.get(o.factor.child)?.role === 'latent' ? `E[${o.factor.target}]` : o.factor.target;
}

/** "selected by z" / "shared across items" for reasons. */
export function howIndexed(o: Occurrence): string {
  return o.use.kind === 'selected' ? `one per state of ${o.use.selectors.join(', ')}` : 'shared by all items (tied)';
}

/** `x[n] − mu[k]`, `x[n] − C * f[n]`, or `x[n] − (mu + W * f[n])` when the mean is a sum. */
export function residual(target: string, mean: string): string {
  return `${target} − ${isTopLevelSum(mean) ? `(${mean})` : mean}`;
}

/** Whether a printed expression has a `+` or binary `-` outside brackets and parentheses. */
export function isTopLevelSum(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && (c === '+' || c === '-') && text[i - 1] === ' ' && text[i + 1] === ' ') return true;
  }
  return false;
}

/**
 * The index expressions through which latents select the param's element in a `selected`
 * use: `['z[n]']` for `mu[z[n]]`, `['h[s][t - 1]']` for `trans[h[s][t - 1]]`.
 */
export function selectorTexts(o: Occurrence): string[] {
  if (o.use.kind !== 'selected') return [];
  const text = o.use.text.slice(o.use.variable.length);
  const groups: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') {
      if (depth === 0) start = i + 1;
      depth++;
    } else if (c === ']') {
      depth--;
      if (depth === 0 && start >= 0) groups.push(text.slice(start, i));
    }
  }
  return groups.filter((g) => o.use.selectors.some((s) => g.startsWith(`${s}[`) || g === s));
}

/** A printed expression at state k of the selecting latents: `mu[z[n]]` → `mu[k]`. */
export function atState(text: string, o: Occurrence): string {
  let out = text;
  for (const s of selectorTexts(o)) out = out.split(`[${s}]`).join('[k]');
  return out;
}

/**
 * The expected count statistic of a categorical child for state m: `y[n]` data gives
 * `q(z)[n,k] 1{y[n] = m}`; a latent child gives its posterior probability, jointly with the
 * selecting latent when there is one (`E[1{h[s][t - 1] = k, h[s][t] = m}]`, the pairwise
 * marginal of a chain).
 */
export function expectedCount(ctx: ParamContext, o: Occurrence): string {
  const latentChild = ctx.graph.variables.get(o.factor.child)?.role === 'latent';
  if (!latentChild) return weightedSum(o, `1{${o.factor.target} = m}`);
  const selectors = selectorTexts(o);
  const event = [...selectors.map((s) => `${s} = k`), `${o.factor.target} = m`].join(', ');
  return `${plateSum(o.factor)}E[1{${event}}]`.trim();
}

/**
 * The child as it enters a statistic: `x[n]` for observed data, `E[x[n]]` when it is (partly)
 * unobserved — a latent, or data whose entries may be missing.
 */
export function childInExpectation(ctx: ParamContext, o: Occurrence): string {
  const child = ctx.graph.variables.get(o.factor.child);
  return child && (child.role === 'latent' || child.optional) ? `E[${o.factor.target}]` : o.factor.target;
}

/** Whether a statistic of this factor involves unobserved values: a latent or partly missing child, or a continuous latent in its arguments. */
export function involvesUnobserved(ctx: ParamContext, o: Occurrence): boolean {
  const child = ctx.graph.variables.get(o.factor.child);
  if (child && (child.role === 'latent' || child.optional)) return true;
  return o.factor.args.some((a) =>
    a.uses.some(
      (u) =>
        ctx.graph.variables.get(u.variable)?.role === 'latent' &&
        u.kind !== 'selector' &&
        u.kind !== 'previous-step' &&
        u.kind !== 'scale-divisor',
    ),
  );
}
