/**
 * The runtime pieces a generated fitter uses, by their `@emforge/runtime` export names: the
 * default fitter imports them, `--standalone` inlines their source (with what they need, in
 * dependency order). Each source is the runtime's own code (random/stream.ts, random/*.ts,
 * math/special.ts, math/cholesky.ts, kernels/log-density.ts, em/init.ts, em/criteria.ts,
 * em/fit-result.ts), so that both forms perform the same floating-point operations in the same
 * order; `runEm` is em-driver.ts restricted to plain EM (no variants, no acceleration), which is
 * all a generated fitter runs. `local` helpers are not runtime exports and are always inlined.
 */

export interface RuntimeHelper {
  /** Other helpers this one's source refers to. */
  readonly needs: readonly string[];
  readonly source: string;
  /** Only a type (imported with `import type`). */
  readonly typeOnly?: boolean;
  /** Not exported by the runtime: inlined in both forms. */
  readonly local?: boolean;
}

const driver = `/** What the EM driver hands each step: the run's stream, the iteration, and where warnings go. */
interface EmStepContext {
  readonly rng: RandomStream;
  /** 0 during initialisation, t during the t-th M-step. */
  readonly iteration: number;
  readonly warn: (message: string) => void;
  /** A deliberate perturbation (a re-seeded component): the monotonicity check skips the iteration. */
  readonly perturb: (message: string) => void;
}

interface EStepResult<S> {
  readonly objective: number;
  readonly stats: S;
}

interface EmHooks<P, S> {
  initialize(ctx: EmStepContext): P;
  eStep(params: P): EStepResult<S>;
  mStep(stats: S, ctx: EmStepContext): P;
}

interface EmOptions {
  readonly seed?: number;
  readonly restarts?: number;
  readonly maxIter?: number;
  readonly tol?: number;
}

interface EmRun<P, S> {
  readonly restart: number;
  readonly params: P;
  readonly stats: S;
  readonly objective: number;
  readonly iterations: number;
  readonly emSteps: number;
  readonly converged: boolean;
  readonly history: readonly number[];
  readonly warnings: readonly string[];
}

/** A decrease larger than this (relative to the objective's magnitude) is not round-off. */
const MONOTONICITY_TOLERANCE = 1e-10;

/** One EM run: the objective at the initial params, then M-step and E-step until converged. */
function runOnce<P, S>(hooks: EmHooks<P, S>, rng: RandomStream, restart: number, options: EmOptions): EmRun<P, S> {
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-8;
  const warnings: string[] = [];
  let perturbed = false;
  const context = (iteration: number): EmStepContext => ({
    rng,
    iteration,
    warn: (message) => warnings.push(message),
    perturb: (message) => {
      perturbed = true;
      warnings.push(message);
    },
  });
  let params = hooks.initialize(context(0));
  let { objective, stats } = hooks.eStep(params);
  const history = [objective];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIter && Number.isFinite(objective)) {
    iterations++;
    perturbed = false;
    const previous = objective;
    params = hooks.mStep(stats, context(iterations));
    ({ objective, stats } = hooks.eStep(params));
    history.push(objective);
    const change = objective - previous;
    if (!perturbed && change < -MONOTONICITY_TOLERANCE * Math.max(1, Math.abs(previous))) {
      warnings.push(
        \`iteration \${iterations}: the objective decreased from \${previous} to \${objective}; \` +
          'EM never decreases it, so this points at a wrong E- or M-step (please report it)',
      );
    }
    if (!perturbed && Math.abs(change) < tol * Math.abs(objective)) {
      converged = true;
      break;
    }
  }
  if (!Number.isFinite(objective)) {
    warnings.push(
      \`iteration \${iterations}: the objective is \${objective}: some item is impossible under every latent state; \` +
        'check the data against the model, or raise regCovar',
    );
  }
  return { restart, params, stats, objective, iterations, emSteps: iterations, converged, history, warnings };
}

/** Runs EM \`restarts\` times from independent streams of \`seed\` and keeps the best run. */
function runEm<P, S>(hooks: EmHooks<P, S>, options: EmOptions = {}): { best: EmRun<P, S>; objectives: number[] } {
  const restarts = Math.max(1, options.restarts ?? 1);
  const streams = makeStreams(options.seed ?? 1, restarts);
  let best: EmRun<P, S> | undefined;
  const objectives: number[] = [];
  streams.forEach((rng, r) => {
    const run = runOnce(hooks, rng, r, options);
    objectives.push(run.objective);
    if (best === undefined || run.objective > best.objective || Number.isNaN(best.objective)) best = run;
  });
  if (best === undefined) throw new Error('runEm: no run');
  return { best, objectives };
}`;

export const runtimeHelpers: Readonly<Record<string, RuntimeHelper>> = {
  NEG_INF: { needs: [], local: true, source: 'const NEG_INF = Number.NEGATIVE_INFINITY;' },
  LOG_2PI: { needs: [], local: true, source: 'const LOG_2PI = 1.8378770664093453;' },
  EMPTY: {
    needs: [],
    local: true,
    source: '/** A total weight below this is an empty element (re-seeded). */\nconst EMPTY = 1e-12;',
  },
  runEm: { needs: ['makeStreams', 'RandomStream'], source: driver },
  EmStepContext: { needs: ['runEm'], typeOnly: true, source: '' },
  RandomStream: {
    needs: [],
    source: `/** The serialisable state of a stream (for checkpoints): four uint32 words and a cached normal. */
interface RandomState {
  readonly words: readonly [number, number, number, number];
  readonly spareNormal: number | null;
}

/**
 * The seeded random stream of the runtime: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32, 53-bit uniform doubles from two outputs. Written here rather than taken from a
 * package so that standalone fitters can inline it and so that the bits are fixed by this file:
 * the same seed gives the same draws on every platform. \`jump()\` advances 2^64 steps, which is
 * how restarts and workers get non-overlapping streams derived from one seed.
 */

const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];

const TWO_32 = 4294967296;

/** splitmix32: a good 32-bit mixer, used to expand a seed into the four state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box–Muller makes normals in pairs; the second waits here. */
  spareNormal: number | null = null;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
  }

  /** A stream from an integer seed (any safe integer; the high and low halves both count). */
  static fromSeed(seed: number): RandomStream {
    if (!Number.isSafeInteger(seed)) throw new RangeError(\`seed must be a safe integer, got \${seed}\`);
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_32) | 0, 0x27d4eb2d) };
    const w = [splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)] as const;
    // The all-zero state is the one fixed point of xoshiro; splitmix cannot give it for all four words, but guard anyway.
    return new RandomStream(w[0], w[1], w[2], (w[0] | w[1] | w[2] | w[3]) === 0 ? 1 : w[3]);
  }

  /** A stream restored from \`state()\`. */
  static fromState(state: RandomState): RandomStream {
    const r = new RandomStream(...state.words);
    r.spareNormal = state.spareNormal;
    return r;
  }

  state(): RandomState {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  clone(): RandomStream {
    return RandomStream.fromState(this.state());
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in (0, 1): never 0, so its logarithm is finite. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** An integer uniform on 0 … n − 1 (n ≤ 2^32), without modulo bias. */
  uniformInt(n: number): number {
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Advances the stream by 2^64 draws, as if nextUint32 were called that many times. */
  jump(): void {
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          t0 ^= this.s0;
          t1 ^= this.s1;
          t2 ^= this.s2;
          t3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = t0 >>> 0;
    this.s1 = t1 >>> 0;
    this.s2 = t2 >>> 0;
    this.s3 = t3 >>> 0;
    this.spareNormal = null;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}`,
  },
  makeStreams: {
    needs: ['RandomStream'],
    source: `/**
 * \`count\` non-overlapping streams derived from one seed: stream i is the seed's stream jumped
 * i + 1 times (2^64 draws apart), so restart i draws the same numbers whatever the count.
 */
function makeStreams(seed: number, count: number): RandomStream[] {
  const base = RandomStream.fromSeed(seed);
  const out: RandomStream[] = [];
  for (let i = 0; i < count; i++) {
    base.jump();
    out.push(base.clone());
  }
  return out;
}`,
  },
  sampleStdNormal: {
    needs: ['RandomStream'],
    source: `/** A standard normal draw. */
function sampleStdNormal(rng: RandomStream): number {
  const spare = rng.spareNormal;
  if (spare !== null) {
    rng.spareNormal = null;
    return spare;
  }
  const r = Math.sqrt(-2 * Math.log(rng.uniformOpen()));
  const theta = 2 * Math.PI * rng.uniform();
  rng.spareNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}`,
  },
  sampleNormal: {
    needs: ['sampleStdNormal'],
    source: `/** A Normal(mean, sd) draw. */
function sampleNormal(rng: RandomStream, mean: number, sd: number): number {
  return mean + sd * sampleStdNormal(rng);
}`,
  },
  sampleGamma: {
    needs: ['sampleStdNormal'],
    source: `/** A Gamma(shape, rate) draw (Marsaglia & Tsang 2000). */
function sampleGamma(rng: RandomStream, shape: number, rate = 1): number {
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
}`,
  },
  sampleBeta: {
    needs: ['sampleGamma'],
    source: `/** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
function sampleBeta(rng: RandomStream, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}`,
  },
  sampleDirichlet: {
    needs: ['sampleGamma'],
    source: `/**
 * A Dirichlet draw into \`out\` by normalising gammas.
 * @param alpha shape [K], or one number for the symmetric Dirichlet
 * @param out shape [K]
 */
function sampleDirichlet(rng: RandomStream, alpha: number | ArrayLike<number>, out: Float64Array): void {
  let s = 0;
  for (let k = 0; k < out.length; k++) {
    const g = sampleGamma(rng, typeof alpha === 'number' ? alpha : alpha[k]!);
    out[k] = g;
    s += g;
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / s;
}`,
  },
  sampleMvNormalChol: {
    needs: ['sampleStdNormal'],
    source: `/**
 * A multivariate normal draw mean + L z into \`out\`.
 * @param mean shape [d]
 * @param chol shape [d, d], the lower Cholesky factor of the covariance
 * @param out shape [d], written from \`offset\`
 * @param work shape [d], scratch
 */
function sampleMvNormalChol(
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
}`,
  },
  sampleCategorical: {
    needs: ['RandomStream'],
    source: `/**
 * A category 0 … K−1 with probabilities p (need not be normalised; zero entries are never drawn).
 * @param p shape [K], read from \`offset\`
 */
function sampleCategorical(rng: RandomStream, p: ArrayLike<number>, k: number = p.length, offset = 0): number {
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
}`,
  },
  samplePoisson: {
    needs: ['lgamma', 'RandomStream'],
    source: `/** A Poisson(rate) draw. */
function samplePoisson(rng: RandomStream, rate: number): number {
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
}`,
  },
  sampleBinomial: {
    needs: ['lgamma', 'RandomStream'],
    source: `/** A Binomial(n, p) draw. */
function sampleBinomial(rng: RandomStream, n: number, p: number): number {
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
}`,
  },
  sampleBernoulli: {
    needs: ['RandomStream'],
    source: `/** A Bernoulli(p) draw: 1 with probability p. */
function sampleBernoulli(rng: RandomStream, p: number): number {
  return rng.uniform() < p ? 1 : 0;
}`,
  },
  lgamma: {
    needs: [],
    source: `/**
 * Special functions for log densities and M-steps, hand-written so that standalone fitters can
 * inline them: log-gamma (Lanczos), digamma and trigamma (recurrence to x ≥ 10, then the
 * asymptotic series), their inverses where the M-steps need one, log-beta, the multivariate
 * log-gamma of the Wishart family, and log-factorial / log-binomial-coefficient for counts.
 */

const LOG_SQRT_2PI = 0.9189385332046728;

// log √(2π)
const LANCZOS_G = 7;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log |Γ(x)|. Lanczos (g = 7, 9 terms) for x ≥ 0.5, reflection below; +∞ at 0 and the negative
 * integers. About 1e-15 absolute near the zeros at 1 and 2, 1e-15 relative elsewhere.
 */
function lgamma(x: number): number {
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
}`,
  },
  digamma: {
    needs: [],
    source: `/** ψ(x) = d/dx log Γ(x). Recurrence up to x ≥ 10, then the asymptotic series; reflection for x < 0. */
function digamma(x: number): number {
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
}`,
  },
  trigamma: {
    needs: [],
    source: `/** ψ′(x), the trigamma function. Recurrence up to x ≥ 10, then the asymptotic series; reflection for x < 0. */
function trigamma(x: number): number {
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
}`,
  },
  lfactorial: {
    needs: ['lgamma'],
    source: `/** log n! for a non-negative integer n. */
function lfactorial(n: number): number {
  return n < 2 ? 0 : lgamma(n + 1);
}`,
  },
  lchoose: {
    needs: ['lfactorial'],
    source: `/** log C(n, k); −∞ when k is outside 0 … n. */
function lchoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return lfactorial(n) - lfactorial(k) - lfactorial(n - k);
}`,
  },
  cholesky: {
    needs: [],
    source: `/**
 * Dense Cholesky factorisation and what it serves: triangular solves, the log-determinant, the
 * inverse and the Mahalanobis form of a Gaussian log density. Hand-written over row-major
 * \`Float64Array\`s (faster than ml-matrix at the sizes EM meets, and inlinable by standalone
 * fitters); every function works in place or into a caller's buffer, so loops do not allocate.
 */

/**
 * Factors a symmetric positive-definite A = L Lᵀ in place: on success the lower triangle holds L
 * and the strict upper triangle is zeroed. \`ridge\` is added to the diagonal first (covariance
 * regularisation). Only the lower triangle of A is read.
 * @param a shape [d, d], row-major; overwritten (also on failure, so factor a copy if A is still needed)
 * @param d the dimension
 * @param ridge a non-negative value added to every diagonal entry before factoring
 * @returns false when A (+ ridge) is not numerically positive definite
 */
function cholesky(a: Float64Array, d: number, ridge = 0): boolean {
  for (let j = 0; j < d; j++) {
    const jj = j * d;
    let s = a[jj + j]! + ridge;
    for (let k = 0; k < j; k++) s -= a[jj + k]! * a[jj + k]!;
    if (!(s > 0) || !Number.isFinite(s)) return false;
    const ljj = Math.sqrt(s);
    a[jj + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const ii = i * d;
      let t = a[ii + j]!;
      for (let k = 0; k < j; k++) t -= a[ii + k]! * a[jj + k]!;
      a[ii + j] = t / ljj;
    }
    for (let k = j + 1; k < d; k++) a[jj + k] = 0;
  }
  return true;
}`,
  },
  isCount: {
    needs: [],
    source: `const isCount = (x: number) => x >= 0 && Number.isInteger(x);`,
  },
  logPoisson: {
    needs: ['isCount', 'lfactorial', 'NEG_INF'],
    source: `function logPoisson(x: number, rate: number): number {
  if (!isCount(x) || !(rate >= 0)) return NEG_INF;
  if (rate === 0) return x === 0 ? 0 : NEG_INF;
  return x * Math.log(rate) - rate - lfactorial(x);
}`,
  },
  logBernoulli: {
    needs: ['NEG_INF'],
    source: `function logBernoulli(x: number, p: number): number {
  if (x === 1) return p > 0 ? Math.log(p) : NEG_INF;
  if (x === 0) return p < 1 ? Math.log1p(-p) : NEG_INF;
  return NEG_INF;
}`,
  },
  logBinomial: {
    needs: ['isCount', 'lchoose', 'NEG_INF'],
    source: `function logBinomial(x: number, trials: number, p: number): number {
  if (!isCount(x) || x > trials || !(p >= 0 && p <= 1)) return NEG_INF;
  const success = x === 0 ? 0 : p > 0 ? x * Math.log(p) : NEG_INF;
  const failure = x === trials ? 0 : p < 1 ? (trials - x) * Math.log1p(-p) : NEG_INF;
  return lchoose(trials, x) + success + failure;
}`,
  },
  logNormal: {
    needs: ['NEG_INF', 'LOG_2PI'],
    source: `function logNormal(x: number, mean: number, sd: number): number {
  if (!(sd > 0)) return NEG_INF;
  const z = (x - mean) / sd;
  return -0.5 * (LOG_2PI + z * z) - Math.log(sd);
}`,
  },
  logExponential: {
    needs: ['NEG_INF'],
    source: `function logExponential(x: number, rate: number): number {
  return x >= 0 && rate > 0 ? Math.log(rate) - rate * x : NEG_INF;
}`,
  },
  logGamma: {
    needs: ['lgamma', 'NEG_INF'],
    source: `function logGamma(x: number, shape: number, rate: number): number {
  if (!(x > 0 && shape > 0 && rate > 0)) return NEG_INF;
  return shape * Math.log(rate) + (shape - 1) * Math.log(x) - rate * x - lgamma(shape);
}`,
  },
  powerTerm: {
    needs: [],
    source: `/** (a − 1) log x, with its limits at x = 0 (0 when a = 1, so that Beta(1, b) and Dirichlet(1, …) stay finite). */
function powerTerm(a: number, x: number): number {
  return a === 1 ? 0 : (a - 1) * Math.log(x);
}`,
  },
  logBeta: {
    needs: ['powerTerm', 'lgamma', 'NEG_INF'],
    source: `function logBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) return NEG_INF;
  return powerTerm(a, x) + powerTerm(b, 1 - x) + lgamma(a + b) - lgamma(a) - lgamma(b);
}`,
  },
  logLogNormal: {
    needs: ['logNormal', 'NEG_INF'],
    source: `function logLogNormal(x: number, mu: number, sd: number): number {
  if (!(x > 0)) return NEG_INF;
  const y = Math.log(x);
  return logNormal(y, mu, sd) - y;
}`,
  },
  randomPoints: {
    needs: ['RandomStream'],
    source: `/** Distinct random items as seeds (Forgy), drawn with the run's stream. */
function randomPoints(_x: Float64Array, n: number, _d: number, k: number, rng: RandomStream): number[] {
  const seeds: number[] = [];
  while (seeds.length < Math.min(k, n)) {
    const i = rng.uniformInt(n);
    if (!seeds.includes(i)) seeds.push(i);
  }
  return seeds;
}`,
  },
  kmeansPlusPlus: {
    needs: ['RandomStream'],
    source: `function squaredDistance(x: Float64Array, i: number, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (x[i * d + k]! - x[j * d + k]!) ** 2;
  return s;
}

/**
 * k-means++ (Arthur & Vassilvitskii 2007): the first seed uniformly, each next one with
 * probability proportional to its squared distance to the nearest seed so far.
 * @param x shape [n, d]
 * @returns the seed items, k of them
 */
function kmeansPlusPlus(x: Float64Array, n: number, d: number, k: number, rng: RandomStream): number[] {
  const seeds = [rng.uniformInt(n)];
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  while (seeds.length < k) {
    const last = seeds[seeds.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(x, i, last, d));
      total += nearest[i]!;
    }
    let u = rng.uniform() * total;
    let pick = total > 0 ? -1 : rng.uniformInt(n);
    for (let i = 0; i < n && pick < 0; i++) {
      u -= nearest[i]!;
      if (u < 0) pick = i;
    }
    seeds.push(pick < 0 ? n - 1 : pick);
  }
  return seeds;
}`,
  },
  computeCriteria: {
    needs: [],
    source: `interface Criteria {
  readonly aic: number;
  readonly bic: number;
  readonly icl: number;
}

/**
 * @param logLik the observed-data log-likelihood (without the log prior)
 * @param entropy −Σ r log r over items and states (0 without latents)
 */
function computeCriteria(logLik: number, nParams: number, nObs: number, entropy: number): Criteria {
  const bic = -2 * logLik + nParams * Math.log(nObs);
  return { aic: -2 * logLik + 2 * nParams, bic, icl: bic + 2 * entropy };
}`,
  },
  ParamValue: {
    typeOnly: true,
    needs: [],
    source: `/**
 * The result of a fit (DESIGN.md, \`fit --json\`): plain JSON data — numbers, strings, nested
 * arrays — so that \`JSON.parse(JSON.stringify(r))\` deep-equals \`r\`. Params are reshaped from
 * flat row-major arrays into nested arrays in the declared shape (array dims, then the element's).
 */

/** A param value: a number, or nested arrays of numbers. */
type ParamValue = number | ParamValue[];`,
  },
  FitResult: {
    typeOnly: true,
    needs: ['ParamValue'],
    source: `interface FitResult {
  readonly model: string;
  /** The E-step strategy (\`enumerate\`; \`direct\` without latents). */
  readonly strategy: string;
  /** The observed-data log-likelihood at the returned params. */
  readonly logLik: number;
  /**
   * What EM maximised: the log-likelihood, plus the log prior for MAP; for hard EM the
   * classification log-likelihood Σ_n max_s log p(x_n, s) (plus the log prior).
   */
  readonly objective: number;
  /** Iterations of the kept run: M-steps, or SQUAREM cycles. */
  readonly iterations: number;
  /** EM maps (M-steps) the kept run spent: \`iterations\`, or about 3 per SQUAREM cycle. */
  readonly emSteps: number;
  readonly converged: boolean;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly aic: number;
  readonly bic: number;
  readonly icl: number;
  readonly nParams: number;
  readonly nObs: number;
  /** The objective at the initial params, then after each M-step, of the kept run. */
  readonly history: readonly number[];
  readonly warnings: readonly string[];
}`,
  },
  nestValues: {
    needs: ['ParamValue'],
    source: `/** Nests a flat row-major array into \`shape\` (a number when the shape is empty). */
function nestValues(flat: ArrayLike<number>, shape: readonly number[], offset = 0): ParamValue {
  if (shape.length === 0) return flat[offset]!;
  const [first, ...rest] = shape as [number, ...number[]];
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nestValues(flat, rest, offset + i * stride));
}`,
  },
};

/**
 * Helpers that are not runtime exports: always inlined. Their bodies are the runtime's
 * (distributions/*.ts log densities of priors, em/mixture.ts constants, em/mixture-m-step.ts
 * collapse checks), with the same operations in the same order.
 */
export const localHelpers: Readonly<Record<string, RuntimeHelper>> = {
  choleskySolves: {
    needs: [],
    local: true,
    source: `/**
 * Solves L y = b in place (forward substitution).
 * @param l shape [d, d], lower triangular, row-major
 * @param b shape [d], read from \`offset\`; overwritten by y
 */
function solveLower(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < d; i++) {
    let s = b[offset + i]!;
    const ii = i * d;
    for (let k = 0; k < i; k++) s -= l[ii + k]! * b[offset + k]!;
    b[offset + i] = s / l[ii + i]!;
  }
}

/**
 * Solves Lᵀ x = b in place (back substitution with the transpose of a lower factor).
 * @param l shape [d, d], lower triangular, row-major
 * @param b shape [d], read from \`offset\`; overwritten by x
 */
function solveLowerTransposed(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = b[offset + i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[offset + k]!;
    b[offset + i] = s / l[i * d + i]!;
  }
}

/**
 * Solves A x = b with A = L Lᵀ, in place.
 * @param l shape [d, d], the Cholesky factor of A
 * @param b shape [d]; overwritten by x
 */
function solveCholesky(l: Float64Array, d: number, b: Float64Array, offset = 0): void {
  solveLower(l, d, b, offset);
  solveLowerTransposed(l, d, b, offset);
}`,
  },
  conditionalGaussian: {
    needs: ['cholesky', 'choleskySolves'],
    local: true,
    source: `/** The conditional-Gaussian kernels of the missing-data E-step (missing/conditional-gaussian.ts). */
const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * Buffers of one component's factorisation for the current pattern, each sized [d, d] so any
 * pattern fits; the matrices are packed with the pattern's own strides.
 */
interface PatternFactor {
  /** shape [o, o], row-major: the Cholesky factor of Σ_oo (lower triangle). */
  readonly l: Float64Array;
  /** shape [m, o], row-major: B = Σ_mo Σ_oo⁻¹. */
  readonly b: Float64Array;
  /** shape [m, m], row-major: the conditional covariance C (both triangles). */
  readonly c: Float64Array;
  /** −½ o log 2π − Σ log L_ii; −∞ when Σ_oo is not positive definite. */
  logNorm: number;
}

function makePatternFactor(d: number): PatternFactor {
  return {
    l: new Float64Array(d * d),
    b: new Float64Array(d * d),
    c: new Float64Array(d * d),
    logNorm: 0,
  };
}

/**
 * Factors one pattern of one component into \`f\`.
 * @param cov shape [d, d] at \`at\`: the component's full covariance Σ
 * @param observed the pattern's observed coordinates (o of them, o ≥ 1)
 * @param missing the pattern's missing coordinates (m of them)
 * @returns false (and logNorm −∞) when Σ_oo is not numerically positive definite
 */
function factorPattern(
  cov: Float64Array,
  at: number,
  d: number,
  observed: Int32Array,
  missing: Int32Array,
  f: PatternFactor,
): boolean {
  const o = observed.length;
  const m = missing.length;
  const { l, b, c } = f;
  for (let i = 0; i < o; i++) {
    const row = at + observed[i]! * d;
    for (let j = 0; j <= i; j++) l[i * o + j] = cov[row + observed[j]!]!;
  }
  if (!cholesky(l, o)) {
    f.logNorm = Number.NEGATIVE_INFINITY;
    return false;
  }
  let logDet = 0;
  for (let i = 0; i < o; i++) logDet += Math.log(l[i * o + i]!);
  f.logNorm = -0.5 * o * LOG_TWO_PI - logDet;
  // Row a of B solves Σ_oo bᵀ = Σ_o,a (Σ symmetric, so Σ_a,o read along row a).
  for (let a = 0; a < m; a++) {
    const row = at + missing[a]! * d;
    for (let j = 0; j < o; j++) b[a * o + j] = cov[row + observed[j]!]!;
    solveCholesky(l, o, b, a * o);
  }
  for (let a = 0; a < m; a++) {
    const row = at + missing[a]! * d;
    for (let a2 = 0; a2 <= a; a2++) {
      let s = cov[row + missing[a2]!]!;
      const col = missing[a2]!;
      for (let j = 0; j < o; j++) s -= b[a * o + j]! * cov[at + observed[j]! * d + col]!;
      c[a * m + a2] = s;
      c[a2 * m + a] = s;
    }
  }
  return true;
}

/**
 * log N(x_o | μ_o, Σ_oo) of one row; leaves the residual x_o − μ_o in \`resid[0 .. o)\`.
 * @param x the data, row at \`xAt\` (shape [d])
 * @param mean the component mean at \`meanAt\` (shape [d])
 * @param resid shape [d], receives the residual on the observed coordinates
 * @param work shape [d], scratch
 */
function observedLogDensity(
  x: Float64Array,
  xAt: number,
  mean: Float64Array,
  meanAt: number,
  observed: Int32Array,
  f: PatternFactor,
  resid: Float64Array,
  work: Float64Array,
): number {
  const o = observed.length;
  for (let j = 0; j < o; j++) {
    const r = x[xAt + observed[j]!]! - mean[meanAt + observed[j]!]!;
    resid[j] = r;
    work[j] = r;
  }
  solveLower(f.l, o, work);
  let q = 0;
  for (let j = 0; j < o; j++) q += work[j]! * work[j]!;
  return f.logNorm - 0.5 * q;
}

/**
 * The completed row x̂: x on the observed coordinates, E[x_m | x_o] = μ_m + B r on the missing
 * ones, where r = x_o − μ_o is the residual \`observedLogDensity\` left in \`resid\`.
 * @param out shape [d], receives x̂
 */
function conditionalMean(
  x: Float64Array,
  xAt: number,
  mean: Float64Array,
  meanAt: number,
  observed: Int32Array,
  missing: Int32Array,
  f: PatternFactor,
  resid: Float64Array,
  out: Float64Array,
): void {
  const o = observed.length;
  for (let j = 0; j < o; j++) out[observed[j]!] = x[xAt + observed[j]!]!;
  const b = f.b;
  for (let a = 0; a < missing.length; a++) {
    let s = mean[meanAt + missing[a]!]!;
    for (let j = 0; j < o; j++) s += b[a * o + j]! * resid[j]!;
    out[missing[a]!] = s;
  }
}`,
  },
  findMissingPatterns: {
    needs: [],
    local: true,
    source: `/** Missingness patterns (missing/missing-patterns.ts): rows grouped by which coordinates are observed. */
interface MissingPattern {
  /** The observed coordinates, increasing. */
  readonly observed: Int32Array;
  /** The missing coordinates, increasing (empty for complete rows). */
  readonly missing: Int32Array;
  /** The compact indices (into \`MissingPatterns.rows\`) of the rows with this pattern, increasing. */
  readonly members: Int32Array;
}

interface MissingPatterns {
  /** Patterns in order of first appearance. */
  readonly patterns: readonly MissingPattern[];
  /** The original row index of each compact row (rows with at least one observed entry). */
  readonly rows: Int32Array;
  /** The original indices of the rows with every entry missing. */
  readonly empty: Int32Array;
  /** Per coordinate: how many rows observe it. */
  readonly observedPerColumn: Int32Array;
}

/**
 * Groups the rows of \`missing\` by pattern (a Map keyed by the row's mask).
 * @param missing shape [n, d], 1 where an entry is missing (absent: nothing is missing)
 */
function findMissingPatterns(missing: Uint8Array | undefined, n: number, d: number): MissingPatterns {
  const keyed = new Map<string, { observed: number[]; missing: number[]; members: number[] }>();
  const rows: number[] = [];
  const empty: number[] = [];
  const observedPerColumn = new Int32Array(d);
  for (let i = 0; i < n; i++) {
    let key = '';
    let seen = 0;
    for (let j = 0; j < d; j++) {
      const absent = missing !== undefined && missing[i * d + j] === 1;
      key += absent ? '0' : '1';
      if (!absent) {
        seen++;
        observedPerColumn[j]!++;
      }
    }
    if (seen === 0) {
      empty.push(i);
      continue;
    }
    let group = keyed.get(key);
    if (!group) {
      group = { observed: [], missing: [], members: [] };
      for (let j = 0; j < d; j++) (key[j] === '1' ? group.observed : group.missing).push(j);
      keyed.set(key, group);
    }
    group.members.push(rows.length);
    rows.push(i);
  }
  const patterns = [...keyed.values()].map((g) => ({
    observed: Int32Array.from(g.observed),
    missing: Int32Array.from(g.missing),
    members: Int32Array.from(g.members),
  }));
  return { patterns, rows: Int32Array.from(rows), empty: Int32Array.from(empty), observedPerColumn };
}`,
  },
  normalizeResponsibilities: {
    needs: [],
    local: true,
    source: `/**
 * Turns row i of \`logp\` into r[i, s] = p(state s | item i) in place and writes
 * log Σ_s exp(logp[i, s]) into \`itemLogLik[i]\`. A row that is −∞ everywhere (an item impossible
 * under every state) keeps uniform responsibilities and contributes −∞ (kernels/responsibilities.ts).
 * @returns Σ_i itemLogLik[i], the observed-data log-likelihood
 */
function normalizeResponsibilities(logp: Float64Array, n: number, S: number, itemLogLik: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * S;
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < S; s++) if (logp[row + s]! > max) max = logp[row + s]!;
    if (max === Number.NEGATIVE_INFINITY || Number.isNaN(max)) {
      for (let s = 0; s < S; s++) logp[row + s] = 1 / S;
      itemLogLik[i] = Number.NEGATIVE_INFINITY;
      total = Number.NEGATIVE_INFINITY;
      continue;
    }
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const e = Math.exp(logp[row + s]! - max);
      logp[row + s] = e;
      sum += e;
    }
    for (let s = 0; s < S; s++) logp[row + s]! /= sum;
    const ll = max + Math.log(sum);
    itemLogLik[i] = ll;
    total += ll;
  }
  return total;
}`,
  },
  kMeans: {
    needs: ['RandomStream'],
    local: true,
    source: `/**
 * k-means (chain/chain-init.ts): \`k\` seeds by \`seeder\`, then Lloyd iterations (every row to its
 * nearest centre, each centre to its rows' mean; an empty cluster keeps its centre) until no
 * label changes, at most 20.
 * @param rows shape [m, d]
 * @returns the cluster of each row, shape [m]
 */
function kMeans(
  rows: Float64Array,
  m: number,
  d: number,
  k: number,
  seeder: (x: Float64Array, n: number, d: number, k: number, rng: RandomStream) => number[],
  rng: RandomStream,
): Int32Array {
  const label = new Int32Array(m);
  if (m < k) {
    for (let i = 0; i < m; i++) label[i] = i;
    return label;
  }
  const centres = new Float64Array(k * d);
  const seeds = seeder(rows, m, d, k, rng);
  for (let c = 0; c < k; c++) centres.set(rows.subarray(seeds[c]! * d, (seeds[c]! + 1) * d), c * d);
  label.fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iteration = 0; iteration < 20; iteration++) {
    let changed = false;
    for (let i = 0; i < m; i++) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let dist = 0;
        for (let j = 0; j < d; j++) dist += (rows[i * d + j]! - centres[c * d + j]!) ** 2;
        if (dist < bestDistance) {
          bestDistance = dist;
          best = c;
        }
      }
      if (label[i] !== best) changed = true;
      label[i] = best;
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const c = label[i]!;
      counts[c]! += 1;
      for (let j = 0; j < d; j++) sums[c * d + j]! += rows[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j]! / counts[c]!;
    }
  }
  return label;
}`,
  },
  eye: {
    needs: [],
    local: true,
    source: `/** The d × d identity, row-major. */
function eye(d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = 1;
  return out;
}`,
  },
  combine: {
    needs: [],
    local: true,
    source: `/** Elementwise arithmetic of constants; a scalar operand broadcasts. */
function combine(
  a: Float64Array,
  aScalar: boolean,
  b: Float64Array,
  bScalar: boolean,
  f: (a: number, b: number) => number,
): Float64Array {
  const length = aScalar ? b.length : a.length;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = f(aScalar ? a[0]! : a[i]!, bScalar ? b[0]! : b[i]!);
  return out;
}`,
  },
  dirichletLogDensity: {
    needs: ['lgamma'],
    local: true,
    source: `/** log Dirichlet(x | alpha) of the k entries of x from \`offset\`; −∞ off the simplex. */
function dirichletLogDensity(x: Float64Array, offset: number, k: number, alpha: number | Float64Array): number {
  if (typeof alpha !== 'number' && alpha.length !== k) return Number.NEGATIVE_INFINITY;
  let total = 0;
  let sumAlpha = 0;
  let lp = 0;
  for (let i = 0; i < k; i++) {
    const a = typeof alpha === 'number' ? alpha : alpha[i]!;
    const xi = x[offset + i]!;
    if (!(a > 0) || a === Number.POSITIVE_INFINITY || !(xi >= 0 && xi <= 1)) return Number.NEGATIVE_INFINITY;
    total += xi;
    sumAlpha += a;
    lp += (a === 1 ? 0 : (a - 1) * Math.log(xi)) - lgamma(a);
  }
  if (Math.abs(total - 1) > 1e-8) return Number.NEGATIVE_INFINITY;
  return lp + lgamma(sumAlpha);
}`,
  },
  gammaLogDensity: {
    needs: ['lgamma'],
    local: true,
    source: `/** log Gamma(x | shape, rate). */
function gammaLogDensity(x: number, shape: number, rate: number): number {
  if (!(shape > 0) || !(rate > 0) || shape === Number.POSITIVE_INFINITY || rate === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (!(x >= 0) || x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const logTerm = shape === 1 ? 0 : (shape - 1) * Math.log(x);
  return shape * Math.log(rate) - lgamma(shape) + logTerm - rate * x;
}`,
  },
  betaLogDensity: {
    needs: ['lgamma'],
    local: true,
    source: `/** log Beta(x | a, b). */
function betaLogDensity(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || a === Number.POSITIVE_INFINITY || b === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (!(x >= 0 && x <= 1)) return Number.NEGATIVE_INFINITY;
  const left = a === 1 ? 0 : (a - 1) * Math.log(x);
  const right = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return left + right - (lgamma(a) + lgamma(b) - lgamma(a + b));
}`,
  },
  normalLogDensity: {
    needs: [],
    local: true,
    source: `/** log Normal(x | mean, sd). */
function normalLogDensity(x: number, mean: number, sd: number): number {
  if (!(sd > 0) || !Number.isFinite(x) || !Number.isFinite(mean) || sd === Number.POSITIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  const z = (x - mean) / sd;
  return -0.9189385332046728 - Math.log(sd) - 0.5 * z * z;
}`,
  },
  solveGammaShape: {
    needs: ['digamma', 'trigamma'],
    local: true,
    source: `/**
 * The shape a with log a − ψ(a) = s (Minka 2002, "Estimating a Gamma distribution", eq. 9, from the
 * Choi–Wette start); s ≤ 0 (all values equal) is raised to 1e-12.
 */
function solveGammaShape(s: number): number {
  const t = Math.max(s, 1e-12);
  let a = (3 - t + Math.sqrt((t - 3) * (t - 3) + 24 * t)) / (12 * t);
  for (let i = 0; i < 100; i++) {
    const next = 1 / (1 / a + (Math.log(a) - digamma(a) - t) / (a * a * (1 / a - trigamma(a))));
    if (!(next > 0)) break;
    const done = Math.abs(next - a) <= 1e-14 * a;
    a = next;
    if (done) break;
  }
  return a;
}`,
  },
  pivots: {
    needs: [],
    local: true,
    source: `/** Pivots of the elimination of a symmetric PSD matrix: the conditional variances, in order. */
function pivots(cov: Float64Array, d: number): number[] {
  const a = cov.slice();
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const piv = a[k * d + k]!;
    out.push(piv);
    if (!(piv > 0)) continue;
    for (let i = k + 1; i < d; i++) {
      const f = a[i * d + k]! / piv;
      for (let j = k + 1; j < d; j++) a[i * d + j]! -= f * a[k * d + j]!;
    }
  }
  return out;
}`,
  },
  describeCollapse: {
    needs: [],
    local: true,
    source: `/** What a scale with these variances (before regCovar) collapsed onto, if anything. */
function describeCollapse(variances: readonly number[], singular: boolean, regCovar: number): string | undefined {
  const flat = variances.map((v, j) => (v <= regCovar ? j : -1)).filter((j) => j >= 0);
  if (flat.length === variances.length) return 'collapsed onto a single point (zero variance)';
  if (flat.length > 0)
    return \`collapsed in coordinate\${flat.length > 1 ? 's' : ''} \${flat.join(', ')} (zero variance there: a constant column, or duplicate points)\`;
  if (singular) return 'collapsed onto a line or plane (a singular covariance: duplicate or collinear points)';
  return undefined;
}`,
  },
  firstTime: {
    needs: [],
    local: true,
    source: `/** Warnings already given in a run (keyed by the run's stream): each degenerate element is reported once. */
const reported = new WeakMap<object, Set<string>>();

/** True the first time \`key\` is seen in this run. */
function firstTime(rng: object, key: string): boolean {
  let seen = reported.get(rng);
  if (!seen) {
    seen = new Set();
    reported.set(rng, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}`,
  },
};
