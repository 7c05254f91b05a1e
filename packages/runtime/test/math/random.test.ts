/** The seeded stream: reproducibility, jumps and state round-trips, uniform range, and the discrete samplers' branches. */
import { describe, expect, it } from 'vitest';
import { sampleBinomial, samplePoisson } from '../../src/random/discrete.js';
import { makeStreams, RandomStream } from '../../src/random/stream.js';

describe('RandomStream', () => {
  it('gives the same bits for the same seed and different bits for another', () => {
    const a = RandomStream.fromSeed(42);
    const b = RandomStream.fromSeed(42);
    const c = RandomStream.fromSeed(43);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xa);
    expect(RandomStream.fromSeed(2 ** 40).nextUint32()).not.toBe(RandomStream.fromSeed(0).nextUint32());
  });
  it('round-trips its state and derives distinct, reproducible restart streams', () => {
    const a = RandomStream.fromSeed(7);
    a.uniform();
    const copy = RandomStream.fromState(JSON.parse(JSON.stringify(a.state())));
    expect(copy.uniform()).toBe(a.uniform());
    const s3 = makeStreams(7, 3);
    const s5 = makeStreams(7, 5);
    expect(s5[2]!.nextUint32()).toBe(s3[2]!.nextUint32());
    expect(new Set(s5.map((s) => s.nextUint32())).size).toBe(5);
  });
  it('draws uniforms in [0, 1) with the right mean and unbiased integers', () => {
    const r = RandomStream.fromSeed(1);
    let s = 0;
    const counts = [0, 0, 0];
    for (let i = 0; i < 60000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      counts[r.uniformInt(3)]!++;
    }
    expect(Math.abs(s / 60000 - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 60000));
    for (const c of counts) expect(Math.abs(c - 20000)).toBeLessThan(5 * Math.sqrt(60000 * (2 / 9)));
  });
  it('samples Poisson and binomial on both sides of their algorithm switch with the right mean and variance', () => {
    const r = RandomStream.fromSeed(3);
    const n = 100000;
    const cases: [() => number, number, number][] = [
      [() => samplePoisson(r, 9.9), 9.9, 9.9],
      [() => samplePoisson(r, 10.1), 10.1, 10.1],
      [() => samplePoisson(r, 1e4), 1e4, 1e4],
      [() => sampleBinomial(r, 1000, 0.009), 9, 9 * 0.991],
      [() => sampleBinomial(r, 1000, 0.95), 950, 1000 * 0.95 * 0.05],
      [() => sampleBinomial(r, 100000, 0.5), 50000, 25000],
    ];
    for (const [draw, mean, variance] of cases) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        s += x;
        s2 += x * x;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(v - variance)).toBeLessThan(5 * variance * Math.sqrt(2 / n) + 0.01 * variance);
    }
  });
});
