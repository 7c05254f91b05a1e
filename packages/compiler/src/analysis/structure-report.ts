/**
 * What structure analysis finds about each latent variable (`detect-structure.ts`): which row
 * of DESIGN.md's first table it falls under, with the facts the plan and `explain` need.
 * A fact table keyed by variable name; the graph it was computed from is not changed.
 */
import type { NodeId, Span } from '@emforge/dsl';

/** The latent structures of DESIGN.md's E-step table. */
export type LatentStructure =
  /** Finite discrete, independent per plate item (mixture labels). */
  | 'finite-independent'
  /** A first-order discrete chain `h[t] ~ f(h[t-1])`. */
  | 'discrete-chain'
  /** A continuous latent with a Gaussian prior whose children are Gaussian and affine in it. */
  | 'linear-gaussian'
  /** Missing entries of Gaussian data. */
  | 'missing-gaussian'
  /** A continuous latent with a conjugate posterior (a Gamma precision scaling a Normal; Normal–Normal). */
  | 'conjugate'
  /** Conjugate-exponential latents that interact (LDA's theta and z). */
  | 'mean-field'
  /** Anything else: a Gaussian variational family. */
  | 'variational';

export interface LatentFacts {
  readonly name: string;
  readonly structure: LatentStructure;
  /** The number of states of a discrete latent (`K`), printed. */
  readonly states?: string;
  /** The plate indices the latent is independent across (`['n']`) or chained along (`['s', 't']`). */
  readonly plates: readonly string[];
  /** Other latents of the same item enumerated jointly with it (product space). */
  readonly jointWith: readonly string[];
  /** For a chain: the index it runs along (`t`) and whether sequences are ragged. */
  readonly chain?: { readonly along: string; readonly ragged: boolean };
  /** The factors of the latent's own distribution and of the children it feeds. */
  readonly factors: readonly NodeId[];
  /** Why the structure is not exact, when it is `variational` or `mean-field`. */
  readonly approximation?: { readonly why: string; readonly at: Span; readonly text: string };
}

export interface StructureReport {
  /** By latent name, in declaration order; missing-entry data variables appear under their own name. */
  readonly latents: ReadonlyMap<string, LatentFacts>;
  /** Data with a StudentT/MvStudentT factor: could be treated as a scale mixture (ECM), by variable name. */
  readonly scaleMixtureCandidates: readonly string[];
}
