/**
 * The seeded random stream of the runtime: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32, 53-bit uniform doubles from two outputs. Written here rather than taken from a
 * package so that standalone fitters can inline it and so that the bits are fixed by this file:
 * the same seed gives the same draws on every platform. `jump()` advances 2^64 steps, which is
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

/** The serialisable state of a stream (for checkpoints): four uint32 words and a cached normal. */
export interface RandomState {
  readonly words: readonly [number, number, number, number];
  readonly spareNormal: number | null;
}

export class RandomStream {
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
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_32) | 0, 0x27d4eb2d) };
    const w = [splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)] as const;
    // The all-zero state is the one fixed point of xoshiro; splitmix cannot give it for all four words, but guard anyway.
    return new RandomStream(w[0], w[1], w[2], (w[0] | w[1] | w[2] | w[3]) === 0 ? 1 : w[3]);
  }

  /** A stream restored from `state()`. */
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
}

/**
 * `count` non-overlapping streams derived from one seed: stream i is the seed's stream jumped
 * i + 1 times (2^64 draws apart), so restart i draws the same numbers whatever the count.
 */
export function makeStreams(seed: number, count: number): RandomStream[] {
  const base = RandomStream.fromSeed(seed);
  const out: RandomStream[] = [];
  for (let i = 0; i < count; i++) {
    base.jump();
    out.push(base.clone());
  }
  return out;
}
