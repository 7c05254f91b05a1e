import { describe, expect, it } from 'vitest';
import {
  add,
  divide,
  expInterval,
  formatInterval,
  interval,
  isWithin,
  logisticInterval,
  multiply,
  negate,
  nonNegativeReals,
  point,
  positiveReals,
  power,
  realLine,
  reciprocal,
  subtract,
  sumOfUnknownCount,
  unitInterval,
} from '../../src/check/interval.js';

describe('interval arithmetic', () => {
  it('keeps the genetic-linkage cell probabilities within [0, 1]', () => {
    const theta = unitInterval;
    expect(formatInterval(divide(subtract(point(1), theta), point(4)))).toBe('[0, 0.25]');
    expect(formatInterval(add(point(0.5), divide(theta, point(4))))).toBe('[0.5, 0.75]');
  });

  it('knows exp is positive and logistic lies in (0, 1)', () => {
    expect(formatInterval(expInterval(realLine))).toBe('(0, ∞)');
    expect(formatInterval(logisticInterval(realLine))).toBe('(0, 1)');
    expect(isWithin(logisticInterval(realLine), unitInterval)).toBe(true);
  });

  it('treats open and closed ends soundly', () => {
    expect(isWithin(nonNegativeReals, positiveReals)).toBe(false);
    expect(isWithin(positiveReals, nonNegativeReals)).toBe(true);
    expect(formatInterval(multiply(unitInterval, positiveReals))).toBe('[0, ∞)');
    expect(formatInterval(multiply(interval(0, 1, false), positiveReals))).toBe('(0, ∞)');
    expect(formatInterval(negate(interval(0, 1, false, true)))).toBe('[-1, 0)');
  });

  it('divides only by intervals that exclude zero', () => {
    expect(formatInterval(reciprocal(positiveReals))).toBe('(0, ∞)');
    expect(formatInterval(reciprocal(nonNegativeReals))).toBe('(−∞, ∞)');
    expect(formatInterval(divide(positiveReals, point(2)))).toBe('(0, ∞)');
  });

  it('squares are non-negative, powers of positives positive', () => {
    expect(formatInterval(power(realLine, point(2), true))).toBe('[0, ∞)');
    expect(formatInterval(power(positiveReals, realLine, false))).toBe('(0, ∞)');
    expect(formatInterval(power(unitInterval, point(3), false))).toBe('[0, 1]');
    expect(formatInterval(power(realLine, point(3), false))).toBe('(−∞, ∞)');
  });

  it('sums of positive terms are positive', () => {
    expect(formatInterval(sumOfUnknownCount(positiveReals))).toBe('(0, ∞)');
    expect(formatInterval(sumOfUnknownCount(unitInterval))).toBe('[0, ∞)');
    expect(formatInterval(sumOfUnknownCount(realLine))).toBe('(−∞, ∞)');
  });
});
