/** dirichlet-map: p[m] = (c[m] + alpha[m] − 1) / Σ_j (c[j] + alpha[j] − 1), the mode under a Dirichlet(alpha) prior (alpha > 1). */

/** @param counts expected counts (Categorical) or expected category totals (Multinomial) */
export function dirichletMap(input: {
  readonly counts: readonly number[];
  readonly alpha: readonly number[];
}): number[] {
  const shifted = input.counts.map((c, m) => c + input.alpha[m]! - 1);
  const sum = shifted.reduce((a, b) => a + b, 0);
  return shifted.map((s) => s / sum);
}
