/**
 * The M-step of variational EM for LDA, given the E-step's expected counts and Σ_d E[log θ_d]:
 * - topic–word distributions in closed form, β_kv = n_kv / Σ_v n_kv (normalised expected
 *   counts), which maximises the ELBO in β exactly;
 * - α, when it is a param, by Newton's method on its part of the ELBO,
 *   L(α) = D (lgamma(Σα) − Σ lgamma(α_k)) + Σ_k (α_k − 1) S_k,  S_k = Σ_d E[log θ_dk],
 *   whose Hessian is diag(−D ψ'(α_k)) + D ψ'(Σα) 11ᵀ, so a step costs O(K) (Blei, Ng & Jordan
 *   2003, appendix A.4.2; Minka 2000). L is concave; each step is halved until α stays
 *   positive and L does not decrease, so the ELBO never decreases.
 */
import type { EmStepContext } from '../em/em-driver.js';
import { digamma, lgamma, trigamma } from '../math/special.js';
import type { LdaModel } from './lda-model.js';

/** The α part of the ELBO (terms free of α dropped). */
export function alphaObjective(alpha: Float64Array, sumElog: Float64Array, D: number): number {
  let sum = 0;
  let value = 0;
  for (let k = 0; k < alpha.length; k++) {
    sum += alpha[k]!;
    value += -D * lgamma(alpha[k]!) + (alpha[k]! - 1) * sumElog[k]!;
  }
  return value + D * lgamma(sum);
}

/** Newton's method for α with halving; returns the number of steps taken. */
export function updateAlpha(alpha: Float64Array, sumElog: Float64Array, D: number): number {
  const K = alpha.length;
  const g = new Float64Array(K);
  const h = new Float64Array(K);
  const trial = new Float64Array(K);
  let current = alphaObjective(alpha, sumElog, D);
  for (let step = 0; step < 100; step++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += alpha[k]!;
    const z = D * trigamma(sum);
    let gh = 0;
    let hInv = 0;
    for (let k = 0; k < K; k++) {
      g[k] = D * (digamma(sum) - digamma(alpha[k]!)) + sumElog[k]!;
      h[k] = -D * trigamma(alpha[k]!);
      gh += g[k]! / h[k]!;
      hInv += 1 / h[k]!;
    }
    const c = gh / (1 / z + hInv);
    let scale = 1;
    let accepted = false;
    for (let halving = 0; halving < 60; halving++) {
      let ok = true;
      for (let k = 0; k < K; k++) {
        trial[k] = alpha[k]! - (scale * (g[k]! - c)) / h[k]!;
        if (!(trial[k]! > 0)) ok = false;
      }
      if (ok) {
        const value = alphaObjective(trial, sumElog, D);
        if (value >= current) {
          const gain = value - current;
          alpha.set(trial);
          current = value;
          accepted = true;
          if (gain <= 1e-12 * Math.max(1, Math.abs(value))) return step + 1;
          break;
        }
      }
      scale /= 2;
    }
    if (!accepted) return step;
  }
  return 100;
}

/** One M-step from the last E-step's statistics; held (`fixed`) params keep their values. */
export function mStepLda(model: LdaModel, ctx: EmStepContext, fixed: ReadonlySet<string>): void {
  const { K, V, counts, beta, program } = model;
  if (!fixed.has(program.topicWord)) {
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let v = 0; v < V; v++) total += counts[k * V + v]!;
      if (!(total > 0)) {
        if (ctx.once?.(`empty:${k}`) ?? true)
          ctx.warn(
            `iteration ${ctx.iteration}: topic ${k} has no expected words: it keeps its distribution; lower the number of topics`,
          );
        continue;
      }
      for (let v = 0; v < V; v++) beta[k * V + v] = counts[k * V + v]! / total;
    }
  }
  if (program.alpha.kind === 'param' && !fixed.has(program.alpha.name))
    updateAlpha(model.alpha, model.sumElogTheta, model.D);
}
