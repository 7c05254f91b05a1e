/**
 * Discrete mixtures against independent references (test/peers/discrete, see its README): for
 * the Poisson, Bernoulli (latent class), Binomial and categorical (polytomous latent class)
 * fixtures, emforge's best of 10 restarts (fixed seed) must reach the log-likelihood of the
 * reference's best of 50 restarts (a plain numpy EM; flexmix agrees with it where it has the
 * model) to 1e-6 relative, with the label-matched parameters within 1e-4. Both log-likelihoods
 * are the full observed-data ones with every constant (−log x! for Poisson, log C(n, x) for
 * Binomial), so they are compared as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { lowerFitProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitModel, root } from './fit-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are plain JSON
type Json = any;
type Nested = number | Nested[];

const dir = new URL('test/peers/discrete/', root);
const readJson = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8'));
const model = (file: string) => readFileSync(new URL(`test/fit/models/${file}`, root), 'utf8');

interface Case {
  name: string;
  model: string;
  /** The emforge param holding the component parameters, and the fixture's key for them. */
  param: string;
  key: string;
  /** The fixture's label order (its notes.label_order). */
  order: 'ascending' | 'descending weight';
  data: (fixture: Json) => Record<string, unknown>;
}

const allCases: Case[] = [
  {
    name: 'poisson_k3',
    model: model('poisson-mixture.em'),
    param: 'rate',
    key: 'rates',
    order: 'ascending',
    data: (f) => ({ x: f.data.x }),
  },
  {
    name: 'bernoulli_k3',
    model: model('latent-class-bernoulli.em'),
    param: 'prob',
    key: 'probs',
    order: 'descending weight',
    data: (f) => ({ x: f.data.x }),
  },
  {
    name: 'binomial_k3',
    model: model('binomial-mixture.em'),
    param: 'prob',
    key: 'probs',
    order: 'ascending',
    data: (f) => ({ x: f.data.x, trials: f.data.trials }),
  },
  {
    name: 'categorical_k3',
    model: model('latent-class-categorical.em'),
    param: 'prob',
    key: 'probs',
    order: 'descending weight',
    data: (f) => ({ x: f.data.x }),
  },
];
const cases = allCases.filter((c) => existsSync(new URL(`${c.name}.json`, dir)));

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
/** max |a − b| / max(1, |b|) entrywise: absolute for probabilities, relative for large rates. */
function maxDiff(got: Nested, want: Nested): number {
  const a = flat(got);
  const b = flat(want);
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
}

/** The component order the fixture uses: by the (scalar) component parameter, or by descending weight. */
function labelOrder(c: Case, weights: number[], components: Nested[]): number[] {
  const idx = weights.map((_, k) => k);
  if (c.order === 'ascending') return idx.sort((a, b) => (components[a] as number) - (components[b] as number));
  return idx.sort((a, b) => weights[b]! - weights[a]!);
}

describe.skipIf(cases.length === 0)('discrete mixtures vs references (test/peers/discrete)', () => {
  it.each(cases)('$name: best of 10 restarts reaches the reference', (c) => {
    const fixture = readJson(new URL(`${c.name}.json`, dir));
    const result = fitModel(c.model, c.data(fixture), { restarts: 10, seed: 20240601, tol: 1e-13, maxIter: 20000 });
    const best = fixture.best;
    expect(
      Math.abs(result.logLik - best.loglik) / Math.abs(best.loglik),
      `${result.logLik} vs ${best.loglik}`,
    ).toBeLessThan(1e-6);
    expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);

    const weights = result.params.weights as number[];
    const components = result.params[c.param] as Nested[];
    expect(weights).toHaveLength(fixture.k);
    const order = labelOrder(c, weights, components);
    const dw = maxDiff(
      order.map((k) => weights[k]!),
      best.weights,
    );
    const dp = maxDiff(
      order.map((k) => components[k]!),
      best[c.key],
    );
    expect(dw, 'weights').toBeLessThan(1e-4);
    expect(dp, c.param).toBeLessThan(1e-4);

    // flexmix, where it has the model, reached the same optimum.
    const flexmixFile = new URL(`${c.name}.flexmix.json`, dir);
    if (existsSync(flexmixFile)) {
      const flexmix = readJson(flexmixFile);
      expect(Math.abs(result.logLik - flexmix.best.loglik) / Math.abs(flexmix.best.loglik)).toBeLessThan(1e-6);
    }
  });
});

describe('Categorical items in an inner loop', () => {
  const base = (observe: string) => `model lca {
  size N, J
  size K = 2
  size C = 3
  data   x[N][J]: cat[C]
  param  weights: simplex[K]
  ${observe.includes('prob') ? 'param  prob[K][J]: simplex[C]' : ''}
  ${observe.includes('shared') ? 'param  shared[K]: simplex[C]' : ''}
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    for j in J { ${observe} }
  }
}`;
  const lowered = (text: string) => lowerFitProgram(planSource(new SourceFile('model.em', text)));

  it('reads x[n] and prob[z[n]] whole and runs the kernel over the items', () => {
    const program = lowered(base('x[n][j] ~ Categorical(prob[z[n]][j])')).value;
    expect(program?.factors[1]?.child).toEqual({ kind: 'data', name: 'x', atItem: true, selectors: [] });
    expect(program?.factors[1]?.args[0]?.source).toEqual({ kind: 'param', name: 'prob', selectors: ['z'] });
  });

  it('matches a hand computation of the log-likelihood', () => {
    const x = [
      [0, 2],
      [1, 1],
      [2, 0],
    ];
    const weights = [0.3, 0.7];
    const prob = [
      [
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
      ],
      [
        [0.1, 0.1, 0.8],
        [0.25, 0.25, 0.5],
      ],
    ];
    const r = fitModel(
      base('x[n][j] ~ Categorical(prob[z[n]][j])'),
      { x },
      { init: { weights, prob }, maxIter: 0, restarts: 1 },
    );
    const want = x.reduce(
      (acc, row) =>
        acc + Math.log(weights.reduce((s, w, k) => s + w * row.reduce((p, c, j) => p * prob[k]![j]![c]!, 1), 0)),
      0,
    );
    expect(r.history[0]).toBeCloseTo(want, 12);
  });

  const poisson = (loop: string) => `model pm {
  size N, J
  size K = 2
  data   c[N][J]: count
  param  weights: simplex[K]
  param  r[K][J]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(weights)
    ${loop}
  }
}`;

  it.each([
    [base('x[n][j] ~ Categorical(shared[z[n]])'), 'does not depend on the inner loop index'],
    [base('x[n][j] ~ Categorical([0.2, 0.3, 0.5])'), 'does not depend on the inner loop index'],
    [poisson('for j in J { c[n][j] ~ Poisson(r[z[n]][j]) }'), 'only Categorical observations'],
  ])('refuses an inner loop the runtime cannot vectorise (%#) with E5001', (text, why) => {
    const result = lowered(text);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E5001']);
    expect(result.diagnostics[0]?.message).toContain(why);
  });
});
