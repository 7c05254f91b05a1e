import { describe, expect, it } from 'vitest';
import { distributions, findDistribution, parseTypePattern } from '../src/index.js';

const required = [
  'Categorical',
  'Bernoulli',
  'Binomial',
  'Multinomial',
  'Poisson',
  'Normal',
  'MvNormal',
  'Exponential',
  'Gamma',
  'Beta',
  'Dirichlet',
  'StudentT',
  'MvStudentT',
  'LogNormal',
  'InvWishart',
];

describe('distribution registry', () => {
  it('holds the required set of LANGUAGE.md', () => {
    for (const name of required) expect(findDistribution(name)?.name).toBe(name);
  });

  it.each([...distributions.values()].map((d) => [d.name, d] as const))('%s has well-formed type patterns', (_, d) => {
    const patterns = [d.support, ...(d.accepts ?? []), ...d.parameters.map((p) => p.type)];
    for (const p of patterns) expect(parseTypePattern(p).length).toBeGreaterThan(0);
    expect(new Set(d.parameters.map((p) => p.name)).size).toBe(d.parameters.length);
  });

  it('parses alternatives and shape variables', () => {
    expect(parseTypePattern('positive[K] | positive')).toEqual([
      { base: 'positive', shape: ['K'] },
      { base: 'positive', shape: [] },
    ]);
    expect(parseTypePattern('real[R, 3]')).toEqual([{ base: 'real', shape: ['R', 3] }]);
    expect(() => parseTypePattern('vector[K]')).toThrow();
  });
});
