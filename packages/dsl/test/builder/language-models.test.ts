/** The six models of LANGUAGE.md written with the builder, compared with the parsed text. */
import { describe, expect, it } from 'vitest';
import { cat, count, cov, model, positive, printModel, real, simplex, stripLocations } from '../../src/index.js';
import { expectSameTree, parseText, readLanguageModel } from './parse-text.js';

const gmm = () =>
  model('gmm', (m) => {
    const [N, D] = m.sizes('N', 'D');
    const K = m.size('K', 3);
    const x = m.data('x', [N], real(D));
    const weights = m.param('weights', simplex(K));
    const mu = m.param('mu', [K], real(D));
    const Sigma = m.param('Sigma', [K], cov(D));
    const z = m.latent('z', [N], cat(K));
    m.for('n', N, (n) => {
      m.sample(z.at(n), m.dist.Categorical(weights));
      m.sample(x.at(n), m.dist.MvNormal(mu.at(z.at(n)), Sigma.at(z.at(n))));
    });
  });

const hmm = () =>
  model('hmm', (m) => {
    const [S, K, M] = m.sizes('S', 'K', 'M');
    const T = m.ragged('T', S);
    const y = m.data('y', [S, T], cat(M));
    const init = m.param('init', simplex(K));
    const trans = m.param('trans', [K], simplex(K));
    const emit = m.param('emit', [K], simplex(M));
    const h = m.latent('h', [S, T], cat(K));
    m.for('s', S, (s) => {
      m.sample(h.at(s, 0), m.dist.Categorical(init));
      m.forRange('t', 1, T.at(s), (t) => {
        m.sample(h.at(s, t), m.dist.Categorical(trans.at(h.at(s, t.sub(1)))));
      });
      m.for('t', T.at(s), (t) => {
        m.sample(y.at(s, t), m.dist.Categorical(emit.at(h.at(s, t))));
      });
    });
  });

const fa = () =>
  model('fa', (m) => {
    const [N, D, L] = m.sizes('N', 'D', 'L');
    const x = m.data('x', [N], real(D));
    const W = m.param('W', real(D, L));
    const mu = m.param('mu', real(D));
    const psi = m.param('psi', positive(D));
    const f = m.latent('f', [N], real(L));
    m.for('n', N, (n) => {
      m.sample(f.at(n), m.dist.MvNormal(m.fn.zeros(L), m.fn.eye(L)));
      m.sample(x.at(n), m.dist.Normal(mu.add(W.mul(f.at(n))), psi));
    });
  });

const poismix = () =>
  model('poismix', (m) => {
    const N = m.size('N');
    const K = m.size('K', 2);
    const y = m.data('y', [N], count);
    const w = m.param('w', simplex(K));
    const rate = m.param('rate', [K], positive());
    const z = m.latent('z', [N], cat(K));
    m.sample(w, m.dist.Dirichlet(2));
    m.for('n', N, (n) => {
      m.sample(z.at(n), m.dist.Categorical(w));
      m.sample(y.at(n), m.dist.Poisson(rate.at(z.at(n))));
    });
  });

const mixlogit = () =>
  model('mixlogit', (m) => {
    const [N, P] = m.sizes('N', 'P');
    const K = m.size('K', 2);
    const X = m.data('X', [N], real(P));
    const y = m.data('y', [N], count);
    const w = m.param('w', simplex(K));
    const beta = m.param('beta', [K], real(P));
    const z = m.latent('z', [N], cat(K));
    m.for('n', N, (n) => {
      m.sample(z.at(n), m.dist.Categorical(w));
      m.sample(y.at(n), m.dist.Bernoulli(m.fn.logistic(m.fn.dot(X.at(n), beta.at(z.at(n))))));
    });
  });

const mvnMissing = () =>
  model('mvn_missing', (m) => {
    const [N, D] = m.sizes('N', 'D');
    const x = m.data('x', [N], real(D).optional());
    const mu = m.param('mu', real(D));
    const Sigma = m.param('Sigma', cov(D));
    m.for('n', N, (n) => {
      m.sample(x.at(n), m.dist.MvNormal(mu, Sigma));
    });
  });

const cases = [
  ['gmm', gmm],
  ['hmm', hmm],
  ['fa', fa],
  ['poismix', poismix],
  ['mixlogit', mixlogit],
  ['mvn_missing', mvnMissing],
] as const;

describe('the LANGUAGE.md models, built and parsed', () => {
  it.each(cases)('%s: the builder makes the parsed tree', (name, build) => {
    const { path, text } = readLanguageModel(name);
    expectSameTree(build(), text, path);
  });

  it.each(cases)('%s: the printed builder model parses back to the same tree', (_name, build) => {
    const built = build();
    expectSameTree(built, printModel(built));
  });

  it.each(cases)('%s: node ids are unique within the built tree', (_name, build) => {
    const ids: number[] = [];
    JSON.stringify(build(), (key, value) => {
      if (key === 'id') ids.push(value as number);
      return value;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a changed builder model no longer matches (the comparison is not vacuous)', () => {
    const { text } = readLanguageModel('gmm');
    const other = model('gmm', (m) => {
      const [N, D] = m.sizes('N', 'D');
      m.size('K', 3);
      m.data('x', [N], real(D));
    });
    expect(stripLocations(other)).not.toEqual(stripLocations(parseText(text)));
  });
});
