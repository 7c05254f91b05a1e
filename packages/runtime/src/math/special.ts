/**
 * Special functions for log densities and M-steps, hand-written so that standalone fitters can
 * inline them: log-gamma (Lanczos), digamma and trigamma (recurrence to x ≥ 10, then the
 * asymptotic series), their inverses where the M-steps need one, log-beta, the multivariate
 * log-gamma of the Wishart family, and log-factorial / log-binomial-coefficient for counts.
 */

const LOG_SQRT_2PI = 0.9189385332046728; // log √(2π)
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** The Euler–Mascheroni constant γ = −ψ(1). */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * log |Γ(x)|. Lanczos (g = 7, 9 terms) for x ≥ 0.5, reflection below; +∞ at 0 and the negative
 * integers. About 1e-15 absolute near the zeros at 1 and 2, 1e-15 relative elsewhere.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // Γ(x) Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** sin(πx) with exact zeros at the integers (argument reduced before multiplying by π). */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2); // r in [0, 2)
  if (r === 0 || r === 1) return 0;
  return Math.sin(Math.PI * r);
}

/** ψ(x) = d/dx log Γ(x). Recurrence up to x ≥ 10, then the asymptotic series; reflection for x < 0. */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.NaN; // a pole with opposite signs on either side
    // ψ(1 − x) − ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * (x - Math.round(x)));
  }
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  // Bernoulli series: log x − 1/(2x) − Σ B_2k / (2k x^2k)
  const series =
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f * (1 / 12)))))));
  return acc + Math.log(x) - 0.5 / x - series;
}

/** ψ′(x), the trigamma function. Recurrence up to x ≥ 10, then the asymptotic series; reflection for x < 0. */
export function trigamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // ψ′(1 − x) + ψ′(x) = π² / sin²(πx)
    const s = Math.sin(Math.PI * (x - Math.round(x)));
    return -trigamma(1 - x) + (Math.PI * Math.PI) / (s * s);
  }
  let acc = 0;
  while (x < 10) {
    acc += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  // 1/x + 1/(2x²) + Σ_k B_2k / x^(2k+1)
  const tail =
    (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66 - f * (691 / 2730 - f * (7 / 6)))))));
  return acc + 1 / x + 0.5 * f + tail;
}

/**
 * The inverse of ψ on (0, ∞): the x > 0 with ψ(x) = y. Minka's starting point, then Newton on
 * ψ(x) − y with ψ′ (converges to round-off in a handful of steps).
 */
export function invDigamma(y: number): number {
  let x = y >= -2.22 ? Math.exp(y) + 0.5 : -1 / (y + EULER_GAMMA);
  for (let i = 0; i < 25; i++) {
    const step = (digamma(x) - y) / trigamma(x);
    let next = x - step;
    if (next <= 0) next = x / 2;
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log Γ_d(x) = d(d−1)/4 log π + Σ_{j=1..d} log Γ(x + (1 − j)/2), the multivariate log-gamma. */
export function lmvgamma(x: number, d: number): number {
  let s = ((d * (d - 1)) / 4) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) s += lgamma(x + (1 - j) / 2);
  return s;
}

/** log n! for a non-negative integer n. */
export function lfactorial(n: number): number {
  return n < 2 ? 0 : lgamma(n + 1);
}

/** log C(n, k); −∞ when k is outside 0 … n. */
export function lchoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return lfactorial(n) - lfactorial(k) - lfactorial(n - k);
}
