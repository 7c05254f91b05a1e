/**
 * The chain's M-step: the per-step params by the mixture M-step from the joint step posteriors
 * (a step without emission gets no weight: its per-step latents then carry no information, and
 * leaving them out is exact EM for the model with those latents summed out), then `init` from
 * the expected initial-state counts Σ_s γ_s0 and each row j of `trans` from the expected
 * transition counts Σ_{s,t} ξ_st(j, ·), normalised (or their Dirichlet MAP). A row with no
 * expected count (a state never left) keeps its value: the expected complete-data
 * log-likelihood does not depend on it.
 */

import type { EmStepContext } from '../em/em-driver.js';
import { constantValues, type ParamValues, saveParams } from '../em/mixture.js';
import { mStepMixture } from '../em/mixture-m-step.js';
import { closedFormUpdates } from '../mstep/index.js';
import type { Chain } from './chain.js';

export interface ChainMStepOptions {
  readonly regCovar: number;
  /** Params held at their values (`fixed`). */
  readonly fixed: ReadonlySet<string>;
}

/** The fixed set of the per-step M-step: the user's, plus `init` and `trans` (the chain updates them). */
export function stepFixed(chain: Chain, fixed: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...fixed, chain.init.spec.name, chain.trans.spec.name]);
}

/** Normalised counts, or their Dirichlet MAP; undefined when the counts are all zero under MLE. */
function updateSimplex(chain: Chain, which: 'init' | 'trans', counts: readonly number[]): number[] | undefined {
  const spec = chain.program[which];
  if (spec.rule === 'categorical-probabilities') {
    if (!(counts.reduce((a, b) => a + b, 0) > 0)) return undefined;
    return closedFormUpdates['categorical-probabilities']({ counts });
  }
  const arg = spec.prior?.args[0];
  if (!arg) throw new Error(`param ${spec.name}: dirichlet-map without a Dirichlet prior`);
  const alpha = constantValues(arg, chain.mix.sizes);
  return closedFormUpdates['dirichlet-map']({
    counts,
    alpha: counts.map((_, m) => alpha[alpha.length === 1 ? 0 : m]!),
  });
}

function setRow(values: Float64Array, row: number, update: readonly number[] | undefined): void {
  if (update?.every(Number.isFinite)) values.set(update, row * update.length);
}

/** `init` and `trans` from the counts of the last E-step (in `chain.gamma0` and `chain.xiSum`). */
export function mStepChainParams(chain: Chain, fixed: ReadonlySet<string>): void {
  const { K, init, trans, gamma0, xiSum } = chain;
  if (!fixed.has(init.spec.name)) setRow(init.values, 0, updateSimplex(chain, 'init', Array.from(gamma0)));
  if (!fixed.has(trans.spec.name)) {
    for (let j = 0; j < K; j++) {
      setRow(trans.values, j, updateSimplex(chain, 'trans', Array.from(xiSum.subarray(j * K, (j + 1) * K))));
    }
  }
}

/** One M-step from the last E-step; returns copies of the new values. */
export function mStepChain(chain: Chain, ctx: EmStepContext, options: ChainMStepOptions): ParamValues {
  const { mix, missing } = chain;
  if (chain.anyMissing) {
    for (let i = 0; i < mix.n; i++) if (missing[i] === 1) mix.resp.fill(0, i * mix.S, (i + 1) * mix.S);
  }
  mStepMixture(mix, ctx, { regCovar: options.regCovar, fixed: stepFixed(chain, options.fixed) });
  mStepChainParams(chain, options.fixed);
  return saveParams(mix);
}
