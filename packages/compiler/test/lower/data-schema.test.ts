/** Lowering checked models to the runtime's data schema. */
import { checkSource, lowerDataSchema } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';

function schemaOf(text: string) {
  const outcome = checkSource(new SourceFile('m.em', text));
  if (!outcome.checked) throw new Error(outcome.diagnostics.map((d) => d.message).join('\n'));
  return lowerDataSchema(outcome.checked);
}

describe('lowerDataSchema', () => {
  it('lowers sizes with defaults and a vector data declaration', () => {
    const schema = schemaOf(`model gmm {
      size N, D
      size K = 3
      data x[N]: real[D]
      param weights: simplex[K]
      param mu[K]: real[D]
      param Sigma[K]: cov[D]
      latent z[N]: cat[K]
      for n in N { z[n] ~ Categorical(weights)
        x[n] ~ MvNormal(mu[z[n]], Sigma[z[n]]) }
    }`);
    expect(schema).toEqual({
      model: 'gmm',
      sizes: [{ name: 'N' }, { name: 'D' }, { name: 'K', default: 3 }],
      data: [{ name: 'x', dims: ['N'], element: 'real', shape: ['D'], optional: false, typeText: 'x[N]: real[D]' }],
    });
  });

  it('lowers a ragged size and categorical data', () => {
    const schema = schemaOf(`model hmm {
      size S, K, M
      size T[S]
      data y[S][T]: cat[M]
      param init: simplex[K]
      param trans[K]: simplex[K]
      param emit[K]: simplex[M]
      latent h[S][T]: cat[K]
      for s in S {
        h[s][0] ~ Categorical(init)
        for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
        for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
      }
    }`);
    expect(schema.sizes).toContainEqual({ name: 'T', over: 'S' });
    expect(schema.data).toEqual([
      {
        name: 'y',
        dims: ['S', 'T'],
        element: 'cat',
        shape: [],
        categories: 'M',
        optional: false,
        typeText: 'y[S][T]: cat[M]',
      },
    ]);
  });

  it('lowers optional entries, a literal category count, simplex and cov data', () => {
    const schema = schemaOf(`model m {
      size N, D
      size J = 2
      data x[N]: real[D]?
      data c[N]: cat[4]
      data table[J]: simplex[4]
      data Sigma: cov[D]
      param mu: real[D]
      latent z[N]: cat[J]
      for n in N {
        z[n] ~ Categorical([0.5, 0.5])
        c[n] ~ Categorical(table[z[n]])
        x[n] ~ MvNormal(mu, Sigma)
      }
    }`);
    const byName = Object.fromEntries(schema.data.map((v) => [v.name, v]));
    expect(byName.x).toMatchObject({ optional: true, typeText: 'x[N]: real[D]?' });
    expect(byName.c).toMatchObject({ element: 'cat', categories: 4, shape: [] });
    expect(byName.table).toMatchObject({ element: 'simplex', dims: ['J'], shape: [4] });
    expect(byName.Sigma).toMatchObject({ element: 'cov', dims: [], shape: ['D', 'D'] });
  });
});
