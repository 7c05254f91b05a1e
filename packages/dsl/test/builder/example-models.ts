/** Some of the models in examples/, written with the builder (compared with their text in a test). */
import type { Model } from '../../src/index.js';
import { add, cat, cov, div, model, positive, prob, real, simplex, sub } from '../../src/index.js';

export const exampleModels: Record<string, () => Model> = {
  'old-faithful-gmm': () =>
    model('old_faithful_gmm', (m) => {
      const [N, D] = m.sizes('N', 'D');
      const K = m.size('K', 2);
      const x = m.data('x', [N], real(D));
      const weights = m.param('weights', simplex(K));
      const mu = m.param('mu', [K], real(D));
      const Sigma = m.param('Sigma', [K], cov(D));
      const z = m.latent('z', [N], cat(K));
      m.for('n', N, (n) => {
        m.sample(z.at(n), m.dist.Categorical(weights));
        m.sample(x.at(n), m.dist.MvNormal(mu.at(z.at(n)), Sigma.at(z.at(n))));
      });
    }),

  'hmm-dishonest-casino': () =>
    model('dishonest_casino', (m) => {
      const S = m.size('S');
      const T = m.ragged('T', S);
      const K = m.size('K', 2);
      const M = m.size('M', 6);
      const y = m.data('y', [S, T], cat(M));
      const init = m.param('init', simplex(K));
      const trans = m.param('trans', [K], simplex(K));
      const emit = m.param('emit', [K], simplex(M));
      const die = m.latent('die', [S, T], cat(K));
      m.for('s', S, (s) => {
        m.sample(die.at(s, 0), m.dist.Categorical(init));
        m.forRange('t', 1, T.at(s), (t) => m.sample(die.at(s, t), m.dist.Categorical(trans.at(die.at(s, t.sub(1))))));
        m.for('t', T.at(s), (t) => m.sample(y.at(s, t), m.dist.Categorical(emit.at(die.at(s, t)))));
      });
    }),

  'genetic-linkage': () =>
    model('genetic_linkage', (m) => {
      const N = m.size('N');
      const y = m.data('y', [N], cat(4));
      const theta = m.param('theta', prob);
      const q = sub(1, theta).div(4);
      m.for('n', N, (n) => {
        m.sample(y.at(n), m.dist.Categorical([add(0.5, div(theta, 4)), q, q, div(theta, 4)]));
      });
    }),

  'genetic-linkage-em': () =>
    model('genetic_linkage_em', (m) => {
      const N = m.size('N');
      const J = m.size('J', 5);
      const C = m.size('C', 4);
      const y = m.data('y', [N], cat(C));
      const merge = m.data('merge', [J], simplex(C));
      const theta = m.param('theta', prob);
      const z = m.latent('z', [N], cat(J));
      const q = sub(1, theta).div(4);
      m.for('n', N, (n) => {
        m.sample(z.at(n), m.dist.Categorical([0.5, theta.div(4), q, q, theta.div(4)]));
        m.sample(y.at(n), m.dist.Categorical(merge.at(z.at(n))));
      });
    }),

  'student-t-scale-mixture': () =>
    model('student_t_scale_mixture', (m) => {
      const [N, D] = m.sizes('N', 'D');
      const nu = m.data('nu', positive);
      const x = m.data('x', [N], real(D));
      const mu = m.param('mu', real(D));
      const Sigma = m.param('Sigma', cov(D));
      const u = m.latent('u', [N], positive);
      m.for('n', N, (n) => {
        m.sample(u.at(n), m.dist.Gamma(nu.div(2), nu.div(2)));
        m.sample(x.at(n), m.dist.MvNormal(mu, Sigma.div(u.at(n))));
      });
    }),
};
