/**
 * E-step text for the remaining strategies: a conjugate continuous latent (the Gamma posterior
 * of a precision scaling a Gaussian), mean-field variational EM with closed-form coordinate
 * updates (Dirichlet proportions and categorical labels, as in LDA), and variational EM with a
 * Gaussian family for a non-conjugate latent, which is marked approximate.
 */
import { type Expr, printExpr } from '@emforge/dsl';
import type { Factor } from '../graph/model-graph.js';
import { ownRef } from './e-step-discrete.js';
import type { ExplainContext } from './explain-context.js';
import { densityText, freshIndices, refsOf, rootName } from './math-text.js';

function paren(text: string): string {
  return /^[\w[\]]+$/.test(text) ? text : `(${text})`;
}

/** The `S` of `S / u[n]` (or of `S * …`), when the covariance is scaled by the latent. */
function scaledPart(e: Expr, latent: string): Expr | undefined {
  if (e.kind === 'Binary' && (e.op === '/' || e.op === '*') && rootName(e.right) === latent) return e.left;
  return undefined;
}

/** The length `D` of a vector data variable declared `…: real[D]`, else `1`. */
function dimensionOf(ctx: ExplainContext, f: Factor): string {
  const v = ctx.graph.variables.get(f.child);
  return v?.declared.match(/:\s*\w+\[(\w+)\]/)?.[1] ?? '1';
}

export function explainConjugate(ctx: ExplainContext, latent: string): string {
  const prior = ctx.ownFactors(latent)[0];
  const child = ctx.childFactors(latent)[0];
  const ref = ownRef(ctx, latent);
  const scaleArg = child?.stmt.args[1];
  const scaled = scaleArg ? scaledPart(scaleArg, latent) : undefined;
  if (prior?.family !== 'Gamma' || !child || !scaled) {
    return `${ref} has a conjugate prior: its posterior is in the prior's family with updated parameters, and the expectations the M-step needs are closed-form. Exact.`;
  }
  const a = printExpr(prior.stmt.args[0] as Expr);
  const b = printExpr(prior.stmt.args[1] as Expr);
  const x = printExpr(child.stmt.target);
  const mean = printExpr(child.stmt.args[0] as Expr);
  const s = printExpr(scaled);
  const d = dimensionOf(ctx, child);
  const quad =
    child.family === 'MvNormal'
      ? `(${x} − ${mean})ᵀ ${paren(s)}⁻¹ (${x} − ${mean})`
      : `((${x} − ${mean}) / ${paren(s)})²`;
  const shape = `${a} + ${d} / 2`;
  const rate = `${b} + δ / 2`;
  return [
    `${ref} is a Gamma-distributed precision that scales the ${child.family === 'MvNormal' ? 'covariance' : 'variance'} of ${x}; the Gamma prior is conjugate, so the posterior of ${ref} given ${x} is again Gamma:`,
    '',
    '```',
    `δ = ${quad}`,
    `p(${ref} | ${x}) = Gamma(${ref} | ${shape}, ${rate})`,
    `E[${ref}] = (${shape}) / (${rate})`,
    `E[log ${ref}] = ψ(${shape}) − log(${rate})          (ψ: digamma)`,
    '```',
    '',
    `Integrating ${ref} out gives a Student-t ${child.family === 'MvNormal' ? `in ${d} dimensions ` : ''}for ${x} (when the Gamma's shape and rate are equal), which is the log-likelihood reported. Exact.`,
  ].join('\n');
}

/** The mean-field group: Dirichlet proportions and the categorical labels drawn from them. */
export function explainMeanField(ctx: ExplainContext, group: readonly string[]): string {
  const props = group.find((g) => ctx.ownFactors(g)[0]?.family === 'Dirichlet');
  const labels = group.find((g) => g !== props && ctx.ownFactors(g)[0]?.family === 'Categorical');
  if (!props || !labels) {
    return `${group.join(', ')} interact: the E-step is mean-field variational, q = Π q(each latent), with each factor updated in turn by log q(v) = E_q(others)[log p(data, latents | θ)] + const. Approximate: EM maximises a lower bound (the ELBO).`;
  }
  const [k, j] = freshIndices(ctx.taken, 2) as [string, string];
  const thetaRef = ownRef(ctx, props);
  const zRef = ownRef(ctx, labels);
  const alphaArg = ctx.ownFactors(props)[0]?.stmt.args[0];
  const alphaName = alphaArg ? printExpr(alphaArg) : 'alpha';
  const alphaVec =
    alphaArg &&
    ctx.graph.variables
      .get(rootName(alphaArg) ?? '')
      ?.declared.split(':')[1]
      ?.includes('[');
  const alphaK = alphaVec ? `${alphaName}[${k}]` : alphaName;
  const zPlates = ctx.ownFactors(labels)[0]?.plates ?? [];
  const thetaPlates = new Set(ctx.ownFactors(props)[0]?.plates.map((p) => p.index) ?? []);
  const inner = zPlates.filter((p) => !thetaPlates.has(p.index)).map((p) => p.index);
  const children = ctx
    .childFactors(labels)
    .filter((f) => f.child !== props && refsOf(f.stmt.args[0] as Expr, props).length === 0);
  const sub = new Map([[zRef, k]]);
  const lik = children.map((f) =>
    densityText(f, sub, f.family === 'Categorical' ? printExpr(f.stmt.target) : undefined),
  );
  const phi = `φ${zRef.slice(labels.length)}`;
  const gamma = `γ${thetaRef.slice(props.length)}`;
  return [
    `${group.join(' and ')} interact (the labels are drawn from the proportions, and both explain the data), so their joint posterior has no closed form. The E-step is mean-field variational: q(${thetaRef}) = Dirichlet(${gamma}), q(${zRef}) = Categorical(${phi}), updated in turn until they stop changing:`,
    '',
    '```',
    `E_q[log ${thetaRef}[${k}]] = ψ(${gamma}[${k}]) − ψ(Σ_${j} ${gamma}[${j}])          (ψ: digamma)`,
    `${phi}[${k}] ∝ exp(E_q[log ${thetaRef}[${k}]])${lik.length > 0 ? ` · ${lik.join(' · ')}` : ''}          (normalised over ${k})`,
    `${gamma}[${k}] = ${alphaK} + ${inner.map((i) => `Σ_${i}`).join(' ')} ${phi}[${k}]`,
    '```',
    '',
    `The M-step then uses E_q[1{${zRef} = ${k}}] = ${phi}[${k}] and E_q[log ${thetaRef}[${k}]]. **Approximate**: EM maximises the evidence lower bound ELBO = E_q[log p(data, ${group.join(', ')} | θ)] − E_q[log q], not the log-likelihood itself.`,
  ].join('\n');
}

export function explainVariational(ctx: ExplainContext, latent: string): string {
  const ref = ownRef(ctx, latent);
  const own = ctx.ownFactors(latent);
  const children = ctx.childFactors(latent);
  const terms = [...own, ...children].map((f) => `E_q[log ${densityText(f, new Map())}]`);
  const reason = ctx.latentFacts(latent)?.approximation?.why ?? ctx.latentPlan(latent)?.reason ?? '';
  return [
    `${ref} has no closed-form posterior${reason ? ` (${reason.replace(/\.$/, '')})` : ''}. The E-step is variational with a Gaussian family, one per item:`,
    '',
    '```',
    `q(${ref}) = Normal(${ref} | m${ref.slice(latent.length)}, s${ref.slice(latent.length)})`,
    `ELBO${ref.slice(latent.length)} = ${terms.join(' + ')} + log s${ref.slice(latent.length)} + ½ log(2πe)`,
    '```',
    '',
    `m and s are fitted by a Laplace approximation or reparameterised gradients of the ELBO. **Approximate**: EM maximises the ELBO, a lower bound on the log-likelihood.`,
  ].join('\n');
}
