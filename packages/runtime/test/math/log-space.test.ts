/** Log-space helpers: −∞ safety, overflow safety, agreement with the direct formulas. */
import { describe, expect, it } from 'vitest';
import { log1mExp, log1pExp, logAddExp, logNormalize, logSumExp, xlogy } from '../../src/math/log-space.js';

const NEG = Number.NEGATIVE_INFINITY;

describe('logSumExp', () => {
  it('is −∞ (never NaN) when every term is −∞, and on an empty slice', () => {
    expect(logSumExp([NEG, NEG, NEG])).toBe(NEG);
    expect(logSumExp([])).toBe(NEG);
    expect(logAddExp(NEG, NEG)).toBe(NEG);
  });
  it('ignores −∞ terms and does not overflow', () => {
    expect(logSumExp([NEG, 0, NEG])).toBe(0);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(NEG, -3)).toBe(-3);
  });
  it('matches the direct sum and honours the slice', () => {
    const a = [0.1, -2, 3.5, 1];
    expect(logSumExp(a)).toBeCloseTo(Math.log(a.reduce((s, v) => s + Math.exp(v), 0)), 14);
    expect(logSumExp(a, 1, 3)).toBeCloseTo(Math.log(Math.exp(-2) + Math.exp(3.5)), 14);
  });
  it('logNormalize normalises in place and leaves an impossible row alone', () => {
    const a = new Float64Array([Math.log(1), Math.log(3), NEG]);
    expect(logNormalize(a)).toBeCloseTo(Math.log(4), 14);
    expect(Math.exp(a[0]!)).toBeCloseTo(0.25, 14);
    expect(a[2]).toBe(NEG);
    const b = new Float64Array([NEG, NEG]);
    expect(logNormalize(b)).toBe(NEG);
    expect([...b]).toEqual([NEG, NEG]);
  });
});

describe('log1p-style helpers', () => {
  it('agree with the direct formulas where those are accurate, and stay finite where they are not', () => {
    expect(log1pExp(0)).toBeCloseTo(Math.LN2, 15);
    expect(log1pExp(800)).toBe(800);
    expect(log1pExp(-800)).toBe(0);
    expect(log1mExp(-1e-20)).toBeCloseTo(Math.log(1e-20), 12);
    expect(log1mExp(-50)).toBeCloseTo(-Math.exp(-50), 30);
    expect(log1mExp(0)).toBe(NEG);
    expect(xlogy(0, 0)).toBe(0);
    expect(xlogy(2, Math.E)).toBeCloseTo(2, 15);
  });
});
