import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../src/diagnostics/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['Normal', 'Nromal', 1],
    ['MvNormal', 'MvNormal', 0],
    ['ab', 'ba', 1],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestName', () => {
  const dists = ['Normal', 'MvNormal', 'Categorical', 'Poisson', 'Gamma', 'Beta'];

  it('suggests typos and case mistakes', () => {
    expect(closestName('Nromal', dists)).toBe('Normal');
    expect(closestName('normal', dists)).toBe('Normal');
    expect(closestName('Catgorical', dists)).toBe('Categorical');
    expect(closestName('Poison', dists)).toBe('Poisson');
  });

  it('suggests nothing for names far from every candidate', () => {
    expect(closestName('Weibull', dists)).toBeUndefined();
    expect(closestName('x', ['mu', 'Sigma'])).toBeUndefined();
  });

  it('formats the hint', () => {
    expect(didYouMean('Gama', dists)).toBe("did you mean 'Gamma'?");
    expect(didYouMean('zzz', dists)).toBeUndefined();
  });
});
