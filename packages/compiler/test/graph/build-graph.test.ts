/** The model graph: variables, factors with how each variable enters, dependencies, and its printout. */
import { describe, expect, it } from 'vitest';
import { printGraph } from '../../src/index.js';
import { plan } from '../plan/helpers.js';

const hmm = `model hmm {
  size S, K, M
  size T[S]
  data   y[S][T]: cat[M]
  param  init: simplex[K]
  param  trans[K]: simplex[K]
  param  emit[K]: simplex[M]
  latent h[S][T]: cat[K]
  for s in S {
    h[s][0] ~ Categorical(init)
    for t in 1..T[s] { h[s][t] ~ Categorical(trans[h[s][t-1]]) }
    for t in T[s] { y[s][t] ~ Categorical(emit[h[s][t]]) }
  }
}`;

function uses(text: string): string[] {
  const graph = plan(text).graph;
  if (!graph) throw new Error('no graph');
  return [...graph.factors.values()].flatMap((f) =>
    f.args.flatMap((a) =>
      a.uses.map((u) => `${f.target} ${a.name}: ${u.variable} ${u.kind}${u.link ? ` ${u.link}` : ''}`),
    ),
  );
}

describe('makeModelGraph', () => {
  it('keeps each statement of the HMM chain as its own factor, with ragged plates', () => {
    const graph = plan(hmm).graph;
    const h = graph?.variables.get('h');
    expect(h?.families).toEqual(['Categorical', 'Categorical']);
    expect(h?.plates.map((p) => `${p.index} ${p.range}${p.ragged ? ' ragged' : ''}`)).toEqual([
      's S',
      't 1..T[s] ragged',
    ]);
    expect(uses(hmm)).toContain('h[s][t] p: h previous-step');
    expect(uses(hmm)).toContain('y[s][t] p: emit selected');
  });

  it('labels how variables enter arguments', () => {
    const fa = `model fa {
  size N, D, L
  data x[N]: real[D]
  param W: real[D, L]
  param mu: real[D]
  param psi: positive[D]
  latent f[N]: real[L]
  for n in N {
    f[n] ~ MvNormal(zeros(L), eye(L))
    x[n] ~ Normal(mu + W * f[n], psi)
  }
}`;
    expect(uses(fa)).toEqual([
      'x[n] mean: mu affine',
      'x[n] mean: W affine',
      'x[n] mean: f affine',
      'x[n] sd: psi direct',
    ]);
    const logit = `model m {
  size N, P
  data X[N]: real[P]
  data y[N]: count
  param beta: real[P]
  for n in N { y[n] ~ Bernoulli(logistic(dot(X[n], beta))) }
}`;
    expect(uses(logit)).toContain('y[n] p: beta linear-predictor logistic');
    const t = `model t {
  size N, D
  data x[N]: real[D]
  param mu: real[D]
  param Sigma: cov[D]
  latent u[N]: positive
  for n in N {
    u[n] ~ Gamma(2, 2)
    x[n] ~ MvNormal(mu, Sigma / u[n])
  }
}`;
    expect(uses(t)).toEqual(expect.arrayContaining(['x[n] cov: Sigma scaled', 'x[n] cov: u scale-divisor']));
  });

  it('prints', () => {
    const graph = plan(hmm).graph;
    if (!graph) throw new Error('no graph');
    expect(printGraph(graph)).toMatchInlineSnapshot(`
      "graph hmm
      variables
        data   y[S][T]: cat[M]       plates s in S, t in T[s] (ragged); ~ Categorical
        param  init: simplex[K]
        param  trans[K]: simplex[K]
        param  emit[K]: simplex[M]
        latent h[S][T]: cat[K]       plates s in S, t in 1..T[s] (ragged); ~ Categorical, Categorical
      factors
        f1 h[s][0] ~ Categorical(init)  for s in S
            p = init: init direct
        f2 h[s][t] ~ Categorical(trans[h[s][t - 1]])  for s in S, t in 1..T[s] (ragged)
            p = trans[h[s][t - 1]]: trans selected by h; h previous step selects trans
        f3 y[s][t] ~ Categorical(emit[h[s][t]])  for s in S, t in T[s] (ragged)
            p = emit[h[s][t]]: emit selected by h; h selects emit
      dependencies
        init -> h  (direct, f1)
        trans -> h  (selected, f2)
        emit -> y  (selected, f3)
        h -> y  (selector, f3)
      "
    `);
  });

  it('reports a dependency cycle (E3001)', () => {
    const outcome = plan(`model c {
  size N
  data y[N]: real
  latent a[N]: real
  latent b[N]: real
  for n in N {
    a[n] ~ Normal(b[n], 1)
    b[n] ~ Normal(a[n], 1)
    y[n] ~ Normal(a[n], 1)
  }
}`);
    expect(outcome.diagnostics.map((d) => d.code)).toEqual(['E3001']);
  });
});
