/**
 * The log-density kernels against each family's `logDensity` in the distribution registry (an
 * independent implementation), item by item and state column by column, including −∞ cases.
 */
import { describe, expect, it } from 'vitest';
import {
  type ArgView,
  constantView,
  findDistribution,
  logDensityKernels,
  makeKernelWork,
  normalizeResponsibilities,
} from '../../src/index.js';

const perItem = (values: number[], size = 1): ArgView => ({
  values: Float64Array.from(values),
  offset: 0,
  step: size,
  size,
});
const fixed = (values: number[]) => constantView(Float64Array.from(values));

interface Row {
  family: string;
  child: ArgView;
  args: ArgView[];
  /** The registry's parameters for item i (scalars as numbers). */
  reference: (i: number) => (number | Float64Array)[];
  value: (i: number) => number | Float64Array;
}

const xs = [0, 1, 3, 7];
const reals = [-1.5, 0.2, 2.5, 10];
const rows: Row[] = [
  { family: 'Poisson', child: perItem(xs), args: [fixed([2.5])], reference: () => [2.5], value: (i) => xs[i]! },
  {
    family: 'Bernoulli',
    child: perItem([0, 1, 1, 0]),
    args: [fixed([0.3])],
    reference: () => [0.3],
    value: (i) => [0, 1, 1, 0][i]!,
  },
  {
    family: 'Binomial',
    child: perItem(xs),
    args: [perItem([3, 5, 3, 9]), fixed([0.4])],
    reference: (i) => [[3, 5, 3, 9][i]!, 0.4],
    value: (i) => xs[i]!,
  },
  {
    family: 'Normal',
    child: perItem(reals),
    args: [fixed([0.5]), fixed([2])],
    reference: () => [0.5, 2],
    value: (i) => reals[i]!,
  },
  {
    family: 'Exponential',
    child: perItem([0.1, 1, 2, 5]),
    args: [fixed([1.5])],
    reference: () => [1.5],
    value: (i) => [0.1, 1, 2, 5][i]!,
  },
  {
    family: 'Gamma',
    child: perItem([0.1, 1, 2, 5]),
    args: [fixed([2.5]), fixed([0.7])],
    reference: () => [2.5, 0.7],
    value: (i) => [0.1, 1, 2, 5][i]!,
  },
  {
    family: 'Categorical',
    child: perItem([0, 2, 1, 2]),
    args: [fixed([0.2, 0, 0.8])],
    reference: () => [Float64Array.of(0.2, 0, 0.8)],
    value: (i) => [0, 2, 1, 2][i]!,
  },
  {
    family: 'MvNormal',
    child: perItem([1, 2, 0, 0, -1, 3, 4, 4], 2),
    args: [fixed([0.5, 1]), fixed([2, 0.3, 0.3, 1])],
    reference: () => [Float64Array.of(0.5, 1), Float64Array.of(2, 0.3, 0.3, 1)],
    value: (i) => Float64Array.of([1, 0, -1, 4][i]!, [2, 0, 3, 4][i]!),
  },
];

describe('log-density kernels', () => {
  it.each(rows)('$family matches the registry', (row) => {
    const n = 4;
    const S = 2;
    const out = new Float64Array(n * S).fill(1);
    logDensityKernels[row.family]!(out, S, 1, n, row.child, row.args, makeKernelWork(4));
    const spec = findDistribution(row.family)!;
    for (let i = 0; i < n; i++) {
      expect(out[i * S]).toBe(1);
      const want = spec.numerics.logDensity(row.value(i), row.reference(i));
      const got = out[i * S + 1]! - 1;
      if (want === Number.NEGATIVE_INFINITY) expect(got).toBe(Number.NEGATIVE_INFINITY);
      else expect(got).toBeCloseTo(want, 10);
    }
  });

  it('Normal acts elementwise on a vector child and broadcasts a scalar sd', () => {
    const out = new Float64Array(1);
    logDensityKernels.Normal!(out, 1, 0, 1, perItem([1, 2], 2), [fixed([0, 1]), fixed([2])], makeKernelWork(2));
    const normal = findDistribution('Normal')!.numerics;
    expect(out[0]).toBeCloseTo(normal.logDensity(1, [0, 2]) + normal.logDensity(2, [1, 2]), 12);
  });

  it('normalises rows by log-sum-exp without NaN, also when a row is impossible', () => {
    const logp = Float64Array.of(
      Math.log(0.2),
      Math.log(0.6),
      -1000,
      -1001,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    );
    const ll = new Float64Array(3);
    const total = normalizeResponsibilities(logp, 3, 2, ll);
    expect(ll[0]).toBeCloseTo(Math.log(0.8), 12);
    expect(logp[0]).toBeCloseTo(0.25, 12);
    expect(logp[2]! + logp[3]!).toBeCloseTo(1, 12);
    expect(ll[1]).toBeCloseTo(-1000 + Math.log(1 + Math.exp(-1)), 9);
    expect(total).toBe(Number.NEGATIVE_INFINITY);
    expect([...logp].some(Number.isNaN)).toBe(false);
  });
});
