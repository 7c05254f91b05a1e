/**
 * lowerFitProgram: a GMM lowers to the expected FitProgram (plate, latent group, factors with
 * their value sources, params with shapes, rules and priors); plans the runtime cannot run yet
 * give exactly one E5001 naming the obstacle.
 */
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { lowerFitProgram } from '../../src/lower/lower-fit-program.js';
import { planSource } from '../../src/pipeline.js';

const lower = (text: string) => lowerFitProgram(planSource(new SourceFile('m.em', text)));

const gmm = `model gmm {
  size N, D
  size K = 3
  data   x[N]: real[D]
  param  weights: simplex[K]
  param  mu[K]: real[D]
  param  Sigma[K]: cov[D]
  latent z[N]: cat[K]
  weights ~ Dirichlet(2)
  for n in N {
    z[n] ~ Categorical(weights)
    x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]])
  }
}`;

describe('lowerFitProgram', () => {
  it('lowers a GMM with a Dirichlet prior', () => {
    const { value, diagnostics } = lower(gmm);
    expect(diagnostics).toEqual([]);
    expect(value?.plate).toEqual({ index: 'n', size: 'N' });
    expect(value?.latents).toEqual([{ name: 'z', states: 'K' }]);
    expect(value?.objective).toBe('log-posterior');
    expect(value?.factors.map((f) => [f.family, f.child, f.args.map((a) => a.source)])).toEqual([
      ['Categorical', { kind: 'state', latent: 'z' }, [{ kind: 'param', name: 'weights', selectors: [] }]],
      [
        'MvNormal',
        { kind: 'data', name: 'x', atItem: true, selectors: [] },
        [
          { kind: 'param', name: 'mu', selectors: ['z'] },
          { kind: 'param', name: 'Sigma', selectors: ['z'] },
        ],
      ],
    ]);
    expect(value?.params.map((p) => [p.name, p.dims, p.element, p.shape, p.rule, p.factor, p.argument])).toEqual([
      ['weights', [], 'simplex', ['K'], 'dirichlet-map', 0, 'p'],
      ['mu', ['K'], 'real', ['D'], 'mv-normal-mean', 1, 'mean'],
      ['Sigma', ['K'], 'cov', ['D', 'D'], 'mv-normal-covariance', 1, 'cov'],
    ]);
    expect(value?.params[0]?.prior?.args).toEqual([{ kind: 'number', value: 2 }]);
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it('lowers two latents per item (product space)', () => {
    const { value } = lower(`model two {
      size N
      size A = 2
      size B = 3
      data   y[N]: count
      param  wa: simplex[A]
      param  wb: simplex[B]
      param  rate[A][B]: positive
      latent a[N]: cat[A]
      latent b[N]: cat[B]
      for n in N {
        a[n] ~ Categorical(wa)
        b[n] ~ Categorical(wb)
        y[n] ~ Poisson(rate[a[n]][b[n]])
      }
    }`);
    expect(value?.latents.map((l) => l.name)).toEqual(['a', 'b']);
    expect(value?.factors[2]?.args[0]?.source).toEqual({ kind: 'param', name: 'rate', selectors: ['a', 'b'] });
  });

  it.each([
    ['an HMM', 'hmm-dishonest-casino', /latent 'die' needs the forward-backward E-step/],
    ['factor analysis', 'factor-analysis', /latent 'f' needs the gaussian E-step/],
    ['missing data', 'mvn-missing', /needs the missing-gaussian E-step|missing entries/],
  ])('refuses %s with E5001', async (_, example, why) => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL(`../../../../examples/${example}/model.em`, import.meta.url), 'utf8');
    const { value, diagnostics } = lower(text);
    expect(value).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['E5001']);
    expect(diagnostics[0]?.message).toMatch(/^this model's plan is not supported by the runtime yet: /);
    expect(diagnostics[0]?.message).toMatch(why);
  });
});
