/**
 * Continuous samplers over a RandomStream: normal (Box–Muller, pairs cached on the stream),
 * gamma (Marsaglia–Tsang, with the U^(1/a) boost below shape 1), beta and Dirichlet through
 * gammas, chi-square, and the multivariate normal from a Cholesky factor. Vector samplers write
 * into a caller's buffer.
 */
import type { RandomStream } from './stream.js';

/** A standard normal draw. */
export function sampleStdNormal(rng: RandomStream): number {
  const spare = rng.spareNormal;
  if (spare !== null) {
    rng.spareNormal = null;
    return spare;
  }
  const r = Math.sqrt(-2 * Math.log(rng.uniformOpen()));
  const theta = 2 * Math.PI * rng.uniform();
  rng.spareNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}

/** A Normal(mean, sd) draw. */
export function sampleNormal(rng: RandomStream, mean: number, sd: number): number {
  return mean + sd * sampleStdNormal(rng);
}

/** A Gamma(shape, rate) draw (Marsaglia & Tsang 2000). */
export function sampleGamma(rng: RandomStream, shape: number, rate = 1): number {
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) · U^(1/a); in logs so that tiny shapes do not underflow to 0 too early.
    const g = sampleGamma(rng, shape + 1, 1);
    return Math.exp(Math.log(g) + Math.log(rng.uniformOpen()) / shape) / rate;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStdNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** A chi-square draw with k degrees of freedom. */
export function sampleChiSquare(rng: RandomStream, k: number): number {
  return sampleGamma(rng, k / 2, 0.5);
}

/** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(rng: RandomStream, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

/**
 * A Dirichlet draw into `out` by normalising gammas.
 * @param alpha shape [K], or one number for the symmetric Dirichlet
 * @param out shape [K]
 */
export function sampleDirichlet(rng: RandomStream, alpha: number | ArrayLike<number>, out: Float64Array): void {
  let s = 0;
  for (let k = 0; k < out.length; k++) {
    const g = sampleGamma(rng, typeof alpha === 'number' ? alpha : alpha[k]!);
    out[k] = g;
    s += g;
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / s;
}

/**
 * A multivariate normal draw mean + L z into `out`.
 * @param mean shape [d]
 * @param chol shape [d, d], the lower Cholesky factor of the covariance
 * @param out shape [d], written from `offset`
 * @param work shape [d], scratch
 */
export function sampleMvNormalChol(
  rng: RandomStream,
  mean: ArrayLike<number>,
  chol: Float64Array,
  d: number,
  out: Float64Array,
  work: Float64Array,
  offset = 0,
): void {
  for (let i = 0; i < d; i++) work[i] = sampleStdNormal(rng);
  for (let i = 0; i < d; i++) {
    let s = mean[i]!;
    for (let k = 0; k <= i; k++) s += chol[i * d + k]! * work[k]!;
    out[offset + i] = s;
  }
}
