/**
 * The closed-form updates of the planner's rules `student-t-location` and `student-t-scale`
 * (plan/rules/student-t-scale-mixture.ts), as plain functions over weighted items for the
 * closed-form table (`closedFormUpdates`) and the rule self-check. Given the weights w[n]
 * (responsibilities, or 1) and the expected precisions u[n] = E[u[n] | x[n], k] of the
 * Student-t's scale mixture:
 *   location = Σ w u x / Σ w u,   scale = Σ_k Σ w_k u_k (x − μ_k)(x − μ_k)ᵀ / Σ_k Σ w_k
 * (an sd: the square root of that for D = 1). The executor (scale-mixture-m-step.ts) computes
 * the same sums in its Float64Array loops.
 */

/** One component's share of a scale update: weights, expected precisions and (updated) location. */
export interface StudentTComponent {
  readonly w: readonly number[];
  readonly u: readonly number[];
  readonly mean: readonly number[];
}

/** @returns the location, shape [D] (D = 1 for StudentT) */
export function studentTLocation(input: {
  readonly x: readonly (readonly number[])[];
  readonly w: readonly number[];
  readonly u: readonly number[];
}): number[] {
  const d = input.x[0]?.length ?? 0;
  const sum = new Array<number>(d).fill(0);
  let total = 0;
  input.x.forEach((row, n) => {
    const wu = input.w[n]! * input.u[n]!;
    total += wu;
    for (let j = 0; j < d; j++) sum[j]! += wu * row[j]!;
  });
  return sum.map((s) => s / total);
}

/**
 * One component: a per-state scale; several: a scale tied across them.
 * @returns the scale matrix (form `cov`, shape [D, D] row-major) or the sd (form `sd`, shape [1])
 */
export function studentTScale(input: {
  readonly x: readonly (readonly number[])[];
  readonly components: readonly StudentTComponent[];
  readonly form: 'cov' | 'sd';
}): Float64Array {
  const d = input.x[0]?.length ?? 0;
  const scatter = new Float64Array(d * d);
  let total = 0;
  for (const c of input.components) {
    input.x.forEach((row, n) => {
      total += c.w[n]!;
      const wu = c.w[n]! * c.u[n]!;
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) scatter[a * d + b]! += wu * (row[a]! - c.mean[a]!) * (row[b]! - c.mean[b]!);
    });
  }
  const cov = scatter.map((s) => s / total);
  return input.form === 'sd' ? Float64Array.of(Math.sqrt(cov[0]!)) : cov;
}
