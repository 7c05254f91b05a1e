/** Special functions against known values, recurrences, asymptotics and SciPy reference values. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  digamma,
  EULER_GAMMA,
  invDigamma,
  lbeta,
  lchoose,
  lfactorial,
  lgamma,
  lmvgamma,
  trigamma,
} from '../../src/math/special.js';

interface Fixture {
  special: Record<'lgamma' | 'digamma' | 'trigamma', [number, number][]> & { lmvgamma: [number, number, number][] };
}
const fixture: Fixture = JSON.parse(readFileSync(new URL('../fixtures/density-fixture.json', import.meta.url), 'utf8'));

/** |actual − expected| ≤ rel · |expected| + abs. */
function expectClose(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

const grid = Array.from({ length: 200 }, (_, i) => 0.01 + i * 0.37);

describe('lgamma', () => {
  it('has the known values', () => {
    expectClose(lgamma(0.5), 0.5 * Math.log(Math.PI), 1e-15);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    expectClose(lgamma(10), Math.log(362880), 1e-15);
    expectClose(lgamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), 1e-14);
    expect(lgamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(lgamma(-3)).toBe(Number.POSITIVE_INFINITY);
  });
  it('satisfies lgamma(x + 1) = lgamma(x) + log x', () => {
    for (const x of grid) expectClose(lgamma(x + 1), lgamma(x) + Math.log(x), 1e-13, 1e-14);
  });
  it('follows Stirling for large x', () => {
    for (const x of [1e3, 1e6, 1e12]) {
      const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
      expectClose(lgamma(x), stirling, 1e-14);
    }
  });
  it('matches SciPy gammaln', () => {
    for (const [x, v] of fixture.special.lgamma) expectClose(lgamma(x), v, 1e-14, 2e-15);
  });
});

describe('digamma and trigamma', () => {
  it('have the known values', () => {
    expectClose(digamma(1), -EULER_GAMMA, 1e-15);
    expectClose(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2, 1e-15);
    expectClose(trigamma(1), (Math.PI * Math.PI) / 6, 1e-15);
    expectClose(trigamma(0.5), (Math.PI * Math.PI) / 2, 1e-15);
  });
  it('satisfy their recurrences', () => {
    for (const x of grid) {
      expectClose(digamma(x + 1), digamma(x) + 1 / x, 1e-13, 1e-15 / x);
      expectClose(trigamma(x + 1), trigamma(x) - 1 / (x * x), 1e-13, 1e-15 / (x * x));
    }
  });
  it('follow the asymptotics for large x', () => {
    for (const x of [1e4, 1e8]) {
      expectClose(digamma(x), Math.log(x) - 1 / (2 * x) - 1 / (12 * x * x), 1e-15);
      expectClose(trigamma(x), 1 / x + 1 / (2 * x * x) + 1 / (6 * x ** 3), 1e-15);
    }
  });
  it('match SciPy digamma and polygamma(1, ·)', () => {
    for (const [x, v] of fixture.special.digamma) expectClose(digamma(x), v, 1e-13, 1e-15);
    for (const [x, v] of fixture.special.trigamma) expectClose(trigamma(x), v, 1e-13);
  });
  it('invDigamma inverts digamma', () => {
    for (const x of [1e-3, 0.2, 1, 3.3, 50, 1e4]) expectClose(invDigamma(digamma(x)), x, 1e-12);
  });
});

describe('lbeta, lmvgamma, lfactorial, lchoose', () => {
  it('agree with their definitions', () => {
    expectClose(lbeta(2, 3), Math.log(1 / 12), 1e-14);
    expectClose(lbeta(0.5, 0.5), Math.log(Math.PI), 1e-14);
    expectClose(lmvgamma(3.2, 1), lgamma(3.2), 1e-15);
    expectClose(lfactorial(20), Math.log(2432902008176640000), 1e-15);
    expectClose(lchoose(10, 3), Math.log(120), 1e-14);
    expect(lchoose(5, 6)).toBe(Number.NEGATIVE_INFINITY);
    for (const [x, d, v] of fixture.special.lmvgamma) expectClose(lmvgamma(x, d), v, 1e-14, 2e-15);
  });
});
