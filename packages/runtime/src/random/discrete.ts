/**
 * Discrete samplers over a RandomStream: categorical by inversion, Poisson (inversion below
 * rate 10, Hörmann's PTRS above), binomial (inversion for small n·min(p, 1−p), Hörmann's BTRS
 * above), multinomial by conditional binomials. The rejection steps compare against the exact
 * log pmf (through lgamma) rather than Stirling tails.
 */
import { lgamma } from '../math/special.js';
import type { RandomStream } from './stream.js';

/**
 * A category 0 … K−1 with probabilities p (need not be normalised; zero entries are never drawn).
 * @param p shape [K], read from `offset`
 */
export function sampleCategorical(rng: RandomStream, p: ArrayLike<number>, k: number = p.length, offset = 0): number {
  let total = 0;
  for (let i = 0; i < k; i++) total += p[offset + i]!;
  const u = rng.uniform() * total;
  let c = 0;
  let last = -1;
  for (let i = 0; i < k; i++) {
    const pi = p[offset + i]!;
    if (pi <= 0) continue;
    last = i;
    c += pi;
    if (u < c) return i;
  }
  return last; // round-off at the top end
}

/** A Poisson(rate) draw. */
export function samplePoisson(rng: RandomStream, rate: number): number {
  if (rate <= 0) return 0;
  if (rate < 10) {
    // Inversion by sequential search.
    let k = 0;
    let p = Math.exp(-rate);
    let c = p;
    const u = rng.uniform();
    while (u > c && p > 0) {
      k++;
      p *= rate / k;
      c += p;
    }
    return k;
  }
  // PTRS, Hörmann (1993), "The transformed rejection method for generating Poisson random variables".
  const slam = Math.sqrt(rate);
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniformOpen();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -rate + k * logRate - lgamma(k + 1)) return k;
  }
}

/** A Binomial(n, p) draw. */
export function sampleBinomial(rng: RandomStream, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(rng, n, 1 - p);
  const q = 1 - p;
  if (n * p < 10) {
    // Inversion: walk up the pmf from 0.
    const r = p / q;
    let pk = Math.exp(n * Math.log1p(-p));
    let c = pk;
    let k = 0;
    const u = rng.uniform();
    while (u > c && k < n) {
      pk *= (r * (n - k)) / (k + 1);
      k++;
      c += pk;
    }
    return k;
  }
  // BTRS, Hörmann (1993), "The generation of binomial random variates".
  const sd = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * sd;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * sd;
  const m = Math.floor((n + 1) * p);
  const logR = Math.log(p / q);
  const logFm = -lgamma(m + 1) - lgamma(n - m + 1);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniformOpen();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    const lhs = Math.log((v * alpha) / (a / (us * us) + b));
    // log f(k)/f(m) for the binomial pmf.
    if (lhs <= -lgamma(k + 1) - lgamma(n - k + 1) - logFm + (k - m) * logR) return k;
  }
}

/**
 * A Multinomial(n, p) draw into `out` by conditional binomials.
 * @param p shape [K] (normalised)
 * @param out shape [K]
 */
export function sampleMultinomial(rng: RandomStream, n: number, p: ArrayLike<number>, out: Float64Array): void {
  let left = n;
  let mass = 1;
  const k = out.length;
  for (let i = 0; i < k; i++) {
    const pi = p[i]!;
    if (i === k - 1 || left === 0) {
      out[i] = i === k - 1 ? left : 0;
      if (i === k - 1) break;
      continue;
    }
    const x = mass > 0 ? sampleBinomial(rng, left, Math.min(1, Math.max(0, pi / mass))) : 0;
    out[i] = x;
    left -= x;
    mass -= pi;
  }
}

/** A Bernoulli(p) draw: 1 with probability p. */
export function sampleBernoulli(rng: RandomStream, p: number): number {
  return rng.uniform() < p ? 1 : 0;
}
