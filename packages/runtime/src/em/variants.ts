/**
 * The EM variants as one table the driver reads (STYLE practice 13: variants by lookup, not
 * `if` chains): how the E-step's responsibilities are handed to the M-step, what the objective
 * is, whether it must never decrease, whether the tolerance stops a run, and whether the best
 * iterate (rather than the last) is returned.
 *
 * - `em`: soft responsibilities; the observed-data log-likelihood (+ log prior), monotone.
 * - `hard` (classification EM, Celeux & Govaert 1992): one-hot at the argmax; the objective is
 *   the classification log-likelihood Σ_n max_s log p(x_n, s) (+ log prior), monotone.
 * - `stochastic` (SEM, Celeux & Diebolt 1985): one state drawn per item from its
 *   responsibilities with the run's stream; the objective is the observed log-likelihood,
 *   which is not monotone, so the run goes to `maxIter` and keeps its best iterate.
 */
import type { RandomStream } from '../random/stream.js';

export type EmVariant = 'em' | 'hard' | 'stochastic';
export type Assignment = 'soft' | 'argmax' | 'sample';

export interface VariantSpec {
  readonly assignment: Assignment;
  /** The objective never decreases (checked every iteration). */
  readonly monotone: boolean;
  /** A relative change below `tol` ends the run. */
  readonly stopsOnTol: boolean;
  /** Return the iterate with the best objective, not the last one. */
  readonly keepBestIterate: boolean;
}

export const emVariants: Readonly<Record<EmVariant, VariantSpec>> = {
  em: { assignment: 'soft', monotone: true, stopsOnTol: true, keepBestIterate: false },
  hard: { assignment: 'argmax', monotone: true, stopsOnTol: true, keepBestIterate: false },
  stochastic: { assignment: 'sample', monotone: false, stopsOnTol: false, keepBestIterate: true },
};

export const emVariantNames = Object.keys(emVariants) as EmVariant[];

export function isEmVariant(name: string): name is EmVariant {
  return Object.hasOwn(emVariants, name);
}

/** What the driver tells a model's E-step about the variant. */
export interface AssignContext {
  readonly assignment: Assignment;
  readonly rng: RandomStream;
}

/**
 * Replaces soft responsibilities by the variant's assignment, in place.
 * @param resp shape [n, S], rows summing to 1
 * @returns Σ_n log max_s resp[n, s] for `argmax` (the classification log-likelihood minus the
 *   observed one), else 0
 */
export function assignResponsibilities(
  resp: Float64Array,
  n: number,
  S: number,
  assignment: Assignment,
  rng: RandomStream,
): number {
  if (assignment === 'soft') return 0;
  let gap = 0;
  for (let i = 0; i < n; i++) {
    const row = i * S;
    let pick = S - 1;
    if (assignment === 'argmax') {
      pick = 0;
      for (let s = 1; s < S; s++) if (resp[row + s]! > resp[row + pick]!) pick = s;
      gap += Math.log(resp[row + pick]!);
    } else {
      while (pick > 0 && resp[row + pick]! === 0) pick--; // if round-off leaves u ≥ 0 below
      let u = rng.uniform();
      for (let s = 0; s < S; s++) {
        u -= resp[row + s]!;
        if (u < 0) {
          pick = s;
          break;
        }
      }
    }
    for (let s = 0; s < S; s++) resp[row + s] = s === pick ? 1 : 0;
  }
  return gap;
}
