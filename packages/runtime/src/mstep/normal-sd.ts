/**
 * normal-sd: sd² = Σ_k Σ_n w_k[n] (x[n] − mean_k)² / Σ_k Σ_n w_k[n] (scalar child); spherical
 * (one sd for a vector child of length D): Σ ‖x[n] − mean_k‖² weighted / (D Σ w); diagonal (one sd per
 * entry): the same entrywise. One component = per state; several components = tied across them.
 */
import type { GaussianScaleInput } from './types.js';

export type SdForm = 'scalar' | 'spherical' | 'diagonal';

/** @returns the sd (scalar, spherical) or the sds per entry (diagonal) */
export function normalSd(input: GaussianScaleInput & { readonly form: SdForm }): number | number[] {
  const d = input.x[0]?.length ?? 0;
  const squares = new Array<number>(d).fill(0);
  let weight = 0;
  for (const c of input.components) {
    input.x.forEach((row, n) => {
      const wn = c.w[n]!;
      weight += wn;
      for (let j = 0; j < d; j++) squares[j]! += wn * (row[j]! - c.mean[j]!) ** 2;
    });
  }
  if (input.form === 'diagonal') return squares.map((s) => Math.sqrt(s / weight));
  return Math.sqrt(squares.reduce((a, b) => a + b, 0) / (d * weight));
}
