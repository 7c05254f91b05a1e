/**
 * E-step text for discrete latents: exact enumeration (responsibilities by log-sum-exp, over
 * the product space when an item has several latents) and forward–backward over chains (the
 * scaled α/β recursions, the state marginals γ and the pairwise marginals ξ).
 */
import { printExpr } from '@emforge/dsl';
import type { Factor } from '../graph/model-graph.js';
import type { ExplainContext } from './explain-context.js';
import { noiseCovText, offsetText, splitAffine } from './gaussian-parts.js';
import { densityText, freshIndices, product, productOver, type Substitution, sumOver } from './math-text.js';

/** The element of `latent` that its own (first) factor samples, printed (`z[n]`, `h[s][t]`). */
export function ownRef(ctx: ExplainContext, latent: string): string {
  const f = ctx.ownFactors(latent).at(-1);
  return f ? printExpr(f.stmt.target) : latent;
}

/** Source-ordered union of the factors of several latents (own and children). */
export function factorsOfGroup(ctx: ExplainContext, group: readonly string[]): Factor[] {
  const ids = new Set(group.flatMap((g) => [...ctx.ownFactors(g), ...ctx.childFactors(g)].map((f) => f.id)));
  return ctx.factors.filter((f) => ids.has(f.id));
}

/**
 * One factor's density with the latents fixed by `sub`. A child that also depends on a
 * linear-Gaussian latent is written with that latent integrated out (mixtures of factor
 * analysers): `MvNormal(x[n] | mu[k], W[k] W[k]ᵀ + diag(psi²))`.
 */
function termText(
  ctx: ExplainContext,
  f: Factor,
  sub: Substitution,
  group: readonly string[],
  itemPlates: ReadonlySet<string>,
  log = false,
): string {
  const own = group.includes(f.child);
  let text: string;
  const gaussianParent = ctx.plan.latents.find(
    (l) => l.strategy === 'gaussian' && !group.includes(l.name) && ctx.childFactors(l.name).some((c) => c.id === f.id),
  );
  const mean = f.stmt.args[0];
  const parts = gaussianParent && mean ? splitAffine(mean, gaussianParent.name) : undefined;
  if (own) text = densityText(f, sub, sub.get(printExpr(f.stmt.target)));
  else if (parts) {
    const w = parts.coef ? printExpr(parts.coef) : 'I';
    const ws = [...sub].reduce((acc, [from, to]) => acc.split(from).join(to), w);
    const cov = parts.coef ? `${ws} ${ws}ᵀ + ${noiseCovText(ctx, f, sub)}` : `I + ${noiseCovText(ctx, f, sub)}`;
    text = `MvNormal(${printExpr(f.stmt.target)} | ${offsetText(parts, sub)}, ${cov})`;
  } else text = densityText(f, sub);
  const inner = f.plates.filter((p) => !itemPlates.has(p.index));
  const body = log ? `log ${text}` : text;
  if (inner.length === 0) return body;
  return `${inner.map(log ? sumOver : productOver).join(' ')} ${body}`;
}

export function explainEnumerate(ctx: ExplainContext, group: readonly string[]): string {
  const refs = group.map((g) => ownRef(ctx, g));
  const factors = factorsOfGroup(ctx, group);
  const itemPlates = new Set(
    ctx
      .ownFactors(group[0] ?? '')
      .at(0)
      ?.plates.map((p) => p.index) ?? [],
  );
  const letters = freshIndices(ctx.taken, 2 * group.length);
  const states = letters.slice(0, group.length);
  const dummies = letters.slice(group.length);
  const subFor = (idx: readonly string[]): Substitution => new Map(refs.map((r, i) => [r, idx[i] ?? '?']));
  const joint = (idx: readonly string[]) =>
    product(factors.map((f) => termText(ctx, f, subFor(idx), group, itemPlates)));
  const logJoint = (idx: readonly string[]) =>
    factors.map((f) => termText(ctx, f, subFor(idx), group, itemPlates, true)).join(' + ');
  const item = [...itemPlates].join(',');
  const r = `r[${[item, ...states].filter((s) => s !== '').join(',')}]`;
  const event = refs.map((ref, i) => `${ref} = ${states[i]}`).join(', ');
  // The item's data: the children's targets without the indices of their inner plates (`y[n]`, not `y[n][j]`).
  const observed = factors
    .filter((f) => !group.includes(f.child))
    .map((f) => {
      const inner = f.plates.filter((p) => !itemPlates.has(p.index)).map((p) => `[${p.index}]`);
      return inner.reduce((text, idx) => text.split(idx).join(''), printExpr(f.stmt.target));
    });
  const given = observed.length > 0 ? ` | ${[...new Set(observed)].join(', ')}` : '';
  const sumStates = (idx: readonly string[]) => (idx.length === 1 ? `Σ_${idx[0]}` : `Σ_{${idx.join(',')}}`);
  const states0 = group.map((g) => ctx.latentPlan(g)?.states ?? '?');
  const lines = [
    `The posterior of ${refs.join(' and ')} given the item's data is found by visiting every ${
      group.length > 1 ? `combination of states (${states0.join(' × ')} of them)` : `state (${states0[0]} of them)`
    } — the responsibilities:`,
    '',
    '```',
    `${r} = p(${event}${given}) = ${joint(states)} / ${sumStates(dummies)} ${joint(dummies)}`,
    '```',
    '',
    'computed in log space so that nothing underflows:',
    '',
    '```',
    `ℓ[${[item, ...states].filter((s) => s !== '').join(',')}] = ${logJoint(states)}`,
    `log ${r} = ℓ[${[item, ...states].filter((s) => s !== '').join(',')}] − logsumexp_{${dummies.join(',')}} ℓ[${[
      item,
      ...dummies,
    ]
      .filter((s) => s !== '')
      .join(',')}]`,
    '```',
    '',
    `The item's contribution to the observed-data log-likelihood is logsumexp_{${states.join(',')}} ℓ[${[
      item,
      ...states,
    ]
      .filter((s) => s !== '')
      .join(',')}]. Exact.`,
  ];
  return lines.join('\n');
}

export function explainForwardBackward(ctx: ExplainContext, latent: string): string {
  const own = ctx.ownFactors(latent);
  const initial = own.find((f) => f.stmt.args.every((a) => !printExpr(a).includes(`${latent}[`)));
  const transition = own.find((f) => f !== initial);
  const emissions = ctx.childFactors(latent);
  const [k, j] = freshIndices(ctx.taken, 2) as [string, string];
  const chainPlate = transition?.plates.at(-1);
  const t = chainPlate?.index ?? 't';
  const seqPlates = (initial?.plates ?? []).map((p) => p.index);
  const seq = seqPlates.join(',');
  const at = (time: string) => [seq, time].filter((s) => s !== '').join(',');
  const target = transition ? printExpr(transition.stmt.target) : `${latent}[${t}]`;
  const prev = transition
    ? (transition.stmt.args
        .map((a) => printExpr(a))
        .join(' ')
        .match(new RegExp(`${latent}\\[[^\\]]*\\](\\[[^\\]]*\\])*`))?.[0] ?? '')
    : '';
  const init = initial ? densityText(initial, new Map(), k) : '?';
  const trans = transition ? densityText(transition, new Map([[prev, j]]), k) : '?';
  const emit = (state: string, time: string) =>
    product(
      emissions.map((f) =>
        densityText(f, new Map([[target, state]]))
          .split(`[${t}]`)
          .join(`[${time}]`),
      ),
    );
  const last = chainPlate ? `${chainPlate.range.split('..')[1] ?? chainPlate.range}−1` : 'T−1';
  const lines = [
    `${latent} is a first-order chain along ${t}${seqPlates.length > 0 ? `, one chain per ${seqPlates.join(', ')}` : ''}. With the emission term`,
    '',
    '```',
    `b[${at(t)}](${k}) = ${emit(k, t)}`,
    '```',
    '',
    'the scaled forward recursion (c are the scaling constants) is',
    '',
    '```',
    `α[${at('0')}](${k}) = ${init} · b[${at('0')}](${k}) / c[${at('0')}]`,
    `α[${at(t)}](${k}) = ( Σ_${j} α[${at(`${t}−1`)}](${j}) · ${trans} ) · b[${at(t)}](${k}) / c[${at(t)}],   ${t} = 1 … ${last}`,
    '```',
    '',
    `with c[${at(t)}] chosen so that Σ_${k} α[${at(t)}](${k}) = 1, and the backward recursion is`,
    '',
    '```',
    `β[${at(last)}](${j}) = 1`,
    `β[${at(t)}](${j}) = Σ_${k} ${trans} · b[${at(`${t}+1`)}](${k}) · β[${at(`${t}+1`)}](${k}) / c[${at(`${t}+1`)}]`,
    '```',
    '',
    'The posterior state marginals and pairwise marginals are',
    '',
    '```',
    `γ[${at(t)}](${k}) = p(${target} = ${k} | data) = α[${at(t)}](${k}) · β[${at(t)}](${k})`,
    `ξ[${at(t)}](${j},${k}) = p(${prev} = ${j}, ${target} = ${k} | data) = α[${at(`${t}−1`)}](${j}) · ${trans} · b[${at(t)}](${k}) · β[${at(t)}](${k}) / c[${at(t)}]`,
    '```',
    '',
    `and the log-likelihood of a sequence is Σ_{${t}=0}^{${last}} log c[${at(t)}]. Exact.`,
  ];
  return lines.join('\n');
}
