/** categorical-probabilities: p[m] = c[m] / Σ_j c[j], the expected counts normalised (mixture weights, HMM rows). */

/** @param counts expected counts c[m] ≥ 0 (e.g. Σ_n r[n,m], or Σ_t ξ[t,k,m] for a transition row) */
export function categoricalProbabilities(input: { readonly counts: readonly number[] }): number[] {
  const sum = input.counts.reduce((a, b) => a + b, 0);
  return input.counts.map((c) => c / sum);
}
