/**
 * E-step text for Gaussian latents: the closed-form posterior moments of a linear-Gaussian
 * latent (factor analysis, PPCA, mixtures of these), the Kalman filter and RTS smoother for a
 * linear-Gaussian chain, and the conditional Gaussian of missing data entries.
 */
import { printExpr } from '@emforge/dsl';
import type { Factor } from '../graph/model-graph.js';
import { ownRef } from './e-step-discrete.js';
import type { ExplainContext } from './explain-context.js';
import { noiseCovText, offsetText, splitAffine } from './gaussian-parts.js';
import { freshIndices, printWith, type Substitution } from './math-text.js';

/** `I` for `eye(L)`, `0` for `zeros(L)`, else the text. */
function simplify(text: string): string {
  if (/^eye\(.*\)$/.test(text)) return 'I';
  if (/^zeros\(.*\)$/.test(text)) return '0';
  return text;
}

/** The enumerated latents whose element selects parameters in these factors (MFA's z). */
function selectingLatents(ctx: ExplainContext, factors: readonly Factor[], self: string): string[] {
  return ctx.plan.latents
    .filter((l) => l.strategy === 'enumerate' && l.name !== self)
    .filter((l) => factors.some((f) => ctx.childFactors(l.name).some((c) => c.id === f.id)))
    .map((l) => l.name);
}

function explainChain(
  ctx: ExplainContext,
  latent: string,
  own: readonly Factor[],
  children: readonly Factor[],
): string {
  const initial = own.find((f) => printExpr(f.stmt.args[0] ?? f.stmt.target).includes(`${latent}[`) === false);
  const transition = own.find((f) => f !== initial);
  const emission = children[0];
  const none: Substitution = new Map();
  const m0 = initial?.stmt.args[0] ? simplify(printExpr(initial.stmt.args[0])) : '?';
  const p0 = initial?.stmt.args[1] ? simplify(printExpr(initial.stmt.args[1])) : '?';
  const transParts = transition?.stmt.args[0] ? splitAffine(transition.stmt.args[0], latent) : undefined;
  const a = transParts?.coef ? printExpr(transParts.coef) : 'I';
  const q = transition ? noiseCovText(ctx, transition, none) : '?';
  const emitParts = emission?.stmt.args[0] ? splitAffine(emission.stmt.args[0], latent) : undefined;
  const c = emitParts?.coef ? printExpr(emitParts.coef) : 'I';
  const r = emission ? noiseCovText(ctx, emission, none) : '?';
  const x = emission ? printExpr(emission.stmt.target) : 'x[t]';
  const t = transition?.plates.at(-1)?.index ?? 't';
  const last = transition?.plates.at(-1)?.range.split('..')[1] ?? 'T';
  const obs = (time: string) => x.split(`[${t}]`).join(`[${time}]`);
  return [
    `${latent} is a linear-Gaussian chain along ${t}: its posterior given all of the data is Gaussian and is computed exactly by the Kalman filter followed by the Rauch–Tung–Striebel smoother. Filter (forward, ${t} = 0 … ${last}−1):`,
    '',
    '```',
    `m[0|−1] = ${m0},   P[0|−1] = ${p0}`,
    `m[${t}|${t}−1] = ${a} m[${t}−1|${t}−1],   P[${t}|${t}−1] = ${a} P[${t}−1|${t}−1] ${a}ᵀ + ${q}      (${t} ≥ 1)`,
    `S[${t}] = ${c} P[${t}|${t}−1] ${c}ᵀ + ${r},   K[${t}] = P[${t}|${t}−1] ${c}ᵀ S[${t}]⁻¹`,
    `m[${t}|${t}] = m[${t}|${t}−1] + K[${t}] (${x} − ${c} m[${t}|${t}−1]),   P[${t}|${t}] = (I − K[${t}] ${c}) P[${t}|${t}−1]`,
    '```',
    '',
    `Smoother (backward, ${t} = ${last}−2 … 0, starting from m̂[${last}−1] = m[${last}−1|${last}−1], P̂[${last}−1] = P[${last}−1|${last}−1]):`,
    '',
    '```',
    `J[${t}] = P[${t}|${t}] ${a}ᵀ P[${t}+1|${t}]⁻¹`,
    `m̂[${t}] = m[${t}|${t}] + J[${t}] (m̂[${t}+1] − m[${t}+1|${t}]),   P̂[${t}] = P[${t}|${t}] + J[${t}] (P̂[${t}+1] − P[${t}+1|${t}]) J[${t}]ᵀ`,
    '```',
    '',
    'The moments the M-step needs:',
    '',
    '```',
    `E[${latent}[${t}]] = m̂[${t}],   E[${latent}[${t}] ${latent}[${t}]ᵀ] = P̂[${t}] + m̂[${t}] m̂[${t}]ᵀ,   E[${latent}[${t}] ${latent}[${t}−1]ᵀ] = P̂[${t}] J[${t}−1]ᵀ + m̂[${t}] m̂[${t}−1]ᵀ`,
    '```',
    '',
    `The log-likelihood is Σ_${t} log MvNormal(${obs(t)} | ${c} m[${t}|${t}−1], S[${t}]). Exact.`,
  ].join('\n');
}

export function explainGaussian(ctx: ExplainContext, latent: string): string {
  const own = ctx.ownFactors(latent);
  const children = ctx.childFactors(latent);
  if (own.length > 1) return explainChain(ctx, latent, own, children);
  const prior = own[0];
  const child = children[0];
  const ref = ownRef(ctx, latent);
  const selectors = selectingLatents(ctx, children, latent);
  const states = freshIndices(ctx.taken, selectors.length);
  const sub: Substitution = new Map(selectors.map((s, i) => [ownRef(ctx, s), states[i] ?? '?']));
  const parts = child?.stmt.args[0] ? splitAffine(child.stmt.args[0], latent) : undefined;
  const w = parts?.coef ? printWith(parts.coef, sub) : 'I';
  const offset = parts ? offsetText(parts, sub) : '0';
  const psi = child ? noiseCovText(ctx, child, sub) : '?';
  const m = prior?.stmt.args[0] ? simplify(printWith(prior.stmt.args[0], sub)) : '0';
  const p = prior?.stmt.args[1] ? simplify(printWith(prior.stmt.args[1], sub)) : 'I';
  const x = child ? printExpr(child.stmt.target) : '?';
  const given = selectors.map((s, i) => `${ownRef(ctx, s)} = ${states[i]}`).join(', ');
  const cond = given ? `, ${given}` : '';
  const g = selectors.length > 0 ? `G[${states.join(',')}]` : 'G';
  const precision = p === 'I' ? 'I' : `(${p})⁻¹`;
  const priorTerm = m === '0' ? '' : ` + ${precision === 'I' ? '' : `${precision} `}${m}`;
  const residual = offset === '0' ? x : `${x} − ${offset}`;
  const e = `E[${ref} | ${x}${cond}]`;
  return [
    `${ref} has a Gaussian prior and enters ${x} linearly under Gaussian noise, so its posterior${
      given ? ` given ${given}` : ''
    } is Gaussian with`,
    '',
    '```',
    `Ψ = ${psi}            (the noise covariance of ${x})`,
    `${g} = (${precision} + ${w}ᵀ Ψ⁻¹ ${w})⁻¹        (posterior covariance)`,
    `${e} = ${g} (${w}ᵀ Ψ⁻¹ (${residual})${priorTerm})`,
    `E[${ref} ${ref}ᵀ | ${x}${cond}] = ${g} + ${e} ${e}ᵀ`,
    '```',
    '',
    selectors.length > 0
      ? `These moments are computed for every state and weighted by the responsibilities of ${selectors.join(', ')}. Exact.`
      : `${x} is marginally MvNormal(${x} | ${offset}, ${w} ${w}ᵀ + Ψ), which gives the log-likelihood. Exact.`,
  ].join('\n');
}

export function explainMissingGaussian(ctx: ExplainContext, name: string): string {
  const f = ctx.ownFactors(name)[0];
  const mu = f?.stmt.args[0] ? printExpr(f.stmt.args[0]) : 'mu';
  const sigma = f?.stmt.args[1] ? printExpr(f.stmt.args[1]) : 'Sigma';
  const ref = f ? printExpr(f.stmt.target) : name;
  return [
    `The missing entries of ${ref} are latent. For each row, with o its observed coordinates and m its missing ones, they are conditionally Gaussian given the observed ones:`,
    '',
    '```',
    `E[${ref}_m | ${ref}_o] = ${mu}_m + ${sigma}_mo ${sigma}_oo⁻¹ (${ref}_o − ${mu}_o)`,
    `C[${ref}] = Cov[${ref}_m | ${ref}_o] = ${sigma}_mm − ${sigma}_mo ${sigma}_oo⁻¹ ${sigma}_om`,
    '```',
    '',
    `so the completed row x̂ is ${ref}_o on o and E[${ref}_m | ${ref}_o] on m, and E[${ref} ${ref}ᵀ] = x̂ x̂ᵀ + C (C zero outside the m × m block). The log-likelihood of a row is log MvNormal(${ref}_o | ${mu}_o, ${sigma}_oo). Exact.`,
  ].join('\n');
}
