/** The six plans LANGUAGE.md's models must get (issue 3), asserted exactly. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plan } from './helpers.js';

function planOf(name: string) {
  const path = fileURLToPath(new URL(`../../../../test/language/models/${name}.em`, import.meta.url));
  const p = plan(readFileSync(path, 'utf8')).plan;
  if (!p) throw new Error(`no plan for ${name}`);
  return {
    latents: p.latents.map((l) => [l.name, l.strategy]),
    params: p.params.map((q) => [q.name, q.update]),
  };
}

describe('required plans', () => {
  it('gmm', () => {
    expect(planOf('gmm')).toEqual({
      latents: [['z', 'enumerate']],
      params: [
        ['weights', 'closed-form'],
        ['mu', 'closed-form'],
        ['Sigma', 'closed-form'],
      ],
    });
  });
  it('hmm', () => {
    expect(planOf('hmm')).toEqual({
      latents: [['h', 'forward-backward']],
      params: [
        ['init', 'closed-form'],
        ['trans', 'closed-form'],
        ['emit', 'closed-form'],
      ],
    });
  });
  it('fa', () => {
    expect(planOf('fa')).toEqual({
      latents: [['f', 'gaussian']],
      params: [
        ['W', 'closed-form'],
        ['mu', 'closed-form'],
        ['psi', 'closed-form'],
      ],
    });
  });
  it('poismix', () => {
    expect(planOf('poismix')).toEqual({
      latents: [['z', 'enumerate']],
      params: [
        ['w', 'closed-form-map'],
        ['rate', 'closed-form'],
      ],
    });
  });
  it('mixlogit', () => {
    expect(planOf('mixlogit')).toEqual({
      latents: [['z', 'enumerate']],
      params: [
        ['w', 'closed-form'],
        ['beta', 'numeric'],
      ],
    });
  });
  it('mvn_missing', () => {
    expect(planOf('mvn_missing')).toEqual({
      latents: [['x', 'missing-gaussian']],
      params: [
        ['mu', 'closed-form'],
        ['Sigma', 'closed-form'],
      ],
    });
  });
  it('gives reasons a user understands', () => {
    const p = plan(
      readFileSync(fileURLToPath(new URL('../../../../test/language/models/mixlogit.em', import.meta.url)), 'utf8'),
    ).plan;
    expect(p?.latents[0]?.reason).toBe(
      'finite latent z[n] with K states, independent across n: responsibilities by enumeration',
    );
    expect(p?.params[1]?.reason).toBe(
      "logistic link: no closed form; Newton–Raphson (IRLS) on the expected complete-data log-likelihood: Bernoulli with its canonical logistic link on a linear predictor in beta, so the Hessian −Σ r·μ(1 − μ)·x xᵀ is cheap (one Cholesky solve of the size of beta's rows per component and step; L-BFGS is not needed)",
    );
  });
});
