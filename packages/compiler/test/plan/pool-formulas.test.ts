import { describe, expect, it } from 'vitest';
import { poolFormulas } from '../../src/plan/rules/slot-rule.js';

describe('poolFormulas', () => {
  it('adds the statistics of statements that share a param', () => {
    expect(poolFormulas(['p[m] ∝ Σ_n E[1{a1[n] = m}]', 'p[m] ∝ Σ_n E[1{a2[n] = m}]'])).toBe(
      'p[m] ∝ Σ_n E[1{a1[n] = m}] + Σ_n E[1{a2[n] = m}]',
    );
    expect(poolFormulas(['mu = Σ_n x[n] / Σ_n 1', 'mu = Σ_t y[t] / Σ_t 1'])).toBe(
      'mu = (Σ_n x[n] + Σ_t y[t]) / (Σ_n 1 + Σ_t 1)',
    );
  });

  it('splits at the last top-level division only', () => {
    expect(poolFormulas(['s² = Σ_n (x[n] / 2)² / (D · Σ_n 1)', 's² = Σ_t y[t]² / (D · Σ_t 1)'])).toBe(
      's² = (Σ_n (x[n] / 2)² + Σ_t y[t]²) / ((D · Σ_n 1) + (D · Σ_t 1))',
    );
  });

  it('lists formulas that do not share a form', () => {
    expect(poolFormulas(['a = x / y', 'b = z / w'])).toBe('a = x / y; b = z / w');
    expect(poolFormulas(['a = x'])).toBe('a = x');
  });
});
